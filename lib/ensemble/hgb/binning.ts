/**
 * scikit-learn's _BinMapper: per feature, up to `maxBins` bins from midpoints of distinct values or from
 * quantiles, mapped to one byte per value; NaN gets the last bin (index `maxBins`).
 */
import type { Random } from "../../core/random.js";
import { sampleIndices } from "../../sampling/simple.js";
import type { Matrix } from "../../core/estimator.js";
import { nativeKernels, nativeThreads } from "../../native/index.js";

const ALMOST_INF = 1e300;

export interface BinMapper {
  maxBins: number;
  /** Per feature, ascending thresholds: bin b holds values in (thresholds[b-1], thresholds[b]]. */
  thresholds: Float64Array[];
  /** Per feature, whether training data had NaN. */
  hasMissing: Uint8Array;
  /** Per feature, bins used by non-missing values (thresholds.length + 1). */
  nBinsNonMissing: Int32Array;
}

/** Fits thresholds on at most `subsample` rows (scikit-learn: 200,000), drawn without replacement. */
export function fitBinMapper(X: Matrix, maxBins: number, rng: Random, subsample = 200_000): BinMapper {
  const { rows: n, cols: d, data } = X;
  let rows: Int32Array | null = null;
  if (n > subsample) rows = sampleIndices(n, subsample, { randomState: rng }).sort();
  const m = rows ? rows.length : n;
  const thresholds: Float64Array[] = [];
  const hasMissing = new Uint8Array(d);
  const native = nativeKernels();
  if (native) {
    // The same sorted columns, sorted on several threads.
    const sorted = new Float64Array(m * d);
    const counts = new Int32Array(d);
    native.sortColumns(data, n, d, rows, sorted, counts, hasMissing, nativeThreads());
    for (let f = 0; f < d; f++) thresholds.push(findThresholds(sorted.subarray(f * m, f * m + counts[f]!), maxBins));
    return { maxBins, thresholds, hasMissing, nBinsNonMissing: Int32Array.from(thresholds, (t) => t.length + 1) };
  }
  const col = new Float64Array(m);
  for (let f = 0; f < d; f++) {
    let k = 0;
    for (let r = 0; r < m; r++) {
      const v = data[(rows ? rows[r]! : r) * d + f]!;
      if (Number.isNaN(v)) hasMissing[f] = 1;
      else col[k++] = v;
    }
    const sorted = col.subarray(0, k).sort();
    thresholds.push(findThresholds(sorted, maxBins));
  }
  return { maxBins, thresholds, hasMissing, nBinsNonMissing: Int32Array.from(thresholds, (t) => t.length + 1) };
}

/** Thresholds for one sorted, NaN-free column. */
function findThresholds(sorted: Float64Array, maxBins: number): Float64Array {
  // Count distinct values only up to maxBins + 1: past that, quantiles decide and the list is not needed.
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length && distinct.length <= maxBins; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  let mids: number[];
  if (distinct.length <= maxBins) {
    mids = [];
    for (let i = 0; i + 1 < distinct.length; i++) mids.push((distinct[i]! + distinct[i + 1]!) / 2);
  } else {
    // numpy's percentile with method "midpoint" at 100 * j / maxBins, j = 1..maxBins-1, then unique values.
    const n = sorted.length;
    const out: number[] = [];
    for (let j = 1; j < maxBins; j++) {
      const pos = (j / maxBins) * (n - 1);
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      const v = lo === hi ? sorted[lo]! : (sorted[lo]! + sorted[hi]!) / 2;
      if (out.length === 0 || v !== out[out.length - 1]) out.push(v);
    }
    mids = out;
  }
  return Float64Array.from(mids, (v) => Math.min(v, ALMOST_INF));
}

/** Column-major bins, one byte per value (feature f of row i at f * rows + i): the number of thresholds below x; NaN -> maxBins. */
export function transformBins(X: Matrix, mapper: BinMapper): Uint8Array {
  const { rows: n, cols: d, data } = X;
  const out = new Uint8Array(n * d);
  const missing = mapper.maxBins;
  const native = nativeKernels();
  if (native) {
    const all = new Float64Array(d * 256).fill(Infinity);
    for (let f = 0; f < d; f++) all.set(mapper.thresholds[f]!, f * 256);
    native.transformBins(data, n, d, all, missing, out, nativeThreads());
    return out;
  }
  // Thresholds padded with +Infinity to 256 entries: a fixed 8-step binary search without data-dependent branches.
  const padded = new Float64Array(256);
  for (let f = 0; f < d; f++) {
    const t = mapper.thresholds[f]!;
    padded.fill(Infinity);
    padded.set(t);
    const col = f * n;
    for (let i = 0; i < n; i++) {
      const x = data[i * d + f]!;
      if (x !== x) {
        out[col + i] = missing;
        continue;
      }
      // The number of thresholds below x (numpy's searchsorted, side "left").
      let pos = 0;
      pos += padded[pos + 127]! < x ? 128 : 0;
      pos += padded[pos + 63]! < x ? 64 : 0;
      pos += padded[pos + 31]! < x ? 32 : 0;
      pos += padded[pos + 15]! < x ? 16 : 0;
      pos += padded[pos + 7]! < x ? 8 : 0;
      pos += padded[pos + 3]! < x ? 4 : 0;
      pos += padded[pos + 1]! < x ? 2 : 0;
      pos += padded[pos]! < x ? 1 : 0;
      out[col + i] = pos;
    }
  }
  return out;
}
