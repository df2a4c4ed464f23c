/** scikit-learn's StandardScaler and MinMaxScaler: statistics learned by `fit` on training data, NaN ignored in fit and kept in transform. */
import type { RulesFor } from "../core/params.js";
import { registerModel } from "../core/serialize.js";
import { InputError, InvalidParameterError } from "../core/errors.js";
import { shown } from "./check.js";
import { numericColumn, type ReadTable } from "./table.js";
import { BaseTransformer } from "./transformer.js";

export interface StandardScalerOptions {
  withMean?: boolean;
  withStd?: boolean;
}

/**
 * (x - mean) / std per column, the population std (ddof 0); a constant column gets scale 1, as scikit-learn's.
 * @example new StandardScaler().fitTransform([[1], [3]]) // [[-1], [1]]
 */
export class StandardScaler extends BaseTransformer<StandardScalerOptions> {
  get rules() {
    return { withMean: { kind: "bool" }, withStd: { kind: "bool" } } as const satisfies RulesFor<StandardScalerOptions>;
  }
  get defaults() {
    return { withMean: true, withStd: true } as const satisfies Required<StandardScalerOptions>;
  }
  mean_?: Float64Array;
  var_?: Float64Array;
  scale_?: Float64Array;
  nSamplesSeen_?: Float64Array;
  protected readonly stateKeys = ["mean_", "var_", "scale_", "nSamplesSeen_"] as const;

  protected fitTable(t: ReadTable): void {
    const p = this.getParams();
    const d = t.cols;
    this.mean_ = new Float64Array(d);
    this.var_ = new Float64Array(d);
    this.scale_ = new Float64Array(d);
    this.nSamplesSeen_ = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const col = numericColumn(t, j, "StandardScaler");
      let n = 0;
      let s = 0;
      for (const v of col) if (!Number.isNaN(v)) (n++, (s += v));
      const mean = n ? s / n : NaN;
      // Two passes (numpy's np.var): the mean first, then squared deviations, so rounding matches.
      let ss = 0;
      for (const v of col) if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
      const variance = n ? ss / n : NaN;
      this.mean_[j] = mean;
      this.var_[j] = variance;
      this.nSamplesSeen_[j] = n;
      // scikit-learn's _is_constant_feature: a variance within rounding of zero leaves the column unscaled.
      const eps = Number.EPSILON;
      const constant = variance <= n * eps * variance + (n * mean * eps) ** 2;
      this.scale_[j] = !p.withStd || constant ? 1 : Math.sqrt(variance);
    }
  }

  protected transformTable(t: ReadTable): { data: Float64Array; cols: number } {
    const p = this.getParams();
    const d = t.cols;
    const out = new Float64Array(t.rows * d);
    for (let j = 0; j < d; j++) {
      const col = numericColumn(t, j, "StandardScaler");
      const m = p.withMean ? this.mean_![j]! : 0;
      const s = p.withStd ? this.scale_![j]! : 1;
      for (let i = 0; i < t.rows; i++) out[i * d + j] = (col[i]! - m) / s;
    }
    return { data: out, cols: d };
  }

  /** Undoes `transform`. @example scaler.inverseTransform(scaler.transform(X)) // X */
  inverseTransform(X: readonly (readonly number[])[]): number[][] {
    this.checkFitted();
    const p = this.getParams();
    if (!Array.isArray(X) || !X.every((r) => Array.isArray(r) && r.length === this.nFeaturesIn_ && r.every((v) => typeof v === "number"))) {
      throw new InputError(`StandardScaler.inverseTransform: 'X' must be rows of ${this.nFeaturesIn_} numbers; got ${shown(X)}.`);
    }
    return (X as readonly (readonly number[])[]).map((r) => r.map((v: number, j: number) => v * (p.withStd ? this.scale_![j]! : 1) + (p.withMean ? this.mean_![j]! : 0)));
  }

  protected namesOut(namesIn: string[]): string[] {
    return namesIn;
  }
}

export interface MinMaxScalerOptions {
  featureRange?: readonly [number, number];
  clip?: boolean;
}

/**
 * Maps each column's training [min, max] onto `featureRange` (default [0, 1]); `clip` keeps test values inside it.
 * @example new MinMaxScaler().fitTransform([[1], [3]]) // [[0], [1]]
 */
export class MinMaxScaler extends BaseTransformer<MinMaxScalerOptions> {
  get rules() {
    return {
      featureRange: { kind: "custom", describe: "a pair [min, max] of finite numbers with min < max", test: (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isFinite(x)) && v[0] < v[1] },
      clip: { kind: "bool" },
    } as const satisfies RulesFor<MinMaxScalerOptions>;
  }
  get defaults() {
    return { featureRange: [0, 1] as const, clip: false } as const satisfies Required<MinMaxScalerOptions>;
  }
  dataMin_?: Float64Array;
  dataMax_?: Float64Array;
  scale_?: Float64Array;
  min_?: Float64Array;
  protected readonly stateKeys = ["dataMin_", "dataMax_", "scale_", "min_"] as const;

  protected fitTable(t: ReadTable): void {
    const [lo, hi] = this.getParams().featureRange;
    const d = t.cols;
    this.dataMin_ = new Float64Array(d);
    this.dataMax_ = new Float64Array(d);
    this.scale_ = new Float64Array(d);
    this.min_ = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of numericColumn(t, j, "MinMaxScaler")) if (!Number.isNaN(v)) (mn = Math.min(mn, v)), (mx = Math.max(mx, v));
      if (mn === Infinity) throw new InvalidParameterError(`MinMaxScaler: column ${j} of X holds only missing values; nothing to learn its range from.`);
      const range = mx - mn;
      // scikit-learn: scale_ = (hi - lo) / range with a zero range treated as 1; min_ = lo - dataMin * scale_.
      const r = range < 10 * Number.EPSILON ? 1 : range;
      this.dataMin_[j] = mn;
      this.dataMax_[j] = mx;
      this.scale_[j] = (hi - lo) / r;
      this.min_[j] = lo - mn * this.scale_[j]!;
    }
  }

  protected transformTable(t: ReadTable): { data: Float64Array; cols: number } {
    const { featureRange: [lo, hi], clip } = this.getParams();
    const d = t.cols;
    const out = new Float64Array(t.rows * d);
    for (let j = 0; j < d; j++) {
      const col = numericColumn(t, j, "MinMaxScaler");
      for (let i = 0; i < t.rows; i++) {
        // scikit-learn's order of operations: X * scale_ + min_.
        let v = col[i]! * this.scale_![j]! + this.min_![j]!;
        if (clip) v = Math.min(hi, Math.max(lo, v));
        out[i * d + j] = v;
      }
    }
    return { data: out, cols: d };
  }

  protected namesOut(namesIn: string[]): string[] {
    return namesIn;
  }
}

registerModel("StandardScaler", StandardScaler, { testParams: () => ({}), tags: { allowNaN: true } });
registerModel("MinMaxScaler", MinMaxScaler, { testParams: () => ({ featureRange: [-1, 1] as const }) });
