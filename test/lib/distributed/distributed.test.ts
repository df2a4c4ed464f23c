/** Memory arithmetic, float16/bfloat16 rounding and loss scaling, all-reduce, and data-parallel equivalence. */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { GradScaler, gib, parameterServerAllReduce, ringAllReduce, toBFloat16, toFloat16, trainDataParallel, trainingMemory } from "../../../lib/distributed/index.js";
import { binaryCrossentropy } from "../../../lib/loss/index.js";
import { py } from "../../helpers/python.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("memory arithmetic", () => {
  it("reproduces the notes' example, corrected: 1B parameters in fp16 are 1.86 GiB, 175B are 326 GiB", () => {
    expect(gib(trainingMemory({ parameters: 1e9, dtype: "float16", optimizer: "none" }).total)).toBeCloseTo(1.86, 2);
    expect(gib(trainingMemory({ parameters: 175e9, dtype: "float16", optimizer: "none" }).total)).toBeCloseTo(325.96, 2);
    // The notes print 316.2 GB for 175B: neither 350 GB (decimal) nor 326 GiB (binary).
    expect(trainingMemory({ parameters: 175e9, dtype: "float16", optimizer: "none" }).total / 1e9).toBe(350);
  });

  it("adds gradients, Adam's two moments, master weights and activations", () => {
    const m = trainingMemory({ parameters: 1e9, dtype: "float16", optimizer: "adam", masterWeights: true, activationsPerSample: 1e6, batchSize: 32 });
    expect(m).toEqual({ parameters: 2e9, gradients: 2e9, optimizerState: 8e9, masterWeights: 4e9, activations: 64e6, total: 16.064e9 });
    expect(() => trainingMemory({ parameters: -1 })).toThrow("'parameters' must be a positive number; got -1.");
  });
});

describe("reduced precision", () => {
  it("rounds to float16 exactly as numpy does, including subnormals, ties and overflow", () => {
    const rng = new Random(1);
    const xs = [0.1, 1 / 3, 65504, 65519.9, 65520, 70000, 6e-8, 3e-8, 2.98e-8, 1e-5, 2049, 2051, -2.5e-6, ...Array.from({ length: 300 }, () => rng.normal() * 10 ** rng.randint(8 - 4))];
    const ref = py<(number | string)[]>("out = [float(np.float16(x)) if np.isfinite(np.float16(x)) else str(np.float16(x)) for x in data]", xs);
    xs.forEach((x, i) => {
      const want = typeof ref[i] === "string" ? (ref[i] === "inf" ? Infinity : -Infinity) : ref[i];
      expect(toFloat16(x)).toBe(want);
    });
  });

  it("rounds to bfloat16 with 8 bits of precision, ties to even", () => {
    expect(toBFloat16(1 + 2 ** -8)).toBe(1); // halfway: even mantissa
    expect(toBFloat16(1 + 3 * 2 ** -9)).toBe(1 + 2 ** -7);
    expect(Math.abs(toBFloat16(3e38) / 3e38 - 1)).toBeLessThan(2 ** -8); // float32's range, unlike float16
  });

  it("GradScaler backs off on overflow, grows after 2000 clean steps, and counts underflows", () => {
    const s = new GradScaler();
    expect(s.scale).toBe(65536);
    expect(s.unscale([1e-3, 2e-3])).not.toBeNull();
    expect(s.unscale([1e6])).toBeNull(); // 1e6 * 65536 overflows float16
    s.update();
    expect(s.scale).toBe(32768);
    expect(s.overflows).toBe(1);
    for (let i = 0; i < 2000; i++) {
      s.unscale([0.5]);
      s.update();
    }
    expect(s.scale).toBe(65536);
    s.unscale([1e-10, 1e-15]); // the first survives thanks to scaling, the second flushes to zero even so
    expect(s.rescuedFromUnderflow).toBe(1);
    expect(s.underflows).toBe(1);
  });
});

describe("all-reduce", () => {
  it("ring and parameter server average the workers' gradients; the ring sends 2(N-1)/N of the size per worker", () => {
    const rng = new Random(2);
    for (const N of [1, 2, 3, 5]) {
      const len = 1001;
      const bufs = Array.from({ length: N }, () => Float32Array.from({ length: len }, () => rng.normal()));
      const want = Array.from({ length: len }, (_, k) => bufs.reduce((s, b) => s + b[k]!, 0) / N);
      const ring = ringAllReduce(bufs, { bucketBytes: 1200 });
      const ps = parameterServerAllReduce(bufs, { servers: 2 });
      for (const res of [...ring.results, ...ps.results]) res.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 5));
      const expected = (2 * (N - 1) * len * 4) / N;
      ring.bytesSent.forEach((b) => expect(Math.abs(b - expected)).toBeLessThanOrEqual(4 * 4 * Math.ceil(len / 300)));
      ps.bytesSent.forEach((b) => expect(b).toBe(len * 4));
    }
    expect(() => ringAllReduce([new Float32Array(3), new Float32Array(4)])).toThrow("buffer 1 has 4 values, buffer 0 has 3");
  });
});

describe("data parallelism", () => {
  it("four workers with ring all-reduce train exactly as one worker on the full batch", async () => {
    const rng = new Random(3);
    const X = tf.tensor2d(Array.from({ length: 64 }, () => Array.from({ length: 5 }, () => rng.normal())));
    const y = tf.tensor1d(Array.from({ length: 64 }, () => (rng.random() < 0.5 ? 1 : 0)));
    const make = () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 8, activation: "tanh", inputShape: [5], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      return m;
    };
    const single = make();
    const four = make();
    const ps = make();
    const r1 = await trainDataParallel(single, X, y, { workers: 1, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5 });
    const r4 = await trainDataParallel(four, X, y, { workers: 4, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5 });
    await trainDataParallel(ps, X, y, { workers: 4, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5, allReduce: "parameter-server" });
    const w = (m: tf.LayersModel) => m.getWeights().flatMap((t) => Array.from(t.dataSync()));
    w(four).forEach((v, i) => expect(v).toBeCloseTo(w(single)[i]!, 5));
    w(ps).forEach((v, i) => expect(v).toBeCloseTo(w(single)[i]!, 5));
    r4.losses.forEach((l, i) => expect(l).toBeCloseTo(r1.losses[i]!, 5));
    expect(r4.losses.at(-1)!).toBeLessThan(r4.losses[0]!);
    await expect(trainDataParallel(make(), X, y, { workers: 5, loss: binaryCrossentropy() })).rejects.toThrow("does not split evenly over 5 workers");
  });
});
