/**
 * Resampling benchmark against imbalanced-learn, in one run on the same data:
 *   npm run build && node dist/bench/imbalance.js
 * SMOTE on 100,000 x 20 (10 % minority) and TomekLinks on 20,000 x 20; reservoir Algorithm L against R over
 * 10^8 items of a typed array. Prints a table of times and ratios.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeClassification } from "../datasets/index.js";
import { SMOTE, TomekLinks } from "../lib/imbalance/index.js";
import { reservoirSample } from "../lib/sampling/index.js";

const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dir = mkdtempSync(join(tmpdir(), "mlsd-bench-"));
const best = (f: () => void, reps: number) => {
  let min = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
};

function imblearnTime(name: string, X: Float64Array, rows: number, cols: number, y: Int32Array, sampler: string, reps: number): number {
  writeFileSync(join(dir, `${name}.X`), X);
  writeFileSync(join(dir, `${name}.y`), y);
  const script = `
import time, numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import TomekLinks
X = np.fromfile("${join(dir, `${name}.X`)}", dtype=np.float64).reshape(${rows}, ${cols})
y = np.fromfile("${join(dir, `${name}.y`)}", dtype=np.int32)
best = float("inf")
for _ in range(${reps}):
    t = time.perf_counter(); ${sampler}.fit_resample(X, y); best = min(best, time.perf_counter() - t)
print(best * 1000)
`;
  const res = spawnSync(python, ["-c", script], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(res.stderr);
  return Number(res.stdout.trim());
}

const rows: string[] = ["| task | mlsd (ms) | imbalanced-learn (ms) | mlsd / imblearn |", "|---|---:|---:|---:|"];

const big = makeClassification({ nSamples: 100_000, nFeatures: 20, nInformative: 10, nRedundant: 4, weights: [0.9], flipY: 0, randomState: 0 });
const tSmote = best(() => new SMOTE({ randomState: 0 }).fitResample(big.X, big.y), 2);
const pSmote = imblearnTime("smote", big.X.data, big.X.rows, big.X.cols, big.y, "SMOTE(random_state=0)", 2);
rows.push(`| SMOTE, 100,000 x 20, 10 % minority | ${tSmote.toFixed(0)} | ${pSmote.toFixed(0)} | ${(tSmote / pSmote).toFixed(2)} |`);

const mid = makeClassification({ nSamples: 20_000, nFeatures: 20, nInformative: 10, nRedundant: 4, weights: [0.9], flipY: 0, randomState: 1 });
const tTomek = best(() => new TomekLinks().fitResample(mid.X, mid.y), 1);
const pTomek = imblearnTime("tomek", mid.X.data, mid.X.rows, mid.X.cols, mid.y, "TomekLinks()", 2);
rows.push(`| TomekLinks, 20,000 x 20 | ${tTomek.toFixed(0)} | ${pTomek.toFixed(0)} | ${(tTomek / pTomek).toFixed(2)} |`);

const stream = new Float64Array(100_000_000);
const tL = best(() => reservoirSample(stream, 1000, { algorithm: "L", randomState: 0 }), 3);
const tR = best(() => reservoirSample(stream, 1000, { algorithm: "R", randomState: 0 }), 1);
rows.push("", "| reservoir, k = 1000 over 10^8 typed-array items | ms | items / s |", "|---|---:|---:|");
rows.push(`| Algorithm L (geometric skips) | ${tL.toFixed(1)} | ${(1e8 / (tL / 1000)).toExponential(2)} |`);
rows.push(`| Algorithm R (a draw per item) | ${tR.toFixed(0)} | ${(1e8 / (tR / 1000)).toExponential(2)} |`);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${rows.join("\n")}\n`);
