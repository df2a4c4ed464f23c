/** Ensembles against scikit-learn 1.2 and imbalanced-learn 0.10 on the same seeded data (Debian's packages). */
import { describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { loadFlights, loadSeattleWeather } from "../../../datasets/loaders.js";
import { AdaBoostClassifier, BaggingClassifier, BalancedRandomForestClassifier, DecisionTreeClassifier, DecisionTreeRegressor, DummyClassifier, HistGradientBoostingClassifier, HistGradientBoostingRegressor, LogisticRegression, RandomForestClassifier, StackingClassifier, VotingClassifier } from "../../../lib/ensemble/index.js";
import { rocAucScore } from "../../../lib/metrics/index.js";
import { py } from "../../helpers/python.js";

type M = { data: Float64Array; rows: number; cols: number };
function split(X: M, y: Int32Array, nTrain: number) {
  const d = X.cols;
  return {
    Xtr: { data: X.data.slice(0, nTrain * d), rows: nTrain, cols: d },
    ytr: y.slice(0, nTrain),
    Xte: { data: X.data.slice(nTrain * d), rows: X.rows - nTrain, cols: d },
    yte: y.slice(nTrain),
  };
}
const rows = (m: M) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

describe("accuracy parity with scikit-learn (within 0.01)", () => {
  const { X, y } = makeClassification({ nSamples: 6000, nFeatures: 12, nInformative: 6, nRedundant: 2, weights: [0.75], flipY: 0.02, classSep: 1.2, randomState: 3 });
  const { Xtr, ytr, Xte, yte } = split(X, y, 4500);
  const ref = py<Record<string, number>>(
    `
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier, RandomForestClassifier, StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from imblearn.ensemble import BalancedRandomForestClassifier
Xtr, ytr, Xte, yte = (np.array(data[k]) for k in ("Xtr", "ytr", "Xte", "yte"))
models = {
  "tree": DecisionTreeClassifier(max_depth=8, random_state=0),
  "bagging": BaggingClassifier(n_estimators=25, random_state=0),
  "forest": RandomForestClassifier(n_estimators=100, random_state=0),
  "adaboost": AdaBoostClassifier(n_estimators=50, algorithm="SAMME", random_state=0),
  "stacking": StackingClassifier([("rf", RandomForestClassifier(n_estimators=50, random_state=0)), ("ada", AdaBoostClassifier(algorithm="SAMME", random_state=0))]),
  "voting": VotingClassifier([("lr", LogisticRegression()), ("tree", DecisionTreeClassifier(max_depth=6, random_state=0))], voting="soft"),
  "logistic": LogisticRegression(),
  "brf": BalancedRandomForestClassifier(n_estimators=100, random_state=0),
}
out = {k: m.fit(Xtr, ytr).score(Xte, yte) for k, m in models.items()}
`,
    { Xtr: rows(Xtr), ytr: Array.from(ytr), Xte: rows(Xte), yte: Array.from(yte) },
  );
  const ours = {
    tree: () => new DecisionTreeClassifier({ maxDepth: 8, randomState: 0 }),
    bagging: () => new BaggingClassifier({ nEstimators: 25, randomState: 0 }),
    forest: () => new RandomForestClassifier({ nEstimators: 100, randomState: 0 }),
    adaboost: () => new AdaBoostClassifier({ nEstimators: 50, randomState: 0 }),
    stacking: () => new StackingClassifier({ estimators: [["rf", new RandomForestClassifier({ nEstimators: 50, randomState: 0 })], ["ada", new AdaBoostClassifier({ randomState: 0 })]] }),
    voting: () => new VotingClassifier({ estimators: [["lr", new LogisticRegression()], ["tree", new DecisionTreeClassifier({ maxDepth: 6, randomState: 0 })]], voting: "soft" }),
    logistic: () => new LogisticRegression(),
    brf: () => new BalancedRandomForestClassifier({ nEstimators: 100, randomState: 0 }),
  };
  for (const [name, make] of Object.entries(ours)) {
    it(name, () => {
      const score = make().fit(Xtr, ytr).score(Xte, yte);
      expect(Math.abs(score - ref[name]!), `${name}: ours ${score}, scikit-learn ${ref[name]}`).toBeLessThanOrEqual(0.01);
    });
  }

  it("AdaBoost SAMME stumps pick the same features with the same weights as scikit-learn", () => {
    const ada = new AdaBoostClassifier({ nEstimators: 10, randomState: 0 }).fit(Xtr, ytr);
    const r = py<{ w: number[]; f: number[] }>(
      `
from sklearn.ensemble import AdaBoostClassifier
m = AdaBoostClassifier(n_estimators=10, algorithm="SAMME", random_state=0).fit(np.array(data["X"]), np.array(data["y"]))
out = {"w": m.estimator_weights_, "f": [int(e.tree_.feature[0]) for e in m.estimators_]}
`,
      { X: rows(Xtr), y: Array.from(ytr) },
    );
    // Stumps are exact (no random tie-breaking matters when one split is best), so the whole boosting path matches.
    expect(ada.estimators_!.map((e) => (e as DecisionTreeClassifier).tree_!.feature[0])).toEqual(r.f);
    ada.estimatorWeights_!.forEach((w, i) => expect(w).toBeCloseTo(r.w[i]!, 9));
  });

  it("a regression tree of depth 3 equals scikit-learn's predictions", () => {
    const target = Float64Array.from({ length: Xtr.rows }, (_, i) => Xtr.data[i * 12]! * 2 + Math.sin(Xtr.data[i * 12 + 1]!));
    const ours = new DecisionTreeRegressor({ maxDepth: 3, randomState: 0 }).fit(Xtr, target).predict(Xte) as Float64Array;
    const theirs = py<number[]>(
      `
from sklearn.tree import DecisionTreeRegressor
out = DecisionTreeRegressor(max_depth=3, random_state=0).fit(np.array(data["X"]), np.array(data["y"])).predict(np.array(data["T"]))
`,
      { X: rows(Xtr), y: Array.from(target), T: rows(Xte) },
    );
    ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i]!, 9));
  });
});

