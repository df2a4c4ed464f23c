#!/usr/bin/env node
/**
 * `npm run build`: TypeScript to dist/ (incremental), then the native kernels (scripts/build-native.mjs, which
 * skips itself when its sources are unchanged) beside the type service's start-up snapshot (scripts/build-snapshot.mjs, the same), with SQLite's addon (scripts/build-sqlite.mjs, the same) beside tsc. When no input of the TypeScript build changed since the last
 * successful one, tsc is not started at all, so `npm start` on an unchanged tree goes straight to Jupyter.
 *   node scripts/build.mjs [--force]
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const stampFile = join(root, "dist", ".build-inputs");
const force = process.argv.includes("--force");

/** What tsc reads: the included folders, the configs, package.json, and the installed packages' lock file (types). */
function inputs() {
  const config = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
  const files = ["tsconfig.json", "tsconfig.build.json", "package.json", "node_modules/.package-lock.json"].map((f) => join(root, f));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(c|m)?tsx?$|\.json$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of config.include ?? []) if (existsSync(join(root, dir))) walk(join(root, dir));
  return files;
}

/** A fingerprint of the inputs by path, size and modification time: enough to notice an edit, a checkout or an install. */
function fingerprint(files) {
  const hash = createHash("sha256");
  for (const f of files.sort()) {
    const s = existsSync(f) ? statSync(f) : undefined;
    hash.update(`${relative(root, f)}\0${s ? `${s.size}:${s.mtimeMs}` : "missing"}\n`);
  }
  return hash.digest("hex");
}

const started = performance.now();
// SQLite's addon (scripts/build-sqlite.mjs, ~45 s of C from scratch, nothing when unchanged) compiles beside tsc,
// which uses one core: on two cores the two overlap.
const sqlite = spawn(process.execPath, [join(root, "scripts", "build-sqlite.mjs"), ...process.argv.slice(2).filter((a) => a === "--quiet")], { stdio: "inherit" });
const sqliteDone = new Promise((done) => sqlite.on("close", (code) => done(code ?? 1)));
const before = fingerprint(inputs());
const upToDate = !force && existsSync(stampFile) && readFileSync(stampFile, "utf8") === before && existsSync(join(root, "dist", "kernel", "cli.js"));
if (upToDate) {
  process.stderr.write(`build: dist/ is up to date (${Math.round(performance.now() - started)} ms to check)\n`);
} else {
  // --incremental keeps tsc's own record in dist/, so a changed file re-checks what depends on it, not everything.
  // The tsc npm scripts find on PATH (node_modules/.bin), as `tsc -p` in the former build script did.
  const bin = join(root, "node_modules", ".bin", "tsc");
  const tsc = existsSync(bin) ? realpathSync(bin) : join(root, "node_modules", "typescript", "bin", "tsc");
  const res = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--incremental", "--tsBuildInfoFile", join(root, "dist", ".tsbuildinfo")], { stdio: "inherit" });
  if (res.status !== 0) process.exit((await sqliteDone, res.status ?? 1));
  // The fingerprint from before tsc ran: a file edited during the build makes the next build run again.
  writeFileSync(stampFile, before);
}
// The type service's start-up snapshot (scripts/build-snapshot.mjs) needs dist/; it skips itself when unchanged,
// and runs beside the native kernels' compiler.
const snapshot = spawn(process.execPath, [join(root, "scripts", "build-snapshot.mjs"), ...process.argv.slice(2).filter((a) => a === "--quiet" || a === "--force")], { stdio: "inherit" });
const snapshotDone = new Promise((done) => snapshot.on("close", (code) => done(code ?? 1)));
const native = spawnSync(process.execPath, [join(root, "scripts", "build-native.mjs"), ...process.argv.slice(2).filter((a) => a === "--quiet")], { stdio: "inherit" });
// The optional MPI binding (native/mpi/build.mjs): says so and exits 0 when there is no MPI library.
spawnSync(process.execPath, [join(root, "native", "mpi", "build.mjs"), ...process.argv.slice(2).filter((a) => a === "--quiet")], { stdio: "inherit" });
const sqliteStatus = await sqliteDone;
const snapshotStatus = await snapshotDone;
process.exit(native.status || sqliteStatus || snapshotStatus);
