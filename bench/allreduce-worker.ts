/** The worker of bench/allreduce: times ring all-reduce of one buffer size on every rank. */
import type { WorkerContext } from "../lib/distributed/index.js";

export default async function worker(ctx: WorkerContext<{ values: number; repeats: number; bucketBytes: number }>): Promise<number[]> {
  const buf = new Float32Array(ctx.args.values).fill(ctx.rank + 1);
  // Warm-up: V8 optimises the reduction loop after it has run a few times.
  for (let r = 0; r < 3; r++) await ctx.collectives.allReduce(buf, { bucketBytes: ctx.args.bucketBytes });
  const times: number[] = [];
  for (let r = 0; r < ctx.args.repeats; r++) {
    await ctx.collectives.barrier();
    const t = performance.now();
    await ctx.collectives.allReduce(buf, { bucketBytes: ctx.args.bucketBytes, average: false });
    times.push(performance.now() - t);
  }
  return times;
}
