/** BorderlineSMOTE: SMOTE from the minority samples "in danger", i.e. near the decision border. */
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import type { SamplingStrategy } from "./sampling-strategy.js";
import { checkNeighbours, SMOTE_DEFAULTS, SMOTE_RULES } from "./smote.js";
import { Growing, gatherRows, makeSamples } from "./smote-core.js";

export interface BorderlineSMOTEOptions {
  samplingStrategy?: SamplingStrategy;
  kNeighbors?: number;
  mNeighbors?: number;
  kind?: "borderline-1" | "borderline-2";
  randomState?: RandomState;
}

/** SMOTE's rules, plus the danger neighbourhood and the variant. */
const RULES = { ...SMOTE_RULES, mNeighbors: { kind: "int", min: 1 }, kind: { kind: "enum", values: ["borderline-1", "borderline-2"] } } as const satisfies RulesFor<BorderlineSMOTEOptions>;
const DEFAULTS = { ...SMOTE_DEFAULTS, mNeighbors: 10, kind: "borderline-1" } as const satisfies Required<BorderlineSMOTEOptions>;

/**
 * A minority sample is in danger when at least half, but not all, of its mNeighbors nearest neighbours
 * (in the whole data) belong to other classes. Borderline-1 interpolates from those samples towards their k
 * nearest same-class neighbours; borderline-2 (Han et al. 2005) towards their k nearest neighbours of any
 * class, stepping at most half-way when the neighbour is of another class.
 */
export class BorderlineSMOTE extends BaseSampler<BorderlineSMOTEOptions> {
  protected readonly samplingType = "over-sampling" as const;
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  /** Original row indices of the samples in danger, per class label (imbalanced-learn's in_danger_indices). */
  inDangerIndices_?: Map<unknown, Int32Array>;

  protected resample({ X, y, classes, strategy }: ResampleInput): ResampleOutput {
    const rng = checkRandomState(this.getParams().randomState);
    const k = this.getParams().kNeighbors;
    const m = this.getParams().mNeighbors;
    const out = new Growing(X.cols);
    this.inDangerIndices_ = new Map();
    // Neighbours in the whole data, each sample itself excluded: computed once for every class.
    const nnAll = kneighbors(X.data, X.rows, X.data, X.rows, X.cols, m, true).indices;
    for (const [c, n] of strategy) {
      if (n === 0) continue;
      const members = classIndices(y, c);
      const Xc = gatherRows(X.data, X.cols, members);
      const danger = Array.from(members).flatMap((i, r) => {
        let others = 0;
        for (let j = 0; j < m; j++) if (y[nnAll[i * m + j]!] !== c) others++;
        return others >= m / 2 && others < m ? [r] : [];
      });
      if (danger.length === 0) continue;
      this.inDangerIndices_.set(classes[c], Int32Array.from(danger, (r) => members[r]!));
      const seeds = gatherRows(Xc, X.cols, danger);
      if (this.getParams().kind === "borderline-1") {
        checkNeighbours(k, members.length, classes[c]!);
        const nn = kneighbors(Xc, members.length, seeds, danger.length, X.cols, k + 1, false).indices;
        // Drop each seed's own row (its nearest point) to keep k same-class neighbours.
        const nns = dropSelf(nn, danger, k);
        out.add(makeSamples(seeds, danger.length, Xc, nns, k, X.cols, n, rng).data, c);
      } else {
        const seedRows = danger.map((r) => members[r]!);
        const block = new Float64Array(n * X.cols);
        for (let s = 0; s < n; s++) {
          const a = rng.randint(seedRows.length);
          const b = nnAll[seedRows[a]! * m + rng.randint(Math.min(k, m))]!;
          const step = (y[b] === c ? 1 : 0.5) * rng.random();
          for (let j = 0; j < X.cols; j++) {
            const x = X.data[seedRows[a]! * X.cols + j]!;
            block[s * X.cols + j] = x + step * (X.data[b * X.cols + j]! - x);
          }
        }
        out.add(block, c);
      }
    }
    return out.finish(X, y);
  }
}

/** From k+1 neighbours per seed (the seed itself among them), the k others. */
function dropSelf(nn: Int32Array, selfRows: number[], k: number): Int32Array {
  const out = new Int32Array(selfRows.length * k);
  selfRows.forEach((self, r) => {
    let w = 0;
    for (let j = 0; j <= k && w < k; j++) {
      const v = nn[r * (k + 1) + j]!;
      if (v !== self) out[r * k + w++] = v;
    }
  });
  return out;
}

registerModel("BorderlineSMOTE", BorderlineSMOTE, { testParams: (): OptionsOf<typeof BorderlineSMOTE> => ({ kNeighbors: 3, mNeighbors: 6, randomState: 0 }) });
