/**
 * DuckDB <-> Arrow keeps LIST, ARRAY, STRUCT, MAP, DATE, TIMESTAMP (each unit, and WITH TIME ZONE), DECIMAL,
 * ENUM (as a dictionary), BLOB and UUID, directly and through Parquet, with the mapping of DuckDB's own Arrow
 * export (src/common/arrow/arrow_converter.cpp with arrow_lossless_conversion: TIMESTAMP as timestamp[us],
 * TIMESTAMPTZ as timestamp[us, UTC], ENUM as dictionary, UUID as arrow.uuid). The case: LIST came
 * back as "1,2", STRUCT as "[object Object]", DATE as a timestamp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decimal, Dictionary, Field, Float64, Int32, List, Struct, Table, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { connect, insertArrow, queryArrow, readTable, writeTable } from "../../../lib/data/index.js";

const dir = mkdtempSync(join(tmpdir(), "mlsd-duckdb-arrow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SELECT = `SELECT * FROM (VALUES
  ([1, 2, NULL], {'x': 1.5, 'tag': 'a'}, MAP {'k1': 10, 'k2': 20}, DATE '2024-02-29', TIMESTAMPTZ '2024-01-02 03:04:05.123456+00',
   TIMESTAMP '2024-01-02 03:04:05.123456', 12345678901234567890.12::DECIMAL(38,2), 'ok'::mood, '\\xAA\\xBB'::BLOB,
   '550e8400-e29b-41d4-a716-446655440000'::UUID, [{'a': [DATE '2020-01-01']}], [1, 2, 3]::INTEGER[3], TIMESTAMP_MS '2001-02-03 04:05:06.789'),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
) AS v(l, s, m, d, tz, ts, dec, e, b, u, deep, arr, ms)`;

const WANT_TYPES = [
  "l:List<Int32>", "s:Struct<{x:Decimal[2e+1], tag:Utf8}>", "m:Map<{key:Utf8, value:Int32}>", "d:Date32<DAY>", "tz:Timestamp<MICROSECOND, UTC>",
  "ts:Timestamp<MICROSECOND>", "dec:Decimal[38e+2]", "e:Dictionary<Int32, Utf8>", "b:Binary", "u:FixedSizeBinary[16]",
  "deep:List<Struct<{a:List<Date32<DAY>>}>>", "arr:FixedSizeList[3]<Int32>", "ms:Timestamp<MILLISECOND>",
];
const types = (t: Table) => t.schema.fields.map((f) => `${f.name}:${String(f.type)}`);

async function moodDb() {
  const db = await connect();
  await db.run("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  return db;
}

describe("DuckDB results as Arrow, with DuckDB's types", () => {
  it("LIST, STRUCT, MAP, DATE, TIMESTAMP, TIMESTAMPTZ, DECIMAL, ENUM, BLOB, UUID and nesting keep their types and values", async () => {
    const t = await queryArrow(await moodDb(), SELECT);
    expect(types(t)).toEqual(WANT_TYPES);
    const row = t.get(0)!;
    expect(Array.from(t.getChild("l")!.get(0)!)).toEqual([1, 2, null]);
    expect(row.s.toJSON()).toMatchObject({ tag: "a" });
    expect(row.m.toJSON()).toEqual({ k1: 10, k2: 20 });
    // DATE is a date (Date32), epoch milliseconds at midnight UTC, not a timestamp.
    expect(row.d).toBe(Date.UTC(2024, 1, 29));
    // Microseconds kept exactly: the stored int64 is DuckDB's.
    expect(t.getChild("tz")!.data[0]!.values[0]).toBe(1704164645123456n);
    expect(t.getChild("ts")!.data[0]!.values[0]).toBe(1704164645123456n);
    expect((t.schema.fields[4]!.type as { timezone: string }).timezone).toBe("UTC");
    // DECIMAL(38, 2) beyond a double's precision: the unscaled 128-bit value.
    expect(BigInt(String(row.dec))).toBe(1234567890123456789012n);
    // ENUM: a dictionary of the ENUM's levels in order, unused ones included.
    expect(t.getChild("e")!.get(0)).toBe("ok");
    expect(Array.from(t.getChild("e")!.data[0]!.dictionary!.toArray() as string[])).toEqual(["sad", "ok", "happy"]);
    expect(Array.from(row.b as Uint8Array)).toEqual([0xaa, 0xbb]);
    expect(Buffer.from(row.u as Uint8Array).toString("hex")).toBe("550e8400e29b41d4a716446655440000");
    expect(t.schema.fields[9]!.metadata.get("ARROW:extension:name")).toBe("arrow.uuid");
    expect(t.getChild("deep")!.get(0)!.get(0)!.toJSON().a.get(0)).toBe(Date.UTC(2020, 0, 1));
    expect(Array.from(t.getChild("arr")!.get(0)!)).toEqual([1, 2, 3]);
    // Every column's NULL stays NULL.
    expect(t.schema.fields.map((f) => t.getChild(f.name)!.get(1))).toEqual(new Array(13).fill(null));
  });

  it("Arrow back into DuckDB gives the same rows, to the microsecond and the last decimal digit", async () => {
    const db = await moodDb();
    const t = await queryArrow(db, SELECT);
    await insertArrow(db, "back", t);
    const described = (await db.runAndReadAll("DESCRIBE back")).getRowsJS().map((r) => `${String(r[0])}:${String(r[1])}`);
    expect(described).toEqual([
      "l:INTEGER[]", "s:STRUCT(x DECIMAL(2,1), tag VARCHAR)", "m:MAP(VARCHAR, INTEGER)", "d:DATE", "tz:TIMESTAMP WITH TIME ZONE", "ts:TIMESTAMP",
      "dec:DECIMAL(38,2)", "e:ENUM('sad', 'ok', 'happy')", "b:BLOB", "u:UUID", "deep:STRUCT(a DATE[])[]", "arr:INTEGER[3]", "ms:TIMESTAMP_MS",
    ]);
    const diff = await db.runAndReadAll(`SELECT count(*) FROM ((${SELECT}) EXCEPT ALL (SELECT * FROM back))`);
    expect(diff.getRowsJS()[0]![0]).toBe(0n);
  });

  it("through Parquet (writeTable / readTable) every type comes back, ENUM levels and millisecond timestamps included", async () => {
    const t = await queryArrow(await moodDb(), SELECT);
    const path = join(dir, "all.parquet");
    await writeTable(t, path);
    const back = await readTable(path);
    expect(types(back)).toEqual(WANT_TYPES);
    expect(JSON.stringify(back.toArray(), (_, v) => (typeof v === "bigint" ? String(v) : v))).toBe(JSON.stringify(t.toArray(), (_, v) => (typeof v === "bigint" ? String(v) : v)));
    expect(Array.from(back.getChild("e")!.data[0]!.dictionary!.toArray() as string[])).toEqual(["sad", "ok", "happy"]);
    expect(back.getChild("tz")!.data[0]!.values[0]).toBe(1704164645123456n);
    // Selected columns keep their stored types too.
    expect(types(await readTable(path, { columns: ["e", "ms"] }))).toEqual(["e:Dictionary<Int32, Utf8>", "ms:Timestamp<MILLISECOND>"]);
  });

  it("tables built in Arrow (dictionary, decimal, list, struct) survive Parquet", async () => {
    const t = new Table({
      cat: vectorFromArray(["b", "a", null, "b"], new Dictionary(new Utf8(), new Int32())),
      price: vectorFromArray([Uint32Array.of(12345, 0, 0, 0), null, Uint32Array.of(1, 0, 0, 0), Uint32Array.of(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)], new Decimal(2, 9, 128)),
      vals: vectorFromArray([[1.5], [], null, [2, 3]], new List(new Field("item", new Float64(), true))),
      pt: vectorFromArray([{ x: 1, y: "p" }, null, { x: 3, y: null }, { x: 4, y: "q" }], new Struct([new Field("x", new Int32(), true), new Field("y", new Utf8(), true)])),
    });
    const path = join(dir, "built.parquet");
    await writeTable(t, path);
    const back = await readTable(path);
    expect(types(back)).toEqual(["cat:Dictionary<Int32, Utf8>", "price:Decimal[9e+2]", "vals:List<Float64>", "pt:Struct<{x:Int32, y:Utf8}>"]);
    expect(Array.from({ length: 4 }, (_, i) => back.getChild("cat")!.get(i))).toEqual(["b", "a", null, "b"]);
    // -1 (all bits set) stays -1: two's complement kept.
    expect(Array.from({ length: 4 }, (_, i) => (back.getChild("price")!.get(i) === null ? null : String(back.getChild("price")!.get(i))))).toEqual(["12345", null, "1", "-1"]);
    expect(back.getChild("vals")!.get(3)!.toArray()).toEqual(Float64Array.of(2, 3));
    expect(back.getChild("pt")!.get(2)!.toJSON()).toEqual({ x: 3, y: null });
  });
});
