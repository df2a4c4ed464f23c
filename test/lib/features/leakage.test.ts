/** Adversarial validation, cross duplicates and the time split. */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { LogisticRegression } from "../../../lib/linear/index.js";
import { adversarialValidation, crossDuplicates, timeSplit } from "../../../lib/features/index.js";
import { rocAucScore } from "../../../lib/metrics/index.js";

const rng = new Random(4);
const rows = (n: number, shift: number) => Array.from({ length: n }, () => [rng.normal(), rng.normal() + shift, rng.random()]);

describe("adversarialValidation", () => {
  it("gives an out-of-fold ROC-AUC near 0.5 when train and test come from one distribution, near 1 when a column shifted", () => {
    const same = adversarialValidation(rows(150, 0), rows(150, 0), { randomState: 0 });
    expect(same.rocAuc).toBeGreaterThan(0.35);
    expect(same.rocAuc).toBeLessThan(0.65);
    const shifted = adversarialValidation(rows(150, 0), rows(150, 3), { randomState: 0 });
    expect(shifted.rocAuc).toBeGreaterThan(0.9);
    // The forest's importances point at the column that moved.
    expect(shifted.featureImportances!.indexOf(Math.max(...shifted.featureImportances!))).toBe(1);
  });

  it("its AUC is rocAucScore of the out-of-fold probabilities (train rows labelled 0, test rows 1); a custom model is used", () => {
    const a = rows(60, 0);
    const b = rows(40, 1);
    const r = adversarialValidation(a, b, { model: () => new LogisticRegression(), cv: 3, randomState: 1 });
    expect(r.rocAuc).toBe(rocAucScore([...a.map(() => 0), ...b.map(() => 1)], Array.from(r.proba)));
    expect(r.featureImportances).toBeNull();
  });
});

describe("crossDuplicates and timeSplit", () => {
  it("counts test rows that also occur in train", () => {
    expect(crossDuplicates([[1, "a"], [2, "b"]], [[2, "b"], [3, "c"], [1, "a"], [1, "b"]])).toEqual({ count: 2, fraction: 0.5, testIndices: [0, 2] });
  });

  it("puts the latest rows in test, ties at the cut in train", () => {
    expect(timeSplit([3, 1, 2, 4], { testSize: 0.25 })).toEqual({ train: [1, 2, 0], test: [3], cutoff: 3 });
    expect(timeSplit([1, 2, 2, 2, 3], { testSize: 0.5 })).toEqual({ train: [0, 1, 2, 3], test: [4], cutoff: 2 });
    const dates = [new Date(Date.UTC(2001, 0, 3)), new Date(Date.UTC(2001, 0, 1)), new Date(Date.UTC(2001, 0, 2))];
    expect(timeSplit(dates, { testSize: 1 / 3 }).test).toEqual([0]);
  });
});
