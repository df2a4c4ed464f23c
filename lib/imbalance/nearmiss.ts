/** NearMiss (versions 1–3): under-sampling that keeps the majority samples nearest to (or farthest from) the minority. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, minorityClass, selectRows, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import { samplingStrategyRule, type SamplingStrategy } from "./sampling-strategy.js";
import { gatherRows } from "./smote-core.js";

export interface NearMissOptions {
  samplingStrategy?: SamplingStrategy;
  version?: 1 | 2 | 3;
  nNeighbors?: number;
  nNeighborsVer3?: number;
}

const RULES = { samplingStrategy: samplingStrategyRule, version: { kind: "enum", values: [1, 2, 3] }, nNeighbors: { kind: "int", min: 1 }, nNeighborsVer3: { kind: "int", min: 1 } } as const satisfies RulesFor<NearMissOptions>;
const DEFAULTS = { samplingStrategy: "auto", version: 1, nNeighbors: 3, nNeighborsVer3: 3 } as const satisfies Required<NearMissOptions>;

/**
 * Version 1 keeps the samples with the smallest mean distance to their nNeighbors nearest minority samples;
 * version 2, to their nNeighbors farthest minority samples; version 3 first keeps, for each minority sample,
 * its nNeighborsVer3 nearest samples of the class, then those whose nearest minority samples are farthest.
 * The selection and its ties follow imbalanced-learn.
 */
export class NearMiss extends BaseSampler<NearMissOptions> {
  protected readonly samplingType = "under-sampling" as const;
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }

  protected resample({ X, y, counts, strategy }: ResampleInput): ResampleOutput {
    const version = this.getParams().version;
    const k = this.getParams().nNeighbors;
    const k3 = this.getParams().nNeighborsVer3;
    const minIdx = classIndices(y, minorityClass(counts));
    const Xmin = gatherRows(X.data, X.cols, minIdx);
    if (k > minIdx.length) throw new InputError(`nNeighbors=${k} is larger than the minority class (${minIdx.length} samples).`);
    const keep: number[] = [];
    for (let c = 0; c < counts.length; c++) {
      const members = classIndices(y, c);
      const n = strategy.get(c);
      if (n === undefined) {
        keep.push(...members);
        continue;
      }
      const Xc = gatherRows(X.data, X.cols, members);
      // Score each candidate by the summed distance to the chosen minority neighbours.
      const score = (rows: Float64Array, nRows: number, kk: number, lastK: number) => {
        const d = kneighbors(Xmin, minIdx.length, rows, nRows, X.cols, kk, false).distances;
        return Float64Array.from({ length: nRows }, (_, r) => {
          let s = 0;
          for (let j = kk - lastK; j < kk; j++) s += d[r * kk + j]!;
          return s;
        });
      };
      let chosen: number[];
      if (version === 1 || version === 2) {
        const kk = version === 1 ? k : minIdx.length;
        const s = score(Xc, members.length, kk, k);
        chosen = pick(s, n, "nearest").map((r) => members[r]!);
      } else {
        const near = kneighbors(Xc, members.length, Xmin, minIdx.length, X.cols, Math.min(k3, members.length), false).indices;
        const candidates = [...new Set(near)].sort((a, b) => a - b);
        const s = score(gatherRows(Xc, X.cols, candidates), candidates.length, k, k);
        chosen = pick(s, n, "farthest").map((r) => members[candidates[r]!]!);
      }
      keep.push(...chosen);
    }
    return selectRows(X, y, Int32Array.from(keep));
  }
}

/** The first n of the scores sorted (a stable sort, as Python's sorted, also in reverse). */
function pick(score: Float64Array, n: number, way: "nearest" | "farthest"): number[] {
  const order = Array.from(score.keys());
  order.sort((a, b) => (way === "nearest" ? score[a]! - score[b]! : score[b]! - score[a]!) || a - b);
  return order.slice(0, n);
}

registerModel("NearMiss", NearMiss, { testParams: (): OptionsOf<typeof NearMiss> => ({ version: 1, nNeighbors: 3 }) });
