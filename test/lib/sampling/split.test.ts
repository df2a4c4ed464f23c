/**
 * trainTestSplit(...arrays, options) as scikit-learn's train_test_split
 * (sklearn/model_selection/tests/test_split.py::test_train_test_split, test_train_test_split_default_test_size,
 * test_train_test_split_errors), for every input kind, with the types checked by tsc (expectTypeOf).
 */
import * as tf from "@tensorflow/tfjs";
import { tableFromArrays, vectorFromArray, Dictionary, Int32, Utf8, List, Field, Float64, Struct, Table, makeTable } from "apache-arrow";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { DenseMatrix } from "../../../lib/core/index.js";
import { trainTestSplit } from "../../../lib/sampling/index.js";
import { py } from "../../helpers/python.js";

const n = 10;
const X = Array.from({ length: n }, (_, i) => [i, 10 * i]);
const y = Array.from({ length: n }, (_, i) => i % 2);

const ref = py<{ noShuffle: number[][]; sizes: number[][] }>(
  `
from sklearn.model_selection import train_test_split
a = np.arange(10)
tr, te = train_test_split(a, test_size=0.3, shuffle=False)
tr2, te2 = train_test_split(a, train_size=0.6, shuffle=False)
out = {"noShuffle": [tr, te, tr2, te2], "sizes": []}
for kw in [{}, {"test_size": 0.3}, {"train_size": 0.65}, {"test_size": 3}, {"train_size": 4, "test_size": 2}, {"test_size": 0.25, "train_size": 0.5}]:
    tr, te = train_test_split(np.arange(137), random_state=0, **kw)
    out["sizes"].append([len(tr), len(te)])
`,
  {},
);

