/**
 * Post-training compression of tfjs models: int8 quantization (per tensor or per output channel), float16
 * weights, and magnitude pruning to a target sparsity. Each returns a model with the compressed weights
 * dequantized back into float32 (what accuracy sees) and the bytes the weights would take stored compressed.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { toFloat16 } from "../distributed/precision.js";

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
