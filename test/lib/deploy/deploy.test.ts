/** Saved models with manifests, and the prediction server: validation, dynamic batching, back-pressure, drain. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { loadSavedModel, saveModel, serve, type LoadedModel } from "../../../lib/deploy/index.js";
import { HistGradientBoostingClassifier } from "../../../lib/ensemble/index.js";

const dir = mkdtempSync(join(tmpdir(), "mlsd-deploy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend("cpu");
});

const { X, y } = makeClassification({ nSamples: 500, nFeatures: 3, nInformative: 2, nRedundant: 0, randomState: 1 });
const rows = Array.from({ length: 500 }, (_, i) => Array.from(X.data.subarray(i * 3, (i + 1) * 3)));
const inputs = [{ name: "a", type: "number" as const }, { name: "b", type: "number" as const }, { name: "c", type: "number" as const }];
const asInstance = (r: number[]) => ({ a: r[0], b: r[1], c: r[2] });

describe("saveModel and loadSavedModel", () => {
  it("round-trips an estimator and a tfjs model with their manifest; never overwrites a version", async () => {
    const hgb = new HistGradientBoostingClassifier({ maxIter: 20, randomState: 0 }).fit(rows, Array.from(y));
    await saveModel(hgb, join(dir, "hgb", "1"), { version: "1", inputs, outputs: ["p(class 0)", "p(class 1)"], metrics: { accuracy: hgb.score(rows, Array.from(y)) } });
    const loaded = await loadSavedModel(join(dir, "hgb", "1"));
    expect(loaded.manifest).toMatchObject({ kind: "estimator", version: "1", outputs: ["p(class 0)", "p(class 1)"] });
    expect(await loaded.predict(rows.slice(0, 5))).toEqual(hgb.predictProba(rows.slice(0, 5)));
    await expect(saveModel(hgb, join(dir, "hgb", "1"), { version: "1", inputs, outputs: [] })).rejects.toThrow("versions are never overwritten");

    const net = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: "relu" }), tf.layers.dense({ units: 1, activation: "sigmoid" })] });
    await saveModel(net, join(dir, "net", "1"), { version: "1", inputs, outputs: ["p(class 1)"] });
    const back = await loadSavedModel(join(dir, "net", "1"));
    const want = (net.predict(tf.tensor2d(rows.slice(0, 5))) as tf.Tensor).arraySync() as number[][];
    (await back.predict(rows.slice(0, 5))).forEach((r, i) => expect(r[0]).toBeCloseTo(want[i]![0]!, 6));
  });
});

describe("toRow", () => {
  it("takes objects or arrays in the manifest's order, and null only where a field is nullable", async () => {
    const { toRow } = await import("../../../lib/deploy/index.js");
    const fields = [{ name: "a", type: "number" as const, nullable: true }, { name: "b", type: "string" as const, values: ["x", "y"] }, { name: "c", type: "boolean" as const }];
    expect(toRow({ a: 1.5, b: "y", c: true }, fields)).toEqual([1.5, 1, 1]);
    expect(toRow([null, "x", false], fields)).toEqual([NaN, 0, 0]);
    expect(() => toRow([1, "x"], fields)).toThrow("the instance has 2 values; the model takes 3 (a, b, c)");
    expect(() => toRow({ a: 1, b: "z", c: true }, fields)).toThrow("field 'b' must be one of x, y; got \"z\"");
    expect(() => toRow({ a: 1, b: "x", c: null }, fields)).toThrow("field 'c' must be true or false; got null");
    expect(() => toRow({ a: 1, b: "x" }, fields)).toThrow("field 'c' is missing");
    expect(() => toRow("row", fields)).toThrow("each instance must be an object with fields a, b, c, or an array of their values; got \"row\"");
  });
});

describe("serve", () => {
  const slow = (m: LoadedModel, ms: number): LoadedModel => ({ manifest: m.manifest, predict: async (r) => (await new Promise((res) => setTimeout(res, ms)), m.predict(r)) });
  const post = (url: string, body: unknown) => fetch(`${url}/predict`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });

  it("answers predictions, batching concurrent requests, and exposes health, readiness and Prometheus metrics", async () => {
    const model = await loadSavedModel(join(dir, "hgb", "1"));
    const s = await serve(model, { port: 0, maxBatchSize: 8, maxQueueDelayMs: 20 });
    try {
      const responses = await Promise.all(rows.slice(0, 24).map((r) => post(s.url, { instances: [asInstance(r)] })));
      const bodies = (await Promise.all(responses.map((r) => r.json()))) as { predictions: number[][] }[];
      expect(responses.every((r) => r.status === 200)).toBe(true);
      const want = await model.predict(rows.slice(0, 24));
      bodies.forEach((b, i) => expect(b.predictions).toEqual([want[i]]));
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      const calls = Number(/mlsd_batch_size_count (\d+)/.exec(metrics)![1]);
      expect(calls).toBeLessThan(24); // requests shared model calls
      expect(metrics).toMatch(/mlsd_requests_total\{code="200"\} 24/);
      expect(metrics).toMatch(/mlsd_request_latency_seconds_bucket\{le="\+Inf"\} 24/);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    } finally {
      await s.close();
    }
  });

  it("rejects invalid requests with 400 and the reason", async () => {
    const s = await serve(await loadSavedModel(join(dir, "hgb", "1")), { port: 0 });
    try {
      const cases: [unknown, RegExp][] = [
        [{ instances: [{ a: 1, b: 2 }] }, /instance 0: field 'c' is missing/],
        [{ instances: [{ a: 1, b: "x", c: 3 }] }, /instance 0: field 'b' must be a finite number; got "x"/],
        [{ instances: [{ a: 1, b: 2, c: 3, d: 4 }] }, /unknown field 'd'/],
        [{ rows: [] }, /the body must be \{"instances"/],
        ["not json", /the body is not JSON/],
      ];
      for (const [body, message] of cases) {
        const r = await post(s.url, body);
        expect(r.status).toBe(400);
        expect(((await r.json()) as { error: string }).error).toMatch(message);
      }
      expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  it("answers a request whose delay timer fired while the model was busy with the batch before it", async () => {
    // A 60 ms model, a 5 ms delay: A's batch starts at 5 ms; B arrives at 15 ms, its timer fires at 20 ms while
    // A's batch runs, and B must still be served when that batch is done.
    const s = await serve(slow(await loadSavedModel(join(dir, "hgb", "1")), 60), { port: 0, maxBatchSize: 4, maxQueueDelayMs: 5 });
    try {
      const a = post(s.url, { instances: [asInstance(rows[0]!)] });
      await new Promise((r) => setTimeout(r, 15));
      const b = post(s.url, { instances: [asInstance(rows[1]!)] });
      const timeout = new Promise<string>((r) => setTimeout(() => r("timed out"), 3000));
      expect(await Promise.race([a.then((r) => r.status), timeout])).toBe(200);
      expect(await Promise.race([b.then((r) => r.status), timeout])).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("answers 429 when the queue is full, and drains queued requests on close", async () => {
    const s = await serve(slow(await loadSavedModel(join(dir, "hgb", "1")), 150), { port: 0, maxBatchSize: 2, maxQueueDelayMs: 50, maxQueueSize: 3 });
    const pending = rows.slice(0, 8).map((r) => post(s.url, { instances: [asInstance(r)] }));
    // Let every request reach the server: two in the model, up to three queued, the rest refused.
    await new Promise((r) => setTimeout(r, 100));
    const closing = s.close();
    expect((await fetch(`${s.url}/readyz`).catch(() => ({ status: 503 }))).status).toBe(503);
    const statuses = await Promise.all(pending.map((p) => p.then((r) => r.status)));
    await closing;
    expect(statuses.filter((c) => c === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((c) => c === 200).length).toBeGreaterThanOrEqual(3);
    expect(statuses.every((c) => c === 200 || c === 429)).toBe(true); // everything accepted was answered
  });
});

describe("mlsd serve", () => {
  it("serves a saved model from the command line and exits cleanly on SIGTERM", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["dist/kernel/cli.js", "serve", "--model", join(dir, "hgb", "1"), "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        const m = /on (http:\/\/\S+)/.exec(String(d));
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`mlsd serve exited early with ${code}`)));
    });
    const r = await fetch(`${url}/predict`, { method: "POST", body: JSON.stringify({ instances: [asInstance(rows[0]!)] }) });
    expect(r.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const bad = spawn(process.execPath, ["dist/kernel/cli.js", "serve", "--model", dir, "--max-batch-size", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    bad.stderr.on("data", (d: Buffer) => (err += String(d)));
    await new Promise((resolve) => bad.once("exit", resolve));
    expect(err).toContain("--max-batch-size must be an integer >= 1; got '0'");
  }, 30_000);
});

describe("batch prediction", () => {
  it("scores a Parquet file in chunks, in order, and never leaves a partial output", async () => {
    const { batchPredict } = await import("../../../lib/deploy/index.js");
    const { writeTable, readTable } = await import("../../../lib/data/index.js");
    const { tableFromArrays } = await import("apache-arrow");
    const { existsSync, readFileSync, writeFileSync } = await import("node:fs");
    const input = join(dir, "in.parquet");
    await writeTable(tableFromArrays({ a: Float64Array.from(rows, (r) => r[0]!), b: Float64Array.from(rows, (r) => r[1]!), c: Float64Array.from(rows, (r) => r[2]!), id: Int32Array.from(rows, (_, i) => i) }), input);
    const model = await loadSavedModel(join(dir, "hgb", "1"));
    const output = join(dir, "scored.parquet");
    expect(await batchPredict(model, { input, output, chunkRows: 120, progress: false })).toEqual({ rows: 500, chunks: 5 });
    const scored = await readTable(output);
    expect(scored.schema.fields.map((f) => f.name)).toEqual(["a", "b", "c", "id", "p(class 0)", "p(class 1)"]);
    expect(Array.from(scored.getChild("id")!.toArray() as Int32Array)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const want = await model.predict(rows);
    expect(Array.from(scored.getChild("p(class 1)")!.toArray() as Float64Array)).toEqual(want.map((p) => p[1]));
    // A model that fails on the third chunk: the earlier output stays as it was, and nothing is staged behind.
    const before = readFileSync(output);
    let calls = 0;
    const failing = { manifest: model.manifest, predict: async (r: number[][]) => (++calls === 3 ? Promise.reject(new Error("GPU fell over")) : model.predict(r)) };
    await expect(batchPredict(failing, { input, output, chunkRows: 120, progress: false })).rejects.toThrow("GPU fell over");
    expect(readFileSync(output)).toEqual(before);
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(dir).filter((f) => f.startsWith(".mlsd-predict-") || f.includes(".tmp-"))).toEqual([]);
    writeFileSync(join(dir, "bad.csv"), "a,b\n1,2\n");
    await expect(batchPredict(model, { input: join(dir, "bad.csv"), output: join(dir, "x.parquet"), progress: false })).rejects.toThrow(/row 0 of '.*bad.csv': field 'c' is missing/);
    expect(existsSync(join(dir, "x.parquet"))).toBe(false);
  });
});
