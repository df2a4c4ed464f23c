/** The estimator contract over every ensemble estimator: errors, fit returns this, seeds repeat, JSON round trips. */
import { describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import * as E from "../../../lib/ensemble/index.js";

const { X, y } = makeClassification({ nSamples: 400, nFeatures: 6, nInformative: 4, nRedundant: 0, nClasses: 3, nClustersPerClass: 1, randomState: 5 });
const rows = Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * 6, (i + 1) * 6)));
const labels = Array.from(y, (c) => ["cat", "dog", "eel"][c]!);

const classifiers: Record<string, () => E.BaseClassifier<object>> = {
  DecisionTreeClassifier: () => new E.DecisionTreeClassifier({ maxDepth: 5, randomState: 1 }),
  DummyClassifier: () => new E.DummyClassifier({ strategy: "stratified", randomState: 1 }),
  BaggingClassifier: () => new E.BaggingClassifier({ nEstimators: 5, maxFeatures: 0.7, oobScore: true, randomState: 1 }),
  RandomForestClassifier: () => new E.RandomForestClassifier({ nEstimators: 10, oobScore: true, randomState: 1 }),
  BalancedBaggingClassifier: () => new E.BalancedBaggingClassifier({ nEstimators: 5, randomState: 1 }),
  BalancedRandomForestClassifier: () => new E.BalancedRandomForestClassifier({ nEstimators: 10, randomState: 1 }),
  AdaBoostClassifier: () => new E.AdaBoostClassifier({ nEstimators: 10, randomState: 1 }),
  HistGradientBoostingClassifier: () => new E.HistGradientBoostingClassifier({ maxIter: 10, randomState: 1 }),
  StackingClassifier: () => new E.StackingClassifier({ estimators: [["tree", new E.DecisionTreeClassifier({ maxDepth: 3, randomState: 0 })], ["lr", new E.LogisticRegression()]], cv: 3 }),
  VotingClassifier: () => new E.VotingClassifier({ estimators: [["tree", new E.DecisionTreeClassifier({ maxDepth: 3, randomState: 0 })], ["lr", new E.LogisticRegression()]], voting: "soft" }),
  LogisticRegression: () => new E.LogisticRegression({ C: 0.5 }),
};

describe.each(Object.entries(classifiers))("%s", (name, make) => {
  it("refuses predict before fit, naming fit", () => {
    expect(() => make().predict(rows)).toThrow(new RegExp(`This ${name} instance is not fitted yet. Call 'fit'`));
  });

  it("fit returns this; predictions are labels of the training kind and probabilities sum to 1", () => {
    const m = make();
    expect(m.fit(rows, labels)).toBe(m);
    const pred = m.predict(rows) as string[];
    expect(pred.every((p) => ["cat", "dog", "eel"].includes(p))).toBe(true);
    const proba = m.predictProba(rows) as number[][];
    expect(proba).toHaveLength(400);
    for (const p of proba) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(m.score(rows, labels)).toBeGreaterThan(name === "DummyClassifier" ? 0.2 : 0.6);
  });

  it("refuses a different feature count, NaN labels and unknown options", () => {
    const m = make().fit(rows, labels);
    expect(() => m.predict(rows.map((r) => r.slice(0, 5)))).toThrow(`X has 5 features, but ${name} is expecting 6 features as input.`);
    expect(() => make().fit(rows, labels.map((l, i) => (i === 7 ? NaN : l)) as never)).toThrow(/y\[7\] is NaN/);
    const Ctor = make().constructor as new (o: object) => E.BaseClassifier<object>;
    expect(() => new Ctor({ nEstimatorz: 3 }).fit(rows, labels)).toThrow(new RegExp(`${name} got an unknown parameter 'nEstimatorz'. Valid parameters are: `));
  });

  it("gives the same result twice with the same seed, and survives a JSON round trip", () => {
    const a = make().fit(rows, labels);
    const b = make().fit(rows, labels);
    expect(b.predictProba(rows)).toEqual(a.predictProba(rows));
    const json = JSON.stringify(a);
    const again = E.loadModel<E.BaseClassifier<object>>(json);
    expect(again).toBeInstanceOf(a.constructor);
    expect(again.predictProba(rows)).toEqual(a.predictProba(rows));
    expect(again.predict(rows)).toEqual(a.predict(rows));
  });
});

