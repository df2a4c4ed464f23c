/**
 * Tabular input for the feature transformers: rows of numbers and strings (null or NaN for missing), a
 * `{ data, rows, cols }` matrix, a tf.Tensor2D or an Arrow table (any column types, dictionaries included),
 * read column by column; and the numeric result given back in the caller's kind.
 */
import { InputError } from "../core/errors.js";
import { restoreMatrix, type MatrixKind } from "../core/validation.js";
import type { Tensor2D } from "@tensorflow/tfjs";
import type { Table as ArrowTable } from "apache-arrow";
import type { Dense } from "../core/kinds.js";
import { shown } from "./check.js";

/** A cell: a number, a string, or missing (null; NaN counts as missing too). */
export type Cell = number | string | null;

/** What the feature transformers accept. */
export type TableLike = readonly (readonly (Cell | undefined)[])[] | { data: Float64Array | Float32Array; rows: number; cols: number } | { shape: number[]; dataSync(): ArrayLike<number> } | { numRows: number; schema: { fields: { name: string }[] }; getChildAt(i: number): unknown };

/** The result type for input `X`: number[][] for rows, a tensor for a tensor, an Arrow table for a table, else Dense. */
export type FeaturesOut<X> = X extends readonly (readonly unknown[])[] ? number[][] : X extends { dataSync(): unknown; shape: readonly number[] } ? Tensor2D : X extends { numRows: number; getChildAt(i: number): unknown } ? ArrowTable : Dense;

/** Columns of cells, with the input's kind and column names (Arrow's, else none). */
export interface ReadTable {
  columns: Cell[][];
  rows: number;
  cols: number;
  kind: MatrixKind;
  names?: string[];
}

const isMissing = (v: unknown): boolean => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));

function cell(v: unknown, name: string, i: number, j: number): Cell {
  if (isMissing(v)) return null;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new InputError(`${name} contains infinity at row ${i}, column ${j}; only finite numbers, strings and missing values (null or NaN) are allowed.`);
    return v;
  }
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  throw new InputError(`${name}[${i}][${j}] must be a number, a string or null; got ${shown(v)}.`);
}

/**
 * Reads `X` by columns. @example readTable([[1, "a"], [2, null]], "X").columns // [[1, 2], ["a", null]]
 */
export function readTable(X: unknown, name = "X"): ReadTable {
  if (Array.isArray(X)) {
    const rows = X.length;
    if (rows === 0) throw new InputError(`${name} has 0 samples, but at least 1 is required.`);
    if (!Array.isArray(X[0])) throw new InputError(`${name} must be 2-dimensional (rows of values); got a 1-dimensional array. Wrap each sample in its own array, e.g. [[x0], [x1], ...].`);
    const cols = (X[0] as unknown[]).length;
    const columns: Cell[][] = Array.from({ length: cols }, () => new Array<Cell>(rows));
    for (let i = 0; i < rows; i++) {
      const row = X[i] as unknown;
      if (!Array.isArray(row) || row.length !== cols) throw new InputError(`${name} must be a rectangular matrix: row 0 has ${cols} columns but row ${i} has ${Array.isArray(row) ? row.length : shown(row)}.`);
      for (let j = 0; j < cols; j++) columns[j]![i] = cell(row[j], name, i, j);
    }
    return { columns, rows, cols, kind: "array" };
  }
  if (typeof X === "object" && X !== null) {
    const o = X as Record<string, unknown>;
    if ((o.data instanceof Float64Array || o.data instanceof Float32Array) && Number.isInteger(o.rows) && Number.isInteger(o.cols)) {
      const { data, rows, cols } = o as { data: Float64Array; rows: number; cols: number };
      if (data.length !== rows * cols) throw new InputError(`${name}.data has length ${data.length}, but rows * cols = ${rows} * ${cols} = ${rows * cols}.`);
      return fromFlat(data, rows, cols, "dense", name);
    }
    if (Array.isArray(o.shape) && typeof o.dataSync === "function") {
      const shape = o.shape as number[];
      if (shape.length !== 2) throw new InputError(`${name} must be a 2-dimensional tensor; got shape [${shape.join(", ")}].`);
      return fromFlat((o.dataSync as () => ArrayLike<number>).call(X), shape[0]!, shape[1]!, "tensor", name);
    }
    if (typeof o.numRows === "number" && typeof o.getChildAt === "function") {
      const t = X as { numRows: number; schema: { fields: { name: string }[] }; getChildAt(i: number): { get(i: number): unknown } | null };
      const names = t.schema.fields.map((f) => f.name);
      const columns = names.map((field, j) => {
        const child = t.getChildAt(j)!;
        return Array.from({ length: t.numRows }, (_, i) => cell(child.get(i), `${name} column '${field}'`, i, j));
      });
      if (t.numRows === 0) throw new InputError(`${name} has 0 samples, but at least 1 is required.`);
      return { columns, rows: t.numRows, cols: names.length, kind: "arrow", names };
    }
  }
  throw new InputError(`${name} must be rows of numbers and strings, a { data, rows, cols } matrix, a 2-D tf.Tensor or an Arrow table; got ${shown(X)}.`);
}

function fromFlat(data: ArrayLike<number>, rows: number, cols: number, kind: MatrixKind, name: string): ReadTable {
  if (rows === 0) throw new InputError(`${name} has 0 samples, but at least 1 is required.`);
  const columns: Cell[][] = Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => cell(data[i * cols + j], name, i, j)));
  return { columns, rows, cols, kind };
}

/** Column `j` as numbers (NaN for missing); a string is refused, naming the owner and the column. */
export function numericColumn(t: ReadTable, j: number, owner: string): Float64Array {
  const col = t.columns[j]!;
  const out = new Float64Array(t.rows);
  for (let i = 0; i < t.rows; i++) {
    const v = col[i];
    if (typeof v === "string") throw new InputError(`${owner} needs numeric input, but column ${t.names ? `'${t.names[j]}'` : j} holds the string ${JSON.stringify(v)} at row ${i}; encode it first (OneHotEncoder, TargetEncoder, FeatureHasher).`);
    out[i] = v === null || v === undefined ? NaN : v;
  }
  return out;
}

/** A numeric result (row-major) in the kind `like` came in, an Arrow table's columns named `names`. */
export function restoreFeatures(data: Float64Array, rows: number, cols: number, like: ReadTable, names: readonly string[]): unknown {
  return restoreMatrix({ data, rows, cols }, { kind: like.kind }, names);
}

/** scikit-learn's default input feature names: the Arrow column names, else x0, x1, ... */
export function inputNames(t: Pick<ReadTable, "cols" | "names">): string[] {
  return t.names ?? Array.from({ length: t.cols }, (_, j) => `x${j}`);
}
