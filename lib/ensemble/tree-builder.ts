/**
 * CART growth, depth first, on presorted features: each node owns the same range in every feature's sorted
 * list, and a split partitions those lists stably, so no node sorts again (SLIQ's idea; scikit-learn sorts
 * per node instead). Splits and thresholds follow scikit-learn: midpoints, features in random order, constant
 * features not counted against `maxFeatures`.
 */
import type { Random } from "../core/random.js";
import type { Presorted } from "./presort.js";
import { nativeKernels, nativeThreads } from "../native/index.js";

export type Criterion = "gini" | "entropy" | "log_loss" | "squared_error";

export type Target = { kind: "classification"; y: Int32Array; nClasses: number } | { kind: "regression"; y: Float64Array };

export interface GrowOptions {
  criterion: Criterion;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minWeightLeaf: number;
  maxFeatures: number;
  minImpurityDecrease: number;
  rng: Random;
}

/** A fitted tree as flat arrays (scikit-learn's `tree_`); `feature[i] === -1` marks a leaf. */
export interface TreeData {
  nodeCount: number;
  nOutputs: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Per node: weighted class counts (classification) or the weighted mean (regression). */
  value: Float64Array;
  impurity: Float64Array;
  nNodeSamples: Int32Array;
  weightedNNodeSamples: Float64Array;
  maxDepth: number;
}

const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;

