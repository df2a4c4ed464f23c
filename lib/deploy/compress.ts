/**
 * Post-training compression of tfjs models: int8 quantization (per tensor or per output channel), float16
 * weights, and magnitude pruning to a target sparsity. Each returns a model with the compressed weights
 * dequantized back into float32 (what accuracy sees) and the bytes the weights would take stored compressed.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { toFloat16 } from "../distributed/precision.js";
import { trainableVariables } from "../loss/common.js";
import { EpochCosts } from "../loss/train.js";

export interface CompressedModel {
  model: tf.LayersModel;
  /** Bytes of the weights in their compressed storage (values plus scales or indices). */
  bytes: number;
  /** Bytes of the original float32 weights. */
  originalBytes: number;
}

/** A copy of `model` (same architecture, fresh weights) with `transform` applied to every weight tensor. */
async function transformed(model: tf.LayersModel, transform: (values: Float32Array, shape: number[], name: string) => { values: Float32Array; bytes: number }): Promise<CompressedModel> {
  const copy = await tf.models.modelFromJSON({ modelTopology: model.toJSON(undefined, false) as never });
  let bytes = 0;
  let originalBytes = 0;
  const weights = model.getWeights().map((w, i) => {
    const values = w.dataSync() as Float32Array;
    originalBytes += values.length * 4;
    const t = transform(values, w.shape, model.weights[i]!.name);
    bytes += t.bytes;
    return tf.tensor(t.values, w.shape);
  });
  copy.setWeights(weights);
  weights.forEach((w) => w.dispose());
  return { model: copy, bytes, originalBytes };
}

/**
 * int8 quantization: symmetric, scale = max |w| / 127, per tensor or per output channel (the last axis of a
 * kernel). Biases and other 1-D tensors stay float32, as TFLite keeps them.
 * @example const { model: small, bytes } = await quantizeInt8(model, { perChannel: true })
 */
export async function quantizeInt8(model: tf.LayersModel, options: { perChannel?: boolean } = {}): Promise<CompressedModel> {
  return transformed(model, (values, shape) => {
    if (shape.length < 2) return { values: Float32Array.from(values), bytes: values.length * 4 };
    const channels = options.perChannel ? shape[shape.length - 1]! : 1;
    const scales = new Float32Array(channels);
    for (let i = 0; i < values.length; i++) {
      const c = options.perChannel ? i % channels : 0;
      scales[c] = Math.max(scales[c]!, Math.abs(values[i]!) / 127);
    }
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const s = scales[options.perChannel ? i % channels : 0]! || 1;
      out[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / s))) * s;
    }
    return { values: out, bytes: values.length + channels * 4 };
  });
}

/** Weights rounded to float16 (half the bytes). @example await toFloat16Weights(model) */
export async function toFloat16Weights(model: tf.LayersModel): Promise<CompressedModel> {
  return transformed(model, (values) => ({ values: Float32Array.from(values, (v) => toFloat16(v)), bytes: values.length * 2 }));
}

/**
 * Magnitude pruning: the smallest `sparsity` share of each kernel's weights set to zero (biases kept). Stored
 * sparse, a weight costs its value and a 4-byte index.
 * @example await prune(model, 0.8)
 */
export async function prune(model: tf.LayersModel, sparsity: number): Promise<CompressedModel> {
  if (!(sparsity >= 0 && sparsity < 1)) throw new InputError(`prune: 'sparsity' must be in [0, 1); got ${sparsity}.`);
  return transformed(model, (values, shape) => {
    if (shape.length < 2) return { values: Float32Array.from(values), bytes: values.length * 4 };
    const k = Math.floor(values.length * sparsity);
    const threshold = k === 0 ? -1 : Float32Array.from(values, Math.abs).sort()[k - 1]!;
    let kept = 0;
    const out = Float32Array.from(values, (v) => {
      if (Math.abs(v) <= threshold) return 0;
      kept++;
      return v;
    });
    return { values: out, bytes: Math.min(values.length * 4, kept * 8) };
  });
}

export interface DistillOptions {
  /** Softens both models' outputs: logits / temperature (Hinton et al. 2015). */
  temperature?: number;
  /** Weight of matching the teacher; 1 - alpha goes to the true labels. */
  alpha?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
}

/**
 * Knowledge distillation: trains `student` (logits out, as the teacher) to match the teacher's softened outputs
 * and the true labels: alpha * T^2 * CE(teacher_T, student_T) + (1 - alpha) * CE(y, student).
 * @example await distill(bigModel, smallModel, X, y, { temperature: 4, alpha: 0.7, epochs: 20 })
 */
export async function distill(teacher: tf.LayersModel, student: tf.LayersModel, X: number[][], y: number[], options: DistillOptions = {}): Promise<number[]> {
  const T = options.temperature ?? 4;
  const alpha = options.alpha ?? 0.7;
  if (!(T > 0)) throw new InputError(`distill: 'temperature' must be > 0; got ${T}.`);
  if (!(alpha >= 0 && alpha <= 1)) throw new InputError(`distill: 'alpha' must be in [0, 1]; got ${alpha}.`);
  if (X.length !== y.length || X.length === 0) throw new InputError(`distill: X has ${X.length} rows and y ${y.length} labels; they must match and not be empty.`);
  const units = (student.outputs[0]!.shape[1] as number) ?? 1;
  const xs = tf.tensor2d(X);
  const teacherLogits = tf.tidy(() => teacher.predict(xs) as tf.Tensor);
  const yt = units === 1 ? tf.tensor2d(y, [y.length, 1]) : tf.oneHot(tf.tensor1d(y, "int32"), units).toFloat();
  const vars = trainableVariables(student);
  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  const batch = options.batchSize ?? 64;
  const losses: number[] = [];
  const soft = (z: tf.Tensor) => (units === 1 ? tf.sigmoid(z) : tf.softmax(z));
  const crossEntropy = (target: tf.Tensor, logits: tf.Tensor) =>
    units === 1 ? tf.losses.sigmoidCrossEntropy(target, logits) : tf.losses.softmaxCrossEntropy(target, logits);
  try {
    for (let e = 0; e < (options.epochs ?? 20); e++) {
      const costs = new EpochCosts();
      for (let s = 0; s < X.length; s += batch) {
        const size = Math.min(batch, X.length - s);
        const cost = optimizer.minimize(() => {
          const xb = xs.slice(s, size);
          const z = student.apply(xb, { training: true }) as tf.Tensor;
          const targets = soft(tf.div(teacherLogits.slice(s, size), T));
          const matchTeacher = tf.mul(crossEntropy(targets, tf.div(z, T)), T * T);
          return tf.add(tf.mul(alpha, matchTeacher), tf.mul(1 - alpha, crossEntropy(yt.slice(s, size), z))) as tf.Scalar;
        }, true, vars)!;
        costs.add(cost, size);
      }
      losses.push((await costs.sum()) / X.length);
    }
  } finally {
    xs.dispose();
    teacherLogits.dispose();
    yt.dispose();
  }
  return losses;
}
