/** The type service's request handler with TypeScript loaded here; runs in the worker thread (default) or on the kernel's main thread. */
import { CellChecker } from "./checker.js";
import { loadTypeScriptCached } from "./load.js";
import { chooseProfile, type CheckProfile } from "./profile.js";
import { makeHandler, type Handler } from "./requests.js";

export type { Handler } from "./requests.js";

const TRACE = Boolean(process.env["MLSD_TRACE"]);

/** Loads TypeScript, parses the standard library (the slow part), and returns the request handler. */
export function createHandler(cwd: string, packageRoot: string, profile?: CheckProfile): Handler {
  const t0 = performance.now();
  const loaded = loadTypeScriptCached();
  const ts = loaded.ts;
  const t1 = performance.now();
  const checker = new CellChecker(ts, cwd, packageRoot, profile ?? chooseProfile(cwd, "typescript"));
  checker.check("");
  const t2 = performance.now();
  loaded.saveCache();
  if (TRACE) process.stderr.write(`mlsd trace: type service: TypeScript loaded in ${(t1 - t0).toFixed(0)} ms, libraries parsed and bound in ${(t2 - t1).toFixed(0)} ms (${checker.programFiles()} files)\n`);
  return makeHandler(ts, checker);
}
