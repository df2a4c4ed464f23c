/**
 * The conformance suite, driven by the model registry (scikit-learn's check_estimator / parametrize_with_checks
 * and River's check_estimator in spirit): every registered class, built with its test parameters, goes through
 * the same checks. A new estimator joins by calling `registerModel`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { tableFromArrays, Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { BaseClassifier, BaseEstimator, BaseRegressor, InvalidParameterError, NotFittedError, Random, invalidValue, loadModel, registeredModels, satisfiesRule, type ModelEntry } from "../../../lib/core/index.js";
import "../../../lib/ensemble/index.js";
import "../../../lib/imbalance/index.js";
import "../../../lib/online/index.js";
import "../../../lib/neighbors/index.js";
import "../../../lib/labeling/index.js";
import "../../../lib/privacy/index.js";
import "../../../lib/features/index.js";
import { DriftDetectorBase } from "../../../lib/monitor/index.js";
import { drivers, type Driver, type Problem } from "./conformance-drivers.js";

// Small data (CI runs on two cores): three Gaussian classes of 36, 18 and 12 samples in 4 dimensions.
const rng = new Random(11);
const rows: number[][] = [];
const codes: number[] = [];
for (const [c, n] of [[0, 36], [1, 18], [2, 12]] as const) {
  for (let i = 0; i < n; i++) {
    // float32-exact values, so a tf.Tensor2D holds the same data as the other kinds
    rows.push([0, 1, 2, 3].map((j) => Math.fround(rng.normal() + (j === c ? 2 : 0))));
    codes.push(c);
  }
}
const order = rng.shuffle(Array.from(codes.keys()));
const targets = order.map((i) => rows[i]![0]! * 2 - rows[i]![1]! + 0.1 * rng.normal());
// For the drift detectors: four segments of 250, the mean jumping 0, 3, 0, 3 (unit noise); errors at 10 %, 60 %, 10 %, 60 %.
const stream = [0, 3, 0, 3].flatMap((mean) => Array.from({ length: 250 }, () => mean + rng.normal()));
const errors = [0.1, 0.6, 0.1, 0.6].flatMap((rate) => Array.from({ length: 250 }, () => (rng.random() < rate ? 1 : 0)));
const problem: Problem = {
  rows: order.map((i) => rows[i]!),
  labels: order.map((i) => ["ant", "bee", "cat"][codes[i]!]!),
  codes: Int32Array.from(order, (i) => codes[i]!),
  targets,
  stream,
  errors,
};

/** The same matrix in each accepted kind. */
function kinds(m: number[][]): Record<"array" | "dense" | "tensor" | "arrow", unknown> {
  const cols = m[0]!.length;
  return {
    array: m.map((r) => [...r]),
    dense: { data: Float64Array.from(m.flat()), rows: m.length, cols },
    tensor: tf.tensor2d(m),
    arrow: tableFromArrays(Object.fromEntries(Array.from({ length: cols }, (_, j) => [`f${j}`, Float64Array.from(m, (r) => r[j]!)]))),
  };
}

/** Any result as plain numbers, to compare kinds and runs. */
function plain(v: unknown): unknown {
  if (v instanceof tf.Tensor) return (v.arraySync() as number[][]).map((r) => r.map((x) => Math.fround(x)));
  if (v instanceof Table) return Array.from({ length: v.numRows }, (_, i) => v.schema.fields.map((_, j) => Math.fround(v.getChildAt(j)!.get(i) as number)));
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null && "data" in v && "rows" in v && "cols" in v) {
    const d = v as { data: Float64Array; rows: number; cols: number };
    return Array.from({ length: d.rows }, (_, i) => Array.from(d.data.subarray(i * d.cols, (i + 1) * d.cols), (x) => Math.fround(x)));
  }
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
const rounded = (v: unknown): unknown => {
  const p = plain(v);
  const walk = (x: unknown): unknown => (Array.isArray(x) ? x.map(walk) : typeof x === "number" ? Math.fround(x) : x && typeof x === "object" ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)])) : x);
  return walk(p);
};

/** Every leaf of a plain result, in order. */
const numbers = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(numbers) : v && typeof v === "object" ? Object.values(v).flatMap(numbers) : [v]);

/** The kind a matrix result came back in. */
function kindOf(v: unknown): string {
  if (v instanceof tf.Tensor) return "tensor";
  if (v instanceof Table) return "arrow";
  if (Array.isArray(v)) return Array.isArray(v[0]) ? "array" : "vector";
  if (v instanceof Float64Array) return "float64";
  if (typeof v === "object" && v !== null && "data" in v) return "dense";
  return typeof v;
}

