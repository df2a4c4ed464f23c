/** Losses against float64 references of their published formulas (torchvision's sigmoid_focal_loss, Cui et al.). */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { binaryCrossentropy, categoricalCrossentropy, classBalancedLoss, classBalancedWeights, combinedLoss, sigmoidFocalLoss, softmaxFocalLoss, trainClassifier } from "../../../lib/loss/index.js";
import { py } from "../../helpers/python.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const rng = new Random(11);
const logits = Array.from({ length: 64 }, () => rng.normal() * 4);
const targets = Array.from({ length: 64 }, () => (rng.random() < 0.3 ? 1 : 0));
const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** torchvision.ops.sigmoid_focal_loss, reduction "none", in float64 numpy. */
const torchvision = (alpha: number, gamma: number) =>
  py<number[]>(
    `
x = np.array(data["x"], dtype=np.float64); t = np.array(data["t"], dtype=np.float64)
p = 1 / (1 + np.exp(-x))
ce = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
p_t = p * t + (1 - p) * (1 - t)
loss = ce * ((1 - p_t) ** ${gamma})
if ${alpha} >= 0:
    loss = (${alpha} * t + (1 - ${alpha}) * (1 - t)) * loss
out = loss
`,
    { x: logits, t: targets },
  );

describe("sigmoidFocalLoss", () => {
  for (const [alpha, gamma] of [[0.25, 2], [0.5, 1], [-1, 3], [0.9, 0.5]] as const) {
    it(`equals torchvision's formula to 1e-6 (alpha ${alpha}, gamma ${gamma})`, () => {
      const ours = values(sigmoidFocalLoss({ alpha, gamma, reduction: "none" })(tf.tensor1d(targets), tf.tensor1d(logits)));
      torchvision(alpha, gamma).forEach((v, i) => expect(Math.abs(ours[i]! - v)).toBeLessThan(1e-6));
    });
  }

  it("with gamma 0 and alpha disabled equals cross-entropy", () => {
    const focal = values(sigmoidFocalLoss({ alpha: null, gamma: 0, reduction: "none" })(tf.tensor1d(targets), tf.tensor1d(logits)));
    const ce = values(binaryCrossentropy({ reduction: "none" })(tf.tensor1d(targets), tf.tensor1d(logits)));
    const tfjs = values(tf.losses.sigmoidCrossEntropy(tf.tensor1d(targets), tf.tensor1d(logits), undefined, 0, tf.Reduction.NONE));
    focal.forEach((v, i) => {
      expect(v).toBeCloseTo(ce[i]!, 6);
      expect(v).toBeCloseTo(tfjs[i]!, 5);
    });
  });

  it("down-weights easy examples: the mean loss falls as gamma grows", () => {
    const mean = (gamma: number) => sigmoidFocalLoss({ gamma, alpha: null })(tf.tensor1d(targets), tf.tensor1d(logits)).dataSync()[0]!;
    expect(mean(0)).toBeGreaterThan(mean(1));
    expect(mean(1)).toBeGreaterThan(mean(2));
  });

  it("refuses bad options and shapes, naming them", () => {
    expect(() => sigmoidFocalLoss({ gamma: -1 })).toThrow("sigmoidFocalLoss: 'gamma' must be a number >= 0; got -1.");
    expect(() => sigmoidFocalLoss({ alpha: 2 })).toThrow("'alpha' must be in [0, 1]");
    expect(() => sigmoidFocalLoss()(tf.tensor1d([1, 0]), tf.tensor2d([[1, 2], [3, 4]]))).toThrow("yPred must have shape [n] or [n, 1] for a binary loss; got [2, 2].");
  });
});

