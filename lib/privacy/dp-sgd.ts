/**
 * DP-SGD (Abadi et al. 2016) on a tfjs model: Poisson-sampled lots as Opacus samples them, per-example gradients
 * clipped to `l2NormClip`, seeded Gaussian noise of standard deviation `noiseMultiplier * l2NormClip` on their sum,
 * and the RDP accountant's epsilon for the steps taken.
 */
import * as tf from "@tensorflow/tfjs";
import { checkRandomState, type RandomState } from "../core/index.js";
import { checkNumber, describe } from "./check.js";
import { dpSgdEpsilon } from "./rdp.js";

export interface DpSgdOptions {
  epochs?: number;
  /** Expected lot size: each example joins a lot with probability batchSize / n. */
  batchSize?: number;
  learningRate?: number;
  l2NormClip?: number;
  noiseMultiplier?: number;
  delta?: number;
  randomState?: RandomState;
}

/**
 * Trains `model` (its last layer gives logits) in place with DP-SGD on softmax cross-entropy.
 * @returns the steps taken and the (epsilon, delta) they spend
 * @example const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4] })] });
 * trainDpSgd(model, X, y, { epochs: 2, noiseMultiplier: 1.1, randomState: 0 })
 */
export function trainDpSgd(model: tf.LayersModel, X: readonly (readonly number[])[], y: readonly number[], options: DpSgdOptions = {}): { steps: number; epsilon: number; delta: number } {
  const fn = "trainDpSgd";
  if (!(model instanceof tf.LayersModel)) throw new TypeError(`${fn}: 'model' must be a tfjs LayersModel; got ${describe(model)}`);
  if (!Array.isArray(X) || X.length === 0 || !Array.isArray(X[0])) throw new RangeError(`${fn}: 'X' must be a non-empty array of rows; got ${describe(X)}`);
  if (!Array.isArray(y) || y.length !== X.length) throw new RangeError(`${fn}: 'y' must have one label per row of 'X' (${X.length}); got ${describe(y)}`);
  const nClasses = (model.outputs[0]!.shape.at(-1) as number) ?? 0;
  for (const v of y) if (!Number.isInteger(v) || v < 0 || v >= nClasses) throw new RangeError(`${fn}: every label in 'y' must be an integer in [0, ${nClasses - 1}] (the model's outputs); got ${describe(v)}`);
  const epochs = checkNumber(fn, "epochs", options.epochs ?? 1, { min: 1, integer: true });
  const batchSize = checkNumber(fn, "batchSize", options.batchSize ?? 32, { min: 1, max: X.length, integer: true });
  const lr = checkNumber(fn, "learningRate", options.learningRate ?? 0.1, { min: 0, minExclusive: true });
  const clip = checkNumber(fn, "l2NormClip", options.l2NormClip ?? 1, { min: 0, minExclusive: true });
  const sigma = checkNumber(fn, "noiseMultiplier", options.noiseMultiplier ?? 1, { min: 0 });
  const delta = checkNumber(fn, "delta", options.delta ?? 1e-5, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const rng = checkRandomState(options.randomState);
  const n = X.length;
  const q = batchSize / n;
  const stepsPerEpoch = Math.round(1 / q);
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const shapes = weights.map((w) => w.shape);
  const sizes = weights.map((w) => w.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  let steps = 0;
  for (let e = 0; e < epochs; e++) {
    for (let s = 0; s < stepsPerEpoch; s++, steps++) {
      const lot: number[] = [];
      for (let i = 0; i < n; i++) if (rng.random() < q) lot.push(i);
      const sum = new Float64Array(total);
      for (const i of lot) {
        // One example's gradient, flattened, then clipped to l2NormClip.
        const g = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const logits = model.apply(tf.tensor2d([X[i] as number[]])) as tf.Tensor;
            return tf.losses.softmaxCrossEntropy(tf.oneHot([y[i]!], nClasses), logits) as tf.Scalar;
          }, weights);
          return tf.concat(weights.map((w) => grads[w.name]!.flatten())).dataSync();
        });
        let norm = 0;
        for (const v of g) norm += v * v;
        const factor = Math.min(1, clip / (Math.sqrt(norm) || Infinity));
        for (let k = 0; k < total; k++) sum[k]! += g[k]! * factor;
      }
      // Opacus divides by the expected lot size, so the noise scale does not depend on the lot drawn.
      const update = new Float32Array(total);
      for (let k = 0; k < total; k++) update[k] = (lr * (sum[k]! + sigma * clip * rng.normal())) / batchSize;
      let offset = 0;
      weights.forEach((w, j) => {
        const u = update.subarray(offset, offset + sizes[j]!);
        offset += sizes[j]!;
        tf.tidy(() => w.assign(w.sub(tf.tensor(u, shapes[j]!))));
      });
    }
  }
  const epsilon = sigma === 0 ? Infinity : dpSgdEpsilon({ sampleRate: q, noiseMultiplier: sigma, steps, delta }).epsilon;
  return { steps, epsilon, delta };
}
