/** Shared label handling for metrics: true and predicted labels encoded over the union of their classes. */
import { checkLabels, type Label } from "../core/validation.js";
import { InputError } from "../core/errors.js";

export interface Encoded {
  t: Int32Array;
  p: Int32Array;
  classes: Label[];
}

/** Encodes `yTrue` and `yPred` against the sorted union of their labels (or the given `labels`). */
export function encodePair(yTrue: unknown, yPred: unknown, labels?: readonly Label[]): Encoded {
  const a = checkLabels(yTrue, "yTrue");
  const b = checkLabels(yPred, "yPred", a.codes.length);
  const union = labels ? [...labels] : [...new Set([...a.classes, ...b.classes])].sort((x, y) => (typeof x === "number" ? (x as number) - (y as number) : x < y ? -1 : x > y ? 1 : 0));
  const index = new Map(union.map((c, i) => [c, i]));
  const remap = (codes: Int32Array, classes: Label[]) => Int32Array.from(codes, (c) => index.get(classes[c]!) ?? -1);
  return { t: remap(a.codes, a.classes), p: remap(b.codes, b.classes), classes: union };
}

/** Scores as a Float64Array of the samples' length. */
export function checkScores(scores: unknown, name: string, n: number): Float64Array {
  if (!Array.isArray(scores) && !ArrayBuffer.isView(scores)) throw new InputError(`${name} must be an array of numbers; got ${typeof scores}.`);
  const s = Float64Array.from(scores as ArrayLike<number>);
  if (s.length !== n) throw new InputError(`Found input variables with inconsistent numbers of samples: [${n}, ${s.length}] (yTrue has ${n}, ${name} has ${s.length}).`);
  for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i]!)) throw new InputError(`${name}[${i}] is ${s[i]}; scores must be finite.`);
  return s;
}

/** 0/1 targets for binary ranking metrics, with scikit-learn's rule for the positive label. */
export function binaryTargets(yTrue: unknown, posLabel?: Label): Uint8Array {
  const y = checkLabels(yTrue, "yTrue");
  if (y.classes.length > 2) throw new InputError(`yTrue has ${y.classes.length} classes (${y.classes.slice(0, 5).join(", ")}); this metric is for binary targets.`);
  const pos = posLabel ?? (y.classes.length === 2 ? y.classes[1]! : 1);
  if (posLabel === undefined && y.classes.some((c) => typeof c === "string") ) {
    throw new InputError(`yTrue has string labels [${y.classes.join(", ")}]; say which is positive with posLabel.`);
  }
  return Uint8Array.from(y.codes, (c) => (y.classes[c] === pos ? 1 : 0));
}
