/**
 * imbalanced-learn's BalancedBaggingClassifier and BalancedRandomForestClassifier: every member sees a sample
 * under-sampled to balance (RandomUnderSampler's rules), so no member is swamped by the majority class.
 */
import type { Rules } from "../core/params.js";
import type { Random } from "../core/random.js";
import type { Label } from "../core/validation.js";
import { checkSamplingStrategy, type SamplingStrategy } from "../imbalance/sampling-strategy.js";
import type { BaseClassifier, Matrix } from "./base.js";
import { BaggingClassifier, BAGGING_RULES, type BaggingOptions } from "./bagging.js";
import { RandomForestClassifier, FOREST_RULES, type RandomForestOptions } from "./forest.js";
import { bincount, countOf, draw } from "./members.js";
import type { Presorted } from "./presort.js";
import { registerModel } from "./serialize.js";

const SAMPLER_RULES: Rules = {
  samplingStrategy: { kind: "custom", describe: "a sampling strategy", test: () => true },
  replacement: { kind: "bool" },
};

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

export interface BalancedBaggingOptions extends BaggingOptions<BaseClassifier<object>> {
  samplingStrategy?: SamplingStrategy;
  /** Under-sample with replacement. */
  replacement?: boolean;
}

/**
 * Bagging where each bootstrap sample is under-sampled before its member is fitted.
 * @example new BalancedBaggingClassifier({ nEstimators: 10, randomState: 0 }).fit(X, y).predictProba(XTest)
 */
export class BalancedBaggingClassifier extends BaggingClassifier {
  protected override readonly rules: Rules = { ...BAGGING_RULES, ...SAMPLER_RULES };
  declare readonly options: BalancedBaggingOptions;

  constructor(options: BalancedBaggingOptions = {}) {
    super(options);
  }

  /** imbalanced-learn's pipeline order: the bagging draw first, then the sampler on what was drawn. */
  protected override memberSamples(drawn: Int32Array, y: Int32Array, rng: Random): Int32Array {
    return underSampleRows(drawn, y, this.classes_!, this.options.samplingStrategy ?? "auto", this.options.replacement ?? false, rng, this.constructor.name);
  }
}

export interface BalancedRandomForestOptions extends RandomForestOptions {
  samplingStrategy?: SamplingStrategy;
  replacement?: boolean;
}

/**
 * A random forest whose trees each grow on a balanced under-sample (then bootstrapped), as imbalanced-learn's.
 * @example new BalancedRandomForestClassifier({ nEstimators: 100, randomState: 0 }).fit(X, y)
 */
export class BalancedRandomForestClassifier extends RandomForestClassifier {
  protected override readonly rules: Rules = { ...FOREST_RULES, ...SAMPLER_RULES };
  declare readonly options: BalancedRandomForestOptions;

  constructor(options: BalancedRandomForestOptions = {}) {
    super(options);
  }

  protected override memberWeights(rng: Random, X: Matrix, y: Int32Array, _pre: Presorted): { weight: Float64Array; samples: Int32Array | null } {
    const all = Int32Array.from({ length: X.rows }, (_, i) => i);
    const kept = underSampleRows(all, y, this.classes_!, this.options.samplingStrategy ?? "auto", this.options.replacement ?? false, rng, this.constructor.name);
    if (!(this.options.bootstrap ?? true)) return { weight: bincount(kept, X.rows), samples: kept };
    const size = this.options.maxSamples == null ? kept.length : countOf(this.options.maxSamples, kept.length);
    const samples = Int32Array.from(draw(rng, kept.length, size, true), (k) => kept[k]!);
    return { weight: bincount(samples, X.rows), samples };
  }
}

registerModel("BalancedBaggingClassifier", BalancedBaggingClassifier);
registerModel("BalancedRandomForestClassifier", BalancedRandomForestClassifier);
