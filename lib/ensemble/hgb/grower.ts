/**
 * Leaf-wise (best-first) tree growth as scikit-learn's TreeGrower: the splittable leaf with the largest gain is
 * split next until `maxLeafNodes`; the smaller child's histogram is built, the larger one's is the parent's
 * minus it.
 */
import type { BinMapper } from "./binning.js";
import { buildHistogram, histogramSize, subtractHistogram, type HistogramScratch } from "./histogram.js";
import { findBestSplit, type SplitInfo, type SplitParams } from "./splitter.js";

/** A fitted tree of the boosting ensemble; `left[i] === -1` marks a leaf. */
export interface HistTree {
  feature: Int32Array;
  /** x <= numThreshold goes left (raw values). */
  numThreshold: Float64Array;
  /** bin <= binThreshold goes left (binned values). */
  binThreshold: Uint8Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf values, already multiplied by the learning rate. */
  value: Float64Array;
}

export interface GrowParams extends SplitParams {
  maxLeafNodes: number;
  maxDepth: number;
  shrinkage: number;
}

export interface GrowContext {
  /** Column-major bins: feature f of sample i at f * n + i. */
  binned: Uint8Array;
  n: number;
  d: number;
  mapper: BinMapper;
  /** Sample ids of the training rows; reordered so each leaf's samples are contiguous. */
  partition: Uint32Array;
  tmp: Uint32Array;
  /** Spare histogram buffers, reused across nodes and trees. */
  pool: Float64Array[];
  /** A new histogram buffer (the native kernels want theirs 64-byte aligned); absent: a plain Float64Array. */
  newHistogram?: () => Float64Array;
  scratch: HistogramScratch;
  /** Builds a node's histogram elsewhere (native kernels, or worker threads: see boosting.ts); absent: here, in JavaScript. */
  build?: (hist: Float64Array, start: number, end: number, g: Float32Array, h: Float32Array | null, identity: boolean) => void;
  /** Builds a child's histogram and subtracts it from its parent's in one pass elsewhere (the native kernel); absent: build, then subtract. */
  buildSubtract?: (hist: Float64Array, start: number, end: number, g: Float32Array, h: Float32Array | null, parent: Float64Array) => void;
  /** Partitions a node at a split elsewhere (the native kernel), returning the first right-hand position; absent: here. */
  split?: (feature: number, start: number, end: number, binThreshold: number, missingLeft: boolean) => number;
  /** The root's [G, H] in sample order elsewhere (the native kernel); absent: here. */
  sums?: (g: Float32Array, h: Float32Array | null, constantHessian: number, n: number) => Float64Array;
}

export interface Leaf {
  start: number;
  end: number;
  value: number;
}

interface GrowingNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  G: number;
  H: number;
  hist: Float64Array | null;
  split: SplitInfo | null;
}

