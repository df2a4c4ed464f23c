/**
 * Gradient checkpointing against plain backpropagation, in one run:
 *   npm run build && node dist/bench/checkpoint.js
 * Deep tanh MLPs (width 128, batch 256) of 16, 36 and 64 layers on the backend `useBackend` picks: peak tensor
 * memory during one gradient computation (tf.profile) and its median time, for plain backpropagation and for
 * a checkpoint every k layers. Plain memory grows with the depth L; the best k's memory grows with sqrt(L).
 */
import * as tf from "@tensorflow/tfjs";
import { describeBackend, useBackend } from "../lib/backend/index.js";
import { measureCheckpointing } from "../lib/distributed/index.js";
import { binaryCrossentropy } from "../lib/loss/index.js";

process.stdout.write(`${describeBackend(await useBackend())}\n`);
const width = 128;
const batch = 256;
const xs = tf.randomNormal([batch, width], 0, 1, "float32", 1);
const ys = tf.cast(tf.greater(tf.randomUniform([batch], 0, 1, "float32", 2), 0.5), "float32");
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
const detail = ["| layers L | k | checkpoints | peak MiB | vs plain | ms | vs plain |", "|---:|---:|---:|---:|---:|---:|---:|"];
const summary = ["| layers L | plain MiB | best k | best MiB | best / sqrt(L) | plain / L | time at best k vs plain |", "|---:|---:|---:|---:|---:|---:|---:|"];
for (const L of [16, 36, 64]) {
  const m = tf.sequential();
  for (let i = 0; i < L; i++) m.add(tf.layers.dense({ units: i === L - 1 ? 1 : width, activation: i === L - 1 ? "linear" : "tanh", ...(i === 0 ? { inputShape: [width] } : {}), kernelInitializer: tf.initializers.glorotUniform({ seed: i }) }));
  const ks = [...new Set([1, 2, 3, 4, Math.round(Math.sqrt(L)), Math.round(L / 4), Math.round(L / 2), L])].sort((a, b) => a - b);
  const rows = await measureCheckpointing(m, binaryCrossentropy(), xs, ys, ks, { repeats: 3 });
  const plain = rows[0]!;
  for (const r of rows) detail.push(`| ${L} | ${r.every === 0 ? "plain" : r.every} | ${r.checkpoints} | ${mib(r.peakBytes)} | ${(r.peakBytes / plain.peakBytes).toFixed(2)} | ${r.ms.toFixed(0)} | ${(r.ms / plain.ms).toFixed(2)} |`);
  const best = rows.slice(1).reduce((a, b) => (b.peakBytes < a.peakBytes ? b : a));
  summary.push(`| ${L} | ${mib(plain.peakBytes)} | ${best.every} | ${mib(best.peakBytes)} | ${(best.peakBytes / 2 ** 20 / Math.sqrt(L)).toFixed(2)} | ${(plain.peakBytes / 2 ** 20 / L).toFixed(2)} | ${(best.ms / plain.ms).toFixed(2)} |`);
  m.dispose();
}
process.stdout.write(`width ${width}, batch ${batch}\n\n${detail.join("\n")}\n\n${summary.join("\n")}\n`);
