/** Best split of a node from its histogram: scikit-learn's gain, missing values tried on both sides. */
import type { BinMapper } from "./binning.js";
import { BIN_STRIDE, HIST_FIELDS } from "./histogram.js";
import { nativeKernels } from "../../native/index.js";

export interface SplitInfo {
  gain: number;
  feature: number;
  binThreshold: number;
  missingLeft: boolean;
  gLeft: number;
  hLeft: number;
  nLeft: number;
}

export interface SplitParams {
  minSamplesLeaf: number;
  minHessianToSplit: number;
  l2: number;
  /** Constant hessian per sample, or NaN when the histogram holds hessian sums. */
  constantHessian: number;
  /** Threads for the native scan (1 when absent). */
  threads?: number;
}

const nativeOut = new Float64Array(7);

/** The best split with positive gain, or null. G, H, N are the node's totals. */
export function findBestSplit(hist: Float64Array, d: number, mapper: BinMapper, G: number, H: number, N: number, p: SplitParams): SplitInfo | null {
  const native = nativeKernels();
  if (native) {
    // The same scan, compiled (native/hist.c).
    if (!native.findBestSplit(hist, d, mapper.nBinsNonMissing, mapper.hasMissing, G, H, N, p.minSamplesLeaf, p.minHessianToSplit, p.l2, p.constantHessian, nativeOut, p.threads ?? 1)) return null;
    const o = nativeOut;
    return { gain: o[0]!, feature: o[1]!, binThreshold: o[2]!, missingLeft: o[3] === 1, gLeft: o[4]!, hLeft: o[5]!, nLeft: o[6]! };
  }
  const lambda = p.l2;
  const parentTerm = (G * G) / (H + lambda);
  const constant = !Number.isNaN(p.constantHessian);
  const hc = p.constantHessian;
  let best: SplitInfo | null = null;
  let bestGain = 0;
  for (let f = 0; f < d; f++) {
    const base = f * BIN_STRIDE * HIST_FIELDS;
    const nonMissing = mapper.nBinsNonMissing[f]!;
    const hasMissing = mapper.hasMissing[f]!;
    // Missing values go right; the last non-missing bin is a candidate only when there is something (NaN) to its right.
    let gL = 0;
    let hL = 0;
    let nL = 0;
    const end = nonMissing - 1 + hasMissing;
    for (let b = 0; b < end; b++) {
      const k = base + b * HIST_FIELDS;
      gL += hist[k]!;
      nL += hist[k + 2]!;
      hL = constant ? nL * hc : hL + hist[k + 1]!;
      const nR = N - nL;
      const hR = H - hL;
      if (nL < p.minSamplesLeaf) continue;
      if (nR < p.minSamplesLeaf) break;
      if (hL < p.minHessianToSplit) continue;
      if (hR < p.minHessianToSplit) break;
      const gR = G - gL;
      const gain = (gL * gL) / (hL + lambda) + (gR * gR) / (hR + lambda) - parentTerm;
      if (gain > bestGain) {
        bestGain = gain;
        best = { gain, feature: f, binThreshold: b, missingLeft: false, gLeft: gL, hLeft: hL, nLeft: nL };
      }
    }
    if (!hasMissing) continue;
    // Missing values go left: accumulate the right side from the top non-missing bin down.
    let gR = 0;
    let hR = 0;
    let nR = 0;
    for (let b = nonMissing - 2; b >= 0; b--) {
      const k = base + (b + 1) * HIST_FIELDS;
      gR += hist[k]!;
      nR += hist[k + 2]!;
      hR = constant ? nR * hc : hR + hist[k + 1]!;
      const nLeft = N - nR;
      const hLeft = H - hR;
      if (nR < p.minSamplesLeaf) continue;
      if (nLeft < p.minSamplesLeaf) break;
      if (hR < p.minHessianToSplit) continue;
      if (hLeft < p.minHessianToSplit) break;
      const gLeft = G - gR;
      const gain = (gLeft * gLeft) / (hLeft + lambda) + (gR * gR) / (hR + lambda) - parentTerm;
      if (gain > bestGain) {
        bestGain = gain;
        best = { gain, feature: f, binThreshold: b, missingLeft: true, gLeft, hLeft, nLeft };
      }
    }
  }
  return best;
}
