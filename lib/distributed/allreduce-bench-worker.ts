/** The worker of `measureAllReduce`: times all-reduce of one buffer on every rank, after a warm-up. */
import type { AllReduceOptions } from "./collectives.js";
import type { WorkerContext } from "./launch.js";

export interface AllReduceBenchArgs {
  values: number;
  repeats: number;
  options: AllReduceOptions;
  /** Reduce a buffer from `collectives.alloc` (in place on the threads' shared memory) instead of a private one. */
  alloc?: boolean;
  /** All-reduces per timed repeat, back to back (default 1): the time is their mean, as nccl-tests times a loop. */
  iterations?: number;
  /** Rank 0 also times a one-thread copy of its buffer into another of the same kind after each all-reduce. */
  memcpy?: boolean;
}

export interface AllReduceBenchTimes {
  /** Milliseconds of each timed all-reduce (the mean of a repeat's iterations). */
  times: number[];
  /** Milliseconds of each copy (rank 0 with `memcpy`; otherwise empty). */
  copies: number[];
}

export default async function worker(ctx: WorkerContext<AllReduceBenchArgs>): Promise<AllReduceBenchTimes> {
  const { values, alloc, memcpy } = ctx.args;
  const iterations = ctx.args.iterations ?? 1;
  const make = (n: number) => (alloc ? ctx.collectives.alloc(n) : new Float32Array(n));
  const buf = make(values).fill(ctx.rank + 1);
  // The copy's destination, touched once so that its pages are mapped before it is timed.
  const copy = memcpy && ctx.rank === 0 ? make(values).fill(0) : null;
  // V8 optimises the reduction loop after it has run a few times.
  for (let r = 0; r < 3; r++) await ctx.collectives.allReduce(buf, ctx.args.options);
  copy?.set(buf);
  const times: number[] = [];
  const copies: number[] = [];
  for (let r = 0; r < ctx.args.repeats; r++) {
    // Two barriers: while rank 0 timed its copies, its peers waited longer than they poll and went to sleep;
    // the first barrier wakes them (0.2 to 2 ms on a busy machine, which the next all-reduce would otherwise
    // count: on threads, 2 ranks, 4 MiB, the first all-reduce of a repeat took 360 to 400 us against 200 to
    // 260 for the others), the second starts every rank at once, awake, as nccl-tests' timed loop starts.
    await ctx.collectives.barrier();
    await ctx.collectives.barrier();
    const t = performance.now();
    for (let i = 0; i < iterations; i++) await ctx.collectives.allReduce(buf, { ...ctx.args.options, average: false });
    times.push((performance.now() - t) / iterations);
    // Right after, while the peers wait at the next barrier: the copy sees the same machine load.
    if (copy) {
      const c = performance.now();
      for (let i = 0; i < iterations; i++) copy.set(buf);
      copies.push((performance.now() - c) / iterations);
    }
  }
  return { times, copies };
}
