/// <reference lib="dom" />
/**
 * The notebook as a user sees it: Debian's Chromium, driven by playwright-core, in Jupyter Notebook with the
 mlsd kernel. One test opens a committed notebook from `mlsd start` without running it and finds its saved
 * chart rendered (`mlsd start` trusted it with Jupyter's notebook signature); the other runs the welcome notebook
 * and checks that a Plot figure and an HTML table rendered and no error appeared. Screenshots are kept in
 * test/.artifacts/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumPath, freePort, launchChromium, startNotebookServer, stopProcess, type NotebookServer } from "../helpers/jupyter.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsd-browser-"));
const artifacts = join("test", ".artifacts");
let server: NotebookServer | undefined;
let started: ChildProcess | undefined;

afterAll(async () => {
  await server?.stop();
  await stopProcess(started);
  rmSync(tmp, { recursive: true, force: true });
});

type JupyterWindow = { Jupyter?: { notebook?: { trusted?: boolean; kernel?: { is_connected?: () => boolean } } } };
const kernelConnected = (page: Page) => page.waitForFunction(() => (window as unknown as JupyterWindow).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 60_000 });

describe("a committed notebook opened from mlsd start", () => {
  it("renders its saved chart without running: mlsd start trusted it with Jupyter's notebook signature", async () => {
    expect(chromiumPath(), "Debian's chromium package (installed by .ci/run)").toBeDefined();
    const name = "07-model-selection.ipynb";
    const committed = readFileSync(join("notebooks", name), "utf8");
    expect(committed, `${name} has a saved SVG chart`).toContain("image/svg+xml");
    const port = await freePort();
    const token = "mlsd-trust-test";
    // A user of their own: Jupyter's data dir (kernelspecs, signature database, secret) is empty at first.
    const env = { ...process.env, JUPYTER_DATA_DIR: join(tmp, "user-data"), JUPYTER_CONFIG_DIR: join(tmp, "user-config"), JUPYTER_RUNTIME_DIR: join(tmp, "user-runtime"), JUPYTER_TOKEN: token, MLSD_HISTORY_FILE: "" };
    started = spawn(process.execPath, ["dist/kernel/cli.js", "start", "--no-browser", `--port=${port}`], { env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    started.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    started.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 200 && !(/shipped notebooks are trusted/.test(log) && log.includes(`:${port}/`)); i++) await new Promise((r) => setTimeout(r, 150));
    // Every curated notebook, counted from the folder (others add notebooks).
    const shipped = readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).length;
    expect(log).toContain(`the ${shipped} shipped notebooks are trusted (${shipped} newly signed`);
    expect(log).toContain(`:${port}/`);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/notebooks/${name}?token=${token}`);
      await page.waitForSelector(".output_area svg", { timeout: 60_000 });
      expect(await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter?.notebook?.trusted)).toBe(true);
      const charts = await page.locator(".output_area svg").count();
      expect(charts).toBeGreaterThan(0);
      // Untrusted, Notebook 6 would show the saved SVG as a placeholder instead.
      expect(await page.locator(".output_area").allInnerTexts()).not.toContainEqual(expect.stringMatching(/<svg> \(\d+ characters\)/));
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "browser-trusted-07.png"), fullPage: false });
      await page.locator(".output_area svg").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, "browser-trusted-07-chart.png") });
    } finally {
      await browser.close();
    }
    // Opening it changed nothing on disk.
    expect(readFileSync(join("notebooks", name), "utf8")).toBe(committed);
  }, 180_000);
});

describe("in a real browser", () => {
  it("Chromium runs the welcome notebook in Jupyter: a Plot figure and an HTML table render, no error output", async () => {
    expect(chromiumPath(), "Debian's chromium package (installed by .ci/run)").toBeDefined();
    const dir = join(tmp, "nb");
    mkdirSync(dir);
    // A copy without outputs, so whatever renders was produced by this run.
    const nb = JSON.parse(readFileSync("notebooks/00-welcome.ipynb", "utf8")) as { cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
    for (const c of nb.cells) if (c.cell_type === "code") (c.outputs = []), (c.execution_count = null);
    writeFileSync(join(dir, "welcome.ipynb"), JSON.stringify(nb));
    server = await startNotebookServer({ prefix: tmp, dir, token: "mlsd-browser-test" });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(server.notebookUrl("welcome.ipynb"));
      await kernelConnected(page);
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
