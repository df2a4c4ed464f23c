/** scikit-learn's RandomForestClassifier and RandomForestRegressor: bagged trees with random feature choice per split. */
import { InvalidParameterError } from "../core/errors.js";
import type { Rules } from "../core/params.js";
import { checkRandomState, type Random } from "../core/random.js";
import { applyClassWeight, BaseClassifier, BaseRegressor, type Matrix } from "./base.js";
import { accumulateOob, averageProba, oobResult, r2Where } from "./bagging.js";
import { bincount, countOf, draw } from "./members.js";
import { presort, type Presorted } from "./presort.js";
import { registerModel } from "./serialize.js";
import { DecisionTreeClassifier, DecisionTreeRegressor, TREE_RULES, type DecisionTreeOptions } from "./tree.js";

export interface RandomForestOptions extends Omit<DecisionTreeOptions, "classWeight"> {
  nEstimators?: number;
  bootstrap?: boolean;
  oobScore?: boolean;
  /** Rows drawn per tree when bootstrapping: a fraction (<= 1) or a count; default all. */
  maxSamples?: number | null;
  /** "balanced", "balanced_subsample" (per bootstrap sample) or a map of class to weight. */
  classWeight?: "balanced" | "balanced_subsample" | Record<string, number> | null;
}

export const FOREST_RULES: Rules = {
  ...TREE_RULES,
  nEstimators: { kind: "int", min: 1 },
  bootstrap: { kind: "bool" },
  oobScore: { kind: "bool" },
  maxSamples: [{ kind: "float", min: 0, minExclusive: true }, { kind: "enum", values: [null] }],
  classWeight: [{ kind: "enum", values: ["balanced", "balanced_subsample", null] }, { kind: "custom", describe: "a map of class to weight", test: (v) => typeof v === "object" && v !== null }],
};

/** Tree options for the members: the forest's, minus the forest-level ones, with a seed of their own. */
function treeOptions(o: RandomForestOptions, rng: Random, defaultMaxFeatures: DecisionTreeOptions["maxFeatures"]): DecisionTreeOptions {
  const { nEstimators: _n, bootstrap: _b, oobScore: _o, maxSamples: _m, classWeight: _c, randomState: _r, ...tree } = o;
  return { ...tree, maxFeatures: o.maxFeatures === undefined ? defaultMaxFeatures : o.maxFeatures, randomState: rng.nextUint32() };
}

/** Bootstrap weights of one tree (counts), or all ones without bootstrap; the drawn rows for OOB. */
function bootstrapWeights(rng: Random, n: number, o: RandomForestOptions): { weight: Float64Array; samples: Int32Array | null } {
  if (!(o.bootstrap ?? true)) return { weight: new Float64Array(n).fill(1), samples: null };
  const samples = draw(rng, n, o.maxSamples == null ? n : countOf(o.maxSamples, n), true);
  return { weight: bincount(samples, n), samples };
}

/**
 * A forest of classification trees, each on a bootstrap sample with `maxFeatures` ("sqrt") features tried per split.
 * @example new RandomForestClassifier({ nEstimators: 100, randomState: 0 }).fit(X, y).featureImportances_
 */
export class RandomForestClassifier extends BaseClassifier<RandomForestOptions> {
  protected readonly rules = FOREST_RULES;
  estimators_?: DecisionTreeClassifier[];
  featureImportances_?: Float64Array;
  oobScore_?: number;
  oobDecisionFunction_?: Float64Array;

  protected fitCodes(X: Matrix, y: Int32Array, nClasses: number, sw: Float64Array | undefined): void {
    const o = this.options;
    if (o.oobScore && !(o.bootstrap ?? true)) throw new InvalidParameterError("Out of bag estimation is only available if bootstrap=true: oobScore=true needs bootstrap=true.");
    const rng = checkRandomState(o.randomState);
    const pre = presort(X);
    const base = o.classWeight === "balanced_subsample" ? sw : applyClassWeight(o.classWeight, y, this.classes_!, sw);
    const oob = o.oobScore ? new Float64Array(X.rows * nClasses) : undefined;
    this.estimators_ = [];
    for (let e = 0; e < (o.nEstimators ?? 100); e++) {
      const tree = new DecisionTreeClassifier(treeOptions(o, rng, "sqrt"));
      const { weight, samples } = this.memberWeights(rng, X, y, pre);
      if (o.classWeight === "balanced_subsample") {
        // "balanced" computed on the bootstrap sample itself: count each row as often as it was drawn.
        const counts = new Float64Array(nClasses);
        let total = 0;
        for (let i = 0; i < y.length; i++) (counts[y[i]!]! += weight[i]!), (total += weight[i]!);
        let present = 0;
        for (const c of counts) if (c > 0) present++;
        for (let i = 0; i < y.length; i++) weight[i]! *= counts[y[i]!]! > 0 ? total / (present * counts[y[i]!]!) : 0;
      }
      if (base) for (let i = 0; i < weight.length; i++) weight[i]! *= base[i]!;
      tree.fitPresorted(pre, y, nClasses, weight, this.classes_);
      this.estimators_.push(tree);
      if (oob && samples) accumulateOob(oob, tree.probaDense(X), samples, X.rows, nClasses);
    }
    this.featureImportances_ = meanImportances(this.estimators_);
    if (oob) [this.oobDecisionFunction_, this.oobScore_] = oobResult(oob, y, nClasses);
  }

