/**
 * Type-checks notebook cells. Each cell is checked as a module; what earlier cells declared reaches it as
 * global declarations (one generated .d.ts per cell, holding only the names no later cell has replaced), so
 * re-declaring `const x` in a new cell shadows the old one instead of clashing with it.
 *
 * The check uses `ts.createProgram` with the previous program for reuse and a cache of parsed library
 * files: a trivial cell costs a few milliseconds. Completion and inspection use a language service.
 */
import type * as TS from "typescript";
import { statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { notInstalledMessage, packageName, parseNpmSpecifier, tslabModulePath } from "../compat/specifiers.js";
import { declarationFile, groupDeclarations, identifiersIn, isGlobalAugmentation, topLevelNames, type ImportBinding } from "./declarations.js";
import { chooseProfile, LOOSE_IGNORED, type CheckProfile } from "./profile.js";
import { reusableImports } from "./reuse.js";
import { completeSpecifier } from "./specifiers.js";

export interface CellDiagnostic {
  line: number; // 1-based, within the cell (or within `file`)
  column: number; // 1-based
  code: number;
  message: string;
  /** Set when the error is in a local module the cell imports (path relative to the notebook). */
  file?: string;
}

export interface CheckResult {
  diagnostics: CellDiagnostic[];
  /** Top-level names the cell declares, imports included. */
  names: string[];
  imports: ImportBinding[];
  /** The cell as JavaScript (ES module syntax, every non-type import kept); empty when there are errors. */
  js: string;
  /** TypeScript's source map from `js` back to the cell (version 3 JSON), "" when there are errors. */
  map: string;
  /** Makes the cell's declarations visible to later cells; call once the cell has run. */
  commit(): void;
}

/**
 * Diagnostics that only `verbatimModuleSyntax` raises (which we enable so a cell keeps imports it does not use
 * itself): a notebook may import a type without `import type`.
 */
const IGNORED = new Set([1484, 1485]);

interface CellDecls {
  imports: ImportBinding[];
  /** Earlier cells' imports this cell used: its declaration file imports them too, module-locally. */
  carried: ImportBinding[];
  groups: Map<string, string[]>;
  /** `import "x"` may add global types: such a cell's file is always part of the program. */
  sideEffects: string[];
  /**
   * Names its `declare global` blocks declare: they may augment any global (`interface Array<T>`), so a file that
   * still owns one is part of every program, and a later cell declaring the same name takes it over.
   */
  globals: string[];
  /** Identifiers its declarations mention: the other cells' files they may need. */
  refs: Set<string>;
  /**
   * Types the cell declares that have a global of the same name (DOM's `Event`, Node's `Blob`): kept at module
   * level in its declaration file and imported by later cells, so they replace the global instead of merging.
   */
  shadows: Set<string>;
}

/**
 * The other kernels' globals: Deno's (compat/deno.ts) and the JSX factory (compat/jsx.ts). A file of their own,
 * part of a cell's program only when the cell (or a declaration it uses) mentions them or has JSX: their types
 * cost about 2 ms a cell.
 */
function compatPrelude(packageRoot: string): string {
  const compat = (name: string) => JSON.stringify(join(packageRoot, "dist", "kernel", "compat", `${name}.js`));
  return [
    `import type * as __mlsd_deno from ${compat("deno")};`,
    `import type * as __mlsd_jsx_types from ${compat("jsx")};`,
    "declare global {",
    "  const Deno: __mlsd_deno.DenoGlobal;",
    "  const __mlsd_jsx: typeof __mlsd_jsx_types.jsx;",
    "  namespace JSX {",
    "    interface IntrinsicElements { [element: string]: Record<string, unknown> }",
    "    interface Element extends __mlsd_jsx_types.JsxElement {}",
    "    interface ElementChildrenAttribute { children: {} }",
    "  }",
    "}",
    "export {};",
  ].join("\n");
}

const COMPAT_NAMES = ["Deno", "JSX", "__mlsd_jsx"];

/** Globals every cell sees: mlsd's display helpers and browser-style input. */
function prelude(packageRoot: string): string {
  return [
    'import type * as __mlsd_display from "mlsd/display";',
    `import type * as __mlsd_stdin from ${JSON.stringify(join(packageRoot, "dist", "kernel", "stdin.js"))};`,
    "declare global {",
    "  const display: typeof __mlsd_display.display;",
    "  const clearOutput: typeof __mlsd_display.clearOutput;",
    "  const progress: typeof __mlsd_display.progress;",
    // Browser input over the stdin channel (kernel/stdin.ts); functions, so they merge with lib.dom's.
    "  function prompt(message?: string, _default?: string): string | null;",
    "  function confirm(message?: string): boolean;",
    "  function alert(message?: any): void;",
    "  const input: typeof __mlsd_stdin.input;",
    "}",
    "export {};",
  ].join("\n");
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * How many cells one type checker checks before the next program is built anyway: the checker remembers the
 * nodes of every cell it checked, so this bounds what a long session of trivial cells keeps alive.
 */
const REUSE_LIMIT = 100;

/** Names a cell may not take over: the kernel and Node itself depend on them. */
const RESERVED = new Set(["process", "console", "globalThis", "global", "Buffer", "require", "module", "exports", "setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "queueMicrotask", "Promise", "Object", "Array", "Function", "Symbol", "Error", "undefined", "NaN", "Infinity", "JSON", "Math", "Reflect"]);

/** An import statement for a binding. */
function importText(b: ImportBinding): string {
  const spec = JSON.stringify(b.specifier);
  if (b.kind === "default") return `import ${b.local} from ${spec};`;
  if (b.kind === "namespace") return `import * as ${b.local} from ${spec};`;
  return `import { ${b.imported} as ${b.local} } from ${spec};`;
}

/** Type-only names a cell can declare: the kinds that would merge with a global of the same name. */
function isTypeDeclaration(ts: typeof TS, st: TS.Statement): st is TS.DeclarationStatement {
  return ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name) && !isGlobalAugmentation(ts, st));
}

export class CellChecker {
  private cellFile: string;
  readonly profile: CheckProfile;
  private readonly preludeFile: string;
  private readonly compatFile: string;
  /** Whether the cell being checked may hold JSX (a `<`) or import a local module (which may be .tsx). */
  private cellHasAngle = false;
  private readonly options: TS.CompilerOptions;
  private readonly virtual = new Map<string, string>();
  /** Parsed (and, once a program used them, bound) library files: the snapshot hands a filled one over. */
  private readonly diskCache: Map<string, TS.SourceFile | undefined>;
  /** Paths found missing during the current check (see makeHost's memo). */
  private readonly missing: Set<string>[] = [];
  private readonly localCache = new Map<string, { mtime: number; sf: TS.SourceFile | undefined }>();
  private readonly virtualCache = new Map<string, { text: string; sf: TS.SourceFile }>();
  private readonly host: TS.CompilerHost;
  private program: TS.Program | undefined;
  private readonly cells = new Map<number, CellDecls>();
  private readonly owner = new Map<string, number>();
  /** While a cell with `declare global` is checked: the global names it declares, left out of earlier cells' files. */
  private hidden = new Set<string>();
  private nextCell = 1;
  private service: TS.LanguageService | undefined;
  private serviceVersion = 0;
  /** Bumped whenever a file other than the cell changes in `virtual`: the program's checker is stale then. */
  private virtualVersion = 0;
  /** What the current program was built from (see reuseChecker). */
  private built: { roots: string[]; virtualVersion: number; cellFile: string } | undefined;
  /** The options TypeScript created the cell's source file with (module format, JSDoc mode). */
  private cellFileOptions: TS.CreateSourceFileOptions | undefined;
  /** Cells checked by the current program's checker since it was built; see REUSE_LIMIT. */
  private reused = 0;
  /** How many cells were checked by an earlier program's checker (for tests and MLSD_TRACE). */
  reusedChecks = 0;
  /** MLSD_CHECKER_REUSE=0 builds a program for every cell (to compare against the fast path). */
  private readonly reuseAllowed = process.env["MLSD_CHECKER_REUSE"] !== "0";

  private readonly ignored: Set<number>;
  private readonly libDir: string;
  private readonly distDir: string;

  /**
   * `profile`: which checks stop a cell (default: chosen from the notebook's folder, see profile.ts).
   * `libraryFiles`: another checker's `libraryFiles()` (same TypeScript, same package root), whose parsed and
   * bound library files this one starts with instead of parsing them again (the start-up snapshot does this).
   */
  constructor(private readonly ts: typeof TS, private readonly cwd: string, private readonly packageRoot: string, profile?: CheckProfile, libraryFiles?: ReadonlyMap<string, TS.SourceFile>) {
    this.profile = profile ?? chooseProfile(cwd, "typescript");
    this.diskCache = new Map(libraryFiles);
    this.cellFile = this.cellPath(this.profile.language === "javascript" ? "js" : "ts");
    this.preludeFile = join(cwd, "__mlsd_prelude__.d.ts");
    this.libDir = dirname(ts.getDefaultLibFilePath({}));
    this.distDir = join(packageRoot, "dist");
    this.options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [join(packageRoot, "node_modules", "@types")],
      // tslab's defaults: the strict family is opt-in (profile.ts), so untyped code runs.
      strict: false,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      resolveJsonModule: true,
      // Local .js/.mjs/.cjs modules give their types; JavaScript cells are checked for syntax only.
      allowJs: true,
      checkJs: false,
      allowImportingTsExtensions: true,
      // JSX in cells: elements built by the kernel's own factory and shown as HTML (compat/jsx.ts).
      jsx: ts.JsxEmit.React,
      jsxFactory: "__mlsd_jsx.h",
      jsxFragmentFactory: "__mlsd_jsx.Fragment",
      skipLibCheck: true,
      declaration: true,
      sourceMap: true,
      // Never written (emit goes to a callback); it keeps TypeScript from refusing to "overwrite" a .js cell.
      outDir: join(cwd, "__mlsd_out__"),
      noEmitOnError: false,
      verbatimModuleSyntax: true,
      ...this.profile.flags,
    };
    this.ignored = new Set([...IGNORED, ...(this.profile.name === "loose" ? LOOSE_IGNORED : [])]);
    this.virtual.set(this.preludeFile, prelude(packageRoot));
    this.compatFile = join(cwd, "__mlsd_compat__.d.ts");
    this.virtual.set(this.compatFile, compatPrelude(packageRoot));
    this.host = this.makeHost();
  }

  private cellPath(ext: string): string {
    return join(this.cwd, `__mlsd_cell__.${ext}`);
  }

  /** .ts, or .tsx when the cell only parses with JSX; JavaScript cells (.js) parse JSX as they are. */
  private chooseCellFile(code: string): void {
    // JSX in the cell, or a local module (which may be .tsx) imported: the JSX types are needed.
    this.cellHasAngle = code.includes("<") || /(?:from|import|require)\s*\(?\s*["']\.{1,2}\//.test(code);
    let file = this.cellPath("js");
    if (this.profile.language === "typescript") {
      file = this.cellPath("ts");
      if (code.includes("<")) {
        const errors = (sf: TS.SourceFile) => (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
        const asTs = this.ts.createSourceFile(file, code, this.ts.ScriptTarget.ES2022, false, this.ts.ScriptKind.TS);
        if (errors(asTs) > 0 && errors(this.ts.createSourceFile(file, code, this.ts.ScriptTarget.ES2022, false, this.ts.ScriptKind.TSX)) === 0) file = this.cellPath("tsx");
      }
    }
    if (file !== this.cellFile) {
      this.virtual.delete(this.cellFile);
      this.cellFile = file;
    }
  }

  private scriptKind(): TS.ScriptKind {
    const ext = this.cellFile.slice(this.cellFile.lastIndexOf(".") + 1);
    return ext === "tsx" ? this.ts.ScriptKind.TSX : ext === "js" ? this.ts.ScriptKind.JS : this.ts.ScriptKind.TS;
  }

  /**
   * The library files parsed so far (TypeScript's lib, packages' declarations, mlsd's own dist/), by path: what
   * a checker for another notebook folder can start from. Declaration files only: how they are parsed and bound
   * does not depend on the check profile (`alwaysStrict` binds JavaScript files differently, never a .d.ts).
   */
  libraryFiles(): Map<string, TS.SourceFile> {
    const out = new Map<string, TS.SourceFile>();
    for (const [path, sf] of this.diskCache) if (sf && sf.isDeclarationFile) out.set(path, sf);
    return out;
  }

  /** How many files the current program holds (for MLSD_TRACE). */
  programFiles(): number {
    return this.program?.getSourceFiles().length ?? 0;
  }

  /** Type-checks `code` as the next cell. */
  check(code: string): CheckResult {
    const ts = this.ts;
    this.chooseCellFile(code);
    const parsed = ts.createSourceFile(this.cellFile, code, ts.ScriptTarget.ES2022, true, this.scriptKind());
    const { names, imports, sideEffects, globals } = topLevelNames(ts, parsed);
    // Re-declared in a `declare global`, a name replaces an earlier cell's declaration instead of merging with it
    // (or clashing, for a `var` of another type): leave it out of the earlier files while this cell is checked.
    const hide = globals.filter((n) => this.owner.has(n));
    if (hide.length === 0) return this.checkParsed(code, parsed, names, imports, sideEffects, globals);
    this.setHidden(new Set(hide));
    try {
      return this.checkParsed(code, parsed, names, imports, sideEffects, globals);
    } finally {
      this.setHidden(new Set());
    }
  }

  /** Rewrites the declaration files that own a name entering or leaving `hidden`. */
  private setHidden(next: Set<string>): void {
    const touched = new Set<number>();
    for (const n of [...this.hidden, ...next]) {
      const id = this.owner.get(n);
      if (id !== undefined) touched.add(id);
    }
    this.hidden = next;
    for (const id of touched) this.writeDeclarationFile(id);
  }

  private checkParsed(code: string, parsed: TS.SourceFile, names: string[], imports: ImportBinding[], sideEffects: string[], globals: string[]): CheckResult {
    const ts = this.ts;
    const reserved = [...names, ...imports.map((i) => i.local)].filter((n) => RESERVED.has(n));
    if (reserved.length > 0) {
      return {
        diagnostics: [{ line: 1, column: 1, code: 0, message: `Cannot declare '${reserved[0]}' in a cell: the kernel and Node.js rely on the global of that name. Choose another name.` }],
        names,
        imports,
        js: "",
        map: "",
        commit: () => undefined,
      };
    }
    // Exporting every top-level name makes the .d.ts emit carry all of them.
    const exported = names.filter((n) => !imports.some((i) => i.local === n));
    // One walk over the cell's identifiers serves both the re-imports and the choice of declaration files.
    const mentioned = new Set(identifiersIn(ts, parsed));
    const carried = this.carriedImports(mentioned, [...names, ...imports.map((i) => i.local)]);
    const text = `${code}\n;export { ${exported.join(", ")} };\n${carried.map(importText).join("\n")}\n`;
    const roots = this.rootsFor(mentioned);
    const javascript = this.profile.language === "javascript";
    const fast = javascript ? undefined : this.reuseChecker(text, roots);
    const program = fast?.program ?? this.rebuild(text, roots);
    const sf = fast?.sf ?? program.getSourceFile(this.cellFile)!;
    const raw = fast?.diagnostics ?? [...program.getSyntacticDiagnostics(sf), ...(javascript ? [] : program.getSemanticDiagnostics(sf))];
    // Diagnostics past the cell's text belong to the export list appended above, not to the user.
    const diagnostics = raw
      .filter((d) => !this.ignored.has(d.code) && (d.start === undefined || d.start < code.length))
      .map((d) => this.toCellDiagnostic(d, sf, code.length));
    if (!javascript) diagnostics.push(...this.localModuleDiagnostics(program, [...imports.map((i) => i.specifier), ...sideEffects]));
    let groups = new Map<string, string[]>();
    let js = "";
    let map = "";
    let shadows = new Set<string>();
    if (diagnostics.length === 0) {
      let dts = "";
      // One emit gives both the JavaScript to run and, if the cell declares names, their .d.ts.
      // Earlier cells' imports, appended after the code for the type checker, are already bound at run time.
      const dropCarried: TS.TransformerFactory<TS.SourceFile> = (ctx) => (file) =>
        ctx.factory.updateSourceFile(file, file.statements.filter((st) => !(ts.isImportDeclaration(st) && st.pos >= code.length)));
      // forceDtsEmit (emit's internal sixth argument): a declaration whose type TypeScript cannot name portably
      // (TS2742: a type of a package that only mlsd's own node_modules holds, as connect()'s DuckDBConnection
      // from a notebook folder outside mlsd) would otherwise block the whole .d.ts, and every name the cell
      // declared would be lost to later cells ("Cannot find name"). Forced, the emit types just that
      // declaration `any`, and keeps the others.
      const emit = program.emit as (...args: [...Parameters<TS.Program["emit"]>, boolean]) => TS.EmitResult;
      emit.call(
        program,
        sf,
        (name, data) => {
          if (name.endsWith(".map")) map = data;
          else if (name.endsWith(".d.ts")) dts = data;
          else if (name.endsWith(".js")) js = data.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
        },
        undefined,
        false,
        { before: [dropCarried] },
        true,
      );
      if (exported.length > 0 || globals.length > 0) groups = groupDeclarations(ts, dts);
      shadows = this.globalTypesShadowed(program, sf);
    }
    let committed = false;
    return {
      diagnostics,
      names: [...names, ...imports.map((i) => i.local)],
      imports,
      js,
      map,
      commit: () => {
        if (committed || diagnostics.length > 0) return;
        committed = true;
        if (groups.size > 0 || imports.length > 0 || sideEffects.length > 0) {
          const refs = new Set<string>();
          for (const texts of groups.values()) for (const t of texts) for (const id of identifiersIn(ts, t)) refs.add(id);
          this.addCell({ imports, carried: carried.filter((c) => refs.has(c.local)), groups, sideEffects, globals: globals.filter((n) => groups.has(n)), refs, shadows });
        }
      },
    };
  }

  /**
   * The types this cell declares whose name is also a global from a library file (not an earlier cell): those
   * must not go into `declare global`, where TypeScript would merge them with the library's.
   */
  private globalTypesShadowed(program: TS.Program, sf: TS.SourceFile): Set<string> {
    const ts = this.ts;
    const out = new Set<string>();
    const candidates = sf.statements.filter((st) => isTypeDeclaration(ts, st) && st.name && ts.isIdentifier(st.name));
    if (candidates.length === 0) return out;
    const checker = program.getTypeChecker();
    for (const st of candidates) {
      const name = (st as TS.DeclarationStatement).name!.getText(sf);
      const global = checker.resolveName(name, undefined, ts.SymbolFlags.Type | ts.SymbolFlags.Value, false);
      if (global?.declarations?.some((d) => !this.virtual.has(d.getSourceFile().fileName))) out.add(name);
    }
    return out;
  }

  /** Errors in the local TypeScript modules this cell imports (they are type-checked as the cell is). */
  private localModuleDiagnostics(program: TS.Program, specifiers: string[]): CellDiagnostic[] {
    const ts = this.ts;
    const out: CellDiagnostic[] = [];
    for (const spec of new Set(specifiers)) {
      if (!spec.startsWith(".") && !spec.startsWith("/")) continue;
      const resolved = ts.resolveModuleName(spec, this.cellFile, this.options, this.host).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport || resolved.resolvedFileName.endsWith(".d.ts")) continue;
      if (!/\.[cm]?tsx?$/.test(resolved.resolvedFileName)) continue;
      const file = program.getSourceFile(resolved.resolvedFileName);
      if (!file) continue;
      for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        if (this.ignored.has(d.code)) continue;
        const { line, character } = file.getLineAndCharacterOfPosition(d.start ?? 0);
        out.push({ line: line + 1, column: character + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, "\n"), file: relative(this.cwd, file.fileName) });
      }
    }
    return out;
  }

  /**
   * Completions at `offset` (UTF-16) in `code`, filtered by the identifier being typed. Private members (a
   * leading `_`, unless the user typed one) and `@internal` ones are left out, as IPython leaves out `_` names.
   */
  complete(code: string, offset: number): { matches: string[]; start: number; end: number } {
    const ts = this.ts;
    const specifier = completeSpecifier(code, offset, this.cwd, this.packageRoot);
    if (specifier) return specifier;
    let start = offset;
    while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
    let end = offset;
    while (end < code.length && /[\w$]/.test(code[end]!)) end++;
    const prefix = code.slice(start, offset);
    const service = this.languageService(code);
    const info = service.getCompletionsAtPosition(this.cellFile, offset, { includeCompletionsWithInsertText: true });
    const visible = (name: string) => !name.startsWith("__mlsd") && (prefix.startsWith("_") || !name.startsWith("_"));
    const entries = (info?.entries ?? []).filter((e) => e.kind !== ts.ScriptElementKind.warning && visible(e.name));
    const sorted = [...entries].sort((a, b) => (a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText < b.sortText ? -1 : 1));
    let chosen = sorted.filter((e) => e.name.startsWith(prefix));
    if (chosen.length === 0) {
      const lower = prefix.toLowerCase();
      chosen = sorted.filter((e) => e.name.toLowerCase().startsWith(lower));
    }
    // @internal is a JSDoc tag: only the entry's details say so. Members only (a short list after a dot).
    if (info?.isMemberCompletion && chosen.length <= 200) {
      chosen = chosen.filter((e) => {
        const details = service.getCompletionEntryDetails(this.cellFile, offset, e.name, undefined, e.source, undefined, e.data);
        return !details?.tags?.some((t) => t.name === "internal");
      });
    }
    return { matches: [...new Set(chosen.map((e) => e.name))], start, end };
  }

  /** Type and documentation of the symbol at `offset`, or null (also for a name that is not defined). */
  inspect(code: string, offset: number): { signature: string; documentation: string } | null {
    const ts = this.ts;
    const service = this.languageService(code);
    let at = offset;
    let info = service.getQuickInfoAtPosition(this.cellFile, at);
    if (!info && offset > 0) info = service.getQuickInfoAtPosition(this.cellFile, (at = offset - 1));
    if (!info) return null;
    // An undefined identifier gets quick info of kind "" and type any: report it as not found instead.
    if (info.kind === ts.ScriptElementKind.unknown && /^[A-Za-z_$][\w$]*$/.test(code.slice(info.textSpan.start, info.textSpan.start + info.textSpan.length))) return null;
    const signature = ts.displayPartsToString(info.displayParts);
    const docs = ts.displayPartsToString(info.documentation);
    const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`.trim());
    return { signature, documentation: [docs, ...tags].filter(Boolean).join("\n\n") };
  }

  /**
   * Imports of earlier cells that this cell mentions and does not redefine. TypeScript allows no imports inside
   * `declare global`, so instead of making them global the checker re-imports them at the end of the cell's
   * text (imports are hoisted; positions of the user's code do not move).
   */
  private carriedImports(mentioned: Set<string>, own: string[]): ImportBinding[] {
    const out: ImportBinding[] = [];
    for (const name of mentioned) {
      if (own.includes(name)) continue;
      const owner = this.owner.get(name);
      const cell = owner === undefined ? undefined : this.cells.get(owner);
      // A type that shadows a global lives at module level in its cell's declaration file: import it from there.
      if (cell?.shadows.has(name)) out.push({ local: name, specifier: `./${this.declName(owner!)}`, kind: "named", imported: name });
      const binding = cell?.imports.find((i) => i.local === name);
      if (binding) out.push(binding);
    }
    return out;
  }

  private addCell(decls: CellDecls): void {
    const id = this.nextCell++;
    const previous = new Set<number>();
    for (const name of [...decls.groups.keys(), ...decls.imports.map((i) => i.local)]) {
      const before = this.owner.get(name);
      if (before !== undefined) previous.add(before);
      this.owner.set(name, id);
    }
    this.cells.set(id, decls);
    this.writeDeclarationFile(id);
    for (const old of previous) this.writeDeclarationFile(old);
  }

  private writeDeclarationFile(id: number): void {
    const decls = this.cells.get(id)!;
    const owns = (name: string) => this.owner.get(name) === id && !this.hidden.has(name);
    const path = this.declPath(id);
    const ownsAny = [...decls.groups.keys(), ...decls.imports.map((i) => i.local)].some(owns);
    if (!ownsAny && decls.sideEffects.length === 0) {
      if (this.virtual.delete(path)) this.virtualVersion++;
      // Hidden names come back after the check: only a cell that owns nothing at all is forgotten.
      if (![...decls.groups.keys(), ...decls.imports.map((i) => i.local)].some((n) => this.owner.get(n) === id)) this.cells.delete(id);
      return;
    }
    this.virtualVersion++;
    this.virtual.set(path, declarationFile(decls.imports, decls.carried, decls.groups, owns, decls.sideEffects, decls.shadows));
  }

  private declName(id: number): string {
    return `__mlsd_decl_${id}__`;
  }

  private declPath(id: number): string {
    return join(this.cwd, `${this.declName(id)}.d.ts`);
  }

  /**
   * The declaration files a cell can depend on: those owning a name it mentions, and what their
   * declarations mention in turn. A cell's types cannot depend on the others, and leaving them out keeps a
   * cell that does not touch tfjs from paying for tfjs's ~700 declaration files.
   */
  private rootsFor(mentioned: Set<string>): string[] {
    const roots = [this.preludeFile, this.cellFile];
    const included = new Set<number>();
    const pending = [...mentioned];
    for (const [id, decls] of this.cells) {
      if ((decls.sideEffects.length > 0 || decls.globals.some((n) => this.owner.get(n) === id)) && !included.has(id)) {
        included.add(id);
        pending.push(...decls.refs);
      }
    }
    while (pending.length > 0) {
      const owner = this.owner.get(pending.pop()!);
      if (owner === undefined || included.has(owner)) continue;
      included.add(owner);
      pending.push(...this.cells.get(owner)!.refs);
    }
    // A file whose every name is hidden for this check is not there.
    for (const id of included) if (this.virtual.has(this.declPath(id))) roots.push(this.declPath(id));
    const mentionsCompat = (names: Set<string>) => COMPAT_NAMES.some((n) => names.has(n));
    if (this.cellHasAngle || mentionsCompat(mentioned) || [...included].some((id) => mentionsCompat(this.cells.get(id)!.refs) || this.cells.get(id)!.imports.some((i) => i.specifier.startsWith(".")))) roots.push(this.compatFile);
    return roots;
  }

  private rebuild(cellText: string, roots: string[]): TS.Program {
    for (const set of this.missing) set.clear();
    this.virtual.set(this.cellFile, cellText);
    this.program = this.ts.createProgram({ rootNames: roots, options: this.options, host: this.host, ...(this.program ? { oldProgram: this.program } : {}) });
    this.built = { roots, virtualVersion: this.virtualVersion, cellFile: this.cellFile };
    this.reused = 0;
    return this.program;
  }

  /**
   * Checks the cell with the current program's type checker instead of building a program (reuse.ts says why
   * that gives the same diagnostics, and which cells cannot). Undefined when the cell needs a program: other
   * roots (it mentions other cells' names), a declaration file changed (the previous cell declared names), a
   * local module changed on disk, or an import the program did not resolve for the cell file.
   */
  private reuseChecker(cellText: string, roots: string[]): { program: TS.Program; sf: TS.SourceFile; diagnostics: TS.Diagnostic[] } | undefined {
    const ts = this.ts;
    const program = this.program;
    const built = this.built;
    if (!this.reuseAllowed || !program || !built || !this.cellFileOptions || this.reused >= REUSE_LIMIT) return undefined;
    if (built.cellFile !== this.cellFile || built.virtualVersion !== this.virtualVersion || roots.length !== built.roots.length || roots.some((r, i) => r !== built.roots[i])) return undefined;
    const old = program.getSourceFile(this.cellFile);
    // The previous cell is part of the checker: if it added globals (`declare global`), they are in there.
    if (!old || !reusableImports(ts, old)) return undefined;
    for (const [file, { mtime }] of this.localCache) if (mtimeOf(file) !== mtime) return undefined;
    const sf = ts.createSourceFile(this.cellFile, cellText, this.cellFileOptions, true, this.scriptKind());
    const specifiers = reusableImports(ts, sf);
    if (!specifiers) return undefined;
    const internal = program as unknown as { getResolvedModule(f: TS.SourceFile, name: string, mode: TS.ResolutionMode): { resolvedModule?: TS.ResolvedModuleFull } | undefined };
    for (const literal of specifiers) {
      const spec = literal.text;
      // Relative imports are re-resolved for every cell (a file may have appeared); packages are stable.
      if (spec.startsWith(".") || spec.startsWith("/")) return undefined;
      if (!internal.getResolvedModule(old, spec, ts.getModeForUsageLocation(sf, literal, this.options))?.resolvedModule) return undefined;
    }
    // Where the program would have put it: module resolution and the emit look the file up by its path.
    const { path, resolvedPath, originalFileName } = old as unknown as Record<string, string>;
    // What the program records while collecting a file's imports; the declaration emit reads `imports`.
    Object.assign(sf, { path, resolvedPath, originalFileName, imports: specifiers, moduleAugmentations: [], ambientModuleNames: [] });
    const internals = ts as unknown as { bindSourceFile(f: TS.SourceFile, o: TS.CompilerOptions): void };
    const checker = program.getTypeChecker() as TS.TypeChecker & { getDiagnostics(f: TS.SourceFile): readonly TS.Diagnostic[] };
    // A missing global type is reported once per checker (then cached): a fresh checker would report it again.
    if (program.getGlobalDiagnostics().length > 0) return undefined;
    internals.bindSourceFile(sf, this.options);
    // The checker files diagnostics by file name, which earlier cells share: keep this cell's own (and the
    // global ones this check raised, which have no file).
    const semantic = checker.getDiagnostics(sf).filter((d) => d.file === sf || d.file === undefined);
    const bind = (sf as unknown as { bindDiagnostics: TS.Diagnostic[] }).bindDiagnostics;
    const parse = (sf as unknown as { parseDiagnostics: TS.Diagnostic[] }).parseDiagnostics;
    this.reused++;
    this.reusedChecks++;
    this.virtual.set(this.cellFile, cellText);
    return { program, sf, diagnostics: [...parse, ...ts.sortAndDeduplicateDiagnostics([...bind, ...semantic])] };
  }

  private toCellDiagnostic(d: TS.Diagnostic, sf: TS.SourceFile, codeLength: number): CellDiagnostic {
    let message = this.ts.flattenDiagnosticMessageText(d.messageText, "\n");
    // "Cannot find module 'x'" for a package: say which package and how to install it.
    const missing = d.code === 2307 || d.code === 2792 ? /^Cannot find module '([^']+)'/.exec(message)?.[1] : undefined;
    if (missing !== undefined && (missing.startsWith("npm:") || packageName(missing) !== null)) message = notInstalledMessage(missing, this.cwd);
    const pos = Math.min(d.start ?? 0, codeLength);
    const { line, character } = sf.getLineAndCharacterOfPosition(pos);
    return { line: line + 1, column: character + 1, code: d.code, message };
  }

  private sourceFile(fileName: string, languageVersion: TS.ScriptTarget | TS.CreateSourceFileOptions): TS.SourceFile | undefined {
    if (fileName === this.cellFile && typeof languageVersion === "object") this.cellFileOptions = languageVersion;
    const text = this.virtual.get(fileName);
    if (text !== undefined) {
      // Re-use the parsed file while its text is unchanged, so the old program's structure carries over.
      const cached = this.virtualCache.get(fileName);
      if (cached && cached.text === text) return cached.sf;
      const sf = this.ts.createSourceFile(fileName, text, languageVersion, true);
      this.virtualCache.set(fileName, { text, sf });
      return sf;
    }
    if (!this.isStable(fileName)) {
      // The notebook's own modules change while the kernel runs: re-parse one when its mtime moves.
      const mtime = mtimeOf(fileName);
      const cached = this.localCache.get(fileName);
      if (cached && cached.mtime === mtime) return cached.sf;
      const disk = mtime < 0 ? undefined : this.ts.sys.readFile(fileName);
      const sf = disk === undefined ? undefined : this.ts.createSourceFile(fileName, disk, languageVersion, false);
      this.localCache.set(fileName, { mtime, sf });
      return sf;
    }
    if (this.diskCache.has(fileName)) return this.diskCache.get(fileName);
    const disk = this.host.readFile(fileName);
    const sf = disk === undefined ? undefined : this.ts.createSourceFile(fileName, disk, languageVersion, false);
    this.diskCache.set(fileName, sf);
    return sf;
  }

  /** Library files (packages, TypeScript's lib) do not change while a kernel runs; the notebook's files may. */
  private isStable(path: string): boolean {
    return path.includes("/node_modules/") || path.startsWith(this.libDir) || path.startsWith(this.distDir);
  }

  private makeHost(): TS.CompilerHost {
    const ts = this.ts;
    const sys = ts.sys;
    // Library files do not change while a kernel runs: answer each disk question once. Without this,
    // every cell re-stats and re-reads package.json scopes for all ~800 declaration files (25 ms a cell).
    const memo = <T>(fn: (p: string) => T): ((p: string) => T) => {
      const cache = new Map<string, T>();
      // Each question its own: a path that is not a file may be a directory.
      const missing = new Set<string>();
      this.missing.push(missing);
      return (p) => {
        if (cache.has(p)) return cache.get(p)!;
        const stable = this.isStable(p) || p.endsWith("/package.json") || p.endsWith("/node_modules");
        if (!stable) return fn(p);
        if (missing.has(p)) return undefined as T;
        const v = fn(p);
        // What exists is remembered; what does not, for one check only: a package installed after a failed
        // import is found by the next cell.
        if (v !== undefined && v !== false) cache.set(p, v);
        else missing.add(p);
        return v;
      };
    };
    const diskExists = memo((f) => sys.fileExists(f));
    const diskRead = memo((f) => sys.readFile(f));
    const dirExists = memo((d) => sys.directoryExists(d));
    const dirs = memo((d) => sys.getDirectories(d));
    const realpath = memo((p) => (sys.realpath ? sys.realpath(p) : p));
    const cache = ts.createModuleResolutionCache(this.cwd, (f) => f, this.options);
    const host: TS.CompilerHost = {
      getSourceFile: (f, v) => this.sourceFile(f, v),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      writeFile: () => undefined,
      getCurrentDirectory: () => this.cwd,
      getCanonicalFileName: (f) => f,
      useCaseSensitiveFileNames: () => sys.useCaseSensitiveFileNames,
      getNewLine: () => "\n",
      fileExists: (f) => this.virtual.has(f) || diskExists(f),
      readFile: (f) => this.virtual.get(f) ?? diskRead(f),
      directoryExists: dirExists,
      getDirectories: dirs,
      realpath,
      getModuleResolutionCache: () => cache,
      // As tsc: JSDoc is parsed only where it can change a type error (JavaScript files). A third of the time
      // of parsing the libraries went into their doc comments; completion and inspection, which show them,
      // parse through the language service, which keeps them.
      jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors,
    };
    const fallbackFrom = join(this.packageRoot, "__mlsd_cell__.ts");
    // Resolve from the notebook's folder first, then from this package, so `mlsd/...` and the packages
    // mlsd ships with work from a notebook anywhere.
    const tslabTypes = tslabModulePath(this.packageRoot);
    host.resolveModuleNameLiterals = (literals, containingFile, redirected, options) =>
      literals.map((lit) => {
        // Deno's npm:name@version is the package installed near the notebook; tslab's module is mlsd's own.
        let spec = parseNpmSpecifier(lit.text)?.bare ?? lit.text;
        if (spec === "tslab") spec = tslabTypes;
        // The notebook's relative imports skip the resolution cache, so a file created after a failed import is
        // found; packages' and mlsd's own files (which do not change) keep it.
        const relativeSpec = spec.startsWith(".") || spec.startsWith("/");
        const uncached = relativeSpec && !this.isStable(containingFile) && spec !== tslabTypes && (containingFile === this.cellFile || !this.virtual.has(containingFile));
        const first = ts.resolveModuleName(spec, containingFile, options, host, uncached ? undefined : cache, redirected);
        if (first.resolvedModule || relativeSpec || !containingFile.startsWith(this.cwd)) return first;
        const fallback = ts.resolveModuleName(spec, fallbackFrom, options, host, cache, redirected);
        if (fallback.resolvedModule) return fallback;
        // Still missing: ask again without the cache, which remembers failures (the package may be installed now).
        return ts.resolveModuleName(spec, containingFile, options, host, undefined, redirected);
      });
    return host;
  }

  private languageService(code: string): TS.LanguageService {
    const ts = this.ts;
    this.chooseCellFile(code);
    const parsed = ts.createSourceFile(this.cellFile, code, ts.ScriptTarget.ES2022, true, this.scriptKind());
    const { names, imports } = topLevelNames(ts, parsed);
    const carried = this.carriedImports(new Set(identifiersIn(ts, parsed)), [...names, ...imports.map((i) => i.local)]);
    this.virtual.set(this.cellFile, `${code}\nexport {};\n${carried.map(importText).join("\n")}\n`);
    this.serviceVersion++;
    if (!this.service) {
      const snapshots = new Map<string, TS.IScriptSnapshot>();
      const lsHost: TS.LanguageServiceHost = {
        getScriptFileNames: () => [...this.virtual.keys()],
        getScriptVersion: (f) => (this.virtual.has(f) ? `${this.serviceVersion}:${this.virtual.get(f)!.length}` : this.isStable(f) ? "0" : String(mtimeOf(f))),
        getScriptSnapshot: (f) => {
          const text = this.virtual.get(f);
          if (text !== undefined) return ts.ScriptSnapshot.fromString(text);
          let snap = this.isStable(f) ? snapshots.get(f) : undefined;
          if (!snap) {
            const disk = ts.sys.readFile(f);
            if (disk === undefined) return undefined;
            snap = ts.ScriptSnapshot.fromString(disk);
            snapshots.set(f, snap);
          }
          return snap;
        },
        getCurrentDirectory: () => this.cwd,
        getCompilationSettings: () => this.options,
        getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
        fileExists: this.host.fileExists,
        readFile: this.host.readFile,
        directoryExists: this.host.directoryExists!,
        getDirectories: this.host.getDirectories!,
        realpath: this.host.realpath!,
        resolveModuleNameLiterals: this.host.resolveModuleNameLiterals!,
      };
      this.service = ts.createLanguageService(lsHost, ts.createDocumentRegistry());
    }
    return this.service;
  }
}
