/** Random, stratified, weighted and importance sampling; non-probability schemes and their visible bias. */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import {
  StratifiedKFold,
  convenienceSample,
  importanceEstimate,
  quotaSample,
  sampleIndices,
  simpleRandomSample,
  snowballSample,
  trainTestSplit,
  trainTestSplitIndices,
  weightedSample,
} from "../../../lib/sampling/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(99);
const y = Array.from({ length: 137 }, () => (rng.random() < 0.1 ? "rare" : rng.random() < 0.5 ? "a" : "b"));

const ref = py<{ folds: number[][]; train: Record<string, number>; test: Record<string, number> }>(
  `
from sklearn.model_selection import StratifiedKFold, train_test_split
from collections import Counter
y = np.array(data["y"])
out = {"folds": [test.tolist() for _, test in StratifiedKFold(n_splits=4).split(np.zeros(len(y)), y)]}
tr, te = train_test_split(y, test_size=0.3, stratify=y, random_state=0)
out["train"] = dict(Counter(tr.tolist())); out["test"] = dict(Counter(te.tolist()))
`,
  { y },
);

const tally = (xs: readonly string[]) => xs.reduce<Record<string, number>>((m, v) => ((m[v] = (m[v] ?? 0) + 1), m), {});

describe("stratified splits match scikit-learn", () => {
  it("StratifiedKFold without shuffling gives scikit-learn's folds", () => {
    const folds = [...new StratifiedKFold({ nSplits: 4 }).split(y)].map((f) => Array.from(f.test));
    expect(folds).toEqual(ref.folds);
  });

  it("a stratified train/test split has scikit-learn's per-class counts", () => {
    const [train, test] = trainTestSplit(y, { testSize: 0.3, stratify: y, randomState: 0 });
    expect(tally(train)).toEqual(ref.train);
    expect(tally(test)).toEqual(ref.test);
  });

  it("splits several arrays consistently and keeps typed arrays typed", () => {
    const X = Float64Array.from({ length: 137 }, (_, i) => i);
    const ids = Array.from({ length: 137 }, (_, i) => `id${i}`);
    const [xTrain, xTest, idTrain] = trainTestSplit(X, ids, { testSize: 0.25, randomState: 4 });
    expect(xTrain).toBeInstanceOf(Float64Array);
    expect(xTest.length).toBe(35);
    expect(Array.from(xTrain, (v) => `id${v}`)).toEqual(idTrain);
  });

  it("refuses what scikit-learn refuses", () => {
    expect(() => trainTestSplitIndices(10, { stratify: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] })).toThrow("The least populated class in stratify, 1, has only 1 member");
    expect(() => trainTestSplit([1, 2, 3], [1, 2])).toThrow("Found input variables with inconsistent numbers of samples: [3, 2]");
    expect(() => trainTestSplitIndices(10, { testSize: 1.5 })).toThrow("testSize=1.5 should be a fraction in (0, 1)");
  });
});

describe("simple and weighted sampling", () => {
  it("samples without replacement are distinct and reproducible", () => {
    const a = sampleIndices(1_000_000, 1000, { randomState: 1 });
    expect(new Set(a).size).toBe(1000);
    expect(sampleIndices(1_000_000, 1000, { randomState: 1 })).toEqual(a);
    expect(simpleRandomSample(["x", "y", "z"], 3, { randomState: 2 }).sort()).toEqual(["x", "y", "z"]);
    expect(() => sampleIndices(3, 4)).toThrow("Cannot take a larger sample than the population when replace is false: size=4 > n=3.");
  });

  it("weighted draws follow the weights, with and without replacement", () => {
    const w = [1, 3, 6];
    const withRep = weightedSample(w, 60_000, { replace: true, randomState: 8 });
    const freq = [0, 1, 2].map((i) => withRep.filter((v) => v === i).length / withRep.length);
    freq.forEach((f, i) => expect(Math.abs(f - w[i]! / 10)).toBeLessThan(0.01));
    // Without replacement, the first draw also follows the weights (Efraimidis–Spirakis).
    const firsts = Array.from({ length: 20_000 }, (_, s) => weightedSample(w, 1, { randomState: s })[0]!);
    [0, 1, 2].forEach((i) => expect(Math.abs(firsts.filter((v) => v === i).length / firsts.length - w[i]! / 10)).toBeLessThan(0.015));
    expect(new Set(weightedSample(w, 3, { randomState: 1 })).size).toBe(3);
    expect(() => weightedSample([1, -1], 1)).toThrow("weights[1] is -1; weights must be finite and >= 0.");
    expect(() => weightedSample([1, 0], 2)).toThrow("Cannot draw 2 distinct items: only 1 have a positive weight.");
  });

  it("importance sampling estimates E[x²] = 1 under N(0, 1) from uniform draws", () => {
    const r = new Random(5);
    const xs = Array.from({ length: 50_000 }, () => -6 + 12 * r.random());
    const normal = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    const est = importanceEstimate(xs, (x) => x * x, normal, () => 1 / 12);
    expect(Math.abs(est.estimate - 1)).toBeLessThan(0.05);
    expect(Math.abs(est.selfNormalized - 1)).toBeLessThan(0.05);
    expect(est.effectiveSampleSize).toBeGreaterThan(5000);
    expect(est.effectiveSampleSize).toBeLessThan(50_000);
  });
});

describe("non-probability sampling shows its bias", () => {
  // A population listed city by city, as records often are.
  const people = [...Array.from({ length: 700 }, () => "city"), ...Array.from({ length: 300 }, () => "rural")].map((area, i) => ({ i, area }));
  const area = (p: { area: string }) => p.area;

  it("convenience sampling (the first rows) misses whole groups", () => {
    const { bias } = convenienceSample(people, 100, area);
    expect(bias.groups["rural"]).toEqual({ population: 0.3, sample: 0 });
    expect(bias.totalVariation).toBeCloseTo(0.3, 10);
    const random = simpleRandomSample(people, 100, { randomState: 1 });
    expect(convenienceSample(random, 100, area).bias.totalVariation).toBeLessThan(0.12);
  });

  it("quota sampling fixes the shares but not who is chosen", () => {
    const { sample, bias } = quotaSample(people, { city: 35, rural: 15 }, area);
    expect(bias.groups["rural"]!.sample).toBeCloseTo(0.3, 10);
    expect(Math.max(...sample.filter((p) => p.area === "city").map((p) => p.i))).toBe(34); // the first ones who came
  });

  it("snowball sampling stays near its seeds", () => {
    const contacts = (i: number) => [i - 1, i + 1].filter((j) => j >= 0 && j < people.length);
    const { sample, bias } = snowballSample(people, [10], contacts, 50, area);
    expect(sample.every((p) => p.area === "city")).toBe(true);
    expect(bias.totalVariation).toBeCloseTo(0.3, 10);
  });
});
