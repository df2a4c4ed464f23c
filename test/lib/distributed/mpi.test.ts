/**
 * The MPI transport under a real `mpirun` (Open MPI from Debian in CI; 2 and 4 ranks on a 2-core machine,
 * hence --oversubscribe, and --allow-run-as-root where CI runs as root): MPI_Allreduce, MPI_Bcast and
 * MPI_Barrier behind the same `Collectives` as the threads and TCP transports, `mlsd worker` started by
 * mpirun, data-parallel training that ends where one worker on the full batch ends (as workers.test.ts checks
 * the other transports), and a rank that fails, dies or hangs stopping the job with a clear error in bounded
 * time. These need the MPI binding (npm run build with mpicc on PATH) and mpirun; CI (MLSD_REQUIRE_NATIVE=1)
 * installs both, so there they must run.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { launch, mpiAvailable, mpiStatus, trainDataParallel, trainDistributed } from "../../../dist/lib/distributed/index.js";
import { binaryCrossentropy } from "../../../dist/lib/loss/index.js";
import { tinyProblem } from "../../helpers/tiny-mlp.js";
import { checkAllReduced, expectedMean as expected, type AllReduceOut } from "./allreduce-check.js";

const WORKER = "test/lib/distributed/mpi-worker.mjs";
const mpirun = spawnSync("mpirun", ["--version"], { encoding: "utf8" });
const mpicc = spawnSync("mpicc", ["--version"], { encoding: "utf8" });
const required = process.env["MLSD_REQUIRE_NATIVE"] === "1";
const runnable = mpiAvailable() && !mpirun.error;

type Out = AllReduceOut & { library: string | null };

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const checkAll = (results: Out[], N: number, lens: number[]) => checkAllReduced(results, N, lens, { size: true });

/** Runs `mpirun ... mlsd worker` and gives back its exit code, stdout and stderr. */
function mpirunWorker(N: number, args: object, mpirunArgs: string[] = []): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const root = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("mpirun", [...root, "--oversubscribe", "-np", String(N), ...mpirunArgs, process.execPath, "dist/kernel/cli.js", "worker", WORKER, "--args", JSON.stringify(args)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += String(d)));
    child.stderr.on("data", (d: Buffer) => (err += String(d)));
    child.once("close", (code) => resolve({ code, out, err, ms: performance.now() - started }));
  });
}

describe("without MPI", () => {
  it("the build says there is no MPI library and exits 0, building nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-mpi-build-"));
    const out = join(dir, "mlsd_mpi.node");
    // No mpicc on this PATH (node is called by its absolute path).
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: dir, MLSD_MPI_OUT: out };
    delete env["MPICC"];
    const r = spawnSync(process.execPath, ["native/mpi/build.mjs"], { encoding: "utf8", env });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("build-mpi: no MPI library (no mpicc on PATH; Debian: apt-get install openmpi-bin libopenmpi-dev); skipped, the mpi transport is unavailable (threads and tcp work)");
    expect(existsSync(out)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("with the binding turned off, launch says why transport mpi is unavailable, and the threads transport still works", () => {
    // A script file, not --input-type (worker threads would inherit that flag).
    const dir = mkdtempSync(join(tmpdir(), "mlsd-mpi-off-"));
    const file = join(dir, "off.mjs");
    writeFileSync(file, `import { launch, mpiAvailable } from ${JSON.stringify(pathToFileURL(resolve("dist/lib/distributed/index.js")).href)};
      const said = await launch(${JSON.stringify(resolve(WORKER))}, { workers: 2, transport: "mpi", args: { lens: [3], options: {} } }).then(() => "ran", (e) => e.message);
      const threads = await launch(${JSON.stringify(resolve(WORKER))}, { workers: 2, args: { lens: [3], options: {} } });
      console.log(JSON.stringify({ available: mpiAvailable(), said, sizes: threads.map((t) => t.size) }));`);
    const r = spawnSync(process.execPath, [file], { encoding: "utf8", env: { ...process.env, MLSD_NATIVE: "0" } });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ available: false, said: 'launch: transport "mpi" is unavailable: the MPI binding is turned off by MLSD_NATIVE=0.', sizes: [2, 2] });
  }, 60_000);
});

