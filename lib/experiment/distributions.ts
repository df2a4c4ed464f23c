/**
 * The distributions the tests and power calculations need, to about 1e-15 (checked against scipy in
 * test/lib/experiment/distributions.test.ts): the normal (erfc by its series and continued fraction), Student's t
 * through the regularised incomplete beta, and the noncentral t (Lenth's AS 243 series) that statsmodels' t-test
 * power uses. Quantiles are solved on the accurate CDFs (Halley's or Newton's method), not approximated.
 */
import { InputError } from "../core/errors.js";
import { logGamma } from "../monitor/special.js";
import { describe } from "./check.js";

const SQRT_PI = Math.sqrt(Math.PI);

/** A number (±Infinity allowed, NaN not): what every public function here refuses otherwise, by name. */
function real(fn: string, name: string, x: unknown): number {
  if (typeof x !== "number" || Number.isNaN(x)) throw new InputError(`${fn}: '${name}' must be a number; got ${describe(x)}.`);
  return x;
}

function positive(fn: string, name: string, x: unknown): number {
  if (typeof x !== "number" || !(x > 0) || !Number.isFinite(x)) throw new InputError(`${fn}: '${name}' must be a finite number > 0; got ${describe(x)}.`);
  return x;
}

function unit(fn: string, name: string, x: unknown): number {
  if (typeof x !== "number" || !(x >= 0 && x <= 1)) throw new InputError(`${fn}: '${name}' must be a number in [0, 1]; got ${describe(x)}.`);
  return x;
}
const TINY = 1e-300;

/** e^(-x²) with x² split into an exact high part, so large x keeps its relative accuracy. */
function expMinusSquare(x: number): number {
  const hi = Math.round(x * 4096) / 4096;
  return Math.exp(-hi * hi) * Math.exp(-(x - hi) * (x + hi));
}

/**
 * The complementary error function, accurate to a few ulps: a positive-term series for erf below 1 (no
 * cancellation), the Laplace continued fraction above (relative accuracy in the far tail).
 * @example erfc(1) // 0.157299207050285...
 */
export function erfc(x: number): number {
  real("erfc", "x", x);
  return erfcUnchecked(x);
}

function erfcUnchecked(x: number): number {
  if (x < 0) return 2 - erfcUnchecked(-x);
  if (x < 1) {
    // erf(x) = 2/√π e^(-x²) Σ (2x²)^n x / (1·3·…·(2n+1))
    let term = x;
    let sum = x;
    const x2 = 2 * x * x;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - ((2 / SQRT_PI) * expMinusSquare(x)) * sum;
  }
  if (x > 27.3) return 0; // below the smallest double
  // erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by Lentz's method.
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < TINY ? 1 / TINY : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < TINY) c = TINY;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return expMinusSquare(x) / (SQRT_PI * f);
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  real("normalPdf", "x", x);
  return expMinusSquare(x / Math.SQRT2) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal CDF, Φ(x), with relative accuracy in the lower tail (scipy's `norm.cdf`).
 * @example normalCdf(-1.96) // 0.024997895148220435
 */
export function normalCdf(x: number): number {
  real("normalCdf", "x", x);
  return 0.5 * erfcUnchecked(-x / Math.SQRT2);
}

/** Survival function 1 - Φ(x), accurate in the upper tail (scipy's `norm.sf`). */
export function normalSf(x: number): number {
  real("normalSf", "x", x);
  return 0.5 * erfcUnchecked(x / Math.SQRT2);
}

/**
 * The normal quantile Φ⁻¹(p) (scipy's `norm.ppf`): Abramowitz and Stegun 26.2.23 to start, then Halley steps on
 * the accurate CDF, so the result is exact to rounding.
 * @example normalPpf(0.975) // 1.959963984540054
 */
export function normalPpf(p: number): number {
  unit("normalPpf", "p", p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -lowerNormalQuantile(1 - p); // 1 - p is exact for p in [0.5, 1]
  return lowerNormalQuantile(p);
}

/** Inverse survival function (scipy's `norm.isf`): the x with 1 - Φ(x) = q, exact in the upper tail. */
export function normalIsf(q: number): number {
  unit("normalIsf", "q", q);
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  if (q === 0.5) return 0;
  if (q > 0.5) return lowerNormalQuantile(1 - q);
  return -lowerNormalQuantile(q);
}

/** Φ⁻¹(p) for 0 < p <= 0.5. */
function lowerNormalQuantile(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 12; i++) {
    const f = 0.5 * erfcUnchecked(-x / Math.SQRT2) - p;
    const step = f / normalPdf(x);
    const dx = step / (1 + (x * step) / 2);
    x -= dx;
    if (Math.abs(dx) <= 1e-16 * Math.abs(x)) break;
  }
  return x;
}

/** Stirling's correction lnΓ(x) - [(x - ½) ln x - x + ½ ln 2π], for x >= 15. */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (1 / x) * (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 * (1 / 1188 - x2 * (691 / 360360 - x2 / 156))))));
}

