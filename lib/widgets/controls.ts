/**
 * The built-in controls, with ipywidgets 6.0's model and view names and state keys (snake_case on the wire,
 * camelCase options here), and ipywidgets 8's where a protocol 2 frontend listens (packages/schema/
 * jupyterwidgetmodels.v8.md: range sliders and progress bars have models of their own, a selection is sent
 * as its `index`, Play's `_playing` is `playing`): sliders (int, float, range), Dropdown, ToggleButtons,
 * Checkbox, Text, Button, Play, progress bars and HBox/VBox. Options are checked as ipywidgets' traits are: min <= max, a value
 * outside the bounds is clipped (ipywidgets 6 `_BoundedInt._validate_value`), an unknown option is refused.
 */
import { escapeHtml, Widget, type State } from "./widget.js";

interface Described {
  description?: string;
  disabled?: boolean;
}

function checkOptions(cls: string, given: object, allowed: readonly string[]): void {
  for (const k of Object.keys(given)) {
    if (!allowed.includes(k)) throw new TypeError(`${cls} has no option '${k}'. Valid options: ${allowed.join(", ")}.`);
  }
}

function finite(cls: string, name: string, v: unknown, integer: boolean): number {
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new TypeError(`The '${name}' option of ${cls} must be ${integer ? "an integer" : "a finite number"}. Got ${JSON.stringify(v)} instead.`);
  }
  return v;
}

const label = (d: string) => (d ? `<label style="margin-right:.5em">${escapeHtml(d)}</label>` : "");

/** A widget with a `value`, observable as "value". */
export class ValueWidget<T, S extends State = State> extends Widget<S & { value: T }> {
  get value(): T {
    return this.get("value");
  }
  set value(v: T) {
    this.set({ value: v } as Partial<S & { value: T }>);
  }
}

export interface SliderOptions extends Described {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  orientation?: "horizontal" | "vertical";
  readout?: boolean;
  readoutFormat?: string;
  continuousUpdate?: boolean;
}
const SLIDER_KEYS = ["value", "min", "max", "step", "description", "disabled", "orientation", "readout", "readoutFormat", "continuousUpdate"] as const;

function bounded(cls: string, o: SliderOptions, integer: boolean, defaults: { min: number; max: number; step: number }): State {
  checkOptions(cls, o, SLIDER_KEYS);
  const min = finite(cls, "min", o.min ?? defaults.min, integer);
  const max = finite(cls, "max", o.max ?? defaults.max, integer);
  if (min > max) throw new RangeError(`${cls}: min (${min}) must not be greater than max (${max}).`);
  const step = finite(cls, "step", o.step ?? defaults.step, integer);
  if (step <= 0) throw new RangeError(`The 'step' option of ${cls} must be > 0. Got ${step} instead.`);
  return {
    min,
    max,
    step,
    description: o.description ?? "",
    disabled: o.disabled ?? false,
    orientation: o.orientation ?? "horizontal",
    readout: o.readout ?? true,
    readout_format: o.readoutFormat ?? (integer ? "d" : ".2f"),
    continuous_update: o.continuousUpdate ?? true,
    _range: false,
  };
}

const clip = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/** ipywidgets 8 has no `_range` key: range sliders are models of their own. */
const withoutRange = (st: State): State => {
  const { _range, ...rest } = st;
  void _range;
  return rest;
};

class Slider extends ValueWidget<number> {
  constructor(cls: string, model: string, view: string, o: SliderOptions, integer: boolean) {
    const s = bounded(cls, o, integer, integer ? { min: 0, max: 100, step: 1 } : { min: 0, max: 100, step: 0.1 });
    const value = clip(finite(cls, "value", o.value ?? (s["min"] as number), integer), s["min"] as number, s["max"] as number);
    const self: { w?: Slider } = {};
    const decode = (st: State): State => ("value" in st && self.w ? { ...st, value: clip(Number(st["value"]), self.w.min, self.w.max) } : st);
    super({ modelName: model, viewName: view, decode, v8: { encode: withoutRange } }, { ...s, value });
    self.w = this;
  }
  get min(): number {
    return this.get("min") as number;
  }
  get max(): number {
    return this.get("max") as number;
  }
  override set value(v: number) {
    this.set({ value: clip(v, this.min, this.max) });
  }
  override get value(): number {
    return this.get("value");
  }
  protected override staticHtml(): string {
    return `<div>${label(String(this.get("description")))}<input type="range" disabled min="${this.min}" max="${this.max}" step="${this.get("step")}" value="${this.value}"> <span>${this.value}</span></div>`;
  }
}

