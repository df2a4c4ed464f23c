/**
 * The type service as a child process started from a V8 start-up snapshot (scripts/build-snapshot.mjs builds it
 * with `node --build-snapshot`). Built, this module loads TypeScript, parses and binds the standard library and
 * Node's types and checks a sample cell; the snapshot keeps that heap, so a kernel's type service starts with the
 * libraries in memory instead of spending most of a second of cold compiler code on them. Started from the
 * snapshot, it answers the same requests as worker.ts, over the IPC channel.
 *
 * Bundled (esbuild, CommonJS, TypeScript included): a snapshot's entry may only require Node's built-in modules.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startupSnapshot } from "node:v8";
import * as ts from "typescript";
import type * as TS from "typescript";
import { loadInterruptAddon } from "../interrupt.js";
import { MemoryKeeper } from "../memory.js";
import { CellChecker } from "./checker.js";
import type { CheckProfile } from "./profile.js";
import type { Reply, Request } from "./protocol.js";
import { answer, makeHandler } from "./requests.js";

/** What the kernel passes in MLSD_TYPE_SERVICE (JSON). */
export interface SnapshotServiceArgs {
  cwd: string;
  packageRoot: string;
  /** Absent: chosen from the notebook's folder (profile.ts). */
  profile?: CheckProfile;
  /** The kernel's parent process when it started (see watchKernelParent). */
  kernelParent: number;
}

/** A process's parent, from /proc (Linux); undefined where that cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * ipykernel's parent poller, for the kernel (worker.ts does it from its thread): a kernel whose parent (Jupyter,
 * mlsd run) died must not linger, even while a cell has its main thread stuck in a loop.
 */
function watchKernelParent(kernel: number, kernelParent: number): void {
  const procfs = parentOf(kernel) !== undefined;
  const orphaned = (): boolean => {
    if (procfs) return parentOf(kernel) !== kernelParent;
    try {
      process.kill(kernelParent, 0);
      return false;
    } catch {
      return true;
    }
  };
  setInterval(() => {
    if (!orphaned()) return;
    try {
      process.kill(kernel, "SIGKILL");
    } catch {
      // already gone
    }
    process.exit(0);
  }, 2000).unref();
}

/** The checkout the snapshot was built in: its library files' paths are under it. */
const builtRoot = process.env["MLSD_SNAPSHOT_ROOT"];
if (!builtRoot) throw new Error("snapshot-main: MLSD_SNAPSHOT_ROOT (the package root) must be set to build the snapshot");
const tsFile = process.env["MLSD_SNAPSHOT_TYPESCRIPT"] ?? join(builtRoot, "node_modules", "typescript", "lib", "typescript.js");
// TypeScript finds its lib.*.d.ts beside the file it runs from; bundled, that would be the bundle's folder.
ts.sys.getExecutingFilePath = () => tsFile;

/**
 * Parses and binds the library files by checking sample cells; only the files are kept (the sample's program
 * and type checker would double the snapshot, and a notebook's own checker is built for its folder anyway).
 */
function parseLibraries(): Map<string, TS.SourceFile> {
  const sample = new CellChecker(ts, join(builtRoot!, "__mlsd_snapshot__"), builtRoot!, { name: "loose", language: "typescript", flags: {}, sloppy: true });
  // A cell that reaches the display helpers' types, and one that declares a name (the declaration emit path).
  sample.check("const __mlsd_warm: number[] = [1, 2].map((v) => v * 2);\n__mlsd_warm.length");
  sample.check("display(1 + 1)");
  // The import most notebooks start with: its ~700 declaration files, parsed cold, cost a first import ~1 s.
  sample.check('import * as tf from "@tensorflow/tfjs";\ntf.add(1, 2).dataSync()[0]');
  return sample.libraryFiles();
}
const libraryFiles = parseLibraries();
// The build step records these files' sizes and times: a changed one makes the snapshot stale.
const filesOut = process.env["MLSD_SNAPSHOT_FILES"];
if (filesOut) writeFileSync(filesOut, JSON.stringify([...libraryFiles.keys()]));

startupSnapshot.setDeserializeMainFunction(() => {
  const t0 = performance.now();
  const trace = Boolean(process.env["MLSD_TRACE"]);
  const args = JSON.parse(process.env["MLSD_TYPE_SERVICE"] ?? "null") as SnapshotServiceArgs | null;
  const send = process.send?.bind(process);
  if (!args || !send) {
    process.stderr.write("mlsd type service: start it from the kernel (it needs MLSD_TYPE_SERVICE and an IPC channel)\n");
    process.exit(2);
  }
  // SIGINT is for the kernel's cell (a terminal's Ctrl+C reaches the whole process group): not for this process.
  process.on("SIGINT", () => undefined);
  // The kernel gone (killed, crashed), the channel closes: nothing is left to answer.
  process.on("disconnect", () => process.exit(0));
  watchKernelParent(process.ppid, args.kernelParent);
  const checker = new CellChecker(ts, args.cwd, args.packageRoot, args.profile, args.packageRoot === builtRoot ? libraryFiles : undefined);
  checker.check("");
  const handler = makeHandler(ts, checker);
  const memory = new MemoryKeeper();
  if (trace) {
    const [addon, why] = loadInterruptAddon();
    process.stderr.write(`mlsd trace: type service (snapshot): notebook's checker ready in ${(performance.now() - t0).toFixed(0)} ms (${checker.programFiles()} files); memory release ${addon ? "on" : `off (${why})`}\n`);
  }
  process.on("message", (req: Request) => answer(handler, req, send, () => memory.afterRequest()));
  send({ id: 0, ok: true, value: "warm" } satisfies Reply);
});
