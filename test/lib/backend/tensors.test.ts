/**
 * The typed forms of tfjs calls that tfjs types as unions: each gives what tfjs's own `predict` / `apply`
 * return (the same values), typed without a cast, and refuses the other shape of result by name.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, expectTypeOf, it } from "vitest";
import { applyLayer, applyOutputs, predictTensor, predictTensors } from "../../../lib/backend/index.js";

await tf.setBackend("cpu");
const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const x = tf.tensor2d([[1, 2], [3, 4], [-1, 0.5]]);

function twoHeaded(): tf.LayersModel {
  const input = tf.input({ shape: [2] });
  const hidden = applyLayer(tf.layers.dense({ units: 4, activation: "relu", kernelInitializer: init(1) }), input);
  expectTypeOf(hidden).toEqualTypeOf<tf.SymbolicTensor>();
  return tf.model({ inputs: input, outputs: [applyLayer(tf.layers.dense({ units: 1, kernelInitializer: init(2) }), hidden), applyLayer(tf.layers.dense({ units: 1, kernelInitializer: init(3) }), hidden)] });
}

describe("predictTensor / predictTensors", () => {
  const one = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: init(4) })] });

  it("give model.predict's tensor(s), typed", () => {
    const p = predictTensor(one, x);
    expectTypeOf(p).toEqualTypeOf<tf.Tensor>();
    expect(Array.from(p.dataSync())).toEqual(Array.from((one.predict(x) as tf.Tensor).dataSync()));
    const both = predictTensors(twoHeaded(), x);
    expectTypeOf(both).toEqualTypeOf<tf.Tensor[]>();
    expect(both.map((t) => t.shape)).toEqual([[3, 1], [3, 1]]);
    expect(predictTensors(one, x)).toHaveLength(1);
  });

  it("predictTensor refuses a model with several outputs", () => {
    expect(() => predictTensor(twoHeaded(), x)).toThrow("predictTensor: the model gave 2 outputs; use predictTensors for a model with several outputs.");
  });
});

describe("applyLayer / applyOutputs", () => {
  it("applyLayer on a tensor is the layer's eager output", () => {
    const dense = tf.layers.dense({ units: 2, kernelInitializer: init(5) });
    const y = applyLayer(dense, x);
    expectTypeOf(y).toEqualTypeOf<tf.Tensor>();
    expect(Array.from(y.dataSync())).toEqual(Array.from((dense.apply(x) as tf.Tensor).dataSync()));
  });

  it("applyOutputs gives each output of a training-mode forward pass, which minimize can differentiate", () => {
    const m = twoHeaded();
    const outs = applyOutputs(m, x, { training: true });
    expectTypeOf(outs).toEqualTypeOf<tf.Tensor[]>();
    const predicted = predictTensors(m, x);
    outs.forEach((o, i) => expect(Array.from(o.dataSync())).toEqual(Array.from(predicted[i]!.dataSync())));
    const weights = () => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const before = weights();
    tf.train.sgd(0.1).minimize(() => tf.addN(applyOutputs(m, x, { training: true }).map((o) => tf.mean(tf.square(o)))) as tf.Scalar);
    const after = weights();
    expect(after.filter((w, i) => w !== before[i]).length).toBeGreaterThan(0);
  });

  it("applyOutputs refuses a symbolic input (from JavaScript: its type takes tensors only)", () => {
    expect(() => applyOutputs(tf.layers.dense({ units: 1 }), tf.input({ shape: [2] }) as never)).toThrow("applyOutputs: dense_");
    expect(() => applyOutputs(tf.layers.dense({ units: 1 }), tf.input({ shape: [2] }) as never)).toThrow("gave symbolic tensors; pass concrete tensors (tf.tensor2d(...)), not tf.input(...).");
  });
});
