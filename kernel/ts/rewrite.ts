/**
 * Turns a transpiled cell (JavaScript, ES modules syntax) into a script with notebook semantics:
 * top-level declarations become globals (so later cells see them and a cell can be re-run), imports go
 * through the kernel's resolver, the last expression is returned, and top-level `await` works.
 * Edits are made in place so line numbers in stack traces match the cell's.
 */
import type * as TS from "typescript";

export interface RewriteResult {
  /** A script that evaluates to a Promise of `{ value }` (value of the last expression, if any). */
  script: string;
  hasResult: boolean;
  /**
   * The edits from the JavaScript to the script, pass by pass, as [start, end, inserted length] in each pass's
   * input: enough to map a position in the script back to the JavaScript (see cell-positions.ts). The last pass
   * is the kernel's wrapper: positions inside it are the kernel's, not the user's.
   */
  passes: [number, number, number][][];
}

export interface RewriteOptions {
  /** Run as a sloppy-mode script (tslab's and IJavascript's semantics: `this` in a plain call is globalThis). */
  sloppy?: boolean;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const summarise = (edits: Edit[]): [number, number, number][] =>
  [...edits].sort((a, b) => a.start - b.start || a.end - b.end).map((e) => [e.start, e.end, e.text.length]);

/** The name of the kernel's runtime helper object on globalThis. */
export const RUNTIME = "__mlsd_rt";

export function rewriteCell(ts: typeof TS, source: string, options: RewriteOptions = {}): RewriteResult {
  // Two passes, so edits never overlap: dynamic imports inside declarations first, then the top level.
  const passes: [number, number, number][][] = [];
  let js = source;
  if (/\bimport\s*[(.]/.test(source)) {
    const routed = routeDynamicImports(ts, source);
    js = routed.text;
    passes.push(summarise(routed.edits));
  }
  const sf = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const hoisted = new Set<string>();
  const functionNames: string[] = [];
  const keepLines = (n: TS.Node, text: string) => text + "\n".repeat(Math.max(0, countLines(js.slice(n.getStart(sf), n.end)) - countLines(text)));
  const bindNames = (name: TS.BindingName) => {
    if (ts.isIdentifier(name)) hoisted.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindNames(el.name);
  };
  const stripExport = (st: TS.Statement) => {
    const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) ?? [] : [];
    for (const m of mods) {
      if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) {
        edits.push({ start: m.getStart(sf), end: m.end, text: "" });
      }
    }
  };

