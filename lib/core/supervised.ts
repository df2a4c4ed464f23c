/**
 * Classifiers and regressors on top of `BaseEstimator`: `fit(X, y, sampleWeight?)` validates and returns
 * `this`; `predict`, `predictProba` and `score` check the fitted state and the feature count, and give
 * results in the caller's kinds (typed by input kind and, for classifiers, by the labels `fit` saw).
 */
import { InputError } from "./errors.js";
export type { Matrix } from "./estimator.js";
import { BaseEstimator, checkFeatures, type FiniteMode, type Matrix } from "./estimator.js";
import type { LabelsOut, MatrixOut, VectorOut } from "./kinds.js";
import { checkLabels, restoreLabels, restoreMatrix, type CheckedLabels, type CheckedMatrix, type Label, type LabelsLike, type MatrixLike } from "./validation.js";

/** What `sampleWeight` accepts: one non-negative number per sample. */
export type WeightsLike = readonly number[] | Float64Array | Float32Array | Int32Array | Uint8Array;
/** What regression targets accept. */
export type TargetsLike = readonly number[] | Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array | Uint16Array | Uint32Array | Int8Array;

/** A matrix result in the kind of the input (an Arrow table's columns named `columns`). */
export function matrixOut(data: Float64Array, rows: number, cols: number, like: CheckedMatrix, columns?: readonly string[]): unknown {
  return restoreMatrix({ data, rows, cols }, like, columns ?? Array.from({ length: cols }, (_, j) => String(j)));
}

/** A vector result: a number[] for array inputs, else a Float64Array. */
export function vectorOut(data: Float64Array, like: CheckedMatrix): number[] | Float64Array {
  return like.kind === "array" ? Array.from(data) : data;
}

/** Checks `sampleWeight`: finite, non-negative, one per sample, not all zero. */
export function checkSampleWeight(sampleWeight: unknown, n: number): Float64Array | undefined {
  if (sampleWeight === undefined || sampleWeight === null) return undefined;
  if (!Array.isArray(sampleWeight) && !ArrayBuffer.isView(sampleWeight)) throw new InputError(`sampleWeight must be an array of numbers; got ${typeof sampleWeight}.`);
  const w = Float64Array.from(sampleWeight as ArrayLike<number>);
  if (w.length !== n) throw new InputError(`sampleWeight has ${w.length} values, but X has ${n} samples.`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(w[i]!) || w[i]! < 0) throw new InputError(`sampleWeight[${i}] is ${w[i]}; weights must be finite and non-negative.`);
    total += w[i]!;
  }
  if (total <= 0) throw new InputError("sampleWeight sums to zero; at least one sample needs a positive weight.");
  return w;
}

/** Class weights ("balanced" or a map) as one weight per sample, multiplied into `sampleWeight`. */
export function applyClassWeight(classWeight: unknown, y: Int32Array, classes: readonly Label[], sampleWeight: Float64Array | undefined): Float64Array | undefined {
  if (classWeight === undefined || classWeight === null) return sampleWeight;
  const k = classes.length;
  const perClass = new Float64Array(k).fill(1);
  if (classWeight === "balanced") {
    const counts = new Float64Array(k);
    for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
    for (let c = 0; c < k; c++) perClass[c] = counts[c]! > 0 ? y.length / (k * counts[c]!) : 1;
  } else {
    const map = classWeight instanceof Map ? Object.fromEntries(classWeight) : (classWeight as Record<string, number>);
    for (const [key, v] of Object.entries(map)) {
      const c = classes.findIndex((cl) => String(cl) === key);
      if (c < 0) throw new InputError(`classWeight names class '${key}', which is not in y's classes [${classes.join(", ")}].`);
      if (!(typeof v === "number" && Number.isFinite(v) && v >= 0)) throw new InputError(`classWeight['${key}'] is ${String(v)}; weights must be finite and non-negative.`);
      perClass[c] = v;
    }
  }
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = perClass[y[i]!]! * (sampleWeight ? sampleWeight[i]! : 1);
  return out;
}