  /** Each tree's row weights; BalancedRandomForestClassifier under-samples first. */
  protected memberWeights(rng: Random, X: Matrix, _y: Int32Array, _pre: Presorted): { weight: Float64Array; samples: Int32Array | null } {
    return bootstrapWeights(rng, X.rows, this.options);
  }

  probaDense(X: Matrix): Float64Array {
    return averageProba(this.estimators_!, undefined, X, this.classes_!.length);
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), estimators_: this.estimators_, featureImportances_: this.featureImportances_, oobScore_: this.oobScore_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as DecisionTreeClassifier[];
    this.featureImportances_ = state.featureImportances_ as Float64Array;
    this.oobScore_ = state.oobScore_ as number | undefined;
  }
}

/** scikit-learn's forest importances: the mean of the trees' normalised importances, normalised again. */
export function meanImportances(trees: { featureImportances_?: Float64Array }[]): Float64Array {
  const d = trees[0]!.featureImportances_!.length;
  const out = new Float64Array(d);
  let used = 0;
  for (const t of trees) {
    const imp = t.featureImportances_!;
    let s = 0;
    for (const v of imp) s += v;
    if (s === 0) continue; // single-leaf trees carry no information
    used++;
    for (let f = 0; f < d; f++) out[f]! += imp[f]!;
  }
  let total = 0;
  for (const v of out) total += v;
  if (used === 0 || total === 0) return out;
  return out.map((v) => v / total);
}

/**
 * A forest of regression trees; all features tried per split by default, as scikit-learn does.
 * @example new RandomForestRegressor({ nEstimators: 100, randomState: 0 }).fit(X, y).predict(X)
 */
export class RandomForestRegressor extends BaseRegressor<Omit<RandomForestOptions, "classWeight">> {
  protected readonly rules = FOREST_RULES;
  estimators_?: DecisionTreeRegressor[];
  featureImportances_?: Float64Array;
  oobScore_?: number;

  protected fitTargets(X: Matrix, y: Float64Array, sw: Float64Array | undefined): void {
    const o = this.options;
    if (o.oobScore && !(o.bootstrap ?? true)) throw new InvalidParameterError("Out of bag estimation is only available if bootstrap=true: oobScore=true needs bootstrap=true.");
    const rng = checkRandomState(o.randomState);
    const pre = presort(X);
    const oobSum = new Float64Array(X.rows);
    const oobCount = new Float64Array(X.rows);
    this.estimators_ = [];
    for (let e = 0; e < (o.nEstimators ?? 100); e++) {
      const tree = new DecisionTreeRegressor({ ...treeOptions(o, rng, null), criterion: "squared_error" });
      const { weight, samples } = bootstrapWeights(rng, X.rows, o);
      if (sw) for (let i = 0; i < weight.length; i++) weight[i]! *= sw[i]!;
      tree.fitPresorted(pre, y, weight);
      this.estimators_.push(tree);
      if (o.oobScore && samples) {
        const p = tree.predictDense(X);
        const seen = new Uint8Array(X.rows);
        for (const i of samples) seen[i] = 1;
        for (let i = 0; i < X.rows; i++) if (!seen[i]) (oobSum[i]! += p[i]!), oobCount[i]!++;
      }
    }
    this.featureImportances_ = meanImportances(this.estimators_);
    if (o.oobScore) this.oobScore_ = r2Where(y, oobSum, oobCount);
  }

  predictDense(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    for (const t of this.estimators_!) {
      const p = t.predictDense(X);
      for (let i = 0; i < X.rows; i++) out[i]! += p[i]!;
    }
    return out.map((v) => v / this.estimators_!.length);
  }

  protected override getState(): Record<string, unknown> {
    return { estimators_: this.estimators_, featureImportances_: this.featureImportances_, oobScore_: this.oobScore_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as DecisionTreeRegressor[];
    this.featureImportances_ = state.featureImportances_ as Float64Array;
    this.oobScore_ = state.oobScore_ as number | undefined;
  }
}

registerModel("RandomForestClassifier", RandomForestClassifier);
registerModel("RandomForestRegressor", RandomForestRegressor);
