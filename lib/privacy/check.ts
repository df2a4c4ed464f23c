/** Argument checks shared by lib/privacy: each names the function, the argument and the value it refused. */

export function checkNumber(fn: string, name: string, value: unknown, rule: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean } = {}): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.minExclusive ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? value < rule.max : value <= rule.max));
  if (!ok) {
    const parts: string[] = [];
    if (rule.min !== undefined) parts.push(`${rule.minExclusive ? ">" : ">="} ${rule.min}`);
    if (rule.max !== undefined) parts.push(`${rule.maxExclusive ? "<" : "<="} ${rule.max}`);
    throw new RangeError(`${fn}: '${name}' must be ${rule.integer ? "an integer" : "a finite number"}${parts.length ? ` ${parts.join(" and ")}` : ""}; got ${describe(value)}`);
  }
  return value as number;
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return String(value);
}
