/** scikit-learn's DecisionTreeClassifier and DecisionTreeRegressor (CART), the base learner of the ensembles. */
import { InputError } from "../core/errors.js";
import type { Rules } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { applyClassWeight, BaseClassifier, BaseRegressor, type Matrix } from "./base.js";
import { presort, type Presorted } from "./presort.js";
import { registerModel } from "./serialize.js";
import { applyTree, growTree, type Criterion, type GrowOptions, type Target, type TreeData } from "./tree-builder.js";

export type MaxFeatures = number | "sqrt" | "log2" | null;

export interface DecisionTreeOptions {
  /** "gini" (default), "entropy" / "log_loss" for classifiers; "squared_error" for regressors. */
  criterion?: Criterion;
  maxDepth?: number | null;
  /** Fewest samples a node needs to be split: a count >= 2 or a fraction of the samples. */
  minSamplesSplit?: number;
  /** Fewest samples in each leaf: a count >= 1 or a fraction of the samples. */
  minSamplesLeaf?: number;
  minWeightFractionLeaf?: number;
  /** Features considered per split: a count, a fraction, "sqrt", "log2", or null for all. */
  maxFeatures?: MaxFeatures;
  minImpurityDecrease?: number;
  /** Classifiers only: "balanced" or a map of class to weight. */
  classWeight?: "balanced" | Record<string, number> | null;
  randomState?: RandomState;
}

const FRACTION_OR_COUNT = (minCount: number) => [{ kind: "int" as const, min: minCount }, { kind: "float" as const, min: 0, max: 1, minExclusive: true }];

export const TREE_RULES: Rules = {
  criterion: { kind: "enum", values: ["gini", "entropy", "log_loss", "squared_error"] },
  maxDepth: [{ kind: "int", min: 1 }, { kind: "enum", values: [null] }],
  minSamplesSplit: FRACTION_OR_COUNT(2),
  minSamplesLeaf: FRACTION_OR_COUNT(1),
  minWeightFractionLeaf: { kind: "float", min: 0, max: 0.5 },
  maxFeatures: [{ kind: "int", min: 1 }, { kind: "float", min: 0, max: 1, minExclusive: true }, { kind: "enum", values: ["sqrt", "log2", null] }],
  minImpurityDecrease: { kind: "float", min: 0 },
  classWeight: [{ kind: "enum", values: ["balanced", null] }, { kind: "custom", describe: "a map of class to weight", test: (v) => typeof v === "object" && v !== null }],
  randomState: { kind: "randomState" },
};

/** The number of features `maxFeatures` means for `d` features (scikit-learn's rules). */
export function resolveMaxFeatures(maxFeatures: MaxFeatures | undefined, d: number, owner: string): number {
  if (maxFeatures === null || maxFeatures === undefined) return d;
  if (maxFeatures === "sqrt") return Math.max(1, Math.floor(Math.sqrt(d)));
  if (maxFeatures === "log2") return Math.max(1, Math.floor(Math.log2(d)));
  if (Number.isInteger(maxFeatures) && maxFeatures >= 1) {
    if (maxFeatures > d) throw new InputError(`The 'maxFeatures' parameter of ${owner} is ${maxFeatures}, but X has only ${d} features.`);
    return maxFeatures;
  }
  return Math.max(1, Math.floor(maxFeatures * d));
}

/** Growth options from the estimator options, for `n` samples and `d` features. */
export function growOptions(o: DecisionTreeOptions, n: number, d: number, totalWeight: number, owner: string, defaultCriterion: Criterion): GrowOptions {
  const split = o.minSamplesSplit ?? 2;
  const leaf = o.minSamplesLeaf ?? 1;
  return {
    criterion: o.criterion ?? defaultCriterion,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesSplit: Number.isInteger(split) && split >= 2 ? split : Math.max(2, Math.ceil(split * n)),
    minSamplesLeaf: Number.isInteger(leaf) && leaf >= 1 ? leaf : Math.max(1, Math.ceil(leaf * n)),
    minWeightLeaf: (o.minWeightFractionLeaf ?? 0) * totalWeight,
    maxFeatures: resolveMaxFeatures(o.maxFeatures, d, owner),
    minImpurityDecrease: o.minImpurityDecrease ?? 0,
    rng: checkRandomState(o.randomState),
  };
}

