/**
 * When a cell may be checked by the type checker of the previous cell's program (checker.ts's fast path).
 *
 * TypeScript builds a new type checker for every program, and building one merges the globals of every
 * library file (lib.es*, @types/node: about 170 files) again: with the program's own bookkeeping, about 3 ms
 * of a trivial cell's 4 ms. A cell that is a module (every cell is: the checker appends an export list), adds
 * no globals, and imports only what the previous cell's program already resolved for the cell file, gives the
 * same diagnostics from that checker: the checker's caches are memos of the library's types, which the cell
 * cannot change. What the cell may change is listed here, and any of it sends the cell down the full path.
 */
import type * as TS from "typescript";

/**
 * The module specifiers (string literals) of `sf`'s static imports and re-exports, or null when the cell must get a program of
 * its own: it augments globals or modules (`declare global`, `declare module "x"`), has a triple-slash
 * reference, a `// @ts-ignore`-style directive (the program, not the checker, applies those), a dynamic
 * `import()`, an `import x = require()` or a `require()` call (resolved by the program when it is built).
 * @example
 *   const sf = ts.createSourceFile("c.ts", 'import { a } from "x"; a', ts.ScriptTarget.ES2022, true);
 *   reusableImports(ts, sf)?.map((s) => s.text); // ["x"]
 */
export function reusableImports(ts: typeof TS, sf: TS.SourceFile): TS.StringLiteral[] | null {
  if (sf.referencedFiles.length > 0 || sf.typeReferenceDirectives.length > 0 || sf.libReferenceDirectives.length > 0) return null;
  if ((sf as unknown as { commentDirectives?: unknown[] }).commentDirectives?.length) return null;
  if (/\bimport\s*\(|\brequire\s*\(/.test(sf.text)) return null;
  const specifiers: TS.StringLiteral[] = [];
  for (const st of sf.statements) {
    if (ts.isModuleDeclaration(st) && (ts.isStringLiteral(st.name) || (st.flags & ts.NodeFlags.GlobalAugmentation) !== 0)) return null;
    if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) return null;
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier) {
      if (!ts.isStringLiteral(st.moduleSpecifier)) return null;
      specifiers.push(st.moduleSpecifier);
    }
  }
  return specifiers;
}
