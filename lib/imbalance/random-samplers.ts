/** RandomOverSampler and RandomUnderSampler: duplicate or drop samples at random, per class. */
import { checkRandomState, type RandomState } from "../core/random.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { BaseSampler, classIndices, selectRows, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import { samplingStrategyRule, type SamplingStrategy } from "./sampling-strategy.js";

export interface RandomOverSamplerOptions {
  samplingStrategy?: SamplingStrategy;
  randomState?: RandomState;
}

const OVER_RULES = { samplingStrategy: samplingStrategyRule, randomState: { kind: "randomState" } } as const satisfies RulesFor<RandomOverSamplerOptions>;
const OVER_DEFAULTS = { samplingStrategy: "auto", randomState: null } as const satisfies Required<RandomOverSamplerOptions>;

/**
 * Over-samples by drawing each class's samples again, uniformly with replacement; new rows follow the originals.
 * @example new RandomOverSampler({ randomState: 0 }).fitResample(X, y)
 */
export class RandomOverSampler extends BaseSampler<RandomOverSamplerOptions> {
  protected readonly samplingType = "over-sampling" as const;
  // Rows are only copied, never computed on: NaN and infinity are kept as they are (as imbalanced-learn does).
  protected override readonly finiteness = "allow-all";
  get rules() {
    return OVER_RULES;
  }
  get defaults() {
    return OVER_DEFAULTS;
  }

  protected resample({ X, y, strategy }: ResampleInput): ResampleOutput {
    const rng = checkRandomState(this.getParams().randomState);
    const picks: number[] = Array.from(y.keys());
    for (const [c, n] of strategy) {
      const members = classIndices(y, c);
      for (let k = 0; k < n; k++) picks.push(members[rng.randint(members.length)]!);
    }
    return selectRows(X, y, Int32Array.from(picks));
  }
}

export interface RandomUnderSamplerOptions {
  samplingStrategy?: SamplingStrategy;
  randomState?: RandomState;
  replacement?: boolean;
}

/** RandomOverSampler's rules, plus `replacement`. */
const UNDER_RULES = { ...OVER_RULES, replacement: { kind: "bool" } } as const satisfies RulesFor<RandomUnderSamplerOptions>;
const UNDER_DEFAULTS = { ...OVER_DEFAULTS, replacement: false } as const satisfies Required<RandomUnderSamplerOptions>;

/**
 * Under-samples each targeted class to its count by drawing without replacement; other classes are kept whole.
 * Rows come out grouped by class, in class order (as imbalanced-learn does).
 */
export class RandomUnderSampler extends BaseSampler<RandomUnderSamplerOptions> {
  protected readonly samplingType = "under-sampling" as const;
  protected override readonly finiteness = "allow-all";
  get rules() {
    return UNDER_RULES;
  }
  get defaults() {
    return UNDER_DEFAULTS;
  }

  protected resample({ X, y, counts, strategy }: ResampleInput): ResampleOutput {
    const { randomState, replacement } = this.getParams();
    const rng = checkRandomState(randomState);
    const keep: number[] = [];
    for (let c = 0; c < counts.length; c++) {
      const members = classIndices(y, c);
      const n = strategy.get(c);
      if (n === undefined) {
        keep.push(...members);
      } else if (replacement) {
        for (let k = 0; k < n; k++) keep.push(members[rng.randint(members.length)]!);
      } else {
        // Partial Fisher-Yates: the first n of a random permutation, then in original order.
        const pool = Array.from(members);
        for (let k = 0; k < n; k++) {
          const j = k + rng.randint(pool.length - k);
          [pool[k], pool[j]] = [pool[j]!, pool[k]!];
        }
        keep.push(...pool.slice(0, n).sort((a, b) => a - b));
      }
    }
    return selectRows(X, y, Int32Array.from(keep));
  }
}

registerModel("RandomOverSampler", RandomOverSampler, { testParams: (): OptionsOf<typeof RandomOverSampler> => ({ randomState: 0 }), tags: { allowNaN: true } });
registerModel("RandomUnderSampler", RandomUnderSampler, { testParams: (): OptionsOf<typeof RandomUnderSampler> => ({ randomState: 0 }), tags: { allowNaN: true } });
