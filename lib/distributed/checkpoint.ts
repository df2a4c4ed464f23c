/**
 * Gradient checkpointing for tfjs sequential models (Chen et al., 2016; OpenAI's gradient-checkpointing):
 * the forward pass keeps only the input of every k-th layer; the backward pass recomputes one segment of k
 * layers at a time from its checkpoint and backpropagates through it alone. Memory for activations falls from
 * about L layers' worth to L/k checkpoints plus k layers, least near k = sqrt(L), for one extra forward pass.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { trainableVariables } from "../loss/common.js";
import type { Loss } from "../loss/types.js";

export interface CheckpointOptions {
  /** Layers per segment: a checkpoint is kept at the input of every `every`-th layer. */
  every: number;
}

/** The model's layers in order, without the input layer, refusing models that are not a plain chain. */
function chain(model: tf.LayersModel): tf.layers.Layer[] {
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  if (!(model instanceof tf.Sequential)) throw new InputError("checkpointedGradients: the model must be a tf.Sequential (a chain of layers).");
  return layers;
}

const variablesOf = (layers: tf.layers.Layer[]) => layers.flatMap((l) => trainableVariables(l));
const applyAll = (layers: tf.layers.Layer[], x: tf.Tensor) => layers.reduce((a, l) => l.apply(a, { training: true }) as tf.Tensor, x);

/**
 * The loss and the gradients of every trainable variable (by variable name, as `tf.variableGrads` gives
 * them), computed with checkpoints every `every` layers. Equal to plain backpropagation up to float rounding.
 * @example const { value, grads } = checkpointedGradients(model, binaryCrossentropy(), xs, ys, { every: 4 })
 */
export function checkpointedGradients(model: tf.LayersModel, loss: Loss, xs: tf.Tensor, ys: tf.Tensor, options: CheckpointOptions): { value: number; grads: tf.NamedTensorMap } {
  const layers = chain(model);
  const k = options.every;
  if (!(Number.isInteger(k) && k >= 1)) throw new InputError(`checkpointedGradients: 'every' must be an integer >= 1; got ${k}.`);
  const segments: tf.layers.Layer[][] = [];
  for (let i = 0; i < layers.length; i += k) segments.push(layers.slice(i, i + k));
  // Forward without a tape: only each segment's input survives its tidy.
  const checkpoints: tf.Tensor[] = [xs];
  for (let s = 0; s < segments.length - 1; s++) checkpoints.push(tf.tidy(() => applyAll(segments[s]!, checkpoints[s]!)));
  const engine = tf.engine();
  const grads: tf.NamedTensorMap = {};
  let value = 0;
  let dy: tf.Tensor | undefined;
  for (let s = segments.length - 1; s >= 0; s--) {
    const vars = variablesOf(segments[s]!);
    const input = checkpoints[s]!;
    // The first segment needs no gradient for the model's input.
    const wrt = s > 0 ? [input, ...vars] : vars;
    if (wrt.length > 0) {
      const last = s === segments.length - 1;
      const f = last ? () => loss(ys, applyAll(segments[s]!, input)) : () => applyAll(segments[s]!, input);
      // Recompute the segment under a tape and backpropagate the upstream gradient through it.
      const r = engine.gradients(f, wrt, last ? undefined : dy, true);
      if (last) value = r.value.dataSync()[0]!;
      r.value.dispose();
      const offset = s > 0 ? 1 : 0;
      vars.forEach((v, i) => (grads[v.name] = r.grads[i + offset]!));
      dy?.dispose();
      dy = s > 0 ? r.grads[0] : undefined;
    }
    if (s > 0) input.dispose();
  }
  dy?.dispose();
  return { value, grads };
}

/** Plain backpropagation, for comparison: the tape keeps every layer's intermediate tensors. */
export function plainGradients(model: tf.LayersModel, loss: Loss, xs: tf.Tensor, ys: tf.Tensor): { value: number; grads: tf.NamedTensorMap } {
  const vars = variablesOf(chain(model));
  const { value, grads } = tf.variableGrads(() => loss(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  const v = value.dataSync()[0]!;
  value.dispose();
  return { value: v, grads };
}

export interface CheckpointMeasurement {
  /** Layers per segment; 0 stands for plain backpropagation. */
  every: number;
  checkpoints: number;
  /** Peak tensor bytes during the gradient computation, above what was allocated before it. */
  peakBytes: number;
  /** Median milliseconds per gradient computation. */
  ms: number;
  /** Largest difference from plain backpropagation's gradients. */
  maxGradientDifference: number;
}

/**
 * Peak tensor memory and time of plain backpropagation and of checkpointing every k layers, for each k.
 * @example measureCheckpointing(deepMlp, binaryCrossentropy(), xs, ys, [1, 2, 4, 8])
 */
export async function measureCheckpointing(model: tf.LayersModel, loss: Loss, xs: tf.Tensor, ys: tf.Tensor, every: number[], options: { repeats?: number } = {}): Promise<CheckpointMeasurement[]> {
  const layers = chain(model).length;
  const repeats = options.repeats ?? 5;
  const plain = plainGradients(model, loss, xs, ys);
  const reference = Object.fromEntries(Object.entries(plain.grads).map(([name, g]) => [name, g.dataSync() as Float32Array]));
  tf.dispose(Object.values(plain.grads));
  const run = (k: number) => (k === 0 ? plainGradients(model, loss, xs, ys) : checkpointedGradients(model, loss, xs, ys, { every: k }));
  const ks = [0, ...every];
  const out: CheckpointMeasurement[] = [];
  for (const k of ks) {
    const before = tf.memory().numBytes;
    let diff = 0;
    const profile = await tf.profile(() => {
      const r = run(k);
      for (const [name, g] of Object.entries(r.grads)) {
        const a = g.dataSync();
        const b = reference[name]!;
        for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      }
      tf.dispose(Object.values(r.grads));
    });
    out.push({ every: k, checkpoints: k === 0 ? layers : Math.ceil(layers / k), peakBytes: profile.peakBytes - before, ms: 0, maxGradientDifference: diff });
  }
  // Times round-robin over the variants, so warm-up and background load fall on all of them alike.
  const times = ks.map(() => [] as number[]);
  for (let i = 0; i < repeats; i++)
    ks.forEach((k, j) => {
      const t = performance.now();
      tf.dispose(Object.values(run(k).grads));
      times[j]!.push(performance.now() - t);
    });
  times.forEach((t, j) => (out[j]!.ms = t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!));
  return out;
}
