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

/**
 * Expected calibration error (Guo et al., 2017): the top-class confidence max_k p_k split into `nBins` equal
 * bins (lo, hi], and the sample-weighted mean of |accuracy − mean confidence| over the bins. `yProba` is n×k
 * (rows of class probabilities, columns in label order 0..k-1) and `yTrue` the class index of each row.
 * @example expectedCalibrationError([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], { nBins: 10 })
 */
export function expectedCalibrationError(yTrue: ArrayLike<number>, yProba: readonly (readonly number[])[] | { data: ArrayLike<number>; rows: number; cols: number }, options: { nBins?: number } = {}): number {
  checkOptions("expectedCalibrationError", ["nBins"], options);
  const nBins = options.nBins ?? 15;
  if (!Number.isInteger(nBins) || nBins < 1) throw new InputError(`expectedCalibrationError: 'nBins' must be an integer >= 1; got ${String(nBins)}.`);
  const dense = Array.isArray(yProba) ? null : (yProba as { data: ArrayLike<number>; rows: number; cols: number });
  const rows = dense ? dense.rows : (yProba as readonly (readonly number[])[]).length;
  const cols = dense ? dense.cols : ((yProba as readonly (readonly number[])[])[0]?.length ?? 0);
  if (!yTrue || yTrue.length !== rows) throw new InputError(`expectedCalibrationError: 'yTrue' must have one label per row of yProba (${rows}); got ${yTrue ? yTrue.length : String(yTrue)}.`);
  if (rows === 0 || cols < 2) throw new InputError(`expectedCalibrationError: 'yProba' must be a non-empty n×k matrix with k >= 2; got ${rows}×${cols}.`);
  const at = (i: number, k: number) => (dense ? dense.data[i * cols + k]! : (yProba as readonly (readonly number[])[])[i]![k]!);
  // numpy.linspace(0, 1, nBins + 1)'s edges (i · step, the last exactly 1), so bins match the reference code's.
  const step = 1 / nBins;
  const edges = Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? 1 : i * step));
  const count = new Float64Array(nBins);
  const hits = new Float64Array(nBins);
  const conf = new Float64Array(nBins);
  for (let i = 0; i < rows; i++) {
    if (!dense && (yProba as readonly (readonly number[])[])[i]!.length !== cols) throw new InputError(`expectedCalibrationError: row ${i} of 'yProba' has ${(yProba as readonly (readonly number[])[])[i]!.length} values, row 0 has ${cols}.`);
    const label = yTrue[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= cols) throw new InputError(`expectedCalibrationError: yTrue[${i}] must be a class index in [0, ${cols - 1}]; got ${String(label)}.`);
    let best = 0;
    for (let k = 1; k < cols; k++) if (at(i, k) > at(i, best)) best = k;
    const c = at(i, best);
    if (!(c >= 0 && c <= 1)) throw new InputError(`expectedCalibrationError: yProba[${i}] must hold probabilities in [0, 1]; got ${c}.`);
    // Bin b holds (edges[b], edges[b + 1]]; a confidence of exactly 0 (impossible for a top class) joins bin 0.
    let b = 0;
    while (b < nBins - 1 && c > edges[b + 1]!) b++;
    count[b]!++;
    conf[b]! += c;
    if (best === label) hits[b]!++;
  }
  let ece = 0;
  for (let b = 0; b < nBins; b++) if (count[b]! > 0) ece += (count[b]! / rows) * Math.abs(hits[b]! / count[b]! - conf[b]! / count[b]!);
  return ece;
}
