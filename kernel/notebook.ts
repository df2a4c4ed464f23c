/** nbformat 4 notebooks: reading, checking, writing atomically, and turning iopub messages into outputs. */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Message } from "./protocol/wire.js";

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string | string[];
  metadata: { tags?: string[]; [k: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
}

export type Output = Record<string, unknown> & { output_type: string };

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export const sourceText = (cell: Cell): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

/** Reads a notebook and checks it is nbformat 4 with cells; multi-line fields come back as strings, as nbformat reads them. */
export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`notebook '${path}' could not be read: ${(err as Error).message}`);
  }
  return parseNotebook(text, path);
}

/** Parses notebook JSON (see readNotebook); `name` is used in errors. */
export function parseNotebook(text: string, name: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(text) as Notebook;
  } catch (err) {
    throw new Error(`notebook '${name}' could not be read as JSON: ${(err as Error).message}`);
  }
  if (nb === null || typeof nb !== "object" || nb.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`notebook '${name}' must be nbformat 4 with a 'cells' list; got nbformat ${String(nb?.nbformat)}`);
  }
  return rejoinLines(nb);
}

// nbformat's rwbase: which MIME types are stored as lists of lines (JSON types stay as they are).
const isJsonMime = (mime: string) => mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
const splitMime = (mime: string) => mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml";

function mapBundle(data: unknown, f: (mime: string, value: unknown) => unknown): void {
  if (!data || typeof data !== "object") return;
  const bundle = data as Record<string, unknown>;
  for (const [k, v] of Object.entries(bundle)) bundle[k] = f(k, v);
}

/** nbformat's rejoin_lines: lists of lines back to strings. */
function rejoinLines(nb: Notebook): Notebook {
  const join = (v: unknown) => (Array.isArray(v) && v.every((l) => typeof l === "string") ? v.join("") : v);
  for (const cell of nb.cells) {
    if (Array.isArray(cell.source)) cell.source = cell.source.join("");
    for (const a of Object.values((cell as { attachments?: Record<string, unknown> }).attachments ?? {})) mapBundle(a, (k, v) => (isJsonMime(k) ? v : join(v)));
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "execute_result" || out.output_type === "display_data") mapBundle(out["data"], (k, v) => (isJsonMime(k) ? v : join(v)));
      else if (Array.isArray(out["text"])) out["text"] = join(out["text"]);
    }
  }
  return nb;
}

/** Python's str.splitlines(True): the line ends nbformat splits on, kept on each line. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g)!.filter((l) => l !== "");
}

/** Keys sorted at every level, as Python's json.dumps(sort_keys=True) writes them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * The notebook as nbformat (and so Jupyter) writes it: multi-line text split into lines, keys sorted, one-space
 * indent, transient fields (signature, cell `trusted`) dropped, a final newline. A notebook saved by Jupyter and
 * the same notebook written here are byte for byte the same.
 * @example formatNotebook(readNotebook("notebooks/00-welcome.ipynb")) === readFileSync("notebooks/00-welcome.ipynb", "utf8")
 */
export function formatNotebook(nb: Notebook): string {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  delete copy.metadata["signature"];
  delete copy.metadata["orig_nbformat"];
  delete copy.metadata["orig_nbformat_minor"];
  const split = (v: unknown) => (typeof v === "string" ? splitLines(v) : v);
  for (const cell of copy.cells) {
    if (cell.metadata) delete cell.metadata["trusted"];
    if (typeof cell.source === "string") cell.source = splitLines(cell.source);
    for (const a of Object.values((cell as { attachments?: Record<string, unknown> }).attachments ?? {})) mapBundle(a, (k, v) => (splitMime(k) ? split(v) : v));
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "execute_result" || out.output_type === "display_data") mapBundle(out["data"], (k, v) => (splitMime(k) ? split(v) : v));
      else if (out.output_type === "stream") out["text"] = split(out["text"]);
    }
  }
  return `${JSON.stringify(sortKeys(copy), null, 1)}\n`;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a notebook; the format is nbformat's. */
export function writeNotebook(path: string, nb: Notebook): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, formatNotebook(nb));
  renameSync(tmp, path);
}

/** Collects a cell's outputs from iopub messages, applying clear_output and update_display_data. */
export class OutputCollector {
  outputs: Output[] = [];
  private clearPending = false;
  private readonly byDisplayId = new Map<string, Output[]>();

  constructor(private readonly shared: Map<string, Output[]> = new Map()) {}

  add(m: Message): void {
    const c = m.content;
    const type = m.header.msg_type;
    if (type === "clear_output") {
      if (c["wait"]) this.clearPending = true;
      else this.outputs = [];
      return;
    }
    if (type === "update_display_data") {
      const id = (c["transient"] as { display_id?: string } | undefined)?.display_id;
      for (const out of (id && this.shared.get(id)) || []) {
        out["data"] = c["data"];
        out["metadata"] = c["metadata"] ?? {};
      }
      return;
    }
    let out: Output | undefined;
    if (type === "stream") {
      const last = this.outputs[this.outputs.length - 1];
      if (!this.clearPending && last?.output_type === "stream" && last["name"] === c["name"]) {
        last["text"] = String(last["text"]) + String(c["text"]);
        return;
      }
      out = { output_type: "stream", name: c["name"], text: c["text"] };
    } else if (type === "display_data") {
      out = { output_type: "display_data", data: c["data"], metadata: c["metadata"] ?? {} };
      const id = (c["transient"] as { display_id?: string } | undefined)?.display_id;
      if (id) {
        const list = this.shared.get(id) ?? [];
        list.push(out);
        this.shared.set(id, list);
        this.byDisplayId.set(id, list);
      }
    } else if (type === "execute_result") {
      out = { output_type: "execute_result", execution_count: c["execution_count"], data: c["data"], metadata: c["metadata"] ?? {} };
    } else if (type === "error") {
      out = { output_type: "error", ename: c["ename"], evalue: c["evalue"], traceback: c["traceback"] };
    }
    if (!out) return;
    if (this.clearPending) {
      this.outputs = [];
      this.clearPending = false;
    }
    this.outputs.push(out);
  }
}
