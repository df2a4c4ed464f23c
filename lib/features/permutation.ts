/**
 * scikit-learn's sklearn.inspection.permutation_importance: the drop in score when one column is shuffled,
 * repeated `nRepeats` times. The shuffles follow scikit-learn's scheme exactly (one seed drawn from
 * `randomState`, the same sequence of shuffles for every column, each shuffle applied to the already-shuffled
 * column), so given scikit-learn's own shuffling indices (`permutations`) the importances are equal.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, Random, type RandomState } from "../core/random.js";
import { rocAucScore } from "../metrics/ranking.js";
import { checkNumber, checkOptionNames, shown } from "./check.js";
import type { Cell } from "./table.js";

/** A fitted model: `predict` for accuracy and the regression scores, `predictProba` for ROC-AUC, `score` for the default. */
export interface FittedModel {
  predict?(X: never): unknown;
  predictProba?(X: never): unknown;
  score?(X: never, y: never): number;
}

export type Scoring = "accuracy" | "r2" | "neg_mean_squared_error" | "roc_auc" | ((model: FittedModel, X: Cell[][], y: readonly (number | string)[]) => number);

export interface PermutationImportanceOptions {
  /** What to score (default: the model's own `score`, as scikit-learn's scoring=None). */
  scoring?: Scoring | null;
  nRepeats?: number;
  randomState?: RandomState;
  /** scikit-learn's shuffling indices, one array per repeat (shared by every column, as scikit-learn shares them). */
  permutations?: readonly (readonly number[])[] | null;
}

export interface PermutationImportance {
  importancesMean: number[];
  /** Population standard deviation over the repeats (numpy's np.std). */
  importancesStd: number[];
  /** One row per feature, one column per repeat: baseline score minus permuted score. */
  importances: number[][];
  baselineScore: number;
}

const values = (v: unknown): unknown[] => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Array.isArray(v) ? v : []);

/** The score of `model` on `X`, `y` under `scoring`. */
function scoreWith(scoring: Scoring | null, model: FittedModel, X: Cell[][], y: readonly (number | string)[]): number {
  if (typeof scoring === "function") return scoring(model, X, y);
  if (scoring === null) {
    if (typeof model.score !== "function") throw new InputError("permutationImportance: 'scoring' is null but the model has no score method; pass scoring: \"accuracy\", \"r2\", ... .");
    return model.score(X as never, y as never);
  }
  if (scoring === "roc_auc") {
    if (typeof model.predictProba !== "function") throw new InputError("permutationImportance: scoring \"roc_auc\" needs a model with predictProba.");
    const proba = model.predictProba(X as never) as number[][];
    return rocAucScore(y, proba.map((r) => r[r.length - 1]!));
  }
  if (typeof model.predict !== "function") throw new InputError(`permutationImportance: scoring ${JSON.stringify(scoring)} needs a model with predict.`);
  const pred = values(model.predict(X as never));
  if (scoring === "accuracy") return pred.reduce<number>((s, p, i) => s + (p === y[i] ? 1 : 0), 0) / y.length;
  const t = y as readonly number[];
  const p = pred as number[];
  const sse = t.reduce((s, v, i) => s + (v - p[i]!) ** 2, 0);
  if (scoring === "neg_mean_squared_error") return -sse / t.length;
  const m = t.reduce((s, v) => s + v, 0) / t.length;
  const sst = t.reduce((s, v) => s + (v - m) ** 2, 0);
  return sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
}

/**
 * @example
 * const r = permutationImportance(model, XTest, yTest, { scoring: "accuracy", nRepeats: 10, randomState: 0 });
 * r.importancesMean // one mean drop per column
 */
export function permutationImportance(model: FittedModel, X: readonly (readonly Cell[])[], y: readonly (number | string)[] | Float64Array | Int32Array, options: PermutationImportanceOptions = {}): PermutationImportance {
  const o = checkOptionNames("permutationImportance", options, ["scoring", "nRepeats", "randomState", "permutations"]);
  if (typeof model !== "object" || model === null) throw new InputError(`permutationImportance: 'model' must be a fitted model; got ${shown(model)}.`);
  if (!Array.isArray(X) || X.length === 0 || !Array.isArray(X[0])) throw new InputError(`permutationImportance: 'X' must be a non-empty array of rows; got ${shown(X)}.`);
  const labels = values(y) as (number | string)[];
  if (labels.length !== X.length) throw new InputError(`permutationImportance: 'y' has ${labels.length} values but 'X' has ${X.length} rows.`);
  const scoring = (o.scoring ?? null) as Scoring | null;
  if (scoring !== null && typeof scoring !== "function" && !["accuracy", "r2", "neg_mean_squared_error", "roc_auc"].includes(scoring)) {
    throw new InputError(`permutationImportance: 'scoring' must be "accuracy", "r2", "neg_mean_squared_error", "roc_auc", a function or null; got ${shown(scoring)}.`);
  }
  const n = X.length;
  const d = (X[0] as Cell[]).length;
  const permutations = (o.permutations ?? null) as number[][] | null;
  const nRepeats = permutations ? permutations.length : checkNumber("permutationImportance", "nRepeats", o.nRepeats ?? 5, { integer: true, min: 1 });
  if (permutations) {
    if (o.nRepeats !== undefined && o.nRepeats !== permutations.length) throw new InputError(`permutationImportance: 'nRepeats' is ${String(o.nRepeats)} but 'permutations' holds ${permutations.length} shuffles.`);
    permutations.forEach((p, r) => {
      const seen = new Uint8Array(n);
      if (!Array.isArray(p) || p.length !== n || p.some((i) => !Number.isInteger(i) || i < 0 || i >= n || seen[i]++)) throw new InputError(`permutationImportance: permutations[${r}] must be a permutation of 0..${n - 1}; got ${shown(p)}.`);
    });
  }
  const rows = X.map((r) => [...r]);
  const baseline = scoreWith(scoring, model, rows, labels);
  // One seed for every column (scikit-learn draws random_seed once and gives it to each column's job).
  const seed = checkRandomState(o.randomState as RandomState).nextUint32();
  const importances = Array.from({ length: d }, (_, col) => {
    const rng = new Random(seed);
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    const Xp = rows.map((r) => [...r]);
    return Array.from({ length: nRepeats }, (_, r) => {
      const shuffle = permutations ? permutations[r]! : rng.shuffle(idx);
      // X_permuted[:, col] = X_permuted[shuffling_idx, col]: from the column as the previous repeat left it.
      const column = Xp.map((row) => row[col]!);
      for (let i = 0; i < n; i++) Xp[i]![col] = column[shuffle[i]!]!;
      return baseline - scoreWith(scoring, model, Xp, labels);
    });
  });
  const means = importances.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
  const stds = importances.map((r, j) => Math.sqrt(r.reduce((a, b) => a + (b - means[j]!) ** 2, 0) / r.length));
  return { importancesMean: means, importancesStd: stds, importances, baselineScore: baseline };
}
