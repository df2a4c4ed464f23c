/** ColumnTransformer and Pipeline against scikit-learn 1.2's (sklearn.compose.ColumnTransformer, sklearn.pipeline.Pipeline). */
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { loadModel, Random } from "../../../lib/core/index.js";
import { ColumnTransformer, MinMaxScaler, OneHotEncoder, Pipeline, PolynomialFeatures, SimpleImputer, StandardScaler, TargetEncoder } from "../../../lib/features/index.js";
import { LogisticRegression } from "../../../lib/linear/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(21);
const origins = ["SFO", "LAX", "JFK", "ORD"];
const make = (n: number, shift: number) =>
  Array.from({ length: n }, () => [rng.normal() * 100 + 500 + shift, rng.random() < 0.15 ? null : rng.random() * 24, origins[Math.floor(rng.random() * 4)]!, rng.normal()] as (number | string | null)[]);
const train = make(50, 0);
const test = make(12, 300);

describe("ColumnTransformer", () => {
  it("equals scikit-learn's: imputer+scaler pipeline, one-hot, remainder passthrough, with its feature names", () => {
    const ref = py<{ Xt: number[][]; names: string[] }>(
      `import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler, OneHotEncoder
from sklearn.impute import SimpleImputer
cols = ["distance", "hour", "origin", "noise"]
A = pd.DataFrame(data["train"], columns=cols); B = pd.DataFrame(data["test"], columns=cols)
for d in (A, B): d["hour"] = d["hour"].astype(float)
ct = ColumnTransformer([("num", Pipeline([("imp", SimpleImputer(add_indicator=True)), ("sc", StandardScaler())]), ["distance", "hour"]), ("cat", OneHotEncoder(sparse_output=False, handle_unknown="ignore"), ["origin"])], remainder="passthrough").fit(A)
out = {"Xt": ct.transform(B), "names": list(ct.get_feature_names_out())}`,
      { train, test },
    );
    const ct = new ColumnTransformer({
      transformers: [
        ["num", new Pipeline({ steps: [["imp", new SimpleImputer({ addIndicator: true })], ["sc", new StandardScaler()]] }), [0, 1]],
        ["cat", new OneHotEncoder({ handleUnknown: "ignore" }), [2]],
      ],
      remainder: "passthrough",
    }).fit(train);
    const Xt = ct.transform(test);
    Xt.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref.Xt[i]![j]!), `[${i}][${j}]`).toBeLessThan(1e-12)));
    // Rows have no column names, so ours are scikit-learn's x0, x1, ... where pandas gave it names.
    const rename = { distance: "x0", hour: "x1", origin: "x2", noise: "x3" };
    expect(ct.getFeatureNamesOut()).toEqual(ref.names.map((n) => n.replace(/distance|hour|origin|noise/, (m) => rename[m as keyof typeof rename])));
  });

  it("fits on the training data only: the scaler inside holds the training mean, not the test mean", () => {
    const ct = new ColumnTransformer({ transformers: [["sc", new StandardScaler(), [0]]] }).fit(train);
    const mean = train.reduce((s, r) => s + (r[0] as number), 0) / train.length;
    const scaler = ct.transformers_![0]![1] as StandardScaler;
    expect(scaler.mean_![0]).toBeCloseTo(mean, 10);
    // The test rows were shifted by 300: transformed, they sit about 3 training standard deviations up.
    const z = ct.transform(test).map((r) => r[0]!);
    expect(z.reduce((a, b) => a + b, 0) / z.length).toBeGreaterThan(2);
  });

  it("selects Arrow columns by name and gives an Arrow table back, columns named <transformer>__<feature>", () => {
    const t = tableFromArrays({ distance: Float64Array.from(train, (r) => r[0] as number), noise: Float64Array.from(train, (r) => r[3] as number) });
    const ct = new ColumnTransformer({ transformers: [["mm", new MinMaxScaler(), ["distance"]], ["poly", new PolynomialFeatures({ includeBias: false }), ["noise"]]] });
    const out = ct.fitTransform(t);
    expect(out.schema.fields.map((f) => f.name)).toEqual(["mm__distance", "poly__noise", "poly__noise^2"]);
    expect(() => new ColumnTransformer({ transformers: [["x", new MinMaxScaler(), ["nope"]]] }).fit(t)).toThrow("ColumnTransformer: transformer 'x' selects column 'nope', which X does not have (it has distance, noise).");
  });

  it("fitTransform cross-fits a TargetEncoder inside (scikit-learn calls each transformer's fit_transform); transform does not", () => {
    const y = train.map((r) => (r[2] === "JFK" ? 1 : 0) + 0.1 * (r[3] as number));
    const ct = new ColumnTransformer({ transformers: [["te", new TargetEncoder({ randomState: 0 }), [2]]] });
    const crossFitted = ct.fitTransform(train, y);
    expect(crossFitted).not.toEqual(ct.transform(train));
  });

  it("survives JSON with its fitted transformers", () => {
    const ct = new ColumnTransformer({ transformers: [["sc", new StandardScaler(), [0]], ["oh", new OneHotEncoder(), [2]]] }).fit(train);
    const again = loadModel(JSON.stringify(ct), ColumnTransformer);
    expect(again.transform(train.slice(0, 5))).toEqual(ct.transform(train.slice(0, 5)));
    expect(again.getFeatureNamesOut()).toEqual(["sc__x0", "oh__x2_JFK", "oh__x2_LAX", "oh__x2_ORD", "oh__x2_SFO"]);
  });
});

describe("Pipeline", () => {
  it("scaler then logistic regression: the model sees what scikit-learn's pipeline gives it, and predicts as mlsd's model on those inputs", () => {
    const X = train.map((r) => [r[0] as number, r[3] as number]);
    const y = X.map(([a, b]) => (a! / 100 + b! > 5 ? 1 : 0));
    const pipe = new Pipeline({ steps: [["sc", new StandardScaler()], ["lr", new LogisticRegression()]] }).fit(X, y);
    const sc = pipe.namedStep("sc"); // typed StandardScaler by the pipeline's steps
    const ref = py<number[][]>(`from sklearn.preprocessing import StandardScaler\nout = StandardScaler().fit(np.array(data["X"])).transform(np.array(data["T"]))`, { X, T: X.slice(0, 10) });
    sc.transform(X.slice(0, 10)).forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!)).toBeLessThan(1e-12)));
    const alone = new LogisticRegression().fit(sc.transform(X), y);
    expect(pipe.predictProba(X)).toEqual(alone.predictProba(sc.transform(X)));
    expect(pipe.score(X, y)).toBe(alone.score(sc.transform(X), y));
    expect(JSON.parse(JSON.stringify(loadModel(JSON.stringify(pipe), Pipeline).predict(X)))).toEqual(pipe.predict(X));
  });

  it("refuses a step without transform before the last, and a missing steps list, naming 'steps'", () => {
    expect(() => new Pipeline({ steps: [["lr", new LogisticRegression()], ["sc", new StandardScaler()]] }).fit([[1]], [0])).toThrow(/The 'steps' parameter of Pipeline must be a non-empty list of \[name, estimator\] pairs/);
    expect(() => new Pipeline().fit([[1]])).toThrow("The 'steps' parameter of Pipeline must be a non-empty list of [name, estimator] pairs, every step but the last with transform. Got null instead.");
  });
});