describe("options and inputs", () => {
  it("names the option and the value for bad ones", () => {
    expect(() => new E.RandomForestClassifier({ nEstimators: 0 }).fit(rows, labels)).toThrow("The 'nEstimators' parameter of RandomForestClassifier must be an integer >= 1. Got 0 instead.");
    expect(() => new E.HistGradientBoostingClassifier({ maxBins: 300 }).fit(rows, labels)).toThrow("The 'maxBins' parameter of HistGradientBoostingClassifier must be an integer >= 2 <= 255. Got 300 instead.");
    expect(() => new E.DecisionTreeClassifier({ criterion: "mse" as never }).fit(rows, labels)).toThrow(/The 'criterion' parameter of DecisionTreeClassifier must be one of/);
    expect(() => new E.DecisionTreeClassifier({ maxFeatures: 9 }).fit(rows, labels)).toThrow("The 'maxFeatures' parameter of DecisionTreeClassifier is 9, but X has only 6 features.");
  });

  it("refuses NaN features where scikit-learn does, accepts them in histogram boosting and the dummy baselines", () => {
    const holes = rows.map((r, i) => (i % 10 === 0 ? [NaN, ...r.slice(1)] : r));
    expect(() => new E.RandomForestClassifier().fit(holes, labels)).toThrow("X contains NaN at row 0, column 0");
    expect(new E.HistGradientBoostingClassifier({ maxIter: 5 }).fit(holes, labels).predict(holes)).toHaveLength(400);
    expect(() => new E.HistGradientBoostingClassifier().fit([[Infinity], [1]], [0, 1])).toThrow("X contains infinity at row 0, column 0");
    // DummyClassifier never reads the features, so (as in scikit-learn) missing ones are no error.
    expect(new E.DummyClassifier({ strategy: "most_frequent" }).fit(holes, labels).predict(holes)).toHaveLength(400);
  });

  it("refuses mismatched lengths and bad sample weights", () => {
    expect(() => new E.DecisionTreeClassifier().fit(rows, labels.slice(1))).toThrow("inconsistent numbers of samples: [400, 399]");
    expect(() => new E.DecisionTreeClassifier().fit(rows, labels, new Array(400).fill(-1))).toThrow("sampleWeight[0] is -1; weights must be finite and non-negative.");
  });

  it("sample weights equal repeated rows for a tree", () => {
    const w = Array.from({ length: 400 }, (_, i) => (i % 3) + 1);
    const repeated = rows.flatMap((r, i) => Array.from({ length: w[i]! }, () => r));
    const repLabels = labels.flatMap((l, i) => Array.from({ length: w[i]! }, () => l));
    const a = new E.DecisionTreeClassifier({ maxDepth: 4, randomState: 0 }).fit(rows, labels, w);
    const b = new E.DecisionTreeClassifier({ maxDepth: 4, randomState: 0 }).fit(repeated, repLabels);
    expect(a.predictProba(rows)).toEqual(b.predictProba(rows));
  });

  it("feature importances sum to 1 and favour informative features", () => {
    const rf = new E.RandomForestClassifier({ nEstimators: 30, randomState: 0 }).fit(rows, labels);
    const imp = rf.featureImportances_!;
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(imp.length).toBe(6);
  });

  it("outputs come back in the input's kind", () => {
    const m = new E.DecisionTreeClassifier({ maxDepth: 3 }).fit(X, y);
    expect(m.predict(X)).toBeInstanceOf(Int32Array);
    expect((m.predictProba(X) as { rows: number; cols: number }).cols).toBe(3);
    expect(Array.isArray(m.predictProba(rows))).toBe(true);
  });
});
