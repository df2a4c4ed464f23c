/**
 * All-reduce between real workers, timed: the algorithm bandwidth (buffer bytes over time) and the bus
 * bandwidth (times 2(N - 1)/N, the share each rank's link carries in a ring, as nccl-tests reports it).
 */
import { InputError } from "../core/errors.js";
import type { AllReduceBenchArgs, AllReduceBenchTimes } from "./allreduce-bench-worker.js";
import type { AllReduceOptions } from "./collectives.js";
import { launch } from "./launch.js";

export interface AllReduceTiming {
  workers: number;
  transport: "threads" | "tcp" | "mpi";
  bytes: number;
  /** Median over repeats of the slowest rank's time. */
  ms: number;
  algorithmGBps: number;
  busGBps: number;
  /** With `memcpy`: rank 0's one-thread copy of its buffer into another of the same kind, median GB/s, timed right after each all-reduce. */
  memcpyGBps?: number;
  /** The fastest repeat's all-reduce time and the fastest copy's GB/s (with `memcpy`): what the machine gives when nothing else runs. */
  bestMs: number;
  bestMemcpyGBps?: number;
}

/**
 * `alloc: true` reduces a buffer from `collectives.alloc` (on threads: in place on the shared memory);
 * `memcpy: true` also times rank 0 copying its buffer, after each all-reduce, as the reference;
 * `iterations`: all-reduces (and copies) per repeat, back to back, timed together.
 * @example await measureAllReduce({ workers: 4, bytes: 16 * 2 ** 20 }) // { ms, algorithmGBps, busGBps, ... }
 */
export async function measureAllReduce(o: { workers: number; bytes: number; transport?: "threads" | "tcp" | "mpi"; repeats?: number; options?: AllReduceOptions; alloc?: boolean; memcpy?: boolean; iterations?: number }): Promise<AllReduceTiming> {
  if (o.iterations !== undefined && !(Number.isInteger(o.iterations) && o.iterations >= 1)) throw new InputError(`measureAllReduce: 'iterations' must be an integer >= 1; got ${o.iterations}.`);
  if (!(Number.isInteger(o.bytes) && o.bytes >= 4 && o.bytes % 4 === 0)) throw new InputError(`measureAllReduce: 'bytes' must be a positive multiple of 4 (float32 values); got ${o.bytes}.`);
  const repeats = o.repeats ?? 5;
  const transport = o.transport ?? "threads";
  const runs = await launch<AllReduceBenchTimes, AllReduceBenchArgs>(new URL("./allreduce-bench-worker.js", import.meta.url), { workers: o.workers, transport, args: { values: o.bytes / 4, repeats, options: o.options ?? {}, alloc: o.alloc ?? false, memcpy: o.memcpy ?? false, iterations: o.iterations ?? 1 } });
  const slowest = Array.from({ length: repeats }, (_, r) => Math.max(...runs.map((t) => t.times[r]!))).sort((a, b) => a - b);
  const ms = slowest[Math.floor(repeats / 2)]!;
  const algorithmGBps = o.bytes / (ms / 1e3) / 1e9;
  const busGBps = (algorithmGBps * 2 * (o.workers - 1)) / o.workers;
  const timing: AllReduceTiming = { workers: o.workers, transport, bytes: o.bytes, ms, algorithmGBps, busGBps, bestMs: slowest[0]! };
  const copies = [...runs[0]!.copies].sort((a, b) => a - b);
  if (copies.length) {
    timing.memcpyGBps = o.bytes / (copies[Math.floor(copies.length / 2)]! / 1e3) / 1e9;
    timing.bestMemcpyGBps = o.bytes / (copies[0]! / 1e3) / 1e9;
  }
  return timing;
}
