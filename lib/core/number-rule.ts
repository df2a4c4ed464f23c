/**
 * The one test behind the areas' `checkNumber(fn, name, value, rule)` argument checks (lib/experiment,
 * lib/privacy, lib/features): each area words its own error around the requirement this returns.
 */

/** Bounds a number argument must keep. */
export interface NumberRule {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

/**
 * What `value` must be, as a message says it ("an integer >= 1 and <= 5"), when it breaks `rule`: not a finite
 * number, not an integer where one is asked, or out of bounds; undefined when it keeps the rule.
 * @example numberRuleBroken(0, { min: 1, integer: true }) // "an integer >= 1"
 */
export function numberRuleBroken(value: unknown, rule: NumberRule = {}): string | undefined {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.minExclusive ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? value < rule.max : value <= rule.max));
  if (ok) return undefined;
  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`${rule.minExclusive ? ">" : ">="} ${rule.min}`);
  if (rule.max !== undefined) bounds.push(`${rule.maxExclusive ? "<" : "<="} ${rule.max}`);
  return `${rule.integer ? "an integer" : "a finite number"}${bounds.length ? ` ${bounds.join(" and ")}` : ""}`;
}
