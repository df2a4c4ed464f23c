/** Metrics against scikit-learn on the same seeded inputs, to 1e-9. */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import * as m from "../../../lib/metrics/index.js";
import { py } from "../../helpers/python.js";
import { mimeBundle } from "../../../lib/display/index.js";

const rng = new Random(20261123);
const n = 400;
const yBin = Array.from({ length: n }, () => (rng.random() < 0.15 ? 1 : 0));
// Scores correlated with the label, with ties (rounded) to exercise tie handling.
const score = yBin.map((y) => Math.round((0.35 * y + 0.65 * rng.random()) * 50) / 50);
const predBin = score.map((s) => (s > 0.4 ? 1 : 0));
const labels3 = ["cat", "dog", "eel"];
const yMulti = Array.from({ length: n }, () => labels3[rng.randint(3)]!);
const predMulti = yMulti.map((y) => (rng.random() < 0.7 ? y : labels3[rng.randint(3)]!));
const proba3 = yMulti.map(() => {
  const a = [rng.random() + 0.01, rng.random() + 0.01, rng.random() + 0.01];
  const s = a[0]! + a[1]! + a[2]!;
  return a.map((v) => v / s);
});

const ref = py<Record<string, unknown>>(
  `
from sklearn import metrics as M
from sklearn.calibration import calibration_curve
yb, s, pb = data["yb"], data["s"], data["pb"]
ym, pm, p3 = data["ym"], data["pm"], data["p3"]
fpr, tpr, thr = M.roc_curve(yb, s)
pr, rc, pthr = M.precision_recall_curve(yb, s)
ct, cp = calibration_curve(yb, s, n_bins=7)
cq, cpq = calibration_curve(yb, s, n_bins=4, strategy="quantile")
out = {
  "cm": M.confusion_matrix(ym, pm), "cmn": M.confusion_matrix(ym, pm, normalize="true"),
  "acc": M.accuracy_score(ym, pm), "bacc": M.balanced_accuracy_score(ym, pm), "bacc_adj": M.balanced_accuracy_score(ym, pm, adjusted=True),
  "p_bin": M.precision_score(yb, pb), "r_bin": M.recall_score(yb, pb), "f1_bin": M.f1_score(yb, pb), "f2_bin": M.fbeta_score(yb, pb, beta=2),
  "f1_macro": M.f1_score(ym, pm, average="macro"), "f1_weighted": M.f1_score(ym, pm, average="weighted"), "f1_micro": M.f1_score(ym, pm, average="micro"),
  "p_none": M.precision_score(ym, pm, average=None), "r_macro": M.recall_score(ym, pm, average="macro"),
  "roc": [fpr, tpr, thr], "auc": M.roc_auc_score(yb, s), "pr": [pr, rc, pthr], "ap": M.average_precision_score(yb, s),
  "logloss_bin": M.log_loss(yb, s), "logloss_multi": M.log_loss(ym, p3), "brier": M.brier_score_loss(yb, s),
  "cal": [ct, cp], "calq": [cq, cpq],
  "report": M.classification_report(ym, pm, output_dict=True), "report_text": M.classification_report(ym, pm),
}
`,
  { yb: yBin, s: score, pb: predBin, ym: yMulti, pm: predMulti, p3: proba3 },
);

const close = (a: unknown, b: unknown) => {
  const fa = [a].flat(3) as number[];
  const fb = [b].flat(3) as number[];
  expect(fa.length).toBe(fb.length);
  fa.forEach((v, i) => expect(Math.abs(v - fb[i]!)).toBeLessThanOrEqual(1e-9));
};

