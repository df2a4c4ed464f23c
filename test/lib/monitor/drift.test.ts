/** Drift statistics against scipy on the same seeded samples (1e-6 or better), and the report's choice of test. */
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { chiSquareTest, chi2Sf, driftRatio, driftReport, jensenShannon, ks2Samp, populationStabilityIndex, proportionZTest, wassersteinDistance } from "../../../lib/monitor/index.js";
import { mimeBundle } from "../../../lib/display/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(11);
const normal = (n: number, shift = 0, scale = 1) => Array.from({ length: n }, () => shift + scale * rng.normal());
const ksCases = [[50, 50, 0.3], [40, 70, 0.5], [333, 500, 0.2], [1000, 1200, 0.1], [2000, 2000, 0.05], [3, 8, 1], [7000, 9000, 0.03]].map(([a, b, s]) => [normal(a!), normal(b!, s)] as const);
const cats = ["a", "b", "c", "d"];
const catRef = Array.from({ length: 400 }, () => cats[rng.randint(4)]!);
const catCur = Array.from({ length: 300 }, () => cats[Math.min(3, rng.randint(5))]!);
const binRef = Array.from({ length: 300 }, () => (rng.random() < 0.3 ? "yes" : "no"));
const binCur = Array.from({ length: 250 }, () => (rng.random() < 0.4 ? "yes" : "no"));
const p = [0.1, 0.4, 0.2, 0.3];
const q = [0.25, 0.25, 0.25, 0.25];
const u = normal(500);
const v = normal(700, 0.4, 1.5);

const ref = py<{ ks: number[][]; chi: number[]; chi2x2: number[]; js: number[]; jsBase2: number; w: number; chisf: number[] }>(
  `
from scipy import stats
from scipy.spatial.distance import jensenshannon
from collections import Counter
def table(a, b):
    keys = sorted(set(a) | set(b))
    ca, cb = Counter(a), Counter(b)
    return [[ca[k] for k in keys], [cb[k] for k in keys]]
out = {"ks": [list(stats.ks_2samp(a, b)) for a, b in data["ks"]]}
chi = stats.chi2_contingency(table(data["catRef"], data["catCur"]))
out["chi"] = [chi[0], chi[1], chi[2]]
chi2 = stats.chi2_contingency(table(data["binRef"], data["binCur"]))
out["chi2x2"] = [chi2[0], chi2[1]]
out["js"] = [jensenshannon(data["p"], data["q"])]
out["jsBase2"] = jensenshannon(data["p"], data["q"], base=2)
out["w"] = stats.wasserstein_distance(data["u"], data["v"])
out["chisf"] = [stats.chi2.sf(x, df) for x, df in [(0.5, 1), (3.2, 2), (10, 3), (40, 25), (120, 100), (1e-3, 4)]]
`,
  { ks: ksCases, catRef, catCur, binRef, binCur, p, q, u, v },
);

describe("drift statistics match scipy", () => {
  it("two-sample KS: statistic and exact p-value", () => {
    ksCases.forEach(([a, b], i) => {
      const r = ks2Samp(a, b);
      expect(Math.abs(r.statistic - ref.ks[i]![0]!)).toBeLessThan(1e-12);
      expect(Math.abs(r.pValue - ref.ks[i]![1]!)).toBeLessThan(1e-9);
    });
  });

  it("chi-squared (with Yates' correction on 2x2 tables) and the chi-squared tail", () => {
    const c = chiSquareTest(catRef, catCur);
    expect(Math.abs(c.statistic - ref.chi[0]!)).toBeLessThan(1e-9);
    expect(Math.abs(c.pValue - ref.chi[1]!)).toBeLessThan(1e-9);
    expect(c.dof).toBe(ref.chi[2]);
    const b = chiSquareTest(binRef, binCur);
    expect(Math.abs(b.statistic - ref.chi2x2[0]!)).toBeLessThan(1e-9);
    expect(Math.abs(b.pValue - ref.chi2x2[1]!)).toBeLessThan(1e-9);
    [[0.5, 1], [3.2, 2], [10, 3], [40, 25], [120, 100], [1e-3, 4]].forEach(([x, df], i) => expect(Math.abs(chi2Sf(x!, df!) - ref.chisf[i]!)).toBeLessThan(1e-10));
  });

  it("Jensen–Shannon distance and Wasserstein distance", () => {
    expect(Math.abs(jensenShannon(p, q) - ref.js[0]!)).toBeLessThan(1e-12);
    expect(Math.abs(jensenShannon(p, q, 2) - ref.jsBase2)).toBeLessThan(1e-12);
    expect(Math.abs(wassersteinDistance(u, v) - ref.w)).toBeLessThan(1e-12);
  });

  it("PSI is near 0 for the same distribution and large for a shifted one; the z-test sees a proportion change", () => {
    const a = normal(5000);
    expect(populationStabilityIndex(a, normal(5000))).toBeLessThan(0.02);
    expect(populationStabilityIndex(a, normal(5000, 1))).toBeGreaterThan(0.25);
    expect(proportionZTest(binRef, binRef).pValue).toBeCloseTo(1, 12);
    expect(proportionZTest(Array(500).fill("x").concat(Array(500).fill("y")), Array(700).fill("x").concat(Array(300).fill("y"))).pValue).toBeLessThan(1e-10);
  });
});

describe("driftReport", () => {
  it("uses KS / chi-squared / z-test on small references and distances on large ones, and finds the drifted columns", () => {
    const mk = (n: number, shift: number) =>
      tableFromArrays({
        amount: Float64Array.from(normal(n, shift)),
        country: Array.from({ length: n }, () => cats[shift > 0 ? Math.min(3, rng.randint(5)) : rng.randint(4)]!),
        stable: Float64Array.from(normal(n)),
      });
    const small = driftReport(mk(500, 0), mk(500, 1));
    expect(small.columns.map((c) => [c.column, c.test, c.drift])).toEqual([["amount", "ks", true], ["country", "chi-squared", true], ["stable", "ks", false]]);
    expect(small.datasetDrift).toBe(true);
    const large = driftReport(mk(3000, 0), mk(3000, 0.5));
    expect(large.columns.map((c) => [c.column, c.test, c.drift])).toEqual([["amount", "wasserstein (normed)", true], ["country", "jensen-shannon", true], ["stable", "wasserstein (normed)", false]]);
    expect(String(mimeBundle(large)["text/html"])).toContain("Drift report (2 of 3 columns drifted: dataset drift)");
    // The chart: one bar per column, drifted ones past the dashed threshold line at 1.
    const svg = large.chart().outerHTML;
    expect(svg.match(/<rect [^>]*fill="#ff725c"/g)?.length).toBe(2);
    expect(svg.match(/<rect [^>]*fill="#4269d0"/g)?.length).toBe(1);
    expect(String(mimeBundle(large)["text/html"])).toContain("<svg");
    large.columns.forEach((c) => expect(driftRatio(c) >= 1).toBe(c.drift));
    small.columns.forEach((c) => expect(driftRatio(c) > 1).toBe(c.drift));
  });

  it("names a missing column and refuses empty tables", () => {
    const a = tableFromArrays({ x: Float64Array.from([1, 2, 3]) });
    const b = tableFromArrays({ y: Float64Array.from([1, 2, 3]) });
    expect(() => driftReport(a, b)).toThrow("column 'x' is missing from the current table (it has: y).");
    expect(() => driftReport(a, tableFromArrays({ x: new Float64Array(0) }))).toThrow("driftReport needs non-empty tables; got 3 reference and 0 current rows.");
  });
});
