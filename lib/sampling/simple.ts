/** Simple random sampling: every item equally likely, with or without replacement. */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";

export interface SimpleOptions {
  replace?: boolean;
  randomState?: RandomState;
}

/**
 * `size` indices drawn uniformly from [0, n); without replacement they are distinct (partial Fisher–Yates).
 * @example sampleIndices(1000, 10, { randomState: 0 })
 */
export function sampleIndices(n: number, size: number, options: SimpleOptions = {}): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new InputError(`n must be an integer >= 0; got ${n}.`);
  if (!Number.isInteger(size) || size < 0) throw new InputError(`size must be an integer >= 0; got ${size}.`);
  const rng = checkRandomState(options.randomState);
  const out = new Int32Array(size);
  if (options.replace) {
    if (n === 0 && size > 0) throw new InputError("cannot sample from an empty population.");
    for (let i = 0; i < size; i++) out[i] = rng.randint(n);
    return out;
  }
  if (size > n) throw new InputError(`Cannot take a larger sample than the population when replace is false: size=${size} > n=${n}.`);
  // Sparse Fisher–Yates: only the touched positions are stored.
  const swapped = new Map<number, number>();
  for (let i = 0; i < size; i++) {
    const j = i + rng.randint(n - i);
    const vj = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out[i] = vj;
  }
  return out;
}

/** `size` items drawn uniformly from `items`. @example simpleRandomSample(["a", "b", "c"], 2, { randomState: 1 }) */
export function simpleRandomSample<T>(items: readonly T[], size: number, options: SimpleOptions = {}): T[] {
  return Array.from(sampleIndices(items.length, size, options), (i) => items[i]!);
}
