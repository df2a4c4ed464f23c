/** The normal, Student t and noncentral t functions against scipy.stats on the same arguments. */
import { describe, expect, it } from "vitest";
import { betaInc, erfc, logBeta, nctCdf, nctSf, normalCdf, normalIsf, normalPdf, normalPpf, normalSf, tCdf, tIsf, tPdf, tPpf, tSf } from "../../../lib/experiment/index.js";
import { py } from "../../helpers/python.js";

const xs = [-37, -20, -8, -5, -3, -1.96, -1, -0.5, -1e-3, 0, 0.3, 0.7, 0.9999, 1.0001, 1.5, 2.5, 5, 8.2];
const ps = [1e-300, 1e-20, 1e-8, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-12];
const dfs = [1, 2.5, 5, 10, 37.3, 200, 5000, 1e5];
const nct: [number, number, number][] = [[2, 20, 1.5], [-1, 10, 0.5], [2.5, 38, 2.8], [1.97, 198, 2.8], [-1.97, 198, 2.8], [3, 4, -1], [0.5, 7.7, 5], [2, 1000, 10], [1.96, 3000, 0.1], [0, 12, 1], [2.2, 60, 0]];

const ref = py<{ erfc: number[]; cdf: number[]; sf: number[]; ppf: number[]; isf: number[]; tcdf: number[][]; tsf: number[][]; tppf: number[][]; tRoundTrip: number[][]; nct: number[]; nctsf: number[] }>(
  `
from scipy import stats, special
out = {
  "erfc": [special.erfc(x) for x in data["xs"]],
  "cdf": [stats.norm.cdf(x) for x in data["xs"]],
  "sf": [stats.norm.sf(x) for x in data["xs"]],
  "ppf": [stats.norm.ppf(p) for p in data["ps"]],
  "isf": [stats.norm.isf(p) for p in data["ps"]],
  "tcdf": [[stats.t.cdf(x, v) for x in data["xs"]] for v in data["dfs"]],
  "tsf": [[stats.t.sf(x, v) for x in data["xs"]] for v in data["dfs"]],
  "tppf": [[stats.t.ppf(p, v) for p in data["ps"][1:-1]] for v in data["dfs"]],
  # scipy's own CDF at scipy's own quantile: how far its quantile (cdflib's cdft) is from inverting it
  "tRoundTrip": [[stats.t.cdf(stats.t.ppf(p, v), v) - p for p in data["ps"][1:-1]] for v in data["dfs"]],
  "nct": [stats.nct.cdf(t, v, n) for t, v, n in data["nct"]],
  "nctsf": [stats.nct.sf(t, v, n) for t, v, n in data["nct"]],
}
`,
  { xs, ps, dfs, nct },
);

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

describe("the normal distribution matches scipy.stats.norm and scipy.special.erfc", () => {
  it("erfc, cdf and sf to 1e-13 relative, far into the tails", () => {
    xs.forEach((x, i) => {
      expect(rel(erfc(x), ref.erfc[i]!)).toBeLessThan(1e-13);
      expect(rel(normalCdf(x), ref.cdf[i]!)).toBeLessThan(1e-12);
      expect(rel(normalSf(x), ref.sf[i]!)).toBeLessThan(1e-12);
    });
  });
  it("ppf and isf to 1e-14 relative, from 1e-300 to 1 - 1e-12", () => {
    ps.forEach((p, i) => {
      expect(rel(normalPpf(p), ref.ppf[i]!)).toBeLessThan(1e-14);
      expect(rel(normalIsf(p), ref.isf[i]!)).toBeLessThan(1e-14);
    });
    expect(normalPpf(0.5)).toBe(0);
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(1)).toBe(Infinity);
  });
});

