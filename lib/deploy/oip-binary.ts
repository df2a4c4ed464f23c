/**
 * The Open Inference Protocol's binary tensor data extension (Triton's and KServe's "binary_tensor_data"): the
 * body is the JSON request, `Inference-Header-Content-Length` bytes long, followed by the tensors whose inputs
 * carry `"parameters": {"binary_data_size": n}` instead of `data`, in the order of the inputs, little-endian,
 * row-major, no padding (BOOL one byte, BYTES a 4-byte little-endian length before each element). Outputs come
 * back the same way when the request asks (`binary_data` on an output, or `binary_data_output` on the request).
 */
import { InputError } from "../core/errors.js";

/** Bytes per element of each fixed-size datatype (BYTES is length-prefixed). */
const SIZE: Record<string, number> = { BOOL: 1, INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, FP16: 2, INT32: 4, UINT32: 4, FP32: 4, INT64: 8, UINT64: 8, FP64: 8 };

/** IEEE 754 half precision to a number (FP16 has no JSON form; this is the extension's reason to exist). */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** One tensor's elements from its bytes, as the JSON `data` would have held them. */
function decode(bytes: Buffer, datatype: string, count: number, name: string): unknown[] {
  if (datatype === "BYTES") {
    const out: string[] = [];
    let o = 0;
    while (o < bytes.length) {
      if (o + 4 > bytes.length) throw new InputError(`input '${name}': BYTES element ${out.length} has a truncated 4-byte length`);
      const n = bytes.readUInt32LE(o);
      if (o + 4 + n > bytes.length) throw new InputError(`input '${name}': BYTES element ${out.length} of ${n} bytes runs past its binary_data_size`);
      out.push(bytes.toString("utf8", o + 4, o + 4 + n));
      o += 4 + n;
    }
    return out;
  }
  const size = SIZE[datatype];
  if (size === undefined) throw new InputError(`input '${name}': datatype ${JSON.stringify(datatype)} has no binary form`);
  if (bytes.length !== count * size) throw new InputError(`input '${name}': binary_data_size ${bytes.length} does not hold shape's ${count} elements of ${datatype} (${count * size} bytes)`);
  const read: (o: number) => unknown = {
    BOOL: (o: number) => (bytes[o] === 0 ? false : bytes[o] === 1 ? true : bytes[o]),
    INT8: (o: number) => bytes.readInt8(o),
    UINT8: (o: number) => bytes.readUInt8(o),
    INT16: (o: number) => bytes.readInt16LE(o),
    UINT16: (o: number) => bytes.readUInt16LE(o),
    FP16: (o: number) => half(bytes.readUInt16LE(o)),
    INT32: (o: number) => bytes.readInt32LE(o),
    UINT32: (o: number) => bytes.readUInt32LE(o),
    FP32: (o: number) => bytes.readFloatLE(o),
    // 64-bit integers beyond 2^53 would round: given as strings, so the usual check refuses them by name.
    INT64: (o: number) => safe(bytes.readBigInt64LE(o)),
    UINT64: (o: number) => safe(bytes.readBigUInt64LE(o)),
    FP64: (o: number) => bytes.readDoubleLE(o),
  }[datatype]!;
  return Array.from({ length: count }, (_, i) => read(i * size));
}

function safe(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/**
 * The infer request from a body: plain JSON when `headerLength` is undefined, otherwise the JSON header and the
 * binary tensors after it, each decoded into the input's `data`. Errors name the input and what does not add up.
 * @example parseInferBody(body, Number(req.headers["inference-header-content-length"]))
 */
export function parseInferBody(body: Buffer, headerLength: number | undefined): unknown {
  if (headerLength === undefined) return JSON.parse(body.toString("utf8"));
  if (!(Number.isInteger(headerLength) && headerLength >= 0 && headerLength <= body.length)) throw new InputError(`Inference-Header-Content-Length must be an integer from 0 to the body's ${body.length} bytes; got ${headerLength}`);
  const request = JSON.parse(body.toString("utf8", 0, headerLength)) as { inputs?: unknown };
  if (!Array.isArray(request?.inputs)) return request; // the usual check explains what is missing
  let offset = headerLength;
  for (const [i, input] of (request.inputs as Record<string, unknown>[]).entries()) {
    const size = (input?.["parameters"] as Record<string, unknown> | undefined)?.["binary_data_size"];
    if (size === undefined) continue;
    const name = String(input["name"] ?? `inputs[${i}]`);
    if (!(Number.isInteger(size) && (size as number) >= 0)) throw new InputError(`input '${name}': binary_data_size must be a non-negative integer; got ${JSON.stringify(size)}`);
    if (input["data"] !== undefined) throw new InputError(`input '${name}': has both data and binary_data_size; give one`);
    if (offset + (size as number) > body.length) throw new InputError(`input '${name}': binary_data_size ${size} runs past the body (${body.length - offset} bytes left after the JSON header)`);
    const shape = input["shape"];
    const count = Array.isArray(shape) ? shape.reduce((a: number, b: unknown) => a * Number(b), 1) : 0;
    input["data"] = decode(body.subarray(offset, offset + (size as number)), String(input["datatype"]), count, name);
    offset += size as number;
  }
  if (offset !== body.length) throw new InputError(`the body has ${body.length - offset} bytes after the JSON header and the binary_data_size of its inputs`);
  return request;
}

/** Whether the response's `output` goes back as binary data: its own `binary_data`, else the request's `binary_data_output`. */
export function wantsBinaryOutput(request: unknown): boolean {
  const r = request as { parameters?: Record<string, unknown>; outputs?: { name?: string; parameters?: Record<string, unknown> }[] };
  const own = r?.outputs?.find((o) => o?.name === "output")?.parameters?.["binary_data"];
  return own !== undefined ? own === true : r?.parameters?.["binary_data_output"] === true;
}

/**
 * An infer response with its FP32 outputs as binary data: the JSON (each output with `binary_data_size` and no
 * `data`), then the outputs' bytes; `headerLength` is the JSON's length for `Inference-Header-Content-Length`.
 * @example const { body, headerLength } = binaryInferResponse(response)
 */
export function binaryInferResponse(response: { outputs: { data: number[]; parameters?: Record<string, unknown> }[] }): { body: Buffer; headerLength: number } {
  const blobs: Buffer[] = [];
  const outputs = response.outputs.map(({ data, ...rest }) => {
    const blob = Buffer.from(Float32Array.from(data).buffer);
    blobs.push(blob);
    return { ...rest, parameters: { ...rest.parameters, binary_data_size: blob.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...response, outputs }), "utf8");
  return { body: Buffer.concat([header, ...blobs]), headerLength: header.length };
}
