/** Categories of a column as scikit-learn's encoders sort them (np.unique: numbers ascending, strings by code point), missing last. */
import { InputError } from "../core/errors.js";
import type { Cell } from "./table.js";

/** Sorted distinct values of `col`; null (missing) last. Refuses a column that mixes numbers and strings. */
export function uniqueSorted(col: readonly Cell[], owner: string, column: string): Cell[] {
  const seen = new Set<Cell>(col);
  const values = [...seen].filter((v) => v !== null);
  const types = new Set(values.map((v) => typeof v));
  if (types.size > 1) throw new InputError(`${owner}: column ${column} mixes numbers and strings; encode one type per column (convert the numbers to strings, say).`);
  values.sort((a, b) => (typeof a === "number" ? (a as number) - (b as number) : (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0));
  return seen.has(null) ? [...values, null] : values;
}

/** A category as scikit-learn's feature names print it (missing as "nan"). */
export const categoryName = (v: Cell): string => (v === null ? "nan" : String(v));

/** Index of each cell in `categories`, -1 when unknown. */
export function codesOf(col: readonly Cell[], categories: readonly Cell[]): Int32Array {
  const index = new Map<Cell, number>(categories.map((c, k) => [c, k]));
  return Int32Array.from(col, (v) => index.get(v) ?? -1);
}
