/** Privacy: a Rényi-DP accountant for the sampled Gaussian mechanism, DP-SGD on tfjs models, federated averaging, secure aggregation and SISA unlearning. */
export { computeRdp, getPrivacySpent, dpSgdEpsilon, logErfc, DEFAULT_ORDERS } from "./rdp.js";
export { secureAggregate, type SecureAggregationResult } from "./secure-aggregation.js";
export { splitClients, federatedAveraging, centralisedAccuracy, type FederatedOptions, type FederatedRound } from "./federated.js";
export { trainDpSgd, type DpSgdOptions } from "./dp-sgd.js";
export { SisaClassifier, type SisaClassifierOptions, type IncrementalClassifier, type Constituent, type TrainingCost, type UnlearningReport } from "./sisa.js";
