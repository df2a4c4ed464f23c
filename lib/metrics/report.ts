/** scikit-learn's classification_report, as data, text, and an HTML table in the kernel. */
import { DISPLAY_SYMBOL } from "../display/mime.js";
import type { Label } from "../core/validation.js";
import { accuracyScore } from "./confusion.js";
import { precisionRecallFscoreSupport } from "./precision-recall.js";

export interface ReportRow {
  precision: number;
  recall: number;
  f1Score: number;
  support: number;
}

export interface ClassificationReport {
  classes: Record<string, ReportRow>;
  accuracy: number;
  macroAvg: ReportRow;
  weightedAvg: ReportRow;
  /** The same layout as scikit-learn's text report. */
  toString(): string;
}

/**
 * Per-class precision, recall, F1 and support, with accuracy and the macro and weighted averages.
 * @example classificationReport(yTest, model.predict(XTest)) // shows as a table in a notebook
 */
export function classificationReport(yTrue: unknown, yPred: unknown, options: { labels?: readonly Label[]; digits?: number; zeroDivision?: 0 | 1 } = {}): ClassificationReport {
  const digits = options.digits ?? 2;
  const base = { ...(options.labels ? { labels: options.labels } : {}), zeroDivision: options.zeroDivision ?? 0 };
  const per = precisionRecallFscoreSupport(yTrue, yPred, { ...base, average: null });
  const total = (per.support as number[]).reduce((a, b) => a + b, 0);
  const classes: Record<string, ReportRow> = {};
  per.labels.forEach((l, i) => {
    classes[String(l)] = { precision: (per.precision as number[])[i]!, recall: (per.recall as number[])[i]!, f1Score: (per.fScore as number[])[i]!, support: (per.support as number[])[i]! };
  });
  const avg = (average: "macro" | "weighted"): ReportRow => {
    const r = precisionRecallFscoreSupport(yTrue, yPred, { ...base, average });
    return { precision: r.precision as number, recall: r.recall as number, f1Score: r.fScore as number, support: total };
  };
  const report = { classes, accuracy: accuracyScore(yTrue, yPred), macroAvg: avg("macro"), weightedAvg: avg("weighted") };
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
      `${"accuracy".padStart(width)} ${cols("", "", f(report.accuracy), String(total))}`,
      line("macro avg", report.macroAvg),
      line("weighted avg", report.weightedAvg),
    ].join("\n");
  const html = () => {
    const cell = (v: number) => `<td>${v.toFixed(digits)}</td>`;
    const row = (n: string, r: ReportRow) => `<tr><th>${n.replace(/</g, "&lt;")}</th>${cell(r.precision)}${cell(r.recall)}${cell(r.f1Score)}<td>${r.support}</td></tr>`;
    return `<table class="mlsd-report"><thead><tr><th></th><th>precision</th><th>recall</th><th>f1-score</th><th>support</th></tr></thead><tbody>${names.map((n) => row(n, classes[n]!)).join("")}<tr><th>accuracy</th><td></td><td></td>${cell(report.accuracy)}<td>${total}</td></tr>${row("macro avg", report.macroAvg)}${row("weighted avg", report.weightedAvg)}</tbody></table>`;
  };
  return Object.assign(report, { toString: text, [DISPLAY_SYMBOL]: () => ({ "text/html": html(), "text/plain": text() }) });
}
