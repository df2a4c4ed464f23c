/**
 * Every notebook runs clean through the kernel (`mlsd run`), and every exported pipeline runs as a script
 * (`mlsd export` + tsx) and prints what the notebook's exported cells printed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isExported } from "../../dist/kernel/export.js";
import type { Notebook, Output } from "../../dist/kernel/notebook.js";

const out = mkdtempSync(join(tmpdir(), "mlsd-notebooks-"));
const pipelines = join("test", ".pipelines");
mkdirSync(pipelines, { recursive: true });
const env = { ...process.env, MLSD_HISTORY_FILE: "" };
const notebooks = readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).sort();

/** What a reader sees printed: stdout streams and the text of displays and results, in order. */
function printed(outputs: Output[]): string {
  return outputs
    .map((o) => {
      if (o.output_type === "stream" && o["name"] === "stdout") return String(o["text"]);
      if (o.output_type === "display_data" || o.output_type === "execute_result") return `${String((o["data"] as Record<string, unknown>)["text/plain"] ?? "")}\n`;
      return "";
    })
    .join("");
}

describe("notebooks", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  for (const name of notebooks) {
    it(`${name} runs top to bottom through the kernel; its exported pipeline, if any, prints the same and passes its checks`, () => {
      const run = spawnSync(process.execPath, ["dist/kernel/cli.js", "run", join("notebooks", name), "--out", out], { encoding: "utf8", env, timeout: 600_000 });
      expect(run.stderr, `mlsd run ${name}`).not.toMatch(/failed:/);
      expect(run.status).toBe(0);
      const nb = JSON.parse(readFileSync(join(out, name), "utf8")) as Notebook;
      const errors = nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error").map(() => c.id));
      expect(errors, `cells with errors in ${name}`).toEqual([]);
      const text = JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
      expect(text, `${name} prints its tfjs backend`).toMatch(/tfjs backend: (tensorflow|webgpu|wasm|cpu)/);

      if (!nb.cells.some(isExported)) return;
      const script = join(pipelines, name.replace(/\.ipynb$/, ".ts"));
      const exp = spawnSync(process.execPath, ["dist/kernel/cli.js", "export", join("notebooks", name), "-o", script], { encoding: "utf8" });
      expect(exp.status, exp.stderr).toBe(0);
      const res = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", script], { encoding: "utf8", env, timeout: 600_000 });
      expect(res.stderr).toBe("");
      expect(res.status).toBe(0);
      const fromNotebook = nb.cells.filter(isExported).map((c) => printed(c.outputs ?? [])).join("");
      expect(res.stdout).toBe(fromNotebook);
    }, 900_000);
  }
});
