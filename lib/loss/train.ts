/** A small training loop for tfjs classifiers: any loss of lib/loss, sample weights, validation, early stopping, a progress bar. */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { checkArray, checkLabels, type Label } from "../core/validation.js";
import { progress } from "../display/progress.js";
import { trainableVariables } from "./common.js";
import { binaryCrossentropy, categoricalCrossentropy } from "./cross-entropy.js";
import type { Loss } from "./types.js";

export interface EarlyStopping {
  /** Epochs without improvement before stopping. */
  patience?: number;
  /** "valLoss" when validation data is given, else "loss". */
  monitor?: "loss" | "valLoss";
  minDelta?: number;
  /** Put back the weights of the best epoch at the end (default true). */
  restoreBestWeights?: boolean;
}

export interface TrainOptions {
  /** Default: binary cross-entropy for one output unit, categorical for several (both on logits). */
  loss?: Loss;
  /** An optimizer, or a learning rate for Adam (default 0.001). */
  optimizer?: tf.Optimizer | number;
  epochs?: number;
  batchSize?: number;
  sampleWeight?: ArrayLike<number>;
  validationData?: [unknown, unknown];
  earlyStopping?: EarlyStopping | boolean;
  /** Seeds the shuffling of batches. */
  randomState?: RandomState;
  /** Show a progress bar (default true). */
  progress?: boolean;
}

export interface TrainHistory {
  loss: number[];
  valLoss: number[];
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  classes: Label[];
}

/**
 * Trains `model` (whose last layer outputs logits: 1 unit for two classes, k units for k) on `X`, `y`.
 * @example const history = await trainClassifier(model, X, y, { loss: sigmoidFocalLoss({ gamma: 2 }), epochs: 20, validationData: [Xv, yv], earlyStopping: { patience: 3 } })
 */
export async function trainClassifier(model: tf.LayersModel, X: unknown, y: unknown, options: TrainOptions = {}): Promise<TrainHistory> {
  const { epochs, batchSize } = checkEpochsAndBatchSize("trainClassifier", options);
  const units = (model.outputs[0]!.shape[1] as number | null) ?? 1;
  const data = toTensors(X, y, units, "X", "y");
  const n = data.x.shape[0];
  const val = options.validationData ? toTensors(options.validationData[0], options.validationData[1], units, "validationData[0]", "validationData[1]", data.classes) : null;
  const loss = options.loss ?? (units === 1 ? binaryCrossentropy() : categoricalCrossentropy());
  const optimizer = optimizerFrom("trainClassifier", options.optimizer, 0.001);
  let sw: tf.Tensor1D | null = null;
  if (options.sampleWeight) {
    if (options.sampleWeight.length !== n) throw new InputError(`trainClassifier: sampleWeight has ${options.sampleWeight.length} values, but X has ${n} samples.`);
    sw = tf.tensor1d(Array.from(options.sampleWeight));
  }
  const es = options.earlyStopping === true ? {} : options.earlyStopping || null;
  const monitor = es?.monitor ?? (val ? "valLoss" : "loss");
  if (monitor === "valLoss" && !val) throw new InputError("trainClassifier: earlyStopping monitors 'valLoss', which needs validationData.");
  const rng = checkRandomState(options.randomState);
  const history: TrainHistory = { loss: [], valLoss: [], epochs: 0, bestEpoch: 0, stoppedEarly: false, classes: data.classes };
  let best = Infinity;
  let bestWeights: tf.Tensor[] | null = null;
  let waited = 0;
  const trainable = trainableVariables(model);
  if (trainable.length === 0) throw new InputError("trainClassifier: the model has no trainable weights (every layer is frozen).");
  const bar = options.progress === false ? null : progress(epochs, { label: "train" });
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const costs = new EpochCosts();
      for (let s = 0; s < n; s += batchSize) {
        const idx = tf.tensor1d(order.subarray(s, Math.min(n, s + batchSize)), "int32");
        // Only this model's trainable weights: frozen layers stay put, and other models' variables are untouched.
        const cost = optimizer.minimize(() => {
          const xb = tf.gather(data.x, idx);
          const yb = tf.gather(data.y, idx);
          const wb = sw ? tf.gather(sw, idx) : undefined;
          return loss(yb, model.apply(xb, { training: true }) as tf.Tensor, wb) as tf.Scalar;
        }, true, trainable)!;
        costs.add(cost, idx.shape[0]);
        idx.dispose();
        await tf.nextFrame(); // let interrupts and display updates through
      }
      history.loss.push((await costs.sum()) / n);
      if (val) history.valLoss.push(tf.tidy(() => loss(val.y, model.predict(val.x) as tf.Tensor).dataSync()[0]!));
      history.epochs = epoch + 1;
      bar?.tick();
      const current = monitor === "valLoss" ? history.valLoss[epoch]! : history.loss[epoch]!;
      if (current < best - (es?.minDelta ?? 0)) {
        best = current;
        history.bestEpoch = epoch;
        waited = 0;
        if (es && es.restoreBestWeights !== false) {
          bestWeights?.forEach((w) => w.dispose());
          bestWeights = model.getWeights().map((w) => w.clone());
        }
      } else if (es && ++waited >= (es.patience ?? 5)) {
        history.stoppedEarly = true;
        break;
      }
    }
    if (bestWeights && history.stoppedEarly) model.setWeights(bestWeights);
  } finally {
    bar?.close();
    bestWeights?.forEach((w) => w.dispose());
    data.x.dispose();
    data.y.dispose();
    val?.x.dispose();
    val?.y.dispose();
    sw?.dispose();
  }
  return history;
}

