/**
 * Multi-armed bandits for Bernoulli rewards (a click, a conversion), with River's interface in camelCase
 * (`river.bandit`: `pull()` chooses an arm, `update(arm, reward)` learns from it): epsilon-greedy, UCB1
 * (Auer, Cesa-Bianchi and Fischer, 2002) and Thompson sampling with Beta posteriors; `ABSplit` is the A/B test's
 * allocation (uniform at random, optionally committing to the best arm after a fixed number of visitors), the
 * baseline a bandit's regret is measured against. Every random choice takes `randomState`.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";
import { checkNumber, checkOptions } from "./check.js";
import { beta } from "./sampling.js";

/** What every policy offers. */
export interface BanditPolicy {
  readonly nArms: number;
  /** The arm to show the next visitor. */
  pull(): number;
  /** Records the reward (0 or 1, or any number in [0, 1]) the visitor gave on `arm`. */
  update(arm: number, reward: number): this;
  /** Pulls and mean reward per arm so far. */
  readonly counts: number[];
  readonly means: number[];
}

/** Shared bookkeeping: counts, means and checks. */
abstract class Policy implements BanditPolicy {
  readonly nArms: number;
  readonly counts: number[];
  readonly means: number[];
  protected readonly rng: Random;
  protected abstract readonly name: string;
  protected t = 0;

  constructor(fn: string, options: { nArms: number; randomState?: RandomState }) {
    const opts = checkOptions(fn, options);
    this.nArms = checkNumber(fn, "nArms", opts.nArms, { min: 2, integer: true });
    this.counts = new Array<number>(this.nArms).fill(0);
    this.means = new Array<number>(this.nArms).fill(0);
    this.rng = checkRandomState(opts.randomState);
  }

  abstract pull(): number;

  update(arm: number, reward: number): this {
    checkNumber(`${this.name}.update`, "arm", arm, { min: 0, max: this.nArms - 1, integer: true });
    checkNumber(`${this.name}.update`, "reward", reward, { min: 0, max: 1 });
    this.t++;
    this.counts[arm]!++;
    this.means[arm]! += (reward - this.means[arm]!) / this.counts[arm]!;
    return this;
  }

  /** The arm with the highest mean, ties broken at random (so no arm is favoured by its index). */
  protected argmax(values: number[]): number {
    let best = -Infinity;
    let ties: number[] = [];
    values.forEach((v, i) => {
      if (v > best) (best = v), (ties = [i]);
      else if (v === best) ties.push(i);
    });
    return ties.length === 1 ? ties[0]! : ties[this.rng.randint(ties.length)]!;
  }

  /** The first untried arm, if any: every policy here starts by trying each arm once. */
  protected untried(): number {
    return this.counts.findIndex((c) => c === 0);
  }
}

/**
 * With probability epsilon a random arm, else the best mean so far.
 * @example const p = new EpsilonGreedy({ nArms: 3, epsilon: 0.1, randomState: 0 }); const arm = p.pull(); p.update(arm, 1);
 */
export class EpsilonGreedy extends Policy {
  protected readonly name = "EpsilonGreedy";
  readonly epsilon: number;
  constructor(options: { nArms: number; epsilon?: number; randomState?: RandomState }) {
    super("EpsilonGreedy", options);
    this.epsilon = checkNumber("EpsilonGreedy", "epsilon", options.epsilon ?? 0.1, { min: 0, max: 1 });
  }
  pull(): number {
    const first = this.untried();
    if (first >= 0) return first;
    if (this.rng.random() < this.epsilon) return this.rng.randint(this.nArms);
    return this.argmax(this.means);
  }
}

/**
 * UCB1: the arm with the highest mean + sqrt(2 ln t / n_arm), optimism in the face of uncertainty; its regret
 * grows as log t.
 * @example const p = new UCB1({ nArms: 3 }); const arm = p.pull(); p.update(arm, 0);
 */
export class UCB1 extends Policy {
  protected readonly name = "UCB1";
  /** Scale of the exploration bonus (Auer et al.'s UCB1 is 2 under the square root; c multiplies it). */
  readonly c: number;
  constructor(options: { nArms: number; c?: number; randomState?: RandomState }) {
    super("UCB1", options);
    this.c = checkNumber("UCB1", "c", options.c ?? 1, { min: 0 });
  }
  pull(): number {
    const first = this.untried();
    if (first >= 0) return first;
    const logT = Math.log(this.t);
    return this.argmax(this.means.map((m, i) => m + this.c * Math.sqrt((2 * logT) / this.counts[i]!)));
  }
}

/**
 * Thompson sampling for Bernoulli rewards: a Beta(priorAlpha + successes, priorBeta + failures) posterior per
 * arm, and each visitor goes to the arm whose posterior draw is highest, so arms are chosen as often as they are
 * likely to be best.
 * @example const p = new ThompsonSampling({ nArms: 2, randomState: 7 }); p.update(p.pull(), 1);
 */
