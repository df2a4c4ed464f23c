/**
 * OLTP versus OLAP on real engines: many single-row inserts (each its own transaction) and point reads by key,
 * against one full-table aggregate, on SQLite (an embedded B-tree row store, through better-sqlite3), DuckDB
 * (columnar, built for analytics) and, given a connection URL, PostgreSQL (a client/server row store). The same
 * seeded rows and the same statements go to every engine, and their answers are checked against each other.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { tableHtml, tableText } from "../display/table.js";
import { connect } from "./duckdb-arrow.js";
import { connectPostgres } from "./sql-postgres.js";
import { openSqlite, sqliteStatus } from "./sql-sqlite.js";

export type Workload = "single-row inserts" | "point reads" | "full-table aggregate";
export type EngineName = "SQLite" | "DuckDB" | "PostgreSQL";

export interface WorkloadTiming {
  workload: Workload;
  operations: number;
  /** null when SQLite is unavailable (the result's `notes` say why). */
  sqliteMs: number | null;
  duckdbMs: number;
  /** Only when `postgresUrl` was given. */
  postgresMs?: number;
}

/** One category of the full-table aggregate, as every engine answered it. */
export interface CategoryAggregate {
  category: string;
  n: number;
  meanAmount: number;
}

export interface OltpOlapOptions {
  /** Rows loaded (untimed, in bulk) before the workloads. */
  rows?: number;
  /** Single-row inserts, and point reads, each. */
  operations?: number;
  randomState?: RandomState;
  /** A postgres:// URL: also run the workloads on that server (in a table created and dropped for the run). */
  postgresUrl?: string;
}

export type OltpOlapResult = WorkloadTiming[] & {
  /** The engines that ran, with their versions. */
  engines: { name: EngineName; version: string }[];
  /** Engines that could not run, and why (SQLite without its addon, for instance). */
  notes: string[];
  /** The aggregate (per category: rows and mean amount), identical across the engines that ran. */
  aggregate: CategoryAggregate[];
};

interface Sale {
  id: number;
  category: string;
  amount: number;
}

/** What each engine does for the three workloads; the timing loop is shared. */
interface Engine {
  name: EngineName;
  version: string;
  load(rows: readonly Sale[]): Promise<void>;
  /** One row in its own transaction (BEGIN, INSERT, COMMIT). */
  insert(row: Sale): Promise<void> | void;
  /** The amount of row `id`, by its primary key. */
  read(id: number): Promise<number | undefined> | number | undefined;
  aggregate(): Promise<CategoryAggregate[]> | CategoryAggregate[];
  close(): Promise<void> | void;
}

const defaults = { rows: 200_000, operations: 2_000, randomState: 0 } satisfies Required<Omit<OltpOlapOptions, "postgresUrl">>;
const SCHEMA = "(id INTEGER PRIMARY KEY, category VARCHAR(1) NOT NULL, amount DOUBLE PRECISION NOT NULL)";
const AGGREGATE = "SELECT category, count(*) AS n, avg(amount) AS mean_amount FROM sales GROUP BY category ORDER BY category";

function sqliteEngine(): Engine {
  const db = openSqlite(":memory:");
  db.exec(`CREATE TABLE sales ${SCHEMA}`);
  const insert = db.prepare("INSERT INTO sales VALUES (?, ?, ?)");
  const read = db.prepare("SELECT amount FROM sales WHERE id = ?");
  const agg = db.prepare(AGGREGATE);
  // better-sqlite3's transaction(): BEGIN before the function, COMMIT after it (ROLLBACK if it throws).
  const insertOne = db.transaction((r: Sale) => insert.run(r.id, r.category, r.amount));
  const loadAll = db.transaction((rows: readonly Sale[]) => rows.forEach((r) => insert.run(r.id, r.category, r.amount)));
  return {
    name: "SQLite",
    version: String(db.prepare("SELECT sqlite_version() AS v").get()!["v"]),
    load: async (rows) => void loadAll(rows),
    insert: (r) => void insertOne(r),
    read: (id) => read.get(id)?.["amount"] as number | undefined,
    aggregate: () => agg.all().map((r) => ({ category: String(r["category"]), n: Number(r["n"]), meanAmount: Number(r["mean_amount"]) })),
    close: () => db.close(),
  };
}

