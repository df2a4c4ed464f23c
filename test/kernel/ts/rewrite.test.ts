import { runInThisContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { loadTypeScript } from "../../../kernel/ts/load.js";
import { CellPositions, decodeMappings } from "../../../kernel/ts/cell-positions.js";
import { rewriteCell } from "../../../kernel/ts/rewrite.js";

const ts = await loadTypeScript();
// The script passes the kernel's `require` and the notebook's paths to the cell (installRuntime sets them).
Object.assign(globalThis, { __mlsd_rt: { require: () => undefined, importMeta: { filename: "/nb/notebook.ts", dirname: "/nb" } } });

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

  it("runs sloppy-mode when asked (tslab's and IJavascript's semantics) and strict otherwise", async () => {
    const sloppy = rewriteCell(ts, "function who() { return this === globalThis }\nwho()", { sloppy: true }).script;
    expect(((await runInThisContext(sloppy)) as { value: unknown }).value).toBe(true);
    const strict = rewriteCell(ts, "function who2() { return this }\nwho2()").script;
    expect(((await runInThisContext(strict)) as { value: unknown }).value).toBeUndefined();
  });

  it("passes require, __filename and __dirname to the cell", async () => {
    expect(await evaluate("[typeof require, __filename, __dirname]")).toEqual(["function", "/nb/notebook.ts", "/nb"]);
  });
});

describe("CellPositions", () => {
  it("maps a script position back through the rewrite to the JavaScript, and the wrapper to nothing", () => {
    const js = "const a = 1, b = f();\nlet c;\nthrow new Error(a + b);\n";
    const r = rewriteCell(ts, js);
    const positions = new CellPositions({ script: r.script, js, map: "", passes: r.passes });
    const lines = r.script.split("\n");
    // `f()` on line 1 and `new Error` on line 3, wherever the rewrite moved them in the script.
    expect(positions.toCell(1, lines[0]!.indexOf("f()") + 1)).toEqual({ line: 1, column: 18 });
    expect(positions.toCell(3, lines[2]!.indexOf("new Error") + 1)).toEqual({ line: 3, column: 7 });
    // The wrapper's closing call (V8's frame for the script itself) belongs to the kernel.
    expect(positions.toCell(lines.length, 3)).toBeNull();
    expect(positions.toCell(1, 1)).toBeNull();
  });

  it("decodes TypeScript's source maps (base64 VLQ)", () => {
    // "AAAA;AACA,IAAI": line 0 col 0 -> 0:0; line 1 col 0 -> 1:0, col 4 -> 1:4 (the source map spec's encoding).
    expect(decodeMappings("AAAA;AACA,IAAI")).toEqual([[{ genCol: 0, line: 0, col: 0 }], [{ genCol: 0, line: 1, col: 0 }, { genCol: 4, line: 1, col: 4 }]]);
  });
});
