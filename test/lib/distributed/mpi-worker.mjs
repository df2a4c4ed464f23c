// The worker of the MPI tests: for each length in `lens`, each rank fills a buffer from its rank, all-reduces
// it with the options given, and returns what it ended with, then broadcasts from the last rank. `failOn`
// makes one rank fail `failAfter` all-reduces in, while its peers wait in the next: `failHow` "throw" (an
// error), "kill" (SIGKILL: the process dies without a word) or "hang" (it never calls the collective).
export default async function worker(ctx) {
  const { lens, options, failOn, failAfter = 0, failHow = "throw" } = ctx.args;
  const out = [];
  for (const len of lens) {
    if (failOn === ctx.rank && out.length === failAfter) {
      if (failHow === "kill") process.kill(process.pid, "SIGKILL");
      if (failHow === "hang") await new Promise((resolve) => setTimeout(resolve, 600_000));
      throw new Error(`planned failure on rank ${ctx.rank}`);
    }
    const buf = new Float32Array(len);
    for (let k = 0; k < len; k++) buf[k] = Math.sin(1 + ctx.rank * 7919 + k * 0.37) * (ctx.rank + 1);
    const stats = await ctx.collectives.allReduce(buf, options);
    out.push({ buf: Float32Array.from(buf), stats });
  }
  const root = new Float32Array([ctx.rank, 42]);
  await ctx.collectives.broadcast(root, ctx.size - 1);
  await ctx.collectives.barrier();
  return { rank: ctx.rank, size: ctx.size, library: ctx.transport.native?.library ?? null, ucxMemEvents: process.env.UCX_MEM_EVENTS ?? null, out, root };
}
