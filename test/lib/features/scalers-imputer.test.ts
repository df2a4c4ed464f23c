/** StandardScaler, MinMaxScaler, SimpleImputer and MissingIndicator against scikit-learn 1.2 on the same inputs, to 1e-12. */
import * as tf from "@tensorflow/tfjs";
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { MinMaxScaler, MissingIndicator, SimpleImputer, StandardScaler } from "../../../lib/features/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(7);
// Train and test from different distributions, so "fitted on train" and "fitted on test" differ.
const train = Array.from({ length: 40 }, () => [rng.normal() * 3 + 1, rng.random() * 10, Math.round(rng.random() * 4)]);
const test = Array.from({ length: 15 }, () => [rng.normal() * 5 - 2, rng.random() * 20, Math.round(rng.random() * 6)]);
// Holes: about one cell in five missing (null in JSON, NaN here).
const holes = (m: number[][], seed: number) => {
  const r = new Random(seed);
  return m.map((row) => row.map((v) => (r.random() < 0.2 ? NaN : v)));
};
const trainNaN = holes(train, 1);
const testNaN = holes(test, 2);
// JSON has no NaN: send null and read it back as np.nan (np.array(..., dtype=float)).
const asJson = (m: number[][]) => m.map((r) => r.map((v) => (Number.isNaN(v) ? null : v)));
const close = (a: number[][], b: (number | null)[][]) => {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => row.forEach((v, j) => {
    const w = b[i]![j];
    if (w === null) expect(v, `[${i}][${j}]`).toBeNaN();
    else expect(Math.abs(v - w!), `[${i}][${j}]: ${v} vs ${w}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w!)));
  }));
};
const PY_PRE = `
from sklearn.preprocessing import StandardScaler, MinMaxScaler
from sklearn.impute import SimpleImputer, MissingIndicator
A = np.array(data["train"], dtype=float); B = np.array(data["test"], dtype=float)
def j(m): return [[None if np.isnan(v) else float(v) for v in r] for r in m]
`;

describe("StandardScaler (sklearn.preprocessing.StandardScaler)", () => {
  it("learns mean and std from the training rows only and applies them to test rows, as scikit-learn's", () => {
    const ref = py<{ Xt: number[][]; mean: number[]; scale: number[]; Xn: (number | null)[][]; noMean: number[][] }>(
      PY_PRE + `s = StandardScaler().fit(A)
sn = StandardScaler().fit(np.array(data["trainNaN"], dtype=float))
out = {"Xt": s.transform(B), "mean": s.mean_, "scale": s.scale_, "Xn": j(sn.transform(np.array(data["testNaN"], dtype=float))), "noMean": StandardScaler(with_mean=False).fit(A).transform(B)}`,
      { train, test, trainNaN: asJson(trainNaN), testNaN: asJson(testNaN) },
    );
    const s = new StandardScaler().fit(train);
    close(s.transform(test), ref.Xt);
    close([Array.from(s.mean_!), Array.from(s.scale_!)], [ref.mean, ref.scale]);
    // NaN is ignored in fit and kept in transform (scikit-learn's behaviour for missing values).
    close(new StandardScaler().fit(trainNaN).transform(testNaN), ref.Xn);
    close(new StandardScaler({ withMean: false }).fit(train).transform(test), ref.noMean);
  });

  it("a constant column gets scale 1 (scikit-learn's _is_constant_feature); inverseTransform undoes transform", () => {
    const s = new StandardScaler().fit([[5, 1], [5, 2], [5, 3]]);
    expect(Array.from(s.scale_!)[0]).toBe(1);
    expect(s.transform([[5, 2]])).toEqual([[0, 0]]);
    close(s.inverseTransform(s.transform([[7, 9]])), [[7, 9]]);
  });

  it("gives the input's kind back: rows, { data, rows, cols }, tf.Tensor2D, Arrow (columns named)", () => {
    const s = new StandardScaler().fit(train);
    expect(Array.isArray(s.transform(test))).toBe(true);
    expect(s.transform({ data: Float64Array.from(test.flat()), rows: 15, cols: 3 }).data).toBeInstanceOf(Float64Array);
    expect(s.transform(tf.tensor2d(test)).shape).toEqual([15, 3]);
    const arrow = tableFromArrays({ a: Float64Array.from(train, (r) => r[0]!), b: Float64Array.from(train, (r) => r[1]!), c: Float64Array.from(train, (r) => r[2]!) });
    const t = new StandardScaler().fit(arrow);
    expect(t.transform(arrow).schema.fields.map((f) => f.name)).toEqual(["a", "b", "c"]);
    expect(t.getFeatureNamesOut()).toEqual(["a", "b", "c"]);
  });
});

describe("MinMaxScaler (sklearn.preprocessing.MinMaxScaler)", () => {
  it("maps the training range onto featureRange; test values fall outside unless clip", () => {
    const ref = py<{ a: number[][]; b: number[][]; c: number[][] }>(
      PY_PRE + `out = {"a": MinMaxScaler().fit(A).transform(B), "b": MinMaxScaler(feature_range=(-1, 2)).fit(A).transform(B), "c": MinMaxScaler(clip=True).fit(A).transform(B)}`,
      { train, test },
    );
    close(new MinMaxScaler().fit(train).transform(test), ref.a);
    close(new MinMaxScaler({ featureRange: [-1, 2] }).fit(train).transform(test), ref.b);
    close(new MinMaxScaler({ clip: true }).fit(train).transform(test), ref.c);
    expect(Math.min(...new MinMaxScaler().fit(train).transform(test).flat())).toBeLessThan(0);
  });
});

describe("SimpleImputer and MissingIndicator (sklearn.impute)", () => {
  it("each strategy fills from the training column, with indicator columns, as scikit-learn's", () => {
    const ref = py<Record<string, number[][]>>(
      PY_PRE + `A = np.array(data["trainNaN"], dtype=float); B = np.array(data["testNaN"], dtype=float)
out = {s: SimpleImputer(strategy=s, add_indicator=True).fit(A).transform(B) for s in ["mean", "median", "most_frequent"]}
out["constant"] = SimpleImputer(strategy="constant", fill_value=-7).fit(A).transform(B)
out["stats"] = [SimpleImputer(strategy=s).fit(A).statistics_ for s in ["mean", "median", "most_frequent"]]
out["indicator"] = MissingIndicator().fit(A).transform(B).astype(float)
out["indicatorAll"] = MissingIndicator(features="all").fit(A[:, :2]).transform(B[:, :2]).astype(float)`,
      { train, test, trainNaN: asJson(trainNaN), testNaN: asJson(testNaN) },
    );
    for (const strategy of ["mean", "median", "most_frequent"] as const) close(new SimpleImputer({ strategy, addIndicator: true }).fit(trainNaN).transform(testNaN), ref[strategy]!);
    close(new SimpleImputer({ strategy: "constant", fillValue: -7 }).fit(trainNaN).transform(testNaN), ref.constant!);
    close((["mean", "median", "most_frequent"] as const).map((strategy) => Array.from(new SimpleImputer({ strategy }).fit(trainNaN).statistics_!)), ref.stats!);
    close(new MissingIndicator().fit(trainNaN).transform(testNaN), ref.indicator!);
    close(new MissingIndicator({ features: "all" }).fit(trainNaN.map((r) => r.slice(0, 2))).transform(testNaN.map((r) => r.slice(0, 2))), ref.indicatorAll!);
  });

  it("names its indicator columns as scikit-learn's get_feature_names_out, and reads null as missing", () => {
    const imp = new SimpleImputer({ addIndicator: true }).fit([[1, null], [null, 3], [5, 4]] as never);
    expect(imp.getFeatureNamesOut()).toEqual(["x0", "x1", "missingindicator_x0", "missingindicator_x1"]);
    expect(imp.transform([[null, null]] as never)).toEqual([[3, 3.5, 1, 1]]);
  });

  it("MissingIndicator refuses a feature missing only at transform time (scikit-learn's error_on_new)", () => {
    const m = new MissingIndicator().fit([[1, NaN], [2, 3]]);
    expect(() => m.transform([[NaN, 1]])).toThrow("MissingIndicator: feature 0 has missing values in transform but had none in fit");
    expect(new MissingIndicator({ errorOnNew: false }).fit([[1, NaN], [2, 3]]).transform([[NaN, 1]])).toEqual([[0]]);
  });
});