/**
 * An integer slider (ipywidgets' IntSlider).
 * @example const k = new IntSlider({ value: 5, min: 1, max: 25, description: "k" });
 */
export class IntSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super("IntSlider", "IntSliderModel", "IntSliderView", options, true);
  }
}

/**
 * A float slider (ipywidgets' FloatSlider).
 * @example const t = new FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.01, description: "threshold" });
 */
export class FloatSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super("FloatSlider", "FloatSliderModel", "FloatSliderView", options, false);
  }
}

export interface RangeSliderOptions extends Omit<SliderOptions, "value"> {
  value?: [number, number];
}

class RangeSlider extends ValueWidget<[number, number]> {
  constructor(cls: string, model: string, view: string, o: RangeSliderOptions, integer: boolean) {
    const model8 = `${cls}Model`;
    const s = bounded(cls, o as SliderOptions, integer, integer ? { min: 0, max: 100, step: 1 } : { min: 0, max: 100, step: 0.1 });
    const [min, max] = [s["min"] as number, s["max"] as number];
    const given = o.value ?? [min + (max - min) * 0.25, min + (max - min) * 0.75];
    if (!Array.isArray(given) || given.length !== 2) throw new TypeError(`The 'value' option of ${cls} must be a [lower, upper] pair. Got ${JSON.stringify(given)} instead.`);
    let lo = finite(cls, "value[0]", integer ? Math.round(given[0]) : given[0], integer);
    let hi = finite(cls, "value[1]", integer ? Math.round(given[1]) : given[1], integer);
    if (lo > hi) throw new RangeError(`${cls}: the lower value (${lo}) must not be greater than the upper (${hi}).`);
    lo = clip(lo, min, max);
    hi = clip(hi, min, max);
    super({ modelName: model, viewName: view, v8: { modelName: model8, viewName: model8.replace(/Model$/, "View"), encode: withoutRange } }, { ...s, _range: true, value: [lo, hi] });
  }
  protected override staticHtml(): string {
    const [lo, hi] = this.value;
    return `<div>${label(String(this.get("description")))}<span>${lo} – ${hi}</span> <small>(of ${this.get("min")} – ${this.get("max")})</small></div>`;
  }
}

/** A [lower, upper] integer range (ipywidgets' IntRangeSlider). @example new IntRangeSlider({ value: [10, 20] }) */
export class IntRangeSlider extends RangeSlider {
  constructor(options: RangeSliderOptions = {}) {
    super("IntRangeSlider", "IntSliderModel", "IntSliderView", options, true);
  }
}

/** A [lower, upper] float range (ipywidgets' FloatRangeSlider). @example new FloatRangeSlider({ value: [0.2, 0.8], max: 1, step: 0.05 }) */
export class FloatRangeSlider extends RangeSlider {
  constructor(options: RangeSliderOptions = {}) {
    super("FloatRangeSlider", "FloatSliderModel", "FloatSliderView", options, false);
  }
}

/** Choices as ipywidgets takes them: labels, [label, value] pairs, or a { label: value } object. */
export type Choices<T> = readonly T[] | readonly (readonly [string, T])[] | Record<string, T>;

export interface SelectionOptions<T> extends Described {
  options: Choices<T>;
  value?: T;
}

