/** Precision, recall, F-beta and support: binary, per class, macro, weighted and micro averages. */
import { InputError, InvalidParameterError } from "../core/errors.js";
import type { Label } from "../core/validation.js";
import { confusionMatrix } from "./confusion.js";
import { checkOptions, type OptionName } from "./options.js";

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

const prfNames: readonly OptionName[] = ["average", "posLabel", "beta", "labels", "zeroDivision"];

/**
 * scikit-learn's precision_recall_fscore_support (average defaults to null: one value per label).
 * @example precisionRecallFscoreSupport([0, 1, 1], [0, 1, 0], { average: "binary" }).recall // 0.5
 */
export function precisionRecallFscoreSupport(yTrue: unknown, yPred: unknown, options: PRFOptions = {}): PRF {
  checkOptions("precisionRecallFscoreSupport", prfNames, options);
  return prfs(yTrue, yPred, options);
}

/** The computation, on options already checked. */
function prfs(yTrue: unknown, yPred: unknown, options: PRFOptions): PRF {
  const average = options.average === undefined ? null : options.average;
  const beta = options.beta ?? 1;
  const zd = options.zeroDivision ?? 0;
  const all = confusionMatrix(yTrue, yPred);
  const union = unionLabels(yTrue, yPred);
  let labels = options.labels ? [...options.labels] : union;
  if (average === "binary") {
    if (union.length > 2) throw new InputError(`Target is multiclass (${union.length} labels) but average='binary'. Choose average from 'macro', 'weighted', 'micro' or null.`);
    const pos = options.posLabel ?? 1;
    // scikit-learn's _check_set_wise_labels: with two labels present, posLabel must be one of them.
    if (union.length === 2 && !union.includes(pos)) {
      throw new InputError(`posLabel=${typeof pos === "string" ? `'${pos}'` : pos} is not a valid label. It should be one of [${union.map((l) => (typeof l === "string" ? `'${l}'` : String(l))).join(", ")}].`);
    }
    labels = [pos];
  }
  const idx = labels.map((l) => union.indexOf(l));
  const tp = idx.map((i) => (i < 0 ? 0 : all[i]![i]!));
  const predSum = idx.map((i) => (i < 0 ? 0 : all.reduce((a, r) => a + r[i]!, 0)));
  const trueSum = idx.map((i) => (i < 0 ? 0 : all[i]!.reduce((a, b) => a + b, 0)));
  const ratio = (a: number, b: number) => (b === 0 ? zd : a / b);
  const fbeta = (p: number, r: number) => {
    // F-infinity weighs recall only (scikit-learn's np.isposinf(beta) branch); beta² would give NaN.
    if (beta === Infinity) return r;
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

/** The score functions' default average is "binary", as scikit-learn's. */
const withBinary = (o: PRFOptions) => ({ ...o, average: o.average === undefined ? ("binary" as Average) : o.average });
const scoreNames = prfNames.filter((n) => n !== "beta");

/** Options whose average is null: one score per label. */
type PerLabel<O> = O & { average: null };
/** Options whose average is one number (the default "binary", or "macro", "weighted", "micro"). */
type Averaged<O> = O & { average?: Exclude<Average, null> };
type ScoreOptions = Omit<PRFOptions, "beta">;

/** @example precisionScore([0, 1, 1], [1, 1, 1]) // 0.6666666666666666 */
export function precisionScore(yTrue: unknown, yPred: unknown, options: PerLabel<ScoreOptions>): number[];
export function precisionScore(yTrue: unknown, yPred: unknown, options?: Averaged<ScoreOptions>): number;
export function precisionScore(yTrue: unknown, yPred: unknown, options?: ScoreOptions): number | number[];
export function precisionScore(yTrue: unknown, yPred: unknown, options: ScoreOptions = {}): number | number[] {
  checkOptions("precisionScore", scoreNames, options);
  return prfs(yTrue, yPred, withBinary(options)).precision;
}
/** @example recallScore([0, 1, 1], [1, 1, 0]) // 0.5 */
export function recallScore(yTrue: unknown, yPred: unknown, options: PerLabel<ScoreOptions>): number[];
export function recallScore(yTrue: unknown, yPred: unknown, options?: Averaged<ScoreOptions>): number;
export function recallScore(yTrue: unknown, yPred: unknown, options?: ScoreOptions): number | number[];
export function recallScore(yTrue: unknown, yPred: unknown, options: ScoreOptions = {}): number | number[] {
  checkOptions("recallScore", scoreNames, options);
  return prfs(yTrue, yPred, withBinary(options)).recall;
}
/** @example f1Score([0, 1, 1], [1, 1, 0], { average: "macro" }) */
export function f1Score(yTrue: unknown, yPred: unknown, options: PerLabel<ScoreOptions>): number[];
export function f1Score(yTrue: unknown, yPred: unknown, options?: Averaged<ScoreOptions>): number;
export function f1Score(yTrue: unknown, yPred: unknown, options?: ScoreOptions): number | number[];
export function f1Score(yTrue: unknown, yPred: unknown, options: ScoreOptions = {}): number | number[] {
  checkOptions("f1Score", scoreNames, options);
  return prfs(yTrue, yPred, { ...withBinary(options), beta: 1 }).fScore;
}
/**
 * F-beta: recall counts beta times as much as precision; `beta: Infinity` is recall, 0 is precision.
 * @example fbetaScore([0, 1, 1, 0], [1, 1, 0, 0], { beta: 2 }) // 0.5
 */
export function fbetaScore(yTrue: unknown, yPred: unknown, options: PerLabel<PRFOptions & { beta: number }>): number[];
export function fbetaScore(yTrue: unknown, yPred: unknown, options: Averaged<PRFOptions & { beta: number }>): number;
export function fbetaScore(yTrue: unknown, yPred: unknown, options: PRFOptions & { beta: number }): number | number[];
export function fbetaScore(yTrue: unknown, yPred: unknown, options: PRFOptions & { beta: number }): number | number[] {
  checkOptions("fbetaScore", prfNames, options);
  if (options?.beta === undefined) throw new InvalidParameterError("fbetaScore needs options.beta (recall counts beta times as much as precision), e.g. { beta: 2 }.");
  return prfs(yTrue, yPred, withBinary(options)).fScore;
}
