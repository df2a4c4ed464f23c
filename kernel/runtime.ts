/** What transpiled cells call at run time: module loading from the notebook's folder (then mlsd's own). */
import { isBuiltin } from "node:module";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { RUNTIME } from "./ts/rewrite.js";

type Resolve = (specifier: string, parent?: string) => string;

export interface CellRuntime {
  import(specifier: string): Promise<unknown>;
  importMeta: { url: string; dirname: string; filename: string };
  last: unknown;
}

/** Resolves `specifier` as an ES module import written in a file in `cwd`, falling back to this package. */
export function resolveSpecifier(specifier: string, cwd: string): string {
  if (isBuiltin(specifier)) return specifier;
  if (specifier.startsWith("file:")) return specifier;
  if (specifier.startsWith(".") || specifier.startsWith("/")) return pathToFileURL(resolvePath(cwd, specifier)).href;
  const res = import.meta.resolve as unknown as Resolve;
  const parent = pathToFileURL(resolvePath(cwd, "__mlsd_cell__.js")).href;
  try {
    // The parent argument needs --experimental-import-meta-resolve (the kernelspec passes it).
    return res(specifier, parent);
  } catch (first) {
    try {
      return res(specifier);
    } catch {
      throw first;
    }
  }
}

export function installRuntime(cwd: string): CellRuntime {
  const runtime: CellRuntime = {
    import: (specifier: string) => import(resolveSpecifier(specifier, cwd)),
    importMeta: { url: pathToFileURL(resolvePath(cwd, "notebook.ts")).href, dirname: cwd, filename: resolvePath(cwd, "notebook.ts") },
    last: undefined,
  };
  Object.defineProperty(globalThis, RUNTIME, { value: runtime, enumerable: false, configurable: true, writable: false });
  return runtime;
}
