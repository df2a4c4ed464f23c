/** Shared foundations: the estimator contract, seeded randomness, input validation, parameter rules, the model registry, errors. */
export { Random, checkRandomState, type RandomState, type RandomSnapshot } from "./random.js";
export { checkArray, checkLabels, restoreMatrix, restoreLabels, classCounts, type DenseMatrix, type MatrixLike, type LabelsLike, type Label, type CheckedMatrix, type CheckedLabels, type Tensor2DLike, type ArrowTableLike } from "./validation.js";
export { validateParams, invalidValue, satisfiesRule, type Rule, type RuleSpec, type Rules, type RulesFor } from "./params.js";
export { NotFittedError, InvalidParameterError, InputError } from "./errors.js";
export { BaseEstimator, checkFeatures, type FiniteMode, type Matrix } from "./estimator.js";
export { BaseClassifier, BaseRegressor, type Trained, type WeightsLike, type TargetsLike } from "./supervised.js";
export { loadModel, registerModel, registeredModels, type ModelJSON, type ModelEntry, type ModelTags } from "./serialize.js";
export type { Dense, MatrixOut, VectorOut, LabelsOut } from "./kinds.js";
