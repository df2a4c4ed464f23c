/**
 * ONNX export parity: onnxruntime-node runs the exported graph on held-out rows and must give mlsd's classes
 * exactly and its probabilities / regression values within 1e-5 (the inputs are float32, as in skl2onnx's
 * converted scikit-learn models, so the rows are float32 values).
 */
import { execFileSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { floorFloat32, toOnnx } from "../../../lib/deploy/onnx/export.js";
import {
  AdaBoostClassifier,
  BaggingClassifier,
  BaggingRegressor,
  BalancedBaggingClassifier,
  BalancedRandomForestClassifier,
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
  RandomForestClassifier,
  RandomForestRegressor,
} from "../../../lib/ensemble/index.js";
import { LogisticRegression } from "../../../lib/linear/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const d = 4;
function data(nClasses: number, seed: number) {
  const { X, y } = makeClassification({ nSamples: 400, nFeatures: d, nInformative: 3, nRedundant: 0, nClasses, randomState: seed });
  // float32 values, so mlsd's float64 comparisons and ONNX's float32 ones see the same numbers
  const rows = Array.from({ length: 400 }, (_, i) => Array.from(X.data.subarray(i * d, (i + 1) * d), Math.fround));
  const labels = Array.from(y as ArrayLike<number>);
  return { train: rows.slice(0, 300), yTrain: labels.slice(0, 300), test: rows.slice(300), yReg: labels.map((v, i) => v + rows[i]![0]! * 2) };
}

async function run(bytes: Uint8Array, rows: number[][]): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor("float32", Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);
  return session.run({ input });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

type Clf = { fit(X: number[][], y: number[]): unknown; predict(X: number[][]): ArrayLike<number>; predictProba(X: number[][]): number[][] | Float64Array };

const classifiers: [string, () => Clf][] = [
  ["DecisionTreeClassifier", () => new DecisionTreeClassifier({ maxDepth: 6, randomState: 0 }) as unknown as Clf],
  ["RandomForestClassifier", () => new RandomForestClassifier({ nEstimators: 15, maxDepth: 6, randomState: 0 }) as unknown as Clf],
  ["BalancedRandomForestClassifier", () => new BalancedRandomForestClassifier({ nEstimators: 10, randomState: 0 }) as unknown as Clf],
  ["BaggingClassifier (maxFeatures 0.5)", () => new BaggingClassifier({ nEstimators: 8, maxFeatures: 0.5, randomState: 0 }) as unknown as Clf],
  ["BalancedBaggingClassifier", () => new BalancedBaggingClassifier({ nEstimators: 8, randomState: 0 }) as unknown as Clf],
  ["AdaBoostClassifier", () => new AdaBoostClassifier({ nEstimators: 20, randomState: 0 }) as unknown as Clf],
  ["HistGradientBoostingClassifier", () => new HistGradientBoostingClassifier({ maxIter: 20, randomState: 0 }) as unknown as Clf],
  ["LogisticRegression", () => new LogisticRegression() as unknown as Clf],
];

function probaRows(p: number[][] | Float64Array, n: number): number[] {
  return Array.isArray(p) ? p.flat() : Array.from(p).slice(0, n * (p.length / n));
}

describe("toOnnx classifiers: onnxruntime-node equals mlsd on held-out rows", () => {
  for (const k of [2, 3]) {
    for (const [name, make] of classifiers) {
      it(`${name}, ${k} classes`, async () => {
        const { train, yTrain, test } = data(k, 7 + k);
        const model = make();
        model.fit(train, yTrain);
        const out = await run(toOnnx(model), test);
        expect(Array.from(out.label!.data as BigInt64Array, Number)).toEqual(Array.from(model.predict(test)));
        expect(out.probabilities!.dims).toEqual([test.length, k]);
        expectClose(out.probabilities!.data as Float32Array, probaRows(model.predictProba(test), test.length));
      });
    }
  }
});

describe("toOnnx regressors", () => {
  const regs: [string, () => { fit(X: number[][], y: number[]): unknown; predict(X: number[][]): ArrayLike<number> }][] = [
    ["DecisionTreeRegressor", () => new DecisionTreeRegressor({ maxDepth: 6 })],
    ["RandomForestRegressor", () => new RandomForestRegressor({ nEstimators: 10, randomState: 0 })],
    ["BaggingRegressor", () => new BaggingRegressor({ nEstimators: 6, maxFeatures: 0.75, randomState: 0 })],
    ["HistGradientBoostingRegressor", () => new HistGradientBoostingRegressor({ maxIter: 30, randomState: 0 })],
  ];
  for (const [name, make] of regs) {
    it(name, async () => {
      const { train, yReg, test } = data(3, 3);
      const model = make();
      model.fit(train, yReg.slice(0, 300));
      const out = await run(toOnnx(model), test);
      expect(out.variable!.dims).toEqual([test.length, 1]);
      expectClose(out.variable!.data as Float32Array, Array.from(model.predict(test)), 1e-5);
    });
  }
});

describe("NaN handling (histogram gradient boosting's missing-value branch, as scikit-learn's)", () => {
  it("rows with NaN follow each split's learned direction", async () => {
    const { train, yTrain, test } = data(2, 11);
    const withNan = train.map((r, i) => (i % 5 === 0 ? [NaN, ...r.slice(1)] : r));
    const model = new HistGradientBoostingClassifier({ maxIter: 20, randomState: 0 }).fit(withNan, yTrain);
    const probe = test.map((r, i) => (i % 3 === 0 ? [NaN, r[1]!, NaN, r[3]!] : r));
    const out = await run(toOnnx(model), probe);
    expect(Array.from(out.label!.data as BigInt64Array, Number)).toEqual(Array.from(model.predict(probe)));
    expectClose(out.probabilities!.data as Float32Array, probaRows(model.predictProba(probe) as number[][], probe.length));
  });
});

describe("tfjs sequential dense networks", () => {
  it("relu hidden layer + softmax output", async () => {
    const net = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: "relu", inputShape: [d] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    const { test } = data(3, 5);
    const out = await run(toOnnx(net), test);
    const expected = (net.predict(tf.tensor2d(test)) as tf.Tensor).dataSync();
    expect(out.output!.dims).toEqual([test.length, 3]);
    expectClose(out.output!.data as Float32Array, expected);
  });
});

describe("refusals and the threshold rounding", () => {
  it("names the unsupported model", () => {
    class KMeansLike {
      nFeaturesIn_ = 2;
    }
    expect(() => toOnnx(new KMeansLike())).toThrow(/KMeansLike has no ONNX export/);
    expect(() => toOnnx(new DecisionTreeClassifier())).toThrow(/fitted mlsd estimator.*DecisionTreeClassifier/);
    const conv = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), tf.layers.dropout({ rate: 0.1 })] });
    expect(() => toOnnx(conv)).toThrow(/Dropout; only Dense layers/);
  });
  it("a split between adjacent float32 values decides as mlsd's (the midpoint threshold rounded down, not to nearest)", async () => {
    const ulp = 2 ** -23;
    const lo = 1 + ulp;
    const hi = 1 + 2 * ulp; // the midpoint 1 + 1.5 ulp rounds to nearest (even) as hi, which would send hi left
    const X = [[lo], [lo], [hi], [hi]];
    const tree = new DecisionTreeClassifier().fit(X, [0, 0, 1, 1]);
    const out = await run(toOnnx(tree), [[lo], [hi]]);
    expect(Array.from(tree.predict([[lo], [hi]]))).toEqual([0, 1]);
    expect(Array.from(out.label!.data as BigInt64Array, Number)).toEqual([0, 1]);
  });
  it("floorFloat32 gives the largest float32 not above x", () => {
    expect(floorFloat32(0.1)).toBe(Math.fround(0.1) > 0.1 ? 0.09999999403953552 : Math.fround(0.1));
    expect(floorFloat32(0.1)).toBeLessThanOrEqual(0.1);
    expect(floorFloat32(-0.1)).toBeLessThanOrEqual(-0.1);
    expect(floorFloat32(1.5)).toBe(1.5);
    expect(floorFloat32(Infinity)).toBe(Infinity);
  });
});

