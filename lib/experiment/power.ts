/**
 * Power and sample size for two-sample tests, as statsmodels' `NormalIndPower` (z-test; `zt_ind_solve_power`) and
 * `TTestIndPower` (pooled t-test through the noncentral t; `tt_ind_solve_power`). `solvePower` leaves exactly one
 * of effectSize, nobs1, alpha, power out and finds it; where statsmodels stops its root finder at xtol = 1e-5,
 * this one brackets the root and bisects it to rounding, so power(solved) equals the target to about 1e-15.
 */
import { InputError } from "../core/errors.js";
import { checkChoice, checkNumber, checkOptions, checkProbability, describe } from "./check.js";
import { nctCdf, nctSf, normalCdf, normalIsf, normalPpf, normalSf, tIsf, tPpf } from "./distributions.js";
import type { ZAlternative } from "./ab-test.js";

export interface PowerArgs {
  /** Standardised effect: (mean1 - mean2) / sd, or Cohen's h for proportions (`proportionEffectSize`). */
  effectSize: number;
  /** Observations in the first sample; the second has nobs1 * ratio. */
  nobs1: number;
  alpha: number;
  /** nobs2 / nobs1 (default 1). For NormalIndPower, 0 means a one-sample test. */
  ratio?: number;
  alternative?: ZAlternative;
}

export type SolveArgs = Partial<Omit<PowerArgs, "ratio" | "alternative">> & { power?: number; ratio?: number; alternative?: ZAlternative };

const SOLVABLE = ["effectSize", "nobs1", "alpha", "power"] as const;
type Solvable = (typeof SOLVABLE)[number];

/** What both power classes share: argument checks and the root finder of solvePower. */
abstract class IndPower {
  protected abstract readonly name: string;
  /** Smallest nobs1 the power is defined for. */
  protected abstract readonly minNobs: number;
  protected abstract rawPower(effectSize: number, nobs1: number, alpha: number, ratio: number, alternative: ZAlternative): number;

  /**
   * The power of the test: the probability of rejecting at level `alpha` when the true effect is `effectSize`.
   * @example new NormalIndPower().power({ effectSize: 0.2, nobs1: 400, alpha: 0.05 }) // 0.8074...
   */
  power(args: PowerArgs): number {
    const fn = `${this.name}.power`;
    const a = checkOptions(fn, args) as Partial<PowerArgs>;
    const ratio = this.checkRatio(fn, a.ratio ?? 1);
    const alternative = checkChoice(fn, "alternative", a.alternative ?? "two-sided", ["two-sided", "larger", "smaller"] as const);
    return this.rawPower(checkNumber(fn, "effectSize", a.effectSize), checkNumber(fn, "nobs1", a.nobs1, { min: this.minNobs, minExclusive: true }), checkProbability(fn, "alpha", a.alpha), ratio, alternative);
  }

  /**
   * Finds the one argument left out (effectSize, nobs1, alpha or power) so that the others hold, as statsmodels'
   * `solve_power`. The sample size comes back unrounded: round it up for a plan.
   * @example Math.ceil(new NormalIndPower().solvePower({ effectSize: proportionEffectSize(0.11, 0.10), alpha: 0.05, power: 0.8 })) // 14745 visitors per arm
   */
  solvePower(args: SolveArgs): number {
    const fn = `${this.name}.solvePower`;
    const a = checkOptions(fn, args) as SolveArgs;
    const missing = SOLVABLE.filter((k) => a[k] === undefined || a[k] === null);
    if (missing.length !== 1) throw new InputError(`${fn}: leave out exactly one of effectSize, nobs1, alpha, power; got ${missing.length === 0 ? "all four" : `${missing.join(", ")} missing`}.`);
    const key: Solvable = missing[0]!;
    const ratio = this.checkRatio(fn, a.ratio ?? 1);
    const alternative = checkChoice(fn, "alternative", a.alternative ?? "two-sided", ["two-sided", "larger", "smaller"] as const);
    const effectSize = key === "effectSize" ? NaN : checkNumber(fn, "effectSize", a.effectSize);
    const nobs1 = key === "nobs1" ? NaN : checkNumber(fn, "nobs1", a.nobs1, { min: this.minNobs, minExclusive: true });
    const alpha = key === "alpha" ? NaN : checkProbability(fn, "alpha", a.alpha);
    const power = key === "power" ? NaN : checkProbability(fn, "power", a.power);
    if (key === "power") return this.rawPower(effectSize, nobs1, alpha, ratio, alternative);
    if (key !== "effectSize" && effectSize === 0) throw new InputError(`${fn}: an effectSize of 0 cannot be detected (power stays at alpha); got effectSize 0.`);
    const f = (x: number) => {
      if (key === "effectSize") return this.rawPower(x, nobs1, alpha, ratio, alternative) - power;
      if (key === "nobs1") return this.rawPower(effectSize, x, alpha, ratio, alternative) - power;
      return this.rawPower(effectSize, nobs1, x, ratio, alternative) - power;
    };
    // Power grows with |effect|, with n and with alpha. The effect is solved on the side the alternative points
    // to (positive for two-sided and larger, as statsmodels' search from 1e-8 upwards finds it).
    if (key === "alpha") return bisect(fn, key, f, 1e-12, 1 - 1e-12, false);
    if (key === "nobs1") {
      // statsmodels searches from 2 upwards; below that only if 2 is already enough.
      const lo = f(2) <= 0 ? 2 : this.minNobs + 1e-6;
      return bisect(fn, key, f, lo, 50, true);
    }
    const sign = alternative === "smaller" ? -1 : 1;
    return sign * bisect(fn, key, (x) => f(sign * x), 1e-8, 2, true);
  }

