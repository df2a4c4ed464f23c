/** Data engineering: files in CSV, JSON, Parquet and Arrow through DuckDB and apache-arrow, and the row-versus-column measurements. */
export { connect, queryArrow, insertArrow, duckdbTypes } from "./duckdb-arrow.js";
export { readTable, writeTable, formatOf, type Format, type ReadOptions, type WriteOptions } from "./formats.js";
export { compareFormats, rowVsColumnAccess, type FormatMeasurement, type CompareFormatsOptions } from "./compare-formats.js";
