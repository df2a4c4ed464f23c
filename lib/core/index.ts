/** Shared foundations: seeded randomness, input validation, parameter rules, errors. */
export { Random, checkRandomState, type RandomState } from "./random.js";
export { checkArray, checkLabels, restoreMatrix, restoreLabels, classCounts, type DenseMatrix, type MatrixLike, type LabelsLike, type Label, type CheckedMatrix, type CheckedLabels } from "./validation.js";
export { validateParams, type Rule, type Rules } from "./params.js";
export { NotFittedError, InvalidParameterError, InputError } from "./errors.js";
