/**
 * One place for input checks (scikit-learn's check_array / check_X_y): every matrix kind the library accepts
 * becomes a row-major Float64 matrix, and results go back in the caller's kind. Errors name the argument,
 * what was expected and what came in.
 */
import { createRequire } from "node:module";
import { InputError } from "./errors.js";

/** A row-major dense matrix: the library's working format. */
export interface DenseMatrix {
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
}

/** What feature-matrix arguments accept. */
export type MatrixLike = readonly (readonly number[])[] | DenseMatrix | Tensor2DLike | ArrowTableLike;
export type Label = number | string;
/** What label arguments accept. */
export type LabelsLike = readonly Label[] | Float64Array | Float32Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array;

/** What the library reads of a tf.Tensor2D. */
export interface Tensor2DLike {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number>;
}
/** What the library reads of an Arrow table. */
export interface ArrowTableLike {
  schema: { fields: { name: string; typeId?: number; type: unknown }[] };
  numRows: number;
  getChildAt(i: number): { toArray(): ArrayLike<unknown> } | null;
}

export type MatrixKind = "array" | "dense" | "tensor" | "arrow";

export interface CheckedMatrix {
  matrix: { data: Float64Array; rows: number; cols: number };
  kind: MatrixKind;
  /** Column names (Arrow input), to name the columns of the output. */
  columns?: string[];
}

const require = createRequire(import.meta.url);
const isTensor = (x: unknown): x is Tensor2DLike => typeof x === "object" && x !== null && Array.isArray((x as Tensor2DLike).shape) && typeof (x as Tensor2DLike).dataSync === "function";
const isArrow = (x: unknown): x is ArrowTableLike =>
  typeof x === "object" && x !== null && typeof (x as ArrowTableLike).numRows === "number" && Array.isArray((x as ArrowTableLike).schema?.fields) && typeof (x as ArrowTableLike).getChildAt === "function";
const isDense = (x: unknown): x is DenseMatrix =>
  typeof x === "object" && x !== null && ((x as DenseMatrix).data instanceof Float64Array || (x as DenseMatrix).data instanceof Float32Array) && Number.isInteger((x as DenseMatrix).rows) && Number.isInteger((x as DenseMatrix).cols);

