#!/usr/bin/env node
/**
 * Builds the optional MPI binding (native/mpi/mpi.c) into native/build/mlsd_mpi.node with the system MPI's
 * compiler wrapper (`mpicc`, from Open MPI's libopenmpi-dev or MPICH's libmpich-dev: it adds MPI's headers
 * and libraries to the C compiler) and Node's own headers. Nothing is downloaded. Without an MPI library it
 * says so and exits 0: the "mpi" transport is then unavailable and the threads and tcp transports work as before.
 * It first runs native/shm/build.mjs (the threads' native all-reduce sum, which needs only a C compiler).
 *   node native/mpi/build.mjs [--quiet]       (npm run build runs it)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const quiet = process.argv.includes("--quiet");
const say = (m) => quiet || process.stderr.write(`build-mpi: ${m}\n`);
const src = join(here, "mpi.c");
// MLSD_MPI_OUT: build elsewhere (the tests build a copy without touching the one the library loads).
const target = process.env.MLSD_MPI_OUT ? resolve(process.env.MLSD_MPI_OUT) : join(root, "native", "build", "mlsd_mpi.node");

// The threads' native all-reduce sum (native/shm/build.mjs; no MPI needed), built with the MPI binding
// since both serve lib/distributed. Not when building a copy elsewhere (MLSD_MPI_OUT, as the tests do).
if (!process.env.MLSD_MPI_OUT) spawnSync(process.execPath, [join(here, "..", "shm", "build.mjs"), ...(quiet ? ["--quiet"] : [])], { stdio: "inherit" });
if (process.env.MLSD_NATIVE === "0") {
  say("MLSD_NATIVE=0: skipped; the mpi transport is unavailable");
  process.exit(0);
}
const candidates = [join(dirname(process.execPath), "..", "include", "node"), join(process.config.variables.node_prefix ?? "/usr", "include", "node"), "/usr/include/node", "/usr/local/include/node"];
const headers = candidates.find((d) => existsSync(join(d, "node_api.h")));
const mpicc = process.env.MPICC ?? ["mpicc", "mpicc.openmpi", "mpicc.mpich"].find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
if (!headers || !mpicc) {
  rmSync(target, { force: true });
  say(`${!headers ? "no node_api.h" : "no MPI library (no mpicc on PATH; Debian: apt-get install openmpi-bin libopenmpi-dev)"}; skipped, the mpi transport is unavailable (threads and tcp work)`);
  process.exit(0);
}
mkdirSync(dirname(target), { recursive: true });
const part = `${target}.tmp-${process.pid}`;
const args = ["-O2", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror=implicit-function-declaration", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`, "-o", part, src, "-ldl"];
// What the wrapper adds (its MPI flags) is part of the stamp: a different MPI rebuilds the binding.
const wrapped = spawnSync(mpicc, ["--showme"], { encoding: "utf8" }).stdout || spawnSync(mpicc, ["-show"], { encoding: "utf8" }).stdout || "";
const hash = createHash("sha256").update(`${mpicc}\0${wrapped}\0${process.version}\0${args.filter((a) => a !== part).join("\0")}\0`).update(readFileSync(src));
const stamp = hash.digest("hex");
if (process.env.MLSD_NATIVE_REBUILD !== "1" && existsSync(target) && existsSync(`${target}.inputs`) && readFileSync(`${target}.inputs`, "utf8") === stamp) {
  say(`${target} is up to date`);
  process.exit(0);
}
const r = spawnSync(mpicc, args, { encoding: "utf8" });
if (r.status !== 0) {
  rmSync(part, { force: true });
  rmSync(target, { force: true });
  say(`${mpicc} failed; skipped, the mpi transport is unavailable:\n${r.stderr}`);
  process.exit(0);
}
renameSync(part, target);
writeFileSync(`${target}.inputs`, stamp);
say(`built ${target} with ${mpicc}`);
