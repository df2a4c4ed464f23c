// Runs the anywidget nbextension's module (dist/lib/widgets/nbextension.js's INDEX_JS) in plain Node on a
// stand-in for jupyter-js-widgets 2.1 and prints what it observed as JSON; nbextension-afm.test.ts asserts on it.
// Plain Node because the module imports the widget's ES module with import(), which vitest's runner does not
// offer to code made with new Function.
import { INDEX_JS } from "../../../dist/lib/widgets/nbextension.js";

function fakeElement(tag) {
  const el = {
    tag, textContent: "", children: [],
    appendChild(c) { c.parent = el; el.children.push(c); },
    remove() { if (el.parent) el.parent.children = el.parent.children.filter((x) => x !== el); },
  };
  return el;
}
const head = fakeElement("head");
globalThis.document = { head, createElement: fakeElement, getElementById: (id) => head.children.find((c) => c.id === id) ?? null };
// Node cannot import blob: URLs; a data: URL carries the same module text.
globalThis.Blob = class { constructor(parts) { this.parts = parts; } };
URL.createObjectURL = (b) => `data:text/javascript;base64,${Buffer.from(b.parts.join("")).toString("base64")}`;
URL.revokeObjectURL = () => undefined;

/** Backbone's pieces jupyter-js-widgets' models and views build on, as far as the module uses them. */
class FakeModel {
  constructor(attrs) {
    this.handlers = []; this.saved = []; this.sent = []; this.widget_manager = { name: "manager" };
    this.attributes = { ...this.defaults(), ...attrs };
    this.initialize(attrs, {});
  }
  defaults() { return { _model_module: "jupyter-js-widgets" }; }
  initialize() {}
  get(name) { return this.attributes[name]; }
  set(name, value) { this.attributes[name] = value; this.trigger(`change:${name}`, this, value); }
  save_changes() { this.saved.push({ ...this.attributes }); }
  send(content) { this.sent.push(content); }
  on(name, fn) { this.handlers.push({ name, fn, once: false }); }
  once(name, fn) { this.handlers.push({ name, fn, once: true }); }
  off(name, fn) { this.handlers = this.handlers.filter((h) => !((name === null || h.name === name) && (fn === null || h.fn === fn))); }
  trigger(name, ...args) { for (const h of [...this.handlers]) if (h.name === name) { h.fn(...args); if (h.once) this.off(name, h.fn); } }
  static extend(proto) { const Sub = class extends this {}; Object.assign(Sub.prototype, proto); return Sub; }
}
class FakeView {
  constructor(options) { this.model = options.model; this.el = fakeElement("div"); this.removed = false; }
  remove() { this.removed = true; }
  static extend(proto) { const Sub = class extends this {}; Object.assign(Sub.prototype, proto); return Sub; }
}

let mod;
let deps;
new Function("define", INDEX_JS)((d, factory) => { deps = d; mod = factory({ DOMWidgetModel: FakeModel, DOMWidgetView: FakeView }); });

const body = `initialize({ model }) { globalThis.__afm.push("initialize " + model.get("count")); return () => globalThis.__afm.push("initialize cleanup"); },
  render({ model, el }) {
    globalThis.__afm.push("render " + model.get("count"));
    const p = document.createElement("p"); p.textContent = String(model.get("count")); el.appendChild(p);
    model.on("change:count", () => { p.textContent = String(model.get("count")); });
    model.set("count", model.get("count") + 1); model.save_changes(); model.send({ hello: 1 });
    return () => globalThis.__afm.push("render cleanup");
  }`;
const forms = {
  object: `export default { ${body} };`,
  function: `export default async () => ({ ${body} });`,
  named: `export function render({ model, el }) { globalThis.__afm.push("named render " + model.get("count")); }`,
  throws: `export default { render() { throw new Error("boom"); } };`,
};

async function mount(esm, extra = {}) {
  globalThis.__afm = [];
  const model = new mod.AnyModel({ _esm: esm, _css: "", _anywidget_id: "Counter", count: 1, ...extra });
  const view = new mod.AnyView({ model });
  await view.render();
  return { model, view, calls: globalThis.__afm };
}

const out = { deps };
for (const form of ["object", "function"]) {
  const { model, view, calls } = await mount(forms[form]);
  const r = { modelName: model.get("_model_name"), afterRender: [...calls], saved: model.saved.at(-1)?.count, sent: [...model.sent] };
  model.set("count", 7);
  r.textAfterKernelSet = view.el.children[0]?.textContent;
  const second = new mod.AnyView({ model });
  await second.render();
  r.afterSecondView = [...calls];
  view.remove();
  r.removed = view.removed;
  r.afterRemove = calls.at(-1);
  model.trigger("comm:close");
  r.afterClose = calls.at(-1);
  out[form] = r;
}
out.named = (await mount(forms.named)).calls;
{
  const { model } = await mount(forms.named, { _css: ".a { color: red }", _anywidget_id: "my.Widget" });
  const style = () => head.children.filter((c) => c.id === "anywidget-css-my_Widget").map((c) => c.textContent);
  const css = [style()];
  model.set("_css", ".a { color: blue }");
  css.push(style());
  model.set("_css", "");
  css.push(style());
  out.css = css;
}
{
  const origError = console.error;
  console.error = () => undefined;
  const { view } = await mount(forms.throws);
  console.error = origError;
  out.throws = { className: view.el.children[0]?.className, text: view.el.children[0]?.textContent.split("\n")[0] };
}
process.stdout.write(JSON.stringify(out));
