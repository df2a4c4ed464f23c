/** How the conformance suite fits each kind of estimator and reads its result. */
import { BaseClassifier, BaseRegressor, type BaseEstimator } from "../../../lib/core/index.js";

export interface Problem {
  rows: number[][];
  /** Class labels as strings, for classifiers. */
  labels: string[];
  /** The same classes as codes 0..2. */
  codes: Int32Array;
  targets: number[];
  /** X in another kind, for the input-kind check (default: rows). */
  X?: unknown;
}

export interface Driver {
  accepts(m: BaseEstimator<object>): boolean;
  fit(m: BaseEstimator<object>, p: Problem): BaseEstimator<object>;
  fitWeighted?(m: BaseEstimator<object>, p: Problem, w: number[]): BaseEstimator<object>;
  /** The result the checks compare. */
  output(m: BaseEstimator<object>, X: unknown): unknown;
  outputName: string;
  /** The matrix inside the result, whose kind must match the input's. */
  matrixOf(out: unknown): unknown;
  /** The kind the result's matrix must have for an input kind; undefined: no matrix comes back. */
  kindOut(kind: string): string | undefined;
  needsFit: boolean;
}

const X = (p: Problem) => (p.X ?? p.rows) as number[][];

export const drivers: Driver[] = [
  {
    accepts: (m) => m instanceof BaseClassifier,
    fit: (m, p) => (m as BaseClassifier<object>).fit(X(p), p.labels),
    fitWeighted: (m, p, w) => (m as BaseClassifier<object>).fit(X(p), p.labels, w),
    output: (m, Xq) => {
      const c = m as BaseClassifier<object>;
      return { proba: c.predictProba(Xq as number[][]), labels: c.predict(Xq as number[][]) };
    },
    outputName: "predictProba",
    matrixOf: (out) => (out as { proba: unknown }).proba,
    kindOut: (kind) => kind,
    needsFit: true,
  },
  {
    accepts: (m) => m instanceof BaseRegressor,
    fit: (m, p) => (m as BaseRegressor<object>).fit(X(p), p.targets),
    fitWeighted: (m, p, w) => (m as BaseRegressor<object>).fit(X(p), p.targets, w),
    output: (m, Xq) => (m as BaseRegressor<object>).predict(Xq as number[][]),
    outputName: "predict",
    matrixOf: (out) => out,
    kindOut: (kind) => (kind === "array" ? "vector" : "float64"),
    needsFit: true,
  },
];
