/**
 * imbalanced-learn's BalancedBaggingClassifier and BalancedRandomForestClassifier: every member sees a sample
 * under-sampled to balance (RandomUnderSampler's rules), so no member is swamped by the majority class.
 */
import type { RulesFor } from "../core/params.js";
import type { Random } from "../core/random.js";
import type { Label } from "../core/validation.js";
import { checkSamplingStrategy, samplingStrategyRule, type SamplingStrategy } from "../imbalance/sampling-strategy.js";
import type { Matrix } from "../core/supervised.js";
import { BaggingClassifierBase, BAGGING_DEFAULTS, BAGGING_RULES, type BaggingClassifierOptions } from "./bagging.js";
import { ForestClassifier, FOREST_CLASSIFIER_DEFAULTS, FOREST_CLASSIFIER_RULES, type RandomForestClassifierOptions } from "./forest.js";
import { bincount, countOf, draw } from "./members.js";
import type { Presorted } from "./presort.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";

/** The under-sampler's options, shared by both balanced ensembles. */
interface SamplerOptions {
  samplingStrategy?: SamplingStrategy;
  /** Under-sample with replacement. */
  replacement?: boolean;
}

const SAMPLER_RULES = { samplingStrategy: samplingStrategyRule, replacement: { kind: "bool" } } as const satisfies RulesFor<SamplerOptions>;
const SAMPLER_DEFAULTS = { samplingStrategy: "auto", replacement: false } as const satisfies Required<SamplerOptions>;

/**
 * RandomUnderSampler over a subset of rows (repeats allowed): returns the rows kept. Strategies are worked out
 * on the classes present in the subset, so a bootstrap sample that misses a class still balances the others.
 */
export function underSampleRows(rows: Int32Array, y: Int32Array, classes: Label[], strategy: SamplingStrategy, replacement: boolean, rng: Random, owner: string): Int32Array {
  const counts = new Int32Array(classes.length);
  for (const i of rows) counts[y[i]!]!++;
  const present = [...counts.keys()].filter((c) => counts[c]! > 0);
  if (present.length < 2) return rows;
  const targets = checkSamplingStrategy(strategy, Int32Array.from(present, (c) => counts[c]!), present.map((c) => classes[c]!), "under-sampling", owner);
  const byClass = new Map<number, number[]>();
  for (const i of rows) {
    const list = byClass.get(y[i]!) ?? [];
    list.push(i);
    byClass.set(y[i]!, list);
  }
  const keep: number[] = [];
  present.forEach((c, p) => {
    const members = byClass.get(c)!;
    const n = targets.get(p);
    if (n === undefined) keep.push(...members);
    else for (const k of draw(rng, members.length, n, replacement)) keep.push(members[k]!);
  });
  return Int32Array.from(keep);
}

export interface BalancedBaggingOptions extends BaggingClassifierOptions, SamplerOptions {}

/**
 * Bagging where each bootstrap sample is under-sampled before its member is fitted.
 * @example new BalancedBaggingClassifier({ nEstimators: 10, randomState: 0 }).fit(X, y).predictProba(XTest)
 */
export class BalancedBaggingClassifier extends BaggingClassifierBase<BalancedBaggingOptions> {
  get rules() {
    return BALANCED_BAGGING_RULES;
  }
  get defaults() {
    return BALANCED_BAGGING_DEFAULTS;
  }

  /** imbalanced-learn's pipeline order: the bagging draw first, then the sampler on what was drawn. */
  protected override memberSamples(drawn: Int32Array, y: Int32Array, rng: Random): Int32Array {
    const p = this.getParams();
    return underSampleRows(drawn, y, this.classes_!, p.samplingStrategy, p.replacement, rng, this.constructor.name);
  }
}

const BALANCED_BAGGING_RULES = { ...BAGGING_RULES, ...SAMPLER_RULES } as const satisfies RulesFor<BalancedBaggingOptions>;
const BALANCED_BAGGING_DEFAULTS = { ...BAGGING_DEFAULTS, ...SAMPLER_DEFAULTS } as const satisfies Required<BalancedBaggingOptions>;

export interface BalancedRandomForestOptions extends RandomForestClassifierOptions, SamplerOptions {}

const BALANCED_FOREST_RULES = { ...FOREST_CLASSIFIER_RULES, ...SAMPLER_RULES } as const satisfies RulesFor<BalancedRandomForestOptions>;
const BALANCED_FOREST_DEFAULTS = { ...FOREST_CLASSIFIER_DEFAULTS, ...SAMPLER_DEFAULTS } as const satisfies Required<BalancedRandomForestOptions>;

/**
 * A random forest whose trees each grow on a balanced under-sample (then bootstrapped), as imbalanced-learn's.
 * @example new BalancedRandomForestClassifier({ nEstimators: 100, randomState: 0 }).fit(X, y)
 */
export class BalancedRandomForestClassifier extends ForestClassifier<BalancedRandomForestOptions> {
  get rules() {
    return BALANCED_FOREST_RULES;
  }
  get defaults() {
    return BALANCED_FOREST_DEFAULTS;
  }

  protected override memberWeights(rng: Random, X: Matrix, y: Int32Array, _pre: Presorted): { weight: Float64Array; samples: Int32Array | null } {
    const all = Int32Array.from({ length: X.rows }, (_, i) => i);
    const p = this.getParams();
    const kept = underSampleRows(all, y, this.classes_!, p.samplingStrategy, p.replacement, rng, this.constructor.name);
    if (!p.bootstrap) return { weight: bincount(kept, X.rows), samples: kept };
    const size = p.maxSamples === null ? kept.length : countOf(p.maxSamples, kept.length);
    const samples = Int32Array.from(draw(rng, kept.length, size, true), (k) => kept[k]!);
    return { weight: bincount(samples, X.rows), samples };
  }
}

registerModel("BalancedBaggingClassifier", BalancedBaggingClassifier, { testParams: (): OptionsOf<typeof BalancedBaggingClassifier> => ({ nEstimators: 4, randomState: 0 }) });
registerModel("BalancedRandomForestClassifier", BalancedRandomForestClassifier, { testParams: (): OptionsOf<typeof BalancedRandomForestClassifier> => ({ nEstimators: 5, maxDepth: 5, randomState: 0 }) });
