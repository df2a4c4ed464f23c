/** scikit-learn's DecisionTreeClassifier and DecisionTreeRegressor (CART), the base learner of the ensembles. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { applyClassWeight, BaseClassifier, BaseRegressor, classWeightRule, type Matrix } from "../core/supervised.js";
import { presort, type Presorted } from "./presort.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { applyTree, growTree, type Criterion, type GrowOptions, type Target, type TreeData } from "./tree-builder.js";

export type MaxFeatures = number | "sqrt" | "log2" | null;

/** What every tree (and forest) takes, whatever it predicts. */
export interface TreeOptions {
  maxDepth?: number | null;
  /** Fewest samples a node needs to be split: a count >= 2 or a fraction of the samples. */
  minSamplesSplit?: number;
  /** Fewest samples in each leaf: a count >= 1 or a fraction of the samples. */
  minSamplesLeaf?: number;
  minWeightFractionLeaf?: number;
  /** Features considered per split: a count, a fraction, "sqrt", "log2", or null for all. */
  maxFeatures?: MaxFeatures;
  minImpurityDecrease?: number;
  randomState?: RandomState;
}

export interface DecisionTreeClassifierOptions extends TreeOptions {
  /** "gini" (default), "entropy" or "log_loss" (the same split quality as "entropy"). */
  criterion?: "gini" | "entropy" | "log_loss";
  /** "balanced" or a map of class to weight. */
  classWeight?: "balanced" | Record<string, number> | null;
}

export interface DecisionTreeRegressorOptions extends TreeOptions {
  criterion?: "squared_error";
}

/** @deprecated name kept for callers: the classifier's options. */
export type DecisionTreeOptions = DecisionTreeClassifierOptions;

const FRACTION_OR_COUNT = (minCount: number) => [{ kind: "int" as const, min: minCount }, { kind: "float" as const, min: 0, max: 1, minExclusive: true }];

/** The rules every tree shares; each estimator extends them with its own. */
export const TREE_RULES = {
  maxDepth: [{ kind: "int", min: 1 }, { kind: "enum", values: [null] }],
  minSamplesSplit: FRACTION_OR_COUNT(2),
  minSamplesLeaf: FRACTION_OR_COUNT(1),
  minWeightFractionLeaf: { kind: "float", min: 0, max: 0.5 },
  maxFeatures: [{ kind: "int", min: 1 }, { kind: "float", min: 0, max: 1, minExclusive: true }, { kind: "enum", values: ["sqrt", "log2", null] }],
  minImpurityDecrease: { kind: "float", min: 0 },
  randomState: { kind: "randomState" },
} as const satisfies RulesFor<TreeOptions>;

export const TREE_DEFAULTS = {
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  minWeightFractionLeaf: 0,
  maxFeatures: null,
  minImpurityDecrease: 0,
  randomState: null,
} as const satisfies Required<TreeOptions>;

export const CLASSIFIER_CRITERION = { kind: "enum", values: ["gini", "entropy", "log_loss"] } as const;
export const REGRESSOR_CRITERION = { kind: "enum", values: ["squared_error"] } as const;

const CLASSIFIER_RULES = { ...TREE_RULES, criterion: CLASSIFIER_CRITERION, classWeight: classWeightRule } as const satisfies RulesFor<DecisionTreeClassifierOptions>;
const CLASSIFIER_DEFAULTS = { ...TREE_DEFAULTS, criterion: "gini", classWeight: null } as const satisfies Required<DecisionTreeClassifierOptions>;
const REGRESSOR_RULES = { ...TREE_RULES, criterion: REGRESSOR_CRITERION } as const satisfies RulesFor<DecisionTreeRegressorOptions>;
const REGRESSOR_DEFAULTS = { ...TREE_DEFAULTS, criterion: "squared_error" } as const satisfies Required<DecisionTreeRegressorOptions>;

