/**
 * scikit-learn's SGDClassifier and SGDRegressor: linear models trained by stochastic gradient descent with an
 * L2 penalty, one sample at a time, so they learn from a stream with `partialFit` (or `learnOne`).
 */
import { InputError, NotFittedError } from "../core/errors.js";
import { validateParams, type Rules } from "../core/params.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";
import { checkArray, checkLabels, type Label } from "../core/validation.js";

export interface SGDOptions {
  /** Classifier: "hinge" (linear SVM, default) or "log_loss" (logistic regression); regressor: "squared_error". */
  loss?: "hinge" | "log_loss" | "squared_error";
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
  /** Classifier: the labels `learnOne` may see, when it is the first call. */
  classes?: Label[];
}

const RULES: Rules = {
  loss: { kind: "enum", values: ["hinge", "log_loss", "squared_error"] },
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
  classes: { kind: "custom", describe: "an array of labels", test: Array.isArray },
};

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

abstract class BaseSGD {
  readonly options: SGDOptions;
  protected t = 1;
  protected rng: Random;
  nFeaturesIn_?: number;
  protected abstract readonly defaults: { loss: SGDOptions["loss"]; learningRate: NonNullable<SGDOptions["learningRate"]>; eta0: number; powerT: number };

  constructor(options: SGDOptions = {}) {
    this.options = { ...options };
    this.rng = checkRandomState(options.randomState);
  }

  protected validate(): void {
    validateParams(this.constructor.name, RULES, this.options as Record<string, unknown>);
    const lr = this.options.learningRate ?? this.defaults.learningRate;
    if (lr !== "optimal" && (this.options.eta0 ?? this.defaults.eta0) <= 0) throw new InputError(`eta0 must be > 0 for learningRate '${lr}'; got ${this.options.eta0}.`);
  }

  protected eta(): number {
    const alpha = this.options.alpha ?? 1e-4;
    const lr = this.options.learningRate ?? this.defaults.learningRate;
    if (lr === "constant") return this.options.eta0 ?? this.defaults.eta0;
    if (lr === "invscaling") return (this.options.eta0 ?? this.defaults.eta0) / this.t ** (this.options.powerT ?? this.defaults.powerT);
    // scikit-learn's "optimal" schedule (Bottou): t0 from a typical weight size.
    const typw = Math.sqrt(1 / Math.sqrt(alpha));
    const t0 = 1 / (typw * alpha);
    return 1 / (alpha * (t0 + this.t - 1));
  }

  /** dLoss/dScore for target y (+1/-1 for classification). */
  protected dloss(score: number, y: number): number {
    switch (this.options.loss ?? this.defaults.loss) {
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
    switch (this.options.loss ?? this.defaults.loss) {
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
    const alpha = this.options.penalty === null ? 0 : (this.options.alpha ?? 1e-4);
    const decay = 1 - eta * alpha;
    for (let j = 0; j < m.w.length; j++) m.w[j] = m.w[j]! * decay - eta * g * x[j]!;
    if (this.options.fitIntercept !== false) m.b -= eta * g;
    return this.lossValue(s, y);
  }

  protected checkX(X: unknown): { data: Float64Array; rows: number; cols: number } {
    const m = checkArray(X, "X").matrix;
    if (this.nFeaturesIn_ !== undefined && m.cols !== this.nFeaturesIn_) throw new InputError(`X has ${m.cols} features, but ${this.constructor.name} is expecting ${this.nFeaturesIn_} features as input.`);
    return m;
  }

  protected order(n: number): Int32Array {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    return this.options.shuffle === false ? idx : this.rng.shuffle(idx);
  }

  /** Epochs until maxIter or until the loss stops improving (scikit-learn's tol rule). */
  protected epochs(run: () => number): number {
    const maxIter = this.options.maxIter ?? 1000;
    const tol = this.options.tol === undefined ? 1e-3 : this.options.tol;
    const patience = this.options.nIterNoChange ?? 5;
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
export class SGDClassifier extends BaseSGD {
  protected readonly defaults = { loss: "hinge" as const, learningRate: "optimal" as const, eta0: 0, powerT: 0.5 };
  classes_?: Label[];
  /** One model for two classes, one per class (one-vs-rest) above. */
  private models: Linear[] = [];
  nIter_ = 0;

  private start(classes: Label[], d: number): void {
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
  fit(X: unknown, y: unknown): this {
    this.validate();
    this.nFeaturesIn_ = undefined;
    const m = this.checkX(X);
    const labels = checkLabels(y, "y", m.rows);
    if (labels.classes.length < 2) throw new InputError(`SGDClassifier needs at least 2 classes in y; got ${labels.classes.length}.`);
    this.start(labels.classes, m.cols);
    const codes = labels.codes;
    this.nIter_ = this.epochs(() => {
      let total = 0;
      for (const i of this.order(m.rows)) total += this.learnCoded(m.data.subarray(i * m.cols, (i + 1) * m.cols), codes[i]!);
      return total / m.rows;
    });
    return this;
  }

  /** One pass over a batch; `classes` is required on the first call (every label the stream may bring). */
  partialFit(X: unknown, y: unknown, options: { classes?: Label[] } = {}): this {
    this.validate();
    const m = this.checkX(X);
    const labels = checkLabels(y, "y", m.rows);
    if (!this.classes_) {
      const classes = options.classes ?? this.options.classes;
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
      if (!this.options.classes) throw new InputError("learnOne needs the 'classes' option (or a partialFit with classes) before the first sample.");
      this.start(this.options.classes, x.length);
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
    if ((this.options.loss ?? "hinge") !== "log_loss") throw new InputError(`predictProba is only available for loss 'log_loss'; this model uses '${this.options.loss ?? "hinge"}'.`);
    const s = this.scores(x).map((v) => 1 / (1 + Math.exp(-v)));
    if (s.length === 1) return [1 - s[0]!, s[0]!];
    const total = s.reduce((a, b) => a + b, 0);
    return s.map((v) => v / total);
  }

  predict(X: unknown): Label[] {
    const m = this.checkX(X);
    return Array.from({ length: m.rows }, (_, i) => this.predictOne(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  }

  score(X: unknown, y: unknown): number {
    const pred = this.predict(X);
    const labels = checkLabels(y, "y", pred.length);
    return pred.filter((p, i) => p === labels.classes[labels.codes[i]!]).length / pred.length;
  }

  get coef_(): Float64Array[] {
    return this.models.map((m) => m.w.slice());
  }
}

/** @example const reg = new SGDRegressor({ randomState: 0 }); for (const [x, y] of stream) reg.learnOne(x, y); */
export class SGDRegressor extends BaseSGD {
  protected readonly defaults = { loss: "squared_error" as const, learningRate: "invscaling" as const, eta0: 0.01, powerT: 0.25 };
  private model: Linear | undefined;
  nIter_ = 0;

  fit(X: unknown, y: ArrayLike<number>): this {
    this.validate();
    this.nFeaturesIn_ = undefined;
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

  partialFit(X: unknown, y: ArrayLike<number>): this {
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

  predict(X: unknown): Float64Array {
    const m = this.checkX(X);
    return Float64Array.from({ length: m.rows }, (_, i) => this.predictOne(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
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
