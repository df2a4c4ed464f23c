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

function show(value: unknown, options: DisplayOptions = {}): DisplayHandle | undefined {
  const bundle = options.raw ? (value as MimeBundle) : mimeBundle(value);
  const id = options.displayId === true ? randomUUID() : options.displayId;
  currentSink().display(bundle, options.metadata ?? {}, id);
  if (id === undefined) return undefined;
  return {
    displayId: id,
    update(next, opts = {}) {
      currentSink().update(opts.raw ? (next as MimeBundle) : mimeBundle(next), opts.metadata ?? {}, id);
    },
  };
}

const withPlain = (mime: string, data: unknown, plain: string, options?: DisplayOptions) =>
  show({ [mime]: data, "text/plain": plain }, { ...options, raw: true });

/**
 * Shows a value in the cell's output: tables, charts, tensors and any object with a `[Symbol.for("Jupyter.display")]()` method.
 * @example display(Plot.dot(data, { x: "a", y: "b" }).plot())
 */
export const display = Object.assign(show, {
  /** @example display.html("<b>bold</b>") */
  html: (html: string, options?: DisplayOptions) => withPlain("text/html", html, "<HTML>", options),
  /** @example display.markdown("# Title") */
  markdown: (md: string, options?: DisplayOptions) => withPlain("text/markdown", md, md, options),
  /** @example display.svg('<svg xmlns="http://www.w3.org/2000/svg"/>') */
  svg: (svg: string, options?: DisplayOptions) => withPlain("image/svg+xml", svg, "<SVG>", options),
  /** PNG bytes or base64 text. @example display.png(readFileSync("chart.png")) */
  png: (png: Uint8Array | string, options?: DisplayOptions) =>
    withPlain("image/png", typeof png === "string" ? png : Buffer.from(png).toString("base64"), "<PNG image>", options),
  /** @example display.json({ a: 1 }) */
  json: (data: unknown, options?: DisplayOptions) => withPlain("application/json", data, JSON.stringify(data, null, 2), options),
});

/**
 * Clears the cell's output; with `wait`, only when the next output arrives (no flicker).
 * @example clearOutput({ wait: true })
 */
export function clearOutput(options: { wait?: boolean } = {}): void {
  currentSink().clear(options.wait ?? false);
}
