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
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32const = (n: number) => [0x41, ...leb(n)];
const ADD = 0x6a;
const SHL = 0x74;
const GE_U = 0x4f;
const LT_U = 0x49;
const load = [0xfd, 0x00, 0x02, 0x00]; // v128.load align=4 offset=0
const store = [0xfd, 0x0b, 0x02, 0x00]; // v128.store
const f32x4add = [0xfd, 0xe4, 0x01];
const bump = (i: number) => [...get(i), ...i32const(16), ADD, ...set(i)]; // pointer i += 16 bytes

/**
 * The loop both functions share: end = d + 4n; while (d < end) { d[0..3] = x[0..3] + y[0..3]; advance }.
 * `x` and `y` are local indices (y may be d itself), `end` the local holding the end pointer.
 */
function addLoop(d: number, x: number, y: number, n: number, end: number, advance: number[]): number[] {
  return [
    ...get(d), ...get(n), ...i32const(2), SHL, ADD, ...set(end),
    0x02, 0x40, // block
    ...get(d), ...get(end), GE_U, 0x0d, 0x00, // br_if 0 when empty
    0x03, 0x40, // loop
    ...get(d), ...get(x), ...load, ...get(y), ...load, ...f32x4add, ...store,
    ...advance.flatMap(bump),
    ...get(d), ...i32const(16), ADD, ...tee(d), ...get(end), LT_U, 0x0d, 0x00, // br_if 0 (loop) while d < end
    0x0b, 0x0b, // end loop, end block
  ];
}

// (func $sum2 (param $d i32) (param $a i32) (param $b i32) (param $n i32)): d[k] = a[k] + b[k], k < n (n % 4 == 0)
const sum2 = [...vec([[1, I32]]), ...addLoop(0, 1, 2, 3, 4, [1, 2]), 0x0b];
// (func $acc (param $d i32) (param $a i32) (param $n i32)): d[k] += a[k], k < n (n % 4 == 0)
const acc = [...vec([[1, I32]]), ...addLoop(0, 0, 1, 2, 3, [1]), 0x0b];

const BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, 4, I32, I32, I32, I32, 0], [0x60, 3, I32, I32, I32, 0]])),
  // (import "env" "mem" (memory 1 MAX_PAGES shared))
  ...section(2, vec([[...name("env"), ...name("mem"), 0x02, 0x03, ...leb(1), ...leb(MAX_PAGES)]])),
  ...section(3, vec([[0], [1]])),
  ...section(7, vec([[...name("sum2"), 0x00, 0], [...name("acc"), 0x00, 1]])),
  ...section(10, vec([[...leb(sum2.length), ...sum2], [...leb(acc.length), ...acc]])),
]);

/** Byte pointers into the shared memory; counts in float32 values, multiples of 4. */
export interface SimdKernels {
  /** d[k] = a[k] + b[k] for k < n. */
  sum2(d: number, a: number, b: number, n: number): void;
  /** d[k] += a[k] for k < n. */
  acc(d: number, a: number, n: number): void;
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
