/** scikit-learn's VotingClassifier: hard (majority of labels) or soft (mean of probabilities) voting. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { BaseClassifier, type Matrix } from "../core/supervised.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { LogisticRegression } from "../linear/logistic.js";
import { namedEstimatorsRule, type NamedEstimators } from "./stacking.js";
import { DecisionTreeClassifier } from "./tree.js";

export interface VotingOptions {
  estimators?: NamedEstimators;
  voting?: "hard" | "soft";
  /** One weight per estimator (default equal). */
  weights?: number[] | null;
}

const RULES = {
  estimators: namedEstimatorsRule,
  voting: { kind: "enum", values: ["hard", "soft"] },
  weights: [{ kind: "enum", values: [null] }, { kind: "custom", describe: "an array of non-negative numbers", test: (v) => Array.isArray(v) && v.every((x) => typeof x === "number" && x >= 0) }],
} as const satisfies RulesFor<VotingOptions>;
const DEFAULTS = { estimators: [], voting: "hard", weights: null } as const satisfies Required<VotingOptions>;

/**
 * Combines separately trained models by vote: the notes' alternative to one model with a combined loss.
 * @example new VotingClassifier({ estimators: [["lr", new LogisticRegression()], ["rf", new RandomForestClassifier()]], voting: "soft" }).fit(X, y)
 */
export class VotingClassifier extends BaseClassifier<VotingOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  estimators_?: BaseClassifier<object>[];

  protected fitCodes(X: Matrix, y: Int32Array, _k: number, sw: Float64Array | undefined): void {
    const { estimators: named, weights } = this.getParams();
    if (weights && weights.length !== named.length) throw new InputError(`Number of classifiers and weights must be equal; got ${weights.length} weights, ${named.length} estimators.`);
    this.estimators_ = named.map(([, e]) => e.clone().fitEncoded(X, y, this.classes_!, sw));
  }

  private weight(m: number): number {
    return this.getParams().weights?.[m] ?? 1;
  }

  probaDense(X: Matrix): Float64Array {
    if (this.getParams().voting === "hard") throw new InputError("predictProba is not available when voting='hard'; use voting: 'soft'.");
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
    if (this.getParams().voting === "soft") return super.predictCodes(X);
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

registerModel("VotingClassifier", VotingClassifier, {
  testParams: (): OptionsOf<typeof VotingClassifier> => ({ estimators: [["tree", new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 })], ["lr", new LogisticRegression()]], voting: "soft" }),
  tags: { required: ["estimators"] },
});
