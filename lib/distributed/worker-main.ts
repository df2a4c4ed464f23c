/**
 * The entry of every rank started by `launch` (a worker thread, or a forked process on TCP) and by
 * `mlsd worker` (ranks under mpirun start from mpi-main.ts, which calls `runRank` too): it opens the transport, imports the worker module, runs its function with the rank's
 * context, and reports the result.
 */
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { Collectives } from "./collectives.js";
import type { RankMessage, WorkerFunction } from "./launch.js";
import { SharedGroup } from "./shared-memory.js";
import type { WasmMemory } from "./simd-kernels.js";
import { ThreadTransport, ZmqTransport, type Transport } from "./transport.js";

/** Imports the worker module and runs its function on this rank. */
export async function runRank(entry: string, transport: Transport, args: unknown): Promise<unknown> {
  const mod = (await import(entry)) as { default?: WorkerFunction; worker?: WorkerFunction };
  const fn = mod.default ?? mod.worker;
  if (typeof fn !== "function") throw new Error(`the worker module '${entry}' exports no function (export default async function (ctx) { ... }, or export const worker)`);
  const collectives = new Collectives(transport);
  let result: unknown;
  try {
    result = await fn({ rank: transport.rank, size: transport.size, args, transport, collectives });
    // Nobody leaves while a peer may still need its messages (as MPI_Finalize).
    await collectives.barrier();
  } catch (err) {
    // A failed rank does not wait for its peers (MPI_Finalize would); if the transport cannot part without
    // them, its entry ends the job (MPI_Abort).
    if (transport.abandon) transport.abandon();
    else await transport.close();
    throw err;
  }
  await transport.close();
  return result;
}

/** A failure as the launcher reports it. */
export const failure = (err: unknown): RankMessage => ({ type: "failed", message: (err as Error)?.message ?? String(err), ...((err as Error)?.stack ? { stack: (err as Error).stack! } : {}) });

async function asThread(): Promise<void> {
  const { entry, rank, size, args, ports, memory } = workerData as { entry: string; rank: number; size: number; args: unknown; ports: (MessagePort | null)[]; memory: WasmMemory };
  const shared = new SharedGroup(memory, rank, size);
  try {
    const result = await runRank(entry, new ThreadTransport(rank, size, ports, shared), args);
    parentPort!.postMessage({ type: "done", result } satisfies RankMessage);
  } catch (err) {
    parentPort!.postMessage(failure(err));
    // After the report, so that the job's error names this rank, not a peer left waiting in a collective.
    shared.leave();
  }
}

type Start = { type: "start"; entry: string; rank: number; size: number; endpoint: string; args: unknown };

function asChild(): void {
  const reply = (m: RankMessage) => new Promise<void>((resolve) => process.send!(m, undefined, {}, () => resolve()));
  let transport: ZmqTransport | undefined;
  let start: Start | undefined;
  process.on("message", (m: Start | { type: "peers"; endpoints: string[] }) => {
    void (async () => {
      try {
        if (m.type === "start") {
          start = m;
          const endpoints = Array.from({ length: m.size }, (_, r) => (r === m.rank ? m.endpoint : ""));
          transport = await ZmqTransport.open(m.rank, endpoints, { connect: false });
          await reply({ type: "bound", endpoint: transport.endpoint });
        } else if (m.type === "peers") {
          transport!.connect(m.endpoints);
          const result = await runRank(start!.entry, transport!, start!.args);
          await reply({ type: "done", result });
          process.disconnect();
        }
      } catch (err) {
        await reply(failure(err));
        process.disconnect();
      }
    })();
  });
}

if (!isMainThread && parentPort && (workerData as { entry?: string } | null)?.entry) void asThread();
else if (isMainThread && process.send && process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) asChild();
