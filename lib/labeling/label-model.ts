/**
 * Turning noisy votes into training labels: the majority vote, and a generative label model fitted without any
 * ground truth. The label model assumes the functions vote independently given the true class and learns, per
 * function, the probability of each vote (abstaining included) given each class: Dawid and Skene's model, fitted
 * by expectation-maximisation, which Snorkel's label model generalises. Modelling abstains matters: a function
 * that only ever votes "rain" is informative when it stays silent too.
 */
import { InputError, NotFittedError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { ABSTAIN, checkLabelMatrix, type LabelMatrix } from "./labeling-functions.js";

function checkVotes(L: LabelMatrix, k: number, owner: string): void {
  for (let t = 0; t < L.data.length; t++) {
    if (L.data[t]! >= k) throw new InputError(`${owner}: vote ${L.data[t]} in row ${Math.floor(t / L.cols)}, column ${t % L.cols} is not below cardinality ${k}.`);
  }
}

export interface MajorityLabelVoterOptions {
  cardinality?: number;
  tieBreakPolicy?: "abstain" | "random";
  randomState?: RandomState;
}

const CARDINALITY = { kind: "int", min: 2 } as const;
const VOTER_RULES = { cardinality: CARDINALITY, tieBreakPolicy: { kind: "enum", values: ["abstain", "random"] }, randomState: { kind: "randomState" } } as const satisfies RulesFor<MajorityLabelVoterOptions>;
const VOTER_DEFAULTS = { cardinality: 2, tieBreakPolicy: "abstain", randomState: null } as const satisfies Required<MajorityLabelVoterOptions>;

/**
 * The most common vote per record; ties and all-abstain rows get -1 (or a random tied class). It learns nothing,
 * so it predicts without `fit` (Snorkel's MajorityLabelVoter); `fit` only checks the votes.
 * @example new MajorityLabelVoter({ cardinality: 2 }).predict(L)
 */
export class MajorityLabelVoter extends BaseEstimator<MajorityLabelVoterOptions> {
  get rules() {
    return VOTER_RULES;
  }
  get defaults() {
    return VOTER_DEFAULTS;
  }

  /** Checks the options and the votes; returns `this`. */
  fit(Lin: LabelMatrix | number[][]): this {
    const { cardinality } = this.validate();
    const L = checkLabelMatrix(Lin);
    checkVotes(L, cardinality, "MajorityLabelVoter");
    this.nFeaturesIn_ = L.cols;
    return this;
  }

  /** Vote shares per record (uniform where no function voted). */
  predictProba(Lin: LabelMatrix | number[][]): Float64Array {
    const L = checkLabelMatrix(Lin);
    const k = this.validate().cardinality;
    checkVotes(L, k, "MajorityLabelVoter");
    const out = new Float64Array(L.rows * k);
    for (let i = 0; i < L.rows; i++) {
      let n = 0;
      for (let j = 0; j < L.cols; j++) {
        const v = L.data[i * L.cols + j]!;
        if (v !== ABSTAIN) (out[i * k + v]! += 1), n++;
      }
      for (let c = 0; c < k; c++) out[i * k + c] = n ? out[i * k + c]! / n : 1 / k;
    }
    return out;
  }

  predict(Lin: LabelMatrix | number[][]): Int32Array {
    const { cardinality: k, randomState, tieBreakPolicy } = this.getParams();
    const p = this.predictProba(Lin);
    const rng = checkRandomState(randomState);
    return Int32Array.from({ length: p.length / k }, (_, i) => {
      const row = p.subarray(i * k, (i + 1) * k);
      const max = Math.max(...row);
      const tied = [...row.keys()].filter((c) => row[c] === max);
      if (tied.length === 1) return tied[0]!;
      return tieBreakPolicy === "random" ? tied[rng.randint(tied.length)]! : ABSTAIN;
    });
  }

  protected getState(): Record<string, unknown> {
    return {};
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
  }
}

export interface LabelModelOptions {
  cardinality?: number;
  /** EM iterations at most. */
  nEpochs?: number;
  /** Stop when no accuracy moves more than this. */
  tol?: number;
}

const MODEL_RULES = { cardinality: CARDINALITY, nEpochs: { kind: "int", min: 1 }, tol: { kind: "float", min: 0 } } as const satisfies RulesFor<LabelModelOptions>;
const MODEL_DEFAULTS = { cardinality: 2, nEpochs: 200, tol: 1e-6 } as const satisfies Required<LabelModelOptions>;

/**
 * @example const lm = new LabelModel({ cardinality: 2 }).fit(L); lm.getWeights(); lm.predict(L)
 */
export class LabelModel extends BaseEstimator<LabelModelOptions> {
  get rules() {
    return MODEL_RULES;
  }
  get defaults() {
    return MODEL_DEFAULTS;
  }
  /** Estimated accuracy of each function when it votes: P(class = vote | it voted). */
  accuracies_?: Float64Array;
  /** Estimated class balance. */
  classBalance_?: Float64Array;
  nIter_?: number;

  /** Per function, P(vote = v | class = k): rows k, columns v = abstain, 0, ..., k-1. */
  conditionals_?: Float64Array[];

  /** Fits the vote probabilities and class balance from the votes alone (no gold labels). */
  fit(Lin: LabelMatrix | number[][]): this {
    const { cardinality: k, nEpochs: maxIter, tol } = this.validate();
    const L = checkLabelMatrix(Lin);
    checkVotes(L, k, "LabelModel");
    if (L.rows === 0) throw new InputError("LabelModel.fit: the label matrix has no rows.");
    const V = k + 1; // abstain, then each class
    // Start as Snorkel does, every function 70 % accurate when it votes, at its observed coverage: better than
    // chance, which breaks the symmetry between a labelling and its permutations.
    const cond = Array.from({ length: L.cols }, (_, j) => {
      let voted = 0;
      for (let i = 0; i < L.rows; i++) if (L.data[i * L.cols + j] !== ABSTAIN) voted++;
      const coverage = Math.min(0.99, Math.max(0.01, voted / L.rows));
      const t = new Float64Array(k * V);
      for (let c = 0; c < k; c++) {
        t[c * V] = 1 - coverage;
        for (let v = 0; v < k; v++) t[c * V + 1 + v] = coverage * (v === c ? 0.7 : 0.3 / (k - 1));
      }
      return t;
    });
    const prior = new Float64Array(k).fill(1 / k);
    const q = new Float64Array(L.rows * k);
    let it = 0;
    for (; it < maxIter; it++) {
      this.posterior(L, cond, prior, q);
      prior.fill(0);
      for (let i = 0; i < L.rows; i++) for (let c = 0; c < k; c++) prior[c]! += q[i * k + c]! / L.rows;
      let moved = 0;
      for (let j = 0; j < L.cols; j++) {
        // Expected counts of each vote per class, with a small pseudo-count so no probability becomes 0.
        const counts = new Float64Array(k * V).fill(0.01);
        for (let i = 0; i < L.rows; i++) {
          const v = L.data[i * L.cols + j]! + 1;
          for (let c = 0; c < k; c++) counts[c * V + v]! += q[i * k + c]!;
        }
        for (let c = 0; c < k; c++) {
          let total = 0;
          for (let v = 0; v < V; v++) total += counts[c * V + v]!;
          for (let v = 0; v < V; v++) {
            const p = counts[c * V + v]! / total;
            moved = Math.max(moved, Math.abs(p - cond[j]![c * V + v]!));
            cond[j]![c * V + v] = p;
          }
        }
      }
      if (moved < tol) break;
    }
    this.conditionals_ = cond;
    this.classBalance_ = prior;
    this.accuracies_ = Float64Array.from(cond, (t) => {
      // P(class = v | vote = v), over the votes the function casts.
      let right = 0;
      let cast = 0;
      for (let v = 0; v < k; v++) for (let c = 0; c < k; c++) {
        const mass = prior[c]! * t[c * V + 1 + v]!;
        cast += mass;
        if (c === v) right += mass;
      }
      return cast > 0 ? right / cast : NaN;
    });
    this.nIter_ = it + 1;
    this.nFeaturesIn_ = L.cols;
    return this;
  }

  private posterior(L: LabelMatrix, cond: Float64Array[], prior: Float64Array, q: Float64Array): void {
    const k = prior.length;
    const V = k + 1;
    const logp = new Float64Array(k);
    for (let i = 0; i < L.rows; i++) {
      for (let c = 0; c < k; c++) logp[c] = Math.log(prior[c]!);
      for (let j = 0; j < L.cols; j++) {
        const v = L.data[i * L.cols + j]! + 1;
        for (let c = 0; c < k; c++) logp[c]! += Math.log(cond[j]![c * V + v]!);
      }
      const max = Math.max(...logp);
      let s = 0;
      for (let c = 0; c < k; c++) s += q[i * k + c] = Math.exp(logp[c]! - max);
      for (let c = 0; c < k; c++) q[i * k + c]! /= s;
    }
  }

  /** The estimated accuracy of each labeling function. */
  getWeights(): Float64Array {
    if (!this.accuracies_) throw new NotFittedError("LabelModel");
    return this.accuracies_.slice();
  }

  /** Posterior class probabilities per record (the prior where no function voted). */
  predictProba(Lin: LabelMatrix | number[][]): Float64Array {
    if (!this.accuracies_) throw new NotFittedError("LabelModel");
    const L = checkLabelMatrix(Lin);
    if (L.cols !== this.accuracies_.length) throw new InputError(`L has ${L.cols} labeling functions, but the LabelModel was fitted with ${this.accuracies_.length}.`);
    const k = this.classBalance_!.length;
    checkVotes(L, k, "LabelModel");
    const q = new Float64Array(L.rows * k);
    this.posterior(L, this.conditionals_!, this.classBalance_!, q);
    return q;
  }

  protected getState(): Record<string, unknown> {
    return { accuracies_: this.accuracies_, classBalance_: this.classBalance_, nIter_: this.nIter_, conditionals_: this.conditionals_ };
  }

  setState(state: Record<string, unknown>): void {
    this.nFeaturesIn_ = state.nFeaturesIn_ as number;
    this.accuracies_ = state.accuracies_ as Float64Array;
    this.classBalance_ = state.classBalance_ as Float64Array;
    this.nIter_ = state.nIter_ as number;
    this.conditionals_ = state.conditionals_ as Float64Array[];
  }

  /** The most probable class; -1 for records no function voted on. */
  predict(Lin: LabelMatrix | number[][]): Int32Array {
    if (!this.accuracies_) throw new NotFittedError("LabelModel");
    const L = checkLabelMatrix(Lin);
    const k = this.classBalance_?.length ?? 2;
    const q = this.predictProba(L);
    return Int32Array.from({ length: L.rows }, (_, i) => {
      let any = false;
      for (let j = 0; j < L.cols; j++) if (L.data[i * L.cols + j] !== ABSTAIN) any = true;
      if (!any) return ABSTAIN;
      let best = 0;
      for (let c = 1; c < k; c++) if (q[i * k + c]! > q[i * k + best]!) best = c;
      return best;
    });
  }
}

registerModel("MajorityLabelVoter", MajorityLabelVoter, { testParams: (): OptionsOf<typeof MajorityLabelVoter> => ({ cardinality: 3 }), tags: { stateless: true } });
registerModel("LabelModel", LabelModel, { testParams: (): OptionsOf<typeof LabelModel> => ({ cardinality: 3, nEpochs: 50 }) });
