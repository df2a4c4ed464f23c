/**
 * Type-checks notebook cells. Each cell is checked as a module; what earlier cells declared reaches it as
 * global declarations (one generated .d.ts per cell, holding only the names no later cell has replaced), so
 * re-declaring `const x` in a new cell shadows the old one instead of clashing with it.
 *
 * The check uses `ts.createProgram` with the previous program for reuse and a cache of parsed library
 * files: a trivial cell costs a few milliseconds. Completion and inspection use a language service.
 */
import type * as TS from "typescript";
import { join } from "node:path";
import { declarationFile, groupDeclarations, identifiersIn, topLevelNames, type ImportBinding } from "./declarations.js";

export interface CellDiagnostic {
  line: number; // 1-based, within the cell
  column: number; // 1-based
  code: number;
  message: string;
}

export interface CheckResult {
  diagnostics: CellDiagnostic[];
  /** Top-level names the cell declares, imports included. */
  names: string[];
  imports: ImportBinding[];
  /** The cell as JavaScript (ES module syntax, every non-type import kept); empty when there are errors. */
  js: string;
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
  /** Identifiers its declarations mention: the other cells' files they may need. */
  refs: Set<string>;
}

/** Names a cell may not take over: the kernel and Node itself depend on them. */
const RESERVED = new Set(["process", "console", "globalThis", "global", "Buffer", "require", "module", "exports", "setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "queueMicrotask", "Promise", "Object", "Array", "Function", "Symbol", "Error", "undefined", "NaN", "Infinity", "JSON", "Math", "Reflect"]);

/** An import statement for a binding. */
function importText(b: ImportBinding): string {
  const spec = JSON.stringify(b.specifier);
  if (b.kind === "default") return `import ${b.local} from ${spec};`;
  if (b.kind === "namespace") return `import * as ${b.local} from ${spec};`;
  return `import { ${b.imported} as ${b.local} } from ${spec};`;
}

export class CellChecker {
  readonly cellFile: string;
  private readonly preludeFile: string;
  private readonly options: TS.CompilerOptions;
  private readonly virtual = new Map<string, string>();
  private readonly diskCache = new Map<string, TS.SourceFile | undefined>();
  private readonly virtualCache = new Map<string, { text: string; sf: TS.SourceFile }>();
  private readonly host: TS.CompilerHost;
  private program: TS.Program | undefined;
  private readonly cells = new Map<number, CellDecls>();
  private readonly owner = new Map<string, number>();
  private nextCell = 1;
  private service: TS.LanguageService | undefined;
  private serviceVersion = 0;

  constructor(private readonly ts: typeof TS, private readonly cwd: string, private readonly packageRoot: string) {
    this.cellFile = join(cwd, "__mlsd_cell__.ts");
    this.preludeFile = join(cwd, "__mlsd_prelude__.d.ts");
    this.options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [join(packageRoot, "node_modules", "@types")],
      strict: true,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      declaration: true,
      noEmitOnError: false,
      verbatimModuleSyntax: true,
    };
    this.virtual.set(
      this.preludeFile,
      [
        'import type * as __mlsd_display from "mlsd/display";',
        "declare global {",
        "  const display: typeof __mlsd_display.display;",
        "  const clearOutput: typeof __mlsd_display.clearOutput;",
        "  const progress: typeof __mlsd_display.progress;",
        "}",
        "export {};",
      ].join("\n"),
    );
    this.host = this.makeHost();
  }

  /** Type-checks `code` as the next cell. */
  check(code: string): CheckResult {
    const ts = this.ts;
    const parsed = ts.createSourceFile(this.cellFile, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const { names, imports, sideEffects } = topLevelNames(ts, parsed);
    const reserved = [...names, ...imports.map((i) => i.local)].filter((n) => RESERVED.has(n));
    if (reserved.length > 0) {
      return {
        diagnostics: [{ line: 1, column: 1, code: 0, message: `Cannot declare '${reserved[0]}' in a cell: the kernel and Node.js rely on the global of that name. Choose another name.` }],
        names,
        imports,
        js: "",
        commit: () => undefined,
      };
    }
    // Exporting every top-level name makes the .d.ts emit carry all of them.
    const exported = names.filter((n) => !imports.some((i) => i.local === n));
    // One walk over the cell's identifiers serves both the re-imports and the choice of declaration files.
    const mentioned = new Set(identifiersIn(ts, parsed));
    const carried = this.carriedImports(mentioned, [...names, ...imports.map((i) => i.local)]);
    const text = `${code}\n;export { ${exported.join(", ")} };\n${carried.map(importText).join("\n")}\n`;
    const program = this.rebuild(text, this.rootsFor(mentioned));
    const sf = program.getSourceFile(this.cellFile)!;
    const raw = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    // Diagnostics past the cell's text belong to the export list appended above, not to the user.
    const diagnostics = raw
      .filter((d) => !IGNORED.has(d.code) && (d.start === undefined || d.start < code.length))
      .map((d) => this.toCellDiagnostic(d, sf, code.length));
    let groups = new Map<string, string[]>();
    let js = "";
    if (diagnostics.length === 0) {
      let dts = "";
      // One emit gives both the JavaScript to run and, if the cell declares names, their .d.ts.
      // Earlier cells' imports, appended after the code for the type checker, are already bound at run time.
      const dropCarried: TS.TransformerFactory<TS.SourceFile> = (ctx) => (file) =>
        ctx.factory.updateSourceFile(file, file.statements.filter((st) => !(ts.isImportDeclaration(st) && st.pos >= code.length)));
      program.emit(
        sf,
        (name, data) => {
          if (name.endsWith(".d.ts")) dts = data;
          else if (name.endsWith(".js")) js = data;
        },
        undefined,
        false,
        { before: [dropCarried] },
      );
      if (exported.length > 0) groups = groupDeclarations(ts, dts);
    }
    let committed = false;
    return {
      diagnostics,
      names: [...names, ...imports.map((i) => i.local)],
      imports,
      js,
      commit: () => {
        if (committed || diagnostics.length > 0) return;
        committed = true;
        if (groups.size > 0 || imports.length > 0 || sideEffects.length > 0) {
          const refs = new Set<string>();
          for (const texts of groups.values()) for (const t of texts) for (const id of identifiersIn(ts, t)) refs.add(id);
          this.addCell({ imports, carried: carried.filter((c) => refs.has(c.local)), groups, sideEffects, refs });
        }
      },
    };
  }

  /** Completions at `offset` (UTF-16) in `code`, filtered by the identifier being typed. */
  complete(code: string, offset: number): { matches: string[]; start: number; end: number } {
    const ts = this.ts;
    let start = offset;
    while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
    let end = offset;
    while (end < code.length && /[\w$]/.test(code[end]!)) end++;
    const prefix = code.slice(start, offset);
    const service = this.languageService(code);
    const info = service.getCompletionsAtPosition(this.cellFile, offset, { includeCompletionsWithInsertText: true });
    const entries = (info?.entries ?? []).filter((e) => e.kind !== ts.ScriptElementKind.warning && !e.name.startsWith("__mlsd"));
    const sorted = [...entries].sort((a, b) => (a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText < b.sortText ? -1 : 1));
    let matches = sorted.filter((e) => e.name.startsWith(prefix)).map((e) => e.name);
    if (matches.length === 0) {
      const lower = prefix.toLowerCase();
      matches = sorted.filter((e) => e.name.toLowerCase().startsWith(lower)).map((e) => e.name);
    }
    return { matches: [...new Set(matches)], start, end };
  }

  /** Type and documentation of the symbol at `offset`, or null. */
  inspect(code: string, offset: number): { signature: string; documentation: string } | null {
    const ts = this.ts;
    const service = this.languageService(code);
    const info =
      service.getQuickInfoAtPosition(this.cellFile, offset) ??
      (offset > 0 ? service.getQuickInfoAtPosition(this.cellFile, offset - 1) : undefined);
    if (!info) return null;
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
      const binding = owner === undefined ? undefined : this.cells.get(owner)?.imports.find((i) => i.local === name);
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
    const owns = (name: string) => this.owner.get(name) === id;
    const path = this.declPath(id);
    const ownsAny = [...decls.groups.keys(), ...decls.imports.map((i) => i.local)].some(owns);
    if (!ownsAny && decls.sideEffects.length === 0) {
      this.virtual.delete(path);
      this.cells.delete(id);
      return;
    }
    this.virtual.set(path, declarationFile(decls.imports, decls.carried, decls.groups, owns, decls.sideEffects));
  }

  private declPath(id: number): string {
    return join(this.cwd, `__mlsd_decl_${id}__.d.ts`);
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
      if (decls.sideEffects.length > 0 && !included.has(id)) {
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
    for (const id of included) roots.push(this.declPath(id));
    return roots;
  }

  private rebuild(cellText: string, roots: string[]): TS.Program {
    this.virtual.set(this.cellFile, cellText);
    this.program = this.ts.createProgram({ rootNames: roots, options: this.options, host: this.host, ...(this.program ? { oldProgram: this.program } : {}) });
    return this.program;
  }

  private toCellDiagnostic(d: TS.Diagnostic, sf: TS.SourceFile, codeLength: number): CellDiagnostic {
    const message = this.ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const pos = Math.min(d.start ?? 0, codeLength);
    const { line, character } = sf.getLineAndCharacterOfPosition(pos);
    return { line: line + 1, column: character + 1, code: d.code, message };
  }

  private sourceFile(fileName: string, languageVersion: TS.ScriptTarget | TS.CreateSourceFileOptions): TS.SourceFile | undefined {
    const text = this.virtual.get(fileName);
    if (text !== undefined) {
      // Re-use the parsed file while its text is unchanged, so the old program's structure carries over.
      const cached = this.virtualCache.get(fileName);
      if (cached && cached.text === text) return cached.sf;
      const sf = this.ts.createSourceFile(fileName, text, languageVersion, true);
      this.virtualCache.set(fileName, { text, sf });
      return sf;
    }
    if (this.diskCache.has(fileName)) return this.diskCache.get(fileName);
    const disk = this.host.readFile(fileName);
    const sf = disk === undefined ? undefined : this.ts.createSourceFile(fileName, disk, languageVersion, false);
    this.diskCache.set(fileName, sf);
    return sf;
  }

  private makeHost(): TS.CompilerHost {
    const ts = this.ts;
    const sys = ts.sys;
    // Library files do not change while a kernel runs: answer each disk question once. Without this,
    // every cell re-stats and re-reads package.json scopes for all ~800 declaration files (25 ms a cell).
    const memo = <T>(fn: (p: string) => T): ((p: string) => T) => {
      const cache = new Map<string, T>();
      return (p) => {
        if (cache.has(p)) return cache.get(p)!;
        const v = fn(p);
        cache.set(p, v);
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
    };
    const fallbackFrom = join(this.packageRoot, "__mlsd_cell__.ts");
    // Resolve from the notebook's folder first, then from this package, so `mlsd/...` and the packages
    // mlsd ships with work from a notebook anywhere.
    host.resolveModuleNameLiterals = (literals, containingFile, redirected, options) =>
      literals.map((lit) => {
        const first = ts.resolveModuleName(lit.text, containingFile, options, host, cache, redirected);
        if (first.resolvedModule || !containingFile.startsWith(this.cwd)) return first;
        return ts.resolveModuleName(lit.text, fallbackFrom, options, host, cache, redirected);
      });
    return host;
  }

  private languageService(code: string): TS.LanguageService {
    const ts = this.ts;
    const parsed = ts.createSourceFile(this.cellFile, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const { names, imports } = topLevelNames(ts, parsed);
    const carried = this.carriedImports(new Set(identifiersIn(ts, parsed)), [...names, ...imports.map((i) => i.local)]);
    this.virtual.set(this.cellFile, `${code}\nexport {};\n${carried.map(importText).join("\n")}\n`);
    this.serviceVersion++;
    if (!this.service) {
      const snapshots = new Map<string, TS.IScriptSnapshot>();
      const lsHost: TS.LanguageServiceHost = {
        getScriptFileNames: () => [...this.virtual.keys()],
        getScriptVersion: (f) => (this.virtual.has(f) ? `${this.serviceVersion}:${this.virtual.get(f)!.length}` : "0"),
        getScriptSnapshot: (f) => {
          const text = this.virtual.get(f);
          if (text !== undefined) return ts.ScriptSnapshot.fromString(text);
          let snap = snapshots.get(f);
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