describe("saveModel(..., { format: 'onnx' }) and ONNX Runtime as the serving runtime", () => {
  it("saves model.onnx with the manifest inside and beside it; loadSavedModel and serve run it through onnxruntime-node", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { loadSavedModel, saveModel, serve } = await import("../../../lib/deploy/index.js");
    const dir = mkdtempSync(join(tmpdir(), "mlsd-onnx-"));
    try {
      const { train, yTrain, test } = data(2, 21);
      const model = new HistGradientBoostingClassifier({ maxIter: 15, randomState: 0 }).fit(train, yTrain);
      const inputs = ["a", "b", "c", "e"].map((name) => ({ name, type: "number" as const, nullable: true }));
      const manifest = await saveModel(model, join(dir, "1"), { format: "onnx", version: "1", inputs, outputs: ["p(0)", "p(1)"], metrics: { accuracy: 0.9 } });
      expect(manifest.kind).toBe("onnx");
      const bytes = readFileSync(join(dir, "1", "model.onnx"));
      const session = await ort.InferenceSession.create(bytes);
      expect(session.outputNames).toEqual(["label", "probabilities"]);
      // the manifest travels inside the file (metadata_props)
      expect(bytes.includes(Buffer.from("mlsd.manifest"))).toBe(true);
      expect(bytes.includes(Buffer.from('"accuracy":0.9'))).toBe(true);

      const loaded = await loadSavedModel(join(dir, "1"));
      expect(loaded.executionProviders).toEqual(["cpu"]);
      expectClose((await loaded.predict(test)).flat(), probaRows(model.predictProba(test) as number[][], test.length));

      const s = await serve(loaded, { port: 0 });
      try {
        const res = await fetch(`${s.url}/predict`, { method: "POST", body: JSON.stringify({ instances: [test[0], [null, 0.5, null, 1]] }) });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { predictions: number[][] };
        expectClose(body.predictions.flat(), probaRows(model.predictProba([test[0]!, [NaN, 0.5, NaN, 1]]) as number[][], 2));
      } finally {
        await s.close();
      }
      await expect(saveModel(model, join(dir, "2"), { format: "pmml" as "onnx", version: "2", inputs, outputs: [] })).rejects.toThrow(`'format' must be "mlsd" or "onnx"; got "pmml"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("mlsd serve and mlsd predict with an ONNX model", () => {
  it("report ONNX Runtime's execution providers; serve answers /v2 infer with mlsd's probabilities; predict scores a CSV", async () => {
    const { spawn } = await import("node:child_process");
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { saveModel } = await import("../../../lib/deploy/index.js");
    const { readTable } = await import("../../../lib/data/index.js");
    const dir = mkdtempSync(join(tmpdir(), "mlsd-onnx-cli-"));
    try {
      const { train, yTrain, test } = data(3, 4);
      const model = new RandomForestClassifier({ nEstimators: 5, randomState: 0 }).fit(train, yTrain);
      const inputs = ["a", "b", "c", "e"].map((name) => ({ name, type: "number" as const }));
      await saveModel(model, join(dir, "rf"), { format: "onnx", version: "3", inputs, outputs: ["p(0)", "p(1)", "p(2)"] });
      const child = spawn(process.execPath, ["dist/kernel/cli.js", "serve", "--model", join(dir, "rf"), "--port", "0", "--model-name", "rf"], { stdio: ["ignore", "pipe", "pipe"] });
      let log = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          log += String(d);
          const m = /on (http:\/\/\S+)/.exec(log);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`mlsd serve exited early with ${code}`)));
      });
      try {
        expect(log).toContain("ONNX Runtime (onnxruntime-node), execution providers cpu");
        const r = await fetch(`${url}/v2/models/rf/infer`, { method: "POST", body: JSON.stringify({ inputs: [{ name: "input", shape: [3, 4], datatype: "FP32", data: test.slice(0, 3) }] }) });
        expect(r.status).toBe(200);
        const body = (await r.json()) as { outputs: { data: number[]; shape: number[] }[] };
        expect(body.outputs[0]!.shape).toEqual([3, 3]);
        expectClose(body.outputs[0]!.data, probaRows(model.predictProba(test.slice(0, 3)) as number[][], 3));
        expect(((await (await fetch(`${url}/v2/models/rf`)).json()) as { platform: string }).platform).toBe("onnxruntime_onnx");
      } finally {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      const csv = join(dir, "in.csv");
      writeFileSync(csv, `a,b,c,e\n${test.slice(0, 10).map((r) => r.join(",")).join("\n")}\n`);
      const out = execFileSync(process.execPath, ["dist/kernel/cli.js", "predict", "--model", join(dir, "rf"), "--input", csv, "--output", join(dir, "out.parquet")], { encoding: "utf8" });
      expect(out).toContain("mlsd predict: ONNX Runtime (onnxruntime-node), execution providers cpu");
      expect(out).toContain("10 rows in 1 chunks");
      expect((await readTable(join(dir, "out.parquet"))).numRows).toBe(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("onnx.checker (the onnx Python package, Debian's python3-onnx) accepts every exported model", () => {
  let hasOnnx = false;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import onnx"], { stdio: "ignore" });
    hasOnnx = true;
  } catch {
    // reported by the skip below
  }
  it.skipIf(!hasOnnx)("check_model(full_check=True) on trees, boosting, logistic regression and a dense network (skipped without python3-onnx)", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "mlsd-onnx-check-"));
    try {
      const { train, yTrain } = data(3, 9);
      const models: unknown[] = [
        new RandomForestClassifier({ nEstimators: 3, randomState: 0 }).fit(train, yTrain),
        new HistGradientBoostingClassifier({ maxIter: 5, randomState: 0 }).fit(train, yTrain.map((v) => v % 2)),
        new HistGradientBoostingRegressor({ maxIter: 5 }).fit(train, yTrain),
        new LogisticRegression().fit(train, yTrain),
        tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: "tanh", inputShape: [d] }), tf.layers.dense({ units: 1 })] }),
      ];
      const paths = models.map((m, i) => {
        const p = join(dir, `m${i}.onnx`);
        writeFileSync(p, toOnnx(m));
        return p;
      });
      const script = "import onnx, sys\nfor p in sys.argv[1:]:\n    m = onnx.load(p)\n    onnx.checker.check_model(m, full_check=True)\n    print(m.graph.node[0].op_type)";
      const out = execFileSync("/usr/bin/python3", ["-c", script, ...paths], { encoding: "utf8" });
      expect(out.trim().split("\n")).toEqual(["TreeEnsembleRegressor", "TreeEnsembleRegressor", "TreeEnsembleRegressor", "MatMul", "MatMul"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
