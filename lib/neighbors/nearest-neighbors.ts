/** scikit-learn's NearestNeighbors: fit on points, query the k nearest (exact, Euclidean). */
import { InputError, NotFittedError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { checkArray, type MatrixLike } from "../core/validation.js";
import type { Neighbors } from "./brute.js";
import { kneighbors, type Algorithm } from "./search.js";

export interface NearestNeighborsOptions {
  nNeighbors?: number;
  /** "auto" picks a kd-tree in low dimension and blocked brute force otherwise. */
  algorithm?: Algorithm;
}

const RULES = { nNeighbors: { kind: "int", min: 1 }, algorithm: { kind: "enum", values: ["auto", "brute", "kd_tree"] } } as const satisfies RulesFor<NearestNeighborsOptions>;
const DEFAULTS = { nNeighbors: 5, algorithm: "auto" } as const satisfies Required<NearestNeighborsOptions>;

/**
 * @example
 * const nn = new NearestNeighbors({ nNeighbors: 2 }).fit([[0], [1], [5]]);
 * nn.kneighbors([[0.9]]).indices // Int32Array [1, 0]
 */
export class NearestNeighbors extends BaseEstimator<NearestNeighborsOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  points_?: Float64Array;
  nSamplesFit_?: number;

  /** Stores the points to search (a copy). */
  fit(X: MatrixLike): this {
    this.validate();
    const { matrix } = checkArray(X, "X");
    this.points_ = matrix.data;
    this.nSamplesFit_ = matrix.rows;
    this.nFeaturesIn_ = matrix.cols;
    return this;
  }

  /** Fits on a Float64 row-major matrix without copying (for the library's own hot paths). */
  fitMatrix(data: Float64Array, rows: number, cols: number): this {
    this.validate();
    this.points_ = data;
    this.nSamplesFit_ = rows;
    this.nFeaturesIn_ = cols;
    return this;
  }

  /**
   * The k nearest fitted points of each query row; without `X`, of each fitted point, itself excluded
   * (scikit-learn's `kneighbors()` with no argument).
   */
  kneighbors(X?: MatrixLike, nNeighbors?: number): Neighbors {
    if (!this.points_) throw new NotFittedError("NearestNeighbors");
    const { nNeighbors: k0, algorithm } = this.getParams();
    const k = nNeighbors ?? k0;
    const self = X === undefined;
    const available = this.nSamplesFit_! - (self ? 1 : 0);
    if (k > available) throw new InputError(`Expected n_neighbors <= n_samples_fit${self ? " - 1" : ""}, but n_samples_fit = ${this.nSamplesFit_}, n_neighbors = ${k}.`);
    if (self) return kneighbors(this.points_, this.nSamplesFit_!, this.points_, this.nSamplesFit_!, this.nFeaturesIn_!, k, true, algorithm);
    const { matrix } = checkArray(X, "X");
    if (matrix.cols !== this.nFeaturesIn_) throw new InputError(`X has ${matrix.cols} features, but NearestNeighbors was fitted with ${this.nFeaturesIn_}.`);
    return kneighbors(this.points_, this.nSamplesFit_!, matrix.data, matrix.rows, matrix.cols, k, false, algorithm);
  }

  protected getState(): Record<string, unknown> {
    return { points_: this.points_, nSamplesFit_: this.nSamplesFit_ };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.points_ = state.points_ as Float64Array;
    this.nSamplesFit_ = state.nSamplesFit_ as number;
  }
}

registerModel("NearestNeighbors", NearestNeighbors, { testParams: (): OptionsOf<typeof NearestNeighbors> => ({ nNeighbors: 3 }) });