describe("DummyClassifier equals scikit-learn exactly", () => {
  const y = ["b", "a", "b", "c", "b", "a", "b", "c", "c", "b"];
  const X = y.map((_, i) => [i]);
  for (const strategy of ["most_frequent", "prior"] as const) {
    it(strategy, () => {
      const m = new DummyClassifier({ strategy }).fit(X, y);
      const ref = py<{ p: number[][]; y: string[] }>(
        `
from sklearn.dummy import DummyClassifier
m = DummyClassifier(strategy="${strategy}").fit(np.array(data["X"]), np.array(data["y"]))
out = {"p": m.predict_proba(np.array(data["X"])), "y": [str(v) for v in m.predict(np.array(data["X"]))]}
`,
        { X, y },
      );
      expect(m.predictProba(X)).toEqual(ref.p);
      expect(m.predict(X)).toEqual(ref.y);
    });
  }
  it("stratified and uniform draw classes with the prior and uniform frequencies", () => {
    const many = Array.from({ length: 20000 }, (_, i) => [i]);
    const strat = new DummyClassifier({ strategy: "stratified", randomState: 1 }).fit(X, y).predict(many) as string[];
    expect(strat.filter((v) => v === "b").length / many.length).toBeCloseTo(0.5, 1);
    const uni = new DummyClassifier({ strategy: "uniform", randomState: 1 }).fit(X, y).predict(many) as string[];
    expect(uni.filter((v) => v === "a").length / many.length).toBeCloseTo(1 / 3, 1);
    expect(new DummyClassifier({ strategy: "uniform", randomState: 1 }).fit(X, y).predict(many)).toEqual(uni);
  });
});

