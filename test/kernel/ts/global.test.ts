/**
 * `declare global` in a cell: what it declares is visible to every later cell, as it is to every later file of a
 * TypeScript program (the reference: tsc, where a module's `declare global { var x: number }` types `x` in every
 * other file, and `declare global { interface Array<T> { ... } }` adds members to the standard library's Array).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CellChecker } from "../../../kernel/ts/checker.js";
import { loadTypeScript } from "../../../kernel/ts/load.js";

const ts = await loadTypeScript();

function notebook() {
  const checker = new CellChecker(ts, mkdtempSync(join(tmpdir(), "mlsd-global-")), resolve("."));
  const ok = (code: string) => {
    const r = checker.check(code);
    expect(r.diagnostics).toEqual([]);
    r.commit();
    return r;
  };
  const codes = (code: string) => checker.check(code).diagnostics.map((d) => d.code);
  return { checker, ok, codes };
}

describe("declare global in a cell", () => {
  it("makes a var and an interface visible to later cells, with their types", () => {
    const { ok, codes } = notebook();
    ok("declare global {\n  var counter: number;\n  interface Reading { at: number; value: number }\n}\nglobalThis.counter = 1;");
    ok("const r: Reading = { at: counter, value: 2 };\nr.value.toFixed(1)");
    // Real types, not any: misuse is caught.
    expect(codes("const s: string = counter;")).toEqual([2322]);
    expect(codes("const bad: Reading = { at: 1 };")).toEqual([2741]);
  });

  it("stays visible after other cells, and next to the cell's module-level names", () => {
    const { ok, codes } = notebook();
    ok("declare global { var appName: string }\nconst local = 3;");
    ok("1 + 1");
    ok("const x = 2");
    ok("appName.toUpperCase(); local + x");
    expect(codes("const n: number = appName;")).toEqual([2322]);
  });

  it("augments a standard library interface (Array), as in a .ts file", () => {
    const { ok, codes } = notebook();
    ok("declare global { interface Array<T> { total(): number } }\nObject.defineProperty(Array.prototype, 'total', { value() { return 0; } });");
    ok("const t: number = [1, 2, 3].total();");
    // The augmentation merges: Array's own members are still there.
    ok("[1, 2].map((v) => v * 2).total()");
    expect(codes("const u: string = [1].total();")).toEqual([2322]);
  });

  it("lets a re-run cell change a declaration instead of clashing with its earlier version", () => {
    const { ok, codes } = notebook();
    ok("declare global { var level: number; interface Options { a: number } }");
    // Without replacement: TS2403 (subsequent variable declarations must have the same type) and TS2717.
    ok("declare global { var level: string; interface Options { a: string } }");
    ok("level.toUpperCase(); const o: Options = { a: 'x' };");
    expect(codes("const n: number = level;")).toEqual([2322]);
  });

  it("gives the name up when a later cell declares it at module level", () => {
    const { ok } = notebook();
    ok("declare global { var shade: number }");
    ok("const shade = 'red'");
    ok("shade.toUpperCase()");
  });
});
