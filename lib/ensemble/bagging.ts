/** scikit-learn's BaggingClassifier and BaggingRegressor: members fitted on bootstrap samples, averaged. */
import { InvalidParameterError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";
import { argmaxRows, BaseClassifier, BaseRegressor, type Matrix } from "../core/supervised.js";
import { countOf, fitClassifierMember, fitRegressorMember, lazy, memberView, planMember } from "./members.js";
import { presort } from "./presort.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { DecisionTreeClassifier, DecisionTreeRegressor } from "./tree.js";

export interface BaggingOptions<E> {
  /** The member to clone (null: a decision tree). */
  estimator?: E | null;
  nEstimators?: number;
  /** Rows per member: a fraction (<= 1) or a count. */
  maxSamples?: number;
  /** Features per member: a fraction (<= 1) or a count. */
  maxFeatures?: number;
  bootstrap?: boolean;
  bootstrapFeatures?: boolean;
  /** Estimate generalisation from out-of-bag rows (needs bootstrap). */
  oobScore?: boolean;
  randomState?: RandomState;
}

const isEstimator = (v: unknown) => typeof v === "object" && v !== null && typeof (v as { clone?: unknown }).clone === "function" && typeof (v as { fit?: unknown }).fit === "function";

export type BaggingClassifierOptions = BaggingOptions<BaseClassifier<object>>;
export type BaggingRegressorOptions = BaggingOptions<BaseRegressor<object>>;

export const BAGGING_RULES = {
  estimator: [{ kind: "custom", describe: "an mlsd estimator (with fit and clone)", test: isEstimator }, { kind: "enum", values: [null] }],
  nEstimators: { kind: "int", min: 1 },
  maxSamples: { kind: "float", min: 0, minExclusive: true },
  maxFeatures: { kind: "float", min: 0, minExclusive: true },
  bootstrap: { kind: "bool" },
  bootstrapFeatures: { kind: "bool" },
  oobScore: { kind: "bool" },
  randomState: { kind: "randomState" },
} as const satisfies RulesFor<BaggingClassifierOptions>;

/** scikit-learn's defaults; 1 for maxSamples and maxFeatures means all (its 1.0). */
export const BAGGING_DEFAULTS = { estimator: null, nEstimators: 10, maxSamples: 1, maxFeatures: 1, bootstrap: true, bootstrapFeatures: false, oobScore: false, randomState: null } as const satisfies Required<BaggingClassifierOptions>;

/** The bagging classifier's algorithm, for BaggingClassifier and BalancedBaggingClassifier. */
export abstract class BaggingClassifierBase<O extends BaggingClassifierOptions> extends BaseClassifier<O> {
  estimators_?: BaseClassifier<object>[];
  estimatorsFeatures_?: Int32Array[];
  oobScore_?: number;
  oobDecisionFunction_?: Float64Array;

  protected fitCodes(X: Matrix, y: Int32Array, nClasses: number, sw: Float64Array | undefined): void {
    // The resolved options as bagging reads them (TypeScript does not narrow Required<O> for a generic O).
    const o = this.getParams() as Required<BaggingClassifierOptions>;
    const rng = checkRandomState(o.randomState);
    const base = o.estimator ?? new DecisionTreeClassifier();
    const nSamples = countOf(o.maxSamples, X.rows);
    const nFeatures = countOf(o.maxFeatures, X.cols);
    if (o.oobScore && !o.bootstrap) throw new InvalidParameterError("Out of bag estimation is only available if bootstrap=true: oobScore=true needs bootstrap=true.");
    const pre = lazy(() => presort(X));
    this.estimators_ = [];
    this.estimatorsFeatures_ = [];
    const oob = o.oobScore ? new Float64Array(X.rows * nClasses) : undefined;
    for (let e = 0; e < o.nEstimators; e++) {
      const plan = planMember(rng, X.rows, X.cols, nSamples, nFeatures, o.bootstrap, o.bootstrapFeatures);
      plan.samples = this.memberSamples(plan.samples, y, rng);
      const member = base.seededClone(rng);
      fitClassifierMember(member, plan, X, pre, y, this.classes_!, sw);
      this.estimators_.push(member);
      this.estimatorsFeatures_.push(plan.features);
      if (oob) accumulateOob(oob, member.probaDense(memberView(X, plan)), plan.samples, X.rows, nClasses);
    }
    if (oob) [this.oobDecisionFunction_, this.oobScore_] = oobResult(oob, y, nClasses);
  }

  /** The rows a member trains on, from the bagging draw; BalancedBaggingClassifier under-samples them. */
  protected memberSamples(drawn: Int32Array, _y: Int32Array, _rng: Random): Int32Array {
    return drawn;
  }

  probaDense(X: Matrix): Float64Array {
    return averageProba(this.estimators_!, this.estimatorsFeatures_!, X, this.classes_!.length);
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), estimators_: this.estimators_, estimatorsFeatures_: this.estimatorsFeatures_, oobScore_: this.oobScore_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as BaseClassifier<object>[];
    this.estimatorsFeatures_ = state.estimatorsFeatures_ as Int32Array[];
    this.oobScore_ = state.oobScore_ as number | undefined;
  }
}

/**
 * Averages the class probabilities of members fitted on bootstrap samples (and feature subsets).
 * @example new BaggingClassifier({ nEstimators: 50, oobScore: true, randomState: 0 }).fit(X, y).oobScore_
 */
export class BaggingClassifier extends BaggingClassifierBase<BaggingClassifierOptions> {
  get rules() {
    return BAGGING_RULES;
  }
  get defaults() {
    return BAGGING_DEFAULTS;
  }
}