/**
 * ln B(a, b). When one argument is large, lnΓ(big) - lnΓ(big + small) is taken from Stirling's series as one
 * well-conditioned difference; subtracting two large log-gammas would lose digits (1e-11 at df = 1e5).
 */
export function logBeta(a: number, b: number): number {
  positive("logBeta", "a", a);
  positive("logBeta", "b", b);
  return logBetaUnchecked(a, b);
}

function logBetaUnchecked(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 15) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const diff = -(big - 0.5) * Math.log1p(small / big) - small * Math.log(big + small) + small + stirlingCorrection(big) - stirlingCorrection(big + small);
  return logGamma(small) + diff;
}

/**
 * The regularised incomplete beta I_x(a, b) and its complement 1 - I_x(a, b), each with relative accuracy where
 * it is small: the continued fraction (Numerical Recipes' betacf, modified Lentz) on the side where it converges,
 * the other value as one minus it. `y` is 1 - x, and `logX`, `logY` their logarithms, passed separately so
callers that know them more exactly than by rounding x keep that accuracy (it matters when a or b is large).
 */
export function betaIncBoth(a: number, b: number, x: number, y: number = 1 - x, logX: number = Math.log(x), logY: number = Math.log(y)): [number, number] {
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const logFront = a * logX + b * logY - logBetaUnchecked(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const v = (Math.exp(logFront) * betaContinuedFraction(a, b, x, y)) / a;
    return [v, 1 - v];
  }
  const w = (Math.exp(logFront) * betaContinuedFraction(b, a, y, x)) / b;
  return [1 - w, w];
}

/** I_x(a, b), scipy's `special.betainc(a, b, x)`. */
export function betaInc(a: number, b: number, x: number): number {
  positive("betaInc", "a", a);
  positive("betaInc", "b", b);
  unit("betaInc", "x", x);
  return betaIncBoth(a, b, x)[0];
}

