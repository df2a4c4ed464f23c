#!/usr/bin/env node
/**
 * Builds the optional native sum of the threads' all-reduce (native/shm/shm.c) into
 * native/build/mlsd_shm.node with the system C compiler and Node's own headers; nothing is downloaded. Without
 * a compiler or the headers it says so and exits 0: the threads' all-reduce then sums with WebAssembly SIMD, to
 * the same bits, more slowly. native/mpi/build.mjs (run by npm run build) runs it.
 *   node native/shm/build.mjs [--quiet]
 */
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compileInto, findTool, inputsStamp, isFresh, nodeHeaders } from "../../scripts/addon-build.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const quiet = process.argv.includes("--quiet");
const say = (m) => quiet || process.stderr.write(`build-shm: ${m}\n`);
const src = join(here, "shm.c");
const target = process.env.MLSD_SHM_OUT ? resolve(process.env.MLSD_SHM_OUT) : join(root, "native", "build", "mlsd_shm.node");

if (process.env.MLSD_NATIVE === "0") {
  say("MLSD_NATIVE=0: skipped; the threads' all-reduce sums with WebAssembly");
  process.exit(0);
}
const headers = nodeHeaders();
const cc = process.env.CC ?? findTool(["cc", "gcc", "clang"]);
if (!headers || !cc || process.arch !== "x64") {
  rmSync(target, { force: true });
  say(`${!headers ? "no node_api.h" : !cc ? "no C compiler (cc, gcc or clang)" : `not x86-64 (${process.arch})`}; skipped, the threads' all-reduce sums with WebAssembly`);
  process.exit(0);
}
// No contraction or reassociation: every add rounds to float32 as the WebAssembly path's f32x4.add does.
const flags = ["-O2", "-std=c11", "-ffp-contract=off", "-D_GNU_SOURCE", "-Wall", "-Werror=implicit-function-declaration", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`];
const stamp = inputsStamp([cc, ...flags], [src]);
if (isFresh(target, stamp)) {
  say(`${target} is up to date`);
  process.exit(0);
}
const failed = compileInto(target, stamp, cc, (part) => [...flags, "-o", part, src]);
if (failed !== null) {
  say(`${cc} failed; skipped, the threads' all-reduce sums with WebAssembly:\n${failed}`);
  process.exit(0);
}
say(`built ${target} with ${cc}`);
