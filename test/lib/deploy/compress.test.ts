/** Post-training compression: int8 (per tensor, per channel), float16 and pruning keep accuracy and cut bytes. */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { distill, prune, quantizeInt8, toFloat16Weights } from "../../../lib/deploy/index.js";
import { trainClassifier } from "../../../lib/loss/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("compression", () => {
  it("keeps accuracy close to the original while shrinking the weights", async () => {
    const { X, y } = makeClassification({ nSamples: 1200, nFeatures: 10, nInformative: 6, randomState: 2 });
    const rows = Array.from({ length: 1200 }, (_, i) => Array.from(X.data.subarray(i * 10, (i + 1) * 10)));
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 64, activation: "relu", inputShape: [10], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    await trainClassifier(model, rows.slice(0, 900), Array.from(y.subarray(0, 900)), { epochs: 20, optimizer: 0.01, progress: false, randomState: 0 });
    const accuracy = (m: tf.LayersModel) => {
      const z = (m.predict(tf.tensor2d(rows.slice(900))) as tf.Tensor).dataSync();
      let right = 0;
      for (let i = 0; i < 300; i++) right += (z[i]! > 0 ? 1 : 0) === y[900 + i] ? 1 : 0;
      return right / 300;
    };
    const base = accuracy(model);
    expect(base).toBeGreaterThan(0.8);
    const perTensor = await quantizeInt8(model);
    const perChannel = await quantizeInt8(model, { perChannel: true });
    const half = await toFloat16Weights(model);
    for (const c of [perTensor, perChannel, half]) expect(Math.abs(accuracy(c.model) - base)).toBeLessThanOrEqual(0.02);
    expect(perTensor.originalBytes).toBe((10 * 64 + 64 + 64 + 1) * 4);
    expect(perTensor.bytes).toBe(640 + 64 + 2 * 4 + 65 * 4); // int8 kernels and one scale each, float32 biases
    expect(perChannel.bytes).toBe(640 + 64 + (64 + 1) * 4 + 65 * 4); // a scale per output channel
    expect(half.bytes * 2).toBe(half.originalBytes);
    // Per-channel scales never err by more than half a step of their channel.
    const w = model.getWeights()[0]!.arraySync() as number[][];
    const q = perChannel.model.getWeights()[0]!.arraySync() as number[][];
    for (let c = 0; c < 64; c++) {
      const step = Math.max(...w.map((r) => Math.abs(r[c]!))) / 127;
      w.forEach((r, i) => expect(Math.abs(r[c]! - q[i]![c]!)).toBeLessThanOrEqual(step / 2 + 1e-7));
    }
    const pruned = await prune(model, 0.9);
    const kernel = pruned.model.getWeights()[0]!.dataSync();
    expect(kernel.filter((v) => v === 0).length / kernel.length).toBeCloseTo(0.9, 2);
    expect(pruned.bytes).toBe((64 + 7) * 8 + 65 * 4); // kept kernel weights as (value, index) pairs, float32 biases
    await expect(prune(model, 1)).rejects.toThrow("'sparsity' must be in [0, 1); got 1.");

    // Distillation: a 4-unit student learns from the 64-unit teacher and ends close to it.
    const student = tf.sequential();
    student.add(tf.layers.dense({ units: 4, activation: "relu", inputShape: [10], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    student.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
    const losses = await distill(model, student, rows.slice(0, 900), Array.from(y.subarray(0, 900)), { temperature: 2, alpha: 0.7, epochs: 30 });
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(accuracy(student)).toBeGreaterThan(base - 0.08);
    expect(student.countParams()).toBeLessThan(model.countParams() / 10);
    await expect(distill(model, student, rows, [0], {})).rejects.toThrow("X has 1200 rows and y 1 labels");
  });
});

describe("edgeVsCloud", () => {
  it("adds round trip, transfers, queueing and server inference, and finds the break-even round trip", async () => {
    const { edgeVsCloud } = await import("../../../lib/deploy/index.js");
    // 20 kB up at 10 Mbit/s is 16 ms; 1 kB down at 100 Mbit/s is 0.08 ms.
    const e = edgeVsCloud({ deviceInferenceMs: 40, serverInferenceMs: 4, roundTripMs: 30, requestBytes: 20_000, uplinkMbps: 10, responseBytes: 1000, downlinkMbps: 100, serverQueueMs: 2 });
    expect(e.networkMs).toBeCloseTo(46.08, 10);
    expect(e.cloudMs).toBeCloseTo(52.08, 10);
    expect(e.faster).toBe("edge");
    expect(e.breakEvenRoundTripMs).toBeCloseTo(40 - 16.08 - 2 - 4, 10);
    expect(edgeVsCloud({ deviceInferenceMs: 40, serverInferenceMs: 4, roundTripMs: e.breakEvenRoundTripMs - 1, requestBytes: 20_000, uplinkMbps: 10, responseBytes: 1000, downlinkMbps: 100, serverQueueMs: 2 }).faster).toBe("cloud");
    expect(() => edgeVsCloud({ deviceInferenceMs: -1, serverInferenceMs: 1, roundTripMs: 1 })).toThrow("'deviceInferenceMs' must be a number >= 0; got -1.");
    expect(() => edgeVsCloud({ deviceInferenceMs: 1, serverInferenceMs: 1, roundTripMs: 1, uplinkMbps: 0 })).toThrow("'uplinkMbps' must be > 0; got 0.");
  });
});
