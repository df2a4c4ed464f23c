/**
 * The widget model every control shares: state kept in the kernel and mirrored to the frontend over a comm
 * (target `jupyter.widget`), change callbacks (`observe`, as traitlets'), and display. Two versions of the
 * Jupyter widget messaging protocol (ipywidgets' packages/schema/messages.md), chosen by the frontend that
 * announced itself (frontend.ts):
 * - version 1, as ipywidgets 6.0's Widget (widget.py): comm_open carries the whole state; `{method: "update",
 *   state, buffers}` goes to the frontend; `{method: "backbone", sync_data, buffer_keys}` comes back;
 * - version 2.1.0, as ipywidgets 8's: comm_open carries `{state, buffer_paths}` with metadata `{version:
 *   "2.1.0"}`; `{method: "update", state, buffer_paths}` goes both ways; each update from a frontend is echoed
 *   to every frontend as `{method: "echo_update", state, buffer_paths}` before the kernel applies it
 *   (set_state), and the control comm's `request_states` gets every widget's state in one `update_states`.
 * Both have `request_state` and `custom`. Binary values (typed arrays, ArrayBuffer, DataView) travel as
 * message buffers named by their key.
 */
import { Comm, hasCommTransport, type Buffers, type CommMessage } from "./comm.js";
import { CONTROLS_MODULE, CONTROLS_VERSION, echoUpdates, FRONTEND_VERSION, PROTOCOL_VERSION, setStatesSender, WIDGET_MODULE, widgetProtocol, widgetsLive, type WidgetProtocol } from "./frontend.js";

export type State = Record<string, unknown>;

/** What an observer receives, as traitlets' change dictionary. */
export interface Change<T = unknown> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
  type: "change";
}

export type Observer = (change: Change) => void | Promise<void>;

const isBinary = (v: unknown): v is ArrayBuffer | ArrayBufferView => v instanceof ArrayBuffer || ArrayBuffer.isView(v);

