/** Monitoring: two-sample drift tests and distances, a table-wide drift report, streaming drift detectors. */
export { ks2Samp, type TestResult } from "./ks.js";
export { chiSquareTest, proportionZTest, populationStabilityIndex, jensenShannon, wassersteinDistance, quantileEdges } from "./distances.js";
export { driftReport, type DriftReport, type ColumnDrift } from "./drift-report.js";
export { chi2Sf, gammaQ, kolmogorovSf, logGamma } from "./special.js";
export { DDM, ADWIN, type DriftDetector } from "./detectors.js";
