/**
 * The binary tensor data extension of the Open Inference Protocol, against the layout Triton's and KServe's
 * documentation give ("Binary Tensor Data Extension": the JSON header, Inference-Header-Content-Length bytes long,
 * then each binary input's bytes in input order, little-endian, row-major, no padding; BOOL one byte; BYTES a
 * 4-byte length before each element; outputs as binary when `binary_data` / `binary_data_output` ask for it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { serve, type LoadedModel, type RunningServer } from "../../../lib/deploy/index.js";
import { parseInferBody } from "../../../lib/deploy/oip-binary.js";
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

const f32 = (...v: number[]) => Buffer.from(Float32Array.from(v).buffer);
const f64 = (...v: number[]) => Buffer.from(Float64Array.from(v).buffer);
/** A request as the spec lays it out: the JSON, then the tensors' bytes; the header gives the JSON's length. */
async function post(header: unknown, ...blobs: Buffer[]) {
  const json = Buffer.from(JSON.stringify(header));
  const res = await fetch(`${s.url}/v2/models/delay/infer`, { method: "POST", headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(json.length) }, body: Buffer.concat([json, ...blobs]) });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe("binary tensor data extension", () => {
  it("reads binary inputs beside JSON ones and returns the requested output as binary, in the documented layout", async () => {
    const want = (hgb.predictProba([[0.5, -1.25], [2, 3]]) as number[][]).flat();
    const r = await post({ id: "7", inputs: [{ name: "a", shape: [2], datatype: "FP32", parameters: { binary_data_size: 8 } }, { name: "b", shape: [2], datatype: "FP64", data: [-1.25, 3] }], outputs: [{ name: "output", parameters: { binary_data: true } }] }, f32(0.5, 2));
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/octet-stream");
    const headerLength = Number(r.headers.get("inference-header-content-length"));
    const json = JSON.parse(r.body.toString("utf8", 0, headerLength)) as Record<string, unknown>;
    expect(json).toEqual({ model_name: "delay", model_version: "1", id: "7", outputs: [{ name: "output", datatype: "FP32", shape: [2, 2], parameters: { binary_data_size: 16 } }] });
    expect(r.body.length).toBe(headerLength + 16);
    const out = r.body.subarray(headerLength);
    expect(Array.from({ length: 4 }, (_, i) => out.readFloatLE(i * 4))).toEqual(want.map(Math.fround));
  });

  it("decodes every fixed-size datatype, FP16 included, into the same rows as JSON data", async () => {
    const json = async (data: number[]) => {
      const res = await fetch(`${s.url}/v2/models/delay/infer`, { method: "POST", body: JSON.stringify({ inputs: [{ name: "input", shape: [1, 2], datatype: "FP64", data }] }) });
      return ((await res.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data;
    };
    const expected = await json([1.5, -2]);
    // 1.5 = 0x3E00 and -2 = 0xC000 in IEEE half precision
    const fp16 = Buffer.alloc(4);
    fp16.writeUInt16LE(0x3e00, 0);
    fp16.writeUInt16LE(0xc000, 2);
    const i64 = Buffer.alloc(16);
    i64.writeBigInt64LE(1n, 0);
    i64.writeBigInt64LE(-2n, 8);
    for (const [datatype, blob, data] of [["FP16", fp16, [1.5, -2]], ["FP64", f64(1.5, -2), [1.5, -2]], ["INT64", i64, [1, -2]], ["INT8", Buffer.from([1, 0xfe]), [1, -2]]] as const) {
      const r = await post({ inputs: [{ name: "input", shape: [1, 2], datatype, parameters: { binary_data_size: blob.length } }] }, blob);
      expect(r.status, datatype).toBe(200);
      expect(r.headers.get("inference-header-content-length"), "JSON output unless asked").toBeNull();
      expect((JSON.parse(r.body.toString("utf8")) as { outputs: { data: number[] }[] }).outputs[0]!.data).toEqual(data[0] === 1.5 ? expected : await json([...data]));
    }
  });

  it("binary_data_output on the request makes every output binary; binary_data false on the output overrides it", async () => {
    const input = { name: "input", shape: [1, 2], datatype: "FP32", data: [1, 2] };
    const all = await post({ inputs: [input], parameters: { binary_data_output: true } });
    expect(Number(all.headers.get("inference-header-content-length"))).toBe(all.body.length - 8);
    const off = await post({ inputs: [input], parameters: { binary_data_output: true }, outputs: [{ name: "output", parameters: { binary_data: false } }] });
    expect(off.headers.get("inference-header-content-length")).toBeNull();
    expect((JSON.parse(off.body.toString("utf8")) as { outputs: { data: number[] }[] }).outputs[0]!.data).toEqual((hgb.predictProba([[1, 2]]) as number[][])[0]);
  });

  const bad: [string, unknown, Buffer, string][] = [
    ["a size that does not hold the shape", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", parameters: { binary_data_size: 4 } }] }, f32(1), "input 'input': binary_data_size 4 does not hold shape's 2 elements of FP32 (8 bytes)"],
    ["a size past the body", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", parameters: { binary_data_size: 8 } }] }, f32(1), "input 'input': binary_data_size 8 runs past the body (4 bytes left after the JSON header)"],
    ["bytes left over", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", data: [1, 2] }] }, f32(1), "the body has 4 bytes after the JSON header and the binary_data_size of its inputs"],
    ["both data and binary_data_size", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", data: [1, 2], parameters: { binary_data_size: 8 } }] }, f32(1, 2), "input 'input': has both data and binary_data_size; give one"],
    ["NaN in binary where the field is not nullable", { inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", parameters: { binary_data_size: 8 } }] }, f32(1, NaN), "input 'input' [0, 1]: FP32 data must be finite numbers; got null"],
    ["a BOOL byte other than 0 or 1", { inputs: [{ name: "input", shape: [1, 2], datatype: "BOOL", parameters: { binary_data_size: 2 } }] }, Buffer.from([1, 2]), "input 'input' [0, 1]: BOOL data must be true or false; got 2"],
    ["a 64-bit integer beyond 2^53", { inputs: [{ name: "input", shape: [1, 2], datatype: "UINT64", parameters: { binary_data_size: 16 } }] }, Buffer.alloc(16, 0xff), 'UINT64 data must be finite numbers; got "18446744073709551615"'],
  ];
  for (const [what, header, blob, message] of bad) {
    it(`400 {"error"} for ${what}, and the server goes on`, async () => {
      const r = await post(header, blob);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body.toString("utf8"))).toEqual({ error: expect.stringContaining(message) });
      expect((await fetch(`${s.url}/v2/health/ready`)).status).toBe(200);
    });
  }

  it("refuses a header length beyond the body, and reads BYTES elements by their 4-byte lengths", async () => {
    const res = await fetch(`${s.url}/v2/models/delay/infer`, { method: "POST", headers: { "inference-header-content-length": "999" }, body: "{}" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("Inference-Header-Content-Length must be an integer from 0 to the body's 2 bytes; got 999");
    // The documentation's BYTES layout: each element a little-endian uint32 length, then its bytes.
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: "s", shape: [2], datatype: "BYTES", parameters: { binary_data_size: 4 + 3 + 4 + 2 } }] }));
    const el = (t: string) => Buffer.concat([Buffer.from(Uint32Array.of(Buffer.byteLength(t)).buffer), Buffer.from(t)]);
    expect(parseInferBody(Buffer.concat([header, el("abc"), el("é")]), header.length)).toEqual({ inputs: [{ name: "s", shape: [2], datatype: "BYTES", parameters: { binary_data_size: 13 }, data: ["abc", "é"] }] });
  });
});
