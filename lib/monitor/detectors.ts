/**
 * Streaming drift detectors with River's parameters and defaults: `update(x)`, then read `driftDetected`.
 * Each stands on DriftDetectorBase (on lib/core's BaseEstimator), which resets a detector on the update after
 * it fired, as River's do; each is registered, so `loadModel` rebuilds it and the conformance suite checks it.
 */
export { DriftDetectorBase, type DriftDetector } from "./drift-detector.js";
export { DDM, type DDMOptions } from "./ddm.js";
export { ADWIN, type ADWINOptions } from "./adwin.js";
export { PageHinkley, type PageHinkleyOptions } from "./page-hinkley.js";
export { KSWIN, type KSWINOptions } from "./kswin.js";
