#!/usr/bin/env node
/**
 * Builds the optional native kernels (native/*.c) into native/build/mlsd_native.node with the system C compiler
 * and Node's own headers. Nothing is downloaded. If there is no compiler or no headers, it says so and exits 0:
 * the library then runs its JavaScript paths, which give the same results more slowly.
 *   node scripts/build-native.mjs [--quiet]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const say = (m) => quiet || process.stderr.write(`build-native: ${m}\n`);

if (process.env.MLSD_NATIVE === "0") {
  say("MLSD_NATIVE=0: skipped; the JavaScript paths will be used");
  process.exit(0);
}
// Node's headers: beside the binary (official builds, nvm) or under its install prefix (Debian: /usr/include/node).
const candidates = [join(dirname(process.execPath), "..", "include", "node"), join(process.config.variables.node_prefix ?? "/usr", "include", "node"), "/usr/include/node", "/usr/local/include/node"];
const headers = candidates.find((d) => existsSync(join(d, "node_api.h")));
if (!headers) {
  say(`no node_api.h (looked in ${candidates.join(", ")}); skipped, the JavaScript paths will be used`);
  process.exit(0);
}
buildInterrupt();
const cc = process.env.CC ?? ["cc", "gcc", "clang"].find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
if (!cc) {
  say("no C compiler (cc, gcc or clang); skipped, the JavaScript paths will be used");
  process.exit(0);
}
const sources = readdirSync(join(root, "native")).filter((f) => f.endsWith(".c")).map((f) => join(root, "native", f));
const out = join(root, "native", "build", "mlsd_native.node");
mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.tmp-${process.pid}`;
// No floating-point contraction (GCC's -std=c11 implies it, clang's default fuses within expressions), so the
// kernels round exactly as the JavaScript paths do at every instruction-set level (native/isa.h).
const args = ["-O3", "-std=c11", "-ffp-contract=off", "-D_GNU_SOURCE", "-Wall", "-Werror=implicit-int", "-Werror=implicit-function-declaration", "-Werror=incompatible-pointer-types", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`, "-o", tmp, ...sources, "-lpthread", "-lm"];
const stamp = inputsStamp(cc, args.filter((a) => a !== tmp), [...sources, ...readdirSync(join(root, "native")).filter((f) => f.endsWith(".h")).map((f) => join(root, "native", f))]);
if (isFresh(out, stamp)) {
  say(`${out} is up to date`);
  process.exit(0);
}
const res = spawnSync(cc, args, { encoding: "utf8" });
if (res.status !== 0) {
  // No stale module from older sources either: the library must fall back, not run old code.
  rmSync(tmp, { force: true });
  rmSync(out, { force: true });
  say(`${cc} failed; skipped, the JavaScript paths will be used:\n${res.stderr}`);
  process.exit(0);
}
renameSync(tmp, out);
writeFileSync(`${out}.inputs`, stamp);
say(`built ${out} with ${cc}`);

// The interrupt addon (native/interrupt/interrupt.cc, C++ on V8's API, see kernel/interrupt.ts): lets the
// kernel's Interrupt stop busy code after an `await`. Optional like the rest: without it, interrupts work as before.
function buildInterrupt() {
  const src = join(root, "native", "interrupt", "interrupt.cc");
  const target = join(root, "native", "build", "mlsd_interrupt.node");
  const cxx = process.env.CXX ?? ["c++", "g++", "clang++"].find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
  if (!cxx || !existsSync(join(headers, "v8.h"))) {
    rmSync(target, { force: true });
    return say(`no C++ compiler or no v8.h; interrupt addon skipped (busy code after an await cannot be interrupted)`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const part = `${target}.tmp-${process.pid}`;
  const cxxArgs = ["-O2", "-std=c++17", "-Wall", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`, "-o", part, src, "-lpthread"];
  const stamp = inputsStamp(cxx, cxxArgs.filter((a) => a !== part), [src]);
  if (isFresh(target, stamp)) return say(`${target} is up to date`);
  const r = spawnSync(cxx, cxxArgs, { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(part, { force: true });
    rmSync(target, { force: true });
    return say(`${cxx} failed on the interrupt addon; skipped:\n${r.stderr}`);
  }
  renameSync(part, target);
  writeFileSync(`${target}.inputs`, stamp);
  say(`built ${target} with ${cxx}`);
}

// Up-to-date checks, so `npm start` on an unchanged tree compiles nothing: a module is rebuilt when its
// compiler, flags, Node version or any source's content differ from what built it (kept in <module>.inputs).
function inputsStamp(compiler, flags, files) {
  const hash = createHash("sha256").update(`${compiler}\0${process.version}\0${flags.join("\0")}\0`);
  for (const f of [...files].sort()) hash.update(`${f}\0`).update(readFileSync(f));
  return hash.digest("hex");
}
function isFresh(target, stamp) {
  return process.env.MLSD_NATIVE_REBUILD !== "1" && existsSync(target) && existsSync(`${target}.inputs`) && readFileSync(`${target}.inputs`, "utf8") === stamp;
}
