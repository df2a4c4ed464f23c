/** scikit-learn's AdaBoostClassifier with the SAMME algorithm (Zhu et al. 2009), stumps by default. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { BaseClassifier, softmaxRows, type Matrix } from "../core/supervised.js";
import { lazy } from "./members.js";
import { presort } from "./presort.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { DecisionTreeClassifier } from "./tree.js";

export interface AdaBoostOptions {
  /** The weak learner to clone (null: a depth-1 tree, a stump). */
  estimator?: BaseClassifier<object> | null;
  nEstimators?: number;
  learningRate?: number;
  /** Only "SAMME": scikit-learn deprecated SAMME.R and keeps SAMME. */
  algorithm?: "SAMME";
  randomState?: RandomState;
}

const RULES = {
  estimator: [{ kind: "custom", describe: "an mlsd classifier (with fit and clone)", test: (v) => v instanceof BaseClassifier }, { kind: "enum", values: [null] }],
  nEstimators: { kind: "int", min: 1 },
  learningRate: { kind: "float", min: 0, minExclusive: true },
  algorithm: { kind: "enum", values: ["SAMME"] },
  randomState: { kind: "randomState" },
} as const satisfies RulesFor<AdaBoostOptions>;
const DEFAULTS = { estimator: null, nEstimators: 50, learningRate: 1, algorithm: "SAMME", randomState: null } as const satisfies Required<AdaBoostOptions>;

/**
 * Boosting that re-weights the samples each round towards the ones the last learner got wrong.
 * @example new AdaBoostClassifier({ nEstimators: 50, randomState: 0 }).fit(X, y).score(XTest, yTest)
 */
export class AdaBoostClassifier extends BaseClassifier<AdaBoostOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  estimators_?: BaseClassifier<object>[];
  estimatorWeights_?: Float64Array;
  estimatorErrors_?: Float64Array;
  featureImportances_?: Float64Array;

  protected fitCodes(X: Matrix, y: Int32Array, k: number, sampleWeight: Float64Array | undefined): void {
    const o = this.getParams();
    const rng = checkRandomState(o.randomState);
    const base = o.estimator ?? new DecisionTreeClassifier({ maxDepth: 1 });
    const lr = o.learningRate;
    const rounds = o.nEstimators;
    const n = X.rows;
    const w = sampleWeight ? Float64Array.from(sampleWeight) : new Float64Array(n).fill(1);
    normalise(w);
    const pre = lazy(() => presort(X)); // sorted once for all rounds: only the weights change
    const estimators: BaseClassifier<object>[] = [];
    const weights: number[] = [];
    const errors: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const member = base.seededClone(rng);
      if (member instanceof DecisionTreeClassifier) member.fitPresorted(pre(), y, k, Float64Array.from(w), this.classes_);
      else member.fitEncoded(X, y, this.classes_!, Float64Array.from(w));
      const pred = member.predictCodes(X);
      let err = 0;
      for (let i = 0; i < n; i++) if (pred[i] !== y[i]) err += w[i]!;
      if (err <= 0) {
        // A perfect learner ends boosting with weight 1, as scikit-learn does.
        estimators.push(member);
        weights.push(1);
        errors.push(0);
        break;
      }
      if (err >= 1 - 1 / k) {
        if (estimators.length === 0) throw new InputError("BaseClassifier in AdaBoostClassifier ensemble is worse than random, ensemble can not be fit.");
        break;
      }
      const alpha = lr * (Math.log((1 - err) / err) + Math.log(k - 1));
      estimators.push(member);
      weights.push(alpha);
      errors.push(err);
      if (round === rounds - 1) break;
      for (let i = 0; i < n; i++) if (pred[i] !== y[i] && w[i]! > 0) w[i] = Math.exp(Math.log(w[i]!) + alpha);
      const total = normalise(w);
      if (!Number.isFinite(total) || total <= 0) break;
    }
    this.estimators_ = estimators;
    this.estimatorWeights_ = Float64Array.from(weights);
    this.estimatorErrors_ = Float64Array.from(errors);
    this.featureImportances_ = this.importances(X.cols);
  }

  private importances(d: number): Float64Array | undefined {
    if (!this.estimators_!.every((e) => e instanceof DecisionTreeClassifier)) return undefined;
    const out = new Float64Array(d);
    let total = 0;
    this.estimators_!.forEach((e, i) => {
      const imp = (e as DecisionTreeClassifier).featureImportances_!;
      for (let f = 0; f < d; f++) out[f]! += this.estimatorWeights_![i]! * imp[f]!;
      total += this.estimatorWeights_![i]!;
    });
    return out.map((v) => v / total);
  }

  /** SAMME's weighted votes per class, normalised by the total weight; one column (the sign) for two classes. */
  decisionDense(X: Matrix): Float64Array {
    const k = this.classes_!.length;
    const votes = new Float64Array(X.rows * k);
    let total = 0;
    this.estimators_!.forEach((m, e) => {
      const a = this.estimatorWeights_![e]!;
      total += a;
      const pred = m.predictCodes(X);
      for (let i = 0; i < X.rows; i++) votes[i * k + pred[i]!]! += a;
    });
    for (let t = 0; t < votes.length; t++) votes[t]! /= total;
    if (k !== 2) return votes;
    return Float64Array.from({ length: X.rows }, (_, i) => votes[i * 2 + 1]! - votes[i * 2]!);
  }

  /** The decision function: one value per row for two classes, one per class otherwise. */
  decisionFunction(X: unknown): Float64Array {
    return this.decisionDense(this.checkPredictX(X).matrix);
  }

  probaDense(X: Matrix): Float64Array {
    const k = this.classes_!.length;
    const dec = this.decisionDense(X);
    if (k !== 2) return softmaxRows(dec, X.rows, k, 1 / (k - 1));
    // softmax of [-d/2, d/2] is the logistic function of d
    const out = new Float64Array(X.rows * 2);
    for (let i = 0; i < X.rows; i++) {
      const p1 = 1 / (1 + Math.exp(-dec[i]!));
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
    }
    return out;
  }

  override predictCodes(X: Matrix): Int32Array {
    const k = this.classes_!.length;
    const dec = this.decisionDense(X);
    if (k === 2) return Int32Array.from(dec, (v) => (v > 0 ? 1 : 0));
    return super.predictCodes(X);
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), estimators_: this.estimators_, estimatorWeights_: this.estimatorWeights_, estimatorErrors_: this.estimatorErrors_, featureImportances_: this.featureImportances_ };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as BaseClassifier<object>[];
    this.estimatorWeights_ = state.estimatorWeights_ as Float64Array;
    this.estimatorErrors_ = state.estimatorErrors_ as Float64Array;
    this.featureImportances_ = state.featureImportances_ as Float64Array | undefined;
  }
}

function normalise(w: Float64Array): number {
  let s = 0;
  for (const v of w) s += v;
  for (let i = 0; i < w.length; i++) w[i]! /= s;
  return s;
}

registerModel("AdaBoostClassifier", AdaBoostClassifier, { testParams: (): OptionsOf<typeof AdaBoostClassifier> => ({ nEstimators: 8, randomState: 0 }), tags: { sampleWeightEquivalence: "close" } });
