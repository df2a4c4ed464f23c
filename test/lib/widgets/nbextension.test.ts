/**
 * The anywidget nbextension's layout is the one `jupyter nbextension install/enable` makes: Jupyter's own
 * `jupyter nbextension list` (Notebook 6.4) finds it enabled and validates its files. That it renders is
 * test/notebooks/widgets-browser.test.ts's job.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXTENSION_JS, INDEX_JS, installAnywidgetNbextension } from "../../../lib/widgets/nbextension.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsd-nbext-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const jupyter = ["/usr/bin/jupyter", "/usr/local/bin/jupyter"].find(existsSync);

describe("installAnywidgetNbextension", () => {
  it("writes the extension, its module and the enable flag where jupyter nbextension would", () => {
    const dir = installAnywidgetNbextension(join(tmp, "share", "jupyter"), join(tmp, "etc", "jupyter"));
    expect(dir).toBe(join(tmp, "share", "jupyter", "nbextensions", "anywidget"));
    expect(readFileSync(join(dir, "extension.js"), "utf8")).toBe(EXTENSION_JS);
    expect(readFileSync(join(dir, "index.js"), "utf8")).toBe(INDEX_JS);
    expect(JSON.parse(readFileSync(join(tmp, "etc", "jupyter", "nbconfig", "notebook.d", "anywidget.json"), "utf8"))).toEqual({ load_extensions: { "anywidget/extension": true } });
    // The module the widget manager asks for (`_model_module: "anywidget"`) is mapped to index.js.
    expect(EXTENSION_JS).toContain('anywidget: "nbextensions/anywidget/index"');
  });

  it.skipIf(!jupyter)("jupyter nbextension list finds it enabled and valid", () => {
    installAnywidgetNbextension(join(tmp, "share", "jupyter"), join(tmp, "etc", "jupyter"));
    // One stream: the tool writes its "Validating" lines to stderr, the rest to stdout.
    const res = spawnSync("sh", ["-c", `${jupyter!} nbextension list 2>&1`], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: join(tmp, "share", "jupyter"), JUPYTER_CONFIG_PATH: join(tmp, "etc", "jupyter"), NO_COLOR: "1" } });
    const out = res.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    expect(out, out).toMatch(new RegExp(`config dir: ${join(tmp, "etc", "jupyter", "nbconfig")}\\s+notebook section\\s+anywidget/extension\\s+enabled\\s+- Validating: OK`));
  });
});
