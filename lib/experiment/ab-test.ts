/**
 * A/B tests on two variants: the two-proportion z-test (statsmodels' `proportions_ztest`), Student's and Welch's
 * t-tests (scipy's `ttest_ind`, `ttest_ind_from_stats`), and confidence intervals for a proportion and for a
 * difference (statsmodels' `proportion_confint`, `confint_proportions_2indep`, `CompareMeans.tconfint_diff`).
 * Each function takes its reference's argument names and alternative names, in camelCase.
 */
import { InputError } from "../core/errors.js";
import { checkChoice, checkNumber, checkOptions, checkProbability, checkSample } from "./check.js";
import { normalCdf, normalIsf, normalSf, tCdf, tIsf, tSf } from "./distributions.js";

/** statsmodels' names for the alternative hypothesis. */
export type ZAlternative = "two-sided" | "larger" | "smaller";
/** scipy's names for the alternative hypothesis. */
export type TAlternative = "two-sided" | "less" | "greater";

export interface ZTestResult {
  statistic: number;
  pValue: number;
}

/** Counts and sizes of two samples: integers with 0 <= count <= nobs and nobs >= 1. */
function checkCounts(fn: string, count: unknown, nobs: unknown): [[number, number], [number, number]] {
  if (!Array.isArray(count) || count.length !== 2) throw new InputError(`${fn}: 'count' must be [successes in A, successes in B]; got ${Array.isArray(count) ? `an array of length ${count.length}` : String(count)}.`);
  if (!Array.isArray(nobs) || nobs.length !== 2) throw new InputError(`${fn}: 'nobs' must be [size of A, size of B]; got ${Array.isArray(nobs) ? `an array of length ${nobs.length}` : String(nobs)}.`);
  const n = [0, 1].map((i) => checkNumber(fn, `nobs[${i}]`, nobs[i], { min: 1, integer: true })) as [number, number];
  const c = [0, 1].map((i) => checkNumber(fn, `count[${i}]`, count[i], { min: 0, max: n[i]!, integer: true })) as [number, number];
  return [c, n];
}

/** Two-sided, larger or smaller p-value of a standard normal statistic (statsmodels' `_zstat_generic2`). */
function zPValue(z: number, alternative: ZAlternative): number {
  if (alternative === "two-sided") return 2 * normalSf(Math.abs(z));
  return alternative === "larger" ? normalSf(z) : normalCdf(z);
}

/**
 * The two-proportion z-test with the pooled proportion under the null, as statsmodels'
 * `proportions_ztest(count, nobs, value, alternative)`: z = (p1 - p2 - value) / sqrt(p(1-p)(1/n1 + 1/n2)).
 * @param count successes in A and in B
 * @param nobs visitors in A and in B
 * @example proportionsZTest([120, 150], [1000, 1000]) // { statistic: -1.9630..., pValue: 0.04964... }
 */
export function proportionsZTest(count: [number, number], nobs: [number, number], options?: { value?: number; alternative?: ZAlternative }): ZTestResult {
  const fn = "proportionsZTest";
  const opts = checkOptions(fn, options);
  const [c, n] = checkCounts(fn, count, nobs);
  const value = checkNumber(fn, "value", opts.value ?? 0, { min: -1, max: 1 });
  const alternative = checkChoice(fn, "alternative", opts.alternative ?? "two-sided", ["two-sided", "larger", "smaller"] as const);
  const pooled = (c[0] + c[1]) / (n[0] + n[1]);
  if (pooled === 0 || pooled === 1) throw new InputError(`${fn}: the pooled proportion is ${pooled} (no variation in either sample), so the z statistic is undefined; got count ${JSON.stringify(c)}, nobs ${JSON.stringify(n)}.`);
  const diff = c[0] / n[0] - c[1] / n[1] - value;
  const z = diff / Math.sqrt(pooled * (1 - pooled) * (1 / n[0] + 1 / n[1]));
  return { statistic: z, pValue: zPValue(z, alternative) };
}

export interface TTestResult {
  statistic: number;
  pValue: number;
  /** Degrees of freedom: n1 + n2 - 2, or Welch–Satterthwaite's. */
  df: number;
  /** mean1 - mean2 */
  difference: number;
  /** Standard error of the difference. */
  standardError: number;
  /**
   * The confidence interval for mean1 - mean2 that matches the test (scipy >= 1.11's
   * `TtestResult.confidence_interval`): two-sided, or open on one side for a one-sided alternative.
   */
  confidenceInterval(confidenceLevel?: number): [number, number];
}

