/**
 * The peeking problem and a sequential test that survives it. Checking a fixed-horizon test every day and
 * stopping at the first p < alpha inflates the false-positive rate far above alpha; the mixture sequential
 * probability ratio test (mSPRT; Johari, Koomen, Pekelis and Walsh, "Peeking at A/B tests", KDD 2017) gives
 * always-valid p-values, which may be checked after every visitor and still keep P(false positive) <= alpha.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { proportionsZTest } from "./ab-test.js";
import { checkNumber, checkOptions, checkProbability, describe } from "./check.js";
import { binomial } from "./sampling.js";

/** Cumulative totals at one look at the experiment: conversions and visitors of A and of B. */
export interface Look {
  count: [number, number];
  nobs: [number, number];
}

/**
 * Always-valid p-values for p_A - p_B by the mSPRT with a normal mixing distribution N(0, tau²) on the
 * difference: with D the observed difference and V = p̄(1-p̄)(1/n_A + 1/n_B) its variance at the pooled rate,
 * Λ = √(V/(V+τ²)) exp(τ²D² / (2V(V+τ²))), and p_k = min(p_{k-1}, 1/Λ_k). Stopping the first time p_k < alpha
 * keeps the false-positive rate at most alpha however often one looks (for the normal approximation of the
 * counts). `tau` is the spread of the effects you expect, in the metric's units (0.01 = one point of conversion).
 * @param looks cumulative totals at each look, in time order
 * @example alwaysValidPValues([{ count: [50, 60], nobs: [500, 500] }, { count: [98, 130], nobs: [1000, 1000] }], { tau: 0.02 })
 */
export function alwaysValidPValues(looks: Look[], options: { tau: number }): number[] {
  const fn = "alwaysValidPValues";
  if (!Array.isArray(looks)) throw new InputError(`${fn}: 'looks' must be an array of { count: [a, b], nobs: [a, b] }; got ${describe(looks)}.`);
  const opts = checkOptions(fn, options);
  const tau = checkNumber(fn, "tau", opts.tau, { min: 0, minExclusive: true });
  const tau2 = tau * tau;
  let p = 1;
  let previous = [0, 0, 0, 0];
  return looks.map((look, k) => {
    if (!look || !Array.isArray(look.count) || !Array.isArray(look.nobs)) throw new InputError(`${fn}: 'looks[${k}]' must be { count: [a, b], nobs: [a, b] }; got ${describe(look)}.`);
    const [ca, cb] = look.count.map((c, i) => checkNumber(fn, `looks[${k}].count[${i}]`, c, { min: 0, integer: true }));
    const [na, nb] = look.nobs.map((n, i) => checkNumber(fn, `looks[${k}].nobs[${i}]`, n, { min: 0, integer: true }));
    if (ca! > na! || cb! > nb!) throw new InputError(`${fn}: 'looks[${k}]' has more conversions than visitors; got count ${JSON.stringify(look.count)}, nobs ${JSON.stringify(look.nobs)}.`);
    const now = [ca!, cb!, na!, nb!];
    if (now.some((v, i) => v < previous[i]!)) throw new InputError(`${fn}: 'looks' must be cumulative (totals never decrease); looks[${k}] = ${JSON.stringify(look)} falls below the look before it.`);
    previous = now;
    if (na === 0 || nb === 0) return p;
    const pooled = (ca! + cb!) / (na! + nb!);
    const v = pooled * (1 - pooled) * (1 / na! + 1 / nb!);
    if (v === 0) return p; // no conversions yet (or all): nothing to learn from this look
    const d = ca! / na! - cb! / nb!;
    const logLambda = 0.5 * Math.log(v / (v + tau2)) + (tau2 * d * d) / (2 * v * (v + tau2));
    p = Math.min(p, Math.exp(-logLambda));
    return p;
  });
}

export interface PeekingOptions {
  /** Looks: one a day. */
  days: number;
  /** New visitors per arm per day. */
  visitorsPerDay: number;
  /** Conversion rate of A (and of B unless `rateB`). */
  rate: number;
  /** Conversion rate of B; equal to `rate` for an A/A test (the default), where every rejection is false. */
  rateB?: number;
  alpha?: number;
  /** Simulated experiments. */
  simulations?: number;
  /** The mSPRT's mixing standard deviation, in conversion-rate units. */
  tau: number;
  randomState?: RandomState;
}

