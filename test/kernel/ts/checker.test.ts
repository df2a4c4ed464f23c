import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTypeScript } from "../../../kernel/ts/load.js";
import { CellChecker } from "../../../kernel/ts/checker.js";
import { isComplete } from "../../../kernel/ts/is-complete.js";

const ts = await loadTypeScript();

const checker = new CellChecker(ts, mkdtempSync(join(tmpdir(), "mlsd-check-")), resolve("."));
const ok = (code: string) => {
  const r = checker.check(code);
  expect(r.diagnostics).toEqual([]);
  r.commit();
  return r;
};

describe("CellChecker", () => {
  it("sees earlier cells' declarations, with their types", () => {
    ok("const count = 3; interface Point { x: number } function make(x: number): Point { return { x } }");
    ok("const p: Point = make(count); p.x.toFixed(1)");
    const bad = checker.check("make('3')");
    expect(bad.diagnostics[0]).toMatchObject({ line: 1, column: 6, code: 2345 });
  });

  it("lets a later cell re-declare a name with another type", () => {
    ok("const shade = 1");
    ok("const shade = 'red'");
    ok("shade.toUpperCase()");
    expect(checker.check("shade.toFixed()").diagnostics[0]?.message).toMatch(/^Property 'toFixed' does not exist on type '"red"'/);
  });

  it("keeps imports of earlier cells usable as values and as types", () => {
    ok('import * as tf from "@tensorflow/tfjs"');
    ok("const t: tf.Tensor = tf.zeros([2])");
    ok("t.shape.length");
    // The imported types are real, not any: misuse is caught in a later cell, and callbacks get typed parameters.
    expect(checker.check("const s: string = tf.zeros([2]).shape.length").diagnostics[0]).toMatchObject({ code: 2322 });
    ok('import { Random } from "mlsd/core"');
    ok("const rng = new Random(1)");
    expect(checker.check("const u: string = rng.random()").diagnostics[0]).toMatchObject({ code: 2322 });
    ok("[1, 2].map((i) => new Random(i).random()).filter((v) => v > 0.5)");
    // A later cell may take the name over.
    ok("const Random = 5");
    ok("const v: number = Random + 1");
  });

  it("finds the names a cell uses after a template literal with substitutions", () => {
    ok("const later = { a: 1 }");
    ok("const who = 'x';\nconsole.log(`a ${who} b`);\nlater.a + 1");
  });

  it("refuses to redeclare globals the kernel relies on", () => {
    expect(checker.check("const process = 1").diagnostics[0]?.message).toMatch(/Cannot declare 'process' in a cell/);
  });

  it("gives positions inside the cell, 1-based", () => {
    const r = checker.check("const a = 1;\n\nconst b: string = a;");
    expect(r.diagnostics).toMatchObject([{ line: 3, column: 7, code: 2322 }]);
  });
});

describe("isComplete", () => {
  it("classifies code as complete, incomplete with an indent, or invalid", () => {
    expect(isComplete(ts, "let a = 1")).toEqual({ status: "complete" });
    expect(isComplete(ts, "for (const x of xs) {\n  if (x) {")).toEqual({ status: "incomplete", indent: "    " });
    expect(isComplete(ts, "const s = `a")).toEqual({ status: "incomplete", indent: "" });
    expect(isComplete(ts, "let 1x = 2").status).toBe("invalid");
    expect(isComplete(ts, "const y = );").status).toBe("invalid");
  });
});
