/**
 * tfjs calls whose results tfjs types as unions (`model.predict` gives `Tensor | Tensor[]`, `layer.apply`
 * `Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[]`), narrowed by a check at run time so that user code
 * needs no `as tf.Tensor`. Type-only imports: nothing here loads tfjs (useBackend chooses when it loads).
 */
import type { Tensor, SymbolicTensor } from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";

type Out = Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];
/** What `predictTensor` needs of a model: tf.LayersModel, tf.Sequential and tf.GraphModel have it. */
export interface Predicts {
  predict(x: Tensor | Tensor[], args?: object): Tensor | Tensor[] | Record<string, Tensor>;
}
/** What `applyLayer` and `applyOutputs` need: a tf.layers.Layer or a tf.LayersModel. */
export interface Applies {
  apply(inputs: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], kwargs?: object): Out;
  readonly name?: string;
}

const describe = (v: unknown): string => (Array.isArray(v) ? `${v.length} outputs` : v === null || typeof v !== "object" ? typeof v : "an object of named outputs");
const isSymbolic = (v: unknown): v is SymbolicTensor => typeof v === "object" && v !== null && "sourceLayer" in v;

/**
 * `model.predict(x)` for a model with one output, as a tf.Tensor; several outputs are refused (see
 * `predictTensors`).
 * @example const logits = tf.tidy(() => predictTensor(model, tf.tensor2d(X)).dataSync())
 */
export function predictTensor(model: Predicts, x: Tensor | Tensor[]): Tensor {
  const out = model.predict(x);
  if (Array.isArray(out) || typeof (out as Tensor).dataSync !== "function") throw new InputError(`predictTensor: the model gave ${describe(out)}; use predictTensors for a model with several outputs.`);
  return out as Tensor;
}

/**
 * `model.predict(x)` as an array of tensors, one per output (a one-output model gives one).
 * @example const [quality, engagement] = predictTensors(twoHeaded, xs)
 */
export function predictTensors(model: Predicts, x: Tensor | Tensor[]): Tensor[] {
  const out = model.predict(x);
  if (Array.isArray(out)) return out;
  if (typeof (out as Tensor).dataSync !== "function") throw new InputError(`predictTensors: the model gave ${describe(out)}; expected a tensor or an array of tensors.`);
  return [out as Tensor];
}

/**
 * `layer.apply(input)` with one output: a SymbolicTensor for a symbolic input (building a functional model),
 * a Tensor for a tensor (eager, e.g. `{ training: true }` in a custom loop).
 * @example const hidden = applyLayer(tf.layers.dense({ units: 32 }), tf.input({ shape: [8] }))
 */
export function applyLayer(layer: Applies, input: SymbolicTensor): SymbolicTensor;
export function applyLayer(layer: Applies, input: Tensor, kwargs?: object): Tensor;
export function applyLayer(layer: Applies, input: Tensor | SymbolicTensor, kwargs?: object): Tensor | SymbolicTensor {
  const out = layer.apply(input, kwargs);
  if (Array.isArray(out)) throw new InputError(`applyLayer: ${layer.name ?? "the layer"} gave ${out.length} outputs; use applyOutputs for a layer or model with several.`);
  if (isSymbolic(input) !== isSymbolic(out)) throw new InputError(`applyLayer: ${layer.name ?? "the layer"} gave a ${isSymbolic(out) ? "symbolic" : "concrete"} tensor for a ${isSymbolic(input) ? "symbolic" : "concrete"} input.`);
  return out;
}

/**
 * `model.apply(x, kwargs)` on a tensor as an array of tensors, one per output: the forward pass of a
 * multi-output model inside `optimizer.minimize` (`{ training: true }` keeps dropout and the like on).
 * @example optimizer.minimize(() => loss(ys, applyOutputs(model, xs, { training: true })))
 */
export function applyOutputs(model: Applies, x: Tensor | Tensor[], kwargs?: object): Tensor[] {
  const out = model.apply(x, kwargs);
  const list = Array.isArray(out) ? out : [out];
  if (list.some(isSymbolic)) throw new InputError(`applyOutputs: ${model.name ?? "the model"} gave symbolic tensors; pass concrete tensors (tf.tensor2d(...)), not tf.input(...).`);
  return list as Tensor[];
}
