/**
 * `mlsd export`: a notebook's exported cells as one runnable TypeScript ES module in jupytext's percent format,
 * or (`--test`) as a vitest test file. Cells tagged `export` (or starting with nbdev's `//| export`) are taken;
 * the `parameters` cell's constants become command-line options (`--name=value`, listed by `--help` with their
 * types and defaults); a cell's last expression is passed to `display`, so the script prints what the notebook
 * shows. The script imports only `mlsd/...`, so it runs in any project with mlsd installed as a dependency.
 * Cells with controls (`interact(fn, controls)` from mlsd/widgets) run as `mlsd run` runs them: without a
 * widget frontend `fn` runs once with each control's initial value, and the static view is printed. A name
 * several cells import (each notebook cell may import what it uses) is imported once in the script.
 */
import { basename } from "node:path";
import { loadTypeScript, type TypeScript } from "./ts/load.js";
import { sourceText, type Cell, type Notebook } from "./notebook.js";
import { parseParameters, type Parameter } from "./parameters.js";

const DIRECTIVE = /^\s*\/\/\|\s*export\s*$/;

export function isExported(cell: Cell): boolean {
  return cell.cell_type === "code" && (Boolean(cell.metadata?.tags?.includes("export")) || DIRECTIVE.test(sourceText(cell).split("\n")[0] ?? ""));
}

const isParameters = (cell: Cell) => cell.cell_type === "code" && Boolean(cell.metadata?.tags?.includes("parameters"));

export interface ExportOptions {
  /** A vitest test file instead of a script: the pipeline runs inside one test, with the parameters' defaults. */
  test?: boolean;
}

const SHOW = `// A notebook shows a cell's last value unless it is undefined; so does the script.
function __show(value: unknown): void {
  if (value !== undefined) display(value);
}`;

/**
 * The command line of a script: --help, then --name=value read as each parameter's type (as \`mlsd run --param\`
 * reads them: strings as written, everything else as JSON), unknown options refused with the list.
 */
function argumentsPrelude(name: string, params: Parameter[]): string {
  const table = params.map((p) => ({ name: p.name, type: p.type, default: p.defaultText }));
  const width = Math.max(0, ...params.map((p) => p.name.length + p.type.length + 5));
  const help = [
    `Usage: npx tsx <this file> [--name=value ...]`,
    ``,
    `The pipeline of ${name}, exported by mlsd export.`,
    ``,
    params.length > 0 ? "Options (the notebook's parameters):" : "The notebook has no parameters.",
    ...params.map((p) => `  ${`--${p.name}=<${p.type}>`.padEnd(width)}  default: ${p.defaultText}`),
    `  ${"--help".padEnd(width)}  show this help`,
  ].join("\n");
  return `// Command-line options --name=value override the notebook's parameters (\`--help\` lists them).
const __parameters: { name: string; type: string; default: string }[] = ${JSON.stringify(table)};
const __help = ${JSON.stringify(help)};
const __args = new Map<string, string>();
for (const arg of process.argv.slice(2)) {
  if (arg === "--help" || arg === "-h") {
    process.stdout.write(__help + "\\n");
    process.exit(0);
  }
  const m = /^--([A-Za-z_$][\\w$]*)=(.*)$/s.exec(arg);
  if (!m) __usage(\`unrecognised argument '\${arg}': use --name=value\`);
  if (!__parameters.some((p) => p.name === m![1])) __usage(\`unknown option --\${m![1]}\`);
  __args.set(m![1]!, m![2]!);
}
function __usage(message: string): never {
  const list = __parameters.length > 0 ? __parameters.map((p) => \`--\${p.name} (\${p.type}, default \${p.default})\`).join(", ") : "none";
  process.stderr.write(\`\${message}; the options are: \${list} (--help for more)\\n\`);
  process.exit(2);
}
function __param<T>(name: string, fallback: T): T {
  const raw = __args.get(name);
  if (raw === undefined) return fallback;
  const type = __parameters.find((p) => p.name === name)!.type;
  let value: unknown = raw;
  let json = true;
  try {
    value = JSON.parse(raw);
  } catch {
    json = false;
  }
  if (type === "string") return (json && typeof value === "string" ? value : raw) as T;
  const ok = type === "unknown" || (json && (type === "array" ? Array.isArray(value) : type === "object" ? value !== null && typeof value === "object" && !Array.isArray(value) : typeof value === type));
  if (!ok) __usage(\`--\${name} must be a \${type}; got '\${raw}'\`);
  return (json ? value : raw) as T;
}`;
}