/** Splits binary values out of a state, as ipywidgets' `_split_state_buffers`. */
export function splitBuffers(state: State): { state: State; keys: string[]; buffers: Buffers } {
  const out: State = {};
  const keys: string[] = [];
  const buffers: Buffers = [];
  for (const [k, v] of Object.entries(state)) {
    if (isBinary(v)) {
      keys.push(k);
      buffers.push(v);
    } else out[k] = v;
  }
  return { state: out, keys, buffers };
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isBinary(a) || isBinary(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * All live widgets by model id, as ipywidgets' `Widget.widgets`. Kept on globalThis: a cell may load this
 * module under another URL than the kernel did, and the control comm must see every widget.
 */
export const widgets = ((globalThis as Record<symbol, unknown>)[Symbol.for("mlsd.widgets.instances")] ??= new Map<string, Widget>()) as Map<string, Widget>;

// ipywidgets 8's Widget._handle_control_comm_msg: every widget's model and state, buffers at [id, "state", key].
setStatesSender((comm) => {
  const states: State = {};
  const paths: string[][] = [];
  const buffers: Buffers = [];
  for (const [id, w] of widgets) {
    const s = w.wireState(2);
    if (!s) continue;
    states[id] = { model_name: s.state["_model_name"], model_module: s.state["_model_module"], model_module_version: s.state["_model_module_version"], state: s.state };
    s.keys.forEach((k, i) => {
      paths.push([id, "state", k]);
      buffers.push(s.buffers[i]!);
    });
  }
  comm.send({ method: "update_states", states, buffer_paths: paths }, buffers);
});

export interface WidgetSpec {
  modelName: string;
  viewName: string | null;
  /** Frontend module; jupyter-js-widgets for the built-in controls. */
  module?: string;
  moduleVersion?: string;
  /** Kernel values to the frontend's form (a selection's value to its label); identity when omitted. */
  encode?: (state: State) => State;
  /** The frontend's form back to kernel values. */
  decode?: (state: State) => State;
  /**
   * Where ipywidgets 8 (protocol 2) differs: its model and view names, module (default
   * @jupyter-widgets/controls 2.0.0, or `module` where that is given), and wire form (default: the above).
   */
  v8?: { modelName?: string; viewName?: string | null; module?: string; moduleVersion?: string; encode?: (state: State) => State; decode?: (state: State) => State };
}

/**
 * Base class of every widget. Subclasses declare their state and a static view; reading and writing goes
 * through `get`/`set` (and the subclasses' typed accessors such as `slider.value`).
 * @example
 * const w = new IntSlider({ value: 3 });
 * w.observe((c) => console.log(c.old, "->", c.new), "value");
 * w.value = 4; // prints 3 -> 4 and updates every view
 */
export class Widget<S extends State = State> {
  readonly modelId: string;
  protected readonly state: S;
  private readonly comm: Comm | undefined;
  /** The protocol this widget's comm speaks; undefined without a widget frontend. */
  private readonly protocol: WidgetProtocol | undefined;
  private readonly observers: { names: Set<string> | "all"; fn: Observer }[] = [];
  private readonly customHandlers: ((content: Record<string, unknown>, buffers: DataView[]) => void | Promise<void>)[] = [];
  /** The values the frontend just sent: not echoed back (ipywidgets' `_property_lock`). */
  private lock: State | undefined;
  /** Observer promises started by the current change, awaited before the frontend's message counts as handled. */
  private pending: Promise<void>[] = [];
  private readonly encode: (state: State) => State;
  private readonly decode: (state: State) => State;

  constructor(spec: WidgetSpec, state: S) {
    // Only where a widget frontend listens: headless clients (nbclient) expect other message shapes, and
    // nothing would render the model anyway. Without a comm the widget still works in the kernel.
    const protocol = hasCommTransport() && widgetsLive() ? widgetProtocol() : undefined;
    this.protocol = protocol;
    const v8 = protocol === 2 ? spec.v8 ?? {} : undefined;
    this.encode = v8?.encode ?? spec.encode ?? ((s) => s);
    this.decode = v8?.decode ?? spec.decode ?? ((s) => s);
    const module = v8 ? v8.module ?? spec.module ?? CONTROLS_MODULE : spec.module ?? WIDGET_MODULE;
    const version = v8 ? v8.moduleVersion ?? spec.moduleVersion ?? CONTROLS_VERSION : spec.moduleVersion ?? FRONTEND_VERSION;
    const viewName = v8 && v8.viewName !== undefined ? v8.viewName : spec.viewName;
    this.state = {
      _model_name: v8?.modelName ?? spec.modelName,
      _model_module: module,
      _model_module_version: version,
      _view_name: viewName,
      _view_module: module,
      _view_module_version: version,
      // Protocol 2 removed msg_throttle.
      ...(protocol === 2 ? {} : { msg_throttle: 1 }),
      ...state,
    } as S;
    if (protocol !== undefined) {
      const { state: json, keys, buffers } = splitBuffers(this.encode(this.state));
      if (protocol === 2) this.comm = new Comm("jupyter.widget", { state: json, buffer_paths: keys.map((k) => [k]) }, { buffers, metadata: { version: PROTOCOL_VERSION } });
      else {
        this.comm = new Comm("jupyter.widget", json);
        // ipywidgets 6 sends binary state as a second message (comm_open carried no buffers then).
        if (keys.length > 0) this.comm.send({ method: "update", state: {}, buffers: keys }, buffers);
      }
      this.comm.onMsg((msg) => this.handleMsg(msg));
      this.comm.onClose(() => void widgets.delete(this.modelId));
      this.modelId = this.comm.commId;
    } else this.modelId = crypto.randomUUID().replaceAll("-", "");
    widgets.set(this.modelId, this as unknown as Widget);
  }

  /** @internal The whole state in `protocol`'s wire form, if this widget's comm speaks it and is open. */
  wireState(protocol: WidgetProtocol): { state: State; keys: string[]; buffers: Buffers } | undefined {
    if (this.protocol !== protocol || !this.comm || this.comm.isClosed) return undefined;
    return splitBuffers(this.encode({ ...this.state }));
  }

  /** An update message in this widget's protocol: v1 names binary keys in `buffers`, v2 gives `buffer_paths`. */
  private sendUpdate(method: "update" | "echo_update", wireState: State): void {
    if (!this.comm || this.comm.isClosed || this.protocol === undefined) return;
    const { state: json, keys, buffers } = splitBuffers(wireState);
    this.comm.send(this.protocol === 2 ? { method, state: json, buffer_paths: keys.map((k) => [k]) } : { method, state: json, buffers: keys }, buffers);
  }

  /** The value of one state key. */
  get<K extends keyof S & string>(key: K): S[K] {
    return this.state[key];
  }

  /** Sets state keys, tells the frontend, and runs the observers of the keys that changed. */
  set(changes: Partial<S>): this {
    const changed: [string, unknown, unknown][] = [];
    for (const [k, v] of Object.entries(changes)) {
      const old = this.state[k];
      if (same(old, v)) continue;
      (this.state as State)[k] = v;
      changed.push([k, old, v]);
    }
    if (changed.length === 0) return this;
    const toSend: State = {};
    for (const [k, , v] of changed) if (!(this.lock && k in this.lock && same(this.lock[k], v))) toSend[k] = v;
    if (Object.keys(toSend).length > 0) this.sendState(toSend);
    for (const [name, old, value] of changed) this.notify({ name, old, new: value, owner: this as unknown as Widget, type: "change" });
    return this;
  }

  /** Sends these state keys (default: all) to the frontend. */
  sendState(state: State = this.state): void {
    this.sendUpdate("update", this.encode({ ...state }));
  }

  /**
   * Calls `fn` with a change record whenever one of `names` changes (all keys when omitted), from code or
   * from the frontend: traitlets' `observe(handler, names)`.
   */
  observe(fn: Observer, names?: string | string[]): this {
    if (typeof fn !== "function") throw new TypeError(`observe(fn, names): fn must be a function. Got ${typeof fn} instead.`);
    this.observers.push({ fn, names: names === undefined ? "all" : new Set(Array.isArray(names) ? names : [names]) });
    return this;
  }

  /** Removes an observer added with `observe`. */
  unobserve(fn: Observer): this {
    const i = this.observers.findIndex((o) => o.fn === fn);
    if (i >= 0) this.observers.splice(i, 1);
    return this;
  }

  /** Called with the content of each custom message from the frontend (`model.send` in a view). */
  onMsg(fn: (content: Record<string, unknown>, buffers: DataView[]) => void | Promise<void>): this {
    this.customHandlers.push(fn);
    return this;
  }

  /** Sends a custom message to the frontend's model (ipywidgets' `Widget.send`). */
  send(content: Record<string, unknown>, buffers?: Buffers): void {
    this.comm?.send({ method: "custom", content }, buffers);
  }

  private notify(change: Change): void {
    for (const o of this.observers) {
      if (o.names !== "all" && !o.names.has(change.name)) continue;
      const r = o.fn(change);
      if (r instanceof Promise) this.pending.push(r);
    }
  }

  private async handleMsg(msg: CommMessage): Promise<void> {
    const data = msg.content.data;
    const method = data["method"];
    if (method === "backbone" || method === "update") {
      const sync = { ...((data["sync_data"] ?? data["state"]) as State | undefined) };
      const keys = (data["buffer_keys"] ?? data["buffer_paths"] ?? []) as (string | string[])[];
      keys.forEach((k, i) => {
        const key = Array.isArray(k) ? k[0] : k;
        if (key !== undefined && msg.buffers[i]) sync[key] = msg.buffers[i];
      });
      // ipywidgets 8's set_state: echo what the frontend sent (the keys this model has) to every frontend
      // first, so each can tell its own update from another's; a value the kernel then corrects follows as an update.
      if (this.protocol === 2 && echoUpdates()) {
        const known = this.encode({ ...this.state });
        const echo = Object.fromEntries(Object.entries(sync).filter(([k]) => k in known));
        if (Object.keys(echo).length > 0) this.sendUpdate("echo_update", echo);
      }
      const values = this.decode(sync);
      // Lock only what arrives unchanged: a value the kernel corrected (clipped) must go back to the frontend.
      const lock: State = {};
      for (const key of Object.keys(values)) {
        const encoded = this.encode({ [key]: values[key] });
        if (Object.keys(encoded).every((k) => same(encoded[k], sync[k]))) lock[key] = values[key];
      }
      this.lock = lock;
      try {
        this.set(values as Partial<S>);
      } finally {
        this.lock = undefined;
      }
    } else if (method === "request_state") this.sendState();
    else if (method === "custom") {
      const content = (data["content"] as Record<string, unknown> | undefined) ?? {};
      for (const fn of this.customHandlers) {
        const r = fn(content, msg.buffers);
        if (r instanceof Promise) this.pending.push(r);
      }
    }
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  /** The static view for outputs without a widget frontend; subclasses describe themselves. */
  protected staticHtml(): string {
    return `<code>${escapeHtml(this.toString())}</code>`;
  }

  toString(): string {
    const name = String(this.state["_model_name"]).replace(/Model$/, "");
    return `${name}(${"value" in this.state ? `value=${JSON.stringify(this.state["value"])}` : ""})`;
  }

  /**
   * What `display(widget)` shows: the live widget where a widget frontend is connected (the `display`
   * comm message places it under the cell, as ipywidgets 6 does), a static view elsewhere.
   */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    if (widgetsLive() && this.comm && !this.comm.isClosed) {
      const view = { "application/vnd.jupyter.widget-view+json": { model_id: this.modelId, version_major: 2, version_minor: 0 } };
      // Protocol 2 displays by the mime type alone, with text/plain beside it as ipywidgets 8's _repr_mimebundle_.
      if (this.protocol === 2) return { "text/plain": this.toString(), ...view };
      this.comm.send({ method: "display" });
      return view;
    }
    return this.staticView();
  }

  /** The static MIME bundle (what outputs keep without a widget frontend). */
  staticView(): Record<string, unknown> {
    return { "text/plain": this.toString(), "text/html": this.staticHtml() };
  }

  /** Closes the comm: every view of it disappears. */
  close(): void {
    widgets.delete(this.modelId);
    this.comm?.close();
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
