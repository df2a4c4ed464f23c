/**
 * Whether a file will run as an ES module. Exported pipelines use top-level `await`, which only ES modules have:
 * tsx (like Node) runs `.ts` and `.js` as CommonJS unless the nearest package.json says `"type": "module"`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The `type` of the nearest package.json above `file` ("commonjs" when there is none, as Node reads it). */
export function packageType(file: string): "module" | "commonjs" {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, "utf8")) as { type?: unknown }).type === "module" ? "module" : "commonjs";
      } catch {
        return "commonjs";
      }
    }
    if (dirname(dir) === dir) return "commonjs";
  }
}

/**
 * Refuses an output name that would run as CommonJS, naming the fix.
 * @example checkModuleFile("pipeline.mts", "-o") // fine anywhere
 */
export function checkModuleFile(file: string, flag: string): void {
  if (/\.m[tj]s$/.test(file)) return;
  if (/\.[tj]s$/.test(file) && packageType(file) === "module") return;
  const suggestion = file.replace(/\.[cm]?[tj]s$/, "") + ".mts";
  throw new Error(`${flag} ${file}: the pipeline uses top-level await, so it must run as an ES module; ${/\.[tj]s$/.test(file) ? `the package.json nearest to it does not say "type": "module", so it would run as CommonJS` : "give it a .mts extension"}: use '${suggestion}'`);
}
