/** The SMOTE generation step shared by SMOTE and its variants. */
import type { Random } from "../core/random.js";

export interface Samples {
  data: Float64Array;
  rows: number;
}

/**
 * `n` new rows: a seed row s (drawn with its neighbour as one uniform choice among seeds × k), a neighbour
 * b = nnData[nns[s, j]], and x = seed + u · stepSize · (b − seed), u ~ U(0, 1).
 * @param seeds row-major seeds; nns seeds × k indices into nnData
 * @param into where to write the n rows (n x cols values), instead of a new array
 */
export function makeSamples(seeds: Float64Array, nSeeds: number, nnData: Float64Array, nns: Int32Array, k: number, cols: number, n: number, rng: Random, stepSize = 1, onSample?: (seed: number, neighbours: number) => void, into?: Float64Array): Samples {
  // Written straight into the caller's output when it gives one (saves a copy of every new row).
  const data = into ?? new Float64Array(n * cols);
  for (let s = 0; s < n; s++) {
    const pick = rng.randint(nSeeds * k);
    const a = Math.floor(pick / k);
    const b = nns[pick]!;
    const u = rng.random() * stepSize;
    const ao = a * cols;
    const bo = b * cols;
    const o = s * cols;
    for (let j = 0; j < cols; j++) data[o + j] = seeds[ao + j]! + u * (nnData[bo + j]! - seeds[ao + j]!);
    onSample?.(s, a);
  }
  return { data, rows: n };
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