/**
 * The script (or vitest file) for `nb`.
 * @example writeFileSync("sampling.mts", await exportNotebook(readNotebook("notebooks/04-sampling.ipynb"), "04-sampling.ipynb"))
 */
export async function exportNotebook(nb: Notebook, name: string, options: ExportOptions = {}): Promise<string> {
  const ts = await loadTypeScript();
  const file = basename(name);
  const imports: string[] = [];
  const body: string[] = [];
  let params: Parameter[] = [];
  let exported = 0;
  const dedupe = new ImportDeduper(ts);
  for (const cell of nb.cells) {
    if (isParameters(cell)) {
      const code = sourceText(cell);
      params = parseParameters(ts, code);
      body.push(`// %% parameters\n${options.test ? code : parameterCell(ts, code)}`);
      continue;
    }
    if (!isExported(cell)) continue;
    exported++;
    const label = `cell ${cell.id ?? exported}`;
    const source = dedupe.cell(sourceText(cell).split("\n").filter((line, i) => !(i === 0 && DIRECTIVE.test(line))).join("\n"), `${name}: ${label}`);
    const { hoisted, rest } = options.test ? hoistImports(ts, source) : { hoisted: [], rest: source };
    imports.push(...hoisted);
    body.push(`// %%${cell.id ? ` ${cell.id}` : ""}\n${displayLastExpression(ts, rest)}`);
  }
  if (exported === 0) throw new Error(`${name} has no exported cells: tag cells 'export' or start them with '//| export'.`);
  const displayImport = `import { display, clearOutput, progress } from "mlsd/display";`;
  if (options.test) {
    const indent = (s: string) => s.split("\n").map((l) => (l ? `  ${l}` : l)).join("\n");
    return [
      `// Exported from ${file} by \`mlsd export --test\`: the notebook's pipeline, with its parameters' defaults, as one vitest test.`,
      `// Run: npx vitest run <this file>. The test fails where the pipeline's checks fail.`,
      `import { test } from "vitest";`,
      displayImport,
      ...imports,
      ``,
      SHOW,
      `void clearOutput;\nvoid progress;`,
      ``,
      `// A notebook's pipeline trains models: minutes, not vitest's default 5 s.`,
      `test(${JSON.stringify(`${file}: the exported pipeline runs and its checks pass`)}, async () => {`,
      indent(body.join("\n\n")),
      `}, 900_000);`,
      ``,
    ].join("\n");
  }
  return [
    `// Exported from ${file} by \`mlsd export\`. Run: npx tsx <this file> [--name=value ...] (--help lists the options).`,
    `// An ES module (.mts): top-level await works whatever the folder's package.json says.`,
    displayImport,
    ``,
    SHOW,
    `void clearOutput;\nvoid progress;`,
    ``,
    argumentsPrelude(file, params),
    ``,
    body.join("\n\n"),
    ``,
  ].join("\n");
}

/** `const n = 100;` becomes `const n = __param("n", 100);` for each top-level constant of the parameters cell. */
function parameterCell(ts: TypeScript, code: string): string {
  const sf = ts.createSourceFile("parameters.ts", code, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      edits.push({ start: d.initializer.getStart(sf), end: d.initializer.end, text: `__param(${JSON.stringify(d.name.text)}, ${d.initializer.getText(sf)})` });
    }
  }
  let text = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

