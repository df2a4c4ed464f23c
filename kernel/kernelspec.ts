/**
 * Which kernel `mlsd run` starts: `--kernel NAME`, else the notebook's `metadata.kernelspec.name`, looked up as
 * jupyter_client's KernelSpecManager does (a `kernels/NAME/kernel.json` in Jupyter's data path), with this
 * package's own kernels as the fallback when they are not installed.
 */
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { kernelSpec, userDataDir } from "./install.js";

export interface ResolvedKernel {
  name: string;
  displayName: string;
  language: string;
  /** argv with "{connection_file}" left in place, as in kernel.json. */
  argv: string[];
  env: Record<string, string>;
  /** The kernel.json it came from, or "built in". */
  source: string;
}

/** Short names for this package's kernels, as `--kernel typescript` / `--kernel javascript`. */
const ALIASES: Record<string, string> = { typescript: "mlsd", ts: "mlsd", javascript: "mlsd-js", js: "mlsd-js" };

/** jupyter_core's `jupyter_path()` without Python: JUPYTER_PATH, the user's data dir, then the system dirs. */
export function jupyterDataPath(): string[] {
  const fromEnv = (process.env["JUPYTER_PATH"] ?? "").split(delimiter).filter(Boolean);
  return [...fromEnv, userDataDir(), "/usr/local/share/jupyter", "/usr/share/jupyter"];
}

interface KernelJson {
  argv?: unknown;
  display_name?: unknown;
  language?: unknown;
  env?: unknown;
}

/**
 * Resolves a kernel name (or alias) to what starting it takes.
 * @example resolveKernel("javascript").env // { MLSD_LANGUAGE: "javascript" }: the mlsd-js kernel
 */
export function resolveKernel(requested: string): ResolvedKernel {
  const name = ALIASES[requested] ?? requested;
  for (const dir of jupyterDataPath()) {
    const file = join(dir, "kernels", name, "kernel.json");
    if (!existsSync(file)) continue;
    let spec: KernelJson;
    try {
      spec = JSON.parse(readFileSync(file, "utf8")) as KernelJson;
    } catch (err) {
      throw new Error(`kernelspec '${name}' at ${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(spec.argv) || spec.argv.length === 0 || !spec.argv.every((a) => typeof a === "string")) throw new Error(`kernelspec '${name}' at ${file} has no argv list`);
    return {
      name,
      displayName: typeof spec.display_name === "string" ? spec.display_name : name,
      language: typeof spec.language === "string" ? spec.language : "",
      argv: spec.argv as string[],
      env: spec.env && typeof spec.env === "object" ? (spec.env as Record<string, string>) : {},
      source: file,
    };
  }
  const builtIn = builtInKernel(name);
  if (builtIn) return builtIn;
  throw new Error(`--kernel ${requested}: no kernelspec named '${name}' (looked in ${jupyterDataPath().map((d) => join(d, "kernels")).join(", ")}); this package's kernels are mlsd (typescript) and mlsd-js (javascript)`);
}

/** This package's kernels (install.ts's kernel.json), usable without `mlsd kernel install`. */
function builtInKernel(name: string): ResolvedKernel | undefined {
  const language = name === "mlsd" ? "typescript" : name === "mlsd-js" ? "javascript" : undefined;
  if (!language) return undefined;
  const spec = kernelSpec(name, language) as { argv: string[]; display_name: string; env?: Record<string, string> };
  return { name, displayName: spec.display_name, language, argv: spec.argv, env: spec.env ?? {}, source: "built in" };
}
