/** mixup (Zhang et al. 2018): train on convex combinations of pairs of samples and of their one-hot labels. */
import { InputError } from "../core/errors.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";

/** Gamma(shape, 1) by Marsaglia and Tsang. */
function gamma(shape: number, rng: Random): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(rng.random() || Number.MIN_VALUE, 1 / shape);
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
    const u = rng.random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw. @example betaSample(0.2, 0.2, new Random(0)) */
export function betaSample(a: number, b: number, rng: Random): number {
  const x = gamma(a, rng);
  return x / (x + gamma(b, rng));
}

export interface MixupOptions {
  /** λ ~ Beta(α, α); small α keeps most mixes close to one of the two samples. */
  alpha?: number;
  /** One λ per sample instead of one for the whole batch (the paper uses one per batch). */
  perSample?: boolean;
  randomState?: RandomState;
}

/**
 * Mixes each row with a random partner from the same batch: x' = λ x_i + (1 − λ) x_j, y' likewise on one-hot labels.
 * @example const { X, y, lambda } = mixup(batchX, oneHot(batchY), { alpha: 0.2, randomState: 0 })
 */
export function mixup(X: readonly (readonly number[])[], yOneHot: readonly (readonly number[])[], options: MixupOptions = {}): { X: number[][]; y: number[][]; lambda: number[]; partner: number[] } {
  const alpha = options.alpha ?? 0.2;
  if (!(alpha > 0)) throw new InputError(`alpha must be > 0; got ${alpha}.`);
  if (X.length !== yOneHot.length) throw new InputError(`Found input variables with inconsistent numbers of samples: [${X.length}, ${yOneHot.length}].`);
  const rng = checkRandomState(options.randomState);
  const n = X.length;
  const partner = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const batchLambda = betaSample(alpha, alpha, rng);
  const lambda = Array.from({ length: n }, () => (options.perSample ? betaSample(alpha, alpha, rng) : batchLambda));
  const mix = (a: readonly number[], b: readonly number[], l: number) => a.map((v, j) => l * v + (1 - l) * b[j]!);
  return {
    X: X.map((row, i) => mix(row, X[partner[i]!]!, lambda[i]!)),
    y: yOneHot.map((row, i) => mix(row, yOneHot[partner[i]!]!, lambda[i]!)),
    lambda,
    partner,
  };
}
