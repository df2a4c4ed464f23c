/**
 * The transformer half of scikit-learn's contract (TransformerMixin): `fit(X, y?)` learns from training data
 * only and returns `this`; `transform(X)` applies what was learned, giving the result in X's kind;
 * `fitTransform`; `getFeatureNamesOut()`. Subclasses write `fitTable` and `transformTable`.
 */
import { InputError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";
import { inputNames, readTable, restoreFeatures, type FeaturesOut, type ReadTable, type TableLike } from "./table.js";

/** Targets a supervised transformer (TargetEncoder) reads. */
export type TargetLike = readonly (number | string)[] | Float64Array | Float32Array | Int32Array;

export abstract class BaseTransformer<O extends object> extends BaseEstimator<O> {
  /** Input column names seen by `fit` (Arrow's names, else x0, x1, ...). */
  featureNamesIn_?: string[];
  /** Fitted fields saved by `toJSON` (besides nFeaturesIn_ and featureNamesIn_). */
  protected abstract readonly stateKeys: readonly string[];

  /** Learns from the columns of `X` (and `y` where the transformer is supervised). */
  protected abstract fitTable(t: ReadTable, y: TargetLike | undefined): void;
  /** Row-major output for the columns of `X`, `cols` wide. */
  protected abstract transformTable(t: ReadTable): { data: Float64Array; cols: number };
  /** Output column names from the input ones (scikit-learn's get_feature_names_out). */
  protected abstract namesOut(namesIn: string[]): string[];

  /**
   * Learns what `transform` needs from `X` alone (the training data); returns `this`.
   * @example new StandardScaler().fit([[0], [2]]).transform([[1]]) // [[0]]
   */
  fit(X: TableLike, y?: TargetLike): this {
    this.validate();
    const t = readTable(X, "X");
    this.fitTable(t, y);
    this.featureNamesIn_ = inputNames(t);
    this.nFeaturesIn_ = t.cols;
    return this;
  }

  /**
   * Applies the fitted transformation; the result has X's kind (an Arrow table's columns named by `getFeatureNamesOut`).
   * @example scaler.transform(XTest)
   */
  transform<X extends TableLike>(X: X): FeaturesOut<X> {
    const t = this.readFitted(X);
    const out = this.transformTable(t);
    return restoreFeatures(out.data, t.rows, out.cols, t, this.getFeatureNamesOut()) as FeaturesOut<X>;
  }

  /** `fit(X, y).transform(X)` (TargetEncoder overrides it with cross fitting). @example new MinMaxScaler().fitTransform(X) */
  fitTransform<X extends TableLike>(X: X, y?: TargetLike): FeaturesOut<X> {
    return this.fit(X, y).transform(X);
  }

  /** The output columns' names. @example new OneHotEncoder().fit([["a"], ["b"]]).getFeatureNamesOut() // ["x0_a", "x0_b"] */
  getFeatureNamesOut(): string[] {
    this.checkFitted();
    return this.namesOut(this.featureNamesIn_!);
  }

  /** Reads X for `transform`: fitted, with the feature count seen in `fit`. */
  protected readFitted(X: unknown): ReadTable {
    this.checkFitted();
    const t = readTable(X, "X");
    if (t.cols !== this.nFeaturesIn_) throw new InputError(`X has ${t.cols} features, but ${this.constructor.name} is expecting ${this.nFeaturesIn_} features as input.`);
    return t;
  }

  protected override getState(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    return { featureNamesIn_: this.featureNamesIn_, ...Object.fromEntries(this.stateKeys.map((k) => [k, self[k]])) };
  }

  override setState(state: Record<string, unknown>): void {
    const self = this as unknown as Record<string, unknown>;
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.featureNamesIn_ = state.featureNamesIn_ as string[];
    for (const k of this.stateKeys) self[k] = state[k];
  }
}
