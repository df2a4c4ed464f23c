/** ROC and precision-recall curves, ROC-AUC and average precision, as scikit-learn computes them. */
import { InputError } from "../core/errors.js";
import type { Label } from "../core/validation.js";
import { checkLabels } from "../core/validation.js";
import { binaryTargets, checkScores, type PositiveRule } from "./encode.js";
import { checkOptions } from "./options.js";

/** Cumulative false and true positives at each distinct score, from the highest down. */
function binaryClfCurve(yTrue: unknown, yScore: unknown, posLabel: Label | undefined, rule: PositiveRule) {
  const y = binaryTargets(yTrue, posLabel, rule);
  const s = checkScores(yScore, "yScore", y.length);
  const order = Array.from(s.keys()).sort((a, b) => s[b]! - s[a]! || b - a);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (y[i]) tp++;
    else fp++;
    // Record at the last sample of each run of equal scores.
    if (k === order.length - 1 || s[order[k + 1]!] !== s[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(s[i]!);
    }
  }
  return { fps, tps, thresholds };
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/**
 * ROC curve with scikit-learn's drop_intermediate (collinear points removed) and its leading threshold
 * (the highest score + 1, as scikit-learn 1.2 does).
 * @example rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
 */
export function rocCurve(yTrue: unknown, yScore: unknown, options: { posLabel?: Label; dropIntermediate?: boolean } = {}): RocCurve {
  checkOptions("rocCurve", ["posLabel", "dropIntermediate"], options);
  return roc(yTrue, yScore, options.posLabel, options.dropIntermediate ?? true);
}

function roc(yTrue: unknown, yScore: unknown, posLabel: Label | undefined, dropIntermediate: boolean): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, posLabel, "consistent");
  if (dropIntermediate && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const d2t = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]!);
    tps = keep.map((i) => tps[i]!);
    thresholds = keep.map((i) => thresholds[i]!);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  thresholds = [thresholds[0]! + 1, ...thresholds];
  const fTotal = fps[fps.length - 1]!;
  const tTotal = tps[tps.length - 1]!;
  return { fpr: fps.map((v) => (fTotal > 0 ? v / fTotal : NaN)), tpr: tps.map((v) => (tTotal > 0 ? v / tTotal : NaN)), thresholds };
}

/**
 * Trapezoidal area under a curve given by increasing (or decreasing) x.
 * @example auc([0, 0.5, 1], [0, 0.8, 1]) // 0.65
 */
export function auc(x: readonly number[], y: readonly number[]): number {
  checkPoints(x, "x");
  checkPoints(y, "y");
  if (x.length !== y.length) throw new InputError(`Found input variables with inconsistent numbers of samples: [${x.length}, ${y.length}] (auc's x has ${x.length} points, y has ${y.length}).`);
  if (x.length < 2) throw new InputError(`At least 2 points are needed to compute the area under a curve; got ${x.length}.`);
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  let increasing = true;
  let decreasing = true;
  for (let i = 1; i < x.length; i++) {
    if (x[i]! < x[i - 1]!) increasing = false;
    if (x[i]! > x[i - 1]!) decreasing = false;
  }
  if (!increasing && !decreasing) throw new InputError("x is neither increasing nor decreasing: auc needs a monotonic x.");
  return decreasing ? -area : area;
}

function checkPoints(v: unknown, name: string): void {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new InputError(`auc: ${name} must be an array of numbers; got ${v === null ? "null" : typeof v}.`);
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== "number" || !Number.isFinite(a[i] as number)) throw new InputError(`auc: ${name}[${i}] is ${String(a[i])}; coordinates must be finite numbers.`);
}

/**
 * Area under the ROC curve for a binary target.
 * @example rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 */
export function rocAucScore(yTrue: unknown, yScore: unknown, options: { posLabel?: Label } = {}): number {
  checkOptions("rocAucScore", ["posLabel"], options);
  // scikit-learn binarises over the sorted labels, so the greater one is positive; posLabel is mlsd's extension.
  const classes = checkLabels(yTrue, "yTrue").classes;
  const pos = options.posLabel ?? classes[classes.length - 1];
  const y = binaryTargets(yTrue, pos, "consistent");
  const positives = y.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === y.length) throw new InputError("Only one class present in yTrue. ROC AUC score is not defined in that case.");
  const { fpr, tpr } = roc(yTrue, yScore, pos, false);
  return auc(fpr, tpr);
}

export interface PrCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/** Precision-recall pairs for increasing thresholds, ending at precision 1, recall 0 (scikit-learn's order). */
export function precisionRecallCurve(yTrue: unknown, probasPred: unknown, options: { posLabel?: Label } = {}): PrCurve {
  checkOptions("precisionRecallCurve", ["posLabel"], options);
  return prCurve(yTrue, probasPred, options.posLabel, "consistent");
}

function prCurve(yTrue: unknown, probasPred: unknown, posLabel: Label | undefined, rule: PositiveRule): PrCurve {
  const { fps, tps, thresholds } = binaryClfCurve(yTrue, probasPred, posLabel, rule);
  const total = tps[tps.length - 1]!;
  const precision = tps.map((t, i) => (t + fps[i]! === 0 ? 0 : t / (t + fps[i]!)));
  const recall = tps.map((t) => (total === 0 ? 1 : t / total));
  return { precision: [...precision.reverse(), 1], recall: [...recall.reverse(), 0], thresholds: [...thresholds].reverse() };
}

/**
 * Average precision: the precision at each threshold weighted by the increase in recall (no interpolation).
 * @example averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.8333333333333333
 */
export function averagePrecisionScore(yTrue: unknown, yScore: unknown, options: { posLabel?: Label } = {}): number {
  checkOptions("averagePrecisionScore", ["posLabel"], options);
  // scikit-learn's pos_label=1 default: with two labels, 1 must be one of them (else pass posLabel).
  const { precision, recall } = prCurve(yTrue, yScore, options.posLabel, "one");
  let ap = 0;
  for (let i = 0; i < recall.length - 1; i++) ap -= (recall[i + 1]! - recall[i]!) * precision[i]!;
  return ap;
}
