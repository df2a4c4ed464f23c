/** scikit-learn's LogisticRegression (L2 penalty, lbfgs): binary logistic for two classes, multinomial above. */
import type { RulesFor } from "../core/params.js";
import { applyClassWeight, BaseClassifier, classWeightRule, softmaxRows, type Matrix } from "../core/supervised.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { lbfgs } from "./lbfgs.js";

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength (scikit-learn's C). */
  C?: number;
  penalty?: "l2" | null;
  fitIntercept?: boolean;
  maxIter?: number;
  tol?: number;
  classWeight?: "balanced" | Record<string, number> | null;
}

const RULES = {
  C: { kind: "float", min: 0, minExclusive: true },
  penalty: { kind: "enum", values: ["l2", null] },
  fitIntercept: { kind: "bool" },
  maxIter: { kind: "int", min: 1 },
  tol: { kind: "float", min: 0 },
  classWeight: classWeightRule,
} as const satisfies RulesFor<LogisticRegressionOptions>;
/** scikit-learn's defaults. */
const DEFAULTS = { C: 1, penalty: "l2", fitIntercept: true, maxIter: 100, tol: 1e-4, classWeight: null } as const satisfies Required<LogisticRegressionOptions>;

/**
 * Minimises C * sum(w_i * log-loss_i) + ||coef||^2 / 2 (the intercept is not penalised), as scikit-learn does.
 * @example new LogisticRegression({ C: 1 }).fit(X, y).predictProba(X)
 */
export class LogisticRegression extends BaseClassifier<LogisticRegressionOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  /** One row per class (a single row for two classes), nFeatures wide. */
  coef_?: Float64Array;
  intercept_?: Float64Array;
  nIter_?: number;

  protected fitCodes(X: Matrix, y: Int32Array, k: number, sw: Float64Array | undefined): void {
    const p = this.getParams();
    const w = applyClassWeight(p.classWeight, y, this.classes_!, sw) ?? new Float64Array(X.rows).fill(1);
    const l2 = p.penalty === null ? 0 : 1 / p.C;
    const intercept = p.fitIntercept;
    const { rows: n, cols: d, data } = X;
    const rowsOut = k === 2 ? 1 : k;
    const width = d + 1; // the last slot of each row is the intercept
    const z = new Float64Array(n * rowsOut);
    const result = lbfgs(
      (theta, grad) => {
        grad.fill(0);
        let loss = 0;
        for (let r = 0; r < rowsOut; r++) {
          for (let i = 0; i < n; i++) {
            let s = intercept ? theta[r * width + d]! : 0;
            for (let f = 0; f < d; f++) s += theta[r * width + f]! * data[i * d + f]!;
            z[i * rowsOut + r] = s;
          }
        }
        for (let i = 0; i < n; i++) {
          const wi = w[i]!;
          if (rowsOut === 1) {
            const t = y[i] === 1 ? 1 : -1;
            const m = t * z[i]!;
            // log(1 + exp(-m)) without overflow
            loss += wi * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
            const p = 1 / (1 + Math.exp(-z[i]!));
            const r = wi * (p - (t === 1 ? 1 : 0));
            for (let f = 0; f < d; f++) grad[f]! += r * data[i * d + f]!;
            if (intercept) grad[d]! += r;
          } else {
            let max = -Infinity;
            for (let c = 0; c < k; c++) max = Math.max(max, z[i * k + c]!);
            let s = 0;
            for (let c = 0; c < k; c++) s += Math.exp(z[i * k + c]! - max);
            const lse = max + Math.log(s);
            loss += wi * (lse - z[i * k + y[i]!]!);
            for (let c = 0; c < k; c++) {
              const r = wi * (Math.exp(z[i * k + c]! - lse) - (y[i] === c ? 1 : 0));
              for (let f = 0; f < d; f++) grad[c * width + f]! += r * data[i * d + f]!;
              if (intercept) grad[c * width + d]! += r;
            }
          }
        }
        // scikit-learn minimises C * data term + ||coef||^2 / 2; this is that divided by C (same minimiser).
        for (let r = 0; r < rowsOut; r++) {
          for (let f = 0; f < d; f++) {
            const t = theta[r * width + f]!;
            loss += 0.5 * l2 * t * t;
            grad[r * width + f]! += l2 * t;
          }
        }
        return loss;
      },
      new Float64Array(rowsOut * width),
      { maxIter: p.maxIter, tol: p.tol },
    );
    this.coef_ = new Float64Array(rowsOut * d);
    this.intercept_ = new Float64Array(rowsOut);
    for (let r = 0; r < rowsOut; r++) {
      this.coef_.set(result.x.subarray(r * width, r * width + d), r * d);
      this.intercept_[r] = result.x[r * width + d]!;
    }
    this.nIter_ = result.iterations;
  }

  /** Raw scores: one per row for two classes, one per class otherwise. */
  decisionDense(X: Matrix): Float64Array {
    const rowsOut = this.intercept_!.length;
    const { rows: n, cols: d, data } = X;
    const out = new Float64Array(n * rowsOut);
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < rowsOut; r++) {
        let s = this.intercept_![r]!;
        for (let f = 0; f < d; f++) s += this.coef_![r * d + f]! * data[i * d + f]!;
        out[i * rowsOut + r] = s;
      }
    }
    return out;
  }

  probaDense(X: Matrix): Float64Array {
    const k = this.classes_!.length;
    const z = this.decisionDense(X);
    if (k !== 2) return softmaxRows(z, X.rows, k);
    const out = new Float64Array(X.rows * 2);
    for (let i = 0; i < X.rows; i++) {
      const p = 1 / (1 + Math.exp(-z[i]!));
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    }
    return out;
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), coef_: this.coef_, intercept_: this.intercept_, nIter_: this.nIter_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.coef_ = state.coef_ as Float64Array;
    this.intercept_ = state.intercept_ as Float64Array;
    this.nIter_ = state.nIter_ as number;
  }
}

registerModel("LogisticRegression", LogisticRegression, { testParams: (): OptionsOf<typeof LogisticRegression> => ({ C: 0.5 }), tags: { sampleWeightEquivalence: "close" } });
