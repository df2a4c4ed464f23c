/**
 * Turning noisy votes into training labels: the majority vote, and a generative label model fitted without any
 * ground truth. The label model assumes the functions vote independently given the true class, each with its
 * own accuracy (the "one-coin" Dawid-Skene model, which Snorkel's label model generalises), and estimates the
 * accuracies and class balance by expectation-maximisation.
 */
import { InputError, NotFittedError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { ABSTAIN, checkLabelMatrix, type LabelMatrix } from "./labeling-functions.js";

function checkVotes(L: LabelMatrix, k: number, owner: string): void {
  for (let t = 0; t < L.data.length; t++) {
    if (L.data[t]! >= k) throw new InputError(`${owner}: vote ${L.data[t]} in row ${Math.floor(t / L.cols)}, column ${t % L.cols} is not below cardinality ${k}.`);
  }
}

/**
 * The most common vote per record; ties and all-abstain rows get -1 (or a random tied class).
 * @example new MajorityLabelVoter({ cardinality: 2 }).predict(L)
 */
export class MajorityLabelVoter {
  constructor(readonly options: { cardinality?: number; tieBreakPolicy?: "abstain" | "random"; randomState?: RandomState } = {}) {}

  /** Vote shares per record (uniform where no function voted). */
  predictProba(Lin: unknown): Float64Array {
    const L = checkLabelMatrix(Lin);
    const k = this.options.cardinality ?? 2;
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

  predict(Lin: unknown): Int32Array {
    const k = this.options.cardinality ?? 2;
    const p = this.predictProba(Lin);
    const rng = checkRandomState(this.options.randomState);
    return Int32Array.from({ length: p.length / k }, (_, i) => {
      const row = p.subarray(i * k, (i + 1) * k);
      const max = Math.max(...row);
      const tied = [...row.keys()].filter((c) => row[c] === max);
      if (tied.length === 1) return tied[0]!;
      return this.options.tieBreakPolicy === "random" ? tied[rng.randint(tied.length)]! : ABSTAIN;
    });
  }
}

export interface LabelModelOptions {
  cardinality?: number;
  /** EM iterations at most. */
  nEpochs?: number;
  /** Stop when no accuracy moves more than this. */
  tol?: number;
}

/**
 * @example const lm = new LabelModel({ cardinality: 2 }).fit(L); lm.getWeights(); lm.predict(L)
 */
export class LabelModel {
  /** Estimated accuracy of each function when it votes. */
  accuracies_?: Float64Array;
  /** Estimated class balance. */
  classBalance_?: Float64Array;
  nIter_?: number;

  constructor(readonly options: LabelModelOptions = {}) {
    const k = options.cardinality ?? 2;
    if (!Number.isInteger(k) || k < 2) throw new InputError(`The 'cardinality' parameter of LabelModel must be an integer >= 2. Got ${String(options.cardinality)} instead.`);
  }

  /** Fits accuracies and class balance from the votes alone (no gold labels). */
  fit(Lin: unknown): this {
    const L = checkLabelMatrix(Lin);
    const k = this.options.cardinality ?? 2;
    checkVotes(L, k, "LabelModel");
    if (L.rows === 0) throw new InputError("LabelModel.fit: the label matrix has no rows.");
    // Snorkel starts every function at 0.7 precision: better than chance breaks the label-swap symmetry.
    const acc = new Float64Array(L.cols).fill(0.7);
    const prior = new Float64Array(k).fill(1 / k);
    const q = new Float64Array(L.rows * k);
    const maxIter = this.options.nEpochs ?? 200;
    const tol = this.options.tol ?? 1e-6;
    let it = 0;
    for (; it < maxIter; it++) {
      this.posterior(L, acc, prior, q);
      let moved = 0;
      prior.fill(0);
      for (let i = 0; i < L.rows; i++) for (let c = 0; c < k; c++) prior[c]! += q[i * k + c]! / L.rows;
      for (let j = 0; j < L.cols; j++) {
        let right = 0;
        let voted = 0;
        for (let i = 0; i < L.rows; i++) {
          const v = L.data[i * L.cols + j]!;
          if (v === ABSTAIN) continue;
          voted++;
          right += q[i * k + v]!;
        }
        // Clipped away from 0 and 1 so a log stays finite; a function that never votes keeps its start value.
        const a = voted ? Math.min(0.999, Math.max(0.001, right / voted)) : acc[j]!;
        moved = Math.max(moved, Math.abs(a - acc[j]!));
        acc[j] = a;
      }
      if (moved < tol) break;
    }
    this.accuracies_ = acc;
    this.classBalance_ = prior;
    this.nIter_ = it + 1;
    return this;
  }

  private posterior(L: LabelMatrix, acc: Float64Array, prior: Float64Array, q: Float64Array): void {
    const k = prior.length;
    const logp = new Float64Array(k);
    for (let i = 0; i < L.rows; i++) {
      for (let c = 0; c < k; c++) logp[c] = Math.log(prior[c]!);
      for (let j = 0; j < L.cols; j++) {
        const v = L.data[i * L.cols + j]!;
        if (v === ABSTAIN) continue;
        const right = Math.log(acc[j]!);
        const wrong = Math.log((1 - acc[j]!) / (k - 1));
        for (let c = 0; c < k; c++) logp[c]! += c === v ? right : wrong;
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
  predictProba(Lin: unknown): Float64Array {
    if (!this.accuracies_) throw new NotFittedError("LabelModel");
    const L = checkLabelMatrix(Lin);
    if (L.cols !== this.accuracies_.length) throw new InputError(`L has ${L.cols} labeling functions, but the LabelModel was fitted with ${this.accuracies_.length}.`);
    const k = this.classBalance_!.length;
    checkVotes(L, k, "LabelModel");
    const q = new Float64Array(L.rows * k);
    this.posterior(L, this.accuracies_, this.classBalance_!, q);
    return q;
  }

  /** The most probable class; -1 for records no function voted on. */
  predict(Lin: unknown): Int32Array {
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
