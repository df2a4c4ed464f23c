/** Data engineering: files in CSV, JSON, Parquet and Arrow through DuckDB and apache-arrow, and the row-versus-column measurements. */
export { connect, queryArrow, insertArrow, duckdbTypes } from "./duckdb-arrow.js";
export { readTable, writeTable, formatOf, type Format, type ReadOptions, type WriteOptions } from "./formats.js";
export { compareFormats, rowVsColumnAccess, type FormatMeasurement, type CompareFormatsOptions } from "./compare-formats.js";
export {
  validate,
  expectColumnToExist,
  expectColumnValuesToBeOfType,
  expectColumnValuesToNotBeNull,
  expectColumnValuesToBeBetween,
  expectColumnValuesToBeInSet,
  expectColumnValuesToBeUnique,
  expectTableRowCountToBeBetween,
  expectColumnMeanToBeBetween,
  expectColumnStdevToBeBetween,
  type Expectation,
  type ExpectationResult,
  type ValidationReport,
  type ColumnKind,
} from "./validation.js";
export { snapshot, checkout, versions, lineageOf, type Lineage, type VersionRecord } from "./versioning.js";
export { featurePipeline, type FeaturePipeline, type FeatureSpec, type RollingSpec, type FeatureValue } from "./feature-pipeline.js";
export { oltpVsOlap, type WorkloadTiming, type OltpOlapOptions, type OltpOlapResult, type CategoryAggregate, type Workload, type EngineName } from "./oltp-olap.js";
export { openSqlite, sqliteStatus, type SqliteDatabase, type SqliteStatement } from "./sql-sqlite.js";
export { connectPostgres, type PgClient } from "./sql-postgres.js";
export { numberColumn, stringColumn, rowsOf, type ColumnType, type RowOf, type ValueOf } from "./columns.js";
export { toDanfo, fromDanfo } from "./danfo.js";