function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name} of length ${(x as unknown as ArrayLike<number>).length}`;
  if (typeof x === "object") return `an object with keys [${Object.keys(x as object).slice(0, 5).join(", ")}]`;
  return `${typeof x} ${String(x)}`;
}

export interface CheckOptions {
  /** Refuse NaN and infinities (default true). */
  finite?: boolean;
  /**
   * Copy a Float64 `{ data, rows, cols }` input (default true). With false its buffer is used as it is, as
   * scikit-learn's check_array(copy=False) does: only for callers that never write to it.
   */
  copy?: boolean;
  minSamples?: number;
}

/**
 * A number[][] into a fresh row-major Float64 matrix, checking shape, types and (with `finite`) finiteness in
 * the one pass that copies. Its own small function: inside checkArray, which reads every input kind, V8
 * optimised the copy loop less well (1.5 times as long for 100,000 x 20).
 */
function readRows(X: readonly unknown[], name: string, finite: boolean): { data: Float64Array; rows: number; cols: number } {
  const rows = X.length;
  const first = X[0];
  const cols = rows > 0 && Array.isArray(first) ? (first as unknown[]).length : 0;
  if (rows > 0 && !Array.isArray(first)) throw new InputError(`${name} must be 2-dimensional (rows of numbers); got a 1-dimensional array. Wrap each sample in its own array, e.g. [[x0], [x1], ...].`);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = X[i] as readonly unknown[];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new InputError(`${name} must be a rectangular matrix: row 0 has ${cols} columns but row ${i} has ${Array.isArray(row) ? row.length : describeValue(row)}.`);
    }
    // v - v is 0 for every finite number and NaN otherwise, so the finite check costs no second read.
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== "number" || (finite && v - v !== 0)) {
        if (typeof v !== "number") throw new InputError(`${name}[${i}][${j}] must be a number; got ${describeValue(v)}.`);
        throw new InputError(`${name} contains ${Number.isNaN(v) ? "NaN" : "infinity"} at row ${i}, column ${j}; remove or impute non-finite values first.`);
      }
      data[o + j] = v;
    }
  }
  return { data, rows, cols };
}

/**
 * Reads a feature matrix of any accepted kind into a fresh Float64 row-major copy (see `copy`).
 * @example checkArray([[1, 2], [3, 4]]).matrix // { data: Float64Array [1, 2, 3, 4], rows: 2, cols: 2 }
 */
export function checkArray(X: unknown, name = "X", options: CheckOptions = {}): CheckedMatrix {
  const finite = options.finite ?? true;
  let out: CheckedMatrix;
  if (Array.isArray(X)) {
    out = { matrix: readRows(X, name, finite), kind: "array" };
  } else if (isDense(X)) {
    if (X.data.length !== X.rows * X.cols) throw new InputError(`${name}.data has length ${X.data.length}, but rows * cols = ${X.rows} * ${X.cols} = ${X.rows * X.cols}.`);
    // A memcpy (slice) or one typed conversion: Float64Array.from would walk the iterator protocol.
    const data = X.data instanceof Float64Array ? (options.copy === false ? X.data : X.data.slice()) : new Float64Array(X.data);
    out = { matrix: { data, rows: X.rows, cols: X.cols }, kind: "dense" };
  } else if (isTensor(X)) {
    if (X.shape.length !== 2) throw new InputError(`${name} must be a 2-dimensional tensor; got shape [${X.shape.join(", ")}].`);
    out = { matrix: { data: new Float64Array(X.dataSync()), rows: X.shape[0]!, cols: X.shape[1]! }, kind: "tensor" };
  } else if (isArrow(X)) {
    const fields = X.schema.fields;
    const rows = X.numRows;
    const cols = fields.length;
    const data = new Float64Array(rows * cols);
    for (let j = 0; j < cols; j++) {
      const values = X.getChildAt(j)!.toArray();
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        const n = typeof v === "bigint" ? Number(v) : v;
        if (typeof n !== "number") throw new InputError(`${name} column '${fields[j]!.name}' must be numeric; got ${describeValue(v)} in row ${i}.`);
        data[i * cols + j] = n;
      }
    }
    out = { matrix: { data, rows, cols }, kind: "arrow", columns: fields.map((f) => f.name) };
  } else {
    throw new InputError(`${name} must be a number[][], a { data, rows, cols } matrix, a 2-D tf.Tensor or an Arrow table of numeric columns; got ${describeValue(X)}.`);
  }
  const { data, rows, cols } = out.matrix;
  if (finite && out.kind !== "array") {
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k]!)) {
        throw new InputError(`${name} contains ${Number.isNaN(data[k]!) ? "NaN" : "infinity"} at row ${Math.floor(k / cols)}, column ${k % cols}; remove or impute non-finite values first.`);
      }
    }
  }
  const min = options.minSamples ?? 1;
  if (rows < min) throw new InputError(`${name} has ${rows} samples, but at least ${min} ${min === 1 ? "is" : "are"} required.`);
  return out;
}

const rowReaders = new Map<number, (data: Float64Array, offset: number) => number[]>();
/** A function returning data[offset .. offset + cols) as a new array: a literal [d[o], d[o + 1], ...] up to 256 columns. */
function rowReader(cols: number): (data: Float64Array, offset: number) => number[] {
  let f = rowReaders.get(cols);
  if (f) return f;
  if (cols <= 256) {
    // Built from the column count alone (an integer), never from data.
    f = new Function("d", "o", `return [${Array.from({ length: cols }, (_, j) => `d[o + ${j}]`).join(", ")}];`) as (data: Float64Array, offset: number) => number[];
  } else {
    f = (d, o) => {
      const r: number[] = [];
      for (let j = 0; j < cols; j++) r.push(d[o + j]!);
      return r;
    };
  }
  rowReaders.set(cols, f);
  return f;
}

/**
 * Gives a Float64 row-major matrix back in the kind the caller passed in; an Arrow table's columns are named
 * `columns` (default: the input's names).
 */
export function restoreMatrix(m: { data: Float64Array; rows: number; cols: number }, like: Pick<CheckedMatrix, "kind" | "columns">, columns: readonly string[] | undefined = like.columns): unknown {
  switch (like.kind) {
    case "array": {
      // Array.from(subarray) walks the iterator protocol (2 us a row of 16); a row literal of the right size is
      // one allocation of packed doubles.
      const row = rowReader(m.cols);
      const out: number[][] = new Array(m.rows);
      for (let i = 0; i < m.rows; i++) out[i] = row(m.data, i * m.cols);
      return out;
    }
    case "dense":
      return m;
    case "tensor": {
      // The caller passed a tensor, so tfjs is loaded already: requiring it costs nothing.
      const tf = require("@tensorflow/tfjs") as { tensor2d(d: Float32Array, s: [number, number], dtype: string): unknown };
      return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols], "float32");
    }
    case "arrow": {
      const arrow = require("apache-arrow") as { tableFromArrays(c: Record<string, Float64Array>): unknown };
      const out: Record<string, Float64Array> = {};
      const names = columns ?? Array.from({ length: m.cols }, (_, j) => String(j));
      names.forEach((name, j) => {
        const col = new Float64Array(m.rows);
        for (let i = 0; i < m.rows; i++) col[i] = m.data[i * m.cols + j]!;
        out[name] = col;
      });
      return arrow.tableFromArrays(out);
    }
  }
}

export interface CheckedLabels {
  /** Class index of each sample, into `classes`. */
  codes: Int32Array;
  /** Sorted distinct labels (numbers ascending, or strings in code-point order), as scikit-learn's `classes_`. */
  classes: Label[];
  /** The input's container kind, for restoring. */
  kind: "array" | "typed";
  typedCtor?: new (n: number) => ArrayLike<number> & { [i: number]: number };
}

/**
 * Encodes labels as class indices.
 * @example checkLabels(["b", "a", "b"]) // { codes: Int32Array [1, 0, 1], classes: ["a", "b"], ... }
 */
export function checkLabels(y: unknown, name = "y", nSamples?: number): CheckedLabels {
  if (!Array.isArray(y) && !(ArrayBuffer.isView(y) && !(y instanceof DataView))) {
    throw new InputError(`${name} must be an array or typed array of labels (numbers or strings); got ${describeValue(y)}.`);
  }
  const values = y as ArrayLike<unknown>;
  if (nSamples !== undefined && values.length !== nSamples) {
    throw new InputError(`Found input variables with inconsistent numbers of samples: [${nSamples}, ${values.length}] (X has ${nSamples} rows, ${name} has ${values.length} labels).`);
  }
  const seen = new Map<Label, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new InputError(`${name}[${i}] is ${v}; labels must be finite numbers or strings.`);
    } else if (typeof v !== "string") {
      throw new InputError(`${name}[${i}] must be a number or a string; got ${describeValue(v)}.`);
    }
    if (!seen.has(v as Label)) seen.set(v as Label, 0);
  }
  const kinds = new Set([...seen.keys()].map((k) => typeof k));
  if (kinds.size > 1) throw new InputError(`${name} mixes numbers and strings; use one type of label.`);
  const classes = [...seen.keys()].sort((a, b) => (typeof a === "number" ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0));
  classes.forEach((c, i) => seen.set(c, i));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = seen.get(values[i] as Label)!;
  const out: CheckedLabels = { codes, classes, kind: Array.isArray(y) ? "array" : "typed" };
  if (!Array.isArray(y)) out.typedCtor = (y as object).constructor as CheckedLabels["typedCtor"];
  return out;
}

/** Labels for `codes`, in the caller's container kind. */
export function restoreLabels(codes: Int32Array, like: CheckedLabels): unknown {
  if (like.kind === "typed" && like.typedCtor) {
    const out = new like.typedCtor(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = like.classes[codes[i]!] as number;
    return out;
  }
  // A plain loop: Array.from with a map function costs a call per label through the iterator protocol.
  const out: Label[] = new Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = like.classes[codes[i]!]!;
  return out;
}

/** Counts per class index. */
export function classCounts(codes: Int32Array, nClasses: number): Int32Array {
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < codes.length; i++) counts[codes[i]!]!++;
  return counts;
}
