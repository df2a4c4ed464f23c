/**
 * The notes' row-versus-column lesson, measured: one table written as CSV, JSON, Parquet and Arrow IPC, with
 * file sizes and the time to read every column versus one column from each file.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, tableToIPC, type Table } from "apache-arrow";
import { InputError } from "../core/errors.js";
import { tableHtml, tableText } from "../display/table.js";
import { connect, insertArrow, queryArrow, sqlIdent, sqlString } from "./duckdb-arrow.js";
import { copyOptions, formatOf, scanSql, type Format } from "./formats.js";

export interface FormatMeasurement {
  format: Format;
  bytes: number;
  /** Best of `repeats` reads of every column (ms). */
  allColumnsMs: number;
  /** Best of `repeats` reads of `column` alone (ms). */
  oneColumnMs: number;
}

export interface CompareFormatsOptions {
  /** The column read alone (default: the first). */
  column?: string;
  repeats?: number;
  /** Where the files go (default: a temporary folder, removed afterwards). */
  dir?: string;
}


async function best(repeats: number, f: () => Promise<unknown> | unknown): Promise<number> {
  let min = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    await f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

/**
 * @example display(await compareFormats("node_modules/vega-datasets/data/flights-3m.parquet", { column: "delay" }))
 */
export async function compareFormats(source: Table | string, options: CompareFormatsOptions = {}): Promise<FormatMeasurement[]> {
  const repeats = options.repeats ?? 3;
  const conn = await connect();
  if (typeof source === "string") {
    const format = formatOf(source);
    if (format === "arrow") await insertArrow(conn, "src", tableFromIPC(readFileSync(source)));
    else
      await conn.run(`CREATE TABLE src AS SELECT * FROM ${scanSql(source, format)}`).catch((err: Error) => {
        throw new InputError(`compareFormats: cannot read '${source}': ${err.message.split("\n")[0]}`);
      });
  } else {
    await insertArrow(conn, "src", source);
  }
  const names = (await queryArrow(conn, "SELECT * FROM src LIMIT 0")).schema.fields.map((f) => f.name);
  const column = options.column ?? names[0]!;
  if (!names.includes(column)) throw new InputError(`compareFormats: column '${column}' is not in the table; its columns are ${names.join(", ")}.`);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "mlsd-formats-"));
  const out: FormatMeasurement[] = [];
  try {
    for (const format of ["csv", "json", "parquet"] as const) {
      const path = join(dir, `table.${format}`);
      await conn.run(`COPY src TO ${sqlString(path)} (${copyOptions(format)})`);
      // Hashing every value forces DuckDB to read and decode each column (count or min could come from Parquet's
      // statistics without touching the data); one aggregate reads one column.
      const all = `SELECT ${names.map((n) => `sum(hash(${sqlIdent(n)}))`).join(", ")} FROM ${scanSql(path, format)}`;
      const one = `SELECT sum(hash(${sqlIdent(column)})) FROM ${scanSql(path, format)}`;
      out.push({ format, bytes: statSync(path).size, allColumnsMs: await best(repeats, () => conn.run(all)), oneColumnMs: await best(repeats, () => conn.run(one)) });
    }
    const arrowPath = join(dir, "table.arrow");
    writeFileSync(arrowPath, tableToIPC(typeof source === "string" ? await queryArrow(conn, "SELECT * FROM src") : source, "file"));
    const touch = (t: Table, cols: string[]) => cols.reduce((n, c) => n + t.getChild(c)!.length, 0);
    out.push({
      format: "arrow",
      bytes: statSync(arrowPath).size,
      allColumnsMs: await best(repeats, () => touch(tableFromIPC(readFileSync(arrowPath)), names)),
      oneColumnMs: await best(repeats, () => touch(tableFromIPC(readFileSync(arrowPath)), [column])),
    });
  } finally {
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    conn.closeSync();
  }
  const cells = out.map((m) => [m.format, (m.bytes / 1e6).toFixed(1), m.allColumnsMs.toFixed(1), m.oneColumnMs.toFixed(1)]);
  const preview = { kind: `Formats (one column: ${column})`, columns: ["format", "MB", "all columns (ms)", "one column (ms)"], types: ["", "", "", ""], rows: cells, totalRows: cells.length };
  return Object.assign(out, { [Symbol.for("Jupyter.display")]: () => ({ "text/html": tableHtml(preview), "text/plain": tableText(preview) }) });
}

/**
 * Row-major against column-major access on typed arrays (the notes' NumPy-versus-pandas point): summing one
 * column of a rows x cols matrix stored each way. Returns milliseconds for each.
 * @example rowVsColumnAccess(1_000_000, 20)
 */
export function rowVsColumnAccess(rows: number, cols: number, repeats = 3): { rowMajorMs: number; columnMajorMs: number } {
  if (!(Number.isInteger(rows) && rows > 0 && Number.isInteger(cols) && cols > 0)) throw new InputError(`rowVsColumnAccess: rows and cols must be positive integers; got ${rows} x ${cols}.`);
  const data = new Float64Array(rows * cols).map((_, i) => i % 7);
  const time = (f: () => number) => {
    let min = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      f();
      min = Math.min(min, performance.now() - t);
    }
    return min;
  };
  const j = cols >> 1;
  return {
    rowMajorMs: time(() => {
      let s = 0;
      for (let i = 0; i < rows; i++) s += data[i * cols + j]!; // stride: one cache line per value
      return s;
    }),
    columnMajorMs: time(() => {
      let s = 0;
      const base = j * rows;
      for (let i = 0; i < rows; i++) s += data[base + i]!; // contiguous
      return s;
    }),
  };
}
