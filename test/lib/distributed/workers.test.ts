/**
 * Distributed training on real workers: collectives between worker threads and between processes over
 * ZeroMQ on loopback, `mlsd worker` started by hand as on two machines, and data-parallel training that ends
 * exactly where single-worker training on the full batch ends. These import the built library: workers start
 * from compiled files.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { launch, parameterServerAllReduce, trainDataParallel, trainDistributed } from "../../../dist/lib/distributed/index.js";
import { shmKernels } from "../../../dist/lib/distributed/shm-native.js";
import { binaryCrossentropy } from "../../../dist/lib/loss/index.js";
import { tinyProblem } from "../../helpers/tiny-mlp.js";

import { checkAllReduced, expectedMean as expected, type AllReduceOut } from "./allreduce-check.js";

const WORKER = "test/fixtures/allreduce-worker.mjs";
type Out = AllReduceOut;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const checkAll = (results: Out[], N: number, lens: number[]) => checkAllReduced(results, N, lens, { identical: true });

/** The rank-order float32 sum, divided by N: what the threads' shared-memory all-reduce must give, bit for bit. */
function rankOrderMean(len: number, N: number): number[] {
  const bufs = Array.from({ length: N }, (_, r) => Float32Array.from({ length: len }, (_, k) => Math.sin(1 + r * 7919 + k * 0.37) * (r + 1)));
  return Array.from(parameterServerAllReduce(bufs).results[0]!);
}

