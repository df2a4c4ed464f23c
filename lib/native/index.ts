/**
 * The optional native kernels (native/*.c, built by scripts/build-native.mjs during `npm run build`). Callers
 * check `nativeKernels()` and fall back to their JavaScript path, which gives the same results: the kernels
 * do the same float arithmetic in the same order, only faster (SIMD registers, several threads).
 * `MLSD_NATIVE=0` turns them off.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

export interface NativeKernels {
  /** Exact k nearest neighbours by blocked brute force: [indices (nQueries x k), distances]. */
  knn(points: Float64Array, nPoints: number, queries: Float64Array, nQueries: number, cols: number, k: number, excludeSelf: boolean, threads: number): [Int32Array, Float64Array];
}

let loaded: NativeKernels | null | undefined;
let why = "";

/** The kernels, or null when they are not built or turned off (`nativeStatus()` says why). */
export function nativeKernels(): NativeKernels | null {
  if (loaded !== undefined) return loaded;
  if (process.env["MLSD_NATIVE"] === "0") {
    why = "turned off by MLSD_NATIVE=0";
    return (loaded = null);
  }
  // From dist/lib/native/ or lib/native/ (tests run the sources): native/build/ at the package root.
  const here = fileURLToPath(new URL(".", import.meta.url));
  const file = [`${here}../../native/build/mlsd_native.node`, `${here}../../../native/build/mlsd_native.node`].find((f) => existsSync(f));
  if (!file) {
    why = "not built (npm run build compiles native/ when a C compiler and Node's headers are present)";
    return (loaded = null);
  }
  try {
    loaded = createRequire(import.meta.url)(file) as NativeKernels;
    why = `loaded from ${file}`;
  } catch (err) {
    why = `failed to load ${file}: ${(err as Error).message}`;
    loaded = null;
  }
  return loaded;
}

/** Whether the native kernels are in use, and why (not). @example nativeStatus() // "loaded from ..." */
export function nativeStatus(): string {
  nativeKernels();
  return why;
}

/** Threads for native kernels: MLSD_THREADS, else the machine's cores (at most 8). */
export function nativeThreads(): number {
  const env = Number(process.env["MLSD_THREADS"]);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.min(availableParallelism(), 8);
}
