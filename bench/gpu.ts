/**
 * GPU check and benchmark for the lent GPU machine (see ../shared/gpu/README.md):
 *   ../shared/gpu/pack.sh bench/gpu.ts   then run the printed command there with carry [".gpu"].
 * Runs here too (no adapter: WebGPU is reported as skipped). Prints the adapter and the backend that
 * `useBackend("auto")` chose first, checks WebGPU's results against the CPU backend, then times matrix
 * products and a small training step on each backend that starts, side by side.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { describeBackend, useBackend } from "../lib/backend/index.js";
import { mlpStepMs } from "./mlp-step.js";

// In the bundle, the wasm binaries sit in ./wasm next to it (pack.sh copies them there), and Emscripten's
// loader reads the CommonJS global __dirname, which an ES module bundle lacks.
const here = dirname(fileURLToPath(import.meta.url));
const g = globalThis as { __dirname?: string; __filename?: string };
g.__dirname ??= here;
g.__filename ??= fileURLToPath(import.meta.url);
if (existsSync(join(here, "wasm"))) setWasmPaths(`${join(here, "wasm")}/`);

const report = await useBackend("auto");
process.stdout.write(`${describeBackend(report)}\nselection took ${report.ms.toFixed(0)} ms\n`);
const backends = ["webgpu", "wasm", "cpu"].filter((b) => tf.engine().registryFactory[b] !== undefined);

async function matmulCheck(): Promise<string> {
  if (!backends.includes("webgpu")) return "webgpu not available: no correctness check";
  const n = 256;
  await tf.setBackend("cpu");
  const a = tf.randomUniform([n, n], -1, 1, "float32", 7);
  const b = tf.randomUniform([n, n], -1, 1, "float32", 8);
  const av = await a.data();
  const bv = await b.data();
  const want = await tf.matMul(a, b).data();
  await tf.setBackend("webgpu");
  const got = await tf.matMul(tf.tensor2d(av, [n, n]), tf.tensor2d(bv, [n, n])).data();
  let maxErr = 0;
  for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(want[i]! - got[i]!));
  if (maxErr > 1e-3) throw new Error(`webgpu matMul differs from cpu by ${maxErr}`);
  return `webgpu matMul ${n}x${n} matches cpu (max abs error ${maxErr.toExponential(2)})`;
}

async function timeMatmul(backend: string, n: number, reps: number): Promise<number> {
  await tf.setBackend(backend);
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
  await tf.matMul(a, b).data(); // compile kernels, upload
  const t = performance.now();
  for (let i = 0; i < reps; i++) {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }
  const sec = (performance.now() - t) / 1000 / reps;
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / sec / 1e9; // GFLOP/s
}

process.stdout.write(`${await matmulCheck()}\n`);
const rows: string[] = [];
const gflops: Record<string, Record<number, number>> = {};
const stepMs: Record<string, number> = {};
for (const backend of backends) {
  gflops[backend] = {};
  for (const n of [256, 1024, 2048]) {
    if (backend === "cpu" && n > 1024) continue;
    gflops[backend]![n] = await timeMatmul(backend, n, backend === "cpu" ? 2 : 10);
  }
  stepMs[backend] = await mlpStepMs(backend, backend === "cpu" ? 1 : 5);
}
const base = backends.includes("wasm") ? "wasm" : backends[backends.length - 1]!;
rows.push(`| backend | matMul 256 GFLOP/s | matMul 1024 GFLOP/s | matMul 2048 GFLOP/s | MLP train ms/batch(256) | speed-up vs ${base} (train) |`, "|---|---:|---:|---:|---:|---:|");
for (const b of backends) {
  const g = gflops[b]!;
  const f = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(1));
  rows.push(`| ${b} | ${f(g[256])} | ${f(g[1024])} | ${f(g[2048])} | ${stepMs[b]!.toFixed(1)} | ${(stepMs[base]! / stepMs[b]!).toFixed(2)} |`);
}
process.stdout.write(`${rows.join("\n")}\n`);
