/**
 * Feature engineering and leakage: scalers, encoders (one-hot, target, hashing), crosses, imputers with
 * indicator columns, time features, ColumnTransformer and Pipeline on the shared estimator contract (fitted on
 * training data only); permutation importance and adversarial validation to find what leaks.
 */
export { BaseTransformer, type TargetLike } from "./transformer.js";
export { readTable, type Cell, type TableLike, type FeaturesOut, type ReadTable } from "./table.js";
export { StandardScaler, MinMaxScaler, type StandardScalerOptions, type MinMaxScalerOptions } from "./scalers.js";
export { SimpleImputer, MissingIndicator, type SimpleImputerOptions, type MissingIndicatorOptions } from "./imputer.js";
export { OneHotEncoder, type OneHotEncoderOptions } from "./one-hot.js";
export { TargetEncoder, type TargetEncoderOptions } from "./target-encoder.js";
export { FeatureHasher, type FeatureHasherOptions, type HasherInput } from "./hasher.js";
export { murmurhash3_32 } from "./murmurhash.js";
export { PolynomialFeatures, crossFeatures, type PolynomialFeaturesOptions } from "./crosses.js";
export { timeFeatures, TIME_FEATURES, type TimeFeature, type TimeFeaturesOptions } from "./time.js";
export { ColumnTransformer, type ColumnTransformerOptions, type ColumnSelection, type TransformerLike } from "./column-transformer.js";
export { Pipeline, type PipelineOptions, type StepLike, type Steps, type StepNamed } from "./pipeline.js";
export { permutationImportance, type PermutationImportance, type PermutationImportanceOptions, type Scoring, type FittedModel } from "./permutation.js";
export { adversarialValidation, crossDuplicates, timeSplit, type AdversarialValidation, type AdversarialValidationOptions, type ProbabilisticClassifier } from "./leakage.js";
