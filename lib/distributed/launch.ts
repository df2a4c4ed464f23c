/**
 * Starts the ranks of a job and collects what each returns, as `torchrun` and `horovodrun` do: the same worker
 * function runs on every rank, on worker threads of this process or on child processes that talk over TCP
 * (ZeroMQ), or on processes started by `mpirun` that talk through MPI. On several machines, start
 * `mlsd worker` on each with the list of every rank's address, or `mpirun`/`srun ... mlsd worker` on a
 * cluster. If any rank fails, the others are stopped and the error names the rank.
 */
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import type { Collectives } from "./collectives.js";
import type { MpiJob, MpiReport } from "./mpi-main.js";
import { defaultMpiTimeoutMs, mpiAvailable, mpiStatus } from "./mpi.js";
import { sharedMemory } from "./shared-memory.js";
import { threadPorts, type Transport } from "./transport.js";

/** What a worker function receives on every rank. */
export interface WorkerContext<A = unknown> {
  rank: number;
  size: number;
  /** The arguments given to `launch` for this rank. */
  args: A;
  transport: Transport;
  /** allReduce, broadcast and barrier over the job's transport. */
  collectives: Collectives;
}

/** A worker module's default export (or its export named `worker`). */
export type WorkerFunction<A = unknown, R = unknown> = (ctx: WorkerContext<A>) => R | Promise<R>;

export interface LaunchOptions<A> {
  workers: number;
  /**
   * "threads": worker threads, messages through MessagePorts and all-reduce on shared memory; "tcp": child
   * processes over ZeroMQ; "mpi": processes started by `mpirun` (the MPI binding must be built), collectives by MPI.
   */
  transport?: "threads" | "tcp" | "mpi";
  /** The same for every rank, or a function of the rank (each rank's shard, say). */
  args?: A | ((rank: number) => A);
  /** Address the tcp ranks bind (default 127.0.0.1). */
  host?: string;
  /**
   * mpi: more arguments for mpirun, before the program (`["-x", "MLSD_MPI_TIMEOUT"]`); the command is $MPIRUN or
   * mpirun. The ranks exchange their job and results with this process through a folder under os.tmpdir(), so
   * ranks on other hosts (`--hostfile`) need that folder shared; otherwise start them with `mpirun ... mlsd worker`.
   */
  mpirunArgs?: string[];
  /** mpi: how long a rank waits in one collective before it fails and ends the job (default: MLSD_MPI_TIMEOUT or 300 s). */
  timeoutMs?: number;
}

/** Messages from a rank to the launcher. */
export type RankMessage = { type: "bound"; endpoint: string } | { type: "done"; result: unknown } | { type: "failed"; message: string; stack?: string };

function compiled(name: string): string {
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url));
  if (!existsSync(path)) throw new InputError(`launch: the compiled worker entry (${name}) is missing; import mlsd/distributed from the built package (npm run build).`);
  return path;
}

/** The entry as a file URL string, checked to exist. */
function entryUrl(entry: string | URL): string {
  const url = entry instanceof URL ? entry : entry.startsWith("file:") ? new URL(entry) : pathToFileURL(entry);
  if (!existsSync(fileURLToPath(url))) throw new InputError(`launch: the worker module '${fileURLToPath(url)}' does not exist.`);
  return url.href;
}

/**
 * Runs the worker module's function on `workers` ranks and resolves with each rank's result, in rank order.
 * @example const sums = await launch(new URL("./my-worker.js", import.meta.url), { workers: 4 })
 */
export async function launch<R = unknown, A = unknown>(entry: string | URL, options: LaunchOptions<A>): Promise<R[]> {
  const N = options.workers;
  if (!(Number.isInteger(N) && N >= 1)) throw new InputError(`launch: 'workers' must be an integer >= 1; got ${N}.`);
  const transport = options.transport ?? "threads";
  if (transport !== "threads" && transport !== "tcp" && transport !== "mpi") throw new InputError(`launch: 'transport' must be "threads", "tcp" or "mpi"; got ${JSON.stringify(transport)}.`);
  const url = entryUrl(entry);
  const argsOf = (r: number) => (typeof options.args === "function" ? (options.args as (rank: number) => A)(r) : options.args);
  if (transport === "mpi") return runMpi<R>(compiled("mpi-main.js"), url, N, argsOf, options);
  const main = compiled("worker-main.js");
  return transport === "threads" ? runThreads<R>(main, url, N, argsOf) : runProcesses<R>(main, url, N, argsOf, options.host ?? "127.0.0.1");
}