function pairs<T>(cls: string, options: Choices<T>): [string, T][] {
  if (Array.isArray(options)) {
    if (options.length === 0) throw new RangeError(`The 'options' option of ${cls} must not be empty.`);
    return options.map((o) => (Array.isArray(o) && o.length === 2 && typeof o[0] === "string" ? ([o[0], o[1]] as [string, T]) : ([String(o), o as T] as [string, T])));
  }
  if (options && typeof options === "object") return Object.entries(options as Record<string, T>);
  throw new TypeError(`The 'options' option of ${cls} must be a list or an object. Got ${JSON.stringify(options)} instead.`);
}

class Selection<T> extends ValueWidget<T> {
  constructor(cls: string, model: string, view: string, o: SelectionOptions<T>, extra: State = {}) {
    checkOptions(cls, o, ["options", "value", "description", "disabled"]);
    const choices = pairs(cls, o.options);
    const labels = choices.map(([l]) => l);
    const labelOf = (v: unknown) => {
      const i = choices.findIndex(([, x]) => x === v || JSON.stringify(x) === JSON.stringify(v));
      return i < 0 ? undefined : choices[i]![0];
    };
    const value = (o.value !== undefined ? o.value : choices[0]![1]) as T;
    if (labelOf(value) === undefined) throw new RangeError(`${cls}: value ${JSON.stringify(value)} is not one of the options (${labels.join(", ")}).`);
    super(
      {
        modelName: model,
        viewName: view,
        // On the wire the value is the selected label (ipywidgets 6's value_to_label).
        encode: (st) => ("value" in st ? { ...st, value: labelOf(st["value"]) ?? "" } : st),
        decode: (st) => {
          if (!("value" in st)) return st;
          const hit = choices.find(([l]) => l === st["value"]);
          return hit ? { ...st, value: hit[1] } : {};
        },
        // ipywidgets 8 sends the selected index instead (Selection's `index` trait).
        v8: {
          encode: (st) => {
            if (!("value" in st)) return st;
            const { value, ...rest } = st;
            const i = choices.findIndex(([, x]) => x === value || JSON.stringify(x) === JSON.stringify(value));
            return { ...rest, index: i < 0 ? null : i };
          },
          decode: (st) => {
            if (!("index" in st)) return st;
            const { index, ...rest } = st;
            const hit = typeof index === "number" ? choices[index] : undefined;
            return hit ? { ...rest, value: hit[1] } : rest;
          },
        },
      },
      { _options_labels: labels, value, description: o.description ?? "", disabled: o.disabled ?? false, ...extra },
    );
    this.labels = labels;
    this.labelOf = labelOf;
  }
  private labels: string[] = [];
  private labelOf: (v: unknown) => string | undefined = () => undefined;
  /** The labels of the options, in order. */
  get optionLabels(): readonly string[] {
    return this.labels;
  }
  /** The selected option's label. */
  get selectedLabel(): string | undefined {
    return this.labelOf(this.value);
  }
  protected override staticHtml(): string {
    const selected = this.selectedLabel;
    return `<div>${label(String(this.get("description")))}<select disabled>${this.labels.map((l) => `<option${l === selected ? " selected" : ""}>${escapeHtml(l)}</option>`).join("")}</select></div>`;
  }
}

/** A drop-down list (ipywidgets' Dropdown). @example new Dropdown({ options: ["adwin", "ddm"], value: "ddm" }) */
export class Dropdown<T = string> extends Selection<T> {
  constructor(options: SelectionOptions<T>) {
    super("Dropdown", "DropdownModel", "DropdownView", options);
  }
}

/** A row of mutually exclusive buttons (ipywidgets' ToggleButtons). @example new ToggleButtons({ options: ["int8", "float16"] }) */
export class ToggleButtons<T = string> extends Selection<T> {
  constructor(options: SelectionOptions<T>) {
    super("ToggleButtons", "ToggleButtonsModel", "ToggleButtonsView", options, { tooltips: [], icons: [], button_style: "" });
  }
}

