/** Seeded randomness for every random choice in the library (`randomState`), so a notebook repeats itself. */
import { randomBytes } from "node:crypto";

/** What `randomState` options accept: a seed, a generator to share, or null / nothing (fresh entropy, scikit-learn's None). */
export type RandomState = number | Random | null | undefined;

/** A generator's position in its stream, as plain JSON data (Python's `random.getstate()`). */
export interface RandomSnapshot {
  /** xoshiro128**'s four 32-bit state words. */
  s: [number, number, number, number];
  /** The second normal of the last polar-method pair, when one is waiting. */
  spare?: number;
}

/**
 * xoshiro128** (Blackman and Vigna): small state, fast 32-bit arithmetic, passes BigCrush.
 * @example const rng = new Random(42); rng.random(); rng.randint(10);
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number = randomBytes(4).readUInt32LE()) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`randomState must be an integer in [0, 2^32 - 1] or a Random; got ${String(seed)}`);
    }
    // splitmix32 spreads the seed over the state, as the authors recommend.
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  randint(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`randint: n must be an integer >= 1; got ${n}`);
    if (n <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const r = this.nextUint32();
        if (r < limit) return r % n;
      }
    }
    return Math.floor(this.random() * n);
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    for (;;) {
      const u = 2 * this.random() - 1;
      const v = 2 * this.random() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
  }

  /** Exponential with rate 1. */
  exponential(): number {
    return -Math.log(1 - this.random());
  }

  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * The generator's state, to save and resume the stream exactly (Python's `random.getstate`).
   * @example const snap = rng.getState(); const a = rng.random(); new Random(0).setState(snap).random() === a // true
   */
  getState(): RandomSnapshot {
    // The XORs leave some words as signed 32-bit values; saved unsigned, the same bits.
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], ...(this.spare === undefined ? {} : { spare: this.spare }) };
  }

  /** Continues from a state `getState` gave (Python's `random.setstate`); a malformed one is refused. */
  setState(state: RandomSnapshot): this {
    const words = (state as Partial<RandomSnapshot> | null)?.s;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) || words.every((w) => w === 0)) {
      throw new RangeError(`Random.setState: state.s must be four 32-bit unsigned integers, not all zero; got ${JSON.stringify(words)}`);
    }
    if (state.spare !== undefined && !Number.isFinite(state.spare)) throw new RangeError(`Random.setState: state.spare must be a finite number; got ${String(state.spare)}`);
    [this.s0, this.s1, this.s2, this.s3] = words;
    this.spare = state.spare;
    return this;
  }

  /** A new generator seeded from this one (for independent streams, e.g. one per estimator in an ensemble). */
  spawn(): Random {
    return new Random(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** scikit-learn's check_random_state: a seed or nothing becomes a generator; a generator is shared. */
export function checkRandomState(state: RandomState): Random {
  return state instanceof Random ? state : new Random(state ?? undefined);
}
