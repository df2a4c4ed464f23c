/**
 * Typed reads of an Arrow table's columns and rows. A table from SQL or a file has a schema known only when it
 * runs, so apache-arrow types its columns loosely; these readers check the column's Arrow type at run time and
 * give a precise TypeScript type back (no `as Float64Array` in user code), with a clear error otherwise.
 */
import { DataType, type Table, type Vector } from "apache-arrow";
import { InputError } from "../core/errors.js";

/** What `rowsOf` can check a column against: its values read as numbers, strings or booleans. */
export type ColumnType = "number" | "string" | "boolean" | "number?" | "string?" | "boolean?";

/** The TypeScript type of a `ColumnType`: a trailing "?" allows null. */
export type ValueOf<C extends ColumnType> = C extends "number" ? number : C extends "string" ? string : C extends "boolean" ? boolean : C extends "number?" ? number | null : C extends "string?" ? string | null : boolean | null;

/** A row typed by a column spec such as `{ delay: "number", origin: "string" }`. */
export type RowOf<S extends Record<string, ColumnType>> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** The column `name` of `table`, or an error listing the table's columns. */
export function columnOf(table: Table, name: string, fn: string): Vector {
  const v = typeof name === "string" ? table.getChild(name) : null;
  if (!v) throw new InputError(`${fn}: the table has no column ${JSON.stringify(name)}; its columns are ${table.schema.fields.map((f) => f.name).join(", ")}.`);
  return v;
}

/** Whether values of `type` read as numbers: integers, floats, dates and timestamps (as milliseconds). */
const numeric = (type: DataType): boolean => DataType.isInt(type) || DataType.isFloat(type) || DataType.isDate(type) || DataType.isTimestamp(type);
/** Whether values of `type` read as strings: Utf8 (large too) and string dictionaries. */
const textual = (type: DataType): boolean => DataType.isUtf8(type) || DataType.isLargeUtf8(type) || (DataType.isDictionary(type) && textual(type.dictionary));

/**
 * Column `name` as a Float64Array: integer, float, date and timestamp columns (dates and timestamps in
 * milliseconds since the epoch, 64-bit integers as the nearest double), null as NaN. A copy: writing to it
 * leaves the table alone.
 * @example const delay = numberColumn(await queryArrow(db, "SELECT delay FROM flights"), "delay"); delay[0] // 14
 */
export function numberColumn(table: Table, name: string): Float64Array {
  const v = columnOf(table, name, "numberColumn");
  if (!numeric(v.type)) throw new InputError(`numberColumn: column ${JSON.stringify(name)} is ${String(v.type)}, not numbers; read it with stringColumn or rowsOf, or cast it in SQL (e.g. ${name}::DOUBLE).`);
  // Plain int and float columns without nulls copy in one go; dates, timestamps, 64-bit integers and nulls go value by value.
  if (v.nullCount === 0 && (DataType.isFloat(v.type) || (DataType.isInt(v.type) && v.type.bitWidth < 64))) return Float64Array.from(v.toArray() as ArrayLike<number>);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i) as number | bigint | null;
    out[i] = x === null ? NaN : Number(x);
  }
  return out;
}

/**
 * Column `name` as strings: Utf8 and dictionary (category) columns. A null is refused, naming its row (read
 * nullable text with `rowsOf(table, { name: "string?" })`).
 * @example stringColumn(loadSeattleWeather(), "weather").slice(0, 2) // ["drizzle", "rain"]
 */
export function stringColumn(table: Table, name: string): string[] {
  const v = columnOf(table, name, "stringColumn");
  if (!textual(v.type)) throw new InputError(`stringColumn: column ${JSON.stringify(name)} is ${String(v.type)}, not strings; read it with numberColumn or rowsOf, or cast it in SQL (e.g. ${name}::VARCHAR).`);
  const out = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const s = v.get(i) as string | null;
    if (s === null) throw new InputError(`stringColumn: column ${JSON.stringify(name)} is null at row ${i}; read nullable text with rowsOf(table, { ${JSON.stringify(name)}: "string?" }).`);
    out[i] = s;
  }
  return out;
}

/** Reads one value of a column checked as `want` (its null and its kind already checked per column). */
function reader(v: Vector, name: string, want: ColumnType): (i: number) => unknown {
  const base = want.replace("?", "") as "number" | "string" | "boolean";
  const ok = base === "number" ? numeric(v.type) : base === "string" ? textual(v.type) : DataType.isBool(v.type);
  if (!ok) throw new InputError(`rowsOf: column ${JSON.stringify(name)} is ${String(v.type)}, not ${base === "number" ? "numbers" : base === "string" ? "strings" : "booleans"} as the spec says (${JSON.stringify(want)}).`);
  const nullable = want.endsWith("?");
  return (i) => {
    const x = v.get(i) as unknown;
    if (x === null || x === undefined) {
      if (!nullable) throw new InputError(`rowsOf: column ${JSON.stringify(name)} is null at row ${i}, but the spec says ${JSON.stringify(want)}; write ${JSON.stringify(`${want}?`)} to allow nulls.`);
      return null;
    }
    return typeof x === "bigint" ? Number(x) : x;
  };
}

/**
 * An Arrow table's rows as plain objects (bigints as numbers), the shape a stream of events has. With a column
 * spec, only those columns, each checked against the table's type and typed accordingly ("number?" and the
 * like allow null): the rows' type comes from the spec, so no cast is needed.
 * @example
 * rowsOf(table)[0] // { origin: "SFO", delay: 14, ... } as Record<string, unknown>
 * const flights = rowsOf(table, { origin: "string", delay: "number" }); flights[0].delay // number
 */
export function rowsOf(table: Table): Record<string, unknown>[];
export function rowsOf<const S extends Record<string, ColumnType>>(table: Table, columns: S): RowOf<S>[];
export function rowsOf(table: Table, columns?: Record<string, ColumnType>): Record<string, unknown>[] {
  const spec: [string, ColumnType | undefined][] = columns === undefined ? table.schema.fields.map((f) => [f.name, undefined]) : Object.entries(columns);
  if (columns !== undefined && (typeof columns !== "object" || columns === null || spec.length === 0)) throw new InputError(`rowsOf: 'columns' must be an object such as { delay: "number", origin: "string" }; got ${JSON.stringify(columns)}.`);
  const read = spec.map(([name, want]) => {
    const v = columnOf(table, name, "rowsOf");
    if (want === undefined) return (i: number) => {
      const x = v.get(i) as unknown;
      return typeof x === "bigint" ? Number(x) : x;
    };
    if (!["number", "string", "boolean", "number?", "string?", "boolean?"].includes(want)) throw new InputError(`rowsOf: columns.${name} must be "number", "string" or "boolean" (with "?" to allow null); got ${JSON.stringify(want)}.`);
    return reader(v, name, want);
  });
  return Array.from({ length: table.numRows }, (_, i) => {
    const r: Record<string, unknown> = {};
    spec.forEach(([name], j) => (r[name] = read[j]!(i)));
    return r;
  });
}
