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
  const kinds = new Set([...a.classes, ...b.classes].map((c) => typeof c));
  if (kinds.size > 1) throw new InputError(`Labels in yTrue and yPred should be of the same type: yTrue has [${a.classes.slice(0, 5).join(", ")}], yPred has [${b.classes.slice(0, 5).join(", ")}].`);
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

/**
 * How a binary metric finds its positive label when `posLabel` is not given, as scikit-learn's metrics do:
 * "consistent" (roc_curve, precision_recall_curve, calibration_curve) takes 1 for labels in {0, 1} or
 * {-1, 1} and refuses anything else; "greater" (brier_score_loss) takes the greater of numeric labels;
 * "one" (average_precision_score's pos_label=1) takes 1, which must be present when yTrue has two labels.
 */
export type PositiveRule = "consistent" | "greater" | "one";

/** The positive label of a binary yTrue (scikit-learn's _check_pos_label_consistency and its variants). */
export function positiveLabel(classes: readonly Label[], posLabel: Label | undefined, rule: PositiveRule): Label {
  if (posLabel !== undefined) return posLabel;
  const numeric = classes.every((c) => typeof c === "number");
  const set = classes.join(",");
  if (rule === "one") {
    if (classes.length === 2 && !classes.includes(1)) throw new InputError(`posLabel=1 is not a valid label. It should be one of [${classes.map(String).join(", ")}]; pass posLabel.`);
    return 1;
  }
  if (numeric && ["0,1", "-1,1", "0", "-1", "1", ""].includes(set)) return 1;
  if (rule === "greater" && numeric) return classes[classes.length - 1]!;
  const shown = classes.map((c) => (typeof c === "string" ? `'${c}'` : String(c))).join(", ");
  throw new InputError(`yTrue takes value in {${shown}} and posLabel is not specified: either make yTrue take value in {0, 1} or {-1, 1} or pass posLabel explicitly.`);
}

/** 0/1 targets for binary metrics, with the positive label found by `rule` when `posLabel` is not given. */
export function binaryTargets(yTrue: unknown, posLabel: Label | undefined, rule: PositiveRule): Uint8Array {
  const y = checkLabels(yTrue, "yTrue");
  if (y.classes.length > 2) throw new InputError(`yTrue has ${y.classes.length} classes (${y.classes.slice(0, 5).join(", ")}); this metric is for binary targets.`);
  const pos = positiveLabel(y.classes, posLabel, rule);
  return Uint8Array.from(y.codes, (c) => (y.classes[c] === pos ? 1 : 0));
}
