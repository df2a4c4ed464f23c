/**
 * The widget model every control shares: state kept in the kernel and mirrored to the frontend over a comm
 * (target `jupyter.widget`), change callbacks (`observe`, as traitlets'), and display. Message shapes follow
 * ipywidgets 6.0's Widget (widget.py): comm_open carries the whole state; `{method: "update", state,
 * buffers}` goes to the frontend; `{method: "backbone", sync_data, buffer_keys}` and `{method:
 * "request_state"}` and `{method: "custom"}` come back. Binary values (typed arrays, ArrayBuffer, DataView)
 * travel as message buffers named by their key.
 */
import { Comm, hasCommTransport, type Buffers, type CommMessage } from "./comm.js";
import { FRONTEND_VERSION, WIDGET_MODULE, widgetsLive } from "./frontend.js";

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

/** All live widgets by model id, as ipywidgets' `Widget.widgets`. */
export const widgets = new Map<string, Widget>();

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
  private readonly observers: { names: Set<string> | "all"; fn: Observer }[] = [];
  private readonly customHandlers: ((content: Record<string, unknown>, buffers: DataView[]) => void | Promise<void>)[] = [];
  /** The values the frontend just sent: not echoed back (ipywidgets' `_property_lock`). */
  private lock: State | undefined;
  /** Observer promises started by the current change, awaited before the frontend's message counts as handled. */
  private pending: Promise<void>[] = [];
  private readonly encode: (state: State) => State;
  private readonly decode: (state: State) => State;

  constructor(spec: WidgetSpec, state: S) {
    this.encode = spec.encode ?? ((s) => s);
    this.decode = spec.decode ?? ((s) => s);
    const module = spec.module ?? WIDGET_MODULE;
    const version = spec.moduleVersion ?? FRONTEND_VERSION;
    this.state = {
      _model_name: spec.modelName,
      _model_module: module,
      _model_module_version: version,
      _view_name: spec.viewName,
      _view_module: module,
      _view_module_version: version,
      msg_throttle: 1,
      ...state,
    } as S;
    // Only where a widget frontend listens: headless clients (nbclient) expect other message shapes, and
    // nothing would render the model anyway. Without a comm the widget still works in the kernel.
    if (hasCommTransport() && widgetsLive()) {
      const { state: json, keys, buffers } = splitBuffers(this.encode(this.state));
      this.comm = new Comm("jupyter.widget", json);
      // ipywidgets 6 sends binary state as a second message (comm_open carried no buffers then).
      if (keys.length > 0) this.comm.send({ method: "update", state: {}, buffers: keys }, buffers);
      this.comm.onMsg((msg) => this.handleMsg(msg));
      this.comm.onClose(() => void widgets.delete(this.modelId));
      this.modelId = this.comm.commId;
    } else this.modelId = crypto.randomUUID().replaceAll("-", "");
    widgets.set(this.modelId, this as unknown as Widget);
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
    if (!this.comm || this.comm.isClosed) return;
    const { state: json, keys, buffers } = splitBuffers(this.encode({ ...state }));
    this.comm.send({ method: "update", state: json, buffers: keys }, buffers);
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
      const values = this.decode(sync);
      // Lock only what arrives unchanged: a value the kernel corrected (clipped) must go back to the frontend.
      const lock: State = {};
      for (const key of Object.keys(values)) if (same(this.encode({ [key]: values[key] })[key], sync[key])) lock[key] = values[key];
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
      this.comm.send({ method: "display" });
      return { "application/vnd.jupyter.widget-view+json": { model_id: this.modelId, version_major: 2, version_minor: 0 } };
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