export class ThompsonSampling extends Policy {
  protected readonly name = "ThompsonSampling";
  readonly priorAlpha: number;
  readonly priorBeta: number;
  constructor(options: { nArms: number; priorAlpha?: number; priorBeta?: number; randomState?: RandomState }) {
    super("ThompsonSampling", options);
    this.priorAlpha = checkNumber("ThompsonSampling", "priorAlpha", options.priorAlpha ?? 1, { min: 0, minExclusive: true });
    this.priorBeta = checkNumber("ThompsonSampling", "priorBeta", options.priorBeta ?? 1, { min: 0, minExclusive: true });
  }
  pull(): number {
    return this.argmax(this.means.map((m, i) => beta(this.rng, this.priorAlpha + m * this.counts[i]!, this.priorBeta + (1 - m) * this.counts[i]!)));
  }
}

/**
 * The A/B test's allocation: each visitor to an arm uniformly at random. With `commitAfter`, the test ends after
 * that many visitors and every later visitor goes to the arm with the best mean (explore, then commit).
 * @example const p = new ABSplit({ nArms: 2, commitAfter: 2000, randomState: 1 });
 */
export class ABSplit extends Policy {
  protected readonly name = "ABSplit";
  readonly commitAfter: number;
  private committed = -1;
  constructor(options: { nArms: number; commitAfter?: number; randomState?: RandomState }) {
    super("ABSplit", options);
    this.commitAfter = options.commitAfter === undefined ? Infinity : checkNumber("ABSplit", "commitAfter", options.commitAfter, { min: 1, integer: true });
  }
  pull(): number {
    if (this.t < this.commitAfter) return this.rng.randint(this.nArms);
    if (this.committed < 0) this.committed = this.argmax(this.means);
    return this.committed;
  }
}

/** Visitors' potential outcomes: outcomes[t * nArms + arm] is what visitor t would do if shown `arm`. */
export interface Traffic {
  rates: number[];
  horizon: number;
  outcomes: Uint8Array;
}

/**
 * Simulated traffic with a reward for every visitor on every arm, drawn once, so that every policy run on it
 * meets the same visitors (common random numbers: differences in regret are the policies', not the draws').
 * @example const traffic = banditTraffic({ rates: [0.1, 0.12], horizon: 10_000, randomState: 0 });
 */
export function banditTraffic(options: { rates: number[]; horizon: number; randomState?: RandomState }): Traffic {
  const fn = "banditTraffic";
  const opts = checkOptions(fn, options);
  if (!Array.isArray(opts.rates) || opts.rates.length < 2) throw new InputError(`${fn}: 'rates' must be an array of at least two conversion rates; got ${Array.isArray(opts.rates) ? `an array of length ${opts.rates.length}` : String(opts.rates)}.`);
  const rates = opts.rates.map((r, i) => checkNumber(fn, `rates[${i}]`, r, { min: 0, max: 1 }));
  const horizon = checkNumber(fn, "horizon", opts.horizon, { min: 1, integer: true });
  const rng = checkRandomState(opts.randomState);
  const outcomes = new Uint8Array(horizon * rates.length);
  for (let t = 0; t < horizon; t++) for (let a = 0; a < rates.length; a++) outcomes[t * rates.length + a] = rng.random() < rates[a]! ? 1 : 0;
  return { rates, horizon, outcomes };
}

export interface BanditRun {
  /** The arm each visitor was shown. */
  arms: Int32Array;
  /** Conversions in total. */
  totalReward: number;
  /** Expected (pseudo-)regret after each visitor: Σ (best rate - rate of the arm shown). */
  cumulativeRegret: Float64Array;
  /** Visitors per arm. */
  pulls: number[];
}

/**
 * Runs a policy over the traffic: pull, observe that visitor's outcome on the chosen arm, update.
 * @example runBandit(new UCB1({ nArms: 2 }), banditTraffic({ rates: [0.1, 0.12], horizon: 5000, randomState: 0 })).cumulativeRegret.at(-1)
 */
export function runBandit(policy: BanditPolicy, traffic: Traffic): BanditRun {
  const fn = "runBandit";
  if (!policy || typeof policy.pull !== "function" || typeof policy.update !== "function") throw new InputError(`${fn}: 'policy' must have pull() and update(arm, reward); got ${String(policy)}.`);
  if (!traffic || !(traffic.outcomes instanceof Uint8Array) || !Array.isArray(traffic.rates)) throw new InputError(`${fn}: 'traffic' must come from banditTraffic(...); got ${String(traffic)}.`);
  const k = traffic.rates.length;
  if (policy.nArms !== k) throw new InputError(`${fn}: the policy has ${policy.nArms} arms but the traffic has ${k}; got nArms ${policy.nArms}.`);
  const best = Math.max(...traffic.rates);
  const arms = new Int32Array(traffic.horizon);
  const cumulativeRegret = new Float64Array(traffic.horizon);
  const pulls = new Array<number>(k).fill(0);
  let regret = 0;
  let total = 0;
  for (let t = 0; t < traffic.horizon; t++) {
    const arm = policy.pull();
    const reward = traffic.outcomes[t * k + arm]!;
    policy.update(arm, reward);
    arms[t] = arm;
    pulls[arm]!++;
    total += reward;
    regret += best - traffic.rates[arm]!;
    cumulativeRegret[t] = regret;
  }
  return { arms, totalReward: total, cumulativeRegret, pulls };
}
