/**
 * The worker function of `trainDistributed`, run on every rank: it builds its replica from the same saved
 * model, takes its shard of each global batch, computes the shard's gradients, all-reduces them with the
 * other ranks (the loss rides along in the last slot), and applies the average with its own optimizer. Rank 0
 * returns the final weights.
 */
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../backend/use-backend.js";
import * as losses from "../loss/index.js";
import type { Loss } from "../loss/types.js";
import type { AllReduceOptions } from "./collectives.js";
import type { WorkerContext } from "./launch.js";
import { applyFlatGradients, flatWeights, setFlatWeights, shardGradients, trainableVariables } from "./replica.js";

const LOSSES = { binaryCrossentropy: losses.binaryCrossentropy, categoricalCrossentropy: losses.categoricalCrossentropy, sigmoidFocalLoss: losses.sigmoidFocalLoss, softmaxFocalLoss: losses.softmaxFocalLoss } as const;

/** A loss by name from mlsd/loss, with its options: functions cannot travel to another thread or machine. */
export interface LossSpec {
  name: keyof typeof LOSSES;
  options?: Record<string, unknown>;
}

export interface DdpJob {
  artifacts: { modelTopology: object; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer };
  X: Float32Array;
  cols: number;
  y: Float32Array;
  /** 0 for one target per row, else the width of each target row (one-hot). */
  yCols: number;
  batchSize: number;
  steps: number;
  loss: LossSpec;
  optimizer: "sgd" | "momentum" | "adam";
  learningRate: number;
  allReduce: AllReduceOptions;
  backend: "cpu" | "wasm";
}

export interface DdpResult {
  losses: number[];
  /** Rank 0 only: the trained weights, flattened in trainable-variable order. */
  weights?: Float32Array;
  computeMs: number;
  commMs: number;
  bytesSent: number;
}

export function makeLoss(spec: LossSpec): Loss {
  if (!Object.hasOwn(LOSSES, spec.name)) throw new Error(`unknown loss ${JSON.stringify(spec.name)}; use ${Object.keys(LOSSES).join(", ")}`);
  return (LOSSES[spec.name] as (o?: object) => Loss)(spec.options ?? {});
}

export function makeOptimizer(name: DdpJob["optimizer"], lr: number): tf.Optimizer {
  if (name === "sgd") return tf.train.sgd(lr);
  if (name === "momentum") return tf.train.momentum(lr, 0.9);
  if (name === "adam") return tf.train.adam(lr);
  throw new Error(`unknown optimizer ${JSON.stringify(name)}; use sgd, momentum or adam`);
}

/** Rows of this rank's shard of global batch `step`: consecutive rows, wrapping at the end of the data. */
export function shardRows(step: number, batchSize: number, rank: number, size: number, n: number): number[] {
  const per = batchSize / size;
  const start = step * batchSize + rank * per;
  return Array.from({ length: per }, (_, j) => (start + j) % n);
}

export default async function ddpWorker(ctx: WorkerContext<DdpJob>): Promise<DdpResult> {
  const job = ctx.args;
  await useBackend(job.backend);
  const model = await tf.loadLayersModel(tf.io.fromMemory(job.artifacts));
  const vars = trainableVariables(model);
  // Start from identical weights, as DDP does by broadcasting rank 0's.
  const w0 = flatWeights(vars);
  await ctx.collectives.broadcast(w0, 0);
  setFlatWeights(vars, w0);
  const loss = makeLoss(job.loss);
  const optimizer = makeOptimizer(job.optimizer, job.learningRate);
  const n = job.X.length / job.cols;
  const out: DdpResult = { losses: [], computeMs: 0, commMs: 0, bytesSent: 0 };
  for (let step = 0; step < job.steps; step++) {
    const t0 = performance.now();
    const rows = shardRows(step, job.batchSize, ctx.rank, ctx.size, n);
    const xs = tf.tensor2d(gatherRows(job.X, job.cols, rows), [rows.length, job.cols]);
    const ys = job.yCols > 0 ? tf.tensor2d(gatherRows(job.y, job.yCols, rows), [rows.length, job.yCols]) : tf.tensor1d(Float32Array.from(rows, (i) => job.y[i]!));
    const g = shardGradients(model, vars, loss, xs, ys, 1);
    xs.dispose();
    ys.dispose();
    g.flat[g.flat.length - 1] = g.loss;
    const t1 = performance.now();
    const stats = await ctx.collectives.allReduce(g.flat, job.allReduce);
    const t2 = performance.now();
    applyFlatGradients(optimizer, vars, g.flat.subarray(0, g.flat.length - 1));
    out.losses.push(g.flat[g.flat.length - 1]!);
    out.computeMs += t1 - t0 + (performance.now() - t2);
    out.commMs += t2 - t1;
    out.bytesSent += stats.bytesSent;
  }
  if (ctx.rank === 0) out.weights = flatWeights(vars);
  optimizer.dispose();
  return out;
}

function gatherRows(data: Float32Array, cols: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, j) => out.set(data.subarray(r * cols, (r + 1) * cols), j * cols));
  return out;
}