/** Grows one tree on the samples with positive `weight` (bootstrap counts times sample weights). */
export function growTree(pre: Presorted, weight: Float64Array, target: Target, opt: GrowOptions): { tree: TreeData; importances: Float64Array } {
  const { n, d } = pre;
  const classification = target.kind === "classification";
  const k = classification ? target.nClasses : 1;
  const yc = classification ? target.y : new Int32Array(0);
  const yr = classification ? new Float64Array(0) : target.y;
  const entropy = opt.criterion === "entropy" || opt.criterion === "log_loss";

  // Samples in play, and each feature's sorted list of them with the values alongside (the split scan reads
  // values sequentially). With every weight positive (AdaBoost, trees without bootstrap) these are plain copies.
  let m = 0;
  for (let i = 0; i < n; i++) if (weight[i]! > 0) m++;
  // Stumps with every weight positive (AdaBoost's rounds) never partition: read the presort in place, which
  // spares copying d x n entries per tree and keeps the caches for the scan.
  const inPlace = m === n && opt.maxDepth <= 1;
  const sorted = inPlace ? pre.flatOrder : new Int32Array(d * m);
  const sortedX = inPlace ? pre.flatValues : new Float64Array(d * m);
  for (let f = 0; f < d && !inPlace; f++) {
    const ord = pre.order[f]!;
    const vals = pre.sortedValues[f]!;
    if (m === n) {
      sorted.set(ord, f * m);
      sortedX.set(vals, f * m);
      continue;
    }
    let p = f * m;
    for (let r = 0; r < n; r++) {
      const i = ord[r]!;
      if (weight[i]! > 0) {
        sortedX[p] = vals[r]!;
        sorted[p++] = i;
      }
    }
  }
  // Weight and class (or target) of each sample side by side: one cache line per random read in the scan.
  const wy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    wy[2 * i] = weight[i]!;
    wy[2 * i + 1] = classification ? yc[i]! : yr[i]!;
  }
  const tmp = new Int32Array(m);
  const tmpX = new Float64Array(m);
  const goesLeft = new Uint8Array(n);
  const importances = new Float64Array(d);

  const nodes = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[], value: [] as number[], impurity: [] as number[], n: [] as number[], w: [] as number[] };
  let maxDepthSeen = 0;
  const stats = new Float64Array(k + 2); // class weights (or sum, sumsq) and total weight
  const leftCounts = new Float64Array(k);
  const features = Int32Array.from({ length: d }, (_, f) => f);
  // Gini with the native kernels: a node's candidate features are scanned in one call, over threads.
  const native = classification && !entropy ? nativeKernels() : null;
  const threads = native ? nativeThreads() : 1;
  const batchFeatures = new Int32Array(d);
  const batchSegs = new Int32Array(d);
  const batchOut = new Float64Array(2 * d);
  const thresholdAt = (seg: number, pos: number) => {
    const x0 = sortedX[seg + pos]!;
    const x1 = sortedX[seg + pos + 1]!;
    const t = (x0 + x1) / 2;
    return t === x1 || !Number.isFinite(t) ? x0 : t;
  };

  const impurityOf = (s: Float64Array, w: number): number => {
    if (!classification) {
      const mean = s[0]! / w;
      return Math.max(0, s[1]! / w - mean * mean);
    }
    let acc = 0;
    if (entropy) {
      for (let c = 0; c < k; c++) {
        const p = s[c]! / w;
        if (p > 0) acc -= p * Math.log2(p);
      }
      return acc;
    }
    for (let c = 0; c < k; c++) acc += (s[c]! / w) ** 2;
    return 1 - acc;
  };

  const addNode = (parent: number, isLeft: boolean, impurity: number, count: number): number => {
    const id = nodes.feature.length;
    nodes.feature.push(-1);
    nodes.threshold.push(-2);
    nodes.left.push(-1);
    nodes.right.push(-1);
    nodes.impurity.push(impurity);
    nodes.n.push(count);
    nodes.w.push(stats[k + 1]!);
    if (classification) for (let c = 0; c < k; c++) nodes.value.push(stats[c]!);
    else nodes.value.push(stats[0]! / stats[k + 1]!);
    if (parent >= 0) (isLeft ? nodes.left : nodes.right)[parent] = id;
    return id;
  };

  const rootW = (() => {
    let w = 0;
    for (let i = 0; i < n; i++) w += weight[i]!;
    return w;
  })();

  // `seg` is the offset of a feature segment known to be partitioned for the node (children of the last level are
  // left unpartitioned in the other features: nothing splits them).
  const stack: { start: number; end: number; depth: number; parent: number; isLeft: boolean; seg: number }[] = [{ start: 0, end: m, depth: 0, parent: -1, isLeft: false, seg: 0 }];
  while (stack.length > 0) {
    const { start, end, depth, parent, isLeft, seg: statSeg } = stack.pop()!;
    const count = end - start;
    const impurity = nodeStatsOf(statSeg + start, statSeg + end);
    const wNode = stats[k + 1]!;
    const id = addNode(parent, isLeft, impurity, count);
    if (depth > maxDepthSeen) maxDepthSeen = depth;
    const leaf = depth >= opt.maxDepth || count < opt.minSamplesSplit || count < 2 * opt.minSamplesLeaf || wNode < 2 * opt.minWeightLeaf || impurity <= EPSILON;
    if (leaf) continue;

    // Best split over features drawn in random order.
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestPos = -1;
    let bestThreshold = 0;
    let visited = 0;
    let nBatch = 0;
    const classTotals = classification ? stats.slice(0, k) : stats;
    let totalSq = 0;
    if (classification) for (let c = 0; c < k; c++) totalSq += classTotals[c]! * classTotals[c]!;
    const sumTotal = classification ? 0 : stats[0]!;
    for (let drawn = 0; drawn < d && visited < opt.maxFeatures; drawn++) {
      const j = drawn + opt.rng.randint(d - drawn);
      const f = features[j]!;
      features[j] = features[drawn]!;
      features[drawn] = f;
      const seg = f * m;
      if (sortedX[seg + end - 1]! <= sortedX[seg + start]! + FEATURE_THRESHOLD) continue; // constant here
      visited++;
      if (native) {
        batchFeatures[nBatch] = f;
        batchSegs[nBatch++] = seg;
        continue;
      }
      const args: ScanArgs = { sorted, xs: sortedX, seg, start, end, wy, count, wNode, minLeaf: opt.minSamplesLeaf, minWeightLeaf: opt.minWeightLeaf, best: bestProxy };
      const pos = classification ? (entropy ? scanEntropy(args, k, classTotals, leftCounts) : scanGini(args, classTotals, leftCounts, totalSq)) : scanSquared(args, sumTotal);
      if (pos >= 0) {
        bestProxy = scanResult.proxy;
        bestFeature = f;
        bestPos = pos;
        bestThreshold = thresholdAt(seg, pos);
      }
    }
    if (native && nBatch > 0) {
      // Every scan starts from the same best; taking, in drawing order, each feature that beats the best so
      // far gives what scanning them one after another from a running best gives.
      native.scanGiniFeatures(sorted, sortedX, batchSegs, nBatch, start, end, wy, count, wNode, opt.minSamplesLeaf, opt.minWeightLeaf, bestProxy, classTotals, totalSq, batchOut, threads);
      for (let q = 0; q < nBatch; q++) {
        const pos = batchOut[2 * q]!;
        if (pos >= 0 && batchOut[2 * q + 1]! > bestProxy) {
          bestProxy = batchOut[2 * q + 1]!;
          bestFeature = batchFeatures[q]!;
          bestPos = pos;
          bestThreshold = thresholdAt(batchSegs[q]!, pos);
        }
      }
    }
    if (bestFeature < 0) continue;

    const mid = bestPos + 1;
    const segB = bestFeature * m;
    // Children's impurities decide whether the split is worth it (minImpurityDecrease) and feed importances.
    const impL = nodeStatsOf(segB + start, segB + mid);
    const wL = stats[k + 1]!;
    const impR = nodeStatsOf(segB + mid, segB + end);
    const wR = stats[k + 1]!;
    const improvement = (wNode / rootW) * (impurity - (wR / wNode) * impR - (wL / wNode) * impL);
    if (improvement + EPSILON < opt.minImpurityDecrease) continue;
    importances[bestFeature]! += wNode * impurity - wL * impL - wR * impR;
    nodes.feature[id] = bestFeature;
    nodes.threshold[id] = bestThreshold;

    for (let p = start; p < end; p++) goesLeft[sorted[segB + p]!] = p < mid ? 1 : 0;
    const last = depth + 1 >= opt.maxDepth;
    for (let f = 0; f < d && !last; f++) {
      if (f === bestFeature) continue;
      const seg = f * m;
      let l = seg + start;
      let r = 0;
      for (let p = seg + start; p < seg + end; p++) {
        const i = sorted[p]!;
        if (goesLeft[i]) {
          sortedX[l] = sortedX[p]!;
          sorted[l++] = i;
        } else {
          tmpX[r] = sortedX[p]!;
          tmp[r++] = i;
        }
      }
      sorted.set(tmp.subarray(0, r), l);
      sortedX.set(tmpX.subarray(0, r), l);
    }
    stack.push({ start: mid, end, depth: depth + 1, parent: id, isLeft: false, seg: last ? segB : 0 });
    stack.push({ start, end: mid, depth: depth + 1, parent: id, isLeft: true, seg: last ? segB : 0 });
  }

  function nodeStatsOf(a: number, b: number): number {
    // Weighted class totals (or sum and sum of squares) over a range of `sorted` into `stats`; returns the impurity.
    stats.fill(0);
    let w = 0;
    for (let p = a; p < b; p++) {
      const i = sorted[p]!;
      const wi = weight[i]!;
      if (classification) stats[yc[i]!]! += wi;
      else {
        stats[0] += wi * yr[i]!;
        stats[1] += wi * yr[i]! * yr[i]!;
      }
      w += wi;
    }
    stats[k + 1] = w;
    return impurityOf(stats, w);
  }

  const tree: TreeData = {
    nodeCount: nodes.feature.length,
    nOutputs: k,
    feature: Int32Array.from(nodes.feature),
    threshold: Float64Array.from(nodes.threshold),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    value: Float64Array.from(nodes.value),
    impurity: Float64Array.from(nodes.impurity),
    nNodeSamples: Int32Array.from(nodes.n),
    weightedNNodeSamples: Float64Array.from(nodes.w),
    maxDepth: maxDepthSeen,
  };
  return { tree, importances };
}

