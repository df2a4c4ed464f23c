#!/usr/bin/env node
/**
 * Builds the optional native kernels (native/*.c) into native/build/mlsd_native.node with the system C compiler
 * and Node's own headers. Nothing is downloaded. If there is no compiler or no headers, it says so and exits 0:
 * the library then runs its JavaScript paths, which give the same results more slowly.
 *   node scripts/build-native.mjs [--quiet]
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compileInto, findTool, headerCandidates, inputsStamp, isFresh, nodeHeaders } from "./addon-build.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const say = (m) => quiet || process.stderr.write(`build-native: ${m}\n`);

if (process.env.MLSD_NATIVE === "0") {
  say("MLSD_NATIVE=0: skipped; the JavaScript paths will be used");
  process.exit(0);
}
const headers = nodeHeaders();
if (!headers) {
  say(`no node_api.h (looked in ${headerCandidates.join(", ")}); skipped, the JavaScript paths will be used`);
  process.exit(0);
}
buildInterrupt();
const cc = process.env.CC ?? findTool(["cc", "gcc", "clang"]);
if (!cc) {
  say("no C compiler (cc, gcc or clang); skipped, the JavaScript paths will be used");
  process.exit(0);
}
const sources = readdirSync(join(root, "native")).filter((f) => f.endsWith(".c")).map((f) => join(root, "native", f));
const out = join(root, "native", "build", "mlsd_native.node");
// No floating-point contraction (GCC's -std=c11 implies it, clang's default fuses within expressions), so the
// kernels round exactly as the JavaScript paths do at every instruction-set level (native/isa.h).
const flags = ["-O3", "-std=c11", "-ffp-contract=off", "-D_GNU_SOURCE", "-Wall", "-Werror=implicit-int", "-Werror=implicit-function-declaration", "-Werror=incompatible-pointer-types", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`];
const stamp = inputsStamp([cc, ...flags, "-lpthread", "-lm"], [...sources, ...readdirSync(join(root, "native")).filter((f) => f.endsWith(".h")).map((f) => join(root, "native", f))]);
if (isFresh(out, stamp)) {
  say(`${out} is up to date`);
  process.exit(0);
}
// On failure no stale module from older sources either: the library must fall back, not run old code.
const failed = compileInto(out, stamp, cc, (part) => [...flags, "-o", part, ...sources, "-lpthread", "-lm"]);
if (failed !== null) {
  say(`${cc} failed; skipped, the JavaScript paths will be used:\n${failed}`);
  process.exit(0);
}
say(`built ${out} with ${cc}`);

// The interrupt addon (native/interrupt/interrupt.cc, C++ on V8's API, see kernel/interrupt.ts): lets the
// kernel's Interrupt stop busy code after an `await`. Optional like the rest: without it, interrupts work as before.
function buildInterrupt() {
  const src = join(root, "native", "interrupt", "interrupt.cc");
  const target = join(root, "native", "build", "mlsd_interrupt.node");
  const cxx = process.env.CXX ?? findTool(["c++", "g++", "clang++"]);
  if (!cxx || !existsSync(join(headers, "v8.h"))) {
    rmSync(target, { force: true });
    return say(`no C++ compiler or no v8.h; interrupt addon skipped (busy code after an await cannot be interrupted)`);
  }
  const flags = ["-O2", "-std=c++17", "-Wall", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`];
  const stamp = inputsStamp([cxx, ...flags, "-lpthread"], [src]);
  if (isFresh(target, stamp)) return say(`${target} is up to date`);
  const failed = compileInto(target, stamp, cxx, (part) => [...flags, "-o", part, src, "-lpthread"]);
  if (failed !== null) return say(`${cxx} failed on the interrupt addon; skipped:\n${failed}`);
  say(`built ${target} with ${cxx}`);
}
