/**
 * Collectives run by every rank of a job over a `Transport`, in place on each rank's own buffer: ring
 * all-reduce (reduce-scatter then all-gather, bucket by bucket, as Horovod and PyTorch DDP do it; between
 * threads that share memory, the same two phases in place on it, see shared-memory.ts), all-reduce
 * through parameter servers, broadcast and barrier. On a transport with its own collectives (MPI), those do
 * the work by default: MPI_Allreduce, MPI_Bcast, MPI_Barrier. Every rank must call the same collectives in the
 * same order, as MPI requires; each call gets its own message tag.
 */
import { InputError } from "../core/errors.js";
import { chunkBounds } from "./allreduce.js";
import type { Transport } from "./transport.js";

export interface CollectiveStats {
  /** Bytes this rank sent (NaN for "mpi": the MPI library picks its algorithm and does not say). */
  bytesSent: number;
  /** Sequential communication steps this rank took (NaN for "mpi"). */
  steps: number;
}

export interface AllReduceOptions {
  /** "mpi": the MPI library's own MPI_Allreduce, the default on the mpi transport (elsewhere "ring"). */
  algorithm?: "ring" | "parameter-server" | "mpi";
  /** Ring: gradients are reduced in buckets of this many bytes (DDP's default is 25 MiB). */
  bucketBytes?: number;
  /** Parameter server: how many ranks (0 to servers - 1) each own a shard. */
  servers?: number;
  /** Divide the sum by the number of ranks (default true: gradients are averaged). */
  average?: boolean;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** dst[offset + k] += src[k]: its own small function, so V8 optimises it once for every chunk and step. */
function addInto(dst: Float32Array, offset: number, src: Float32Array): void {
  const n = src.length;
  for (let k = 0; k < n; k++) dst[offset + k]! += src[k]!;
}

/**
 * The collectives of one rank. Tags count calls, so messages of consecutive collectives never mix.
 * @example const c = new Collectives(transport); await c.allReduce(gradients); // every rank: the mean
 */
export class Collectives {
  private seq = 0;
  constructor(readonly transport: Transport) {}

  get rank(): number {
    return this.transport.rank;
  }
  get size(): number {
    return this.transport.size;
  }

  /**
   * A Float32Array of `length` zeros that the ranks' all-reduce reads where it lies (in the threads' shared
   * memory, as MPI_Alloc_mem gives memory MPI reaches directly); a plain Float32Array on other transports.
   * @example const grads = ctx.collectives.alloc(model.size); await ctx.collectives.allReduce(grads)
   */
  alloc(length: number): Float32Array {
    return this.transport.shared ? this.transport.shared.alloc(length) : new Float32Array(length);
  }

  /** Sums (or averages) `buf` over all ranks, in place; every rank ends with the same values. */
  async allReduce(buf: Float32Array, options: AllReduceOptions = {}): Promise<CollectiveStats> {
    if (!(buf instanceof Float32Array)) throw new InputError(`allReduce: 'buf' must be a Float32Array; got ${Object.prototype.toString.call(buf)}.`);
    const native = this.transport.native;
    const algorithm = options.algorithm ?? (native ? "mpi" : "ring");
    const tag = this.seq++;
    let stats: CollectiveStats;
    if (algorithm === "mpi") {
      if (!native) throw new InputError(`allReduce: 'algorithm' "mpi" needs the mpi transport (launch with transport: "mpi", or mpirun ... mlsd worker); this job's transport has no MPI.`);
      await native.allReduce(buf);
      stats = { bytesSent: NaN, steps: NaN };
    } else if (algorithm === "ring" && this.transport.shared) stats = this.sharedRing(buf);
    else if (algorithm === "ring") stats = await this.ring(buf, tag, options.bucketBytes ?? 25 * 2 ** 20);
    else if (algorithm === "parameter-server") stats = await this.parameterServer(buf, tag, options.servers ?? 1);
    else throw new InputError(`allReduce: 'algorithm' must be "ring", "parameter-server" or "mpi"; got ${JSON.stringify(algorithm)}.`);
    if (options.average ?? true) for (let k = 0; k < buf.length; k++) buf[k]! /= this.size;
    return stats;
  }

  /** Reduce-scatter and all-gather in place on shared memory: each rank reads 2 (N - 1) / N of the buffer from its peers. */
  private sharedRing(buf: Float32Array): CollectiveStats {
    this.transport.shared!.allReduce(buf);
    const N = this.size;
    const chunks = chunkBounds(0, buf.length, N);
    const [a, z] = chunks[this.rank]!;
    return { bytesSent: N === 1 ? 0 : ((N - 1) * (z - a) + (buf.length - (z - a))) * 4, steps: N === 1 ? 0 : 2 };
  }