async function duckdbEngine(): Promise<Engine> {
  const db = await connect();
  await db.run(`CREATE TABLE sales ${SCHEMA}`);
  const version = String((await db.runAndReadAll("SELECT version() AS v")).getRowObjects()[0]!["v"]);
  const insert = await db.prepare("INSERT INTO sales VALUES ($1, $2, $3)");
  const read = await db.prepare("SELECT amount FROM sales WHERE id = $1");
  return {
    name: "DuckDB",
    version,
    load: async (rows) => {
      // The appender: DuckDB's bulk path, as a warehouse is loaded in batches.
      const app = await db.createAppender("sales");
      for (const r of rows) {
        app.appendInteger(r.id);
        app.appendVarchar(r.category);
        app.appendDouble(r.amount);
        app.endRow();
      }
      app.flushSync();
      app.closeSync();
    },
    insert: async (r) => {
      await db.run("BEGIN TRANSACTION");
      insert.bindInteger(1, r.id);
      insert.bindVarchar(2, r.category);
      insert.bindDouble(3, r.amount);
      await insert.run();
      await db.run("COMMIT");
    },
    read: async (id) => {
      read.bindInteger(1, id);
      const rows = (await read.runAndReadAll()).getRows();
      return rows.length ? (rows[0]![0] as number) : undefined;
    },
    aggregate: async () => (await db.runAndReadAll(AGGREGATE)).getRowObjects().map((r) => ({ category: String(r["category"]), n: Number(r["n"]), meanAmount: Number(r["mean_amount"]) })),
    close: () => db.closeSync(),
  };
}

async function postgresEngine(url: string): Promise<Engine> {
  const pg = await connectPostgres(url);
  // A real table (WAL-logged, so each COMMIT waits for the log as in production), named for this run and dropped after.
  const table = `mlsd_oltp_${process.pid}_${Date.now().toString(36)}`;
  const sql = (s: string) => s.replace("sales", table);
  const version = String((await pg.query("SHOW server_version")).rows[0]!["server_version"]);
  await pg.query(`CREATE TABLE ${table} ${SCHEMA}`);
  return {
    name: "PostgreSQL",
    version,
    load: async (rows) => {
      // One statement for the bulk load: the rows as three arrays, unnested server-side.
      await pg.query(`INSERT INTO ${table} SELECT * FROM unnest($1::integer[], $2::varchar[], $3::double precision[])`, [rows.map((r) => r.id), rows.map((r) => r.category), rows.map((r) => r.amount)]);
      await pg.query(`ANALYZE ${table}`);
    },
    insert: async (r) => {
      await pg.query("BEGIN");
      await pg.query({ name: `${table}_insert`, text: sql("INSERT INTO sales VALUES ($1, $2, $3)"), values: [r.id, r.category, r.amount] });
      await pg.query("COMMIT");
    },
    read: async (id) => (await pg.query({ name: `${table}_read`, text: sql("SELECT amount FROM sales WHERE id = $1"), values: [id] })).rows[0]?.["amount"] as number | undefined,
    aggregate: async () => (await pg.query(sql(AGGREGATE))).rows.map((r) => ({ category: String(r["category"]), n: Number(r["n"]), meanAmount: Number(r["mean_amount"]) })),
    close: async () => {
      try {
        await pg.query(`DROP TABLE IF EXISTS ${table}`);
      } finally {
        await pg.end();
      }
    },
  };
}

/** The three workloads on one engine: times in ms, and what it answered (checked against the other engines). */
async function runWorkloads(engine: Engine, base: readonly Sale[], extra: readonly Sale[], lookups: readonly number[]) {
  await engine.load(base);
  let t = performance.now();
  for (const r of extra) await engine.insert(r);
  const insertMs = performance.now() - t;
  t = performance.now();
  let readSum = 0;
  let missing = 0;
  for (const id of lookups) {
    const amount = await engine.read(id);
    if (amount === undefined) missing++;
    else readSum += amount;
  }
  const readMs = performance.now() - t;
  t = performance.now();
  const aggregate = await engine.aggregate();
  const aggregateMs = performance.now() - t;
  return { insertMs, readMs, aggregateMs, readSum, missing, aggregate };
}

/** The engines' aggregates agree: counts exactly, means to 1e-9 relative (their summation orders differ). */
function sameAggregate(a: CategoryAggregate[], b: CategoryAggregate[]): boolean {
  return a.length === b.length && a.every((x, i) => x.category === b[i]!.category && x.n === b[i]!.n && Math.abs(x.meanAmount - b[i]!.meanAmount) <= 1e-9 * Math.abs(x.meanAmount));
}

/**
 * Times single-row inserts (each in its own transaction), point reads by primary key and a full-table
 * aggregate (GROUP BY category) on SQLite and DuckDB, both in memory, and on PostgreSQL when `postgresUrl` is
 * given, after loading the same seeded `rows` into each. Each engine's answers (the rows read, the aggregate)
 * must agree with the others', or it throws. SQLite missing (no compiler for its addon) is reported in `notes`.
 * @example display(await oltpVsOlap({ rows: 200_000, operations: 2_000 }))
 */
