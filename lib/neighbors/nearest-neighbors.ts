/** scikit-learn's NearestNeighbors: fit on points, query the k nearest (exact, Euclidean). */
import { InputError, NotFittedError } from "../core/errors.js";
import { validateParams } from "../core/params.js";
import { checkArray } from "../core/validation.js";
import type { Neighbors } from "./brute.js";
import { kneighbors, type Algorithm } from "./search.js";

export interface NearestNeighborsOptions {
  nNeighbors?: number;
  /** "auto" picks a kd-tree in low dimension and blocked brute force otherwise. */
  algorithm?: Algorithm;
}

/**
 * @example
 * const nn = new NearestNeighbors({ nNeighbors: 2 }).fit([[0], [1], [5]]);
 * nn.kneighbors([[0.9]]).indices // Int32Array [1, 0]
 */
export class NearestNeighbors {
  static readonly rules = { nNeighbors: { kind: "int", min: 1 }, algorithm: { kind: "enum", values: ["auto", "brute", "kd_tree"] } } as const;
  points_?: Float64Array;
  nSamplesFit_?: number;
  nFeaturesIn_?: number;

  constructor(readonly options: NearestNeighborsOptions = {}) {}

  fit(X: unknown): this {
    validateParams("NearestNeighbors", NearestNeighbors.rules, { ...this.options });
    const { matrix } = checkArray(X, "X");
    this.points_ = matrix.data;
    this.nSamplesFit_ = matrix.rows;
    this.nFeaturesIn_ = matrix.cols;
    return this;
  }

  /** Fits on a Float64 row-major matrix without copying (for the library's own hot paths). */
  fitMatrix(data: Float64Array, rows: number, cols: number): this {
    validateParams("NearestNeighbors", NearestNeighbors.rules, { ...this.options });
    this.points_ = data;
    this.nSamplesFit_ = rows;
    this.nFeaturesIn_ = cols;
    return this;
  }

  /**
   * The k nearest fitted points of each query row; without `X`, of each fitted point, itself excluded
   * (scikit-learn's `kneighbors()` with no argument).
   */
  kneighbors(X?: unknown, nNeighbors?: number): Neighbors {
    if (!this.points_) throw new NotFittedError("NearestNeighbors");
    const k = nNeighbors ?? this.options.nNeighbors ?? 5;
    const self = X === undefined;
    const available = this.nSamplesFit_! - (self ? 1 : 0);
    if (k > available) throw new InputError(`Expected n_neighbors <= n_samples_fit${self ? " - 1" : ""}, but n_samples_fit = ${this.nSamplesFit_}, n_neighbors = ${k}.`);
    const algorithm = this.options.algorithm ?? "auto";
    if (self) return kneighbors(this.points_, this.nSamplesFit_!, this.points_, this.nSamplesFit_!, this.nFeaturesIn_!, k, true, algorithm);
    const { matrix } = checkArray(X, "X");
    if (matrix.cols !== this.nFeaturesIn_) throw new InputError(`X has ${matrix.cols} features, but NearestNeighbors was fitted with ${this.nFeaturesIn_}.`);
    return kneighbors(this.points_, this.nSamplesFit_!, matrix.data, matrix.rows, matrix.cols, k, false, algorithm);
  }
}