const entries = registeredModels();
const make = (entry: ModelEntry, extra: object = {}): BaseEstimator<object> => new entry.ctor({ ...entry.testParams(), ...extra });
const driverOf = (m: BaseEstimator<object>): Driver => {
  const d = drivers.find((x) => x.accepts(m));
  if (!d) throw new Error(`no conformance driver for ${m.constructor.name}`);
  return d;
};

/** The checks, by name; the README's development section counts classes x checks. */
export const CHECKS = [
  "declares a rule for every default, and the defaults pass their rules",
  "getParams gives resolved values; setParams refuses unknown names; clone copies unfitted",
  "refuses a generated invalid value for each rule, naming the parameter",
  "fit returns this",
  "never mutates its inputs",
  "gives the same result twice with the same seed",
  "takes every input kind and gives the same kind back",
  "raises NotFittedError before fit",
  "survives a JSON round trip with identical results",
  "sample weights equal repeated rows (where promised)",
] as const;

describe("the registry", () => {
  it("holds every estimator class of the library", () => {
    const names = entries.map((e) => e.name);
    for (const expected of ["DecisionTreeRegressor", "BaggingRegressor", "DummyRegressor", "RandomForestRegressor", "LogisticRegression", "SMOTE", "RandomUnderSampler", "SGDClassifier", "RecursiveLeastSquares", "NearestNeighbors", "LabelModel", "ADWIN", "KSWIN", "PageHinkley", "DDM"]) expect(names).toContain(expected);
    expect(entries.length).toBeGreaterThanOrEqual(37);
  });

  it("the README's development section states the suite's size", () => {
    const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");
    const stated = /\((\d+) classes x (\d+) checks, all passing\)/.exec(readme);
    expect(stated, "README: '(N classes x M checks, all passing)'").not.toBeNull();
    expect([Number(stated![1]), Number(stated![2])], "update the README's count when a class joins the registry").toEqual([entries.length, CHECKS.length]);
  });

  it("drift detectors fire on the suite's stream in both halves, so their checks compare real alarms", () => {
    for (const entry of entries.filter((e) => driverOf(make(e)).stream)) {
      const d = make(entry) as DriftDetectorBase<object>;
      const s = entry.name === "DDM" ? problem.errors : problem.stream;
      const alarms = s.flatMap((v, i) => (d.update(v).driftDetected ? [i] : []));
      expect(alarms.some((i) => i < 500), `${entry.name} alarms ${JSON.stringify(alarms)}`).toBe(true);
      expect(alarms.some((i) => i >= 500), `${entry.name} alarms ${JSON.stringify(alarms)}`).toBe(true);
    }
  });
});

