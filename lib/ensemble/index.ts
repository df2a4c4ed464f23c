/** Model development: trees, baselines, bagging, random forests (balanced too), AdaBoost, histogram gradient boosting, stacking and voting. */
export { BaseEstimator, BaseClassifier, BaseRegressor, type Matrix } from "./base.js";
export { DecisionTreeClassifier, DecisionTreeRegressor, type DecisionTreeOptions, type MaxFeatures } from "./tree.js";
export { DummyClassifier, DummyRegressor, type DummyClassifierOptions, type DummyRegressorOptions } from "./dummy.js";
export { BaggingClassifier, BaggingRegressor, type BaggingOptions } from "./bagging.js";
export { RandomForestClassifier, RandomForestRegressor, type RandomForestOptions } from "./forest.js";
export { BalancedBaggingClassifier, BalancedRandomForestClassifier, type BalancedBaggingOptions, type BalancedRandomForestOptions } from "./balanced.js";
export { AdaBoostClassifier, type AdaBoostOptions } from "./adaboost.js";
export { HistGradientBoostingClassifier, HistGradientBoostingRegressor, type HistGradientBoostingClassifierOptions, type HistGradientBoostingRegressorOptions } from "./hgb/index.js";
export { StackingClassifier, type StackingOptions, type NamedEstimators } from "./stacking.js";
export { VotingClassifier, type VotingOptions } from "./voting.js";
export { loadModel, type ModelJSON } from "./serialize.js";
export { LogisticRegression } from "../linear/logistic.js";
