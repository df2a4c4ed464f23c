/** Confusion matrix and the metrics read straight off it. */
import type { Label } from "../core/validation.js";
import { encodePair } from "./encode.js";

export interface ConfusionOptions {
  labels?: readonly Label[];
  /** Normalise over the true rows, the predicted columns, or all cells. */
  normalize?: "true" | "pred" | "all";
}

/**
 * Rows are true classes, columns predicted ones, in sorted label order (scikit-learn's layout).
 * @example confusionMatrix([0, 1, 1], [0, 1, 0]) // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: unknown, yPred: unknown, options: ConfusionOptions = {}): number[][] {
  const { t, p, classes } = encodePair(yTrue, yPred, options.labels);
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
export function accuracyScore(yTrue: unknown, yPred: unknown): number {
  const { t, p } = encodePair(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
  return hits / t.length;
}

/** Mean recall over the classes present in yTrue; with `adjusted`, chance scores 0. */
export function balancedAccuracyScore(yTrue: unknown, yPred: unknown, options: { adjusted?: boolean } = {}): number {
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
