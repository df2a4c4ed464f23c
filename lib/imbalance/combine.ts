/** Over-sampling followed by cleaning: SMOTETomek and SMOTEENN. */
import type { Rules } from "../core/params.js";
import type { RandomState } from "../core/random.js";
import { BaseSampler, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import { EditedNearestNeighbours, TomekLinks } from "./cleaning.js";
import type { SamplingStrategy } from "./sampling-strategy.js";
import { SMOTE } from "./smote.js";

export interface CombineOptions {
  samplingStrategy?: SamplingStrategy;
  randomState?: RandomState;
  /** The over-sampler (default: SMOTE with this sampling strategy and random state). */
  smote?: SMOTE;
}

const rules: Rules = {
  samplingStrategy: { kind: "custom", describe: "a sampling strategy", test: () => true },
  randomState: { kind: "randomState" },
  smote: { kind: "custom", describe: "a SMOTE instance", test: (v) => v instanceof SMOTE },
};

function run(options: CombineOptions, cleaner: BaseSampler<{ samplingStrategy?: SamplingStrategy }>, input: ResampleInput): ResampleOutput {
  const smote = options.smote ?? new SMOTE({ ...(options.samplingStrategy !== undefined ? { samplingStrategy: options.samplingStrategy } : {}), ...(options.randomState !== undefined ? { randomState: options.randomState } : {}) });
  const over = smote.fitResample(input.X, input.y);
  const clean = cleaner.fitResample(over.X, over.y);
  return { X: clean.X, y: clean.y };
}

/** SMOTE, then remove Tomek links from every class (imbalanced-learn's SMOTETomek). */
export class SMOTETomek extends BaseSampler<CombineOptions> {
  protected readonly samplingType = "over-sampling" as const;
  protected readonly rules = rules;
  protected resample(input: ResampleInput): ResampleOutput {
    return run(this.options, new TomekLinks({ samplingStrategy: "all" }), input);
  }
}

/** SMOTE, then edited nearest neighbours on every class (imbalanced-learn's SMOTEENN). */
export class SMOTEENN extends BaseSampler<CombineOptions> {
  protected readonly samplingType = "over-sampling" as const;
  protected readonly rules = rules;
  protected resample(input: ResampleInput): ResampleOutput {
    return run(this.options, new EditedNearestNeighbours({ samplingStrategy: "all" }), input);
  }
}
