/**
 * Data tests in the spirit of Great Expectations: declarative expectations about a table (types, nulls, ranges,
 * allowed values, uniqueness, row count, distribution bounds), checked by `validate` into a report that shows
 * as a table in the notebook, with a sample of the failing rows.
 */
import { DataType, type Table } from "apache-arrow";
import { InputError } from "../core/errors.js";

export interface ExpectationResult {
  expectation: string;
  column?: string;
  success: boolean;
  /** What was measured (a mean, a count, the type found...). */
  observed: unknown;
  unexpectedCount: number;
  unexpectedPercent: number;
  /** Up to five failing rows: their index and value. */
  sample: { row: number; value: unknown }[];
  /** Why it could not be checked at all (a missing column, say). */
  error?: string;
}

export interface Expectation {
  name: string;
  column?: string;
  check(table: Table): Omit<ExpectationResult, "expectation" | "column">;
}

export type ColumnKind = "int" | "float" | "number" | "string" | "bool" | "date" | "timestamp";

/** The column's values, or an error naming the missing column. */
function column(table: Table, name: string): unknown[] {
  const col = table.getChild(name);
  if (!col) throw new InputError(`column '${name}' is not in the table (columns: ${table.schema.fields.map((f) => f.name).join(", ")})`);
  return Array.from({ length: table.numRows }, (_, i) => col.get(i) as unknown);
}

/** Rows failing `ok` (nulls are skipped: nullability is its own expectation), with `mostly` as the share that must pass. */
function rowCheck(values: unknown[], ok: (v: unknown) => boolean, mostly = 1): Omit<ExpectationResult, "expectation" | "column"> {
  const bad: number[] = [];
  let nonNull = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    nonNull++;
    if (!ok(v)) bad.push(i);
  });
  const share = nonNull ? bad.length / nonNull : 0;
  return { success: 1 - share >= mostly, observed: `${nonNull - bad.length} of ${nonNull} pass`, unexpectedCount: bad.length, unexpectedPercent: share * 100, sample: bad.slice(0, 5).map((row) => ({ row, value: values[row] })) };
}

const num = (v: unknown) => (typeof v === "bigint" ? Number(v) : (v as number));

/** @example expectColumnToExist("delay") */
export function expectColumnToExist(name: string): Expectation {
  return { name: "expectColumnToExist", column: name, check: (t) => {
    const found = t.schema.fields.some((f) => f.name === name);
    return { success: found, observed: found ? "present" : "missing", unexpectedCount: 0, unexpectedPercent: 0, sample: [] };
  } };
}

/** @example expectColumnValuesToBeOfType("distance", "int") */
export function expectColumnValuesToBeOfType(name: string, kind: ColumnKind): Expectation {
  const test: Record<ColumnKind, (t: DataType) => boolean> = {
    int: (t) => DataType.isInt(t),
    float: (t) => DataType.isFloat(t) || DataType.isDecimal(t),
    number: (t) => DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t),
    string: (t) => DataType.isUtf8(t) || DataType.isLargeUtf8(t) || (DataType.isDictionary(t) && DataType.isUtf8((t as { dictionary: DataType }).dictionary)),
    bool: (t) => DataType.isBool(t),
    date: (t) => DataType.isDate(t),
    timestamp: (t) => DataType.isTimestamp(t),
  };
  if (!(kind in test)) throw new InputError(`expectColumnValuesToBeOfType: kind must be one of ${Object.keys(test).join(", ")}; got ${JSON.stringify(kind)}.`);
  return { name: "expectColumnValuesToBeOfType", column: name, check: (t) => {
    column(t, name);
    const type = t.schema.fields.find((f) => f.name === name)!.type;
    return { success: test[kind](type), observed: String(type), unexpectedCount: 0, unexpectedPercent: 0, sample: [] };
  } };
}

