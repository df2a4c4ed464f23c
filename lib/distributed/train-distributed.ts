/**
 * Data-parallel training on real workers: `workers` ranks (threads, or processes over TCP or MPI) each hold a replica
 * and a shard of every global batch, and average their gradients by all-reduce every step. The trained weights
 * come back into `model`. The same worker code runs on every transport.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import type { AllReduceOptions } from "./collectives.js";
import type { DdpJob, DdpResult, LossSpec } from "./ddp-worker.js";
import { launch } from "./launch.js";
import { setFlatWeights, trainableVariables } from "./replica.js";

export interface TrainDistributedOptions {
  workers: number;
  transport?: "threads" | "tcp" | "mpi";
  /** Global batch size, split evenly over the workers (default: all rows). */
  batchSize?: number;
  /** Optimizer steps (default: one pass over the data). */
  steps?: number;
  loss?: LossSpec;
  optimizer?: DdpJob["optimizer"];
  learningRate?: number;
  allReduce?: AllReduceOptions;
  /** The workers' tfjs backend (default: wasm if this process runs on wasm, else cpu). */
  backend?: "cpu" | "wasm";
}

export interface TrainDistributedReport {
  workers: number;
  transport: "threads" | "tcp" | "mpi";
  /** Mean loss over the global batch, per step (before that step's update). */
  losses: number[];
  /** Wall time of the whole job, including starting the workers. */
  wallMs: number;
  /** Per worker, averaged over workers: time computing gradients and updates, and time in all-reduce. */
  computeMs: number;
  commMs: number;
  /** Bytes each worker sent per step (NaN with MPI's own all-reduce, whose algorithm MPI picks). */
  bytesSentPerWorker: number;
}

/** The model's topology and weights, as a worker rebuilds them. */
async function artifactsOf(model: tf.LayersModel): Promise<DdpJob["artifacts"]> {
  let out: DdpJob["artifacts"] | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      out = { modelTopology: a.modelTopology as object, weightSpecs: a.weightSpecs!, weightData: a.weightData as ArrayBuffer };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return out!;
}

/**
 * @example await trainDistributed(model, X, y, { workers: 4, batchSize: 256, steps: 100, loss: { name: "binaryCrossentropy", options: { fromLogits: true } } })
 */
export async function trainDistributed(model: tf.LayersModel, X: tf.Tensor2D, y: tf.Tensor, options: TrainDistributedOptions): Promise<TrainDistributedReport> {
  const N = options.workers;
  if (!(Number.isInteger(N) && N >= 1)) throw new InputError(`trainDistributed: 'workers' must be an integer >= 1; got ${N}.`);
  const [n, cols] = X.shape;
  if (y.shape[0] !== n) throw new InputError(`trainDistributed: X has ${n} rows but y has ${y.shape[0]}.`);
  const batchSize = options.batchSize ?? n;
  if (!(Number.isInteger(batchSize) && batchSize >= N && batchSize % N === 0)) throw new InputError(`trainDistributed: 'batchSize' must be a multiple of the ${N} workers; got ${batchSize}.`);
  const steps = options.steps ?? Math.max(1, Math.floor(n / batchSize));
  if (!(Number.isInteger(steps) && steps >= 1)) throw new InputError(`trainDistributed: 'steps' must be an integer >= 1; got ${steps}.`);
  const transport = options.transport ?? "threads";
  const job: DdpJob = {
    artifacts: await artifactsOf(model),
    X: X.dataSync() as Float32Array,
    cols,
    y: Float32Array.from(y.dataSync()),
    yCols: y.rank === 2 ? y.shape[1]! : 0,
    batchSize,
    steps,
    loss: options.loss ?? { name: "binaryCrossentropy" },
    optimizer: options.optimizer ?? "sgd",
    learningRate: options.learningRate ?? 0.1,
    allReduce: options.allReduce ?? {},
    backend: options.backend ?? (tf.getBackend() === "wasm" ? "wasm" : "cpu"),
  };
  const started = performance.now();
  const results = await launch<DdpResult, DdpJob>(new URL("./ddp-worker.js", import.meta.url), { workers: N, transport, args: job });
  const wallMs = performance.now() - started;
  setFlatWeights(trainableVariables(model), results[0]!.weights!);
  const mean = (f: (r: DdpResult) => number) => results.reduce((s, r) => s + f(r), 0) / N;
  return { workers: N, transport, losses: results[0]!.losses, wallMs, computeMs: mean((r) => r.computeMs), commMs: mean((r) => r.commMs), bytesSentPerWorker: mean((r) => r.bytesSent) / steps };
}
