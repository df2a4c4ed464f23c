/**
 * OLTP versus OLAP in miniature: many single-row inserts and point reads against one full-table aggregate, on
 * a row layout (a JavaScript Map of records, as a transactional store keeps rows) and on DuckDB (columnar,
 * built for analytics). Each side wins its own workload.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { tableHtml, tableText } from "../display/table.js";
import { connect } from "./duckdb-arrow.js";

export interface WorkloadTiming {
  workload: "single-row inserts" | "point reads" | "full-table aggregate";
  operations: number;
  rowStoreMs: number;
  duckdbMs: number;
}

/**
 * @example display(await oltpVsOlap({ rows: 200_000, operations: 2_000 }))
 */
export async function oltpVsOlap(options: { rows?: number; operations?: number; randomState?: RandomState } = {}): Promise<WorkloadTiming[]> {
  const rows = options.rows ?? 200_000;
  const ops = options.operations ?? 2_000;
  if (!(Number.isInteger(rows) && rows >= 1 && Number.isInteger(ops) && ops >= 1 && ops <= rows)) throw new InputError(`oltpVsOlap: rows and operations must be integers with 1 <= operations <= rows; got ${rows} and ${ops}.`);
  const rng = checkRandomState(options.randomState ?? 0);
  const categories = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const base = Array.from({ length: rows }, (_, id) => ({ id, category: categories[rng.randint(categories.length)]!, amount: Math.round(rng.exponential() * 10000) / 100 }));
  const extra = Array.from({ length: ops }, (_, k) => ({ id: rows + k, category: categories[rng.randint(categories.length)]!, amount: Math.round(rng.exponential() * 10000) / 100 }));
  const lookups = Array.from({ length: ops }, () => rng.randint(rows));

  // Row store: records keyed by id.
  const store = new Map(base.map((r) => [r.id, r]));
  let t = performance.now();
  for (const r of extra) store.set(r.id, r);
  const rowInsert = performance.now() - t;
  t = performance.now();
  let found = 0;
  for (const id of lookups) found += store.get(id) ? 1 : 0;
  const rowRead = performance.now() - t;
  t = performance.now();
  const sums = new Map<string, { s: number; n: number }>();
  for (const r of store.values()) {
    const a = sums.get(r.category) ?? { s: 0, n: 0 };
    a.s += r.amount;
    a.n++;
    sums.set(r.category, a);
  }
  const rowAgg = performance.now() - t;

  // DuckDB: bulk-load the base rows, then the same workloads one statement at a time.
  const db = await connect();
  await db.run("CREATE TABLE sales (id INTEGER PRIMARY KEY, category VARCHAR, amount DOUBLE)");
  const app = await db.createAppender("sales");
  for (const r of base) {
    app.appendInteger(r.id);
    app.appendVarchar(r.category);
    app.appendDouble(r.amount);
    app.endRow();
  }
  app.flushSync();
  app.closeSync();
  const insert = await db.prepare("INSERT INTO sales VALUES ($1, $2, $3)");
  t = performance.now();
  for (const r of extra) {
    insert.bindInteger(1, r.id);
    insert.bindVarchar(2, r.category);
    insert.bindDouble(3, r.amount);
    await insert.run();
  }
  const duckInsert = performance.now() - t;
  const read = await db.prepare("SELECT amount FROM sales WHERE id = $1");
  t = performance.now();
  let duckFound = 0;
  for (const id of lookups) {
    read.bindInteger(1, id);
    duckFound += (await read.runAndReadAll()).getRows().length;
  }
  const duckRead = performance.now() - t;
  t = performance.now();
  const agg = await db.runAndReadAll("SELECT category, avg(amount) FROM sales GROUP BY category");
  const duckAgg = performance.now() - t;
  db.closeSync();
  if (found !== ops || duckFound !== ops || agg.getRows().length !== sums.size) throw new Error("oltpVsOlap: the two stores disagree; this is a bug.");

  const out: WorkloadTiming[] = [
    { workload: "single-row inserts", operations: ops, rowStoreMs: rowInsert, duckdbMs: duckInsert },
    { workload: "point reads", operations: ops, rowStoreMs: rowRead, duckdbMs: duckRead },
    { workload: "full-table aggregate", operations: 1, rowStoreMs: rowAgg, duckdbMs: duckAgg },
  ];
  const preview = { kind: `OLTP vs OLAP (${rows.toLocaleString("en")} rows)`, columns: ["workload", "operations", "row store (ms)", "DuckDB (ms)"], types: ["", "", "", ""], rows: out.map((o) => [o.workload, o.operations, o.rowStoreMs.toFixed(2), o.duckdbMs.toFixed(2)]), totalRows: 3 };
  return Object.assign(out, { [Symbol.for("Jupyter.display")]: () => ({ "text/html": tableHtml(preview), "text/plain": tableText(preview) }) });
}
