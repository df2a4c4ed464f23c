/** Over-sampling followed by cleaning: SMOTETomek and SMOTEENN. */
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import type { RandomState } from "../core/random.js";
import { BaseSampler, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import { EditedNearestNeighbours, TomekLinks } from "./cleaning.js";
import { samplingStrategyRule, type SamplingStrategy } from "./sampling-strategy.js";
import { SMOTE } from "./smote.js";

export interface CombineOptions {
  samplingStrategy?: SamplingStrategy;
  randomState?: RandomState;
  /** The over-sampler (null: SMOTE with this sampling strategy and random state). */
  smote?: SMOTE | null;
}

const RULES = {
  samplingStrategy: samplingStrategyRule,
  randomState: { kind: "randomState" },
  smote: [{ kind: "custom", describe: "a SMOTE instance", test: (v) => v instanceof SMOTE }, { kind: "enum", values: [null] }],
} as const satisfies RulesFor<CombineOptions>;
const DEFAULTS = { samplingStrategy: "auto", randomState: null, smote: null } as const satisfies Required<CombineOptions>;

function run(options: Required<CombineOptions>, cleaner: BaseSampler<{ samplingStrategy?: SamplingStrategy }>, input: ResampleInput): ResampleOutput {
  const smote = options.smote ?? new SMOTE({ samplingStrategy: options.samplingStrategy, randomState: options.randomState });
  const over = smote.fitResample(input.X, input.y);
  const clean = cleaner.fitResample(over.X, over.y);
  return { X: clean.X, y: clean.y };
}

/** SMOTE, then remove Tomek links from every class (imbalanced-learn's SMOTETomek). */
export class SMOTETomek extends BaseSampler<CombineOptions> {
  protected readonly samplingType = "over-sampling" as const;
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  protected resample(input: ResampleInput): ResampleOutput {
    return run(this.getParams(), new TomekLinks({ samplingStrategy: "all" }), input);
  }
}

/** SMOTE, then edited nearest neighbours on every class (imbalanced-learn's SMOTEENN). */
export class SMOTEENN extends BaseSampler<CombineOptions> {
  protected readonly samplingType = "over-sampling" as const;
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  protected resample(input: ResampleInput): ResampleOutput {
    return run(this.getParams(), new EditedNearestNeighbours({ samplingStrategy: "all" }), input);
  }
}

registerModel("SMOTETomek", SMOTETomek, { testParams: (): OptionsOf<typeof SMOTETomek> => ({ smote: new SMOTE({ kNeighbors: 3, randomState: 0 }) }) });
registerModel("SMOTEENN", SMOTEENN, { testParams: (): OptionsOf<typeof SMOTEENN> => ({ smote: new SMOTE({ kNeighbors: 3, randomState: 0 }) }) });