/** A check box (ipywidgets' Checkbox). @example new Checkbox({ value: true, description: "balanced" }) */
export class Checkbox extends ValueWidget<boolean> {
  constructor(o: Described & { value?: boolean } = {}) {
    checkOptions("Checkbox", o, ["value", "description", "disabled"]);
    if (o.value !== undefined && typeof o.value !== "boolean") throw new TypeError(`The 'value' option of Checkbox must be a boolean. Got ${JSON.stringify(o.value)} instead.`);
    super({ modelName: "CheckboxModel", viewName: "CheckboxView" }, { value: o.value ?? false, description: o.description ?? "", disabled: o.disabled ?? false });
  }
  protected override staticHtml(): string {
    return `<div><input type="checkbox" disabled${this.value ? " checked" : ""}> ${escapeHtml(String(this.get("description")))}</div>`;
  }
}

/** A line of text (ipywidgets' Text). @example new Text({ value: "hello", placeholder: "type here" }) */
export class Text extends ValueWidget<string> {
  constructor(o: Described & { value?: string; placeholder?: string; continuousUpdate?: boolean } = {}) {
    checkOptions("Text", o, ["value", "placeholder", "description", "disabled", "continuousUpdate"]);
    super({ modelName: "TextModel", viewName: "TextView" }, { value: String(o.value ?? ""), placeholder: o.placeholder ?? "\u200b", description: o.description ?? "", disabled: o.disabled ?? false, continuous_update: o.continuousUpdate ?? true });
  }
  protected override staticHtml(): string {
    return `<div>${label(String(this.get("description")))}<input type="text" disabled value="${escapeHtml(this.value)}"></div>`;
  }
}

/**
 * A button; `onClick` runs on each click in the frontend (ipywidgets' Button.on_click).
 * @example const b = new Button({ description: "Retrain" }); b.onClick(() => model.fit(X, y));
 */
export class Button extends Widget {
  private readonly clicks: ((b: Button) => void | Promise<void>)[] = [];
  constructor(o: Described & { tooltip?: string; buttonStyle?: "" | "primary" | "success" | "info" | "warning" | "danger"; icon?: string } = {}) {
    checkOptions("Button", o, ["description", "disabled", "tooltip", "buttonStyle", "icon"]);
    super({ modelName: "ButtonModel", viewName: "ButtonView" }, { description: o.description ?? "", disabled: o.disabled ?? false, tooltip: o.tooltip ?? "", button_style: o.buttonStyle ?? "", icon: o.icon ?? "" });
    // ipywidgets 6's ButtonView sends {event: "click"} as a custom message.
    this.onMsg(async (content) => {
      if (content["event"] === "click") for (const fn of this.clicks) await fn(this);
    });
  }
  onClick(fn: (b: Button) => void | Promise<void>): this {
    this.clicks.push(fn);
    return this;
  }
  /** Runs the click handlers as a click in the frontend does. */
  async click(): Promise<void> {
    for (const fn of this.clicks) await fn(this);
  }
  protected override staticHtml(): string {
    return `<button disabled>${escapeHtml(String(this.get("description")))}</button>`;
  }
}

/** Counts from min to max in the frontend, one step per `interval` ms (ipywidgets' Play). @example new Play({ max: 10, interval: 200 }) */
export class Play extends ValueWidget<number> {
  constructor(o: Omit<SliderOptions, "orientation" | "readout" | "readoutFormat" | "continuousUpdate"> & { interval?: number } = {}) {
    checkOptions("Play", o, ["value", "min", "max", "step", "interval", "description", "disabled"]);
    const { interval, ...rest } = o;
    const s = bounded("Play", rest, true, { min: 0, max: 100, step: 1 });
    const iv = finite("Play", "interval", interval ?? 100, true);
    const rename = (from: string, to: string) => (st: State): State => {
      if (!(from in st)) return st;
      const { [from]: v, ...rest } = st;
      return { ...rest, [to]: v };
    };
    super({ modelName: "PlayModel", viewName: "PlayView", v8: { encode: rename("_playing", "playing"), decode: rename("playing", "_playing") } }, { min: s["min"], max: s["max"], step: s["step"], description: s["description"], disabled: s["disabled"], interval: iv, _playing: false, value: clip(rest.value ?? (s["min"] as number), s["min"] as number, s["max"] as number) });
  }
}

