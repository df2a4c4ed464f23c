/**
 * Completion of module specifiers inside `import ... from "`, `import("`, `require("` and `export ... from "`:
 * `"mlsd/` lists mlsd's areas, a bare prefix lists installed packages (near the notebook, then mlsd's own),
 * `"./` lists the notebook folder's files. TypeScript's own path completion cannot see mlsd's areas from a
 * notebook outside this package, nor Deno's `npm:` form.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";

/** The quoted text before the cursor when it is a module specifier being typed, else null. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bexport\s+\*\s+from\s*)(["'])([^"'\n]*)$/;

export interface SpecifierCompletion {
  matches: string[];
  /** UTF-16 offsets of the specifier text (inside the quotes). */
  start: number;
  end: number;
}

function packagesIn(dir: string): string[] {
  const nm = join(dir, "node_modules");
  if (!existsSync(nm)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(nm, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    if (entry.name.startsWith("@") && entry.isDirectory()) {
      for (const sub of readdirSync(join(nm, entry.name))) if (!sub.startsWith(".")) out.push(`${entry.name}/${sub}`);
    } else if (entry.isDirectory() || entry.isSymbolicLink()) out.push(entry.name);
  }
  return out;
}

/** Installed packages visible from `cwd` (its node_modules and every parent's), then mlsd's own. */
function installedPackages(cwd: string, packageRoot: string): string[] {
  const seen = new Set<string>();
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const p of packagesIn(dir)) seen.add(p);
    if (dirname(dir) === dir) break;
  }
  for (const p of packagesIn(packageRoot)) seen.add(p);
  return [...seen].filter((p) => !p.startsWith("@types/")).sort();
}

/** `mlsd/core`, `mlsd/sampling`, ... from mlsd's package.json `exports`. */
function mlsdAreas(packageRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { exports?: Record<string, unknown> };
  return Object.keys(pkg.exports ?? {})
    .filter((k) => k.startsWith("./") && !k.includes("*") && !k.endsWith(".json"))
    .map((k) => `mlsd/${k.slice(2)}`);
}

function localFiles(cwd: string, typed: string): string[] {
  const slash = typed.lastIndexOf("/");
  const dirPart = typed.slice(0, slash + 1);
  const dir = resolve(cwd, dirPart || ".");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && !e.name.startsWith("__mlsd") && (e.isDirectory() || /\.(?:[cm]?[jt]sx?|json)$/.test(e.name)))
    .map((e) => `${dirPart}${e.name}${e.isDirectory() ? "/" : ""}`);
}

/**
 * Specifier completions at `offset` in `code`, or null when the cursor is not in a module specifier.
 * @example completeSpecifier('import { SMOTE } from "mlsd/imb', 31, cwd, root)?.matches // ["mlsd/imbalance"]
 */
export function completeSpecifier(code: string, offset: number, cwd: string, packageRoot: string): SpecifierCompletion | null {
  const m = SPECIFIER.exec(code.slice(0, offset));
  if (!m) return null;
  const typed = m[2]!;
  const start = offset - typed.length;
  let end = offset;
  while (end < code.length && !/["'\n]/.test(code[end]!)) end++;
  let candidates: string[];
  if (typed.startsWith(".") || typed.startsWith("/")) candidates = localFiles(cwd, typed);
  else if (typed.startsWith("node:")) candidates = builtinModules.map((b) => `node:${b}`);
  else if (typed.startsWith("npm:")) candidates = installedPackages(cwd, packageRoot).map((p) => `npm:${p}`);
  else if (typed.startsWith("mlsd/")) candidates = mlsdAreas(packageRoot);
  else candidates = ["mlsd", ...mlsdAreas(packageRoot), ...installedPackages(cwd, packageRoot).filter((p) => p !== "mlsd")];
  const matches = [...new Set(candidates.filter((c) => c.startsWith(typed)))];
  return { matches, start, end };
}
