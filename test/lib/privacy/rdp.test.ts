import { describe, expect, it } from "vitest";
import { computeRdp, getPrivacySpent, dpSgdEpsilon, logErfc, DEFAULT_ORDERS } from "../../../dist/lib/privacy/index.js";

describe("Rényi-DP accountant for the sampled Gaussian mechanism", () => {
  it("matches Opacus's documented example (compute_dp_sgd_privacy.py): q = 0.01, sigma = 1.0, 300 steps, delta 1e-5 gives epsilon 2.39 at order 5", () => {
    const orders = [2, 5, 10, 20, 100];
    const rdp = computeRdp({ sampleRate: 0.01, noiseMultiplier: 1, steps: 300, orders });
    const { epsilon, bestOrder } = getPrivacySpent({ orders, rdp, delta: 1e-5 });
    expect(epsilon).toBeCloseTo(2.39, 2);
    expect(Math.abs(epsilon - 2.39)).toBeLessThan(0.01);
    expect(bestOrder).toBe(5);
  });

  it("matches Opacus's documented MNIST example (README before 1.0, commit 3bbed59a): 60,000 examples, batch 256, sigma 1.12, 60 epochs, orders 10, 20, 100 gives (2.95, 1e-5)", () => {
    // That Opacus counted epochs * ceil(60000 / 256) steps and converted with eps = rdp - log(delta)/(alpha - 1).
    const orders = [10, 20, 100];
    const rdp = computeRdp({ sampleRate: 256 / 60000, noiseMultiplier: 1.12, steps: 60 * Math.ceil(60000 / 256), orders });
    const classic = getPrivacySpent({ orders, rdp, delta: 1e-5, conversion: "classic" });
    expect(Math.abs(classic.epsilon - 2.95)).toBeLessThan(0.01);
    expect(classic.bestOrder).toBe(10);
    // Today's Opacus (Balle et al. 2020's conversion) gives a tighter bound for the same RDP.
    const balle = getPrivacySpent({ orders, rdp, delta: 1e-5 });
    expect(balle.epsilon).toBeCloseTo(2.5847, 3);
    expect(balle.epsilon).toBeLessThan(classic.epsilon);
  });

  it("fractional orders match Opacus's _compute_log_a_for_frac_alpha (golden values from its formulas run with scipy)", () => {
    const cases: [number, number, number, number][] = [
      [0.01, 1.0, 1.5, 0.00012725374351154145],
      [0.01, 1.0, 2.5, 0.00021757533233085147],
      [0.01, 1.0, 7.3, 0.0007584451070487351],
      [0.05, 0.8, 3.5, 0.030512649939359083],
      [0.004, 1.12, 10.5, 0.00010907245051839278],
    ];
    for (const [q, sigma, alpha, expected] of cases) {
      const [rdp] = computeRdp({ sampleRate: q, noiseMultiplier: sigma, steps: 1, orders: [alpha] });
      expect(Math.abs(rdp! - expected) / expected).toBeLessThan(1e-9);
    }
  });

  it("integer orders agree with the closed form at q = 1 (the plain Gaussian mechanism, alpha / (2 sigma^2)) and are 0 at q = 0", () => {
    expect(computeRdp({ sampleRate: 1, noiseMultiplier: 2, steps: 3, orders: [4, 7.5] })).toEqual([1.5, (3 * 7.5) / 8]);
    expect(computeRdp({ sampleRate: 0, noiseMultiplier: 2, steps: 3, orders: [4] })).toEqual([0]);
  });

  it("logErfc matches scipy (log 2 + log_ndtr(-x sqrt 2)) into the far tail", () => {
    const golden: [number, number][] = [
      [-3, 0.6931361352504468], [-0.5, 0.4190391477755596], [0, 0], [0.3, -0.39843005144008525], [0.99, -1.8233001038549022],
      [1, -1.849605509933249], [2, -5.36494126461664], [5, -27.200889545537446], [20, -403.5693433341044], [40, -1604.2615566532743],
    ];
    for (const [x, y] of golden) expect(Math.abs(logErfc(x) - y)).toBeLessThan(1e-12 * Math.max(1, Math.abs(y)));
  });

  it("dpSgdEpsilon uses Opacus's default orders, and more noise spends less", () => {
    expect(DEFAULT_ORDERS[0]).toBe(1.1);
    expect(DEFAULT_ORDERS.at(-1)).toBe(63);
    expect(DEFAULT_ORDERS).toHaveLength(151);
    const a = dpSgdEpsilon({ sampleRate: 0.01, noiseMultiplier: 1, steps: 300, delta: 1e-5 });
    const b = dpSgdEpsilon({ sampleRate: 0.01, noiseMultiplier: 2, steps: 300, delta: 1e-5 });
    expect(a.epsilon).toBeLessThan(2.39); // the finer default grid finds a tighter order than 2, 5, 10, 20, 100
    expect(b.epsilon).toBeLessThan(a.epsilon);
  });

  it("refuses bad arguments naming the function, the argument and the value", () => {
    expect(() => computeRdp({ sampleRate: 1.5, noiseMultiplier: 1, steps: 1, orders: [2] })).toThrow("computeRdp: 'sampleRate' must be a finite number >= 0 and <= 1; got 1.5");
    expect(() => computeRdp({ sampleRate: 0.1, noiseMultiplier: -1, steps: 1, orders: [2] })).toThrow("'noiseMultiplier' must be a finite number >= 0; got -1");
    expect(() => computeRdp({ sampleRate: 0.1, noiseMultiplier: 1, steps: 2.5, orders: [2] })).toThrow("'steps' must be an integer >= 0; got 2.5");
    expect(() => computeRdp({ sampleRate: 0.1, noiseMultiplier: 1, steps: 1, orders: [1] })).toThrow("computeRdp: every order in 'orders' must be a number > 1; got 1");
    expect(() => computeRdp({ sampleRate: 0.1, noiseMultiplier: 1, steps: 1, orders: [] })).toThrow("'orders' must be a non-empty array");
    expect(() => getPrivacySpent({ orders: [2, 3], rdp: [0.1], delta: 1e-5 })).toThrow("getPrivacySpent: 'rdp' must be an array as long as 'orders' (2); got an array of length 1");
    expect(() => getPrivacySpent({ orders: [2], rdp: [0.1], delta: 0 })).toThrow("getPrivacySpent: 'delta' must be a finite number > 0 and < 1; got 0");
    expect(() => getPrivacySpent({ orders: [2], rdp: [0.1], delta: 1e-5, conversion: "x" as "classic" })).toThrow(`'conversion' must be "balle" or "classic"; got "x"`);
    expect(() => logErfc(NaN)).toThrow("logErfc: 'x' must be a number; got NaN");
  });
});
