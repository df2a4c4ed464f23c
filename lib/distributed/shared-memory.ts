/**
 * All-reduce between the worker threads of one process, in place over shared memory: rank r sums chunk r of
 * every rank's buffer (reduce-scatter) and the sums reach every rank (all-gather), with Atomics barriers
 * between, as NCCL and MPI do between the GPUs or processes of one node. No message is built or posted.
 * With the native sums (native/shm, shm-native.ts) every buffer is read and written where it lies, private or
 * not; without them, the WebAssembly SIMD kernels work on one shared WasmMemory: a buffer from `alloc` lies in
 * it, a private one is copied in and out.
 * Each value is summed by one rank, in rank order 0 to N - 1, so the result is the same on every rank and on
 * every run, on either path.
 */
import { availableParallelism } from "node:os";
import { InputError } from "../core/errors.js";
import { chunkBounds } from "./allreduce.js";
import { shmKernels, type ShmKernels } from "./shm-native.js";
import { MAX_PAGES, simdKernels, wasm, type SimdKernels, type WasmMemory } from "./simd-kernels.js";

// The first page holds the control words (int32 indices), the second each rank's buffer address for the
// native sums (float64 r), the third and fourth each rank's buffer length; buffers are allocated above them.
const COUNT = 0; // ranks arrived at the barrier
const GENERATION = 1; // barriers passed
const LOCK = 2; // allocation lock
const TOP = 3; // first free byte
const ABORT = 4; // 1 + the rank that left the job while others may wait for it
const CLAIM = 5; // native sums: blocks claimed, over every all-reduce so far (int32, wrapping)
const DONE = 6; // native sums: blocks summed, likewise
const POINTERS = 16; // POINTERS + r: byte offset of rank r's buffer in the current collective
const PAGE = 65536;
/** Most ranks one memory serves (their pointers fit in the first page). */
export const MAX_SHARED_RANKS = PAGE / 4 - POINTERS;
// How long a rank polls at a barrier before it sleeps (ms; MLSD_SHM_SPIN_MS to tune). Peers that are running
// arrive within microseconds. In JavaScript (without native/shm) longer polling measured slower on a busy
// machine (2 ranks, 4 MiB, 2 cores at load 11: 0.16 ms per all-reduce polling 0.01 ms, 0.19 at 0.03, 0.3 at
// 0.1, 0.7 at 0.3): the scheduler often puts both ranks on one core, and a rank that polls holds the core its
// peer needs. native/shm's spinWait yields the core every 2 microseconds while it polls, so it can poll
// longer, and with more ranks than cores too: a sleeping rank is woken 0.2 to 2 ms after its peer arrives on
// a busy machine (timestamps per phase, 2 and 4 ranks, 4 MiB, load 2 to 5), longer than the sums take.
const SPIN_MS = 0.02;
const NATIVE_SPIN_MS = 0.2;
const BLOCK = 4096; // values summed at a time into a rank's scratch block (16 KiB, in L1)
const ADDRESSES = PAGE; // byte offset of the native sums' addresses
// Values per block the native sums claim (128 KiB of each buffer): small enough that the running ranks share
// the work evenly, large enough that a claim (a compare-exchange and a call) costs little beside the sums.
const CLAIM_VALUES = 32768;
const LENGTHS = 2 * PAGE; // byte offset of each rank's buffer length (int32 (call parity) * size + r)
const RESERVED = 4 * PAGE;

/**
 * The memory the ranks of one job share; create it once in the launcher and give it to every rank.
 * @example const memory = sharedMemory(); new Worker(main, { workerData: { memory } })
 */
export function sharedMemory(): WasmMemory {
  const memory = new wasm.Memory({ initial: RESERVED / PAGE + 1, maximum: MAX_PAGES, shared: true });
  Atomics.store(new Int32Array(memory.buffer), TOP, RESERVED);
  return memory;
}

/**
 * One rank's side of the shared memory: a bump allocator, a barrier, and the all-reduce.
 * @example const s = new SharedGroup(memory, rank, size); await s.allReduce(grads)
 */
