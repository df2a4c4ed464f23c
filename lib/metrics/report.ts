/** scikit-learn's classification_report, as data, text, and an HTML table in the kernel. */
import { DISPLAY_SYMBOL } from "../display/mime.js";
import type { Label } from "../core/validation.js";
import { InputError } from "../core/errors.js";
import { accuracyScore } from "./confusion.js";
import { encodePair } from "./encode.js";
import { checkOptions } from "./options.js";
import { precisionRecallFscoreSupport } from "./precision-recall.js";

export interface ReportRow {
  precision: number;
  recall: number;
  f1Score: number;
  support: number;
}

export interface ClassificationReport {
  classes: Record<string, ReportRow>;
  /** Share of exact matches; absent when `labels` leave some present label out (then `microAvg` is shown). */
  accuracy?: number;
  /** Micro average over the given `labels`, shown instead of accuracy when they leave a present label out. */
  microAvg?: ReportRow;
  macroAvg: ReportRow;
  weightedAvg: ReportRow;
  /** The same layout as scikit-learn's text report, final newline included. */
  toString(): string;
}

/**
 * Per-class precision, recall, F1 and support, with accuracy (or, as scikit-learn, the micro average when
 * `labels` leave a present label out) and the macro and weighted averages.
 * @example classificationReport([0, 1, 1], [0, 1, 0]).toString()
 * // "              precision    recall  f1-score   support\n\n           0       0.50 ..."
 */
export function classificationReport(yTrue: unknown, yPred: unknown, options: { labels?: readonly Label[]; digits?: number; zeroDivision?: 0 | 1 } = {}): ClassificationReport {
  checkOptions("classificationReport", ["labels", "digits", "zeroDivision"], options);
  const digits = options.digits ?? 2;
  const base = { ...(options.labels ? { labels: options.labels } : {}), zeroDivision: options.zeroDivision ?? 0 };
  const present = encodePair(yTrue, yPred).classes;
  if (present.length === 0 && !options.labels?.length) {
    // scikit-learn 1.2 fails here too (max() of no class names): say why instead.
    throw new InputError("classificationReport: yTrue and yPred are empty, so there is no class to report; pass some samples, or name the classes with labels.");
  }
  const per = precisionRecallFscoreSupport(yTrue, yPred, { ...base, average: null });
  const total = (per.support as number[]).reduce((a, b) => a + b, 0);
  const classes: Record<string, ReportRow> = {};
  per.labels.forEach((l, i) => {
    classes[String(l)] = { precision: (per.precision as number[])[i]!, recall: (per.recall as number[])[i]!, f1Score: (per.fScore as number[])[i]!, support: (per.support as number[])[i]! };
  });
  const avg = (average: "macro" | "weighted" | "micro"): ReportRow => {
    const r = precisionRecallFscoreSupport(yTrue, yPred, { ...base, average });
    return { precision: r.precision as number, recall: r.recall as number, f1Score: r.fScore as number, support: total };
  };
  // scikit-learn's micro_is_accuracy: the micro average equals accuracy unless labels leave a present one out.
  const microIsAccuracy = !options.labels || (present.every((c) => options.labels!.includes(c)) && present.length > 0);
  const report: Omit<ClassificationReport, "toString"> = microIsAccuracy
    ? { classes, accuracy: accuracyScore(yTrue, yPred), macroAvg: avg("macro"), weightedAvg: avg("weighted") }
    : { classes, microAvg: avg("micro"), macroAvg: avg("macro"), weightedAvg: avg("weighted") };
  const names = Object.keys(classes);
  const width = Math.max("weighted avg".length, ...names.map((n) => n.length), digits);
  const f = (v: number) => v.toFixed(digits);
  // scikit-learn's layout: the name column, then each column as " " + a right-aligned field of 9.
  const cols = (...fields: string[]) => fields.map((x) => ` ${x.padStart(9)}`).join("");
  const line = (name: string, r: ReportRow) => `${name.padStart(width)} ${cols(f(r.precision), f(r.recall), f(r.f1Score), String(r.support))}`;
  const text = () =>
    [
      `${"".padStart(width)} ${cols("precision", "recall", "f1-score", "support")}`,
      "",
      ...names.map((n) => line(n, classes[n]!)),
      "",
      report.accuracy !== undefined ? `${"accuracy".padStart(width)} ${cols("", "", f(report.accuracy), String(total))}` : line("micro avg", report.microAvg!),
      line("macro avg", report.macroAvg),
      line("weighted avg", report.weightedAvg),
      "",
    ].join("\n");
  const html = () => {
    const cell = (v: number) => `<td>${v.toFixed(digits)}</td>`;
    const row = (n: string, r: ReportRow) => `<tr><th>${n.replace(/</g, "&lt;")}</th>${cell(r.precision)}${cell(r.recall)}${cell(r.f1Score)}<td>${r.support}</td></tr>`;
    const first = report.accuracy !== undefined ? `<tr><th>accuracy</th><td></td><td></td>${cell(report.accuracy)}<td>${total}</td></tr>` : row("micro avg", report.microAvg!);
    return `<table class="mlsd-report"><thead><tr><th></th><th>precision</th><th>recall</th><th>f1-score</th><th>support</th></tr></thead><tbody>${names.map((n) => row(n, classes[n]!)).join("")}${first}${row("macro avg", report.macroAvg)}${row("weighted avg", report.weightedAvg)}</tbody></table>`;
  };
  return Object.assign(report, { toString: text, [DISPLAY_SYMBOL]: () => ({ "text/html": html(), "text/plain": text() }) });
}