export async function oltpVsOlap(options: OltpOlapOptions = {}): Promise<OltpOlapResult> {
  const rows = options.rows ?? defaults.rows;
  const ops = options.operations ?? defaults.operations;
  if (!(Number.isInteger(rows) && rows >= 1)) throw new InputError(`oltpVsOlap: rows must be an integer >= 1; got ${rows}.`);
  if (!(Number.isInteger(ops) && ops >= 1 && ops <= rows)) throw new InputError(`oltpVsOlap: operations must be an integer with 1 <= operations <= rows (${rows}); got ${ops}.`);
  if (options.postgresUrl !== undefined && (typeof options.postgresUrl !== "string" || !/^postgres(ql)?:\/\//.test(options.postgresUrl))) throw new InputError(`oltpVsOlap: postgresUrl must be a postgres:// or postgresql:// connection URL; got ${JSON.stringify(options.postgresUrl)}.`);
  const rng = checkRandomState(options.randomState ?? defaults.randomState);
  const categories = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const sale = (id: number): Sale => ({ id, category: categories[rng.randint(categories.length)]!, amount: Math.round(rng.exponential() * 10000) / 100 });
  const base = Array.from({ length: rows }, (_, id) => sale(id));
  const extra = Array.from({ length: ops }, (_, k) => sale(rows + k));
  const lookups = Array.from({ length: ops }, () => rng.randint(rows));
  const expectedReadSum = lookups.reduce((s, id) => s + base[id]!.amount, 0);

  const notes: string[] = [];
  const opened: (() => Engine | Promise<Engine>)[] = [];
  const sqliteWhy = sqliteStatus();
  if (sqliteWhy) notes.push(`SQLite is unavailable: ${sqliteWhy}`);
  else opened.push(sqliteEngine);
  opened.push(duckdbEngine);
  if (options.postgresUrl !== undefined) opened.push(() => postgresEngine(options.postgresUrl!));

  const results = new Map<EngineName, Awaited<ReturnType<typeof runWorkloads>>>();
  const engines: { name: EngineName; version: string }[] = [];
  let reference: CategoryAggregate[] | undefined;
  for (const open of opened) {
    // One engine at a time, closed before the next opens: each has the machine to itself.
    const engine = await open();
    try {
      const r = await runWorkloads(engine, base, extra, lookups);
      if (r.missing > 0 || r.readSum !== expectedReadSum) throw new Error(`oltpVsOlap: ${engine.name} read back the wrong rows (${r.missing} missing); this is a bug.`);
      if (r.aggregate.reduce((s, a) => s + a.n, 0) !== rows + ops) throw new Error(`oltpVsOlap: ${engine.name} counts ${r.aggregate.reduce((s, a) => s + a.n, 0)} rows after the inserts, not ${rows + ops}; this is a bug.`);
      if (reference && !sameAggregate(reference, r.aggregate)) throw new Error(`oltpVsOlap: ${engine.name}'s aggregate differs from ${engines[0]!.name}'s; this is a bug.`);
      reference ??= r.aggregate;
      results.set(engine.name, r);
      engines.push({ name: engine.name, version: engine.version });
    } finally {
      await engine.close();
    }
  }

  const ms = (name: EngineName, key: "insertMs" | "readMs" | "aggregateMs") => results.get(name)?.[key];
  const timing = (workload: Workload, operations: number, key: "insertMs" | "readMs" | "aggregateMs"): WorkloadTiming => ({
    workload,
    operations,
    sqliteMs: ms("SQLite", key) ?? null,
    duckdbMs: ms("DuckDB", key)!,
    ...(results.has("PostgreSQL") ? { postgresMs: ms("PostgreSQL", key)! } : {}),
  });
  const out = [timing("single-row inserts", ops, "insertMs"), timing("point reads", ops, "readMs"), timing("full-table aggregate", 1, "aggregateMs")];
  const shown = engines.map((e) => e.name);
  const cell = (t: WorkloadTiming, name: EngineName) => (name === "SQLite" ? t.sqliteMs! : name === "DuckDB" ? t.duckdbMs : t.postgresMs!).toFixed(2);
  const preview = {
    kind: `OLTP vs OLAP (${rows.toLocaleString("en")} rows; ${engines.map((e) => `${e.name} ${e.version}`).join(", ")})`,
    columns: ["workload", "operations", ...shown.map((n) => `${n} (ms)`)],
    types: ["", "", ...shown.map(() => "")],
    rows: out.map((t) => [t.workload, t.operations, ...shown.map((n) => cell(t, n))]),
    totalRows: 3,
  };
  const note = notes.join("\n");
  return Object.assign(out, {
    engines,
    notes,
    aggregate: reference!,
    [Symbol.for("Jupyter.display")]: () => ({ "text/html": tableHtml(preview) + (note ? `<p>${note.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>` : ""), "text/plain": tableText(preview) + (note ? `\n${note}` : "") }),
  });
}

