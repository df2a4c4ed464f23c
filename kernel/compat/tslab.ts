/**
 * tslab's `tslab` module, as notebooks written for tslab import it (`import * as tslab from "tslab"`), provided
 * by mlsd itself: `display.html/markdown/svg/png/jpeg/gif/text/...`, `newDisplay()` for output updated in place,
 * and `versions`. Same names and behaviour as tslab's src/public.ts; output goes through mlsd's display sink.
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { MimeBundle } from "../../lib/display/mime.js";
import { currentSink } from "../../lib/display/sink.js";
import { packageRoot } from "../paths.js";

const require = createRequire(import.meta.url);

export interface Display {
  javascript(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  jpeg(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  pdf(b: Uint8Array): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): void;
}

class DisplayImpl implements Display {
  private shown = false;
  constructor(private readonly id?: string) {}
  javascript(s: string): void { this.raw("text/javascript", s); }
  html(s: string): void { this.raw("text/html", s); }
  markdown(s: string): void { this.raw("text/markdown", s); }
  latex(s: string): void { this.raw("text/latex", s); }
  svg(s: string): void { this.raw("image/svg+xml", s); }
  png(b: Uint8Array): void { this.raw("image/png", b); }
  jpeg(b: Uint8Array): void { this.raw("image/jpeg", b); }
  gif(b: Uint8Array): void { this.raw("image/gif", b); }
  pdf(b: Uint8Array): void { this.raw("application/pdf", b); }
  text(s: string): void { this.raw("text/plain", s); }
  raw(contentType: string, b: string | Uint8Array): void {
    if (typeof contentType !== "string" || !contentType.includes("/")) throw new TypeError(`tslab display: contentType must be a MIME type such as "text/html"; got ${String(contentType)}`);
    const data = typeof b === "string" ? b : Buffer.from(b).toString("base64");
    const bundle: MimeBundle = { [contentType]: data };
    const sink = currentSink();
    // A display from newDisplay() shows once, then replaces its own output, as tslab's does.
    if (this.id !== undefined && this.shown) sink.update(bundle, {}, this.id);
    else sink.display(bundle, {}, this.id);
    this.shown = true;
  }
}

/** @example tslab.display.html("<b>bold</b>") */
export const display: Display = new DisplayImpl();

/**
 * A display whose later calls replace its output in place.
 * @example const d = tslab.newDisplay(); d.text("0%"); d.text("100%");
 */
export function newDisplay(): Display {
  return new DisplayImpl(randomBytes(8).toString("hex"));
}

const pkg = require(join(packageRoot, "package.json")) as { version: string };

/** tslab reports its own version here; under mlsd it is mlsd's, marked so. */
export const versions = {
  tslab: `${pkg.version}-mlsd`,
  typescript: (require("typescript/package.json") as { version: string }).version,
  node: process.version,
};
