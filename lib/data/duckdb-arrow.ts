/**
 * DuckDB results to Apache Arrow tables and back, column by column with typed values (no JSON in between):
 * DuckDB is the engine for files and SQL, Arrow the in-memory format the rest of the library reads.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { DataType, Table, type Vector, vectorFromArray, Bool, Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Float32, Float64, Utf8, DateDay, TimestampMillisecond } from "apache-arrow";
import { InputError } from "../core/errors.js";

/** An in-memory DuckDB connection (or one on a database file). @example const db = await connect() */
export async function connect(path = ":memory:"): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(path);
  return instance.connect();
}

/** Arrow type for a DuckDB type id (see DuckDBTypeId); unknown types come back as text. */
function arrowTypeOf(typeId: number): DataType {
  switch (typeId) {
    case 1: return new Bool();
    case 2: return new Int8();
    case 3: return new Int16();
    case 4: return new Int32();
    case 5: return new Int64();
    case 6: return new Uint8();
    case 7: return new Uint16();
    case 8: return new Uint32();
    case 9: return new Uint64();
    case 10: return new Float32();
    case 11: case 19: return new Float64(); // DOUBLE, DECIMAL
    case 12: return new TimestampMillisecond();
    case 13: return new DateDay();
    default: return new Utf8();
  }
}

/**
 * Runs `sql` and returns the result as an Arrow table with matching column types.
 * @example const t = await queryArrow(db, "SELECT * FROM read_parquet('flights.parquet') LIMIT 10")
 */
export async function queryArrow(conn: DuckDBConnection, sql: string): Promise<Table> {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, j) => {
    const type = arrowTypeOf(types[j]!.typeId);
    let values = (columns[j] ?? []) as unknown[];
    if (type instanceof TimestampMillisecond) values = values.map((v) => (v instanceof Date ? v.getTime() : v));
    else if (type instanceof Utf8) values = values.map((v) => (v === null || typeof v === "string" ? v : String(v)));
    vectors[name] = vectorFromArray(values, type);
  });
  return new Table(vectors);
}

/** DuckDB column type for an Arrow field type. */
function duckTypeOf(type: DataType, column: string): string {
  if (DataType.isBool(type)) return "BOOLEAN";
  if (DataType.isInt(type)) {
    const bits = (type as Int32).bitWidth;
    const base = { 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" }[bits as 8 | 16 | 32 | 64];
    return (type as Int32).isSigned ? base : `U${base}`;
  }
  if (DataType.isFloat(type)) return (type as Float32).precision === 2 ? "DOUBLE" : "FLOAT";
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) return "VARCHAR";
  if (DataType.isDate(type)) return "DATE";
  if (DataType.isTimestamp(type)) return "TIMESTAMP";
  throw new InputError(`Column '${column}' has Arrow type ${String(type)}, which cannot be stored through DuckDB; convert it to a number, string, date or timestamp first.`);
}

/** The DuckDB types of an Arrow schema, e.g. for read_csv's `columns` option. */
export function duckdbTypes(table: Table): Record<string, string> {
  return Object.fromEntries(table.schema.fields.map((f) => [f.name, duckTypeOf(f.type, f.name)]));
}

/** A SQL string literal. @example sqlString("it's") // 'it''s' */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** A quoted SQL identifier. @example sqlIdent('my "col"') // "my ""col""" */
export const sqlIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
function isoTimestamp(d: Date): string {
  return `${isoDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/**
 * Creates table `name` from an Arrow table through DuckDB's appender (typed appends; dates and timestamps as
 * ISO text, which the appender casts).
 * @example await insertArrow(db, "trips", table); await queryArrow(db, "SELECT avg(fare) FROM trips")
 */
export async function insertArrow(conn: DuckDBConnection, name: string, table: Table, options: { replace?: boolean } = {}): Promise<void> {
  const fields = table.schema.fields;
  if (fields.length === 0) throw new InputError(`Cannot store table '${name}': it has no columns.`);
  const types = fields.map((f) => duckTypeOf(f.type, f.name));
  await conn.run(`CREATE ${options.replace ? "OR REPLACE " : ""}TABLE ${sqlIdent(name)} (${fields.map((f, j) => `${sqlIdent(f.name)} ${types[j]}`).join(", ")})`);
  const appender = await conn.createAppender(name);
  const cols = fields.map((_, j) => table.getChildAt(j)!);
  for (let i = 0; i < table.numRows; i++) {
    for (let j = 0; j < cols.length; j++) {
      const v = cols[j]!.get(i) as unknown;
      if (v === null || v === undefined) {
        appender.appendNull();
        continue;
      }
      switch (types[j]) {
        case "BOOLEAN": appender.appendBoolean(v as boolean); break;
        case "TINYINT": appender.appendTinyInt(v as number); break;
        case "SMALLINT": appender.appendSmallInt(v as number); break;
        case "INTEGER": appender.appendInteger(v as number); break;
        case "UTINYINT": appender.appendUTinyInt(v as number); break;
        case "USMALLINT": appender.appendUSmallInt(v as number); break;
        case "UINTEGER": appender.appendUInteger(v as number); break;
        case "BIGINT": appender.appendBigInt(BigInt(v as bigint)); break;
        case "UBIGINT": appender.appendUBigInt(BigInt(v as bigint)); break;
        case "FLOAT": appender.appendFloat(v as number); break;
        case "DOUBLE": appender.appendDouble(v as number); break;
        case "VARCHAR": appender.appendVarchar(String(v)); break;
        case "DATE": appender.appendVarchar(isoDate(new Date(v as number | Date))); break;
        case "TIMESTAMP": appender.appendVarchar(isoTimestamp(new Date(typeof v === "bigint" ? Number(v) : (v as number | Date)))); break;
        default: throw new InputError(`Column '${fields[j]!.name}': no appender for DuckDB type ${types[j]}.`);
      }
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}
