/** Weak supervision and active learning on seeded synthetic tasks with known answers. */
import { describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { Random } from "../../../lib/core/index.js";
import { LogisticRegression } from "../../../lib/ensemble/index.js";
import { ABSTAIN, activeLearning, applyLFs, committeeDisagreement, LabelModel, labelingFunction, LFAnalysis, MajorityLabelVoter, uncertainty } from "../../../lib/labeling/index.js";

// 4,000 records with a hidden binary label; six functions with known accuracies and coverages vote on them.
const rng = new Random(17);
const truth = Array.from({ length: 4000 }, () => (rng.random() < 0.4 ? 1 : 0));
const specs = [
  { accuracy: 0.95, coverage: 0.3 },
  { accuracy: 0.85, coverage: 0.5 },
  { accuracy: 0.75, coverage: 0.6 },
  { accuracy: 0.65, coverage: 0.7 },
  { accuracy: 0.6, coverage: 0.8 },
  { accuracy: 0.6, coverage: 0.8 },
];
const records = truth.map((y, id) => ({ id, y, noise: specs.map(() => [rng.random(), rng.random()] as const) }));
type Rec = (typeof records)[number];
const lfs = specs.map((s, j) => labelingFunction(`lf${j}`, (r: Rec) => (r.noise[j]![0] < s.coverage ? (r.noise[j]![1] < s.accuracy ? r.y : 1 - r.y) : ABSTAIN)));
const L = applyLFs(records, lfs);

const accuracyOf = (pred: Int32Array) => {
  let right = 0;
  let n = 0;
  pred.forEach((p, i) => {
    if (p === ABSTAIN) return;
    n++;
    if (p === truth[i]) right++;
  });
  return right / n;
};

describe("weak supervision", () => {
  it("LFAnalysis reports coverage, overlaps, conflicts and empirical accuracy", () => {
    const rows = new LFAnalysis(L).summary(truth);
    rows.forEach((r, j) => {
      expect(r.coverage).toBeCloseTo(specs[j]!.coverage, 1);
      expect(r.empiricalAccuracy!).toBeCloseTo(specs[j]!.accuracy, 1);
      expect(r.conflicts).toBeLessThanOrEqual(r.overlaps);
      expect(r.overlaps).toBeLessThanOrEqual(r.coverage);
    });
    expect(rows[0]!.polarity).toEqual([0, 1]);
    // A hand-checked case: two functions, three records.
    const small = new LFAnalysis([[0, 0], [1, -1], [0, 1]]).summary([0, 1, 1]);
    expect(small[0]).toMatchObject({ coverage: 1, overlaps: 2 / 3, conflicts: 1 / 3, correct: 2, incorrect: 1 });
    expect(small[1]).toMatchObject({ coverage: 2 / 3, overlaps: 2 / 3, conflicts: 1 / 3, correct: 2 });
    const bundle = (small as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
    expect(bundle["text/html"]).toContain("<table>");
  });

  it("the label model recovers every function's accuracy within 0.05 without labels, and beats majority vote", () => {
    const lm = new LabelModel({ cardinality: 2 }).fit(L);
    Array.from(lm.getWeights()).forEach((a, j) => expect(Math.abs(a - specs[j]!.accuracy)).toBeLessThan(0.05));
    expect(lm.classBalance_![1]).toBeCloseTo(0.4, 1);
    const lmAcc = accuracyOf(lm.predict(L));
    const mvAcc = accuracyOf(new MajorityLabelVoter({ cardinality: 2, tieBreakPolicy: "random", randomState: 0 }).predict(L));
    expect(lmAcc).toBeGreaterThan(mvAcc + 0.02);
  });

  it("refuses bad functions and votes, naming them", () => {
    expect(() => applyLFs(records.slice(0, 2), [labelingFunction("bad", () => 0.5)])).toThrow("Labeling function 'bad' returned 0.5 on record 0");
    expect(() => applyLFs(records.slice(0, 2), [lfs[0]!, lfs[0]!])).toThrow("two labeling functions are named 'lf0'");
    expect(() => new LabelModel({ cardinality: 2 }).fit([[0, 2]])).toThrow("vote 2 in row 0, column 1 is not below cardinality 2");
    expect(() => new LabelModel().predict(L)).toThrow("This LabelModel instance is not fitted yet");
  });
});

describe("active learning", () => {
  it("uncertainty and committee scores follow their definitions", () => {
    const p = [0.9, 0.1, 0.5, 0.5, 0.6, 0.4];
    expect(Array.from(uncertainty(p, 2, "least_confident")).map((v) => +v.toFixed(6))).toEqual([0.1, 0.5, 0.4]);
    expect(Array.from(uncertainty(p, 2, "margin")).map((v) => +v.toFixed(6))).toEqual([-0.8, 0, -0.2]);
    expect(uncertainty(p, 2, "entropy")[1]).toBeCloseTo(Math.log(2), 12);
    expect(Array.from(committeeDisagreement([[1, 0], [0, 1]], 2))).toEqual([Math.log(2)]);
  });

  it("uncertainty sampling reaches random sampling's final accuracy with fewer labels", () => {
    const { X, y } = makeClassification({ nSamples: 3000, nFeatures: 10, nInformative: 4, flipY: 0, classSep: 0.7, randomState: 2 });
    const rows = Array.from({ length: 3000 }, (_, i) => Array.from(X.data.subarray(i * 10, (i + 1) * 10)));
    const labels = Array.from(y);
    const args = [rows.slice(0, 2000), labels.slice(0, 2000), rows.slice(2000), labels.slice(2000)] as const;
    const common = { makeModel: () => new LogisticRegression(), initial: 10, batchSize: 10, budget: 150, randomState: 4 };
    const random = activeLearning(...args, { ...common, strategy: "random" });
    const active = activeLearning(...args, { ...common, strategy: "least_confident" });
    const target = random.accuracy[random.accuracy.length - 1]!;
    const needed = active.labels[active.accuracy.findIndex((a) => a >= target)]!;
    expect(needed).toBeLessThan(150);
  });
});
