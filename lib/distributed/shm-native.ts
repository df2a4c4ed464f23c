/**
 * The native sum of the threads' all-reduce (native/shm/shm.c, built by `npm run build` when there is a C
 * compiler): rank r reads chunk r of every rank's buffer where it lies, through its address (the worker
 * threads of a job share one address space), and writes the sum into every rank's buffer, with AVX-512. Optional: without it (or with MLSD_NATIVE=0) shared-memory.ts sums with WebAssembly SIMD,
 * to the same bits.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What native/shm/shm.c exports. */
export interface ShmKernels {
  /** The address of `buf`'s first value (stable while `buf` is alive). */
  address(buf: Float32Array): number;
  /** Values [start, end) of every buffer (by address) summed in rank order and written into each. */
  sumEverywhere(addresses: Float64Array, start: number, end: number): void;
  /**
   * Polls `words[index]` until it is no longer `value` (true) or `ms` have passed (false), yielding the core
   * every 2 microseconds so that a peer rank waiting for this core can run (see shm.c).
   */
  spinWait(words: Int32Array, index: number, value: number, ms: number): boolean;
  /** The instruction set the sums use: "avx512f", "avx" or "sse2". */
  readonly isa: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const ADDON = [join(here, "..", "..", "native", "build", "mlsd_shm.node"), join(here, "..", "..", "..", "native", "build", "mlsd_shm.node")].find((f) => existsSync(f));
let kernels: ShmKernels | null | undefined;

/**
 * The native kernels, or null when they are not built, do not load, or MLSD_NATIVE=0 (or MLSD_SHM_NATIVE=0,
 * to measure the WebAssembly path alone).
 * @example shmKernels()?.isa // "avx512f"
 */
export function shmKernels(): ShmKernels | null {
  if (kernels !== undefined) return kernels;
  if (process.env["MLSD_NATIVE"] === "0" || process.env["MLSD_SHM_NATIVE"] === "0" || !ADDON) return (kernels = null);
  try {
    kernels = createRequire(import.meta.url)(ADDON) as ShmKernels;
  } catch {
    kernels = null;
  }
  return kernels;
}
