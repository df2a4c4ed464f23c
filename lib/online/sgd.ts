/**
 * scikit-learn's SGDClassifier and SGDRegressor: linear models trained by stochastic gradient descent with an
 * L2 penalty, one sample at a time, so they learn from a stream with `partialFit` (or `learnOne`).
 */
import { InputError, InvalidParameterError, NotFittedError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";
import type { LabelsOut, VectorOut } from "../core/kinds.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import type { TargetsLike, Trained } from "../core/supervised.js";
import { checkArray, checkLabels, restoreLabels, type CheckedLabels, type CheckedMatrix, type Label, type LabelsLike, type MatrixLike } from "../core/validation.js";

/** What both SGD models take. */
export interface SGDBaseOptions {
  penalty?: "l2" | null;
  alpha?: number;
  /** "optimal" (classifier default): 1 / (alpha (t0 + t)); "invscaling" (regressor default): eta0 / t^powerT; "constant": eta0. */
  learningRate?: "optimal" | "invscaling" | "constant";
  eta0?: number;
  powerT?: number;
  fitIntercept?: boolean;
  /** Epochs of `fit`; it stops earlier when the epoch's mean loss improves by less than `tol` nIterNoChange times. */
  maxIter?: number;
  tol?: number | null;
  nIterNoChange?: number;
  shuffle?: boolean;
  randomState?: RandomState;
}

export interface SGDClassifierOptions extends SGDBaseOptions {
  /** "hinge" (linear SVM, default) or "log_loss" (logistic regression). */
  loss?: "hinge" | "log_loss";
  /** The labels `learnOne` may see, when it is the first call (null: from the first partialFit). */
  classes?: readonly Label[] | null;
}

export interface SGDRegressorOptions extends SGDBaseOptions {
  loss?: "squared_error";
}

/** @deprecated name kept for callers: either model's options. */
export type SGDOptions = SGDClassifierOptions | SGDRegressorOptions;

const BASE_RULES = {
  penalty: { kind: "enum", values: ["l2", null] },
  alpha: { kind: "float", min: 0 },
  learningRate: { kind: "enum", values: ["optimal", "invscaling", "constant"] },
  eta0: { kind: "float", min: 0 },
  powerT: { kind: "float" },
  fitIntercept: { kind: "bool" },
  maxIter: { kind: "int", min: 1 },
  tol: [{ kind: "float", min: 0 }, { kind: "enum", values: [null] }],
  nIterNoChange: { kind: "int", min: 1 },
  shuffle: { kind: "bool" },
  randomState: { kind: "randomState" },
} as const satisfies RulesFor<SGDBaseOptions>;

/** scikit-learn's SGDClassifier defaults. */
const BASE_DEFAULTS = { penalty: "l2", alpha: 1e-4, learningRate: "optimal", eta0: 0, powerT: 0.5, fitIntercept: true, maxIter: 1000, tol: 1e-3, nIterNoChange: 5, shuffle: true, randomState: null } as const satisfies Required<SGDBaseOptions>;

const CLASSIFIER_RULES = {
  ...BASE_RULES,
  loss: { kind: "enum", values: ["hinge", "log_loss"] },
  classes: [{ kind: "custom", describe: "an array of at least 2 labels", test: (v) => Array.isArray(v) && v.length >= 2 }, { kind: "enum", values: [null] }],
} as const satisfies RulesFor<SGDClassifierOptions>;
const CLASSIFIER_DEFAULTS = { ...BASE_DEFAULTS, loss: "hinge", classes: null } as const satisfies Required<SGDClassifierOptions>;

const REGRESSOR_RULES = { ...BASE_RULES, loss: { kind: "enum", values: ["squared_error"] } } as const satisfies RulesFor<SGDRegressorOptions>;
/** scikit-learn's SGDRegressor defaults: "invscaling" from eta0 0.01, power 0.25. */
const REGRESSOR_DEFAULTS = { ...BASE_DEFAULTS, loss: "squared_error", learningRate: "invscaling", eta0: 0.01, powerT: 0.25 } as const satisfies Required<SGDRegressorOptions>;

/** One linear model's weights and the shared step counter. */
class Linear {
  w: Float64Array;
  b = 0;
  constructor(d: number) {
    this.w = new Float64Array(d);
  }
  score(x: ArrayLike<number>): number {
    let s = this.b;
    for (let j = 0; j < this.w.length; j++) s += this.w[j]! * x[j]!;
    return s;
  }
}

abstract class BaseSGD<O extends SGDClassifierOptions | SGDRegressorOptions> extends BaseEstimator<O> {
  protected t = 1;
  protected rng: Random | undefined;

  /** The resolved options as the SGD steps read them (TypeScript does not narrow Required<O> for a generic O). */
  protected sgd(): Required<SGDBaseOptions> & { loss: "hinge" | "log_loss" | "squared_error" } {
    return this.getParams() as Required<SGDBaseOptions> & { loss: "hinge" | "log_loss" | "squared_error" };
  }

  protected override validate(): Required<O> {
    const resolved = super.validate();
    const { learningRate: lr, eta0 } = this.sgd();
    if (lr !== "optimal" && eta0 <= 0) throw new InvalidParameterError(`The 'eta0' parameter of ${this.constructor.name} must be > 0 for learningRate '${lr}'. Got ${eta0} instead.`);
    return resolved;
  }

  protected eta(): number {
    const { alpha, learningRate: lr, eta0, powerT } = this.sgd();
    if (lr === "constant") return eta0;
    if (lr === "invscaling") return eta0 / this.t ** powerT;
    // scikit-learn's "optimal" schedule (Bottou): t0 from a typical weight size.
    const typw = Math.sqrt(1 / Math.sqrt(alpha));
    const t0 = 1 / (typw * alpha);
    return 1 / (alpha * (t0 + this.t - 1));
  }

  /** dLoss/dScore for target y (+1/-1 for classification). */
  protected dloss(score: number, y: number): number {
    switch (this.sgd().loss) {
      case "hinge":
        return score * y < 1 ? -y : 0;
      case "log_loss": {
        const z = score * y;
        return z > 18 ? -y * Math.exp(-z) : z < -18 ? -y : -y / (Math.exp(z) + 1);
      }
      default:
        return score - y;
    }
  }

  protected lossValue(score: number, y: number): number {
    switch (this.sgd().loss) {
      case "hinge":
        return Math.max(0, 1 - score * y);
      case "log_loss": {
        const z = score * y;
        return z > 18 ? Math.exp(-z) : z < -18 ? -z : Math.log1p(Math.exp(-z));
      }
      default:
        return 0.5 * (score - y) ** 2;
    }
  }

  /** One SGD step on model m for sample x with target y; returns the sample's loss before the step. */
  protected step(m: Linear, x: ArrayLike<number>, y: number, eta: number): number {
    const s = m.score(x);
    const g = this.dloss(s, y);
    const p = this.sgd();
    const alpha = p.penalty === null ? 0 : p.alpha;
    const decay = 1 - eta * alpha;
    for (let j = 0; j < m.w.length; j++) m.w[j] = m.w[j]! * decay - eta * g * x[j]!;
    if (p.fitIntercept) m.b -= eta * g;
    return this.lossValue(s, y);
  }

  protected checkX(X: unknown): { data: Float64Array; rows: number; cols: number } {
    return this.checkXKind(X).matrix;
  }

  protected checkXKind(X: unknown): CheckedMatrix {
    const cx = checkArray(X, "X");
    const m = cx.matrix;
    if (this.nFeaturesIn_ !== undefined && m.cols !== this.nFeaturesIn_) throw new InputError(`X has ${m.cols} features, but ${this.constructor.name} is expecting ${this.nFeaturesIn_} features as input.`);
    return cx;
  }

  protected order(n: number): Int32Array {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    // A fresh generator per fit, from randomState, so two fits with one seed agree (as scikit-learn's).
    this.rng ??= checkRandomState(this.sgd().randomState);
    return this.sgd().shuffle ? this.rng.shuffle(idx) : idx;
  }

  /** Epochs until maxIter or until the loss stops improving (scikit-learn's tol rule). */
  protected epochs(run: () => number): number {
    const { maxIter, tol, nIterNoChange: patience } = this.sgd();
    let best = Infinity;
    let noChange = 0;
    let epoch = 0;
    while (epoch < maxIter) {
      const loss = run();
      epoch++;
      if (tol !== null) {
        if (loss > best - tol) noChange++;
        else noChange = 0;
        if (loss < best) best = loss;
        if (noChange >= patience) break;
      }
    }
    return epoch;
  }
}

/**
 * @example const clf = new SGDClassifier({ loss: "log_loss", randomState: 0 }); clf.partialFit(X1, y1, { classes: [0, 1] }); clf.partialFit(X2, y2);
 */
export class SGDClassifier extends BaseSGD<SGDClassifierOptions> {
  get rules() {
    return CLASSIFIER_RULES;
  }
  get defaults() {
    return CLASSIFIER_DEFAULTS;
  }
  classes_?: Label[];
  /** One model for two classes, one per class (one-vs-rest) above. */
  private models: Linear[] = [];
  nIter_ = 0;
  private labelsLike: Pick<CheckedLabels, "kind" | "typedCtor"> = { kind: "array" };

  private start(classes: readonly Label[], d: number): void {
    this.classes_ = [...classes].sort((a, b) => (typeof a === "number" ? (a as number) - (b as number) : String(a) < String(b) ? -1 : 1));
    this.nFeaturesIn_ = d;
    this.models = Array.from({ length: classes.length === 2 ? 1 : classes.length }, () => new Linear(d));
    this.t = 1;
  }

  private codeOf(label: Label): number {
    const c = this.classes_!.indexOf(label);
    if (c < 0) throw new InputError(`The label ${String(label)} is not in classes [${this.classes_!.join(", ")}] given at the first partialFit.`);
    return c;
  }

  private learnCoded(x: ArrayLike<number>, c: number): number {
    const eta = this.eta();
    let loss = 0;
    this.models.forEach((m, k) => {
      const target = this.models.length === 1 ? (c === 1 ? 1 : -1) : c === k ? 1 : -1;
      loss += this.step(m, x, target, eta);
    });
    this.t++;
    return loss;
  }

  /** Fits from scratch for several epochs. @example new SGDClassifier({ randomState: 0 }).fit(X, y).score(X, y) */
  fit<Y extends LabelsLike>(X: MatrixLike, y: Y): Trained<Y> & this {
    this.validate();
    this.nFeaturesIn_ = undefined;
    this.rng = undefined;
    const m = this.checkX(X);
    const labels = checkLabels(y, "y", m.rows);
    if (labels.classes.length < 2) throw new InputError(`SGDClassifier needs at least 2 classes in y; got ${labels.classes.length}.`);
    this.labelsLike = { kind: labels.kind, ...(labels.typedCtor ? { typedCtor: labels.typedCtor } : {}) };
    this.start(labels.classes, m.cols);
    const codes = labels.codes;
    this.nIter_ = this.epochs(() => {
      let total = 0;
      for (const i of this.order(m.rows)) total += this.learnCoded(m.data.subarray(i * m.cols, (i + 1) * m.cols), codes[i]!);
      return total / m.rows;
    });
    return this as Trained<Y> & this;
  }

  /** One pass over a batch; `classes` is required on the first call (every label the stream may bring). */
  partialFit(X: MatrixLike, y: LabelsLike, options: { classes?: readonly Label[] } = {}): this {
    this.validate();
    const m = this.checkX(X);
    const labels = checkLabels(y, "y", m.rows);
    if (!this.classes_) {
      const classes = options.classes ?? this.getParams().classes;
      if (!classes || classes.length < 2) throw new InputError("classes must be passed to the first call to partialFit (at least 2 labels).");
      this.start(classes, m.cols);
    }
    for (let i = 0; i < m.rows; i++) this.learnCoded(m.data.subarray(i * m.cols, (i + 1) * m.cols), this.codeOf(labels.classes[labels.codes[i]!]!));
    return this;
  }

  /** Learns one sample (classes from the options or an earlier partialFit). */
  learnOne(x: ArrayLike<number>, y: Label): this {
    if (!this.classes_) {
      this.validate();
      const { classes } = this.getParams();
      if (!classes) throw new InputError("learnOne needs the 'classes' option (or a partialFit with classes) before the first sample.");
      this.start(classes, x.length);
    }
    this.learnCoded(x, this.codeOf(y));
    return this;
  }

  private scores(x: ArrayLike<number>): number[] {
    if (!this.classes_) throw new NotFittedError(this.constructor.name);
    return this.models.map((m) => m.score(x));
  }

  /** Predicted label for one sample (the first class before any learning is impossible: throws NotFittedError). */
  predictOne(x: ArrayLike<number>): Label {
    const s = this.scores(x);
    if (s.length === 1) return this.classes_![s[0]! > 0 ? 1 : 0]!;
    return this.classes_![s.indexOf(Math.max(...s))]!;
  }

  /** Probabilities (log_loss only): the sigmoid for two classes, normalised one-vs-rest sigmoids above. */
  predictProbaOne(x: ArrayLike<number>): number[] {
    const { loss } = this.getParams();
    if (loss !== "log_loss") throw new InputError(`predictProba is only available for loss 'log_loss'; this model uses '${loss}'.`);
    const s = this.scores(x).map((v) => 1 / (1 + Math.exp(-v)));
    if (s.length === 1) return [1 - s[0]!, s[0]!];
    const total = s.reduce((a, b) => a + b, 0);
    return s.map((v) => v / total);
  }

  /** Predicted labels, in the kind `fit` saw (arrays after partialFit or learnOne). */
  predict<X extends MatrixLike>(X: X): LabelsOut<LabelsLike> {
    if (!this.classes_) throw new NotFittedError(this.constructor.name);
    const m = this.checkX(X);
    const codes = Int32Array.from({ length: m.rows }, (_, i) => this.classes_!.indexOf(this.predictOne(m.data.subarray(i * m.cols, (i + 1) * m.cols))));
    return restoreLabels(codes, { ...this.labelsLike, classes: this.classes_, codes }) as LabelsOut<LabelsLike>;
  }

  score(X: MatrixLike, y: LabelsLike): number {
    const pred = Array.from(this.predict(X) as ArrayLike<Label>);
    const labels = checkLabels(y, "y", pred.length);
    return pred.filter((p, i) => p === labels.classes[labels.codes[i]!]).length / pred.length;
  }

  get coef_(): Float64Array[] {
    return this.models.map((m) => m.w.slice());
  }

  protected override isFitted(): boolean {
    return this.classes_ !== undefined;
  }

  protected getState(): Record<string, unknown> {
    return { classes_: this.classes_, t: this.t, nIter_: this.nIter_, weights: this.models.map((m) => m.w), intercepts: Float64Array.from(this.models, (m) => m.b), labelsKind: this.labelsLike.kind, labelsType: this.labelsLike.typedCtor?.name };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.classes_ = state.classes_ as Label[];
    this.t = state.t as number;
    this.nIter_ = state.nIter_ as number;
    const intercepts = state.intercepts as Float64Array;
    this.models = (state.weights as Float64Array[]).map((w, k) => Object.assign(new Linear(w.length), { w, b: intercepts[k]! }));
    const ctor = typeof state.labelsType === "string" ? (globalThis as Record<string, unknown>)[state.labelsType] : undefined;
    this.labelsLike = { kind: state.labelsKind as "array" | "typed", ...(ctor ? { typedCtor: ctor as CheckedLabels["typedCtor"] } : {}) };
  }
}

/** @example const reg = new SGDRegressor({ randomState: 0 }); for (const [x, y] of stream) reg.learnOne(x, y); */
export class SGDRegressor extends BaseSGD<SGDRegressorOptions> {
  get rules() {
    return REGRESSOR_RULES;
  }
  get defaults() {
    return REGRESSOR_DEFAULTS;
  }
  private model: Linear | undefined;
  nIter_ = 0;

  /** Fits from scratch for several epochs. @example new SGDRegressor({ randomState: 0 }).fit(X, y).predict(X) */
  fit(X: MatrixLike, y: TargetsLike): this {
    this.validate();
    this.nFeaturesIn_ = undefined;
    this.rng = undefined;
    const m = this.checkX(X);
    if (y.length !== m.rows) throw new InputError(`Found input variables with inconsistent numbers of samples: [${m.rows}, ${y.length}].`);
    this.model = new Linear(m.cols);
    this.nFeaturesIn_ = m.cols;
    this.t = 1;
    this.nIter_ = this.epochs(() => {
      let total = 0;
      for (const i of this.order(m.rows)) total += this.learnOneChecked(m.data.subarray(i * m.cols, (i + 1) * m.cols), y[i]!);
      return total / m.rows;
    });
    return this;
  }

  /** One pass over a batch. */
  partialFit(X: MatrixLike, y: TargetsLike): this {
    this.validate();
    const m = this.checkX(X);
    if (y.length !== m.rows) throw new InputError(`Found input variables with inconsistent numbers of samples: [${m.rows}, ${y.length}].`);
    for (let i = 0; i < m.rows; i++) this.learnOne(m.data.subarray(i * m.cols, (i + 1) * m.cols), y[i]!);
    return this;
  }

  learnOne(x: ArrayLike<number>, y: number): this {
    if (!this.model) {
      this.validate();
      this.model = new Linear(x.length);
      this.nFeaturesIn_ = x.length;
    }
    this.learnOneChecked(x, y);
    return this;
  }

  private learnOneChecked(x: ArrayLike<number>, y: number): number {
    if (!Number.isFinite(y)) throw new InputError(`y is ${y}; targets must be finite numbers.`);
    const loss = this.step(this.model!, x, y, this.eta());
    this.t++;
    return loss;
  }

  predictOne(x: ArrayLike<number>): number {
    if (!this.model) throw new NotFittedError(this.constructor.name);
    return this.model.score(x);
  }

  /** Predictions: a number[] for rows, else a Float64Array. */
  predict<X extends MatrixLike>(X: X): VectorOut<X> {
    if (!this.model) throw new NotFittedError(this.constructor.name);
    const cx = this.checkXKind(X);
    const m = cx.matrix;
    const out = Float64Array.from({ length: m.rows }, (_, i) => this.predictOne(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
    return (cx.kind === "array" ? Array.from(out) : out) as VectorOut<X>;
  }

  protected override isFitted(): boolean {
    return this.model !== undefined;
  }

  protected getState(): Record<string, unknown> {
    return { t: this.t, nIter_: this.nIter_, w: this.model!.w, b: this.model!.b };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.t = state.t as number;
    this.nIter_ = state.nIter_ as number;
    const w = state.w as Float64Array;
    this.model = Object.assign(new Linear(w.length), { w, b: state.b as number });
  }

  get coef_(): Float64Array {
    if (!this.model) throw new NotFittedError(this.constructor.name);
    return this.model.w.slice();
  }

  get intercept_(): number {
    if (!this.model) throw new NotFittedError(this.constructor.name);
    return this.model.b;
  }
}

registerModel("SGDClassifier", SGDClassifier, { testParams: (): OptionsOf<typeof SGDClassifier> => ({ loss: "log_loss", maxIter: 20, randomState: 0 }) });
registerModel("SGDRegressor", SGDRegressor, { testParams: (): OptionsOf<typeof SGDRegressor> => ({ maxIter: 20, randomState: 0 }) });
