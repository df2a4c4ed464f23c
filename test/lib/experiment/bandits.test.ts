/**
 * Bandit policies on shared simulated traffic. References: UCB1's choice rule and its regret bound
 * (Auer, Cesa-Bianchi and Fischer 2002, Theorem 1: E[regret] <= Σ 8 ln n / Δ_i + (1 + π²/3) Σ Δ_i); the samplers
 * against scipy.stats (kstest for Beta draws, chisquare against binom.pmf for the binomial counts).
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { ABSplit, EpsilonGreedy, ThompsonSampling, UCB1, banditTraffic, runBandit } from "../../../lib/experiment/index.js";
import { beta, binomial } from "../../../lib/experiment/sampling.js";
import { py } from "../../helpers/python.js";

const rates = [0.1, 0.12, 0.11];
const traffic = banditTraffic({ rates, horizon: 20_000, randomState: 3 });

describe("the samplers match their distributions (scipy.stats)", () => {
  const rng = new Random(5);
  const betas = Array.from({ length: 5000 }, () => beta(rng, 2.5, 7));
  const smallShape = Array.from({ length: 5000 }, () => beta(rng, 0.4, 0.8));
  const counts = Array.from({ length: 20000 }, () => binomial(rng, 50, 0.12));
  const high = Array.from({ length: 20000 }, () => binomial(rng, 30, 0.9));
  const ref = py<{ ks: number; ksSmall: number; chi: number; chiHigh: number }>(
    `
from scipy import stats
import numpy as np
def chi(x, n, p):
    obs = np.bincount(x, minlength=n + 1)
    exp = stats.binom.pmf(np.arange(n + 1), n, p) * len(x)
    keep = exp > 5  # pool the sparse tails into one cell
    o = np.append(obs[keep], obs[~keep].sum()); e = np.append(exp[keep], exp[~keep].sum())
    return stats.chisquare(o, e).pvalue
out = {"ks": stats.kstest(data["b"], "beta", args=(2.5, 7)).pvalue, "ksSmall": stats.kstest(data["s"], "beta", args=(0.4, 0.8)).pvalue,
       "chi": chi(data["c"], 50, 0.12), "chiHigh": chi(data["h"], 30, 0.9)}
`,
    { b: betas, s: smallShape, c: counts, h: high },
  );
  it("Beta draws pass scipy's KS test against beta.cdf; binomial counts pass the chi-squared test against binom.pmf", () => {
    expect(ref.ks).toBeGreaterThan(0.001);
    expect(ref.ksSmall).toBeGreaterThan(0.001);
    expect(ref.chi).toBeGreaterThan(0.001);
    expect(ref.chiHigh).toBeGreaterThan(0.001);
  });
});

describe("policies", () => {
  it("UCB1 tries each arm once, then takes argmax mean + c·sqrt(2 ln t / n)", () => {
    const p = new UCB1({ nArms: 3 });
    expect([p.pull(), p.update(0, 1).pull(), p.update(1, 0).pull()]).toEqual([0, 1, 2]);
    p.update(2, 0);
    for (let i = 0; i < 6; i++) p.update(1, i % 2); // arm 1: 7 pulls, mean 3/7
    // t = 9: arm 0 has 1 + sqrt(2 ln 9 / 1) = 3.096, arm 1 3/7 + sqrt(2 ln 9 / 7) = 1.23, arm 2 0 + 2.096
    expect(p.pull()).toBe(0);
    const q = new UCB1({ nArms: 2, c: 0 });
    q.update(0, 0).update(1, 1).update(0, 1);
    expect(q.pull()).toBe(1); // c = 0 is greedy: mean 1 against 0.5
  });
  it("epsilon 0 exploits only, epsilon 1 explores uniformly; ABSplit commits to the best arm after commitAfter visitors", () => {
    const greedy = runBandit(new EpsilonGreedy({ nArms: 3, epsilon: 0, randomState: 1 }), traffic);
    expect(Math.max(...greedy.pulls)).toBeGreaterThan(19_000);
    const uniform = runBandit(new EpsilonGreedy({ nArms: 3, epsilon: 1, randomState: 1 }), traffic);
    uniform.pulls.forEach((n) => expect(Math.abs(n - 20_000 / 3)).toBeLessThan(4 * Math.sqrt((20_000 * 2) / 9)));
    const etc = new ABSplit({ nArms: 3, commitAfter: 6000, randomState: 1 });
    const run = runBandit(etc, traffic);
    const after = new Set(Array.from(run.arms.slice(6000)));
    expect(after.size).toBe(1);
    expect([...after][0]).toBe(1); // 6,000 visitors are enough to find the 12 % arm here
  });
  it("on the same traffic, Thompson sampling and epsilon-greedy lose far fewer conversions than the A/B split", () => {
    const split = runBandit(new ABSplit({ nArms: 3, randomState: 1 }), traffic);
    const thompson = runBandit(new ThompsonSampling({ nArms: 3, randomState: 1 }), traffic);
    const eps = runBandit(new EpsilonGreedy({ nArms: 3, randomState: 1 }), traffic);
    // The split's expected regret is exactly its visitors on worse arms times their gaps: about n·(0.02 + 0.01)/3.
    expect(Math.abs(split.cumulativeRegret.at(-1)! - (20_000 * 0.03) / 3)).toBeLessThan(15);
    expect(thompson.cumulativeRegret.at(-1)!).toBeLessThan(split.cumulativeRegret.at(-1)! / 2);
    expect(eps.cumulativeRegret.at(-1)!).toBeLessThan(split.cumulativeRegret.at(-1)! / 2);
    expect(thompson.totalReward).toBeGreaterThan(split.totalReward);
    // One seed, one run.
    expect(Array.from(runBandit(new ThompsonSampling({ nArms: 3, randomState: 1 }), traffic).arms)).toEqual(Array.from(thompson.arms));
  });
  it("UCB1's mean regret over seeds stays under Auer et al.'s bound", () => {
    const n = 5000;
    const r = [0.3, 0.5];
    let total = 0;
    for (let s = 0; s < 10; s++) total += runBandit(new UCB1({ nArms: 2 }), banditTraffic({ rates: r, horizon: n, randomState: s })).cumulativeRegret.at(-1)!;
    const gap = 0.2;
    const bound = (8 * Math.log(n)) / gap + (1 + Math.PI ** 2 / 3) * gap;
    expect(total / 10).toBeLessThan(bound);
    expect(total / 10).toBeGreaterThan(0);
  });
});

describe("bad input is refused with the class or function, the argument and the value", () => {
  it("constructors, update and the simulation", () => {
    expect(() => new EpsilonGreedy({ nArms: 1 })).toThrow("EpsilonGreedy: 'nArms' must be an integer >= 2; got 1.");
    expect(() => new EpsilonGreedy({ nArms: 2, epsilon: 1.5 })).toThrow("EpsilonGreedy: 'epsilon' must be a finite number >= 0 and <= 1; got 1.5.");
    expect(() => new UCB1({ nArms: 2, c: -1 })).toThrow("UCB1: 'c' must be a finite number >= 0; got -1.");
    expect(() => new ThompsonSampling({ nArms: 2, priorAlpha: 0 })).toThrow("ThompsonSampling: 'priorAlpha' must be a finite number > 0; got 0.");
    expect(() => new ABSplit({ nArms: 2, commitAfter: 0 })).toThrow("ABSplit: 'commitAfter' must be an integer >= 1; got 0.");
    expect(() => new UCB1({ nArms: 2 }).update(2, 1)).toThrow("UCB1.update: 'arm' must be an integer >= 0 and <= 1; got 2.");
    expect(() => new UCB1({ nArms: 2 }).update(0, 2)).toThrow("UCB1.update: 'reward' must be a finite number >= 0 and <= 1; got 2.");
    expect(() => new ThompsonSampling({ nArms: 2, randomState: -1 })).toThrow("randomState must be an integer in [0, 2^32 - 1] or a Random; got -1");
    expect(() => banditTraffic({ rates: [0.1], horizon: 10 })).toThrow("banditTraffic: 'rates' must be an array of at least two conversion rates; got an array of length 1.");
    expect(() => banditTraffic({ rates: [0.1, 1.2], horizon: 10 })).toThrow("banditTraffic: 'rates[1]' must be a finite number >= 0 and <= 1; got 1.2.");
    expect(() => banditTraffic({ rates: [0.1, 0.2], horizon: 0 })).toThrow("banditTraffic: 'horizon' must be an integer >= 1; got 0.");
    expect(() => runBandit(new UCB1({ nArms: 2 }), traffic)).toThrow("runBandit: the policy has 2 arms but the traffic has 3; got nArms 2.");
    expect(() => runBandit({} as never, traffic)).toThrow("runBandit: 'policy' must have pull() and update(arm, reward); got [object Object].");
  });
});
