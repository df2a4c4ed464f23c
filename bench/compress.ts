/**
 * Post-training compression of one MLP, against the original, in one run:
 *   npm run build && node dist/bench/compress.js
 * A 20 -> 256 -> 256 -> 4 MLP trained on 24,000 rows of a 4-class makeClassification problem; each variant
 * (int8 per tensor and per channel, float16, magnitude pruning to 50 % and 80 %, a distilled 20 -> 32 -> 4
 * student) reports its stored size, median latency for one row and for 1,000 rows, and test accuracy on
 * 6,000 held-out rows. Quantized and pruned weights are dequantized into float32 for tfjs (it has no int8
 * kernels), so their latency is the original's; only the student does less arithmetic.
 */
import * as tf from "@tensorflow/tfjs";
import { makeClassification } from "../datasets/index.js";
import { describeBackend, useBackend } from "../lib/backend/index.js";
import { distill, prune, quantizeInt8, toFloat16Weights } from "../lib/deploy/index.js";
import { trainClassifier } from "../lib/loss/index.js";
import { accuracyScore } from "../lib/metrics/index.js";

process.stdout.write(`${describeBackend(await useBackend())}\n`);
const d = 20;
const { X, y } = makeClassification({ nSamples: 30_000, nFeatures: d, nInformative: 10, nRedundant: 4, nClasses: 4, flipY: 0.01, randomState: 7 });
const rows = Array.from({ length: 30_000 }, (_, i) => Array.from(X.data.subarray(i * d, (i + 1) * d)));
const labels = Array.from(y);
const [Xtr, Xte, ytr, yte] = [rows.slice(0, 24_000), rows.slice(24_000), labels.slice(0, 24_000), labels.slice(24_000)];

const dense = (units: number, seed: number, activation: "relu" | "linear", first = false) => tf.layers.dense({ units, activation, ...(first ? { inputShape: [d] } : {}), kernelInitializer: tf.initializers.glorotUniform({ seed }) });
const teacher = tf.sequential({ layers: [dense(256, 1, "relu", true), dense(256, 2, "relu"), dense(4, 3, "linear")] });
await trainClassifier(teacher, Xtr, ytr, { epochs: 12, batchSize: 128, optimizer: 0.002, randomState: 0, progress: false });
const student = tf.sequential({ layers: [dense(32, 4, "relu", true), dense(4, 5, "linear")] });
await distill(teacher, student, Xtr, ytr, { temperature: 3, alpha: 0.7, epochs: 12, batchSize: 128 });

const xte = tf.tensor2d(Xte);
const accuracy = (m: tf.LayersModel) => accuracyScore(yte, Array.from(tf.tidy(() => (m.predict(xte) as tf.Tensor).argMax(1)).dataSync()));
const latency = (m: tf.LayersModel, n: number) => {
  const x = tf.tensor2d(Xte.slice(0, n));
  for (let r = 0; r < 10; r++) tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync()); // warm-up
  const times: number[] = [];
  for (let r = 0; r < 31; r++) {
    const t = performance.now();
    tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync());
    times.push(performance.now() - t);
  }
  x.dispose();
  return times.sort((a, b) => a - b)[15]!;
};
const original = teacher.countParams() * 4;
const variants = [
  { name: "original (float32)", model: teacher, bytes: original },
  { name: "int8, per tensor", ...(await quantizeInt8(teacher)) },
  { name: "int8, per channel", ...(await quantizeInt8(teacher, { perChannel: true })) },
  { name: "float16", ...(await toFloat16Weights(teacher)) },
  { name: "pruned 50 %", ...(await prune(teacher, 0.5)) },
  { name: "pruned 80 %", ...(await prune(teacher, 0.8)) },
  { name: "distilled 20-32-4", model: student, bytes: student.countParams() * 4 },
];
const base = accuracy(teacher);
const lines = ["| variant | size (kB) | vs original | ms, 1 row | ms, 1,000 rows | test accuracy | vs original (points) |", "|---|---:|---:|---:|---:|---:|---:|"];
for (const v of variants) {
  const acc = accuracy(v.model);
  lines.push(`| ${v.name} | ${(v.bytes / 1024).toFixed(1)} | ${(v.bytes / original).toFixed(3)} | ${latency(v.model, 1).toFixed(3)} | ${latency(v.model, 1000).toFixed(2)} | ${(acc * 100).toFixed(2)} % | ${((acc - base) * 100).toFixed(2)} |`);
}
process.stdout.write(`${lines.join("\n")}\n`);
