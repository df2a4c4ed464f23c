/** scikit-learn's RandomForestClassifier and RandomForestRegressor: bagged trees with random feature choice per split. */
import { InvalidParameterError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type Random } from "../core/random.js";
import { applyClassWeight, BaseClassifier, BaseRegressor, classWeightRule, type Matrix } from "../core/supervised.js";
import { accumulateOob, averageProba, oobResult, r2Where } from "./bagging.js";
import { bincount, countOf, draw } from "./members.js";
import { presort, type Presorted } from "./presort.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { CLASSIFIER_CRITERION, DecisionTreeClassifier, DecisionTreeRegressor, REGRESSOR_CRITERION, TREE_DEFAULTS, TREE_RULES, type DecisionTreeClassifierOptions, type DecisionTreeRegressorOptions, type TreeOptions } from "./tree.js";

/** What every forest takes besides the tree options. */
export interface ForestOptions extends TreeOptions {
  nEstimators?: number;
  bootstrap?: boolean;
  oobScore?: boolean;
  /** Rows drawn per tree when bootstrapping: a fraction (<= 1) or a count; null: all. */
  maxSamples?: number | null;
}

export interface RandomForestClassifierOptions extends ForestOptions {
  criterion?: DecisionTreeClassifierOptions["criterion"];
  /** "balanced", "balanced_subsample" (per bootstrap sample) or a map of class to weight. */
  classWeight?: "balanced" | "balanced_subsample" | Record<string, number> | null;
}

export interface RandomForestRegressorOptions extends ForestOptions {
  criterion?: DecisionTreeRegressorOptions["criterion"];
}

/** @deprecated name kept for callers: the classifier's options. */
export type RandomForestOptions = RandomForestClassifierOptions;

export const FOREST_RULES = {
  ...TREE_RULES,
  nEstimators: { kind: "int", min: 1 },
  bootstrap: { kind: "bool" },
  oobScore: { kind: "bool" },
  maxSamples: [{ kind: "float", min: 0, minExclusive: true }, { kind: "enum", values: [null] }],
} as const satisfies RulesFor<ForestOptions>;

const FOREST_DEFAULTS = { ...TREE_DEFAULTS, nEstimators: 100, bootstrap: true, oobScore: false, maxSamples: null } as const satisfies Required<ForestOptions>;

export const FOREST_CLASSIFIER_RULES = {
  ...FOREST_RULES,
  criterion: CLASSIFIER_CRITERION,
  classWeight: [{ kind: "enum", values: ["balanced", "balanced_subsample", null] }, classWeightRule[1]],
} as const satisfies RulesFor<RandomForestClassifierOptions>;

/** scikit-learn's defaults: "sqrt" features per split for classification. */
export const FOREST_CLASSIFIER_DEFAULTS = { ...FOREST_DEFAULTS, maxFeatures: "sqrt", criterion: "gini", classWeight: null } as const satisfies Required<RandomForestClassifierOptions>;

const FOREST_REGRESSOR_RULES = { ...FOREST_RULES, criterion: REGRESSOR_CRITERION } as const satisfies RulesFor<RandomForestRegressorOptions>;
/** Every feature per split for regression (scikit-learn's max_features=1.0). */
const FOREST_REGRESSOR_DEFAULTS = { ...FOREST_DEFAULTS, criterion: "squared_error" } as const satisfies Required<RandomForestRegressorOptions>;

/** Tree options for a member: the forest's tree options, with a seed of its own. */
function treeOptions<C>(o: Required<ForestOptions> & { criterion: C }, rng: Random): Required<TreeOptions> & { criterion: C } {
  return {
    criterion: o.criterion,
    maxDepth: o.maxDepth,
    minSamplesSplit: o.minSamplesSplit,
    minSamplesLeaf: o.minSamplesLeaf,
    minWeightFractionLeaf: o.minWeightFractionLeaf,
    maxFeatures: o.maxFeatures,
    minImpurityDecrease: o.minImpurityDecrease,
    randomState: rng.nextUint32(),
  };
}

