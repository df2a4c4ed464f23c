/** `mlsd export`: the exported cells as an ES module script with typed options, or as a vitest file. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportNotebook, isExported } from "../../dist/kernel/export.js";
import { checkModuleFile } from "../../dist/kernel/module-kind.js";
import { readNotebook, writeNotebook, type Cell, type Notebook, type Output } from "../../dist/kernel/notebook.js";
import { runNotebook } from "../../dist/kernel/run.js";

const cell = (source: string, tags?: string[]): Cell => ({ cell_type: "code", source, metadata: tags ? { tags } : {}, outputs: [], execution_count: null });
const nb = (cells: Cell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
const tmp = mkdtempSync(join(tmpdir(), "mlsd-export-"));
// mlsd as a dependency of that folder, as `npm install <checkout>` links it.
mkdirSync(join(tmp, "node_modules"));
symlinkSync(resolve("."), join(tmp, "node_modules", "mlsd"));
const tsx = resolve("node_modules", "tsx", "dist", "cli.mjs");

/** A small notebook with parameters of three types and a checking cell, exported into `tmp` (a folder with no package.json, mlsd in its node_modules). */
async function exported(name: string, options: { test?: boolean } = {}): Promise<string> {
  const source = nb([
    cell('const points = 5;\nconst label = "pts";\nconst strict = true;', ["parameters"]),
    cell('//| export\nimport assert from "node:assert/strict";\nconst xs = Array.from({ length: points }, (_, i) => i);\nconsole.log(label, xs.length);\nawait Promise.resolve();'),
    cell('assert.ok(!strict || xs.length < 10, "at most 9 points");\nxs.length * 2', ["export"]),
  ]);
  const file = join(tmp, name);
  writeFileSync(file, await exportNotebook(source, "demo.ipynb", options));
  return file;
}

