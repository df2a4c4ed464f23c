/**
 * Which type checks stop a cell. The default ("loose") is tslab's: TypeScript without the `strict` family, so
 * untyped code (implicit any, implicit `this`, use before assignment) runs while a real type error in typed code
 * (`const s: string = 5`) still stops the cell. A tsconfig.json beside the notebook opts into stricter checks;
 * the JavaScript kernel reports syntax errors only. Pure (no TypeScript import): the kernel's main thread needs
 * it for the banner and the worker for the compiler options.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type Language = "typescript" | "javascript";

export interface CheckProfile {
  name: "loose" | "strict" | "tsconfig" | "javascript";
  language: Language;
  /** Check flags to set on top of the kernel's own compiler options (tsconfig.json's names and values). */
  flags: Record<string, boolean>;
  /** The tsconfig.json the flags come from, if any. */
  source?: string;
  /** Cells run as sloppy-mode scripts (tslab, IJavascript and jslab do), unless strict mode was asked for. */
  sloppy: boolean;
}

/** tsconfig.json options a notebook may set: the checks, and the decorator dialect. Others are the kernel's. */
const ALLOWED = [
  "strict", "noImplicitAny", "noImplicitThis", "strictNullChecks", "strictFunctionTypes", "strictBindCallApply",
  "strictPropertyInitialization", "useUnknownInCatchVariables", "alwaysStrict", "noImplicitReturns",
  "noFallthroughCasesInSwitch", "noUncheckedIndexedAccess", "exactOptionalPropertyTypes", "noImplicitOverride",
  "noPropertyAccessFromIndexSignature", "experimentalDecorators",
] as const;

const STRICT_FAMILY = new Set(["strict", "noImplicitAny", "noImplicitThis", "strictNullChecks", "strictFunctionTypes", "strictBindCallApply", "strictPropertyInitialization", "useUnknownInCatchVariables", "alwaysStrict"]);

/**
 * Diagnostics the loose profile never reports: checks added in TypeScript 5.6 that tslab's compiler does not
 * have ("this expression is always nullish/truthy/falsy", "right operand of ?? is unreachable"). They reject code
 * that runs, such as `null ?? 'x'`.
 */
export const LOOSE_IGNORED = new Set([2869, 2871, 2872, 2873]);

/** tsconfig.json allows comments and trailing commas; JSON.parse does not. Strings are left as they are. */
export function parseJsonc(text: string): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

/**
 * The profile for a notebook in `cwd`: `MLSD_TYPECHECK=strict|loose` (for the whole kernel), else the
 * tsconfig.json in the notebook's folder, else the loose default.
 * @example chooseProfile("/tmp", "typescript").name // "loose"
 */
export function chooseProfile(cwd: string, language: Language, env: NodeJS.ProcessEnv = process.env): CheckProfile {
  if (language === "javascript") return { name: "javascript", language, flags: {}, sloppy: true };
  const forced = env["MLSD_TYPECHECK"];
  if (forced !== undefined && forced !== "") {
    if (forced === "strict") return { name: "strict", language, flags: { strict: true }, sloppy: false };
    if (forced === "loose") return { name: "loose", language, flags: {}, sloppy: true };
    throw new Error(`MLSD_TYPECHECK must be 'strict' or 'loose'; got '${forced}'`);
  }
  const file = join(cwd, "tsconfig.json");
  if (!existsSync(file)) return { name: "loose", language, flags: {}, sloppy: true };
  let parsed: unknown;
  try {
    parsed = parseJsonc(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const options = (parsed as { compilerOptions?: Record<string, unknown> } | null)?.compilerOptions ?? {};
  const flags: Record<string, boolean> = {};
  for (const key of ALLOWED) {
    const value = options[key];
    if (typeof value === "boolean") flags[key] = value;
  }
  const strictAny = Object.entries(flags).some(([k, v]) => v && STRICT_FAMILY.has(k));
  const name = flags["strict"] ? "strict" : strictAny || Object.keys(flags).length > 0 ? "tsconfig" : "loose";
  return { name, language, flags, source: file, sloppy: !(flags["strict"] || flags["alwaysStrict"]) };
}

/**
 * The kernel's profile: chooseProfile's, or the loose default with the reason when tsconfig.json (or
 * MLSD_TYPECHECK) cannot be used, for the banner to say.
 * @example kernelProfile("/tmp", "typescript").profile.name // "loose"
 */
export function kernelProfile(cwd: string, language: Language, env: NodeJS.ProcessEnv = process.env): { profile: CheckProfile; problem?: string } {
  try {
    return { profile: chooseProfile(cwd, language, env) };
  } catch (err) {
    return { profile: { name: "loose", language, flags: {}, sloppy: true }, problem: (err as Error).message };
  }
}

/** Cells' language: the "JavaScript (mlsd)" kernelspec sets MLSD_LANGUAGE=javascript. */
export function kernelLanguage(env: NodeJS.ProcessEnv = process.env): Language {
  return env["MLSD_LANGUAGE"] === "javascript" ? "javascript" : "typescript";
}

/** One line for the banner: which checks stop a cell, and how to change that. */
export function describeProfile(p: CheckProfile): string {
  if (p.name === "javascript") return "type checking: off (JavaScript: syntax errors only; completion and inspection use TypeScript's inference)";
  if (p.name === "loose") return "type checking: loose (tslab's defaults: type errors stop a cell, strict-mode checks do not; a tsconfig.json with \"strict\": true beside the notebook opts in)";
  const set = Object.entries(p.flags).filter(([, v]) => v).map(([k]) => k).join(", ");
  return `type checking: ${p.name} (${set || "no extra checks"}${p.source ? `, from ${p.source}` : ", from MLSD_TYPECHECK"})`;
}