export interface PeekingResult {
  alpha: number;
  simulations: number;
  /** The z-test once, at the planned end. */
  fixedHorizon: number;
  /** The z-test every day, stopping at the first p < alpha. */
  peeking: number;
  /** The mSPRT's always-valid p-value every day, stopping at the first p < alpha. */
  msprt: number;
  /** Share of experiments stopped by the end of each day (index 0 is day 1), for each daily rule. */
  peekingByDay: number[];
  msprtByDay: number[];
  /** Mean day of stopping among the experiments that stopped (NaN if none did). */
  peekingMeanStopDay: number;
  msprtMeanStopDay: number;
}

/**
 * Simulates experiments with daily looks and counts rejections three ways: the fixed-horizon z-test at the end,
 * the same test checked every day (peeking), and the mSPRT checked every day. For an A/A test (rateB = rate) the
 * rates are false-positive rates, to compare with alpha; with rateB != rate they are powers.
 * @example peekingSimulation({ days: 20, visitorsPerDay: 500, rate: 0.1, tau: 0.02, simulations: 1000, randomState: 0 }).peeking // about 0.24 against alpha 0.05
 */
export function peekingSimulation(options: PeekingOptions): PeekingResult {
  const fn = "peekingSimulation";
  const opts = checkOptions(fn, options);
  const days = checkNumber(fn, "days", opts.days, { min: 1, integer: true });
  const visitors = checkNumber(fn, "visitorsPerDay", opts.visitorsPerDay, { min: 1, integer: true });
  const rate = checkProbability(fn, "rate", opts.rate);
  const rateB = checkProbability(fn, "rateB", opts.rateB ?? rate);
  const alpha = checkProbability(fn, "alpha", opts.alpha ?? 0.05);
  const simulations = checkNumber(fn, "simulations", opts.simulations ?? 1000, { min: 1, integer: true });
  const tau = checkNumber(fn, "tau", opts.tau, { min: 0, minExclusive: true });
  const rng = checkRandomState(opts.randomState);
  const peekStops = new Array<number>(days).fill(0);
  const msprtStops = new Array<number>(days).fill(0);
  let fixed = 0;
  for (let s = 0; s < simulations; s++) {
    const looks: Look[] = [];
    let ca = 0;
    let cb = 0;
    let peekDay = -1;
    for (let d = 0; d < days; d++) {
      ca += binomial(rng, visitors, rate);
      cb += binomial(rng, visitors, rateB);
      const n = visitors * (d + 1);
      looks.push({ count: [ca, cb], nobs: [n, n] });
      if (peekDay < 0 && ca + cb > 0 && ca + cb < 2 * n && proportionsZTest([ca, cb], [n, n]).pValue < alpha) peekDay = d;
    }
    if (peekDay >= 0) peekStops[peekDay]!++;
    const n = visitors * days;
    if (ca + cb > 0 && ca + cb < 2 * n && proportionsZTest([ca, cb], [n, n]).pValue < alpha) fixed++;
    const msprtDay = alwaysValidPValues(looks, { tau }).findIndex((p) => p < alpha);
    if (msprtDay >= 0) msprtStops[msprtDay]!++;
  }
  const cumulative = (stops: number[]) => {
    let acc = 0;
    return stops.map((c) => (acc += c) / simulations);
  };
  const meanDay = (stops: number[]) => {
    const total = stops.reduce((a, b) => a + b, 0);
    return total === 0 ? NaN : stops.reduce((a, c, d) => a + c * (d + 1), 0) / total;
  };
  const peekingByDay = cumulative(peekStops);
  const msprtByDay = cumulative(msprtStops);
  return {
    alpha,
    simulations,
    fixedHorizon: fixed / simulations,
    peeking: peekingByDay[days - 1]!,
    msprt: msprtByDay[days - 1]!,
    peekingByDay,
    msprtByDay,
    peekingMeanStopDay: meanDay(peekStops),
    msprtMeanStopDay: meanDay(msprtStops),
  };
}
