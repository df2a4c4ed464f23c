/**
 * `mlsd serve` under load, with dynamic batching off (one request per model call) and on, in one run:
 *   npm run build && node dist/bench/serve.js [seconds per level]
 * Two tfjs MLPs saved with a manifest: the deployment notebook's size (16 -> 64 -> 64 -> 1) and a deeper one
 * (16 -> 8 x 256 -> 1). The server runs as `mlsd serve` (its own process, on the backend `useBackend` picks),
 * the load comes from bench/loadgen (another process: closed loop, keep-alive connections on loopback, one
 * instance per request). Prints throughput and p50/p99 latency per concurrency level, then batching's
 * throughput gain and p99 ratio.
 * Then a perf_analyzer-style sweep (concurrency 1 to 256, throughput, p50/p95/p99, and the split of the
 * server's time between queueing and compute from its /metrics) for one histogram gradient boosting model
 * served twice: by the estimator runtime and by ONNX Runtime (the same model exported with toOnnx).
 * `node dist/bench/serve.js SECONDS --sweep-only` runs the sweep alone.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../lib/backend/index.js";
import { saveModel } from "../lib/deploy/index.js";
import { HistGradientBoostingClassifier } from "../lib/ensemble/index.js";

const seconds = Number(process.argv[2] ?? 3);
const sweepOnly = process.argv.includes("--sweep-only");
const levels = [1, 8, 32, 128];
const dir = mkdtempSync(join(tmpdir(), "mlsd-bench-serve-"));
const d = 16;
const models = [
  { name: "MLP 16-64-64-1", hidden: 64, depth: 2 },
  { name: "MLP 16-(256 x 8)-1", hidden: 256, depth: 8 },
];
const modes = [
  { name: "off", args: ["--max-batch-size", "1", "--max-queue-delay-ms", "0"] },
  { name: "on", args: ["--max-batch-size", "64", "--max-queue-delay-ms", "0"] },
];

await useBackend("cpu"); // only to build and save the models
const inputs = Array.from({ length: d }, (_, i) => ({ name: `x${i}`, type: "number" as const }));
for (const [m, spec] of models.entries()) {
  const dense = (units: number, seed: number, first = false) => tf.layers.dense({ units, activation: "relu", ...(first ? { inputShape: [d] } : {}), kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  const net = tf.sequential({ layers: [dense(spec.hidden, 1, true), ...Array.from({ length: spec.depth - 1 }, (_, i) => dense(spec.hidden, 2 + i)), tf.layers.dense({ units: 1, activation: "sigmoid" })] });
  await saveModel(net, join(dir, `model-${m}`), { version: "1", inputs, outputs: ["p"] });
}
const bodies = Array.from({ length: 256 }, (_, k) => JSON.stringify({ instances: [Object.fromEntries(inputs.map((f, i) => [f.name, Math.sin(k * 13 + i)]))] }));
writeFileSync(join(dir, "bodies.json"), JSON.stringify(bodies));

type Result = { concurrency: number; answered: number; throughput: number; p50: number; p99: number; statuses: Record<string, number> };

async function withServer<T>(model: string, args: string[], f: (url: string) => T | Promise<T>): Promise<{ value: T; backend: string }> {
  const child = spawn(process.execPath, ["dist/kernel/cli.js", "serve", "--model", model, "--port", "0", "--max-queue-size", "100000", ...args], { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (b: Buffer) => {
      out += String(b);
      const m = /on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`mlsd serve exited with ${code}: ${out}`)));
  });
  try {
    return { value: await f(url), backend: /tfjs backend: (\w+)/.exec(out)?.[1] ?? "?" };
  } finally {
    const done = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await done;
  }
}

function load(url: string, concurrency: number): Result {
  const run = (s: number) => spawnSync(process.execPath, ["dist/bench/loadgen.js", url, String(concurrency), "100000000", String(s), join(dir, "bodies.json")], { encoding: "utf8" });
  run(1); // warm the JIT, the model and the connections
  const res = run(seconds);
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout) as Result;
}

let backend = "?";
const lines: string[] = [];
const summary = ["| model | concurrency | throughput on / off | p99 on / off |", "|---|---:|---:|---:|"];
for (const [m, spec] of sweepOnly ? [] : models.entries()) {
  const byMode: Result[][] = [];
  for (const mode of modes) {
    const r = await withServer(join(dir, `model-${m}`), mode.args, (url) => levels.map((c) => load(url, c)));
    byMode.push(r.value);
    backend = r.backend;
  }
  lines.push("", `${spec.name}`, "", "| concurrency | batching | requests/s | p50 (ms) | p99 (ms) | non-200 |", "|---:|---|---:|---:|---:|---:|");
  levels.forEach((c, i) =>
    modes.forEach((mode, k) => {
      const r = byMode[k]![i]!;
      const bad = Object.entries(r.statuses).filter(([s]) => s !== "200").reduce((s, [, n]) => s + n, 0);
      lines.push(`| ${c} | ${mode.name} | ${r.throughput.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${bad} |`);
    }),
  );
  levels.forEach((c, i) => summary.push(`| ${spec.name} | ${c} | ${(byMode[1]![i]!.throughput / byMode[0]![i]!.throughput).toFixed(2)} | ${(byMode[1]![i]!.p99 / byMode[0]![i]!.p99).toFixed(2)} |`));
}
if (!sweepOnly) process.stdout.write(`mlsd serve on tfjs backend ${backend}; ${seconds} s per level; "on" is --max-batch-size 64 --max-queue-delay-ms 0\n${lines.join("\n")}\n\n${summary.join("\n")}\n`);

// The sweep: one HGB classifier (100 trees of up to 31 leaves on 16 features), estimator runtime against ONNX Runtime.
const sweepLevels = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const X = Array.from({ length: 4000 }, (_, i) => Array.from({ length: d }, (_, j) => Math.fround(Math.sin(i * 7.1 + j * 3.3))));
const y = X.map((r) => (r[0]! + r[1]! * r[2]! > 0 ? 1 : 0));
const hgb = new HistGradientBoostingClassifier({ maxIter: 100, randomState: 0, earlyStopping: false }).fit(X, y);
await saveModel(hgb, join(dir, "hgb-estimator"), { version: "1", inputs, outputs: ["p(0)", "p(1)"] });
await saveModel(hgb, join(dir, "hgb-onnx"), { format: "onnx", version: "1", inputs, outputs: ["p(0)", "p(1)"] });

/** Sum and count of a Prometheus histogram in a /metrics text. */
function sumCount(text: string, name: string): [number, number] {
  const get = (suffix: string) => Number(new RegExp(`^${name}_${suffix} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return [get("sum"), get("count")];
}
const sweep = ["| runtime | concurrency | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | queue per request (ms) | compute per batch (ms) | mean batch | non-200 |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"];
for (const runtime of ["estimator", "onnx"]) {
  await withServer(join(dir, `hgb-${runtime}`), ["--max-batch-size", "64", "--max-queue-delay-ms", "0"], async (url) => {
    for (const c of sweepLevels) {
      // A fresh connection per scrape: a pooled keep-alive socket may be closed by the server while loadgen runs.
      const scrape = () => new Promise<string>((resolve, reject) => get(`${url}/metrics`, { agent: false }, (res) => { let t = ""; res.on("data", (b: Buffer) => (t += String(b))); res.on("end", () => resolve(t)); }).on("error", reject));
      load(url, c); // warm-up level, then the measured one between two scrapes
      const before = await scrape();
      const r = load(url, c);
      const after = await scrape();
      const delta = (name: string) => {
        const [s0, n0] = sumCount(before, name);
        const [s1, n1] = sumCount(after, name);
        return n1 > n0 ? (s1 - s0) / (n1 - n0) : NaN;
      };
      const bad = Object.entries(r.statuses).filter(([st]) => st !== "200").reduce((s, [, n]) => s + n, 0);
      sweep.push(`| ${runtime === "onnx" ? "ONNX Runtime" : "estimator"} | ${c} | ${r.throughput.toFixed(0)} | ${r.p50.toFixed(2)} | ${(r as Result & { p95: number }).p95.toFixed(2)} | ${r.p99.toFixed(2)} | ${(delta("mlsd_queue_seconds") * 1000).toFixed(3)} | ${(delta("mlsd_compute_seconds") * 1000).toFixed(3)} | ${delta("mlsd_batch_size").toFixed(1)} | ${bad} |`);
    }
  }).then((r) => r.value);
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`\nSweep: HistGradientBoostingClassifier (100 trees, 16 features), --max-batch-size 64 --max-queue-delay-ms 0, ${seconds} s per level\n${sweep.join("\n")}\n`);
