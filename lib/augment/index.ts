/** Data augmentation: image transforms and mixup on tfjs batches, noise injection for tables, a small generated image set, and a training loop that augments every batch. */
export { randomFlip, randomCrop, randomRotation, randomErasing, augmentImages, mixupImages, type ImageTransform } from "./images.js";
export { noiseInjection, type NoiseInjectionOptions } from "./tabular.js";
export { makeShapes, SHAPE_CLASSES, type MakeShapesOptions } from "./shapes.js";
export { trainWithAugmentation, predictProbabilities, type AugmentedTrainingOptions } from "./train.js";
export { mixup } from "../imbalance/mixup.js";
