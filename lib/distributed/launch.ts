/**
 * Starts the ranks of a job and collects what each returns, as `torchrun` and `horovodrun` do: the same worker
 * function runs on every rank, on worker threads of this process or on child processes that talk over TCP
 * (ZeroMQ). On several machines, start `mlsd worker` on each with the list of every rank's address instead.
 * If any rank fails, the others are stopped and the error names the rank.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import type { Collectives } from "./collectives.js";
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
  /** "threads": worker threads, messages through MessagePorts and all-reduce on shared memory; "tcp": child processes over ZeroMQ. */
  transport?: "threads" | "tcp";
  /** The same for every rank, or a function of the rank (each rank's shard, say). */
  args?: A | ((rank: number) => A);
  /** Address the tcp ranks bind (default 127.0.0.1). */
  host?: string;
}

/** Messages from a rank to the launcher. */
export type RankMessage = { type: "bound"; endpoint: string } | { type: "done"; result: unknown } | { type: "failed"; message: string; stack?: string };

const MAIN = new URL("./worker-main.js", import.meta.url);

function workerMain(): string {
  const path = fileURLToPath(MAIN);
  if (!existsSync(path)) throw new InputError("launch: the compiled worker entry (worker-main.js) is missing; import mlsd/distributed from the built package (npm run build).");
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
  if (transport !== "threads" && transport !== "tcp") throw new InputError(`launch: 'transport' must be "threads" or "tcp"; got ${JSON.stringify(transport)}.`);
  const url = entryUrl(entry);
  const main = workerMain();
  const argsOf = (r: number) => (typeof options.args === "function" ? (options.args as (rank: number) => A)(r) : options.args);
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
      settled = true;
      stopAll();
      const err = new Error(`rank ${rank} of ${N} failed: ${message}`);
      if (stack) err.stack = `${err.message}\n(rank ${rank}) ${stack}`;
      reject(err);
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
