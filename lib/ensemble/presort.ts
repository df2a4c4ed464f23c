/** Features sorted once per dataset, shared by every tree of an ensemble (and every AdaBoost round). */
import { argsort } from "./argsort.js";
import type { Matrix } from "./base.js";

export interface Presorted {
  /** Column-major copy of X: feature f of sample i at f * n + i. */
  columns: Float64Array;
  n: number;
  d: number;
  /** Per feature, the sample indices in ascending order of that feature. */
  order: Int32Array[];
  /** Per feature, the values in that order (sequential reads for the split scan). */
  sortedValues: Float64Array[];
}

/** Column-major values and per-feature sort orders of a row-major matrix. @example presort(X).order[0] */
export function presort(X: Matrix): Presorted {
  const { data, rows: n, cols: d } = X;
  const columns = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) columns[f * n + i] = data[i * d + f]!;
  const order = Array.from({ length: d }, (_, f) => argsort(columns.subarray(f * n, (f + 1) * n)));
  const sortedValues = order.map((o, f) => Float64Array.from(o, (i) => columns[f * n + i]!));
  return { columns, n, d, order, sortedValues };
}

/** The same presort restricted to some features (bagging's feature subsampling), without sorting again. */
export function selectFeatures(p: Presorted, features: Int32Array): Presorted {
  const columns = new Float64Array(p.n * features.length);
  features.forEach((f, k) => columns.set(p.columns.subarray(f * p.n, (f + 1) * p.n), k * p.n));
  return { columns, n: p.n, d: features.length, order: Array.from(features, (f) => p.order[f]!), sortedValues: Array.from(features, (f) => p.sortedValues[f]!) };
}
