/** Round trips through every format keep values and types (nulls, dates, strings, 64-bit integers); bad files give clear errors. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateDay, Float64, Int32, Int64, Bool, Null, TimestampMillisecond, Utf8, Table, vectorFromArray } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { compareFormats, connect, insertArrow, queryArrow, readTable, rowVsColumnAccess, writeTable } from "../../../lib/data/index.js";

const dir = mkdtempSync(join(tmpdir(), "mlsd-formats-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const original = new Table({
  id: vectorFromArray([1, 2, 3, null], new Int32()),
  big: vectorFromArray([9007199254740993n, -5n, null, 0n], new Int64()),
  price: vectorFromArray([1.5, null, -0.25, 1e-12], new Float64()),
  name: vectorFromArray(["a,b", 'quote "x"', null, ""], new Utf8()),
  flag: vectorFromArray([true, false, null, true], new Bool()),
  day: vectorFromArray([new Date("2024-02-29"), null, new Date("1969-12-31"), new Date("2000-01-01")], new DateDay()),
  at: vectorFromArray([Date.UTC(2024, 0, 1, 12, 34, 56, 789), null, 0, Date.UTC(1999, 11, 31, 23, 59, 59, 1)], new TimestampMillisecond()),
});

/** Every value of a table, as comparable JS values (dates as epoch milliseconds). */
function values(t: Table): unknown[][] {
  return t.schema.fields.map((f) => Array.from({ length: t.numRows }, (_, i) => {
    const v = t.getChild(f.name)!.get(i) as unknown;
    return v instanceof Date ? v.getTime() : v;
  }));
}
const types = (t: Table) => t.schema.fields.map((f) => `${f.name}:${String(f.type)}`);

describe("round trips", () => {
  for (const ext of ["parquet", "arrow", "csv", "json"]) {
    it(`${ext} keeps every value and type`, async () => {
      const path = join(dir, `t.${ext}`);
      const { bytes } = await writeTable(original, path);
      expect(bytes).toBeGreaterThan(0);
      // CSV and JSON do not store types: give them the original's, as a schema would.
      const back = await readTable(path, ext === "csv" || ext === "json" ? { types: original } : {});
      expect(types(back)).toEqual(types(original));
      expect(values(back)).toEqual(values(original));
    });
  }

  it("DuckDB results become Arrow tables and Arrow tables DuckDB tables, without JSON", async () => {
    const db = await connect();
    await insertArrow(db, "t", original);
    const back = await queryArrow(db, "SELECT * FROM t");
    expect(types(back)).toEqual(types(original));
    expect(values(back)).toEqual(values(original));
    const agg = await queryArrow(db, "SELECT count(*)::BIGINT AS n, sum(price) AS s FROM t");
    expect(agg.getChild("n")!.get(0)).toBe(4n);
    expect(agg.getChild("s")!.get(0)).toBeCloseTo(1.25 + 1e-12, 12);
  });

  it("reads only the columns asked for", async () => {
    const path = join(dir, "cols.parquet");
    await writeTable(original, path);
    const t = await readTable(path, { columns: ["name", "big"] });
    expect(t.schema.fields.map((f) => f.name)).toEqual(["name", "big"]);
  });
});

describe("bad input", () => {
  it("a missing column, a missing file, a corrupt Parquet file and an empty table give clear errors", async () => {
    const path = join(dir, "ok.parquet");
    await writeTable(original, path);
    await expect(readTable(path, { columns: ["nope"] })).rejects.toThrow(/Column 'nope' is not in/);
    await expect(readTable(join(dir, "absent.parquet"))).rejects.toThrow("readTable: no file at");
    const corrupt = join(dir, "corrupt.parquet");
    writeFileSync(corrupt, Buffer.concat([readFileSync(path).subarray(0, 100), Buffer.from("garbage")]));
    await expect(readTable(corrupt)).rejects.toThrow(/Cannot read '.*corrupt.parquet' as parquet/);
    await expect(readTable(join(dir, "x.txt"))).rejects.toThrow("Cannot tell the format of");
    await expect(writeTable(new Table({}), join(dir, "empty.parquet"))).rejects.toThrow("the table has no columns");
  });

  it("a failed write leaves the existing file intact and no temporary file behind", async () => {
    const path = join(dir, "keep.csv");
    await writeTable(original, path);
    const before = readFileSync(path);
    const bad = new Table({ nothing: vectorFromArray([null], new Null()) });
    await expect(writeTable(bad, path)).rejects.toThrow(/Column 'nothing' has Arrow type Null, which cannot be stored through DuckDB/);
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    await expect(writeTable(original, path, { overwrite: false })).rejects.toThrow("exists and overwrite is false");
    expect(existsSync(path)).toBe(true);
  });
});

describe("compareFormats", () => {
  it("writes all four formats and measures full and one-column reads", async () => {
    const n = 20_000;
    const t = new Table({
      a: vectorFromArray(Array.from({ length: n }, (_, i) => i), new Int32()),
      b: vectorFromArray(Array.from({ length: n }, (_, i) => Math.sin(i)), new Float64()),
      c: vectorFromArray(Array.from({ length: n }, (_, i) => `label-${i % 13}`), new Utf8()),
    });
    const res = await compareFormats(t, { column: "b", repeats: 1 });
    expect(res.map((r) => r.format)).toEqual(["csv", "json", "parquet", "arrow"]);
    const size = Object.fromEntries(res.map((r) => [r.format, r.bytes]));
    expect(size.parquet!).toBeLessThan(size.csv!);
    expect(size.csv!).toBeLessThan(size.json!);
    for (const r of res) expect(r.allColumnsMs).toBeGreaterThan(0);
    await expect(compareFormats(t, { column: "zz" })).rejects.toThrow("column 'zz' is not in the table");
  });

  it("rowVsColumnAccess times both layouts", () => {
    const r = rowVsColumnAccess(10_000, 8, 1);
    expect(r.rowMajorMs).toBeGreaterThanOrEqual(0);
    expect(r.columnMajorMs).toBeGreaterThanOrEqual(0);
    expect(() => rowVsColumnAccess(0, 3)).toThrow("rows and cols must be positive integers");
  });
});

describe("danfo.js", () => {
  it("DataFrames convert to Arrow and back, keeping values", async () => {
    const { toDanfo, fromDanfo } = await import("../../../lib/data/index.js");
    const t = new Table({
      n: vectorFromArray([1, 2, null], new Int32()),
      x: vectorFromArray([1.5, -2, null], new Float64()),
      s: vectorFromArray(["a", null, "c"], new Utf8()),
      b: vectorFromArray([true, false, true], new Bool()),
    });
    const df = await toDanfo(t);
    expect(df.columns).toEqual(["n", "x", "s", "b"]);
    expect(types(fromDanfo(df))).toEqual(["n:Float64", "x:Float64", "s:Utf8", "b:Bool"]); // danfo: ints with nulls are float32
    const back = fromDanfo(df, t);
    expect(types(back)).toEqual(["n:Int32", "x:Float64", "s:Utf8", "b:Bool"]);
    expect(values(back)).toEqual(values(t));
    await expect(toDanfo(new Table({ big: vectorFromArray([2n ** 60n], new Int64()) }))).rejects.toThrow("beyond what danfo's JavaScript numbers keep exactly");
  });
});
