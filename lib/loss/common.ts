/** Helpers shared by the losses: shapes, stable logs, weights and reductions. */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import type { Reduction } from "./types.js";

/**
 * The tf.Variables behind a model's (or a layer's) trainable weights, in order: what tf.variableGrads and
 * optimizers take. tfjs keeps them in LayerVariable's `val`, which its types do not expose.
 * @example tf.variableGrads(() => loss, trainableVariables(model))
 */
export function trainableVariables(owner: { trainableWeights: readonly unknown[] }): tf.Variable[] {
  return owner.trainableWeights.map((w) => (w as { val: tf.Variable }).val);
}

/** Logits and targets as matching [n] vectors (binary losses accept [n] or [n, 1]). */
export function binaryShapes(yTrue: tf.Tensor, yPred: tf.Tensor, owner: string): [tf.Tensor1D, tf.Tensor1D] {
  const flat = (t: tf.Tensor, name: string) => {
    if (t.rank === 1) return t as tf.Tensor1D;
    if (t.rank === 2 && t.shape[1] === 1) return t.reshape([t.shape[0]!]) as tf.Tensor1D;
    throw new InputError(`${owner}: ${name} must have shape [n] or [n, 1] for a binary loss; got [${t.shape.join(", ")}].`);
  };
  const t = flat(yTrue, "yTrue").toFloat();
  const p = flat(yPred, "yPred").toFloat();
  if (t.shape[0] !== p.shape[0]) throw new InputError(`${owner}: yTrue has ${t.shape[0]} rows but yPred has ${p.shape[0]}.`);
  return [t, p];
}

/** One-hot targets [n, k] from class indices [n] or one-hot rows, checked against the k outputs. */
export function oneHotTargets(yTrue: tf.Tensor, k: number, owner: string): tf.Tensor2D {
  if (yTrue.rank === 1) return tf.oneHot(yTrue.toInt(), k).toFloat() as tf.Tensor2D;
  if (yTrue.rank === 2 && yTrue.shape[1] === k) return yTrue.toFloat() as tf.Tensor2D;
  throw new InputError(`${owner}: yTrue must be class indices [n] or one-hot rows [n, ${k}]; got shape [${yTrue.shape.join(", ")}].`);
}

/** log(sigmoid(x)) and log(1 - sigmoid(x)) without overflow: -softplus(-x) and -softplus(x). */
export function logSigmoidPair(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return [tf.neg(tf.softplus(tf.neg(x))), tf.neg(tf.softplus(x))];
}

/** Per-sample losses times weights, reduced. "mean" divides by the batch size, as Keras does. */
export function reduce(perSample: tf.Tensor, sampleWeight: tf.Tensor | undefined, reduction: Reduction): tf.Tensor {
  let l = perSample;
  if (sampleWeight) {
    const w = sampleWeight.rank === 2 ? sampleWeight.reshape([sampleWeight.shape[0]!]) : sampleWeight;
    if (w.shape[0] !== l.shape[0]) throw new InputError(`sampleWeight has ${w.shape[0]} values for ${l.shape[0]} samples.`);
    l = tf.mul(l, w.toFloat());
  }
  if (reduction === "none") return l;
  return reduction === "sum" ? tf.sum(l) : tf.mean(l);
}

export function checkReduction(r: unknown, owner: string): Reduction {
  if (r === undefined) return "mean";
  if (r === "mean" || r === "sum" || r === "none") return r;
  throw new InputError(`${owner}: 'reduction' must be "mean", "sum" or "none"; got ${JSON.stringify(r)}.`);
}

/** Per-class weights as a tensor of length k (or null). */
export function classWeightTensor(classWeight: readonly number[] | undefined, k: number, owner: string): tf.Tensor1D | null {
  if (!classWeight) return null;
  if (classWeight.length !== k || !classWeight.every((w) => Number.isFinite(w) && w >= 0)) {
    throw new InputError(`${owner}: 'classWeight' must be ${k} finite non-negative numbers (one per class); got [${classWeight.join(", ")}].`);
  }
  return tf.tensor1d(classWeight as number[]);
}