/** The rule for a `classWeight` option: "balanced", null, or a map of class to weight. */
export const classWeightRule = [
  { kind: "enum", values: ["balanced", null] },
  { kind: "custom", describe: "a map of class to weight", test: (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((w) => typeof w === "number") },
] as const;

/** What a classifier's `predict` gives once `fit` has seen labels of type `Y`. */
export interface Trained<Y> {
  /** Predicted labels, in the kind `fit` saw. */
  predict<X extends MatrixLike>(X: X): LabelsOut<Y>;
}

/**
 * Classifiers: `fit(X, y, sampleWeight?)`, `predictProba`, `predict`, `score`. Subclasses implement `fitCodes`
 * (labels as class indices) and `probaDense`, which ensembles call directly to skip re-validation.
 */
export abstract class BaseClassifier<O extends object> extends BaseEstimator<O> {
  classes_?: Label[];
  protected labelsLike?: Pick<CheckedLabels, "classes" | "kind" | "typedCtor">;
  /** Which non-finite values X may hold at fit and predict time. */
  protected readonly finiteness: FiniteMode = "finite";

  /**
   * Learns from `X` and labels `y`; returns `this`, typed so that `predict` gives labels of `y`'s kind.
   * @example new DecisionTreeClassifier({ maxDepth: 3 }).fit(X, y).predict(X)
   */
  fit<Y extends LabelsLike>(X: MatrixLike, y: Y, sampleWeight?: WeightsLike | null): Trained<Y> & this {
    this.validate();
    const cx = checkFeatures(X, this.finiteness);
    const cy = checkLabels(y, "y", cx.matrix.rows);
    const sw = checkSampleWeight(sampleWeight, cx.matrix.rows);
    this.labelsLike = { classes: cy.classes, kind: cy.kind, ...(cy.typedCtor ? { typedCtor: cy.typedCtor } : {}) };
    this.fitEncoded(cx.matrix, cy.codes, cy.classes, sw);
    return this as Trained<Y> & this;
  }

  /** Fits on labels already encoded as indices into `classes` (used by ensembles). */
  fitEncoded(X: Matrix, y: Int32Array, classes: Label[], sampleWeight?: Float64Array): this {
    this.classes_ = classes;
    this.labelsLike ??= { classes, kind: "array" };
    this.fitCodes(X, y, classes.length, sampleWeight);
    this.nFeaturesIn_ = X.cols;
    return this;
  }

  protected abstract fitCodes(X: Matrix, y: Int32Array, nClasses: number, sampleWeight: Float64Array | undefined): void;

  /** Class probabilities, row-major rows x nClasses, for a validated matrix. */
  abstract probaDense(X: Matrix): Float64Array;

  /**
   * Class probabilities, one row per sample, columns in `classes_` order, in the kind of `X` (an Arrow
   * table's columns are named by the classes).
   * @example clf.predictProba(XTest)[0] // [0.9, 0.1]
   */
  predictProba<X extends MatrixLike>(X: X): MatrixOut<X> {
    const cx = this.checkPredictX(X, this.finiteness);
    return matrixOut(this.probaDense(cx.matrix), cx.matrix.rows, this.classes_!.length, cx, this.classes_!.map(String)) as MatrixOut<X>;
  }

  /** Class index per row, the argmax of `probaDense` unless a subclass knows better. */
  predictCodes(X: Matrix): Int32Array {
    return argmaxRows(this.probaDense(X), X.rows, this.classes_!.length);
  }

  /** Predicted labels, in the label kind `fit` saw. @example clf.predict(XTest) */
  predict<X extends MatrixLike>(X: X): LabelsOut<LabelsLike> {
    const cx = this.checkPredictX(X, this.finiteness);
    return restoreLabels(this.predictCodes(cx.matrix), { ...this.labelsLike!, codes: new Int32Array(0) }) as LabelsOut<LabelsLike>;
  }

  /** Mean accuracy on `X`, `y`. */
  score(X: MatrixLike, y: LabelsLike): number {
    const cx = this.checkPredictX(X, this.finiteness);
    const pred = this.predictCodes(cx.matrix);
    const truth = checkLabels(y, "y", cx.matrix.rows);
    let hit = 0;
    for (let i = 0; i < pred.length; i++) if (this.classes_![pred[i]!] === truth.classes[truth.codes[i]!]) hit++;
    return hit / pred.length;
  }

  protected override getState(): Record<string, unknown> {
    return { classes_: this.classes_, labelsKind: this.labelsLike?.kind ?? "array", labelsType: this.labelsLike?.typedCtor?.name };
  }

  override setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.classes_ = state.classes_ as Label[];
    const ctor = typeof state.labelsType === "string" ? (globalThis as Record<string, unknown>)[state.labelsType] : undefined;
    this.labelsLike = { classes: this.classes_, kind: (state.labelsKind as "array" | "typed") ?? "array", ...(ctor ? { typedCtor: ctor as CheckedLabels["typedCtor"] } : {}) };
  }
}

