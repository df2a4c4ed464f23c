/**
 * Fitted models as JSON: typed arrays as base64 (exact, compact), nested estimators as their own JSON, and the
 * one registry of model classes, which `loadModel` rebuilds from and the conformance suite walks.
 */
import { InputError } from "./errors.js";
import { Random } from "./random.js";
import type { BaseEstimator } from "./estimator.js";

export interface ModelJSON {
  format: "mlsd-model";
  version: 1;
  type: string;
  options: unknown;
  /** Fitted state; null for an unfitted estimator. */
  state: unknown;
}

export interface Serializable {
  toJSON(): ModelJSON;
}

/** What the conformance suite needs to know about a class beyond its rules (scikit-learn's estimator tags). */
export interface ModelTags {
  /** Weights equal repeated rows exactly ("exact") or to rounding ("close"); absent: no equivalence promised. */
  sampleWeightEquivalence?: "exact" | "close";
  /** X may hold NaN at fit and predict time. */
  allowNaN?: boolean;
  /** Learns nothing: it predicts without `fit` (so no NotFittedError). */
  stateless?: boolean;
  /** Options without a usable default (scikit-learn's required arguments): their default fails the rule. */
  required?: string[];
}

/** A registered class: how to build it, small options for tests (River's `_unit_test_params`), its tags. */
export interface ModelEntry {
  name: string;
  ctor: new (options?: object) => BaseEstimator<object>;
  testParams: () => object;
  tags: ModelTags;
}

const registry = new Map<string, ModelEntry>();

/**
 * Makes a class loadable by `loadModel` under its name, and part of the conformance suite.
 * @example registerModel("DummyClassifier", DummyClassifier, { testParams: () => ({ strategy: "prior" }) })
 */
export function registerModel<O extends object>(name: string, ctor: new (options?: O) => BaseEstimator<object>, meta: { testParams?: () => O; tags?: ModelTags } = {}): void {
  // The registry holds every class under one type; loadModel passes each the options it saved.
  const build = ctor as new (options?: object) => BaseEstimator<object>;
  registry.set(name, { name, ctor: build, testParams: meta.testParams ?? (() => ({})), tags: meta.tags ?? {} });
}

/** Every registered class, sorted by name. */
export function registeredModels(): ModelEntry[] {
  return [...registry.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

const TYPED = { Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Uint16Array, Int16Array } as const;
type TypedName = keyof typeof TYPED;

const isModel = (v: unknown): v is Serializable => typeof v === "object" && v !== null && typeof (v as Serializable).toJSON === "function" && "options" in v;

/** Turns a value into JSON-safe data; the inverse is `decode`. */
export function encode(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name as TypedName;
    if (!(name in TYPED)) throw new InputError(`Cannot serialise a ${name}.`);
    return { $typed: name, base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  if (isModel(value)) return value.toJSON();
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (Array.isArray(value)) return value.map(encode);
  const out: Record<string, unknown> = {};
  // A shared generator is live state, not an option: a loaded model keeps the seed it was given, or none.
  for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== "function" && !(v instanceof Random)) out[k] = encode(v);
  return out;
}

/** Rebuilds what `encode` produced. */
export function decode(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decode);
  const obj = value as Record<string, unknown>;
  if (typeof obj.$typed === "string") {
    const Ctor = TYPED[obj.$typed as TypedName];
    if (!Ctor) throw new InputError(`Unknown typed array '${obj.$typed}' in model JSON.`);
    const bytes = Buffer.from(obj.base64 as string, "base64");
    // Copy into a fresh, aligned buffer: the Buffer's offset may not be a multiple of the element size.
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return new Ctor(copy.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  }
  if (Array.isArray(obj.$map)) return new Map((obj.$map as [unknown, unknown][]).map(([k, v]) => [decode(k), decode(v)]));
  if (obj.format === "mlsd-model") return loadModel(obj);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = decode(v);
  return out;
}

/**
 * Rebuilds a fitted (or unfitted) estimator from `toJSON()` output or its string. With a class as second
 * argument the result has that class's type, and a model of another class is refused.
 * @example const again = loadModel(JSON.stringify(model), DecisionTreeClassifier); again.predict(X)
 */
export function loadModel<C extends abstract new (...args: never[]) => BaseEstimator<object>>(json: string | object, expected: C): InstanceType<C>;
export function loadModel(json: string | object): BaseEstimator<object>;
export function loadModel(json: string | object, expected?: abstract new (...args: never[]) => BaseEstimator<object>): BaseEstimator<object> {
  const obj = (typeof json === "string" ? JSON.parse(json) : json) as Partial<ModelJSON>;
  if (obj?.format !== "mlsd-model") throw new InputError(`loadModel expects the JSON of an mlsd model (format "mlsd-model"); got ${obj?.format === undefined ? "an object without 'format'" : `format ${JSON.stringify(obj.format)}`}.`);
  if (obj.version !== 1) throw new InputError(`Model JSON version ${String(obj.version)} is not supported (expected 1).`);
  const entry = registry.get(obj.type ?? "");
  if (!entry) throw new InputError(`Unknown model type '${String(obj.type)}'; known types: ${[...registry.keys()].sort().join(", ")}.`);
  const model = new entry.ctor(decode(obj.options) as object);
  if (obj.state !== null && obj.state !== undefined) model.setState(decode(obj.state) as Record<string, unknown>);
  if (expected && !(model instanceof expected)) throw new InputError(`loadModel: the JSON holds a ${obj.type}, not a ${expected.name}.`);
  return model;
}

/** The options type of an estimator class. @example const o: OptionsOf<typeof SMOTE> = { kNeighbors: 3 } */
export type OptionsOf<C> = C extends new (options?: infer O) => unknown ? NonNullable<O> : never;
