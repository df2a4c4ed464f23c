/**
 * `mlsd run`: headless execution through the kernel, parameters checked against the parameters cell before any
 * cell runs (papermill's convention), `--allow-errors` (nbclient's allow_errors), the kernel chosen by `--kernel`
 * or the notebook's kernelspec, papermill's `metadata.papermill`, failures that name the cell.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chooseKernel, injectParameters, parameterSource } from "../../dist/kernel/run.js";
import { readNotebook, type Notebook } from "../../dist/kernel/notebook.js";
import { checkParameters, parseParameters } from "../../dist/kernel/parameters.js";
import { loadTypeScript } from "../../dist/kernel/ts/load.js";

const out = mkdtempSync(join(tmpdir(), "mlsd-run-"));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["dist/kernel/cli.js", ...args], { encoding: "utf8", env: { ...process.env, MLSD_HISTORY_FILE: "" }, timeout: 120_000 });

describe("mlsd run", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("executes a notebook with --param values injected after the parameters cell", () => {
    const res = cli("run", "test/fixtures/params.ipynb", "--out", out, "--param", "n=5", "--param", "label=custom");
    expect(res.stderr).not.toMatch(/failed/);
    expect(res.status).toBe(0);
    const nb = readNotebook(join(out, "params.ipynb"));
    const ids = nb.cells.map((c) => c.id);
    expect(ids).toEqual(["intro", "params", "injected-parameters", "compute", "show"]);
    const injected = nb.cells[2]!;
    expect(injected.metadata.tags).toEqual(["injected-parameters"]);
    expect(injected.source).toContain('const n = 5;\nconst label = "custom";');
    const compute = nb.cells[3]!;
    expect(compute.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "custom 0,1,4,9,16\n" },
      { output_type: "execute_result", execution_count: 3, data: { "text/plain": "5" }, metadata: {} },
    ]);
    expect(nb.cells[4]!.outputs![0]).toMatchObject({ output_type: "display_data", data: { "text/markdown": "**custom**: 5 squares" } });
    expect((nb.metadata["language_info"] as { name: string }).name).toBe("typescript");
    // papermill's record of the run: what papermill-aware tools (scrapbook, papermill's own readers) look at.
    expect(nb.metadata["papermill"]).toEqual({ default_parameters: { n: 3, label: "default" }, parameters: { n: 5, label: "custom" }, input_path: "test/fixtures/params.ipynb", output_path: join(out, "params.ipynb"), exception: null });
  });

  it("refuses an unknown parameter name before any cell runs, listing the notebook's parameters", () => {
    const res = cli("run", "test/fixtures/params.ipynb", "--out", join(out, "unknown"), "--param", "nn=5");
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("--param nn: test/fixtures/params.ipynb has no parameter 'nn'; its parameters are: n (number, default 3), label (string, default \"default\")");
    expect(res.stderr).not.toMatch(/mlsd run: .*cell \d/);
  });

  it("refuses a value whose type differs from the parameters cell's, before any cell runs", () => {
    const res = cli("run", "test/fixtures/params.ipynb", "--out", join(out, "mistyped"), "--param", "n=abc");
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("--param n must be a number (the parameters cell has n = 3); got 'abc'");
    expect(res.stderr).not.toMatch(/mlsd run: .*cell \d/);
    // A string parameter takes the text as written, as papermill's -r does.
    expect(parameterSource(["label=5"], [{ name: "label", type: "string", defaultText: '"x"', defaultValue: "x" }])).toBe('const label = "5";');
  });

  it("reads parameter types from literals and annotations", async () => {
    const ts = await loadTypeScript();
    const declared = parseParameters(ts, 'const a = 10_000;\nconst b: string = "x";\nconst c = [1, 2];\nconst d = { k: -1 };\nconst e = false;\nconst f = Date.now();');
    expect(declared.map((p) => [p.name, p.type, p.defaultValue])).toEqual([["a", "number", 10000], ["b", "string", "x"], ["c", "array", [1, 2]], ["d", "object", { k: -1 }], ["e", "boolean", false], ["f", "unknown", undefined]]);
    expect(checkParameters(declared, ["a=1e3", "c=[3]", "e=true", "f=\"t\""], "x.ipynb")).toEqual({ a: 1000, c: [3], e: true, f: "t" });
    expect(() => checkParameters(declared, ["c={}"], "x.ipynb")).toThrow("--param c must be an array (the parameters cell has c = [1, 2]); got '{}'");
    expect(() => checkParameters([], ["n=1"], "x.ipynb")).toThrow("--param n: x.ipynb has no parameter 'n'; it has no cell tagged 'parameters'");
  });

  it("--allow-errors runs every cell, records the error, and still exits non-zero", () => {
    const res = cli("run", "test/fixtures/failing.ipynb", "--out", join(out, "allow"), "--allow-errors");
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("every cell ran (--allow-errors), 1 failed: cell 2 (id second) failed: Error: planned failure");
    const nb = readNotebook(join(out, "allow", "failing.ipynb"));
    expect(nb.cells[1]!.outputs![0]).toMatchObject({ output_type: "error", ename: "Error", evalue: "planned failure" });
    expect(nb.cells[2]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "third cell must not run\n" }]);
    expect(nb.cells.map((c) => c.execution_count)).toEqual([1, 2, 3]);
    expect((nb.metadata["papermill"] as { exception: unknown }).exception).toBe(true);
  });

  it("uses the notebook's kernelspec, or --kernel, and records the one used", () => {
    const nb = (name: string): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name, display_name: name, language: "x" } }, cells: [] });
    expect(chooseKernel(nb("mlsd")).language).toBe("typescript");
    expect(chooseKernel(nb("mlsd"), "javascript")).toMatchObject({ name: "mlsd-js", language: "javascript", env: { MLSD_LANGUAGE: "javascript" } });
    expect(() => chooseKernel(nb("no-such-kernel"))).toThrow(/--kernel no-such-kernel: no kernelspec named 'no-such-kernel'/);
    // An installed kernelspec is found where Jupyter looks (JUPYTER_PATH first) and its argv is what runs.
    const share = join(out, "share");
    mkdirSync(join(share, "kernels", "echo-ts"), { recursive: true });
    writeFileSync(join(share, "kernels", "echo-ts", "kernel.json"), JSON.stringify({ argv: [process.execPath, resolve("dist/kernel/cli.js"), "kernel", "--connection-file", "{connection_file}"], display_name: "Echo TS", language: "typescript" }));
    const js = cli("run", "test/fixtures/params.ipynb", "--out", join(out, "js"), "--kernel", "javascript");
    expect(js.status, js.stderr).toBe(0);
    expect(readNotebook(join(out, "js", "params.ipynb")).metadata["language_info"]).toMatchObject({ name: "javascript" });
    const res = spawnSync(process.execPath, ["dist/kernel/cli.js", "run", "test/fixtures/params.ipynb", "--out", join(out, "kernel"), "--kernel", "echo-ts"], { encoding: "utf8", env: { ...process.env, MLSD_HISTORY_FILE: "", JUPYTER_PATH: share }, timeout: 120_000 });
    expect(res.status, res.stderr).toBe(0);
    expect(readNotebook(join(out, "kernel", "params.ipynb")).metadata["kernelspec"]).toEqual({ name: "echo-ts", display_name: "Echo TS", language: "typescript" });
  });

  it("exits non-zero naming the failing cell, and keeps the outputs so far", () => {
    const res = cli("run", "test/fixtures/failing.ipynb", "--out", out);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/cell 2 \(id second\) failed: Error: planned failure/);
    const nb = readNotebook(join(out, "failing.ipynb"));
    expect(nb.cells[0]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "first cell ran\n" }]);
    expect(nb.cells[1]!.outputs![0]).toMatchObject({ output_type: "error", ename: "Error", evalue: "planned failure" });
    expect(nb.cells[2]!.outputs).toEqual([]);
  });

  it("interrupts a cell that passes --timeout and names it", () => {
    const res = cli("run", "test/fixtures/slow.ipynb", "--out", out, "--timeout", "3");
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/cell 2 \(id slow\) timed out after 3 s/);
  });

  it("refuses bad arguments with a message that names them", () => {
    expect(() => parameterSource(["no-equals"])).toThrow("--param must look like name=value; got 'no-equals'");
    expect(() => parameterSource(["1bad=2"])).toThrow("--param name must be a TypeScript identifier; got '1bad'");
    const res = cli("run", "test/fixtures/params.ipynb", "--timeout", "-1");
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("--timeout must be a number of seconds > 0; got '-1'");
    const missing = cli("run", "test/fixtures/nope.ipynb", "--out", out);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/notebook 'test\/fixtures\/nope.ipynb' could not be read/);
  });

  it("types parameter values as JSON when they parse, strings otherwise", () => {
    expect(parameterSource(["a=1.5", "b=true", 'c=[1,"x"]', "d=hello world"])).toBe('const a = 1.5;\nconst b = true;\nconst c = [1,"x"];\nconst d = "hello world";');
    const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: "const a = 0", metadata: {} }] };
    injectParameters(nb, ["a=2"]);
    expect(nb.cells[0]!.metadata.tags).toEqual(["injected-parameters"]);
  });
});