describe("categorical losses", () => {
  const k = 4;
  const Z = Array.from({ length: 32 }, () => Array.from({ length: k }, () => rng.normal() * 2));
  const labels = Array.from({ length: 32 }, () => rng.randint(k));
  const ref = py<{ ce: number[]; focal: number[] }>(
    `
z = np.array(data["z"]); y = np.array(data["y"])
logp = z - z.max(1, keepdims=True); logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
lp = logp[np.arange(len(y)), y]
w = np.array([1.0, 2.0, 0.5, 3.0])
out = {"ce": -lp * w[y], "focal": -(1 - np.exp(lp)) ** 2 * lp}
`,
    { z: Z, y: labels },
  );

  it("class-weighted categorical cross-entropy equals the float64 formula, from indices or one-hot targets", () => {
    const loss = categoricalCrossentropy({ classWeight: [1, 2, 0.5, 3], reduction: "none" });
    const a = values(loss(tf.tensor1d(labels, "int32"), tf.tensor2d(Z)));
    const b = values(loss(tf.oneHot(tf.tensor1d(labels, "int32"), k), tf.tensor2d(Z)));
    ref.ce.forEach((v, i) => {
      expect(Math.abs(a[i]! - v)).toBeLessThan(1e-5);
      expect(b[i]).toBeCloseTo(a[i]!, 6);
    });
  });

  it("softmax focal loss equals -(1 - p_y)^gamma log p_y", () => {
    const ours = values(softmaxFocalLoss({ gamma: 2, reduction: "none" })(tf.tensor1d(labels, "int32"), tf.tensor2d(Z)));
    ref.focal.forEach((v, i) => expect(Math.abs(ours[i]! - v)).toBeLessThan(1e-5));
  });

  it("class-balanced weights follow (1 - beta) / (1 - beta^n), normalised to k", () => {
    const w = classBalancedWeights([900, 100], 0.999);
    const raw = [(1 - 0.999) / (1 - 0.999 ** 900), (1 - 0.999) / (1 - 0.999 ** 100)];
    expect(w[0]).toBeCloseTo((2 * raw[0]!) / (raw[0]! + raw[1]!), 12);
    expect(w[0]! + w[1]!).toBeCloseTo(2, 12);
    expect(classBalancedWeights([900, 100], 0)).toEqual([1, 1]);
    expect(() => classBalancedWeights([10, 0], 0.9)).toThrow("'counts' must hold a positive count");
    const cb = classBalancedLoss({ counts: [10, 20, 30, 40], beta: 0.99, reduction: "none" });
    const cw = categoricalCrossentropy({ classWeight: classBalancedWeights([10, 20, 30, 40], 0.99), reduction: "none" });
    expect(values(cb(tf.tensor1d(labels, "int32"), tf.tensor2d(Z)))).toEqual(values(cw(tf.tensor1d(labels, "int32"), tf.tensor2d(Z))));
  });

  it("a combined loss is the weighted sum of its terms, each on its own output", () => {
    const ce = binaryCrossentropy();
    const focal = sigmoidFocalLoss();
    const a = tf.tensor1d(logits);
    const b = tf.tensor1d(logits.map((v) => -v / 2));
    const t = tf.tensor1d(targets);
    const loss = combinedLoss([{ loss: ce, weight: 0.7, output: 0, name: "quality" }, { loss: focal, weight: 0.3, output: 1, name: "engagement" }]);
    const expected = 0.7 * ce(t, a).dataSync()[0]! + 0.3 * focal(t, b).dataSync()[0]!;
    expect(loss([t, t], [a, b]).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(Object.keys(loss.components([t, t], [a, b]))).toEqual(["quality", "engagement"]);
    expect(() => combinedLoss([{ loss: ce, weight: 0.5, output: 2 }])([t], [a])).toThrow("terms[0] reads target 2, but there are only 1.");
  });
});

describe("trainClassifier", () => {
  // Two Gaussian blobs, 10 % positives.
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 600; i++) {
    const pos = i % 10 === 0;
    X.push([rng.normal() + (pos ? 2.5 : 0), rng.normal() + (pos ? 2.5 : 0)]);
    y.push(pos ? 1 : 0);
  }
  const makeModel = (units: number) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 8, activation: "relu", inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    m.add(tf.layers.dense({ units, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    return m;
  };

  it("learns with focal loss, reports the loss per epoch and stops early", async () => {
    const model = makeModel(1);
    const h = await trainClassifier(model, X.slice(0, 500), y.slice(0, 500), { loss: sigmoidFocalLoss(), epochs: 60, batchSize: 32, optimizer: 0.02, validationData: [X.slice(500), y.slice(500)], earlyStopping: { patience: 4 }, randomState: 0, progress: false });
    expect(h.loss[h.loss.length - 1]).toBeLessThan(h.loss[0]!);
    expect(h.valLoss).toHaveLength(h.epochs);
    expect(h.epochs).toBeLessThanOrEqual(60);
    const p = (model.predict(tf.tensor2d(X.slice(500))) as tf.Tensor).dataSync();
    let hit = 0;
    p.forEach((v, i) => (hit += (v > 0 ? 1 : 0) === y[500 + i] ? 1 : 0));
    expect(hit / 100).toBeGreaterThan(0.9);
  });

  it("trains a k-unit softmax model on string labels with sample weights", async () => {
    const labels = y.map((v) => (v ? "fraud" : "ok"));
    const h = await trainClassifier(makeModel(2), X, labels, { epochs: 3, sampleWeight: y.map((v) => (v ? 9 : 1)), progress: false, randomState: 1 });
    expect(h.classes).toEqual(["fraud", "ok"]);
    expect(h.loss).toHaveLength(3);
  });

  it("trains only the model's own trainable layers: a frozen layer keeps its weights", async () => {
    const model = makeModel(1);
    model.layers[0]!.trainable = false;
    const before = Array.from(model.layers[0]!.getWeights()[0]!.dataSync());
    const after1 = Array.from(model.layers[1]!.getWeights()[0]!.dataSync());
    await trainClassifier(model, X, y, { epochs: 2, progress: false, randomState: 0 });
    expect(Array.from(model.layers[0]!.getWeights()[0]!.dataSync())).toEqual(before);
    expect(Array.from(model.layers[1]!.getWeights()[0]!.dataSync())).not.toEqual(after1);
    model.layers[1]!.trainable = false;
    await expect(trainClassifier(model, X, y, { progress: false })).rejects.toThrow("the model has no trainable weights");
  });

  it("reads the losses off the backend once per epoch, and they equal a read per batch (Keras' fit sums them likewise)", async () => {
    const options = { epochs: 2, batchSize: 50, optimizer: 0.01, randomState: 3, progress: false } as const;
    // Reads from the caller's side of tfjs (the CPU backend's kernels read their inputs through the backend too).
    const proto = tf.Tensor.prototype as unknown as Record<"data" | "dataSync" | "array" | "arraySync", (this: tf.Tensor) => unknown>;
    const originals = { data: proto.data, dataSync: proto.dataSync, array: proto.array, arraySync: proto.arraySync };
    let reads = 0;
    for (const [name, f] of Object.entries(originals)) proto[name as keyof typeof originals] = function (this: tf.Tensor) {
      reads++;
      return f.call(this);
    };
    let h;
    try {
      h = await trainClassifier(makeModel(1), X.slice(0, 500), y.slice(0, 500), options);
    } finally {
      Object.assign(proto, originals);
    }
    expect(reads).toBe(options.epochs);
    // The same training with the cost read after every batch, in float64 as the loop adds them.
    const model = makeModel(1);
    const order0 = new Random(3);
    const xt = tf.tensor2d(X.slice(0, 500));
    const yt = tf.tensor2d(y.slice(0, 500), [500, 1]);
    const optimizer = tf.train.adam(0.01);
    const loss = binaryCrossentropy();
    const expected: number[] = [];
    for (let e = 0; e < options.epochs; e++) {
      const order = order0.shuffle(Int32Array.from({ length: 500 }, (_, i) => i));
      let total = 0;
      for (let s = 0; s < 500; s += 50) {
        const idx = tf.tensor1d(order.subarray(s, s + 50), "int32");
        const cost = optimizer.minimize(() => loss(tf.gather(yt, idx), model.apply(tf.gather(xt, idx), { training: true }) as tf.Tensor) as tf.Scalar, true)!;
        total += cost.dataSync()[0]! * 50;
        tf.dispose([cost, idx]);
      }
      expected.push(total / 500);
    }
    tf.dispose([xt, yt]);
    expect(h.loss).toEqual(expected);
  });

  it("refuses a model whose outputs do not fit the classes, and bad options", async () => {
    await expect(trainClassifier(makeModel(3), X, y, { progress: false })).rejects.toThrow("The model has 3 output unit(s) but y has 2 classes");
    await expect(trainClassifier(makeModel(1), X, y, { epochs: 0 })).rejects.toThrow("'epochs' must be an integer >= 1; got 0.");
    await expect(trainClassifier(makeModel(1), X, y, { earlyStopping: { monitor: "valLoss" }, progress: false })).rejects.toThrow("needs validationData");
  });
});
