/** scikit-learn's HistGradientBoostingClassifier and HistGradientBoostingRegressor. */
import type { Rules } from "../../core/params.js";
import { applyClassWeight, BaseClassifier, BaseRegressor, softmaxRows, type Matrix } from "../base.js";
import { registerModel } from "../serialize.js";
import { boost, HGB_RULES, rawPredict, type BoostingState, type HistGradientBoostingOptions } from "./boosting.js";

export type { HistGradientBoostingOptions } from "./boosting.js";

export interface HistGradientBoostingClassifierOptions extends HistGradientBoostingOptions {
  /** "log_loss" (binary or multinomial by the number of classes). */
  loss?: "log_loss";
  classWeight?: "balanced" | Record<string, number> | null;
}

/**
 * Gradient boosting on binned features (one byte per value), LightGBM-style, with scikit-learn's defaults.
 * @example new HistGradientBoostingClassifier({ maxIter: 100, randomState: 0 }).fit(X, y).predictProba(XTest)
 */
export class HistGradientBoostingClassifier extends BaseClassifier<HistGradientBoostingClassifierOptions> {
  protected readonly rules: Rules = {
    ...HGB_RULES,
    loss: { kind: "enum", values: ["log_loss"] },
    classWeight: [{ kind: "enum", values: ["balanced", null] }, { kind: "custom", describe: "a map of class to weight", test: (v) => typeof v === "object" && v !== null }],
  };
  protected override readonly allowNaN = true;
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
    const w = applyClassWeight(this.options.classWeight, y, this.classes_!, sw);
    this.state_ = boost(X, y, k <= 2 ? "binary" : "multinomial", k, w, this.options);
  }

  /** Raw scores: the log-odds for two classes, one score per class otherwise. */
  decisionDense(X: Matrix): Float64Array {
    return rawPredict(this.state_!, X);
  }

  decisionFunction(X: unknown): Float64Array {
    return this.decisionDense(this.checkPredictX(X, false).matrix);
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

/**
 * Histogram gradient boosting for regression (squared error).
 * @example new HistGradientBoostingRegressor({ randomState: 0 }).fit(X, y).predict(X)
 */
export class HistGradientBoostingRegressor extends BaseRegressor<HistGradientBoostingRegressorOptions> {
  protected readonly rules: Rules = { ...HGB_RULES, loss: { kind: "enum", values: ["squared_error"] } };
  protected override readonly allowNaN = true;
  state_?: BoostingState;

  get nIter_(): number | undefined {
    return this.state_?.nIter;
  }

  protected fitTargets(X: Matrix, y: Float64Array, sw: Float64Array | undefined): void {
    this.state_ = boost(X, y, "squared_error", 1, sw, this.options);
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

registerModel("HistGradientBoostingClassifier", HistGradientBoostingClassifier);
registerModel("HistGradientBoostingRegressor", HistGradientBoostingRegressor);
