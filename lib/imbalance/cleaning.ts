/** Cleaning under-samplers that remove samples near the class boundary: TomekLinks, EditedNearestNeighbours. */
import type { Rules } from "../core/params.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, selectRows, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import type { SamplingStrategy } from "./sampling-strategy.js";
import { InputError } from "../core/errors.js";

const strategyRule = { kind: "custom", describe: "a sampling strategy", test: () => true } as const;

export interface TomekLinksOptions {
  samplingStrategy?: SamplingStrategy;
}

/**
 * Removes the member of each Tomek link (a pair of mutual nearest neighbours from different classes) that
 * belongs to a targeted class; by default every class but the minority. Kept rows stay in their order.
 * @example new TomekLinks().fitResample(X, y)
 */
export class TomekLinks extends BaseSampler<TomekLinksOptions> {
  protected readonly samplingType = "clean-sampling" as const;
  protected readonly rules: Rules = { samplingStrategy: strategyRule };

  protected resample({ X, y, strategy }: ResampleInput): ResampleOutput {
    const nn = kneighbors(X.data, X.rows, X.data, X.rows, X.cols, 1, true).indices;
    const keep: number[] = [];
    for (let i = 0; i < X.rows; i++) {
      const j = nn[i]!;
      const linked = y[j] !== y[i] && nn[j] === i;
      if (!(linked && strategy.has(y[i]!))) keep.push(i);
    }
    return selectRows(X, y, Int32Array.from(keep));
  }
}

export interface EditedNearestNeighboursOptions {
  samplingStrategy?: SamplingStrategy;
  nNeighbors?: number;
  /** "all": keep a sample only if all its neighbours share its class; "mode": if most do. */
  kindSel?: "all" | "mode";
}

/**
 * Removes samples of the targeted classes whose neighbourhood disagrees with their label.
 * Rows come out grouped by class, in class order.
 */
export class EditedNearestNeighbours extends BaseSampler<EditedNearestNeighboursOptions> {
  protected readonly samplingType = "clean-sampling" as const;
  protected readonly rules: Rules = { samplingStrategy: strategyRule, nNeighbors: { kind: "int", min: 1 }, kindSel: { kind: "enum", values: ["all", "mode"] } };

  protected resample({ X, y, counts, strategy }: ResampleInput): ResampleOutput {
    const k = this.options.nNeighbors ?? 3;
    if (k >= X.rows) throw new InputError(`nNeighbors=${k} must be smaller than the number of samples (${X.rows}).`);
    const nn = kneighbors(X.data, X.rows, X.data, X.rows, X.cols, k, true).indices;
    const mode = (this.options.kindSel ?? "all") === "mode";
    const keep: number[] = [];
    const votes = new Int32Array(counts.length);
    for (let c = 0; c < counts.length; c++) {
      const members = classIndices(y, c);
      if (!strategy.has(c)) {
        keep.push(...members);
        continue;
      }
      for (const i of members) {
        let same = 0;
        votes.fill(0);
        for (let j = 0; j < k; j++) {
          const label = y[nn[i * k + j]!]!;
          votes[label]!++;
          if (label === c) same++;
        }
        if (mode) {
          // scipy's mode: the most frequent label, the smallest on ties.
          let best = 0;
          for (let l = 1; l < votes.length; l++) if (votes[l]! > votes[best]!) best = l;
          if (best === c) keep.push(i);
        } else if (same === k) keep.push(i);
      }
    }
    return selectRows(X, y, Int32Array.from(keep));
  }
}
