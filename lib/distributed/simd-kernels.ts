/**
 * The float32 sums of the shared-memory all-reduce, as WebAssembly SIMD (f32x4) over a shared
 * WebAssembly.Memory: a JavaScript loop adds about 1 GB/s here, a fifth of a memory copy, and a ring that
 * reduces at copy speed needs the adds to be about as fast as the copies. The module is written out byte
 * by byte (no toolchain at build time); each function is spelled in the text format beside its bytes.
 */

/** Largest shared memory the kernels address, in 64 KiB pages (2 GiB). */
export const MAX_PAGES = 32768;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
/** Signed LEB128, as i32.const reads its immediate (64 needs two bytes: 0x40 alone would be -64). */
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const i32const = (n: number) => [0x41, ...sleb(n)];
const ADD = 0x6a;
const SHL = 0x74;
const GT_U = 0x4b;
const load = (offset: number) => [0xfd, 0x00, 0x02, ...leb(offset)]; // v128.load align=4 offset
const store = (offset: number) => [0xfd, 0x0b, 0x02, ...leb(offset)]; // v128.store align=4 offset
const f32x4add = [0xfd, 0xe4, 0x01];
const bump = (i: number, bytes: number) => [...get(i), ...i32const(bytes), ADD, ...set(i)];
/** Vectors per iteration of the main loop: 4 x 16 bytes, so the loop's own work is a quarter per vector. */
const UNROLL = 4;

/**
 * The loop every function shares: end = d + 4n; while (d + 64 <= end) { body at offsets 0, 16, 32, 48;
 * advance 64 } then while (d < end) { body at 0; advance 16 }. `d` is the local the loop runs on, `pointers`
 * every local it advances (d among them), `body(offset)` one f32x4 step at that byte offset.
 */
function addLoop(d: number, n: number, end: number, pointers: number[], body: (offset: number) => number[]): number[] {
  const pass = (unroll: number) => [
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(d), ...i32const(16 * unroll), ADD, ...get(end), GT_U, 0x0d, 0x01, // br_if 1 (out) when d + 16u > end
    ...Array.from({ length: unroll }, (_, u) => body(16 * u)).flat(),
    ...pointers.flatMap((p) => bump(p, 16 * unroll)),
    0x0c, 0x00, // br 0 (loop)
    0x0b, 0x0b, // end loop, end block
  ];
  return [...get(d), ...get(n), ...i32const(2), SHL, ADD, ...set(end), ...pass(UNROLL), ...pass(1)];
}

// (func $sum2 (param $d i32) (param $a i32) (param $b i32) (param $n i32) (local $end i32)): d[k] = a[k] + b[k]
const sum2 = [...vec([[1, I32]]), ...addLoop(0, 3, 4, [0, 1, 2], (o) => [...get(0), ...get(1), ...load(o), ...get(2), ...load(o), ...f32x4add, ...store(o)]), 0x0b];
// (func $acc (param $d i32) (param $a i32) (param $n i32) (local $end i32)): d[k] += a[k]
const acc = [...vec([[1, I32]]), ...addLoop(0, 2, 3, [0, 1], (o) => [...get(0), ...get(0), ...load(o), ...get(1), ...load(o), ...f32x4add, ...store(o)]), 0x0b];
// (func $both (param $a i32) (param $b i32) (param $n i32) (local $end i32) (local $s v128)): a[k] = b[k] = a[k] + b[k]
const both = [...vec([[1, I32], [1, V128]]), ...addLoop(0, 2, 3, [0, 1], (o) => [...get(0), ...get(0), ...load(o), ...get(1), ...load(o), ...f32x4add, ...tee(4), ...store(o), ...get(1), ...get(4), ...store(o)]), 0x0b];

const BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, 4, I32, I32, I32, I32, 0], [0x60, 3, I32, I32, I32, 0]])),
  // (import "env" "mem" (memory 1 MAX_PAGES shared))
  ...section(2, vec([[...name("env"), ...name("mem"), 0x02, 0x03, ...leb(1), ...leb(MAX_PAGES)]])),
  ...section(3, vec([[0], [1], [1]])),
  ...section(7, vec([[...name("sum2"), 0x00, 0], [...name("acc"), 0x00, 1], [...name("both"), 0x00, 2]])),
  ...section(10, vec([[...leb(sum2.length), ...sum2], [...leb(acc.length), ...acc], [...leb(both.length), ...both]])),
]);

/** Byte pointers into the shared memory; counts in float32 values, multiples of 4. */
export interface SimdKernels {
  /** d[k] = a[k] + b[k] for k < n. */
  sum2(d: number, a: number, b: number, n: number): void;
  /** d[k] += a[k] for k < n. */
  acc(d: number, a: number, n: number): void;
  /** a[k] = b[k] = a[k] + b[k] for k < n: two ranks' sum written to both in one pass. */
  both(a: number, b: number, n: number): void;
}

/** A shared WebAssembly.Memory (declared here: the build's type libraries leave WebAssembly out). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

interface Wasm {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
}
/** The WebAssembly global of Node. */
export const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

let compiled: object | undefined;

/**
 * The kernels over `memory` (shared, at most MAX_PAGES pages), compiled once per thread.
 * @example const k = simdKernels(new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true })); k.acc(0, 64, 16)
 */
export function simdKernels(memory: WasmMemory): SimdKernels {
  compiled ??= new wasm.Module(BYTES);
  return new wasm.Instance(compiled, { env: { mem: memory } }).exports as SimdKernels;
}
