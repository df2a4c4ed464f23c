/** ONNX Runtime as a serving runtime: a saved model.onnx run through onnxruntime-node (an optional dependency). */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import type { LoadedModel, Manifest } from "../model-store.js";

type Ort = typeof import("onnxruntime-node");

async function ort(): Promise<Ort> {
  try {
    return await import("onnxruntime-node");
  } catch (err) {
    throw new InputError(`loadSavedModel: this model is ONNX, and onnxruntime-node (an optional dependency) did not load: ${(err as Error).message}`);
  }
}

/** The execution providers onnxruntime-node offers here, the bundled ones first. @example await onnxProviders() // ["cpu", "webgpu"] */
export async function onnxProviders(): Promise<string[]> {
  return (await ort()).listSupportedBackends().filter((b) => b.bundled).map((b) => b.name);
}

/**
 * Loads `dir`/model.onnx into an InferenceSession; predictions are the class probabilities (classifiers),
 * the value (regressors) or the network's output, one vector per row, as the estimator and tfjs runtimes give.
 * @example const m = await loadOnnx("models/delay/1", readManifest("models/delay/1")); await m.predict([[7, 2]])
 */
export async function loadOnnx(dir: string, manifest: Manifest): Promise<LoadedModel> {
  const rt = await ort();
  const session = await rt.InferenceSession.create(join(dir, "model.onnx"), { executionProviders: ["cpu"] });
  const output = ["probabilities", "variable", "output"].find((o) => session.outputNames.includes(o));
  if (!output) throw new InputError(`loadSavedModel: '${dir}/model.onnx' has outputs ${session.outputNames.join(", ")}; expected probabilities, variable or output.`);
  const inputName = session.inputNames[0]!;
  return {
    manifest,
    executionProviders: ["cpu"],
    async predict(rows) {
      const width = rows[0]?.length ?? 0;
      const input = new rt.Tensor("float32", Float32Array.from(rows.flat()), [rows.length, width]);
      const out = (await session.run({ [inputName]: input }, [output]))[output]!;
      const k = out.dims[1] ?? 1;
      const data = out.data as Float32Array;
      return Array.from({ length: rows.length }, (_, i) => Array.from(data.subarray(i * k, (i + 1) * k)));
    },
  };
}
