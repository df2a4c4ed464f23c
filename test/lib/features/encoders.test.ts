/**
 * OneHotEncoder, FeatureHasher (and its MurmurHash3) and PolynomialFeatures against scikit-learn 1.2;
 * TargetEncoder against scikit-learn 1.3's formulas, transcribed below because Debian ships 1.2, which has
 * no TargetEncoder; crossFeatures; timeFeatures against pandas' dt accessors.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { crossFeatures, FeatureHasher, murmurhash3_32, OneHotEncoder, PolynomialFeatures, TargetEncoder, timeFeatures } from "../../../lib/features/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(3);
const cities = ["SFO", "LAX", "JFK", "ORD", "SEA", "ATL"];
const train = Array.from({ length: 60 }, (_, i) => [cities[Math.floor(rng.random() * (i < 30 ? 4 : 6))]!, ["a", "b"][Math.floor(rng.random() * 2)]!]);
const test = [["SFO", "a"], ["DEN", "b"], ["ATL", "a"], ["LAX", "zzz"]];

describe("OneHotEncoder (sklearn.preprocessing.OneHotEncoder, sparse_output=False)", () => {
  it("learns sorted categories in fit; handleUnknown 'ignore' gives zeros; drop 'first' and 'if_binary'; names", () => {
    const ref = py<{ plain: number[][]; first: number[][]; binary: number[][]; names: string[]; namesFirst: string[] }>(
      `from sklearn.preprocessing import OneHotEncoder as E
A = np.array(data["train"], dtype=object); B = np.array(data["test"], dtype=object)
e = E(handle_unknown="ignore", sparse_output=False).fit(A)
f = E(handle_unknown="ignore", sparse_output=False, drop="first").fit(A)
out = {"plain": e.transform(B), "first": f.transform(B), "binary": E(sparse_output=False, drop="if_binary").fit(A).transform(A[:5]), "names": list(e.get_feature_names_out()), "namesFirst": list(f.get_feature_names_out())}`,
      { train, test },
    );
    const e = new OneHotEncoder({ handleUnknown: "ignore" }).fit(train);
    expect(e.transform(test)).toEqual(ref.plain);
    expect(e.getFeatureNamesOut()).toEqual(ref.names);
    const f = new OneHotEncoder({ handleUnknown: "ignore", drop: "first" }).fit(train);
    expect(f.transform(test)).toEqual(ref.first);
    expect(f.getFeatureNamesOut()).toEqual(ref.namesFirst);
    expect(new OneHotEncoder({ drop: "if_binary" }).fit(train).transform(train.slice(0, 5))).toEqual(ref.binary);
  });

  it("handleUnknown 'error' refuses an unseen category, naming it, its column and row", () => {
    expect(() => new OneHotEncoder().fit(train).transform(test)).toThrow('OneHotEncoder: found unknown category "DEN" in column 0 at row 1 during transform; set handleUnknown: "ignore" to encode it as zeros.');
  });
});

describe("FeatureHasher (sklearn.feature_extraction.FeatureHasher) and murmurhash3_32 (sklearn.utils.murmurhash3_32)", () => {
  it("hashes as scikit-learn: signed MurmurHash3 of the UTF-8 name, |h| mod nFeatures, alternating sign, collisions summed", () => {
    const words = ["", "a", "ab", "abc", "abcd", "abcde", "foo", "hello world", "é", "日本語", "origin=SFO", "x".repeat(37)];
    const dicts: Record<string, number | string>[] = [{ origin: "SFO", dest: "LAX", distance: 337 }, { origin: "JFK", dist: -2.5, "日本": 1 }];
    const ref = py<{ h: number[]; h42: number[]; s: number[][]; d: number[][]; p: number[][]; u: number[][] }>(
      `from sklearn.utils import murmurhash3_32
from sklearn.feature_extraction import FeatureHasher as H
out = {"h": [murmurhash3_32(w, seed=0) for w in data["words"]], "h42": [murmurhash3_32(w, seed=4242424242) for w in data["words"]],
       "s": H(n_features=7, input_type="string").transform(data["train"]).toarray(),
       "d": H(n_features=16).transform(data["dicts"]).toarray(),
       "p": H(n_features=5, input_type="pair").transform([[("a", 2.0), ("b", -1.0), ("a", 0.5)]]).toarray(),
       "u": H(n_features=3, input_type="string", alternate_sign=False).transform(data["train"][:10]).toarray()}`,
      { words, train, dicts },
    );
    expect(words.map((w) => murmurhash3_32(w))).toEqual(ref.h);
    expect(words.map((w) => murmurhash3_32(w, 4242424242))).toEqual(ref.h42);
    expect(new FeatureHasher({ nFeatures: 7, inputType: "string" }).transform(train)).toEqual(ref.s);
    expect(new FeatureHasher({ nFeatures: 16 }).transform(dicts)).toEqual(ref.d);
    expect(new FeatureHasher({ nFeatures: 5, inputType: "pair" }).transform([[["a", 2], ["b", -1], ["a", 0.5]]])).toEqual(ref.p);
    expect(new FeatureHasher({ nFeatures: 3, inputType: "string", alternateSign: false }).transform(train.slice(0, 10))).toEqual(ref.u);
  });
});

describe("TargetEncoder (scikit-learn 1.3's, cross-fitted)", () => {
  // scikit-learn 1.3's _fit_encoding_fast and _fit_encoding_fast_auto_smooth (sklearn/preprocessing/_target_encoder_fast.pyx)
  // and fit_transform's loop over folds, transcribed; the folds are mlsd's (shared through folds_), not numpy's.
  const REF = `
def encode(codes, y, n, smooth):
    y_mean = np.mean(y); y_var = np.var(y)
    sums = np.zeros(n); counts = np.zeros(n)
    for c, v in zip(codes, y): sums[c] += v; counts[c] += 1
    if smooth != "auto": return (sums + smooth * y_mean) / (smooth + counts)
    with np.errstate(all="ignore"):
        means = sums / counts
        ssd = np.zeros(n)
        for c, v in zip(codes, y): ssd[c] += (v - means[c]) ** 2
        lam = y_var * counts / (y_var * counts + ssd / counts)
    return np.where(np.isnan(lam), y_mean, lam * means + (1 - lam) * y_mean)
X = data["X"]; y = np.array(data["y"], dtype=float)
cats = [sorted(set(r[j] for r in X)) for j in range(len(X[0]))]
codes = np.array([[cats[j].index(r[j]) for j in range(len(r))] for r in X])
out = {"full": [], "cross": np.zeros(codes.shape)}
for smooth in data["smooth"]:
    out["full"].append([encode(codes[:, j], y, len(cats[j]), smooth) for j in range(codes.shape[1])])
n = len(X)
for test in data["folds"]:
    tr = np.setdiff1d(np.arange(n), test)
    for j in range(codes.shape[1]):
        enc = encode(codes[tr, j], y[tr], len(cats[j]), data["smooth"][0])
        out["cross"][test, j] = enc[codes[test, j]]
`;
  const yBinary = train.map(([c], i) => ((c === "SFO" ? 0.7 : 0.3) > new Random(i).random() ? "late" : "on time"));
  const yContinuous = train.map(([c, s], i) => (c === "JFK" ? 30 : 5) + (s === "a" ? 2 : 0) + new Random(100 + i).normal() * 4);

  for (const [kind, y, yNum] of [["binary", yBinary, yBinary.map((v) => (v === "on time" ? 1 : 0))], ["continuous", yContinuous, yContinuous]] as const) {
    it(`${kind} target: encodings (smooth "auto" and 10) and cross-fitted fitTransform equal the transcription on the same folds`, () => {
      const enc = new TargetEncoder({ randomState: 5 });
      const cross = enc.fitTransform(train, y as never);
      const ten = new TargetEncoder({ smooth: 10 }).fit(train, y as never);
      const ref = py<{ full: number[][][]; cross: number[][] }>(REF, { X: train, y: yNum, smooth: ["auto", 10], folds: enc.folds_!.map((f) => Array.from(f)) });
      expect(enc.targetType_).toBe(kind);
      const near = (a: number[], b: number[]) => a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-12));
      enc.encodings_!.forEach((e, j) => near(Array.from(e), ref.full[0]![j]!));
      ten.encodings_!.forEach((e, j) => near(Array.from(e), ref.full[1]![j]!));
      cross.forEach((row, i) => near(row, ref.cross[i]!));
      // Five folds that cover every row once.
      expect(enc.folds_!.length).toBe(5);
      expect(enc.folds_!.flatMap((f) => Array.from(f)).sort((a, b) => a - b)).toEqual(train.map((_, i) => i));
    });
  }

  it("cross fitting differs from fit-then-transform on the training rows (each row's own label stays out); unknown categories get the target mean", () => {
    const enc = new TargetEncoder({ randomState: 1 });
    const cross = enc.fitTransform(train, yContinuous);
    const leaky = enc.transform(train);
    expect(cross).not.toEqual(leaky);
    expect(enc.transform([["DEN", "zzz"]])).toEqual([[enc.targetMean_, enc.targetMean_]]);
  });

  it("refuses a multiclass target, as scikit-learn 1.3 does", () => {
    expect(() => new TargetEncoder().fit(train, train.map((_, i) => i % 3))).toThrow("TargetEncoder: the target has 3 classes; scikit-learn 1.3's TargetEncoder takes binary or continuous targets only.");
  });
});

describe("feature crosses", () => {
  it("PolynomialFeatures equals scikit-learn's values and names (degree 3, interaction only, no bias)", () => {
    const X = [[1.5, -2, 3], [0.25, 4, -1], [2, 2, 2]];
    const ref = py<{ a: number[][]; an: string[]; b: number[][]; bn: string[] }>(
      `from sklearn.preprocessing import PolynomialFeatures as P
X = np.array(data, dtype=float); a = P(degree=3).fit(X); b = P(degree=2, interaction_only=True, include_bias=False).fit(X)
out = {"a": a.transform(X), "an": list(a.get_feature_names_out()), "b": b.transform(X), "bn": list(b.get_feature_names_out())}`,
      X,
    );
    const a = new PolynomialFeatures({ degree: 3 }).fit(X);
    expect(a.transform(X)).toEqual(ref.a);
    expect(a.getFeatureNamesOut()).toEqual(ref.an);
    const b = new PolynomialFeatures({ degree: 2, interactionOnly: true, includeBias: false }).fit(X);
    expect(b.transform(X)).toEqual(ref.b);
    expect(b.getFeatureNamesOut()).toEqual(ref.bn);
  });

  it("crossFeatures joins categorical columns; a missing part makes the cross missing", () => {
    expect(crossFeatures([["SFO", "LAX", 3], ["JFK", null, 1]], [[0, 1], [0, 2]])).toEqual([["SFO_x_LAX", "SFO_x_3"], [null, "JFK_x_1"]]);
    expect(crossFeatures([["a", "b"]], [[0, 1]], { separator: "|" })).toEqual([["a|b"]]);
  });
});

describe("timeFeatures (pandas' Series.dt: hour, dayofweek with Monday 0, dayofyear, month)", () => {
  it("equals pandas on the same UTC timestamps, and the cyclical pairs are sin/cos of 2*pi*value/period", () => {
    const times = Array.from({ length: 50 }, (_, i) => Date.UTC(2000, 0, 1) + Math.floor(new Random(i).random() * 9e11));
    const ref = py<number[][]>(
      `import pandas as pd
t = pd.to_datetime(pd.Series(data), unit="ms", utc=True).dt
out = np.column_stack([t.year, t.month, t.day, t.dayofweek, t.dayofyear, t.hour, t.minute, (t.dayofweek >= 5).astype(int)]).astype(float)`,
      times,
    );
    const f = timeFeatures(times, { features: ["year", "month", "dayOfMonth", "dayOfWeek", "dayOfYear", "hour", "minute", "isWeekend"] });
    expect(f.rows).toEqual(ref);
    const c = timeFeatures([Date.UTC(2001, 0, 1, 18)], { features: ["hour"], cyclical: true });
    expect(c.columns).toEqual(["hour", "hour_sin", "hour_cos"]);
    expect(c.rows[0]![1]).toBeCloseTo(-1, 15);
  });
});
