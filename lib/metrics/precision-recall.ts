/** Precision, recall, F-beta and support: binary, per class, macro, weighted and micro averages. */
import { InputError } from "../core/errors.js";
import type { Label } from "../core/validation.js";
import { confusionMatrix } from "./confusion.js";

export type Average = "binary" | "macro" | "weighted" | "micro" | null;

export interface PRFOptions {
  average?: Average;
  posLabel?: Label;
  beta?: number;
  labels?: readonly Label[];
  /** Value when a ratio is 0/0 (scikit-learn's zero_division; it also warns). */
  zeroDivision?: 0 | 1;
}

export interface PRF {
  precision: number | number[];
  recall: number | number[];
  fScore: number | number[];
  support: number | number[] | null;
  labels: Label[];
}

/**
 * scikit-learn's precision_recall_fscore_support.
 * @example precisionRecallFscoreSupport([0, 1, 1], [0, 1, 0], { average: "binary" }).recall // 0.5
 */
export function precisionRecallFscoreSupport(yTrue: unknown, yPred: unknown, options: PRFOptions = {}): PRF {
  const average = options.average === undefined ? null : options.average;
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new InputError(`beta must be >= 0; got ${beta}.`);
  const zd = options.zeroDivision ?? 0;
  const all = confusionMatrix(yTrue, yPred);
  const union = unionLabels(yTrue, yPred);
  let labels = options.labels ? [...options.labels] : union;
  if (average === "binary") {
    if (union.length > 2) throw new InputError(`Target is multiclass (${union.length} labels) but average='binary'. Choose average from 'macro', 'weighted', 'micro' or null.`);
    const pos = options.posLabel ?? 1;
    if (!union.includes(pos) && union.length > 0 && union.some((l) => typeof l === "string")) {
      throw new InputError(`posLabel=${String(pos)} is not a valid label. It should be one of [${union.join(", ")}].`);
    }
    labels = [pos];
  }
  const idx = labels.map((l) => union.indexOf(l));
  const tp = idx.map((i) => (i < 0 ? 0 : all[i]![i]!));
  const predSum = idx.map((i) => (i < 0 ? 0 : all.reduce((a, r) => a + r[i]!, 0)));
  const trueSum = idx.map((i) => (i < 0 ? 0 : all[i]!.reduce((a, b) => a + b, 0)));
  const ratio = (a: number, b: number) => (b === 0 ? zd : a / b);
  const fbeta = (p: number, r: number) => {
    const b2 = beta * beta;
    const d = b2 * p + r;
    return d === 0 ? zd : ((1 + b2) * p * r) / d;
  };
  if (average === "micro") {
    const TP = tp.reduce((a, b) => a + b, 0);
    const P = ratio(TP, predSum.reduce((a, b) => a + b, 0));
    const R = ratio(TP, trueSum.reduce((a, b) => a + b, 0));
    return { precision: P, recall: R, fScore: fbeta(P, R), support: null, labels };
  }
  const precision = tp.map((v, i) => ratio(v, predSum[i]!));
  const recall = tp.map((v, i) => ratio(v, trueSum[i]!));
  const f = precision.map((p, i) => fbeta(p, recall[i]!));
  if (average === null) return { precision, recall, fScore: f, support: trueSum, labels };
  const weights = average === "weighted" ? trueSum : trueSum.map(() => 1);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const avg = (xs: number[]) => (wsum === 0 ? zd : xs.reduce((a, x, i) => a + x * weights[i]!, 0) / wsum);
  return { precision: avg(precision), recall: avg(recall), fScore: avg(f), support: null, labels };
}

function unionLabels(yTrue: unknown, yPred: unknown): Label[] {
  const set = new Set<Label>([...(yTrue as ArrayLike<Label> & Iterable<Label>)].concat([...(yPred as Iterable<Label>)]));
  return [...set].sort((a, b) => (typeof a === "number" ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0));
}

const pick = (o: PRFOptions) => ({ ...o, average: o.average === undefined ? ("binary" as Average) : o.average });

/** @example precisionScore([0, 1, 1], [1, 1, 1]) // 0.6666666666666666 */
export function precisionScore(yTrue: unknown, yPred: unknown, options: PRFOptions = {}): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, pick(options)).precision;
}
/** @example recallScore([0, 1, 1], [1, 1, 0]) // 0.5 */
export function recallScore(yTrue: unknown, yPred: unknown, options: PRFOptions = {}): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, pick(options)).recall;
}
/** @example f1Score([0, 1, 1], [1, 1, 0], { average: "macro" }) */
export function f1Score(yTrue: unknown, yPred: unknown, options: Omit<PRFOptions, "beta"> = {}): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, { ...pick(options), beta: 1 }).fScore;
}
/** @example fbetaScore(yTrue, yPred, { beta: 2 }) */
export function fbetaScore(yTrue: unknown, yPred: unknown, options: PRFOptions & { beta: number }): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, pick(options)).fScore;
}