/**
 * An epoch's batch losses, kept on the backend until the epoch ends and then read in one download: a read per
 * batch would stall a GPU backend's queue every step (tfjs's WebGPU backend waits for the device on each).
 * The sum is the one a per-batch read gives (float32 costs weighted by batch size, added in float64, in order).
 * @example const costs = new EpochCosts(); costs.add(tf.scalar(0.5), 32); await costs.sum() // 16
 */
export class EpochCosts {
  private readonly costs: tf.Scalar[] = [];
  private readonly sizes: number[] = [];
  /** Takes ownership of `cost` (disposed by sum()). */
  add(cost: tf.Scalar, batchSize: number): void {
    this.costs.push(cost);
    this.sizes.push(batchSize);
  }
  /** Σ cost × batch size; disposes the costs. */
  async sum(): Promise<number> {
    if (this.costs.length === 0) return 0;
    const all = tf.stack(this.costs);
    tf.dispose(this.costs);
    this.costs.length = 0;
    const values = await all.data();
    all.dispose();
    let total = 0;
    for (let i = 0; i < values.length; i++) total += values[i]! * this.sizes[i]!;
    return total;
  }
}

/**
 * A training loop's `epochs` and `batchSize` (defaults 10 and 32), refused by name unless integers >= 1.
 * @example const { epochs, batchSize } = checkEpochsAndBatchSize("myLoop", { epochs: 5 });
 */
export function checkEpochsAndBatchSize(fn: string, options: { epochs?: number; batchSize?: number }): { epochs: number; batchSize: number } {
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 1) throw new InputError(`${fn}: 'epochs' must be an integer >= 1; got ${epochs}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`${fn}: 'batchSize' must be an integer >= 1; got ${batchSize}.`);
  return { epochs, batchSize };
}

/**
 * The optimizer a loop trains with: the one given, or Adam at the learning rate given (else `defaultRate`).
 * @example const optimizer = optimizerFrom("myLoop", 0.01, 0.001);
 */
export function optimizerFrom(fn: string, value: tf.Optimizer | number | undefined, defaultRate: number): tf.Optimizer {
  if (value !== undefined && typeof value !== "object" && !(typeof value === "number" && value > 0)) {
    throw new InputError(`${fn}: 'optimizer' must be a tf.Optimizer or a learning rate > 0; got ${String(value)}.`);
  }
  // tf.Optimizer's instanceof reads `.minimize` off the value, so test the kind first.
  return typeof value === "object" && value !== null ? value : tf.train.adam(value ?? defaultRate);
}

/** Features as float32 [n, d]; labels as 0/1 floats [n, 1] for one output unit, else class indices [n]. */
function toTensors(X: unknown, y: unknown, units: number, xName: string, yName: string, classes?: Label[]): { x: tf.Tensor2D; y: tf.Tensor; classes: Label[] } {
  const cx = checkArray(X, xName);
  const cy = checkLabels(y, yName, cx.matrix.rows);
  const known = classes ?? cy.classes;
  const codes = classes ? Int32Array.from(cy.codes, (c) => {
    const k = known.indexOf(cy.classes[c]!);
    if (k < 0) throw new InputError(`${yName} has class ${String(cy.classes[c])}, which is not in the training labels [${known.join(", ")}].`);
    return k;
  }) : cy.codes;
  const k = Math.max(2, known.length);
  if ((units === 1 ? 2 : units) !== k) throw new InputError(`The model has ${units} output unit(s) but y has ${known.length} classes: use 1 unit for two classes, k units for k classes.`);
  const x = tf.tensor2d(Float32Array.from(cx.matrix.data), [cx.matrix.rows, cx.matrix.cols]);
  const yt = units === 1 ? tf.tensor2d(Float32Array.from(codes), [codes.length, 1]) : tf.tensor1d(codes, "int32");
  return { x, y: yt, classes: known };
}