function sum(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

function normalised(importances: Float64Array): Float64Array {
  const total = sum(importances);
  return total > 0 ? importances.map((v) => v / total) : importances;
}

/**
 * A classification tree (CART) with scikit-learn's options and defaults.
 * @example new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 }).fit(X, y).predictProba(X)
 */
export class DecisionTreeClassifier extends BaseClassifier<DecisionTreeOptions> {
  protected readonly rules = TREE_RULES;
  tree_?: TreeData;
  /** Normalised total impurity decrease per feature (Gini importance). */
  featureImportances_?: Float64Array;

  protected fitCodes(X: Matrix, y: Int32Array, nClasses: number, sampleWeight: Float64Array | undefined): void {
    this.fitPresorted(presort(X), y, nClasses, sampleWeight ?? new Float64Array(X.rows).fill(1));
  }

  /** Fits on a shared presort with per-sample weights (bootstrap counts times weights); for ensembles. */
  fitPresorted(pre: Presorted, y: Int32Array, nClasses: number, weight: Float64Array, classes = this.classes_): this {
    if (this.options.criterion === "squared_error") throw new InputError("The 'criterion' parameter of DecisionTreeClassifier must be one of \"gini\", \"entropy\", \"log_loss\". Got 'squared_error' instead.");
    this.classes_ = classes ?? Array.from({ length: nClasses }, (_, c) => c);
    const w = applyClassWeight(this.options.classWeight, y, this.classes_, weight)!;
    const target: Target = { kind: "classification", y, nClasses };
    const { tree, importances } = growTree(pre, w, target, growOptions(this.options, countPositive(w), pre.d, sum(w), this.constructor.name, "gini"));
    this.tree_ = tree;
    this.featureImportances_ = normalised(importances);
    this.nFeaturesIn_ = pre.d;
    return this;
  }

  probaDense(X: Matrix): Float64Array {
    const tree = this.tree_!;
    const k = tree.nOutputs;
    const leaves = applyTree(tree, X.data, X.rows, X.cols);
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) {
      const base = leaves[i]! * k;
      let total = 0;
      for (let c = 0; c < k; c++) total += tree.value[base + c]!;
      for (let c = 0; c < k; c++) out[i * k + c] = tree.value[base + c]! / total;
    }
    return out;
  }

  /** The leaf index of each sample. */
  apply(X: unknown): Int32Array {
    const cx = this.checkPredictX(X);
    return applyTree(this.tree_!, cx.matrix.data, cx.matrix.rows, cx.matrix.cols);
  }

  getDepth(): number {
    this.checkFitted();
    return this.tree_!.maxDepth;
  }

  getNLeaves(): number {
    this.checkFitted();
    let leaves = 0;
    for (const f of this.tree_!.feature) if (f < 0) leaves++;
    return leaves;
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), tree_: this.tree_, featureImportances_: this.featureImportances_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.tree_ = state.tree_ as TreeData;
    this.featureImportances_ = state.featureImportances_ as Float64Array;
  }
}

/**
 * A regression tree (CART, squared error).
 * @example new DecisionTreeRegressor({ maxDepth: 4 }).fit(X, y).predict(X)
 */
export class DecisionTreeRegressor extends BaseRegressor<DecisionTreeOptions> {
  protected readonly rules = TREE_RULES;
  tree_?: TreeData;
  featureImportances_?: Float64Array;

  protected fitTargets(X: Matrix, y: Float64Array, sampleWeight: Float64Array | undefined): void {
    this.fitPresorted(presort(X), y, sampleWeight ?? new Float64Array(X.rows).fill(1));
  }

  /** Fits on a shared presort with per-sample weights; for ensembles. */
  fitPresorted(pre: Presorted, y: Float64Array, weight: Float64Array): this {
    const criterion = this.options.criterion ?? "squared_error";
    if (criterion !== "squared_error") throw new InputError(`The 'criterion' parameter of DecisionTreeRegressor must be "squared_error". Got '${criterion}' instead.`);
    const { tree, importances } = growTree(pre, weight, { kind: "regression", y }, growOptions(this.options, countPositive(weight), pre.d, sum(weight), this.constructor.name, "squared_error"));
    this.tree_ = tree;
    this.featureImportances_ = normalised(importances);
    this.nFeaturesIn_ = pre.d;
    return this;
  }

  predictDense(X: Matrix): Float64Array {
    const leaves = applyTree(this.tree_!, X.data, X.rows, X.cols);
    return Float64Array.from(leaves, (l) => this.tree_!.value[l]!);
  }

  protected override getState(): Record<string, unknown> {
    return { tree_: this.tree_, featureImportances_: this.featureImportances_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.tree_ = state.tree_ as TreeData;
    this.featureImportances_ = state.featureImportances_ as Float64Array;
  }
}

function countPositive(w: Float64Array): number {
  let c = 0;
  for (const v of w) if (v > 0) c++;
  return c;
}

registerModel("DecisionTreeClassifier", DecisionTreeClassifier);
registerModel("DecisionTreeRegressor", DecisionTreeRegressor);