/**
 * One ES module cannot import a name twice, as notebook cells do (each imports what it uses): a binding an
 * earlier exported cell imported from the same module is dropped from later cells, a binding bound to
 * something else is an error naming both.
 */
class ImportDeduper {
  /** local name -> what it is bound to ("module" + kind + imported name) and where. */
  private readonly bound = new Map<string, { what: string; where: string }>();
  private readonly sideEffects = new Set<string>();
  constructor(private readonly ts: TypeScript) {}

  /** The cell's source with repeated imports removed. */
  cell(code: string, where: string): string {
    const ts = this.ts;
    const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true);
    const edits: { start: number; end: number; text: string }[] = [];
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const from = st.moduleSpecifier.text;
      const clause = st.importClause;
      const quoted = st.moduleSpecifier.getText(sf);
      if (!clause) {
        if (this.sideEffects.has(from)) edits.push({ start: st.getStart(sf), end: st.end, text: "" });
        this.sideEffects.add(from);
        continue;
      }
      const typeOnly = clause.isTypeOnly ? "type " : "";
      const keep = (local: string, what: string): boolean => {
        const prior = this.bound.get(local);
        if (prior && prior.what !== what) throw new Error(`${where} imports '${local}' as ${what}, but ${prior.where} imported it as ${prior.what}: one script cannot bind a name twice; rename one of them.`);
        if (prior) return false;
        this.bound.set(local, { what, where });
        return true;
      };
      const parts: string[] = [];
      let dropped = false;
      if (clause.name) {
        if (keep(clause.name.text, `the default export of "${from}"`)) parts.push(clause.name.text);
        else dropped = true;
      }
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        if (keep(nb.name.text, `the namespace of "${from}"`)) parts.push(`* as ${nb.name.text}`);
        else dropped = true;
      } else if (nb) {
        const specs = nb.elements.filter((e) => keep(e.name.text, `'${(e.propertyName ?? e.name).text}' of "${from}"`));
        if (specs.length < nb.elements.length) dropped = true;
        if (specs.length > 0) parts.push(`{ ${specs.map((e) => e.getText(sf)).join(", ")} }`);
      }
      if (!dropped) continue;
      // Two clauses after a default import need their comma; a namespace and named bindings never meet.
      edits.push({ start: st.getStart(sf), end: st.end, text: parts.length === 0 ? "" : `import ${typeOnly}${parts.join(", ")} from ${quoted};` });
    }
    if (edits.length === 0) return code;
    let text = code;
    for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    return text.replace(/^\s*\n/, "");
  }
}

/** Import declarations must stay at a module's top level; in a test file the rest of the cell goes inside the test. */
function hoistImports(ts: TypeScript, code: string): { hoisted: string[]; rest: string } {
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true);
  const hoisted: string[] = [];
  let rest = code;
  for (const st of [...sf.statements].reverse()) {
    if (!ts.isImportDeclaration(st) && !ts.isImportEqualsDeclaration(st)) continue;
    hoisted.unshift(st.getText(sf));
    rest = rest.slice(0, st.getStart(sf)) + rest.slice(st.end);
  }
  return { hoisted, rest: rest.replace(/^\s*\n/, "") };
}

/** In a notebook the last expression is shown; in a script it would vanish, so it is displayed explicitly. */
function displayLastExpression(ts: TypeScript, code: string): string {
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true);
  const last = sf.statements[sf.statements.length - 1];
  if (!last || !ts.isExpressionStatement(last)) return code;
  const expr = last.expression;
  // Calls that return nothing worth showing (console.log, display itself) stay as they are.
  if (ts.isCallExpression(expr)) {
    const callee = expr.expression.getText(sf);
    if (/^(console\.\w+|display(\.\w+)?|clearOutput)$/.test(callee)) return code;
  }
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.EqualsToken) return code;
  return `${code.slice(0, expr.getStart(sf))}__show(${expr.getText(sf)});${code.slice(last.end)}`;
}
