/**
 * Answers type-service requests with a ready checker. Free of module-level I/O (no `import.meta`, no loading of
 * TypeScript), so the same code serves the worker thread, the kernel's main thread and the start-up snapshot
 * (snapshot-main.ts), which is built from a bundle that may only require Node's built-in modules.
 */
import type * as TS from "typescript";
import type { CellChecker, CheckResult } from "./checker.js";
import { isComplete } from "./is-complete.js";
import type { Request } from "./protocol.js";
import { rewriteCell } from "./rewrite.js";

export interface Handler {
  handle(req: Request): unknown;
}

/**
 * @example
 *   const handler = makeHandler(ts, new CellChecker(ts, process.cwd(), packageRoot));
 *   handler.handle({ id: 1, op: "version" }); // "5.9.3"
 */
export function makeHandler(ts: typeof TS, checker: CellChecker): Handler {
  const sloppy = checker.profile.sloppy;
  const checks = new Map<number, CheckResult>();
  return {
    handle(req: Request): unknown {
      switch (req.op) {
        case "check": {
          const result = checker.check(req.code);
          if (result.diagnostics.length > 0) return { diagnostics: result.diagnostics, script: "", hasResult: false };
          checks.set(req.id, result);
          const { script, hasResult, passes } = rewriteCell(ts, result.js, { sloppy });
          return { diagnostics: [], script, hasResult, positions: { js: result.js, map: result.map, passes } };
        }
        case "commit":
          checks.get(req.checkId)?.commit();
          checks.delete(req.checkId);
          return null;
        case "complete":
          return checker.complete(req.code, req.offset);
        case "inspect":
          return checker.inspect(req.code, req.offset);
        case "isComplete":
          return isComplete(ts, req.code);
        case "expression":
          return ts.transpileModule(`(${req.code})`, { compilerOptions: { target: ts.ScriptTarget.ES2022 }, reportDiagnostics: false }).outputText;
        case "version":
          return ts.version;
      }
    },
  };
}
