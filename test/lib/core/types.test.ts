/**
 * The README's examples, typed without a cast (vitest's expectTypeOf, checked by tsc: `npm run typecheck`, and
 * by types-compile.test.ts in `npm test`): results typed by input kind and label type, typed loadModel, the
 * display handle, and rule tables that fail to compile when a rule is missing or stray.
 */
import * as tf from "@tensorflow/tfjs";
import { tableFromArrays, type Table } from "apache-arrow";
import { describe, expect, expectTypeOf, it } from "vitest";
import { BaseEstimator, loadModel, type Dense, type RandomState, type RulesFor } from "../../../lib/core/index.js";
import { applyLayer, applyOutputs, predictTensor } from "../../../lib/backend/index.js";
import { numberColumn, rowsOf, stringColumn } from "../../../lib/data/index.js";
import { display, type DisplayHandle } from "../../../lib/display/index.js";
import { ColumnTransformer, OneHotEncoder, Pipeline, StandardScaler, TargetEncoder } from "../../../lib/features/index.js";
import { LogisticRegression } from "../../../lib/linear/index.js";
import { confusionMatrix } from "../../../lib/metrics/index.js";
import { DecisionTreeClassifier, HistGradientBoostingClassifier, RandomForestClassifier, RandomForestRegressor } from "../../../lib/ensemble/index.js";
import { SMOTE } from "../../../lib/imbalance/index.js";
import { KSWIN } from "../../../lib/monitor/index.js";
import { SGDRegressor } from "../../../lib/online/index.js";

const X = [[0, 1], [1, 0], [2, 1], [3, 0], [0, 2], [1, 3], [2, 2], [3, 3]];
const yText = ["no", "no", "no", "no", "yes", "yes", "yes", "no"];
const yCodes = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 0]);
const dense: Dense = { data: Float64Array.from(X.flat()), rows: 8, cols: 2 };

