/**
 * Histogram gradient boosting takes ±infinity: binning puts them in the end bins (scikit-learn's
 * test_binning.py::test_infinite_values), and the model fits them (test_gradient_boosting.py::test_infinite_values).
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from "../../../lib/ensemble/index.js";
import { fitBinMapper, transformBins } from "../../../lib/ensemble/hgb/binning.js";

const column = { data: Float64Array.of(-Infinity, 0, 1, Infinity), rows: 4, cols: 1 };

describe("±infinity in histogram gradient boosting", () => {
  it("bins -inf, 0, 1, inf as 0, 1, 2, 3 with thresholds [-inf, 0.5, ALMOST_INF] (test_binning.py::test_infinite_values)", () => {
    const mapper = fitBinMapper(column, 255, new Random(0));
    expect(Array.from(mapper.thresholds[0]!)).toEqual([-Infinity, 0.5, 1e300]);
    expect(Array.from(mapper.nBinsNonMissing)).toEqual([4]);
    expect(Array.from(transformBins(column, mapper))).toEqual([0, 1, 2, 3]);
  });

  it("the regressor fits y = [0, 0, 1, 1] on them to 1e-4 (test_gradient_boosting.py::test_infinite_values)", () => {
    const gbdt = new HistGradientBoostingRegressor({ minSamplesLeaf: 1 }).fit([[-Infinity], [0], [1], [Infinity]], [0, 0, 1, 1]);
    const pred = gbdt.predict([[-Infinity], [0], [1], [Infinity]]);
    pred.forEach((p, i) => expect(Math.abs(p - [0, 0, 1, 1][i]!)).toBeLessThan(1e-4));
  });

  it("the classifier ranks infinite values at the ends of the feature, beside NaN in its own bin", () => {
    const rng = new Random(3);
    const X = Array.from({ length: 200 }, (_, i) => [i % 17 === 0 ? Infinity : i % 19 === 0 ? -Infinity : i % 23 === 0 ? NaN : rng.normal() + (i % 2 ? 1 : -1)]);
    const y = X.map(([v], i) => (v === Infinity ? 1 : v === -Infinity ? 0 : i % 2));
    const clf = new HistGradientBoostingClassifier({ maxIter: 20, minSamplesLeaf: 3, randomState: 0 }).fit(X, y);
    expect(clf.predict([[Infinity], [-Infinity]])).toEqual([1, 0]);
    expect(clf.predictProba([[Infinity]])[0]![1]).toBeGreaterThan(0.8);
  });
});
