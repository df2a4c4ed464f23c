/** scikit-learn's StackingClassifier: a meta-learner fitted on the members' out-of-fold predictions. */
import type { RulesFor } from "../core/params.js";
import { LogisticRegression } from "../linear/logistic.js";
import { StratifiedKFold } from "../sampling/stratified.js";
import { DecisionTreeClassifier } from "./tree.js";
import { BaseClassifier, type Matrix } from "../core/supervised.js";
import { subMatrix } from "./members.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";

export type NamedEstimators = readonly (readonly [string, BaseClassifier<object>])[];

export interface StackingOptions {
  estimators?: NamedEstimators;
  /** The meta-learner (null: LogisticRegression()). */
  finalEstimator?: BaseClassifier<object> | null;
  /** Folds for the out-of-fold predictions (StratifiedKFold, no shuffle). */
  cv?: number;
  /** "auto" and "predict_proba" stack probabilities (dropping the first column for two classes); "predict" stacks labels. */
  stackMethod?: "auto" | "predict_proba" | "predict";
  /** Also give the meta-learner the original features. */
  passthrough?: boolean;
}

export const namedEstimatorsRule = {
  kind: "custom" as const,
  describe: "a non-empty list of [name, classifier] pairs with distinct names",
  test: (v: unknown) =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((e) => Array.isArray(e) && typeof e[0] === "string" && e[1] instanceof BaseClassifier) &&
    new Set(v.map((e) => (e as [string])[0])).size === v.length,
};

const RULES = {
  estimators: namedEstimatorsRule,
  finalEstimator: [{ kind: "custom", describe: "an mlsd classifier", test: (v) => v instanceof BaseClassifier }, { kind: "enum", values: [null] }],
  cv: { kind: "int", min: 2 },
  stackMethod: { kind: "enum", values: ["auto", "predict_proba", "predict"] },
  passthrough: { kind: "bool" },
} as const satisfies RulesFor<StackingOptions>;
/** No estimators by default: `fit` asks for them (scikit-learn's is a required argument). */
const DEFAULTS = { estimators: [], finalEstimator: null, cv: 5, stackMethod: "auto", passthrough: false } as const satisfies Required<StackingOptions>;

/**
 * Stacked generalisation (Wolpert 1992) with cross-validated meta-features, as scikit-learn builds it.
 * @example new StackingClassifier({ estimators: [["rf", new RandomForestClassifier()], ["ada", new AdaBoostClassifier()]] }).fit(X, y)
 */
export class StackingClassifier extends BaseClassifier<StackingOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  /** Members refitted on all the data, in `estimators` order. */
  estimators_?: BaseClassifier<object>[];
  finalEstimator_?: BaseClassifier<object>;

  protected fitCodes(X: Matrix, y: Int32Array, k: number, sw: Float64Array | undefined): void {
    const { estimators: named, cv, finalEstimator } = this.getParams();
    this.estimators_ = named.map(([, e]) => e.clone().fitEncoded(X, y, this.classes_!, sw));
    const width = this.metaWidth(k);
    const meta = new Float64Array(X.rows * width * named.length);
    const cols = width * named.length;
    for (const { train, test } of new StratifiedKFold({ nSplits: cv }).split(y)) {
      const Xtr = subMatrix(X, train, null);
      const ytr = Int32Array.from(train, (i) => y[i]!);
      const Xte = subMatrix(X, test, null);
      named.forEach(([, e], m) => {
        const fold = e.clone().fitEncoded(Xtr, ytr, this.classes_!, sw ? Float64Array.from(train, (i) => sw[i]!) : undefined);
        const f = this.metaFeatures(fold, Xte, k);
        test.forEach((row, t) => {
          for (let c = 0; c < width; c++) meta[row * cols + m * width + c] = f[t * width + c]!;
        });
      });
    }
    const final = (finalEstimator ?? new LogisticRegression()).clone();
    this.finalEstimator_ = final.fitEncoded(this.withPassthrough({ data: meta, rows: X.rows, cols }, X), y, this.classes_!, sw);
  }

  private metaWidth(k: number): number {
    return this.getParams().stackMethod === "predict" ? 1 : k === 2 ? 1 : k;
  }

  /** One member's predictions as meta-features: probabilities (the positive one for two classes) or labels. */
  private metaFeatures(member: BaseClassifier<object>, X: Matrix, k: number): Float64Array {
    if (this.getParams().stackMethod === "predict") return Float64Array.from(member.predictCodes(X));
    const p = member.probaDense(X);
    return k === 2 ? Float64Array.from({ length: X.rows }, (_, i) => p[i * 2 + 1]!) : p;
  }

  private withPassthrough(meta: Matrix, X: Matrix): Matrix {
    if (!this.getParams().passthrough) return meta;
    const cols = meta.cols + X.cols;
    const data = new Float64Array(X.rows * cols);
    for (let i = 0; i < X.rows; i++) {
      data.set(meta.data.subarray(i * meta.cols, (i + 1) * meta.cols), i * cols);
      data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * cols + meta.cols);
    }
    return { data, rows: X.rows, cols };
  }

  /** The meta-features the final estimator sees for `X`. */
  transformDense(X: Matrix): Matrix {
    const k = this.classes_!.length;
    const width = this.metaWidth(k);
    const cols = width * this.estimators_!.length;
    const meta = new Float64Array(X.rows * cols);
    this.estimators_!.forEach((e, m) => {
      const f = this.metaFeatures(e, X, k);
      for (let i = 0; i < X.rows; i++) for (let c = 0; c < width; c++) meta[i * cols + m * width + c] = f[i * width + c]!;
    });
    return this.withPassthrough({ data: meta, rows: X.rows, cols }, X);
  }

  probaDense(X: Matrix): Float64Array {
    return this.finalEstimator_!.probaDense(this.transformDense(X));
  }

  override predictCodes(X: Matrix): Int32Array {
    return this.finalEstimator_!.predictCodes(this.transformDense(X));
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), estimators_: this.estimators_, finalEstimator_: this.finalEstimator_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as BaseClassifier<object>[];
    this.finalEstimator_ = state.finalEstimator_ as BaseClassifier<object>;
  }
}

registerModel("StackingClassifier", StackingClassifier, {
  testParams: (): OptionsOf<typeof StackingClassifier> => ({ estimators: [["tree", new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 })], ["lr", new LogisticRegression()]], cv: 3 }),
  tags: { required: ["estimators"] },
});
