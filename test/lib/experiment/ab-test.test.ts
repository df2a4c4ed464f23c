/**
 * A/B tests against the references on the same inputs: statsmodels' proportions_ztest, proportion_confint,
 * confint_proportions_2indep, proportion_effectsize and CompareMeans.tconfint_diff; scipy's ttest_ind and
 * ttest_ind_from_stats. Closed-form results to 1e-9 (in practice 1e-12).
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { confintProportions2indep, proportionConfint, proportionEffectSize, proportionsZTest, ttestInd, ttestIndFromStats } from "../../../lib/experiment/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(14);
const zCases: [[number, number], [number, number], number][] = [[[120, 150], [1000, 1000], 0], [[37, 21], [400, 380], 0], [[5012, 5230], [50000, 50100], 0], [[3, 9], [50, 45], 0], [[480, 420], [4000, 4100], 0.01], [[1, 0], [20, 30], 0]];
const zAlternatives = ["two-sided", "larger", "smaller"] as const;
const tAlternatives = ["two-sided", "less", "greater"] as const;
const sample = (n: number, mean: number, sd: number) => Array.from({ length: n }, () => mean + sd * rng.normal());
const tCases = [[sample(30, 5, 1), sample(25, 5.4, 2)], [sample(200, 0.1, 1), sample(180, 0, 0.5)], [sample(5, 10, 3), sample(9, 12, 1)], [sample(4000, 2.0, 1.5), sample(3800, 2.05, 1.6)]];
const statCases: [number, number, number, number, number, number][] = [[5.1, 1.2, 40, 4.6, 2.0, 35], [0.12, 0.33, 10000, 0.125, 0.34, 9800], [100, 15, 3, 90, 5, 4]];
const confCases: [number, number][] = [[12, 100], [0, 30], [30, 30], [517, 4000], [1, 7]];
const twoCases: [number, number, number, number][] = [[150, 1000, 120, 1000], [37, 400, 21, 380], [0, 50, 3, 60], [5230, 50100, 5012, 50000]];

const ref = py<{ z: number[][][]; t: number[][][]; ts: number[][][]; conf: number[][][]; two: number[][][]; h: number[]; ci: (number | null)[][][] }>(
  `
from statsmodels.stats.proportion import proportions_ztest, proportion_confint, confint_proportions_2indep, proportion_effectsize
from statsmodels.stats.weightstats import DescrStatsW, CompareMeans
from scipy import stats
import numpy as np
out = {}
out["z"] = [[list(proportions_ztest(c, n, value=v, alternative=a)) for a in ["two-sided", "larger", "smaller"]] for c, n, v in data["z"]]
out["t"] = [[[*stats.ttest_ind(a, b, equal_var=ev, alternative=alt)] for alt in ["two-sided", "less", "greater"] for ev in [True, False]] for a, b in data["t"]]
out["ts"] = [[[*stats.ttest_ind_from_stats(*s, equal_var=ev, alternative=alt)] for alt in ["two-sided", "less", "greater"] for ev in [True, False]] for s in data["stats"]]
out["conf"] = [[list(proportion_confint(c, n, alpha=al, method=m)) for m in ["normal", "wilson", "agresti_coull"] for al in [0.05, 0.1]] for c, n in data["conf"]]
out["two"] = [[list(confint_proportions_2indep(c1, n1, c2, n2, method=m, compare="diff", alpha=al)) for m in ["newcomb", "wald", "agresti-caffo"] for al in [0.05, 0.01]] for c1, n1, c2, n2 in data["two"]]
out["h"] = [proportion_effectsize(p1, p2) for p1, p2 in [(0.12, 0.10), (0.5, 0.55), (0.01, 0.012)]]
out["ci"] = []
for a, b in data["t"]:
    cm = CompareMeans(DescrStatsW(np.array(a)), DescrStatsW(np.array(b)))
    # JSON has no infinity: an open side comes back as null
    out["ci"].append([[None if np.isinf(x) else float(x) for x in cm.tconfint_diff(alpha=al, alternative=alt, usevar=uv)] for uv in ["pooled", "unequal"] for al in [0.05, 0.1] for alt in ["two-sided", "larger", "smaller"]])
`,
  { z: zCases, t: tCases, stats: statCases, conf: confCases, two: twoCases },
);

const close = (a: number, b: number, tol: number) => expect(Math.abs(a - b) / Math.max(1, Math.abs(b))).toBeLessThan(tol);

describe("the two-proportion z-test equals statsmodels' proportions_ztest", () => {
  it("statistic and p-value for every alternative, with and without a null difference, to 1e-12", () => {
    zCases.forEach(([count, nobs, value], i) =>
      zAlternatives.forEach((alternative, j) => {
        const r = proportionsZTest(count, nobs, { value, alternative });
        close(r.statistic, ref.z[i]![j]![0]!, 1e-12);
        close(r.pValue, ref.z[i]![j]![1]!, 1e-12);
      }),
    );
  });
});

describe("t-tests equal scipy's ttest_ind and ttest_ind_from_stats", () => {
  it("Student's (pooled) and Welch's statistic and p-value for every alternative, to 1e-11", () => {
    tCases.forEach(([a, b], i) => {
      let k = 0;
      for (const alternative of tAlternatives)
        for (const equalVar of [true, false]) {
          const r = ttestInd(a!, b!, { equalVar, alternative });
          close(r.statistic, ref.t[i]![k]![0]!, 1e-11);
          close(r.pValue, ref.t[i]![k]![1]!, 1e-11);
          k++;
        }
    });
    statCases.forEach((s, i) => {
      let k = 0;
      for (const alternative of tAlternatives)
        for (const equalVar of [true, false]) {
          const r = ttestIndFromStats(...s, { equalVar, alternative });
          close(r.statistic, ref.ts[i]![k]![0]!, 1e-12);
          close(r.pValue, ref.ts[i]![k]![1]!, 1e-11);
          k++;
        }
    });
  });

  it("confidence intervals for the difference equal statsmodels' tconfint_diff (pooled and unequal) to 1e-8", () => {
    // statsmodels takes the quantile from scipy's t.ppf (cdflib, good to about 1e-10), the only inexact step.
    tCases.forEach(([a, b], i) => {
      let k = 0;
      for (const equalVar of [true, false])
        for (const level of [0.95, 0.9])
          for (const alternative of tAlternatives) {
            const [lo, hi] = ttestInd(a!, b!, { equalVar, alternative: alternative === "two-sided" ? "two-sided" : alternative === "less" ? "greater" : "less" }).confidenceInterval(level);
            const [rlo, rhi] = ref.ci[i]![k]!;
            if (rlo !== null) close(lo, rlo!, 1e-8);
            else expect(lo).toBe(-Infinity);
            if (rhi !== null) close(hi, rhi!, 1e-8);
            else expect(hi).toBe(Infinity);
            k++;
          }
    });
  });
});

describe("confidence intervals for proportions equal statsmodels'", () => {
  it("proportion_confint: normal, wilson, agresti_coull at two levels, to 1e-12", () => {
    confCases.forEach(([c, n], i) => {
      let k = 0;
      for (const method of ["normal", "wilson", "agresti_coull"] as const)
        for (const alpha of [0.05, 0.1]) {
          const [lo, hi] = proportionConfint(c, n, { alpha, method });
          close(lo, ref.conf[i]![k]![0]!, 1e-12);
          close(hi, ref.conf[i]![k]![1]!, 1e-12);
          k++;
        }
    });
  });
  it("confint_proportions_2indep (compare='diff'): newcomb, wald, agresti-caffo, to 1e-12", () => {
    twoCases.forEach((c, i) => {
      let k = 0;
      for (const method of ["newcomb", "wald", "agresti-caffo"] as const)
        for (const alpha of [0.05, 0.01]) {
          const [lo, hi] = confintProportions2indep(...c, { alpha, method });
          close(lo, ref.two[i]![k]![0]!, 1e-12);
          close(hi, ref.two[i]![k]![1]!, 1e-12);
          k++;
        }
    });
  });
  it("proportion_effectsize (Cohen's h)", () => {
    [[0.12, 0.1], [0.5, 0.55], [0.01, 0.012]].forEach(([a, b], i) => close(proportionEffectSize(a!, b!), ref.h[i]!, 1e-14));
  });
});

describe("bad input is refused with the function, the argument and the value", () => {
  it("z-test", () => {
    expect(() => proportionsZTest([120, 150], [1000, 0])).toThrow("proportionsZTest: 'nobs[1]' must be an integer >= 1; got 0.");
    expect(() => proportionsZTest([1200, 150], [1000, 1000])).toThrow("proportionsZTest: 'count[0]' must be an integer >= 0 and <= 1000; got 1200.");
    expect(() => proportionsZTest([1, 2, 3] as never, [10, 10])).toThrow("proportionsZTest: 'count' must be [successes in A, successes in B]; got an array of length 3.");
    expect(() => proportionsZTest([1, 2], [10, 10], { alternative: "less" as never })).toThrow(`proportionsZTest: 'alternative' must be one of "two-sided", "larger", "smaller"; got "less".`);
    expect(() => proportionsZTest([0, 0], [10, 10])).toThrow("proportionsZTest: the pooled proportion is 0");
  });
  it("t-tests and intervals", () => {
    expect(() => ttestInd([1, 2, NaN], [1, 2])).toThrow("ttestInd: 'a' must hold finite numbers; got NaN at index 2.");
    expect(() => ttestInd([1], [1, 2])).toThrow("ttestInd: 'a' needs at least 2 values; got 1.");
    expect(() => ttestInd("12" as never, [1, 2])).toThrow(`ttestInd: 'a' must be an array of numbers; got "12".`);
    expect(() => ttestInd([1, 2], [3, 4], { alternative: "larger" as never })).toThrow(`ttestInd: 'alternative' must be one of "two-sided", "less", "greater"; got "larger".`);
    expect(() => ttestInd([1, 2], [3, 4], { equalVar: "no" as never })).toThrow("ttestInd: 'equalVar' must be true or false; got no.");
    expect(() => ttestIndFromStats(1, -1, 10, 2, 1, 10)).toThrow("ttestIndFromStats: 'std1' must be a finite number >= 0; got -1.");
    expect(() => ttestInd([1, 2], [3, 5]).confidenceInterval(95)).toThrow("ttestInd(...).confidenceInterval: 'confidenceLevel' must be a finite number > 0 and < 1; got 95.");
    expect(() => proportionConfint(3, 10, { method: "beta" as never })).toThrow(`proportionConfint: 'method' must be one of "normal", "wilson", "agresti_coull"; got "beta".`);
    expect(() => proportionConfint(3, 10, { alpha: 0 })).toThrow("proportionConfint: 'alpha' must be a finite number > 0 and < 1; got 0.");
    expect(() => confintProportions2indep(3, 10, 11, 10)).toThrow("confintProportions2indep: 'count[1]' must be an integer >= 0 and <= 10; got 11.");
    expect(() => proportionEffectSize(1.2, 0.1)).toThrow("proportionEffectSize: 'prop1' must be a finite number >= 0 and <= 1; got 1.2.");
  });
});
