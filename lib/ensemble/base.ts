/**
 * The estimator contract shared by every model in lib/ensemble: options stored by the constructor, validated by
 * `fit`, fitted state in `_`-suffixed fields, outputs in the caller's container kind, JSON save and load.
 */
import { createRequire } from "node:module";
import { InputError, NotFittedError } from "../core/errors.js";
import { validateParams, type Rules } from "../core/params.js";
import { checkArray, checkLabels, restoreLabels, type CheckedLabels, type CheckedMatrix, type Label } from "../core/validation.js";
import { encode, type ModelJSON } from "./serialize.js";

const require = createRequire(import.meta.url);

/** Row-major float64 matrix, the working format inside the library. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export abstract class BaseEstimator<O extends object> {
  readonly options: O;
  /** Number of features seen by `fit`. */
  nFeaturesIn_?: number;
  protected abstract readonly rules: Rules;

  constructor(options: O = {} as O) {
    // A copy: setParams must not write into the caller's object.
    this.options = { ...options };
  }

  /** The options this estimator was built with. */
  getParams(): O {
    return { ...this.options };
  }

  /** Changes options (validated at the next `fit`); unknown names are refused now. */
  setParams(params: Partial<O>): this {
    for (const k of Object.keys(params)) {
      if (!(k in this.rules)) throw new InputError(`${this.constructor.name} got an unknown parameter '${k}'. Valid parameters are: ${Object.keys(this.rules).join(", ")}.`);
    }
    Object.assign(this.options, params);
    return this;
  }

  /**
   * An unfitted copy with its own seed drawn from `rng` when it takes a `randomState` (ensemble members:
   * each gets a different but reproducible stream).
   */
  seededClone(rng: { nextUint32(): number }): this {
    const member = this.clone();
    if ("randomState" in this.rules) member.setParams({ randomState: rng.nextUint32() } as unknown as Partial<O>);
    return member;
  }

  /** An unfitted copy with the same options (scikit-learn's `clone`). */
  clone(): this {
    const Ctor = this.constructor as new (o: O) => this;
    return new Ctor(this.getParams());
  }

  protected validate(): void {
    validateParams(this.constructor.name, this.rules, this.options as Record<string, unknown>);
  }

  protected isFitted(): boolean {
    return this.nFeaturesIn_ !== undefined;
  }

  protected checkFitted(): void {
    if (!this.isFitted()) throw new NotFittedError(this.constructor.name);
  }

  /** Reads `X` for prediction: fitted, and with the feature count seen in `fit`. */
  protected checkPredictX(X: unknown, finite = true): CheckedMatrix {
    this.checkFitted();
    const cx = checkArray(X, "X", { finite });
    if (cx.matrix.cols !== this.nFeaturesIn_) {
      throw new InputError(`X has ${cx.matrix.cols} features, but ${this.constructor.name} is expecting ${this.nFeaturesIn_} features as input.`);
    }
    return cx;
  }

  /** The fitted state to save; `setState` reads it back. */
  protected abstract getState(): Record<string, unknown>;
  abstract setState(state: Record<string, unknown>): void;

  /** JSON for `loadModel`; `JSON.stringify(model)` calls this. */
  toJSON(): ModelJSON {
    return { format: "mlsd-model", version: 1, type: this.constructor.name, options: encode(this.options), state: this.isFitted() ? encode({ nFeaturesIn_: this.nFeaturesIn_, ...this.getState() }) : null };
  }
}

