/** Features sorted once per dataset, shared by every tree of an ensemble (and every AdaBoost round). */
import { argsort } from "./argsort.js";
import type { Matrix } from "../core/supervised.js";
import { nativeKernels, nativeThreads } from "../native/index.js";

export interface Presorted {
  /** Column-major copy of X: feature f of sample i at f * n + i. */
  columns: Float64Array;
  n: number;
  d: number;
  /** Per feature, the sample indices in ascending order of that feature. */
  order: Int32Array[];
  /** Per feature, the values in that order (sequential reads for the split scan). */
  sortedValues: Float64Array[];
  /** `order` and `sortedValues` as single d x n arrays (the per-feature entries are views of these). */
  flatOrder: Int32Array;
  flatValues: Float64Array;
}

function fromFlat(columns: Float64Array, n: number, d: number, flatOrder: Int32Array, flatValues: Float64Array): Presorted {
  const order = Array.from({ length: d }, (_, f) => flatOrder.subarray(f * n, (f + 1) * n));
  const sortedValues = Array.from({ length: d }, (_, f) => flatValues.subarray(f * n, (f + 1) * n));
  return { columns, n, d, order, sortedValues, flatOrder, flatValues };
}

/** Column-major values and per-feature sort orders of a row-major matrix. @example presort(X).order[0] */
export function presort(X: Matrix): Presorted {
  const { data, rows: n, cols: d } = X;
  const columns = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) columns[f * n + i] = data[i * d + f]!;
  const flatOrder = new Int32Array(n * d);
  const flatValues = new Float64Array(n * d);
  const native = nativeKernels();
  if (native) {
    native.presortColumns(columns, n, d, flatOrder, flatValues, nativeThreads()); // argsort's quicksort compiled, features over threads
    return fromFlat(columns, n, d, flatOrder, flatValues);
  }
  for (let f = 0; f < d; f++) {
    const o = argsort(columns.subarray(f * n, (f + 1) * n), flatOrder.subarray(f * n, (f + 1) * n));
    for (let r = 0; r < n; r++) flatValues[f * n + r] = columns[f * n + o[r]!]!;
  }
  return fromFlat(columns, n, d, flatOrder, flatValues);
}

/** The same presort restricted to some features (bagging's feature subsampling), without sorting again. */
export function selectFeatures(p: Presorted, features: Int32Array): Presorted {
  const columns = new Float64Array(p.n * features.length);
  features.forEach((f, k) => columns.set(p.columns.subarray(f * p.n, (f + 1) * p.n), k * p.n));
  const flatOrder = new Int32Array(p.n * features.length);
  const flatValues = new Float64Array(p.n * features.length);
  features.forEach((f, k) => {
    flatOrder.set(p.order[f]!, k * p.n);
    flatValues.set(p.sortedValues[f]!, k * p.n);
  });
  return fromFlat(columns, p.n, features.length, flatOrder, flatValues);
}
