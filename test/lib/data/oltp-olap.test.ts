/**
 * OLTP against OLAP on real engines: SQLite (better-sqlite3, its addon built by npm run build), DuckDB, and
 * PostgreSQL when MLSD_POSTGRES_URL names a server. The engines' answers are checked against values computed
 * here from the same seeded rows, not only against each other.
 */
import { existsSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { checkRandomState } from "../../../lib/core/random.js";
import { connectPostgres, oltpVsOlap, openSqlite, sqliteStatus } from "../../../lib/data/index.js";

// CI builds the addon (MLSD_REQUIRE_NATIVE=1, g++ installed): there SQLite must be available; elsewhere it needs compilers.
const requireSqlite = process.env["MLSD_REQUIRE_NATIVE"] === "1";
const sqliteBuilt = existsSync("native/build/better_sqlite3.node") || requireSqlite;
const postgresUrl = process.env["MLSD_POSTGRES_URL"];

/** The rows oltpVsOlap generates for a seed, recomputed here: the per-category count and mean amount after the inserts. */
function expectedAggregate(rows: number, ops: number, seed: number) {
  const rng = checkRandomState(seed);
  const categories = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const acc = new Map<string, { n: number; sum: number }>();
  for (let i = 0; i < rows + ops; i++) {
    const category = categories[rng.randint(categories.length)]!;
    const amount = Math.round(rng.exponential() * 10000) / 100;
    const a = acc.get(category) ?? { n: 0, sum: 0 };
    a.n++;
    a.sum += amount;
    acc.set(category, a);
  }
  return [...acc].sort(([a], [b]) => a.localeCompare(b)).map(([category, a]) => ({ category, n: a.n, meanAmount: a.sum / a.n }));
}

describe.skipIf(!sqliteBuilt)("SQLite through better-sqlite3 (skipped when native/build/better_sqlite3.node is not built: no C/C++ compiler)", () => {
  it("opens, and keys point reads on the table's B-tree (INTEGER PRIMARY KEY is the rowid)", () => {
    expect(sqliteStatus()).toBe("");
    const db = openSqlite();
    expect(db.prepare("SELECT sqlite_version() AS v").get()!["v"]).toMatch(/^3\.\d+\.\d+$/);
    db.exec("CREATE TABLE sales (id INTEGER PRIMARY KEY, category VARCHAR(1) NOT NULL, amount DOUBLE PRECISION NOT NULL)");
    // SQLite's query planner: a search of the primary-key B-tree, not a scan.
    expect(db.prepare("EXPLAIN QUERY PLAN SELECT amount FROM sales WHERE id = ?").all(1).map((r) => r["detail"])).toEqual(["SEARCH sales USING INTEGER PRIMARY KEY (rowid=?)"]);
    expect(db.prepare("EXPLAIN QUERY PLAN SELECT category, avg(amount) FROM sales GROUP BY category").all().map((r) => String(r["detail"]))[0]).toBe("SCAN sales");
    db.close();
  });

  it("rolls a failed transaction back: the row inserted before the error is gone", () => {
    const db = openSqlite();
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO t VALUES (?, ?)");
    const both = db.transaction((a: number, b: number) => {
      insert.run(a, "x");
      insert.run(b, "y");
    });
    both(1, 2);
    expect(() => both(3, 1)).toThrow("UNIQUE constraint failed: t.id");
    expect(db.prepare("SELECT id FROM t ORDER BY id").all()).toEqual([{ id: 1 }, { id: 2 }]);
    expect(db.inTransaction).toBe(false);
    db.close();
  });
});

describe("oltpVsOlap", () => {
  it("times the three workloads on SQLite and DuckDB, whose aggregates equal the rows' own", async () => {
    const res = await oltpVsOlap({ rows: 20_000, operations: 200, randomState: 3 });
    expect(res.map((r) => [r.workload, r.operations])).toEqual([["single-row inserts", 200], ["point reads", 200], ["full-table aggregate", 1]]);
    expect(res.engines.map((e) => e.name)).toEqual(sqliteBuilt ? ["SQLite", "DuckDB"] : ["DuckDB"]);
    for (const r of res) {
      expect(r.duckdbMs).toBeGreaterThan(0);
      if (sqliteBuilt) expect(r.sqliteMs).toBeGreaterThan(0);
      expect(r).not.toHaveProperty("postgresMs");
    }
    const expected = expectedAggregate(20_000, 200, 3);
    expect(res.aggregate.map((a) => [a.category, a.n])).toEqual(expected.map((a) => [a.category, a.n]));
    res.aggregate.forEach((a, i) => expect(a.meanAmount).toBeCloseTo(expected[i]!.meanAmount, 9));
    expect(res.notes).toEqual(sqliteBuilt ? [] : [expect.stringContaining("SQLite is unavailable")]);
    const shown = (res as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!()["text/plain"]!;
    expect(shown.split("\n")[1]).toMatch(sqliteBuilt ? /^workload +operations +SQLite \(ms\) +DuckDB \(ms\)$/ : /^workload +operations +DuckDB \(ms\)$/);
  });

  it("says SQLite is unavailable, and why, when its addon cannot be used (MLSD_NATIVE=0), and still runs DuckDB", async () => {
    vi.resetModules();
    vi.stubEnv("MLSD_NATIVE", "0");
    try {
      const fresh = await import("../../../lib/data/oltp-olap.js");
      const res = await fresh.oltpVsOlap({ rows: 500, operations: 10 });
      expect(res.notes).toEqual(["SQLite is unavailable: turned off by MLSD_NATIVE=0"]);
      expect(res.engines.map((e) => e.name)).toEqual(["DuckDB"]);
      expect(res.map((r) => r.sqliteMs)).toEqual([null, null, null]);
      const shown = (res as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!()["text/plain"]!;
      expect(shown.endsWith("\nSQLite is unavailable: turned off by MLSD_NATIVE=0")).toBe(true);
      const sql = await import("../../../lib/data/sql-sqlite.js");
      expect(() => sql.openSqlite()).toThrow("SQLite is unavailable: turned off by MLSD_NATIVE=0");
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it("refuses bad options, naming the argument and the value", async () => {
    await expect(oltpVsOlap({ rows: 10, operations: 20 })).rejects.toThrow("oltpVsOlap: operations must be an integer with 1 <= operations <= rows (10); got 20.");
    await expect(oltpVsOlap({ rows: 0 })).rejects.toThrow("oltpVsOlap: rows must be an integer >= 1; got 0.");
    await expect(oltpVsOlap({ rows: 10, operations: 1, postgresUrl: "localhost:5432" })).rejects.toThrow('oltpVsOlap: postgresUrl must be a postgres:// or postgresql:// connection URL; got "localhost:5432".');
  });
});

describe("PostgreSQL", () => {
  it("an unreachable server is an error naming the URL, its password hidden", async () => {
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    await expect(connectPostgres("postgres://mlsd:secret@127.0.0.1:1/db")).rejects.toThrow(/^PostgreSQL at postgres:\/\/mlsd:\*\*\*@127\.0\.0\.1:1\/db is unreachable: connect ECONNREFUSED/);
    await expect(connectPostgres("mysql://x")).rejects.toThrow('connectPostgres: url must be a postgres:// or postgresql:// connection URL; got "mysql://x"');
  });

  it.skipIf(!postgresUrl)(`runs the same workloads on a server (${postgresUrl ? "MLSD_POSTGRES_URL" : "skipped: no server here; set MLSD_POSTGRES_URL=postgres://... to run it"})`, async () => {
    const res = await oltpVsOlap({ rows: 5_000, operations: 100, randomState: 4, postgresUrl: postgresUrl! });
    expect(res.engines.map((e) => e.name).slice(-1)).toEqual(["PostgreSQL"]);
    expect(res.engines.at(-1)!.version).toMatch(/^\d+\.\d+/);
    for (const r of res) expect(r.postgresMs).toBeGreaterThan(0);
    const expected = expectedAggregate(5_000, 100, 4);
    expect(res.aggregate.map((a) => [a.category, a.n])).toEqual(expected.map((a) => [a.category, a.n]));
    // The run's table is dropped afterwards.
    const pg = await connectPostgres(postgresUrl!);
    try {
      expect((await pg.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'mlsd_oltp_%'")).rows).toEqual([{ n: 0 }]);
    } finally {
      await pg.end();
    }
  });
});
