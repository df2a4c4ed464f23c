/** The data-parallel tests' problem: 64 seeded rows of 5 features, 0/1 labels, and a seeded 5-8-1 network. */
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../lib/core/index.js";

export function tinyProblem(): { X: tf.Tensor2D; y: tf.Tensor1D; make: () => tf.Sequential; weights: (m: tf.LayersModel) => number[] } {
  const rng = new Random(3);
  const X = tf.tensor2d(Array.from({ length: 64 }, () => Array.from({ length: 5 }, () => rng.normal())));
  const y = tf.tensor1d(Array.from({ length: 64 }, () => (rng.random() < 0.5 ? 1 : 0)));
  const make = () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 8, activation: "tanh", inputShape: [5], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    return m;
  };
  return { X, y, make, weights: (m) => m.getWeights().flatMap((t) => Array.from(t.dataSync())) };
}
