/** scikit-learn's VotingClassifier: hard (majority of labels) or soft (mean of probabilities) voting. */
import { InputError } from "../core/errors.js";
import type { Rules } from "../core/params.js";
import { BaseClassifier, type Matrix } from "./base.js";
import { registerModel } from "./serialize.js";
import { namedEstimatorsRule, type NamedEstimators } from "./stacking.js";

export interface VotingOptions {
  estimators?: NamedEstimators;
  voting?: "hard" | "soft";
  /** One weight per estimator (default equal). */
  weights?: number[] | null;
}

/**
 * Combines separately trained models by vote: the notes' alternative to one model with a combined loss.
 * @example new VotingClassifier({ estimators: [["lr", new LogisticRegression()], ["rf", new RandomForestClassifier()]], voting: "soft" }).fit(X, y)
 */
export class VotingClassifier extends BaseClassifier<VotingOptions> {
  protected readonly rules: Rules = {
    estimators: namedEstimatorsRule,
    voting: { kind: "enum", values: ["hard", "soft"] },
    weights: [{ kind: "enum", values: [null] }, { kind: "custom", describe: "an array of non-negative numbers", test: (v) => Array.isArray(v) && v.every((x) => typeof x === "number" && x >= 0) }],
  };
  estimators_?: BaseClassifier<object>[];

  override clone(): this {
    const o = this.getParams();
    return new (this.constructor as new (o: VotingOptions) => this)({ ...o, estimators: o.estimators?.map(([n, e]) => [n, e.clone()]) });
  }

  protected fitCodes(X: Matrix, y: Int32Array, _k: number, sw: Float64Array | undefined): void {
    const named = this.options.estimators;
    if (!named) throw new InputError("VotingClassifier needs 'estimators': a list of [name, classifier] pairs.");
    const weights = this.options.weights;
    if (weights && weights.length !== named.length) throw new InputError(`Number of classifiers and weights must be equal; got ${weights.length} weights, ${named.length} estimators.`);
    this.estimators_ = named.map(([, e]) => e.clone().fitEncoded(X, y, this.classes_!, sw));
  }

  private weight(m: number): number {
    return this.options.weights?.[m] ?? 1;
  }

  probaDense(X: Matrix): Float64Array {
    if ((this.options.voting ?? "hard") === "hard") throw new InputError("predictProba is not available when voting='hard'; use voting: 'soft'.");
    const k = this.classes_!.length;
    const out = new Float64Array(X.rows * k);
    let total = 0;
    this.estimators_!.forEach((e, m) => {
      const w = this.weight(m);
      total += w;
      const p = e.probaDense(X);
      for (let t = 0; t < out.length; t++) out[t]! += w * p[t]!;
    });
    for (let t = 0; t < out.length; t++) out[t]! /= total;
    return out;
  }

  override predictCodes(X: Matrix): Int32Array {
    if ((this.options.voting ?? "hard") === "soft") return super.predictCodes(X);
    const k = this.classes_!.length;
    const votes = new Float64Array(X.rows * k);
    this.estimators_!.forEach((e, m) => {
      const pred = e.predictCodes(X);
      for (let i = 0; i < X.rows; i++) votes[i * k + pred[i]!]! += this.weight(m);
    });
    // argmax takes the first class on ties, as numpy's argmax over bincount does.
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (votes[i * k + c]! > votes[i * k + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), estimators_: this.estimators_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as BaseClassifier<object>[];
  }
}

registerModel("VotingClassifier", VotingClassifier);
