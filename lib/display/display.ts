/** `display(x)` and friends, as in IPython: rich output from a cell or a script. */
import { randomUUID } from "node:crypto";
import { mimeBundle, type MimeBundle } from "./mime.js";
import { currentSink } from "./sink.js";

export interface DisplayOptions {
  /** Give the output an id so it can be updated in place later. */
  displayId?: string | true;
  metadata?: Record<string, unknown>;
  /** Treat `value` as a ready MIME bundle. */
  raw?: boolean;
}

export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces the output in place (update_display_data). */
  update(value: unknown, options?: Omit<DisplayOptions, "displayId">): void;
}

/** A handle when a `displayId` is asked for, else possibly none: the type follows the options. */
export type HandleFor<O> = O extends { displayId: string | true } ? DisplayHandle : DisplayHandle | undefined;

function show<O extends DisplayOptions = DisplayOptions>(value: unknown, options?: O): HandleFor<O> {
  const opts: DisplayOptions = options ?? {};
  const bundle = opts.raw ? (value as MimeBundle) : mimeBundle(value);
  const id = opts.displayId === true ? randomUUID() : opts.displayId;
  currentSink().display(bundle, opts.metadata ?? {}, id);
  if (id === undefined) return undefined as HandleFor<O>;
  const handle: DisplayHandle = {
    displayId: id,
    update(next, updateOptions = {}) {
      currentSink().update(updateOptions.raw ? (next as MimeBundle) : mimeBundle(next), updateOptions.metadata ?? {}, id);
    },
  };
  return handle as HandleFor<O>;
}

const withPlain = <O extends DisplayOptions>(mime: string, data: unknown, plain: string, options?: O): HandleFor<O> =>
  show({ [mime]: data, "text/plain": plain }, { ...options, raw: true }) as HandleFor<O>;

/**
 * Shows a value in the cell's output: tables, charts, tensors and any object with a `[Symbol.for("Jupyter.display")]()` method.
 * With `{ displayId: true }` (or a string id) it returns a handle, typed as present, whose `update` replaces the output.
 * @example display(Plot.dot(data, { x: "a", y: "b" }).plot())
 * @example const bar = display("starting", { displayId: true }); bar.update("done")
 */
export const display = Object.assign(show, {
  /** @example display.html("<b>bold</b>") */
  html: <O extends DisplayOptions>(html: string, options?: O) => withPlain("text/html", html, "<HTML>", options),
  /** @example display.markdown("# Title") */
  markdown: <O extends DisplayOptions>(md: string, options?: O) => withPlain("text/markdown", md, md, options),
  /** @example display.svg('<svg xmlns="http://www.w3.org/2000/svg"/>') */
  svg: <O extends DisplayOptions>(svg: string, options?: O) => withPlain("image/svg+xml", svg, "<SVG>", options),
  /** PNG bytes or base64 text. @example display.png(readFileSync("chart.png")) */
  png: <O extends DisplayOptions>(png: Uint8Array | string, options?: O) =>
    withPlain("image/png", typeof png === "string" ? png : Buffer.from(png).toString("base64"), "<PNG image>", options),
  /** @example const h = display.json({ a: 1 }, { displayId: true }); h.update({ a: 2 }) */
  json: <O extends DisplayOptions>(data: unknown, options?: O) => withPlain("application/json", data, JSON.stringify(data, null, 2), options),
});

/**
 * Clears the cell's output; with `wait`, only when the next output arrives (no flicker).
 * @example clearOutput({ wait: true })
 */
export function clearOutput(options: { wait?: boolean } = {}): void {
  currentSink().clear(options.wait ?? false);
}
