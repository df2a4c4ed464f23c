/**
 * Declared options for every metric, checked in one place: an unknown name (scikit-learn's `max_fpr` where
 * mlsd has none), a value outside its rule, or a non-object is refused with the metric's name, the option
 * and the value, as scikit-learn's validate_params does.
 */
import { InvalidParameterError } from "../core/errors.js";
import { validateParams, type Rule } from "../core/params.js";

/** Labels are finite numbers or strings. */
const isLabel = (v: unknown) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v));

export const rules = {
  posLabel: { kind: "custom", describe: "a label (a number or a string)", test: isLabel },
  labels: { kind: "custom", describe: "an array of labels (numbers or strings)", test: (v) => Array.isArray(v) && v.every(isLabel) },
  average: { kind: "enum", values: ["binary", "macro", "weighted", "micro", null] },
  // Infinity is allowed: F-infinity is recall, as scikit-learn's np.isposinf branch.
  beta: { kind: "custom", describe: "a number >= 0 (Infinity gives recall)", test: (v) => typeof v === "number" && v >= 0 },
  zeroDivision: { kind: "enum", values: [0, 1] },
  normalize: { kind: "enum", values: ["true", "pred", "all", null] },
  adjusted: { kind: "bool" },
  digits: { kind: "int", min: 0 },
  eps: { kind: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true },
  dropIntermediate: { kind: "bool" },
  nBins: { kind: "int", min: 1 },
  strategy: { kind: "enum", values: ["uniform", "quantile"] },
} satisfies Record<string, Rule>;

export type OptionName = keyof typeof rules;

/**
 * Checks a metric's `options` against the rules of the names it declares.
 * @example checkOptions("rocAucScore", ["posLabel"], { maxFpr: 0.5 })
 * // InvalidParameterError: rocAucScore got an unknown parameter 'maxFpr'. Valid parameters are: posLabel.
 */
export function checkOptions(metric: string, names: readonly OptionName[], options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidParameterError(`The options of ${metric} must be an object such as { ${names[0] ?? ""}: ... }; got ${Array.isArray(options) ? "an array" : String(options)}.`);
  }
  if ((options as { average?: unknown }).average === "samples" && names.includes("average")) {
    throw new InvalidParameterError(
      `The 'average' parameter of ${metric} got 'samples': samplewise metrics are only for multilabel targets (scikit-learn refuses them elsewhere), and mlsd's metrics take one label per sample. Use "macro", "weighted", "micro", "binary" or null.`,
    );
  }
  const stray = Object.keys(options).find((k) => !(names as readonly string[]).includes(k));
  if (stray !== undefined && names.length === 0) throw new InvalidParameterError(`${metric} takes no options; got an unknown parameter '${stray}'.`);
  validateParams(metric, Object.fromEntries(names.map((n) => [n, rules[n]])), options as Record<string, unknown>);
}
