/**
 * The threads' native all-reduce sum (native/shm): optional like the other native kernels (its build says
 * why it built nothing and exits 0; the WebAssembly path then runs, to the same bits, see workers.test.ts),
 * rebuilt only when its inputs change, and its two functions refuse bad arguments by name.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shmKernels } from "../../../dist/lib/distributed/shm-native.js";

const cc = spawnSync("cc", ["--version"]);

describe("native/shm/build.mjs", () => {
  it("without a C compiler: says so, exits 0 and builds nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-shm-build-"));
    const out = join(dir, "mlsd_shm.node");
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: dir, MLSD_SHM_OUT: out };
    delete env["CC"];
    const r = spawnSync(process.execPath, ["native/shm/build.mjs"], { encoding: "utf8", env });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("build-shm: no C compiler (cc, gcc or clang); skipped, the threads' all-reduce sums with WebAssembly");
    expect(existsSync(out)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it.runIf(!cc.error && process.arch === "x64")("compiles shm.c, then finds it up to date", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-shm-build-"));
    const env = { ...process.env, MLSD_SHM_OUT: join(dir, "mlsd_shm.node") };
    const first = spawnSync(process.execPath, ["native/shm/build.mjs"], { encoding: "utf8", env });
    expect(first.stderr).toMatch(/build-shm: built .*mlsd_shm\.node with /);
    const again = spawnSync(process.execPath, ["native/shm/build.mjs"], { encoding: "utf8", env });
    expect(again.stderr).toMatch(/mlsd_shm\.node is up to date/);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe.runIf(shmKernels() !== null || process.env["MLSD_REQUIRE_NATIVE"] === "1")("the native sums", () => {
  it("sum two and three buffers in rank order into each, and refuse bad arguments by name", () => {
    const k = shmKernels()!;
    const bufs = [Float32Array.of(1, 2, 3, 0.1), Float32Array.of(10, 20, 30, 0.2), Float32Array.of(100, 200, 300, 0.3)];
    k.sumEverywhere(Float64Array.from(bufs, (b) => k.address(b)), 1, 4);
    // Value 0 is outside [1, 4): untouched. (0.1 + 0.2) + 0.3 in float32, as Math.fround rounds each add.
    const s = Math.fround(Math.fround(Math.fround(0.1) + Math.fround(0.2)) + Math.fround(0.3));
    for (const [r, b] of bufs.entries()) expect(Array.from(b)).toEqual([[1, 10, 100][r], 222, 333, s]);
    expect(() => k.address(new Float64Array(2) as never)).toThrow("address: 'buf' must be a Float32Array");
    expect(() => k.sumEverywhere(new Float64Array([k.address(bufs[0]!)]), 0, 1)).toThrow("sumEverywhere: 'addresses' must hold 2 to 256 buffers");
    expect(() => k.sumEverywhere(new Float64Array(2), 3, 1)).toThrow("sumEverywhere: 'start' and 'end' must satisfy 0 <= start <= end");
  });

  it("spinWait returns true once the word changes, false after its time, and refuses bad arguments by name", async () => {
    const k = shmKernels()!;
    const words = new Int32Array(new SharedArrayBuffer(8));
    words[1] = 7;
    expect(k.spinWait(words, 1, 0, 1000)).toBe(true);
    const t = performance.now();
    expect(k.spinWait(words, 0, 0, 5)).toBe(false);
    expect(performance.now() - t).toBeGreaterThanOrEqual(5);
    // Another thread changes the word while this one polls: it is seen (Atomics.wait's semantics, without sleeping).
    const { Worker } = await import("node:worker_threads");
    const w = new Worker("const { workerData: w } = require('node:worker_threads'); Atomics.store(w, 0, 1);", { eval: true, workerData: words });
    expect(k.spinWait(words, 0, 0, 10_000)).toBe(true);
    await w.terminate();
    expect(() => k.spinWait(new Float32Array(2) as never, 0, 0, 1)).toThrow("spinWait: 'words' must be an Int32Array");
    expect(() => k.spinWait(words, 2, 0, 1)).toThrow("spinWait: 'index' must lie in 'words'");
    expect(() => k.spinWait(words, 0, 0, -1)).toThrow("spinWait: 'ms' must be >= 0");
  });
});
