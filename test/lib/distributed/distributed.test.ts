/** Memory arithmetic, float16/bfloat16 rounding and loss scaling, all-reduce, and data-parallel equivalence. */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import {
  GradScaler,
  HOROVOD_CLUSTER,
  HOROVOD_MODELS,
  HOROVOD_PUBLISHED,
  allReduceSeconds,
  checkpointedGradients,
  gib,
  measureCheckpointing,
  parameterServerAllReduce,
  plainGradients,
  resnet101Layers,
  ringAllReduce,
  scalingCurve,
  simulateStep,
  toBFloat16,
  toFloat16,
  trainDataParallel,
  trainingMemory,
  vgg16Layers,
} from "../../../lib/distributed/index.js";
import { expectedMaxOfNormals } from "../../../lib/distributed/simulate.js";
import { binaryCrossentropy } from "../../../lib/loss/index.js";
import { py } from "../../helpers/python.js";
import { tinyProblem } from "../../helpers/tiny-mlp.js";

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
    const { X, y, make, weights: w } = tinyProblem();
    const single = make();
    const four = make();
    const ps = make();
    const r1 = await trainDataParallel(single, X, y, { workers: 1, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5 });
    const r4 = await trainDataParallel(four, X, y, { workers: 4, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5 });
    await trainDataParallel(ps, X, y, { workers: 4, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5, allReduce: "parameter-server" });
    w(four).forEach((v, i) => expect(v).toBeCloseTo(w(single)[i]!, 5));
    w(ps).forEach((v, i) => expect(v).toBeCloseTo(w(single)[i]!, 5));
    r4.losses.forEach((l, i) => expect(l).toBeCloseTo(r1.losses[i]!, 5));
    expect(r4.losses.at(-1)!).toBeLessThan(r4.losses[0]!);
    await expect(trainDataParallel(make(), X, y, { workers: 5, loss: binaryCrossentropy() })).rejects.toThrow("does not split evenly over 5 workers");
  });
});

describe("gradient checkpointing", () => {
  const deep = (layers: number, width: number) => {
    const m = tf.sequential();
    for (let i = 0; i < layers; i++) m.add(tf.layers.dense({ units: i === layers - 1 ? 1 : width, activation: i === layers - 1 ? "linear" : "tanh", ...(i === 0 ? { inputShape: [width] } : {}), kernelInitializer: tf.initializers.glorotUniform({ seed: 10 + i }) }));
    return m;
  };

  it("gives the same loss and gradients as plain backpropagation, for every segment length", () => {
    const m = deep(7, 6);
    const rng = new Random(5);
    const xs = tf.tensor2d(Array.from({ length: 16 }, () => Array.from({ length: 6 }, () => rng.normal())));
    const ys = tf.tensor1d(Array.from({ length: 16 }, () => (rng.random() < 0.4 ? 1 : 0)));
    const loss = binaryCrossentropy();
    const plain = plainGradients(m, loss, xs, ys);
    for (const every of [1, 2, 3, 7, 10]) {
      const before = tf.memory().numTensors;
      const ck = checkpointedGradients(m, loss, xs, ys, { every });
      expect(ck.value).toBeCloseTo(plain.value, 6);
      expect(Object.keys(ck.grads).sort()).toEqual(Object.keys(plain.grads).sort());
      for (const [name, g] of Object.entries(plain.grads)) {
        const a = ck.grads[name]!.dataSync();
        g.dataSync().forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
      }
      tf.dispose(Object.values(ck.grads));
      expect(tf.memory().numTensors).toBe(before); // checkpoints and recomputed activations all freed
    }
    expect(() => checkpointedGradients(m, loss, xs, ys, { every: 0 })).toThrow("'every' must be an integer >= 1; got 0");
  });

  it("keeps less tensor memory than plain backpropagation, least near the square root of the depth", async () => {
    const m = deep(24, 64);
    const rng = new Random(6);
    const xs = tf.tensor2d(Array.from({ length: 128 }, () => Array.from({ length: 64 }, () => rng.normal())));
    const ys = tf.tensor1d(Array.from({ length: 128 }, () => (rng.random() < 0.5 ? 1 : 0)));
    const rows = await measureCheckpointing(m, binaryCrossentropy(), xs, ys, [1, 2, 4, 12, 24], { repeats: 1 });
    const peak = Object.fromEntries(rows.map((r) => [r.every, r.peakBytes]));
    for (const r of rows) expect(r.maxGradientDifference).toBeLessThan(1e-6);
    // Storing one checkpoint per layer already beats the tape, which keeps several tensors per layer.
    expect(peak[1]!).toBeLessThan(peak[0]! / 3);
    // Memory falls, then rises again as segments grow: L/k checkpoints plus k layers' intermediates.
    expect(Math.min(peak[2]!, peak[4]!)).toBeLessThan(peak[12]!);
    expect(peak[12]!).toBeLessThan(peak[24]!);
    expect(peak[24]!).toBeCloseTo(peak[0]!, -4); // one segment is plain backpropagation
  });
});

describe("scaling simulator", () => {
  it("reproduces Horovod's published scaling efficiencies within 3 points", () => {
    for (const p of HOROVOD_PUBLISHED) {
      const s = simulateStep(HOROVOD_MODELS[p.model], HOROVOD_CLUSTER, { workers: p.workers });
      expect(Math.abs(s.efficiency - p.efficiency), `${p.model} on ${p.workers} GPUs`).toBeLessThan(0.03);
    }
    // The architectures as published: VGG-16 138.4M parameters, ResNet-101 44.4M (without batch-norm).
    expect(vgg16Layers().reduce((s, l) => s + l.params, 0)).toBe(138_357_544);
    expect(resnet101Layers().reduce((s, l) => s + l.params, 0) / 1e6).toBeCloseTo(44.44, 2);
  });

  it("shows why rings replaced parameter servers, and the alpha-beta costs behind it", () => {
    const ring = scalingCurve(HOROVOD_MODELS.resnet101, HOROVOD_CLUSTER, [1, 8, 64, 512]);
    const ps = scalingCurve(HOROVOD_MODELS.resnet101, HOROVOD_CLUSTER, [1, 8, 64, 512], { algorithm: "parameter-server" });
    expect(ring[0]!.efficiency).toBeCloseTo(1, 10);
    for (let i = 1; i < 4; i++) expect(ps[i]!.efficiency).toBeLessThan(ring[i]!.efficiency);
    // Ring: 2(N-1) steps, each moving bytes/N over the slowest link plus the step latency.
    const c = { ...HOROVOD_CLUSTER, linkEfficiency: 1, latencyUs: 10 };
    expect(allReduceSeconds(1e9, 8, c)).toBeCloseTo(2 * 7 * (1e9 / 8 / (25e9 / 8) + 10e-6), 12);
    expect(allReduceSeconds(1e9, 1, c)).toBe(0);
    expect(expectedMaxOfNormals(2)).toBeCloseTo(1 / Math.sqrt(Math.PI), 4);
    expect(() => simulateStep(HOROVOD_MODELS.vgg16, HOROVOD_CLUSTER, { workers: 0 })).toThrow("'workers' must be an integer >= 1; got 0");
    expect(() => simulateStep(HOROVOD_MODELS.vgg16, { ...HOROVOD_CLUSTER, linkGbps: -1 }, { workers: 2 })).toThrow("'cluster.linkGbps' must be positive; got -1");
  });
});
