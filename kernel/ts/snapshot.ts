/**
 * Whether the type service's start-up snapshot (scripts/build-snapshot.mjs) can be used: built by this Node.js,
 * in this checkout, from inputs (the bundled kernel code, TypeScript, the library declaration files) that have
 * not changed since. A few hundred `stat` calls, about a millisecond or two; a file whose size or time moved
 * (a build that wrote dist/ again) is compared by content.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const FORMAT = 2;

/** What the manifest records of each input: `size:mtimeMs` and the SHA-1 of its content. */
export interface InputRecord {
  stamp: string;
  sha1: string;
}

/** `size:mtimeMs` of a file, or "missing". */
export function stampOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/** SHA-1 of a file's content, or "missing". */
export function sha1Of(file: string): string {
  try {
    return createHash("sha1").update(readFileSync(file)).digest("hex");
  } catch {
    return "missing";
  }
}

/** Whether `file` still is what `rec` recorded: the same stamp, else the same content. */
export function unchanged(file: string, rec: InputRecord): boolean {
  return stampOf(file) === rec.stamp || sha1Of(file) === rec.sha1;
}

/** `flags`: the V8 flags it was built with, which its process must be started with. */
export type SnapshotChoice = { blob: string; flags: string[] } | { why: string };

/**
 * @example
 *   const choice = typeServiceSnapshot(packageRoot);
 *   if ("blob" in choice) spawn(process.execPath, [...choice.flags, "--snapshot-blob", choice.blob], ...);
 */
export function typeServiceSnapshot(packageRoot: string, env: NodeJS.ProcessEnv = process.env): SnapshotChoice {
  if (env["MLSD_SNAPSHOT"] === "0") return { why: "MLSD_SNAPSHOT=0" };
  const blob = join(packageRoot, "dist", "kernel", "ts", "type-service.blob");
  let m: { format: number; node: string; execPath: string; root: string; flags: string[]; inputs: Record<string, InputRecord> };
  try {
    m = JSON.parse(readFileSync(`${blob}.json`, "utf8")) as typeof m;
    statSync(blob);
  } catch {
    return { why: "not built (npm run build builds it)" };
  }
  if (m.format !== FORMAT) return { why: "built by another version of the build script" };
  if (m.node !== process.version || m.execPath !== process.execPath) return { why: `built by Node.js ${m.node} at ${m.execPath}` };
  if (m.root !== packageRoot) return { why: `built in ${m.root}` };
  for (const [file, rec] of Object.entries(m.inputs)) {
    if (!unchanged(file, rec)) return { why: `stale: ${file} changed since it was built (npm run build rebuilds it)` };
  }
  return { blob, flags: m.flags };
}
