import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTypeScript } from "../../../kernel/ts/load.js";
import { CellChecker } from "../../../kernel/ts/checker.js";
import { isComplete } from "../../../kernel/ts/is-complete.js";
import { chooseProfile } from "../../../kernel/ts/profile.js";

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

  it("keeps a cell's names when one of their types cannot be named from the notebook's folder (TS2742)", () => {
    // The checker's folder is outside the checkout: @duckdb/node-api's DuckDBConnection (connect()'s type)
    // cannot be named from there, which used to block the cell's whole declaration file, so `report` was "not
    // found" in the next cell. Now only that one type is lost (db is typed any); every name stays.
    ok('import { connect } from "mlsd/data";\nconst db = connect();\nconst report = 1;\nconst label: string = "x";');
    ok("report + 1; db");
    expect(checker.check("const n: number = label;").diagnostics[0]?.code).toBe(2322);
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
    // A path found missing as a file may still be a directory or have a real path: each question its own answer.
    ok('import * as Plot from "mlsd/plot"');
    ok("typeof Plot.dot");
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

describe("CellChecker profiles", () => {
  it("by default (tslab's loose profile) runs untyped code and still stops real type errors", () => {
    // Each of these is rejected under strict: TS7006, TS2683, TS2454, TS2345 (strictBindCallApply), TS2871.
    ok("function add(a, b) { return a + b }");
    ok("function self() { return this }");
    ok("let later: number;\nlater + 1");
    ok("Array.apply(null, { length: 3 })");
    ok("null ?? 'x'");
    expect(checker.check("const s: string = 5").diagnostics).toMatchObject([{ line: 1, column: 7, code: 2322 }]);
  });

  it("uses strict checks when a tsconfig.json beside the notebook asks for them", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-strict-"));
    writeFileSync(join(dir, "tsconfig.json"), '{\n  // comments are allowed, as tsc allows them\n  "compilerOptions": { "strict": true, },\n}\n');
    const profile = chooseProfile(dir, "typescript");
    expect(profile).toMatchObject({ name: "strict", sloppy: false, flags: { strict: true } });
    const strict = new CellChecker(ts, dir, resolve("."), profile);
    expect(strict.check("function add(a, b) { return a + b }").diagnostics[0]).toMatchObject({ code: 7006, line: 1, column: 14 });
  });

  it("checks JavaScript cells for syntax only", () => {
    const js = new CellChecker(ts, mkdtempSync(join(tmpdir(), "mlsd-js-")), resolve("."), chooseProfile(".", "javascript"));
    const r = js.check("const n = 10 - '5';\nn");
    expect(r.diagnostics).toEqual([]);
    expect(js.check("const x: number = 1").diagnostics[0]).toMatchObject({ code: 8010 });
  });

  it("lets a cell's interface shadow a global of the same name instead of merging with it", () => {
    // Node's types declare a global `Event` (with bubbles, cancelBubble, ...): a cell's own Event replaces it.
    ok("interface Event { kind: string }");
    ok("const ev: Event = { kind: 'click' }");
    ok("ev.kind.toUpperCase()");
    expect(checker.check("const ev2: Event = { bubbles: true }").diagnostics[0]).toMatchObject({ code: 2353 });
  });

  it("names the package and the install command when an npm: import is not installed", () => {
    const r = checker.check('import confetti from "npm:canvas-confetti@1.9"');
    expect(r.diagnostics[0]?.message).toContain("install it with: npm install --prefix");
    expect(r.diagnostics[0]?.message).toContain("canvas-confetti@1.9");
  });

  it("hides private and @internal members from completion and completes module specifiers", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-complete-"));
    writeFileSync(join(dir, "thing.ts"), "export class Thing {\n  /** @internal */\n  hidden = 1;\n  _private = 2;\n  shown = 3;\n}\n");
    const checker = new CellChecker(ts, dir, resolve("."));
    const r = checker.check('import { Thing } from "./thing";\nconst thing = new Thing()');
    expect(r.diagnostics).toEqual([]);
    r.commit();
    expect(checker.complete("thing.", 6).matches).toEqual(["shown"]);
    expect(checker.complete("thing._", 7).matches).toEqual(["_private"]);
    const spec = 'import { SMOTE } from "mlsd/imb';
    expect(checker.complete(spec, spec.length)).toMatchObject({ matches: ["mlsd/imbalance"], start: spec.indexOf("mlsd/") });
    expect(checker.complete('import x from "', 15).matches.slice(0, 3)).toEqual(["mlsd", "mlsd/core", "mlsd/display"]);
  });

  it("says a name is not defined instead of showing any", () => {
    expect(checker.inspect("notDefinedAnywhere", 5)).toBeNull();
    expect(checker.inspect("Math.max", 6)?.signature).toMatch(/max\(\.\.\.values: number\[\]\): number/);
  });
});

