/** Drift statistics between a reference and a current sample: chi-squared, z-test, PSI, Jensen–Shannon, Wasserstein. */
import { InputError } from "../core/errors.js";
import type { TestResult } from "./ks.js";
import { chi2Sf } from "./special.js";

type Category = string | number | boolean | null;

function tally(values: ArrayLike<Category>): Map<Category, number> {
  const m = new Map<Category, number>();
  for (let i = 0; i < values.length; i++) m.set(values[i]!, (m.get(values[i]!) ?? 0) + 1);
  return m;
}

/**
 * Chi-squared test of homogeneity on the two samples' category counts (scipy's chi2_contingency on the 2×k
 * table, Yates-corrected when it has one degree of freedom).
 * @example chiSquareTest(["a", "b", "a"], ["b", "b", "a"])
 */
export function chiSquareTest(reference: ArrayLike<Category>, current: ArrayLike<Category>): TestResult & { dof: number } {
  if (reference.length === 0 || current.length === 0) throw new InputError("chiSquareTest needs two non-empty samples.");
  const r = tally(reference);
  const c = tally(current);
  const cats = [...new Set([...r.keys(), ...c.keys()])];
  const rows = [cats.map((k) => r.get(k) ?? 0), cats.map((k) => c.get(k) ?? 0)];
  const total = reference.length + current.length;
  const colSum = cats.map((_, j) => rows[0]![j]! + rows[1]![j]!);
  const rowSum = [reference.length, current.length];
  const dof = cats.length - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  let stat = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < cats.length; j++) {
      const expected = (rowSum[i]! * colSum[j]!) / total;
      let diff = rows[i]![j]! - expected;
      if (dof === 1) diff = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5); // Yates
      stat += (diff * diff) / expected;
    }
  }
  return { statistic: stat, pValue: chi2Sf(stat, dof), dof };
}

/** Two-proportion z-test for a binary column (Evidently's test for binary categories). */
export function proportionZTest(reference: ArrayLike<Category>, current: ArrayLike<Category>): TestResult {
  const cats = [...new Set([...Array.from(reference), ...Array.from(current)])];
  if (cats.length > 2) throw new InputError(`proportionZTest is for binary columns; found ${cats.length} categories.`);
  const first = cats[0];
  const p1 = Array.from(reference).filter((v) => v === first).length / reference.length;
  const p2 = Array.from(current).filter((v) => v === first).length / current.length;
  const p = (p1 * reference.length + p2 * current.length) / (reference.length + current.length);
  const se = Math.sqrt(p * (1 - p) * (1 / reference.length + 1 / current.length));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { statistic: z, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}

/** Complementary error function (W. J. Cody's rational approximations via the normal tail, ~1e-15 relative). */
function erfc(x: number): number {
  // erfc(x) = 2 Q(x√2); Q via the continued fraction for large x and the series for small x.
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    // erf series
    let sum = x;
    let term = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

/** Bin edges at the reference's quantiles (so each bin holds about the same share of the reference). */
export function quantileEdges(reference: ArrayLike<number>, bins: number): number[] {
  const s = Float64Array.from(reference).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) edges.push(s[Math.min(s.length - 1, Math.floor((b * s.length) / bins))]!);
  return [...new Set(edges)];
}

function histogram(values: ArrayLike<number>, edges: number[]): Float64Array {
  const h = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    let b = 0;
    while (b < edges.length && values[i]! >= edges[b]!) b++;
    h[b]!++;
  }
  return h.map((v) => v / values.length);
}

/**
 * Population stability index: Σ (cur − ref) ln(cur / ref) over bins at the reference's deciles; empty bins are
 * floored at 1e-4. Rule of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift.
 */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10): number {
  const edges = quantileEdges(reference, bins);
  const r = histogram(reference, edges);
  const c = histogram(current, edges);
  let psi = 0;
  for (let b = 0; b < r.length; b++) {
    const p = Math.max(r[b]!, 1e-4);
    const q = Math.max(c[b]!, 1e-4);
    psi += (q - p) * Math.log(q / p);
  }
  return psi;
}

/**
 * Jensen–Shannon distance between two discrete distributions (scipy.spatial.distance.jensenshannon: the
 * square root of the divergence, natural log unless `base` is given).
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  if (p.length !== q.length) throw new InputError(`p and q must have the same length; got ${p.length} and ${q.length}.`);
  const sp = Array.from(p).reduce((a, b) => a + b, 0);
  const sq = Array.from(q).reduce((a, b) => a + b, 0);
  let div = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) div += 0.5 * a * Math.log(a / m);
    if (b > 0) div += 0.5 * b * Math.log(b / m);
  }
  if (base !== undefined) div /= Math.log(base);
  return Math.sqrt(Math.max(0, div));
}

/** 1-D Wasserstein (earth mover's) distance between two samples (scipy.stats.wasserstein_distance). */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = Float64Array.from(u).sort();
  const b = Float64Array.from(v).sort();
  if (a.length === 0 || b.length === 0) throw new InputError("wassersteinDistance needs two non-empty samples.");
  const all = Float64Array.from([...a, ...b]).sort();
  let dist = 0;
  let i = 0;
  let j = 0;
  for (let k = 0; k < all.length - 1; k++) {
    while (i < a.length && a[i]! <= all[k]!) i++;
    while (j < b.length && b[j]! <= all[k]!) j++;
    dist += Math.abs(i / a.length - j / b.length) * (all[k + 1]! - all[k]!);
  }
  return dist;
}
