/**
 * imbalanced-learn's template method: `fitResample` validates, turns `samplingStrategy` into the canonical
 * map, calls the subclass's `resample`, and hands the result back in the caller's container kinds.
 */
import { BaseEstimator, checkFeatures, type FiniteMode } from "../core/estimator.js";
import type { LabelsOut, MatrixOut } from "../core/kinds.js";
import { checkLabels, classCounts, restoreLabels, restoreMatrix, type Label, type LabelsLike, type MatrixLike } from "../core/validation.js";
import { checkSamplingStrategy, type SamplingStrategy, type SamplingType } from "./sampling-strategy.js";

export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export interface ResampleInput {
  X: Matrix;
  /** class index per sample */
  y: Int32Array;
  classes: Label[];
  counts: Int32Array;
  /** class index -> samples to generate (over), to keep (under), or classes to clean */
  strategy: Map<number, number>;
}

export interface ResampleOutput {
  X: Matrix;
  y: Int32Array;
  /** For samplers that only select rows: the original indices kept (imbalanced-learn's sample_indices_). */
  sampleIndices?: Int32Array;
}

export interface FitResampleResult<X = unknown, Y = unknown> {
  X: X;
  y: Y;
}

export abstract class BaseSampler<O extends { samplingStrategy?: SamplingStrategy }> extends BaseEstimator<O> {
  protected abstract readonly samplingType: SamplingType;
  /** Which non-finite values X may hold (those that only select rows never compute on it). */
  protected readonly finiteness: FiniteMode = "finite";
  samplingStrategy_?: Map<Label, number>;
  sampleIndices_?: Int32Array;

  /**
   * Checks the inputs and works out `samplingStrategy_` without resampling (imbalanced-learn's `fit`); returns `this`.
   * @example new RandomUnderSampler().fit(X, y).samplingStrategy_
   */
  fit(X: MatrixLike, y: LabelsLike): this {
    // Resolved params: samplingStrategy is the caller's or the declared default ("auto"), never undefined
    // (Required<O> says so, but TypeScript cannot see through the generic O, hence the `!`).
    const p = this.validate();
    const cx = checkFeatures(X, this.finiteness, { copy: false });
    const cy = checkLabels(y, "y", cx.matrix.rows);
    const strategy = checkSamplingStrategy(p.samplingStrategy!, classCounts(cy.codes, cy.classes.length), cy.classes, this.samplingType, this.constructor.name);
    this.samplingStrategy_ = new Map([...strategy].map(([c, n]) => [cy.classes[c]!, n]));
    this.nFeaturesIn_ = cx.matrix.cols;
    return this;
  }

  /**
   * Resamples `X` and `y`; the outputs come back in the kinds that came in.
   * @example const { X: Xr, y: yr } = new SMOTE({ randomState: 42 }).fitResample(X, y);
   */
  fitResample<X extends MatrixLike, Y extends LabelsLike>(X: X, y: Y): FitResampleResult<MatrixOut<X>, LabelsOut<Y>> {
    const p = this.validate();
    // Resamplers only read X (their output is always a new matrix), so a Float64 input is not copied.
    const cx = checkFeatures(X, this.finiteness, { copy: false });
    const cy = checkLabels(y, "y", cx.matrix.rows);
    const counts = classCounts(cy.codes, cy.classes.length);
    const strategy = checkSamplingStrategy(p.samplingStrategy!, counts, cy.classes, this.samplingType, this.constructor.name);
    this.samplingStrategy_ = new Map([...strategy].map(([c, n]) => [cy.classes[c]!, n]));
    const out = this.resample({ X: cx.matrix, y: cy.codes, classes: cy.classes, counts, strategy });
    if (out.sampleIndices) this.sampleIndices_ = out.sampleIndices;
    this.nFeaturesIn_ = cx.matrix.cols;
    return { X: restoreMatrix(out.X, cx) as MatrixOut<X>, y: restoreLabels(out.y, cy) as LabelsOut<Y> };
  }

  protected abstract resample(input: ResampleInput): ResampleOutput;

  protected getState(): Record<string, unknown> {
    return { samplingStrategy_: this.samplingStrategy_, sampleIndices_: this.sampleIndices_ };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.samplingStrategy_ = state.samplingStrategy_ as Map<Label, number>;
    if (state.sampleIndices_) this.sampleIndices_ = state.sampleIndices_ as Int32Array;
  }
}

/** Rows `indices` of `X`, and their labels. */
export function selectRows(X: Matrix, y: Int32Array, indices: Int32Array): ResampleOutput {
  const data = new Float64Array(indices.length * X.cols);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), k * X.cols);
    labels[k] = y[i]!;
  }
  return { X: { data, rows: indices.length, cols: X.cols }, y: labels, sampleIndices: indices };
}

/** Indices of the samples of class `c`, in order. */
export function classIndices(y: Int32Array, c: number): Int32Array {
  let n = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === c) n++;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === c) out[k++] = i;
  return out;
}

/** The class with the fewest samples (the first one on ties, as imbalanced-learn's min over sorted classes). */
export function minorityClass(counts: Int32Array): number {
  let minority = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! < counts[minority]!) minority = c;
  return minority;
}