describe("trainTestSplit as scikit-learn's train_test_split", () => {
  it("X, y, options: scikit-learn's call form, with results that need no cast", () => {
    const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.3, randomState: 0 });
    expectTypeOf(XTrain).toEqualTypeOf<number[][]>();
    expectTypeOf(yTest).toEqualTypeOf<number[]>();
    expect([XTrain.length, XTest.length, yTrain.length, yTest.length]).toEqual([7, 3, 7, 3]);
    // Rows stay together and nothing is lost (test_train_test_split: X_train[:, 0] == y_train * 10).
    XTrain.forEach((row, k) => expect(row[0]! % 2).toBe(yTrain[k]));
    expect([...XTrain, ...XTest].map((r) => r[0]).sort((a, b) => a! - b!)).toEqual(X.map((r) => r[0]));
    // Arithmetic straight on the parts, no `as`.
    expect(XTrain.reduce((s, r) => s + r[1]!, 0) + XTest.reduce((s, r) => s + r[1]!, 0)).toBe(450);
  });

  it("shuffle: false takes the first rows for training, as scikit-learn", () => {
    const a = Array.from({ length: 10 }, (_, i) => i);
    const [tr, te] = trainTestSplit(a, { testSize: 0.3, shuffle: false });
    const [tr2, te2] = trainTestSplit(a, { trainSize: 0.6, shuffle: false });
    expect([tr, te, tr2, te2]).toEqual(ref.noShuffle);
  });

  it("testSize and trainSize as fractions or counts give scikit-learn's sizes (test_train_test_split_default_test_size)", () => {
    const a = Array.from({ length: 137 }, (_, i) => i);
    const kws = [{}, { testSize: 0.3 }, { trainSize: 0.65 }, { testSize: 3 }, { trainSize: 4, testSize: 2 }, { testSize: 0.25, trainSize: 0.5 }];
    expect(kws.map((kw) => trainTestSplit(a, { ...kw, randomState: 0 }).map((p) => p.length))).toEqual(ref.sizes);
    // No options at all: the default 0.25.
    expect(trainTestSplit(a).map((p) => p.length)).toEqual([102, 35]);
  });

  it("stratify keeps class proportions in both parts", () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 20 ? "rare" : "common"));
    const [trL, teL] = trainTestSplit(labels, { testSize: 0.25, stratify: labels, randomState: 1 });
    // The literal label type survives: ("rare" | "common")[], not string[].
    expectTypeOf(trL).toEqualTypeOf<("rare" | "common")[]>();
    expect([trL.filter((v) => v === "rare").length, teL.filter((v) => v === "rare").length]).toEqual([15, 5]);
  });

  it("every input kind comes back in its kind and type: typed arrays, { data, rows, cols }, tf.Tensor2D and Tensor1D, Arrow tables by rows", () => {
    const dense: DenseMatrix = { data: Float64Array.from(X.flat()), rows: n, cols: 2 };
    const t2 = tf.tensor2d(X);
    const t1 = tf.tensor1d(y, "int32");
    const codes = Int32Array.from(y);
    const table = tableFromArrays({ a: Float64Array.from(X.map((r) => r[0]!)), b: Int32Array.from(y) });
    const [dTr, dTe, tTr, tTe, t1Tr, , cTr, cTe, aTr, aTe] = trainTestSplit(dense, t2, t1, codes, table, { testSize: 0.3, randomState: 3 });
    expectTypeOf(dTr).toEqualTypeOf<DenseMatrix>();
    expectTypeOf(tTr).toEqualTypeOf<tf.Tensor2D>();
    expectTypeOf(t1Tr).toEqualTypeOf<tf.Tensor1D>();
    expectTypeOf(cTr).toEqualTypeOf<Int32Array>();
    expectTypeOf(aTr).toEqualTypeOf<typeof table>();
    expect([dTr.rows, dTe.rows, dTr.cols]).toEqual([7, 3, 2]);
    expect(dTr.data).toBeInstanceOf(Float64Array);
    expect(tTr.shape).toEqual([7, 2]);
    expect(tTe.shape).toEqual([3, 2]);
    expect(t1Tr.dtype).toBe("int32");
    expect(cTr).toBeInstanceOf(Int32Array);
    expect([aTr.numRows, aTe.numRows]).toEqual([7, 3]);
    // The same rows in every part.
    const first = Array.from(dTr.data.filter((_, k) => k % 2 === 0));
    expect(Array.from(tTr.arraySync(), (r) => r[0])).toEqual(first);
    expect(Array.from(aTr.getChild("a")!.toArray() as Float64Array)).toEqual(first);
    expect(Array.from(cTr)).toEqual(first.map((v) => v % 2));
    expect(Array.from(t1Tr.dataSync())).toEqual(first.map((v) => v % 2));
    expect(Array.from(cTe)).toEqual(Array.from(aTe.getChild("b")!.toArray() as Int32Array));
    tf.dispose([t2, t1, tTr, tTe, t1Tr]);
  });

  it("Arrow tables keep their column types (dictionary, list, struct) when split", () => {
    const dict = vectorFromArray(["x", "y", "x", "z", "y", "x"], new Dictionary(new Utf8(), new Int32()));
    const list = vectorFromArray([[1], [2, 3], [], [4], [5, 6], [7]], new List(new Field("item", new Float64(), true)));
    const point = vectorFromArray(
      [0, 1, 2, 3, 4, 5].map((i) => ({ x: i, tag: `p${i}` })),
      new Struct([new Field("x", new Float64(), true), new Field("tag", new Utf8(), true)]),
    );
    const table: Table = makeTable({ id: Int32Array.from([0, 1, 2, 3, 4, 5]) }).assign(new Table({ cat: dict, vals: list, point }));
    const [tr, te] = trainTestSplit(table, { testSize: 2, shuffle: false });
    expect(tr.schema.fields.map((f) => String(f.type))).toEqual(table.schema.fields.map((f) => String(f.type)));
    expect(Array.from(te.getChild("id")!.toArray() as Int32Array)).toEqual([4, 5]);
    expect([te.getChild("cat")!.get(0), te.getChild("cat")!.get(1)]).toEqual(["y", "x"]);
    expect(Array.from(te.getChild("vals")!.get(0)!.toArray() as Float64Array)).toEqual([5, 6]);
    expect(Array.from(tr.getChild("vals")!.get(1)!.toArray() as Float64Array)).toEqual([2, 3]);
    expect(te.getChild("point")!.get(1)!.toJSON()).toEqual({ x: 5, tag: "p5" });
  });

  it("refuses what scikit-learn refuses (test_train_test_split_errors), naming the argument and value", () => {
    expect(() => trainTestSplit()).toThrow("trainTestSplit: at least one array required as input");
    expect(() => trainTestSplit(Array.from({ length: 10 }, (_, i) => i), { testSize: 1.1 })).toThrow("testSize=1.1 should be a fraction in (0, 1) or an integer count in [1, 9] for 10 samples.");
    expect(() => trainTestSplit(Array.from({ length: 10 }, (_, i) => i), { testSize: 0.6, trainSize: 0.6 })).toThrow("The sum of trainSize and testSize (12) exceeds the number of samples (10).");
    expect(() => trainTestSplit(Array.from({ length: 10 }, (_, i) => i), { testSize: 0.3, stratify: y, shuffle: false })).toThrow("Stratified train/test split is not implemented for shuffle=false");
    expect(() => trainTestSplit(X, [1, 2])).toThrow("Found input variables with inconsistent numbers of samples: [10, 2].");
    expect(() => trainTestSplit(X, { test_size: 0.3 } as never)).toThrow("trainTestSplit got an unknown parameter 'test_size'. Valid parameters are: testSize, trainSize, randomState, shuffle, stratify.");
    expect(() => trainTestSplit(X, { testSize: "0.3" as never })).toThrow(`testSize must be a number (a fraction in (0, 1) or a count); got string "0.3".`);
    expect(() => trainTestSplit(X, { testSize: 0.3, randomState: -1 })).toThrow("randomState must be an integer in [0, 2^32 - 1] or a Random; got -1");
    // The old list form is refused, not taken as a two-row matrix.
    expect(() => trainTestSplit([X, y] as never, { testSize: 0.25 })).toThrow("trainTestSplit takes each array as its own argument, as scikit-learn's train_test_split: trainTestSplit(X, y, { testSize }), not trainTestSplit([X, y], ...). Got one list of 2 arrays.");
    expect(trainTestSplit([[1, 2], [3, 4], [5, 6], [7, 8]], { testSize: 1, shuffle: false })).toEqual([[[1, 2], [3, 4], [5, 6]], [[7, 8]]]);
    expect(() => trainTestSplit(X, "y" as never)).toThrow("trainTestSplit: array 1 must be an array, a typed array, a { data, rows, cols } matrix, a tf.Tensor or an Arrow table; got string.");
  });
});
