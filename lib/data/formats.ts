/**
 * Reading and writing tables as CSV, JSON (newline-delimited), Parquet and Arrow IPC: DuckDB for the first three,
 * apache-arrow for IPC. Writes go to a temporary file renamed into place, so a failure never leaves a
 * half-written file where the output belongs.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { tableFromIPC, tableToIPC, type Table } from "apache-arrow";
import { InputError } from "../core/errors.js";
import { connect, duckdbTypes, insertArrow, queryArrow, sqlIdent, sqlString } from "./duckdb-arrow.js";

export type Format = "csv" | "json" | "parquet" | "arrow";

const EXTENSIONS: Record<string, Format> = { ".csv": "csv", ".json": "json", ".ndjson": "json", ".jsonl": "json", ".parquet": "parquet", ".arrow": "arrow", ".feather": "arrow", ".ipc": "arrow" };

/** The format named by `format`, else by the file's extension. */
export function formatOf(path: string, format?: Format): Format {
  if (format !== undefined) {
    if (!["csv", "json", "parquet", "arrow"].includes(format)) throw new InputError(`format must be "csv", "json", "parquet" or "arrow"; got ${JSON.stringify(format)}.`);
    return format;
  }
  const f = EXTENSIONS[extname(path).toLowerCase()];
  if (!f) throw new InputError(`Cannot tell the format of '${path}' from its extension; pass { format: "csv" | "json" | "parquet" | "arrow" }.`);
  return f;
}


let shared: Promise<DuckDBConnection> | undefined;
/** One in-memory DuckDB for the file functions of this module. */
function db(): Promise<DuckDBConnection> {
  return (shared ??= connect());
}

/** DuckDB's table function that scans `path`, with explicit column types for text formats when given. */
export function scanSql(path: string, format: Exclude<Format, "arrow">, types?: Record<string, string>): string {
  const columns = types ? `, columns = {${Object.entries(types).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(", ")}}` : "";
  if (format === "parquet") return `read_parquet(${sqlString(path)})`;
  // Quoted empty fields are empty strings, not NULL: what DuckDB's writer means by "".
  if (format === "csv") return `read_csv(${sqlString(path)}, header = true, allow_quoted_nulls = false${columns}${types ? ", auto_detect = false" : ""})`;
  return `read_json(${sqlString(path)}, format = 'newline_delimited'${columns})`;
}

export interface ReadOptions {
  format?: Format;
  /** Only these columns (a missing one is an error that names it). */
  columns?: string[];
  /** Column types for CSV and JSON, which do not store them: a DuckDB type per column, or an Arrow table to copy them from. */
  types?: Record<string, string> | Table;
}

/**
 * Reads a file into an Arrow table.
 * @example const flights = await readTable("flights.parquet", { columns: ["delay", "distance"] })
 */
export async function readTable(path: string, options: ReadOptions = {}): Promise<Table> {
  const format = formatOf(path, options.format);
  if (!existsSync(path)) throw new InputError(`readTable: no file at '${path}'.`);
  if (format === "arrow") {
    let table: Table;
    try {
      table = tableFromIPC(readFileSync(path));
    } catch (err) {
      throw new InputError(`'${path}' is not a valid Arrow IPC file: ${(err as Error).message}`);
    }
    if (!options.columns) return table;
    for (const c of options.columns) if (!table.schema.fields.some((f) => f.name === c)) throw new InputError(`Column '${c}' is not in '${path}'; its columns are ${table.schema.fields.map((f) => f.name).join(", ")}.`);
    return table.select(options.columns);
  }
  const types = options.types === undefined ? undefined : "schema" in options.types ? duckdbTypes(options.types as Table) : (options.types as Record<string, string>);
  try {
    const conn = await db();
    // Parquet has no ENUM or millisecond timestamp of its own: writeTable stored the DuckDB types, restored here.
    const stored = format === "parquet" ? await storedTypes(conn, path) : undefined;
    const names = options.columns ?? (stored ? Object.keys(stored) : undefined);
    const select = names ? names.map((c) => (stored?.[c] ? `CAST(${sqlIdent(c)} AS ${stored[c]}) AS ${sqlIdent(c)}` : sqlIdent(c))).join(", ") : "*";
    return await queryArrow(conn, `SELECT ${select} FROM ${scanSql(path, format, types)}`);
  } catch (err) {
    const msg = (err as Error).message;
    const missing = /Referenced column "?([^"\s]+)"? not found/.exec(msg);
    if (missing) throw new InputError(`Column '${missing[1]}' is not in '${path}'. (DuckDB: ${msg.split("\n")[0]})`);
    throw new InputError(`Cannot read '${path}' as ${format}: ${msg.split("\n")[0]}`);
  }
}

/** Key of the Parquet key-value metadata entry holding each column's DuckDB type (JSON). */
const TYPES_KEY = "mlsd:duckdb_types";

/** The column types writeTable stored in a Parquet file, if it did. */
async function storedTypes(conn: DuckDBConnection, path: string): Promise<Record<string, string> | undefined> {
  const r = await conn.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata(${sqlString(path)}) WHERE decode(key) = ${sqlString(TYPES_KEY)}`);
  const v = r.getRowsJS()[0]?.[0];
  return typeof v === "string" ? (JSON.parse(v) as Record<string, string>) : undefined;
}

export interface WriteOptions {
  format?: Format;
  /** Refuse to replace an existing file (default: replace it, atomically). */
  overwrite?: boolean;
  /** Parquet compression (default snappy). */
  compression?: "snappy" | "zstd" | "gzip" | "uncompressed";
}

/**
 * Writes an Arrow table to a file, atomically: a temporary file in the same folder, renamed into place.
 * @example await writeTable(table, "out/clean.parquet")
 */
export async function writeTable(table: Table, path: string, options: WriteOptions = {}): Promise<{ path: string; bytes: number }> {
  const format = formatOf(path, options.format);
  if (table.numCols === 0) throw new InputError(`writeTable: the table has no columns; nothing to write to '${path}'.`);
  if (options.overwrite === false && existsSync(path)) throw new InputError(`writeTable: '${path}' exists and overwrite is false.`);
  if (!existsSync(dirname(path) || ".")) throw new InputError(`writeTable: the folder '${dirname(path)}' does not exist.`);
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  try {
    if (format === "arrow") writeFileSync(tmp, tableToIPC(table, "file"));
    else {
      const conn = await db();
      const name = `mlsd_write_${process.pid}_${Date.now()}`;
      await insertArrow(conn, name, table);
      try {
        const kv = format === "parquet" ? `, KV_METADATA {${sqlString(TYPES_KEY)}: ${sqlString(JSON.stringify(duckdbTypes(table)))}}` : "";
        await conn.run(`COPY ${sqlIdent(name)} TO ${sqlString(tmp)} (${copyOptions(format, options)}${kv})`);
      } finally {
        await conn.run(`DROP TABLE IF EXISTS ${sqlIdent(name)}`);
      }
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { path, bytes: statSync(path).size };
}

/** COPY options for a format. */
export function copyOptions(format: Exclude<Format, "arrow">, options: Pick<WriteOptions, "compression"> = {}): string {
  if (format === "csv") return "FORMAT CSV, HEADER";
  if (format === "json") return "FORMAT JSON";
  return `FORMAT PARQUET, COMPRESSION ${(options.compression ?? "snappy").toUpperCase()}`;
}
