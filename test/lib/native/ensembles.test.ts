/**
 * The ensembles fit bit for bit the same models with the native kernels as without them (a child process with
 * MLSD_NATIVE=0 fits the same data): histogram boosting (histograms, partitions, binning; with missing values,
 * with hessians and without; binning on a subsample; a set large enough for threaded partitions, with sample
 * weights and early stopping, through the native gradients), and CART (presort argsort, Gini and squared-error scans)
 * in a decision tree, random forests (Gini scans of a node's features in one threaded call) and AdaBoost; at
 * every instruction-set level this CPU runs (MLSD_ISA), on two threads, and at the best level on one too.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { nativeKernels } from "../../../lib/native/index.js";

const script = `
import { makeClassification } from "./datasets/index.ts";
import { AdaBoostClassifier, DecisionTreeClassifier, HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor } from "./lib/ensemble/index.ts";
import { fitBinMapper, transformBins } from "./lib/ensemble/hgb/binning.ts";
import { Random } from "./lib/core/index.ts";
import { nativeIsa } from "./lib/native/index.ts";
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
const forestC = new RandomForestClassifier({ nEstimators: 3, maxDepth: 6, randomState: 2 }).fit(Xc, y).predictProba(Xc).data;
const ada = new AdaBoostClassifier({ nEstimators: 10, randomState: 0 }).fit(Xc, y).predictProba(Xc).data;
const bins = transformBins(X, mapper);
const big = makeClassification({ nSamples: 120000, nFeatures: 4, nInformative: 3, nRedundant: 1, weights: [0.85], randomState: 4 });
const bw = Float64Array.from({ length: 120000 }, (_, i) => 0.5 + (i % 5) / 4);
const bigClf = new HistGradientBoostingClassifier({ maxIter: 8, randomState: 1, earlyStopping: true, validationFraction: 0.1, nIterNoChange: 2 }).fit(big.X, big.y, bw);
const bigP = bigClf.predictProba(big.X).data;
process.stdout.write(JSON.stringify({ isa: nativeIsa(), model: JSON.stringify(clf), bigP: Array.from(bigP.subarray(0, 3000)), bigTrees: bigClf.nIter_,  p: Array.from(p.subarray(0, 4000)), r: Array.from(r.subarray(0, 2000)), trees: clf.nIter_, thresholds: mapper.thresholds.map((t) => Array.from(t)), missing: Array.from(mapper.hasMissing), bins: Array.from(bins.subarray(0, 30000)), tree: Array.from(tree.subarray(0, 4000)), forest: Array.from(forest.subarray(0, 2000)), forestC: Array.from(forestC.subarray(0, 4000)), ada: Array.from(ada.subarray(0, 4000)) }));
`;

function fit(env: Record<string, string>) {
  const res = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout) as { isa: string | null; model: string; bigP: number[]; bigTrees: number; p: number[]; r: number[]; trees: number; thresholds: number[][]; missing: number[]; bins: number[]; tree: number[]; forest: number[]; forestC: number[]; ada: number[] };
}

/** a's text around its first difference from b (a whole model would flood the failure message), or "same". */
function around(a: string, b: string): string {
  if (a === b) return "same";
  let i = 0;
  while (a[i] === b[i]) i++;
  return a.slice(Math.max(0, i - 120), i + 120);
}

describe("native ensemble kernels", () => {
  it("fit exactly the models the JavaScript fits", () => {
    if (!nativeKernels()) return; // no native kernels here: only the JavaScript path exists
    const js = fit({ MLSD_NATIVE: "0" });
    const levels = nativeKernels()!.isaLevels();
    // Three threads split the 9 features as 3, 3 and 3: the histograms' two- and one-feature passes.
    const runs = [{ MLSD_THREADS: "1", MLSD_ISA: levels[0]! }, { MLSD_THREADS: "3", MLSD_ISA: levels[0]! }, ...levels.map((level) => ({ MLSD_THREADS: "2", MLSD_ISA: level }))];
    for (const env of runs) {
      const native = fit(env);
      expect(native.isa, JSON.stringify(env)).toBe(env.MLSD_ISA);
      expect(native.trees).toBe(js.trees);
      // The whole fitted model, thresholds included: a tie between equal gains broken another way leaves the
      // training predictions alone but not the split points.
      expect(around(native.model, js.model)).toBe(around(js.model, native.model));
      expect(native.p).toEqual(js.p);
      expect(native.bigTrees).toBe(js.bigTrees);
      expect(native.bigP).toEqual(js.bigP);
      expect(native.r).toEqual(js.r);
      expect(native.thresholds).toEqual(js.thresholds);
      expect(native.missing).toEqual(js.missing);
      expect(native.bins).toEqual(js.bins);
      expect(native.tree).toEqual(js.tree);
      expect(native.forest).toEqual(js.forest);
      expect(native.forestC).toEqual(js.forestC);
      expect(native.ada).toEqual(js.ada);
    }
  }, 300_000);
});

describe("native partition", () => {
  it("gives the one-thread order on several threads (lefts, then rights, each in partition order)", () => {
    const k = nativeKernels();
    if (!k) return;
    const n = 200_000;
    const binned = Uint8Array.from({ length: 2 * n }, (_, i) => (i * 2654435761) % 251);
    const order = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % n); // a permutation (7919 is prime)
    const run = (threads: number) => {
      const part = order.slice();
      const mid = k.partition(part, new Uint32Array(n), binned, n, 1, 1000, n - 1000, 120, 250, true, threads);
      return { mid, part };
    };
    const one = run(1);
    const expected = [...order.subarray(1000, n - 1000)];
    const goesLeft = (i: number) => (binned[n + i] === 250 ? true : binned[n + i]! <= 120);
    const lefts = expected.filter(goesLeft);
    expect(one.mid).toBe(1000 + lefts.length);
    expect(Array.from(one.part.subarray(1000, n - 1000))).toEqual([...lefts, ...expected.filter((i) => !goesLeft(i))]);
    expect(Array.from(one.part.subarray(0, 1000))).toEqual(Array.from(order.subarray(0, 1000)));
    for (const threads of [2, 3, 8]) {
      const many = run(threads);
      expect(many.mid).toBe(one.mid);
      expect(many.part).toEqual(one.part);
    }
  });
});