/** The number of features `maxFeatures` means for `d` features (scikit-learn's rules). */
export function resolveMaxFeatures(maxFeatures: MaxFeatures, d: number, owner: string): number {
  if (maxFeatures === null) return d;
  if (maxFeatures === "sqrt") return Math.max(1, Math.floor(Math.sqrt(d)));
  if (maxFeatures === "log2") return Math.max(1, Math.floor(Math.log2(d)));
  if (Number.isInteger(maxFeatures) && maxFeatures >= 1) {
    if (maxFeatures > d) throw new InputError(`The 'maxFeatures' parameter of ${owner} is ${maxFeatures}, but X has only ${d} features.`);
    return maxFeatures;
  }
  return Math.max(1, Math.floor(maxFeatures * d));
}

/** Growth options from resolved tree options, for `n` samples and `d` features. */
export function growOptions(o: Required<TreeOptions> & { criterion: Criterion }, n: number, d: number, totalWeight: number, owner: string): GrowOptions {
  const split = o.minSamplesSplit;
  const leaf = o.minSamplesLeaf;
  return {
    criterion: o.criterion,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesSplit: Number.isInteger(split) && split >= 2 ? split : Math.max(2, Math.ceil(split * n)),
    minSamplesLeaf: Number.isInteger(leaf) && leaf >= 1 ? leaf : Math.max(1, Math.ceil(leaf * n)),
    minWeightLeaf: o.minWeightFractionLeaf * totalWeight,
    maxFeatures: resolveMaxFeatures(o.maxFeatures, d, owner),
    minImpurityDecrease: o.minImpurityDecrease,
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
export class DecisionTreeClassifier extends BaseClassifier<DecisionTreeClassifierOptions> {
  get rules() {
    return CLASSIFIER_RULES;
  }
  get defaults() {
    return CLASSIFIER_DEFAULTS;
  }
  tree_?: TreeData;
  /** Normalised total impurity decrease per feature (Gini importance). */
  featureImportances_?: Float64Array;

  protected fitCodes(X: Matrix, y: Int32Array, nClasses: number, sampleWeight: Float64Array | undefined): void {
    this.fitPresorted(presort(X), y, nClasses, sampleWeight ?? new Float64Array(X.rows).fill(1));
  }

  /** Fits on a shared presort with per-sample weights (bootstrap counts times weights); for ensembles. */
  fitPresorted(pre: Presorted, y: Int32Array, nClasses: number, weight: Float64Array, classes = this.classes_): this {
    const p = this.getParams();
    this.classes_ = classes ?? Array.from({ length: nClasses }, (_, c) => c);
    const w = applyClassWeight(p.classWeight, y, this.classes_, weight)!;
    const target: Target = { kind: "classification", y, nClasses };
    const { tree, importances } = growTree(pre, w, target, growOptions(p, countPositive(w), pre.d, sum(w), this.constructor.name));
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
export class DecisionTreeRegressor extends BaseRegressor<DecisionTreeRegressorOptions> {
  get rules() {
    return REGRESSOR_RULES;
  }
  get defaults() {
    return REGRESSOR_DEFAULTS;
  }
  tree_?: TreeData;
  featureImportances_?: Float64Array;

  protected fitTargets(X: Matrix, y: Float64Array, sampleWeight: Float64Array | undefined): void {
    this.fitPresorted(presort(X), y, sampleWeight ?? new Float64Array(X.rows).fill(1));
  }

  /** Fits on a shared presort with per-sample weights; for ensembles. */
  fitPresorted(pre: Presorted, y: Float64Array, weight: Float64Array): this {
    const { tree, importances } = growTree(pre, weight, { kind: "regression", y }, growOptions(this.getParams(), countPositive(weight), pre.d, sum(weight), this.constructor.name));
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

registerModel("DecisionTreeClassifier", DecisionTreeClassifier, { testParams: (): OptionsOf<typeof DecisionTreeClassifier> => ({ maxDepth: 4, randomState: 0 }), tags: { sampleWeightEquivalence: "exact" } });
// Weighted sums of targets round differently from repeated additions: equal to rounding, not bit for bit.
registerModel("DecisionTreeRegressor", DecisionTreeRegressor, { testParams: (): OptionsOf<typeof DecisionTreeRegressor> => ({ maxDepth: 4, randomState: 0 }), tags: { sampleWeightEquivalence: "close" } });
