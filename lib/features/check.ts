/** Argument checks shared by lib/features: each names the function, the argument and the value it refused. */
import { InputError } from "../core/errors.js";
import { numberRuleBroken, type NumberRule } from "../core/number-rule.js";

/** A value as a message shows it: strings quoted, arrays by length, objects by their keys. */
export function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === "function") return "a function";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (typeof value === "object" && value !== null) return `an object with keys [${Object.keys(value).slice(0, 5).join(", ")}]`;
  return String(value);
}

/** A number within bounds, else an InputError naming `fn`, `name` and the value. */
export function checkNumber(fn: string, name: string, value: unknown, rule: Omit<NumberRule, "maxExclusive"> = {}): number {
  const required = numberRuleBroken(value, rule);
  if (required !== undefined) throw new InputError(`${fn}: '${name}' must be ${required}; got ${shown(value)}.`);
  return value as number;
}

/** Refuses option names `fn` does not know, listing the ones it does. */
export function checkOptionNames(fn: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new InputError(`${fn}: 'options' must be an object; got ${shown(options)}.`);
  for (const k of Object.keys(options)) if (!known.includes(k)) throw new InputError(`${fn} got an unknown option '${k}'. Valid options are: ${known.join(", ")}.`);
  return options as Record<string, unknown>;
}

/**
 * A function's options resolved against its declared defaults (the estimators' `defaults`, for plain
 * functions): unknown names refused, listing the known ones (the defaults' keys); `undefined` means "the
 * default". The values still need their checks: this only fills them in.
 * @example withDefaults("crossFeatures", {}, { separator: "_x_" }).separator // "_x_"
 */
export function withDefaults<D extends Record<string, unknown>>(fn: string, options: unknown, defaults: D): { [K in keyof D]: unknown } {
  const given = checkOptionNames(fn, options, Object.keys(defaults));
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof D]: unknown };
}

/** One of `values`, else an InputError naming them. */
export function checkEnum<T extends string>(fn: string, name: string, value: unknown, values: readonly T[]): T {
  if (!values.includes(value as T)) throw new InputError(`${fn}: '${name}' must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}; got ${shown(value)}.`);
  return value as T;
}
