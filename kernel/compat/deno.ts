/**
 * The parts of Deno's global that notebooks written for Deno's kernel use: `Deno.jupyter` (display, html, md,
 * svg, image, format, broadcast, $display, as in Deno's cli/js/40_jupyter.js), version and platform checks,
 * environment variables and text files. Installed by the kernel only where no real `Deno` exists.
 */
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { inspect } from "node:util";
import { DISPLAY_SYMBOL, mimeBundle, type MimeBundle } from "../../lib/display/mime.js";
import { currentSink } from "../../lib/display/sink.js";

const require = createRequire(import.meta.url);

/** Deno's display protocol symbol: the same `Symbol.for("Jupyter.display")` mlsd's display uses. */
export const $display: typeof DISPLAY_SYMBOL = DISPLAY_SYMBOL;

export interface Displayable {
  [DISPLAY_SYMBOL](): MimeBundle | Promise<MimeBundle>;
}

export interface DenoDisplayOptions {
  /** `obj` is a MIME bundle already. */
  raw?: boolean;
  /** Replace the output with `display_id` (update_display_data). */
  update?: boolean;
  display_id?: string;
}

type Broadcaster = (msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: ArrayBuffer[]) => void;
let broadcaster: Broadcaster | undefined;

/** The kernel passes its iopub publisher here (the `broadcast` of a cell goes to the running cell's parent). */
export function setBroadcaster(fn: Broadcaster | undefined): void {
  broadcaster = fn;
}

function isPng(b: Uint8Array): boolean {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  return b.length >= 8 && sig.every((v, i) => b[i] === v);
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;
}

function makeDisplayable(bundle: MimeBundle): Displayable {
  return { [DISPLAY_SYMBOL]: () => bundle };
}

/**
 * The MIME bundle Deno's kernel would show for `obj`: its `$display` method, PNG/JPEG bytes as images, HTML
 * and SVG elements by `outerHTML`, else mlsd's own formatting (tables, charts, tensors, text).
 * @example await Deno.jupyter.format(Deno.jupyter.html`<b>x</b>`) // { "text/html": "<b>x</b>" }
 */
export async function format(obj: unknown): Promise<MimeBundle> {
  if (typeof obj === "object" && obj !== null && typeof (obj as Record<symbol, unknown>)[DISPLAY_SYMBOL] === "function") {
    return await (obj as Displayable)[DISPLAY_SYMBOL]();
  }
  if (obj instanceof Uint8Array && isPng(obj)) return { "image/png": Buffer.from(obj).toString("base64") };
  if (obj instanceof Uint8Array && isJpeg(obj)) return { "image/jpeg": Buffer.from(obj).toString("base64") };
  return mimeBundle(obj);
}

function tagged(mime: string): (strings: TemplateStringsArray, ...values: unknown[]) => Displayable {
  return (strings, ...values) => makeDisplayable({ [mime]: strings.reduce((acc, s, i) => acc + s + (values[i] !== undefined ? String(values[i]) : ""), "") });
}

/** An image from PNG/JPEG bytes or a file path. */
function image(obj: string | Uint8Array): Displayable {
  const bytes = typeof obj === "string" ? new Uint8Array(readFileSync(obj)) : obj;
  if (isJpeg(bytes)) return makeDisplayable({ "image/jpeg": Buffer.from(bytes).toString("base64") });
  if (isPng(bytes)) return makeDisplayable({ "image/png": Buffer.from(bytes).toString("base64") });
  throw new TypeError("Object is not a valid image or a path to an image. `Deno.jupyter.image` supports displaying JPG or PNG images.");
}

async function display(obj: unknown, options: DenoDisplayOptions = {}): Promise<void> {
  const bundle = options.raw && typeof obj === "object" && obj !== null && !Array.isArray(obj) ? (obj as MimeBundle) : await format(obj);
  const sink = currentSink();
  if (options.update && options.display_id) sink.update(bundle, {}, options.display_id);
  else sink.display(bundle, {}, options.display_id);
}

async function broadcast(msgType: string, content: Record<string, unknown>, extra: { metadata?: Record<string, unknown>; buffers?: ArrayBuffer[] } = {}): Promise<void> {
  if (typeof msgType !== "string" || msgType === "") throw new TypeError(`Deno.jupyter.broadcast: msgType must be a message type such as "display_data"; got ${String(msgType)}`);
  if (!broadcaster) throw new Error("Deno.jupyter.broadcast works only inside the kernel");
  broadcaster(msgType, content, extra.metadata ?? {}, extra.buffers ?? []);
}

export const jupyter = {
  $display,
  display,
  format,
  broadcast,
  html: tagged("text/html"),
  md: tagged("text/markdown"),
  svg: tagged("image/svg+xml"),
  image,
};

export interface DenoGlobal {
  readonly version: { readonly deno: string; readonly v8: string; readonly typescript: string };
  readonly build: { readonly os: string; readonly arch: string; readonly target: string };
  readonly args: string[];
  readonly pid: number;
  readonly noColor: boolean;
  readonly env: { get(name: string): string | undefined; set(name: string, value: string): void; has(name: string): boolean; delete(name: string): void; toObject(): Record<string, string> };
  cwd(): string;
  inspect(value: unknown, options?: { depth?: number; colors?: boolean }): string;
  readTextFile(path: string | URL): Promise<string>;
  readTextFileSync(path: string | URL): string;
  readFile(path: string | URL): Promise<Uint8Array>;
  readFileSync(path: string | URL): Uint8Array;
  writeTextFile(path: string | URL, data: string): Promise<void>;
  readonly jupyter: typeof jupyter;
}

/**
 * A minimal `Deno`: what Deno notebooks use for display and version checks. `version.deno` says it is mlsd's
 * stand-in, so a check for a real Deno can tell.
 * @example makeDenoGlobal("0.1.0").version.deno // "0.1.0-mlsd"
 */
export function makeDenoGlobal(mlsdVersion: string): DenoGlobal {
  const tsVersion = (require("typescript/package.json") as { version: string }).version;
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch;
  return {
    version: { deno: `${mlsdVersion}-mlsd`, v8: process.versions.v8, typescript: tsVersion },
    build: { os, arch, target: `${arch}-${os}` },
    args: [],
    pid: process.pid,
    noColor: true,
    env: {
      get: (name) => process.env[name],
      set: (name, value) => void (process.env[name] = value),
      has: (name) => name in process.env,
      delete: (name) => void delete process.env[name],
      toObject: () => Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    },
    cwd: () => process.cwd(),
    inspect: (value, options = {}) => inspect(value, { depth: options.depth ?? 4, colors: options.colors ?? false }),
    readTextFile: (path) => readFile(path, "utf8"),
    readTextFileSync: (path) => readFileSync(path, "utf8"),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    readFileSync: (path) => new Uint8Array(readFileSync(path)),
    writeTextFile: (path, data) => writeFile(path, data),
    jupyter,
  };
}
