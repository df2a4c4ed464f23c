/** Draws the simulations need beyond lib/core's Random: binomial counts and beta variates, exact and seeded. */
import type { Random } from "../core/random.js";

/**
 * A Binomial(n, p) count by geometric waiting times between successes: exact, and O(n·min(p, 1-p)) draws
 * instead of n, which is what makes thousands of simulated A/B tests cheap.
 */
export function binomial(rng: Random, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const logQ = Math.log1p(-p);
  let count = 0;
  let position = 0;
  for (;;) {
    // The number of failures before the next success is geometric: floor(ln U / ln(1 - p)).
    position += Math.floor(Math.log(1 - rng.random()) / logQ) + 1;
    if (position > n) return count;
    count++;
  }
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 through Gamma(shape + 1)·U^(1/shape). */
export function gamma(rng: Random, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(rng: Random, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}
