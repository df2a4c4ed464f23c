/** Experiments in production: A/B tests and their power, peeking and always-valid tests, multi-armed bandits, canary and shadow routing. */
export { proportionsZTest, ttestInd, ttestIndFromStats, proportionConfint, confintProportions2indep, proportionEffectSize, type ZAlternative, type TAlternative, type ZTestResult, type TTestResult } from "./ab-test.js";
export { NormalIndPower, TTestIndPower, ztIndSolvePower, ttIndSolvePower, type PowerArgs, type SolveArgs } from "./power.js";
export { erfc, normalPdf, normalCdf, normalSf, normalPpf, normalIsf, tPdf, tCdf, tSf, tPpf, tIsf, nctCdf, nctSf, betaInc, logBeta } from "./distributions.js";
export { alwaysValidPValues, peekingSimulation, type Look, type PeekingOptions, type PeekingResult } from "./sequential.js";
export { EpsilonGreedy, UCB1, ThompsonSampling, ABSplit, banditTraffic, runBandit, type BanditPolicy, type Traffic, type BanditRun } from "./bandits.js";
export { canaryRouter, type RouterOptions, type RunningRouter, type ErrorBudget, type VersionStats, type ShadowRecord, type RollbackEvent, type Version } from "./router.js";
