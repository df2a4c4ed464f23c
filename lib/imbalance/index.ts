/** Class-imbalance tools with imbalanced-learn's API: resamplers, class weights. */
export { RandomOverSampler, RandomUnderSampler, type RandomOverSamplerOptions, type RandomUnderSamplerOptions } from "./random-samplers.js";
export { TomekLinks, EditedNearestNeighbours, type TomekLinksOptions, type EditedNearestNeighboursOptions } from "./cleaning.js";
export { SMOTE, type SMOTEOptions } from "./smote.js";
export { computeClassWeight, computeSampleWeight } from "./class-weight.js";
export { checkSamplingStrategy, type SamplingStrategy, type SamplingType } from "./sampling-strategy.js";
export { BaseSampler, type FitResampleResult } from "./base-sampler.js";