  private async ring(buf: Float32Array, tag: number, bucketBytes: number): Promise<CollectiveStats> {
    if (!(bucketBytes >= 4)) throw new InputError(`allReduce: 'bucketBytes' must be at least 4; got ${bucketBytes}.`);
    const { transport: t, size: N, rank: r } = this;
    const right = mod(r + 1, N);
    const left = mod(r - 1, N);
    const bucket = Math.floor(bucketBytes / 4);
    let bytesSent = 0;
    let steps = 0;
    if (N === 1) return { bytesSent, steps };
    for (let b0 = 0; b0 < buf.length; b0 += bucket) {
      const parts = chunkBounds(b0, Math.min(buf.length, b0 + bucket), N);
      // Reduce-scatter: at step s, send chunk r - s to the right, add chunk r - s - 1 from the left; after
      // N - 1 steps this rank holds the full sum of chunk r + 1.
      for (let s = 0; s < N - 1; s++, steps++) {
        const [a, z] = parts[mod(r - s, N)]!;
        const sent = t.send(right, tag, buf.subarray(a, z));
        const [c] = parts[mod(r - s - 1, N)]!;
        const got = await t.recv(left, tag);
        await sent;
        addInto(buf, c, got);
        t.recycle?.(got);
        bytesSent += (z - a) * 4;
      }
      // All-gather: pass the summed chunks around the ring.
      for (let s = 0; s < N - 1; s++, steps++) {
        const [a, z] = parts[mod(r + 1 - s, N)]!;
        const sent = t.send(right, tag, buf.subarray(a, z));
        const [c] = parts[mod(r - s, N)]!;
        const got = await t.recv(left, tag);
        buf.set(got, c);
        t.recycle?.(got);
        await sent;
        bytesSent += (z - a) * 4;
      }
    }
    return { bytesSent, steps };
  }

  private async parameterServer(buf: Float32Array, tag: number, servers: number): Promise<CollectiveStats> {
    const { transport: t, size: N, rank: r } = this;
    if (!(Number.isInteger(servers) && servers >= 1 && servers <= N)) throw new InputError(`allReduce: 'servers' must be an integer in [1, ${N}] (servers are ranks); got ${servers}.`);
    const shards = chunkBounds(0, buf.length, servers);
    let bytesSent = 0;
    // Push: every rank sends each shard to the rank that serves it.
    const pushes = shards.map(([a, z], s) => {
      if (s === r) return Promise.resolve();
      bytesSent += (z - a) * 4;
      return t.send(s, tag, buf.subarray(a, z));
    });
    if (r < servers) {
      // Serve: sum the shard in rank order (the same order on every run), then send the sum to every rank.
      const [a, z] = shards[r]!;
      const sum = new Float32Array(z - a);
      for (let w = 0; w < N; w++) addInto(sum, 0, w === r ? buf.subarray(a, z) : await t.recv(w, tag));
      buf.set(sum, a);
      for (let w = 0; w < N; w++) {
        if (w === r) continue;
        bytesSent += sum.byteLength;
        await t.send(w, tag, sum);
      }
    }
    await Promise.all(pushes);
    // Pull: the sums of the other shards.
    for (let s = 0; s < servers; s++) {
      if (s === r) continue;
      buf.set(await t.recv(s, tag), shards[s]![0]);
    }
    return { bytesSent, steps: 2 };
  }

  /** Copies `root`'s `buf` into every rank's `buf` (DDP does this with the initial weights). */
  async broadcast(buf: Float32Array, root = 0): Promise<void> {
    const { transport: t, size: N, rank: r } = this;
    if (!(Number.isInteger(root) && root >= 0 && root < N)) throw new InputError(`broadcast: 'root' must be a rank in [0, ${N}); got ${root}.`);
    const tag = this.seq++;
    if (t.native) return t.native.broadcast(buf, root);
    if (r === root) await Promise.all(Array.from({ length: N }, (_, w) => (w === r ? undefined : t.send(w, tag, buf))));
    else buf.set(await t.recv(root, tag));
  }

  /** Resolves when every rank has reached it. */
  async barrier(): Promise<void> {
    const { transport: t, size: N, rank: r } = this;
    const tag = this.seq++;
    if (t.native) return t.native.barrier();
    // Threads: the shared memory's Atomics barrier, which lets every rank go within microseconds of the last
    // arrival (a message from rank 0 wakes each peer's event loop tens of microseconds apart).
    if (t.shared) return t.shared.barrier();
    const empty = new Float32Array(0);
    if (r === 0) {
      for (let w = 1; w < N; w++) await t.recv(w, tag);
      for (let w = 1; w < N; w++) await t.send(w, tag, empty);
    } else {
      await t.send(0, tag, empty);
      await t.recv(0, tag);
    }
  }
}
