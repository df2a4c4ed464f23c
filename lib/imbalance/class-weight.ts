/** Class and sample weights that make each class count as much as the others in a loss. */
import { InputError } from "../core/errors.js";
import { checkLabels, classCounts, type Label } from "../core/validation.js";

/**
 * scikit-learn's compute_class_weight: "balanced" gives n_samples / (n_classes * count) per class; a map
 * gives explicit weights (1 for classes it leaves out).
 * @example computeClassWeight("balanced", [0, 0, 0, 1]) // Map { 0 => 0.667, 1 => 2 }
 */
export function computeClassWeight(classWeight: "balanced" | Record<string, number>, y: unknown, classes?: readonly Label[]): Map<Label, number> {
  const cy = checkLabels(y, "y");
  const wanted = classes ? [...classes] : cy.classes;
  if (classWeight === "balanced") {
    const counts = classCounts(cy.codes, cy.classes.length);
    for (const c of wanted) if (!cy.classes.includes(c)) throw new InputError(`classes should have valid labels that are in y; ${String(c)} is not.`);
    return new Map(wanted.map((c) => [c, cy.codes.length / (cy.classes.length * counts[cy.classes.indexOf(c)]!)]));
  }
  if (typeof classWeight !== "object" || classWeight === null) throw new InputError(`classWeight must be "balanced" or a map of class to weight; got ${String(classWeight)}.`);
  for (const key of Object.keys(classWeight)) if (!wanted.some((c) => String(c) === key)) throw new InputError(`The classes, [${key}], are not in class_weight's y classes [${wanted.join(", ")}].`);
  return new Map(wanted.map((c) => [c, classWeight[String(c)] ?? 1]));
}

/** One weight per sample, from its class's weight. @example computeSampleWeight("balanced", y) */
export function computeSampleWeight(classWeight: "balanced" | Record<string, number>, y: unknown): Float64Array {
  const cy = checkLabels(y, "y");
  const weights = computeClassWeight(classWeight, y);
  return Float64Array.from(cy.codes, (c) => weights.get(cy.classes[c]!)!);
}
