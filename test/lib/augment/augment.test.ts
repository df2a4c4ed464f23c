/**
 * mlsd/augment against its references: numpy's fliplr/flipud, pad-and-slice and rot90 for the image transforms
 * (torchvision's RandomHorizontalFlip, RandomCrop(padding), RandomRotation and RandomErasing semantics), scipy's
 * Beta distribution for mixup's λ, and the expected calibration error of Guo et al. (2017) as gpleiss's
 * widely copied ECELoss computes it (bins (lo, hi] on numpy.linspace edges), run in numpy on the same inputs.
 */
import { execFileSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { augmentImages, makeShapes, mixupImages, noiseInjection, predictProbabilities, randomCrop, randomErasing, randomFlip, randomRotation, trainWithAugmentation } from "../../../dist/lib/augment/index.js";
import { Random } from "../../../dist/lib/core/random.js";
import { expectedCalibrationError } from "../../../dist/lib/metrics/index.js";

const python = (code: string, input: unknown): unknown => JSON.parse(execFileSync("python3", ["-c", code], { input: JSON.stringify(input), encoding: "utf8" }));
const numbered = (n: number, h: number, w: number) => tf.tensor4d(Float32Array.from({ length: n * h * w }, (_, i) => i + 1), [n, h, w, 1]);
const values = (t: tf.Tensor) => Array.from(t.dataSync());

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("image transforms", () => {
  it("randomFlip: p = 1 is numpy's fliplr (flipud for vertical), p = 0 the identity, and each image follows its own coin", () => {
    const x = numbered(2, 3, 4);
    const ref = python("import json,sys,numpy as np; a=np.array(json.load(sys.stdin)).reshape(2,3,4); print(json.dumps([np.fliplr(a[i]).ravel().tolist() for i in range(2)] + [np.flipud(a[i]).ravel().tolist() for i in range(2)]))", values(x)) as number[][];
    expect(values(randomFlip({ p: 1 }).apply(x, new Random(0)))).toEqual([...ref[0]!, ...ref[1]!]);
    expect(values(randomFlip({ p: 1, direction: "vertical" }).apply(x, new Random(0)))).toEqual([...ref[2]!, ...ref[3]!]);
    expect(values(randomFlip({ p: 0 }).apply(x, new Random(0)))).toEqual(values(x));
    const coins = new Random(5);
    const expected = [0, 1].flatMap((i) => (coins.random() < 0.5 ? ref[i]! : values(x).slice(i * 12, i * 12 + 12)));
    expect(values(randomFlip().apply(x, new Random(5)))).toEqual(expected);
  });

  it("randomCrop: the image padded with fill, sliced back at offsets drawn from the generator (numpy pad + slice)", () => {
    const x = numbered(3, 4, 5);
    const draws = new Random(7);
    const offsets = [0, 1, 2].map(() => [draws.randint(5), draws.randint(5)]);
    const ref = python("import json,sys,numpy as np; d=json.load(sys.stdin); a=np.array(d['x']).reshape(3,4,5); p=np.pad(a,((0,0),(2,2),(2,2)),constant_values=-1); print(json.dumps(np.stack([p[i,t:t+4,l:l+5] for i,(t,l) in enumerate(d['o'])]).ravel().tolist()))", { x: values(x), o: offsets });
    expect(values(randomCrop({ padding: 2, fill: -1 }).apply(x, new Random(7)))).toEqual(ref);
    expect(values(randomCrop({ padding: 0 }).apply(x, new Random(7)))).toEqual(values(x));
  });

  it("randomRotation: ±90° are numpy's rot90 both ways (counter-clockwise positive, as torchvision), 0° the identity", () => {
    const x = numbered(1, 5, 5);
    const ref = python("import json,sys,numpy as np; a=np.array(json.load(sys.stdin)).reshape(5,5); print(json.dumps([np.rot90(a,1).ravel().tolist(), np.rot90(a,-1).ravel().tolist()]))", values(x)) as number[][];
    const fixed = (u: number) => ({ random: () => u }) as unknown as Random;
    expect(values(randomRotation({ degrees: 90 }).apply(x, fixed(1)))).toEqual(ref[0]);
    expect(values(randomRotation({ degrees: 90 }).apply(x, fixed(0)))).toEqual(ref[1]);
    expect(values(randomRotation({ degrees: 0 }).apply(x, new Random(1)))).toEqual(values(x));
    // 45° leaves the corners uncovered: they take the fill value.
    const turned = values(randomRotation({ degrees: 45, fill: -7 }).apply(x, fixed(1)));
    expect(turned[0]).toBe(-7);
    expect(turned[12]).toBe(13); // the centre pixel stays
  });

  it("randomErasing: with p = 1 one rectangle per image set to value, its share of the image within scale; p = 0 the identity", () => {
    const x = tf.ones([40, 10, 10, 1]) as tf.Tensor4D;
    const out = values(randomErasing({ p: 1, scale: [0.1, 0.3], ratio: [0.5, 2], value: 0 }).apply(x, new Random(3)));
    for (let i = 0; i < 40; i++) {
      const img = out.slice(i * 100, i * 100 + 100);
      const erased = img.map((v, k) => (v === 0 ? k : -1)).filter((k) => k >= 0);
      expect(erased.length).toBeGreaterThan(0);
      const rows = new Set(erased.map((k) => Math.floor(k / 10)));
      const cols = new Set(erased.map((k) => k % 10));
      expect(rows.size * cols.size).toBe(erased.length); // a full rectangle
      // Rounding the sides moves the area by at most about one row and one column.
      expect(erased.length).toBeGreaterThanOrEqual(100 * 0.1 - 7);
      expect(erased.length).toBeLessThanOrEqual(100 * 0.3 + 7);
    }
    expect(values(randomErasing({ p: 0 }).apply(x, new Random(3)))).toEqual(values(x));
  });

  it("augmentImages composes in order, repeats with a seed and leaves its input alone", () => {
    const x = numbered(4, 6, 6);
    const before = values(x);
    const pipeline = [randomFlip(), randomCrop({ padding: 1 }), randomRotation({ degrees: 20 }), randomErasing({ p: 0.5 })];
    const a = values(augmentImages(x, pipeline, { randomState: 11 }));
    expect(values(augmentImages(x, pipeline, { randomState: 11 }))).toEqual(a);
    expect(values(augmentImages(x, pipeline, { randomState: 12 }))).not.toEqual(a);
    expect(values(x)).toEqual(before);
    expect(values(augmentImages(x, [], { randomState: 0 }))).toEqual(before);
  });

  it("mixupImages: one λ ~ Beta(α, α) per batch (scipy's kstest), images and labels mixed with the same partner", () => {
    const x = numbered(6, 2, 2);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], "int32"), 3).toFloat() as tf.Tensor2D;
    const { images, labels, lambda, partner } = mixupImages(x, y, { alpha: 0.4, randomState: 2 });
    const xv = values(x);
    const yv = values(y);
    const im = values(images);
    const lb = values(labels);
    for (let i = 0; i < 6; i++) {
      for (let k = 0; k < 4; k++) expect(im[i * 4 + k]).toBeCloseTo(lambda * xv[i * 4 + k]! + (1 - lambda) * xv[partner[i]! * 4 + k]!, 4);
      for (let k = 0; k < 3; k++) expect(lb[i * 3 + k]).toBeCloseTo(lambda * yv[i * 3 + k]! + (1 - lambda) * yv[partner[i]! * 3 + k]!, 6);
    }
    const rng = new Random(9);
    const lambdas = Array.from({ length: 2000 }, () => mixupImages(tf.zeros([2, 1, 1, 1]) as tf.Tensor4D, tf.zeros([2, 2]) as tf.Tensor2D, { alpha: 0.4, randomState: rng }).lambda);
    const p = python("import json,sys; from scipy import stats; print(json.dumps(stats.kstest(json.load(sys.stdin), 'beta', args=(0.4, 0.4)).pvalue))", lambdas) as number;
    expect(p).toBeGreaterThan(0.001);
  });

  it("refuses bad arguments by name and value", () => {
    expect(() => randomFlip({ p: 2 })).toThrow(/randomFlip: 'p' must be a probability in \[0, 1\]; got 2/);
    expect(() => randomFlip({ direction: "diagonal" as "horizontal" })).toThrow(/'direction'.*got diagonal/);
    expect(() => randomCrop({ padding: 1.5 })).toThrow(/randomCrop: 'padding' must be an integer >= 0; got 1.5/);
    expect(() => randomRotation({ degrees: 270 })).toThrow(/randomRotation: 'degrees' must be a number in \[0, 180\]; got 270/);
    expect(() => randomErasing({ scale: [0.5, 0.1] })).toThrow(/randomErasing: 'scale' must be \[low, high\].*got \[0.5,0.1\]/);
    expect(() => augmentImages(tf.zeros([2, 2]) as unknown as tf.Tensor4D, [])).toThrow(/augmentImages: 'images' must be a tf.Tensor4D.*got a rank-2 tensor/);
    expect(() => augmentImages(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, [{}] as never)).toThrow(/augmentImages: 'transforms' must be an array of ImageTransform/);
    expect(() => mixupImages(tf.zeros([2, 2, 2, 1]) as tf.Tensor4D, tf.zeros([3, 2]) as tf.Tensor2D)).toThrow(/mixupImages: 'labels' must be a one-hot tf.Tensor2D with one row per image \(2\); got shape \[3, 2\]/);
    expect(() => mixupImages(tf.zeros([2, 2, 2, 1]) as tf.Tensor4D, tf.zeros([2, 2]) as tf.Tensor2D, { alpha: 0 })).toThrow(/mixupImages: 'alpha' must be a finite number > 0; got 0/);
  });
});

