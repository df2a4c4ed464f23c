/**
 * Row versus column formats on the 3-million-row flights file of vega-datasets:
 *   npm run build && node dist/bench/formats.js
 * Writes CSV, newline-delimited JSON, Parquet and Arrow IPC, then times reading every column and one column
 * (best of 3), and prints the row-major against column-major access of a typed array and the OLTP/OLAP workloads.
 */
import { vegaDataPath } from "../datasets/files.js";
import { compareFormats, oltpVsOlap, rowVsColumnAccess } from "../lib/data/index.js";

const source = vegaDataPath("flights-3m.parquet");
const results = await compareFormats(source, { column: "delay", repeats: 3 });
const rows = ["| format | size (MB) | read all columns (ms) | read `delay` only (ms) | one column / all |", "|---|---:|---:|---:|---:|"];
for (const r of results) rows.push(`| ${r.format} | ${(r.bytes / 1e6).toFixed(1)} | ${r.allColumnsMs.toFixed(0)} | ${r.oneColumnMs.toFixed(0)} | ${(r.oneColumnMs / r.allColumnsMs).toFixed(2)} |`);
const csv = results.find((r) => r.format === "csv")!;
const parquet = results.find((r) => r.format === "parquet")!;
rows.push("", `One-column Parquet read against the one-column CSV read: ${(csv.oneColumnMs / parquet.oneColumnMs).toFixed(1)}x faster; against reading all of the CSV: ${(csv.allColumnsMs / parquet.oneColumnMs).toFixed(1)}x.`);
const access = rowVsColumnAccess(2_000_000, 20);
rows.push("", `Summing one column of a 2,000,000 x 20 float64 matrix: row-major ${access.rowMajorMs.toFixed(1)} ms, column-major ${access.columnMajorMs.toFixed(1)} ms (${(access.rowMajorMs / access.columnMajorMs).toFixed(1)}x).`);
const oltp = await oltpVsOlap({ rows: 200_000, operations: 2_000 });
rows.push("", `OLTP/OLAP on ${oltp.engines.map((e) => `${e.name} ${e.version}`).join(" and ")}${oltp.notes.length ? ` (${oltp.notes.join("; ")})` : ""}:`);
rows.push("", "| workload (200,000 rows) | operations | SQLite (ms) | DuckDB (ms) | DuckDB / SQLite |", "|---|---:|---:|---:|---:|");
for (const o of oltp) rows.push(`| ${o.workload} | ${o.operations} | ${o.sqliteMs?.toFixed(2) ?? "n/a"} | ${o.duckdbMs.toFixed(2)} | ${o.sqliteMs ? (o.duckdbMs / o.sqliteMs).toFixed(2) : "n/a"} |`);
process.stdout.write(`${rows.join("\n")}\n`);
