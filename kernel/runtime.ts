/**
 * What transpiled cells call at run time: module loading from the notebook's folder (then mlsd's own), with
 * Deno's `npm:` specifiers, tslab's module, local TypeScript files (compat/loader.ts), and `require`.
 */
import { readFileSync, statSync } from "node:fs";
import Module, { createRequire, isBuiltin, register } from "node:module";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as TS from "typescript";
import { notInstalledMessage, parseNpmSpecifier, satisfies, tslabModulePath } from "./compat/specifiers.js";
import * as tslabModule from "./compat/tslab.js";
import { packageRoot } from "./paths.js";
import { RUNTIME } from "./ts/rewrite.js";

type Resolve = (specifier: string, parent?: string) => string;

export interface CellRuntime {
  import(specifier: string): Promise<unknown>;
  /** `require` for cells: from the notebook's folder, then mlsd's own packages. */
  require: NodeJS.Require;
  importMeta: { url: string; dirname: string; filename: string };
  last: unknown;
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

/** Resolves `specifier` as an ES module import written in a file in `cwd`, falling back to this package. */
export function resolveSpecifier(specifier: string, cwd: string): string {
  if (specifier === "tslab") return pathToFileURL(tslabModulePath(packageRoot)).href;
  const npm = parseNpmSpecifier(specifier);
  const spec = npm ? npm.bare : specifier;
  if (isBuiltin(spec)) return spec;
  if (spec.startsWith("file:")) return spec;
  if (spec.startsWith(".") || spec.startsWith("/")) return pathToFileURL(resolvePath(cwd, spec)).href;
  const res = import.meta.resolve as unknown as Resolve;
  const parent = pathToFileURL(resolvePath(cwd, "__mlsd_cell__.js")).href;
  let url: string;
  try {
    // The parent argument needs --experimental-import-meta-resolve (the kernelspec passes it).
    url = res(spec, parent);
  } catch (first) {
    try {
      url = res(spec);
    } catch {
      if (isNotFound(first) && (npm || !/ERR_PACKAGE_PATH_NOT_EXPORTED/.test(String(first)))) throw new Error(notInstalledMessage(specifier, cwd));
      throw first;
    }
  }
  if (npm?.version) checkInstalledVersion(npm.name, npm.version, url, specifier, cwd);
  return url;
}

/** `npm:react@18` with react 17 installed is refused (naming both), never run against the wrong version. */
function checkInstalledVersion(name: string, wanted: string, url: string, specifier: string, cwd: string): void {
  const marker = `/node_modules/${name}/`;
  const path = fileURLToPath(url);
  const at = path.lastIndexOf(marker);
  if (at < 0) return;
  const pkg = JSON.parse(readFileSync(path.slice(0, at + marker.length) + "package.json", "utf8")) as { version?: string };
  if (pkg.version && !satisfies(pkg.version, wanted)) {
    throw new Error(`'${specifier}' asks for ${name}@${wanted}, but the version installed near the notebook is ${pkg.version}. Install the one the notebook wants with: npm install --prefix ${JSON.stringify(cwd)} ${name}@${wanted}`);
  }
}

/** A `require` from the notebook's folder that falls back to mlsd's packages, and knows tslab's module. */
function cellRequire(cwd: string): NodeJS.Require {
  const near = createRequire(resolvePath(cwd, "__mlsd_cell__.js"));
  const own = createRequire(resolvePath(packageRoot, "package.json"));
  const seen = new Map<string, number>();
  const fresh = () => {
    // An edited local CommonJS module is read again on the next require, as the notebook's author expects.
    for (const file of Object.keys(near.cache)) {
      if (file.includes("/node_modules/") || file.startsWith(packageRoot)) continue;
      let m = -1;
      try {
        m = statSync(file).mtimeMs;
      } catch {
        // deleted: drop it below
      }
      const before = seen.get(file);
      if (before !== undefined && before !== m) delete near.cache[file];
      seen.set(file, m);
    }
  };
  const req = ((id: string) => {
    if (id === "tslab") return tslabModule;
    fresh();
    try {
      const loaded: unknown = near(id);
      fresh(); // note the files this require loaded, with their mtimes as read
      return loaded;
    } catch (err) {
      if (!isNotFound(err) || id.startsWith(".") || id.startsWith("/")) throw err;
      try {
        return own(id);
      } catch {
        throw Object.assign(new Error(notInstalledMessage(id, cwd)), { code: "MODULE_NOT_FOUND" });
      }
    }
  }) as NodeJS.Require;
  return Object.assign(req, { resolve: near.resolve, cache: near.cache, main: undefined, extensions: near.extensions });
}

/**
 * `require("./x.ts")` from a cell: CommonJS has no TypeScript loader, so .ts/.tsx/.cts files are transpiled to
 * CommonJS on first use (TypeScript is loaded then, once). Without an extension, `require` tries these too.
 */
function registerTypeScriptRequire(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void> })._extensions;
  let ts: typeof TS | undefined;
  const compile = (m: { _compile(code: string, file: string): void }, file: string) => {
    ts ??= createRequire(import.meta.url)("typescript") as typeof TS;
    const out = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, jsx: ts.JsxEmit.React, jsxFactory: "__mlsd_jsx.h", jsxFragmentFactory: "__mlsd_jsx.Fragment" },
    });
    m._compile(out.outputText, file);
  };
  for (const ext of [".ts", ".tsx", ".cts", ".mts"]) extensions[ext] ??= compile;
  // `require("./legacy")` finds legacy.cjs too, as the ES module side (compat/loader.ts) does.
  extensions[".cjs"] ??= extensions[".js"]!;
}

let hooksRegistered = false;
const distUrl = pathToFileURL(`${packageRoot}/dist/`).href;

/** The module hooks start a thread: only once a cell imports a local file, the only imports that need them. */
function registerHooks(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  register("./compat/loader.js", { parentURL: import.meta.url, data: { runtimeUrl: import.meta.url, packageUrl: pathToFileURL(`${packageRoot}/`).href } });
}

export function installRuntime(cwd: string): CellRuntime {
  registerTypeScriptRequire();
  const runtime: CellRuntime = {
    import: (specifier: string) => {
      const url = resolveSpecifier(specifier, cwd);
      if (url.startsWith("file:") && !url.includes("/node_modules/") && !url.startsWith(distUrl)) registerHooks();
      return import(url);
    },
    require: cellRequire(cwd),
    importMeta: { url: pathToFileURL(resolvePath(cwd, "notebook.ts")).href, dirname: cwd, filename: resolvePath(cwd, "notebook.ts") },
    last: undefined,
  };
  Object.defineProperty(globalThis, RUNTIME, { value: runtime, enumerable: false, configurable: true, writable: false });
  return runtime;
}
