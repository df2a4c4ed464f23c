/** Class-balanced loss (Cui et al. 2019): classes weighted by the inverse of their effective number of samples. */
import { InputError } from "../core/errors.js";
import { binaryCrossentropy, categoricalCrossentropy } from "./cross-entropy.js";
import { softmaxFocalLoss } from "./focal.js";
import type { Loss, Reduction } from "./types.js";

/**
 * Weights (1 - beta) / (1 - beta^n_c), normalised to sum to the number of classes.
 * @example classBalancedWeights([900, 100], 0.999) // the rare class weighs about 6.2 times the common one
 */
export function classBalancedWeights(counts: readonly number[], beta: number): number[] {
  if (!(beta >= 0 && beta < 1)) throw new InputError(`classBalancedWeights: 'beta' must be in [0, 1); got ${beta}.`);
  if (counts.length < 2 || !counts.every((c) => Number.isFinite(c) && c > 0)) throw new InputError(`classBalancedWeights: 'counts' must hold a positive count for each of at least 2 classes; got [${counts.join(", ")}].`);
  const raw = counts.map((n) => (1 - beta) / (1 - beta ** n));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (w * counts.length) / total);
}

export interface ClassBalancedOptions {
  /** Training samples per class. */
  counts: number[];
  /** 0 gives no re-weighting; towards 1, inverse frequency (the paper uses 0.9 to 0.9999). */
  beta?: number;
  /** The loss re-weighted: "softmax" (categorical cross-entropy), "sigmoid" (binary), or "focal" (softmax focal). */
  base?: "softmax" | "sigmoid" | "focal";
  gamma?: number;
  reduction?: Reduction;
}

/** @example classBalancedLoss({ counts: [900, 100], beta: 0.999, base: "focal", gamma: 1 }) */
export function classBalancedLoss(options: ClassBalancedOptions): Loss {
  const w = classBalancedWeights(options.counts, options.beta ?? 0.999);
  const base = options.base ?? "softmax";
  const reduction = options.reduction;
  if (base === "sigmoid") {
    if (w.length !== 2) throw new InputError(`classBalancedLoss: base "sigmoid" needs counts for 2 classes; got ${w.length}.`);
    return binaryCrossentropy({ classWeight: w, reduction });
  }
  if (base === "focal") return softmaxFocalLoss({ alpha: w, gamma: options.gamma ?? 2, reduction });
  if (base === "softmax") return categoricalCrossentropy({ classWeight: w, reduction });
  throw new InputError(`classBalancedLoss: 'base' must be "softmax", "sigmoid" or "focal"; got ${JSON.stringify(base)}.`);
}

