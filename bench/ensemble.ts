/**
 * Ensembles against scikit-learn and XGBoost in one run, on the same data (binary files handed to Debian's Python):
 *   npm run build && node dist/bench/ensemble.js [reps]
 * HistGradientBoostingClassifier fit on 160,000 x 28 (100 iterations, 31 leaves, no early stopping) against
 * scikit-learn's and XGBoost's `hist`; AdaBoost (SAMME, 50 stumps) on 50,000 x 28 against scikit-learn. mlsd
 * runs at every instruction-set level of the native kernels this CPU runs (forced as MLSD_ISA does) and for
 * both input kinds ({ data, rows, cols } and number[][] with number[] labels); repetitions interleave them.
 * Prints best-of-N fit times, ratios, test ROC-AUC / accuracy, and the bytes of the binned matrix.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeClassification } from "../datasets/index.js";
import { AdaBoostClassifier, HistGradientBoostingClassifier } from "../lib/ensemble/index.js";
import { histogramThreads } from "../lib/ensemble/hgb/parallel.js";
import { rocAucScore } from "../lib/metrics/index.js";
import { atLevel, benchHeader, benchLevels } from "./isa-levels.js";

const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dir = mkdtempSync(join(tmpdir(), "mlsd-bench-"));
const reps = Number(process.argv[2] ?? 3);

function python_(script: string): Record<string, number> {
  const res = spawnSync(python, ["-c", script], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout.trim().split("\n").pop()!) as Record<string, number>;
}

const data = makeClassification({ nSamples: 200_000, nFeatures: 28, nInformative: 10, nRedundant: 4, weights: [0.9], flipY: 0.02, randomState: 0 });
writeFileSync(join(dir, "X"), data.X.data);
writeFileSync(join(dir, "y"), data.y);
const nTr = 160_000;
const d = 28;
const Xtr = { data: data.X.data.subarray(0, nTr * d), rows: nTr, cols: d };
const Xte = { data: data.X.data.subarray(nTr * d), rows: 200_000 - nTr, cols: d };
const ytr = data.y.subarray(0, nTr);
const yte = Array.from(data.y.subarray(nTr));

const levels = benchLevels();
const kinds = ["dense", "number[][]"] as const;
const asRows = (X: { data: Float64Array; rows: number; cols: number }) => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
const nAda = 50_000;
const Xada = { data: data.X.data.subarray(0, nAda * d), rows: nAda, cols: d };
const yada = data.y.subarray(0, nAda);
const inputs = {
  dense: { hgb: [Xtr, ytr], ada: [Xada, yada] },
  "number[][]": { hgb: [asRows(Xtr), Array.from(ytr)], ada: [asRows(Xada), Array.from(yada)] },
} as const;
/** Best-of-reps fit times per level and kind, repetitions interleaved; the models of the last repetition. */
function sweep<M>(fit: (X: unknown, y: unknown) => M, pick: (i: (typeof inputs)["dense"]) => readonly [unknown, unknown]): Map<string, { ms: number; model: M }> {
  const out = new Map<string, { ms: number; model: M }>();
  // One untimed fit first: V8 compiles the fit's hot JavaScript during it (the first fit measured 20 to 30 % slower).
  fit(...pick(inputs.dense));
  for (let r = 0; r < reps; r++)
    for (const level of levels.length ? levels : [null])
      for (const kind of kinds) {
        const [X, y] = pick(inputs[kind] as (typeof inputs)["dense"]);
        const go = () => {
          const t0 = performance.now();
          const model = fit(X, y);
          return { ms: performance.now() - t0, model };
        };
        const res = level ? atLevel(level, go) : go();
        const key = `${level} ${kind}`;
        out.set(key, { ms: Math.min(out.get(key)?.ms ?? Infinity, res.ms), model: res.model });
      }
  return out;
}
const hgbRuns = sweep((X, y) => new HistGradientBoostingClassifier({ maxIter: 100, maxLeafNodes: 31, earlyStopping: false, randomState: 0 }).fit(X as typeof Xtr, y as typeof ytr), (i) => i.hgb);
const aucOf = (m: HistGradientBoostingClassifier) => {
  const p = (m.predictProba(Xte) as { data: Float64Array }).data;
  return rocAucScore(yte, Array.from({ length: Xte.rows }, (_, i) => p[i * 2 + 1]!));
};
const ref = python_(`
import json, time, numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
import xgboost as xgb
X = np.fromfile("${join(dir, "X")}", dtype=np.float64).reshape(200000, 28); y = np.fromfile("${join(dir, "y")}", dtype=np.int32)
def best(f):
    b = float("inf")
    for _ in range(${reps}):
        t = time.perf_counter(); m = f(); b = min(b, time.perf_counter() - t)
    return b * 1000, m
sk_ms, sk = best(lambda: HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=31, early_stopping=False, random_state=0).fit(X[:160000], y[:160000]))
xg_ms, xg = best(lambda: xgb.XGBClassifier(tree_method="hist", n_estimators=100, max_leaves=31, grow_policy="lossguide", max_depth=0, learning_rate=0.1, max_bin=256, min_child_weight=1e-3, reg_lambda=0).fit(X[:160000], y[:160000]))
print(json.dumps({"sk_ms": sk_ms, "xg_ms": xg_ms, "sk_auc": roc_auc_score(y[160000:], sk.predict_proba(X[160000:])[:, 1]), "xg_auc": roc_auc_score(y[160000:], xg.predict_proba(X[160000:])[:, 1])}))
`);

