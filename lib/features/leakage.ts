/**
 * Leakage checks: adversarial validation (can a classifier tell the training rows from the test rows? its
 * out-of-fold ROC-AUC: 0.5 when it cannot), duplicates shared by train and test, and a time split.
 */
import { InputError } from "../core/errors.js";
import type { RandomState } from "../core/random.js";
import { RandomForestClassifier } from "../ensemble/forest.js";
import { rocAucScore } from "../metrics/ranking.js";
import { StratifiedKFold } from "../sampling/stratified.js";
import { checkNumber, shown, withDefaults } from "./check.js";

/** A classifier factory for adversarial validation. */
export interface ProbabilisticClassifier {
  fit(X: number[][], y: number[]): unknown;
  predictProba(X: number[][]): unknown;
}

export interface AdversarialValidationOptions {
  /** Builds a fresh classifier per fold (default: a random forest of 50 trees, depth 8). */
  model?: () => ProbabilisticClassifier;
  cv?: number;
  randomState?: RandomState;
}

export interface AdversarialValidation {
  /** Out-of-fold ROC-AUC of "is this row from test?": 0.5 when train and test look alike. */
  rocAuc: number;
  /** Each row's out-of-fold probability of being a test row: train rows first, then test rows. */
  proba: Float64Array;
  /** The forest's impurity importances, fitted on all rows (the features that tell the sets apart); null for a custom model. */
  featureImportances: number[] | null;
}

const checkRows = (fn: string, name: string, X: unknown): number[][] => {
  if (!Array.isArray(X) || X.length === 0 || !X.every((r) => Array.isArray(r) && r.every((v) => typeof v === "number" && Number.isFinite(v)))) throw new InputError(`${fn}: '${name}' must be a non-empty array of rows of finite numbers; got ${shown(X)}.`);
  return X as number[][];
};

/** adversarialValidation's declared defaults; `model: null` is the random forest described above. */
const ADVERSARIAL_DEFAULTS = { model: null, cv: 5, randomState: 0 };

/**
 * @example adversarialValidation(XTrain, XTest, { randomState: 0 }).rocAuc // ~0.5 for a random split
 */
export function adversarialValidation(train: readonly (readonly number[])[], test: readonly (readonly number[])[], options: AdversarialValidationOptions = {}): AdversarialValidation {
  const o = withDefaults("adversarialValidation", options, ADVERSARIAL_DEFAULTS);
  const a = checkRows("adversarialValidation", "train", train);
  const b = checkRows("adversarialValidation", "test", test);
  if (a[0]!.length !== b[0]!.length) throw new InputError(`adversarialValidation: 'train' has ${a[0]!.length} columns but 'test' has ${b[0]!.length}.`);
  const cv = checkNumber("adversarialValidation", "cv", o.cv, { integer: true, min: 2 });
  if (o.model !== null && typeof o.model !== "function") throw new InputError(`adversarialValidation: 'model' must be a function returning a classifier; got ${shown(o.model)}.`);
  const seed = o.randomState as RandomState;
  const make = (o.model as (() => ProbabilisticClassifier) | null) ?? (() => new RandomForestClassifier({ nEstimators: 50, maxDepth: 8, randomState: seed }));
  const X = [...a, ...b];
  const y = [...a.map(() => 0), ...b.map(() => 1)];
  const proba = new Float64Array(X.length);
  for (const { train: tr, test: te } of new StratifiedKFold({ nSplits: cv, shuffle: true, randomState: seed }).split(y)) {
    const m = make();
    m.fit(Array.from(tr, (i) => X[i]!), Array.from(tr, (i) => y[i]!));
    const p = m.predictProba(Array.from(te, (i) => X[i]!)) as number[][];
    te.forEach((i, k) => (proba[i] = p[k]![1]!));
  }
  let featureImportances: number[] | null = null;
  if (o.model === null) {
    const forest = new RandomForestClassifier({ nEstimators: 50, maxDepth: 8, randomState: seed }).fit(X, y);
    featureImportances = Array.from(forest.featureImportances_!);
  }
  return { rocAuc: rocAucScore(y, proba), proba, featureImportances };
}

/**
 * Test rows that also occur in the training rows, exactly (the leak a scraped, re-posted or augmented data set has).
 * @example crossDuplicates([[1, 2], [3, 4]], [[3, 4], [5, 6]]) // { count: 1, fraction: 0.5, testIndices: [0] }
 */
export function crossDuplicates(train: readonly (readonly unknown[])[], test: readonly (readonly unknown[])[]): { count: number; fraction: number; testIndices: number[] } {
  for (const [name, X] of [["train", train], ["test", test]] as const) if (!Array.isArray(X) || !X.every((r) => Array.isArray(r))) throw new InputError(`crossDuplicates: '${name}' must be an array of rows; got ${shown(X)}.`);
  if (test.length === 0) throw new InputError("crossDuplicates: 'test' is empty; got an array of length 0.");
  const seen = new Set(train.map((r) => JSON.stringify(r)));
  const testIndices = test.flatMap((r, i) => (seen.has(JSON.stringify(r)) ? [i] : []));
  return { count: testIndices.length, fraction: testIndices.length / test.length, testIndices };
}

/**
 * A time split: the latest `testSize` fraction of rows (by `times`) is the test set, so the model is scored
 * only on the future of what it trained on. Ties at the cut go to training.
 * @example timeSplit([3, 1, 2, 4], { testSize: 0.25 }) // { train: [1, 2, 0], test: [3], cutoff: 3 }
 */
export function timeSplit(times: readonly (number | Date)[], options: { testSize?: number } = {}): { train: number[]; test: number[]; cutoff: number } {
  const o = withDefaults("timeSplit", options, { testSize: 0.25 });
  if (!Array.isArray(times) || times.length < 2) throw new InputError(`timeSplit: 'times' must be an array of at least 2 timestamps; got ${shown(times)}.`);
  const t = times.map((v, i) => {
    const x = v instanceof Date ? v.getTime() : v;
    if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(`timeSplit: times[${i}] must be a finite number or a valid Date; got ${shown(v)}.`);
    return x;
  });
  const testSize = checkNumber("timeSplit", "testSize", o.testSize, { min: 0, minExclusive: true, max: 1 });
  if (testSize >= 1) throw new InputError(`timeSplit: 'testSize' must be < 1; got ${testSize}.`);
  const order = t.map((_, i) => i).sort((i, j) => t[i]! - t[j]! || i - j);
  const nTrain = Math.max(1, Math.min(order.length - 1, Math.round(order.length * (1 - testSize))));
  const cutoff = t[order[nTrain - 1]!]!;
  const train = order.filter((i) => t[i]! <= cutoff);
  const test = order.filter((i) => t[i]! > cutoff);
  if (test.length === 0) throw new InputError(`timeSplit: every timestamp is at or before the cut (${cutoff}); nothing is left to test on.`);
  return { train, test, cutoff };
}
