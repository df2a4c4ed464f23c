/**
 * Rényi differential privacy of the sampled Gaussian mechanism (Mironov, Talwar and Zhang 2019), the analysis
 * Opacus (`opacus/accountants/analysis/rdp.py`) and TF Privacy use for DP-SGD: `computeRdp` gives the RDP of
 * `steps` compositions at each order, `getPrivacySpent` turns it into (epsilon, delta).
 */
import { checkNumber, describe } from "./check.js";

/** The orders Opacus's RDP accountant tries by default: 1.1 to 10.9 by 0.1, then 12 to 63. */
export const DEFAULT_ORDERS: readonly number[] = [
  ...Array.from({ length: 99 }, (_, i) => Math.round((1 + (i + 1) / 10) * 10) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
];

/** log(e^x + e^y) without overflow. */
function logAdd(x: number, y: number): number {
  const a = Math.min(x, y);
  const b = Math.max(x, y);
  if (a === -Infinity) return b;
  return Math.log1p(Math.exp(a - b)) + b;
}

/** log(e^x - e^y) for x >= y. */
function logSub(x: number, y: number): number {
  if (x < y) throw new RangeError(`logSub: the result would be negative (${x} < ${y})`);
  if (y === -Infinity) return x;
  if (x === y) return -Infinity;
  const d = Math.expm1(x - y);
  return Number.isFinite(d) ? Math.log(d) + y : x;
}

/**
 * log(erfc(x)), accurate far into the tail where erfc underflows: a power series for erf near 0, and the
 * continued fraction erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) beyond, whose
 * exp(-x^2) factor is kept in log form.
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) throw new RangeError(`logErfc: 'x' must be a number; got NaN`);
  if (x < 0) return Math.log(2 - Math.exp(logErfc(-x)));
  if (x < 1) {
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.log(1 - (2 / Math.sqrt(Math.PI)) * sum);
  }
  if (x === Infinity) return -Infinity;
  // Modified Lentz on K = 1/(x + a1/(x + a2/(x + ...))), a_n = n/2.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}

/** log A_alpha for integer alpha: the binomial expansion, every term positive. */
function logAInt(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  let logBinom = 0; // log C(alpha, i), built term by term
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinom += Math.log(alpha - i + 1) - Math.log(i);
    const s = logBinom + i * Math.log(q) + (alpha - i) * Math.log1p(-q) + (i * i - i) / (2 * sigma * sigma);
    logA = logAdd(logA, s);
  }
  return logA;
}

/** log A_alpha for fractional alpha: the two-sided series of Mironov et al. (section 3.3), summed until its terms fall below e^-30. */
function logAFrac(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  let coef = 1; // the generalised binomial C(alpha, i), which changes sign past i > alpha
  for (let i = 0; ; i++) {
    if (i > 0) coef *= (alpha - i + 1) / i;
    const logCoef = Math.log(Math.abs(coef));
    const j = alpha - i;
    const logT0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
    const logT1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
    if (coef > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30 || i > 100_000) break;
  }
  return logAdd(logA0, logA1);
}

function rdpOne(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  if (alpha === Infinity) return Infinity;
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  return logA / (alpha - 1);
}

function checkOrders(fn: string, orders: unknown): number[] {
  if (!Array.isArray(orders) || orders.length === 0) throw new RangeError(`${fn}: 'orders' must be a non-empty array of numbers > 1; got ${describe(orders)}`);
  for (const a of orders) {
    if (typeof a !== "number" || Number.isNaN(a) || !(a > 1)) throw new RangeError(`${fn}: every order in 'orders' must be a number > 1; got ${describe(a)}`);
  }
  return orders as number[];
}

/**
 * RDP of the sampled Gaussian mechanism composed `steps` times, at each order (Opacus's `compute_rdp`).
 * @param sampleRate probability q that an example is in a batch (batch size / dataset size), in [0, 1]
 * @param noiseMultiplier sigma: the noise's standard deviation over the clipping norm, >= 0
 * @param steps number of compositions (optimizer steps)
 * @param orders Rényi orders alpha > 1, integer or fractional
 * @returns the RDP epsilon at each order
 * @example computeRdp({ sampleRate: 0.01, noiseMultiplier: 1, steps: 300, orders: [2, 5] })
 */
