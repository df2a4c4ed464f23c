/**
 * Node module hooks (module.register) for the notebook's own files: `.ts`, `.tsx` and `.mts` modules are
 * transpiled, `.json` needs no import attribute, a specifier without extension finds the file as TypeScript's
 * resolution does (`./max-plus` → `./max-plus.ts`, `./User.js` → `./User.ts`), and an edited file is loaded
 * again: each local module gets a `?mlsd-v=N` generation that moves when any loaded local file changed.
 * Packages (node_modules) and mlsd's own files pass through untouched.
 */
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as TS from "typescript";

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: { format?: string | null; conditions: string[] }) => Promise<LoadResult>;

let runtimeUrl = "";
let packageUrl = "";
let generation = 0;
const loaded = new Map<string, number>();
let typescript: Promise<typeof TS> | undefined;

/** Called by module.register with the kernel's runtime module URL (cells' imports come from it). */
export function initialize(data: { runtimeUrl: string; packageUrl: string }): void {
  runtimeUrl = data.runtimeUrl;
  packageUrl = data.packageUrl;
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs", ".cjs", ".json"];

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function isLocal(url: string): boolean {
  return url.startsWith("file:") && !url.includes("/node_modules/") && !(packageUrl && url.startsWith(`${packageUrl}dist/`));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a local specifier means when Node's resolver finds none: extensions, .js for .ts, index files. */
function candidate(url: string): string | undefined {
  const path = fileURLToPath(url.split("?")[0]!);
  const stems = [path];
  const js = /\.(m|c)?js$/.exec(path);
  if (js) stems.push(path.slice(0, -js[0].length));
  for (const stem of stems) for (const ext of EXTENSIONS) if (isFile(stem + ext)) return pathToFileURL(stem + ext).href;
  for (const ext of EXTENSIONS) if (isFile(`${path}/index${ext}`)) return pathToFileURL(`${path}/index${ext}`).href;
  return undefined;
}

function versionOf(parentURL: string | undefined): number {
  if (parentURL === runtimeUrl || parentURL === undefined) {
    // A cell's import: if any local module changed since it was loaded, load the local modules afresh.
    for (const [path, seen] of loaded) {
      if (mtime(path) !== seen) {
        generation++;
        loaded.clear();
        break;
      }
    }
    return generation;
  }
  const m = /[?&]mlsd-v=(\d+)/.exec(parentURL);
  return m ? Number(m[1]) : generation;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  let result: ResolveResult;
  try {
    result = await next(specifier, context);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const relativeSpec = specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:");
    if (!relativeSpec || (code !== "ERR_MODULE_NOT_FOUND" && code !== "ERR_UNSUPPORTED_DIR_IMPORT")) throw err;
    const base = context.parentURL ?? pathToFileURL(`${process.cwd()}/`).href;
    const found = candidate(new URL(specifier, base).href);
    if (!found) throw err;
    result = { url: found };
  }
  if (!isLocal(result.url) || !isLocal(context.parentURL ?? "file:") && context.parentURL !== runtimeUrl) return result;
  const clean = result.url.split("?")[0]!;
  const ext = /\.[a-z]+$/.exec(clean)?.[0] ?? "";
  const format = ext === ".ts" || ext === ".tsx" || ext === ".mts" || ext === ".json" ? "module" : result.format;
  return { url: `${clean}?mlsd-v=${versionOf(context.parentURL)}`, format: format ?? null, shortCircuit: true };
}

async function transpile(path: string, source: string): Promise<string> {
  typescript ??= import("typescript").then((m) => (m.default ?? m) as unknown as typeof TS);
  const ts = await typescript;
  return ts.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      jsx: ts.JsxEmit.React,
      jsxFactory: "__mlsd_jsx.h",
      jsxFragmentFactory: "__mlsd_jsx.Fragment",
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  }).outputText;
}

export async function load(url: string, context: { format?: string | null; conditions: string[] }, next: NextLoad): Promise<LoadResult> {
  if (!url.includes("mlsd-v=") || !isLocal(url)) return next(url, context);
  const path = fileURLToPath(url.split("?")[0]!);
  loaded.set(path, mtime(path));
  const ext = /\.[a-z]+$/.exec(path)?.[0] ?? "";
  if (ext === ".ts" || ext === ".tsx" || ext === ".mts") return { format: "module", source: await transpile(path, await readFile(path, "utf8")), shortCircuit: true };
  if (ext === ".json") return { format: "module", source: `export default ${await readFile(path, "utf8")};`, shortCircuit: true };
  const result = await next(url, context);
  // A .js file with import/export in a folder without "type": "module": run it as the module it is.
  if (result.format === "commonjs" && ext === ".js") {
    const source = await readFile(path, "utf8");
    if (/^\s*(?:import\s*[\w{*]|export\s)/m.test(source) && !/\brequire\s*\(|module\.exports/.test(source)) return { format: "module", source, shortCircuit: true };
  }
  return result;
}
