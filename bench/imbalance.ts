/**
 * Resampling benchmark against imbalanced-learn, in one run on the same data:
 *   npm run build && node dist/bench/imbalance.js [reps, default 5]
 * SMOTE on 100,000 x 20 (10 % minority) and TomekLinks on 20,000 x 20, at every instruction-set level of the
 * native kernels this CPU runs (forced as MLSD_ISA does) and for both input kinds ({ data, rows, cols } and
 * number[][] with number[] labels, output in the same kind), and SMOTE's neighbour search alone at each level
 * (what of SMOTE's time is the kNN kernel's), with each native search forced beside the kernel's own choice,
 * and TomekLinks' 1-NN likewise; reservoir Algorithm L against R over 10^8 items
 * of a typed array. Repetitions interleave levels and kinds (the machine is shared, so load drifts); each
 * figure is the best of `reps`. Prints tables of times and ratios.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeClassification } from "../datasets/index.js";
import { SMOTE, TomekLinks } from "../lib/imbalance/index.js";
import { classIndices } from "../lib/imbalance/base-sampler.js";
import { gatherRows } from "../lib/imbalance/smote-core.js";
import { kneighbors } from "../lib/neighbors/search.js";
import { reservoirSample } from "../lib/sampling/index.js";
import { checkArray, restoreMatrix, type LabelsLike, type MatrixLike } from "../lib/core/validation.js";
import { atLevel, benchHeader, benchLevels } from "./isa-levels.js";
import { nativeKernels, nativeThreads } from "../lib/native/index.js";

const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const reps = Number(process.argv[2] ?? 5);
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

type Task = { name: string; X: { data: Float64Array; rows: number; cols: number }; y: Int32Array; run: (X: MatrixLike, y: LabelsLike) => unknown; imblearn: string };
const asRows = (X: { data: Float64Array; rows: number; cols: number }) => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

const big = makeClassification({ nSamples: 100_000, nFeatures: 20, nInformative: 10, nRedundant: 4, weights: [0.9], flipY: 0, randomState: 0 });
const mid = makeClassification({ nSamples: 20_000, nFeatures: 20, nInformative: 10, nRedundant: 4, weights: [0.9], flipY: 0, randomState: 1 });
const tasks: Task[] = [
  { name: "SMOTE, 100,000 x 20, 10 % minority", X: big.X, y: big.y, run: (X, y) => new SMOTE({ randomState: 0 }).fitResample(X, y), imblearn: "SMOTE(random_state=0)" },
  { name: "TomekLinks, 20,000 x 20", X: mid.X, y: mid.y, run: (X, y) => new TomekLinks().fitResample(X, y), imblearn: "TomekLinks()" },
];
const levels = benchLevels();
const kinds = ["dense", "number[][]"] as const;
const rows: string[] = [...benchHeader(), `best of ${reps}`, "", "| task | ISA | input | mlsd (ms) | imbalanced-learn (ms) | mlsd / imblearn | number[][] / dense |", "|---|---|---|---:|---:|---:|---:|"];
/** Each task's dense time at the first (best) level, for the conversion table. */
const denseMs = new Map<string, number>();
for (const [t, task] of tasks.entries()) {
  const inputs = { dense: [task.X, task.y] as const, "number[][]": [asRows(task.X), Array.from(task.y)] as const };
  const ref = imblearnTime(`task${t}`, task.X.data, task.X.rows, task.X.cols, task.y, task.imblearn, reps);
  const ms = new Map<string, number>();
  task.run(task.X, task.y); // untimed: V8 compiles the resampler's hot JavaScript during the first run
  for (let r = 0; r < reps; r++)
    for (const level of levels.length ? levels : [null])
      for (const kind of kinds) {
        const [X, y] = inputs[kind];
        const go = () => {
          const t0 = performance.now();
          task.run(X, y);
          return performance.now() - t0;
        };
        const key = `${level} ${kind}`;
        ms.set(key, Math.min(ms.get(key) ?? Infinity, level ? atLevel(level, go) : go()));
      }
  denseMs.set(task.name, ms.get(`${levels[0] ?? null} dense`)!);
  for (const level of levels.length ? levels : [null])
    for (const kind of kinds) {
      const m = ms.get(`${level} ${kind}`)!;
      const dense = ms.get(`${level} dense`)!;
      rows.push(`| ${task.name} | ${level ?? "JavaScript (no native kernels)"} | ${kind} | ${m.toFixed(0)} | ${ref.toFixed(0)} | ${(m / ref).toFixed(2)} | ${kind === "dense" ? "" : (m / dense).toFixed(2)} |`);
    }
}