describe("collectives on worker threads", () => {
  const lens = [1, 2, 7, 1001, 4099];
  it("all-reduce on shared memory averages correctly for 1 to 8 workers and odd sizes, private or alloc'd buffers", async () => {
    for (let N = 1; N <= 8; N++) {
      const results = await launch<Out>(WORKER, { workers: N, args: { lens, options: { bucketBytes: 1204 } } });
      checkAll(results, N, lens);
      // Buffers from collectives.alloc are reduced where they lie, to the same bits.
      const inPlace = await launch<Out>(WORKER, { workers: N, args: { lens, options: {}, alloc: true } });
      checkAll(inPlace, N, lens);
      lens.forEach((_, j) => expect(Array.from(inPlace[0]!.out[j]!.buf)).toEqual(Array.from(results[0]!.out[j]!.buf)));
      // Each rank sends 2 (N - 1)/N of the buffer, up to the rounding of chunks and buckets.
      const big = results.map((r) => r.out[4]!.stats.bytesSent);
      const ideal = (2 * (N - 1) * 4099 * 4) / N;
      big.forEach((b) => expect(Math.abs(b - ideal)).toBeLessThanOrEqual(2 * (N - 1) * 4 * Math.ceil((4099 * 4) / 1204)));
      // A deterministic order: each value summed by one rank in rank order 0..N-1 with float32 rounding, as the
      // parameter server's simulation sums (odd lengths exercise the 4-wide SIMD body and its scalar tail).
      for (const j of [0, 2, 3, 4]) expect(Array.from(results[0]!.out[j]!.buf)).toEqual(rankOrderMean(lens[j]!, N));
    }
  }, 120_000);

  it("the WebAssembly sums (MLSD_SHM_NATIVE=0) and the native ones (native/shm) give the same rank-order bits, on small odd sizes and on 32 MiB", async () => {
    // CI builds native/shm (MLSD_REQUIRE_NATIVE=1): there both paths must run.
    if (process.env["MLSD_REQUIRE_NATIVE"] === "1") expect(shmKernels()?.isa).toMatch(/^(avx512f|avx|sse2)$/);
    // Workers copy process.env when they start: this one turns the native sums off for the launches inside.
    const run = async (native: boolean, N: number, lens: number[], alloc: boolean) => {
      if (!native) process.env["MLSD_SHM_NATIVE"] = "0";
      try {
        return await launch<Out>(WORKER, { workers: N, args: { lens, options: {}, alloc } });
      } finally {
        delete process.env["MLSD_SHM_NATIVE"];
      }
    };
    for (const N of [2, 3, 5])
      for (const alloc of [false, true]) {
        const wasm = await run(false, N, lens, alloc);
        const native = await run(true, N, lens, alloc);
        checkAll(wasm, N, lens);
        checkAll(native, N, lens);
        for (const j of [0, 2, 3, 4]) {
          expect(Array.from(wasm[0]!.out[j]!.buf)).toEqual(rankOrderMean(lens[j]!, N));
          expect(Array.from(native[N - 1]!.out[j]!.buf)).toEqual(rankOrderMean(lens[j]!, N));
        }
      }
    // 2^23 + 3 values (32 MiB and 12 bytes): the vector body between a head and a tail done one by one.
    const big = 2 ** 23 + 3;
    const want = Float32Array.from(rankOrderMean(big, 2));
    const same = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(want.buffer));
    for (const alloc of [false, true]) {
      const [r0, r1] = await run(true, 2, [big], alloc);
      expect(same(r0!.out[0]!.buf) && same(r1!.out[0]!.buf)).toBe(true);
    }
    // The barrier's polling time, tuned by MLSD_SHM_SPIN_MS: 0 sleeps at once, to the same sums; nonsense is refused by name.
    for (const [spin, N] of [["0", 3], ["0.5", 2]] as const) {
      process.env["MLSD_SHM_SPIN_MS"] = spin;
      try {
        const polled = await launch<Out>(WORKER, { workers: N, args: { lens, options: {} } });
        expect(Array.from(polled[0]!.out[4]!.buf)).toEqual(rankOrderMean(4099, N));
      } finally {
        delete process.env["MLSD_SHM_SPIN_MS"];
      }
    }
    process.env["MLSD_SHM_SPIN_MS"] = "soon";
    try {
      await expect(launch(WORKER, { workers: 2, args: { lens, options: {} } })).rejects.toThrow("MLSD_SHM_SPIN_MS must be a number of milliseconds >= 0; got 'soon'.");
    } finally {
      delete process.env["MLSD_SHM_SPIN_MS"];
    }
  }, 180_000);

  it("ranks that pass buffers of different lengths all fail with an error naming both lengths, on either path", async () => {
    // A script file, not a data URL: workers start it by path.
    const dir = mkdtempSync(join(tmpdir(), "mlsd-lengths-"));
    const file = join(dir, "lengths.mjs");
    writeFileSync(file, "export default async (ctx) => { await ctx.collectives.allReduce(new Float32Array(5)); await ctx.collectives.allReduce(new Float32Array(ctx.rank === 0 ? 10 : 12)); };");
    try {
      for (const native of ["1", "0"]) {
        process.env["MLSD_SHM_NATIVE"] = native;
        await expect(launch(file, { workers: 2 })).rejects.toThrow(/allReduce: every rank must pass a buffer of the same length; rank [01] has 1[02] values, rank [01] has 1[02]\./);
      }
    } finally {
      delete process.env["MLSD_SHM_NATIVE"];
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a rank that fails while its peers wait in an all-reduce stops the job with its rank named, instead of hanging", async () => {
    for (const N of [2, 4]) await expect(launch(WORKER, { workers: N, args: { lens: [4099, 4099, 4099], options: {}, failOn: N - 1, failAfter: 1 } })).rejects.toThrow(`rank ${N - 1} of ${N} failed: planned failure on rank ${N - 1}`);
  }, 60_000);

  it("parameter servers give the same averages, and a failing rank stops the job with its rank named", async () => {
    for (const [N, servers] of [[3, 1], [5, 2], [4, 4]] as const) checkAll(await launch<Out>(WORKER, { workers: N, args: { lens, options: { algorithm: "parameter-server", servers } } }), N, lens);
    await expect(launch(WORKER, { workers: 3, args: { lens, options: {}, failOn: 1 } })).rejects.toThrow("rank 1 of 3 failed: planned failure on rank 1");
    await expect(launch(WORKER, { workers: 2, args: { lens, options: { algorithm: "parameter-server", servers: 3 } } })).rejects.toThrow("'servers' must be an integer in [1, 2]");
    await expect(launch("no/such/worker.mjs", { workers: 2 })).rejects.toThrow("does not exist");
    await expect(launch(WORKER, { workers: 0 })).rejects.toThrow("'workers' must be an integer >= 1; got 0");
  }, 60_000);
});