/** Mean of the members' probabilities, each on its own features. */
export function averageProba(members: BaseClassifier<object>[], features: Int32Array[] | undefined, X: Matrix, k: number): Float64Array {
  const out = new Float64Array(X.rows * k);
  members.forEach((m, e) => {
    const feats = features?.[e];
    const p = m.probaDense(feats ? memberView(X, { features: feats, allFeatures: isIdentity(feats, X.cols) }) : X);
    for (let t = 0; t < out.length; t++) out[t]! += p[t]!;
  });
  for (let t = 0; t < out.length; t++) out[t]! /= members.length;
  return out;
}

function isIdentity(f: Int32Array, d: number): boolean {
  if (f.length !== d) return false;
  for (let i = 0; i < d; i++) if (f[i] !== i) return false;
  return true;
}

/** Adds a member's probabilities to the rows it did not see in training. */
export function accumulateOob(oob: Float64Array, proba: Float64Array, samples: Int32Array, n: number, k: number): void {
  const seen = new Uint8Array(n);
  for (const i of samples) seen[i] = 1;
  for (let i = 0; i < n; i++) if (!seen[i]) for (let c = 0; c < k; c++) oob[i * k + c]! += proba[i * k + c]!;
}

/** Normalised out-of-bag probabilities and their accuracy, over rows that were out of bag at least once. */
export function oobResult(oob: Float64Array, y: Int32Array, k: number): [Float64Array, number] {
  const n = y.length;
  let hits = 0;
  let rows = 0;
  const pred = argmaxRows(oob, n, k);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let c = 0; c < k; c++) total += oob[i * k + c]!;
    if (total === 0) {
      for (let c = 0; c < k; c++) oob[i * k + c] = NaN;
      continue;
    }
    for (let c = 0; c < k; c++) oob[i * k + c]! /= total;
    rows++;
    if (pred[i] === y[i]) hits++;
  }
  return [oob, rows === 0 ? NaN : hits / rows];
}

/**
 * Averages members fitted on bootstrap samples, for regression.
 * @example new BaggingRegressor({ nEstimators: 20, randomState: 0 }).fit(X, y).predict(X)
 */
export class BaggingRegressor extends BaseRegressor<BaggingRegressorOptions> {
  get rules() {
    return BAGGING_RULES;
  }
  get defaults() {
    return BAGGING_DEFAULTS;
  }
  estimators_?: BaseRegressor<object>[];
  estimatorsFeatures_?: Int32Array[];
  oobScore_?: number;

  protected fitTargets(X: Matrix, y: Float64Array, sw: Float64Array | undefined): void {
    const o = this.getParams();
    const rng = checkRandomState(o.randomState);
    const base = o.estimator ?? new DecisionTreeRegressor();
    const nSamples = countOf(o.maxSamples, X.rows);
    const nFeatures = countOf(o.maxFeatures, X.cols);
    if (o.oobScore && !o.bootstrap) throw new InvalidParameterError("Out of bag estimation is only available if bootstrap=true: oobScore=true needs bootstrap=true.");
    const pre = lazy(() => presort(X));
    this.estimators_ = [];
    this.estimatorsFeatures_ = [];
    const oobSum = new Float64Array(X.rows);
    const oobCount = new Float64Array(X.rows);
    for (let e = 0; e < o.nEstimators; e++) {
      const plan = planMember(rng, X.rows, X.cols, nSamples, nFeatures, o.bootstrap, o.bootstrapFeatures);
      const member = base.seededClone(rng);
      fitRegressorMember(member, plan, X, pre, y, sw);
      this.estimators_.push(member);
      this.estimatorsFeatures_.push(plan.features);
      if (o.oobScore) {
        const p = member.predictDense(memberView(X, plan));
        const seen = new Uint8Array(X.rows);
        for (const i of plan.samples) seen[i] = 1;
        for (let i = 0; i < X.rows; i++) if (!seen[i]) (oobSum[i]! += p[i]!), oobCount[i]!++;
      }
    }
    if (o.oobScore) this.oobScore_ = r2Where(y, oobSum, oobCount);
  }

  predictDense(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    this.estimators_!.forEach((m, e) => {
      const feats = this.estimatorsFeatures_![e]!;
      const p = m.predictDense(memberView(X, { features: feats, allFeatures: isIdentity(feats, X.cols) }));
      for (let i = 0; i < X.rows; i++) out[i]! += p[i]!;
    });
    for (let i = 0; i < X.rows; i++) out[i]! /= this.estimators_!.length;
    return out;
  }

  protected override getState(): Record<string, unknown> {
    return { estimators_: this.estimators_, estimatorsFeatures_: this.estimatorsFeatures_, oobScore_: this.oobScore_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as BaseRegressor<object>[];
    this.estimatorsFeatures_ = state.estimatorsFeatures_ as Int32Array[];
    this.oobScore_ = state.oobScore_ as number | undefined;
  }
}

/** R² of out-of-bag means over rows that were out of bag at least once. */
export function r2Where(y: Float64Array, sum: Float64Array, count: Float64Array): number {
  let mean = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) if (count[i]! > 0) (mean += y[i]!), n++;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    if (count[i]! === 0) continue;
    ssRes += (y[i]! - sum[i]! / count[i]!) ** 2;
    ssTot += (y[i]! - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

registerModel("BaggingClassifier", BaggingClassifier, { testParams: (): OptionsOf<typeof BaggingClassifier> => ({ nEstimators: 4, maxFeatures: 0.7, oobScore: true, randomState: 0 }) });
registerModel("BaggingRegressor", BaggingRegressor, { testParams: (): OptionsOf<typeof BaggingRegressor> => ({ nEstimators: 4, maxFeatures: 0.7, oobScore: true, randomState: 0 }) });
