/** scikit-learn's DummyClassifier and DummyRegressor: the baselines every model must beat. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import type { Label } from "../core/validation.js";
import { BaseClassifier, BaseRegressor, type Matrix } from "../core/supervised.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";

export interface DummyClassifierOptions {
  /** "prior" (default), "most_frequent", "stratified", "uniform" or "constant". */
  strategy?: "most_frequent" | "prior" | "stratified" | "uniform" | "constant";
  /** The label predicted by strategy "constant". */
  constant?: Label | null;
  /** Seeds "stratified" and "uniform"; each predict call starts from it again, as scikit-learn does. */
  randomState?: RandomState;
}

const CLASSIFIER_RULES = {
  strategy: { kind: "enum", values: ["most_frequent", "prior", "stratified", "uniform", "constant"] },
  constant: [{ kind: "custom", describe: "a label (number or string)", test: (v) => typeof v === "number" || typeof v === "string" }, { kind: "enum", values: [null] }],
  randomState: { kind: "randomState" },
} as const satisfies RulesFor<DummyClassifierOptions>;
const CLASSIFIER_DEFAULTS = { strategy: "prior", constant: null, randomState: null } as const satisfies Required<DummyClassifierOptions>;

/**
 * Predicts without looking at the features.
 * @example new DummyClassifier({ strategy: "most_frequent" }).fit(X, y).score(XTest, yTest) // the accuracy to beat
 */
export class DummyClassifier extends BaseClassifier<DummyClassifierOptions> {
  get rules() {
    return CLASSIFIER_RULES;
  }
  get defaults() {
    return CLASSIFIER_DEFAULTS;
  }
  // The features are never read, so non-finite values in them are no error (as in scikit-learn).
  protected override readonly finiteness = "allow-all";
  /** Weighted class frequencies seen in fit. */
  classPrior_?: Float64Array;

  protected fitCodes(_X: Matrix, y: Int32Array, nClasses: number, sampleWeight: Float64Array | undefined): void {
    const prior = new Float64Array(nClasses);
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const w = sampleWeight ? sampleWeight[i]! : 1;
      prior[y[i]!]! += w;
      total += w;
    }
    for (let c = 0; c < nClasses; c++) prior[c]! /= total;
    this.classPrior_ = prior;
    const { strategy, constant } = this.getParams();
    if (strategy === "constant") {
      if (constant === null) throw new InputError("DummyClassifier with strategy 'constant' needs the 'constant' option (the label to predict).");
      if (!this.classes_!.includes(constant)) {
        throw new InputError(`The constant target value must be present in the training data. You provided constant=${String(constant)}. Possible values are: [${this.classes_!.join(", ")}].`);
      }
    }
  }

  private mode(): number {
    const p = this.classPrior_!;
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    return best;
  }

  probaDense(X: Matrix): Float64Array {
    const k = this.classes_!.length;
    const out = new Float64Array(X.rows * k);
    const { strategy, constant, randomState } = this.getParams();
    const rng = checkRandomState(randomState);
    for (let i = 0; i < X.rows; i++) {
      if (strategy === "prior") out.set(this.classPrior_!, i * k);
      else if (strategy === "uniform") out.fill(1 / k, i * k, (i + 1) * k);
      else if (strategy === "stratified") out[i * k + sampleClass(this.classPrior_!, rng.random())] = 1;
      else if (strategy === "constant") out[i * k + this.classes_!.indexOf(constant!)] = 1;
      else out[i * k + this.mode()] = 1;
    }
    return out;
  }

  override predictCodes(X: Matrix): Int32Array {
    const { strategy, randomState } = this.getParams();
    if (strategy !== "uniform") return super.predictCodes(X);
    const rng = checkRandomState(randomState);
    const k = this.classes_!.length;
    return Int32Array.from({ length: X.rows }, () => rng.randint(k));
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), classPrior_: this.classPrior_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.classPrior_ = state.classPrior_ as Float64Array;
  }
}

function sampleClass(prior: Float64Array, u: number): number {
  let acc = 0;
  for (let c = 0; c < prior.length; c++) {
    acc += prior[c]!;
    if (u < acc) return c;
  }
  return prior.length - 1;
}

export interface DummyRegressorOptions {
  /** "mean" (default), "median", "quantile" or "constant". */
  strategy?: "mean" | "median" | "quantile" | "constant";
  /** In [0, 1], for strategy "quantile". */
  quantile?: number | null;
  constant?: number | null;
}

const REGRESSOR_RULES = {
  strategy: { kind: "enum", values: ["mean", "median", "quantile", "constant"] },
  quantile: [{ kind: "float", min: 0, max: 1 }, { kind: "enum", values: [null] }],
  constant: [{ kind: "float" }, { kind: "enum", values: [null] }],
} as const satisfies RulesFor<DummyRegressorOptions>;
const REGRESSOR_DEFAULTS = { strategy: "mean", quantile: null, constant: null } as const satisfies Required<DummyRegressorOptions>;

/**
 * Predicts one number learned from the targets alone.
 * @example new DummyRegressor({ strategy: "median" }).fit(X, y).predict(X)
 */
export class DummyRegressor extends BaseRegressor<DummyRegressorOptions> {
  get rules() {
    return REGRESSOR_RULES;
  }
  get defaults() {
    return REGRESSOR_DEFAULTS;
  }
  protected override readonly finiteness = "allow-all";
  constant_?: number;

  protected fitTargets(_X: Matrix, y: Float64Array, sampleWeight: Float64Array | undefined): void {
    const { strategy, constant, quantile: q0 } = this.getParams();
    if (strategy === "mean") {
      let s = 0;
      let w = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = sampleWeight ? sampleWeight[i]! : 1;
        s += wi * y[i]!;
        w += wi;
      }
      this.constant_ = s / w;
    } else if (strategy === "constant") {
      if (constant === null) throw new InputError("DummyRegressor with strategy 'constant' needs the 'constant' option.");
      this.constant_ = constant;
    } else {
      const q = strategy === "median" ? 0.5 : q0;
      if (q === null) throw new InputError("DummyRegressor with strategy 'quantile' needs the 'quantile' option in [0, 1].");
      this.constant_ = sampleWeight ? weightedPercentile(y, sampleWeight, q * 100) : quantile(y, q);
    }
  }

  predictDense(X: Matrix): Float64Array {
    return new Float64Array(X.rows).fill(this.constant_!);
  }

  protected override getState(): Record<string, unknown> {
    return { constant_: this.constant_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.constant_ = state.constant_ as number;
  }
}

/** numpy's default (linear) quantile. */
function quantile(y: Float64Array, q: number): number {
  const s = Float64Array.from(y).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/** scikit-learn's _weighted_percentile: the smallest value whose cumulative weight reaches the percentile. */
function weightedPercentile(y: Float64Array, w: Float64Array, percentile: number): number {
  const idx = Array.from(y.keys()).sort((a, b) => y[a]! - y[b]!);
  let total = 0;
  for (const v of w) total += v;
  const target = (percentile / 100) * total;
  let acc = 0;
  for (const i of idx) {
    acc += w[i]!;
    if (acc >= target) return y[i]!;
  }
  return y[idx[idx.length - 1]!]!;
}

registerModel("DummyClassifier", DummyClassifier, { testParams: (): OptionsOf<typeof DummyClassifier> => ({ strategy: "stratified", randomState: 0 }), tags: { allowNaN: true } });
registerModel("DummyRegressor", DummyRegressor, { testParams: (): OptionsOf<typeof DummyRegressor> => ({ strategy: "mean" }), tags: { allowNaN: true, sampleWeightEquivalence: "close" } });
