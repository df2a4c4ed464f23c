/**
 * The peeking problem and the mSPRT. References: Armitage, McPherson and Rowe (1969), "Repeated significance
 * tests on accumulating data" (J. R. Stat. Soc. A 132), whose false-positive rates for a 5 % test repeated after
 * equal increments of data are 0.142 at 5 looks and 0.193 at 10; and the mSPRT's definition in Johari et al. (2017),
 * the mixture likelihood ratio ∫ N(D; θ, V) N(θ; 0, τ²) dθ / N(D; 0, V), integrated numerically by scipy's quad.
 */
import { describe, expect, it } from "vitest";
import { alwaysValidPValues, peekingSimulation, type Look } from "../../../lib/experiment/index.js";
import { py } from "../../helpers/python.js";

const looks: Look[] = [
  { count: [48, 61], nobs: [500, 500] },
  { count: [97, 128], nobs: [1000, 1010] },
  { count: [151, 190], nobs: [1500, 1490] },
  { count: [196, 260], nobs: [2000, 2005] },
  { count: [240, 330], nobs: [2500, 2500] },
];
const tau = 0.015;

const ref = py<number[]>(
  `
from scipy import integrate, stats
import numpy as np
out = []
for look in data["looks"]:
    (ca, cb), (na, nb) = look["count"], look["nobs"]
    p = (ca + cb) / (na + nb)
    V = p * (1 - p) * (1 / na + 1 / nb)
    D = ca / na - cb / nb
    sd = np.sqrt(V)
    num, _ = integrate.quad(lambda th: stats.norm.pdf(D, th, sd) * stats.norm.pdf(th, 0, data["tau"]), -1, 1, points=[0, D], epsabs=0, epsrel=1e-13, limit=200)
    out.append(num / stats.norm.pdf(D, 0, sd))
`,
  { looks, tau },
);

describe("alwaysValidPValues: the mSPRT's mixture likelihood ratio in closed form", () => {
  it("equals the numerically integrated mixture (scipy.integrate.quad) to 1e-9, and p_k = min(p_{k-1}, 1/Λ_k)", () => {
    const p = alwaysValidPValues(looks, { tau });
    let running = 1;
    ref.forEach((lambda, k) => {
      running = Math.min(running, 1 / lambda);
      expect(Math.abs(p[k]! - running) / running).toBeLessThan(1e-9);
    });
    for (let k = 1; k < p.length; k++) expect(p[k]!).toBeLessThanOrEqual(p[k - 1]!);
    expect(p.at(-1)!).toBeLessThan(0.05); // B converts visibly better by the fifth look
  });
  it("refuses looks that are not cumulative totals, and a missing tau", () => {
    expect(() => alwaysValidPValues([looks[1]!, looks[0]!], { tau })).toThrow("alwaysValidPValues: 'looks' must be cumulative (totals never decrease); looks[1]");
    expect(() => alwaysValidPValues([{ count: [5, 1], nobs: [4, 10] }], { tau })).toThrow("alwaysValidPValues: 'looks[0]' has more conversions than visitors");
    expect(() => alwaysValidPValues(looks, {} as never)).toThrow("alwaysValidPValues: 'tau' must be a finite number > 0; got undefined.");
    expect(() => alwaysValidPValues("x" as never, { tau })).toThrow(`alwaysValidPValues: 'looks' must be an array of { count: [a, b], nobs: [a, b] }; got "x".`);
    expect(() => alwaysValidPValues([{ count: [1.5, 1], nobs: [4, 10] }], { tau })).toThrow("alwaysValidPValues: 'looks[0].count[0]' must be an integer >= 0; got 1.5.");
  });
});

describe("peekingSimulation: A/A tests checked every day", () => {
  const simulations = 4000;
  const sigma = (p: number) => Math.sqrt((p * (1 - p)) / simulations);
  it("peeking at 5 and 10 equally spaced looks gives Armitage et al.'s 0.142 and 0.193; the fixed horizon keeps 0.05; the mSPRT stays under alpha", () => {
    for (const [days, armitage] of [[5, 0.142], [10, 0.193]] as const) {
      const r = peekingSimulation({ days, visitorsPerDay: 2000, rate: 0.1, tau: 0.01, simulations, randomState: days });
      expect(Math.abs(r.peeking - armitage)).toBeLessThan(4 * sigma(armitage));
      expect(Math.abs(r.fixedHorizon - 0.05)).toBeLessThan(4 * sigma(0.05));
      expect(r.msprt).toBeLessThan(0.05);
      expect(r.peekingByDay.length).toBe(days);
      expect(r.peekingByDay[0]).toBeGreaterThan(0.03); // the first look alone is a 5 % test
      for (let d = 1; d < days; d++) expect(r.peekingByDay[d]!).toBeGreaterThanOrEqual(r.peekingByDay[d - 1]!);
    }
  });
  it("with a real lift the same rules have power, and one seed gives one result", () => {
    const options = { days: 10, visitorsPerDay: 1000, rate: 0.1, rateB: 0.115, tau: 0.01, simulations: 500, randomState: 3 };
    const a = peekingSimulation(options);
    expect(a.fixedHorizon).toBeGreaterThan(0.8);
    expect(a.msprt).toBeGreaterThan(0.3);
    expect(a.msprtMeanStopDay).toBeGreaterThan(1);
    expect(peekingSimulation(options)).toEqual(a);
  });
  it("refuses wrong options by name", () => {
    expect(() => peekingSimulation({ days: 0, visitorsPerDay: 10, rate: 0.1, tau: 0.01 })).toThrow("peekingSimulation: 'days' must be an integer >= 1; got 0.");
    expect(() => peekingSimulation({ days: 3, visitorsPerDay: 10, rate: 1, tau: 0.01 })).toThrow("peekingSimulation: 'rate' must be a finite number > 0 and < 1; got 1.");
    expect(() => peekingSimulation({ days: 3, visitorsPerDay: 10, rate: 0.1, tau: -1 })).toThrow("peekingSimulation: 'tau' must be a finite number > 0; got -1.");
    expect(() => peekingSimulation({ days: 3, visitorsPerDay: 10, rate: 0.1, tau: 0.01, simulations: 2.5 })).toThrow("peekingSimulation: 'simulations' must be an integer >= 1; got 2.5.");
    expect(() => peekingSimulation(null as never)).toThrow("peekingSimulation: 'options' must be an object; got null.");
  });
});
