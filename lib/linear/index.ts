/** Linear models: LogisticRegression (the stacking meta-learner) and the L-BFGS optimiser it uses. */
export { LogisticRegression, type LogisticRegressionOptions } from "./logistic.js";
export { lbfgs, type LbfgsOptions, type LbfgsResult } from "./lbfgs.js";
