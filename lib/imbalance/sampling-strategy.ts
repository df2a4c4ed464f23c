/**
 * imbalanced-learn's `sampling_strategy`, turned into one canonical map: class index to a number of samples
 * (to generate for over-samplers, to keep for under-samplers; cleaning samplers list the classes to clean).
 */
import { InvalidParameterError } from "../core/errors.js";
import type { Label } from "../core/validation.js";

export type SamplingType = "over-sampling" | "under-sampling" | "clean-sampling";
export type SamplingStrategy = "auto" | "minority" | "majority" | "not minority" | "not majority" | "all" | number | Record<string, number> | readonly Label[] | Map<Label, number>;

const NAMES = ["auto", "minority", "majority", "not minority", "not majority", "all"];

/**
 * The rule for a `samplingStrategy` option: one of the names, a ratio, a list of classes, or a map of class to
 * count (whether it suits the data and the sampler is checked by `checkSamplingStrategy` at fit time).
 */
export const samplingStrategyRule = {
  kind: "custom",
  describe: `one of ${NAMES.map((n) => `'${n}'`).join(", ")}, a ratio in (0, 1], a list of classes or a map of class to count`,
  test: (v: unknown) =>
    (typeof v === "string" && NAMES.includes(v)) ||
    (typeof v === "number" && v > 0 && v <= 1) ||
    (Array.isArray(v) && v.every((c) => typeof c === "number" || typeof c === "string")) ||
    (v instanceof Map && [...v.values()].every((n) => typeof n === "number")) ||
    (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map) && Object.values(v).every((n) => typeof n === "number")),
} as const;

/** Ties go to the first class in sorted order, as with Python's max/min over a sorted dict. */
function argExtreme(counts: Int32Array, pick: (a: number, b: number) => boolean): number {
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (pick(counts[i]!, counts[best]!)) best = i;
  return best;
}

/**
 * @param counts samples per class index (classes sorted)
 * @returns class index -> samples to generate (over), to keep (under/clean), in class order
 */
export function checkSamplingStrategy(strategy: SamplingStrategy, counts: Int32Array, classes: readonly Label[], type: SamplingType, owner: string): Map<number, number> {
  if (counts.length <= 1) throw new InvalidParameterError(`The target 'y' needs to have more than 1 class. Got ${counts.length} class instead.`);
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  const majority = argExtreme(counts, (a, b) => a > b);
  const minority = argExtreme(counts, (a, b) => a < b);
  const all = [...counts.keys()];
  const out = new Map<number, number>();
  const over = (keep: (c: number) => boolean) => all.filter(keep).forEach((c) => out.set(c, max - counts[c]!));
  const under = (keep: (c: number) => boolean) => all.filter(keep).forEach((c) => out.set(c, min));
  const findClass = (label: Label) => {
    const i = classes.findIndex((c) => String(c) === String(label));
    if (i < 0) throw new InvalidParameterError(`The {${String(label)}} target class is/are not present in the data (classes: ${classes.join(", ")}).`);
    return i;
  };

  if (typeof strategy === "string") {
    if (!NAMES.includes(strategy)) {
      throw new InvalidParameterError(`The 'samplingStrategy' parameter of ${owner} must be one of ${NAMES.map((n) => `'${n}'`).join(", ")}, a ratio, a per-class count map${type === "clean-sampling" ? " or a list of classes" : ""}. Got '${strategy}' instead.`);
    }
    const s = strategy === "auto" ? (type === "over-sampling" ? "not majority" : "not minority") : strategy;
    if (type === "over-sampling") {
      if (s === "majority") throw new InvalidParameterError(`samplingStrategy 'majority' cannot be used with an over-sampler (${owner}).`);
      over(s === "minority" ? (c) => c === minority : s === "not minority" ? (c) => c !== minority : s === "not majority" ? (c) => c !== majority : () => true);
    } else {
      if (s === "minority") throw new InvalidParameterError(`samplingStrategy 'minority' cannot be used with under-samplers and cleaning samplers (${owner}).`);
      under(s === "majority" ? (c) => c === majority : s === "not minority" ? (c) => c !== minority : s === "not majority" ? (c) => c !== majority : () => true);
    }
    return out;
  }
  if (typeof strategy === "number") {
    if (counts.length !== 2) throw new InvalidParameterError(`samplingStrategy can be a ratio only for a binary target; ${owner} got ${counts.length} classes. Use a per-class count map.`);
    if (!(strategy > 0 && strategy <= 1)) throw new InvalidParameterError(`The 'samplingStrategy' ratio of ${owner} must be in (0, 1]. Got ${strategy} instead.`);
    if (type === "over-sampling") {
      for (const c of all) if (c !== majority) out.set(c, Math.trunc(max * strategy - counts[c]!));
      if ([...out.values()].some((n) => n <= 0)) throw new InvalidParameterError(`samplingStrategy=${strategy} would remove samples from the minority class while generating new ones; increase the ratio.`);
    } else if (type === "under-sampling") {
      for (const c of all) if (c !== minority) out.set(c, Math.trunc(min / strategy));
      for (const [c, n] of out) if (n > counts[c]!) throw new InvalidParameterError(`samplingStrategy=${strategy} would generate samples in class ${String(classes[c])} while under-sampling; decrease the ratio.`);
    } else {
      throw new InvalidParameterError(`samplingStrategy cannot be a ratio for the cleaning sampler ${owner}; give the classes to clean.`);
    }
    return out;
  }
  if (Array.isArray(strategy)) {
    if (type !== "clean-sampling") throw new InvalidParameterError(`samplingStrategy cannot be a list for ${owner}, which is not a cleaning sampler; use a per-class count map.`);
    for (const label of strategy as Label[]) out.set(findClass(label), min);
    return new Map([...out].sort((a, b) => a[0] - b[0]));
  }
  if (strategy instanceof Map || (typeof strategy === "object" && strategy !== null)) {
    if (type === "clean-sampling") throw new InvalidParameterError(`samplingStrategy as a per-class count map is not supported by the cleaning sampler ${owner}; give a list of the classes to clean.`);
    const entries = strategy instanceof Map ? [...strategy.entries()] : Object.entries(strategy as Record<string, number>);
    for (const [label, n] of entries) {
      const c = findClass(label);
      if (!Number.isInteger(n) || n < 0) throw new InvalidParameterError(`The number of samples in a class must be an integer >= 0; samplingStrategy gives ${String(n)} for class ${String(label)}.`);
      if (type === "over-sampling") {
        if (n < counts[c]!) throw new InvalidParameterError(`With over-sampling methods, the number of samples in a class should be greater or equal to the original number of samples. Originally, there is ${counts[c]} samples and ${n} samples are asked (class ${String(label)}).`);
        out.set(c, n - counts[c]!);
      } else {
        if (n > counts[c]!) throw new InvalidParameterError(`With under-sampling methods, the number of samples in a class should be less or equal to the original number of samples. Originally, there is ${counts[c]} samples and ${n} samples are asked (class ${String(label)}).`);
        out.set(c, n);
      }
    }
    return new Map([...out].sort((a, b) => a[0] - b[0]));
  }
  throw new InvalidParameterError(`The 'samplingStrategy' parameter of ${owner} must be a name, a ratio, a per-class count map or a list of classes; got ${typeof strategy}.`);
}
