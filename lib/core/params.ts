/** Declared parameter rules, checked in one place at the start of `fit` (scikit-learn's _parameter_constraints). */
import { InvalidParameterError } from "./errors.js";

export type Rule =
  | { kind: "int"; min?: number; max?: number }
  | { kind: "float"; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { kind: "enum"; values: readonly (string | number | boolean | null)[] }
  | { kind: "bool" }
  | { kind: "randomState" }
  | { kind: "custom"; describe: string; test: (v: unknown) => boolean };

export type Rules = Record<string, Rule | Rule[]>;

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
      return "an integer seed, a Random or undefined";
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
      return rule.values.includes(v as string);
    case "bool":
      return typeof v === "boolean";
    case "randomState":
      return v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) || (typeof v === "object" && v !== null && "nextUint32" in v);
    case "custom":
      return rule.test(v);
  }
}

/**
 * Checks `params` against `rules`; the message reads like scikit-learn's.
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
    const list = Array.isArray(spec) ? spec : [spec];
    if (value === undefined && list.some((r) => r.kind === "randomState")) continue;
    if (value === undefined) continue; // undefined means "use the default", filled in by the estimator
    if (!list.some((r) => satisfies(r, value))) {
      const shown = typeof value === "string" ? `'${value}'` : Array.isArray(value) ? JSON.stringify(value) : String(value);
      throw new InvalidParameterError(`The '${name}' parameter of ${owner} must be ${list.map(describe).join(" or ")}. Got ${shown} instead.`);
    }
  }
}
