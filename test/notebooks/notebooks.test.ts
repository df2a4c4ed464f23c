/**
 * Every curated notebook, end to end:
 * - it runs clean through the kernel (`mlsd run`), and the run, cleaned (`mlsd clean`), is the committed file
 *   byte for byte: committed outputs are reproducible (cells tagged `nbval-ignore-output`, nbval's tag for
 *   measured timings, keep their committed outputs);
 * - its exported pipeline (`mlsd export`) runs as a script in a project of its own outside the checkout, with
 *   mlsd installed there as a dependency (`npm install <checkout>`) and no `"type": "module"`, and prints what
 *   the notebook's exported cells printed;
 * - `mlsd export --test` writes it as a vitest file, and vitest runs all of them in that project.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanNotebook } from "../../dist/kernel/clean.js";
import { isExported } from "../../dist/kernel/export.js";
import { readNotebook, type Output } from "../../dist/kernel/notebook.js";

const checkout = resolve(".");
const out = mkdtempSync(join(tmpdir(), "mlsd-notebooks-"));
const project = mkdtempSync(join(tmpdir(), "mlsd-project-"));
const env = { ...process.env, MLSD_HISTORY_FILE: "" };
// A vitest started from inside a vitest worker must not take the worker's settings for its own.
const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_ENV" && k !== "TEST"));
const tsx = join(checkout, "node_modules", "tsx", "dist", "cli.mjs");
const notebooks = readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).sort();
const generatedTests: string[] = [];

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

beforeAll(() => {
  // A user's own project: CommonJS by default (no "type"), mlsd installed from this checkout as npm does it.
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-pipelines", version: "1.0.0", private: true }, null, 2));
  const install = spawnSync("npm", ["install", checkout, "--offline", "--no-audit", "--no-fund"], { cwd: project, encoding: "utf8", env: childEnv, timeout: 120_000 });
  expect(install.status, install.stderr).toBe(0);
  expect((JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["mlsd"]).toMatch(/^file:/);
  // Pipelines import some of mlsd's dependencies directly (@tensorflow/tfjs, apache-arrow). Installed from a
  // tarball (npm pack), npm puts them at the project's top level; linked from a folder it does not, so they are
  // placed there as the tarball install would, from the checkout's node_modules (no registry needed).
  const deps = Object.keys((JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> }).dependencies);
  for (const dep of deps) {
    mkdirSync(join(project, "node_modules", dep, ".."), { recursive: true });
    symlinkSync(join(checkout, "node_modules", dep), join(project, "node_modules", dep));
  }
}, 120_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

describe("notebooks", () => {
  for (const name of notebooks) {
    it(`${name} runs top to bottom, reproduces its committed outputs, and its exported pipeline runs in another project`, () => {
      const run = spawnSync(process.execPath, ["dist/kernel/cli.js", "run", join("notebooks", name), "--out", out], { encoding: "utf8", env, timeout: 600_000 });
      expect(run.stderr, `mlsd run ${name}`).not.toMatch(/failed:/);
      expect(run.status).toBe(0);
      const nb = readNotebook(join(out, name));
      const errors = nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error").map(() => c.id));
      expect(errors, `cells with errors in ${name}`).toEqual([]);
      const text = JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
      expect(text, `${name} prints its tfjs backend`).toMatch(/tfjs backend: (tensorflow|webgpu|wasm|cpu)/);

      // Run again + clean = the committed file (mlsd clean's rules; nbval-ignore-output cells keep theirs).
      const committedText = readFileSync(join("notebooks", name), "utf8");
      const rerun = cleanNotebook(nb, readNotebook(join("notebooks", name))).text;
      const kept = join("test", ".artifacts", `${name}.cleaned`);
      if (rerun !== committedText) mkdirSync(join("test", ".artifacts"), { recursive: true }), writeFileSync(kept, rerun);
      expect(rerun === committedText, `${name}: the cleaned run differs from the committed file (kept as ${kept}; tag cells with measured outputs nbval-ignore-output)`).toBe(true);

      if (!nb.cells.some(isExported)) return;
      const base = name.replace(/\.ipynb$/, "");
      const script = join(project, `${base}.mts`);
      const exp = spawnSync(process.execPath, ["dist/kernel/cli.js", "export", join("notebooks", name), "-o", script], { encoding: "utf8" });
      expect(exp.status, exp.stderr).toBe(0);
      const res = spawnSync(process.execPath, [tsx, script], { cwd: project, encoding: "utf8", env: childEnv, timeout: 600_000 });
      expect(res.stderr).toBe("");
      expect(res.status).toBe(0);
      const fromNotebook = nb.cells.filter(isExported).map((c) => printed(c.outputs ?? [])).join("");
      expect(res.stdout).toBe(fromNotebook);
      const testFile = join(project, `${base}.test.mts`);
      const expTest = spawnSync(process.execPath, ["dist/kernel/cli.js", "export", join("notebooks", name), "--test", "-o", testFile], { encoding: "utf8" });
      expect(expTest.status, expTest.stderr).toBe(0);
      generatedTests.push(`${base}.test.mts`);
    }, 900_000);
  }

  it("the generated vitest files pass under vitest in that project", () => {
    expect(generatedTests.length, "notebooks with exported pipelines").toBeGreaterThanOrEqual(12);
    const vitest = join(checkout, "node_modules", "vitest", "vitest.mjs");
    const res = spawnSync(process.execPath, [vitest, "run", "--root", project, "--reporter=verbose", "--maxWorkers=1", ...generatedTests], { cwd: project, encoding: "utf8", env: childEnv, timeout: 1_500_000 });
    expect(res.status, `${res.stdout.slice(-4000)}\n${res.stderr.slice(-4000)}`).toBe(0);
    // vitest colours its summary when it thinks it is in CI; read it without the escape codes.
    const out = res.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    for (const file of generatedTests) expect(out).toContain(`${file.replace(/\.test\.mts$/, "")}.ipynb: the exported pipeline runs and its checks pass`);
    expect(out).toMatch(new RegExp(`Tests\\s+${generatedTests.length} passed`));
  }, 1_500_000);
});
