#!/usr/bin/env node
/**
 * Builds the optional native sum of the threads' all-reduce (native/shm/shm.c) into
 * native/build/mlsd_shm.node with the system C compiler and Node's own headers; nothing is downloaded. Without
 * a compiler or the headers it says so and exits 0: the threads' all-reduce then sums with WebAssembly SIMD, to
 * the same bits, more slowly. native/mpi/build.mjs (run by npm run build) runs it.
 *   node native/shm/build.mjs [--quiet]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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
const candidates = [join(dirname(process.execPath), "..", "include", "node"), join(process.config.variables.node_prefix ?? "/usr", "include", "node"), "/usr/include/node", "/usr/local/include/node"];
const headers = candidates.find((d) => existsSync(join(d, "node_api.h")));
const cc = process.env.CC ?? ["cc", "gcc", "clang"].find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
if (!headers || !cc || process.arch !== "x64") {
  rmSync(target, { force: true });
  say(`${!headers ? "no node_api.h" : !cc ? "no C compiler (cc, gcc or clang)" : `not x86-64 (${process.arch})`}; skipped, the threads' all-reduce sums with WebAssembly`);
  process.exit(0);
}
mkdirSync(dirname(target), { recursive: true });
const part = `${target}.tmp-${process.pid}`;
// No contraction or reassociation: every add rounds to float32 as the WebAssembly path's f32x4.add does.
const args = ["-O2", "-std=c11", "-ffp-contract=off", "-D_GNU_SOURCE", "-Wall", "-Werror=implicit-function-declaration", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`, "-o", part, src];
const stamp = createHash("sha256").update(`${cc}\0${process.version}\0${args.filter((a) => a !== part).join("\0")}\0`).update(readFileSync(src)).digest("hex");
if (process.env.MLSD_NATIVE_REBUILD !== "1" && existsSync(target) && existsSync(`${target}.inputs`) && readFileSync(`${target}.inputs`, "utf8") === stamp) {
  say(`${target} is up to date`);
  process.exit(0);
}
const r = spawnSync(cc, args, { encoding: "utf8" });
if (r.status !== 0) {
  rmSync(part, { force: true });
  rmSync(target, { force: true });
  say(`${cc} failed; skipped, the threads' all-reduce sums with WebAssembly:\n${r.stderr}`);
  process.exit(0);
}
renameSync(part, target);
writeFileSync(`${target}.inputs`, stamp);
say(`built ${target} with ${cc}`);
