/**
 * Where displays go. In a notebook the kernel installs its sink (Jupyter messages); in a script the terminal
 * sink prints text. The sink lives on globalThis under a registered symbol so every copy of this module
 * (a notebook may load mlsd from another folder) reaches the same kernel.
 */
import type { MimeBundle } from "./mime.js";

export interface DisplaySink {
  /** true in a notebook: displays can be updated in place. */
  readonly interactive: boolean;
  display(bundle: MimeBundle, metadata: Record<string, unknown>, displayId?: string): void;
  update(bundle: MimeBundle, metadata: Record<string, unknown>, displayId: string): void;
  clear(wait: boolean): void;
}

const KEY = Symbol.for("mlsd.display.sink");

const terminalSink: DisplaySink = {
  interactive: false,
  display(bundle) {
    process.stdout.write(`${String(bundle["text/plain"] ?? "")}\n`);
  },
  update(bundle) {
    process.stdout.write(`${String(bundle["text/plain"] ?? "")}\n`);
  },
  clear() {
    if (process.stdout.isTTY) process.stdout.write("\x1b[2J\x1b[H");
  },
};

export function currentSink(): DisplaySink {
  return ((globalThis as Record<symbol, unknown>)[KEY] as DisplaySink | undefined) ?? terminalSink;
}

/** Installs `sink` (the kernel does this at start); returns the previous one. */
export function setSink(sink: DisplaySink | undefined): DisplaySink | undefined {
  const g = globalThis as Record<symbol, unknown>;
  const previous = g[KEY] as DisplaySink | undefined;
  g[KEY] = sink;
  return previous;
}
