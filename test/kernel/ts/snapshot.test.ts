/**
 * The type service started from the start-up snapshot (kernel/ts/snapshot-main.ts, built by
 * scripts/build-snapshot.mjs) answers as the worker thread does, and the kernel falls back to the worker when
 * the snapshot is missing, stale or refused. The reference for the answers is the worker itself (the service
 * the kernel used before the snapshot): the same cells, the same replies.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TypeService } from "../../../dist/kernel/ts/service.js";
import { sha1Of, stampOf, typeServiceSnapshot } from "../../../dist/kernel/ts/snapshot.js";

const root = resolve(".");
// Built by `npm run build` (and not turned off with MLSD_SNAPSHOT=0, as one CI pass does to test the worker).
const built = "blob" in typeServiceSnapshot(root);
const snapshotsOff = process.env["MLSD_SNAPSHOT"] === "0";

function fakeRoot(manifest: (root: string) => Record<string, unknown>, blobText = "not a snapshot") {
  const dir = mkdtempSync(join(tmpdir(), "mlsd-snapshot-root-"));
  const blob = join(dir, "dist", "kernel", "ts", "type-service.blob");
  mkdirSync(join(dir, "dist", "kernel", "ts"), { recursive: true });
  writeFileSync(blob, blobText);
  writeFileSync(`${blob}.json`, JSON.stringify(manifest(dir)));
  return { dir, blob };
}

const record = (file: string) => ({ stamp: stampOf(file), sha1: sha1Of(file) });

describe("typeServiceSnapshot", () => {
  it("says why it cannot be used: not built, turned off, another Node.js, a changed input", () => {
    expect(typeServiceSnapshot(mkdtempSync(join(tmpdir(), "mlsd-none-")), {})).toEqual({ why: "not built (npm run build builds it)" });
    const input = join(mkdtempSync(join(tmpdir(), "mlsd-input-")), "lib.d.ts");
    writeFileSync(input, "declare var a: number;\n");
    const ok = fakeRoot((dir) => ({ format: 2, node: process.version, execPath: process.execPath, root: dir, flags: [], inputs: { [input]: record(input) } }));
    expect(typeServiceSnapshot(ok.dir, {})).toEqual({ blob: ok.blob, flags: [] });
    expect(typeServiceSnapshot(ok.dir, { MLSD_SNAPSHOT: "0" })).toEqual({ why: "MLSD_SNAPSHOT=0" });
    // Written again with the same content (a build that re-emits dist/): still current.
    writeFileSync(input, readFileSync(input));
    utimesSync(input, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(typeServiceSnapshot(ok.dir, {})).toEqual({ blob: ok.blob, flags: [] });
    appendFileSync(input, "declare var b: number;\n");
    expect((typeServiceSnapshot(ok.dir, {}) as { why: string }).why).toBe(`stale: ${input} changed since it was built (npm run build rebuilds it)`);
    const other = fakeRoot((dir) => ({ format: 2, node: "v0.0.1", execPath: process.execPath, root: dir, inputs: {} }));
    expect((typeServiceSnapshot(other.dir, {}) as { why: string }).why).toMatch(/^built by Node\.js v0\.0\.1/);
    const moved = fakeRoot(() => ({ format: 2, node: process.version, execPath: process.execPath, root: "/elsewhere", inputs: {} }));
    expect(typeServiceSnapshot(moved.dir, {})).toEqual({ why: "built in /elsewhere" });
  });
});

/** A TypeService where MLSD_TYPES_THREAD is `thread` (unset: the snapshot when it can be used). */
function service(thread: string | undefined, cwd: string, packageRoot = root, log: string[] = []) {
  const saved = process.env["MLSD_TYPES_THREAD"];
  if (thread === undefined) delete process.env["MLSD_TYPES_THREAD"];
  else process.env["MLSD_TYPES_THREAD"] = thread;
  try {
    return new TypeService(cwd, packageRoot, (text) => log.push(text), Promise.resolve(), { name: "loose", language: "typescript", flags: {}, sloppy: true });
  } finally {
    if (saved === undefined) delete process.env["MLSD_TYPES_THREAD"];
    else process.env["MLSD_TYPES_THREAD"] = saved;
  }
}

/** Cells a notebook runs: declarations, a type error, `declare global`, an import, completion and inspection. */
async function session(s: TypeService) {
  const out: unknown[] = [];
  const cell = async (code: string) => {
    const r = await s.check(code);
    out.push({ diagnostics: r.diagnostics, script: r.script, hasResult: r.hasResult });
    if (r.diagnostics.length === 0) r.commit();
  };
  await cell("const count: number = 3;\ninterface Point { x: number }");
  await cell("const p: Point = { x: count };\np.x + 1");
  await cell("const s: string = count;");
  await cell("declare global { var level: number }\nglobalThis.level = 2;");
  await cell("level.toFixed(1)");
  await cell('import { Random } from "mlsd/core";\nnew Random(1).random()');
  out.push(await s.call("complete", { code: "p.", offset: 2 }));
  out.push(await s.call("inspect", { code: "count", offset: 2 }));
  out.push(await s.call("isComplete", { code: "if (a) {" }));
  return out;
}

describe.skipIf(!built)("the type service started from the snapshot", () => {
  it("answers a session's cells exactly as the worker thread does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-snapshot-cells-"));
    const log: string[] = [];
    const fromSnapshot = service(undefined, dir, root, log);
    const worker = service("worker", dir);
    try {
      await fromSnapshot.ready();
      expect({ where: fromSnapshot.where, log: log.join("") }).toEqual({ where: "snapshot", log: "" });
      const a = await session(fromSnapshot);
      await worker.ready();
      expect(worker.where).toBe("worker");
      const b = await session(worker);
      expect(a).toEqual(b);
      // Not vacuous: the type error is there, with its position, and the rest passed.
      expect((a[2] as { diagnostics: { line: number; column: number; code: number }[] }).diagnostics).toMatchObject([{ line: 1, column: 7, code: 2322 }]);
      expect(a.filter((r) => (r as { diagnostics?: unknown[] }).diagnostics?.length === 0)).toHaveLength(5);
      expect((a[6] as { matches: string[] }).matches).toEqual(["x"]);
    } finally {
      await fromSnapshot.close();
      await worker.close();
    }
  }, 60_000);
});

describe.skipIf(snapshotsOff)("the type service when the snapshot's process cannot start", () => {
  it("falls back to the worker thread, says so, and answers the request that was waiting", async () => {
    // A manifest that passes every check, beside a blob Node.js refuses.
    const fake = fakeRoot((dir) => ({ format: 2, node: process.version, execPath: process.execPath, root: dir, flags: [], inputs: {} }));
    const log: string[] = [];
    const s = service(undefined, mkdtempSync(join(tmpdir(), "mlsd-snapshot-bad-")), fake.dir, log);
    try {
      const r = await s.check("const s: string = 5;");
      expect(s.where).toBe("worker");
      expect(r.diagnostics).toMatchObject([{ line: 1, column: 7, code: 2322 }]);
      // Node.js refuses a blob that is not a snapshot (SIGABRT, "Assertion failed: (magic) == (kMagic)").
      expect(log.join("")).toMatch(/^mlsd kernel: the type service's start-up snapshot could not be used: its process failed to start \((signal SIGABRT|exit code \d+): Assertion failed: .*magic.*; using a worker thread\n$/);
    } finally {
      await s.close();
    }
  }, 60_000);
});