/** The leaf each row of a row-major matrix lands in. */
export function applyTree(tree: TreeData, data: Float64Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  const { feature, threshold, left, right } = tree;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      node = data[i * cols + f]! <= threshold[node]! ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    out[i] = node;
  }
  return out;
}

interface ScanArgs {
  sorted: Int32Array;
  xs: Float64Array;
  seg: number;
  start: number;
  end: number;
  /** Weight of sample i at 2i, its class index (or target) at 2i + 1. */
  wy: Float64Array;
  count: number;
  wNode: number;
  minLeaf: number;
  minWeightLeaf: number;
  /** The proxy to beat. */
  best: number;
}

/** The winning proxy of the last scan that returned a position. */
const scanResult = { proxy: -Infinity };

// One small function per criterion: V8 optimises each tight loop on its own, and values come sequentially from
// `xs` instead of through the sample index.

const nativeOut = new Float64Array(1);

/** Gini: maximise sum_c L_c^2 / wL + sum_c R_c^2 / wR, updated in O(1) per sample. Returns the best position or -1. */
function scanGini(a: ScanArgs, totals: Float64Array, left: Float64Array, totalSq: number): number {
  const { sorted, xs, seg, start, end, wy, count, wNode, minLeaf, minWeightLeaf } = a;
  left.fill(0);
  let best = a.best;
  let pos = -1;
  let wL = 0;
  let sqL = 0;
  let sqR = totalSq;
  for (let p = start; p < end - 1; p++) {
    const i = 2 * sorted[seg + p]!;
    const wi = wy[i]!;
    const c = wy[i + 1]!;
    const lc = left[c]!;
    const rc = totals[c]! - lc;
    sqL += 2 * lc * wi + wi * wi;
    sqR += -2 * rc * wi + wi * wi;
    left[c] = lc + wi;
    wL += wi;
    if (xs[seg + p + 1]! <= xs[seg + p]! + FEATURE_THRESHOLD) continue;
    const nL = p - start + 1;
    if (nL < minLeaf || count - nL < minLeaf) continue;
    const wR = wNode - wL;
    if (wL < minWeightLeaf || wR < minWeightLeaf || wL <= 0 || wR <= 0) continue;
    const proxy = sqL / wL + sqR / wR;
    if (proxy > best) {
      best = proxy;
      pos = p;
    }
  }
  if (pos >= 0) scanResult.proxy = best;
  return pos;
}

