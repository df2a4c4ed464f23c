/**
 * The fixes of issue 15, each against the scikit-learn 1.2 test (sklearn/metrics/tests/test_classification.py,
 * test_ranking.py, test_common.py) or behaviour it mirrors, on their literal inputs and expected values.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import * as m from "../../../lib/metrics/index.js";
import { py } from "../../helpers/python.js";

describe("logLoss with a single-class yTrue (test_classification.py::test_log_loss, 'test labels option')", () => {
  it("refuses without labels, as scikit-learn raises", () => {
    expect(() => m.logLoss([2, 2], [[0.2, 0.7], [0.6, 0.5]])).toThrow("yTrue contains only one label (2). Please provide the true labels explicitly through the labels option");
    // The case: it used to score against column 0 and return 1.956.
    expect(() => m.logLoss([1, 1], [0.9, 0.8])).toThrow("yTrue contains only one label (1)");
  });
  it("is right with labels: -mean(log(y_score[:, 1])) for labels [1, 2]; 0.164 for the issue's case", () => {
    expect(m.logLoss([2, 2], [[0.1, 0.9], [0.1, 0.9]], { labels: [1, 2] })).toBeCloseTo(-Math.log(0.9), 12);
    // scikit-learn 1.2.1: log_loss([1, 1], [0.9, 0.8], labels=[0, 1]) = 0.164252033486018
    expect(m.logLoss([1, 1], [0.9, 0.8], { labels: [0, 1] })).toBeCloseTo(0.164252033486018, 12);
    expect(m.logLoss([1, 1], [0.9, 0.8], { labels: [1, 0] })).toBeCloseTo(0.164252033486018, 12);
  });
  it("refuses a label outside labels, one label, and a sample-count mismatch", () => {
    expect(() => m.logLoss([0, 2], [0.9, 0.8], { labels: [0, 1] })).toThrow("yTrue contains the label 2, which is not in labels [0, 1].");
    expect(() => m.logLoss([1, 1], [0.9, 0.8], { labels: [1] })).toThrow("labels must name at least 2 classes");
    expect(() => m.logLoss([2, 2], [[0.2, 0.7], [0.6, 0.5], [0.2, 0.3]], { labels: [1, 2] })).toThrow("Found input variables with inconsistent numbers of samples: [2, 3]");
    // y_true and y_pred with different numbers of classes (scikit-learn: "Please provide the true labels explicitly").
    expect(() => m.logLoss([0, 1, 2], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])).toThrow("yProba has 2 columns but yTrue has 3 classes [0, 1, 2]");
  });
});

describe("fbetaScore with beta = Infinity is recall (test_classification.py::test_fscore_warnings / np.isposinf branch)", () => {
  it("binary, macro and micro equal recall", () => {
    const yTrue = [0, 1, 1, 0];
    const yPred = [1, 1, 0, 0];
    expect(m.fbetaScore(yTrue, yPred, { beta: Infinity })).toBe(0.5); // scikit-learn 1.2.1: 0.5
    expect(m.fbetaScore(yTrue, yPred, { beta: Infinity })).toBe(m.recallScore(yTrue, yPred));
    const y3 = [0, 1, 2, 0];
    const p3 = [1, 1, 0, 0];
    expect(m.fbetaScore(y3, p3, { beta: Infinity, average: "macro" })).toBe(0.5); // scikit-learn 1.2.1: 0.5
    expect(m.fbetaScore(y3, p3, { beta: Infinity, average: "micro" })).toBe(0.5);
    expect(m.fbetaScore(y3, p3, { beta: Infinity, average: null })).toEqual(m.recallScore(y3, p3, { average: null }));
  });
  it("refuses a negative or missing beta (scikit-learn: 'beta should be >=0 in the F-beta score')", () => {
    expect(() => m.fbetaScore([0, 1], [0, 1], { beta: -1 })).toThrow("The 'beta' parameter of fbetaScore must be a number >= 0 (Infinity gives recall). Got -1 instead.");
    expect(() => m.fbetaScore([0, 1], [0, 1], {} as never)).toThrow("fbetaScore needs options.beta");
    // f1Score has no beta (scikit-learn: "f1_score() got an unexpected keyword argument 'beta'").
    expect(() => m.f1Score([0, 1], [0, 1], { beta: 2 } as never)).toThrow("f1Score got an unknown parameter 'beta'.");
  });
});

describe("classificationReport as scikit-learn's (test_classification.py::test_classification_report_*)", () => {
  it("text ends with scikit-learn's final newline, character for character", () => {
    // classification_report([0, 1, 1], [0, 1, 0]) from scikit-learn 1.2.1.
    const want = "              precision    recall  f1-score   support\n\n           0       0.50      1.00      0.67         1\n           1       1.00      0.50      0.67         2\n\n    accuracy                           0.67         3\n   macro avg       0.75      0.75      0.67         3\nweighted avg       0.83      0.67      0.67         3\n";
    expect(String(m.classificationReport([0, 1, 1], [0, 1, 0]))).toBe(want);
  });
  it("classificationReport([], []) raises as scikit-learn's does, with a message that says why", () => {
    // scikit-learn 1.2.1 raises ValueError (max() arg is an empty sequence).
    expect(() => m.classificationReport([], [])).toThrow("classificationReport: yTrue and yPred are empty, so there is no class to report");
  });
  it("labels that leave a present label out show the micro average instead of accuracy (test_classification_report_labels_subset_superset)", () => {
    // classification_report([0, 1, 2, 2], [0, 1, 1, 2], labels=[0, 1]) from scikit-learn 1.2.1.
    const want = "              precision    recall  f1-score   support\n\n           0       1.00      1.00      1.00         1\n           1       0.50      1.00      0.67         1\n\n   micro avg       0.67      1.00      0.80         2\n   macro avg       0.75      1.00      0.83         2\nweighted avg       0.75      1.00      0.83         2\n";
    const r = m.classificationReport([0, 1, 2, 2], [0, 1, 1, 2], { labels: [0, 1] });
    expect(String(r)).toBe(want);
    expect(r.accuracy).toBeUndefined();
    expect(r.microAvg!.f1Score).toBeCloseTo(0.8, 12);
  });
});

describe("refusals where scikit-learn raises, naming the argument and the value", () => {
  it("posLabel absent from two present labels (test_classification.py::test_precision_recall_f_binary_single_class / _check_set_wise_labels)", () => {
    expect(() => m.precisionScore([0, 1, 1], [0, 1, 0], { posLabel: 2 })).toThrow("posLabel=2 is not a valid label. It should be one of [0, 1].");
    expect(() => m.precisionScore(["a", "b"], ["a", "b"])).toThrow("posLabel=1 is not a valid label. It should be one of ['a', 'b'].");
    expect(() => m.precisionScore([2, 3], [2, 3])).toThrow("posLabel=1 is not a valid label. It should be one of [2, 3].");
    // One label present: scikit-learn scores it (0.0), no error.
    expect(m.precisionScore([0, 0], [0, 0], { posLabel: 1 })).toBe(0);
    // Ranking: yTrue in {1, 2} without posLabel (test_ranking.py::test_binary_clf_curve_implicit_pos_label).
    expect(() => m.rocCurve([1, 2, 2], [0.1, 0.2, 0.3])).toThrow("yTrue takes value in {1, 2} and posLabel is not specified: either make yTrue take value in {0, 1} or {-1, 1} or pass posLabel explicitly.");
    expect(() => m.precisionRecallCurve(["a", "b"], [0.1, 0.2])).toThrow("yTrue takes value in {'a', 'b'} and posLabel is not specified");
    expect(() => m.averagePrecisionScore([0, 1], [0.1, 0.2], { posLabel: 3 })).not.toThrow(); // posLabel given: taken as is
    expect(() => m.averagePrecisionScore([2, 3], [0.1, 0.2])).toThrow("posLabel=1 is not a valid label. It should be one of [2, 3]");
    expect(m.rocCurve([1, 2, 2], [0.1, 0.2, 0.3], { posLabel: 2 }).tpr).toEqual([0, 0.5, 1, 1]);
    // brier_score_loss keeps scikit-learn's backward-compatible greater label: 0.325 for [1, 2].
    expect(m.brierScoreLoss([1, 2], [0.1, 0.2])).toBeCloseTo(0.325, 12);
  });
  it("average 'mega' and 'samples' (test_classification.py::test_average_binary_... / 'Samplewise metrics are not available outside of multilabel')", () => {
    expect(() => m.f1Score([0, 1], [0, 1], { average: "mega" as never })).toThrow(`The 'average' parameter of f1Score must be one of "binary", "macro", "weighted", "micro", null. Got 'mega' instead.`);
    expect(() => m.f1Score([0, 1], [0, 1], { average: "samples" as never })).toThrow("The 'average' parameter of f1Score got 'samples': samplewise metrics are only for multilabel targets");
    expect(() => m.precisionRecallFscoreSupport([0, 1], [0, 1], { average: "samples" as never })).toThrow("samplewise metrics are only for multilabel targets");
  });
  it("confusionMatrix with empty or unknown labels (test_classification.py::test_confusion_matrix_error)", () => {
    expect(() => m.confusionMatrix([0, 1], [0, 1], { labels: [] })).toThrow("confusionMatrix: 'labels' should contain at least one label; got [].");
    expect(() => m.confusionMatrix([0, 1], [0, 1], { labels: [5, 6] })).toThrow("confusionMatrix: at least one label specified must be in yTrue; got labels [5, 6].");
    // Some known: scikit-learn counts those, as here.
    expect(m.confusionMatrix([0, 1], [0, 1], { labels: [1, 5] })).toEqual([[1, 0], [0, 0]]);
    // No samples: zeros (scikit-learn's early return).
    expect(m.confusionMatrix([], [], { labels: [0, 1] })).toEqual([[0, 0], [0, 0]]);
    expect(() => m.confusionMatrix([0, 1], [0, 1], { normalize: "rows" as never })).toThrow(`The 'normalize' parameter of confusionMatrix must be one of "true", "pred", "all", null. Got 'rows' instead.`);
    expect(() => m.confusionMatrix([0, 1], ["a", "b"])).toThrow("Labels in yTrue and yPred should be of the same type");
  });
  it("auc with arrays of different lengths (test_ranking.py::test_auc_errors)", () => {
    expect(() => m.auc([0, 1, 2], [0, 1])).toThrow("Found input variables with inconsistent numbers of samples: [3, 2]");
    expect(() => m.auc([0.0], [0.1])).toThrow("At least 2 points are needed to compute the area under a curve; got 1.");
    expect(() => m.auc([1, 0, 0.5], [0, 0, 0])).toThrow("x is neither increasing nor decreasing");
    expect(() => m.auc([0, NaN], [0, 1])).toThrow("auc: x[1] is NaN");
    expect(m.auc([0, 0.5, 1], [0, 0.8, 1])).toBeCloseTo(0.65, 12);
  });
  it("unknown options such as maxFpr (not implemented here, so refused rather than ignored), and non-object options", () => {
    expect(() => m.rocAucScore([0, 1], [0.1, 0.2], { maxFpr: 0.5 } as never)).toThrow("rocAucScore got an unknown parameter 'maxFpr'. Valid parameters are: posLabel.");
    expect(() => m.accuracyScore([0, 1], [0, 1], { normalize: false } as never)).toThrow("accuracyScore takes no options; got an unknown parameter 'normalize'.");
    expect(() => m.logLoss([0, 1], [0.1, 0.2], { eps: 2 })).toThrow("The 'eps' parameter of logLoss must be a number > 0 and < 1. Got 2 instead.");
    expect(() => m.balancedAccuracyScore([0, 1], [0, 1], { adjusted: "yes" as never })).toThrow("The 'adjusted' parameter of balancedAccuracyScore must be a boolean. Got 'yes' instead.");
    expect(() => m.classificationReport([0, 1], [0, 1], { digits: -1 })).toThrow("The 'digits' parameter of classificationReport must be an integer >= 0. Got -1 instead.");
    expect(() => m.precisionScore([0, 1], [0, 1], { zeroDivision: 2 as never })).toThrow("The 'zeroDivision' parameter of precisionScore must be one of 0, 1. Got 2 instead.");
    expect(() => m.calibrationCurve([0, 1], [0.1, 0.2], { nBins: 0 })).toThrow("The 'nBins' parameter of calibrationCurve must be an integer >= 1. Got 0 instead.");
    expect(() => m.rocCurve([0, 1], [0.1, 0.2], { posLabel: [1] as never })).toThrow("The 'posLabel' parameter of rocCurve must be a label (a number or a string). Got [1] instead.");
    expect(() => m.f1Score([0, 1], [0, 1], "macro" as never)).toThrow("The options of f1Score must be an object");
  });
});

describe("the literal values above, checked against the installed scikit-learn", () => {
  it("scikit-learn gives the same values and refuses the same calls", () => {
    const ref = py<{ values: number[]; refused: boolean[]; report: string }>(
      `
from sklearn import metrics as M
def raises(f):
    try:
        f(); return False
    except Exception:
        return True
out = {
  "values": [M.log_loss([1, 1], [0.9, 0.8], labels=[0, 1]), M.fbeta_score([0, 1, 1, 0], [1, 1, 0, 0], beta=float("inf")),
             M.fbeta_score([0, 1, 2, 0], [1, 1, 0, 0], beta=float("inf"), average="macro"), M.brier_score_loss([1, 2], [0.1, 0.2])],
  "refused": [raises(lambda: M.log_loss([1, 1], [0.9, 0.8])), raises(lambda: M.classification_report([], [])),
              raises(lambda: M.precision_score([0, 1, 1], [0, 1, 0], pos_label=2)), raises(lambda: M.f1_score([0, 1], [0, 1], average="mega")),
              raises(lambda: M.f1_score([0, 1], [0, 1], average="samples")), raises(lambda: M.confusion_matrix([0, 1], [0, 1], labels=[])),
              raises(lambda: M.confusion_matrix([0, 1], [0, 1], labels=[5, 6])), raises(lambda: M.auc([0, 1, 2], [0, 1])),
              raises(lambda: M.roc_curve([1, 2, 2], [0.1, 0.2, 0.3]))],
  "report": M.classification_report([0, 1, 2, 2], [0, 1, 1, 2], labels=[0, 1]),
}
`,
      {},
    );
    expect(ref.values[0]).toBeCloseTo(m.logLoss([1, 1], [0.9, 0.8], { labels: [0, 1] }), 12);
    expect(ref.values[1]).toBe(m.fbetaScore([0, 1, 1, 0], [1, 1, 0, 0], { beta: Infinity }));
    expect(ref.values[2]).toBe(m.fbetaScore([0, 1, 2, 0], [1, 1, 0, 0], { beta: Infinity, average: "macro" }));
    expect(ref.values[3]).toBeCloseTo(m.brierScoreLoss([1, 2], [0.1, 0.2]), 12);
    expect(ref.refused).toEqual(new Array(9).fill(true));
    expect(String(m.classificationReport([0, 1, 2, 2], [0, 1, 1, 2], { labels: [0, 1] }))).toBe(ref.report);
  });
});

describe("score types follow average (no casts needed)", () => {
  it("a single number unless average is null", () => {
    expectTypeOf(m.f1Score([0, 1], [0, 1])).toEqualTypeOf<number>();
    expectTypeOf(m.precisionScore([0, 1], [0, 1], { average: "macro" })).toEqualTypeOf<number>();
    expectTypeOf(m.recallScore([0, 1], [0, 1], { average: null })).toEqualTypeOf<number[]>();
    expectTypeOf(m.fbetaScore([0, 1], [0, 1], { beta: 2 })).toEqualTypeOf<number>();
    expect(m.f1Score([0, 1, 1], [0, 1, 0]) + 0).toBeCloseTo(2 / 3, 12);
    expect(m.recallScore([0, 1, 1], [0, 1, 0], { average: null })).toEqual([1, 0.5]);
  });
});
