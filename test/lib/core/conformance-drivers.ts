/** How the conformance suite fits each kind of estimator and reads its result. */
import { BaseClassifier, BaseRegressor, type BaseEstimator } from "../../../lib/core/index.js";
import { BaseSampler } from "../../../lib/imbalance/index.js";
import { LabelModel, MajorityLabelVoter } from "../../../lib/labeling/index.js";
import { DDM, DriftDetectorBase } from "../../../lib/monitor/index.js";
import { NearestNeighbors } from "../../../lib/neighbors/index.js";
import { RecursiveLeastSquares, SGDClassifier, SGDRegressor } from "../../../lib/online/index.js";
import { BaseTransformer, ColumnTransformer, FeatureHasher, Pipeline } from "../../../lib/features/index.js";

export interface Problem {
  rows: number[][];
  /** Class labels as strings, for classifiers. */
  labels: string[];
  /** The same classes as codes 0..2. */
  codes: Int32Array;
  targets: number[];
  /** X in another kind, for the input-kind check (default: rows). */
  X?: unknown;
  /** A univariate stream with planted changes, for drift detectors. */
  stream: number[];
  /** 0/1 errors whose rate jumps, for error-rate detectors (DDM). */
  errors: number[];
}

export interface Driver {
  accepts(m: BaseEstimator<object>): boolean;
  fit(m: BaseEstimator<object>, p: Problem): BaseEstimator<object>;
  fitWeighted?(m: BaseEstimator<object>, p: Problem, w: number[]): BaseEstimator<object>;
  /** The result the checks compare, for query matrix `X` (of problem `p`). */
  output(m: BaseEstimator<object>, X: unknown, p: Problem): unknown;
  outputName: string;
  /** The matrix inside the result, whose kind must match the input's. */
  matrixOf(out: unknown): unknown;
  /** The kind the result's matrix must have for an input kind; undefined: no matrix comes back. */
  kindOut(kind: string): string | undefined;
  needsFit: boolean;
  /** The input kinds it takes (default: all four). */
  inputKinds?: string[];
  /**
   * A streaming detector (River's checks): it reads a stream, not a matrix, so the input-kind, NotFittedError
   * (it answers from its first value) and sample-weight checks do not apply.
   */
  stream?: boolean;
}

/** Three labeling functions' votes from the true classes: one right, one abstaining on class 2, one noisy. */
export function votes(p: Problem): number[][] {
  return Array.from(p.codes, (c, i) => [c, c === 2 ? -1 : c, i % 4 === 0 ? (c + 1) % 3 : c]);
}

const X = (p: Problem) => (p.X ?? p.rows) as number[][];

/** The stream a detector reads: errors for DDM, values otherwise; `fit` feeds its first half, `output` the rest. */
const streamOf = (m: BaseEstimator<object>, p: Problem) => (m instanceof DDM ? p.errors : p.stream);
const half = (p: Problem) => p.stream.length / 2;

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
  {
    accepts: (m) => m instanceof BaseSampler,
    fit: (m, p) => (m as BaseSampler<object>).fit(X(p), p.codes),
    output: (m, Xq, p) => (m as BaseSampler<object>).fitResample(Xq as number[][], p.codes),
    outputName: "fitResample",
    matrixOf: (out) => (out as { X: unknown }).X,
    kindOut: (kind) => kind,
    needsFit: false,
  },
  {
    accepts: (m) => m instanceof SGDClassifier,
    fit: (m, p) => (m as SGDClassifier).fit(X(p), p.labels),
    output: (m, Xq) => (m as SGDClassifier).predict(Xq as number[][]),
    outputName: "predict",
    matrixOf: (out) => out,
    kindOut: () => undefined,
    needsFit: true,
  },
  {
    accepts: (m) => m instanceof SGDRegressor || m instanceof RecursiveLeastSquares,
    fit: (m, p) => (m as SGDRegressor).fit(X(p), p.targets),
    output: (m, Xq) => (m as SGDRegressor).predict(Xq as number[][]),
    outputName: "predict",
    matrixOf: (out) => out,
    kindOut: (kind) => (kind === "array" ? "vector" : "float64"),
    needsFit: true,
  },
  {
    accepts: (m) => m instanceof NearestNeighbors,
    fit: (m, p) => (m as NearestNeighbors).fit(X(p)),
    output: (m, Xq) => (m as NearestNeighbors).kneighbors(Xq as number[][]),
    outputName: "kneighbors",
    matrixOf: (out) => out,
    kindOut: () => undefined,
    needsFit: true,
  },
  {
    accepts: (m) => m instanceof LabelModel || m instanceof MajorityLabelVoter,
    fit: (m, p) => (m as LabelModel).fit(votes(p)),
    output: (m, _X, p) => (m as LabelModel).predictProba(votes(p)),
    outputName: "predictProba",
    matrixOf: (out) => out,
    kindOut: () => undefined,
    needsFit: true,
    inputKinds: ["array"],
  },
  {
    accepts: (m) => m instanceof DriftDetectorBase,
    // What update returns after the first half, so "fit returns this" checks update's return.
    fit: (m, p) => streamOf(m, p).slice(0, half(p)).reduce((d: DriftDetectorBase<object>, v) => d.update(v), m as DriftDetectorBase<object>),
    // The alarms on the second half, and the state it ends in (so a JSON round trip must restore all of it).
    output: (m, _X, p) => {
      const d = m as DriftDetectorBase<object>;
      const alarms = streamOf(m, p).slice(half(p)).flatMap((v, i) => (d.update(v).driftDetected ? [half(p) + i] : []));
      return { alarms, state: (JSON.parse(JSON.stringify(d)) as { state: unknown }).state };
    },
    outputName: "update",
    matrixOf: () => undefined,
    kindOut: () => undefined,
    needsFit: false,
    stream: true,
  },
  {
    // lib/features' transformers: fit on the training rows (with the targets, which TargetEncoder reads), transform.
    accepts: (m) => m instanceof BaseTransformer || m instanceof ColumnTransformer || m instanceof Pipeline,
    fit: (m, p) => (m as BaseTransformer<object>).fit(X(p) as number[][], p.targets),
    output: (m, Xq) => (m as BaseTransformer<object>).transform(Xq as number[][]),
    outputName: "transform",
    matrixOf: (out) => out,
    kindOut: (kind) => kind,
    needsFit: true,
  },
  {
    // FeatureHasher hashes samples of name -> value: each row as { f0: x0, f1: x1, ... }.
    accepts: (m) => m instanceof FeatureHasher,
    fit: (m) => (m as FeatureHasher).fit(),
    output: (m, Xq) => (m as FeatureHasher).transform((Xq as number[][]).map((r) => Object.fromEntries(r.map((v, j) => [`f${j}`, v])))),
    outputName: "transform",
    matrixOf: (out) => out,
    kindOut: () => undefined,
    needsFit: false,
    inputKinds: ["array"],
  },
];
