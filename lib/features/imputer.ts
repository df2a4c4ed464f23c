/**
 * scikit-learn's SimpleImputer (mean, median, most_frequent, constant; `addIndicator`) and MissingIndicator:
 * missing values are null or NaN; what fills them is learned from the training data only.
 */
import { InvalidParameterError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel } from "../core/serialize.js";
import { numericColumn, type ReadTable } from "./table.js";
import { BaseTransformer } from "./transformer.js";

export interface MissingIndicatorOptions {
  /** "missing-only": a column per feature that had missing values in fit; "all": one per feature. */
  features?: "missing-only" | "all";
  /** Refuse features missing at transform time that were complete in fit (scikit-learn's error_on_new). */
  errorOnNew?: boolean;
}

/** Which columns of `t` hold missing values, as 0/1 per cell. */
function missingMask(t: ReadTable, j: number): Uint8Array {
  const col = t.columns[j]!;
  return Uint8Array.from(col, (v) => (v === null ? 1 : 0));
}

/**
 * 0/1 columns marking missing cells (scikit-learn's MissingIndicator), for the features chosen in `fit`.
 * @example new MissingIndicator().fitTransform([[1, NaN], [2, 3]]) // [[1], [0]]
 */
export class MissingIndicator extends BaseTransformer<MissingIndicatorOptions> {
  get rules() {
    return { features: { kind: "enum", values: ["missing-only", "all"] }, errorOnNew: { kind: "bool" } } as const satisfies RulesFor<MissingIndicatorOptions>;
  }
  get defaults() {
    return { features: "missing-only", errorOnNew: true } as const satisfies Required<MissingIndicatorOptions>;
  }
  /** Indices of the features that get an indicator column. */
  features_?: number[];
  protected readonly stateKeys = ["features_"] as const;

  protected fitTable(t: ReadTable): void {
    const all = this.getParams().features === "all";
    this.features_ = [];
    for (let j = 0; j < t.cols; j++) if (all || missingMask(t, j).some((m) => m === 1)) this.features_.push(j);
  }

  protected transformTable(t: ReadTable): { data: Float64Array; cols: number } {
    const p = this.getParams();
    if (p.features === "missing-only" && p.errorOnNew) {
      for (let j = 0; j < t.cols; j++) {
        if (!this.features_!.includes(j) && missingMask(t, j).some((m) => m === 1)) throw new InvalidParameterError(`MissingIndicator: feature ${j} has missing values in transform but had none in fit; set errorOnNew: false to ignore them.`);
      }
    }
    const k = this.features_!.length;
    const out = new Float64Array(t.rows * k);
    this.features_!.forEach((j, c) => missingMask(t, j).forEach((m, i) => (out[i * k + c] = m)));
    return { data: out, cols: k };
  }

  protected namesOut(namesIn: string[]): string[] {
    return this.features_!.map((j) => `missingindicator_${namesIn[j]}`);
  }
}

export interface SimpleImputerOptions {
  strategy?: "mean" | "median" | "most_frequent" | "constant";
  /** The value "constant" fills with (scikit-learn's fill_value; null means 0). */
  fillValue?: number | null;
  /** Append MissingIndicator's columns (scikit-learn's add_indicator). */
  addIndicator?: boolean;
  /** Keep columns with no observed value, filled with 0 (scikit-learn 1.2 drops them unless strategy is constant). */
  keepEmptyFeatures?: boolean;
}

/** The median of the non-missing values (numpy's: the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The most frequent value, the smallest among ties (scikit-learn's rule). */
function mostFrequent(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = NaN;
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) (best = v), (bestCount = c);
  return best;
}

/**
 * Fills missing cells (null or NaN) of numeric columns with a statistic of the training column.
 * @example new SimpleImputer({ addIndicator: true }).fitTransform([[1], [NaN], [3]]) // [[1, 0], [2, 1], [3, 0]]
 */
export class SimpleImputer extends BaseTransformer<SimpleImputerOptions> {
  get rules() {
    return {
      strategy: { kind: "enum", values: ["mean", "median", "most_frequent", "constant"] },
      fillValue: [{ kind: "float" }, { kind: "enum", values: [null] }],
      addIndicator: { kind: "bool" },
      keepEmptyFeatures: { kind: "bool" },
    } as const satisfies RulesFor<SimpleImputerOptions>;
  }
  get defaults() {
    return { strategy: "mean", fillValue: null, addIndicator: false, keepEmptyFeatures: false } as const satisfies Required<SimpleImputerOptions>;
  }
  /** The fill value per input feature (NaN for a column with no observed value). */
  statistics_?: Float64Array;
  indicator_?: MissingIndicator;
  protected readonly stateKeys = ["statistics_", "indicator_"] as const;

  protected fitTable(t: ReadTable): void {
    const p = this.getParams();
    this.statistics_ = new Float64Array(t.cols);
    for (let j = 0; j < t.cols; j++) {
      const seen = Array.from(numericColumn(t, j, "SimpleImputer")).filter((v) => !Number.isNaN(v));
      let stat: number;
      if (p.strategy === "constant") stat = p.fillValue ?? 0;
      else if (seen.length === 0) stat = p.keepEmptyFeatures ? 0 : NaN;
      else if (p.strategy === "mean") stat = seen.reduce((a, b) => a + b, 0) / seen.length;
      else if (p.strategy === "median") stat = median(seen);
      else stat = mostFrequent(seen);
      this.statistics_[j] = stat;
    }
    if (p.addIndicator) {
      const ind = new MissingIndicator({ errorOnNew: false });
      ind.fit(t.columns[0]!.map((_, i) => t.columns.map((c) => c[i]!)));
      this.indicator_ = ind;
    } else delete this.indicator_;
  }

  /** Kept input features: scikit-learn drops those with no observed value in fit (statistic NaN). */
  private kept(): number[] {
    return Array.from(this.statistics_!.keys()).filter((j) => !Number.isNaN(this.statistics_![j]!));
  }

  protected transformTable(t: ReadTable): { data: Float64Array; cols: number } {
    const kept = this.kept();
    const ind = this.indicator_ ? this.indicator_.transform(t.columns[0]!.map((_, i) => t.columns.map((c) => c[i]!))) : [];
    const k = kept.length + (ind[0]?.length ?? 0);
    const out = new Float64Array(t.rows * k);
    kept.forEach((j, c) => {
      const col = numericColumn(t, j, "SimpleImputer");
      for (let i = 0; i < t.rows; i++) out[i * k + c] = Number.isNaN(col[i]!) ? this.statistics_![j]! : col[i]!;
    });
    ind.forEach((row, i) => row.forEach((v, c) => (out[i * k + kept.length + c] = v)));
    return { data: out, cols: k };
  }

  protected namesOut(namesIn: string[]): string[] {
    return [...this.kept().map((j) => namesIn[j]!), ...(this.indicator_ ? this.indicator_.getFeatureNamesOut().map((n) => n.replace(/^missingindicator_x(\d+)$/, (_, j: string) => `missingindicator_${namesIn[Number(j)]}`)) : [])];
  }
}

registerModel("SimpleImputer", SimpleImputer, { testParams: () => ({ strategy: "median" as const, addIndicator: true }), tags: { allowNaN: true } });
registerModel("MissingIndicator", MissingIndicator, { testParams: () => ({ features: "all" as const }), tags: { allowNaN: true } });