describe("collectives between processes over ZeroMQ (TCP loopback)", () => {
  it("launch with transport tcp: two and three processes all-reduce and broadcast correctly", async () => {
    for (const N of [2, 3]) checkAll(await launch<Out>(WORKER, { workers: N, transport: "tcp", args: { lens: [7, 1001], options: { bucketBytes: 400 } } }), N, [7, 1001]);
  }, 60_000);

  it("mlsd worker: two ranks started by hand with each other's address, as on two machines", async () => {
    const ports = await Promise.all([0, 1].map(() => new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    })));
    const peers = ports.map((p) => `tcp://127.0.0.1:${p}`).join(",");
    const args = JSON.stringify({ lens: [5, 300], options: { bucketBytes: 100 } });
    const outputs = await Promise.all([1, 0].map((rank) => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["dist/kernel/cli.js", "worker", WORKER, "--rank", String(rank), "--peers", peers, "--args", args], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += String(d)));
      child.stderr.on("data", (d: Buffer) => (err += String(d)));
      child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`rank ${rank} exited ${code}: ${err}`))));
    })));
    const results = outputs.map((o) => JSON.parse(o) as { rank: number; out: { buf: number[] }[]; root: number[] }).sort((a, b) => a.rank - b.rank);
    const want = expected(300, 2);
    for (const r of results) r.out[1]!.buf.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 5));
    expect(results.map((r) => r.root)).toEqual([[1, 42], [1, 42]]);
  }, 60_000);
});

describe("trainDistributed", () => {
  const { X, y, make, weights } = tinyProblem();

  it("four workers, on threads or on processes over TCP, end where one worker on the full batch ends", async () => {
    const single = make();
    const ref = await trainDataParallel(single, X, y, { workers: 1, loss: binaryCrossentropy(), steps: 20, learningRate: 0.5 });
    for (const [transport, algorithm] of [["threads", "ring"], ["tcp", "ring"], ["threads", "parameter-server"]] as const) {
      const m = make();
      const r = await trainDistributed(m, X, y, { workers: 4, transport, steps: 20, learningRate: 0.5, allReduce: { algorithm, servers: 2 } });
      weights(m).forEach((v, i) => expect(v).toBeCloseTo(weights(single)[i]!, 5));
      r.losses.forEach((l, i) => expect(l).toBeCloseTo(ref.losses[i]!, 5));
      expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
      expect(r.workers).toBe(4);
      // 57 weights and the loss, 4 bytes each: the ring sends 2 (N - 1)/N of them per step.
      if (algorithm === "ring") expect(r.bytesSentPerWorker).toBe((2 * 3 * 58 * 4) / 4);
    }
  }, 120_000);

  it("takes minibatches and Adam, and refuses bad options by name", async () => {
    const a = make();
    const b = make();
    await trainDistributed(a, X, y, { workers: 2, batchSize: 16, steps: 8, optimizer: "adam", learningRate: 0.05, loss: { name: "sigmoidFocalLoss", options: { gamma: 2, alpha: 0.25 } } });
    await trainDistributed(b, X, y, { workers: 4, batchSize: 16, steps: 8, optimizer: "adam", learningRate: 0.05, loss: { name: "sigmoidFocalLoss", options: { gamma: 2, alpha: 0.25 } } });
    weights(a).forEach((v, i) => expect(v).toBeCloseTo(weights(b)[i]!, 5)); // 2 or 4 shards of the same batches
    await expect(trainDistributed(make(), X, y, { workers: 3, batchSize: 16 })).rejects.toThrow("'batchSize' must be a multiple of the 3 workers; got 16");
    await expect(trainDistributed(make(), X, y, { workers: 2, loss: { name: "nope" as "binaryCrossentropy" } })).rejects.toThrow(/rank [01] of 2 failed: unknown loss "nope"/); // both ranks fail alike: the first to report is named
    await expect(trainDistributed(make(), X, y.slice(0, 10), { workers: 2 })).rejects.toThrow("X has 64 rows but y has 10");
  }, 60_000);
});
