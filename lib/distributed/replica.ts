/**
 * One data-parallel replica's arithmetic: the gradients of its shard flattened into one buffer (as DDP's
 * buckets hold them), and the averaged buffer applied back to the variables. Shared by the in-process
 * simulation and the real workers, so both do exactly the same float work.
 */
import * as tf from "@tensorflow/tfjs";
import type { Loss } from "../loss/types.js";

/** The model's trainable variables, in the order the flat buffers use. */
export { trainableVariables } from "../loss/common.js";

/** Total values in the variables. */
export function flatSize(vars: tf.Variable[]): number {
  return vars.reduce((s, v) => s + v.size, 0);
}

/**
 * Gradients of the mean loss on (xs, ys), flattened; `extra` free slots are left at the end (a worker puts its
 * loss there, so one all-reduce averages both).
 */
export function shardGradients(model: tf.LayersModel, vars: tf.Variable[], loss: Loss, xs: tf.Tensor, ys: tf.Tensor, extra = 0): { loss: number; flat: Float32Array } {
  const { value, grads } = tf.variableGrads(() => loss(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  const flat = new Float32Array(flatSize(vars) + extra);
  let o = 0;
  for (const v of vars) {
    flat.set(grads[v.name]!.dataSync() as Float32Array, o);
    o += v.size;
  }
  const l = value.dataSync()[0]!;
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  return { loss: l, flat };
}

/** The flat gradient buffer as the optimizer's map of variable name to gradient. */
export function unflatten(vars: tf.Variable[], flat: Float32Array): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  let o = 0;
  for (const v of vars) {
    out[v.name] = tf.tensor(flat.subarray(o, o + v.size), v.shape);
    o += v.size;
  }
  return out;
}

/** Applies averaged gradients with the optimizer (the same update on every replica). */
export function applyFlatGradients(optimizer: tf.Optimizer, vars: tf.Variable[], flat: Float32Array): void {
  const grads = unflatten(vars, flat);
  optimizer.applyGradients(grads);
  for (const g of Object.values(grads)) g.dispose();
}

/** All the variables' values in one buffer. */
export function flatWeights(vars: tf.Variable[]): Float32Array {
  const out = new Float32Array(flatSize(vars));
  let o = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, o);
    o += v.size;
  }
  return out;
}

/** Writes a buffer made by `flatWeights` back into the variables. */
export function setFlatWeights(vars: tf.Variable[], flat: Float32Array): void {
  let o = 0;
  for (const v of vars) {
    const t = tf.tensor(flat.subarray(o, o + v.size), v.shape);
    v.assign(t);
    t.dispose();
    o += v.size;
  }
}
