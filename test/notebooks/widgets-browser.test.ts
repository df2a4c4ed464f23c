/// <reference lib="dom" />
/**
 * Widgets as a user drives them: Jupyter Notebook 6.4 with Debian's widget extension (python3-widgetsnbextension,
 * jupyter-js-widgets 2.1.4, enabled system-wide in /etc/jupyter/nbconfig) in Debian's Chromium, driven by
 * playwright-core. The kernel answers the extension's version check, the slider renders, the test moves it with
 * the keyboard as a user would, the kernel's observe callback and interact's function run, and the output
 * inside the widget changes. Then an anywidget (an ES module with render({ model, el })) renders through the
 * anywidget nbextension mlsd installs with its kernelspec, its CSS applies, clicks reach the kernel's observe,
 * and the kernel's set redraws it; progress() renders as a widget bar. Screenshots are kept in test/.artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium, startNotebookServer, type NotebookServer } from "../helpers/jupyter.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsd-widgets-browser-"));
const artifacts = join("test", ".artifacts");
let server: NotebookServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const CELL = [
  'import { IntSlider, interact } from "mlsd/widgets";',
  'const n = new IntSlider({ value: 3, min: 0, max: 10, description: "n" });',
  "const moves: number[] = [];",
  'n.observe((c) => void moves.push(Number(c.new)), "value");',
  "await interact(({ n }) => console.log(`n squared is ${n * n}`), { n });",
].join("\n");

// anywidget's README counter, as a user writes it: the module's render({ model, el }) with model.get/set/on/save_changes.
const ANYWIDGET_CELL = [
  'import { AnyWidget, Output, VBox } from "mlsd/widgets";',
  "const esm = `export default {",
  "  render({ model, el }) {",
  "    const b = document.createElement('button');",
  "    b.className = 'mlsd-counter';",
  "    const show = () => (b.textContent = 'count is ' + model.get('count'));",
  "    b.onclick = () => { model.set('count', model.get('count') + 1); model.save_changes(); };",
  "    model.on('change:count', show); show(); el.appendChild(b);",
  "  },",
  "};`;",
  "class Counter extends AnyWidget<{ count: number }> {",
  "  constructor() { super({ esm, css: '.mlsd-counter { background: rgb(232, 240, 254); }', state: { count: 0 } }); }",
  "}",
  "const counter = new Counter();",
  "const log = new Output();",
  "counter.observe((c) => log.capture(() => console.log(`kernel saw count ${c.new}`)), 'count');",
  "display(new VBox([counter, log]));",
].join("\n");
const KERNEL_SETS = "counter.set({ count: 10 });";
// progress() where widgets render: tqdm.notebook's HBox of description, FloatProgress and counts.
const PROGRESS_CELL = 'const bar = progress(4, { desc: "steps", intervalMs: 0 });\nfor (let i = 0; i < 4; i++) bar.update(1);\nbar.close();';

type Win = { Jupyter: { notebook: { kernel?: { is_connected?: () => boolean }; execute_all_cells(): void; get_cell(i: number): { execute(): void; input_prompt_number?: unknown } } } };

describe("widgets in a real browser", () => {
  const widgetExtension = "/usr/share/jupyter/nbextensions/jupyter-js-widgets/extension.js";
  it.skipIf(!existsSync(widgetExtension))("moving an IntSlider in Notebook 6.4 runs the kernel's callback and replaces interact's output; an anywidget renders and syncs both ways", async () => {
    expect(chromiumPath(), "Debian's chromium package (installed by .ci/run)").toBeDefined();
    const dir = join(tmp, "nb");
    mkdirSync(dir);
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "mlsd", display_name: "TypeScript (mlsd)", language: "typescript" } },
      cells: [
        { cell_type: "code", id: "slider", metadata: {}, execution_count: null, outputs: [], source: CELL },
        { cell_type: "code", id: "anywidget", metadata: {}, execution_count: null, outputs: [], source: ANYWIDGET_CELL },
        { cell_type: "code", id: "kernel-sets", metadata: {}, execution_count: null, outputs: [], source: KERNEL_SETS },
        { cell_type: "code", id: "progress", metadata: {}, execution_count: null, outputs: [], source: PROGRESS_CELL },
      ],
    };
    writeFileSync(join(dir, "widgets.ipynb"), JSON.stringify(nb));
    server = await startNotebookServer({ prefix: tmp, dir, token: "mlsd-widgets-test" });
    const browser = await launchChromium();
    const console: string[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      page.on("console", (m) => console.push(m.text()));
      await page.goto(server.notebookUrl("widgets.ipynb"));
      await page.waitForFunction(() => (window as unknown as Win).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 60_000 });
      // The extension checks the kernel's widget version when the kernel connects (3 s timeout).
      await page.waitForFunction(() => true, undefined, { timeout: 1000 });
      // The slider cell and the anywidget cell; the third runs later, after the clicks.
      await page.evaluate(() => {
        const nb = (window as unknown as Win).Jupyter.notebook;
        nb.get_cell(0).execute();
        nb.get_cell(1).execute();
      });
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

      // anywidget: Notebook 6.4 has no anywidget front end; mlsd's nbextension (installed with the kernelspec) renders it.
      const counter = page.locator("button.mlsd-counter");
      await counter.waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
        await page.screenshot({ path: join(artifacts, "browser-anywidget-failed.png") });
        throw new Error(`${err.message}\nbrowser console:\n${console.join("\n")}`);
      });
      expect(await counter.innerText()).toBe("count is 0");
      // _css went into the page: the module's class has the stylesheet's background.
      expect(await counter.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(232, 240, 254)");
      await counter.click();
      await counter.click();
      // model.set + save_changes reached the kernel: its observe wrote into the Output under the widget.
      const anyArea = page.locator(".cell").nth(1).locator(".output_wrapper").first();
      await page.waitForFunction(() => document.querySelectorAll(".cell")[1]?.querySelector(".output_wrapper")?.textContent?.includes("kernel saw count 2"), undefined, { timeout: 60_000 });
      expect(await counter.innerText()).toBe("count is 2");
      await page.screenshot({ path: join(artifacts, "browser-anywidget-clicked.png") });
      // The kernel's set reaches the module: model.on("change:count") redraws the button.
      await page.evaluate(() => (window as unknown as Win).Jupyter.notebook.get_cell(2).execute());
      await page.waitForFunction(() => document.querySelector("button.mlsd-counter")?.textContent === "count is 10", undefined, { timeout: 60_000 });
      // The observe ran in the third cell's request; its line reaches the Output after the model's update.
      await page.waitForFunction(() => document.querySelectorAll(".cell")[1]?.querySelector(".output_wrapper")?.textContent?.includes("kernel saw count 10"), undefined, { timeout: 60_000 });
      expect(await anyArea.innerText()).toContain("kernel saw count 10");
      await page.screenshot({ path: join(artifacts, "browser-anywidget-kernel-set.png") });
      expect(await page.locator(".output_error").count()).toBe(0);
      expect(console.join("\n")).not.toMatch(/anywidget: the widget's module failed|Could not create/);

      // progress(): a widget bar, full and styled "success" when closed at its total (Bootstrap's progress-bar-success).
      await page.evaluate(() => (window as unknown as Win).Jupyter.notebook.get_cell(3).execute());
      const bar = page.locator(".cell").nth(3).locator(".progress-bar");
      await bar.waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => document.querySelectorAll(".cell")[3]?.querySelector(".progress-bar")?.classList.contains("progress-bar-success"), undefined, { timeout: 60_000 });
      await page.locator(".cell").nth(3).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, "browser-progress-widget.png") });
      expect(await page.locator(".cell").nth(3).locator(".widget-hbox").first().innerText()).toMatch(/steps 100%[\s\S]*4\/4 \[/);
      expect(await bar.evaluate((el) => (el as HTMLElement).style.width)).toBe("100%");
    } finally {
      await browser.close();
    }
  }, 300_000);

  it.skipIf(!existsSync(widgetExtension))("notebook 10's drift-magnitude slider re-runs the detectors: a larger shift is caught sooner", async () => {
    // Inside the checkout, as notebooks/ is: from a folder outside it the kernel's type checker currently loses a
    // cell's declarations after `connect()` of mlsd/data (reported; not this test's subject).
    mkdirSync(artifacts, { recursive: true });
    const dir = mkdtempSync(join(artifacts, "nb10-"));
    // A copy without outputs, up to the control's cell: what renders was produced by this run.
    const nb = JSON.parse(readFileSync("notebooks/10-monitoring.ipynb", "utf8")) as { cells: { id?: string; cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
    nb.cells = nb.cells.slice(0, nb.cells.findIndex((c) => c.id === "a17mag02") + 1);
    for (const c of nb.cells) if (c.cell_type === "code") (c.outputs = []), (c.execution_count = null);
    writeFileSync(join(dir, "monitoring.ipynb"), JSON.stringify(nb));
    const nb10 = await startNotebookServer({ prefix: tmp, dir, token: "mlsd-widgets-nb10" });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      await page.goto(nb10.notebookUrl("monitoring.ipynb"));
      await page.waitForFunction(() => (window as unknown as Win).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 60_000 });
      await page.waitForFunction(() => true, undefined, { timeout: 1000 });
      // One cell at a time, each after the last finished, as a reader pressing Shift-Enter.
      for (let i = 0; i < nb.cells.length; i++) {
        if (nb.cells[i]!.cell_type !== "code") continue;
        await page.evaluate((n) => (window as unknown as Win).Jupyter.notebook.get_cell(n).execute(), i);
        await page.waitForFunction((n) => typeof (window as unknown as Win).Jupyter.notebook.get_cell(n).input_prompt_number === "number", i, { timeout: 180_000 });
      }
      const adwinLine = (shift: string) => page.waitForFunction((s) => Array.from(document.querySelectorAll(".output_wrapper")).map((e) => e.textContent ?? "").join("\n").match(new RegExp(`shift ${s} sd, ADWIN +false alarms \\d+, detected (\\d+|never)`))?.[1], shift, { timeout: 180_000 }).then((h) => h.jsonValue());
      const before = await adwinLine("0\\.5").catch(async (err: Error) => {
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: join(artifacts, "browser-nb10-failed.png"), fullPage: true });
        throw new Error(`${err.message}\noutputs:\n${(await page.locator(".output_wrapper").allInnerTexts()).join("\n---\n").slice(0, 4000)}`);
      });
      const handle = page.locator(".ui-slider-handle").first();
      await handle.scrollIntoViewIfNeeded();
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "browser-nb10-drift-0.5.png") });
      // Ten steps of 0.1 to the right: a shift of 1.5 standard deviations.
      await handle.click();
      for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
      const after = await adwinLine("1\\.5");
      await page.screenshot({ path: join(artifacts, "browser-nb10-drift-1.5.png") });
      expect(before).toBe("135"); // the committed output's figure, for the initial 0.5
      expect(Number(after)).toBeLessThan(Number(before));
      // interact replaced the output: the 0.5 lines are gone.
      expect(await page.locator(".output_wrapper").last().innerText()).not.toContain("shift 0.5 sd");
      expect(await page.locator(".output_error").count()).toBe(0);
    } finally {
      await browser.close();
      await nb10.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