/** Bootstrap weights of one tree (counts), or all ones without bootstrap; the drawn rows for OOB. */
function bootstrapWeights(rng: Random, n: number, o: Required<ForestOptions>): { weight: Float64Array; samples: Int32Array | null } {
  if (!o.bootstrap) return { weight: new Float64Array(n).fill(1), samples: null };
  const samples = draw(rng, n, o.maxSamples === null ? n : countOf(o.maxSamples, n), true);
  return { weight: bincount(samples, n), samples };
}

function checkOob(o: Required<ForestOptions>): void {
  if (o.oobScore && !o.bootstrap) throw new InvalidParameterError("Out of bag estimation is only available if bootstrap=true: oobScore=true needs bootstrap=true.");
}

/** The forest classifier's algorithm, for RandomForestClassifier and BalancedRandomForestClassifier (which differ in rules and member weights). */
export abstract class ForestClassifier<O extends RandomForestClassifierOptions> extends BaseClassifier<O> {
  estimators_?: DecisionTreeClassifier[];
  featureImportances_?: Float64Array;
  oobScore_?: number;
  oobDecisionFunction_?: Float64Array;

  /** The resolved options as the forest reads them (TypeScript does not narrow Required<O> for a generic O). */
  protected forestParams(): Required<RandomForestClassifierOptions> {
    return this.getParams() as Required<RandomForestClassifierOptions>;
  }

  protected fitCodes(X: Matrix, y: Int32Array, nClasses: number, sw: Float64Array | undefined): void {
    const o = this.forestParams();
    checkOob(o);
    const rng = checkRandomState(o.randomState);
    const pre = presort(X);
    const base = o.classWeight === "balanced_subsample" ? sw : applyClassWeight(o.classWeight, y, this.classes_!, sw);
    const oob = o.oobScore ? new Float64Array(X.rows * nClasses) : undefined;
    this.estimators_ = [];
    for (let e = 0; e < o.nEstimators; e++) {
      const tree = new DecisionTreeClassifier(treeOptions(o, rng));
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
    return bootstrapWeights(rng, X.rows, this.forestParams());
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

/**
 * A forest of classification trees, each on a bootstrap sample with `maxFeatures` ("sqrt") features tried per split.
 * @example new RandomForestClassifier({ nEstimators: 100, randomState: 0 }).fit(X, y).featureImportances_
 */
export class RandomForestClassifier extends ForestClassifier<RandomForestClassifierOptions> {
  get rules() {
    return FOREST_CLASSIFIER_RULES;
  }
  get defaults() {
    return FOREST_CLASSIFIER_DEFAULTS;
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
export class RandomForestRegressor extends BaseRegressor<RandomForestRegressorOptions> {
  get rules() {
    return FOREST_REGRESSOR_RULES;
  }
  get defaults() {
    return FOREST_REGRESSOR_DEFAULTS;
  }
  estimators_?: DecisionTreeRegressor[];
  featureImportances_?: Float64Array;
  oobScore_?: number;

  protected fitTargets(X: Matrix, y: Float64Array, sw: Float64Array | undefined): void {
    const o = this.getParams();
    checkOob(o);
    const rng = checkRandomState(o.randomState);
    const pre = presort(X);
    const oobSum = new Float64Array(X.rows);
    const oobCount = new Float64Array(X.rows);
    this.estimators_ = [];
    for (let e = 0; e < o.nEstimators; e++) {
      const tree = new DecisionTreeRegressor(treeOptions(o, rng));
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

registerModel("RandomForestClassifier", RandomForestClassifier, { testParams: (): OptionsOf<typeof RandomForestClassifier> => ({ nEstimators: 5, maxDepth: 5, oobScore: true, randomState: 0 }) });
registerModel("RandomForestRegressor", RandomForestRegressor, { testParams: (): OptionsOf<typeof RandomForestRegressor> => ({ nEstimators: 5, maxDepth: 5, oobScore: true, randomState: 0 }) });
