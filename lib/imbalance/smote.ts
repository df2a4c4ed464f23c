/** SMOTE: new minority samples on segments between a sample and one of its k nearest same-class neighbours. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import { gatherRows, makeSamples } from "./smote-core.js";
import { samplingStrategyRule, type SamplingStrategy } from "./sampling-strategy.js";

export interface SMOTEOptions {
  samplingStrategy?: SamplingStrategy;
  kNeighbors?: number;
  randomState?: RandomState;
}

export const SMOTE_RULES = { samplingStrategy: samplingStrategyRule, kNeighbors: { kind: "int", min: 1 }, randomState: { kind: "randomState" } } as const satisfies RulesFor<SMOTEOptions>;
export const SMOTE_DEFAULTS = { samplingStrategy: "auto", kNeighbors: 5, randomState: null } as const satisfies Required<SMOTEOptions>;

/**
 * For each new sample: draw a (sample, neighbour) pair uniformly among a class's samples and their k nearest
 * same-class neighbours, and a step u ~ U(0, 1); the new sample is x + u (neighbour - x). New rows follow the
 * originals, class by class.
 * @example new SMOTE({ kNeighbors: 5, randomState: 42 }).fitResample(X, y)
 */
export class SMOTE extends BaseSampler<SMOTEOptions> {
  protected readonly samplingType = "over-sampling" as const;
  get rules() {
    return SMOTE_RULES;
  }
  get defaults() {
    return SMOTE_DEFAULTS;
  }

  protected resample({ X, y, classes, strategy }: ResampleInput): ResampleOutput {
    const rng = checkRandomState(this.getParams().randomState);
    const k = this.getParams().kNeighbors;
    // The output is allocated once: the originals, then each class's new rows written in place.
    let total = 0;
    for (const [, n] of strategy) total += n;
    const data = new Float64Array((X.rows + total) * X.cols);
    data.set(X.data);
    const labels = new Int32Array(X.rows + total);
    labels.set(y);
    let row = X.rows;
    for (const [c, n] of strategy) {
      if (n === 0) continue;
      const members = classIndices(y, c);
      checkNeighbours(k, members.length, classes[c]!);
      const Xc = gatherRows(X.data, X.cols, members);
      const nn = kneighbors(Xc, members.length, Xc, members.length, X.cols, k, true).indices;
      makeSamples(Xc, members.length, Xc, nn, k, X.cols, n, rng, 1, data.subarray(row * X.cols, (row + n) * X.cols));
      labels.fill(c, row, row + n);
      row += n;
    }
    return { X: { data, rows: X.rows + total, cols: X.cols }, y: labels };
  }
}

/** SMOTE needs k neighbours besides the sample itself within its class. */
export function checkNeighbours(k: number, classSize: number, label: unknown): void {
  if (k >= classSize) {
    throw new InputError(`Expected n_neighbors <= n_samples, but n_samples = ${classSize}, n_neighbors = ${k + 1}: class ${String(label)} has ${classSize} samples, so kNeighbors must be at most ${classSize - 1}.`);
  }
}

registerModel("SMOTE", SMOTE, { testParams: (): OptionsOf<typeof SMOTE> => ({ kNeighbors: 3, randomState: 0 }) });
