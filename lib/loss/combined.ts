/**
 * Several objectives in one loss: sum of weight_i * loss_i, each term on one output (and target) of a
 * multi-output model. The notes contrast this with training one model per objective and combining their scores:
 * changing the weights here means retraining, there only re-scoring.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import type { Loss } from "./types.js";

export interface LossTerm {
  loss: Loss;
  weight: number;
  /** Which output and target this term reads when the model has several (default: the only one). */
  output?: number;
  name?: string;
}

export type MultiLoss = (yTrue: tf.Tensor | tf.Tensor[], yPred: tf.Tensor | tf.Tensor[], sampleWeight?: tf.Tensor) => tf.Scalar;

/**
 * @example combinedLoss([{ loss: binaryCrossentropy(), weight: 0.7, output: 0 }, { loss: binaryCrossentropy(), weight: 0.3, output: 1 }])
 */
export function combinedLoss(terms: LossTerm[]): MultiLoss & { components(yTrue: tf.Tensor | tf.Tensor[], yPred: tf.Tensor | tf.Tensor[]): Record<string, number> } {
  if (!Array.isArray(terms) || terms.length === 0) throw new InputError("combinedLoss: 'terms' must be a non-empty array of { loss, weight }.");
  terms.forEach((t, i) => {
    if (typeof t.loss !== "function") throw new InputError(`combinedLoss: terms[${i}].loss must be a loss function; got ${typeof t.loss}.`);
    if (!Number.isFinite(t.weight) || t.weight < 0) throw new InputError(`combinedLoss: terms[${i}].weight must be a finite number >= 0; got ${t.weight}.`);
  });
  const pick = (v: tf.Tensor | tf.Tensor[], i: number | undefined, what: string, term: number) => {
    if (!Array.isArray(v)) return v;
    const idx = i ?? 0;
    if (idx >= v.length) throw new InputError(`combinedLoss: terms[${term}] reads ${what} ${idx}, but there are only ${v.length}.`);
    return v[idx]!;
  };
  const value = ((yTrue, yPred, sampleWeight) =>
    tf.tidy(() => terms.reduce<tf.Scalar>((acc, t, i) => tf.add(acc, tf.mul(t.weight, t.loss(pick(yTrue, t.output, "target", i), pick(yPred, t.output, "output", i), sampleWeight))) as tf.Scalar, tf.scalar(0)))) as MultiLoss;
  return Object.assign(value, {
    /** Each term's unweighted value, by name (or index): to watch the objectives separately. */
    components(yTrue: tf.Tensor | tf.Tensor[], yPred: tf.Tensor | tf.Tensor[]): Record<string, number> {
      return Object.fromEntries(terms.map((t, i) => [t.name ?? String(i), tf.tidy(() => t.loss(pick(yTrue, t.output, "target", i), pick(yPred, t.output, "output", i)).dataSync()[0]!)]));
    },
  });
}
