/** What bagging-style ensembles share: drawing each member's rows and features, and fitting it on them. */
import type { Random } from "../core/random.js";
import { sampleIndices } from "../sampling/simple.js";
import type { Label } from "../core/validation.js";
import type { BaseClassifier, BaseRegressor, Matrix } from "../core/supervised.js";
import { selectFeatures, type Presorted } from "./presort.js";
import { DecisionTreeClassifier, DecisionTreeRegressor } from "./tree.js";

/** One member's training rows (repeats allowed) and feature columns. */
export interface MemberPlan {
  samples: Int32Array;
  features: Int32Array;
  /** True when `features` is every column in order. */
  allFeatures: boolean;
}

/**
 * scikit-learn's maxSamples / maxFeatures: a fraction of `total` up to 1 (1 means all, as 1.0 does there), an
 * integer count above it.
 */
export function countOf(value: number, total: number): number {
  return value <= 1 ? Math.max(1, Math.floor(value * total)) : Math.min(Math.floor(value), total);
}

/** `k` of `n` indices, with or without replacement, from the shared generator. */
export function draw(rng: Random, n: number, k: number, replace: boolean): Int32Array {
  return sampleIndices(n, k, { replace, randomState: rng });
}

export function planMember(rng: Random, n: number, d: number, nSamples: number, nFeatures: number, bootstrap: boolean, bootstrapFeatures: boolean): MemberPlan {
  const features = nFeatures === d && !bootstrapFeatures ? Int32Array.from({ length: d }, (_, f) => f) : draw(rng, d, nFeatures, bootstrapFeatures);
  const samples = nSamples === n && !bootstrap ? Int32Array.from({ length: n }, (_, i) => i) : draw(rng, n, nSamples, bootstrap);
  return { samples, features, allFeatures: nFeatures === d && !bootstrapFeatures };
}

/** How many times each row appears in `samples`. */
export function bincount(samples: Int32Array, n: number): Float64Array {
  const counts = new Float64Array(n);
  for (let k = 0; k < samples.length; k++) counts[samples[k]!]!++;
  return counts;
}

/** Rows `rows` (or all) and columns `features` of a matrix. */
export function subMatrix(X: Matrix, rows: Int32Array | null, features: Int32Array | null): Matrix {
  const r = rows ? rows.length : X.rows;
  const fs = features ?? Int32Array.from({ length: X.cols }, (_, f) => f);
  const data = new Float64Array(r * fs.length);
  for (let a = 0; a < r; a++) {
    const i = rows ? rows[a]! : a;
    for (let b = 0; b < fs.length; b++) data[a * fs.length + b] = X.data[i * X.cols + fs[b]!]!;
  }
  return { data, rows: r, cols: fs.length };
}

/** The matrix a member predicts on: X itself, or X's columns for the member's features. */
export function memberView(X: Matrix, plan: Pick<MemberPlan, "features" | "allFeatures">): Matrix {
  return plan.allFeatures ? X : subMatrix(X, null, plan.features);
}

/** Fits a classifier member on its plan: trees reuse the presort with bootstrap counts as weights. */
export function fitClassifierMember(member: BaseClassifier<object>, plan: MemberPlan, X: Matrix, pre: () => Presorted, y: Int32Array, classes: Label[], sw: Float64Array | undefined): void {
  if (member instanceof DecisionTreeClassifier) {
    const w = bincount(plan.samples, X.rows);
    if (sw) for (let i = 0; i < w.length; i++) w[i]! *= sw[i]!;
    member.fitPresorted(plan.allFeatures ? pre() : selectFeatures(pre(), plan.features), y, classes.length, w, classes);
    return;
  }
  const ys = Int32Array.from(plan.samples, (i) => y[i]!);
  member.fitEncoded(subMatrix(X, plan.samples, plan.features), ys, classes, sw ? Float64Array.from(plan.samples, (i) => sw[i]!) : undefined);
}

/** The same for regressors. */
export function fitRegressorMember(member: BaseRegressor<object>, plan: MemberPlan, X: Matrix, pre: () => Presorted, y: Float64Array, sw: Float64Array | undefined): void {
  if (member instanceof DecisionTreeRegressor) {
    const w = bincount(plan.samples, X.rows);
    if (sw) for (let i = 0; i < w.length; i++) w[i]! *= sw[i]!;
    member.fitPresorted(plan.allFeatures ? pre() : selectFeatures(pre(), plan.features), y, w);
    return;
  }
  member.fitValues(subMatrix(X, plan.samples, plan.features), Float64Array.from(plan.samples, (i) => y[i]!), sw ? Float64Array.from(plan.samples, (i) => sw[i]!) : undefined);
}

/** Lazily computed presort, so non-tree members never pay for it. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
