/**
 * DuckDB results to Apache Arrow tables and back, column by column with typed values (no JSON in between):
 * DuckDB is the engine for files and SQL, Arrow the in-memory format the rest of the library reads.
 */
import { DuckDBInstance, DuckDBTypeId, ENUM, dateValue, jsToDuckDBValue, type DuckDBConnection, type DuckDBEnumType, type DuckDBTimestampValue, type DuckDBType, type DuckDBValue } from "@duckdb/node-api";
import { Dictionary, Field, Int32, makeData, makeVector, RecordBatch, Schema, Struct, Table, Timestamp, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { InputError } from "../core/errors.js";
import { arrowFieldOf, duckTypeOfField, exactTimestamp, toArrowValue, toDuckValue } from "./duckdb-types.js";

/** An in-memory DuckDB connection (or one on a database file). @example const db = await connect() */
export async function connect(path = ":memory:"): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(path);
  return instance.connect();
}

/** Validity bitmap (bit set = value present) and null count of `values`. */
function validity(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

/** One result column as an Arrow vector of `field`'s type. */
function columnVector(field: Field, type: DuckDBType, raw: readonly DuckDBValue[]): Vector {
  const { nullBitmap, nullCount } = validity(raw);
  if (type.typeId === DuckDBTypeId.ENUM) {
    // The dictionary is the ENUM's values in their order, unused ones included (a category's levels).
    const levels = (type as DuckDBEnumType).values;
    const index = new Map(levels.map((l, i) => [l, i]));
    const codes = Int32Array.from(raw, (v) => (v === null ? 0 : index.get(String(v))!));
    return makeVector(makeData({ type: field.type as Dictionary<Utf8, Int32>, length: raw.length, nullCount, nullBitmap, data: codes, dictionary: vectorFromArray([...levels], new Utf8()) }));
  }
  if (type.typeId === DuckDBTypeId.TIMESTAMP || type.typeId === DuckDBTypeId.TIMESTAMP_TZ) {
    // Microseconds as DuckDB holds them: through milliseconds they could round.
    const micros = BigInt64Array.from(raw, (v) => (v === null ? 0n : (v as DuckDBTimestampValue).micros));
    return makeVector(makeData({ type: field.type as Timestamp, length: raw.length, nullCount, nullBitmap, data: micros }));
  }
  return vectorFromArray(raw.map((v) => toArrowValue(v, type)), field.type);
}

/** An Arrow table from fields and their vectors (names may repeat, as in SQL results). */
function tableOf(fields: Field[], vectors: Vector[], length: number, metadata?: Map<string, string>): Table {
  const schema = new Schema(fields, metadata ?? null);
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new Table(schema, new RecordBatch(schema, data));
}

/**
 * Runs `sql` and returns the result as an Arrow table with matching column types, nested ones included:
 * LIST, STRUCT and MAP as Arrow List, Struct and Map; DATE as Date32; TIMESTAMP as microsecond timestamps
 * (WITH TIME ZONE: in UTC); DECIMAL as Decimal128; ENUM as a dictionary of its values; BLOB as Binary;
 * UUID as Arrow's `arrow.uuid` extension (16 bytes).
 * @example const t = await queryArrow(db, "SELECT * FROM read_parquet('flights.parquet') LIMIT 10")
 */
export async function queryArrow(conn: DuckDBConnection, sql: string): Promise<Table> {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumns();
  const fields = names.map((name, j) => arrowFieldOf(name, types[j]!));
  const vectors = fields.map((f, j) => columnVector(f, types[j]!, columns[j] ?? []));
  return tableOf(fields, vectors, reader.currentRowCount);
}

/** The DuckDB types of an Arrow schema, e.g. for read_csv's `columns` option. */
export function duckdbTypes(table: Table): Record<string, string> {
  return Object.fromEntries(table.schema.fields.map((f, j) => [f.name, duckTypeFor(table, j).toString()]));
}

/** The DuckDB type of column `j`; a string dictionary becomes an ENUM of the dictionary's values. */
function duckTypeFor(table: Table, j: number): DuckDBType {
  const f = table.schema.fields[j]!;
  const t = duckTypeOfField(f);
  if (t.typeId !== DuckDBTypeId.ENUM) return t;
  const levels: string[] = [];
  const seen = new Set<string>();
  for (const d of table.getChildAt(j)!.data) {
    for (const v of (d.dictionary?.toArray() ?? []) as Iterable<string | null>) {
      if (v !== null && !seen.has(v)) seen.add(v), levels.push(v);
    }
  }
  return ENUM(levels);
}

/** A SQL string literal. @example sqlString("it's") // 'it''s' */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** A quoted SQL identifier. @example sqlIdent('my "col"') // "my ""col""" */
export const sqlIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * Creates table `name` from an Arrow table through DuckDB's appender, with typed values: nested types,
 * decimals, dictionaries (as ENUM), binary and UUIDs included.
 * @example await insertArrow(db, "trips", table); await queryArrow(db, "SELECT avg(fare) FROM trips")
 */
export async function insertArrow(conn: DuckDBConnection, name: string, table: Table, options: { replace?: boolean } = {}): Promise<void> {
  const fields = table.schema.fields;
  if (fields.length === 0) throw new InputError(`Cannot store table '${name}': it has no columns.`);
  const types = fields.map((_, j) => duckTypeFor(table, j));
  await conn.run(`CREATE ${options.replace ? "OR REPLACE " : ""}TABLE ${sqlIdent(name)} (${fields.map((f, j) => `${sqlIdent(f.name)} ${types[j]!.toString()}`).join(", ")})`);
  const appender = await conn.createAppender(name);
  const cols = fields.map((_, j) => table.getChildAt(j)!);
  for (let i = 0; i < table.numRows; i++) {
    for (let j = 0; j < cols.length; j++) {
      const v = cols[j]!.get(i) as unknown;
      if (v === null || v === undefined) {
        appender.appendNull();
        continue;
      }
      const t = types[j]!;
      switch (t.typeId) {
        case DuckDBTypeId.BOOLEAN: appender.appendBoolean(v as boolean); break;
        case DuckDBTypeId.TINYINT: appender.appendTinyInt(v as number); break;
        case DuckDBTypeId.SMALLINT: appender.appendSmallInt(v as number); break;
        case DuckDBTypeId.INTEGER: appender.appendInteger(v as number); break;
        case DuckDBTypeId.UTINYINT: appender.appendUTinyInt(v as number); break;
        case DuckDBTypeId.USMALLINT: appender.appendUSmallInt(v as number); break;
        case DuckDBTypeId.UINTEGER: appender.appendUInteger(v as number); break;
        case DuckDBTypeId.BIGINT: appender.appendBigInt(BigInt(v as bigint)); break;
        case DuckDBTypeId.UBIGINT: appender.appendUBigInt(BigInt(v as bigint)); break;
        case DuckDBTypeId.FLOAT: appender.appendFloat(v as number); break;
        case DuckDBTypeId.DOUBLE: appender.appendDouble(v as number); break;
        case DuckDBTypeId.VARCHAR: appender.appendVarchar(String(v)); break;
        case DuckDBTypeId.DATE: appender.appendDate(dateValue(Math.floor((v instanceof Date ? v.getTime() : Number(v)) / 86_400_000))); break;
        case DuckDBTypeId.TIMESTAMP:
        case DuckDBTypeId.TIMESTAMP_TZ: appender.appendValue(exactTimestamp(v instanceof Date ? v.getTime() : Number(v), t), t); break;
        default: appender.appendValue(jsToDuckDBValue(toDuckValue(v, t, fields[j]!) as never, t), t);
      }
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}
