/**
 * The anywidget nbextension's module against anywidget's front-end module contract (AFM, anywidget's docs
 * "Anywidget Front-End Module"), on a stand-in for jupyter-js-widgets 2.1's DOMWidgetModel/View (Backbone-style
 * extend, get/set/on/off/once/trigger, save_changes, send): every module form anywidget accepts (a default
 * export object, a default export function returning one, a legacy named `render`), `initialize` once per model
 * and `render` once per view, their cleanups (model close, view remove), one <style> per `_anywidget_id`, and a
 * failing module shown in the view. afm-harness.mjs runs it in plain Node (the module's import() of the
 * widget's source needs Node's own loader); the real browser runs it in test/notebooks/widgets-browser.test.ts.
 * Reads dist/: run `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

type Mounted = { modelName: string; afterRender: string[]; saved: number; sent: unknown[]; textAfterKernelSet: string; afterSecondView: string[]; removed: boolean; afterRemove: string; afterClose: string };
type Observed = { deps: string[]; object: Mounted; function: Mounted; named: string[]; css: string[][]; throws: { className: string; text: string } };

const run = spawnSync(process.execPath, ["test/lib/widgets/afm-harness.mjs"], { encoding: "utf8", timeout: 60_000 });
const observed = (): Observed => {
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Observed;
};

describe("the anywidget nbextension's AnyModel/AnyView", () => {
  it("is an AMD module on jupyter-js-widgets", () => {
    expect(observed().deps).toEqual(["jupyter-js-widgets"]);
  });

  it.each(["object", "function"] as const)("a default export %s: initialize once per model, render per view, model.get/set/save_changes/send/on, cleanups", (form) => {
    const r = observed()[form];
    expect(r.modelName).toBe("AnyModel");
    expect(r.afterRender).toEqual(["initialize 1", "render 1"]);
    // render's model.set + save_changes: what jupyter-js-widgets syncs to the kernel.
    expect(r.saved).toBe(2);
    expect(r.sent).toEqual([{ hello: 1 }]);
    // model.on("change:count") hears a change from the kernel.
    expect(r.textAfterKernelSet).toBe("7");
    // A second view of the same model renders again; initialize does not run again.
    expect(r.afterSecondView).toEqual(["initialize 1", "render 1", "render 7"]);
    expect(r.removed).toBe(true);
    expect(r.afterRemove).toBe("render cleanup");
    expect(r.afterClose).toBe("initialize cleanup");
  });

  it("a legacy module with a named render export", () => {
    expect(observed().named).toEqual(["named render 1"]);
  });

  it("puts _css in one <style> per _anywidget_id, follows its changes and removes it when empty", () => {
    expect(observed().css).toEqual([[".a { color: red }"], [".a { color: blue }"], []]);
  });

  it("shows a module that throws in the view instead of failing silently", () => {
    expect(observed().throws).toEqual({ className: "anywidget-error", text: "anywidget: Error: boom" });
  });
});
