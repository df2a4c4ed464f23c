/**
 * CART growth, depth first, on presorted features: each node owns the same range in every feature's sorted
 * list, and a split partitions those lists stably, so no node sorts again (SLIQ's idea; scikit-learn sorts
 * per node instead). Splits and thresholds follow scikit-learn: midpoints, features in random order, constant
 * features not counted against `maxFeatures`.
 */
import type { Random } from "../core/random.js";
import type { Presorted } from "./presort.js";

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
  const { n, d, columns } = pre;
  const classification = target.kind === "classification";
  const k = classification ? target.nClasses : 1;
  const yc = classification ? target.y : new Int32Array(0);
  const yr = classification ? new Float64Array(0) : target.y;
  const entropy = opt.criterion === "entropy" || opt.criterion === "log_loss";

  // Samples in play, and each feature's sorted list of them.
  let m = 0;
  for (let i = 0; i < n; i++) if (weight[i]! > 0) m++;
  const sorted = new Int32Array(d * m);
  for (let f = 0; f < d; f++) {
    const ord = pre.order[f]!;
    let p = f * m;
    for (let r = 0; r < n; r++) {
      const i = ord[r]!;
      if (weight[i]! > 0) sorted[p++] = i;
    }
  }
  const tmp = new Int32Array(m);
  const goesLeft = new Uint8Array(n);
  const importances = new Float64Array(d);

  const nodes = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[], value: [] as number[], impurity: [] as number[], n: [] as number[], w: [] as number[] };
  let maxDepthSeen = 0;
  const stats = new Float64Array(k + 2); // class weights (or sum, sumsq) and total weight
  const leftCounts = new Float64Array(k);
  const features = Int32Array.from({ length: d }, (_, f) => f);

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
      const col = f * n;
      if (columns[col + sorted[seg + end - 1]!]! <= columns[col + sorted[seg + start]!]! + FEATURE_THRESHOLD) continue; // constant here
      visited++;
      let wL = 0;
      let nL = 0;
      if (classification) leftCounts.fill(0);
      let sqL = 0;
      let sqR = totalSq;
      let sumL = 0;
      for (let p = start; p < end - 1; p++) {
        const i = sorted[seg + p]!;
        const wi = weight[i]!;
        if (classification) {
          const c = yc[i]!;
          const lc = leftCounts[c]!;
          const rc = classTotals[c]! - lc;
          sqL += 2 * lc * wi + wi * wi;
          sqR += -2 * rc * wi + wi * wi;
          leftCounts[c] = lc + wi;
        } else {
          sumL += wi * yr[i]!;
        }
        wL += wi;
        nL++;
        const x0 = columns[col + i]!;
        const x1 = columns[col + sorted[seg + p + 1]!]!;
        if (x1 <= x0 + FEATURE_THRESHOLD) continue;
        if (nL < opt.minSamplesLeaf || count - nL < opt.minSamplesLeaf) continue;
        const wR = wNode - wL;
        if (wL < opt.minWeightLeaf || wR < opt.minWeightLeaf || wL <= 0 || wR <= 0) continue;
        let proxy: number;
        if (!classification) {
          const sumR = sumTotal - sumL;
          proxy = (sumL * sumL) / wL + (sumR * sumR) / wR;
        } else if (!entropy) {
          proxy = sqL / wL + sqR / wR;
        } else {
          let hL = 0;
          let hR = 0;
          for (let c = 0; c < k; c++) {
            const l = leftCounts[c]!;
            const r = classTotals[c]! - l;
            if (l > 0) hL -= l * Math.log(l / wL);
            if (r > 0) hR -= r * Math.log(r / wR);
          }
          proxy = -(hL + hR);
        }
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = f;
          bestPos = p;
          let t = (x0 + x1) / 2;
          if (t === x1 || !Number.isFinite(t)) t = x0;
          bestThreshold = t;
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
        if (goesLeft[i]) sorted[l++] = i;
        else tmp[r++] = i;
      }
      sorted.set(tmp.subarray(0, r), l);
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
