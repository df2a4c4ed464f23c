/**
 * scikit-learn 1.3's TargetEncoder (not category_encoders' smoothing): each category becomes a shrunk mean of
 * the target, with smooth "auto" the empirical-Bayes weight n·var(y) / (n·var(y) + var(y | category)), or a
 * fixed `smooth` m: (sum + m·mean(y)) / (n + m). `fit(X, y).transform(X)` encodes with statistics that saw each
 * row's own target; `fitTransform` cross-fits (each fold encoded by the other folds), as scikit-learn does, so
 * the training features carry no leak of their own label.
 */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { registerModel } from "../core/serialize.js";
import { StratifiedKFold } from "../sampling/stratified.js";
import { codesOf, uniqueSorted } from "./categories.js";
import { readTable, restoreFeatures, type Cell, type FeaturesOut, type ReadTable, type TableLike } from "./table.js";
import { BaseTransformer, type TargetLike } from "./transformer.js";

export interface TargetEncoderOptions {
  targetType?: "auto" | "continuous" | "binary";
  smooth?: "auto" | number;
  /** Folds for `fitTransform`'s cross fitting. */
  cv?: number;
  shuffle?: boolean;
  randomState?: RandomState;
}

/** Targets as numbers: binary labels as 0/1 (the second sorted class is 1), continuous values as they are. */
function readTarget(y: unknown, n: number, targetType: TargetEncoderOptions["targetType"]): { values: Float64Array; type: "binary" | "continuous"; classes: (number | string)[] | null } {
  if (y === undefined || y === null) throw new InputError("TargetEncoder.fit: 'y' is required (the target the categories are encoded by); got " + String(y) + ".");
  if (!Array.isArray(y) && !ArrayBuffer.isView(y)) throw new InputError(`TargetEncoder.fit: 'y' must be an array of numbers or labels; got ${typeof y}.`);
  const arr = Array.from(y as ArrayLike<unknown>);
  if (arr.length !== n) throw new InputError(`Found input variables with inconsistent numbers of samples: [${n}, ${arr.length}].`);
  arr.forEach((v, i) => {
    if (!(typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) throw new InputError(`TargetEncoder.fit: y[${i}] must be a finite number or a string; got ${String(v)}.`);
  });
  const classes = [...new Set(arr as (number | string)[])].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1));
  const numeric = arr.every((v) => typeof v === "number");
  // scikit-learn's type_of_target: two values are binary; non-integer numbers are continuous; more integers are multiclass.
  const inferred = classes.length <= 2 ? "binary" : numeric && (arr as number[]).some((v) => !Number.isInteger(v)) ? "continuous" : "multiclass";
  const type = targetType === "auto" ? inferred : targetType!;
  if (type === "multiclass") throw new InputError(`TargetEncoder: the target has ${classes.length} classes; scikit-learn 1.3's TargetEncoder takes binary or continuous targets only.`);
  if (type === "continuous") {
    if (!numeric) throw new InputError("TargetEncoder: targetType 'continuous' needs numeric y; got strings.");
    return { values: Float64Array.from(arr as number[]), type, classes: null };
  }
  if (classes.length > 2) throw new InputError(`TargetEncoder: targetType 'binary' but y has ${classes.length} distinct values.`);
  return { values: Float64Array.from(arr, (v) => (v === classes[1] ? 1 : 0)), type, classes };
}

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
const variance = (a: Float64Array): number => {
  const m = mean(a);
  return a.reduce((s, v) => s + (v - m) * (v - m), 0) / a.length;
};

/** One column's encoding from training codes and targets (scikit-learn 1.3's _fit_encoding_fast[_auto_smooth]). */
function encodeColumn(codes: Int32Array, y: Float64Array, nCats: number, smooth: "auto" | number, yMean: number, yVar: number): Float64Array {
  const sums = new Float64Array(nCats);
  const counts = new Float64Array(nCats);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < 0) continue;
    sums[c]! += y[i]!;
    counts[c]!++;
  }
  const out = new Float64Array(nCats);
  if (smooth !== "auto") {
    for (let c = 0; c < nCats; c++) out[c] = (sums[c]! + smooth * yMean) / (smooth + counts[c]!);
    return out;
  }
  const means = Float64Array.from(sums, (s, c) => s / counts[c]!);
  const ssd = new Float64Array(nCats);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < 0) continue;
    const d = y[i]! - means[c]!;
    ssd[c]! += d * d;
  }
  for (let c = 0; c < nCats; c++) {
    const lambda = (yVar * counts[c]!) / (yVar * counts[c]! + ssd[c]! / counts[c]!);
    // NaN when the category is absent, or when the target and the category's targets are all constant.
    out[c] = Number.isNaN(lambda) ? yMean : lambda * means[c]! + (1 - lambda) * yMean;
  }
  return out;
}

/** scikit-learn's KFold: (shuffled) indices cut into k consecutive folds, the first n % k one larger. */
function kFoldTests(n: number, k: number, shuffle: boolean, randomState: RandomState): Int32Array[] {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  if (shuffle) checkRandomState(randomState).shuffle(idx);
  const folds: Int32Array[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    folds.push(idx.slice(start, start + size));
    start += size;
  }
  return folds;
}