/** @example expectColumnValuesToNotBeNull("delay", { mostly: 0.99 }) */
export function expectColumnValuesToNotBeNull(name: string, options: { mostly?: number } = {}): Expectation {
  return { name: "expectColumnValuesToNotBeNull", column: name, check: (t) => {
    const values = column(t, name);
    const bad = [...values.keys()].filter((i) => values[i] === null || values[i] === undefined || (typeof values[i] === "number" && Number.isNaN(values[i])));
    const share = values.length ? bad.length / values.length : 0;
    return { success: 1 - share >= (options.mostly ?? 1), observed: `${bad.length} nulls`, unexpectedCount: bad.length, unexpectedPercent: share * 100, sample: bad.slice(0, 5).map((row) => ({ row, value: values[row] })) };
  } };
}

/** @example expectColumnValuesToBeBetween("distance", { min: 0, max: 6000 }) */
export function expectColumnValuesToBeBetween(name: string, bounds: { min?: number; max?: number; mostly?: number }): Expectation {
  return { name: "expectColumnValuesToBeBetween", column: name, check: (t) =>
    rowCheck(column(t, name), (v) => {
      const x = v instanceof Date ? v.getTime() : num(v);
      return typeof x === "number" && !Number.isNaN(x) && (bounds.min === undefined || x >= bounds.min) && (bounds.max === undefined || x <= bounds.max);
    }, bounds.mostly) };
}

/** @example expectColumnValuesToBeInSet("weather", ["sun", "rain", "fog", "drizzle", "snow"]) */
export function expectColumnValuesToBeInSet(name: string, allowed: readonly unknown[], options: { mostly?: number } = {}): Expectation {
  const set = new Set(allowed);
  return { name: "expectColumnValuesToBeInSet", column: name, check: (t) => rowCheck(column(t, name), (v) => set.has(v), options.mostly) };
}

/** @example expectColumnValuesToBeUnique("id") */
export function expectColumnValuesToBeUnique(name: string): Expectation {
  return { name: "expectColumnValuesToBeUnique", column: name, check: (t) => {
    const values = column(t, name);
    const seen = new Map<unknown, number>();
    const dup: number[] = [];
    values.forEach((v, i) => {
      if (v === null) return;
      const key = v instanceof Date ? v.getTime() : v;
      if (seen.has(key)) dup.push(i);
      else seen.set(key, i);
    });
    return { success: dup.length === 0, observed: `${dup.length} duplicates`, unexpectedCount: dup.length, unexpectedPercent: values.length ? (dup.length / values.length) * 100 : 0, sample: dup.slice(0, 5).map((row) => ({ row, value: values[row] })) };
  } };
}

/** @example expectTableRowCountToBeBetween({ min: 1000 }) */
export function expectTableRowCountToBeBetween(bounds: { min?: number; max?: number }): Expectation {
  return { name: "expectTableRowCountToBeBetween", check: (t) => ({ success: (bounds.min === undefined || t.numRows >= bounds.min) && (bounds.max === undefined || t.numRows <= bounds.max), observed: t.numRows, unexpectedCount: 0, unexpectedPercent: 0, sample: [] }) };
}

function stats(t: Table, name: string): { mean: number; std: number; n: number } {
  const xs = column(t, name).filter((v) => v !== null && v !== undefined).map(num).filter((x) => !Number.isNaN(x));
  if (xs.some((x) => typeof x !== "number")) throw new InputError(`column '${name}' is not numeric`);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return { mean, std, n };
}

/** Distribution bound on the mean. @example expectColumnMeanToBeBetween("delay", { min: 0, max: 20 }) */
export function expectColumnMeanToBeBetween(name: string, bounds: { min?: number; max?: number }): Expectation {
  return { name: "expectColumnMeanToBeBetween", column: name, check: (t) => {
    const { mean, n } = stats(t, name);
    return { success: n > 0 && (bounds.min === undefined || mean >= bounds.min) && (bounds.max === undefined || mean <= bounds.max), observed: mean, unexpectedCount: 0, unexpectedPercent: 0, sample: [] };
  } };
}