describe("noiseInjection", () => {
  it("keeps the rows, adds copies of the chosen labels with noise of scale · σ per feature", () => {
    const rng = new Random(1);
    const rows = 400;
    const X = { data: Float64Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? 10 : 1) * rng.normal()), rows, cols: 2 };
    const y = Int32Array.from({ length: rows }, (_, i) => (i < 100 ? 1 : 0));
    const { X: Xa, y: ya } = noiseInjection(X, y, { copies: 3, scale: 0.2, labels: [1], randomState: 4 });
    expect(Xa.rows).toBe(rows + 300);
    expect(Array.from(Xa.data.subarray(0, rows * 2))).toEqual(Array.from(X.data));
    expect(Array.from(ya.subarray(rows)).every((v) => v === 1)).toBe(true);
    const sd = [0, 1].map((j) => {
      const col = Array.from({ length: rows }, (_, i) => X.data[i * 2 + j]!);
      const m = col.reduce((a, b) => a + b) / rows;
      return Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / rows);
    });
    for (const j of [0, 1]) {
      const diffs = Array.from({ length: 300 }, (_, c) => Xa.data[(rows + c) * 2 + j]! - X.data[(c % 100) * 2 + j]!);
      const s = Math.sqrt(diffs.reduce((a, b) => a + b * b, 0) / diffs.length);
      expect(s / (0.2 * sd[j]!)).toBeGreaterThan(0.85);
      expect(s / (0.2 * sd[j]!)).toBeLessThan(1.15);
    }
    expect(noiseInjection(X, y, { copies: 3, scale: 0.2, labels: [1], randomState: 4 }).X.data).toEqual(Xa.data);
  });

  it("refuses bad arguments by name and value", () => {
    const X = { data: new Float64Array(4), rows: 2, cols: 2 };
    expect(() => noiseInjection(X, [0], {})).toThrow(/noiseInjection: 'y' must have one label per row of X \(2\); got 1/);
    expect(() => noiseInjection(X, [0, 1], { copies: -1 })).toThrow(/'copies' must be an integer >= 0; got -1/);
    expect(() => noiseInjection(X, [0, 1], { scale: Number.NaN })).toThrow(/'scale' must be a finite number >= 0; got NaN/);
    expect(() => noiseInjection({ data: [1, 2] } as never, [0, 1])).toThrow(/noiseInjection: 'X' must be \{ data: Float64Array, rows, cols \}/);
  });
});

