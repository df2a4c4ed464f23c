/**
 * The Open Inference Protocol (KServe v2 / Triton) beside /predict: health, metadata, readiness and infer, checked
 * against the request and response examples of the spec (kserve/open-inference-protocol, "HTTP/REST"), and
 * malformed tensors answered with the spec's {"error": "..."} and 400, never a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { serve, type LoadedModel, type RunningServer } from "../../../lib/deploy/index.js";
import { HistGradientBoostingClassifier } from "../../../lib/ensemble/index.js";

const { X, y } = makeClassification({ nSamples: 300, nFeatures: 2, nInformative: 2, nRedundant: 0, randomState: 3 });
const rows = Array.from({ length: 300 }, (_, i) => [X.data[i * 2]!, X.data[i * 2 + 1]!]);
const hgb = new HistGradientBoostingClassifier({ maxIter: 10, randomState: 0 }).fit(rows, Array.from(y as ArrayLike<number>));
const model: LoadedModel = {
  manifest: { format: "mlsd-deploy", kind: "estimator", version: "1", inputs: [{ name: "a", type: "number", nullable: true }, { name: "b", type: "number" }], outputs: ["p(0)", "p(1)"], createdAt: "2026-01-01T00:00:00Z" },
  predict: async (r) => hgb.predictProba(r) as number[][],
};

let s: RunningServer;
beforeAll(async () => {
  s = await serve(model, { port: 0, modelName: "delay", maxBatchSize: 16, maxQueueDelayMs: 2 });
});
afterAll(async () => {
  await s.close();
});

const get = async (path: string) => {
  const res = await fetch(`${s.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const infer = async (body: unknown, path = "/v2/models/delay/infer") => {
  const res = await fetch(`${s.url}${path}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("health and metadata", () => {
  it("server live, ready and metadata; model metadata and ready; unknown models and versions are 404", async () => {
    expect(await get("/v2/health/live")).toEqual({ status: 200, body: { live: true } });
    expect(await get("/v2/health/ready")).toEqual({ status: 200, body: { ready: true } });
    expect(await get("/v2")).toEqual({ status: 200, body: { name: "mlsd", version: "0.1.0", extensions: ["binary_tensor_data"] } });
    const meta = { name: "delay", versions: ["1"], platform: "mlsd_estimator", inputs: [{ name: "a", datatype: "FP32", shape: [-1] }, { name: "b", datatype: "FP32", shape: [-1] }], outputs: [{ name: "output", datatype: "FP32", shape: [-1, 2] }] };
    expect(await get("/v2/models/delay")).toEqual({ status: 200, body: meta });
    expect(await get("/v2/models/delay/versions/1")).toEqual({ status: 200, body: meta });
    expect(await get("/v2/models/delay/ready")).toEqual({ status: 200, body: { name: "delay", ready: true } });
    expect(await get("/v2/models/other")).toEqual({ status: 404, body: { error: "unknown model 'other' (this server serves 'delay')" } });
    expect(await get("/v2/models/delay/versions/7/ready")).toEqual({ status: 404, body: { error: "unknown version '7' of model 'delay' (serving version 1)" } });
    expect((await get("/v2/models/delay/infer")).status).toBe(405);
  });
});

describe("infer", () => {
  it("answers the spec's example request shape: id echoed, named output tensor with shape, datatype and row-major data", async () => {
    const want = (hgb.predictProba([[1, 2], [3, 4]]) as number[][]).flat();
    const r = await infer({ id: "42", inputs: [{ name: "input", shape: [2, 2], datatype: "FP32", data: [[1, 2], [3, 4]] }], outputs: [{ name: "output" }] });
    expect(r).toEqual({ status: 200, body: { model_name: "delay", model_version: "1", id: "42", outputs: [{ name: "output", datatype: "FP32", shape: [2, 2], data: want }] } });
    // one tensor per manifest field, and the versioned route; null is a missing value for the nullable field
    const named = await infer({ inputs: [{ name: "a", shape: [2], datatype: "FP64", data: [1, null] }, { name: "b", shape: [2, 1], datatype: "INT32", data: [2, 4] }] }, "/v2/models/delay/versions/1/infer");
    expect(named.status).toBe(200);
    expect((named.body.outputs as { data: number[] }[])[0]!.data).toEqual((hgb.predictProba([[1, 2], [NaN, 4]]) as number[][]).flat());
    // the same rows through /predict give the same numbers
    const p = await fetch(`${s.url}/predict`, { method: "POST", body: JSON.stringify({ instances: [[1, 2], [3, 4]] }) });
    expect(((await p.json()) as { predictions: number[][] }).predictions.flat()).toEqual(want);
  });

  const bad: [string, unknown, string][] = [
    // The spec's own example declares input1 as shape [3] and sends one element.
    ["the spec example's short BOOL tensor", { id: "42", inputs: [{ name: "input0", shape: [2, 2], datatype: "UINT32", data: [1, 2, 3, 4] }, { name: "input1", shape: [3], datatype: "BOOL", data: [true] }] }, "input 'input1': shape [3] holds 3 elements; data has 1"],
    ["wrong shape", { inputs: [{ name: "input", shape: [2, 3], datatype: "FP32", data: [1, 2, 3, 4, 5, 6] }] }, "input 'input': shape must be [N, 2] (a, b); got [2,3]"],
    ["data not matching the shape", { inputs: [{ name: "input", shape: [2, 2], datatype: "FP32", data: [1, 2, 3] }] }, "input 'input': shape [2,2] holds 4 elements; data has 3"],
    ["unknown datatype", { inputs: [{ name: "input", shape: [1, 2], datatype: "FLOAT", data: [1, 2] }] }, "input 'input': datatype must be one of"],
    ["BYTES for a number", { inputs: [{ name: "input", shape: [1, 2], datatype: "BYTES", data: ["1", "2"] }] }, "input 'input': datatype BYTES is not numeric"],
    ["a fraction in an INT32 tensor", { inputs: [{ name: "a", shape: [1], datatype: "FP32", data: [1] }, { name: "b", shape: [1], datatype: "INT32", data: [1.5] }] }, "input 'b' [0]: INT32 data must be integers; got 1.5"],
    ["NaN (null) where the field is not nullable", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", data: [1, null] }] }, "input 'input' [0, 1]: null (a missing value) is not allowed for field 'b'"],
    ["NaN as a string", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", data: ["NaN", 1] }] }, "FP32 data must be finite numbers; got \"NaN\""],
    ["an unknown input", { inputs: [{ name: "a", shape: [1], datatype: "FP32", data: [1] }, { name: "c", shape: [1], datatype: "FP32", data: [1] }] }, "unknown input 'c'"],
    ["a missing input", { inputs: [{ name: "a", shape: [1], datatype: "FP32", data: [1] }] }, "input 'b' is missing"],
    ["an unknown requested output", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", data: [1, 2] }], outputs: [{ name: "probs" }] }, "unknown requested output"],
    ["no inputs", { inputs: [] }, "the body must be {\"inputs\""],
    ["a zero batch", { inputs: [{ name: "input", shape: [0, 2], datatype: "FP32", data: [] }] }, "the batch dimension is 0"],
    ["not JSON", "{inputs:", "the body is not JSON"],
  ];
  for (const [what, body, message] of bad) {
    it(`400 {"error"} for ${what}`, async () => {
      const r = await infer(body);
      expect(r.status).toBe(400);
      expect(Object.keys(r.body)).toEqual(["error"]);
      expect(r.body.error).toContain(message);
    });
  }
});

describe("limits shared with /predict", () => {
  it("429 when the queue is full, 413 over the body limit, every accepted request answered, responses in /metrics", async () => {
    const slow: LoadedModel = { manifest: model.manifest, predict: async (r) => (await new Promise((res) => setTimeout(res, 50)), model.predict(r)) };
    const t = await serve(slow, { port: 0, modelName: "delay", maxBatchSize: 2, maxQueueDelayMs: 1, maxQueueSize: 4, maxBodyBytes: 2000 });
    try {
      const one = { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", data: [1, 2] }] };
      const results = await Promise.all(Array.from({ length: 12 }, () => fetch(`${t.url}/v2/models/delay/infer`, { method: "POST", body: JSON.stringify(one) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }))));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((c) => c === 429).length).toBeGreaterThan(0);
      expect(statuses.every((c) => c === 200 || c === 429)).toBe(true);
      for (const r of results) if (r.status === 429) expect(r.body.error).toMatch(/^queue full/);
      const big = { inputs: [{ name: "input", shape: [2000, 2], datatype: "FP32", data: Array(4000).fill(1) }] };
      const res = await fetch(`${t.url}/v2/models/delay/infer`, { method: "POST", body: JSON.stringify(big) });
      expect(res.status).toBe(413);
      expect(Object.keys((await res.json()) as object)).toEqual(["error"]);
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/code="429"/);
      expect(metrics).toMatch(/code="413"/);
    } finally {
      await t.close();
    }
  });
});
