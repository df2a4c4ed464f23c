/** computeClassWeight against scikit-learn 1.2's sklearn/utils/tests/test_class_weight.py, on its literal inputs. */
import { describe, expect, it } from "vitest";
import { computeClassWeight, computeSampleWeight } from "../../../lib/imbalance/index.js";

describe("computeClassWeight (test_class_weight.py)", () => {
  it("test_compute_class_weight_not_present: classes must cover y, and balanced classes must occur in y", () => {
    const y = [0, 0, 0, 1, 1, 2];
    expect(() => computeClassWeight("balanced", y, [0, 1, 2, 3])).toThrow(`classes should have valid labels that are in y for "balanced" weights; [3] never occur in y.`);
    expect(() => computeClassWeight({ label_not_present: 1 }, y, [0, 1, 2, 3])).toThrow("The classes, [0, 1, 2, 3], are not in classWeight");
    // y has items not in classes.
    expect(() => computeClassWeight("balanced", y, [0, 1])).toThrow("classes should include all valid labels that can be in y; y has [2], which classes [0, 1] leaves out.");
    expect(() => computeClassWeight({ 0: 1, 1: 2 }, y, [0, 1])).toThrow("classes should include all valid labels that can be in y");
    // A key that names no class while a class goes unweighted.
    expect(() => computeClassWeight({ dogs: 3, cat: 2 }, ["dog", "cat", "dog"], ["cat", "dog"])).toThrow("The classes, ['dog'], are not in classWeight");
  });
  it("test_compute_class_weight_dict and balanced values", () => {
    expect([...computeClassWeight({ 0: 1, 1: 2, 2: 3 }, [0, 1, 2], [0, 1, 2]).values()]).toEqual([1, 2, 3]);
    // Unweighted classes get 1; extra keys are fine when every class is weighted (scikit-learn's rule).
    expect([...computeClassWeight({ 1: 2 }, [0, 1, 2]).values()]).toEqual([1, 2, 1]);
    expect([...computeClassWeight({ 0: 1, 1: 2, 2: 3, 4: 1.5 }, [0, 1, 2]).values()]).toEqual([1, 2, 3]);
    // test_compute_class_weight_invariance's arithmetic: n / (k * count).
    expect([...computeClassWeight("balanced", [0, 0, 0, 1]).values()]).toEqual([4 / 6, 2]);
    expect(Array.from(computeSampleWeight("balanced", [0, 0, 1]))).toEqual([0.75, 0.75, 1.5]);
    expect(() => computeClassWeight({ 0: -1 }, [0, 1])).toThrow("classWeight['0'] must be a finite number >= 0; got -1.");
    expect(() => computeClassWeight("balance" as never, [0, 1])).toThrow(`classWeight must be "balanced" or a map of class to weight; got 'balance'.`);
  });
});