describe("mlsd export", () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("takes cells tagged export or starting with //| export, in jupytext percent format", async () => {
    const script = await exportNotebook(nb([cell("const n = 3;", ["parameters"]), cell("//| export\nconst xs = [1, 2, n];"), cell("console.log('not exported')"), cell("xs.length", ["export"])]), "demo.ipynb");
    expect(script).toContain('// %% parameters\nconst n = __param("n", 3);');
    expect(script).toContain("// %%\nconst xs = [1, 2, n];");
    expect(script).not.toContain("//| export");
    expect(script).not.toContain("not exported");
    // The notebook would show the last expression; the script displays it.
    expect(script).toContain("// %%\n__show(xs.length);");
    expect(script.startsWith("// Exported from demo.ipynb by `mlsd export`")).toBe(true);
  });

  it("writes an ES module that runs with top-level await in a folder without package.json, with typed options", async () => {
    const file = await exported("demo.mts");
    const run = (...args: string[]) => spawnSync(process.execPath, [tsx, file, ...args], { cwd: tmp, encoding: "utf8", timeout: 60_000 });
    const ok = run("--points=7", "--label=seven");
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe("seven 7\n14\n");
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Options (the notebook's parameters):\n  --points=<number>   default: 5\n  --label=<string>    default: \"pts\"\n  --strict=<boolean>  default: true\n");
    const unknown = run("--pointz=7");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('unknown option --pointz; the options are: --points (number, default 5), --label (string, default "pts"), --strict (boolean, default true) (--help for more)\n');
    const mistyped = run("--points=abc");
    expect(mistyped.status).toBe(2);
    expect(mistyped.stderr).toContain("--points must be a number; got 'abc'");
  });

  it("exits non-zero when a check fails", async () => {
    const res = spawnSync(process.execPath, [tsx, await exported("failing.mts"), "--points=12"], { cwd: tmp, encoding: "utf8", timeout: 60_000 });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("at most 9 points");
  });

  it("--test writes a vitest file: imports at the top, the pipeline inside one test", async () => {
    const text = readFileSync(await exported("demo.test.mts", { test: true }), "utf8");
    expect(text).toContain('import { test } from "vitest";\nimport { display, clearOutput, progress } from "mlsd/display";\nimport assert from "node:assert/strict";\n');
    expect(text).toContain('test("demo.ipynb: the exported pipeline runs and its checks pass", async () => {\n  // %% parameters\n  const points = 5;');
    expect(text).toContain("  __show(xs.length * 2);\n}, 900_000);\n");
    expect(text).not.toContain("process.argv");
  });

  it("refuses an output that would run as CommonJS, naming the fix", () => {
    expect(() => checkModuleFile(join(tmp, "pipeline.ts"), "-o")).toThrow(`-o ${join(tmp, "pipeline.ts")}: the pipeline uses top-level await, so it must run as an ES module; the package.json nearest to it does not say "type": "module", so it would run as CommonJS: use '${join(tmp, "pipeline.mts")}'`);
    expect(() => checkModuleFile("test/.pipelines/x.ts", "-o")).not.toThrow();
    expect(() => checkModuleFile(join(tmp, "pipeline.mts"), "-o")).not.toThrow();
  });

  it("leaves assignments and output calls alone", async () => {
    const script = await exportNotebook(nb([cell("let a = 1;\na = 2", ["export"]), cell("console.log(a)", ["export"])]), "x.ipynb");
    expect(script).toContain("a = 2");
    expect(script).not.toContain("__show(a = 2)");
    expect(script).not.toContain("__show(console.log(a))");
  });

  it("a cell imported names another exported cell imported is imported once; a name bound twice differently is refused", async () => {
    const script = await exportNotebook(
      nb([
        cell('//| export\nimport { Random, shuffle } from "mlsd/core";\nimport * as Plot from "mlsd/plot";\nimport "node:process";'),
        cell('//| export\nimport { Random } from "mlsd/core";\nimport { shuffle as mix, Random as R } from "mlsd/core";\nimport * as Plot from "mlsd/plot";\nimport "node:process";\nimport { type Cell } from "mlsd/kernel";\nnew Random(1);'),
      ]),
      "imports.ipynb",
    );
    expect(script).toContain('// %%\nimport { Random, shuffle } from "mlsd/core";\nimport * as Plot from "mlsd/plot";\nimport "node:process";\n');
    // The second cell keeps only what is new: the renamed bindings and the type.
    expect(script).toContain('// %%\nimport { shuffle as mix, Random as R } from "mlsd/core";\n\n\nimport { type Cell } from "mlsd/kernel";\n__show(new Random(1));');
    await expect(exportNotebook(nb([cell('//| export\nimport { f } from "./a.js";'), cell('//| export\nimport { g as f } from "./b.js";', undefined)]), "clash.ipynb")).rejects.toThrow(
      `clash.ipynb: cell 2 imports 'f' as 'g' of "./b.js", but clash.ipynb: cell 1 imported it as 'f' of "./a.js": one script cannot bind a name twice; rename one of them.`,
    );
  });

  it("a control cell runs as mlsd run runs it: interact's fn once with each control's initial value, after the static view of the controls", async () => {
    // ipywidgets' interact without a frontend: the function runs once with the controls' values; mlsd run's
    // outputs are the reference the script must print.
    const source = nb([
      cell("const k0 = 3;", ["parameters"]),
      cell('//| export\nimport { IntSlider, interact } from "mlsd/widgets";\nconst view = await interact(({ k, label }) => {\n  console.log(`${label}: k is ${k}`);\n  return k * 2;\n}, { k: new IntSlider({ value: k0, max: 10 }), label: ["first", "second"] });'),
      cell('import { IntSlider } from "mlsd/widgets";\nview.values.k', ["export"]),
    ]);
    source.cells.forEach((c, i) => (c.id = `c${i}`));
    const file = join(tmp, "controls.mts");
    writeFileSync(file, await exportNotebook(source, "controls.ipynb"));
    const run = (...args: string[]) => spawnSync(process.execPath, [tsx, file, ...args], { cwd: tmp, encoding: "utf8", timeout: 60_000 });
    const res = run();
    expect(res.stderr).toBe("");
    expect(res.stdout).toBe("VBox(children=[IntSlider(value=3), Dropdown(value=\"first\")])\nfirst: k is 3\n6\n3\n");
    expect(run("--k0=5").stdout).toBe("VBox(children=[IntSlider(value=5), Dropdown(value=\"first\")])\nfirst: k is 5\n10\n5\n");
    // The same notebook headless through the kernel: the same lines, from its display_data, stream and results.
    const ipynb = join(tmp, "controls.ipynb");
    writeNotebook(ipynb, source);
    await runNotebook(ipynb, { outDir: join(tmp, "ran"), log: () => undefined });
    const ran = readNotebook(join(tmp, "ran", "controls.ipynb"));
    const printed = (outputs: Output[]) =>
      outputs
        .map((o) => (o.output_type === "stream" ? String(o["text"]) : o.output_type === "display_data" || o.output_type === "execute_result" ? `${String((o["data"] as Record<string, unknown>)["text/plain"])}\n` : ""))
        .join("");
    expect(ran.cells.filter(isExported).map((c) => printed(c.outputs ?? [])).join("")).toBe(res.stdout);
    // The kernel's static view keeps the controls' HTML too (what the committed notebook shows).
    expect(String((ran.cells[1]!.outputs![0]!["data"] as Record<string, unknown>)["text/html"])).toContain('<input type="range" disabled min="0" max="10" step="1" value="3">');
  }, 120_000);

  it("refuses a notebook without exported cells", async () => {
    await expect(exportNotebook(nb([cell("1")]), "empty.ipynb")).rejects.toThrow("empty.ipynb has no exported cells: tag cells 'export' or start them with '//| export'.");
    expect(isExported({ cell_type: "markdown", source: "//| export", metadata: {} })).toBe(false);
  });
});
