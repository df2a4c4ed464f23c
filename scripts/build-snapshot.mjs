#!/usr/bin/env node
/**
 * Builds the type service's start-up snapshot (dist/kernel/ts/type-service.blob): TypeScript loaded, the
 * standard library and Node's types parsed and bound, a sample cell checked (kernel/ts/snapshot-main.ts). A
 * kernel then starts its type service from it (kernel/ts/snapshot.ts) instead of parsing those files again.
 * Skips itself when nothing it was built from changed (the manifest beside the blob lists every input with its
 * size and modification time); `--force` rebuilds. MLSD_SNAPSHOT=0 skips it, and the kernel then uses its worker.
 *   node scripts/build-snapshot.mjs [--force] [--quiet]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "kernel", "ts");
const blob = join(outDir, "type-service.blob");
const manifestFile = join(outDir, "type-service.blob.json");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");
const say = (text) => quiet || process.stderr.write(`build-snapshot: ${text}\n`);

/** The manifest's format; the kernel's reader (kernel/ts/snapshot.ts) checks it. */
const FORMAT = 2;
/**
 * V8 flags of the service's process. Node refuses a snapshot started under other V8 flags than it was built with,
 * so the kernel takes them from the manifest. A larger young generation (the worker's maxYoungGenerationSizeMb
 * 96): each check builds megabytes of short-lived objects, and fewer scavenges mean fewer pauses.
 */
const V8_FLAGS = ["--max-semi-space-size=32"];

const stamp = (file) => {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
};
const sha1 = (file) => {
  try {
    return createHash("sha1").update(readFileSync(file)).digest("hex");
  } catch {
    return "missing";
  }
};

/** Written whole or not at all: a kernel starting meanwhile reads the old manifest or the new one. */
function writeManifest(m) {
  const tmpFile = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(tmpFile, JSON.stringify(m, null, 1));
  renameSync(tmpFile, manifestFile);
}

/**
 * The manifest still describes the tree: same Node, same root, every input unchanged (same size and time, or,
 * after a build that wrote an identical file again, the same content: then the new times are recorded, so the
 * kernel's check stays a `stat` per file).
 */
function upToDate() {
  if (!existsSync(blob) || !existsSync(manifestFile)) return false;
  let m;
  try {
    m = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch {
    return false;
  }
  if (m.format !== FORMAT || m.node !== process.version || m.execPath !== process.execPath || m.root !== root) return false;
  let touched = false;
  for (const [file, rec] of Object.entries(m.inputs)) {
    const now = stamp(file);
    if (now === rec.stamp) continue;
    if (sha1(file) !== rec.sha1) return false;
    rec.stamp = now;
    touched = true;
  }
  if (touched) writeManifest(m);
  return true;
}

const started = performance.now();
if (process.env["MLSD_SNAPSHOT"] === "0") {
  say("skipped (MLSD_SNAPSHOT=0); the kernel's type service starts in a worker thread");
  process.exit(0);
}
if (!force && upToDate()) {
  say(`up to date (${Math.round(performance.now() - started)} ms to check)`);
  process.exit(0);
}
const entry = join(outDir, "snapshot-main.js");
const esbuild = join(root, "node_modules", "esbuild");
if (!existsSync(entry) || !existsSync(esbuild)) {
  // An install without devDependencies has no esbuild: the kernel works without the snapshot, only starts slower.
  say(`not built (${existsSync(entry) ? "esbuild is not installed" : `${relative(root, entry)} is missing`}); the kernel's type service starts in a worker thread`);
  process.exit(0);
}
rmSync(blob, { force: true });
rmSync(manifestFile, { force: true });
const { build } = await import(pathToFileURL(join(esbuild, "lib", "main.js")).href);
const tmp = mkdtempSync(join(tmpdir(), "mlsd-snapshot-"));
try {
  const bundle = join(tmp, "type-service.cjs");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: bundle,
    metafile: true,
    logLevel: "error",
    // The bundled kernel modules that use import.meta.url (paths.js, interrupt.js) all live in dist/kernel/.
    define: { "import.meta.url": JSON.stringify(pathToFileURL(join(root, "dist", "kernel", "paths.js")).href) },
  });
  const filesOut = join(tmp, "files.json");
  const t1 = performance.now();
  // --no-warnings: Node warns that node:module and perf_hooks (TypeScript's) are "not yet fully verified" in a
  // snapshot. Neither is used across the snapshot boundary in a way that matters: perf_hooks only for
  // TypeScript's optional tracing, node:module for loading the memory addon after start-up, and
  // test/kernel/ts/snapshot.test.ts checks the snapshot's answers against the worker's.
  const res = spawnSync(process.execPath, ["--no-warnings", ...V8_FLAGS, "--snapshot-blob", join(tmp, "type-service.blob"), "--build-snapshot", bundle], {
    env: { ...process.env, MLSD_SNAPSHOT_ROOT: root, MLSD_SNAPSHOT_FILES: filesOut, MLSD_SNAPSHOT_TYPESCRIPT: join(root, "node_modules", "typescript", "lib", "typescript.js") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (res.status !== 0) {
    say(`node --build-snapshot failed (status ${res.status}); the kernel's type service starts in a worker thread`);
    process.exit(0);
  }
  const inputs = {};
  const add = (file) => (inputs[file] = { stamp: stamp(file), sha1: sha1(file) });
  for (const file of Object.keys(result.metafile.inputs)) add(resolve(root, file));
  for (const file of JSON.parse(readFileSync(filesOut, "utf8"))) add(file);
  add(join(root, "node_modules", ".package-lock.json"));
  // This script (its flags, what it bundles) is an input too.
  add(fileURLToPath(import.meta.url));
  add(join(root, "native", "build", "mlsd_interrupt.node"));
  renameSync(join(tmp, "type-service.blob"), blob);
  writeManifest({ format: FORMAT, node: process.version, execPath: process.execPath, root, flags: V8_FLAGS, inputs });
  say(`built ${relative(root, blob)} (${(statSync(blob).size / 1048576).toFixed(0)} MB, ${Object.keys(inputs).length} inputs) in ${Math.round(performance.now() - started)} ms (snapshot ${Math.round(performance.now() - t1)} ms)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
