/**
 * Custom widgets from an ES module string, on anywidget's protocol (anywidget/widget.py): a DOMWidget whose
 * model is `AnyModel` and view `AnyView` in the frontend module `anywidget`, with the module's source in the
 * `_esm` trait, optional CSS in `_css`, and `_anywidget_id` naming the widget class (anywidget replaces the
 * stylesheet it inserted under that id when the CSS changes). The frontend imports `_esm` and calls its
 * `render({ model, el })` (and `initialize({ model })` once per model), where `model.get/set/on/save_changes`
 * read and write the synced state and `model.send` / `model.on("msg:custom")` carry custom messages. The
 * user's other state keys sync as any widget's do.
 *
 * Which frontends render it: Notebook 6.4 with Debian's widget extension (jupyter-js-widgets 2.1), through the
 * small `anywidget` nbextension mlsd installs beside its kernelspec (lib/widgets/nbextension.ts). On protocol
 * 2.1.0 (ipywidgets 8 frontends: JupyterLab, Notebook 7, VS Code) the model is the same `AnyModel` of module
 * `anywidget`, which anywidget's own front end renders where it is installed. Without a widget frontend the
 * widget shows its static view.
 */
import { escapeHtml, Widget, type State } from "./widget.js";

/** anywidget's npm front end version range, as anywidget 0.9's `_model_module_version`. */
export const ANYWIDGET_VERSION = "~0.9.*";

export interface AnyWidgetOptions<S extends State> {
  /** The ES module's source: `export default { render({ model, el }) { ... } }` (or a legacy `export function render`). */
  esm: string;
  /** A stylesheet for the widget's elements. */
  css?: string;
  /** The initial synced state: what `model.get(name)` reads in the module. */
  state?: S;
  /** Names the widget kind (anywidget's `_anywidget_id`, the Python class's qualified name); the class name by default. */
  id?: string;
}

const OPTIONS = ["esm", "css", "state", "id"];

/**
 * A widget written as an ES module, as anywidget's `AnyWidget`.
 * @example
 * const counter = new AnyWidget({
 *   esm: `export default { render({ model, el }) {
 *     const b = document.createElement("button");
 *     const show = () => (b.textContent = \`count is \${model.get("count")}\`);
 *     b.onclick = () => { model.set("count", model.get("count") + 1); model.save_changes(); };
 *     model.on("change:count", show); show(); el.appendChild(b);
 *   } }`,
 *   state: { count: 0 },
 * });
 * counter.observe((c) => console.log(`clicked, now ${c.new}`), "count");
 * display(counter);
 */
export class AnyWidget<S extends State = State> extends Widget<S & { _esm: string; _css: string; _anywidget_id: string }> {
  constructor(options: AnyWidgetOptions<S>) {
    if (options === null || typeof options !== "object") throw new TypeError(`AnyWidget(options): options must be an object such as { esm, state }. Got ${String(options)} instead.`);
    for (const k of Object.keys(options)) if (!OPTIONS.includes(k)) throw new TypeError(`AnyWidget has no option '${k}'. Valid options: ${OPTIONS.join(", ")}.`);
    if (typeof options.esm !== "string" || options.esm.trim() === "") throw new TypeError(`The 'esm' option of AnyWidget must be the ES module's source, a non-empty string. Got ${JSON.stringify(options.esm)} instead.`);
    if (options.css !== undefined && typeof options.css !== "string") throw new TypeError(`The 'css' option of AnyWidget must be a string. Got ${JSON.stringify(options.css)} instead.`);
    const state = options.state ?? ({} as S);
    if (state === null || typeof state !== "object" || Array.isArray(state)) throw new TypeError(`The 'state' option of AnyWidget must be an object of { name: value }. Got ${JSON.stringify(state)} instead.`);
    // Names with a leading underscore are the protocol's own (_model_name, _esm, ...): a user's would clash.
    const reserved = Object.keys(state).filter((k) => k.startsWith("_"));
    if (reserved.length > 0) throw new TypeError(`AnyWidget state names must not start with '_' (the protocol's own keys do): got ${reserved.map((k) => `'${k}'`).join(", ")}.`);
    const id = options.id ?? new.target.name;
    super(
      { modelName: "AnyModel", viewName: "AnyView", module: "anywidget", moduleVersion: ANYWIDGET_VERSION },
      // DOMWidget's own keys in ipywidgets 6 (_dom_classes), then anywidget's, then the user's.
      { _dom_classes: [], _esm: options.esm, _css: options.css ?? "", _anywidget_id: id, ...state } as unknown as S & { _esm: string; _css: string; _anywidget_id: string },
    );
  }

  /** The user's state: every key but the protocol's own. */
  values(): S {
    return Object.fromEntries(Object.entries(this.state).filter(([k]) => !k.startsWith("_") && k !== "msg_throttle")) as S;
  }

  override toString(): string {
    const id = String(this.get("_anywidget_id"));
    return `${id}(${Object.entries(this.values())
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(", ")})`;
  }

  /** Without a frontend the module cannot run: the static view names the widget and its state. */
  protected override staticHtml(): string {
    return `<code>${escapeHtml(this.toString())}</code>`;
  }
}
