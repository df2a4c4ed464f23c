/**
 * Gradient all-reduce between data-parallel workers, message by message: ring all-reduce (reduce-scatter, then
 * all-gather, over buckets, as Horovod and PyTorch DDP do it) and a parameter server (workers push their
 * gradients to sharded servers, which sum them and send the result back). Both return the averaged gradients
 * for every worker and count the bytes each worker sends, the quantity a network prices.
 */
import { InputError } from "../core/errors.js";

export interface AllReduceResult {
  /** The averaged gradients, one copy per worker (identical). */
  results: Float32Array[];
  /** Bytes sent by each worker. */
  bytesSent: number[];
  /** Sequential communication steps (each a round of simultaneous messages). */
  steps: number;
}

function check(buffers: Float32Array[], owner: string): number {
  if (!Array.isArray(buffers) || buffers.length < 1) throw new InputError(`${owner}: give one gradient buffer per worker (at least 1).`);
  const n = buffers[0]!.length;
  buffers.forEach((b, i) => {
    if (!(b instanceof Float32Array)) throw new InputError(`${owner}: buffer ${i} must be a Float32Array.`);
    if (b.length !== n) throw new InputError(`${owner}: buffer ${i} has ${b.length} values, buffer 0 has ${n}; every worker must send the same model's gradients.`);
  });
  return n;
}

/** Chunk boundaries: `parts` nearly equal pieces of [start, end). @example chunkBounds(0, 10, 3) // [[0, 3], [3, 6], [6, 10]] */
export function chunkBounds(start: number, end: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) out.push([start + Math.floor(((end - start) * p) / parts), start + Math.floor(((end - start) * (p + 1)) / parts)]);
  return out;
}

/**
 * Ring all-reduce: with N workers each bucket is cut into N chunks; in N - 1 reduce-scatter steps each worker
 * sends one chunk to its right neighbour, which adds it to its own, so every worker ends up owning one fully
 * summed chunk; N - 1 all-gather steps then pass the summed chunks around. Each worker sends 2 (N - 1) / N of
 * the gradient size, whatever N.
 * @example ringAllReduce(workers.map((w) => w.gradients), { bucketBytes: 25 * 2 ** 20 }).results[0]
 */
export function ringAllReduce(buffers: Float32Array[], options: { bucketBytes?: number; average?: boolean } = {}): AllReduceResult {
  const len = check(buffers, "ringAllReduce");
  const N = buffers.length;
  const work = buffers.map((b) => Float32Array.from(b));
  const bytesSent = new Array<number>(N).fill(0);
  const bucket = Math.max(1, Math.floor((options.bucketBytes ?? 25 * 2 ** 20) / 4));
  let steps = 0;
  for (let b0 = 0; b0 < len; b0 += bucket) {
    const parts = chunkBounds(b0, Math.min(len, b0 + bucket), N);
    // Reduce-scatter: at step s, worker w sends chunk (w - s) mod N to worker w + 1.
    for (let s = 0; s < N - 1; s++, steps++) {
      const sent = work.map((buf, w) => {
        const [a, z] = parts[(((w - s) % N) + N) % N]!;
        return buf.slice(a, z);
      });
      for (let w = 0; w < N; w++) {
        const to = (w + 1) % N;
        const [a] = parts[(((w - s) % N) + N) % N]!;
        const msg = sent[w]!;
        for (let k = 0; k < msg.length; k++) work[to]![a + k]! += msg[k]!;
        bytesSent[w]! += msg.byteLength;
      }
    }
    // All-gather: worker w now owns chunk (w + 1) mod N; pass owned chunks around the ring.
    for (let s = 0; s < N - 1; s++, steps++) {
      const sent = work.map((buf, w) => {
        const [a, z] = parts[(((w + 1 - s) % N) + N) % N]!;
        return buf.slice(a, z);
      });
      for (let w = 0; w < N; w++) {
        const to = (w + 1) % N;
        const [a] = parts[(((w + 1 - s) % N) + N) % N]!;
        work[to]!.set(sent[w]!, a);
        bytesSent[w]! += sent[w]!.byteLength;
      }
    }
  }
  if (options.average ?? true) for (const buf of work) for (let k = 0; k < len; k++) buf[k]! /= N;
  return { results: work, bytesSent, steps };
}

/**
 * Parameter server: the gradient is sharded over `servers`; every worker pushes each shard to its server, the
 * servers sum, and every worker pulls the sums back. Each worker sends the full gradient size, and each server
 * receives N times its shard: the servers' links are the bottleneck as N grows.
 * @example parameterServerAllReduce(workers.map((w) => w.gradients), { servers: 2 })
 */
export function parameterServerAllReduce(buffers: Float32Array[], options: { servers?: number; average?: boolean } = {}): AllReduceResult & { serverBytesReceived: number[] } {
  const len = check(buffers, "parameterServerAllReduce");
  const N = buffers.length;
  const S = options.servers ?? 1;
  if (!(Number.isInteger(S) && S >= 1)) throw new InputError(`parameterServerAllReduce: 'servers' must be an integer >= 1; got ${S}.`);
  const shards = chunkBounds(0, len, S);
  const sums = new Float32Array(len);
  const bytesSent = new Array<number>(N).fill(0);
  const serverBytesReceived = new Array<number>(S).fill(0);
  buffers.forEach((buf, w) =>
    shards.forEach(([a, z], s) => {
      for (let k = a; k < z; k++) sums[k]! += buf[k]!;
      bytesSent[w]! += (z - a) * 4;
      serverBytesReceived[s]! += (z - a) * 4;
    }),
  );
  if (options.average ?? true) for (let k = 0; k < len; k++) sums[k]! /= N;
  return { results: buffers.map(() => Float32Array.from(sums)), bytesSent, steps: 2, serverBytesReceived };
}
