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

/** Reads a notebook and checks it is nbformat 4 with cells. */
export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  } catch (err) {
    throw new Error(`notebook '${path}' could not be read as JSON: ${(err as Error).message}`);
  }
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`notebook '${path}' must be nbformat 4 with a 'cells' list; got nbformat ${String(nb.nbformat)}`);
  }
  return nb;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a notebook. */
export function writeNotebook(path: string, nb: Notebook): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(nb, null, 1) + "\n");
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