/** A matrix result in the kind of the input: number[][] for arrays, a tensor for tensors, else a dense matrix. */
export function matrixOut(data: Float64Array, rows: number, cols: number, like: CheckedMatrix): unknown {
  if (like.kind === "array") {
    const out: number[][] = new Array(rows);
    for (let i = 0; i < rows; i++) out[i] = Array.from(data.subarray(i * cols, (i + 1) * cols));
    return out;
  }
  if (like.kind === "tensor") {
    const tf = require("@tensorflow/tfjs") as { tensor2d(d: Float32Array, s: [number, number]): unknown };
    return tf.tensor2d(Float32Array.from(data), [rows, cols]);
  }
  return { data, rows, cols };
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

/**
 * Classifiers: `fit(X, y, sampleWeight?)`, `predictProba`, `predict`, `score`. Subclasses implement `fitEncoded`
 * (labels as class indices) and `probaDense`, which ensembles call directly to skip re-validation.
 */
export abstract class BaseClassifier<O extends object> extends BaseEstimator<O> {
  classes_?: Label[];
  protected labelsLike?: Pick<CheckedLabels, "classes" | "kind" | "typedCtor">;
  /** Whether X may hold NaN (missing values) at fit and predict time. */
  protected readonly allowNaN: boolean = false;

  /**
   * Learns from `X` and labels `y`; returns `this`.
   * @example new DecisionTreeClassifier({ maxDepth: 3 }).fit(X, y).predict(X)
   */
  fit(X: unknown, y: unknown, sampleWeight?: unknown): this {
    this.validate();
    const cx = checkArray(X, "X", { finite: !this.allowNaN });
    if (this.allowNaN) rejectInfinite(cx);
    const cy = checkLabels(y, "y", cx.matrix.rows);
    const sw = checkSampleWeight(sampleWeight, cx.matrix.rows);
    this.labelsLike = { classes: cy.classes, kind: cy.kind, typedCtor: cy.typedCtor };
    this.fitEncoded(cx.matrix, cy.codes, cy.classes, sw);
    return this;
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

  /** Class probabilities, one row per sample, columns in `classes_` order. */
  predictProba(X: unknown): unknown {
    const cx = this.checkPredictX(X, !this.allowNaN);
    return matrixOut(this.probaDense(cx.matrix), cx.matrix.rows, this.classes_!.length, cx);
  }

  /** Class index per row, the argmax of `probaDense` unless a subclass knows better. */
  predictCodes(X: Matrix): Int32Array {
    return argmaxRows(this.probaDense(X), X.rows, this.classes_!.length);
  }

  /** Predicted labels, in the label kind `fit` saw. */
  predict(X: unknown): unknown {
    const cx = this.checkPredictX(X, !this.allowNaN);
    return restoreLabels(this.predictCodes(cx.matrix), { ...this.labelsLike!, codes: new Int32Array(0) } as CheckedLabels);
  }

  /** Mean accuracy on `X`, `y`. */
  score(X: unknown, y: unknown): number {
    const cx = this.checkPredictX(X, !this.allowNaN);
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
    this.labelsLike = { classes: this.classes_, kind: (state.labelsKind as "array" | "typed") ?? "array", typedCtor: ctor as CheckedLabels["typedCtor"] };
  }
}

/** Regressors: `fit(X, y, sampleWeight?)`, `predict`, `score` (R²). */
export abstract class BaseRegressor<O extends object> extends BaseEstimator<O> {
  protected readonly allowNaN: boolean = false;

  /** Learns from `X` and targets `y`; returns `this`. @example new DecisionTreeRegressor().fit(X, y) */
  fit(X: unknown, y: unknown, sampleWeight?: unknown): this {
    this.validate();
    const cx = checkArray(X, "X", { finite: !this.allowNaN });
    if (this.allowNaN) rejectInfinite(cx);
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

  /** Predictions, a number[] for array input, else a Float64Array. */
  predict(X: unknown): number[] | Float64Array {
    const cx = this.checkPredictX(X, !this.allowNaN);
    return vectorOut(this.predictDense(cx.matrix), cx);
  }

  /** Coefficient of determination R² on `X`, `y`. */
  score(X: unknown, y: unknown): number {
    const cx = this.checkPredictX(X, !this.allowNaN);
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

function rejectInfinite(cx: CheckedMatrix): void {
  const { data, cols } = cx.matrix;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (v === Infinity || v === -Infinity) throw new InputError(`X contains infinity at row ${Math.floor(k / cols)}, column ${k % cols}; only NaN (missing) is allowed besides finite values.`);
  }
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