/** Regressors: `fit(X, y, sampleWeight?)`, `predict`, `score` (R²). */
export abstract class BaseRegressor<O extends object> extends BaseEstimator<O> {
  protected readonly finiteness: FiniteMode = "finite";

  /** Learns from `X` and targets `y`; returns `this`. @example new DecisionTreeRegressor().fit(X, y) */
  fit(X: MatrixLike, y: TargetsLike, sampleWeight?: WeightsLike | null): this {
    this.validate();
    const cx = checkFeatures(X, this.finiteness);
    const target = checkTargets(y, cx.matrix.rows);
    const sw = checkSampleWeight(sampleWeight, cx.matrix.rows);
    this.fitValues(cx.matrix, target, sw);
    return this;
  }

  /** Fits on a validated matrix and targets (used by ensembles). */
  fitValues(X: Matrix, y: Float64Array, sampleWeight?: Float64Array): this {
    this.fitTargets(X, y, sampleWeight);
    this.nFeaturesIn_ = X.cols;
    return this;
  }

  protected abstract fitTargets(X: Matrix, y: Float64Array, sampleWeight: Float64Array | undefined): void;
  abstract predictDense(X: Matrix): Float64Array;

  /** Predictions, a number[] for array input, else a Float64Array. @example reg.predict(XTest) */
  predict<X extends MatrixLike>(X: X): VectorOut<X> {
    const cx = this.checkPredictX(X, this.finiteness);
    return vectorOut(this.predictDense(cx.matrix), cx) as VectorOut<X>;
  }

  /** Coefficient of determination R² on `X`, `y`. */
  score(X: MatrixLike, y: TargetsLike): number {
    const cx = this.checkPredictX(X, this.finiteness);
    const truth = checkTargets(y, cx.matrix.rows);
    const pred = this.predictDense(cx.matrix);
    let mean = 0;
    for (const v of truth) mean += v;
    mean /= truth.length;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < truth.length; i++) {
      ssRes += (truth[i]! - pred[i]!) ** 2;
      ssTot += (truth[i]! - mean) ** 2;
    }
    return ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }

  protected override getState(): Record<string, unknown> {
    return {};
  }

  override setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
  }
}

/** Regression targets: finite numbers, one per sample. */
export function checkTargets(y: unknown, n: number): Float64Array {
  if (!Array.isArray(y) && !ArrayBuffer.isView(y)) throw new InputError(`y must be an array of numbers; got ${typeof y}.`);
  const values = y as ArrayLike<unknown>;
  if (values.length !== n) throw new InputError(`Found input variables with inconsistent numbers of samples: [${n}, ${values.length}] (X has ${n} rows, y has ${values.length} targets).`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`y[${i}] is ${String(v)}; regression targets must be finite numbers.`);
    out[i] = v;
  }
  return out;
}

/** Index of the largest value in each row (first on ties, as numpy's argmax). */
export function argmaxRows(p: Float64Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bv = p[i * cols]!;
    for (let c = 1; c < cols; c++) {
      const v = p[i * cols + c]!;
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Row-wise softmax of `scores` (rows x k) times `scale`, computed stably (the row maximum subtracted first).
 * @example softmaxRows(Float64Array.of(0, Math.log(3)), 1, 2) // [0.25, 0.75]
 */
export function softmaxRows(scores: Float64Array, rows: number, k: number, scale = 1): Float64Array {
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[i * k + c]! * scale);
    let s = 0;
    for (let c = 0; c < k; c++) s += out[i * k + c] = Math.exp(scores[i * k + c]! * scale - max);
    for (let c = 0; c < k; c++) out[i * k + c]! /= s;
  }
  return out;
}