describe("types follow the input kind and the labels (README: 'the same kind out')", () => {
  it("predict gives labels of y's kind; predictProba a matrix of X's kind", () => {
    const clf = new RandomForestClassifier({ nEstimators: 5, randomState: 0 }).fit(X, yText);
    const labels = clf.predict(X);
    expectTypeOf(labels).toEqualTypeOf<string[]>();
    expect(labels.every((l) => l === "yes" || l === "no")).toBe(true);
    const proba = clf.predictProba(X);
    expectTypeOf(proba).toEqualTypeOf<number[][]>();
    expect(proba[0]![0]! + proba[0]![1]!).toBeCloseTo(1, 12);
    expectTypeOf(clf.predictProba(dense)).toEqualTypeOf<Dense>();
    const t = clf.predictProba(tf.tensor2d(X));
    expectTypeOf(t).toEqualTypeOf<tf.Tensor2D>();
    expect(t.shape).toEqual([8, 2]);
    const table = clf.predictProba(tableFromArrays({ a: Float64Array.from(X, (r) => r[0]!), b: Float64Array.from(X, (r) => r[1]!) }));
    expectTypeOf(table).toEqualTypeOf<Table>();
    expect(table.schema.fields.map((f) => f.name)).toEqual(["no", "yes"]);
    const coded = new DecisionTreeClassifier().fit(dense, yCodes).predict(dense);
    expectTypeOf(coded).toEqualTypeOf<Int32Array>();
    expect(Array.from(coded)).toEqual(Array.from(yCodes));
  });

  it("regressors give number[] for rows and Float64Array otherwise; arithmetic needs no cast", () => {
    const reg = new RandomForestRegressor({ nEstimators: 3, randomState: 0 }).fit(X, [1, 2, 3, 4, 5, 6, 7, 8]);
    const p = reg.predict(X);
    expectTypeOf(p).toEqualTypeOf<number[]>();
    expect(p.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expectTypeOf(reg.predict(dense)).toEqualTypeOf<Float64Array>();
    expectTypeOf(new SGDRegressor({ maxIter: 5 }).fit(X, [1, 2, 3, 4, 5, 6, 7, 8]).predict(X)).toEqualTypeOf<number[]>();
  });

  it("fitResample(X, y) returns { X, y } in the kinds that came in", () => {
    const smote = new SMOTE({ kNeighbors: 2, randomState: 0 });
    const out = smote.fitResample(X, yText);
    expectTypeOf(out.X).toEqualTypeOf<number[][]>();
    expectTypeOf(out.y).toEqualTypeOf<string[]>();
    expect(out.y.filter((v) => v === "yes")).toHaveLength(5);
    const t = smote.fitResample(tf.tensor2d(X), yCodes);
    expectTypeOf(t.X).toEqualTypeOf<tf.Tensor2D>();
    expectTypeOf(t.y).toEqualTypeOf<Int32Array>();
    expect(t.X.shape).toEqual([10, 2]);
  });

  it("getParams gives every option resolved, typed by the options", () => {
    const p = new HistGradientBoostingClassifier({ maxIter: 7 }).getParams();
    expectTypeOf(p.maxIter).toEqualTypeOf<number>();
    expect(p).toMatchObject({ maxIter: 7, learningRate: 0.1, maxBins: 255 });
  });
});

describe("typed loadModel (README: JSON.stringify(model) and loadModel(json))", () => {
  it("with the class, the result is of that class; without, a BaseEstimator", () => {
    const json = JSON.stringify(new DecisionTreeClassifier({ maxDepth: 2 }).fit(X, yText));
    const again = loadModel(json, DecisionTreeClassifier);
    expectTypeOf(again).toEqualTypeOf<DecisionTreeClassifier>();
    expect(again.getDepth()).toBeLessThanOrEqual(2);
    expectTypeOf(loadModel(json)).toEqualTypeOf<BaseEstimator<object>>();
  });

  it("drift detectors too: a loaded KSWIN is a KSWIN, its options resolved and typed", () => {
    const kswin = new KSWIN({ alpha: 1e-4, randomState: 3 });
    for (let i = 0; i < 150; i++) kswin.update(i % 7);
    const again = loadModel(JSON.stringify(kswin), KSWIN);
    expectTypeOf(again).toEqualTypeOf<KSWIN>();
    expectTypeOf(again.getParams().windowSize).toEqualTypeOf<number>();
    expectTypeOf(again.getParams().randomState).toEqualTypeOf<Exclude<RandomState, undefined>>();
    expect(again.update(3).pValue).toBe(kswin.update(3).pValue);
  });
});

describe("display handles (README: display(x, { displayId: true }) returns a handle)", () => {
  it("is typed as present when an id is asked for, possibly absent otherwise", () => {
    const h = display("x", { displayId: true });
    expectTypeOf(h).toEqualTypeOf<DisplayHandle>();
    expect(typeof h.displayId).toBe("string");
    h.update("y");
    expectTypeOf(display("x")).toEqualTypeOf<DisplayHandle | undefined>();
    expectTypeOf(display.html("<b>x</b>", { displayId: "fixed" })).toEqualTypeOf<DisplayHandle>();
  });
});

describe("rule tables are typed against the options", () => {
  it("a missing or a stray rule fails to compile", () => {
    interface Options {
      k?: number;
      mode?: "a" | "b";
    }
    const full = { k: { kind: "int", min: 1 }, mode: { kind: "enum", values: ["a", "b"] } } satisfies RulesFor<Options>;
    // @ts-expect-error: no rule for 'mode'
    const missing = { k: { kind: "int", min: 1 } } satisfies RulesFor<Options>;
    // @ts-expect-error: 'stray' is not an option
    const stray = { ...full, stray: { kind: "bool" } } satisfies RulesFor<Options>;
    // @ts-expect-error: a default is missing for 'mode'
    const defaults = { k: 1 } satisfies Required<Options>;
    expect([Object.keys(full), Object.keys(missing), Object.keys(stray), Object.keys(defaults)].map((k) => k.length)).toEqual([2, 1, 3, 1]);
  });
});

describe("the notebooks' idioms, typed without a cast", () => {
  it("Arrow columns and rows: numberColumn, stringColumn, rowsOf with a spec", () => {
    const t = tableFromArrays({ delay: Float64Array.from([3, -1]), origin: ["SFO", "LAX"] });
    expectTypeOf(numberColumn(t, "delay")).toEqualTypeOf<Float64Array>();
    expectTypeOf(stringColumn(t, "origin")).toEqualTypeOf<string[]>();
    const rows = rowsOf(t, { delay: "number", origin: "string" });
    expectTypeOf(rows).toEqualTypeOf<{ delay: number; origin: string }[]>();
    expect(rows[1]).toEqual({ delay: -1, origin: "LAX" });
  });

  it("confusionMatrix with literal labels destructures as a k x k tuple", () => {
    const [[tn, fp], [fn, tp]] = confusionMatrix([0, 1, 1, 0], [0, 1, 0, 0], { labels: [0, 1] });
    expectTypeOf(tn).toEqualTypeOf<number>();
    expect([tn, fp, fn, tp]).toEqual([2, 0, 1, 1]);
    expectTypeOf(confusionMatrix([0, 1], [0, 1])).toEqualTypeOf<number[][]>();
  });

  it("a Pipeline is typed by its steps: namedStep gives the step's class, results follow X's kind", () => {
    const rows = [[0, "a"], [1, "b"], [2, "a"], [3, "b"]];
    const y = [0, 1, 0, 1];
    const features = new ColumnTransformer({ transformers: [["num", new StandardScaler(), [0]], ["cat", new OneHotEncoder(), [1]]] });
    const model = new Pipeline({ steps: [["features", features], ["clf", new LogisticRegression()]] }).fit(rows, y);
    expectTypeOf(model.namedStep("features")).toEqualTypeOf<ColumnTransformer>();
    expectTypeOf(model.namedStep("clf")).toEqualTypeOf<LogisticRegression>();
    expect(model.namedStep("features").getFeatureNamesOut()).toEqual(["num__x0", "cat__x1_a", "cat__x1_b"]);
    // @ts-expect-error: there is no step called "scale"
    expect(() => model.namedStep("scale")).toThrow("no step named");
    expectTypeOf(model.predictProba(rows)).toEqualTypeOf<number[][]>();
    expectTypeOf(model.predictProba(tableFromArrays({ x0: Float64Array.from([0, 1]), x1: ["a", "b"] }))).toEqualTypeOf<Table>();
    expectTypeOf(new TargetEncoder({ cv: 2, randomState: 0 }).fitTransform([["a"], ["b"], ["a"], ["b"]], y)).toEqualTypeOf<number[][]>();
  });

  it("tfjs results: predictTensor, applyLayer on a symbolic input, applyOutputs", () => {
    const input = tf.input({ shape: [2] });
    const out = applyLayer(tf.layers.dense({ units: 1 }), input);
    expectTypeOf(out).toEqualTypeOf<tf.SymbolicTensor>();
    const model = tf.model({ inputs: input, outputs: out });
    const x = tf.tensor2d([[1, 2]]);
    expectTypeOf(predictTensor(model, x)).toEqualTypeOf<tf.Tensor>();
    expectTypeOf(applyOutputs(model, x, { training: true })).toEqualTypeOf<tf.Tensor[]>();
    expect(predictTensor(model, x).shape).toEqual([1, 1]);
  });
});
