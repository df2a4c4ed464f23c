/** Focal loss (Lin et al. 2017): cross-entropy scaled by (1 - p_t)^gamma, so easy examples count less. */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { binaryShapes, checkReduction, classWeightTensor, logSigmoidPair, oneHotTargets, reduce } from "./common.js";
import type { Loss, Reduction } from "./types.js";

export interface FocalOptions {
  /** Weight of the positive class in [0, 1] (torchvision default 0.25); null or a negative number disables it. */
  alpha?: number | null;
  gamma?: number;
  reduction?: Reduction;
}

function checkFocal(o: FocalOptions, owner: string): { alpha: number; gamma: number; reduction: Reduction } {
  const gamma = o.gamma ?? 2;
  if (!(Number.isFinite(gamma) && gamma >= 0)) throw new InputError(`${owner}: 'gamma' must be a number >= 0; got ${String(o.gamma)}.`);
  const alpha = o.alpha === null ? -1 : (o.alpha ?? 0.25);
  if (!(Number.isFinite(alpha) && alpha <= 1)) throw new InputError(`${owner}: 'alpha' must be in [0, 1], or null / negative to disable; got ${String(o.alpha)}.`);
  return { alpha, gamma, reduction: checkReduction(o.reduction, owner) };
}

/**
 * torchvision's sigmoid_focal_loss on logits: ce * (1 - p_t)^gamma, times alpha_t when alpha >= 0.
 * @example sigmoidFocalLoss({ alpha: 0.25, gamma: 2 })(targets, logits)
 */
export function sigmoidFocalLoss(options: FocalOptions = {}): Loss {
  const { alpha, gamma, reduction } = checkFocal(options, "sigmoidFocalLoss");
  return (yTrue, yPred, sampleWeight) =>
    tf.tidy(() => {
      const [t, x] = binaryShapes(yTrue, yPred, "sigmoidFocalLoss");
      const [logP, log1mP] = logSigmoidPair(x);
      const ce = tf.neg(tf.add(tf.mul(t, logP), tf.mul(tf.sub(1, t), log1mP)));
      const p = tf.sigmoid(x);
      const pT = tf.add(tf.mul(p, t), tf.mul(tf.sub(1, p), tf.sub(1, t)));
      let l = gamma === 0 ? ce : tf.mul(ce, tf.pow(tf.sub(1, pT), gamma));
      if (alpha >= 0) l = tf.mul(l, tf.add(tf.mul(alpha, t), tf.mul(1 - alpha, tf.sub(1, t))));
      return reduce(l, sampleWeight, reduction);
    });
}

export interface SoftmaxFocalOptions {
  /** Per-class weights (alpha_c), or none. */
  alpha?: number[];
  gamma?: number;
  reduction?: Reduction;
}

/**
 * The multi-class form: -alpha_y (1 - p_y)^gamma log p_y over softmax probabilities.
 * @example softmaxFocalLoss({ gamma: 2 })(labels, logits)
 */
export function softmaxFocalLoss(options: SoftmaxFocalOptions = {}): Loss {
  const { gamma, reduction } = checkFocal({ gamma: options.gamma, reduction: options.reduction, alpha: null }, "softmaxFocalLoss");
  return (yTrue, yPred, sampleWeight) =>
    tf.tidy(() => {
      const k = yPred.shape[1]!;
      const onehot = oneHotTargets(yTrue, k, "softmaxFocalLoss");
      const logP = tf.sum(tf.mul(onehot, tf.logSoftmax(yPred.toFloat())), 1);
      let l = tf.neg(logP);
      if (gamma !== 0) l = tf.mul(l, tf.pow(tf.sub(1, tf.exp(logP)), gamma));
      const a = classWeightTensor(options.alpha, k, "softmaxFocalLoss");
      if (a) l = tf.mul(l, tf.sum(tf.mul(onehot, a), 1));
      return reduce(l, sampleWeight, reduction);
    });
}
