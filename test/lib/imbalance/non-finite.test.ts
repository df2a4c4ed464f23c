/**
 * RandomUnderSampler and RandomOverSampler keep rows with NaN or infinity: they only select rows, never compute on
 * X (imbalanced-learn's test_random_under_sampling_nan_inf and test_random_over_sampling_nan_inf, regression tests
 * for its issue #605). The samplers that compute distances still refuse them, as imbalanced-learn's do.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { RandomOverSampler, RandomUnderSampler, SMOTE } from "../../../lib/imbalance/index.js";

// imbalanced-learn's fixture: 20 rows, 2 features, classes 0 and 1 imbalanced 14 / 6, a third of the rows
// given a NaN or an infinity.
const rng = new Random(42);
const X = Array.from({ length: 20 }, () => [rng.normal(), rng.normal()]);
const y = Array.from({ length: 20 }, (_, i) => (i < 14 ? 0 : 1));
const dirty = X.map((r) => [...r]);
for (let k = 0; k < 6; k++) dirty[k * 3 + 1]![k % 2] = [NaN, Infinity, -Infinity][k % 3]!;

describe("non-finite values in X (imbalanced-learn #605)", () => {
  it("RandomUnderSampler keeps them: 6 + 6 rows out, the kept rows unchanged (test_random_under_sampling_nan_inf)", () => {
    const rus = new RandomUnderSampler({ randomState: 0 });
    const { X: Xr, y: yr } = rus.fitResample(dirty, y);
    expect(yr).toHaveLength(12);
    expect(Xr).toHaveLength(12);
    Array.from(rus.sampleIndices_!).forEach((i, k) => expect(Xr[k]).toEqual(dirty[i]));
    // The same rows are drawn as for the clean matrix: the values play no part in the draw.
    const clean = new RandomUnderSampler({ randomState: 0 });
    clean.fitResample(X, y);
    expect(Array.from(rus.sampleIndices_!)).toEqual(Array.from(clean.sampleIndices_!));
  });

  it("RandomOverSampler keeps them: 14 + 14 rows out, duplicates equal to their originals (test_random_over_sampling_nan_inf)", () => {
    const { X: Xr, y: yr } = new RandomOverSampler({ randomState: 0 }).fitResample(dirty, y);
    expect(yr.filter((v) => v === 1)).toHaveLength(14);
    expect(Xr).toHaveLength(28);
    expect(Xr.slice(0, 20)).toEqual(dirty);
    for (const row of Xr.slice(20)) expect(dirty.some((r) => Object.is(r[0], row[0]) && Object.is(r[1], row[1]))).toBe(true);
    expect(Xr.flat().filter((v) => !Number.isFinite(v)).length).toBeGreaterThanOrEqual(6);
  });

  it("SMOTE, which interpolates, still refuses them with the row and column", () => {
    expect(() => new SMOTE({ kNeighbors: 3 }).fitResample(dirty, y)).toThrow("X contains NaN at row 1, column 0");
  });
});