  let hasResult = false;
  const statements = sf.statements;
  // The checker appends `export {...}`; the cell's own last statement is the last one before such tails.
  let lastIndex = statements.length - 1;
  while (lastIndex >= 0 && (ts.isExportDeclaration(statements[lastIndex]!) || ts.isEmptyStatement(statements[lastIndex]!))) lastIndex--;
  statements.forEach((st, index) => {
    const last = index === lastIndex;
    if (ts.isImportDeclaration(st)) {
      const spec = (st.moduleSpecifier as TS.StringLiteral).text;
      const clause = st.importClause;
      const load = `(await ${RUNTIME}.import(${JSON.stringify(spec)}))`;
      if (!clause) {
        edits.push({ start: st.getStart(sf), end: st.end, text: keepLines(st, `${load};`) });
        return;
      }
      const parts: string[] = [];
      const tmp = `${RUNTIME}.last`;
      if (clause.name) {
        hoisted.add(clause.name.text);
        parts.push(`${clause.name.text} = ${tmp}.default`);
      }
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        hoisted.add(nb.name.text);
        parts.push(`${nb.name.text} = ${tmp}`);
      } else if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          hoisted.add(el.name.text);
          parts.push(`${el.name.text} = ${tmp}[${JSON.stringify((el.propertyName ?? el.name).text)}]`);
        }
      }
      edits.push({ start: st.getStart(sf), end: st.end, text: keepLines(st, `${tmp} = ${load}; ${parts.join("; ")};`) });
      return;
    }
    if (ts.isExportDeclaration(st) || ts.isExportAssignment(st)) {
      edits.push({ start: st.getStart(sf), end: st.end, text: "" });
      return;
    }
    if (ts.isVariableStatement(st)) {
      // `const a = f(), { b } = g;` becomes `;(a = f(), { b } = g);` by editing around the declarations only,
      // so every expression keeps its position (stack traces map back exactly).
      const list = st.declarationList;
      const isVar = !(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const));
      const decls = list.declarations.filter((d) => d.initializer || (!isVar && ts.isIdentifier(d.name)));
      for (const d of list.declarations) bindNames(d.name);
      if (decls.length === 0) {
        edits.push({ start: st.getStart(sf), end: st.end, text: keepLines(st, "") });
        return;
      }
      edits.push({ start: st.getStart(sf), end: list.declarations[0]!.getStart(sf), text: ";(" });
      list.declarations.forEach((d, i) => {
        const next = list.declarations[i + 1];
        if (!d.initializer && !(!isVar && ts.isIdentifier(d.name))) {
          // `var x` without a value keeps x's old value: drop it from the list (with its comma).
          edits.push({ start: d.getStart(sf), end: next ? next.getStart(sf) : d.end, text: "" });
          return;
        }
        if (!d.initializer) edits.push({ start: d.end, end: d.end, text: " = undefined" });
        else if (d.type || d.exclamationToken) edits.push({ start: d.name.end, end: d.initializer.getStart(sf), text: " = " });
      });
      const lastDecl = list.declarations[list.declarations.length - 1]!;
      const trailingDropped = !lastDecl.initializer && isVar;
      edits.push({ start: list.end, end: st.end, text: trailingDropped ? "0);" : ");" });
      return;
    }
    if (ts.isFunctionDeclaration(st) && st.name) {
      stripExport(st);
      // Kept as a declaration so it is hoisted within the cell; published as a global at the cell's start.
      functionNames.push(st.name.text);
      hoisted.add(st.name.text);
      return;
    }
    if (ts.isClassDeclaration(st) && st.name) {
      stripExport(st);
      hoisted.add(st.name.text);
      const classKeyword = st.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.ClassKeyword)!;
      edits.push({ start: classKeyword.getStart(sf), end: classKeyword.getStart(sf), text: `${st.name.text} = ` });
      edits.push({ start: st.end, end: st.end, text: ";" });
      return;
    }
    if (last && ts.isExpressionStatement(st)) {
      hasResult = true;
      const expr = st.expression;
      edits.push({ start: st.getStart(sf), end: expr.getStart(sf), text: "" });
      edits.push({ start: expr.getStart(sf), end: expr.getStart(sf), text: "return { value: (" });
      edits.push({ start: expr.end, end: st.end, text: ") };" });
    }
  });

  const body = applyEdits(js, edits);
  passes.push(summarise(edits));
  const declare = hoisted.size > 0 ? `var ${[...hoisted].join(", ")}; ` : "";
  const publish = functionNames.map((n) => `globalThis[${JSON.stringify(n)}] = ${n}; `).join("");
  // `require`, `__filename` and `__dirname` as a CommonJS module and IJavascript have them, from the notebook's folder.
  const head = `${declare}(async (require, __filename, __dirname) => { ${options.sloppy ? "" : '"use strict"; '}${publish}`;
  const tail = `\n})(${RUNTIME}.require, ${RUNTIME}.importMeta.filename, ${RUNTIME}.importMeta.dirname)`;
  // Everything before the user's first line stays on line 1, so stack lines match the cell's lines.
  const script = `${head}${body}${tail}`;
  passes.push([[0, 0, head.length], [body.length, body.length, tail.length]]);
  return { script, hasResult, passes };
}

/** `import(...)` and `import.meta` exist only in modules: route them through the runtime. */
function routeDynamicImports(ts: typeof TS, js: string): { text: string; edits: Edit[] } {
  const sf = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      edits.push({ start: node.expression.getStart(sf), end: node.expression.end, text: `${RUNTIME}.import` });
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      edits.push({ start: node.getStart(sf), end: node.end, text: `${RUNTIME}.importMeta` });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { text: applyEdits(js, edits), edits };
}

function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
