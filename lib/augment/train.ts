/**
 * Training a tfjs image classifier with augmentation drawn anew for every batch (torchvision's on-the-fly
 * transforms) and, optionally, mixup: the loop the augmentation notebook compares with plain training.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { checkEpochsAndBatchSize, EpochCosts, optimizerFrom } from "../loss/train.js";
import { augmentImages, mixupImages, type ImageTransform } from "./images.js";

export interface AugmentedTrainingOptions {
  epochs?: number;
  batchSize?: number;
  /** An optimizer, or a learning rate for Adam (default 0.01). */
  optimizer?: tf.Optimizer | number;
  /** Applied in order to every batch (default: none). */
  transforms?: readonly ImageTransform[];
  /** mixup's α for every batch (default: no mixup). */
  mixupAlpha?: number;
  randomState?: RandomState;
}

/**
 * Trains `model` (last layer: k logits) on `images` [n, h, w, c] and class indices `labels` with softmax
 * cross-entropy; returns the mean training loss of each epoch. The same seed gives the same batches, the
 * same augmentations and, with seeded initialisers, the same model.
 * @example const losses = await trainWithAugmentation(model, x, y, { epochs: 10, transforms: [randomFlip(), randomCrop({ padding: 2 })], randomState: 0 });
 */
export async function trainWithAugmentation(model: tf.LayersModel, images: tf.Tensor4D, labels: ArrayLike<number>, options: AugmentedTrainingOptions = {}): Promise<number[]> {
  if (!(images instanceof tf.Tensor) || images.rank !== 4) throw new InputError(`trainWithAugmentation: 'images' must be a tf.Tensor4D [n, height, width, channels]; got ${images instanceof tf.Tensor ? `rank ${(images as tf.Tensor).rank}` : typeof images}.`);
  const n = images.shape[0];
  if (!labels || labels.length !== n) throw new InputError(`trainWithAugmentation: 'labels' must have one class index per image (${n}); got ${labels ? labels.length : String(labels)}.`);
  const k = (model.outputs[0]?.shape[1] as number | null | undefined) ?? 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new InputError(`trainWithAugmentation: labels[${i}] must be a class index in [0, ${k - 1}] (the model has ${k} outputs); got ${String(c)}.`);
  }
  const { epochs, batchSize } = checkEpochsAndBatchSize("trainWithAugmentation", options);
  const alpha = options.mixupAlpha;
  if (alpha !== undefined && !(typeof alpha === "number" && alpha > 0 && Number.isFinite(alpha))) throw new InputError(`trainWithAugmentation: 'mixupAlpha' must be a finite number > 0; got ${String(alpha)}.`);
  const optimizer = optimizerFrom("trainWithAugmentation", options.optimizer, 0.01);
  const transforms = options.transforms ?? [];
  const rng = checkRandomState(options.randomState);
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(labels), "int32"), k).toFloat() as tf.Tensor2D);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const costs = new EpochCosts();
      for (let s = 0; s < n; s += batchSize) {
        const idx = tf.tensor1d(order.subarray(s, Math.min(n, s + batchSize)), "int32");
        const raw = tf.gather(images, idx);
        const yRaw = tf.gather(oneHot, idx);
        const xb = augmentImages(raw, transforms, { randomState: rng });
        const mixed = alpha === undefined ? null : mixupImages(xb, yRaw, { alpha, randomState: rng });
        const x = mixed ? mixed.images : xb;
        const y = mixed ? mixed.labels : yRaw;
        const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
        costs.add(cost, idx.shape[0]);
        tf.dispose([idx, raw, yRaw, xb, ...(mixed ? [mixed.images, mixed.labels] : [])]);
        await tf.nextFrame(); // let interrupts and display updates through
      }
      losses.push((await costs.sum()) / n);
    }
  } finally {
    oneHot.dispose();
  }
  return losses;
}

/**
 * Class probabilities (softmax of the model's logits) for `images`, as rows × classes.
 * @example const proba = predictProbabilities(model, xTest); // proba.data[i * proba.cols + k]
 */
export function predictProbabilities(model: tf.LayersModel, images: tf.Tensor4D): { data: Float32Array; rows: number; cols: number } {
  const out = tf.tidy(() => tf.softmax(model.predict(images) as tf.Tensor2D));
  const [rows, cols] = out.shape as [number, number];
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return { data: Float32Array.from(data), rows, cols };
}
