import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { History } from "../../kernel/history.js";

describe("History", () => {
  it("numbers sessions, persists across them and answers tail, range and search like IPython", () => {
    const file = join(mkdtempSync(join(tmpdir(), "mlsd-hist-")), "h.jsonl");
    const first = new History(file);
    first.record(1, "a = 1");
    first.record(2, "b = 2");
    const second = new History(file);
    expect(second.session).toBe(first.session + 1);
    second.record(1, "a = 1");
    second.recordOutput(1, "1");
    expect(second.query({ hist_access_type: "tail", n: 2 })).toEqual([[1, 2, "b = 2"], [2, 1, "a = 1"]]);
    expect(second.query({ hist_access_type: "tail", n: 5, unique: true })).toEqual([[1, 2, "b = 2"], [2, 1, "a = 1"]]);
    expect(second.query({ hist_access_type: "range", session: -1, start: 1, stop: 2 })).toEqual([[1, 1, "a = 1"]]);
    expect(second.query({ hist_access_type: "range", session: 0, output: true })).toEqual([[2, 1, ["a = 1", "1"]]]);
    expect(second.query({ hist_access_type: "search", pattern: "a*" })).toEqual([[1, 1, "a = 1"], [2, 1, "a = 1"]]);
    expect(second.query({ hist_access_type: "search", pattern: "a*", unique: true })).toEqual([[2, 1, "a = 1"]]);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("names the bad value of hist_access_type", () => {
    expect(() => new History(null).query({ hist_access_type: "all" as never })).toThrow("hist_access_type must be 'tail', 'range' or 'search', got 'all'");
  });
});
