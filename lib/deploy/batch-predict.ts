/**
 * Batch prediction: read a table through DuckDB a chunk at a time, predict each chunk, stage the results as
 * Parquet files, and only at the end combine them into the output and rename it into place, so a crash never
 * leaves a half-written output where the real one belongs.
 */
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { Float64, Table, vectorFromArray, type Vector } from "apache-arrow";
import { InputError } from "../core/errors.js";
import { connect, queryArrow, sqlString } from "../data/duckdb-arrow.js";
import { rowsOf } from "../data/columns.js";
import { formatOf, scanSql, writeTable } from "../data/formats.js";
import { progress } from "../display/progress.js";
import { toRow, type LoadedModel } from "./model-store.js";

export interface BatchPredictOptions {
  input: string;
  output: string;
  /** Rows read and predicted at a time. */
  chunkRows?: number;
  /** Show a progress bar (default true). */
  progress?: boolean;
}


/**
 * @example await batchPredict(await loadSavedModel("models/delay/1"), { input: "flights.parquet", output: "scored.parquet" })
 */
export async function batchPredict(model: LoadedModel, options: BatchPredictOptions): Promise<{ rows: number; chunks: number }> {
  const chunk = options.chunkRows ?? 100_000;
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw new InputError(`batchPredict: 'chunkRows' must be an integer >= 1; got ${chunk}.`);
  const format = formatOf(options.input);
  if (format === "arrow") throw new InputError("batchPredict reads CSV, JSON or Parquet through DuckDB; convert Arrow IPC input first.");
  if (!existsSync(options.input)) throw new InputError(`batchPredict: no input file at '${options.input}'.`);
  if (formatOf(options.output) !== "parquet") throw new InputError(`batchPredict writes Parquet; '${options.output}' does not end in .parquet.`);
  const db = await connect();
  const scan = scanSql(options.input, format);
  const total = Number((await queryArrow(db, `SELECT count(*)::BIGINT AS n FROM ${scan}`)).getChild("n")!.get(0));
  const stage = mkdtempSync(join(dirname(options.output) || ".", ".mlsd-predict-"));
  const names = model.manifest.outputs.length > 0 ? model.manifest.outputs : null;
  const bar = options.progress === false ? null : progress(total, { label: "predict" });
  let chunks = 0;
  try {
    for (let offset = 0; offset < total; offset += chunk) {
      // A stable order (the file's row order) so chunks neither overlap nor skip rows.
      const part = await queryArrow(db, `SELECT * FROM ${scan} LIMIT ${chunk} OFFSET ${offset}`);
      const rows = rowsOf(part).map((r, i) => {
        try {
          return toRow(Object.fromEntries(model.manifest.inputs.map((f) => [f.name, r[f.name]])), model.manifest.inputs);
        } catch (err) {
          throw new InputError(`row ${offset + i} of '${options.input}': ${(err as Error).message}`);
        }
      });
      const preds = await model.predict(rows);
      const columns: Record<string, Vector> = {};
      for (const f of part.schema.fields) columns[f.name] = part.getChild(f.name)!;
      const width = preds[0]?.length ?? 0;
      for (let k = 0; k < width; k++) columns[names?.[k] ?? `prediction_${k}`] = vectorFromArray(preds.map((p) => p[k]!), new Float64());
      columns["__row"] = vectorFromArray(Array.from({ length: part.numRows }, (_, i) => offset + i), new Float64());
      await writeTable(new Table(columns), join(stage, `chunk-${String(chunks).padStart(6, "0")}.parquet`));
      chunks++;
      bar?.tick(part.numRows);
    }
    const tmp = `${options.output}.tmp-${process.pid}-${Date.now()}`;
    if (chunks === 0) throw new InputError(`batchPredict: '${options.input}' has no rows.`);
    try {
      await db.run(`COPY (SELECT * EXCLUDE (__row) FROM read_parquet(${sqlString(join(stage, "chunk-*.parquet"))}) ORDER BY __row) TO ${sqlString(tmp)} (FORMAT PARQUET)`);
      renameSync(tmp, options.output);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  } finally {
    bar?.close();
    rmSync(stage, { recursive: true, force: true });
    db.closeSync();
  }
  return { rows: total, chunks };
}
