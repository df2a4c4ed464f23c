/**
 * `mlsd export`: a notebook's exported cells as one runnable TypeScript script in jupytext's percent format.
 * Cells tagged `export` (or starting with nbdev's `//| export`) are taken; the `parameters` cell's constants
 * become command-line options (`--name=value`); a cell's last expression is passed to `display`, so the script
 * prints what the notebook shows.
 */
import { basename } from "node:path";
import { loadTypeScript } from "./ts/load.js";
import { sourceText, type Cell, type Notebook } from "./notebook.js";

const DIRECTIVE = /^\s*\/\/\|\s*export\s*$/;

export function isExported(cell: Cell): boolean {
  return cell.cell_type === "code" && (Boolean(cell.metadata?.tags?.includes("export")) || DIRECTIVE.test(sourceText(cell).split("\n")[0] ?? ""));
}

const isParameters = (cell: Cell) => cell.cell_type === "code" && Boolean(cell.metadata?.tags?.includes("parameters"));

const PRELUDE = `import { display, clearOutput, progress } from "mlsd/display";

// A notebook shows a cell's last value unless it is undefined; so does the script.
function __show(value: unknown): void {
  if (value !== undefined) display(value);
}

// Command-line options --name=value override the notebook's parameters; values are read as JSON when they parse.
const __args = new Map<string, string>();
for (const arg of process.argv.slice(2)) {
  const m = /^--([A-Za-z_$][\\w$]*)=(.*)$/s.exec(arg);
  if (!m) throw new Error(\`unrecognised argument '\${arg}': use --name=value\`);
  __args.set(m[1]!, m[2]!);
}
function __param<T>(name: string, fallback: T): T {
  const raw = __args.get(name);
  __args.delete(name);
  if (raw === undefined) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  if (typeof value !== typeof fallback) throw new Error(\`--\${name} must be a \${typeof fallback}; got '\${raw}'\`);
  return value as T;
}
void clearOutput;
void progress;
`;

/**
 * The script for `nb`.
 * @example writeFileSync("pipeline.ts", await exportNotebook(readNotebook("notebooks/04-sampling.ipynb"), "04-sampling.ipynb"))
 */
export async function exportNotebook(nb: Notebook, name: string): Promise<string> {
  const ts = await loadTypeScript();
  const parts: string[] = [`// Exported from ${basename(name)} by \`mlsd export\`. Run: npx tsx <this file> [--name=value ...]`, PRELUDE];
  let exported = 0;
  for (const cell of nb.cells) {
    if (isParameters(cell)) {
      const { text, names } = parameterCell(ts, sourceText(cell));
      parts.push(`// %% parameters\n${text}\nif (__args.size > 0) throw new Error(\`unknown option(s) \${[...__args.keys()].map((k) => "--" + k).join(", ")}; the parameters are: ${names.map((n) => `--${n}`).join(", ")}\`);`);
      continue;
    }
    if (!isExported(cell)) continue;
    exported++;
    const body = sourceText(cell).split("\n").filter((line, i) => !(i === 0 && DIRECTIVE.test(line))).join("\n");
    parts.push(`// %%${cell.id ? ` ${cell.id}` : ""}\n${displayLastExpression(ts, body)}`);
  }
  if (exported === 0) throw new Error(`${name} has no exported cells: tag cells 'export' or start them with '//| export'.`);
  return `${parts.join("\n\n")}\n`;
}

/** `const n = 100;` becomes `const n = __param("n", 100);` for each top-level constant of the parameters cell. */
function parameterCell(ts: Awaited<ReturnType<typeof loadTypeScript>>, code: string): { text: string; names: string[] } {
  const sf = ts.createSourceFile("parameters.ts", code, ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      names.push(d.name.text);
      edits.push({ start: d.initializer.getStart(sf), end: d.initializer.end, text: `__param(${JSON.stringify(d.name.text)}, ${d.initializer.getText(sf)})` });
    }
  }
  let text = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return { text, names };
}

/** In a notebook the last expression is shown; in a script it would vanish, so it is displayed explicitly. */
function displayLastExpression(ts: Awaited<ReturnType<typeof loadTypeScript>>, code: string): string {
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
