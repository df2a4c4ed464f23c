/** Argument checks shared by lib/experiment: each names the function, the argument and the value it refused. */
import { InputError } from "../core/errors.js";
import { numberRuleBroken, type NumberRule } from "../core/number-rule.js";

export type { NumberRule } from "../core/number-rule.js";

/** The value if it is a finite number within the rule, else an InputError naming `fn`, `name` and the value. */
export function checkNumber(fn: string, name: string, value: unknown, rule: NumberRule = {}): number {
  const required = numberRuleBroken(value, rule);
  if (required !== undefined) throw new InputError(`${fn}: '${name}' must be ${required}; got ${describe(value)}.`);
  return value as number;
}

/** A probability strictly inside (0, 1): alpha, power, a conversion rate. */
export function checkProbability(fn: string, name: string, value: unknown): number {
  return checkNumber(fn, name, value, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
}

/** One of the allowed strings. */
export function checkChoice<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new InputError(`${fn}: '${name}' must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}; got ${describe(value)}.`);
  }
  return value as T;
}

/** A sample of finite numbers, at least `minLength` long, as a plain array. */
export function checkSample(fn: string, name: string, value: unknown, minLength = 1): number[] {
  const isArrayLike = Array.isArray(value) || ArrayBuffer.isView(value);
  if (!isArrayLike) throw new InputError(`${fn}: '${name}' must be an array of numbers; got ${describe(value)}.`);
  const a = Array.from(value as ArrayLike<unknown>);
  if (a.length < minLength) throw new InputError(`${fn}: '${name}' needs at least ${minLength} values; got ${a.length}.`);
  const bad = a.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) throw new InputError(`${fn}: '${name}' must hold finite numbers; got ${describe(a[bad])} at index ${bad}.`);
  return a as number[];
}

/** Options must be an object (or absent). */
export function checkOptions<T extends object>(fn: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InputError(`${fn}: 'options' must be an object; got ${describe(value)}.`);
  return value;
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value !== null && typeof value === "object") return `an object (${JSON.stringify(value)?.slice(0, 60)})`;
  return String(value);
}