export function computeRdp(options: { sampleRate: number; noiseMultiplier: number; steps: number; orders: readonly number[] }): number[] {
  const fn = "computeRdp";
  if (typeof options !== "object" || options === null) throw new TypeError(`${fn}: 'options' must be an object; got ${describe(options)}`);
  const q = checkNumber(fn, "sampleRate", options.sampleRate, { min: 0, max: 1 });
  const sigma = checkNumber(fn, "noiseMultiplier", options.noiseMultiplier, { min: 0 });
  const steps = checkNumber(fn, "steps", options.steps, { min: 0, integer: true });
  return checkOrders(fn, options.orders).map((a) => rdpOne(q, sigma, a) * steps);
}

/**
 * (epsilon, delta) from RDP: the conversion of Balle et al. (2020) that Opacus's `get_privacy_spent` uses,
 * eps = rdp - (log delta + log alpha)/(alpha - 1) + log((alpha - 1)/alpha), minimised over the orders.
 * `conversion: "classic"` is the earlier bound eps = rdp - log(delta)/(alpha - 1) (Mironov 2017, Proposition 3),
 * which Opacus used before version 1.0 and TF Privacy's first tutorials quote; it is never tighter.
 * @returns the smallest epsilon and the order that gave it
 * @example getPrivacySpent({ orders: [2, 5], rdp: computeRdp({ sampleRate: 0.01, noiseMultiplier: 1, steps: 300, orders: [2, 5] }), delta: 1e-5 })
 */
export function getPrivacySpent(options: { orders: readonly number[]; rdp: readonly number[]; delta: number; conversion?: "balle" | "classic" }): { epsilon: number; bestOrder: number } {
  const fn = "getPrivacySpent";
  if (typeof options !== "object" || options === null) throw new TypeError(`${fn}: 'options' must be an object; got ${describe(options)}`);
  const orders = checkOrders(fn, options.orders);
  const { rdp } = options;
  if (!Array.isArray(rdp) || rdp.length !== orders.length) throw new RangeError(`${fn}: 'rdp' must be an array as long as 'orders' (${orders.length}); got ${describe(rdp)}`);
  for (const r of rdp) if (typeof r !== "number" || Number.isNaN(r) || r < 0) throw new RangeError(`${fn}: every value in 'rdp' must be a number >= 0; got ${describe(r)}`);
  const delta = checkNumber(fn, "delta", options.delta, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const conversion = options.conversion ?? "balle";
  if (conversion !== "balle" && conversion !== "classic") throw new RangeError(`${fn}: 'conversion' must be "balle" or "classic"; got ${describe(conversion)}`);
  let best = Infinity;
  let bestOrder = NaN;
  orders.forEach((a, k) => {
    const r = rdp[k] as number;
    const eps = conversion === "classic" ? r - Math.log(delta) / (a - 1) : r - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
    if (eps < best) {
      best = eps;
      bestOrder = a;
    }
  });
  return { epsilon: Math.max(0, best), bestOrder };
}

/**
 * Epsilon spent by DP-SGD after `steps` steps at a sample rate and noise multiplier, in one call.
 * @example dpSgdEpsilon({ sampleRate: 256 / 60000, noiseMultiplier: 1.12, steps: 60 * Math.floor(60000 / 256), delta: 1e-5 })
 */
export function dpSgdEpsilon(options: { sampleRate: number; noiseMultiplier: number; steps: number; delta: number; orders?: readonly number[]; conversion?: "balle" | "classic" }): { epsilon: number; bestOrder: number } {
  if (typeof options !== "object" || options === null) throw new TypeError(`dpSgdEpsilon: 'options' must be an object; got ${describe(options)}`);
  const orders = options.orders ?? DEFAULT_ORDERS;
  return getPrivacySpent({ orders, rdp: computeRdp({ ...options, orders }), delta: options.delta, ...(options.conversion ? { conversion: options.conversion } : {}) });
}
