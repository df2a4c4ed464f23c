/** Classification metrics with scikit-learn's definitions and defaults. */
export { confusionMatrix, accuracyScore, balancedAccuracyScore, type ConfusionOptions, type ConfusionMatrixOf } from "./confusion.js";
export { precisionRecallFscoreSupport, precisionScore, recallScore, f1Score, fbetaScore, type Average, type PRFOptions, type PRF } from "./precision-recall.js";
export { rocCurve, rocAucScore, auc, precisionRecallCurve, averagePrecisionScore, type RocCurve, type PrCurve } from "./ranking.js";
export { logLoss, brierScoreLoss, calibrationCurve, expectedCalibrationError } from "./probabilistic.js";
export { classificationReport, type ClassificationReport, type ReportRow } from "./report.js";