export class SharedGroup {
  private readonly ctrl: Int32Array;
  private readonly kernels: SimdKernels;
  private readonly native: ShmKernels | null;
  private readonly addresses: Float64Array;
  private readonly lengths: Int32Array;
  private heapView: Float32Array;
  // Every SharedArrayBuffer this rank has seen of the memory (a grow gives a new, longer one).
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private scratch = [{ ptr: 0, bytes: 0 }, { ptr: 0, bytes: 0 }];
  private turn = 0;
  private block = 0;
  // Blocks of the native sums in every all-reduce so far (the same on every rank: they all call with the
  // same lengths in the same order).
  private claimed = 0;
  // All-reduces so far: their parity picks the lengths' slots (see arrive).
  private calls = 0;
  // Milliseconds a waiting rank polls before it sleeps. JavaScript polling cannot give the core away, so
  // without native/shm and with more ranks than cores it sleeps at once (a polling rank would keep the core
  // from the peer it waits for).
  private readonly spin: number;

  constructor(readonly memory: WasmMemory, readonly rank: number, readonly size: number) {
    if (!(size >= 1 && size <= MAX_SHARED_RANKS)) throw new InputError(`SharedGroup: 'size' must be in [1, ${MAX_SHARED_RANKS}]; got ${size}.`);
    this.ctrl = new Int32Array(memory.buffer, 0, PAGE / 4);
    this.kernels = simdKernels(memory);
    this.addresses = new Float64Array(memory.buffer, ADDRESSES, size);
    this.lengths = new Int32Array(memory.buffer, LENGTHS, 2 * size);
    // native/shm/shm.c takes at most 256 buffers; more ranks sum with WebAssembly.
    this.native = size <= 256 ? shmKernels() : null;
    this.heapView = new Float32Array(memory.buffer);
    this.buffers.add(memory.buffer);
    const spin = process.env["MLSD_SHM_SPIN_MS"];
    if (spin !== undefined && spin !== "" && !(Number(spin) >= 0)) throw new InputError(`MLSD_SHM_SPIN_MS must be a number of milliseconds >= 0; got '${spin}'.`);
    this.spin = spin !== undefined && spin !== "" ? Number(spin) : this.native ? NATIVE_SPIN_MS : size <= availableParallelism() ? SPIN_MS : 0;
  }

  /** The whole memory as float32 values, refreshed when some rank has grown it. */
  private heap(): Float32Array {
    const buffer = this.memory.buffer;
    if (buffer.byteLength !== this.heapView.byteLength) {
      this.heapView = new Float32Array(buffer);
      this.buffers.add(buffer);
    }
    return this.heapView;
  }

  /** `bytes` (rounded up to 64) of the shared memory, for this rank; grows the memory when needed. */
  private allocBytes(bytes: number): number {
    const c = this.ctrl;
    while (Atomics.compareExchange(c, LOCK, 0, 1) !== 0) Atomics.wait(c, LOCK, 1, 10);
    try {
      const ptr = Atomics.load(c, TOP);
      // Whole cache lines: every buffer starts 64-byte aligned, so the native sums' vectors never straddle two.
      const end = ptr + Math.ceil(bytes / 64) * 64;
      const have = this.memory.buffer.byteLength;
      if (end > have) {
        const pages = Math.ceil((end - have) / PAGE);
        if (have / PAGE + pages > MAX_PAGES) throw new InputError(`allReduce: the threads' shared memory is full (${MAX_PAGES * PAGE} bytes); ${bytes} more bytes were asked for.`);
        this.memory.grow(pages);
      }
      Atomics.store(c, TOP, end);
      return ptr;
    } finally {
      Atomics.store(c, LOCK, 0);
      Atomics.notify(c, LOCK, 1);
    }
  }

  /** A Float32Array of `length` zeros in the shared memory: all-reduce on it copies nothing in or out. */
  alloc(length: number): Float32Array {
    if (!(Number.isInteger(length) && length >= 0)) throw new InputError(`alloc: 'length' must be an integer >= 0; got ${length}.`);
    const ptr = this.allocBytes(length * 4);
    return this.heap().subarray(ptr / 4, ptr / 4 + length);
  }

  /** Whether `buf` lies in this memory (then ranks read it where it is). */
  owns(buf: Float32Array): boolean {
    this.heap();
    return this.buffers.has(buf.buffer);
  }