describe("HistGradientBoosting against scikit-learn (test ROC-AUC within 0.003)", () => {
  it("200,000 x 28 imbalanced makeClassification", () => {
    const { X, y } = makeClassification({ nSamples: 200_000, nFeatures: 28, nInformative: 10, nRedundant: 4, weights: [0.9], flipY: 0.02, randomState: 0 });
    const { Xtr, ytr, Xte, yte } = split(X, y, 160_000);
    const model = new HistGradientBoostingClassifier({ maxIter: 100, earlyStopping: false, randomState: 0 }).fit(Xtr, ytr);
    const p = (model.predictProba(Xte) as M).data;
    const auc = rocAucScore(Array.from(yte), Array.from({ length: Xte.rows }, (_, i) => p[i * 2 + 1]!));
    // Binary data through JSON would be 45 MB: regenerate nothing, send the raw arrays as lists once.
    const ref = py<number>(
      `
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
X = np.array(data["X"]).reshape(-1, 28); y = np.array(data["y"])
m = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0).fit(X[:160000], y[:160000])
out = roc_auc_score(y[160000:], m.predict_proba(X[160000:])[:, 1])
`,
      { X: Array.from(X.data), y: Array.from(y) },
    );
    expect(Math.abs(auc - ref)).toBeLessThanOrEqual(0.003);
    expect(auc).toBeGreaterThan(0.9);
  }, 120_000);

  it("flights: delayed more than 15 minutes, from distance and hour", () => {
    const t = loadFlights();
    const delay = t.getChild("delay")!.toArray() as Int16Array;
    const dist = t.getChild("distance")!.toArray() as Int16Array;
    const time = t.getChild("time")!.toArray() as Float32Array;
    const n = t.numRows;
    const X = { data: new Float64Array(n * 2), rows: n, cols: 2 };
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      X.data[i * 2] = dist[i]!;
      X.data[i * 2 + 1] = time[i]!;
      y[i] = delay[i]! > 15 ? 1 : 0;
    }
    const { Xtr, ytr, Xte, yte } = split(X, y, 150_000);
    const model = new HistGradientBoostingClassifier({ maxIter: 50, earlyStopping: false, randomState: 0 }).fit(Xtr, ytr);
    const p = (model.predictProba(Xte) as M).data;
    const auc = rocAucScore(Array.from(yte), Array.from({ length: Xte.rows }, (_, i) => p[i * 2 + 1]!));
    const ref = py<number>(
      `
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
X = np.array(data["X"]).reshape(-1, 2); y = np.array(data["y"])
m = HistGradientBoostingClassifier(max_iter=50, early_stopping=False, random_state=0).fit(X[:150000], y[:150000])
out = roc_auc_score(y[150000:], m.predict_proba(X[150000:])[:, 1])
`,
      { X: Array.from(X.data), y: Array.from(y) },
    );
    expect(Math.abs(auc - ref)).toBeLessThanOrEqual(0.003);
  }, 60_000);

  it("Seattle weather, five classes (multinomial log loss), with early stopping off", () => {
    const t = loadSeattleWeather();
    const cols = ["precipitation", "temp_max", "temp_min", "wind"].map((c) => t.getChild(c)!.toArray() as Float64Array);
    const labels = (t.getChild("weather")!.toArray() as unknown as string[]).map(String);
    const n = t.numRows;
    const X = Array.from({ length: n }, (_, i) => cols.map((c) => c[i]!));
    const train = X.slice(0, 1100);
    const test = X.slice(1100);
    const ours = new HistGradientBoostingClassifier({ maxIter: 60, randomState: 0 }).fit(train, labels.slice(0, 1100)).score(test, labels.slice(1100));
    const ref = py<number>(
      `
from sklearn.ensemble import HistGradientBoostingClassifier
X = np.array(data["X"]); y = np.array(data["y"])
out = HistGradientBoostingClassifier(max_iter=60, random_state=0).fit(X[:1100], y[:1100]).score(X[1100:], y[1100:])
`,
      { X, y: labels },
    );
    expect(Math.abs(ours - ref)).toBeLessThanOrEqual(0.01);
  });

  it("regression with NaN features equals scikit-learn's predictions closely", () => {
    const { X } = makeClassification({ nSamples: 3000, nFeatures: 5, randomState: 4 });
    const target = Float64Array.from({ length: 3000 }, (_, i) => X.data[i * 5]! * 3 - X.data[i * 5 + 1]! ** 2);
    for (let i = 0; i < 3000; i += 7) X.data[i * 5 + 2] = NaN;
    const ours = new HistGradientBoostingRegressor({ maxIter: 30, randomState: 0 }).fit(X, target).predict(X) as Float64Array;
    const theirs = py<number[]>(
      `
from sklearn.ensemble import HistGradientBoostingRegressor
X = np.array([[np.nan if v is None else v for v in r] for r in data["X"]]); y = np.array(data["y"])
out = HistGradientBoostingRegressor(max_iter=30, random_state=0).fit(X, y).predict(X)
`,
      { X: rows(X).map((r) => r.map((v) => (Number.isNaN(v) ? null : v))), y: Array.from(target) },
    );
    ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i]!, 6));
  });
});
