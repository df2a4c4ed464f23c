/**
 * scikit-learn's Pipeline: transformers then a final estimator, fitted in order on the training data only
 * (each intermediate step's `fitTransform` feeds the next), so cross-validating the pipeline refits every
 * statistic inside each fold and nothing learned from test rows reaches the model.
 */
import { InputError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";
import type { RulesFor } from "../core/params.js";
import { registerModel } from "../core/serialize.js";
import type { TransformerLike } from "./column-transformer.js";
import { MinMaxScaler, StandardScaler } from "./scalers.js";
import type { TargetLike } from "./transformer.js";
import type { FeaturesOut, TableLike } from "./table.js";
import { restoreMatrix } from "../core/validation.js";

const isTensor = (x: unknown): x is { shape: number[]; dataSync(): ArrayLike<number> } => typeof x === "object" && x !== null && Array.isArray((x as { shape?: unknown }).shape) && typeof (x as { dataSync?: unknown }).dataSync === "function";
const isDense = (x: unknown): x is { data: Float64Array; rows: number; cols: number } => typeof x === "object" && x !== null && (x as { data?: unknown }).data instanceof Float64Array;

/** A tensor goes between steps as a Float64 matrix (float32 in between would round every step's output). */
function working(X: unknown): { X: unknown; tensor: boolean } {
  if (!isTensor(X) || X.shape.length !== 2) return { X, tensor: false };
  return { X: { data: new Float64Array(X.dataSync()), rows: X.shape[0]!, cols: X.shape[1]! }, tensor: true };
}
/** The last step's matrix output back as a tensor when a tensor came in. */
const outOf = (out: unknown, tensor: boolean): unknown => (tensor && isDense(out) ? restoreMatrix(out, { kind: "tensor" }) : out);

/** A step: a transformer, or (last) any estimator with `fit`. */
export interface StepLike {
  fit(X: never, y: never): unknown;
  transform?(X: never): unknown;
  fitTransform?(X: never, y: never): unknown;
  predict?(X: never): unknown;
  predictProba?(X: never): unknown;
  score?(X: never, y: never): number;
  getFeatureNamesOut?(): string[];
  clone(): unknown;
}

/** A pipeline's steps: [name, estimator] pairs. */
export type Steps = readonly (readonly [string, StepLike])[];

export interface PipelineOptions<S extends Steps = Steps> {
  steps?: S | null;
}

/** The estimator of the step called `K` in `S` (its own class, so `namedStep("features").getFeatureNamesOut()` needs no cast). */
export type StepNamed<S extends Steps, K extends string> = Extract<S[number], readonly [K, StepLike]>[1];

const isStep = (v: unknown): v is StepLike => typeof v === "object" && v !== null && typeof (v as StepLike).fit === "function" && typeof (v as StepLike).clone === "function";

/**
 * Typed by its steps: `namedStep(name)` gives that step's class, and `transform`, `fitTransform` and
 * `predictProba` give X's kind (number[][] for rows, an Arrow table for a table, ...), as the library's
 * transformers and classifiers do.
 * @example
 * const model = new Pipeline({ steps: [["scale", new StandardScaler()], ["clf", new LogisticRegression()]] });
 * model.fit(XTrain, yTrain).score(XTest, yTest)
 */
export class Pipeline<const S extends Steps = Steps> extends BaseEstimator<PipelineOptions> {
  constructor(options?: PipelineOptions<S>) {
    super(options);
  }

  get rules() {
    return {
      steps: {
        kind: "custom",
        describe: "a non-empty list of [name, estimator] pairs, every step but the last with transform",
        test: (v: unknown) =>
          Array.isArray(v) &&
          v.length > 0 &&
          v.every((s, i) => Array.isArray(s) && s.length === 2 && typeof s[0] === "string" && isStep(s[1]) && (i === v.length - 1 || typeof (s[1] as StepLike).transform === "function")),
      },
    } as const satisfies RulesFor<PipelineOptions>;
  }
  get defaults() {
    return { steps: null } as const satisfies Required<PipelineOptions>;
  }

  private steps(): (readonly [string, StepLike])[] {
    return [...this.getParams().steps!];
  }

  /** The step called `name`, typed as that step's class. @example pipe.namedStep("scale").mean_ */
  namedStep<K extends S[number][0]>(name: K): StepNamed<S, K> {
    const s = this.steps().find(([n]) => n === name);
    if (!s) throw new InputError(`Pipeline.namedStep: no step named ${JSON.stringify(name)}; the steps are ${this.steps().map(([n]) => n).join(", ")}.`);
    return s[1] as StepNamed<S, K>;
  }

  /** Fits each step in order on the output of the previous ones; returns `this`. @example pipe.fit(XTrain, yTrain) */
  fit(X: unknown, y?: TargetLike): this {
    const { last, Xt } = this.fitUpToLast(working(X).X, y);
    last.fit(Xt as never, y as never);
    this.markFitted();
    return this;
  }

  /** Fits, and gives the last step's fitTransform (or fit then transform). @example pipe.fitTransform(XTrain) */
  fitTransform<X extends TableLike>(X: X, y?: TargetLike): FeaturesOut<X> {
    const w = working(X);
    const { last, name, Xt } = this.fitUpToLast(w.X, y);
    if (typeof last.transform !== "function") throw new InputError(`Pipeline.fitTransform: the last step '${name}' has no transform.`);
    const out = last.fitTransform ? last.fitTransform(Xt as never, y as never) : (last.fit(Xt as never, y as never), last.transform(Xt as never));
    this.markFitted();
    return outOf(out, w.tensor) as FeaturesOut<X>;
  }

  /** X through every step's transform. @example pipe.transform(XTest) */
  transform<X extends TableLike>(X: X): FeaturesOut<X> {
    const w = working(X);
    const { last, name, Xt } = this.through(w.X);
    if (typeof last.transform !== "function") throw new InputError(`Pipeline.transform: the last step '${name}' has no transform.`);
    return outOf(last.transform(Xt as never), w.tensor) as FeaturesOut<X>;
  }

  /** The last step's predictions on the transformed X. @example pipe.predict(XTest) */
  predict(X: unknown): unknown {
    const { last, name, Xt } = this.through(working(X).X);
    if (typeof last.predict !== "function") throw new InputError(`Pipeline.predict: the last step '${name}' has no predict.`);
    return last.predict(Xt as never);
  }

  /** The last step's class probabilities on the transformed X. @example pipe.predictProba(XTest) */
  predictProba<X extends TableLike>(X: X): FeaturesOut<X> {
    const w = working(X);
    const { last, name, Xt } = this.through(w.X);
    if (typeof last.predictProba !== "function") throw new InputError(`Pipeline.predictProba: the last step '${name}' has no predictProba.`);
    return outOf(last.predictProba(Xt as never), w.tensor) as FeaturesOut<X>;
  }

  /** The last step's score (accuracy, R²) on the transformed X. @example pipe.score(XTest, yTest) */
  score(X: unknown, y: TargetLike): number {
    const { last, name, Xt } = this.through(working(X).X);
    if (typeof last.score !== "function") throw new InputError(`Pipeline.score: the last step '${name}' has no score.`);
    return last.score(Xt as never, y as never);
  }

  /** Input names, where a ColumnTransformer gave them (else the first step's). */
  featureNamesIn_?: string[];

  /**
   * The last step's output names, each step reading the names the previous one gave (scikit-learn's chain).
   * @example pipe.getFeatureNamesOut() // ["hour", "missingindicator_hour"]
   */
  getFeatureNamesOut(): string[] {
    this.checkFitted();
    let names = this.featureNamesIn_;
    for (const [name, step] of this.steps()) {
      if (!step.getFeatureNamesOut) throw new InputError(`Pipeline.getFeatureNamesOut: step '${name}' has no getFeatureNamesOut.`);
      const s = step as StepLike & { featureNamesIn_?: string[] };
      if (names && "featureNamesIn_" in s && s.featureNamesIn_?.length === names.length) s.featureNamesIn_ = names;
      names = s.getFeatureNamesOut!();
    }
    return names!;
  }

  /** Fitted once every step is; the input width is the first step's (0 for a stateless first step). */
  private markFitted(): void {
    this.nFeaturesIn_ = (this.steps()[0]![1] as { nFeaturesIn_?: number }).nFeaturesIn_ ?? 0;
  }

  private fitUpToLast(X: unknown, y: TargetLike | undefined): { last: StepLike; name: string; Xt: unknown } {
    this.validate();
    const steps = this.steps();
    let Xt = X;
    for (const [, step] of steps.slice(0, -1)) Xt = step.fitTransform ? step.fitTransform(Xt as never, y as never) : (step.fit(Xt as never, y as never), step.transform!(Xt as never));
    const [name, last] = steps.at(-1)!;
    return { last, name, Xt };
  }

  private through(X: unknown): { last: StepLike; name: string; Xt: unknown } {
    this.checkFitted();
    const steps = this.steps();
    let Xt = X;
    for (const [, step] of steps.slice(0, -1)) Xt = step.transform!(Xt as never);
    const [name, last] = steps.at(-1)!;
    return { last, name, Xt };
  }

  protected getState(): Record<string, unknown> {
    // The fitted steps are the options' own estimators (scikit-learn fits them in place), saved with the options.
    return { featureNamesIn_: this.featureNamesIn_ };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.featureNamesIn_ = state.featureNamesIn_ as string[] | undefined;
  }
}

registerModel("Pipeline", Pipeline, { tags: { required: ["steps"] }, testParams: () => ({ steps: [["scale", new StandardScaler()], ["range", new MinMaxScaler()]] as const }) });

export type { TransformerLike };
