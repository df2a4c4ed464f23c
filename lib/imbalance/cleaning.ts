/** Cleaning under-samplers that remove samples near the class boundary: TomekLinks, EditedNearestNeighbours. */
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, selectRows, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import { samplingStrategyRule, type SamplingStrategy } from "./sampling-strategy.js";
import { InputError } from "../core/errors.js";


export interface TomekLinksOptions {
  samplingStrategy?: SamplingStrategy;
}

const TOMEK_RULES = { samplingStrategy: samplingStrategyRule } as const satisfies RulesFor<TomekLinksOptions>;
const TOMEK_DEFAULTS = { samplingStrategy: "auto" } as const satisfies Required<TomekLinksOptions>;

/**
 * Removes the member of each Tomek link (a pair of mutual nearest neighbours from different classes) that
 * belongs to a targeted class; by default every class but the minority. Kept rows stay in their order.
 * @example new TomekLinks().fitResample(X, y)
 */
export class TomekLinks extends BaseSampler<TomekLinksOptions> {
  protected readonly samplingType = "clean-sampling" as const;
  get rules() {
    return TOMEK_RULES;
  }
  get defaults() {
    return TOMEK_DEFAULTS;
  }

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

/** TomekLinks' rules, plus the neighbourhood's. */
const ENN_RULES = { ...TOMEK_RULES, nNeighbors: { kind: "int", min: 1 }, kindSel: { kind: "enum", values: ["all", "mode"] } } as const satisfies RulesFor<EditedNearestNeighboursOptions>;
const ENN_DEFAULTS = { ...TOMEK_DEFAULTS, nNeighbors: 3, kindSel: "all" } as const satisfies Required<EditedNearestNeighboursOptions>;

/**
 * Removes samples of the targeted classes whose neighbourhood disagrees with their label.
 * Rows come out grouped by class, in class order.
 */
export class EditedNearestNeighbours extends BaseSampler<EditedNearestNeighboursOptions> {
  protected readonly samplingType = "clean-sampling" as const;
  get rules() {
    return ENN_RULES;
  }
  get defaults() {
    return ENN_DEFAULTS;
  }

  protected resample({ X, y, counts, strategy }: ResampleInput): ResampleOutput {
    const k = this.getParams().nNeighbors;
    if (k >= X.rows) throw new InputError(`nNeighbors=${k} must be smaller than the number of samples (${X.rows}).`);
    const nn = kneighbors(X.data, X.rows, X.data, X.rows, X.cols, k, true).indices;
    const mode = this.getParams().kindSel === "mode";
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

registerModel("TomekLinks", TomekLinks);
registerModel("EditedNearestNeighbours", EditedNearestNeighbours, { testParams: (): OptionsOf<typeof EditedNearestNeighbours> => ({ nNeighbors: 3 }) });