describe.each(entries.map((e) => [e.name, e] as const))("%s", (name, entry) => {
  const driver = driverOf(make(entry));

  it(CHECKS[0], () => {
    const m = new entry.ctor();
    expect(Object.keys(m.rules).sort()).toEqual(Object.keys(m.defaults).sort());
    // A required parameter (scikit-learn's arguments without a default) has a default its rule refuses, so fit names it.
    const required = entry.tags.required ?? [];
    for (const [k, v] of Object.entries(m.defaults)) expect(satisfiesRule(m.rules[k as keyof typeof m.rules], v), `default ${k} = ${String(v)}`).toBe(!required.includes(k));
    for (const k of required) expect(() => driver.fit(new entry.ctor(), problem)).toThrow(new RegExp(`'${k}'`));
  });

  it(CHECKS[1], () => {
    const m = make(entry);
    const params = m.getParams() as Record<string, unknown>;
    expect(Object.keys(params).sort()).toEqual(Object.keys(m.defaults).sort());
    for (const [k, v] of Object.entries(entry.testParams())) expect(params[k]).toEqual(v);
    expect(() => m.setParams({ notAParameter: 1 } as never)).toThrow(new RegExp(`${name} got an unknown parameter 'notAParameter'. Valid parameters are: `));
    const fitted = driver.fit(make(entry), problem);
    const copy = fitted.clone();
    expect(copy).toBeInstanceOf(entry.ctor);
    expect(copy).not.toBe(fitted);
    expect(JSON.parse(JSON.stringify(copy)).state).toBeNull();
    expect(Object.keys(copy.getParams())).toEqual(Object.keys(params));
  });

  it(CHECKS[2], () => {
    const m = make(entry);
    for (const [param, spec] of Object.entries(m.rules)) {
      const bad = invalidValue(spec);
      expect(bad, `a value the rule for '${param}' refuses`).toBeDefined();
      // Built inside the check: an estimator refuses at fit (scikit-learn), a detector when built (River).
      expect(() => driver.fit(make(entry, { [param]: bad!.value }), problem), `'${param}' = ${String(bad!.value)}`).toThrow(new RegExp(`'${param}'`));
    }
    expect(() => driver.fit(make(entry, { notAParameter: 1 }), problem)).toThrow(InvalidParameterError);
  });

  it(CHECKS[3], () => {
    const m = make(entry);
    expect(driver.fit(m, problem)).toBe(m);
  });

  it(CHECKS[4], () => {
    const copy = structuredClone(problem);
    const m = driver.fit(make(entry), problem);
    driver.output(m, problem.rows, problem);
    expect(problem).toEqual(copy);
  });

  it(CHECKS[5], () => {
    const a = driver.output(driver.fit(make(entry), problem), problem.rows, problem);
    const b = driver.output(driver.fit(make(entry), problem), problem.rows, problem);
    expect(plain(b)).toEqual(plain(a));
  });

  it(CHECKS[6], () => {
    if (driver.stream) return;
    const reference = rounded(driver.output(driver.fit(make(entry), problem), problem.rows, problem));
    for (const [kind, X] of Object.entries(kinds(problem.rows)).filter(([k]) => !driver.inputKinds || driver.inputKinds.includes(k))) {
      const fitted = driver.fit(make(entry), { ...problem, X });
      const out = driver.output(fitted, kinds(problem.rows)[kind as keyof ReturnType<typeof kinds>], problem);
      expect(rounded(out), `fit and ${driver.outputName} on ${kind}`).toEqual(reference);
      const expected = driver.kindOut(kind);
      if (expected) expect(kindOf(driver.matrixOf(out)), `${driver.outputName} of ${kind}`).toBe(expected);
    }
  });

  it(CHECKS[7], () => {
    if (driver.stream || !driver.needsFit || entry.tags.stateless) return;
    expect(() => driver.output(make(entry), problem.rows, problem)).toThrow(NotFittedError);
    expect(() => driver.output(make(entry), problem.rows, problem)).toThrow(new RegExp(`This ${name} instance is not fitted yet. Call 'fit'`));
  });

  it(CHECKS[8], () => {
    const m = driver.fit(make(entry), problem);
    const again = loadModel(JSON.stringify(m), entry.ctor);
    expect(again).toBeInstanceOf(entry.ctor);
    expect(again.getParams()).toEqual(m.getParams());
    expect(plain(driver.output(again, problem.rows, problem))).toEqual(plain(driver.output(m, problem.rows, problem)));
    const unfitted = loadModel(JSON.stringify(make(entry)), entry.ctor);
    expect(JSON.parse(JSON.stringify(unfitted)).state).toBeNull();
  });

  it(CHECKS[9], () => {
    const how = entry.tags.sampleWeightEquivalence;
    if (driver.stream || !how || !driver.fitWeighted) return;
    const w = problem.rows.map((_, i) => (i % 3) + 1);
    const repeat = <T,>(a: readonly T[]) => a.flatMap((v, i) => Array.from({ length: w[i]! }, () => v));
    const repeated: Problem = { ...problem, rows: repeat(problem.rows), labels: repeat(problem.labels), codes: Int32Array.from(repeat(Array.from(problem.codes))), targets: repeat(problem.targets) };
    const a = plain(driver.output(driver.fitWeighted(make(entry), problem, w), problem.rows, problem));
    const b = plain(driver.output(driver.fit(make(entry), repeated), problem.rows, repeated));
    if (how === "exact") expect(a).toEqual(b);
    else {
      const na = numbers(a);
      const nb = numbers(b);
      expect(na.length).toBe(nb.length);
      expect(Math.max(...na.map((v, i) => (typeof v === "number" ? Math.abs(v - (nb[i] as number)) : v === nb[i] ? 0 : Infinity)))).toBeLessThan(1e-4);
    }
  });
});

