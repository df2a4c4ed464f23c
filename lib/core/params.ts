/**
 * Declared parameter rules, checked in one place at the start of `fit` (scikit-learn's _parameter_constraints),
 * and the invalid value each rule refuses (what the conformance suite feeds every estimator).
 */
import { InvalidParameterError } from "./errors.js";

export type Rule =
  | { kind: "int"; min?: number; max?: number }
  | { kind: "float"; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { kind: "enum"; values: readonly (string | number | boolean | null)[] }
  | { kind: "bool" }
  | { kind: "randomState" }
  | { kind: "custom"; describe: string; test: (v: unknown) => boolean };

/** One rule, or several of which a value must satisfy one. */
export type RuleSpec = Rule | readonly Rule[];

export type Rules = Readonly<Record<string, RuleSpec>>;

/**
 * A rule for every option of `O` and for nothing else: declared as `{ ... } satisfies RulesFor<Options>`, a
 * missing or a stray rule fails to compile.
 */
export type RulesFor<O> = { readonly [K in keyof Required<O>]: RuleSpec };

function describe(rule: Rule): string {
  switch (rule.kind) {
    case "int":
      return `an integer${rule.min !== undefined ? ` >= ${rule.min}` : ""}${rule.max !== undefined ? ` <= ${rule.max}` : ""}`;
    case "float": {
      const lo = rule.min === undefined ? "" : ` ${rule.minExclusive ? ">" : ">="} ${rule.min}`;
      const hi = rule.max === undefined ? "" : `${lo ? " and" : ""} ${rule.maxExclusive ? "<" : "<="} ${rule.max}`;
      return `a number${lo}${hi}`;
    }
    case "enum":
      return `one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "bool":
      return "a boolean";
    case "randomState":
      return "an integer seed, a Random or null";
    case "custom":
      return rule.describe;
  }
}

function satisfies(rule: Rule, v: unknown): boolean {
  switch (rule.kind) {
    case "int":
      return typeof v === "number" && Number.isInteger(v) && (rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max);
    case "float":
      return (
        typeof v === "number" &&
        Number.isFinite(v) &&
        (rule.min === undefined || (rule.minExclusive ? v > rule.min : v >= rule.min)) &&
        (rule.max === undefined || (rule.maxExclusive ? v < rule.max : v <= rule.max))
      );
    case "enum":
      return rule.values.some((allowed) => allowed === v);
    case "bool":
      return typeof v === "boolean";
    case "randomState":
      return v === undefined || v === null || (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) || (typeof v === "object" && v !== null && "nextUint32" in v);
    case "custom":
      return rule.test(v);
  }
}

const asList = (spec: RuleSpec): readonly Rule[] => (Array.isArray(spec) ? spec : [spec as Rule]);

/** Whether `value` satisfies `spec` (one of its rules). */
export function satisfiesRule(spec: RuleSpec, value: unknown): boolean {
  return asList(spec).some((r) => satisfies(r, value));
}

/**
 * Checks `params` against `rules`; the message reads like scikit-learn's. `undefined` means "the default".
 * @example validateParams("SMOTE", { kNeighbors: { kind: "int", min: 1 } }, { kNeighbors: 0 })
 * // InvalidParameterError: The 'kNeighbors' parameter of SMOTE must be an integer >= 1. Got 0 instead.
 */
export function validateParams(owner: string, rules: Rules, params: Record<string, unknown>): void {
  for (const name of Object.keys(params)) {
    if (!(name in rules)) {
      throw new InvalidParameterError(`${owner} got an unknown parameter '${name}'. Valid parameters are: ${Object.keys(rules).join(", ")}.`);
    }
  }
  for (const [name, spec] of Object.entries(rules)) {
    const value = params[name];
    if (value === undefined) continue;
    if (!satisfiesRule(spec, value)) {
      const shown = typeof value === "string" ? `'${value}'` : Array.isArray(value) ? JSON.stringify(value) : String(value);
      throw new InvalidParameterError(`The '${name}' parameter of ${owner} must be ${asList(spec).map(describe).join(" or ")}. Got ${shown} instead.`);
    }
  }
}

/** Values just outside a rule's bounds, tried first. */
function edgeCandidates(rule: Rule): unknown[] {
  switch (rule.kind) {
    case "int":
      return [...(rule.min !== undefined ? [rule.min - 1] : []), ...(rule.max !== undefined ? [rule.max + 1] : []), (rule.min ?? 0) + 0.5];
    case "float":
      return [...(rule.min !== undefined ? [rule.minExclusive ? rule.min : rule.min - 1] : []), ...(rule.max !== undefined ? [rule.max === Infinity ? NaN : rule.maxExclusive ? rule.max : rule.max + 1] : []), NaN];
    case "enum":
      return ["not-a-valid-option"];
    case "bool":
      return ["yes"];
    case "randomState":
      return [-1];
    case "custom":
      return [];
  }
}

const GENERIC_INVALID: unknown[] = ["not-a-valid-option", -1, 0.5, NaN, true, { invalid: true }, [], () => 0];

/**
 * A value `spec` refuses (scikit-learn's generate_invalid_param_val): past a bound, outside an enumeration, or
 * the first of a few generic values that no rule of `spec` accepts; undefined when every candidate passes.
 * @example invalidValue({ kind: "int", min: 1 }) // 0
 */
export function invalidValue(spec: RuleSpec): { value: unknown } | undefined {
  const list = asList(spec);
  for (const candidate of [...list.flatMap(edgeCandidates), ...GENERIC_INVALID]) {
    if (!satisfiesRule(spec, candidate)) return { value: candidate };
  }
  return undefined;
}
