/**
 * Training-memory arithmetic as the notes do it, with binary units: parameters x bytes per value, gradients,
 * optimizer state (Adam keeps two moments) and activations per sample x batch size.
 */
import { InputError } from "../core/errors.js";

export type Dtype = "float64" | "float32" | "float16" | "bfloat16" | "int8";

/** Bytes per value of each dtype. */
export const BYTES: Record<Dtype, number> = { float64: 8, float32: 4, float16: 2, bfloat16: 2, int8: 1 };

export interface MemoryEstimate {
  parameters: number;
  gradients: number;
  optimizerState: number;
  /** float32 master weights kept by mixed-precision training. */
  masterWeights: number;
  activations: number;
  total: number;
}

export interface MemoryOptions {
  parameters: number;
  dtype?: Dtype;
  /** "sgd" keeps nothing, "momentum" one value per parameter, "adam" two. */
  optimizer?: "none" | "sgd" | "momentum" | "adam";
  /** Optimizer state dtype (default float32, as mixed precision keeps it). */
  optimizerDtype?: Dtype;
  /** Keep a float32 copy of the weights (mixed precision). */
  masterWeights?: boolean;
  /** Activation values stored per sample for the backward pass. */
  activationsPerSample?: number;
  batchSize?: number;
}

/**
 * @example trainingMemory({ parameters: 1e9, dtype: "float16", optimizer: "none" }).total / 2 ** 30 // 1.86 GiB
 */
export function trainingMemory(o: MemoryOptions): MemoryEstimate {
  if (!(Number.isFinite(o.parameters) && o.parameters > 0)) throw new InputError(`trainingMemory: 'parameters' must be a positive number; got ${o.parameters}.`);
  const dtype = o.dtype ?? "float32";
  if (!(dtype in BYTES)) throw new InputError(`trainingMemory: 'dtype' must be one of ${Object.keys(BYTES).join(", ")}; got ${JSON.stringify(dtype)}.`);
  const optimizer = o.optimizer ?? "adam";
  const slots = { none: 0, sgd: 0, momentum: 1, adam: 2 }[optimizer];
  if (slots === undefined) throw new InputError(`trainingMemory: 'optimizer' must be none, sgd, momentum or adam; got ${JSON.stringify(optimizer)}.`);
  const b = BYTES[dtype];
  const parameters = o.parameters * b;
  const gradients = optimizer === "none" ? 0 : o.parameters * b;
  const optimizerState = o.parameters * slots * BYTES[o.optimizerDtype ?? "float32"];
  const masterWeights = o.masterWeights ? o.parameters * 4 : 0;
  const activations = (o.activationsPerSample ?? 0) * (o.batchSize ?? 1) * b;
  return { parameters, gradients, optimizerState, masterWeights, activations, total: parameters + gradients + optimizerState + masterWeights + activations };
}

/** Bytes as GiB (2^30), the unit GPU memory is sold in. @example gib(2e9) // 1.862645149230957 */
export function gib(bytes: number): number {
  return bytes / 2 ** 30;
}