  private checkRatio(fn: string, ratio: unknown): number {
    return checkNumber(fn, "ratio", ratio, { min: 0, minExclusive: this.name !== "NormalIndPower" });
  }
}

/**
 * Finds x in [lo, hi] (hi doubling while `expand` and f(hi) < 0) with f(x) = 0, f increasing: bisection to
 * adjacent doubles, so the answer does not depend on a tolerance.
 */
function bisect(fn: string, key: string, f: (x: number) => number, lo: number, hi: number, expand: boolean): number {
  let flo = f(lo);
  if (flo > 0) throw new InputError(`${fn}: no ${key} reaches the requested power (already exceeded at ${key} = ${lo}); check that power > alpha.`);
  let fhi = f(hi);
  while (fhi < 0) {
    if (!expand || hi > 1e15) throw new InputError(`${fn}: no ${key} up to ${describe(hi)} reaches the requested power.`);
    lo = hi;
    flo = fhi;
    hi *= 2;
    fhi = f(hi);
  }
  for (let i = 0; i < 2000; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    const fm = f(mid);
    if (fm === 0) return mid;
    if (fm < 0) lo = mid;
    else hi = mid;
  }
  return Math.abs(flo) <= Math.abs(fhi) ? lo : hi;
}

/**
 * Power of the two-sample z-test (statsmodels' `NormalIndPower`, `normal_power`): with n = 1/(1/n1 + 1/n2),
 * power = Φ̄(z_{α/2} - d√n) + Φ(-z_{α/2} - d√n) for two sides.
 * @example new NormalIndPower().solvePower({ effectSize: 0.1, alpha: 0.05, power: 0.8 }) // 1569.77...
 */
export class NormalIndPower extends IndPower {
  protected readonly name = "NormalIndPower";
  protected readonly minNobs = 0;
  protected rawPower(d: number, nobs1: number, alpha: number, ratio: number, alternative: ZAlternative): number {
    const nobs = ratio > 0 ? 1 / (1 / nobs1 + 1 / (nobs1 * ratio)) : nobs1;
    const shift = d * Math.sqrt(nobs);
    const a = alternative === "two-sided" ? alpha / 2 : alpha;
    let power = 0;
    if (alternative !== "smaller") power += normalSf(normalIsf(a) - shift);
    if (alternative !== "larger") power += normalCdf(normalPpf(a) - shift);
    return power;
  }
}

/**
 * Power of the pooled two-sample t-test (statsmodels' `TTestIndPower`, `ttest_power`): the noncentral t with
 * df = n1 + n2 - 2 and noncentrality d√(1/(1/n1 + 1/n2)).
 * @example new TTestIndPower().solvePower({ effectSize: 0.5, alpha: 0.05, power: 0.8 }) // 63.765...
 */
export class TTestIndPower extends IndPower {
  protected readonly name = "TTestIndPower";
  // df = nobs1 (1 + ratio) - 2 must be positive; statsmodels starts its search at 2.
  protected readonly minNobs = 1;
  protected rawPower(d: number, nobs1: number, alpha: number, ratio: number, alternative: ZAlternative): number {
    const nobs2 = nobs1 * ratio;
    const df = nobs1 - 1 + nobs2 - 1;
    if (!(df > 0)) return NaN;
    const nc = d * Math.sqrt(1 / (1 / nobs1 + 1 / nobs2));
    const a = alternative === "two-sided" ? alpha / 2 : alpha;
    let power = 0;
    if (alternative !== "smaller") power += nctSf(tIsf(a, df), df, nc);
    if (alternative !== "larger") power += nctCdf(tPpf(a, df), df, nc);
    return power;
  }
}

/**
 * statsmodels' `zt_ind_solve_power`: `new NormalIndPower().solvePower(args)`.
 * @example ztIndSolvePower({ effectSize: proportionEffectSize(0.12, 0.10), alpha: 0.05, power: 0.8 }) // 3834.59... (round up: 3,835 visitors per arm)
 */
export function ztIndSolvePower(args: SolveArgs): number {
  return new NormalIndPower().solvePower(args);
}

/**
 * statsmodels' `tt_ind_solve_power`: `new TTestIndPower().solvePower(args)`.
 * @example ttIndSolvePower({ effectSize: 0.5, alpha: 0.05, power: 0.8 }) // 63.765...
 */
export function ttIndSolvePower(args: SolveArgs): number {
  return new TTestIndPower().solvePower(args);
}
