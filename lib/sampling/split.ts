/**
 * scikit-learn's train_test_split: any number of arrays with the same number of rows, split by the same
 * indices, each part in its input's kind and type (number[][], number[], labels, typed arrays,
 * `{ data, rows, cols }`, tf.Tensor, Arrow tables split by rows).
 */
import { createRequire } from "node:module";
import type { Tensor } from "@tensorflow/tfjs";
import { makeData, RecordBatch, Schema, Struct, Table, vectorFromArray } from "apache-arrow";
import { InputError, InvalidParameterError } from "../core/errors.js";
import type { DenseMatrix } from "../core/validation.js";
import { trainTestSplitIndices, type SplitOptions } from "./stratified.js";

const require = createRequire(import.meta.url);

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;

/** What trainTestSplit splits: anything with rows. */
export type Splittable = readonly unknown[] | TypedArray | DenseMatrix | Tensor | Table;

/** One part of `T`: the same kind and type (a read-only array comes back as a fresh mutable one). */
export type SplitPart<T> = T extends readonly (infer E)[] ? E[] : T;

/** [train, test] for each array, in order: [A0 train, A0 test, A1 train, A1 test, ...]. */
export type SplitResult<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R] ? [SplitPart<H>, SplitPart<H>, ...SplitResult<R>] : SplitPart<A[number]>[];

const OPTION_NAMES = ["testSize", "trainSize", "randomState", "shuffle", "stratify"] as const;

const isTensor = (x: unknown): x is Tensor => typeof x === "object" && x !== null && Array.isArray((x as Tensor).shape) && typeof (x as Tensor).dataSync === "function";
const isTable = (x: unknown): x is Table => typeof x === "object" && x !== null && typeof (x as Table).numRows === "number" && typeof (x as Table).getChildAt === "function" && Array.isArray((x as Table).schema?.fields);
const isDense = (x: unknown): x is DenseMatrix => typeof x === "object" && x !== null && ArrayBuffer.isView((x as DenseMatrix).data) && Number.isInteger((x as DenseMatrix).rows) && Number.isInteger((x as DenseMatrix).cols);

/** The options object: a plain object that is none of the splittable kinds. */
function isOptions(x: unknown): x is SplitOptions {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !isDense(x) && !isTensor(x) && !isTable(x);
}

function rowsOf(a: unknown, i: number): number {
  if (Array.isArray(a) || ArrayBuffer.isView(a)) return (a as ArrayLike<unknown>).length;
  if (isDense(a)) return a.rows;
  if (isTensor(a)) {
    if (a.shape.length === 0) throw new InputError(`trainTestSplit: array ${i} is a scalar tensor; it has no rows to split.`);
    return a.shape[0]!;
  }
  if (isTable(a)) return a.numRows;
  throw new InputError(`trainTestSplit: array ${i} must be an array, a typed array, a { data, rows, cols } matrix, a tf.Tensor or an Arrow table; got ${a === null ? "null" : typeof a}.`);
}

/** An Arrow value as the plain JavaScript a builder takes: nested vectors as arrays, struct rows as objects. */
function plain(v: unknown): unknown {
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || v instanceof Date) return v;
  if (typeof (v as { toArray?: unknown }).toArray === "function" && "type" in v) return Array.from(v as unknown as Iterable<unknown>, plain);
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return Object.fromEntries(Object.entries((v as { toJSON(): object }).toJSON()).map(([k, x]) => [k, plain(x)]));
  return v;
}

function take<T>(a: T, idx: Int32Array): T {
  if (Array.isArray(a)) return Array.from(idx, (i) => a[i]) as T;
  if (ArrayBuffer.isView(a)) {
    const src = a as unknown as TypedArray;
    const out = new (src.constructor as new (n: number) => TypedArray)(idx.length);
    idx.forEach((i, k) => (out[k] = src[i]!));
    return out as T;
  }
  if (isDense(a)) {
    const { data, cols } = a;
    const out = new (data.constructor as new (n: number) => Float64Array | Float32Array)(idx.length * cols);
    idx.forEach((i, k) => out.set(data.subarray(i * cols, (i + 1) * cols), k * cols));
    return { ...a, data: out, rows: idx.length, cols } as T;
  }
  if (isTensor(a)) {
    // The caller passed a tensor, so tfjs is loaded already: requiring it costs nothing.
    const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
    return tf.tidy(() => tf.gather(a, tf.tensor1d(idx, "int32"), 0)) as T;
  }
  const table = a as unknown as Table;
  // Rows taken column by column, each rebuilt with its own Arrow type (dictionaries, lists, dates kept).
  // apache-arrow is imported statically, as in lib/data: its builders only know types of the same copy.
  const columns = table.schema.fields.map((f, j) => {
    const col = table.getChildAt(j)!;
    return vectorFromArray(Array.from(idx, (i) => plain(col.get(i))), f.type);
  });
  const schema = new Schema(table.schema.fields, table.schema.metadata);
  const data = makeData({ type: new Struct(table.schema.fields), length: idx.length, nullCount: 0, children: columns.map((c) => c.data[0]!) });
  return new Table(schema, new RecordBatch(schema, data)) as unknown as T;
}

/**
 * Splits arrays into random train and test subsets, as scikit-learn's train_test_split: `testSize` and
 * `trainSize` as fractions or counts (default test 0.25), `shuffle` (default true), `stratify` (labels whose
 * class proportions both parts keep), `randomState`. Each part keeps its input's kind and type.
 * @example
 * const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.25, stratify: y, randomState: 42 });
 */
export function trainTestSplit<A extends Splittable[]>(...args: [...A, SplitOptions]): SplitResult<A>;
export function trainTestSplit<A extends Splittable[]>(...args: A): SplitResult<A>;
export function trainTestSplit(...args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  const options: SplitOptions = args.length > 0 && isOptions(last) ? last : {};
  const arrays = isOptions(last) ? args.slice(0, -1) : args;
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) throw new InvalidParameterError(`trainTestSplit got an unknown parameter '${key}'. Valid parameters are: ${OPTION_NAMES.join(", ")}.`);
  }
  if (options.shuffle !== undefined && typeof options.shuffle !== "boolean") throw new InvalidParameterError(`The 'shuffle' parameter of trainTestSplit must be a boolean. Got ${String(options.shuffle)} instead.`);
  if (arrays.length === 0) throw new InputError("trainTestSplit: at least one array required as input, e.g. trainTestSplit(X, y, { testSize: 0.25 }).");
  // The list form trainTestSplit([X, y], options) would split the list itself: refuse it rather than return a
  // two-row split of [X, y]. (A number[][] has rows of numbers; this is a list of matrices or of mixed kinds.)
  const only = arrays[0];
  if (arrays.length === 1 && Array.isArray(only) && only.length > 0 && only.every((a) => Array.isArray(a) || ArrayBuffer.isView(a) || isDense(a) || isTensor(a) || isTable(a)) && only.some((a) => !Array.isArray(a) || Array.isArray(a[0]))) {
    throw new InputError(`trainTestSplit takes each array as its own argument, as scikit-learn's train_test_split: trainTestSplit(X, y, { testSize }), not trainTestSplit([X, y], ...). Got one list of ${only.length} arrays.`);
  }
  const rows = arrays.map(rowsOf);
  if (rows.some((r) => r !== rows[0])) throw new InputError(`Found input variables with inconsistent numbers of samples: [${rows.join(", ")}].`);
  const { train, test } = trainTestSplitIndices(rows[0]!, options);
  return arrays.flatMap((a) => [take(a, train), take(a, test)]);
}
