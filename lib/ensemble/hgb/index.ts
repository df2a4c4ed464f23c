/** scikit-learn's HistGradientBoostingClassifier and HistGradientBoostingRegressor. */
import type { RulesFor } from "../../core/params.js";
import { applyClassWeight, BaseClassifier, BaseRegressor, classWeightRule, softmaxRows, type Matrix } from "../../core/supervised.js";
import { registerModel, type OptionsOf } from "../../core/serialize.js";
import { boost, HGB_DEFAULTS, HGB_RULES, rawPredict, type BoostingState, type HistGradientBoostingOptions } from "./boosting.js";

export type { HistGradientBoostingOptions } from "./boosting.js";

export interface HistGradientBoostingClassifierOptions extends HistGradientBoostingOptions {
  /** "log_loss" (binary or multinomial by the number of classes). */
  loss?: "log_loss";
  classWeight?: "balanced" | Record<string, number> | null;
}

const CLASSIFIER_RULES = { ...HGB_RULES, loss: { kind: "enum", values: ["log_loss"] }, classWeight: classWeightRule } as const satisfies RulesFor<HistGradientBoostingClassifierOptions>;
const CLASSIFIER_DEFAULTS = { ...HGB_DEFAULTS, loss: "log_loss", classWeight: null } as const satisfies Required<HistGradientBoostingClassifierOptions>;

/**
 * Gradient boosting on binned features (one byte per value), LightGBM-style, with scikit-learn's defaults.
 * @example new HistGradientBoostingClassifier({ maxIter: 100, randomState: 0 }).fit(X, y).predictProba(XTest)
 */
export class HistGradientBoostingClassifier extends BaseClassifier<HistGradientBoostingClassifierOptions> {
  get rules() {
    return CLASSIFIER_RULES;
  }
  get defaults() {
    return CLASSIFIER_DEFAULTS;
  }
  // NaN takes the missing-value bin; ±Infinity falls in the end bins, as scikit-learn's binning does.
  protected override readonly finiteness = "allow-all";
  state_?: BoostingState;

  /** Iterations run (fewer than maxIter when early stopping fired). */
  get nIter_(): number | undefined {
    return this.state_?.nIter;
  }
  get trainScore_(): Float64Array | undefined {
    return this.state_?.trainScore;
  }
  get validationScore_(): Float64Array | undefined {
    return this.state_?.validationScore;
  }

  protected fitCodes(X: Matrix, y: Int32Array, k: number, sw: Float64Array | undefined): void {
    const p = this.getParams();
    const w = applyClassWeight(p.classWeight, y, this.classes_!, sw);
    this.state_ = boost(X, y, k <= 2 ? "binary" : "multinomial", k, w, p);
  }

  /** Raw scores: the log-odds for two classes, one score per class otherwise. */
  decisionDense(X: Matrix): Float64Array {
    return rawPredict(this.state_!, X);
  }

  decisionFunction(X: unknown): Float64Array {
    return this.decisionDense(this.checkPredictX(X, this.finiteness).matrix);
  }

  probaDense(X: Matrix): Float64Array {
    const k = this.classes_!.length;
    const raw = this.decisionDense(X);
    if (k > 2) return softmaxRows(raw, X.rows, k);
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]!));
      if (k === 1) out[i] = 1;
      else {
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      }
    }
    return out;
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), state_: this.state_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.state_ = state.state_ as BoostingState;
  }
}

export interface HistGradientBoostingRegressorOptions extends HistGradientBoostingOptions {
  loss?: "squared_error";
}

const REGRESSOR_RULES = { ...HGB_RULES, loss: { kind: "enum", values: ["squared_error"] } } as const satisfies RulesFor<HistGradientBoostingRegressorOptions>;
const REGRESSOR_DEFAULTS = { ...HGB_DEFAULTS, loss: "squared_error" } as const satisfies Required<HistGradientBoostingRegressorOptions>;

/**
 * Histogram gradient boosting for regression (squared error).
 * @example new HistGradientBoostingRegressor({ randomState: 0 }).fit(X, y).predict(X)
 */
export class HistGradientBoostingRegressor extends BaseRegressor<HistGradientBoostingRegressorOptions> {
  get rules() {
    return REGRESSOR_RULES;
  }
  get defaults() {
    return REGRESSOR_DEFAULTS;
  }
  protected override readonly finiteness = "allow-all";
  state_?: BoostingState;

  get nIter_(): number | undefined {
    return this.state_?.nIter;
  }

  protected fitTargets(X: Matrix, y: Float64Array, sw: Float64Array | undefined): void {
    this.state_ = boost(X, y, "squared_error", 1, sw, this.getParams());
  }

  predictDense(X: Matrix): Float64Array {
    return rawPredict(this.state_!, X);
  }

  protected override getState(): Record<string, unknown> {
    return { state_: this.state_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.state_ = state.state_ as BoostingState;
  }
}

registerModel("HistGradientBoostingClassifier", HistGradientBoostingClassifier, { testParams: (): OptionsOf<typeof HistGradientBoostingClassifier> => ({ maxIter: 10, minSamplesLeaf: 5, randomState: 0 }), tags: { allowNaN: true } });
registerModel("HistGradientBoostingRegressor", HistGradientBoostingRegressor, { testParams: (): OptionsOf<typeof HistGradientBoostingRegressor> => ({ maxIter: 10, minSamplesLeaf: 5, randomState: 0 }), tags: { allowNaN: true } });
