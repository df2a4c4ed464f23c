/** Samples per second of one MLP training step on a tfjs backend: shared by bench/backend.ts and bench/gpu.ts. */
import * as tf from "@tensorflow/tfjs";

/** Milliseconds per batch of `batch` rows for a 256-512-512-10 MLP trained with Adam, after a warm-up epoch. */
export async function mlpStepMs(backend: string, steps: number, batch = 256): Promise<number> {
  await tf.setBackend(backend);
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [256], units: 512, activation: "relu" }), tf.layers.dense({ units: 512, activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const x = tf.randomNormal([batch * 4, 256], 0, 1, "float32", 3);
  const y = tf.oneHot(tf.randomUniform([batch * 4], 0, 10, "int32", 4), 10);
  await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 });
  const t = performance.now();
  await model.fit(x, y, { batchSize: batch, epochs: steps, verbose: 0 });
  const ms = (performance.now() - t) / (steps * 4);
  x.dispose();
  y.dispose();
  model.dispose();
  return ms;
}
