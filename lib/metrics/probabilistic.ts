/** Metrics on predicted probabilities: log loss, Brier score, calibration curve. */
import { InputError } from "../core/errors.js";
import { checkLabels, type Label } from "../core/validation.js";
import { binaryTargets, checkScores } from "./encode.js";

/**
 * Cross-entropy of predicted probabilities; `yProba` is n×k (columns in sorted label order) or, for binary
 * targets, the positive class's probability. Probabilities are clipped to [eps, 1 - eps] and rows renormalised.
 * @example logLoss([0, 1], [[0.9, 0.1], [0.2, 0.8]])
 */
export function logLoss(yTrue: unknown, yProba: readonly (readonly number[])[] | readonly number[], options: { eps?: number; labels?: readonly Label[] } = {}): number {
  const y = checkLabels(yTrue, "yTrue");
  const classes = options.labels ? [...options.labels] : y.classes;
  const n = y.codes.length;
  const rows: number[][] = (yProba as readonly unknown[]).map((r) => (Array.isArray(r) ? [...(r as number[])] : [1 - (r as number), r as number]));
  if (rows.length !== n) throw new InputError(`Found input variables with inconsistent numbers of samples: [${n}, ${rows.length}].`);
  const k = rows[0]?.length ?? 0;
  if (k !== Math.max(classes.length, 2)) throw new InputError(`yProba has ${k} columns but yTrue has ${classes.length} classes [${classes.join(", ")}]; pass labels to name the columns.`);
  const eps = options.eps ?? 2.220446049250313e-16;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!.map((p) => Math.min(Math.max(p, eps), 1 - eps));
    const sum = row.reduce((a, b) => a + b, 0);
    const c = classes.indexOf(y.classes[y.codes[i]!]!);
    total -= Math.log(row[c]! / sum);
  }
  return total / n;
}

/** Mean squared difference between the positive class's probability and the outcome. */
export function brierScoreLoss(yTrue: unknown, yProb: unknown, options: { posLabel?: Label } = {}): number {
  const y = binaryTargets(yTrue, options.posLabel);
  const p = checkScores(yProb, "yProb", y.length);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    if (p[i]! < 0 || p[i]! > 1) throw new InputError(`yProb[${i}] is ${p[i]}; probabilities must lie in [0, 1].`);
    s += (p[i]! - y[i]!) ** 2;
  }
  return s / y.length;
}

/** Fraction of positives against mean predicted probability per bin (bins without samples are left out). */
export function calibrationCurve(yTrue: unknown, yProb: unknown, options: { nBins?: number; strategy?: "uniform" | "quantile"; posLabel?: Label } = {}): { probTrue: number[]; probPred: number[] } {
  const y = binaryTargets(yTrue, options.posLabel);
  const p = checkScores(yProb, "yProb", y.length);
  const nBins = options.nBins ?? 5;
  if (!Number.isInteger(nBins) || nBins < 1) throw new InputError(`nBins must be an integer >= 1; got ${nBins}.`);
  let edges: number[];
  if ((options.strategy ?? "uniform") === "uniform") edges = Array.from({ length: nBins + 1 }, (_, i) => i / nBins);
  else {
    const sorted = Float64Array.from(p).sort();
    edges = Array.from({ length: nBins + 1 }, (_, i) => {
      const pos = (i / nBins) * (sorted.length - 1);
      const lo = Math.floor(pos);
      return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
    });
  }
  const inner = edges.slice(1, -1);
  const sums = new Array<number>(edges.length).fill(0);
  const trues = new Array<number>(edges.length).fill(0);
  const totals = new Array<number>(edges.length).fill(0);
  for (let i = 0; i < p.length; i++) {
    // numpy.searchsorted(inner, p, side="left")
    let b = 0;
    while (b < inner.length && inner[b]! < p[i]!) b++;
    sums[b]! += p[i]!;
    trues[b]! += y[i]!;
    totals[b]!++;
  }
  const probTrue: number[] = [];
  const probPred: number[] = [];
  totals.forEach((t, b) => {
    if (t > 0) {
      probTrue.push(trues[b]! / t);
      probPred.push(sums[b]! / t);
    }
  });
  return { probTrue, probPred };
}
