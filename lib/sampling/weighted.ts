/** Weighted sampling (each item chosen with probability proportional to its weight) and importance sampling. */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";

function checkWeights(weights: ArrayLike<number>): Float64Array {
  const w = Float64Array.from(weights);
  for (let i = 0; i < w.length; i++) if (!(w[i]! >= 0) || !Number.isFinite(w[i]!)) throw new InputError(`weights[${i}] is ${w[i]}; weights must be finite and >= 0.`);
  return w;
}

/**
 * `k` indices drawn with probability proportional to `weights`. With replacement: inverse-CDF draws; without:
 * Efraimidis–Spirakis (the k largest keys u^(1/w)), which equals drawing one at a time and renormalising.
 * @example weightedSample([1, 1, 8], 1, { randomState: 0 })
 */
export function weightedSample(weights: ArrayLike<number>, k: number, options: { replace?: boolean; randomState?: RandomState } = {}): Int32Array {
  const w = checkWeights(weights);
  if (!Number.isInteger(k) || k < 0) throw new InputError(`k must be an integer >= 0; got ${k}.`);
  const rng = checkRandomState(options.randomState);
  if (options.replace) {
    const cdf = new Float64Array(w.length);
    let acc = 0;
    for (let i = 0; i < w.length; i++) cdf[i] = acc += w[i]!;
    if (acc <= 0) throw new InputError("weights sum to 0: nothing can be drawn.");
    const out = new Int32Array(k);
    for (let s = 0; s < k; s++) {
      const u = rng.random() * acc;
      let lo = 0;
      let hi = w.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      out[s] = lo;
    }
    return out;
  }
  const positive = w.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
  if (k > positive) throw new InputError(`Cannot draw ${k} distinct items: only ${positive} have a positive weight.`);
  // log(u)/w is a monotone transform of u^(1/w) that does not underflow.
  const keys = Array.from(w, (wi, i) => ({ i, key: wi > 0 ? Math.log(rng.random()) / wi : -Infinity }));
  keys.sort((a, b) => b.key - a.key);
  return Int32Array.from(keys.slice(0, k), (e) => e.i);
}

export interface ImportanceEstimate {
  /** Plain estimate: mean of f(x) p(x) / q(x). */
  estimate: number;
  /** Self-normalised: Σ w f / Σ w, usable when p is known only up to a constant. */
  selfNormalized: number;
  /** Kish's effective sample size (Σ w)² / Σ w²: how many draws from p the sample is worth. */
  effectiveSampleSize: number;
}

/**
 * Estimates E_p[f] from draws of q: the weights are p(x)/q(x).
 * @example importanceEstimate(xs, (x) => x * x, normalPdf, uniformPdf)
 */
export function importanceEstimate<T>(samples: readonly T[], f: (x: T) => number, p: (x: T) => number, q: (x: T) => number): ImportanceEstimate {
  if (samples.length === 0) throw new InputError("importanceEstimate needs at least one sample.");
  let sw = 0;
  let sw2 = 0;
  let swf = 0;
  for (const [i, x] of samples.entries()) {
    const qx = q(x);
    if (!(qx > 0)) throw new InputError(`q(samples[${i}]) is ${qx}; the proposal density must be positive wherever it draws.`);
    const w = p(x) / qx;
    sw += w;
    sw2 += w * w;
    swf += w * f(x);
  }
  return { estimate: swf / samples.length, selfNormalized: swf / sw, effectiveSampleSize: (sw * sw) / sw2 };
}
