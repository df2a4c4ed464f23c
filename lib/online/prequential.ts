/** Prequential (test-then-train) evaluation: each sample is predicted before the model learns from it. */
import { InputError } from "../core/errors.js";

export interface OnlineModel<X, Y, P = Y> {
  predictOne(x: X): P;
  learnOne(x: X, y: Y): unknown;
}

export type OnlineMetric = "accuracy" | "mae" | "mse";

export interface PrequentialResult {
  /** The running metric after each sample (over a sliding window when `window` is set). */
  values: number[];
  final: number;
  n: number;
}

/**
 * @example const { final } = await prequential(new SGDClassifier({ classes: [0, 1] }), stream, { metric: "accuracy" })
 */
export async function prequential<X, Y>(model: OnlineModel<X, Y, unknown>, stream: Iterable<[X, Y]> | AsyncIterable<[X, Y]>, options: { metric?: OnlineMetric; window?: number } = {}): Promise<PrequentialResult> {
  const metric = options.metric ?? "accuracy";
  if (!["accuracy", "mae", "mse"].includes(metric)) throw new InputError(`prequential: 'metric' must be "accuracy", "mae" or "mse"; got ${JSON.stringify(metric)}.`);
  const window = options.window;
  if (window !== undefined && !(Number.isInteger(window) && window >= 1)) throw new InputError(`prequential: 'window' must be an integer >= 1; got ${window}.`);
  const values: number[] = [];
  const recent: number[] = [];
  let total = 0;
  let n = 0;
  let first = true;
  for await (const [x, y] of stream as AsyncIterable<[X, Y]>) {
    // The very first sample has no prediction to score when the model cannot predict before learning.
    let loss: number | undefined;
    try {
      const p = model.predictOne(x);
      loss = metric === "accuracy" ? (p === y ? 1 : 0) : metric === "mae" ? Math.abs((p as number) - (y as number)) : ((p as number) - (y as number)) ** 2;
    } catch (err) {
      if (!first) throw err;
    }
    first = false;
    model.learnOne(x, y);
    if (loss === undefined) continue;
    n++;
    total += loss;
    if (window) {
      recent.push(loss);
      if (recent.length > window) total -= recent.shift()!;
    }
    values.push(total / (window ? recent.length : n));
  }
  return { values, final: values[values.length - 1] ?? NaN, n };
}
