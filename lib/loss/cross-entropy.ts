/** Binary and categorical cross-entropy with class weights, on logits by default (numerically stable). */
import * as tf from "@tensorflow/tfjs";
import { binaryShapes, checkReduction, classWeightTensor, logSigmoidPair, oneHotTargets, reduce } from "./common.js";
import type { Loss, Reduction } from "./types.js";

export interface CrossEntropyOptions {
  /** Weights per class: [negative, positive] for binary, one per class for categorical. */
  classWeight?: number[];
  /** Whether yPred holds logits (default true) or probabilities. */
  fromLogits?: boolean;
  reduction?: Reduction;
}

/**
 * Binary cross-entropy, -w_y [y log p + (1 - y) log(1 - p)].
 * @example const loss = binaryCrossentropy({ classWeight: [1, 9] }); loss(yTrue, logits)
 */
export function binaryCrossentropy(options: CrossEntropyOptions = {}): Loss {
  const reduction = checkReduction(options.reduction, "binaryCrossentropy");
  const cw = classWeightTensor(options.classWeight, 2, "binaryCrossentropy");
  return (yTrue, yPred, sampleWeight) =>
    tf.tidy(() => {
      const [t, x] = binaryShapes(yTrue, yPred, "binaryCrossentropy");
      const [logP, log1mP] = options.fromLogits === false ? probabilityLogs(x) : logSigmoidPair(x);
      let l = tf.neg(tf.add(tf.mul(t, logP), tf.mul(tf.sub(1, t), log1mP)));
      if (cw) l = tf.mul(l, tf.add(tf.mul(t, cw.gather(1)), tf.mul(tf.sub(1, t), cw.gather(0))));
      return reduce(l, sampleWeight, reduction);
    });
}

/**
 * Categorical cross-entropy over k classes, -w_y log p_y; targets as class indices or one-hot rows.
 * @example categoricalCrossentropy({ classWeight: computeClassWeightArray })(labels, logits)
 */
export function categoricalCrossentropy(options: CrossEntropyOptions = {}): Loss {
  const reduction = checkReduction(options.reduction, "categoricalCrossentropy");
  return (yTrue, yPred, sampleWeight) =>
    tf.tidy(() => {
      const k = yPred.shape[1]!;
      const cw = classWeightTensor(options.classWeight, k, "categoricalCrossentropy");
      const onehot = oneHotTargets(yTrue, k, "categoricalCrossentropy");
      const logP = options.fromLogits === false ? tf.log(tf.clipByValue(yPred.toFloat(), 1e-7, 1)) : tf.logSoftmax(yPred.toFloat());
      let l = tf.neg(tf.sum(tf.mul(onehot, logP), 1));
      if (cw) l = tf.mul(l, tf.sum(tf.mul(onehot, cw), 1));
      return reduce(l, sampleWeight, reduction);
    });
}

/** Keras's clipping of probabilities (epsilon 1e-7) before the logs. */
function probabilityLogs(p: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const c = tf.clipByValue(p, 1e-7, 1 - 1e-7);
  return [tf.log(c), tf.log(tf.sub(1, c))];
}
