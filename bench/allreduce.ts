/**
 * Ring all-reduce between real workers, against a single-thread memory copy and the 2(N - 1)/N bound:
 *   npm run build && node dist/bench/allreduce.js [COLUMN ...]   (default: every column, in one run)
 * For N = 2 and 4 workers on worker threads (shared memory: "threads" reduces each rank's own buffer,
 * "threads-alloc" a buffer from `collectives.alloc`; both where they lie with the native sums, native/shm;
 * "-wasm" with WebAssembly, which copies a private buffer in and out of the shared memory) and on
 * processes over TCP loopback (ZeroMQ) and on processes under mpirun ("mpi": Open MPI's own MPI_Allreduce, in
 * place; skipped, and said so, when the MPI binding is not built), and buffers of 1, 4, 16 and 64 MiB: the time of one all-reduce (median of the ranks' slowest), the algorithm
 * bandwidth (buffer bytes / time), the bus bandwidth (algorithm bandwidth x 2(N - 1)/N, what each rank's link
 * carried, as nccl-tests reports it), and that against a memcpy of the same buffer (rank 0 copies its buffer
 * into another of the same kind, warm, right after each timed all-reduce, so both see the same machine load):
 * a ring that moved its 2(N - 1)/N share at memcpy speed would score 1. Medians over the repeats, and the best
 * repeat of each (what the machine gives when nothing else runs on it). A second table times one rank's sums
 * alone on one thread, against a memcpy: the speed of the arithmetic without any waiting for peers.
 */
import { cpus, loadavg } from "node:os";
import { measureAllReduce, mpiAvailable, mpiStatus } from "../lib/distributed/index.js";
import { shmKernels } from "../lib/distributed/shm-native.js";
import { MAX_PAGES, simdKernels, wasm } from "../lib/distributed/simd-kernels.js";

const sizesMiB = [1, 4, 16, 64];
const repeats = 15;
// All-reduces per timed repeat, back to back (as nccl-tests times a loop): 16 MiB per repeat, so that one
// rank's late start does not dominate a 1 MiB all-reduce of a few tens of microseconds.
const iterationsFor = (mib: number) => Math.max(1, Math.round(16 / mib));

// "-wasm": the same with the native sums off (MLSD_SHM_NATIVE=0), the WebAssembly SIMD path that runs where
// native/shm is not built.
const names = ["threads", "threads-alloc", "threads-wasm", "threads-alloc-wasm", "tcp", "mpi"] as const;
type Column = (typeof names)[number];
const all = names.filter((c) => c !== "mpi" || mpiAvailable());
if (!mpiAvailable()) process.stderr.write(`bench:allreduce: no mpi column: ${mpiStatus()}\n`);
// Columns named on the command line (`node dist/bench/allreduce.js threads-alloc`) run alone; none: all of them.
const asked = process.argv.slice(2);
const unknown = asked.filter((c) => !(names as readonly string[]).includes(c));
if (unknown.length) throw new Error(`bench:allreduce: columns are ${names.join(", ")}; got ${unknown.join(", ")}`);
const columns: Column[] = asked.length ? all.filter((c) => asked.includes(c)) : all;
const rows = [
  "| transport | workers | MiB | ms per all-reduce | algorithm GB/s | bus GB/s | memcpy GB/s | bus / memcpy | best ms | best bus / best memcpy |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
];
for (const column of columns)
  for (const workers of [2, 4])
    for (const mib of sizesMiB) {
      const bytes = mib * 2 ** 20;
      const transport = column.startsWith("threads") ? "threads" : (column as "tcp" | "mpi");
      // Worker threads copy process.env when they start.
      if (column.endsWith("-wasm")) process.env["MLSD_SHM_NATIVE"] = "0";
      const t = await measureAllReduce({ workers, transport, bytes, repeats, iterations: iterationsFor(mib), alloc: column.startsWith("threads-alloc"), memcpy: true, options: { bucketBytes: 25 * 2 ** 20 } });
      delete process.env["MLSD_SHM_NATIVE"];
      const copy = t.memcpyGBps!;
      const bestBus = (bytes / (t.bestMs / 1e3) / 1e9) * ((2 * (workers - 1)) / workers);
      rows.push(`| ${column} | ${workers} | ${mib} | ${t.ms.toFixed(2)} | ${t.algorithmGBps.toFixed(2)} | ${t.busGBps.toFixed(2)} | ${copy.toFixed(2)} | ${(t.busGBps / copy).toFixed(3)} | ${t.bestMs.toFixed(2)} | ${(bestBus / t.bestMemcpyGBps!).toFixed(3)} |`);
    }
// One rank's share of a 2-rank all-reduce, on one thread with no peer and no barrier: half of each of two
// buffers summed into both (n values read, n written, as a memcpy of n), by the native sums and by
// WebAssembly, against a memcpy of n, fastest of 15 each: how fast the sums run when nothing waits.
// Private buffers for the memcpy and the native sums (V8 copies shared memory word by word, as relaxed
// atomics, about half as fast), the shared memory for the WebAssembly sums.
const kernelRows = ["| MiB | memcpy GB/s | native sums GB/s | WebAssembly sums GB/s |", "|---:|---:|---:|---:|"];
const fastest = (f: () => void) => {
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
};
const native = shmKernels();
for (const mib of sizesMiB) {
  const bytes = mib * 2 ** 20;
  const memory = new wasm.Memory({ initial: (2 * bytes) / 65536 + 1, maximum: MAX_PAGES, shared: true });
  new Float32Array(memory.buffer).fill(1);
  const [a, b, c] = [1, 2, 0].map((v) => new Float32Array(bytes / 4).fill(v)) as [Float32Array, Float32Array, Float32Array];
  const gbps = (ms: number) => (bytes / (ms / 1e3) / 1e9).toFixed(1);
  const copy = fastest(() => c.set(a));
  const nat = native ? gbps(fastest(() => native.sumEverywhere(Float64Array.of(native.address(a), native.address(b)), 0, bytes / 8))) : "-";
  const k = simdKernels(memory);
  const was = fastest(() => k.both(0, bytes, bytes / 8));
  kernelRows.push(`| ${mib} | ${gbps(copy)} | ${nat} | ${gbps(was)} |`);
}
const load = loadavg().map((l) => l.toFixed(2)).join(", ");
process.stdout.write(`all-reduce, float32, 25 MiB buckets, median (and best) of ${repeats} repeats of 16 MiB of back-to-back all-reduces (one of 64 MiB), memcpy the same way by rank 0 after each repeat; ${cpus().length} cores; load average ${load} at the end; native sums: ${shmKernels()?.isa ?? "not built"}\n\n${rows.join("\n")}\n\none rank's sums of a 2-rank all-reduce on one thread (buffer bytes per second), fastest of 15; memcpy and native sums on private buffers, WebAssembly on its shared memory\n\n${kernelRows.join("\n")}\n`);
