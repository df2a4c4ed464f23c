/**
 * Ring all-reduce between real workers, against a single-thread memory copy and the 2(N - 1)/N bound:
 *   npm run build && node dist/bench/allreduce.js
 * For N = 2 and 4 workers on worker threads (shared memory: "threads" reduces each rank's own buffer, copied
 * in and out of the shared memory; "threads-alloc" a buffer from `collectives.alloc`, in place) and on
 * processes over TCP loopback (ZeroMQ) and on processes under mpirun ("mpi": Open MPI's own MPI_Allreduce, in
 * place; skipped, and said so, when the MPI binding is not built), and buffers of 1, 4, 16 and 64 MiB: the time of one all-reduce (median of the ranks' slowest), the algorithm
 * bandwidth (buffer bytes / time), the bus bandwidth (algorithm bandwidth x 2(N - 1)/N, what each rank's link
 * carried, as nccl-tests reports it), and that against a memcpy of the same buffer: a ring that moved its
 * 2(N - 1)/N share at memcpy speed would score 1.
 */
import { cpus } from "node:os";
import { measureAllReduce, mpiAvailable, mpiStatus } from "../lib/distributed/index.js";

const sizesMiB = [1, 4, 16, 64];
const repeats = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function memcpyGBps(bytes: number): number {
  const a = new Float32Array(bytes / 4).fill(1);
  const b = new Float32Array(bytes / 4);
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    b.set(a);
    times.push(performance.now() - t);
  }
  return bytes / (median(times) / 1e3) / 1e9;
}

const rows = ["| transport | workers | MiB | ms per all-reduce | algorithm GB/s | bus GB/s | memcpy GB/s | bus / memcpy |", "|---|---:|---:|---:|---:|---:|---:|---:|"];
const columns = ["threads", "threads-alloc", "tcp", ...(mpiAvailable() ? (["mpi"] as const) : [])] as const;
if (!mpiAvailable()) process.stderr.write(`bench:allreduce: no mpi column: ${mpiStatus()}\n`);
for (const column of columns)
  for (const workers of [2, 4])
    for (const mib of sizesMiB) {
      const bytes = mib * 2 ** 20;
      const transport = column === "threads-alloc" ? "threads" : column;
      const { ms, algorithmGBps: alg, busGBps: bus } = await measureAllReduce({ workers, transport, bytes, repeats, alloc: column === "threads-alloc", options: { bucketBytes: 25 * 2 ** 20 } });
      const copy = memcpyGBps(bytes);
      rows.push(`| ${column} | ${workers} | ${mib} | ${ms.toFixed(1)} | ${alg.toFixed(2)} | ${bus.toFixed(2)} | ${copy.toFixed(2)} | ${(bus / copy).toFixed(3)} |`);
    }
process.stdout.write(`all-reduce, float32, 25 MiB buckets, median of ${repeats}; ${cpus().length} cores\n\n${rows.join("\n")}\n`);