describe("specific contract points", () => {
  const { rows: X, labels } = problem;
  it("package.json's sideEffects names exactly the modules that register a model when imported (so bundlers keep them)", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const registering = readdirSync(join(root, "lib"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && /^registerModel\(/m.test(readFileSync(join(root, "lib", f), "utf8")))
      .map((f) => `./dist/lib/${f.replace(/\\/g, "/").replace(/\.ts$/, ".js")}`)
      .sort();
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { sideEffects: string[] };
    expect(registering).toContain("./dist/lib/monitor/kswin.js");
    expect([...pkg.sideEffects].sort(), "every module calling registerModel at top level is listed in package.json's sideEffects").toEqual(registering);
  });

  it("messages name the option and the value, as scikit-learn's do", async () => {
    const E = await import("../../../lib/ensemble/index.js");
    expect(() => new E.RandomForestClassifier({ nEstimators: 0 }).fit(X, labels)).toThrow("The 'nEstimators' parameter of RandomForestClassifier must be an integer >= 1. Got 0 instead.");
    expect(() => new E.HistGradientBoostingClassifier({ maxBins: 300 }).fit(X, labels)).toThrow("The 'maxBins' parameter of HistGradientBoostingClassifier must be an integer >= 2 <= 255. Got 300 instead.");
    expect(() => new E.DecisionTreeClassifier({ maxFeatures: 9 }).fit(X, labels)).toThrow("The 'maxFeatures' parameter of DecisionTreeClassifier is 9, but X has only 4 features.");
  });

  it("a regressor's rules are its own: RandomForestRegressor refuses criterion 'gini' (scikit-learn: must be a str among {'squared_error', ...})", async () => {
    const E = await import("../../../lib/ensemble/index.js");
    expect(() => new E.RandomForestRegressor({ criterion: "gini" as never }).fit(X, problem.targets)).toThrow(`The 'criterion' parameter of RandomForestRegressor must be one of "squared_error". Got 'gini' instead.`);
    expect(() => new E.DecisionTreeRegressor({ criterion: "entropy" as never }).fit(X, problem.targets)).toThrow(/'criterion' parameter of DecisionTreeRegressor/);
    expect(() => new E.RandomForestRegressor({ classWeight: "balanced" } as never).fit(X, problem.targets)).toThrow("RandomForestRegressor got an unknown parameter 'classWeight'.");
  });

  it("getParams shows scikit-learn's defaults, not only what was passed", async () => {
    const E = await import("../../../lib/ensemble/index.js");
    expect(new E.RandomForestClassifier({ nEstimators: 7 }).getParams()).toMatchObject({ nEstimators: 7, maxFeatures: "sqrt", bootstrap: true, criterion: "gini", minSamplesLeaf: 1, randomState: null });
    expect(new E.HistGradientBoostingRegressor().getParams()).toMatchObject({ learningRate: 0.1, maxIter: 100, maxLeafNodes: 31, minSamplesLeaf: 20, maxBins: 255, earlyStopping: "auto", loss: "squared_error" });
  });

  it("refuses NaN where scikit-learn does and accepts it in histogram boosting and the dummy baselines", async () => {
    const E = await import("../../../lib/ensemble/index.js");
    const holes = X.map((r, i) => (i % 10 === 0 ? [NaN, ...r.slice(1)] : r));
    expect(() => new E.RandomForestClassifier().fit(holes, labels)).toThrow("X contains NaN at row 0, column 0");
    expect(new E.HistGradientBoostingClassifier({ maxIter: 5 }).fit(holes, labels).predict(holes)).toHaveLength(X.length);
    expect(new E.DummyClassifier({ strategy: "most_frequent" }).fit(holes, labels).predict(holes)).toHaveLength(X.length);
  });

  it("refuses mismatched lengths and bad sample weights", async () => {
    const E = await import("../../../lib/ensemble/index.js");
    expect(() => new E.DecisionTreeClassifier().fit(X, labels.slice(1))).toThrow(`inconsistent numbers of samples: [${X.length}, ${X.length - 1}]`);
    expect(() => new E.DecisionTreeClassifier().fit(X, labels, new Array(X.length).fill(-1))).toThrow("sampleWeight[0] is -1; weights must be finite and non-negative.");
  });

  it("loadModel with a class refuses a model of another class", async () => {
    const E = await import("../../../lib/ensemble/index.js");
    const json = JSON.stringify(new E.DecisionTreeClassifier().fit(X, labels));
    expect(() => loadModel(json, E.DecisionTreeRegressor)).toThrow("loadModel: the JSON holds a DecisionTreeClassifier, not a DecisionTreeRegressor.");
    expect(loadModel(json)).toBeInstanceOf(BaseClassifier);
    expect(loadModel(JSON.stringify(new E.DummyRegressor().fit(X, problem.targets)))).toBeInstanceOf(BaseRegressor);
  });
});