/** Distribution bound on the standard deviation. @example expectColumnStdevToBeBetween("delay", { max: 60 }) */
export function expectColumnStdevToBeBetween(name: string, bounds: { min?: number; max?: number }): Expectation {
  return { name: "expectColumnStdevToBeBetween", column: name, check: (t) => {
    const { std, n } = stats(t, name);
    return { success: n > 1 && (bounds.min === undefined || std >= bounds.min) && (bounds.max === undefined || std <= bounds.max), observed: std, unexpectedCount: 0, unexpectedPercent: 0, sample: [] };
  } };
}

export interface ValidationReport {
  success: boolean;
  results: ExpectationResult[];
  statistics: { evaluated: number; successful: number; unsuccessful: number };
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const observedText = (v: unknown) => (typeof v === "string" ? v : show(v));
const show = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : typeof v === "bigint" ? String(v) : v instanceof Date ? v.toISOString() : JSON.stringify(v) ?? String(v));

/**
 * Runs every expectation; a check that cannot run (a missing column) fails with the reason instead of throwing.
 * @example display(validate(flights, [expectColumnValuesToNotBeNull("delay"), expectColumnValuesToBeBetween("distance", { min: 0 })]))
 */
export function validate(table: Table, suite: readonly Expectation[]): ValidationReport {
  if (!table || typeof (table as Table).getChild !== "function") throw new InputError("validate: 'table' must be an Arrow table (see readTable or tableFromArrays).");
  if (!Array.isArray(suite) || suite.length === 0) throw new InputError("validate: 'suite' must be a non-empty array of expectations.");
  const results: ExpectationResult[] = suite.map((e) => {
    try {
      return { expectation: e.name, ...(e.column !== undefined ? { column: e.column } : {}), ...e.check(table) };
    } catch (err) {
      return { expectation: e.name, ...(e.column !== undefined ? { column: e.column } : {}), success: false, observed: null, unexpectedCount: 0, unexpectedPercent: 0, sample: [], error: (err as Error).message };
    }
  });
  const successful = results.filter((r) => r.success).length;
  const report: ValidationReport = { success: successful === results.length, results, statistics: { evaluated: results.length, successful, unsuccessful: results.length - successful } };
  const html = () =>
    `<div class="mlsd-validation"><p><b>${report.success ? "✔ all expectations met" : `✘ ${report.statistics.unsuccessful} of ${report.statistics.evaluated} expectations failed`}</b> (${table.numRows} rows)</p><table><thead><tr><th></th><th>expectation</th><th>column</th><th>observed</th><th>unexpected</th><th>sample of failing rows</th></tr></thead><tbody>${results
      .map((r) => `<tr><td>${r.success ? "✔" : "✘"}</td><td>${escape(r.expectation)}</td><td>${escape(r.column ?? "")}</td><td>${escape(r.error ?? observedText(r.observed))}</td><td>${r.unexpectedCount ? `${r.unexpectedCount} (${r.unexpectedPercent.toFixed(2)} %)` : ""}</td><td>${escape(r.sample.map((s) => `row ${s.row}: ${show(s.value)}`).join("; "))}</td></tr>`)
      .join("")}</tbody></table></div>`;
  const text = () => [`${report.success ? "all expectations met" : `${report.statistics.unsuccessful} of ${report.statistics.evaluated} expectations failed`} (${table.numRows} rows)`, ...results.map((r) => `${r.success ? "ok  " : "FAIL"} ${r.expectation}${r.column ? `(${r.column})` : ""}: ${r.error ?? observedText(r.observed)}${r.unexpectedCount ? `, ${r.unexpectedCount} unexpected, e.g. ${r.sample.map((s) => `row ${s.row}: ${show(s.value)}`).join("; ")}` : ""}`)].join("\n");
  return Object.assign(report, { [Symbol.for("Jupyter.display")]: () => ({ "text/html": html(), "text/plain": text() }) });
}
