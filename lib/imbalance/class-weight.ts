/** Class and sample weights that make each class count as much as the others in a loss. */
import { InputError } from "../core/errors.js";
import { checkLabels, classCounts, type Label } from "../core/validation.js";

const show = (labels: readonly Label[]) => `[${labels.map((c) => (typeof c === "string" ? `'${c}'` : String(c))).join(", ")}]`;

/**
 * scikit-learn's compute_class_weight: "balanced" gives n_samples / (n_classes * count) per class; a map
 * gives explicit weights (1 for classes it leaves out). `classes` (default: the classes of y) must include
 * every label of y, as scikit-learn requires.
 * @example computeClassWeight("balanced", [0, 0, 0, 1]) // Map { 0 => 0.667, 1 => 2 }
 */
export function computeClassWeight(classWeight: "balanced" | Record<string, number>, y: unknown, classes?: readonly Label[]): Map<Label, number> {
  const cy = checkLabels(y, "y");
  if (classes !== undefined && !Array.isArray(classes)) throw new InputError(`classes must be an array of labels; got ${typeof classes}.`);
  const wanted = classes ? [...classes] : cy.classes;
  // scikit-learn: "classes should include all valid labels that can be in y".
  const uncovered = cy.classes.filter((c) => !wanted.includes(c));
  if (uncovered.length > 0) throw new InputError(`classes should include all valid labels that can be in y; y has ${show(uncovered)}, which classes ${show(wanted)} leaves out.`);
  if (classWeight === "balanced") {
    const counts = classCounts(cy.codes, cy.classes.length);
    const absent = wanted.filter((c) => !cy.classes.includes(c));
    if (absent.length > 0) throw new InputError(`classes should have valid labels that are in y for "balanced" weights; ${show(absent)} never occur in y.`);
    return new Map(wanted.map((c) => [c, cy.codes.length / (cy.classes.length * counts[cy.classes.indexOf(c)]!)]));
  }
  if (typeof classWeight !== "object" || classWeight === null || Array.isArray(classWeight)) {
    throw new InputError(`classWeight must be "balanced" or a map of class to weight; got ${typeof classWeight === "string" ? `'${classWeight}'` : String(classWeight)}.`);
  }
  for (const [key, w] of Object.entries(classWeight)) {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new InputError(`classWeight['${key}'] must be a finite number >= 0; got ${String(w)}.`);
  }
  const keys = Object.keys(classWeight);
  const unweighted = wanted.filter((c) => !(String(c) in classWeight));
  // scikit-learn: a key that names no class while some class goes unweighted is a mistake (a typo, say).
  if (unweighted.length > 0 && wanted.length - unweighted.length !== keys.length) throw new InputError(`The classes, ${show(unweighted)}, are not in classWeight (its keys: ${keys.map((k) => `'${k}'`).join(", ")}).`);
  return new Map(wanted.map((c) => [c, classWeight[String(c)] ?? 1]));
}

/** One weight per sample, from its class's weight. @example computeSampleWeight("balanced", [0, 0, 1]) // Float64Array [0.75, 0.75, 1.5] */
export function computeSampleWeight(classWeight: "balanced" | Record<string, number>, y: unknown): Float64Array {
  const cy = checkLabels(y, "y");
  const weights = computeClassWeight(classWeight, y);
  return Float64Array.from(cy.codes, (c) => weights.get(cy.classes[c]!)!);
}