describe("expectedCalibrationError", () => {
  it("equals Guo et al.'s ECE as numpy computes it on the same inputs (15 and 10 bins, confidences on bin edges)", () => {
    const rng = new Random(8);
    const n = 500;
    const proba = Array.from({ length: n }, () => {
      const raw = [rng.random(), rng.random(), rng.random() * 3];
      const s = raw.reduce((a, b) => a + b);
      return raw.map((v) => v / s);
    });
    proba.push([0.3, 0.7, 0], [0.4, 0.6, 0], [0.5, 0.5, 0], [1, 0, 0]); // confidences exactly on edges
    const yTrue = proba.map(() => rng.randint(3));
    const code = `import json,sys,numpy as np
d=json.load(sys.stdin); p=np.array(d['p']); y=np.array(d['y']); out=[]
for nb in (15, 10):
    conf=p.max(1); pred=p.argmax(1); acc=(pred==y); e=np.linspace(0,1,nb+1); ece=0.0
    for lo,hi in zip(e[:-1],e[1:]):
        m=(conf>lo)&(conf<=hi)
        if m.any(): ece+=m.mean()*abs(acc[m].mean()-conf[m].mean())
    out.append(ece)
print(json.dumps(out))`;
    const [ref15, ref10] = python(code, { p: proba, y: yTrue }) as number[];
    expect(expectedCalibrationError(yTrue, proba)).toBeCloseTo(ref15!, 12);
    expect(expectedCalibrationError(yTrue, proba, { nBins: 10 })).toBeCloseTo(ref10!, 12);
    const dense = { data: Float64Array.from(proba.flat()), rows: proba.length, cols: 3 };
    expect(expectedCalibrationError(yTrue, dense, { nBins: 10 })).toBeCloseTo(ref10!, 12);
    // Perfectly confident and right: zero.
    expect(expectedCalibrationError([0, 1], [[1, 0], [0, 1]])).toBe(0);
  });

  it("refuses bad arguments by name and value", () => {
    expect(() => expectedCalibrationError([0], [[0.5, 0.5]], { nBins: 0 })).toThrow(/The 'nBins' parameter of expectedCalibrationError must be an integer >= 1. Got 0 instead/);
    expect(() => expectedCalibrationError([0, 1], [[0.5, 0.5]])).toThrow(/'yTrue' must have one label per row of yProba \(1\); got 2/);
    expect(() => expectedCalibrationError([2], [[0.5, 0.5]])).toThrow(/yTrue\[0\] must be a class index in \[0, 1\]; got 2/);
    expect(() => expectedCalibrationError([0], [[1.5, 0.5]])).toThrow(/yProba\[0\] must hold probabilities in \[0, 1\]; got 1.5/);
    expect(() => expectedCalibrationError([0], [[0.5, 0.5]], { bins: 3 } as never)).toThrow(/bins/);
  });
});

