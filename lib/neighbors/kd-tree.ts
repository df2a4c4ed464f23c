/**
 * Exact k nearest neighbours with a kd-tree: median splits on the widest dimension, bounding boxes, and a
 * best-first descent that prunes boxes farther than the current k-th neighbour. Pays off in low dimension;
 * `search` picks it or blocked brute force by size and dimension, as scikit-learn's algorithm="auto" does.
 */
import type { Neighbors } from "./brute.js";
import { replaceRoot } from "./heap.js";

const LEAF_SIZE = 32;

interface Node {
  start: number;
  end: number;
  lo: Float64Array;
  hi: Float64Array;
  left?: Node;
  right?: Node;
}

export class KDTree {
  /** Distances computed so far: how well the tree prunes on this data. */
  evaluations = 0;
  private readonly order: Int32Array;
  private readonly root: Node;

  constructor(private readonly data: Float64Array, n: number, private readonly cols: number) {
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.root = this.build(0, n);
  }

  private build(start: number, end: number): Node {
    const { data, cols, order } = this;
    const lo = new Float64Array(cols).fill(Infinity);
    const hi = new Float64Array(cols).fill(-Infinity);
    for (let r = start; r < end; r++) {
      const o = order[r]! * cols;
      for (let j = 0; j < cols; j++) {
        const v = data[o + j]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    const node: Node = { start, end, lo, hi };
    if (end - start <= LEAF_SIZE) return node;
    let dim = 0;
    for (let j = 1; j < cols; j++) if (hi[j]! - lo[j]! > hi[dim]! - lo[dim]!) dim = j;
    if (hi[dim] === lo[dim]) return node; // all points equal: a leaf, however large
    const mid = (start + end) >> 1;
    this.select(start, end - 1, mid, dim);
    node.left = this.build(start, mid);
    node.right = this.build(mid, end);
    return node;
  }

  /** Quickselect on `order[left..right]` by coordinate `dim`, so position k holds the k-th smallest. */
  private select(left: number, right: number, k: number, dim: number): void {
    const { data, cols, order } = this;
    while (right > left) {
      const pivot = data[order[(left + right) >> 1]! * cols + dim]!;
      let i = left;
      let j = right;
      while (i <= j) {
        while (data[order[i]! * cols + dim]! < pivot) i++;
        while (data[order[j]! * cols + dim]! > pivot) j--;
        if (i <= j) {
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) right = j;
      else if (k >= i) left = i;
      else return;
    }
  }

  /** k nearest fitted points of each query row (ties to the lower index, as the brute-force search). */
  query(queries: Float64Array, nQueries: number, k: number, excludeSelf: boolean): Neighbors {
    const { cols } = this;
    const indices = new Int32Array(nQueries * k);
    const distances = new Float64Array(nQueries * k);
    const hd = new Float64Array(k);
    const hi = new Int32Array(k);
    const q = new Float64Array(cols);
    for (let s = 0; s < nQueries; s++) {
      q.set(queries.subarray(s * cols, (s + 1) * cols));
      hd.fill(Infinity);
      hi.fill(0x7fffffff);
      this.visit(this.root, q, k, excludeSelf ? s : -1, hd, hi);
      // Sort the heap into the output row (insertion sort: k is small).
      for (let j = 0; j < k; j++) {
        let m = j;
        while (m > 0 && (hd[m - 1]! > hd[m]! || (hd[m - 1] === hd[m] && hi[m - 1]! > hi[m]!))) {
          const td = hd[m]!;
          hd[m] = hd[m - 1]!;
          hd[m - 1] = td;
          const ti = hi[m]!;
          hi[m] = hi[m - 1]!;
          hi[m - 1] = ti;
          m--;
        }
      }
      for (let j = 0; j < k; j++) {
        indices[s * k + j] = hi[j]!;
        distances[s * k + j] = Math.sqrt(hd[j]!);
      }
    }
    return { indices, distances, k };
  }

  private boxDistance(node: Node, q: Float64Array): number {
    let d = 0;
    for (let j = 0; j < this.cols; j++) {
      const v = q[j]!;
      const e = v < node.lo[j]! ? node.lo[j]! - v : v > node.hi[j]! ? v - node.hi[j]! : 0;
      d += e * e;
    }
    return d;
  }

  private visit(node: Node, q: Float64Array, k: number, self: number, hd: Float64Array, hi: Int32Array): void {
    if (!node.left || !node.right) {
      const { data, cols, order } = this;
      this.evaluations += node.end - node.start;
      for (let r = node.start; r < node.end; r++) {
        const p = order[r]!;
        if (p === self) continue;
        // Partial distance: stop summing once it is beyond the current k-th neighbour.
        const bound = hd[0]!;
        let d = 0;
        const o = p * cols;
        for (let j = 0; j < cols && d <= bound; j++) {
          const t = data[o + j]! - q[j]!;
          d += t * t;
        }
        if (d > bound || (d === bound && p > hi[0]!)) continue;
        replaceRoot(hd, hi, 0, k, d, p);
      }
      return;
    }
    const dl = this.boxDistance(node.left, q);
    const dr = this.boxDistance(node.right, q);
    // Nearer box first; <= keeps boxes at exactly the k-th distance: they may hold a tie with a lower index.
    if (dl <= dr) {
      if (dl <= hd[0]!) this.visit(node.left, q, k, self, hd, hi);
      if (dr <= hd[0]!) this.visit(node.right, q, k, self, hd, hi);
    } else {
      if (dr <= hd[0]!) this.visit(node.right, q, k, self, hd, hi);
      if (dl <= hd[0]!) this.visit(node.left, q, k, self, hd, hi);
    }
  }
}
