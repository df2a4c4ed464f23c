import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { trainDpSgd, dpSgdEpsilon } from "../../../dist/lib/privacy/index.js";
import { makeClassification } from "../../../dist/datasets/index.js";

const g = makeClassification({ nSamples: 400, nFeatures: 4, nInformative: 3, nRedundant: 0, nClasses: 2, nClustersPerClass: 1, randomState: 0 });
const X = Array.from({ length: g.X.rows }, (_, i) => Array.from(g.X.data.subarray(i * g.X.cols, (i + 1) * g.X.cols)));
const y = Array.from(g.y);
const model = (seed: number) => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }) })] });
const accuracy = (m: tf.LayersModel) => {
  const pred = tf.tidy(() => (m.predict(tf.tensor2d(X)) as tf.Tensor).argMax(1).dataSync());
  return Array.from(pred).reduce((a: number, p: number, i: number) => a + (p === y[i] ? 1 : 0), 0) / y.length;
};

// Abadi et al. (2016), "Deep Learning with Differential Privacy"; lots sampled and noise scaled as Opacus does.
describe("trainDpSgd", () => {
  it("learns with clipped, noised gradients, repeats with a seed, and reports the accountant's epsilon", () => {
    const a = model(1);
    const before = accuracy(a);
    const r = trainDpSgd(a, X, y, { epochs: 2, batchSize: 40, learningRate: 0.5, noiseMultiplier: 1.0, randomState: 3 });
    expect(r.steps).toBe(20);
    expect(r.epsilon).toBeCloseTo(dpSgdEpsilon({ sampleRate: 0.1, noiseMultiplier: 1, steps: 20, delta: 1e-5 }).epsilon, 12);
    expect(accuracy(a)).toBeGreaterThan(Math.max(before, 0.75));
    const b = model(1);
    trainDpSgd(b, X, y, { epochs: 2, batchSize: 40, learningRate: 0.5, noiseMultiplier: 1.0, randomState: 3 });
    expect(Array.from(b.getWeights()[0]!.dataSync())).toEqual(Array.from(a.getWeights()[0]!.dataSync()));
  });

  it("clips each example: with no noise, one step moves the weights by at most lr * l2NormClip * lot / batchSize", () => {
    const m = model(2);
    const w0 = Float64Array.from(m.getWeights().flatMap((w) => Array.from(w.dataSync())));
    trainDpSgd(m, X.slice(0, 10), y.slice(0, 10), { epochs: 1, batchSize: 10, learningRate: 1, l2NormClip: 0.01, noiseMultiplier: 0, randomState: 0 });
    const w1 = Float64Array.from(m.getWeights().flatMap((w) => Array.from(w.dataSync())));
    const moved = Math.sqrt(w0.reduce((a, v, k) => a + (v - w1[k]!) ** 2, 0));
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThanOrEqual(0.01 + 1e-6);
  });

  it("refuses bad arguments naming them and the value", () => {
    const m = model(3);
    expect(() => trainDpSgd({} as tf.LayersModel, X, y)).toThrow("trainDpSgd: 'model' must be a tfjs LayersModel; got [object Object]");
    expect(() => trainDpSgd(m, X, y.slice(1))).toThrow("trainDpSgd: 'y' must have one label per row of 'X' (400); got an array of length 399");
    expect(() => trainDpSgd(m, X, y.map(() => 2))).toThrow("every label in 'y' must be an integer in [0, 1] (the model's outputs); got 2");
    expect(() => trainDpSgd(m, X, y, { l2NormClip: 0 })).toThrow("trainDpSgd: 'l2NormClip' must be a finite number > 0; got 0");
    expect(() => trainDpSgd(m, X, y, { batchSize: 401 })).toThrow("'batchSize' must be an integer >= 1 and <= 400; got 401");
  });
});
