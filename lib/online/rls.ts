/**
 * Recursive least squares with exponential forgetting (Haykin, Adaptive Filter Theory, ch. 10): the exact
 * least-squares fit updated one sample at a time in O(d^2). With forgetting factor 1 it is ordinary least
 * squares (up to the prior `delta`); below 1 old samples fade, so it tracks coefficients that drift.
 */
import { InputError, NotFittedError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";
import type { VectorOut } from "../core/kinds.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import type { TargetsLike } from "../core/supervised.js";
import { checkArray, type MatrixLike } from "../core/validation.js";

export interface RLSOptions {
  /** lambda in (0, 1]: the weight of a sample k steps old is lambda^k. */
  forgettingFactor?: number;
  /** Prior precision: P starts at I / delta, which adds a ridge penalty delta (fading with lambda). */
  delta?: number;
  fitIntercept?: boolean;
}

const RULES = {
  forgettingFactor: { kind: "float", min: 0, max: 1, minExclusive: true },
  delta: { kind: "float", min: 0, minExclusive: true },
  fitIntercept: { kind: "bool" },
} as const satisfies RulesFor<RLSOptions>;
const DEFAULTS = { forgettingFactor: 1, delta: 1e-6, fitIntercept: true } as const satisfies Required<RLSOptions>;

/**
 * @example const rls = new RecursiveLeastSquares({ forgettingFactor: 0.98 }); for (const [x, y] of stream) { rls.predictOne(x); rls.learnOne(x, y); }
 */
export class RecursiveLeastSquares extends BaseEstimator<RLSOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  /** Weights: the features' coefficients, then the intercept when fitted. */
  private w: Float64Array | undefined;
  private P: Float64Array | undefined;
  private d = 0;
  nSeen_ = 0;

  private augmented(x: ArrayLike<number>): Float64Array {
    if (this.w === undefined) {
      // The options are checked when learning starts (the constructor only stores them).
      const { fitIntercept, delta } = this.validate();
      this.d = x.length;
      this.nFeaturesIn_ = x.length;
      const p = this.d + (fitIntercept ? 1 : 0);
      this.w = new Float64Array(p);
      this.P = new Float64Array(p * p);
      for (let i = 0; i < p; i++) this.P[i * p + i] = 1 / delta;
    }
    if (x.length !== this.d) throw new InputError(`x has ${x.length} features, but RecursiveLeastSquares was started with ${this.d}.`);
    const z = new Float64Array(this.w.length);
    for (let i = 0; i < this.d; i++) {
      const v = x[i]!;
      if (!Number.isFinite(v)) throw new InputError(`x[${i}] is ${v}; features must be finite numbers.`);
      z[i] = v;
    }
    if (z.length > this.d) z[this.d] = 1;
    return z;
  }

  /** Prediction for one sample (0 before any learning, as River's predict_one). */
  predictOne(x: ArrayLike<number>): number {
    const z = this.augmented(x);
    let s = 0;
    for (let i = 0; i < z.length; i++) s += this.w![i]! * z[i]!;
    return s;
  }

  /** One RLS update: gain k = P z / (lambda + z'P z), w += k (y - w'z), P = (P - k z'P) / lambda. */
  learnOne(x: ArrayLike<number>, y: number): this {
    if (!Number.isFinite(y)) throw new InputError(`y is ${y}; targets must be finite numbers.`);
    const z = this.augmented(x);
    const p = z.length;
    const P = this.P!;
    const w = this.w!;
    const lambda = this.getParams().forgettingFactor;
    const Pz = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += P[i * p + j]! * z[j]!;
      Pz[i] = s;
    }
    let denom = lambda;
    for (let i = 0; i < p; i++) denom += z[i]! * Pz[i]!;
    let err = y;
    for (let i = 0; i < p; i++) err -= w[i]! * z[i]!;
    for (let i = 0; i < p; i++) w[i]! += (Pz[i]! / denom) * err;
    // P is symmetric, so z'P = (Pz)'.
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) P[i * p + j] = (P[i * p + j]! - (Pz[i]! * Pz[j]!) / denom) / lambda;
    this.nSeen_++;
    return this;
  }

  /** Forgets what was learned, then learns every row of X in order (scikit-learn's fit). @example new RecursiveLeastSquares().fit(X, y).predict(X) */
  fit(X: MatrixLike, y: TargetsLike): this {
    this.w = undefined;
    this.P = undefined;
    this.nFeaturesIn_ = undefined;
    this.nSeen_ = 0;
    return this.partialFit(X, y);
  }

  /** Predictions for every row (a number[] for rows, else a Float64Array); NotFittedError before any learning. */
  predict<X extends MatrixLike>(X: X): VectorOut<X> {
    if (!this.w) throw new NotFittedError(this.constructor.name);
    const cx = checkArray(X, "X");
    const { data, rows, cols } = cx.matrix;
    if (cols !== this.d) throw new InputError(`X has ${cols} features, but RecursiveLeastSquares is expecting ${this.d} features as input.`);
    const out = Float64Array.from({ length: rows }, (_, i) => this.predictOne(data.subarray(i * cols, (i + 1) * cols)));
    return (cx.kind === "array" ? Array.from(out) : out) as VectorOut<X>;
  }

  /** Learns every row of X in order. @example rls.partialFit(X, y) */
  partialFit(X: MatrixLike, y: TargetsLike): this {
    const { data, rows, cols } = checkArray(X, "X").matrix;
    if (y.length !== rows) throw new InputError(`Found input variables with inconsistent numbers of samples: [${rows}, ${y.length}].`);
    for (let i = 0; i < rows; i++) this.learnOne(data.subarray(i * cols, (i + 1) * cols), y[i]!);
    return this;
  }

  get coef_(): Float64Array {
    if (!this.w) throw new NotFittedError(this.constructor.name);
    return this.w.slice(0, this.d);
  }

  get intercept_(): number {
    if (!this.w) throw new NotFittedError(this.constructor.name);
    return this.w.length > this.d ? this.w[this.d]! : 0;
  }

  protected getState(): Record<string, unknown> {
    return { w: this.w, P: this.P, nSeen_: this.nSeen_ };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.d = this.nFeaturesIn_;
    this.w = state.w as Float64Array;
    this.P = state.P as Float64Array;
    this.nSeen_ = state.nSeen_ as number;
  }
}

registerModel("RecursiveLeastSquares", RecursiveLeastSquares, { testParams: (): OptionsOf<typeof RecursiveLeastSquares> => ({ forgettingFactor: 0.99 }) });