  /** Every rank waits here until all have arrived; a rank that left the job makes the others throw. */
  barrier(): void {
    const c = this.ctrl;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, COUNT, 1) === this.size - 1) {
      Atomics.store(c, COUNT, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    // Poll first: when the peers are running, they arrive within microseconds.
    if (this.spin > 0 && this.native) {
      if (this.native.spinWait(c, GENERATION, generation, this.spin)) return;
    } else if (this.spin > 0) for (const until = performance.now() + this.spin; performance.now() < until; ) for (let i = 0; i < 1000; i++) if (Atomics.load(c, GENERATION) !== generation) return;
    while (Atomics.load(c, GENERATION) === generation) {
      const gone = Atomics.load(c, ABORT);
      if (gone !== 0) throw new Error(`rank ${gone - 1} left the job while rank ${this.rank} waited for it in a collective`);
      Atomics.wait(c, GENERATION, generation, 100);
    }
  }

  /**
   * The all-reduce's first barrier: every rank has published its buffer; then each checks that all lengths
   * agree (a rank with another length would read or write past a peer's buffer), and all throw alike if not.
   * Slots alternate with the calls: with the native sums a fast rank may publish its next length before a
   * late one has read this one, never the one after (that needs the late rank at the next first barrier).
   */
  private arrive(n: number): void {
    const slots = (this.calls++ & 1) * this.size;
    Atomics.store(this.lengths, slots + this.rank, n | 0);
    this.barrier();
    for (let k = 0; k < this.size; k++) {
      const m = Atomics.load(this.lengths, slots + k);
      if (m !== (n | 0)) throw new InputError(`allReduce: every rank must pass a buffer of the same length; rank ${this.rank} has ${n} values, rank ${k} has ${m}.`);
    }
  }

  /** Marks this rank as gone, so that ranks waiting for it throw instead of hanging. */
  leave(): void {
    Atomics.compareExchange(this.ctrl, ABORT, 0, this.rank + 1);
    Atomics.notify(this.ctrl, GENERATION);
    Atomics.notify(this.ctrl, DONE);
  }

  /**
   * Sums `buf` over the ranks, in place (every rank calls it with a buffer of the same length). Two barriers:
   * one before the sums (every rank's values are in the memory), one after (every sum is written).
   * A buffer from `alloc` lies in the memory: rank r sums chunk r of every rank's buffer and writes the sum
   * into every rank's buffer, so each rank reads and writes the buffer's size once, as a memory copy does,
   * and there is no separate all-gather pass. A private buffer is copied into this rank's scratch copy
   * first; rank r sums chunk r into its own copy, and after the second barrier every rank copies each chunk
   * out of the rank that summed it.
   */
  allReduce(buf: Float32Array): void {
    const { rank: r, size: N } = this;
    const n = buf.length;
    if (N === 1) return;
    if (this.native) return this.allReduceNative(buf, this.native);
    const inPlace = this.owns(buf);
    let ptr: number;
    if (inPlace) ptr = buf.byteOffset;
    else {
      // Two scratch copies, used in turn: peers may still copy out of the one of the previous call (they
      // have all passed its second barrier, not yet the next call's first) while this rank fills the other.
      this.turn ^= 1;
      if (this.scratch[this.turn]!.bytes < n * 4) this.scratch[this.turn] = { ptr: this.allocBytes(n * 4), bytes: n * 4 };
      ptr = this.scratch[this.turn]!.ptr;
      this.heap().set(buf, ptr / 4);
    }
    Atomics.store(this.ctrl, POINTERS + r, ptr);
    this.arrive(n);
    const ptrs = Array.from({ length: N }, (_, k) => Atomics.load(this.ctrl, POINTERS + k));
    const parts = chunkBounds(0, n, N);
    const [a, z] = parts[r]!;
    if (inPlace) {
      this.reduceEverywhere(ptrs, a, z);
      // Nobody writes its buffer again (the next collective, or the caller) while a peer still writes into it.
      this.barrier();
      return;
    }
    this.reduceChunk(ptrs, a, z);
    this.barrier();
    const heap = this.heap();
    for (let k = 0; k < N; k++) {
      const [ka, kz] = parts[k]!;
      const from = ptrs[k]! / 4;
      if (kz > ka) buf.set(heap.subarray(from + ka, from + kz), ka);
    }
  }

  /**
   * The native sums: every rank's buffer, private or not, is read and written where it lies (the ranks are
   * threads of one process), so nothing is copied in or out. After one barrier (every buffer is ready and its
   * address published), the ranks claim blocks of the buffer from a shared counter until none is left, sum
   * each block of every rank's buffer and write it into every rank's buffer, then wait until every block is
   * done. On a busy machine a rank the scheduler has put aside holds nobody up: the running ranks do its
   * blocks. Which rank sums a block does not change its bits (rank order, always). The counters only grow
   * (int32, compared modulo 2^32), so a late rank can never claim a block of the next all-reduce: its base is
   * past every block of this one.
   */
  private allReduceNative(buf: Float32Array, native: ShmKernels): void {
    const c = this.ctrl;
    const n = buf.length;
    const blocks = Math.ceil(n / CLAIM_VALUES);
    const base = this.claimed;
    const end = (base + blocks) | 0;
    this.claimed = end;
    this.addresses[this.rank] = native.address(buf);
    this.arrive(n);
    for (;;) {
      const cur = Atomics.load(c, CLAIM);
      if (((cur - end) | 0) >= 0) break;
      if (Atomics.compareExchange(c, CLAIM, cur, (cur + 1) | 0) !== cur) continue;
      const a = ((cur - base) | 0) * CLAIM_VALUES;
      native.sumEverywhere(this.addresses, a, Math.min(n, a + CLAIM_VALUES));
      if (Atomics.add(c, DONE, 1) === ((end - 1) | 0)) Atomics.notify(c, DONE);
    }
    // No rank's buffer goes back to its caller while a peer may still write into it: poll (yielding), then sleep.
    const until = performance.now() + this.spin;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (((done - end) | 0) >= 0) return;
      const left = until - performance.now();
      if (left > 0) {
        native.spinWait(c, DONE, done, left);
        continue;
      }
      const gone = Atomics.load(c, ABORT);
      if (gone !== 0) throw new Error(`rank ${gone - 1} left the job while rank ${this.rank} waited for it in a collective`);
      Atomics.wait(c, DONE, done, 100);
    }
  }

  /** Sums values [a, z) of every rank's buffer, in rank order, into every rank's buffer. */
  private reduceEverywhere(ptrs: number[], a: number, z: number): void {
    const { size: N, kernels: k } = this;
    const m = z - a;
    const simd = m - (m % 4);
    const at = (w: number, i: number) => ptrs[w]! + (a + i) * 4;
    if (N === 2) k.both(at(0, 0), at(1, 0), simd);
    else {
      // Block by block (16 KiB, in L1), the sum gathered in rank 0's buffer (only this rank touches these
      // values until the barrier, and rank 0's are consumed by the first add), then copied to the others.
      const heap = this.heap();
      for (let i = 0; i < simd; i += BLOCK) {
        const len = Math.min(BLOCK, simd - i);
        const sum = at(0, i);
        k.sum2(sum, sum, at(1, i), len);
        for (let w = 2; w < N; w++) k.acc(sum, at(w, i), len);
        for (let w = 1; w < N; w++) heap.copyWithin(at(w, i) / 4, sum / 4, sum / 4 + len);
      }
    }
    this.tail(ptrs, a, simd, m, ptrs);
  }

  /** Sums values [a, z) of every rank's buffer into this rank's, in rank order. */
  private reduceChunk(ptrs: number[], a: number, z: number): void {
    const { rank: r, size: N, kernels: k } = this;
    const m = z - a;
    const simd = m - (m % 4);
    const at = (w: number, i: number) => ptrs[w]! + (a + i) * 4;
    if (r <= 1) {
      // This rank's values are consumed by the first sum, before it overwrites them.
      k.sum2(at(r, 0), at(0, 0), at(1, 0), simd);
      for (let w = 2; w < N; w++) k.acc(at(r, 0), at(w, 0), simd);
    } else {
      // Summing ranks 0 and 1 into this rank's buffer would overwrite its values before they are added: sum
      // each block in a scratch block, then copy it over.
      this.block ||= this.allocBytes(BLOCK * 4);
      const heap = this.heap();
      for (let i = 0; i < simd; i += BLOCK) {
        const len = Math.min(BLOCK, simd - i);
        k.sum2(this.block, at(0, i), at(1, i), len);
        for (let w = 2; w < N; w++) k.acc(this.block, at(w, i), len);
        heap.copyWithin(at(r, i) / 4, this.block / 4, this.block / 4 + len);
      }
    }
    this.tail(ptrs, a, simd, m, [ptrs[r]!]);
  }

  /** The last values (fewer than 4), one by one with float32 rounding at every add, as f32x4.add rounds. */
  private tail(ptrs: number[], a: number, from: number, m: number, into: number[]): void {
    const heap = this.heap();
    for (let i = from; i < m; i++) {
      let s = heap[ptrs[0]! / 4 + a + i]!;
      for (let w = 1; w < this.size; w++) s = Math.fround(s + heap[ptrs[w]! / 4 + a + i]!);
      for (const p of into) heap[p / 4 + a + i] = s;
    }
  }
}
