/**
 * Feature crosses: scikit-learn's PolynomialFeatures for numeric columns (products up to `degree`, or
 * interactions only), and `crossFeatures` for categorical ones (the joined values of two or more columns,
 * one new category per combination, to one-hot or hash next).
 */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel } from "../core/serialize.js";
import { shown, withDefaults } from "./check.js";
import { numericColumn, readTable, type Cell, type ReadTable, type TableLike } from "./table.js";
import { BaseTransformer } from "./transformer.js";

export interface PolynomialFeaturesOptions {
  degree?: number;
  interactionOnly?: boolean;
  includeBias?: boolean;
}

/** Index combinations in scikit-learn's order: by degree, then combinations (with replacement unless interaction only). */
function combinations(d: number, degree: number, interactionOnly: boolean, bias: boolean): number[][] {
  const out: number[][] = bias ? [[]] : [];
  const grow = (prefix: number[], start: number, left: number): void => {
    if (left === 0) return void out.push(prefix);
    for (let j = start; j < d; j++) grow([...prefix, j], interactionOnly ? j + 1 : j, left - 1);
  };
  for (let k = 1; k <= degree; k++) grow([], 0, k);
  return out;
}

/**
 * @example new PolynomialFeatures({ degree: 2 }).fitTransform([[2, 3]]) // [[1, 2, 3, 4, 6, 9]]
 */
export class PolynomialFeatures extends BaseTransformer<PolynomialFeaturesOptions> {
  get rules() {
    return { degree: { kind: "int", min: 0 }, interactionOnly: { kind: "bool" }, includeBias: { kind: "bool" } } as const satisfies RulesFor<PolynomialFeaturesOptions>;
  }
  get defaults() {
    return { degree: 2, interactionOnly: false, includeBias: true } as const satisfies Required<PolynomialFeaturesOptions>;
  }
  /** The input columns multiplied into each output column. */
  powers_?: number[][];
  protected readonly stateKeys = ["powers_"] as const;

  protected fitTable(t: ReadTable): void {
    const p = this.getParams();
    for (let j = 0; j < t.cols; j++) numericColumn(t, j, "PolynomialFeatures");
    this.powers_ = combinations(t.cols, p.degree, p.interactionOnly, p.includeBias);
  }

  protected transformTable(t: ReadTable): { data: Float64Array; cols: number } {
    const cols = Array.from({ length: t.cols }, (_, j) => numericColumn(t, j, "PolynomialFeatures"));
    const k = this.powers_!.length;
    const out = new Float64Array(t.rows * k);
    this.powers_!.forEach((combo, c) => {
      for (let i = 0; i < t.rows; i++) {
        let v = 1;
        for (const j of combo) v *= cols[j]![i]!;
        out[i * k + c] = v;
      }
    });
    return { data: out, cols: k };
  }

  protected namesOut(namesIn: string[]): string[] {
    return this.powers_!.map((combo) => {
      if (combo.length === 0) return "1";
      const counts = new Map<number, number>();
      for (const j of combo) counts.set(j, (counts.get(j) ?? 0) + 1);
      return [...counts].map(([j, n]) => (n === 1 ? namesIn[j]! : `${namesIn[j]}^${n}`)).join(" ");
    });
  }
}

registerModel("PolynomialFeatures", PolynomialFeatures, { testParams: () => ({ degree: 2, interactionOnly: true }) });

/** crossFeatures' declared defaults. */
const CROSS_DEFAULTS = { separator: "_x_" };

/**
 * Crossed categorical columns: for each group of column indices, one string column of the joined values
 * (a missing value in any of them makes the cross missing). Feed the result to OneHotEncoder or FeatureHasher.
 * @example crossFeatures([["SFO", "LAX"]], [[0, 1]]) // [["SFO_x_LAX"]]
 */
export function crossFeatures(X: TableLike, groups: readonly (readonly number[])[], options: { separator?: string } = {}): (string | null)[][] {
  const { separator } = withDefaults("crossFeatures", options, CROSS_DEFAULTS);
  if (typeof separator !== "string") throw new InputError(`crossFeatures: 'separator' must be a string; got ${shown(separator)}.`);
  const t = readTable(X, "X");
  if (!Array.isArray(groups) || groups.length === 0) throw new InputError(`crossFeatures: 'groups' must be a non-empty array of column-index lists; got ${shown(groups)}.`);
  groups.forEach((g, k) => {
    if (!Array.isArray(g) || g.length < 2 || g.some((j) => !Number.isInteger(j) || j < 0 || j >= t.cols)) {
      throw new InputError(`crossFeatures: groups[${k}] must list at least two column indices in [0, ${t.cols - 1}]; got ${JSON.stringify(g)}.`);
    }
  });
  return Array.from({ length: t.rows }, (_, i) =>
    groups.map((g) => {
      const parts: Cell[] = g.map((j: number) => t.columns[j]![i]!);
      return parts.some((v) => v === null) ? null : parts.join(separator);
    }),
  );
}
