/**
 * A notebook's parameters (papermill's convention: the cell tagged `parameters`), read from its source with
 * the TypeScript parser: each top-level constant's name, type and default. `mlsd run --param` checks values
 * against them before any cell runs, and `mlsd export` turns them into the script's command-line options.
 */
import { loadTypeScript, type TypeScript } from "./ts/load.js";
import { sourceText, type Notebook } from "./notebook.js";

/** The kinds a command-line value can be checked against; `unknown` takes any JSON (or a string). */
export type ParameterType = "number" | "string" | "boolean" | "array" | "object" | "unknown";

export interface Parameter {
  name: string;
  type: ParameterType;
  /** The initializer as written in the cell (`10_000`), shown by `--help`. */
  defaultText: string;
  /** The default as a JSON value, when the initializer is a literal; `undefined` otherwise. */
  defaultValue: unknown;
}

/** The cell tagged `parameters`, or undefined. */
export function parametersCellIndex(nb: Notebook): number {
  return nb.cells.findIndex((c) => c.cell_type === "code" && Boolean(c.metadata?.tags?.includes("parameters")));
}

/**
 * The constants a parameters cell declares, in order.
 * @example parseParameters(await loadTypeScript(), "const n = 10_000;\nconst label = 'a';") // [{ name: "n", type: "number", ... }, ...]
 */
export function parseParameters(ts: TypeScript, code: string): Parameter[] {
  const sf = ts.createSourceFile("parameters.ts", code, ts.ScriptTarget.ES2022, true);
  const out: Parameter[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const literal = literalValue(ts, d.initializer);
      const annotated = d.type ? annotationType(d.type.getText(sf)) : undefined;
      out.push({ name: d.name.text, type: annotated ?? typeOf(literal), defaultText: d.initializer.getText(sf), defaultValue: literal });
    }
  }
  return out;
}

/** The parameters of a notebook (an empty list when it has no parameters cell). */
export async function notebookParameters(nb: Notebook): Promise<Parameter[]> {
  const at = parametersCellIndex(nb);
  if (at < 0) return [];
  return parseParameters(await loadTypeScript(), sourceText(nb.cells[at]!));
}

function annotationType(text: string): ParameterType | undefined {
  if (text === "number" || text === "string" || text === "boolean") return text;
  if (/\[\]$|^Array<|^readonly /.test(text)) return "array";
  return undefined;
}

function typeOf(value: unknown): ParameterType {
  if (value === undefined || value === null) return "unknown";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  return t === "number" || t === "string" || t === "boolean" || t === "object" ? t : "unknown";
}

/** The JSON value of a literal initializer (numbers with `_` separators, negatives, arrays, objects), or undefined. */
function literalValue(ts: TypeScript, node: import("typescript").Expression): unknown {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literalValue(ts, node.expression);
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map((e) => literalValue(ts, e));
    return items.some((v) => v === undefined) ? undefined : items;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const obj: Record<string, unknown> = {};
    for (const p of node.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
      const v = literalValue(ts, p.initializer);
      if (v === undefined) return undefined;
      obj[p.name.text] = v;
    }
    return obj;
  }
  return undefined;
}

/**
 * Reads a command-line value as the parameter's type, or throws naming the parameter, its declaration and the value.
 * A string parameter takes the text as it is (`--param label=5` is "5"); the others read it as JSON.
 * @example coerceParameter({ name: "points", type: "number", defaultText: "200", defaultValue: 200 }, "40", "--param") // 40
 */
export function coerceParameter(p: Parameter, raw: string, flag: string): unknown {
  const fail = (): never => {
    throw new Error(`${flag} ${p.name} must be ${article(p.type)} (the parameters cell has ${p.name} = ${p.defaultText}); got '${raw}'`);
  };
  let json: unknown;
  let parsed = true;
  try {
    json = JSON.parse(raw);
  } catch {
    parsed = false;
  }
  switch (p.type) {
    case "string":
      return parsed && typeof json === "string" ? json : raw;
    case "number":
      return parsed && typeof json === "number" ? json : fail();
    case "boolean":
      return parsed && typeof json === "boolean" ? json : fail();
    case "array":
      return parsed && Array.isArray(json) ? json : fail();
    case "object":
      return parsed && json !== null && typeof json === "object" && !Array.isArray(json) ? json : fail();
    case "unknown":
      return parsed ? json : raw;
  }
}

const article = (t: ParameterType) => (t === "array" || t === "object" || t === "unknown" ? `an ${t === "unknown" ? "JSON value" : t}` : `a ${t}`);

/** `name=value` split at the first `=`, refusing anything else by its text. */
export function splitAssignment(text: string, flag: string): { name: string; raw: string } {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new Error(`${flag} must look like name=value; got '${text}'`);
  const name = text.slice(0, eq).trim();
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`${flag} name must be a TypeScript identifier; got '${name}'`);
  return { name, raw: text.slice(eq + 1) };
}

/**
 * Checks `--param` strings against the notebook's parameters: unknown names are refused with the list of
 * parameters, values of the wrong type with the declaration. Returns the values by name, in the order given.
 * @example checkParameters(await notebookParameters(nb), ["points=40"], "00-welcome.ipynb") // { points: 40 }
 */
export function checkParameters(declared: Parameter[], params: string[], notebook: string): Record<string, unknown> {
  const byName = new Map(declared.map((p) => [p.name, p]));
  const values: Record<string, unknown> = {};
  for (const text of params) {
    const { name, raw } = splitAssignment(text, "--param");
    const p = byName.get(name);
    if (!p) {
      const list = declared.length > 0 ? `its parameters are: ${declared.map((d) => `${d.name} (${d.type}, default ${d.defaultText})`).join(", ")}` : "it has no cell tagged 'parameters'";
      throw new Error(`--param ${name}: ${notebook} has no parameter '${name}'; ${list}`);
    }
    values[name] = coerceParameter(p, raw, "--param");
  }
  return values;
}
