/** `mlsd run`: executes notebooks headless through the kernel and writes them back with their outputs. */
import { mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ExecuteTimeout, KernelClient } from "./client.js";
import { OutputCollector, readNotebook, sourceText, writeNotebook, type Cell, type Notebook, type Output } from "./notebook.js";

export interface RunOptions {
  outDir?: string;
  /** name=value pairs; values that parse as JSON keep their type, anything else is a string. */
  params?: string[];
  /** Seconds each cell may run before it is interrupted. */
  timeoutS?: number;
  log?: (line: string) => void;
}

export class CellFailedError extends Error {
  constructor(readonly notebook: string, readonly cellIndex: number, readonly cellId: string | undefined, message: string) {
    super(message);
  }
}

/** Turns `--param` strings into TypeScript `const` lines; refuses names that are not identifiers. */
export function parameterSource(params: string[]): string {
  const lines: string[] = [];
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new Error(`--param must look like name=value; got '${p}'`);
    const name = p.slice(0, eq).trim();
    const raw = p.slice(eq + 1);
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`--param name must be a TypeScript identifier; got '${name}'`);
    let literal: string;
    try {
      JSON.parse(raw);
      literal = raw.trim();
    } catch {
      literal = JSON.stringify(raw);
    }
    lines.push(`const ${name} = ${literal};`);
  }
  return lines.join("\n");
}

/** Papermill's convention: the injected cell goes right after the cell tagged `parameters` (or first). */
export function injectParameters(nb: Notebook, params: string[]): void {
  nb.cells = nb.cells.filter((c) => !c.metadata?.tags?.includes("injected-parameters"));
  if (params.length === 0) return;
  const cell: Cell = {
    cell_type: "code",
    id: "injected-parameters",
    metadata: { tags: ["injected-parameters"] },
    source: `// Parameters injected by mlsd run\n${parameterSource(params)}`,
    outputs: [],
    execution_count: null,
  };
  const at = nb.cells.findIndex((c) => c.metadata?.tags?.includes("parameters"));
  nb.cells.splice(at + 1, 0, cell);
}

/**
 * Runs one notebook in a fresh kernel whose working directory is the notebook's folder.
 * @example await runNotebook("notebooks/04-sampling.ipynb", { params: ["n=1000"] })
 */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nb = readNotebook(path);
  injectParameters(nb, options.params ?? []);
  const out = options.outDir ? join(options.outDir, basename(path)) : path;
  if (options.outDir) mkdirSync(options.outDir, { recursive: true });
  const client = await KernelClient.start({ cwd: dirname(resolve(path)) });
  const displays = new Map<string, Output[]>();
  const code = nb.cells.filter((c) => c.cell_type === "code");
  try {
    const info = await client.request("kernel_info_request");
    // Loading TypeScript is the kernel's start-up, not the first cell's time: do it before the clock runs.
    await client.execute("", { silent: true, storeHistory: false, timeoutMs: 120_000 });
    nb.metadata["kernelspec"] = { name: "mlsd", display_name: "TypeScript (mlsd)", language: "typescript" };
    nb.metadata["language_info"] = info.content["language_info"];
    let n = 0;
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      n++;
      const src = sourceText(cell);
      const collector = new OutputCollector(displays);
      const label = `cell ${index + 1}${cell.id ? ` (id ${cell.id})` : ""}`;
      log(`mlsd run: ${path}: ${label} [${n}/${code.length}]`);
      let result;
      try {
        result = await client.execute(src, { timeoutMs: (options.timeoutS ?? 600) * 1000, onOutput: (m) => collector.add(m) });
      } catch (err) {
        if (err instanceof ExecuteTimeout) {
          client.interrupt();
          cell.outputs = collector.outputs;
          writeNotebook(out, nb);
          throw new CellFailedError(path, index + 1, cell.id, `${path}: ${label} timed out after ${options.timeoutS ?? 600} s`);
        }
        throw err;
      }
      cell.outputs = collector.outputs;
      cell.execution_count = (result.reply.content["execution_count"] as number | undefined) ?? null;
      if (result.reply.content["status"] !== "ok") {
        writeNotebook(out, nb);
        const c = result.reply.content;
        throw new CellFailedError(path, index + 1, cell.id, `${path}: ${label} failed: ${String(c["ename"])}: ${String(c["evalue"])}`);
      }
    }
    writeNotebook(out, nb);
    return out;
  } finally {
    await client.shutdown();
  }
}
