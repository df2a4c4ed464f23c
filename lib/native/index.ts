/**
 * The optional native kernels (native/*.c, built by scripts/build-native.mjs during `npm run build`). Callers
 * check `nativeKernels()` and fall back to their JavaScript path, which gives the same results: the kernels
 * do the same float arithmetic in the same order, only faster (SIMD registers, several threads).
 * `MLSD_NATIVE=0` turns them off. Every hot loop has a version per instruction-set level (native/isa.h:
 * avx512, avx2, baseline on x86-64; neon, baseline on arm64), all giving the same bits; the best level the CPU
 * runs is used unless `MLSD_ISA` names another (for tests and benchmarks of every path on one machine).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.js";

/** Instruction-set levels of the kernels, best first (native/isa.c). */
export const ISA_LEVELS = ["avx512", "avx2", "neon", "baseline"] as const;
export type IsaLevel = (typeof ISA_LEVELS)[number];

export interface NativeKernels {
  /** The instruction-set level the kernels use now. */
  isa(): IsaLevel;
  /** The levels this CPU runs, best first. */
  isaLevels(): IsaLevel[];
  /** Uses another level (one of isaLevels()); returns the previous one. */
  setIsa(level: IsaLevel): IsaLevel;
  /** Exact k nearest neighbours by blocked brute force: [indices (nQueries x k), distances]. */
  /** search: 0 chooses (native/knn.c), 1 forces the blocked search, 2 the ordered one; the third result says which ran. */
  knn(points: Float64Array, nPoints: number, queries: Float64Array, nQueries: number, cols: number, k: number, excludeSelf: boolean, threads: number, search?: 0 | 1 | 2): [Int32Array, Float64Array, 1 | 2];
  /** Histogram boosting: gathers the (g, h) pairs of partition[start..end) into `scratch` (2 per sample) and fills `hist` (d x 256 x 4); `parent -= hist` when a parent is given. */
  histogram(hist: Float64Array, binned: Uint8Array, n: number, d: number, partition: Uint32Array, start: number, end: number, g: Float32Array, h: Float32Array | null, scratch: Float32Array, identity: boolean, threads: number, parent: Float64Array | null): void;
  /** Histogram boosting: binary log-loss gradients and hessians (times the weights) from raw predictions. */
  logisticGradients(raw: Float64Array, y: Int32Array, w: Float64Array | null, g: Float32Array, h: Float32Array, threads: number): void;
  /** exp as V8's Math.exp computes it (fdlibm), elementwise: the kernels' exponential, exposed for its test. */
  exp(x: Float64Array, out: Float64Array): void;
  /** The elements to skip from `array`'s start for its data to be aligned to `bytes` (histograms want 64: their 32-byte bins then never straddle two cache lines). */
  alignOffset(array: Float64Array, bytes: number): number;
  /** Histogram boosting: the stable partition of a node at a split; returns the first right-hand position. */
  partition(partition: Uint32Array, tmp: Uint32Array, binned: Uint8Array, n: number, feature: number, start: number, end: number, binThreshold: number, missingBin: number, missingLeft: boolean, threads: number): number;
  /** Histogram boosting: a root's gradient and hessian sums (n additions of constantHessian when h is null), in sample order, into out[0], out[1]. */
  rootSums(g: Float32Array, h: Float32Array | null, constantHessian: number, n: number, out: Float64Array): void;
  /** Histogram boosting: raw[partition[p] * stride + offset] += value over each leaf's positions; leaves = [start, end, value] per leaf, never overlapping (threads split the positions). */
  addLeaves(raw: Float64Array, partition: Uint32Array, leaves: Float64Array, stride: number, offset: number, threads?: number): void;
  /** Binning: each column's non-missing values (of `subset` rows, or all) sorted into out[f * m ..], their count, and whether NaN was seen. */
  sortColumns(data: Float64Array, rows: number, cols: number, subset: Int32Array | null, out: Float64Array, counts: Int32Array, hasMissing: Uint8Array, threads: number): void;
  /** Binning: column-major bins from +Infinity-padded thresholds (cols x 256), NaN to `missingBin`. */
  transformBins(data: Float64Array, rows: number, cols: number, padded: Float64Array, missingBin: number, out: Uint8Array, threads: number): void;
  /** Histogram boosting: splitter.ts's best split; true when found, with out = gain, feature, bin, missingLeft, gLeft, hLeft, nLeft. */
  findBestSplit(hist: Float64Array, d: number, nBinsNonMissing: Int32Array, hasMissing: Uint8Array, G: number, H: number, N: number, minSamplesLeaf: number, minHessianToSplit: number, l2: number, constantHessian: number, out: Float64Array, threads: number): boolean;
  /** Trees: presort.ts's per-feature orders and sorted values of column-major data (d x n), features over threads. */
  presortColumns(columns: Float64Array, n: number, d: number, order: Int32Array, values: Float64Array, threads: number): void;
  /** Trees: tree-builder.ts's Gini split scan for each candidate feature of a node (segment offsets in segs), all from the same best, over threads; out = [position, proxy] per feature. */
  scanGiniFeatures(sorted: Int32Array, xs: Float64Array, segs: Int32Array, nFeatures: number, start: number, end: number, wy: Float64Array, count: number, wNode: number, minLeaf: number, minWeightLeaf: number, best: number, totals: Float64Array, totalSq: number, out: Float64Array, threads: number): void;
  /** Trees: tree-builder.ts's squared-error split scan. */
  scanSquared(sorted: Int32Array, xs: Float64Array, seg: number, start: number, end: number, wy: Float64Array, count: number, wNode: number, minLeaf: number, minWeightLeaf: number, best: number, sumTotal: number, out: Float64Array): number;
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
  let kernels: NativeKernels;
  try {
    kernels = createRequire(import.meta.url)(file) as NativeKernels;
  } catch (err) {
    why = `failed to load ${file}: ${(err as Error).message}`;
    return (loaded = null);
  }
  if (typeof kernels.isaLevels !== "function") {
    why = `failed to load ${file}: built from older sources (run npm run build)`;
    return (loaded = null);
  }
  const levels = kernels.isaLevels();
  const forced = process.env["MLSD_ISA"];
  if (forced !== undefined && forced !== "") {
    // A level the CPU cannot run would crash the process (illegal instruction): refuse it, naming the value.
    if (!(ISA_LEVELS as readonly string[]).includes(forced)) throw new InputError(`MLSD_ISA must be one of ${ISA_LEVELS.join(", ")}; got '${forced}'.`);
    if (!(levels as string[]).includes(forced)) throw new InputError(`MLSD_ISA=${forced}: this CPU does not run ${forced}; it runs ${levels.join(", ")}.`);
    kernels.setIsa(forced as IsaLevel);
  }
  why = `loaded from ${file}, instruction set ${kernels.isa()} (${forced ? "forced by MLSD_ISA" : "the best this CPU runs"}; it runs ${levels.join(", ")})`;
  return (loaded = kernels);
}

/**
 * Whether the native kernels are in use, which instruction-set level they run, and why (not).
 * @example nativeStatus() // "loaded from .../mlsd_native.node, instruction set avx2 (the best this CPU runs; it runs avx2, baseline)"
 */
export function nativeStatus(): string {
  nativeKernels();
  return why;
}

/**
 * The instruction-set level the native kernels run, or null without them.
 * @example nativeIsa() // "avx512"
 */
export function nativeIsa(): IsaLevel | null {
  return nativeKernels()?.isa() ?? null;
}

/** Threads for the native kernels and the JavaScript histogram workers: MLSD_THREADS, else the machine's cores (at most 8). */
export function nativeThreads(): number {
  const env = Number(process.env["MLSD_THREADS"]);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.min(availableParallelism(), 8);
}