describe("CellChecker reusing the previous program's type checker", () => {
  // The reference is TypeScript itself: the same cells, each checked in a program of its own (what tsc gives).
  const cells = [
    "1 + 1",
    "const s: string = 5",
    "2 + 2",
    "Math.max(1, 'a')",
    "// @ts-expect-error\nconst t: string = 5",
    "// @ts-expect-error\nconst u: string = 'fine'",
    "process.env.HOME?.length",
    "Buffer.from('x').toString('hex').toFixed()",
    "setTimeout(() => undefined, 'soon')",
    "const n = 3",
    "n.toUpperCase()",
    "n + 1",
    // Its declaration names a type of another module: the declaration emit asks for the file's imports.
    'const handle = display("x", { displayId: true })!',
    'handle.update("y")',
    "interface Event { kind: string }",
    "const e: Event = { bubbles: true }",
    'import * as tf from "@tensorflow/tfjs"',
    "tf.zeros([2]).shape.length",
    "const bad: string = tf.zeros([2]).shape.length",
    // A cell that adds globals is in the next program's checker: the next cell must not see them through it.
    "declare global { var sharedCount: number }",
    "sharedCount.toFixed(1)",
    "const q = (x: number) => x * 2; q('a')",
    "function f(a, b) { return a + b }\nf(1)",
    "n.toFixed(1)",
    "await Promise.resolve(1)",
    'export { missing } from "not-a-package-anywhere"',
  ];
  const dir = mkdtempSync(join(tmpdir(), "mlsd-reuse-"));
  const run = (reuse: boolean) => {
    const before = process.env["MLSD_CHECKER_REUSE"];
    process.env["MLSD_CHECKER_REUSE"] = reuse ? "1" : "0";
    const c = new CellChecker(ts, dir, resolve("."));
    if (before === undefined) delete process.env["MLSD_CHECKER_REUSE"];
    else process.env["MLSD_CHECKER_REUSE"] = before;
    const results = cells.map((code) => {
      const r = c.check(code);
      r.commit();
      return { code, diagnostics: r.diagnostics, js: r.js, map: r.map };
    });
    return { results, reused: c.reusedChecks };
  };

  it("gives every cell the diagnostics and JavaScript a program of its own gives", () => {
    const fresh = run(false);
    const reused = run(true);
    expect(fresh.reused).toBe(0);
    // Most of these cells declare nothing and import nothing new: they took the fast path.
    expect(reused.reused).toBeGreaterThanOrEqual(9);
    expect(reused.results).toEqual(fresh.results);
    // And the checks are real: the type errors are there, at their positions.
    const byCode = new Map(reused.results.map((r) => [r.code, r.diagnostics]));
    expect(byCode.get("const s: string = 5")).toMatchObject([{ line: 1, column: 7, code: 2322 }]);
    expect(byCode.get("Math.max(1, 'a')")).toMatchObject([{ code: 2345 }]);
    expect(byCode.get("// @ts-expect-error\nconst u: string = 'fine'")).toMatchObject([{ line: 1, code: 2578 }]);
    expect(byCode.get("n.toUpperCase()")).toMatchObject([{ code: 2339 }]);
    expect(byCode.get("const bad: string = tf.zeros([2]).shape.length")).toMatchObject([{ code: 2322 }]);
  });

  it("still stops a type error after many trivial cells", () => {
    const c = new CellChecker(ts, mkdtempSync(join(tmpdir(), "mlsd-reuse-")), resolve("."));
    for (let i = 0; i < 150; i++) expect(c.check(`${i} + 1`).diagnostics).toEqual([]);
    expect(c.reusedChecks).toBeGreaterThan(140);
    expect(c.check("const s: string = 5").diagnostics).toMatchObject([{ line: 1, column: 7, code: 2322 }]);
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
