/** `mlsd run`: headless execution through the kernel, parameters, failures that name the cell. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { injectParameters, parameterSource } from "../../dist/kernel/run.js";
import type { Notebook } from "../../dist/kernel/notebook.js";

const out = mkdtempSync(join(tmpdir(), "mlsd-run-"));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["dist/kernel/cli.js", ...args], { encoding: "utf8", env: { ...process.env, MLSD_HISTORY_FILE: "" }, timeout: 120_000 });

describe("mlsd run", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("executes a notebook with --param values injected after the parameters cell", () => {
    const res = cli("run", "test/fixtures/params.ipynb", "--out", out, "--param", "n=5", "--param", "label=custom");
    expect(res.stderr).not.toMatch(/failed/);
    expect(res.status).toBe(0);
    const nb = JSON.parse(readFileSync(join(out, "params.ipynb"), "utf8")) as Notebook;
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
  });

  it("exits non-zero naming the failing cell, and keeps the outputs so far", () => {
    const res = cli("run", "test/fixtures/failing.ipynb", "--out", out);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/cell 2 \(id second\) failed: Error: planned failure/);
    const nb = JSON.parse(readFileSync(join(out, "failing.ipynb"), "utf8")) as Notebook;
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