/** Grows one tree on gradients `g` (and hessians `h`, or null if constant). */
export function growTree(ctx: GrowContext, g: Float32Array, h: Float32Array | null, params: GrowParams): { tree: HistTree; leaves: Leaf[] } {
  const { binned, d, mapper, partition, tmp, pool, scratch } = ctx;
  const n = partition.length;
  const stride = ctx.n;
  const take = () => pool.pop() ?? (ctx.newHistogram ? ctx.newHistogram() : new Float64Array(histogramSize(d)));
  const nodes = { feature: [] as number[], num: [] as number[], bin: [] as number[], miss: [] as number[], left: [] as number[], right: [] as number[], value: [] as number[] };
  const leaves: Leaf[] = [];
  const hc = params.constantHessian;
  const histogram = (hist: Float64Array, start: number, end: number, identity = false) => (ctx.build ? ctx.build(hist, start, end, g, h, identity) : buildHistogram(hist, binned, stride, d, partition, start, end, g, h, scratch, identity));

  const newNode = (start: number, end: number, depth: number, G: number, H: number): GrowingNode => {
    const id = nodes.feature.length;
    nodes.feature.push(-1);
    nodes.num.push(0);
    nodes.bin.push(0);
    nodes.miss.push(0);
    nodes.left.push(-1);
    nodes.right.push(-1);
    nodes.value.push(0);
    return { id, start, end, depth, G, H, hist: null, split: null };
  };
  const finalise = (node: GrowingNode) => {
    const v = (-params.shrinkage * node.G) / (node.H + params.l2 + 1e-15);
    nodes.value[node.id] = v;
    leaves.push({ start: node.start, end: node.end, value: v });
    if (node.hist) pool.push(node.hist);
    node.hist = null;
  };
  const canSplit = (node: GrowingNode) => node.depth < params.maxDepth && node.end - node.start >= 2 * params.minSamplesLeaf && node.H >= params.minHessianToSplit;
  const evaluate = (node: GrowingNode) => {
    node.split = findBestSplit(node.hist!, d, mapper, node.G, node.H, node.end - node.start, params);
  };

  // The caller resets the partition to 0..n-1 before each tree, so the root sums in sample order.
  let G = 0;
  let H = 0;
  if (ctx.sums) {
    const sums = ctx.sums(g, h, hc, n);
    G = sums[0]!;
    H = sums[1]!;
  } else
    for (let i = 0; i < n; i++) {
      G += g[partition[i]!]!;
      H += h ? h[partition[i]!]! : hc;
    }
  const root = newNode(0, n, 0, G, H);
  const splittable: GrowingNode[] = [];
  if (canSplit(root) && params.maxLeafNodes > 1) {
    root.hist = take();
    histogram(root.hist, 0, n, true); // the caller resets the partition to 0..n-1 before each tree
    evaluate(root);
  }
  if (root.split) splittable.push(root);
  else finalise(root);
  let nLeaves = 1;

  while (splittable.length > 0) {
    let bi = 0;
    for (let i = 1; i < splittable.length; i++) if (splittable[i]!.split!.gain > splittable[bi]!.split!.gain) bi = i;
    const node = splittable.splice(bi, 1)[0]!;
    const s = node.split!;
    const f = s.feature;
    const mid = ctx.split ? ctx.split(f, node.start, node.end, s.binThreshold, s.missingLeft) : partitionNode(partition, tmp, binned, f * stride, node.start, node.end, s.binThreshold, mapper.maxBins, s.missingLeft);
    nodes.feature[node.id] = f;
    nodes.bin[node.id] = s.binThreshold;
    const thr = mapper.thresholds[f]!;
    nodes.num[node.id] = s.binThreshold < thr.length ? thr[s.binThreshold]! : Infinity;
    nodes.miss[node.id] = s.missingLeft ? 1 : 0;
    const left = newNode(node.start, mid, node.depth + 1, s.gLeft, s.hLeft);
    const right = newNode(mid, node.end, node.depth + 1, node.G - s.gLeft, node.H - s.hLeft);
    nodes.left[node.id] = left.id;
    nodes.right[node.id] = right.id;
    nLeaves++;

    const children = [left, right];
    if (nLeaves >= params.maxLeafNodes) {
      if (node.hist) pool.push(node.hist);
      for (const c of children) finalise(c);
      for (const other of splittable) finalise(other);
      splittable.length = 0;
      break;
    }
    const growLeft = canSplit(left);
    const growRight = canSplit(right);
    if (growLeft || growRight) {
      // Build the smaller child's histogram; the parent's buffer becomes the larger child's by subtraction.
      const [small, large] = left.end - left.start <= right.end - right.start ? [left, right] : [right, left];
      small.hist = take();
      if (ctx.buildSubtract) ctx.buildSubtract(small.hist, small.start, small.end, g, h, node.hist!);
      else {
        histogram(small.hist, small.start, small.end);
        subtractHistogram(node.hist!, small.hist);
      }
      large.hist = node.hist;
    } else if (node.hist) {
      pool.push(node.hist);
    }
    node.hist = null;
    for (const c of children) {
      if (canSplit(c) && c.hist) {
        evaluate(c);
        if (c.split) {
          splittable.push(c);
          continue;
        }
      }
      finalise(c);
    }
  }

  const tree: HistTree = {
    feature: Int32Array.from(nodes.feature),
    numThreshold: Float64Array.from(nodes.num),
    binThreshold: Uint8Array.from(nodes.bin),
    missingLeft: Uint8Array.from(nodes.miss),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    value: Float64Array.from(nodes.value),
  };
  return { tree, leaves };
}

/** The stable partition of a node at a split: left samples in place, right ones after them (through tmp); returns where the right ones start. */
function partitionNode(partition: Uint32Array, tmp: Uint32Array, binned: Uint8Array, col: number, start: number, end: number, binThreshold: number, missingBin: number, missingLeft: boolean): number {
  let l = start;
  let r = 0;
  for (let p = start; p < end; p++) {
    const i = partition[p]!;
    const b = binned[col + i]!;
    const goLeft = b === missingBin ? missingLeft : b <= binThreshold;
    if (goLeft) partition[l++] = i;
    else tmp[r++] = i;
  }
  partition.set(tmp.subarray(0, r), l);
  return l;
}

/** Raw-value prediction of one tree, added into `out` (NaN follows the learned missing direction). */
export function addTreeRaw(tree: HistTree, data: Float64Array, rows: number, cols: number, out: Float64Array, stride = 1, offset = 0): void {
  const { feature, numThreshold, missingLeft, left, right, value } = tree;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    while (left[node]! >= 0) {
      const x = data[i * cols + feature[node]!]!;
      node = x !== x ? (missingLeft[node] ? left[node]! : right[node]!) : x <= numThreshold[node]! ? left[node]! : right[node]!;
    }
    out[i * stride + offset]! += value[node]!;
  }
}

/** Binned-data prediction of one tree (column-major bins), added into `out` (the validation set during early stopping). */
export function addTreeBinned(tree: HistTree, binned: Uint8Array, rows: number, missingBin: number, out: Float64Array, stride = 1, offset = 0): void {
  const { feature, binThreshold, missingLeft, left, right, value } = tree;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    while (left[node]! >= 0) {
      const b = binned[feature[node]! * rows + i]!;
      node = b === missingBin ? (missingLeft[node] ? left[node]! : right[node]!) : b <= binThreshold[node]! ? left[node]! : right[node]!;
    }
    out[i * stride + offset]! += value[node]!;
  }
}
