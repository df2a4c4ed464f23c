/** Monitoring: two-sample drift tests and distances, a table-wide drift report, streaming drift detectors. */
export { ks2Samp, type TestResult } from "./ks.js";
export { chiSquareTest, proportionZTest, populationStabilityIndex, jensenShannon, wassersteinDistance, quantileEdges } from "./distances.js";
export { driftReport, driftRatio, type DriftReport, type ColumnDrift } from "./drift-report.js";
export { chi2Sf, gammaQ, kolmogorovSf, logGamma } from "./special.js";
export { DDM, ADWIN, PageHinkley, KSWIN, DriftDetectorBase, type DriftDetector, type DDMOptions, type ADWINOptions, type PageHinkleyOptions, type KSWINOptions } from "./detectors.js";
