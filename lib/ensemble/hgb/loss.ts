/** The losses of histogram gradient boosting: half squared error, binary and multinomial log loss. */
import { nativeKernels, nativeThreads } from "../../native/index.js";

export type HgbLoss = "squared_error" | "log_loss";

/** Weighted mean loss of raw predictions `raw` (rows x k) against targets. */
export function meanLoss(kind: "squared_error" | "binary" | "multinomial", raw: Float64Array, y: Float64Array | Int32Array, k: number, w: Float64Array | null): number {
  let total = 0;
  let wsum = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    let l: number;
    if (kind === "squared_error") l = 0.5 * (raw[i]! - y[i]!) ** 2;
    else if (kind === "binary") {
      const z = raw[i]!;
      // log(1 + e^z) - y z, stable for large |z|
      l = (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i]! * z;
    } else {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c]!);
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(raw[i * k + c]! - max);
      l = max + Math.log(s) - raw[i * k + y[i]!]!;
    }
    total += wi * l;
    wsum += wi;
  }
  return total / wsum;
}

/** Gradients and hessians (times sample weights) of every sample, per tree (one per class for multinomial). */
export function gradients(kind: "squared_error" | "binary" | "multinomial", raw: Float64Array, y: Float64Array | Int32Array, k: number, w: Float64Array | null, g: Float32Array[], h: (Float32Array | null)[]): void {
  const n = y.length;
  if (kind === "squared_error") {
    const g0 = g[0]!;
    const h0 = h[0];
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i]! : 1;
      g0[i] = wi * (raw[i]! - y[i]!);
      if (h0) h0[i] = wi;
    }
    return;
  }
  if (kind === "binary") {
    const g0 = g[0]!;
    const h0 = h[0]!;
    const native = nativeKernels();
    if (native && y instanceof Int32Array) {
      native.logisticGradients(raw, y, w, g0, h0, nativeThreads()); // the same expressions with V8's exp, on threads
      return;
    }
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]!));
      const wi = w ? w[i]! : 1;
      g0[i] = wi * (p - y[i]!);
      h0[i] = wi * p * (1 - p);
    }
    return;
  }
  const p = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c]!);
    let s = 0;
    for (let c = 0; c < k; c++) s += p[c] = Math.exp(raw[i * k + c]! - max);
    const wi = w ? w[i]! : 1;
    for (let c = 0; c < k; c++) {
      const pc = p[c]! / s;
      g[c]![i] = wi * (pc - (y[i] === c ? 1 : 0));
      h[c]![i] = wi * pc * (1 - pc);
    }
  }
}

/** The constant model the boosting starts from (scikit-learn's fit_intercept_only). */
export function baseline(kind: "squared_error" | "binary" | "multinomial", y: Float64Array | Int32Array, k: number, w: Float64Array | null): Float64Array {
  const n = y.length;
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += w ? w[i]! : 1;
  if (kind === "squared_error") {
    let s = 0;
    for (let i = 0; i < n; i++) s += (w ? w[i]! : 1) * y[i]!;
    return Float64Array.of(s / wsum);
  }
  const eps = 2.220446049250313e-16;
  const freq = new Float64Array(kind === "binary" ? 2 : k);
  for (let i = 0; i < n; i++) freq[y[i]!]! += (w ? w[i]! : 1) / wsum;
  if (kind === "binary") {
    const p = Math.min(Math.max(freq[1]!, eps), 1 - eps);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  const logs = Float64Array.from(freq, (p) => Math.log(Math.min(Math.max(p, eps), 1 - eps)));
  const mean = logs.reduce((a, b) => a + b, 0) / k;
  return logs.map((v) => v - mean);
}