/**
 * @example new TargetEncoder({ randomState: 0 }).fitTransform(cities, delayed) // cross-fitted encodings
 */
export class TargetEncoder extends BaseTransformer<TargetEncoderOptions> {
  get rules() {
    return {
      targetType: { kind: "enum", values: ["auto", "continuous", "binary"] },
      smooth: [{ kind: "enum", values: ["auto"] }, { kind: "float", min: 0 }],
      cv: { kind: "int", min: 2 },
      shuffle: { kind: "bool" },
      randomState: { kind: "randomState" },
    } as const satisfies RulesFor<TargetEncoderOptions>;
  }
  get defaults() {
    return { targetType: "auto", smooth: "auto", cv: 5, shuffle: true, randomState: null } as const satisfies Required<TargetEncoderOptions>;
  }
  categories_?: Cell[][];
  /** The encoding of each category, per feature, learned on all of the training data. */
  encodings_?: Float64Array[];
  targetMean_?: number;
  targetType_?: "binary" | "continuous";
  classes_?: (number | string)[] | null;
  /** The test indices of each fold `fitTransform` used for cross fitting (not saved: the folds of one call). */
  folds_?: Int32Array[];
  protected readonly stateKeys = ["categories_", "encodings_", "targetMean_", "targetType_", "classes_"] as const;

  protected fitTable(t: ReadTable, y: TargetLike | undefined): void {
    const p = this.getParams();
    const target = readTarget(y, t.rows, p.targetType);
    this.targetType_ = target.type;
    this.classes_ = target.classes;
    this.categories_ = t.columns.map((col, j) => uniqueSorted(col, "TargetEncoder", String(j)));
    const yMean = mean(target.values);
    const yVar = variance(target.values);
    this.targetMean_ = yMean;
    this.encodings_ = t.columns.map((col, j) => encodeColumn(codesOf(col, this.categories_![j]!), target.values, this.categories_![j]!.length, p.smooth, yMean, yVar));
  }

  protected transformTable(t: ReadTable): { data: Float64Array; cols: number } {
    const d = t.cols;
    const out = new Float64Array(t.rows * d);
    t.columns.forEach((col, j) => {
      const codes = codesOf(col, this.categories_![j]!);
      // An unknown category gets the training target's mean (scikit-learn's target_mean_).
      for (let i = 0; i < t.rows; i++) out[i * d + j] = codes[i]! < 0 ? this.targetMean_! : this.encodings_![j]![codes[i]!]!;
    });
    return { data: out, cols: d };
  }

  /**
   * Fits on all of `X` (for later `transform` calls) and returns cross-fitted encodings of `X` itself: each
   * fold's rows encoded from the other folds (StratifiedKFold for a binary target, KFold otherwise), as
   * scikit-learn 1.3's fit_transform. The folds are shuffled by mlsd's `Random`, not numpy's.
   * @example const Xtr = new TargetEncoder({ randomState: 0 }).fitTransform(XTrain, yTrain)
   */
  override fitTransform<X extends TableLike>(X: X, y?: TargetLike): FeaturesOut<X> {
    this.fit(X, y);
    const p = this.getParams();
    const t = readTable(X, "X");
    const target = readTarget(y, t.rows, this.targetType_!);
    if (p.cv > t.rows) throw new InputError(`TargetEncoder: 'cv' is ${p.cv}, but X has only ${t.rows} samples.`);
    const tests = this.targetType_ === "binary"
      ? [...new StratifiedKFold({ nSplits: p.cv, shuffle: p.shuffle, randomState: p.randomState }).split(Array.from(target.values))].map((f) => f.test)
      : kFoldTests(t.rows, p.cv, p.shuffle, p.randomState);
    this.folds_ = tests;
    const d = t.cols;
    const out = new Float64Array(t.rows * d);
    const codes = t.columns.map((col, j) => codesOf(col, this.categories_![j]!));
    const inTest = new Uint8Array(t.rows);
    for (const test of tests) {
      inTest.fill(0);
      for (const i of test) inTest[i] = 1;
      const train = Int32Array.from({ length: t.rows }, (_, i) => i).filter((i) => !inTest[i]);
      const yTrain = Float64Array.from(train, (i) => target.values[i]!);
      const yMean = mean(yTrain);
      const yVar = variance(yTrain);
      for (let j = 0; j < d; j++) {
        const enc = encodeColumn(Int32Array.from(train, (i) => codes[j]![i]!), yTrain, this.categories_![j]!.length, p.smooth, yMean, yVar);
        for (const i of test) out[i * d + j] = enc[codes[j]![i]!]!;
      }
    }
    return restoreFeatures(out, t.rows, d, t, this.getFeatureNamesOut()) as FeaturesOut<X>;
  }

  protected namesOut(namesIn: string[]): string[] {
    return namesIn;
  }
}

registerModel("TargetEncoder", TargetEncoder, { testParams: () => ({ randomState: 0, cv: 3 }) });
