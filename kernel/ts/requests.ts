/**
 * Answers type-service requests with a ready checker. Free of module-level I/O (no `import.meta`, no loading of
 * TypeScript), so the same code serves the worker thread, the kernel's main thread and the start-up snapshot
 * (snapshot-main.ts), which is built from a bundle that may only require Node's built-in modules.
 */
import type * as TS from "typescript";
import type { CellChecker, CheckResult } from "./checker.js";
import { isComplete } from "./is-complete.js";
import type { Reply, Request } from "./protocol.js";
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

/**
 * Serves one request, as the worker thread and the snapshot's process both do: a commit is one-way (service.ts's
 * notify: nothing waits for it, so a failure is only logged); anything else is answered through `send`, then
 * `afterReply` runs (a memory release delays the next check, never this one).
 * @example
 *   port.on("message", (req: Request) => answer(handler, req, (r) => port.postMessage(r), () => memory.afterRequest()));
 */
export function answer(handler: Handler, req: Request, send: (reply: Reply) => void, afterReply: () => void): void {
  if (req.op === "commit") {
    try {
      handler.handle(req);
    } catch (err) {
      process.stderr.write(`mlsd kernel: type service: commit failed: ${(err as Error).stack ?? String(err)}\n`);
    }
    return;
  }
  let reply: Reply;
  try {
    reply = { id: req.id, ok: true, value: handler.handle(req) };
  } catch (err) {
    reply = { id: req.id, ok: false, error: (err as Error).stack ?? String(err) };
  }
  send(reply);
  afterReply();
}
