/**
 * The ensembles fit bit for bit the same models with the native kernels as without them (a child process with
 * MLSD_NATIVE=0 fits the same data): histogram boosting (histograms, partitions, binning; with missing values,
 * with hessians and without; binning on a subsample), and CART (presort argsort, Gini and squared-error scans)
 * in a decision tree, a random forest regressor and AdaBoost.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { nativeKernels } from "../../../lib/native/index.js";

const script = `
import { makeClassification } from "./datasets/index.ts";
import { AdaBoostClassifier, DecisionTreeClassifier, HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestRegressor } from "./lib/ensemble/index.ts";
import { fitBinMapper, transformBins } from "./lib/ensemble/hgb/binning.ts";
import { Random } from "./lib/core/index.ts";
const { X, y } = makeClassification({ nSamples: 30000, nFeatures: 9, nInformative: 5, nRedundant: 2, weights: [0.8], randomState: 3 });
for (let i = 0; i < X.data.length; i += 37) X.data[i] = NaN;
const clf = new HistGradientBoostingClassifier({ maxIter: 15, randomState: 0, earlyStopping: false }).fit(X, y);
const reg = new HistGradientBoostingRegressor({ maxIter: 15, randomState: 0, earlyStopping: false }).fit(X, Float64Array.from(X.data.filter((_, k) => k % 9 === 1), (v) => (Number.isNaN(v) ? 0 : v * 2)));
const p = clf.predictProba(X).data;
const r = reg.predict(X);
// Binning on a subsample of rows (scikit-learn subsamples past 200,000), and the bins it gives.
const mapper = fitBinMapper(X, 63, new Random(5), 5000);
// CART on the same data without missing values (ties included: values rounded to 2 decimals).
const Xc = { data: X.data.map((v) => (Number.isNaN(v) ? 0 : Math.round(v * 100) / 100)), rows: X.rows, cols: X.cols };
const tree = new DecisionTreeClassifier({ maxDepth: 8, randomState: 0 }).fit(Xc, y).predictProba(Xc).data;
const forest = new RandomForestRegressor({ nEstimators: 5, maxDepth: 6, randomState: 0 }).fit(Xc, Float64Array.from(y, (v, i) => v + (i % 7) / 10)).predict(Xc);
const ada = new AdaBoostClassifier({ nEstimators: 10, randomState: 0 }).fit(Xc, y).predictProba(Xc).data;
const bins = transformBins(X, mapper);
process.stdout.write(JSON.stringify({ p: Array.from(p.subarray(0, 4000)), r: Array.from(r.subarray(0, 2000)), trees: clf.nIter_, thresholds: mapper.thresholds.map((t) => Array.from(t)), missing: Array.from(mapper.hasMissing), bins: Array.from(bins.subarray(0, 30000)), tree: Array.from(tree.subarray(0, 4000)), forest: Array.from(forest.subarray(0, 2000)), ada: Array.from(ada.subarray(0, 4000)) }));
`;

function fit(env: Record<string, string>) {
  const res = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout) as { p: number[]; r: number[]; trees: number; thresholds: number[][]; missing: number[]; bins: number[]; tree: number[]; forest: number[]; ada: number[] };
}

describe("native ensemble kernels", () => {
  it("fit exactly the models the JavaScript fits", () => {
    if (!nativeKernels()) return; // no native kernels here: only the JavaScript path exists
    const js = fit({ MLSD_NATIVE: "0" });
    for (const threads of ["1", "2"]) {
      const native = fit({ MLSD_THREADS: threads });
      expect(native.trees).toBe(js.trees);
      expect(native.p).toEqual(js.p);
      expect(native.r).toEqual(js.r);
      expect(native.thresholds).toEqual(js.thresholds);
      expect(native.missing).toEqual(js.missing);
      expect(native.bins).toEqual(js.bins);
      expect(native.tree).toEqual(js.tree);
      expect(native.forest).toEqual(js.forest);
      expect(native.ada).toEqual(js.ada);
    }
  }, 120_000);
});
