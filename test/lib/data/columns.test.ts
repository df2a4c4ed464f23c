/**
 * Typed column and row reads of Arrow tables (numberColumn, stringColumn, rowsOf with a spec), on tables from
 * DuckDB and from apache-arrow: the values apache-arrow's own `Vector.get` gives (dates and timestamps as
 * milliseconds, 64-bit integers as numbers, null as NaN for numbers), and an error naming the column otherwise.
 */
import { tableFromArrays } from "apache-arrow";
import { describe, expect, expectTypeOf, it } from "vitest";
import { connect, numberColumn, queryArrow, rowsOf, stringColumn } from "../../../lib/data/index.js";

const db = await connect();
const typed = await queryArrow(
  db,
  "SELECT * FROM (VALUES (DATE '2020-01-02', TIMESTAMP '2020-01-02 03:04:05', 1::INTEGER, 2::BIGINT, 1.5::DOUBLE, 'x', true), (DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:01', -3::INTEGER, NULL::BIGINT, NULL::DOUBLE, NULL, NULL)) t(d, ts, i, b, f, s, bo)",
);

describe("numberColumn", () => {
  it("reads integer, float, date and timestamp columns as a Float64Array, null as NaN (what Vector.get gives)", () => {
    expect(Array.from(numberColumn(typed, "d"))).toEqual([Date.UTC(2020, 0, 2), 0]);
    expect(Array.from(numberColumn(typed, "ts"))).toEqual([Date.UTC(2020, 0, 2, 3, 4, 5), 1000]);
    expect(Array.from(numberColumn(typed, "i"))).toEqual([1, -3]);
    expect(Array.from(numberColumn(typed, "b"))).toEqual([2, NaN]);
    expect(Array.from(numberColumn(typed, "f"))).toEqual([1.5, NaN]);
    expectTypeOf(numberColumn(typed, "f")).toEqualTypeOf<Float64Array>();
  });

  it("copies: writing to the result leaves the table alone", () => {
    const t = tableFromArrays({ v: Float64Array.from([1, 2, 3]) });
    const v = numberColumn(t, "v");
    v[0] = 99;
    expect(t.getChild("v")!.get(0)).toBe(1);
  });

  it("refuses a missing column, listing the columns, and a text column, naming its type", () => {
    expect(() => numberColumn(typed, "nope")).toThrow('numberColumn: the table has no column "nope"; its columns are d, ts, i, b, f, s, bo.');
    expect(() => numberColumn(typed, "s")).toThrow('numberColumn: column "s" is Utf8, not numbers');
  });
});

describe("stringColumn", () => {
  it("reads Utf8 and dictionary columns (tableFromArrays' strings) as string[]", () => {
    const t = tableFromArrays({ w: ["rain", "sun", "rain"] });
    expect(String(t.schema.fields[0]!.type)).toMatch(/^Dictionary/);
    expect(stringColumn(t, "w")).toEqual(["rain", "sun", "rain"]);
    expectTypeOf(stringColumn(t, "w")).toEqualTypeOf<string[]>();
  });

  it("refuses a null, naming the row and the nullable form", () => {
    expect(() => stringColumn(typed, "s")).toThrow('stringColumn: column "s" is null at row 1; read nullable text with rowsOf(table, { "s": "string?" }).');
    expect(() => stringColumn(typed, "i")).toThrow('stringColumn: column "i" is Int32, not strings');
  });
});

describe("rowsOf", () => {
  it("without a spec, every column with bigints as numbers", () => {
    const rows = rowsOf(typed);
    expect(rows[0]).toEqual({ d: Date.UTC(2020, 0, 2), ts: Date.UTC(2020, 0, 2, 3, 4, 5), i: 1, b: 2, f: 1.5, s: "x", bo: true });
    expectTypeOf(rows).toEqualTypeOf<Record<string, unknown>[]>();
  });

  it("with a spec, only its columns, typed and checked; '?' allows null", () => {
    const rows = rowsOf(typed, { i: "number", b: "number?", s: "string?", bo: "boolean?" });
    expect(rows).toEqual([{ i: 1, b: 2, s: "x", bo: true }, { i: -3, b: null, s: null, bo: null }]);
    expectTypeOf(rows).toEqualTypeOf<{ i: number; b: number | null; s: string | null; bo: boolean | null }[]>();
  });

  it("refuses a null where the spec has none, a type the column does not have, and an unknown kind", () => {
    expect(() => rowsOf(typed, { b: "number" })).toThrow('rowsOf: column "b" is null at row 1, but the spec says "number"; write "number?" to allow nulls.');
    expect(() => rowsOf(typed, { s: "number?" })).toThrow('rowsOf: column "s" is Utf8, not numbers as the spec says ("number?").');
    // @ts-expect-error: "int" is not a column type
    expect(() => rowsOf(typed, { i: "int" })).toThrow('rowsOf: columns.i must be "number", "string" or "boolean" (with "?" to allow null); got "int".');
    expect(() => rowsOf(typed, {})).toThrow("rowsOf: 'columns' must be an object such as");
  });
});
