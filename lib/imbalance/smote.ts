/** SMOTE: new minority samples on segments between a sample and one of its k nearest same-class neighbours. */
import { InputError } from "../core/errors.js";
import type { Rules } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { bruteKnn } from "../neighbors/brute.js";
import { BaseSampler, classIndices, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import type { SamplingStrategy } from "./sampling-strategy.js";

export interface SMOTEOptions {
  samplingStrategy?: SamplingStrategy;
  kNeighbors?: number;
  randomState?: RandomState;
}

/**
 * For each new sample: draw a (sample, neighbour) pair uniformly among a class's samples and their k nearest
 * same-class neighbours, and a step u ~ U(0, 1); the new sample is x + u (neighbour - x). New rows follow the
 * originals, class by class.
 * @example new SMOTE({ kNeighbors: 5, randomState: 42 }).fitResample(X, y)
 */
export class SMOTE extends BaseSampler<SMOTEOptions> {
  protected readonly samplingType = "over-sampling" as const;
  protected readonly rules: Rules = { samplingStrategy: { kind: "custom", describe: "a sampling strategy", test: () => true }, kNeighbors: { kind: "int", min: 1 }, randomState: { kind: "randomState" } };

  protected resample({ X, y, classes, strategy }: ResampleInput): ResampleOutput {
    const rng = checkRandomState(this.options.randomState);
    const k = this.options.kNeighbors ?? 5;
    const cols = X.cols;
    const total = [...strategy.values()].reduce((a, b) => a + b, 0);
    const data = new Float64Array((X.rows + total) * cols);
    data.set(X.data);
    const labels = new Int32Array(X.rows + total);
    labels.set(y);
    let row = X.rows;
    for (const [c, n] of strategy) {
      if (n === 0) continue;
      const members = classIndices(y, c);
      if (k >= members.length) {
        throw new InputError(`Expected n_neighbors <= n_samples, but n_samples = ${members.length}, n_neighbors = ${k + 1}: class ${String(classes[c])} has ${members.length} samples, so kNeighbors must be at most ${members.length - 1}.`);
      }
      const Xc = new Float64Array(members.length * cols);
      members.forEach((i, r) => Xc.set(X.data.subarray(i * cols, (i + 1) * cols), r * cols));
      const nn = bruteKnn(Xc, members.length, Xc, members.length, cols, k, true).indices;
      for (let s = 0; s < n; s++) {
        const pick = rng.randint(members.length * k);
        const a = Math.floor(pick / k);
        const b = nn[pick]!;
        const u = rng.random();
        const ao = a * cols;
        const bo = b * cols;
        const o = row * cols;
        for (let j = 0; j < cols; j++) data[o + j] = Xc[ao + j]! + u * (Xc[bo + j]! - Xc[ao + j]!);
        labels[row++] = c;
      }
    }
    return { X: { data, rows: row, cols }, y: labels };
  }
}
