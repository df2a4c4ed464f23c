/**
 * What the native builds share (scripts/build-native.mjs, scripts/build-sqlite.mjs, native/mpi/build.mjs,
 * native/shm/build.mjs): finding Node's headers and a compiler, the stamp that makes an unchanged build a no-op,
 * and a compile into a temporary file that replaces the addon only once it succeeded, so a failed build never
 * leaves a stale addon from older sources for the library to load.
 *
 *   import { nodeHeaders, findTool, inputsStamp, isFresh, compileInto } from "../../scripts/addon-build.mjs";
 *   const headers = nodeHeaders();                       // "/usr/include/node", or undefined
 *   const cc = process.env.CC ?? findTool(["cc", "gcc", "clang"]);
 *   const stamp = inputsStamp([cc, ...flags], ["native/shm/shm.c"]);
 *   if (!isFresh(target, stamp)) compileInto(target, stamp, cc, (out) => [...flags, "-o", out, "native/shm/shm.c"]);
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Where Node's headers may be: beside the binary (official builds, nvm) or under its install prefix (Debian: /usr/include/node). */
export const headerCandidates = [join(dirname(process.execPath), "..", "include", "node"), join(process.config.variables.node_prefix ?? "/usr", "include", "node"), "/usr/include/node", "/usr/local/include/node"];

/** The first candidate folder that has every header in `needed`, or undefined. */
export function nodeHeaders(needed = ["node_api.h"]) {
  return headerCandidates.find((d) => needed.every((h) => existsSync(join(d, h))));
}

/** The first of `names` that runs (`NAME --version` exits 0), or undefined. */
export function findTool(names) {
  return names.find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
}

/**
 * The stamp of a build: what built it (compiler, flags and the like, in `parts`), the Node version, and each
 * file's name and content; an addon is rebuilt when any of them differs from what is kept in <addon>.inputs.
 * `strip` is a prefix cut from the names, so a package that moves does not count as changed.
 */
export function inputsStamp(parts, files, strip = "") {
  const hash = createHash("sha256").update(`${[...parts, process.version].join("\0")}\0`);
  for (const f of [...files].sort()) hash.update(`${f.startsWith(strip) ? f.slice(strip.length) : f}\0`).update(readFileSync(f));
  return hash.digest("hex");
}

/** Whether `target` was built from inputs with this stamp (MLSD_NATIVE_REBUILD=1: never). */
export function isFresh(target, stamp) {
  return process.env.MLSD_NATIVE_REBUILD !== "1" && existsSync(target) && existsSync(`${target}.inputs`) && readFileSync(`${target}.inputs`, "utf8") === stamp;
}

/**
 * Runs `compiler` with `args(part)` writing a temporary file, then moves it to `target` and records `stamp`;
 * on failure removes both the part and any older `target`. Returns the compiler's stderr on failure, else null.
 */
export function compileInto(target, stamp, compiler, args) {
  mkdirSync(dirname(target), { recursive: true });
  const part = `${target}.tmp-${process.pid}`;
  const r = spawnSync(compiler, args(part), { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(part, { force: true });
    rmSync(target, { force: true });
    return r.stderr || r.error?.message || `exit ${r.status}`;
  }
  renameSync(part, target);
  writeFileSync(`${target}.inputs`, stamp);
  return null;
}