describe("metrics match scikit-learn", () => {
  it("confusion matrix, accuracy and balanced accuracy", () => {
    expect(m.confusionMatrix(yMulti, predMulti)).toEqual(ref["cm"]);
    close(m.confusionMatrix(yMulti, predMulti, { normalize: "true" }), ref["cmn"]);
    close(m.accuracyScore(yMulti, predMulti), ref["acc"]);
    close(m.balancedAccuracyScore(yMulti, predMulti), ref["bacc"]);
    close(m.balancedAccuracyScore(yMulti, predMulti, { adjusted: true }), ref["bacc_adj"]);
  });

  it("precision, recall, F1 and F-beta: binary, per class, macro, weighted, micro", () => {
    close(m.precisionScore(yBin, predBin), ref["p_bin"]);
    close(m.recallScore(yBin, predBin), ref["r_bin"]);
    close(m.f1Score(yBin, predBin), ref["f1_bin"]);
    close(m.fbetaScore(yBin, predBin, { beta: 2 }), ref["f2_bin"]);
    close(m.f1Score(yMulti, predMulti, { average: "macro" }), ref["f1_macro"]);
    close(m.f1Score(yMulti, predMulti, { average: "weighted" }), ref["f1_weighted"]);
    close(m.f1Score(yMulti, predMulti, { average: "micro" }), ref["f1_micro"]);
    close(m.precisionScore(yMulti, predMulti, { average: null }), ref["p_none"]);
    close(m.recallScore(yMulti, predMulti, { average: "macro" }), ref["r_macro"]);
  });

  it("ROC curve and AUC, PR curve and average precision", () => {
    const roc = m.rocCurve(yBin, score);
    close([roc.fpr, roc.tpr, roc.thresholds], ref["roc"]);
    close(m.rocAucScore(yBin, score), ref["auc"]);
    const pr = m.precisionRecallCurve(yBin, score);
    close([pr.precision, pr.recall, pr.thresholds], ref["pr"]);
    close(m.averagePrecisionScore(yBin, score), ref["ap"]);
  });

  it("log loss, Brier score and calibration curve", () => {
    close(m.logLoss(yBin, score), ref["logloss_bin"]);
    close(m.logLoss(yMulti, proba3), ref["logloss_multi"]);
    close(m.brierScoreLoss(yBin, score), ref["brier"]);
    const cal = m.calibrationCurve(yBin, score, { nBins: 7 });
    close([cal.probTrue, cal.probPred], ref["cal"]);
    const calq = m.calibrationCurve(yBin, score, { nBins: 4, strategy: "quantile" });
    close([calq.probTrue, calq.probPred], ref["calq"]);
  });

  it("classification report: numbers and text layout", () => {
    const r = m.classificationReport(yMulti, predMulti);
    const want = ref["report"] as Record<string, Record<string, number> | number>;
    for (const c of labels3) {
      const w = want[c] as Record<string, number>;
      close([r.classes[c]!.precision, r.classes[c]!.recall, r.classes[c]!.f1Score, r.classes[c]!.support], [w["precision"], w["recall"], w["f1-score"], w["support"]]);
    }
    close(r.accuracy, want["accuracy"]);
    close(r.macroAvg.f1Score, (want["macro avg"] as Record<string, number>)["f1-score"]);
    close(r.weightedAvg.recall, (want["weighted avg"] as Record<string, number>)["recall"]);
    // Character for character, scikit-learn's final newline included.
    expect(r.toString()).toBe(String(ref["report_text"]));
    // In a notebook it shows as an HTML table (the kernel asks for the Jupyter.display bundle).
    const bundle = mimeBundle(r);
    expect(bundle["text/html"]).toMatch(/^<table class="mlsd-report">/);
    expect(bundle["text/html"]).toContain("<th>macro avg</th>");
    expect(bundle["text/plain"]).toBe(r.toString());
  });
});

describe("metrics: bad input", () => {
  it("names mismatched lengths, one-class AUC and unknown averages", () => {
    expect(() => m.accuracyScore([0, 1], [0])).toThrow("Found input variables with inconsistent numbers of samples: [2, 1]");
    expect(() => m.rocAucScore([1, 1], [0.2, 0.3])).toThrow("Only one class present in yTrue");
    expect(() => m.f1Score(["a", "b", "c"], ["a", "b", "c"])).toThrow("Target is multiclass (3 labels) but average='binary'");
    expect(() => m.rocAucScore([0, 1], [0.1, NaN])).toThrow("yScore[1] is NaN");
  });
});