describe("makeShapes and trainWithAugmentation", () => {
  it("makeShapes: balanced labels, the same images for the same seed, refused bad sizes", () => {
    const a = makeShapes({ nSamples: 40, size: 8, randomState: 3 });
    expect(a.shape).toEqual([40, 8, 8, 1]);
    expect([0, 1, 2, 3].map((c) => a.labels.filter((l) => l === c).length)).toEqual([10, 10, 10, 10]);
    expect(makeShapes({ nSamples: 40, size: 8, randomState: 3 }).images).toEqual(a.images);
    expect(() => makeShapes({ size: 4 })).toThrow(/makeShapes: 'size' must be an integer >= 8; got 4/);
    expect(() => makeShapes({ nSamples: 0 })).toThrow(/'nSamples' must be an integer >= 1; got 0/);
  });

  it("trains a small CNN with augmentation and mixup: the same seed gives the same losses and model, and the loss falls", async () => {
    const data = makeShapes({ nSamples: 64, size: 8, noise: 0.05, randomState: 1 });
    const x = tf.tensor4d(data.images, data.shape);
    const build = () => {
      const m = tf.sequential();
      m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      return m;
    };
    const options = { epochs: 6, batchSize: 16, transforms: [randomFlip(), randomCrop({ padding: 1 })], mixupAlpha: 0.2, randomState: 5 };
    const m1 = build();
    const l1 = await trainWithAugmentation(m1, x, data.labels, options);
    const m2 = build();
    const l2 = await trainWithAugmentation(m2, x, data.labels, options);
    expect(l2).toEqual(l1);
    expect(l1.at(-1)!).toBeLessThan(l1[0]!);
    const p1 = predictProbabilities(m1, x);
    expect(Array.from(predictProbabilities(m2, x).data)).toEqual(Array.from(p1.data));
    expect(p1.cols).toBe(4);
    for (let i = 0; i < p1.rows; i++) expect(p1.data[i * 4]! + p1.data[i * 4 + 1]! + p1.data[i * 4 + 2]! + p1.data[i * 4 + 3]!).toBeCloseTo(1, 5);
    await expect(trainWithAugmentation(m1, x, data.labels.subarray(1), {})).rejects.toThrow(/trainWithAugmentation: 'labels' must have one class index per image \(64\); got 63/);
    await expect(trainWithAugmentation(m1, x, Int32Array.from(data.labels, () => 9), {})).rejects.toThrow(/labels\[0\] must be a class index in \[0, 3\] \(the model has 4 outputs\); got 9/);
    await expect(trainWithAugmentation(m1, x, data.labels, { mixupAlpha: -1 })).rejects.toThrow(/'mixupAlpha' must be a finite number > 0; got -1/);
  }, 120_000);
});
