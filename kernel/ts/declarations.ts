/**
 * What a cell leaves behind for the type checker: its top-level names, its imports, and its declarations
 * (from TypeScript's .d.ts emit) regrouped by name so a later cell can replace one name without the others.
 */
import type * as TS from "typescript";

export interface ImportBinding {
  local: string;
  specifier: string;
  kind: "default" | "namespace" | "named";
  imported?: string;
}

/** Names a statement declares (variables, functions, classes, interfaces, types, enums, namespaces). */
function declaredNames(ts: typeof TS, st: TS.Statement, out: string[]): void {
  const addBinding = (name: TS.BindingName) => {
    if (ts.isIdentifier(name)) out.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  if (ts.isVariableStatement(st)) {
    for (const d of st.declarationList.declarations) addBinding(d.name);
  } else if (
    (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st) || (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name))) &&
    st.name
  ) {
    out.push(st.name.text);
  }
}

/** Whether `st` is `declare global { ... }`. */
export function isGlobalAugmentation(ts: typeof TS, st: TS.Node): st is TS.ModuleDeclaration {
  return ts.isModuleDeclaration(st) && (st.flags & ts.NodeFlags.GlobalAugmentation) !== 0;
}

/**
 * Top-level names a cell declares (values and types), its import bindings, and the names its `declare global`
 * blocks add to the global scope (`globals`: those merge with globals of the same name, as TypeScript means them
 * to); syntactic, so cheap.
 */
export function topLevelNames(ts: typeof TS, sf: TS.SourceFile): { names: string[]; imports: ImportBinding[]; sideEffects: string[]; globals: string[] } {
  const globals: string[] = [];
  const names: string[] = [];
  const imports: ImportBinding[] = [];
  const sideEffects: string[] = [];
  const addBinding = (name: TS.BindingName) => {
    if (ts.isIdentifier(name)) names.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) addBinding(d.name);
    } else if (
      (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name
    ) {
      names.push(st.name.text);
    } else if (isGlobalAugmentation(ts, st)) {
      if (st.body && ts.isModuleBlock(st.body)) for (const inner of st.body.statements) declaredNames(ts, inner, globals);
    } else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) {
      names.push(st.name.text);
    } else if (ts.isImportDeclaration(st) && !st.importClause && ts.isStringLiteral(st.moduleSpecifier)) {
      sideEffects.push(st.moduleSpecifier.text);
    } else if (ts.isImportDeclaration(st) && st.importClause && ts.isStringLiteral(st.moduleSpecifier)) {
      const specifier = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (clause.name) imports.push({ local: clause.name.text, specifier, kind: "default" });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) imports.push({ local: nb.name.text, specifier, kind: "namespace" });
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          imports.push({ local: el.name.text, specifier, kind: "named", imported: (el.propertyName ?? el.name).text });
        }
      }
    } else if (ts.isImportEqualsDeclaration(st)) {
      names.push(st.name.text);
    }
  }
  return { names: [...new Set(names)], imports, sideEffects, globals: [...new Set(globals)] };
}

/** Splits a cell's .d.ts into statement texts per declared name, ready to sit inside `declare global {}`. */
export function groupDeclarations(ts: typeof TS, dts: string): Map<string, string[]> {
  const sf = ts.createSourceFile("cell.d.ts", dts, ts.ScriptTarget.ES2022, true);
  const groups = new Map<string, string[]>();
  const add = (name: string, text: string) => {
    const list = groups.get(name);
    if (list) list.push(text);
    else groups.set(name, [text]);
  };
  const statements: TS.Statement[] = [];
  for (const st of sf.statements) {
    // What a `declare global` block declares is grouped by name too: it goes into the same `declare global`.
    if (isGlobalAugmentation(ts, st)) {
      if (st.body && ts.isModuleBlock(st.body)) statements.push(...st.body.statements);
    } else statements.push(st);
  }
  for (const st of statements) {
    if (ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isExportAssignment(st)) continue;
    if (ts.isVariableStatement(st)) {
      const flags = st.declarationList.flags;
      const keyword = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) add(d.name.text, `${keyword} ${d.getText(sf)};`);
      }
      continue;
    }
    const name = (st as TS.DeclarationStatement).name;
    if (name && ts.isIdentifier(name)) add(name.text, stripAmbientModifiers(st.getText(sf)));
  }
  return groups;
}

/** Inside `declare global {}` the context is already ambient: `export`/`declare` must go. */
function stripAmbientModifiers(text: string): string {
  return text.replace(/^(?:(?:export|declare|default)\s+)+/, "");
}

/**
 * The text of one cell's global declaration file: its imports (module-local: TypeScript allows no imports in
 * `declare global`; later cells re-import what they use), then the names this cell still owns.
 */
export function declarationFile(imports: ImportBinding[], carried: ImportBinding[], groups: Map<string, string[]>, owns: (name: string) => boolean, sideEffects: string[] = [], shadows: ReadonlySet<string> = new Set()): string {
  const head: string[] = sideEffects.map((spec) => `import ${JSON.stringify(spec)};`);
  const seen = new Set<string>();
  for (const imp of [...imports, ...carried]) {
    if (seen.has(imp.local)) continue;
    seen.add(imp.local);
    const spec = JSON.stringify(imp.specifier);
    if (imp.kind === "default") head.push(`import ${imp.local} from ${spec};`);
    else if (imp.kind === "namespace") head.push(`import * as ${imp.local} from ${spec};`);
    else head.push(`import { ${imp.imported} as ${imp.local} } from ${spec};`);
  }
  const body: string[] = [];
  // Names that shadow a library global stay at module level (exported, imported by later cells): inside
  // `declare global` they would merge with the library's declaration instead of replacing it.
  const local: string[] = [];
  for (const [name, texts] of groups) {
    if (!owns(name)) continue;
    if (shadows.has(name)) local.push(...texts.map((t) => `export declare ${t}`));
    else body.push(...texts);
  }
  return `${head.join("\n")}\n${local.join("\n")}\ndeclare global {\n${body.join("\n")}\n}\nexport {};\n`;
}

/**
 * Every identifier in `text`: what a cell or declaration file may refer to. Taken from the syntax tree, since a
 * bare scanner cannot tell where a template literal resumes after `${...}`.
 */
export function identifiersIn(ts: typeof TS, text: string | TS.SourceFile): Set<string> {
  const sf = typeof text === "string" ? ts.createSourceFile("ids.ts", text, ts.ScriptTarget.ES2022, false) : text;
  const ids = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node)) ids.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return ids;
}
