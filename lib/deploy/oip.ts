/**
 * The Open Inference Protocol (KServe v2, spoken by Triton and KServe) over the same queue as /predict:
 * GET /v2 (server metadata), /v2/health/live, /v2/health/ready, /v2/models/{name}[/versions/{v}] (model
 * metadata), .../ready, and POST .../infer with named tensors. Errors are the spec's `{"error": "..."}`.
 * Inputs are either one tensor `input` of shape [N, nFeatures], or one tensor per manifest field of shape
 * [N] or [N, 1] (BYTES for string fields); JSON `null` is a missing value, accepted only for nullable fields.
 * Tensors may also come and go as binary data (the binary tensor data extension, ./oip-binary.ts).
 */
import { InputError } from "../core/errors.js";
import type { InputField, LoadedModel } from "./model-store.js";

export interface InferTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
}

export interface InferRequest {
  id?: string;
  inputs: InferTensor[];
  outputs?: { name: string }[];
}

const NUMERIC = new Set(["FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"]);
const DATATYPES = new Set([...NUMERIC, "BOOL", "BYTES"]);

/** What a v2 route resolves to: a finished answer, or rows to run through the model. */
export type V2Route = { status: number; body: unknown } | { infer: true; requestBody: true };

/** The platform string of model metadata, as Triton names its backends. */
function platform(model: LoadedModel): string {
  return model.manifest.kind === "onnx" ? "onnxruntime_onnx" : model.manifest.kind === "tfjs" ? "tensorflowjs" : "mlsd_estimator";
}

/** Model metadata (the spec's $metadata_model_response). @example modelMetadata("delay", model).inputs[0].datatype // "FP32" */
export function modelMetadata(name: string, model: LoadedModel): unknown {
  const width = model.manifest.outputs.length > 0 ? model.manifest.outputs.length : -1;
  return {
    name,
    versions: [model.manifest.version],
    platform: platform(model),
    inputs: model.manifest.inputs.map((f) => ({ name: f.name, datatype: f.type === "string" ? "BYTES" : f.type === "boolean" ? "BOOL" : "FP32", shape: [-1] })),
    outputs: [{ name: "output", datatype: "FP32", shape: [-1, width] }],
  };
}

function flatten(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flat(Infinity as 1) : [data];
}

function checkTensor(t: unknown, i: number): InferTensor {
  if (typeof t !== "object" || t === null) throw new InputError(`inputs[${i}] must be an object with name, shape, datatype and data`);
  const { name, shape, datatype, data } = t as Partial<InferTensor>;
  if (typeof name !== "string") throw new InputError(`inputs[${i}].name must be a string; got ${JSON.stringify(name)}`);
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) throw new InputError(`input '${name}': shape must be a list of non-negative integers; got ${JSON.stringify(shape)}`);
  if (typeof datatype !== "string" || !DATATYPES.has(datatype)) throw new InputError(`input '${name}': datatype must be one of ${[...DATATYPES].join(", ")}; got ${JSON.stringify(datatype)}`);
  if (data === undefined) throw new InputError(`input '${name}': data is missing`);
  const flat = flatten(data);
  const count = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== count) throw new InputError(`input '${name}': shape ${JSON.stringify(shape)} holds ${count} elements; data has ${flat.length}`);
  return { name, shape, datatype, data: flat };
}

function numberValue(f: InputField | undefined, v: unknown, where: string, datatype: string): number {
  if (v === null) {
    if (f?.nullable) return NaN;
    throw new InputError(`${where}: null (a missing value) is not allowed${f ? ` for field '${f.name}'` : ""}`);
  }
  if (datatype === "BOOL") {
    if (typeof v !== "boolean") throw new InputError(`${where}: BOOL data must be true or false; got ${JSON.stringify(v)}`);
    return v ? 1 : 0;
  }
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`${where}: ${datatype} data must be finite numbers; got ${JSON.stringify(v)}`);
  if (datatype.includes("INT") && !Number.isInteger(v)) throw new InputError(`${where}: ${datatype} data must be integers; got ${v}`);
  return v;
}

/**
 * The model's rows from an infer request body; the error names the tensor and what is wrong.
 * @example inferRows({ inputs: [{ name: "input", shape: [1, 2], datatype: "FP32", data: [7, 2] }] }, fields) // [[7, 2]]
 */
