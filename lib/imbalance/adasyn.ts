/** ADASYN: SMOTE that generates more samples where the minority class is harder to learn. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import { samplingStrategyRule, type SamplingStrategy } from "./sampling-strategy.js";
import { checkNeighbours } from "./smote.js";
import { Growing, gatherRows } from "./smote-core.js";

export interface ADASYNOptions {
  samplingStrategy?: SamplingStrategy;
  nNeighbors?: number;
  randomState?: RandomState;
}

/** Round half to even, as numpy.rint. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const RULES = { samplingStrategy: samplingStrategyRule, nNeighbors: { kind: "int", min: 1 }, randomState: { kind: "randomState" } } as const satisfies RulesFor<ADASYNOptions>;
const DEFAULTS = { samplingStrategy: "auto", nNeighbors: 5, randomState: null } as const satisfies Required<ADASYNOptions>;

/**
 * Each minority sample gets a share of the new samples proportional to the fraction of its nNeighbors nearest
 * neighbours (in the whole data) from other classes, rounded half to even as imbalanced-learn does; the samples
 * are interpolated towards random same-class neighbours.
 */
export class ADASYN extends BaseSampler<ADASYNOptions> {
  protected readonly samplingType = "over-sampling" as const;
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }

  protected resample({ X, y, classes, strategy }: ResampleInput): ResampleOutput {
    const rng = checkRandomState(this.getParams().randomState);
    const k = this.getParams().nNeighbors;
    const out = new Growing(X.cols);
    for (const [c, nWanted] of strategy) {
      if (nWanted === 0) continue;
      const members = classIndices(y, c);
      const Xc = gatherRows(X.data, X.cols, members);
      const nnAll = kneighbors(X.data, X.rows, Xc, members.length, X.cols, k + 1, false).indices;
      const ratio = Array.from(members, (self, r) => {
        let others = 0;
        let seen = 0;
        for (let j = 0; j <= k && seen < k; j++) {
          const v = nnAll[r * (k + 1) + j]!;
          if (v === self) continue;
          seen++;
          if (y[v] !== c) others++;
        }
        return others / k;
      });
      const total = ratio.reduce((a, b) => a + b, 0);
      if (total === 0) throw new InputError(`No neighbour of class ${String(classes[c])} belongs to another class: ADASYN would divide by zero. ADASYN is not suited for this data; use SMOTE instead.`);
      const perSample = ratio.map((r) => rint((r / total) * nWanted));
      const n = perSample.reduce((a, b) => a + b, 0);
      if (n === 0) throw new InputError("No samples will be generated with the provided ratio settings.");
      checkNeighbours(k, members.length, classes[c]!);
      const nn = kneighbors(Xc, members.length, Xc, members.length, X.cols, k, true).indices;
      const block = new Float64Array(n * X.cols);
      let s = 0;
      perSample.forEach((count, a) => {
        for (let t = 0; t < count; t++, s++) {
          const b = nn[a * k + rng.randint(k)]!;
          const u = rng.random();
          for (let j = 0; j < X.cols; j++) {
            const x = Xc[a * X.cols + j]!;
            block[s * X.cols + j] = x + u * (Xc[b * X.cols + j]! - x);
          }
        }
      });
      out.add(block, c);
    }
    return out.finish(X, y);
  }
}

registerModel("ADASYN", ADASYN, { testParams: (): OptionsOf<typeof ADASYN> => ({ nNeighbors: 3, randomState: 0 }) });