describe.runIf(!mpicc.error || required)("the MPI binding's build", () => {
  it("compiles native/mpi/mpi.c with mpicc, then finds it up to date", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-mpi-build-"));
    const env = { ...process.env, MLSD_MPI_OUT: join(dir, "mlsd_mpi.node") };
    const first = spawnSync(process.execPath, ["native/mpi/build.mjs"], { encoding: "utf8", env });
    expect(first.stderr).toMatch(/build-mpi: built .*mlsd_mpi\.node with mpicc/);
    expect(existsSync(join(dir, "mlsd_mpi.node"))).toBe(true);
    const again = spawnSync(process.execPath, ["native/mpi/build.mjs"], { encoding: "utf8", env });
    expect(again.stderr).toMatch(/mlsd_mpi\.node is up to date/);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe.runIf(runnable || required)("the mpi transport under mpirun (Open MPI)", () => {
  it("is built and mpirun is on PATH", () => {
    expect(mpiAvailable(), mpiStatus()).toBe(true);
    expect(mpirun.error).toBeUndefined();
  });

  const lens = [1, 2, 7, 1001, 4099];
  it("launch with transport mpi: MPI_Allreduce averages correctly for 2 and 4 ranks and odd sizes; MPI_Bcast from the last rank", async () => {
    for (const N of [2, 4]) {
      const results = await launch<Out>(WORKER, { workers: N, transport: "mpi", args: { lens, options: {} } });
      checkAll(results, N, lens);
      expect(results[0]!.library).toMatch(/Open MPI|MPICH/);
      // MPI picks its own algorithm: no byte count is claimed.
      expect(results[0]!.out[0]!.stats.bytesSent).toBeNaN();
    }
  }, 120_000);

  it("the teaching ring and the parameter servers run over MPI's point-to-point messages, to the same averages", async () => {
    const ring = await launch<Out>(WORKER, { workers: 3, transport: "mpi", args: { lens, options: { algorithm: "ring", bucketBytes: 1204 } } });
    checkAll(ring, 3, lens);
    // Each rank sends 2 (N - 1)/N of the buffer, up to the rounding of chunks and buckets (as workers.test.ts checks on threads).
    const ideal = (2 * 2 * 4099 * 4) / 3;
    for (const r of ring) expect(Math.abs(r.out[4]!.stats.bytesSent - ideal)).toBeLessThanOrEqual(2 * 2 * 4 * Math.ceil((4099 * 4) / 1204));
    checkAll(await launch<Out>(WORKER, { workers: 4, transport: "mpi", args: { lens, options: { algorithm: "parameter-server", servers: 2 } } }), 4, lens);
  }, 120_000);

  it("mpirun -np N mlsd worker MODULE: rank and size from MPI, each rank prints its result", async () => {
    for (const N of [2, 4]) {
      // mpirun forwards each rank's stdout in pieces of a few KiB, so long lines of different ranks interleave on
      // its own stdout: Open MPI's --output-filename keeps each rank's output apart, in <dir>/1/rank.<r>/stdout.
      const dir = mkdtempSync(join(tmpdir(), "mlsd-mpi-test-"));
      const { code, err } = await mpirunWorker(N, { lens: [7, 1001], options: {} }, ["--output-filename", dir]);
      expect(code, err).toBe(0);
      const results = Array.from({ length: N }, (_, r) => JSON.parse(readFileSync(join(dir, "1", `rank.${r}`, "stdout"), "utf8")) as { rank: number; size: number; out: { buf: number[] }[]; root: number[] });
      rmSync(dir, { recursive: true, force: true });
      expect(results.map((r) => [r.rank, r.size])).toEqual(Array.from({ length: N }, (_, r) => [r, N]));
      const want = expected(1001, N);
      for (const r of results) r.out[1]!.buf.forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(1e-5 * N));
      for (const r of results) expect(r.root).toEqual([N - 1, 42]);
    }
  }, 120_000);

  it("refuses the mpi algorithm on a transport without MPI, by name", async () => {
    await expect(launch(WORKER, { workers: 2, args: { lens: [3], options: { algorithm: "mpi" } } })).rejects.toThrow(`'algorithm' "mpi" needs the mpi transport`);
    await expect(launch(WORKER, { workers: 2, transport: "mpi", timeoutMs: -1 })).rejects.toThrow("'timeoutMs' must be positive; got -1");
    process.env["MLSD_MPI_TIMEOUT"] = "soon";
    try {
      await expect(launch(WORKER, { workers: 2, transport: "mpi" })).rejects.toThrow("MLSD_MPI_TIMEOUT must be a positive number of seconds; got 'soon'");
    } finally {
      delete process.env["MLSD_MPI_TIMEOUT"];
    }
    const wrong = spawnSync(process.execPath, ["dist/kernel/cli.js", "worker", WORKER, "--rank", "1"], { encoding: "utf8" });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain("--rank comes with --peers (TCP); under mpirun or srun the rank comes from MPI; got --rank '1' without --peers");
    const alone = spawnSync(process.execPath, ["dist/kernel/cli.js", "worker", WORKER], { encoding: "utf8" });
    expect(alone.stderr).toContain("--peers is required unless the worker runs under an MPI launcher");
  }, 60_000);
});

describe.runIf(runnable || required)("trainDistributed on MPI", () => {
  const { X, y, make, weights } = tinyProblem();

  it("two and four ranks under mpirun end where one worker on the full batch ends", async () => {
    const single = make();
    const ref = await trainDataParallel(single, X, y, { workers: 1, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5 });
    for (const [N, algorithm] of [[2, "mpi"], [4, "mpi"], [4, "ring"]] as const) {
      const m = make();
      const r = await trainDistributed(m, X, y, { workers: N, transport: "mpi", steps: 20, learningRate: 0.5, allReduce: { algorithm } });
      weights(m).forEach((v, i) => expect(v).toBeCloseTo(weights(single)[i]!, 5));
      r.losses.forEach((l, i) => expect(l).toBeCloseTo(ref.losses[i]!, 5));
      expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
      expect(r.transport).toBe("mpi");
      expect(r.workers).toBe(N);
    }
  }, 180_000);
});

describe.runIf(runnable || required)("a rank that fails under mpirun stops the job with a clear error, in bounded time", () => {
  // Generous functional bounds (the job itself takes a few seconds): what matters is that it does not hang.
  const BOUND_MS = 60_000;
  const lens = [4099, 4099, 4099];

  it("a rank that throws: its error, naming it, and MPI_Abort stops its peers waiting in MPI_Allreduce", async () => {
    for (const N of [2, 4]) {
      const started = performance.now();
      await expect(launch(WORKER, { workers: N, transport: "mpi", args: { lens, options: {}, failOn: N - 1, failAfter: 1 } })).rejects.toThrow(`rank ${N - 1} of ${N} failed: planned failure on rank ${N - 1}`);
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
    }
  }, 120_000);

  it("a rank killed by SIGKILL: mpirun stops the others, and the error names the dead rank and the signal", async () => {
    for (const N of [2, 4]) {
      const started = performance.now();
      await expect(launch(WORKER, { workers: N, transport: "mpi", args: { lens, options: {}, failOn: N - 1, failAfter: 1, failHow: "kill" } })).rejects.toThrow(new RegExp(`rank ${N - 1} of ${N} failed: it exited before returning a result \\(mpirun ended with code \\d+; mpirun: .*process rank ${N - 1} .*signal 9`));
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
    }
  }, 120_000);

  // The hung rank is named when it answered mpirun's SIGTERM before the SIGKILL that follows (on a loaded machine it may not): never another.
  it("a rank that hangs: its peers give up after the timeout with an error naming the call, and end the job", async () => {
    for (const N of [2, 4]) {
      const started = performance.now();
      await expect(launch(WORKER, { workers: N, transport: "mpi", timeoutMs: 3000, args: { lens, options: {}, failOn: N - 1, failAfter: 1, failHow: "hang" } })).rejects.toThrow(new RegExp(`rank \\d of ${N} failed: MPI_Allreduce of 4099 floats on rank \\d of ${N} did not complete within 3 s: another rank is gone, stuck, or called a different collective \\(MLSD_MPI_TIMEOUT sets the limit\\)\\.( \\(stopped outside any collective when the job ended: rank ${N - 1}\\))?$`));
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
    }
  }, 120_000);

  it("mpirun ... mlsd worker with a rank killed: mpirun exits non-zero, the survivors say where they were stopped", async () => {
    for (const N of [2, 4]) {
      const { code, err, ms } = await mpirunWorker(N, { lens, options: {}, failOn: N - 1, failAfter: 1, failHow: "kill" });
      expect(code).not.toBe(0);
      expect(err).toMatch(new RegExp(`process rank ${N - 1} .*signal 9`));
      expect(err).toMatch(new RegExp(`rank 0 of ${N} was stopped by the MPI launcher \\(SIGTERM\\) while waiting in MPI_Allreduce of 4099 floats`));
      expect(ms).toBeLessThan(BOUND_MS);
    }
  }, 120_000);

  it("mpirun ... mlsd worker with a rank that throws: it names itself, and MPI_Abort ends the job", async () => {
    const { code, err, ms } = await mpirunWorker(2, { lens, options: {}, failOn: 1, failAfter: 1 });
    // MPI_Abort's error code, as mpirun passes it on.
    expect(code).toBe(1);
    expect(err).toContain("mlsd worker: rank 1 of 2 failed: planned failure on rank 1");
    expect(err).toContain("rank 0 of 2 was stopped by the MPI launcher (SIGTERM) while waiting in MPI_Allreduce of 4099 floats");
    expect(ms).toBeLessThan(BOUND_MS);
  }, 60_000);
});
