/**
 * All-reduce between the worker threads of one process, in place over shared memory: every rank's buffer (or
 * a copy of it) lives in one shared WasmMemory; each rank sums its own chunk of every rank's buffer
 * (reduce-scatter), then copies the other ranks' summed chunks (all-gather), with Atomics barriers between,
 * as NCCL and MPI do between the GPUs or processes of one node. No message is built or posted.
 * Each value is summed by one rank, in rank order 0 to N - 1, so the result is the same on every rank and on
 * every run.
 */
import { InputError } from "../core/errors.js";
import { chunkBounds } from "./allreduce.js";
import { MAX_PAGES, simdKernels, wasm, type SimdKernels, type WasmMemory } from "./simd-kernels.js";

// The first page holds the control words (int32 indices); buffers are allocated above it.
const COUNT = 0; // ranks arrived at the barrier
const GENERATION = 1; // barriers passed
const LOCK = 2; // allocation lock
const TOP = 3; // first free byte
const ABORT = 4; // 1 + the rank that left the job while others may wait for it
const POINTERS = 16; // POINTERS + r: byte offset of rank r's buffer in the current collective
const PAGE = 65536;
/** Most ranks one memory serves (their pointers fit in the first page). */
export const MAX_SHARED_RANKS = PAGE / 4 - POINTERS;
const SPIN = 20000; // barrier polls before sleeping (about 20 to 50 microseconds)
const BLOCK = 4096; // values summed at a time into a rank's scratch block (16 KiB, in L1)

/**
 * The memory the ranks of one job share; create it once in the launcher and give it to every rank.
 * @example const memory = sharedMemory(); new Worker(main, { workerData: { memory } })
 */
export function sharedMemory(): WasmMemory {
  const memory = new wasm.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  Atomics.store(new Int32Array(memory.buffer), TOP, PAGE);
  return memory;
}

/**
 * One rank's side of the shared memory: a bump allocator, a barrier, and the all-reduce.
 * @example const s = new SharedGroup(memory, rank, size); await s.allReduce(grads)
 */
export class SharedGroup {
  private readonly ctrl: Int32Array;
  private readonly kernels: SimdKernels;
  private heapView: Float32Array;
  // Every SharedArrayBuffer this rank has seen of the memory (a grow gives a new, longer one).
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private scratch = { ptr: 0, bytes: 0 };
  private block = 0;

  constructor(readonly memory: WasmMemory, readonly rank: number, readonly size: number) {
    if (!(size >= 1 && size <= MAX_SHARED_RANKS)) throw new InputError(`SharedGroup: 'size' must be in [1, ${MAX_SHARED_RANKS}]; got ${size}.`);
    this.ctrl = new Int32Array(memory.buffer, 0, PAGE / 4);
    this.kernels = simdKernels(memory);
    this.heapView = new Float32Array(memory.buffer);
    this.buffers.add(memory.buffer);
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

  /** `bytes` (rounded up to 16) of the shared memory, for this rank; grows the memory when needed. */
  private allocBytes(bytes: number): number {
    const c = this.ctrl;
    while (Atomics.compareExchange(c, LOCK, 0, 1) !== 0) Atomics.wait(c, LOCK, 1, 10);
    try {
      const ptr = Atomics.load(c, TOP);
      const end = ptr + Math.ceil(bytes / 16) * 16;
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
    // Spin a little first: when the peers are running, they arrive within microseconds, and waking from a
    // futex wait costs tens of microseconds more.
    for (let i = 0; i < SPIN; i++) if (Atomics.load(c, GENERATION) !== generation) return;
    while (Atomics.load(c, GENERATION) === generation) {
      const gone = Atomics.load(c, ABORT);
      if (gone !== 0) throw new Error(`rank ${gone - 1} left the job while rank ${this.rank} waited for it in a collective`);
      Atomics.wait(c, GENERATION, generation, 100);
    }
  }

  /** Marks this rank as gone, so that ranks waiting for it throw instead of hanging. */
  leave(): void {
    Atomics.compareExchange(this.ctrl, ABORT, 0, this.rank + 1);
    Atomics.notify(this.ctrl, GENERATION);
  }

  /** Sums `buf` over the ranks, in place (every rank calls it with a buffer of the same length). */
  allReduce(buf: Float32Array): void {
    const { rank: r, size: N } = this;
    const n = buf.length;
    if (N === 1) return;
    const inPlace = this.owns(buf);
    let ptr: number;
    if (inPlace) ptr = buf.byteOffset;
    else {
      if (this.scratch.bytes < n * 4) this.scratch = { ptr: this.allocBytes(n * 4), bytes: n * 4 };
      ptr = this.scratch.ptr;
      this.heap().set(buf, ptr / 4);
    }
    Atomics.store(this.ctrl, POINTERS + r, ptr);
    this.barrier();
    const ptrs = Array.from({ length: N }, (_, k) => Atomics.load(this.ctrl, POINTERS + k));
    const parts = chunkBounds(0, n, N);
    const [a, z] = parts[r]!;
    this.reduceChunk(ptrs, a, z);
    this.barrier();
    const heap = this.heap();
    for (let k = 0; k < N; k++) {
      const [ka, kz] = parts[k]!;
      if (kz === ka) continue;
      const from = ptrs[k]! / 4;
      if (inPlace) {
        if (k !== r) heap.copyWithin(ptr / 4 + ka, from + ka, from + kz);
      } else buf.set(heap.subarray(from + ka, from + kz), ka);
    }
    // Nobody writes its buffer again (the next collective, or the caller) while a peer still reads it.
    this.barrier();
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
    // The last values (fewer than 4), one by one with float32 rounding at every add, as f32x4.add rounds.
    const heap = this.heap();
    for (let i = simd; i < m; i++) {
      let s = heap[at(0, i) / 4]!;
      for (let w = 1; w < N; w++) s = Math.fround(s + heap[at(w, i) / 4]!);
      heap[at(r, i) / 4] = s;
    }
  }
}
