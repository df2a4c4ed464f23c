/** The SMOTE generation step shared by SMOTE and its variants. */
import type { Random } from "../core/random.js";
import { nativeKernels } from "../native/index.js";

export interface Samples {
  data: Float64Array;
  rows: number;
}

/** native/smote.c's loop, when the native module has it (an older build may not: then the JavaScript runs). */
type SmoteRows = (seeds: Float64Array, nnData: Float64Array, nns: Int32Array, k: number, cols: number, picks: Int32Array, steps: Float64Array, out: Float64Array) => void;

/**
 * `n` new rows: a seed row s (drawn with its neighbour as one uniform choice among seeds × k), a neighbour
 * b = nnData[nns[s, j]], and x = seed + u · stepSize · (b − seed), u ~ U(0, 1).
 * @param seeds row-major seeds; nns seeds × k indices into nnData
 * @param into where to write the n rows (n x cols values), instead of a new array
 * @example makeSamples(Xc, nc, Xc, nn, 5, cols, 100, new Random(0)).data // 100 x cols new rows
 */
export function makeSamples(seeds: Float64Array, nSeeds: number, nnData: Float64Array, nns: Int32Array, k: number, cols: number, n: number, rng: Random, stepSize = 1, into?: Float64Array): Samples {
  // Written straight into the caller's output when it gives one (saves a copy of every new row).
  const data = into ?? new Float64Array(n * cols);
  // All draws first, in the order one loop makes them (randint, then random, per sample), then the arithmetic,
  // natively when built: the JavaScript loop took 10 to 14 ms of SMOTE's 100 for 80,000 rows of 20.
  const picks = new Int32Array(n);
  const steps = new Float64Array(n);
  const choices = nSeeds * k;
  for (let s = 0; s < n; s++) {
    picks[s] = rng.randint(choices);
    steps[s] = rng.random() * stepSize;
  }
  const native = (nativeKernels() as { smoteRows?: SmoteRows } | null)?.smoteRows;
  const seedRows = seeds.subarray(0, nSeeds * cols);
  if (native) native(seedRows, nnData, nns, k, cols, picks, steps, data);
  else writeSamples(seedRows, nnData, nns, k, cols, picks, steps, data);
  return { data, rows: n };
}

/**
 * makeSamples's arithmetic in JavaScript: row s of `out` is x + u (b − x), x = seeds row ⌊picks[s] / k⌋,
 * b = nnData row nns[picks[s]], u = steps[s] (native/smote.c computes the same values bit for bit).
 * @example writeSamples(Xc, Xc, nn, 5, cols, Int32Array.of(0), Float64Array.of(0.5), out) // midpoint of row 0 and its nearest
 */
export function writeSamples(seeds: Float64Array, nnData: Float64Array, nns: Int32Array, k: number, cols: number, picks: Int32Array, steps: Float64Array, out: Float64Array): void {
  for (let s = 0; s < picks.length; s++) {
    const pick = picks[s]!;
    const ao = Math.floor(pick / k) * cols;
    const bo = nns[pick]! * cols;
    const u = steps[s]!;
    const o = s * cols;
    for (let j = 0; j < cols; j++) {
      const x = seeds[ao + j]!;
      out[o + j] = x + u * (nnData[bo + j]! - x);
    }
  }
}

/** Rows `indices` of a row-major matrix, as a new one. */
export function gatherRows(data: Float64Array, cols: number, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length * cols);
  for (let r = 0; r < indices.length; r++) out.set(data.subarray(indices[r]! * cols, (indices[r]! + 1) * cols), r * cols);
  return out;
}

/** Appends new rows of class `c` to a growing result. */
export class Growing {
  private parts: Float64Array[] = [];
  private labels: number[] = [];
  rows = 0;
  constructor(private readonly cols: number) {}
  add(block: Float64Array, c: number): void {
    this.parts.push(block);
    const n = block.length / this.cols;
    for (let i = 0; i < n; i++) this.labels.push(c);
    this.rows += n;
  }
  /** The original matrix followed by everything added. */
  finish(X: { data: Float64Array; rows: number; cols: number }, y: Int32Array): { X: { data: Float64Array; rows: number; cols: number }; y: Int32Array } {
    const data = new Float64Array((X.rows + this.rows) * this.cols);
    data.set(X.data);
    let o = X.data.length;
    for (const p of this.parts) {
      data.set(p, o);
      o += p.length;
    }
    const labels = new Int32Array(X.rows + this.rows);
    labels.set(y);
    labels.set(this.labels, X.rows);
    return { X: { data, rows: X.rows + this.rows, cols: this.cols }, y: labels };
  }
}
