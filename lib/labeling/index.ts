/** Labeling: weak supervision (labeling functions, their analysis, majority vote, a generative label model) and active learning. */
export { ABSTAIN, labelingFunction, applyLFs, type LabelingFunction, type LabelMatrix } from "./labeling-functions.js";
export { LFAnalysis, type LFSummaryRow } from "./analysis.js";
export { MajorityLabelVoter, LabelModel, type LabelModelOptions, type MajorityLabelVoterOptions } from "./label-model.js";
export { uncertainty, committeeDisagreement, activeLearning, type UncertaintyStrategy, type ActiveLearningOptions, type ActiveLearningCurve, type ProbabilisticClassifier } from "./active-learning.js";
