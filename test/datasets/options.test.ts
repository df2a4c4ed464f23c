/**
 * The generators refuse bad options as scikit-learn's do (sklearn/datasets/_samples_generator.py's
 * _parameter_constraints, checked by sklearn/utils/tests/test_param_validation.py's generated invalid values
 * in test_public_functions.py::test_function_param_validation).
 */
import { describe, expect, it } from "vitest";
import { makeBlobs, makeClassification, makeMoons } from "../../datasets/index.js";

describe("generator options", () => {
  it("makeClassification({ nSamples: '1000' }) is refused, naming the option and the value", () => {
    expect(() => makeClassification({ nSamples: "1000" as never })).toThrow("The 'nSamples' parameter of makeClassification must be an integer >= 1. Got '1000' instead.");
    expect(() => makeClassification({ nSamples: 0 })).toThrow("The 'nSamples' parameter of makeClassification must be an integer >= 1. Got 0 instead.");
    expect(() => makeClassification({ flipY: 1.5 })).toThrow("The 'flipY' parameter of makeClassification must be a number >= 0 and <= 1. Got 1.5 instead.");
    expect(() => makeClassification({ classSep: 0 })).toThrow("The 'classSep' parameter of makeClassification must be a number > 0. Got 0 instead.");
    expect(() => makeClassification({ weights: [0.5, "a"] as never })).toThrow("The 'weights' parameter of makeClassification must be an array of finite numbers. Got [0.5,\"a\"] instead.");
    expect(() => makeClassification({ weights: [1.2] })).toThrow("weights must be class proportions >= 0");
    expect(() => makeClassification({ nSample: 10 } as never)).toThrow("makeClassification got an unknown parameter 'nSample'. Valid parameters are: nSamples, nFeatures");
    expect(() => makeClassification(1000 as never)).toThrow("makeClassification takes an options object such as { nSamples: 100 }; got 1000.");
    expect(() => makeClassification({ hypercube: 1 as never })).toThrow("The 'hypercube' parameter of makeClassification must be a boolean. Got 1 instead.");
  });
  it("makeBlobs and makeMoons", () => {
    expect(() => makeBlobs({ centers: 0 })).toThrow("The 'centers' parameter of makeBlobs must be an integer >= 1 or an array of equally long rows of finite numbers. Got 0 instead.");
    expect(() => makeBlobs({ centers: [[0, 0], [1]] })).toThrow("The 'centers' parameter of makeBlobs");
    expect(() => makeBlobs({ clusterStd: -1 })).toThrow("The 'clusterStd' parameter of makeBlobs must be a number >= 0. Got -1 instead.");
    expect(() => makeBlobs({ centerBox: [10, -10] })).toThrow("The 'centerBox' parameter of makeBlobs must be a pair [low, high] with low < high. Got [10,-10] instead.");
    expect(() => makeMoons({ noise: -0.1 })).toThrow("The 'noise' parameter of makeMoons must be a number >= 0. Got -0.1 instead.");
    expect(() => makeMoons({ nSamples: 2.5 })).toThrow("The 'nSamples' parameter of makeMoons must be an integer >= 1. Got 2.5 instead.");
    // Valid options still work.
    expect(makeClassification({ nSamples: 50, randomState: 0 }).X.rows).toBe(50);
    expect(makeBlobs({ nSamples: 30, centers: [[0, 0], [5, 5]], randomState: 0 }).X.cols).toBe(2);
    expect(makeMoons({ nSamples: 20, noise: 0.1, randomState: 0 }).y.length).toBe(20);
  });
});
