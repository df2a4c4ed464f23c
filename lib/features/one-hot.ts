/** scikit-learn's OneHotEncoder (dense output): one 0/1 column per category seen in fit, `handleUnknown`, `drop`. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel } from "../core/serialize.js";
import { categoryName, codesOf, uniqueSorted } from "./categories.js";
import type { Cell, ReadTable } from "./table.js";
import { BaseTransformer } from "./transformer.js";

export interface OneHotEncoderOptions {
  /** "auto" (learned in fit) or the categories of each column. */
  categories?: "auto" | readonly (readonly Cell[])[];
  /** "error" refuses a category not seen in fit; "ignore" encodes it as all zeros. */
  handleUnknown?: "error" | "ignore";
  /** null keeps every column; "first" drops each feature's first category; "if_binary" only for two-category features. */
  drop?: "first" | "if_binary" | null;
}

/**
 * @example new OneHotEncoder().fitTransform([["b"], ["a"]]) // [[0, 1], [1, 0]] (columns x0_a, x0_b)
 */
export class OneHotEncoder extends BaseTransformer<OneHotEncoderOptions> {
  get rules() {
    return {
      categories: [{ kind: "enum", values: ["auto"] }, { kind: "custom", describe: "an array of category lists, one per column", test: (v: unknown) => Array.isArray(v) && v.every((c) => Array.isArray(c)) }],
      handleUnknown: { kind: "enum", values: ["error", "ignore"] },
      drop: { kind: "enum", values: ["first", "if_binary", null] },
    } as const satisfies RulesFor<OneHotEncoderOptions>;
  }
  get defaults() {
    return { categories: "auto", handleUnknown: "error", drop: null } as const satisfies Required<OneHotEncoderOptions>;
  }
  categories_?: Cell[][];
  /** Per feature, the index of the dropped category, or null. */
  dropIdx_?: (number | null)[];
  protected readonly stateKeys = ["categories_", "dropIdx_"] as const;

  protected fitTable(t: ReadTable): void {
    const p = this.getParams();
    if (p.categories !== "auto" && p.categories.length !== t.cols) throw new InputError(`OneHotEncoder: 'categories' has ${p.categories.length} lists, but X has ${t.cols} columns.`);
    this.categories_ = t.columns.map((col, j) => {
      if (p.categories === "auto") return uniqueSorted(col, "OneHotEncoder", String(j));
      const given = [...p.categories[j]!];
      const unknown = col.find((v) => !given.includes(v));
      if (unknown !== undefined && p.handleUnknown === "error") throw new InputError(`OneHotEncoder: found unknown category ${JSON.stringify(unknown)} in column ${j} during fit.`);
      return given;
    });
    this.dropIdx_ = this.categories_.map((cats) => (p.drop === "first" || (p.drop === "if_binary" && cats.length === 2) ? 0 : null));
  }

  protected transformTable(t: ReadTable): { data: Float64Array; cols: number } {
    const ignore = this.getParams().handleUnknown === "ignore";
    const widths = this.categories_!.map((c, j) => c.length - (this.dropIdx_![j] === null ? 0 : 1));
    const k = widths.reduce((a, b) => a + b, 0);
    const out = new Float64Array(t.rows * k);
    let offset = 0;
    t.columns.forEach((col, j) => {
      const codes = codesOf(col, this.categories_![j]!);
      const drop = this.dropIdx_![j];
      for (let i = 0; i < t.rows; i++) {
        let c = codes[i]!;
        if (c === -1) {
          if (!ignore) throw new InputError(`OneHotEncoder: found unknown category ${JSON.stringify(col[i])} in column ${j} at row ${i} during transform; set handleUnknown: "ignore" to encode it as zeros.`);
          continue;
        }
        if (drop !== null && drop !== undefined) {
          if (c === drop) continue;
          if (c > drop) c--;
        }
        out[i * k + offset + c] = 1;
      }
      offset += widths[j]!;
    });
    return { data: out, cols: k };
  }

  protected namesOut(namesIn: string[]): string[] {
    return this.categories_!.flatMap((cats, j) => cats.filter((_, c) => c !== this.dropIdx_![j]).map((v) => `${namesIn[j]}_${categoryName(v)}`));
  }
}

registerModel("OneHotEncoder", OneHotEncoder, { testParams: () => ({ handleUnknown: "ignore" as const }) });
