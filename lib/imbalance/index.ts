/** Class-imbalance tools with imbalanced-learn's API: resamplers, class weights, mixup. */
export { RandomOverSampler, RandomUnderSampler, type RandomOverSamplerOptions, type RandomUnderSamplerOptions } from "./random-samplers.js";
export { TomekLinks, EditedNearestNeighbours, type TomekLinksOptions, type EditedNearestNeighboursOptions } from "./cleaning.js";
export { NearMiss, type NearMissOptions } from "./nearmiss.js";
export { SMOTE, type SMOTEOptions } from "./smote.js";
export { BorderlineSMOTE, type BorderlineSMOTEOptions } from "./borderline-smote.js";
export { ADASYN, type ADASYNOptions } from "./adasyn.js";
export { SMOTENC, type SMOTENCOptions } from "./smotenc.js";
export { SMOTETomek, SMOTEENN, type CombineOptions } from "./combine.js";
export { computeClassWeight, computeSampleWeight } from "./class-weight.js";
export { mixup, betaSample, type MixupOptions } from "./mixup.js";
export { checkSamplingStrategy, type SamplingStrategy, type SamplingType } from "./sampling-strategy.js";
export { BaseSampler, type FitResampleResult } from "./base-sampler.js";
