/**
 * Synchronous data-parallel SGD, simulated in one process (`trainDistributed` runs the same on real workers): each of N workers holds a replica of the weights,
 * computes gradients on its shard of the batch, the gradients are averaged by all-reduce, and every replica
 * applies the same update. With equal shards the average of shard-mean gradients is the full-batch gradient,
 * so the result equals single-worker training on the whole batch (up to float rounding).
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import type { Loss } from "../loss/types.js";
import { parameterServerAllReduce, ringAllReduce } from "./allreduce.js";
import { applyFlatGradients, shardGradients, trainableVariables } from "./replica.js";

export interface DataParallelOptions {
  workers: number;
  loss: Loss;
  learningRate?: number;
  steps?: number;
  allReduce?: "ring" | "parameter-server";
}

export interface DataParallelReport {
  losses: number[];
  /** Bytes each worker sent per step, summed over steps. */
  bytesSentPerWorker: number;
}

/**
 * @example await trainDataParallel(model, X, y, { workers: 4, loss: binaryCrossentropy(), steps: 50 })
 */
export async function trainDataParallel(model: tf.LayersModel, X: tf.Tensor2D, y: tf.Tensor, options: DataParallelOptions): Promise<DataParallelReport> {
  const N = options.workers;
  const n = X.shape[0];
  if (!(Number.isInteger(N) && N >= 1)) throw new InputError(`trainDataParallel: 'workers' must be an integer >= 1; got ${N}.`);
  if (n % N !== 0) throw new InputError(`trainDataParallel: the batch of ${n} rows does not split evenly over ${N} workers; use a multiple of ${N}.`);
  const vars = trainableVariables(model);
  const shard = n / N;
  const optimizer = tf.train.sgd(options.learningRate ?? 0.1);
  const losses: number[] = [];
  let bytes = 0;
  for (let step = 0; step < (options.steps ?? 10); step++) {
    // Each worker: gradients of its shard's mean loss, flattened into one buffer (as DDP's buckets are).
    const flat: Float32Array[] = [];
    let stepLoss = 0;
    for (let w = 0; w < N; w++) {
      const xs = X.slice([w * shard, 0], [shard, X.shape[1]]);
      const ys = y.slice(w * shard, shard);
      const g = shardGradients(model, vars, options.loss, xs, ys);
      xs.dispose();
      ys.dispose();
      stepLoss += g.loss / N;
      flat.push(g.flat);
    }
    const reduced = options.allReduce === "parameter-server" ? parameterServerAllReduce(flat) : ringAllReduce(flat);
    bytes += reduced.bytesSent[0]!;
    // Every replica applies the same averaged gradient (here, the one shared set of variables).
    applyFlatGradients(optimizer, vars, reduced.results[0]!);
    losses.push(stepLoss);
  }
  optimizer.dispose();
  return { losses, bytesSentPerWorker: bytes };
}
