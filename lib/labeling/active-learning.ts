/**
 * Active learning: label the samples the model is least sure about (uncertainty sampling) or the committee
 * disagrees on most (query by committee), instead of random ones, and watch accuracy per label spent.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { checkArray, checkLabels } from "../core/validation.js";

export type UncertaintyStrategy = "least_confident" | "margin" | "entropy";

/**
 * Uncertainty of each row of class probabilities (rows x k): higher means more worth labeling.
 * @example uncertainty(model.predictProba(pool), 3, "entropy")
 */
export function uncertainty(proba: ArrayLike<number>, k: number, strategy: UncertaintyStrategy = "least_confident"): Float64Array {
  const n = proba.length / k;
  if (!Number.isInteger(n)) throw new InputError(`uncertainty: ${proba.length} probabilities do not split into rows of k = ${k}.`);
  return Float64Array.from({ length: n }, (_, i) => {
    const row = Array.from({ length: k }, (_, c) => proba[i * k + c]!);
    if (strategy === "entropy") return -row.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
    const sorted = [...row].sort((a, b) => b - a);
    if (strategy === "margin") return -(sorted[0]! - (sorted[1] ?? 0));
    if (strategy === "least_confident") return 1 - sorted[0]!;
    throw new InputError(`uncertainty: 'strategy' must be "least_confident", "margin" or "entropy"; got ${JSON.stringify(strategy)}.`);
  });
}

/**
 * Disagreement of a committee: "vote_entropy" over the members' hard votes, or "consensus_entropy" (the entropy
 * of their mean probabilities).
 * @example committeeDisagreement(members.map((m) => m.predictProba(pool)), 2)
 */
export function committeeDisagreement(probas: ArrayLike<number>[], k: number, measure: "vote_entropy" | "consensus_entropy" = "vote_entropy"): Float64Array {
  if (probas.length < 2) throw new InputError("committeeDisagreement needs at least 2 committee members.");
  const n = probas[0]!.length / k;
  return Float64Array.from({ length: n }, (_, i) => {
    const share = new Float64Array(k);
    for (const p of probas) {
      if (measure === "consensus_entropy") for (let c = 0; c < k; c++) share[c]! += p[i * k + c]! / probas.length;
      else {
        let best = 0;
        for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
        share[best]! += 1 / probas.length;
      }
    }
    return -share.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
  });
}

/** What the loop needs from a model: scikit-learn's fit / predictProba / score on number[][]. */
export interface ProbabilisticClassifier {
  fit(X: number[][], y: number[]): unknown;
  predictProba(X: number[][]): unknown;
  score(X: number[][], y: number[]): number;
}

export interface ActiveLearningOptions {
  /** A fresh model for each round (refitted on all labels so far). */
  makeModel: () => ProbabilisticClassifier;
  /** "random" is the baseline; "committee" uses `committee` models built by makeModel on bootstrap samples. */
  strategy?: UncertaintyStrategy | "random" | "committee";
  committee?: number;
  initial?: number;
  batchSize?: number;
  budget?: number;
  randomState?: RandomState;
}

export interface ActiveLearningCurve {
  labels: number[];
  accuracy: number[];
}

/**
 * Pool-based active learning: start from `initial` random labels, then repeatedly label the `batchSize` pool
 * samples the strategy ranks highest, until `budget` labels; accuracy on the test set after each round.
 * @example activeLearning(Xpool, yPool, Xtest, yTest, { makeModel: () => new LogisticRegression(), strategy: "entropy" })
 */
export function activeLearning(Xpool: unknown, yPool: unknown, Xtest: unknown, yTest: unknown, options: ActiveLearningOptions): ActiveLearningCurve {
  const pool = checkArray(Xpool, "Xpool").matrix;
  const labels = checkLabels(yPool, "yPool", pool.rows);
  const test = checkArray(Xtest, "Xtest").matrix;
  const testLabels = checkLabels(yTest, "yTest", test.rows);
  const rows = (m: typeof pool, idx: Iterable<number>) => Array.from(idx, (i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  const Xt = rows(test, Array.from({ length: test.rows }, (_, i) => i));
  const yt = Array.from(testLabels.codes, (c) => {
    const code = labels.classes.indexOf(testLabels.classes[c]!);
    if (code < 0) throw new InputError(`yTest has class ${String(testLabels.classes[c])}, which never occurs in yPool.`);
    return code;
  });
  const k = labels.classes.length;
  const initial = options.initial ?? 20;
  const batch = options.batchSize ?? 10;
  const budget = Math.min(options.budget ?? 200, pool.rows);
  if (initial < 2 || initial > budget) throw new InputError(`activeLearning: 'initial' must be between 2 and the budget (${budget}); got ${initial}.`);
  const rng = checkRandomState(options.randomState);
  const strategy = options.strategy ?? "least_confident";
  const order = rng.shuffle(Int32Array.from({ length: pool.rows }, (_, i) => i));
  const labeled = new Set<number>(order.subarray(0, initial));
  const curve: ActiveLearningCurve = { labels: [], accuracy: [] };
  const fitOn = (idx: number[]) => {
    const m = options.makeModel();
    m.fit(rows(pool, idx), idx.map((i) => labels.codes[i]!));
    return m;
  };
  const probaOf = (m: ProbabilisticClassifier, X: number[][]) => {
    const p = m.predictProba(X) as number[][];
    return Float64Array.from(p.flat());
  };
  for (;;) {
    const idx = [...labeled];
    const model = fitOn(idx);
    curve.labels.push(idx.length);
    curve.accuracy.push(model.score(Xt, yt));
    if (labeled.size >= budget) break;
    const candidates = Array.from({ length: pool.rows }, (_, i) => i).filter((i) => !labeled.has(i));
    const take = Math.min(batch, budget - labeled.size);
    let chosen: number[];
    if (strategy === "random") {
      chosen = rng.shuffle(candidates).slice(0, take);
    } else {
      const X = rows(pool, candidates);
      let score: Float64Array;
      if (strategy === "committee") {
        const members = Array.from({ length: options.committee ?? 5 }, () => fitOn(Array.from({ length: idx.length }, () => idx[rng.randint(idx.length)]!)));
        score = committeeDisagreement(members.map((m) => probaOf(m, X)), k);
      } else {
        score = uncertainty(probaOf(model, X), k, strategy);
      }
      chosen = [...candidates.keys()].sort((a, b) => score[b]! - score[a]! || a - b).slice(0, take).map((p) => candidates[p]!);
    }
    for (const i of chosen) labeled.add(i);
  }
  return curve;
}
