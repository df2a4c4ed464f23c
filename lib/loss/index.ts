/** Losses for imbalanced and multi-objective training on tfjs, and a training loop that takes any of them. */
export { binaryCrossentropy, categoricalCrossentropy, type CrossEntropyOptions } from "./cross-entropy.js";
export { sigmoidFocalLoss, softmaxFocalLoss, type FocalOptions, type SoftmaxFocalOptions } from "./focal.js";
export { classBalancedWeights, classBalancedLoss, type ClassBalancedOptions } from "./class-balanced.js";
export { combinedLoss, type LossTerm, type MultiLoss } from "./combined.js";
export { trainClassifier, type TrainOptions, type TrainHistory, type EarlyStopping } from "./train.js";
export type { Loss, Reduction } from "./types.js";