describe("Student's t matches scipy.stats.t", () => {
  it("cdf and sf to 1e-11 relative for df from 1 to 1e5 (fractional df as Welch's test gives)", () => {
    dfs.forEach((v, j) =>
      xs.forEach((x, i) => {
        expect(rel(tCdf(x, v), ref.tcdf[j]![i]!)).toBeLessThan(1e-11);
        expect(rel(tSf(x, v), ref.tsf[j]![i]!)).toBeLessThan(1e-11);
      }),
    );
  });
  it("ppf inverts the CDF (which matches scipy's) to 1e-12, and agrees with scipy's ppf to scipy's own accuracy (1e-8)", () => {
    const inner = ps.slice(1, -1);
    dfs.forEach((v, j) =>
      inner.forEach((p, i) => {
        const q = tPpf(p, v);
        expect(rel(tCdf(q, v), p)).toBeLessThan(1e-12); // rounding times the tail's condition number (about q²)
        expect(Math.abs(q - ref.tppf[j]![i]!) / Math.max(1, Math.abs(q))).toBeLessThan(1e-8);
      }),
    );
    // scipy's t.ppf is cdflib's cdft, a search that stops near 1e-10: its own round trip is off by more than ours.
    expect(Math.max(...ref.tRoundTrip.flat().map(Math.abs))).toBeGreaterThan(1e-11);
  });
});

describe("the noncentral t matches scipy.stats.nct (Boost's)", () => {
  it("cdf and sf to 1e-13 absolute (Lenth's AS 243 series)", () => {
    nct.forEach(([t, v, n], i) => {
      expect(Math.abs(nctCdf(t, v, n) - ref.nct[i]!)).toBeLessThan(1e-13);
      expect(Math.abs(nctSf(t, v, n) - ref.nctsf[i]!)).toBeLessThan(1e-13);
    });
  });
});

describe("bad input is refused with the function, the argument and the value (not NaN, as scipy would return)", () => {
  it("every distribution function", () => {
    expect(() => erfc(NaN)).toThrow("erfc: 'x' must be a number; got NaN.");
    expect(() => normalCdf("1" as never)).toThrow(`normalCdf: 'x' must be a number; got "1".`);
    expect(() => normalSf(undefined as never)).toThrow("normalSf: 'x' must be a number; got undefined.");
    expect(() => normalPpf(1.5)).toThrow("normalPpf: 'p' must be a number in [0, 1]; got 1.5.");
    expect(() => normalIsf(-0.1)).toThrow("normalIsf: 'q' must be a number in [0, 1]; got -0.1.");
    expect(() => tCdf(1, 0)).toThrow("tCdf: 'df' must be a finite number > 0; got 0.");
    expect(() => tSf(NaN, 3)).toThrow("tSf: 't' must be a number; got NaN.");
    expect(() => tPpf(0.5, -2)).toThrow("tPpf: 'df' must be a finite number > 0; got -2.");
    expect(() => tPpf(2, 5)).toThrow("tPpf: 'p' must be a number in [0, 1]; got 2.");
    expect(() => nctCdf(1, 10, Infinity)).toThrow("nctCdf: 'nc' must be a finite number; got Infinity.");
    expect(() => nctSf(1, Infinity, 1)).toThrow("nctSf: 'df' must be a finite number > 0; got Infinity.");
    expect(() => betaInc(0, 1, 0.5)).toThrow("betaInc: 'a' must be a finite number > 0; got 0.");
    expect(() => betaInc(1, 1, 1.5)).toThrow("betaInc: 'x' must be a number in [0, 1]; got 1.5.");
    expect(() => logBeta(1, -1)).toThrow("logBeta: 'b' must be a finite number > 0; got -1.");
    expect(() => normalPdf(NaN)).toThrow("normalPdf: 'x' must be a number; got NaN.");
    expect(() => tPdf(1, 0)).toThrow("tPdf: 'df' must be a finite number > 0; got 0.");
    expect(() => tIsf(-1, 4)).toThrow("tIsf: 'q' must be a number in [0, 1]; got -1.");
    expect(tCdf(Infinity, 3)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
  });
});
