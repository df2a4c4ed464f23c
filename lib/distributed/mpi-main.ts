/**
 * The entry of ranks started by an MPI launcher. `launch(module, { transport: "mpi" })` runs
 * `mpirun -np N node mpi-main.js <job folder>`: each rank reads the job (job.bin, args-<rank>.bin, written by
 * the launcher with v8.serialize, which keeps typed arrays) and writes what it returned or how it failed to
 * rank-<rank>.bin. `mpirun -np N mlsd worker MODULE` calls `runMpiWorker` instead and prints each rank's
 * result. Either way a rank that fails says so on stderr and ends the job with MPI_Abort, so its peers stop
 * at once instead of waiting in a collective.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { deserialize, serialize } from "node:v8";
import type { RankMessage } from "./launch.js";
import { MpiTransport } from "./mpi.js";
import { failure, runRank } from "./worker-main.js";

/** job.bin: what every rank runs. */
export interface MpiJob {
  entry: string;
  timeoutMs: number;
}

/** rank-<rank>.bin: a rank's report; `stopped` when the launcher stopped it because another rank failed, and the collective it was waiting in ("" if none). */
export type MpiReport = RankMessage & { stopped?: { waitingIn: string } };

/** This process's rank as the launcher set it, for reports written before MPI is up. */
function launcherRank(): string {
  return process.env["OMPI_COMM_WORLD_RANK"] ?? process.env["PMIX_RANK"] ?? process.env["PMI_RANK"] ?? "unknown";
}

async function rankOfJob(dir: string): Promise<void> {
  const job = deserialize(readFileSync(join(dir, "job.bin"))) as MpiJob;
  let rank = launcherRank();
  // Whole or not at all: the launcher reads these once mpirun has exited, and a rank may be killed mid-write.
  const report = (m: MpiReport) => {
    const file = join(dir, `rank-${rank}.bin`);
    writeFileSync(`${file}.part`, serialize(m));
    renameSync(`${file}.part`, file);
  };
  let transport: MpiTransport;
  try {
    transport = MpiTransport.open({ timeoutMs: job.timeoutMs, onStopped: (message, waitingIn) => report({ type: "failed", message, stopped: { waitingIn } }) });
  } catch (err) {
    report(failure(err));
    process.stderr.write(`mlsd: rank ${rank} could not start MPI: ${(err as Error).message}\n`);
    process.exit(1);
  }
  rank = String(transport.rank);
  try {
    const args = deserialize(readFileSync(join(dir, `args-${rank}.bin`)));
    report({ type: "done", result: await runRank(job.entry, transport, args) });
  } catch (err) {
    report(failure(err));
    process.stderr.write(`mlsd: rank ${rank} of ${transport.size} failed: ${(err as Error).message}\n`);
    transport.abort(1);
  }
}

/**
 * One rank of `mpirun -np N mlsd worker MODULE`: rank and size from MPI, the module's function run with the
 * MPI transport; a failure ends the whole job (MPI_Abort) after saying which rank failed.
 * @example const result = await runMpiWorker(pathToFileURL("worker.mjs").href, { lens: [7] })
 */
export async function runMpiWorker(entry: string, args: unknown): Promise<unknown> {
  const transport = MpiTransport.open();
  try {
    return await runRank(entry, transport, args);
  } catch (err) {
    process.stderr.write(`mlsd worker: rank ${transport.rank} of ${transport.size} failed: ${(err as Error).message}\n`);
    return transport.abort(1);
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) void rankOfJob(process.argv[2]!);
