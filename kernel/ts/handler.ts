/** Answers type-service requests; runs in the worker thread (default) or on the kernel's main thread. */
import { CellChecker, type CheckResult } from "./checker.js";
import { isComplete } from "./is-complete.js";
import { loadTypeScriptCached } from "./load.js";
import type { Request } from "./protocol.js";
import { chooseProfile, type CheckProfile } from "./profile.js";
import { rewriteCell } from "./rewrite.js";

const TRACE = Boolean(process.env["MLSD_TRACE"]);

export interface Handler {
  handle(req: Request): unknown;
}

/** Loads TypeScript, parses the standard library (the slow part), and returns the request handler. */
export function createHandler(cwd: string, packageRoot: string, profile?: CheckProfile): Handler {
  const t0 = performance.now();
  const loaded = loadTypeScriptCached();
  const ts = loaded.ts;
  const t1 = performance.now();
  const checker = new CellChecker(ts, cwd, packageRoot, profile ?? chooseProfile(cwd, "typescript"));
  const sloppy = checker.profile.sloppy;
  const checks = new Map<number, CheckResult>();
  checker.check("");
  const t2 = performance.now();
  loaded.saveCache();
  if (TRACE) process.stderr.write(`mlsd trace: type service: TypeScript loaded in ${(t1 - t0).toFixed(0)} ms, libraries parsed and bound in ${(t2 - t1).toFixed(0)} ms (${checker.programFiles()} files)\n`);
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
