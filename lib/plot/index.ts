/**
 * Observable Plot with a server-side document, so `Plot.plot({...})` and `mark.plot()` work in Node as in a
 * browser and display inline in the kernel (SVG or an HTML figure).
 *
 * Setting `globalThis.window` would do the same but makes tfjs think it runs in a browser, so the document
 * is passed explicitly instead.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

type ServerDocument = ReturnType<typeof parseHTML>["document"];
let shared: ServerDocument | undefined;

/** A linkedom document Plot can draw into. @example serverDocument().createElement("div") */
export function serverDocument(): ServerDocument {
  shared ??= parseHTML("<!DOCTYPE html><html><head></head><body></body></html>").document;
  return shared;
}

/**
 * `Plot.plot` with the server document filled in.
 * @example plot({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] })
 */
export function plot(options: Plot.PlotOptions = {}): ReturnType<typeof Plot.plot> {
  return Plot.plot({ document: serverDocument() as never, ...options });
}

/** `Plot.legend` with the server document filled in. */
export function legend(options: Plot.LegendOptions & Record<string, unknown> = {}): ReturnType<typeof Plot.legend> {
  return Plot.legend({ document: serverDocument() as never, ...options } as Plot.LegendOptions);
}

// `mark.plot()` goes through Mark.prototype.plot, which Plot defines without a document.
const markPlot = Plot.Mark.prototype.plot as (this: Plot.Mark, options?: Plot.PlotOptions) => ReturnType<typeof Plot.plot>;
Plot.Mark.prototype.plot = function (this: Plot.Mark, options: Plot.PlotOptions = {}) {
  return markPlot.call(this, { document: serverDocument() as never, ...options });
};

export * from "@observablehq/plot";
export { Plot };