const adaRuns = sweep((X, y) => new AdaBoostClassifier({ nEstimators: 50, randomState: 0 }).fit(X as typeof Xada, y as typeof yada), (i) => i.ada);
const adaRef = python_(`
import json, time, numpy as np
from sklearn.ensemble import AdaBoostClassifier
X = np.fromfile("${join(dir, "X")}", dtype=np.float64).reshape(200000, 28); y = np.fromfile("${join(dir, "y")}", dtype=np.int32)
b = float("inf")
for _ in range(${Math.min(reps, 2)}):
    t = time.perf_counter(); m = AdaBoostClassifier(n_estimators=50, algorithm="SAMME", random_state=0).fit(X[:${nAda}], y[:${nAda}]); b = min(b, time.perf_counter() - t)
print(json.dumps({"ms": b * 1000, "acc": m.score(X[160000:], y[160000:])}))
`);
rmSync(dir, { recursive: true, force: true });

const f = (v: number) => v.toFixed(0);
const rows = [
  ...benchHeader(),
  `histogram threads: ${histogramThreads()}, best of ${reps}`,
  "",
  "| task | ISA | input | mlsd (ms) | scikit-learn (ms) | XGBoost hist (ms) | mlsd / sklearn | mlsd / XGBoost | number[][] / dense | test metric: mlsd, sklearn, XGBoost |",
  "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
];
for (const [key, run] of hgbRuns) {
  const [level, kind] = key.split(" ") as [string, string];
  const dense = hgbRuns.get(`${level} dense`)!.ms;
  rows.push(`| HistGradientBoosting fit, 160,000 x 28, 100 iter, 31 leaves | ${level === "null" ? "JavaScript" : level} | ${kind} | ${f(run.ms)} | ${f(ref.sk_ms!)} | ${f(ref.xg_ms!)} | ${(run.ms / ref.sk_ms!).toFixed(2)} | ${(run.ms / ref.xg_ms!).toFixed(2)} | ${kind === "dense" ? "" : (run.ms / dense).toFixed(2)} | ROC-AUC ${aucOf(run.model).toFixed(4)}, ${ref.sk_auc!.toFixed(4)}, ${ref.xg_auc!.toFixed(4)} |`);
}
for (const [key, run] of adaRuns) {
  const [level, kind] = key.split(" ") as [string, string];
  const dense = adaRuns.get(`${level} dense`)!.ms;
  rows.push(`| AdaBoost SAMME, 50 stumps, 50,000 x 28 | ${level === "null" ? "JavaScript" : level} | ${kind} | ${f(run.ms)} | ${f(adaRef.ms!)} | - | ${(run.ms / adaRef.ms!).toFixed(3)} | - | ${kind === "dense" ? "" : (run.ms / dense).toFixed(2)} | accuracy ${run.model.score(Xte, yte).toFixed(4)}, ${adaRef.acc!.toFixed(4)} |`);
}
rows.push("", `Binned training matrix: ${(nTr * d).toLocaleString("en")} bytes (one byte per value, ${nTr} x ${d}).`);
process.stdout.write(`${rows.join("\n")}\n`);
