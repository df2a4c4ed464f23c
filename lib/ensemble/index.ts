/** Model development: trees, baselines, bagging, random forests (balanced too), AdaBoost, histogram gradient boosting, stacking and voting. */
export { BaseEstimator, type Matrix } from "../core/estimator.js";
export { BaseClassifier, BaseRegressor } from "../core/supervised.js";
export { DecisionTreeClassifier, DecisionTreeRegressor, type DecisionTreeOptions, type DecisionTreeClassifierOptions, type DecisionTreeRegressorOptions, type TreeOptions, type MaxFeatures } from "./tree.js";
export { DummyClassifier, DummyRegressor, type DummyClassifierOptions, type DummyRegressorOptions } from "./dummy.js";
export { BaggingClassifier, BaggingRegressor, type BaggingOptions, type BaggingClassifierOptions, type BaggingRegressorOptions } from "./bagging.js";
export { RandomForestClassifier, RandomForestRegressor, type RandomForestOptions, type RandomForestClassifierOptions, type RandomForestRegressorOptions, type ForestOptions } from "./forest.js";
export { BalancedBaggingClassifier, BalancedRandomForestClassifier, type BalancedBaggingOptions, type BalancedRandomForestOptions } from "./balanced.js";
export { AdaBoostClassifier, type AdaBoostOptions } from "./adaboost.js";
export { HistGradientBoostingClassifier, HistGradientBoostingRegressor, type HistGradientBoostingClassifierOptions, type HistGradientBoostingRegressorOptions } from "./hgb/index.js";
export { StackingClassifier, type StackingOptions, type NamedEstimators } from "./stacking.js";
export { VotingClassifier, type VotingOptions } from "./voting.js";
export { loadModel, type ModelJSON, type OptionsOf } from "../core/serialize.js";
export { LogisticRegression } from "../linear/logistic.js";
