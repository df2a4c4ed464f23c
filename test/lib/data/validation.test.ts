/** Expectation suites and content-addressed dataset versions. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Float64, Int32, Table, Utf8, vectorFromArray, tableFromArrays } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import * as D from "../../../lib/data/index.js";

const table = new Table({
  id: vectorFromArray([1, 2, 3, 3, 5], new Int32()),
  delay: vectorFromArray([5, -3, null, 400, 12], new Float64()),
  weather: vectorFromArray(["sun", "rain", "sun", "hail", "fog"], new Utf8()),
});

describe("validate", () => {
  it("reports each expectation with observed values and a sample of failing rows", () => {
    const report = D.validate(table, [
      D.expectColumnToExist("delay"),
      D.expectColumnValuesToBeOfType("delay", "float"),
      D.expectColumnValuesToNotBeNull("delay"),
      D.expectColumnValuesToBeBetween("delay", { min: -60, max: 300 }),
      D.expectColumnValuesToBeInSet("weather", ["sun", "rain", "fog", "drizzle", "snow"]),
      D.expectColumnValuesToBeUnique("id"),
      D.expectTableRowCountToBeBetween({ min: 3, max: 10 }),
      D.expectColumnMeanToBeBetween("delay", { min: 0, max: 200 }),
    ]);
    expect(report.results.map((r) => r.success)).toEqual([true, true, false, false, false, false, true, true]);
    const byName = Object.fromEntries(report.results.map((r) => [`${r.expectation}:${r.column ?? ""}`, r]));
    expect(byName["expectColumnValuesToNotBeNull:delay"]!.sample).toEqual([{ row: 2, value: null }]);
    expect(byName["expectColumnValuesToBeBetween:delay"]!.sample).toEqual([{ row: 3, value: 400 }]);
    expect(byName["expectColumnValuesToBeBetween:delay"]!.unexpectedPercent).toBe(25); // nulls are not counted here
    expect(byName["expectColumnValuesToBeInSet:weather"]!.sample).toEqual([{ row: 3, value: "hail" }]);
    expect(byName["expectColumnValuesToBeUnique:id"]!.sample).toEqual([{ row: 3, value: 3 }]);
    expect(byName["expectColumnMeanToBeBetween:delay"]!.observed).toBeCloseTo(103.5, 12);
    expect(report.success).toBe(false);
    expect(report.statistics).toEqual({ evaluated: 8, successful: 4, unsuccessful: 4 });
    const bundle = (report as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
    expect(bundle["text/html"]).toContain("4 of 8 expectations failed");
    expect(bundle["text/plain"]).toContain("FAIL expectColumnValuesToBeInSet(weather): 4 of 5 pass, 1 unexpected, e.g. row 3: \"hail\"");
  });

  it("a missing column or a type mismatch fails its expectation with the reason; `mostly` tolerates a share", () => {
    const report = D.validate(table, [D.expectColumnValuesToNotBeNull("nope"), D.expectColumnValuesToBeOfType("weather", "number"), D.expectColumnValuesToNotBeNull("delay", { mostly: 0.8 })]);
    expect(report.results[0]!.error).toBe("column 'nope' is not in the table (columns: id, delay, weather)");
    expect(report.results[1]).toMatchObject({ success: false, observed: "Utf8" });
    expect(report.results[2]!.success).toBe(true);
    expect(D.validate(tableFromArrays({ x: new Float64Array(0) }), [D.expectTableRowCountToBeBetween({ min: 1 })]).success).toBe(false);
    expect(() => D.validate(table, [])).toThrow("'suite' must be a non-empty array");
  });
});

describe("snapshot and checkout", () => {
  const store = mkdtempSync(join(tmpdir(), "mlsd-store-"));
  afterAll(() => rmSync(store, { recursive: true, force: true }));

  it("versions by content with lineage, never rewrites, and detects corruption without touching other versions", () => {
    const v1 = D.snapshot(table, { source: "unit test", transformations: ["typed"] }, { store });
    expect(v1.id).toMatch(/^[0-9a-f]{16}$/);
    expect(D.snapshot(table, { source: "again" }, { store }).source).toBe("unit test"); // same content, same version
    const cleaned = new Table({ id: table.getChild("id")!, weather: table.getChild("weather")! });
    const v2 = D.snapshot(cleaned, { source: "unit test", transformations: ["dropped delay"], labelSource: "annotators", parents: [v1.id] }, { store });
    expect(v2.id).not.toBe(v1.id);
    expect(D.lineageOf(v2.id, { store }).map((r) => r.id)).toEqual([v2.id, v1.id]);
    expect(D.versions({ store }).map((r) => r.id).sort()).toEqual([v1.id, v2.id].sort());
    const back = D.checkout(v1.id, { store });
    expect(back.getChild("weather")!.toArray()).toEqual(table.getChild("weather")!.toArray());
    // Corrupt v2's data: checkout refuses it, v1 still checks out.
    const data = join(store, "objects", `${v2.id}.arrow`);
    const bytes = readFileSync(data);
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(data, bytes);
    expect(() => D.checkout(v2.id, { store })).toThrow(`the data of version '${v2.id}' is corrupt`);
    expect(D.checkout(v1.id, { store }).numRows).toBe(5);
    expect(readdirSync(join(store, "objects")).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("refuses an empty table, a missing parent and unknown ids", () => {
    expect(() => D.snapshot(new Table({}), { source: "x" }, { store })).toThrow("the table has no columns");
    expect(() => D.snapshot(table, { source: "x", parents: ["0123456789abcdef"] }, { store })).toThrow("parent version '0123456789abcdef' is not in the store");
    expect(() => D.checkout("../../etc", { store })).toThrow("is not a version id");
    expect(() => D.checkout("0123456789abcdef", { store })).toThrow("is not in the store");
  });
});
