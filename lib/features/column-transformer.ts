/**
 * scikit-learn's ColumnTransformer: each transformer fitted on its own columns of the training data, the
 * outputs side by side, the other columns dropped or passed through (`remainder`). `fitTransform` calls each
 * transformer's own `fitTransform`, so a TargetEncoder inside cross-fits as it does alone.
 */
import { InputError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";
import type { RulesFor } from "../core/params.js";
import { registerModel } from "../core/serialize.js";
import { inputNames, numericColumn, readTable, restoreFeatures, type Cell, type FeaturesOut, type ReadTable, type TableLike } from "./table.js";
import type { TargetLike } from "./transformer.js";
import { MinMaxScaler, StandardScaler } from "./scalers.js";

/** What a ColumnTransformer (or Pipeline) step needs: scikit-learn's fit / transform / fit_transform. */
export interface TransformerLike {
  fit(X: never, y: never): unknown;
  transform(X: never): unknown;
  fitTransform?(X: never, y: never): unknown;
  getFeatureNamesOut?(): string[];
  clone(): TransformerLike;
}

/** A column selection: indices, or names (an Arrow table's columns). */
export type ColumnSelection = readonly number[] | readonly string[];

export interface ColumnTransformerOptions {
  /** [name, transformer or "drop" or "passthrough", columns] triples. */
  transformers?: readonly (readonly [string, TransformerLike | "drop" | "passthrough", ColumnSelection])[] | null;
  remainder?: "drop" | "passthrough";
}

const isTransformer = (v: unknown): v is TransformerLike => typeof v === "object" && v !== null && typeof (v as TransformerLike).fit === "function" && typeof (v as TransformerLike).transform === "function";

/** Rows of the selected columns, as a step reads them. */
const rowsOf = (t: ReadTable, cols: readonly number[]): Cell[][] => Array.from({ length: t.rows }, (_, i) => cols.map((j) => t.columns[j]![i]!));

/** A step's output as a row-major block (it was given rows, so it gives rows back). */
function block(out: unknown, rows: number, name: string): { data: Float64Array; cols: number } {
  if (!Array.isArray(out) || out.length !== rows) throw new InputError(`ColumnTransformer: transformer '${name}' returned ${Array.isArray(out) ? out.length : typeof out} rows, expected ${rows}.`);
  const cols = rows ? (out[0] as number[]).length : 0;
  return { data: Float64Array.from((out as number[][]).flat()), cols };
}

/**
 * @example
 * const ct = new ColumnTransformer({ transformers: [["num", new StandardScaler(), [0]], ["cat", new OneHotEncoder(), [1]]] });
 * ct.fit(XTrain).transform(XTest)
 */
export class ColumnTransformer extends BaseEstimator<ColumnTransformerOptions> {
  get rules() {
    return {
      transformers: {
        kind: "custom",
        describe: "a list of [name, transformer | \"drop\" | \"passthrough\", columns] triples",
        test: (v: unknown) => Array.isArray(v) && v.every((s) => Array.isArray(s) && s.length === 3 && typeof s[0] === "string" && (isTransformer(s[1]) || s[1] === "drop" || s[1] === "passthrough") && Array.isArray(s[2])),
      },
      remainder: { kind: "enum", values: ["drop", "passthrough"] },
    } as const satisfies RulesFor<ColumnTransformerOptions>;
  }
  get defaults() {
    return { transformers: null, remainder: "drop" } as const satisfies Required<ColumnTransformerOptions>;
  }
  /** The fitted transformers (clones of the given ones), with their column indices. */
  transformers_?: [string, TransformerLike | "drop" | "passthrough", number[]][];
  featureNamesIn_?: string[];

  /** Learns every transformer on its columns of `X` (training data only); returns `this`. @example ct.fit(XTrain, yTrain) */
  fit(X: TableLike, y?: TargetLike): this {
    this.fitTransformTable(X, y);
    return this;
  }

  /** Fits and gives the training output (each step's own fitTransform). @example const XtTrain = ct.fitTransform(XTrain, yTrain) */
  fitTransform<X extends TableLike>(X: X, y?: TargetLike): FeaturesOut<X> {
    const { t, blocks } = this.fitTransformTable(X, y);
    return this.stack(t, blocks) as FeaturesOut<X>;
  }

  /** Applies the fitted transformers; the result has X's kind. @example ct.transform(XTest) */
  transform<X extends TableLike>(X: X): FeaturesOut<X> {
    this.checkFitted();
    const t = readTable(X, "X");
    if (t.cols !== this.nFeaturesIn_) throw new InputError(`X has ${t.cols} features, but ColumnTransformer is expecting ${this.nFeaturesIn_} features as input.`);
    const blocks = this.transformers_!.map(([name, tr, cols]) => this.apply(name, tr, cols, t, (step, rows) => step.transform(rows as never)));
    return this.stack(t, blocks) as FeaturesOut<X>;
  }

  /** Output names, `<transformer>__<feature>` (scikit-learn's verbose_feature_names_out). @example ct.getFeatureNamesOut() */
  getFeatureNamesOut(): string[] {
    this.checkFitted();
    return this.transformers_!.flatMap(([name, tr, cols]) => {
      if (tr === "drop") return [];
      if (tr === "passthrough") return cols.map((j) => `${name}__${this.featureNamesIn_![j]}`);
      return (tr.getFeatureNamesOut ? tr.getFeatureNamesOut() : []).map((n) => `${name}__${n}`);
    });
  }

  private fitTransformTable(X: TableLike, y: TargetLike | undefined): { t: ReadTable; blocks: { data: Float64Array; cols: number }[] } {
    const p = this.validate();
    const t = readTable(X, "X");
    const names = inputNames(t);
    const resolve = (sel: ColumnSelection, step: string): number[] =>
      sel.map((c) => {
        if (typeof c === "number") {
          if (!Number.isInteger(c) || c < 0 || c >= t.cols) throw new InputError(`ColumnTransformer: transformer '${step}' selects column ${c}, but X has columns 0 to ${t.cols - 1}.`);
          return c;
        }
        if (!t.names) throw new InputError(`ColumnTransformer: transformer '${step}' selects column '${c}' by name, which needs an Arrow table; select by index for rows.`);
        const j = t.names.indexOf(c);
        if (j < 0) throw new InputError(`ColumnTransformer: transformer '${step}' selects column '${c}', which X does not have (it has ${t.names.join(", ")}).`);
        return j;
      });
    const used = new Set<number>();
    const fitted: [string, TransformerLike | "drop" | "passthrough", number[]][] = p.transformers!.map(([name, tr, sel]) => {
      const cols = resolve(sel, name);
      cols.forEach((j) => used.add(j));
      return [name, typeof tr === "string" ? tr : tr.clone(), cols];
    });
    const seen = new Set<string>();
    for (const [name] of fitted) {
      if (seen.has(name) || name === "remainder") throw new InputError(`ColumnTransformer: transformer names must be unique and not 'remainder'; got '${name}' twice or reserved.`);
      seen.add(name);
    }
    const rest = Array.from({ length: t.cols }, (_, j) => j).filter((j) => !used.has(j));
    if (rest.length) fitted.push(["remainder", p.remainder, rest]);
    const blocks = fitted.map(([name, tr, cols]) => this.apply(name, tr, cols, t, (step, rows) => (step.fitTransform ? step.fitTransform(rows as never, y as never) : (step.fit(rows as never, y as never), step.transform(rows as never)))));
    // Steps were fitted on rows of their columns: give them the columns' real names for getFeatureNamesOut.
    for (const [, tr, cols] of fitted) if (typeof tr === "object") (tr as { featureNamesIn_?: string[] }).featureNamesIn_ = cols.map((j) => names[j]!);
    this.transformers_ = fitted;
    this.featureNamesIn_ = names;
    this.nFeaturesIn_ = t.cols;
    return { t, blocks };
  }

  private apply(name: string, tr: TransformerLike | "drop" | "passthrough", cols: number[], t: ReadTable, run: (step: TransformerLike, rows: Cell[][]) => unknown): { data: Float64Array; cols: number } {
    if (tr === "drop") return { data: new Float64Array(0), cols: 0 };
    if (tr === "passthrough") {
      const values = cols.map((j) => numericColumn(t, j, `ColumnTransformer (passthrough '${name}')`));
      const data = new Float64Array(t.rows * cols.length);
      for (let i = 0; i < t.rows; i++) values.forEach((v, c) => (data[i * cols.length + c] = v[i]!));
      return { data, cols: cols.length };
    }
    return block(run(tr, rowsOf(t, cols)), t.rows, name);
  }

  private stack(t: ReadTable, blocks: { data: Float64Array; cols: number }[]): unknown {
    const k = blocks.reduce((s, b) => s + b.cols, 0);
    const out = new Float64Array(t.rows * k);
    let offset = 0;
    for (const b of blocks) {
      for (let i = 0; i < t.rows; i++) out.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * k + offset);
      offset += b.cols;
    }
    return restoreFeatures(out, t.rows, k, t, this.getFeatureNamesOut());
  }

  protected getState(): Record<string, unknown> {
    return { transformers_: this.transformers_, featureNamesIn_: this.featureNamesIn_ };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.transformers_ = state.transformers_ as [string, TransformerLike, number[]][];
    this.featureNamesIn_ = state.featureNamesIn_ as string[];
  }
}

registerModel("ColumnTransformer", ColumnTransformer, {
  tags: { required: ["transformers"] },
  testParams: () => ({ transformers: [["scale", new StandardScaler(), [0, 1]], ["range", new MinMaxScaler(), [2]]] as const, remainder: "passthrough" as const }),
});