function betaContinuedFraction(a: number, b: number, x: number, _y: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** P(T > |t|) for Student's t with `df` degrees of freedom: ½ I_{df/(df+t²)}(df/2, ½). */
function tTail(t: number, df: number): number {
  const t2 = t * t;
  // x = df/(df+t²) and 1 - x = t²/(df+t²), each computed directly; ln x = -log1p(t²/df) keeps large df exact.
  return 0.5 * betaIncBoth(df / 2, 0.5, df / (df + t2), t2 / (df + t2), -Math.log1p(t2 / df), Math.log(t2) - Math.log(df + t2))[0];
}

/**
 * Student's t CDF (scipy's `t.cdf`), through the regularised incomplete beta; `df` may be fractional (Welch).
 * @example tCdf(2.0, 10) // 0.96330598261463...
 */
export function tCdf(t: number, df: number): number {
  real("tCdf", "t", t);
  positive("tCdf", "df", df);
  return tCdfUnchecked(t, df);
}

function tCdfUnchecked(t: number, df: number): number {
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (t === 0) return 0.5;
  const tail = tTail(t, df);
  return t < 0 ? tail : 1 - tail;
}

/** Student's t survival function (scipy's `t.sf`), accurate in the upper tail. */
export function tSf(t: number, df: number): number {
  real("tSf", "t", t);
  positive("tSf", "df", df);
  return tCdfUnchecked(-t, df);
}

/** Student's t density. */
export function tPdf(t: number, df: number): number {
  real("tPdf", "t", t);
  positive("tPdf", "df", df);
  return tPdfUnchecked(t, df);
}

function tPdfUnchecked(t: number, df: number): number {
  return Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student's t quantile (scipy's `t.ppf`): Newton's method on the accurate tail, kept inside a bracket.
 * @example tPpf(0.975, 10) // 2.22813885198627... (scipy's t.ppf, a cdflib search, stops at 2.22813885196494)
 */
export function tPpf(p: number, df: number): number {
  unit("tPpf", "p", p);
  positive("tPpf", "df", df);
  return tPpfUnchecked(p, df);
}

function tPpfUnchecked(p: number, df: number): number {
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  return p < 0.5 ? -upperTQuantile(p, df) : upperTQuantile(1 - p, df);
}

/** Student's t inverse survival function (scipy's `t.isf`). */
export function tIsf(q: number, df: number): number {
  unit("tIsf", "q", q);
  positive("tIsf", "df", df);
  return -tPpfUnchecked(q, df);
}

/** The t > 0 with P(T > t) = q, for 0 < q < 0.5. */
function upperTQuantile(q: number, df: number): number {
  let lo = 0;
  let hi = Math.max(1, -lowerNormalQuantile(q));
  while (tTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let x = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = tTail(x, df) - q; // decreasing in x
    if (f > 0) lo = x;
    else hi = x;
    let next = x + f / tPdfUnchecked(x, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 2e-16 * x) return next;
    x = next;
  }
  return x;
}

/**
 * The noncentral t CDF (scipy's `nct.cdf`; statsmodels' t-test power), by Lenth's series (AS 243): for t >= 0,
 * F(t) = Φ(-δ) + ½ Σ_j [p_j I_x(j + ½, ν/2) + q_j I_x(j + 1, ν/2)] with x = t²/(t² + ν), p_j Poisson(δ²/2) weights
 * and q_j = δ e^(-δ²/2) (δ²/2)^j / (√2 Γ(j + 3/2)); each I_x is evaluated directly (no recurrence to drift).
 * @example nctCdf(2.0, 20, 1.5) // 0.67462991...
 */
export function nctCdf(t: number, df: number, nc: number): number {
  real("nctCdf", "t", t);
  positive("nctCdf", "df", df);
  if (!Number.isFinite(real("nctCdf", "nc", nc))) throw new InputError(`nctCdf: 'nc' must be a finite number; got ${nc}.`);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (t < 0) return 1 - nctUpper(-t, df, -nc);
  return nctUpper(t, df, nc);
}

/** The noncentral t survival function (scipy's `nct.sf`). */
export function nctSf(t: number, df: number, nc: number): number {
  real("nctSf", "t", t);
  positive("nctSf", "df", df);
  if (!Number.isFinite(real("nctSf", "nc", nc))) throw new InputError(`nctSf: 'nc' must be a finite number; got ${nc}.`);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  if (t < 0) return nctUpper(-t, df, -nc);
  return 1 - nctUpper(t, df, nc);
}

/** F(t; ν, δ) for t >= 0. */
function nctUpper(t: number, df: number, nc: number): number {
  const base = 0.5 * erfcUnchecked(nc / Math.SQRT2);
  if (t === 0) return base;
  const t2 = t * t;
  const x = t2 / (t2 + df);
  const y = df / (t2 + df);
  const logX = Math.log(t2) - Math.log(t2 + df);
  const logY = -Math.log1p(t2 / df);
  const lambda = (nc * nc) / 2;
  const b = df / 2;
  const jMax = Math.ceil(lambda + 14 * Math.sqrt(lambda) + 50);
  const logLambda = lambda > 0 ? Math.log(lambda) : -Infinity;
  let sum = 0;
  for (let j = 0; j <= jMax; j++) {
    const logPoisson = j === 0 ? -lambda : -lambda + j * logLambda - logGamma(j + 1);
    const pj = Math.exp(logPoisson);
    const qj = nc === 0 ? 0 : (Math.sign(nc) * Math.exp(Math.log(Math.abs(nc)) - lambda + (j === 0 ? 0 : j * logLambda) - logGamma(j + 1.5))) / Math.SQRT2;
    if (pj < 1e-300 && Math.abs(qj) < 1e-300) continue;
    sum += pj * betaIncBoth(j + 0.5, b, x, y, logX, logY)[0] + qj * betaIncBoth(j + 1, b, x, y, logX, logY)[0];
  }
  return Math.min(1, Math.max(0, base + 0.5 * sum));
}
