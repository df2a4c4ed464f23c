/** Every accepted matrix kind goes in, and the result comes back in the same kind. */
import * as tf from "@tensorflow/tfjs";
import { tableFromArrays, type Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Random, checkArray, checkLabels, validateParams } from "../../../lib/core/index.js";
import { SMOTE } from "../../../lib/imbalance/index.js";

const rng = new Random(1);
const rows = Array.from({ length: 40 }, (_, i) => [rng.normal() + (i < 30 ? 0 : 2), rng.normal()]);
const y = rows.map((_, i) => (i < 30 ? "common" : "rare"));

describe("container kinds", () => {
  it("number[][] in, number[][] out; string labels stay strings", () => {
    const out = new SMOTE({ randomState: 0 }).fitResample(rows, y);
    expect(Array.isArray(out.X) && Array.isArray(out.X[0])).toBe(true);
    expect(out.y.filter((v) => v === "rare")).toHaveLength(30);
  });

  it("a tf.Tensor2D in gives a tf.Tensor2D out", () => {
    const out = new SMOTE({ randomState: 0 }).fitResample(tf.tensor2d(rows), y);
    expect(out.X).toBeInstanceOf(tf.Tensor);
    expect(out.X.shape).toEqual([60, 2]);
  });

  it("an Arrow table in gives an Arrow table with the same column names out", () => {
    const table = tableFromArrays({ a: Float64Array.from(rows, (r) => r[0]!), b: Float64Array.from(rows, (r) => r[1]!) });
    const out = new SMOTE({ randomState: 0 }).fitResample(table, Int32Array.from(y, (v) => (v === "rare" ? 1 : 0)));
    const t = out.X as Table;
    expect(t.numRows).toBe(60);
    expect(t.schema.fields.map((f) => f.name)).toEqual(["a", "b"]);
    expect(out.y).toBeInstanceOf(Int32Array);
  });

  it("a { data, rows, cols } matrix in gives one out", () => {
    const out = new SMOTE({ randomState: 0 }).fitResample({ data: Float32Array.from(rows.flat()), rows: 40, cols: 2 }, y);
    expect(out.X).toMatchObject({ rows: 60, cols: 2 });
  });
});

describe("errors name the argument, the expectation and what came in", () => {
  it("for matrices", () => {
    expect(() => checkArray([1, 2, 3])).toThrow("X must be 2-dimensional (rows of numbers); got a 1-dimensional array.");
    expect(() => checkArray([[1, 2], [3]])).toThrow("X must be a rectangular matrix: row 0 has 2 columns but row 1 has 1.");
    expect(() => checkArray({ data: new Float64Array(5), rows: 2, cols: 3 })).toThrow("X.data has length 5, but rows * cols = 2 * 3 = 6.");
    expect(() => checkArray("nope")).toThrow("X must be a number[][], a { data, rows, cols } matrix, a 2-D tf.Tensor or an Arrow table of numeric columns; got string nope.");
    expect(() => checkArray(tf.tensor1d([1, 2]))).toThrow("X must be a 2-dimensional tensor; got shape [2].");
    expect(() => checkArray(tableFromArrays({ s: ["x"] }))).toThrow("X column 's' must be numeric");
  });

  it("for labels and parameters", () => {
    expect(() => checkLabels([1, "a"])).toThrow("y mixes numbers and strings; use one type of label.");
    expect(() => checkLabels([1, NaN])).toThrow("y[1] is NaN; labels must be finite numbers or strings.");
    expect(() => validateParams("X", { n: { kind: "float", min: 0, max: 1, maxExclusive: true } }, { n: 1 })).toThrow("The 'n' parameter of X must be a number >= 0 and < 1. Got 1 instead.");
  });

  it("Random refuses bad seeds and is reproducible", () => {
    expect(() => new Random(-1)).toThrow("randomState must be an integer in [0, 2^32 - 1] or a Random; got -1");
    const a = new Random(5);
    const b = new Random(5);
    expect(Array.from({ length: 5 }, () => a.random())).toEqual(Array.from({ length: 5 }, () => b.random()));
  });

  it("Random's state saves as JSON and resumes the stream exactly (Python's random.getstate / setstate)", () => {
    const a = new Random(9);
    for (let i = 0; i < 1000; i++) a.nextUint32();
    a.normal(); // leaves the polar method's second value waiting
    const snap = JSON.parse(JSON.stringify(a.getState())) as ReturnType<Random["getState"]>;
    expect(snap.s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)).toBe(true);
    expect(typeof snap.spare).toBe("number");
    const b = new Random(0).setState(snap);
    expect(Array.from({ length: 8 }, () => [b.normal(), b.nextUint32(), b.random()])).toEqual(Array.from({ length: 8 }, () => [a.normal(), a.nextUint32(), a.random()]));
    expect(() => new Random(0).setState({ s: [1, 2, 3] } as never)).toThrow("Random.setState: state.s must be four 32-bit unsigned integers, not all zero; got [1,2,3]");
    expect(() => new Random(0).setState({ s: [0, 0, 0, 0] })).toThrow("not all zero");
  });
});
