import { runInThisContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { loadTypeScript } from "../../../kernel/ts/load.js";
import { rewriteCell } from "../../../kernel/ts/rewrite.js";

const ts = await loadTypeScript();

const evaluate = async (js: string) => {
  const { script } = rewriteCell(ts, js);
  return ((await runInThisContext(script)) as { value: unknown } | undefined)?.value;
};

describe("rewriteCell", () => {
  it("turns top-level let/const/class/function into globals and returns the last expression", async () => {
    expect(await evaluate("const rwA = 2;\nlet rwB = 3;\nclass RwC { v = 4 }\nfunction rwD() { return 5 }\nrwA + rwB + new RwC().v + rwD()")).toBe(14);
    expect(await evaluate("rwA * 10")).toBe(20);
    // Re-declaring is just another assignment.
    expect(await evaluate("const rwA = 'again'; rwA")).toBe("again");
  });

  it("keeps destructuring and hoists function declarations within the cell", async () => {
    expect(await evaluate("const { p, q: [r] } = { p: 1, q: [2] };\nconst sum = hoisted() + p + r;\nfunction hoisted() { return 10 }")).toBeUndefined();
    expect(await evaluate("sum")).toBe(13);
  });

  it("keeps line numbers, so stack traces point at the cell's lines", () => {
    const { script } = rewriteCell(ts, "const a = 1;\nconst b = {\n  c: 2,\n};\nthrow new Error('x');\n");
    expect(script.split("\n")[4]).toContain("throw new Error('x')");
  });

  it("reports whether there is a result", () => {
    expect(rewriteCell(ts, "const z = 1;").hasResult).toBe(false);
    expect(rewriteCell(ts, "1 + 1;\nexport {};").hasResult).toBe(true);
  });

  it("routes static and dynamic imports through the runtime", () => {
    const { script } = rewriteCell(ts, 'import d, { a as b } from "m";\nimport * as ns from "n";\nconst x = await import("o"), y = import.meta.url;');
    expect(script).toContain('__mlsd_rt.import("m")');
    expect(script).toContain('b = __mlsd_rt.last["a"]');
    expect(script).toContain('d = __mlsd_rt.last.default');
    expect(script).toContain('ns = __mlsd_rt.last');
    expect(script).toContain('(x = await __mlsd_rt.import("o"), y = __mlsd_rt.importMeta.url);');
    expect(script.startsWith("var d, b, ns, x, y;")).toBe(true);
  });
});
