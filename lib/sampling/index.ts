/** Sampling for training data: random, stratified, weighted, importance, reservoir, and non-probability schemes. */
export { sampleIndices, simpleRandomSample, type SimpleOptions } from "./simple.js";
export { trainTestSplitIndices, StratifiedKFold, approximateMode, type SplitOptions, type StratifiedKFoldOptions } from "./stratified.js";
export { trainTestSplit, type Splittable, type SplitPart, type SplitResult } from "./split.js";
export { weightedSample, importanceEstimate, type ImportanceEstimate } from "./weighted.js";
export { reservoirSample, ReservoirR, ReservoirL, WeightedReservoir, type ReservoirOptions } from "./reservoir.js";
export { convenienceSample, quotaSample, snowballSample, biasReport, type BiasReport, type BiasedSample } from "./non-probability.js";
