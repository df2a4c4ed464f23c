/**
 * number[][] in and out (lib/core/validation.ts): the conversions that a scikit-learn user's first call goes
 * through give exactly the values of the dense { data, rows, cols } path, as plain packed arrays, with the
 * non-finite checks of scikit-learn's check_array (force_all_finite) in the same single pass.
 */
import { describe, expect, it } from "vitest";
import { checkArray, checkLabels, restoreLabels, restoreMatrix } from "../../../lib/core/validation.js";
import { makeClassification } from "../../../datasets/index.js";
import { SMOTE, TomekLinks } from "../../../lib/imbalance/index.js";

const asRows = (X: { data: Float64Array | Float32Array; rows: number; cols: number }) => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

describe("number[][] conversion", () => {
  it("reads rows into the row-major matrix and writes them back unchanged, narrow and wide", () => {
    for (const cols of [1, 3, 256, 300]) {
      const X = Array.from({ length: 7 }, (_, i) => Array.from({ length: cols }, (_, j) => (i - 3) * 1000 + j / 7 - 0.5));
      const checked = checkArray(X);
      expect(checked.kind).toBe("array");
      expect(Array.from(checked.matrix.data.subarray(cols, 2 * cols))).toEqual(X[1]);
      const back = restoreMatrix(checked.matrix, checked) as number[][];
      expect(back).toEqual(X);
      expect(back[0]).not.toBe(X[0]); // new arrays, as scikit-learn returns new arrays
      expect(back[6]).toHaveLength(cols);
    }
  });

  it("refuses NaN and infinity by position unless finite: false, as check_array does", () => {
    expect(() => checkArray([[1, 2], [3, NaN]])).toThrow("X contains NaN at row 1, column 1; remove or impute non-finite values first.");
    expect(() => checkArray([[1, -Infinity]], "Xtest")).toThrow("Xtest contains infinity at row 0, column 1; remove or impute non-finite values first.");
    expect(() => checkArray([[1, "2" as unknown as number]])).toThrow("X[0][1] must be a number; got string 2.");
    expect(Number.isNaN(checkArray([[1, NaN]], "X", { finite: false }).matrix.data[1])).toBe(true);
  });

  it("gives labels back in the caller's kind", () => {
    const cy = checkLabels(["b", "a", "b"]);
    expect(restoreLabels(Int32Array.of(1, 0, 0), cy)).toEqual(["b", "a", "a"]);
    const ct = checkLabels(Int32Array.of(4, 9));
    expect(restoreLabels(Int32Array.of(1, 1, 0), ct)).toEqual(Int32Array.of(9, 9, 4));
  });

  it("resamples number[][] into exactly the dense path's rows (SMOTE, TomekLinks)", () => {
    const { X, y } = makeClassification({ nSamples: 600, nFeatures: 12, nInformative: 6, nRedundant: 2, weights: [0.85], randomState: 3 });
    for (const sampler of [() => new SMOTE({ randomState: 0 }), () => new TomekLinks()]) {
      const dense = sampler().fitResample(X, y);
      const rows = sampler().fitResample(asRows(X), Array.from(y));
      expect(rows.X).toEqual(asRows(dense.X as { data: Float64Array; rows: number; cols: number }));
      expect(rows.y).toEqual(Array.from(dense.y as Int32Array));
    }
  });
});