/** Collects one result per rank; the first failure stops every rank and rejects. */
function gather<R>(N: number, stopAll: () => void) {
  const results = new Array<R>(N);
  const reported = new Set<number>();
  let done = 0;
  let settled = false;
  let resolve!: (r: R[]) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<R[]>((res, rej) => ((resolve = res), (reject = rej)));
  let waiting: ReturnType<typeof setTimeout> | undefined;
  const settle = (err: Error) => {
    if (settled) return;
    settled = true;
    clearTimeout(waiting);
    stopAll();
    reject(err);
  };
  return {
    promise,
    ok(rank: number, result: R) {
      results[rank] = result;
      reported.add(rank);
      if (++done === N && !settled) {
        settled = true;
        resolve(results);
      }
    },
    fail(rank: number, message: string, stack?: string) {
      if (settled) return;
      const err = new Error(`rank ${rank} of ${N} failed: ${message}`);
      if (stack) err.stack = `${err.message}\n(rank ${rank}) ${stack}`;
      // A peer that saw rank K leave often reports before rank K's own error arrives: give the cause a moment
      // to arrive, so the job's error names the rank that failed and why.
      const consequence = /^rank (\d+) left the job/.exec(message);
      if (consequence && Number(consequence[1]) !== rank && !reported.has(Number(consequence[1]))) {
        if (!waiting) waiting = setTimeout(() => settle(err), 1000);
        return;
      }
      settle(err);
    },
    /** A rank ended: an error unless it reported its result first. */
    exited(rank: number, how: string) {
      if (!reported.has(rank)) this.fail(rank, `it exited (${how}) before returning a result`);
    },
  };
}

function runThreads<R>(main: string, url: string, N: number, argsOf: (r: number) => unknown): Promise<R[]> {
  const ports = threadPorts(N);
  // One memory for the whole job: the threads' all-reduce sums in place on it.
  const memory = sharedMemory();
  const threads: Worker[] = [];
  const g = gather<R>(N, () => threads.forEach((t) => void t.terminate()));
  for (let rank = 0; rank < N; rank++) {
    const own = ports[rank]!.filter((p): p is NonNullable<typeof p> => p !== null);
    const t = new Worker(main, { workerData: { entry: url, rank, size: N, args: argsOf(rank), ports: ports[rank], memory }, transferList: own });
    threads.push(t);
    t.on("message", (m: RankMessage) => {
      if (m.type === "done") g.ok(rank, m.result as R);
      else if (m.type === "failed") g.fail(rank, m.message, m.stack);
    });
    t.on("error", (err) => g.fail(rank, err.message, err.stack));
    t.on("exit", (code) => g.exited(rank, `code ${code}`));
  }
  return g.promise;
}