/**
 * Student's (pooled variance) or Welch's t-test from summary statistics, as scipy's
 * `ttest_ind_from_stats(mean1, std1, nobs1, mean2, std2, nobs2, equal_var, alternative)`; `std` with ddof = 1.
 * @example ttestIndFromStats(5.1, 1.2, 40, 4.6, 2.0, 35, { equalVar: false }).pValue
 */
export function ttestIndFromStats(mean1: number, std1: number, nobs1: number, mean2: number, std2: number, nobs2: number, options?: { equalVar?: boolean; alternative?: TAlternative }): TTestResult {
  const fn = "ttestIndFromStats";
  const opts = checkOptions(fn, options);
  checkNumber(fn, "mean1", mean1);
  checkNumber(fn, "std1", std1, { min: 0 });
  checkNumber(fn, "nobs1", nobs1, { min: 2, integer: true });
  checkNumber(fn, "mean2", mean2);
  checkNumber(fn, "std2", std2, { min: 0 });
  checkNumber(fn, "nobs2", nobs2, { min: 2, integer: true });
  return tTest(fn, mean1, std1 * std1, nobs1, mean2, std2 * std2, nobs2, opts);
}

/**
 * The independent two-sample t-test, as scipy's `ttest_ind(a, b, equal_var, alternative)`: `equalVar: true`
 * (scipy's default) pools the variances; `equalVar: false` is Welch's test, the one to use for A/B metrics
 * whose spread differs between variants.
 * @example ttestInd([5.1, 4.9, 6.2, 5.8], [4.1, 4.4, 5.0, 3.9, 4.2], { equalVar: false }) // { statistic, pValue, df, ... }
 */
export function ttestInd(a: ArrayLike<number>, b: ArrayLike<number>, options?: { equalVar?: boolean; alternative?: TAlternative }): TTestResult {
  const fn = "ttestInd";
  const opts = checkOptions(fn, options);
  const x = checkSample(fn, "a", a, 2);
  const y = checkSample(fn, "b", b, 2);
  const [m1, v1] = meanVar(x);
  const [m2, v2] = meanVar(y);
  return tTest(fn, m1, v1, x.length, m2, v2, y.length, opts);
}

/** Mean and variance (ddof = 1), the variance by a second pass around the mean. */
function meanVar(x: number[]): [number, number] {
  let s = 0;
  for (const v of x) s += v;
  const m = s / x.length;
  let ss = 0;
  for (const v of x) ss += (v - m) * (v - m);
  return [m, ss / (x.length - 1)];
}

function tTest(fn: string, m1: number, v1: number, n1: number, m2: number, v2: number, n2: number, opts: { equalVar?: boolean; alternative?: TAlternative }): TTestResult {
  const equalVar = opts.equalVar ?? true;
  if (typeof equalVar !== "boolean") throw new InputError(`${fn}: 'equalVar' must be true or false; got ${String(equalVar)}.`);
  const alternative = checkChoice(fn, "alternative", opts.alternative ?? "two-sided", ["two-sided", "less", "greater"] as const);
  let se2: number;
  let df: number;
  if (equalVar) {
    df = n1 + n2 - 2;
    const pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
    se2 = pooled * (1 / n1 + 1 / n2);
  } else {
    const a = v1 / n1;
    const b = v2 / n2;
    se2 = a + b;
    df = (se2 * se2) / ((a * a) / (n1 - 1) + (b * b) / (n2 - 1));
  }
  if (!(se2 > 0)) throw new InputError(`${fn}: both samples have zero variance, so the t statistic is undefined.`);
  const se = Math.sqrt(se2);
  const difference = m1 - m2;
  const t = difference / se;
  const pValue = alternative === "two-sided" ? 2 * tSf(Math.abs(t), df) : alternative === "greater" ? tSf(t, df) : tCdf(t, df);
  return {
    statistic: t,
    pValue,
    df,
    difference,
    standardError: se,
    confidenceInterval(confidenceLevel = 0.95) {
      checkProbability(`${fn}(...).confidenceInterval`, "confidenceLevel", confidenceLevel);
      const alpha = 1 - confidenceLevel;
      if (alternative === "two-sided") {
        const h = tIsf(alpha / 2, df) * se;
        return [difference - h, difference + h];
      }
      const h = tIsf(alpha, df) * se;
      return alternative === "greater" ? [difference - h, Infinity] : [-Infinity, difference + h];
    },
  };
}

/**
 * A confidence interval for one proportion, as statsmodels' `proportion_confint(count, nobs, alpha, method)`:
 * "normal" (Wald), "wilson" (score) or "agresti_coull"; the first and last clipped to [0, 1] as statsmodels does.
 * @example proportionConfint(12, 100, { method: "wilson" }) // [0.0699..., 0.1981...]
 */
