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
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compileInto, findTool, inputsStamp, isFresh, nodeHeaders } from "../../scripts/addon-build.mjs";

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
const headers = nodeHeaders();
const mpicc = process.env.MPICC ?? findTool(["mpicc", "mpicc.openmpi", "mpicc.mpich"]);
if (!headers || !mpicc) {
  rmSync(target, { force: true });
  say(`${!headers ? "no node_api.h" : "no MPI library (no mpicc on PATH; Debian: apt-get install openmpi-bin libopenmpi-dev)"}; skipped, the mpi transport is unavailable (threads and tcp work)`);
  process.exit(0);
}
const flags = ["-O2", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror=implicit-function-declaration", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`];
// What the wrapper adds (its MPI flags) is part of the stamp: a different MPI rebuilds the binding.
const wrapped = spawnSync(mpicc, ["--showme"], { encoding: "utf8" }).stdout || spawnSync(mpicc, ["-show"], { encoding: "utf8" }).stdout || "";
const stamp = inputsStamp([mpicc, wrapped, ...flags, "-ldl"], [src]);
if (isFresh(target, stamp)) {
  say(`${target} is up to date`);
  process.exit(0);
}
const failed = compileInto(target, stamp, mpicc, (part) => [...flags, "-o", part, src, "-ldl"]);
if (failed !== null) {
  say(`${mpicc} failed; skipped, the mpi transport is unavailable:\n${failed}`);
  process.exit(0);
}
say(`built ${target} with ${mpicc}`);
