/**
 * Module specifiers as other kernels' notebooks write them: Deno's `npm:name@version/subpath`, tslab's own
 * `tslab` module (served by mlsd, not by the tslab package), and the message for a package that is not installed.
 */
import { join } from "node:path";

export interface NpmSpecifier {
  /** The package name, scope included: `@observablehq/plot`. */
  name: string;
  /** The version or range after `@`, if any: `18`, `^0.6.16`. */
  version?: string;
  /** `/hooks` in `npm:preact@10/hooks`, or "". */
  subpath: string;
  /** What Node resolves: name plus subpath. */
  bare: string;
}

/**
 * Parses Deno's `npm:` form; null for any other specifier.
 * @example parseNpmSpecifier("npm:@observablehq/plot@0.6/dist") // { name: "@observablehq/plot", version: "0.6", subpath: "/dist", bare: "@observablehq/plot/dist" }
 */
export function parseNpmSpecifier(specifier: string): NpmSpecifier | null {
  if (!specifier.startsWith("npm:")) return null;
  const rest = specifier.slice(4).replace(/^\/+/, "");
  const m = /^((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?(\/.*)?$/.exec(rest);
  if (!m) throw new Error(`'${specifier}' is not an npm: specifier of the form npm:name[@version][/path]`);
  const name = m[1]!;
  const subpath = m[3] ?? "";
  return { name, ...(m[2] ? { version: m[2] } : {}), subpath, bare: name + subpath };
}

/** The package a bare specifier names (`lodash/fp` → `lodash`, `@a/b/c` → `@a/b`), or null for paths and URLs. */
export function packageName(specifier: string): string | null {
  if (/^(?:\.|\/|[a-z]+:)/i.test(specifier)) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Where tslab's module comes from in mlsd: our own implementation (dist/kernel/compat/tslab.js). */
export function tslabModulePath(packageRoot: string): string {
  return join(packageRoot, "dist", "kernel", "compat", "tslab.js");
}

/**
 * The error for a package that is neither near the notebook nor shipped with mlsd: names it and gives the
 * exact command; mlsd never downloads anything by itself.
 * @example notInstalledMessage("npm:react@18", "/work/nb").endsWith('npm install --prefix "/work/nb" react@18') // true
 */
export function notInstalledMessage(specifier: string, cwd: string): string {
  const npm = parseNpmSpecifier(specifier);
  const name = npm?.name ?? packageName(specifier) ?? specifier;
  const install = npm?.version ? `${name}@${npm.version}` : name;
  return `Cannot find package '${name}' (imported as '${specifier}'): it is not installed near the notebook (${cwd}) nor shipped with mlsd. mlsd does not download packages by itself; install it with: npm install --prefix ${JSON.stringify(cwd)} ${install}`;
}

/**
 * Whether an installed version satisfies the version an `npm:` specifier asks for. npm's common forms: `18`,
 * `18.2`, `18.2.0` (as many parts as given must match), `^1.2.3` (same major, or same minor below 1.0, not
 * lower), `~1.2.3` (same minor, not lower), `>=1.2`; anything else (`*`, `latest`, ranges with spaces) is taken
 * as satisfied.
 * @example satisfies("18.3.1", "^18.2") // true
 */
export function satisfies(installed: string, wanted: string): boolean {
  const parts = (v: string) => v.split(/[.+-]/).slice(0, 3).map((p) => Number(p));
  const have = parts(installed);
  const cmp = (want: number[]) => {
    for (let i = 0; i < want.length; i++) if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) - want[i]!;
    return 0;
  };
  const m = /^(\^|~|>=|=)?v?(\d+(?:\.\d+){0,2})$/.exec(wanted.trim());
  if (!m) return true;
  const want = parts(m[2]!);
  if (want.some(Number.isNaN) || have.some(Number.isNaN)) return true;
  const op = m[1] ?? "";
  if (op === ">=") return cmp(want) >= 0;
  if (op === "" || op === "=") return cmp(want) === 0;
  const fixed = op === "~" ? Math.min(2, want.length) : want[0] === 0 && want.length > 1 ? 2 : 1;
  return cmp(want.slice(0, fixed)) === 0 && cmp(want) >= 0;
}
