/** Confusion matrix and the metrics read straight off it. */
import type { Label } from "../core/validation.js";
import { InputError } from "../core/errors.js";
import { encodePair } from "./encode.js";
import { checkOptions } from "./options.js";

export interface ConfusionOptions {
  labels?: readonly Label[];
  /** Normalise over the true rows, the predicted columns, or all cells. */
  normalize?: "true" | "pred" | "all" | null;
}

/**
 * The matrix's type: k x k number tuples when `labels` is a literal list of k labels (so
 * `const [[tn, fp], [fn, tp]] = confusionMatrix(y, p, { labels: [0, 1] })` needs no cast), else number[][].
 */
export type ConfusionMatrixOf<L extends readonly Label[]> = number extends L["length"] ? number[][] : { -readonly [I in keyof L]: { -readonly [J in keyof L]: number } };

/**
 * Rows are true classes, columns predicted ones, in sorted label order (scikit-learn's layout).
 * @example
 * confusionMatrix([0, 1, 1], [0, 1, 0]) // [[1, 0], [1, 1]]
 * const [[tn, fp], [fn, tp]] = confusionMatrix([0, 1, 1], [0, 1, 0], { labels: [0, 1] }) // tn 1, fp 0, fn 1, tp 1
 */
export function confusionMatrix<const L extends readonly Label[] = readonly Label[]>(yTrue: unknown, yPred: unknown, options?: ConfusionOptions & { labels?: L }): ConfusionMatrixOf<L>;
export function confusionMatrix(yTrue: unknown, yPred: unknown, options: ConfusionOptions = {}): number[][] {
  checkOptions("confusionMatrix", ["labels", "normalize"], options);
  const { t, p, classes } = encodePair(yTrue, yPred, options.labels);
  if (options.labels) {
    // scikit-learn's confusion_matrix checks: some labels, and at least one of them seen in yTrue.
    if (options.labels.length === 0) throw new InputError("confusionMatrix: 'labels' should contain at least one label; got [].");
    if (t.length > 0 && !t.some((c) => c >= 0)) throw new InputError(`confusionMatrix: at least one label specified must be in yTrue; got labels [${options.labels.join(", ")}].`);
  }
  const k = classes.length;
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < t.length; i++) if (t[i]! >= 0 && p[i]! >= 0) m[t[i]!]![p[i]!]!++;
  if (!options.normalize) return m;
  const total = m.flat().reduce((a, b) => a + b, 0);
  return m.map((row) =>
    row.map((v, j) => {
      const d = options.normalize === "true" ? row.reduce((a, b) => a + b, 0) : options.normalize === "pred" ? m.reduce((a, r) => a + r[j]!, 0) : total;
      return d === 0 ? 0 : v / d;
    }),
  );
}

/** Fraction of exact matches. @example accuracyScore([1, 0], [1, 1]) // 0.5 */
export function accuracyScore(yTrue: unknown, yPred: unknown, options: Record<string, never> = {}): number {
  checkOptions("accuracyScore", [], options);
  const { t, p } = encodePair(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
  return hits / t.length;
}

/** Mean recall over the classes present in yTrue; with `adjusted`, chance scores 0. */
export function balancedAccuracyScore(yTrue: unknown, yPred: unknown, options: { adjusted?: boolean } = {}): number {
  checkOptions("balancedAccuracyScore", ["adjusted"], options);
  const m = confusionMatrix(yTrue, yPred);
  const recalls: number[] = [];
  m.forEach((row, i) => {
    const support = row.reduce((a, b) => a + b, 0);
    if (support > 0) recalls.push(row[i]! / support);
  });
  let score = recalls.reduce((a, b) => a + b, 0) / recalls.length;
  if (options.adjusted) {
    const chance = 1 / recalls.length;
    score = (score - chance) / (1 - chance);
  }
  return score;
}
