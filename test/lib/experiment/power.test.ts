/**
 * Power and sample size against statsmodels' NormalIndPower, TTestIndPower, zt_ind_solve_power and
 * tt_ind_solve_power on the same inputs. The z-test's power is closed form (1e-12); the t-test's goes through the
 * noncentral t (Boost's in scipy) and scipy's t.isf (cdflib's cdft, about 1e-10), so 1e-9. Solved values: statsmodels
 * stops its root finder (brentq_expanding) at xtol = 1e-5, this one bisects to rounding, so they agree to
 * statsmodels' tolerance and ours gives back the target power to 1e-12.
 */
import { describe, expect, it } from "vitest";
import { NormalIndPower, TTestIndPower, proportionEffectSize, ttIndSolvePower, ztIndSolvePower } from "../../../lib/experiment/index.js";
import { py } from "../../helpers/python.js";

type Alt = "two-sided" | "larger" | "smaller";
const powerCases: [number, number, number, number, Alt][] = [
  [0.2, 400, 0.05, 1, "two-sided"], [0.05, 3000, 0.01, 2, "two-sided"], [0.5, 20, 0.1, 0.5, "larger"], [-0.3, 100, 0.05, 1, "smaller"], [0.3, 100, 0.05, 1, "smaller"], [0.8, 5.5, 0.05, 1.5, "two-sided"], [-0.1, 800, 0.05, 1, "two-sided"],
];
const nobsCases: [number, number, number, number, Alt][] = [[0.2, 0.05, 0.8, 1, "two-sided"], [0.05, 0.05, 0.9, 1, "two-sided"], [0.5, 0.01, 0.8, 2, "larger"], [0.8, 0.05, 0.8, 1, "two-sided"], [-0.3, 0.05, 0.8, 1, "smaller"]];
const h = proportionEffectSize(0.11, 0.1);

const ref = py<{ zp: number[]; tp: number[]; zn: number[]; tn: number[]; ze: number[]; te: number[]; za: number[]; ta: number[]; conv: number }>(
  `
from statsmodels.stats.power import NormalIndPower, TTestIndPower, zt_ind_solve_power, tt_ind_solve_power
z, t = NormalIndPower(), TTestIndPower()
out = {
  "zp": [z.power(e, n, a, ratio=r, alternative=alt) for e, n, a, r, alt in data["p"]],
  "tp": [t.power(e, n, a, ratio=r, alternative=alt) for e, n, a, r, alt in data["p"]],
  "zn": [zt_ind_solve_power(effect_size=e, alpha=a, power=pw, ratio=r, alternative=alt) for e, a, pw, r, alt in data["n"]],
  "tn": [tt_ind_solve_power(effect_size=e, alpha=a, power=pw, ratio=r, alternative=alt) for e, a, pw, r, alt in data["n"]],
  "ze": [z.solve_power(effect_size=None, nobs1=n, alpha=0.05, power=0.8) for n in [50, 400, 5000]],
  "te": [t.solve_power(effect_size=None, nobs1=n, alpha=0.05, power=0.8) for n in [10, 50, 400]],
  "za": [z.solve_power(effect_size=0.2, nobs1=n, alpha=None, power=0.8) for n in [300, 500]],
  "ta": [t.solve_power(effect_size=0.5, nobs1=n, alpha=None, power=0.8) for n in [50, 80]],
  "conv": zt_ind_solve_power(effect_size=data["h"], alpha=0.05, power=0.8),
}
`,
  { p: powerCases, n: nobsCases, h },
);

const z = new NormalIndPower();
const t = new TTestIndPower();

describe("power equals statsmodels'", () => {
  it("NormalIndPower.power (closed form) to 1e-12, and TTestIndPower.power to 1e-9", () => {
    powerCases.forEach(([effectSize, nobs1, alpha, ratio, alternative], i) => {
      expect(Math.abs(z.power({ effectSize, nobs1, alpha, ratio, alternative }) - ref.zp[i]!)).toBeLessThan(1e-12);
      expect(Math.abs(t.power({ effectSize, nobs1, alpha, ratio, alternative }) - ref.tp[i]!)).toBeLessThan(1e-9);
    });
  });
});

