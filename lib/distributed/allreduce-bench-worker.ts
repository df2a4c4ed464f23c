/** The worker of `measureAllReduce`: times all-reduce of one buffer on every rank, after a warm-up. */
import type { AllReduceOptions } from "./collectives.js";
import type { WorkerContext } from "./launch.js";

export interface AllReduceBenchArgs {
  values: number;
  repeats: number;
  options: AllReduceOptions;
  /** Reduce a buffer from `collectives.alloc` (in place on the threads' shared memory) instead of a private one. */
  alloc?: boolean;
}

export default async function worker(ctx: WorkerContext<AllReduceBenchArgs>): Promise<number[]> {
  const buf = (ctx.args.alloc ? ctx.collectives.alloc(ctx.args.values) : new Float32Array(ctx.args.values)).fill(ctx.rank + 1);
  // V8 optimises the reduction loop after it has run a few times.
  for (let r = 0; r < 3; r++) await ctx.collectives.allReduce(buf, ctx.args.options);
  const times: number[] = [];
  for (let r = 0; r < ctx.args.repeats; r++) {
    await ctx.collectives.barrier();
    const t = performance.now();
    await ctx.collectives.allReduce(buf, { ...ctx.args.options, average: false });
    times.push(performance.now() - t);
  }
  return times;
}