export function proportionConfint(count: number, nobs: number, options?: { alpha?: number; method?: "normal" | "wilson" | "agresti_coull" }): [number, number] {
  const fn = "proportionConfint";
  const opts = checkOptions(fn, options);
  checkNumber(fn, "nobs", nobs, { min: 1, integer: true });
  checkNumber(fn, "count", count, { min: 0, max: nobs, integer: true });
  const alpha = checkProbability(fn, "alpha", opts.alpha ?? 0.05);
  const method = checkChoice(fn, "method", opts.method ?? "normal", ["normal", "wilson", "agresti_coull"] as const);
  return proportionInterval(count, nobs, alpha, method);
}

/** statsmodels clips the normal and Agresti–Coull intervals to [0, 1] (Wilson's stays inside by construction). */
function clip01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function proportionInterval(count: number, nobs: number, alpha: number, method: "normal" | "wilson" | "agresti_coull"): [number, number] {
  const q = count / nobs;
  const crit = normalIsf(alpha / 2);
  if (method === "normal") {
    const dist = crit * Math.sqrt((q * (1 - q)) / nobs);
    return [clip01(q - dist), clip01(q + dist)];
  }
  const crit2 = crit * crit;
  if (method === "agresti_coull") {
    const nc = nobs + crit2;
    const qc = (count + crit2 / 2) / nc;
    const dist = crit * Math.sqrt((qc * (1 - qc)) / nc);
    return [clip01(qc - dist), clip01(qc + dist)];
  }
  const denom = 1 + crit2 / nobs;
  const center = (q + crit2 / (2 * nobs)) / denom;
  const dist = (crit * Math.sqrt((q * (1 - q)) / nobs + crit2 / (4 * nobs * nobs))) / denom;
  return [center - dist, center + dist];
}

/**
 * A confidence interval for p1 - p2 from two independent samples, as statsmodels'
 * `confint_proportions_2indep(count1, nobs1, count2, nobs2, method, compare="diff", alpha)`: "newcomb" (its
 * default: Newcombe's hybrid of two Wilson intervals), "wald", or "agresti-caffo" (one success and one failure
 * added to each sample).
 * @example confintProportions2indep(150, 1000, 120, 1000) // [0.0000138..., 0.0600...]
 */
export function confintProportions2indep(count1: number, nobs1: number, count2: number, nobs2: number, options?: { alpha?: number; method?: "newcomb" | "wald" | "agresti-caffo" }): [number, number] {
  const fn = "confintProportions2indep";
  const opts = checkOptions(fn, options);
  const [[c1, c2], [n1, n2]] = checkCounts(fn, [count1, count2], [nobs1, nobs2]);
  const alpha = checkProbability(fn, "alpha", opts.alpha ?? 0.05);
  const method = checkChoice(fn, "method", opts.method ?? "newcomb", ["newcomb", "wald", "agresti-caffo"] as const);
  const p1 = c1 / n1;
  const p2 = c2 / n2;
  if (method === "newcomb") {
    const [low1, upp1] = proportionInterval(c1, n1, alpha, "wilson");
    const [low2, upp2] = proportionInterval(c2, n2, alpha, "wilson");
    const diff = p1 - p2;
    return [diff - Math.sqrt((p1 - low1) ** 2 + (upp2 - p2) ** 2), diff + Math.sqrt((p2 - low2) ** 2 + (upp1 - p1) ** 2)];
  }
  const add = method === "agresti-caffo" ? 1 : 0;
  const q1 = (c1 + add) / (n1 + 2 * add);
  const q2 = (c2 + add) / (n2 + 2 * add);
  const d = normalIsf(alpha / 2) * Math.sqrt((q1 * (1 - q1)) / (n1 + 2 * add) + (q2 * (1 - q2)) / (n2 + 2 * add));
  return [q1 - q2 - d, q1 - q2 + d];
}

/**
 * Cohen's h, the effect size of two proportions on the arcsine scale, as statsmodels' `proportion_effectsize`:
 * 2 asin(√p1) - 2 asin(√p2). It is the `effectSize` that `NormalIndPower` takes for a conversion-rate test.
 * @example proportionEffectSize(0.12, 0.10) // 0.0639...
 */
export function proportionEffectSize(prop1: number, prop2: number): number {
  const fn = "proportionEffectSize";
  checkNumber(fn, "prop1", prop1, { min: 0, max: 1 });
  checkNumber(fn, "prop2", prop2, { min: 0, max: 1 });
  return 2 * Math.asin(Math.sqrt(prop1)) - 2 * Math.asin(Math.sqrt(prop2));
}
