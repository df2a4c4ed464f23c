/** Metrics on predicted probabilities: log loss, Brier score, calibration curve. */
import { InputError } from "../core/errors.js";
import { checkLabels, type Label } from "../core/validation.js";
import { binaryTargets, checkScores } from "./encode.js";
import { checkOptions } from "./options.js";

/**
 * Cross-entropy of predicted probabilities; `yProba` is n×k (columns in sorted label order) or, for binary
 * targets, the positive class's probability. Probabilities are clipped to [eps, 1 - eps] and rows renormalised.
 * @example logLoss([0, 1], [[0.9, 0.1], [0.2, 0.8]])
 */
export function logLoss(yTrue: unknown, yProba: readonly (readonly number[])[] | readonly number[], options: { eps?: number; labels?: readonly Label[] } = {}): number {
  checkOptions("logLoss", ["eps", "labels"], options);
  const y = checkLabels(yTrue, "yTrue");
  const classes = options.labels ? sortLabels(options.labels) : y.classes;
  // One label seen and none declared: which column is it? scikit-learn refuses rather than guess (column 0
  // would score [1, 1] against P(0)).
  if (!options.labels && classes.length === 1) {
    throw new InputError(`yTrue contains only one label (${String(classes[0])}). Please provide the true labels explicitly through the labels option, e.g. { labels: [0, 1] }.`);
  }
  for (const c of y.classes) if (!classes.includes(c)) throw new InputError(`yTrue contains the label ${String(c)}, which is not in labels [${classes.join(", ")}].`);
  if (classes.length < 2) throw new InputError(`labels must name at least 2 classes (the columns of yProba); got [${classes.join(", ")}].`);
  if (!Array.isArray(yProba) && !ArrayBuffer.isView(yProba)) throw new InputError(`yProba must be an n×k array of probabilities or, for binary targets, an array of the positive class's probability; got ${typeof yProba}.`);
  const n = y.codes.length;
  const rows: number[][] = Array.from(yProba as ArrayLike<unknown>, (r) => (Array.isArray(r) ? [...(r as number[])] : [1 - (r as number), r as number]));
  if (rows.length !== n) throw new InputError(`Found input variables with inconsistent numbers of samples: [${n}, ${rows.length}].`);
  const k = rows[0]?.length ?? 0;
  if (k !== classes.length) throw new InputError(`yProba has ${k} columns but yTrue has ${classes.length} classes [${classes.join(", ")}]; pass labels to name the columns.`);
  rows.forEach((r, i) => {
    if (r.length !== k) throw new InputError(`yProba must be rectangular: row 0 has ${k} columns but row ${i} has ${r.length}.`);
    r.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`yProba[${i}]${Array.isArray((yProba as unknown[])[i]) ? `[${j}]` : ""} is ${String(v)}; probabilities must be finite numbers.`);
    });
  });
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

/** Labels in scikit-learn's sorted order (LabelBinarizer's columns). */
function sortLabels(labels: readonly Label[]): Label[] {
  return [...new Set(labels)].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/** Mean squared difference between the positive class's probability and the outcome. */
export function brierScoreLoss(yTrue: unknown, yProb: unknown, options: { posLabel?: Label } = {}): number {
  checkOptions("brierScoreLoss", ["posLabel"], options);
  const y = binaryTargets(yTrue, options.posLabel, "greater");
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
  checkOptions("calibrationCurve", ["nBins", "strategy", "posLabel"], options);
  const y = binaryTargets(yTrue, options.posLabel, "consistent");
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
