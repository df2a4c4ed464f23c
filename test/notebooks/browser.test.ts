/// <reference lib="dom" />
/**
 * The notebook as a user sees it: Debian's Chromium, driven by playwright-core, opens the welcome notebook in
 * Jupyter Notebook with the mlsd kernel, runs every cell, and checks that a Plot figure and an HTML table
 * rendered and no error appeared. A screenshot is kept in test/.artifacts/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelSpec } from "../../dist/kernel/install.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsd-browser-"));
const artifacts = join("test", ".artifacts");
let jupyter: ChildProcess | undefined;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

afterAll(() => {
  jupyter?.kill("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
});

describe("in a real browser", () => {
  it("Chromium runs the welcome notebook in Jupyter: a Plot figure and an HTML table render, no error output", async () => {
    const browserPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
    expect(browserPath, "Debian's chromium package (installed by .ci/run)").toBeDefined();
    installKernelSpec({ prefix: tmp });
    const dir = join(tmp, "nb");
    mkdirSync(dir);
    // A copy without outputs, so whatever renders was produced by this run.
    const nb = JSON.parse(readFileSync("notebooks/00-welcome.ipynb", "utf8")) as { cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
    for (const c of nb.cells) if (c.cell_type === "code") (c.outputs = []), (c.execution_count = null);
    writeFileSync(join(dir, "welcome.ipynb"), JSON.stringify(nb));
    const port = await freePort();
    const token = "mlsd-browser-test";
    const args = ["-m", "notebook", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${dir}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])];
    jupyter = spawn("/usr/bin/python3", args, { env: { ...process.env, JUPYTER_PATH: join(tmp, "share", "jupyter"), MLSD_HISTORY_FILE: "" }, stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/api?token=${token}`).then((r) => r.ok).catch(() => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const browser = await chromium.launch({ executablePath: browserPath!, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/notebooks/welcome.ipynb?token=${token}`);
      await page.waitForFunction(() => (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected?: () => boolean } } } }).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 60_000 });
      await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
      // Done when every code cell has an execution count and the kernel is idle again.
      await page.waitForFunction(
        () => {
          const nbk = (window as unknown as { Jupyter: { notebook: { get_cells(): { cell_type: string; input_prompt_number?: unknown }[] } } }).Jupyter.notebook;
          const done = nbk.get_cells().filter((c) => c.cell_type === "code").every((c) => typeof c.input_prompt_number === "number");
          return done && document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon");
        },
        undefined,
        { timeout: 180_000 },
      );
      const outputs = await page.evaluate(() => JSON.stringify((window as unknown as { Jupyter: { notebook: { toJSON(): unknown } } }).Jupyter.notebook.toJSON()));
      if (process.env.MLSD_DEBUG_BROWSER) writeFileSync("/tmp/browser-nb.json", outputs);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "browser-welcome.png"), fullPage: true });
      expect(await page.locator(".output_area svg").count()).toBeGreaterThan(0);
      expect(await page.locator(".output_area table").count()).toBeGreaterThan(0);
      expect(await page.locator(".output_error").count()).toBe(0);
      expect(await page.locator(".output_area").first().innerText()).toMatch(/tfjs backend: (tensorflow|webgpu|wasm|cpu)/);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