export interface ProgressOptions extends Omit<SliderOptions, "readout" | "readoutFormat" | "continuousUpdate"> {
  barStyle?: "" | "success" | "info" | "warning" | "danger";
}

class Progress extends ValueWidget<number> {
  constructor(cls: string, o: ProgressOptions, integer: boolean) {
    checkOptions(cls, o, ["value", "min", "max", "step", "description", "disabled", "orientation", "barStyle"]);
    const { barStyle, ...rest } = o;
    const s = bounded(cls, rest, integer, { min: 0, max: 100, step: integer ? 1 : 0.1 });
    super(
      { modelName: "ProgressModel", viewName: "ProgressView", v8: { modelName: `${cls}Model` } },
      { min: s["min"], max: s["max"], step: s["step"], description: s["description"], orientation: s["orientation"], bar_style: barStyle ?? "", value: clip(rest.value ?? (s["min"] as number), s["min"] as number, s["max"] as number) },
    );
  }
  override set value(v: number) {
    this.set({ value: clip(v, this.get("min") as number, this.get("max") as number) });
  }
  override get value(): number {
    return this.get("value");
  }
  protected override staticHtml(): string {
    return `<div>${label(String(this.get("description")))}<progress value="${this.value - (this.get("min") as number)}" max="${(this.get("max") as number) - (this.get("min") as number)}"></progress></div>`;
  }
}

/** An integer progress bar (ipywidgets' IntProgress). @example const bar = new IntProgress({ max: 10 }); bar.value += 1; */
export class IntProgress extends Progress {
  constructor(options: ProgressOptions = {}) {
    super("IntProgress", options, true);
  }
}

/** A float progress bar (ipywidgets' FloatProgress). @example new FloatProgress({ max: 1, value: 0.5 }) */
export class FloatProgress extends Progress {
  constructor(options: ProgressOptions = {}) {
    super("FloatProgress", options, false);
  }
}

/** Read-only HTML (ipywidgets' HTML). @example new HTML({ value: "<b>F1 = 0.8</b>" }) */
export class HTML extends ValueWidget<string> {
  constructor(o: Described & { value?: string } = {}) {
    checkOptions("HTML", o, ["value", "description", "disabled"]);
    super({ modelName: "HTMLModel", viewName: "HTMLView" }, { value: String(o.value ?? ""), description: o.description ?? "", disabled: false, placeholder: "\u200b" });
  }
  protected override staticHtml(): string {
    return this.value;
  }
}

class Box extends Widget {
  readonly children: readonly Widget[];
  constructor(model: string, view: string, children: readonly Widget[]) {
    if (!Array.isArray(children) || !children.every((c) => c instanceof Widget)) throw new TypeError(`${model.replace(/Model$/, "")}(children): children must be an array of widgets.`);
    super({ modelName: model, viewName: view }, { children: children.map((c) => `IPY_MODEL_${c.modelId}`), box_style: "" });
    this.children = children;
  }
  protected override staticHtml(): string {
    const dir = String(this.get("_model_name")) === "HBoxModel" ? "row" : "column";
    return `<div style="display:flex;flex-direction:${dir};gap:.5em">${this.children.map((c) => String(c.staticView()["text/html"] ?? "")).join("")}</div>`;
  }
  override toString(): string {
    return `${String(this.get("_model_name")).replace(/Model$/, "")}(children=[${this.children.map((c) => c.toString()).join(", ")}])`;
  }
}

/** Children side by side (ipywidgets' HBox). @example new HBox([new IntSlider(), new Checkbox()]) */
export class HBox extends Box {
  constructor(children: readonly Widget[]) {
    super("HBoxModel", "HBoxView", children);
  }
}

/** Children stacked (ipywidgets' VBox). @example new VBox([new IntSlider(), new Output()]) */
export class VBox extends Box {
  constructor(children: readonly Widget[]) {
    super("VBoxModel", "VBoxView", children);
  }
}