/** Entropy: maximise -(wL H_L + wR H_R). */
function scanEntropy(a: ScanArgs, k: number, totals: Float64Array, left: Float64Array): number {
  const { sorted, xs, seg, start, end, wy, count, wNode, minLeaf, minWeightLeaf } = a;
  left.fill(0);
  let best = a.best;
  let pos = -1;
  let wL = 0;
  for (let p = start; p < end - 1; p++) {
    const i = 2 * sorted[seg + p]!;
    const wi = wy[i]!;
    left[wy[i + 1]!]! += wi;
    wL += wi;
    if (xs[seg + p + 1]! <= xs[seg + p]! + FEATURE_THRESHOLD) continue;
    const nL = p - start + 1;
    if (nL < minLeaf || count - nL < minLeaf) continue;
    const wR = wNode - wL;
    if (wL < minWeightLeaf || wR < minWeightLeaf || wL <= 0 || wR <= 0) continue;
    let hL = 0;
    let hR = 0;
    for (let c = 0; c < k; c++) {
      const l = left[c]!;
      const r = totals[c]! - l;
      if (l > 0) hL -= l * Math.log(l / wL);
      if (r > 0) hR -= r * Math.log(r / wR);
    }
    const proxy = -(hL + hR);
    if (proxy > best) {
      best = proxy;
      pos = p;
    }
  }
  if (pos >= 0) scanResult.proxy = best;
  return pos;
}

/** Squared error: maximise sumL^2 / wL + sumR^2 / wR. */
function scanSquared(a: ScanArgs, sumTotal: number): number {
  const { sorted, xs, seg, start, end, wy, count, wNode, minLeaf, minWeightLeaf } = a;
  const native = nativeKernels();
  if (native) {
    const pos = native.scanSquared(sorted, xs, seg, start, end, wy, count, wNode, minLeaf, minWeightLeaf, a.best, sumTotal, nativeOut);
    if (pos >= 0) scanResult.proxy = nativeOut[0]!;
    return pos;
  }
  let best = a.best;
  let pos = -1;
  let wL = 0;
  let sumL = 0;
  for (let p = start; p < end - 1; p++) {
    const i = 2 * sorted[seg + p]!;
    const wi = wy[i]!;
    sumL += wi * wy[i + 1]!;
    wL += wi;
    if (xs[seg + p + 1]! <= xs[seg + p]! + FEATURE_THRESHOLD) continue;
    const nL = p - start + 1;
    if (nL < minLeaf || count - nL < minLeaf) continue;
    const wR = wNode - wL;
    if (wL < minWeightLeaf || wR < minWeightLeaf || wL <= 0 || wR <= 0) continue;
    const sumR = sumTotal - sumL;
    const proxy = (sumL * sumL) / wL + (sumR * sumR) / wR;
    if (proxy > best) {
      best = proxy;
      pos = p;
    }
  }
  if (pos >= 0) scanResult.proxy = best;
  return pos;
}
