/**
 * `interact(fn, controls)`: one control per argument, and `fn` re-run with the controls' values whenever one
 * moves, its output replacing the previous one, as ipywidgets' `interact` / `interactive` do (a VBox of the
 * controls and an Output; `clear_output(wait=True)` before each run; a returned value is displayed).
 * Abbreviations follow ipywidgets' `widget_from_abbrev`: a number gives a slider from -v to 3v, `[min, max]`
 * or `[min, max, step]` a slider (integer when every bound is), a string a Text, a boolean a Checkbox, a list
 * of strings a Dropdown. Without a widget frontend (`mlsd run`, scripts) `fn` runs once, with the initial
 * values, and its output stays in the cell: the static view of the controls' starting state.
 */
import { clearOutput, display } from "../display/display.js";
import { Checkbox, Dropdown, FloatSlider, IntSlider, Text, ValueWidget, VBox } from "./controls.js";
import { widgetsLive } from "./frontend.js";
import { Output } from "./output.js";
import { Widget } from "./widget.js";

export type Abbreviation = number | readonly [number, number] | readonly [number, number, number] | string | boolean | readonly string[] | ValueWidget<unknown>;

/** The value type a control abbreviation produces. */
export type ValueOf<A> = A extends ValueWidget<infer T> ? T : A extends number | readonly [number, number] | readonly [number, number, number] ? number : A extends boolean ? boolean : A extends readonly (infer S)[] ? S : A extends string ? string : never;

export type Values<C extends Record<string, Abbreviation>> = { [K in keyof C]: ValueOf<C[K]> };

export interface Interactive<C extends Record<string, Abbreviation>> {
  /** The VBox of controls and output, already displayed. */
  readonly widget: VBox;
  readonly controls: { [K in keyof C]: ValueWidget<ValueOf<C[K]>> };
  readonly output: Output;
  /** The values `fn` last ran with. */
  readonly values: Values<C>;
  /** Runs `fn` again with the current values. */
  update(): Promise<void>;
}

const isInt = (v: number) => Number.isInteger(v);

/** ipywidgets' `_get_min_max_value` for a single number. */
function sliderFor(name: string, v: number): ValueWidget<number> {
  const [min, max] = v === 0 ? [-1, 1] : v > 0 ? [-v, 3 * v] : [3 * v, -v];
  return isInt(v) ? new IntSlider({ value: v, min, max, description: name }) : new FloatSlider({ value: v, min, max, step: Math.abs(v) / 10 || 0.1, description: name });
}

/** Builds the control for one abbreviation (ipywidgets' `widget_from_abbrev`). */
export function widgetFromAbbreviation(name: string, a: Abbreviation): ValueWidget<unknown> {
  if (a instanceof ValueWidget) return a;
  if (typeof a === "number") return sliderFor(name, a) as ValueWidget<unknown>;
  if (typeof a === "boolean") return new Checkbox({ value: a, description: name }) as ValueWidget<unknown>;
  if (typeof a === "string") return new Text({ value: a, description: name }) as ValueWidget<unknown>;
  if (Array.isArray(a) && a.length > 0 && a.every((x) => typeof x === "string")) return new Dropdown({ options: a as string[], description: name }) as ValueWidget<unknown>;
  if (Array.isArray(a) && (a.length === 2 || a.length === 3) && a.every((x) => typeof x === "number" && Number.isFinite(x))) {
    const [min, max, step] = a as number[];
    const integer = a.every((x) => isInt(x as number));
    const s = step ?? (integer ? 1 : (max! - min!) / 100);
    // ipywidgets starts in the middle, rounded down to a step (_get_min_max_value).
    const mid = min! + Math.trunc((max! - min!) / 2 / s) * s;
    const value = integer ? Math.round(mid) : Number(mid.toPrecision(12));
    return (integer ? new IntSlider({ value, min: min!, max: max!, step: s, description: name }) : new FloatSlider({ value, min: min!, max: max!, step: s, description: name })) as ValueWidget<unknown>;
  }
  throw new TypeError(`interact: cannot make a control for '${name}' from ${JSON.stringify(a)}. Give a number, [min, max], [min, max, step], a string, a boolean, a list of strings, or a widget.`);
}

/**
 * Shows one control per entry of `controls` and runs `fn` with their values, again whenever one changes.
 * @example
 * interact(({ threshold }) => confusionMatrix(yTrue, scores.map((s) => (s >= threshold ? 1 : 0))), { threshold: [0, 1, 0.01] });
 */
export async function interact<C extends Record<string, Abbreviation>>(fn: (values: Values<C>) => unknown, controls: C): Promise<Interactive<C>> {
  if (typeof fn !== "function") throw new TypeError(`interact(fn, controls): fn must be a function. Got ${typeof fn} instead.`);
  if (controls === null || typeof controls !== "object" || Array.isArray(controls)) throw new TypeError("interact(fn, controls): controls must be an object of { name: control }.");
  const made = Object.fromEntries(Object.entries(controls).map(([k, a]) => [k, widgetFromAbbreviation(k, a)])) as { [K in keyof C]: ValueWidget<ValueOf<C[K]>> };
  const output = new Output();
  const widget = new VBox([...(Object.values(made) as Widget[]), output]);
  const read = () => Object.fromEntries(Object.entries(made).map(([k, w]) => [k, (w as ValueWidget<unknown>).value])) as Values<C>;
  let values = read();
  const live = widgetsLive();
  const runOnce = async () => {
    values = read();
    const result = await fn(values);
    if (result !== undefined) display(result);
  };
  const update = live
    ? () =>
        output.capture(async () => {
          clearOutput({ wait: true });
          await runOnce();
        })
    : runOnce;
  if (live) {
    display(widget);
    for (const w of Object.values(made) as ValueWidget<unknown>[]) w.observe(() => update(), "value");
  } else {
    // The static view: the controls as they start, then what fn shows for them.
    display(new VBox(Object.values(made) as Widget[]));
  }
  await update();
  return {
    widget,
    controls: made,
    output,
    get values() {
      return values;
    },
    update,
    // As a cell's last expression it shows one line, not its widgets' internals (ipywidgets shows the function).
    [Symbol.for("Jupyter.display")]: () => ({ "text/plain": `interact(${Object.keys(made).join(", ")})` }),
  };
}