export function inferRows(body: unknown, fields: InputField[]): { rows: number[][]; request: InferRequest } {
  if (typeof body !== "object" || body === null || !Array.isArray((body as InferRequest).inputs) || (body as InferRequest).inputs.length === 0) throw new InputError(`the body must be {"inputs": [ {name, shape, datatype, data}, ... ]} with at least one tensor`);
  const req = body as InferRequest;
  const tensors = req.inputs.map(checkTensor);
  if (req.outputs !== undefined && (!Array.isArray(req.outputs) || req.outputs.some((o) => o?.name !== "output"))) throw new InputError(`unknown requested output ${JSON.stringify(req.outputs)}; the model has one output, 'output'`);
  const d = fields.length;
  if (tensors.length === 1 && tensors[0]!.name === "input") {
    const t = tensors[0]!;
    if (t.shape.length !== 2 || t.shape[1] !== d) throw new InputError(`input 'input': shape must be [N, ${d}] (${fields.map((f) => f.name).join(", ")}); got ${JSON.stringify(t.shape)}`);
    if (!NUMERIC.has(t.datatype) && t.datatype !== "BOOL") throw new InputError(`input 'input': datatype ${t.datatype} is not numeric`);
    const flat = t.data as unknown[];
    const rows = Array.from({ length: t.shape[0]! }, (_, i) => fields.map((f, j) => numberValue(f, flat[i * d + j], `input 'input' [${i}, ${j}]`, t.datatype)));
    return { rows, request: req };
  }
  const unknown = tensors.find((t) => !fields.some((f) => f.name === t.name));
  if (unknown) throw new InputError(`unknown input '${unknown.name}' (expected ${fields.map((f) => f.name).join(", ")}, or one tensor 'input' of shape [N, ${d}])`);
  const n = tensors[0]!.shape[0] ?? 1;
  const columns = fields.map((f) => {
    const t = tensors.find((x) => x.name === f.name);
    if (!t) throw new InputError(`input '${f.name}' is missing`);
    if (!(t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1)) || t.shape[0] !== n) throw new InputError(`input '${f.name}': shape must be [${n}] or [${n}, 1]; got ${JSON.stringify(t.shape)}`);
    const flat = t.data as unknown[];
    if (f.type === "string") {
      if (t.datatype !== "BYTES") throw new InputError(`input '${f.name}': a string field takes datatype BYTES; got ${t.datatype}`);
      return flat.map((v, i) => {
        const code = typeof v === "string" ? (f.values?.indexOf(v) ?? -1) : -1;
        if (code < 0) throw new InputError(`input '${f.name}' [${i}]: must be one of ${(f.values ?? []).join(", ")}; got ${JSON.stringify(v)}`);
        return code;
      });
    }
    if (f.type === "boolean" ? t.datatype !== "BOOL" : !NUMERIC.has(t.datatype)) throw new InputError(`input '${f.name}': datatype ${t.datatype} does not fit a ${f.type} field`);
    return flat.map((v, i) => numberValue(f, v, `input '${f.name}' [${i}]`, t.datatype));
  });
  return { rows: Array.from({ length: n }, (_, i) => columns.map((c) => c[i]!)), request: req };
}

/** The spec's infer response. */
export function inferResponse(name: string, model: LoadedModel, request: InferRequest, predictions: number[][]): unknown {
  const k = predictions[0]?.length ?? 0;
  return {
    model_name: name,
    model_version: model.manifest.version,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: [{ name: "output", datatype: "FP32", shape: [predictions.length, k], data: predictions.flat() }],
  };
}

/**
 * Routes a v2 path: health and metadata are answered here; `infer` says so and the server runs it through the
 * queue. Unknown model names are 404, wrong methods 405, as Triton answers them.
 */
export function routeV2(method: string, url: string, name: string, model: LoadedModel, ready: boolean): V2Route {
  const path = url.split("?")[0]!.replace(/\/+$/, "");
  const get = (body: unknown, status = 200): V2Route => (method === "GET" ? { status, body } : { status: 405, body: { error: `use GET for ${path}` } });
  if (path === "/v2") return get({ name: "mlsd", version: "0.1.0", extensions: ["binary_tensor_data"] });
  if (path === "/v2/health/live") return get({ live: true });
  if (path === "/v2/health/ready") return get({ ready }, ready ? 200 : 503);
  const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(path);
  if (!m) return { status: 404, body: { error: `no route ${method} ${path}` } };
  const [, asked, version, action] = m;
  if (decodeURIComponent(asked!) !== name) return { status: 404, body: { error: `unknown model '${decodeURIComponent(asked!)}' (this server serves '${name}')` } };
  if (version !== undefined && decodeURIComponent(version) !== model.manifest.version) return { status: 404, body: { error: `unknown version '${decodeURIComponent(version)}' of model '${name}' (serving version ${model.manifest.version})` } };
  if (action === "/ready") return get({ name, ready }, ready ? 200 : 503);
  if (action === "/infer") return method === "POST" ? { infer: true, requestBody: true } : { status: 405, body: { error: `use POST for ${path}` } };
  return get(modelMetadata(name, model));
}