function runProcesses<R>(main: string, url: string, N: number, argsOf: (r: number) => unknown, host: string): Promise<R[]> {
  const children: ChildProcess[] = [];
  const g = gather<R>(N, () => children.forEach((c) => c.kill("SIGKILL")));
  const endpoints = new Array<string>(N);
  let bound = 0;
  for (let rank = 0; rank < N; rank++) {
    // "advanced" serialization carries typed arrays and Maps to the child as they are.
    const child = fork(main, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.push(child);
    child.on("message", (m: RankMessage) => {
      if (m.type === "bound") {
        endpoints[rank] = m.endpoint;
        if (++bound === N) for (const c of children) c.send({ type: "peers", endpoints });
      } else if (m.type === "done") g.ok(rank, m.result as R);
      else if (m.type === "failed") g.fail(rank, m.message, m.stack);
    });
    child.on("error", (err) => g.fail(rank, err.message, err.stack));
    child.on("close", (code, signal) => g.exited(rank, signal ?? `code ${code}`));
    child.send({ type: "start", entry: url, rank, size: N, endpoint: `tcp://${host}:*`, args: argsOf(rank) });
  }
  return g.promise;
}

/** Open MPI's mpirun wants --oversubscribe for more ranks than cores, and --allow-run-as-root as root; MPICH's needs neither. */
function mpirunFlags(command: string): string[] {
  const version = spawnSync(command, ["--version"], { encoding: "utf8" });
  if (version.error) throw new InputError(`launch: transport "mpi" needs ${command} on PATH (Debian: apt-get install openmpi-bin libopenmpi-dev); ${version.error.message}.`);
  if (!/Open MPI|OpenRTE|PRRTE/i.test(`${version.stdout}${version.stderr}`)) return [];
  return ["--oversubscribe", ...(process.getuid?.() === 0 ? ["--allow-run-as-root"] : [])];
}

/**
 * mpirun -np N node mpi-main.js <folder>: the job and each rank's arguments go in through the folder and
 * the ranks' reports come back through it (mpirun gives no channel back to this process).
 */
async function runMpi<R>(main: string, url: string, N: number, argsOf: (r: number) => unknown, options: LaunchOptions<unknown>): Promise<R[]> {
  if (!mpiAvailable()) throw new InputError(`launch: transport "mpi" is unavailable: ${mpiStatus()}.`);
  const command = process.env["MPIRUN"] || "mpirun";
  const timeoutMs = options.timeoutMs ?? defaultMpiTimeoutMs();
  if (!(timeoutMs > 0)) throw new InputError(`launch: 'timeoutMs' must be positive; got ${timeoutMs}.`);
  const flags = mpirunFlags(command);
  const dir = mkdtempSync(join(tmpdir(), "mlsd-mpi-"));
  try {
    writeFileSync(join(dir, "job.bin"), serialize({ entry: url, timeoutMs } satisfies MpiJob));
    for (let r = 0; r < N; r++) writeFileSync(join(dir, `args-${r}.bin`), serialize(argsOf(r)));
    const child = spawn(command, [...flags, "-np", String(N), ...(options.mpirunArgs ?? []), process.execPath, main, dir], { stdio: ["ignore", "inherit", "pipe"] });
    // mpirun's own messages go to stderr: passed on, and their end kept for the error.
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => {
      process.stderr.write(d);
      stderr = (stderr + String(d)).slice(-4000);
    });
    const how = await new Promise<string>((resolve, reject) => {
      child.once("error", (err) => reject(new InputError(`launch: could not start ${command}: ${err.message}.`)));
      child.once("close", (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    });
    const reports = Array.from({ length: N }, (_, r) => {
      const file = join(dir, `rank-${r}.bin`);
      return existsSync(file) ? (deserialize(readFileSync(file)) as MpiReport) : undefined;
    });
    if (how === "code 0" && reports.every((m) => m?.type === "done")) return reports.map((m) => (m as { result: R }).result);
    throw mpiFailure(reports, N, how, stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error of a failed MPI job, naming the rank that caused it: one that failed, else one that died, else one the launcher stopped. */
function mpiFailure(reports: (MpiReport | undefined)[], N: number, how: string, stderr: string): Error {
  const tail = stderr.replace(/-{20,}/g, "").replace(/\s+/g, " ").trim().slice(-600);
  const said = tail ? `; mpirun: ${tail}` : "";
  const own = reports.findIndex((m) => m?.type === "failed" && !m.stopped);
  if (own >= 0) {
    const m = reports[own] as Extract<MpiReport, { type: "failed" }>;
    // After a timeout, the ranks the launcher stopped outside any collective are the likely culprits.
    const outside = reports.flatMap((s, r) => (s?.type === "failed" && s.stopped?.waitingIn === "" ? [r] : []));
    const err = new Error(`rank ${own} of ${N} failed: ${m.message}${outside.length ? ` (stopped outside any collective when the job ended: rank ${outside.join(", ")})` : ""}`);
    if (m.stack) err.stack = `${err.message}\n(rank ${own}) ${m.stack}`;
    return err;
  }
  // Open MPI names a rank that died: "process rank 1 with PID ... exited on signal 9 (Killed)".
  const named = /process rank (\d+)/.exec(stderr);
  const silent = reports.findIndex((m) => m === undefined);
  const dead = named && reports[Number(named[1])] === undefined ? Number(named[1]) : silent;
  if (dead >= 0) return new Error(`rank ${dead} of ${N} failed: it exited before returning a result (mpirun ended with ${how}${said})`);
  const stopped = reports.findIndex((m) => m?.type === "failed");
  if (stopped >= 0) return new Error(`rank ${stopped} of ${N} failed: ${(reports[stopped] as { message: string }).message} (mpirun ended with ${how}${said})`);
  return new Error(`the MPI job failed: every rank returned, but mpirun ended with ${how}${said}`);
}
