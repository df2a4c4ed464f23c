/** `mlsd run`: executes notebooks headless through the kernel and writes them back with their outputs. */
import { mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ExecuteTimeout, KernelClient } from "./client.js";
import { resolveKernel, type ResolvedKernel } from "./kernelspec.js";
import { OutputCollector, readNotebook, sourceText, writeNotebook, type Cell, type Notebook, type Output } from "./notebook.js";
import { checkParameters, coerceParameter, notebookParameters, splitAssignment, type Parameter } from "./parameters.js";

export interface RunOptions {
  outDir?: string;
  /** name=value pairs, checked against the notebook's parameters cell before any cell runs. */
  params?: string[];
  /** Seconds each cell may run before it is interrupted. */
  timeoutS?: number;
  /** Run every cell even when one fails (nbclient's `allow_errors`); the run still ends with CellFailedError. */
  allowErrors?: boolean;
  /** Kernel name or alias (`typescript`, `javascript`); default: the notebook's `metadata.kernelspec.name`, else mlsd. */
  kernel?: string;
  log?: (line: string) => void;
}

export class CellFailedError extends Error {
  constructor(readonly notebook: string, readonly cellIndex: number, readonly cellId: string | undefined, message: string) {
    super(message);
  }
}

/** A parameter value as a TypeScript literal: JSON is valid TypeScript for every value a command line can give. */
const literal = (value: unknown) => JSON.stringify(value);

/**
 * Turns `--param` strings into TypeScript `const` lines. Without declared parameters, values that parse as
 * JSON keep their type and others become strings; with them, each value is read as its parameter's type.
 * @example parameterSource(["n=5", "label=hi"]) // 'const n = 5;\nconst label = "hi";'
 */
export function parameterSource(params: string[], declared?: Parameter[]): string {
  const byName = new Map((declared ?? []).map((p) => [p.name, p]));
  return params
    .map((text) => {
      const { name, raw } = splitAssignment(text, "--param");
      const p = byName.get(name) ?? { name, type: "unknown" as const, defaultText: "", defaultValue: undefined };
      return `const ${name} = ${literal(coerceParameter(p, raw, "--param"))};`;
    })
    .join("\n");
}

/** Papermill's convention: the injected cell goes right after the cell tagged `parameters` (or first). */
export function injectParameters(nb: Notebook, params: string[], declared?: Parameter[]): void {
  nb.cells = nb.cells.filter((c) => !c.metadata?.tags?.includes("injected-parameters"));
  if (params.length === 0) return;
  const cell: Cell = {
    cell_type: "code",
    id: "injected-parameters",
    metadata: { tags: ["injected-parameters"] },
    source: `// Parameters injected by mlsd run\n${parameterSource(params, declared)}`,
    outputs: [],
    execution_count: null,
  };
  const at = nb.cells.findIndex((c) => c.metadata?.tags?.includes("parameters"));
  nb.cells.splice(at + 1, 0, cell);
}

/** The kernel a run uses: the option, else the notebook's kernelspec, else mlsd (TypeScript). */
export function chooseKernel(nb: Notebook, requested?: string): ResolvedKernel {
  const fromNotebook = (nb.metadata["kernelspec"] as { name?: unknown } | undefined)?.name;
  return resolveKernel(requested ?? (typeof fromNotebook === "string" && fromNotebook ? fromNotebook : "mlsd"));
}

/**
 * Runs one notebook in a fresh kernel whose working directory is the notebook's folder. Parameters are checked
 * before the kernel starts; the output notebook records them in `metadata.papermill` as papermill does.
 * @example await runNotebook("notebooks/04-sampling.ipynb", { params: ["runs=500"] })
 */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nb = readNotebook(path);
  const params = options.params ?? [];
  const declared = await notebookParameters(nb);
  const values = checkParameters(declared, params, path);
  const kernel = chooseKernel(nb, options.kernel);
  if (params.length > 0 && kernel.language !== "typescript" && kernel.language !== "javascript") {
    throw new Error(`--param: kernel '${kernel.name}' runs ${kernel.language || "an unknown language"}; mlsd run injects parameters as TypeScript/JavaScript constants`);
  }
  injectParameters(nb, params, declared);
  const out = options.outDir ? join(options.outDir, basename(path)) : path;
  if (options.outDir) mkdirSync(options.outDir, { recursive: true });
  nb.metadata["papermill"] = {
    default_parameters: Object.fromEntries(declared.filter((p) => p.defaultValue !== undefined).map((p) => [p.name, p.defaultValue])),
    parameters: values,
    input_path: path,
    output_path: out,
    exception: null,
  };
  const client = await KernelClient.start({ cwd: dirname(resolve(path)), argv: kernel.argv, env: { ...process.env, ...kernel.env } });
  const displays = new Map<string, Output[]>();
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const failures: string[] = [];
  let first: CellFailedError | undefined;
  try {
    const info = await client.request("kernel_info_request");
    // Loading TypeScript is the kernel's start-up, not the first cell's time: do it before the clock runs.
    await client.execute("", { silent: true, storeHistory: false, timeoutMs: 120_000 });
    nb.metadata["kernelspec"] = { name: kernel.name, display_name: kernel.displayName, language: kernel.language };
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
        result = await client.execute(src, { timeoutMs: (options.timeoutS ?? 600) * 1000, onOutput: (m) => collector.add(m), stopOnError: !options.allowErrors });
      } catch (err) {
        if (err instanceof ExecuteTimeout) {
          client.interrupt();
          cell.outputs = collector.outputs;
          (nb.metadata["papermill"] as Record<string, unknown>)["exception"] = true;
          writeNotebook(out, nb);
          throw new CellFailedError(path, index + 1, cell.id, `${path}: ${label} timed out after ${options.timeoutS ?? 600} s`);
        }
        throw err;
      }
      cell.outputs = collector.outputs;
      cell.execution_count = (result.reply.content["execution_count"] as number | undefined) ?? null;
      if (result.reply.content["status"] !== "ok") {
        const c = result.reply.content;
        const message = `${label} failed: ${String(c["ename"])}: ${String(c["evalue"])}`;
        first ??= new CellFailedError(path, index + 1, cell.id, `${path}: ${message}`);
        failures.push(message);
        (nb.metadata["papermill"] as Record<string, unknown>)["exception"] = true;
        if (!options.allowErrors) break;
      }
    }
    writeNotebook(out, nb);
    if (first && options.allowErrors) throw new CellFailedError(path, first.cellIndex, first.cellId, `${path}: every cell ran (--allow-errors), ${failures.length} failed: ${failures.join("; ")}`);
    if (first) throw first;
    return out;
  } finally {
    await client.shutdown();
  }
}
