/** Online learning: recursive least squares, SGD models that learn one sample at a time, prequential evaluation. */
export { RecursiveLeastSquares, type RLSOptions } from "./rls.js";
export { SGDClassifier, SGDRegressor, type SGDOptions, type SGDClassifierOptions, type SGDRegressorOptions, type SGDBaseOptions } from "./sgd.js";
export { prequential, type OnlineModel, type OnlineMetric, type PrequentialResult } from "./prequential.js";
