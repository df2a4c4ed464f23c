/// <reference lib="dom" />
/**
 * Widgets as a user drives them: Jupyter Notebook 6.4 with Debian's widget extension (python3-widgetsnbextension,
 * jupyter-js-widgets 2.1.4, enabled system-wide in /etc/jupyter/nbconfig) in Debian's Chromium, driven by
 * playwright-core. The kernel answers the extension's version check, the slider renders, the test moves it with
 * the keyboard as a user would, the kernel's observe callback and interact's function run, and the output
 * inside the widget changes. Screenshots before and after are kept in test/.artifacts/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelSpec } from "../../dist/kernel/install.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsd-widgets-browser-"));
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

afterAll(async () => {
  if (jupyter && jupyter.exitCode === null) {
    const gone = new Promise((r) => jupyter!.once("exit", r));
    jupyter.kill("SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
  }
  rmSync(tmp, { recursive: true, force: true });
});

const CELL = [
  'import { IntSlider, interact } from "mlsd/widgets";',
  'const n = new IntSlider({ value: 3, min: 0, max: 10, description: "n" });',
  "const moves: number[] = [];",
  'n.observe((c) => void moves.push(Number(c.new)), "value");',
  "await interact(({ n }) => console.log(`n squared is ${n * n}`), { n });",
].join("\n");

type Win = { Jupyter: { notebook: { kernel?: { is_connected?: () => boolean }; execute_all_cells(): void; get_cells(): { cell_type: string; input_prompt_number?: unknown }[] } } };

describe("widgets in a real browser", () => {
  const widgetExtension = "/usr/share/jupyter/nbextensions/jupyter-js-widgets/extension.js";
  it.skipIf(!existsSync(widgetExtension))("moving an IntSlider in Notebook 6.4 runs the kernel's callback and replaces interact's output", async () => {
    const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
    expect(chromiumPath, "Debian's chromium package (installed by .ci/run)").toBeDefined();
    installKernelSpec({ prefix: tmp });
    const dir = join(tmp, "nb");
    mkdirSync(dir);
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "mlsd", display_name: "TypeScript (mlsd)", language: "typescript" } },
      cells: [{ cell_type: "code", id: "slider", metadata: {}, execution_count: null, outputs: [], source: CELL }],
    };
    writeFileSync(join(dir, "widgets.ipynb"), JSON.stringify(nb));
    const port = await freePort();
    const token = "mlsd-widgets-test";
    const args = ["-m", "notebook", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${dir}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])];
    jupyter = spawn("/usr/bin/python3", args, { env: { ...process.env, JUPYTER_PATH: join(tmp, "share", "jupyter"), MLSD_HISTORY_FILE: "" }, stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${port}/api?token=${token}`).then((r) => r.ok).catch(() => false)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const browser = await chromium.launch({ executablePath: chromiumPath!, args: ["--no-sandbox", "--disable-gpu"] });
    const console: string[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      page.on("console", (m) => console.push(m.text()));
      await page.goto(`http://127.0.0.1:${port}/notebooks/widgets.ipynb?token=${token}`);
      await page.waitForFunction(() => (window as unknown as Win).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 60_000 });
      // The extension checks the kernel's widget version when the kernel connects (3 s timeout).
      await page.waitForFunction(() => true, undefined, { timeout: 1000 });
      await page.evaluate(() => (window as unknown as Win).Jupyter.notebook.execute_all_cells());
      const handle = page.locator(".ui-slider-handle").first();
      await handle.waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: join(artifacts, "browser-widgets-failed.png") });
        throw new Error(`${err.message}\nbrowser console:\n${console.join("\n")}\noutput: ${await page.locator(".output_wrapper").first().innerText()}`);
      });
      const area = page.locator(".output_wrapper").first();
      await page.waitForFunction(() => document.querySelector(".output_wrapper")?.textContent?.includes("n squared is 9"), undefined, { timeout: 60_000 });
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "browser-widgets-before.png") });

      // Move it as a user does: focus the handle, two steps right (jQuery UI's slider keyboard handling).
      await handle.click();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(() => document.querySelector(".output_wrapper")?.textContent?.includes("n squared is 25"), undefined, { timeout: 60_000 });
      await page.screenshot({ path: join(artifacts, "browser-widgets-after.png") });
      const text = await area.innerText();
      // interact replaced its output (clear_output(wait=True) before each run): the old line is gone.
      expect(text).toContain("n squared is 25");
      expect(text).not.toContain("n squared is 9");
      expect(await page.locator(".widget-readout").first().innerText()).toBe("5");
      expect(console.join("\n")).toContain("Widget backend and frontend versions are compatible");
      expect(await page.locator(".output_error").count()).toBe(0);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
