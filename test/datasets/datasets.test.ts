/** Dataset cards agree with the data they describe; generators follow scikit-learn's allocation rules. */
import { describe, expect, it } from "vitest";
import { checkLabels, classCounts } from "../../lib/core/index.js";
import { listDatasets, loadDataset, makeBlobs, makeClassification, makeMoons } from "../../datasets/index.js";
import { py } from "../helpers/python.js";

describe("dataset registry", () => {
  for (const card of listDatasets()) {
    it(`${card.name}: the card's rows, columns and class balance match the data`, () => {
      const t = loadDataset(card.name);
      expect(t.numRows).toBe(card.rows);
      expect(t.schema.fields.map((f) => f.name)).toEqual(card.columns);
      const target = Array.from(t.getChild(card.target)!.toArray() as ArrayLike<string | number>);
      if (typeof card.classBalance === "string") {
        const late = target.filter((v) => Number(v) > 15).length;
        expect(card.classBalance).toContain(`${late.toLocaleString("en-US")} of ${card.rows.toLocaleString("en-US")}`);
      } else {
        const counts: Record<string, number> = {};
        for (const v of target) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
        expect(counts).toEqual(card.classBalance);
      }
      expect(card.source).toContain("vega-datasets");
    });
  }

  it("names the unknown dataset and lists the known ones", () => {
    expect(() => loadDataset("iris")).toThrow("loadDataset: unknown dataset 'iris'; available: seattle-weather, penguins, flights.");
  });
});

const settings = [
  { nSamples: 1000, weights: [0.9], flipY: 0 },
  { nSamples: 997, nClasses: 3, nInformative: 3, weights: [0.7, 0.2, 0.1], flipY: 0 },
  { nSamples: 100_000, nFeatures: 20, weights: [0.9], flipY: 0 },
];
const ref = py<{ classification: Record<string, number>[]; blobs: Record<string, number> }>(
  `
from sklearn.datasets import make_classification, make_blobs
from collections import Counter
out = {"classification": [], "blobs": None}
for s in data["settings"]:
    X, y = make_classification(n_samples=s["nSamples"], n_features=s.get("nFeatures", 20), n_informative=s.get("nInformative", 2), n_classes=s.get("nClasses", 2), weights=s["weights"], flip_y=0, random_state=0)
    out["classification"].append({str(k): int(v) for k, v in Counter(y.tolist()).items()})
X, y = make_blobs(n_samples=301, centers=4, random_state=0)
out["blobs"] = {str(k): int(v) for k, v in Counter(y.tolist()).items()}
`,
  { settings },
);

describe("generators", () => {
  it("makeClassification gives scikit-learn's class counts for the same weights", () => {
    settings.forEach((s, i) => {
      const { X, y } = makeClassification({ ...s, randomState: 0 });
      expect(X.rows).toBe(s.nSamples);
      expect(X.cols).toBe(s.nFeatures ?? 20);
      const counts = classCounts(y, Math.max(...y) + 1);
      expect(Object.fromEntries(Array.from(counts, (c, k) => [String(k), c]))).toEqual(ref.classification[i]);
    });
  });

  it("makeClassification's flipY relabels about flipY × (k-1)/k of the samples", () => {
    const clean = makeClassification({ nSamples: 20_000, flipY: 0, shuffle: false, randomState: 3 });
    const noisy = makeClassification({ nSamples: 20_000, flipY: 0.2, shuffle: false, randomState: 3 });
    let changed = 0;
    for (let i = 0; i < clean.y.length; i++) if (clean.y[i] !== noisy.y[i]) changed++;
    expect(Math.abs(changed / 20_000 - 0.1)).toBeLessThan(0.01);
  });

  it("makeClassification's informative features separate the classes", () => {
    const { X, y } = makeClassification({ nSamples: 2000, nFeatures: 2, nInformative: 2, nRedundant: 0, nClustersPerClass: 1, classSep: 3, flipY: 0, shuffle: false, randomState: 1 });
    // Nearest-centroid accuracy on well-separated classes is high.
    const mean = (c: number) => [0, 1].map((j) => { let s = 0, n = 0; for (let i = 0; i < y.length; i++) if (y[i] === c) { s += X.data[i * 2 + j]!; n++; } return s / n; });
    const m0 = mean(0), m1 = mean(1);
    let hits = 0;
    for (let i = 0; i < y.length; i++) {
      const d0 = (X.data[i * 2]! - m0[0]!) ** 2 + (X.data[i * 2 + 1]! - m0[1]!) ** 2;
      const d1 = (X.data[i * 2]! - m1[0]!) ** 2 + (X.data[i * 2 + 1]! - m1[1]!) ** 2;
      if ((d0 < d1 ? 0 : 1) === y[i]) hits++;
    }
    expect(hits / y.length).toBeGreaterThan(0.95);
  });

  it("makeBlobs splits samples over centers as scikit-learn does; makeMoons is two balanced half circles", () => {
    const b = makeBlobs({ nSamples: 301, centers: 4, randomState: 0 });
    expect(Object.fromEntries(Array.from(classCounts(b.y, 4), (c, k) => [String(k), c]))).toEqual(ref.blobs);
    const m = makeMoons({ nSamples: 101, noise: 0, randomState: 0 });
    expect(Array.from(classCounts(m.y, 2))).toEqual([50, 51]);
    for (let i = 0; i < 101; i++) {
      const [x, yy] = [m.X.data[2 * i]!, m.X.data[2 * i + 1]!];
      const r = m.y[i] === 0 ? Math.hypot(x, yy) : Math.hypot(x - 1, yy - 0.5);
      expect(Math.abs(r - 1)).toBeLessThan(1e-12);
    }
    expect(checkLabels(m.y).classes).toEqual([0, 1]);
  });

  it("refuses impossible settings with the reason", () => {
    expect(() => makeClassification({ nClasses: 3, nInformative: 1 })).toThrow("nClasses (3) * nClustersPerClass (2) must be smaller or equal 2**nInformative");
    expect(() => makeClassification({ nFeatures: 3, nInformative: 2, nRedundant: 2 })).toThrow("nFeatures (3) must be at least nInformative + nRedundant + nRepeated (4).");
  });
});
