/** Stratified sampling, trainTestSplit and StratifiedKFold, with scikit-learn's allocation rules. */
import { InputError } from "../core/errors.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";
import { checkLabels, classCounts } from "../core/validation.js";

/**
 * scikit-learn's _approximate_mode: per-class counts for `nDraws` draws proportional to `counts`, the rounding
 * remainders given to the largest fractional parts (ties broken at random).
 */
export function approximateMode(counts: ArrayLike<number>, nDraws: number, rng: Random): Int32Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const continuous = Array.from(counts, (c) => (c / total) * nDraws);
  const floored = Int32Array.from(continuous, Math.floor);
  let need = nDraws - floored.reduce((a, b) => a + b, 0);
  const remainder = continuous.map((v, i) => v - floored[i]!);
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const value of values) {
    if (need <= 0) break;
    const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
    rng.shuffle(inds);
    for (const i of inds.slice(0, Math.min(inds.length, need))) floored[i]!++;
    need -= Math.min(inds.length, need);
  }
  return floored;
}

export interface SplitOptions {
  /** Fraction (0, 1) or count of the test set; default 0.25 (or the complement of trainSize). */
  testSize?: number;
  trainSize?: number;
  /** Labels to keep the class proportions of, in both parts. */
  stratify?: unknown;
  shuffle?: boolean;
  randomState?: RandomState;
}

function splitSizes(n: number, testSize: number | undefined, trainSize: number | undefined): [number, number] {
  const size = (v: number, name: string, round: (x: number) => number) => {
    if (typeof v !== "number") throw new InputError(`${name} must be a number (a fraction in (0, 1) or a count); got ${typeof v} ${JSON.stringify(v)}.`);
    if (v > 0 && v < 1) return round(v * n);
    if (Number.isInteger(v) && v > 0 && v < n) return v;
    throw new InputError(`${name}=${v} should be a fraction in (0, 1) or an integer count in [1, ${n - 1}] for ${n} samples.`);
  };
  let nTest = testSize === undefined ? undefined : size(testSize, "testSize", Math.ceil);
  let nTrain = trainSize === undefined ? undefined : size(trainSize, "trainSize", Math.floor);
  if (nTest === undefined && nTrain === undefined) nTest = Math.ceil(0.25 * n);
  if (nTest === undefined) nTest = n - nTrain!;
  if (nTrain === undefined) nTrain = n - nTest;
  if (nTrain + nTest > n) throw new InputError(`The sum of trainSize and testSize (${nTrain + nTest}) exceeds the number of samples (${n}).`);
  if (nTrain === 0) throw new InputError(`With n_samples=${n} and testSize=${testSize}, the train set would be empty.`);
  return [nTrain, nTest];
}

/**
 * Train and test indices (scikit-learn's ShuffleSplit / StratifiedShuffleSplit for one split).
 * @example const { train, test } = trainTestSplitIndices(1000, { testSize: 0.2, stratify: y, randomState: 0 })
 */
export function trainTestSplitIndices(n: number, options: SplitOptions = {}): { train: Int32Array; test: Int32Array } {
  const [nTrain, nTest] = splitSizes(n, options.testSize, options.trainSize);
  const rng = checkRandomState(options.randomState);
  if (options.stratify === undefined) {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    // scikit-learn: without shuffling the first nTrain rows train and the next nTest test; with it, a
    // permutation's first nTest test (ShuffleSplit).
    if (options.shuffle === false) return { train: idx.slice(0, nTrain), test: idx.slice(nTrain, nTrain + nTest) };
    rng.shuffle(idx);
    return { test: idx.slice(0, nTest), train: idx.slice(nTest, nTest + nTrain) };
  }
  if (options.shuffle === false) throw new InputError("Stratified train/test split is not implemented for shuffle=false (as in scikit-learn).");
  const labels = checkLabels(options.stratify, "stratify", n);
  const counts = classCounts(labels.codes, labels.classes.length);
  const small = counts.findIndex((c) => c < 2);
  if (small >= 0) throw new InputError(`The least populated class in stratify, ${String(labels.classes[small])}, has only ${counts[small]} member, which is too few. The minimum number of groups for any class cannot be less than 2.`);
  const trainPer = approximateMode(counts, nTrain, rng);
  const testPer = approximateMode(Int32Array.from(counts, (c, i) => c - trainPer[i]!), nTest, rng);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < counts.length; c++) {
    const members = [];
    for (let i = 0; i < n; i++) if (labels.codes[i] === c) members.push(i);
    rng.shuffle(members);
    train.push(...members.slice(0, trainPer[c]!));
    test.push(...members.slice(trainPer[c]!, trainPer[c]! + testPer[c]!));
  }
  return { train: rng.shuffle(Int32Array.from(train)), test: rng.shuffle(Int32Array.from(test)) };
}

export interface StratifiedKFoldOptions {
  nSplits?: number;
  shuffle?: boolean;
  randomState?: RandomState;
}

/**
 * K folds that keep class proportions; without shuffling, the same folds as scikit-learn's StratifiedKFold.
 * @example for (const { train, test } of new StratifiedKFold({ nSplits: 5 }).split(y)) { ... }
 */
export class StratifiedKFold {
  constructor(readonly options: StratifiedKFoldOptions = {}) {}

  /** Train/test indices for each fold. */
  *split(y: unknown): Generator<{ train: Int32Array; test: Int32Array }> {
    const k = this.options.nSplits ?? 5;
    if (!Number.isInteger(k) || k < 2) throw new InputError(`nSplits must be an integer >= 2; got ${k}.`);
    const checked = checkLabels(y, "y");
    const n = checked.codes.length;
    const nc = checked.classes.length;
    // scikit-learn numbers classes by first appearance in y, which decides how the round-robin deals them.
    const firstSeen = new Int32Array(nc).fill(-1);
    let next = 0;
    for (let i = 0; i < n; i++) if (firstSeen[checked.codes[i]!] === -1) firstSeen[checked.codes[i]!] = next++;
    const labels = { codes: Int32Array.from(checked.codes, (c) => firstSeen[c]!) };
    const counts = classCounts(labels.codes, nc);
    if (Math.max(...counts) < k) throw new InputError(`nSplits=${k} cannot be greater than the number of members in each class.`);
    // Sort the labels and deal them round-robin into folds, giving each fold's count per class.
    const sorted = Int32Array.from(labels.codes).sort();
    const allocation = Array.from({ length: k }, (_, f) => {
      const row = new Int32Array(nc);
      for (let i = f; i < n; i += k) row[sorted[i]!]!++;
      return row;
    });
    const rng = checkRandomState(this.options.randomState);
    const testFold = new Int32Array(n);
    for (let c = 0; c < nc; c++) {
      const folds: number[] = [];
      for (let f = 0; f < k; f++) for (let r = 0; r < allocation[f]![c]!; r++) folds.push(f);
      if (this.options.shuffle) rng.shuffle(folds);
      let m = 0;
      for (let i = 0; i < n; i++) if (labels.codes[i] === c) testFold[i] = folds[m++]!;
    }
    for (let f = 0; f < k; f++) {
      const test: number[] = [];
      const train: number[] = [];
      for (let i = 0; i < n; i++) (testFold[i] === f ? test : train).push(i);
      yield { train: Int32Array.from(train), test: Int32Array.from(test) };
    }
  }
}