// What number[][] costs in itself: reading the input rows into the Float64 matrix (checkArray) and building the
// output rows from the dense result (restoreMatrix), each alone on the same data. Their sum over the dense
// run's time is the least number[][] / dense ratio that copying in and out allows: nearly all of the output's
// cost is V8 keeping its row arrays (a retained array a row is the heap's work, not the copy's).
{
  rows.push("", `| number[][] conversion alone, best of ${reps} | rows in / out | input (ms) | output (ms) | (dense + input + output) / dense |`, "|---|---|---:|---:|---:|");
  for (const task of tasks) {
    const input = asRows(task.X);
    const out = task.run(task.X, task.y) as { X: { data: Float64Array; rows: number; cols: number } };
    const tIn = best(() => checkArray(input, "X", { copy: false }), reps);
    const tOut = best(() => restoreMatrix(out.X, { kind: "array" }), reps);
    const dense = denseMs.get(task.name)!;
    rows.push(`| ${task.name} | ${task.X.rows} / ${out.X.rows} | ${tIn.toFixed(1)} | ${tOut.toFixed(1)} | ${((dense + tIn + tOut) / dense).toFixed(2)} |`);
  }
}

// Where SMOTE's time goes: its k-nearest-neighbour search alone (the minority class's self 5-NN, as SMOTE runs
// it), as kneighbors runs it (the native kernel's choice) and with each native search forced, and TomekLinks'
// 1-NN over all 20,000 rows the same way.
{
  const members = classIndices(big.y, 1);
  const Xc = gatherRows(big.X.data, big.X.cols, members);
  const native = nativeKernels();
  const searches = [
    { name: `SMOTE's minority, ${members.length} x ${big.X.cols}, self 5-NN`, X: Xc, n: members.length, k: 5 },
    { name: `TomekLinks' rows, ${mid.X.rows} x ${mid.X.cols}, self 1-NN`, X: mid.X.data, n: mid.X.rows, k: 1 },
  ];
  rows.push("", `| kNN alone, best of ${reps} | ISA | kneighbors (ms) | search chosen | blocked, forced (ms) | ordered, forced (ms) |`, "|---|---|---:|---|---:|---:|");
  for (const s of searches)
    for (const level of levels.length ? levels : [null]) {
      const at = <T>(f: () => T) => (level ? atLevel(level, f) : f());
      const auto = best(() => at(() => kneighbors(s.X, s.n, s.X, s.n, big.X.cols, s.k, true)), reps);
      const forced = (search: 1 | 2) => (native ? best(() => at(() => native.knn(s.X, s.n, s.X, s.n, big.X.cols, s.k, true, nativeThreads(), search)), reps).toFixed(0) : "-");
      const chosen = native ? (at(() => native.knn(s.X, s.n, s.X, s.n, big.X.cols, s.k, true, nativeThreads(), 0))[2] === 2 ? "ordered" : "blocked") : "JavaScript";
      rows.push(`| ${s.name} | ${level ?? "JavaScript"} | ${auto.toFixed(0)} | ${chosen} | ${forced(1)} | ${forced(2)} |`);
    }
}

const stream = new Float64Array(100_000_000);
const tL = best(() => reservoirSample(stream, 1000, { algorithm: "L", randomState: 0 }), 3);
const tR = best(() => reservoirSample(stream, 1000, { algorithm: "R", randomState: 0 }), 1);
rows.push("", "| reservoir, k = 1000 over 10^8 typed-array items | ms | items / s |", "|---|---:|---:|");
rows.push(`| Algorithm L (geometric skips) | ${tL.toFixed(1)} | ${(1e8 / (tL / 1000)).toExponential(2)} |`);
rows.push(`| Algorithm R (a draw per item) | ${tR.toFixed(0)} | ${(1e8 / (tR / 1000)).toExponential(2)} |`);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${rows.join("\n")}\n`);
