/** The welcome notebook, executed by a real Jupyter client (nbclient) and by `mlsd run`. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelSpec } from "../../dist/kernel/install.js";
import type { Notebook } from "../../dist/kernel/notebook.js";

const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const tmp = mkdtempSync(join(tmpdir(), "mlsd-nb-"));

describe("notebooks/00-welcome.ipynb", () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("runs top to bottom under nbclient with kernel mlsd", () => {
    installKernelSpec({ prefix: tmp });
    const script = [
      "import json, nbformat, nbclient",
      "nb = nbformat.read('notebooks/00-welcome.ipynb', as_version=4)",
      "nbclient.NotebookClient(nb, kernel_name='mlsd', timeout=180, resources={'metadata': {'path': 'notebooks'}}).execute()",
      "print(json.dumps([[o.get('output_type'), sorted(o.get('data', {}).keys())] for c in nb.cells if c.cell_type == 'code' for o in c.outputs]))",
    ].join("\n");
    const res = spawnSync(python, ["-c", script], { encoding: "utf8", timeout: 240_000, env: { ...process.env, JUPYTER_PATH: join(tmp, "share", "jupyter"), MLSD_HISTORY_FILE: "" } });
    expect(res.stderr).not.toMatch(/CellExecutionError/);
    const outputs = JSON.parse(res.stdout.trim().split("\n").pop()!) as [string, string[]][];
    expect(outputs.filter(([t]) => t === "error")).toEqual([]);
    expect(outputs).toContainEqual(["execute_result", ["image/svg+xml", "text/plain"]]);
    expect(outputs).toContainEqual(["execute_result", ["text/html", "text/plain"]]);
  }, 240_000);

  it("runs under mlsd run with a parameter, and prints its tfjs backend", () => {
    const res = spawnSync(process.execPath, ["dist/kernel/cli.js", "run", "notebooks/00-welcome.ipynb", "--out", tmp, "--param", "points=40"], { encoding: "utf8", timeout: 180_000, env: { ...process.env, MLSD_HISTORY_FILE: "" } });
    expect(res.status).toBe(0);
    const nb = JSON.parse(readFileSync(join(tmp, "00-welcome.ipynb"), "utf8")) as Notebook;
    const text = JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
    expect(text).toMatch(/tfjs backend: (tensorflow|webgpu|wasm|cpu)/);
    expect(text).toContain("points: 40");
  });
});