describe("solvePower equals statsmodels' solve_power to its solver's tolerance, and hits the target power exactly", () => {
  it("sample size per arm (zt_ind_solve_power, tt_ind_solve_power)", () => {
    nobsCases.forEach(([effectSize, alpha, power, ratio, alternative], i) => {
      const nz = ztIndSolvePower({ effectSize, alpha, power, ratio, alternative });
      const nt = ttIndSolvePower({ effectSize, alpha, power, ratio, alternative });
      expect(Math.abs(nz - ref.zn[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(nt - ref.tn[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(z.power({ effectSize, nobs1: nz, alpha, ratio, alternative }) - power)).toBeLessThan(1e-12);
      expect(Math.abs(t.power({ effectSize, nobs1: nt, alpha, ratio, alternative }) - power)).toBeLessThan(1e-12);
    });
    // A conversion test: 10 % against 11 %, 80 % power at 5 %: statsmodels' 14,744 visitors per arm.
    expect(Math.abs(ztIndSolvePower({ effectSize: h, alpha: 0.05, power: 0.8 }) - ref.conv)).toBeLessThan(1e-5);
    expect(Math.ceil(ref.conv)).toBe(Math.ceil(ztIndSolvePower({ effectSize: h, alpha: 0.05, power: 0.8 })));
  });
  it("the detectable effect size and the alpha a design needs", () => {
    // Within statsmodels' xtol (1e-5, absolute), while ours reproduces the target power to 1e-12.
    [50, 400, 5000].forEach((nobs1, i) => {
      const e = z.solvePower({ nobs1, alpha: 0.05, power: 0.8 });
      expect(Math.abs(e - ref.ze[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(z.power({ effectSize: e, nobs1, alpha: 0.05 }) - 0.8)).toBeLessThan(1e-12);
    });
    [10, 50, 400].forEach((nobs1, i) => {
      const e = t.solvePower({ nobs1, alpha: 0.05, power: 0.8 });
      expect(Math.abs(e - ref.te[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(t.power({ effectSize: e, nobs1, alpha: 0.05 }) - 0.8)).toBeLessThan(1e-12);
    });
    [300, 500].forEach((nobs1, i) => {
      const a = z.solvePower({ effectSize: 0.2, nobs1, power: 0.8 });
      expect(Math.abs(a - ref.za[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(z.power({ effectSize: 0.2, nobs1, alpha: a }) - 0.8)).toBeLessThan(1e-12);
    });
    [50, 80].forEach((nobs1, i) => {
      const a = t.solvePower({ effectSize: 0.5, nobs1, power: 0.8 });
      expect(Math.abs(a - ref.ta[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(t.power({ effectSize: 0.5, nobs1, alpha: a }) - 0.8)).toBeLessThan(1e-12);
    });
    expect(z.solvePower({ effectSize: 0.2, nobs1: 400, alpha: 0.05 })).toBe(z.power({ effectSize: 0.2, nobs1: 400, alpha: 0.05 }));
  });
});

describe("bad input is refused with the function, the argument and the value", () => {
  it("power and solvePower", () => {
    expect(() => z.power({ effectSize: 0.2, nobs1: -5, alpha: 0.05 })).toThrow("NormalIndPower.power: 'nobs1' must be a finite number > 0; got -5.");
    expect(() => t.power({ effectSize: 0.2, nobs1: 1, alpha: 0.05 })).toThrow("TTestIndPower.power: 'nobs1' must be a finite number > 1; got 1.");
    expect(() => z.power({ effectSize: 0.2, nobs1: 50, alpha: 1.5 })).toThrow("NormalIndPower.power: 'alpha' must be a finite number > 0 and < 1; got 1.5.");
    expect(() => t.power({ effectSize: 0.2, nobs1: 50, alpha: 0.05, ratio: 0 })).toThrow("TTestIndPower.power: 'ratio' must be a finite number > 0; got 0.");
    expect(() => z.power({ effectSize: 0.2, nobs1: 50, alpha: 0.05, alternative: "less" as never })).toThrow(`NormalIndPower.power: 'alternative' must be one of "two-sided", "larger", "smaller"; got "less".`);
    expect(() => z.solvePower({ effectSize: 0.2, alpha: 0.05 })).toThrow("NormalIndPower.solvePower: leave out exactly one of effectSize, nobs1, alpha, power; got nobs1, power missing.");
    expect(() => ztIndSolvePower({ effectSize: 0, alpha: 0.05, power: 0.8 })).toThrow("NormalIndPower.solvePower: an effectSize of 0 cannot be detected (power stays at alpha); got effectSize 0.");
    expect(() => ttIndSolvePower({ effectSize: 0.2, alpha: 0.05, power: 80 })).toThrow("TTestIndPower.solvePower: 'power' must be a finite number > 0 and < 1; got 80.");
    expect(() => ztIndSolvePower({ effectSize: 0.2, alpha: 0.05, power: 0.01 })).toThrow("NormalIndPower.solvePower: no nobs1 reaches the requested power");
  });
});
