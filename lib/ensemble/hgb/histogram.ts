/**
 * Gradient histograms: per feature and bin, the sums of gradients, hessians and the sample count, and a zero
 * (four fields, so the native kernel adds a bin's update as one 32-byte vector) in one Float64Array with 256
 * bins per feature. Built feature by feature over column-major bins with the node's gradients gathered in
 * partition order first (scikit-learn's "ordered gradients"): each feature's 8 KB histogram stays in L1
 * while its column streams through.
 */

export const BIN_STRIDE = 256;
/** Fields per bin: gradient sum, hessian sum (0 when hessians are constant), count, 0. */
export const HIST_FIELDS = 4;

export function histogramSize(d: number): number {
  return d * BIN_STRIDE * HIST_FIELDS;
}

/** Scratch buffers for ordered gradients, sized for the largest node. */
export interface HistogramScratch {
  g: Float64Array;
  h: Float64Array;
}

/** Copies the node's gradients (and hessians) into partition order: the inner loops then read them sequentially. */
export function gatherGradients(partition: Uint32Array, start: number, end: number, g: Float32Array, h: Float32Array | null, scratch: HistogramScratch): void {
  const go = scratch.g;
  const ho = scratch.h;
  for (let p = start; p < end; p++) go[p - start] = g[partition[p]!]!;
  if (h) for (let p = start; p < end; p++) ho[p - start] = h[partition[p]!]!;
}

/**
 * Fills `hist` for the samples `partition[start..end)`; `binned` is column-major (feature f of sample i at
 * f * n + i). `h` is null when hessians are constant: counts stand in for them. `identity` says the
 * partition range is start, start+1, ... (the root, before any split), so bins are read sequentially.
 */
export function buildHistogram(hist: Float64Array, binned: Uint8Array, n: number, d: number, partition: Uint32Array, start: number, end: number, g: Float32Array, h: Float32Array | null, scratch: HistogramScratch, identity = false): void {
  gatherGradients(partition, start, end, g, h, scratch);
  histogramFeatures(hist, binned, n, partition, start, end - start, scratch.g, h ? scratch.h : null, 0, d, identity);
}

/** The histograms of features [f0, f1) from gathered gradients; threads split a node's features with this. */
export function histogramFeatures(hist: Float64Array, binned: Uint8Array, n: number, partition: Uint32Array, start: number, m: number, go: Float64Array, ho: Float64Array | null, f0: number, f1: number, identity = false): void {
  hist.fill(0, f0 * BIN_STRIDE * HIST_FIELDS, f1 * BIN_STRIDE * HIST_FIELDS);
  const h = ho;
  // Four features per pass: four independent read-modify-write chains, so a run of samples in one bin does
  // not serialise on store-to-load forwarding; four 8 KB histograms still fit in L1.
  let f = f0;
  for (; f + 4 <= f1; f += 4) {
    const c0 = f * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    const b0 = f * BIN_STRIDE * HIST_FIELDS, b1 = b0 + BIN_STRIDE * HIST_FIELDS, b2 = b1 + BIN_STRIDE * HIST_FIELDS, b3 = b2 + BIN_STRIDE * HIST_FIELDS;
    for (let p = 0; p < m; p++) {
      const i = identity ? start + p : partition[start + p]!;
      const gi = go[p]!;
      const k0 = b0 + binned[c0 + i]! * HIST_FIELDS;
      const k1 = b1 + binned[c1 + i]! * HIST_FIELDS;
      const k2 = b2 + binned[c2 + i]! * HIST_FIELDS;
      const k3 = b3 + binned[c3 + i]! * HIST_FIELDS;
      hist[k0]! += gi;
      hist[k1]! += gi;
      hist[k2]! += gi;
      hist[k3]! += gi;
      hist[k0 + 2]!++;
      hist[k1 + 2]!++;
      hist[k2 + 2]!++;
      hist[k3 + 2]!++;
      if (h) {
        const hi = h[p]!;
        hist[k0 + 1]! += hi;
        hist[k1 + 1]! += hi;
        hist[k2 + 1]! += hi;
        hist[k3 + 1]! += hi;
      }
    }
  }
  for (; f < f1; f++) {
    const col = f * n;
    const base = f * BIN_STRIDE * HIST_FIELDS;
    for (let p = 0; p < m; p++) {
      const k = base + binned[col + (identity ? start + p : partition[start + p]!)]! * HIST_FIELDS;
      hist[k]! += go[p]!;
      if (h) hist[k + 1]! += h[p]!;
      hist[k + 2]!++;
    }
  }
}

/** parent -= child, in place: the sibling's histogram without another pass over its samples. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let k = 0; k < parent.length; k++) parent[k]! -= child[k]!;
}
