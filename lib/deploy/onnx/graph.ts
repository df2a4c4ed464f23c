/** ONNX graph building blocks (nodes, attributes, initializers, typed inputs/outputs) serialised to a ModelProto. */
import { ProtoWriter } from "./proto.js";

export type Attr = number | string | number[] | string[] | { floats: ArrayLike<number> } | { ints: ArrayLike<number> };

/** TensorProto.DataType values. */
export const DT = { FLOAT: 1, INT64: 7, STRING: 8 } as const;

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  domain?: string;
  attrs?: Record<string, Attr>;
}

export interface Initializer {
  name: string;
  dims: number[];
  type: (typeof DT)[keyof typeof DT];
  values: ArrayLike<number> | string[];
}

export interface ValueInfo {
  name: string;
  type: (typeof DT)[keyof typeof DT];
  /** null: a symbolic dimension (the batch). */
  shape: (number | null)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Written to ModelProto.metadata_props: the deployment manifest travels inside the file. */
  metadata: Record<string, string>;
}

function attribute(name: string, value: Attr): ProtoWriter {
  // AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8, strings=9, type=20 (FLOAT=1 INT=2 STRING=3 FLOATS=6 INTS=7 STRINGS=8)
  const a = new ProtoWriter().string(1, name);
  if (typeof value === "string") return a.bytes(4, new TextEncoder().encode(value)).int(20, 3);
  if (typeof value === "number") return Number.isInteger(value) ? a.int(3, value).int(20, 2) : a.float(2, value).int(20, 1);
  if (Array.isArray(value) && value.length > 0 && (value as unknown[]).every((v) => typeof v === "string")) {
    for (const s of value as string[]) a.string(9, s);
    return a.int(20, 8);
  }
  if ("floats" in (value as object)) return a.packedFloats(7, (value as { floats: ArrayLike<number> }).floats).int(20, 6);
  const ints = "ints" in (value as object) ? (value as { ints: ArrayLike<number> }).ints : (value as number[]);
  return a.packedInts(8, ints).int(20, 7);
}

function tensor(init: Initializer): ProtoWriter {
  // TensorProto: dims=1, data_type=2, float_data=4, string_data=6, int64_data=7, name=8
  const t = new ProtoWriter().packedInts(1, init.dims).int(2, init.type);
  if (init.type === DT.FLOAT) t.packedFloats(4, init.values as ArrayLike<number>);
  else if (init.type === DT.INT64) t.packedInts(7, init.values as ArrayLike<number>);
  else for (const s of init.values as string[]) t.string(6, s);
  return t.string(8, init.name);
}

function valueInfo(v: ValueInfo): ProtoWriter {
  // ValueInfoProto{name=1,type=2}; TypeProto{tensor_type=1}; Tensor{elem_type=1,shape=2}; Shape{dim=1}; Dim{dim_value=1,dim_param=2}
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, d === null ? new ProtoWriter().string(2, "N") : new ProtoWriter().int(1, d));
  const tt = new ProtoWriter().int(1, v.type).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tt));
}

/** The serialised ModelProto (IR version 8, opsets ai.onnx 17 and ai.onnx.ml 3). */
export function encodeModel(g: OnnxGraph, producerVersion: string): Uint8Array {
  const graph = new ProtoWriter();
  g.nodes.forEach((n, i) => {
    // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7
    const node = new ProtoWriter();
    for (const x of n.inputs) node.string(1, x);
    for (const y of n.outputs) node.string(2, y);
    node.string(3, `${n.op}_${i}`).string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) node.message(5, attribute(k, v));
    if (n.domain) node.string(7, n.domain);
    graph.message(1, node);
  });
  graph.string(2, g.name);
  for (const init of g.initializers) graph.message(5, tensor(init));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  // ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8, metadata_props=14
  const model = new ProtoWriter().int(1, 8).string(2, "mlsd").string(3, producerVersion).message(7, graph);
  model.message(8, new ProtoWriter().string(1, "").int(2, 17));
  model.message(8, new ProtoWriter().string(1, "ai.onnx.ml").int(2, 3));
  for (const [k, v] of Object.entries(g.metadata)) model.message(14, new ProtoWriter().string(1, k).string(2, v));
  return model.finish();
}
