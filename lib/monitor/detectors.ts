/**
 * Streaming drift detectors with River's parameters and defaults: `update(x)`, then read `driftDetected`.
 * Each stands on DriftDetectorBase, which resets a detector on the update after it fired, as River's do.
 */
export { DriftDetectorBase, type DriftDetector, type DetectorRules, type Resolved } from "./drift-detector.js";
export { DDM, type DDMOptions } from "./ddm.js";
export { ADWIN, type ADWINOptions } from "./adwin.js";
export { PageHinkley, type PageHinkleyOptions } from "./page-hinkley.js";
export { KSWIN, type KSWINOptions } from "./kswin.js";
