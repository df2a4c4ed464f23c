/**
 * Saving and loading models with a manifest: the library's estimators as JSON, tfjs models through a file
 * handler (model.json and weights.bin). The manifest records the input schema the server validates against,
 * the outputs, a version and metrics. Saving writes a temporary folder and renames it into place.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { loadModel as loadEstimator } from "../core/serialize.js";
import { BaseClassifier, BaseRegressor } from "../core/supervised.js";
import { toOnnx } from "./onnx/export.js";
import { loadOnnx } from "./onnx/runtime.js";

export interface InputField {
  name: string;
  type: "number" | "string" | "boolean";
  /** For strings: the allowed values (one-hot or codes are the model's business). */
  values?: string[];
  /** Numbers only: null is accepted and reaches the model as NaN (for models with a missing-value path, such as gradient boosting). */
  nullable?: boolean;
}

export interface Manifest {
  format: "mlsd-deploy";
  version: string;
  kind: "estimator" | "tfjs" | "onnx";
  inputs: InputField[];
  /** What predictions mean, e.g. ["probability of delay"]. */
  outputs: string[];
  metrics?: Record<string, number>;
  createdAt: string;
}

export interface LoadedModel {
  manifest: Manifest;
  /** For ONNX models: the onnxruntime-node execution providers the session runs on (e.g. ["cpu"]). */
  executionProviders?: string[];
  /** Predictions for rows already validated against the manifest: one output vector per row. */
  predict(rows: number[][]): Promise<number[][]>;
}

type Estimator = { toJSON(): unknown; predictProba?: (X: number[][]) => unknown; predict: (X: number[][]) => unknown };

/**
 * @example await saveModel(model, "models/delay/1", { version: "1", inputs: [{ name: "hour", type: "number" }], outputs: ["p(delay)"] })
 */
export async function saveModel(model: Estimator | tf.LayersModel, dir: string, options: Omit<Manifest, "format" | "kind" | "createdAt"> & { format?: "mlsd" | "onnx" }): Promise<Manifest> {
  const { format = "mlsd", ...meta } = options ?? ({} as typeof options);
  if (format !== "mlsd" && format !== "onnx") throw new InputError(`saveModel: 'format' must be "mlsd" or "onnx"; got ${JSON.stringify(format)}.`);
  if (!meta || !Array.isArray(meta.inputs) || meta.inputs.length === 0) throw new InputError("saveModel: 'inputs' must describe at least one input field.");
  if (existsSync(dir)) throw new InputError(`saveModel: '${dir}' exists; versions are never overwritten, choose a new folder.`);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp);
  try {
    const kind: Manifest["kind"] = format === "onnx" ? "onnx" : model instanceof tf.LayersModel ? "tfjs" : "estimator";
    const manifest: Manifest = { format: "mlsd-deploy", kind, createdAt: new Date().toISOString(), ...meta };
    if (format === "onnx") {
      // The manifest also rides inside the ONNX file (metadata_props), so the file alone still says what it takes.
      writeFileSync(join(tmp, "model.onnx"), toOnnx(model, { "mlsd.manifest": JSON.stringify(manifest) }));
    } else if (model instanceof tf.LayersModel) {
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          writeFileSync(join(tmp, "weights.bin"), Buffer.from(artifacts.weightData as ArrayBuffer));
          writeFileSync(join(tmp, "model.json"), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }] }));
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
        }),
      );
    } else {
      if (typeof (model as Estimator).toJSON !== "function") throw new InputError("saveModel: the model must be an mlsd estimator (with toJSON) or a tfjs LayersModel.");
      writeFileSync(join(tmp, "model.json"), JSON.stringify(model));
    }
    writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(tmp, dir);
    return manifest;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** A saved model's manifest, without loading the model. @example readManifest("models/delay/1").kind // "tfjs" */
export function readManifest(dir: string): Manifest {
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) throw new InputError(`loadSavedModel: no manifest.json in '${dir}'.`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  if (manifest.format !== "mlsd-deploy") throw new InputError(`loadSavedModel: '${manifestPath}' is not an mlsd deployment manifest.`);
  return manifest;
}

/** Loads a saved model folder. @example const { manifest, predict } = await loadSavedModel("models/delay/1") */
export async function loadSavedModel(dir: string): Promise<LoadedModel> {
  const manifest = readManifest(dir);
  if (manifest.kind === "tfjs") {
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const weights = readFileSync(join(dir, "weights.bin"));
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }));
    return {
      manifest,
      async predict(rows) {
        const out = tf.tidy(() => model.predict(tf.tensor2d(rows)) as tf.Tensor);
        const values = (await out.array()) as number[][];
        out.dispose();
        return values;
      },
    };
  }
  if (manifest.kind === "onnx") return loadOnnx(dir, manifest);
  await import("../ensemble/index.js"); // registers every estimator class with loadModel
  const est = loadEstimator(readFileSync(join(dir, "model.json"), "utf8"));
  if (est instanceof BaseClassifier) return { manifest, predict: async (rows) => est.predictProba(rows) };
  if (est instanceof BaseRegressor) return { manifest, predict: async (rows) => est.predict(rows).map((v) => [v]) };
  throw new InputError(`loadSavedModel: '${dir}' holds a ${est.constructor.name}, which neither classifies nor regresses; serve needs a classifier or a regressor.`);
}

/**
 * Checks one request instance against the manifest and turns it into the model's number row; the error says
 * which field is wrong and why. An instance is an object of named fields, or an array of the fields' values in
 * the manifest's order (TF Serving's row format).
 * @example toRow({ hour: 7, weekday: 2 }, manifest.inputs) // [7, 2]
 */
export function toRow(instance: unknown, inputs: InputField[]): number[] {
  const names = inputs.map((f) => f.name).join(", ");
  if (Array.isArray(instance)) {
    if (instance.length !== inputs.length) throw new InputError(`the instance has ${instance.length} values; the model takes ${inputs.length} (${names})`);
    return inputs.map((f, i) => fieldValue(f, instance[i]));
  }
  if (typeof instance !== "object" || instance === null) throw new InputError(`each instance must be an object with fields ${names}, or an array of their values; got ${JSON.stringify(instance)}`);
  const rec = instance as Record<string, unknown>;
  const extra = Object.keys(rec).filter((k) => !inputs.some((f) => f.name === k));
  if (extra.length > 0) throw new InputError(`unknown field '${extra[0]}' (expected ${names})`);
  return inputs.map((f) => {
    if (rec[f.name] === undefined) throw new InputError(`field '${f.name}' is missing`);
    return fieldValue(f, rec[f.name]);
  });
}

function fieldValue(f: InputField, v: unknown): number {
  if (f.type === "number") {
    if (v === null && f.nullable) return NaN;
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`field '${f.name}' must be a finite number; got ${JSON.stringify(v) ?? String(v)}`);
    return v;
  }
  if (f.type === "boolean") {
    if (typeof v !== "boolean") throw new InputError(`field '${f.name}' must be true or false; got ${JSON.stringify(v) ?? String(v)}`);
    return v ? 1 : 0;
  }
  if (typeof v !== "string") throw new InputError(`field '${f.name}' must be a string; got ${JSON.stringify(v) ?? String(v)}`);
  const code = f.values?.indexOf(v) ?? -1;
  if (code < 0) throw new InputError(`field '${f.name}' must be one of ${(f.values ?? []).join(", ")}; got ${JSON.stringify(v)}`);
  return code;
}
