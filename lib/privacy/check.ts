/** Argument checks shared by lib/privacy: each names the function, the argument and the value it refused. */
import { numberRuleBroken, type NumberRule } from "../core/number-rule.js";

export function checkNumber(fn: string, name: string, value: unknown, rule: NumberRule = {}): number {
  const required = numberRuleBroken(value, rule);
  if (required !== undefined) throw new RangeError(`${fn}: '${name}' must be ${required}; got ${describe(value)}`);
  return value as number;
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return String(value);
}
