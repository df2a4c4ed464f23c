/**
 * MLP training throughput on every tfjs backend that starts here, with the one `useBackend("auto")` picks named:
 *   npm run build && node dist/bench/backend.js
 * On the lent GPU machine the same measurement runs inside bench/gpu.ts (bundled by bench/gpu-pack.sh).
 */
import * as tf from "@tensorflow/tfjs";
import { describeBackend, useBackend } from "../lib/backend/index.js";
import { mlpStepMs } from "./mlp-step.js";

const report = await useBackend("auto");
process.stdout.write(`${describeBackend(report)}\n`);
// Register what else can start, so each is measured (auto stops at the first that works).
for (const name of ["wasm", "cpu"] as const) {
  if (tf.engine().registryFactory[name] === undefined) await useBackend(name).catch(() => undefined);
}
const backends = ["tensorflow", "webgpu", "wasm", "cpu"].filter((b) => tf.engine().registryFactory[b] !== undefined);
const batch = 256;
const rows = ["| backend | ms per batch of 256 | samples / s | vs cpu |", "|---|---:|---:|---:|"];
const ms: Record<string, number> = {};
for (const b of backends) ms[b] = await mlpStepMs(b, b === "cpu" ? 2 : 5, batch);
for (const b of backends) {
  const active = b === report.active ? " (auto's choice)" : "";
  rows.push(`| ${b}${active} | ${ms[b]!.toFixed(1)} | ${((batch / ms[b]!) * 1000).toFixed(0)} | ${(ms.cpu! / ms[b]!).toFixed(2)} |`);
}
process.stdout.write(`${rows.join("\n")}\n`);
