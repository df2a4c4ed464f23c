/** The two-sample Kolmogorov–Smirnov test, with scipy's exact p-value for samples up to 10,000. */
import { InputError } from "../core/errors.js";
import { kolmogorovSf } from "./special.js";

export interface TestResult {
  statistic: number;
  pValue: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function finiteSorted(x: ArrayLike<number>, name: string): Float64Array {
  if (x.length === 0) throw new InputError(`${name} is empty; the test needs at least one value.`);
  const s = Float64Array.from(x);
  for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i]!)) throw new InputError(`${name}[${i}] is ${s[i]}; values must be finite.`);
  return s.sort();
}

/** Share of lattice paths leaving the band |x - y| < h when both samples have n items (scipy's formula). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * Share of lattice paths from (0, 0) to (m, n) that leave the band |n x/g − m y/g| < h: the exact two-sided
 * p-value (one column of the path-count table kept, normalised as it goes).
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(Math.max(lenA, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

/**
 * Two-sided two-sample KS test: the largest gap between the two empirical CDFs and its p-value, exact (as
 * scipy's method="auto") when both samples have at most 10,000 values, else from the Kolmogorov limit
 * with n·m/(n+m) effective samples.
 * @example ks2Samp(reference, current).pValue < 0.05 // the distributions differ
 */
export function ks2Samp(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const x = finiteSorted(a, "a");
  const y = finiteSorted(b, "b");
  const n1 = x.length;
  const n2 = y.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  if (Math.max(n1, n2) <= 10_000) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    const dd = h / lcm;
    if (h === 0) return { statistic: dd, pValue: 1 };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: dd, pValue: p };
  }
  const en = (n1 * n2) / (n1 + n2);
  return { statistic: d, pValue: Math.min(1, Math.max(0, kolmogorovSf(d * Math.sqrt(en)))) };
}
