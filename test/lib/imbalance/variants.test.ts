/** NearMiss, BorderlineSMOTE, ADASYN, SMOTE-NC, SMOTETomek, SMOTEENN and mixup, against imbalanced-learn where it is exact. */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { ADASYN, BorderlineSMOTE, EditedNearestNeighbours, NearMiss, SMOTE, SMOTEENN, SMOTENC, SMOTETomek, TomekLinks, mixup } from "../../../lib/imbalance/index.js";
import { NearestNeighbors } from "../../../lib/neighbors/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(21);
const X: number[][] = [];
const y: number[] = [];
for (const [c, n] of [[0, 250], [1, 60], [2, 25]] as const) for (let i = 0; i < n; i++) {
  X.push([0, 1, 2].map((j) => rng.normal() * 1.2 + (j === c ? 1.2 : 0)));
  y.push(c);
}
const order = rng.shuffle(Array.from(y.keys()));
const Xs = order.map((i) => X[i]!);
const ys = order.map((i) => y[i]!);
// A mixed table for SMOTE-NC: two continuous columns and one categorical (codes 0..3) that depends on the class.
const Xnc = Xs.map((r, i) => [r[0]!, r[1]!, (ys[i]! + (rng.random() < 0.3 ? rng.randint(4) : 0)) % 4]);

const counts = (labels: readonly number[]) => labels.reduce<Record<string, number>>((m, l) => ((m[l] = (m[l] ?? 0) + 1), m), {});

const ref = py<Record<string, unknown>>(
  `
from imblearn.under_sampling import NearMiss
from imblearn.over_sampling import BorderlineSMOTE, ADASYN, SMOTENC
from collections import Counter
X, y, Xnc = np.array(data["X"]), np.array(data["y"]), np.array(data["Xnc"])
def counts(yr): return {str(k): int(v) for k, v in Counter(yr.tolist()).items()}
out = {}
for v in (1, 2, 3):
    nm = NearMiss(version=v); nm.fit_resample(X, y); out[f"nm{v}"] = nm.sample_indices_
b = BorderlineSMOTE(random_state=0); _, yb = b.fit_resample(X, y)
# 0.10 keeps no in_danger_indices: ask its own _in_danger_noise with the fitted m-neighbours model.
out["danger"] = {}
for c in (1, 2):
    idx = np.flatnonzero(y == c)
    mask = b._in_danger_noise(b.nn_m_, X[idx], c, y, kind="danger")
    out["danger"][str(c)] = idx[mask]
out["border_counts"] = counts(yb)
_, ya = ADASYN(random_state=0).fit_resample(X, y); out["adasyn"] = counts(ya)
_, yn = SMOTENC(categorical_features=[2], random_state=0).fit_resample(Xnc, y); out["smotenc"] = counts(yn)
`,
  { X: Xs, y: ys, Xnc },
);

describe("NearMiss keeps imbalanced-learn's rows", () => {
  for (const version of [1, 2, 3] as const) {
    it(`version ${version}`, () => {
      const nm = new NearMiss({ version });
      nm.fitResample(Xs, ys);
      expect(Array.from(nm.sampleIndices_!)).toEqual(ref[`nm${version}`]);
    });
  }
});

describe("BorderlineSMOTE", () => {
  it("finds imbalanced-learn's samples in danger and gives its class counts (borderline-1)", () => {
    const b = new BorderlineSMOTE({ randomState: 0 });
    const out = b.fitResample(Xs, ys);
    const danger = Object.fromEntries([...b.inDangerIndices_!].map(([k, v]) => [String(k), Array.from(v)]));
    expect(danger).toEqual(ref["danger"]);
    expect(counts(out.y as number[])).toEqual(ref["border_counts"]);
  });

  it("borderline-2 steps at most half-way towards other classes and balances the classes", () => {
    const out = new BorderlineSMOTE({ kind: "borderline-2", randomState: 1 }).fitResample(Xs, ys);
    expect(counts(out.y as number[])).toEqual({ 0: 250, 1: 250, 2: 250 });
  });
});

describe("ADASYN", () => {
  it("gives imbalanced-learn's class counts (its rounding of the per-sample shares)", () => {
    expect(counts(new ADASYN({ randomState: 0 }).fitResample(Xs, ys).y as number[])).toEqual(ref["adasyn"]);
  });
});

describe("SMOTE-NC", () => {
  it("gives imbalanced-learn's counts; categories are the most frequent among the seed's neighbours", () => {
    const k = 5;
    const out = new SMOTENC({ categoricalFeatures: [2], kNeighbors: k, randomState: 4 }).fitResample(Xnc, ys);
    expect(counts(out.y as number[])).toEqual(ref["smotenc"]);
    const created = (out.X as number[][]).slice(Xnc.length);
    for (const row of created) expect([0, 1, 2, 3]).toContain(row[2]);
    expect(() => new SMOTENC({ categoricalFeatures: [7] }).fitResample(Xnc, ys)).toThrow("categoricalFeatures contains 7, which is not a column index in [0, 2].");
    void NearestNeighbors;
  });
});

describe("combined samplers", () => {
  it("SMOTETomek and SMOTEENN are SMOTE followed by cleaning every class", () => {
    const smoted = new SMOTE({ randomState: 9 }).fitResample(Xs, ys);
    const tomek = new TomekLinks({ samplingStrategy: "all" }).fitResample(smoted.X, smoted.y);
    expect(new SMOTETomek({ randomState: 9 }).fitResample(Xs, ys)).toEqual(tomek);
    const enn = new EditedNearestNeighbours({ samplingStrategy: "all" }).fitResample(smoted.X, smoted.y);
    expect(new SMOTEENN({ randomState: 9 }).fitResample(Xs, ys)).toEqual(enn);
  });
});

describe("mixup", () => {
  it("mixes rows and one-hot labels with the same λ ~ Beta(α, α)", () => {
    const oneHot = ys.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    const r = mixup(Xs, oneHot, { alpha: 0.4, perSample: true, randomState: 2 });
    r.X.forEach((row, i) => {
      const l = r.lambda[i]!;
      row.forEach((v, j) => expect(v).toBeCloseTo(l * Xs[i]![j]! + (1 - l) * Xs[r.partner[i]!]![j]!, 12));
      expect(r.y[i]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });
    // Beta(α, α) has mean 1/2 and variance 1 / (4 (2α + 1)).
    const big = mixup(Array.from({ length: 20000 }, () => [0]), Array.from({ length: 20000 }, () => [1]), { alpha: 0.4, perSample: true, randomState: 3 }).lambda;
    const mean = big.reduce((a, b) => a + b, 0) / big.length;
    const variance = big.reduce((a, b) => a + (b - mean) ** 2, 0) / big.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / (4 * 1.8))).toBeLessThan(0.01);
    expect(() => mixup(Xs, oneHot, { alpha: 0 })).toThrow("alpha must be > 0; got 0.");
  });
});
