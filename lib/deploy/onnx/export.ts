/**
 * `toOnnx(model)`: the library's fitted models as ONNX graphs. Tree ensembles become one ai.onnx.ml
 * TreeEnsembleRegressor whose targets are the class scores (probabilities, SAMME votes or raw boosting
 * scores), followed by the standard ops that scikit-learn's predict_proba applies (Softmax, Sigmoid) and an
 * ArgMax + Gather for the label; a regressor's trees sum straight into `variable`. Inputs are float32, so
 * each split threshold is rounded down to the largest float32 not above it: for a float32 input x,
 * `x <= t` then decides exactly as mlsd's float64 comparison does.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../../core/errors.js";
import { DecisionTreeClassifier, DecisionTreeRegressor } from "../../ensemble/tree.js";
import { RandomForestClassifier, RandomForestRegressor } from "../../ensemble/forest.js";
import { BaggingClassifier, BaggingRegressor } from "../../ensemble/bagging.js";
import { BalancedBaggingClassifier, BalancedRandomForestClassifier } from "../../ensemble/balanced.js";
import { AdaBoostClassifier } from "../../ensemble/adaboost.js";
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from "../../ensemble/hgb/index.js";
import type { HistTree } from "../../ensemble/hgb/grower.js";
import type { BoostingState } from "../../ensemble/hgb/boosting.js";
import type { TreeData } from "../../ensemble/tree-builder.js";
import { LogisticRegression } from "../../linear/logistic.js";
import { DT, encodeModel, type Initializer, type OnnxGraph, type OnnxNode } from "./graph.js";

/** One tree in ONNX's flat form: per node a feature, threshold, children (-1 at leaves), NaN direction, and per leaf the target weights. */
interface FlatTree {
  feature: ArrayLike<number>;
  threshold: ArrayLike<number>;
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  missingLeft?: ArrayLike<number>;
  /** leafWeights(node) -> one weight per target */
  leafWeights: (node: number) => ArrayLike<number>;
  /** Member feature index -> input column (bagging's feature subsets). */
  featureMap?: ArrayLike<number>;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The largest float32 <= x (x finite or infinite). @example floorFloat32(0.1) // 0.099999994 */
export function floorFloat32(x: number): number {
  f32[0] = x;
  if (f32[0]! <= x || !Number.isFinite(x)) return f32[0]!;
  // Rounded up: step one unit in the last place towards -Infinity.
  if (f32[0]! > 0) u32[0] = u32[0]! - 1;
  else if (f32[0]! === 0) u32[0] = 0x80000001; // the smallest negative subnormal
  else u32[0] = u32[0]! + 1;
  return f32[0]!;
}

function treeEnsemble(trees: FlatTree[], nTargets: number, output: string, base?: ArrayLike<number>): OnnxNode {
  const a = { treeids: [] as number[], nodeids: [] as number[], featureids: [] as number[], values: [] as number[], modes: [] as string[], trueids: [] as number[], falseids: [] as number[], missTrue: [] as number[], tTree: [] as number[], tNode: [] as number[], tId: [] as number[], tW: [] as number[] };
  trees.forEach((t, ti) => {
    for (let n = 0; n < t.left.length; n++) {
      const leaf = t.left[n]! < 0;
      a.treeids.push(ti);
      a.nodeids.push(n);
      a.featureids.push(leaf ? 0 : t.featureMap ? t.featureMap[t.feature[n]!]! : t.feature[n]!);
      a.values.push(leaf ? 0 : floorFloat32(t.threshold[n]!));
      a.modes.push(leaf ? "LEAF" : "BRANCH_LEQ");
      a.trueids.push(leaf ? 0 : t.left[n]!);
      a.falseids.push(leaf ? 0 : t.right[n]!);
      a.missTrue.push(!leaf && t.missingLeft ? t.missingLeft[n]! : 0);
      if (!leaf) continue;
      const w = t.leafWeights(n);
      for (let k = 0; k < nTargets; k++) {
        if (w[k] === 0) continue;
        a.tTree.push(ti);
        a.tNode.push(n);
        a.tId.push(k);
        a.tW.push(w[k]!);
      }
    }
  });
  return {
    op: "TreeEnsembleRegressor",
    domain: "ai.onnx.ml",
    inputs: ["input"],
    outputs: [output],
    attrs: {
      n_targets: nTargets,
      aggregate_function: "SUM",
      post_transform: "NONE",
      nodes_treeids: { ints: a.treeids },
      nodes_nodeids: { ints: a.nodeids },
      nodes_featureids: { ints: a.featureids },
      nodes_values: { floats: a.values },
      nodes_modes: a.modes,
      nodes_truenodeids: { ints: a.trueids },
      nodes_falsenodeids: { ints: a.falseids },
      nodes_missing_value_tracks_true: { ints: a.missTrue },
      target_treeids: { ints: a.tTree },
      target_nodeids: { ints: a.tNode },
      target_ids: { ints: a.tId },
      target_weights: { floats: a.tW },
      ...(base ? { base_values: { floats: base } } : {}),
    },
  };
}

function cartTree(t: TreeData, scale: number, featureMap?: ArrayLike<number>, mode: "proba" | "vote" | "value" = "proba"): FlatTree {
  const k = t.nOutputs;
  return {
    feature: t.feature,
    threshold: t.threshold,
    left: t.left,
    right: t.right,
    ...(featureMap ? { featureMap } : {}),
    leafWeights(node) {
      const v = t.value.subarray(node * k, node * k + k);
      if (mode === "value") return [v[0]! * scale];
      let total = 0;
      let best = 0;
      for (let c = 0; c < k; c++) {
        total += v[c]!;
        if (v[c]! > v[best]!) best = c;
      }
      return mode === "vote" ? Array.from(v, (_, c) => (c === best ? scale : 0)) : Array.from(v, (x) => (x / total) * scale);
    },
  };
}

function histTree(t: HistTree): FlatTree {
  return { feature: t.feature, threshold: t.numThreshold, left: t.left, right: t.right, missingLeft: t.missingLeft, leafWeights: (n) => [t.value[n]!] };
}

type Classes = (string | number | boolean)[];

/** Label lookup: ArgMax over the class scores, then the class value. */
function labelNodes(scores: string, classes: Classes): { nodes: OnnxNode[]; init: Initializer; type: typeof DT.INT64 | typeof DT.STRING } {
  const ints = classes.every((c) => typeof c === "number" && Number.isInteger(c));
  const init: Initializer = ints ? { name: "classes", dims: [classes.length], type: DT.INT64, values: classes as number[] } : { name: "classes", dims: [classes.length], type: DT.STRING, values: classes.map(String) };
  return {
    nodes: [
      { op: "ArgMax", inputs: [scores], outputs: ["label_index"], attrs: { axis: 1, keepdims: 0 } },
      { op: "Gather", inputs: ["classes", "label_index"], outputs: ["label"], attrs: { axis: 0 } },
    ],
    init,
    type: ints ? DT.INT64 : DT.STRING,
  };
}

function classifierGraph(name: string, d: number, classes: Classes, scoreNodes: OnnxNode[], scores: string, inits: Initializer[] = []): OnnxGraph {
  const label = labelNodes(scores, classes);
  return {
    name,
    nodes: [...scoreNodes, ...label.nodes],
    initializers: [...inits, label.init],
    inputs: [{ name: "input", type: DT.FLOAT, shape: [null, d] }],
    outputs: [
      { name: "label", type: label.type, shape: [null] },
      { name: "probabilities", type: DT.FLOAT, shape: [null, classes.length] },
    ],
    metadata: {},
  };
}

function regressorGraph(name: string, d: number, nodes: OnnxNode[]): OnnxGraph {
  return { name, nodes, initializers: [], inputs: [{ name: "input", type: DT.FLOAT, shape: [null, d] }], outputs: [{ name: "variable", type: DT.FLOAT, shape: [null, 1] }], metadata: {} };
}

/** Trees averaged into class probabilities (a tree, forests, bagging of trees). */
function averagedTrees(name: string, model: { classes_?: Classes; nFeaturesIn_?: number }, members: { tree: TreeData; features?: ArrayLike<number> }[]): OnnxGraph {
  const k = model.classes_!.length;
  const trees = members.map((m) => cartTree(m.tree, 1 / members.length, m.features));
  return classifierGraph(name, model.nFeaturesIn_!, model.classes_!, [treeEnsemble(trees, k, "probabilities")], "probabilities");
}

function treeMembers(owner: string, estimators: unknown[], features?: Int32Array[]): { tree: TreeData; features?: Int32Array }[] {
  return estimators.map((e, i) => {
    if (!(e instanceof DecisionTreeClassifier) && !(e instanceof DecisionTreeRegressor)) throw new InputError(`toOnnx: ${owner}'s members are ${(e as object).constructor.name}; only ensembles of decision trees can be exported.`);
    return { tree: e.tree_!, ...(features ? { features: features[i]! } : {}) };
  });
}

function hgbGraph(name: string, s: BoostingState, d: number, classes?: Classes): OnnxGraph {
  const k = s.baseline.length;
  // One ONNX tree per (iteration, class), each adding into its class's target.
  const trees: FlatTree[] = [];
  const targetOf: number[] = [];
  for (const it of s.predictors) it.forEach((t, c) => (trees.push(histTree(t)), targetOf.push(c)));
  const flat = trees.map((t, i) => ({ ...t, leafWeights: (n: number) => Array.from({ length: k }, (_, c) => (c === targetOf[i] ? t.leafWeights(n)[0]! : 0)) }));
  if (!classes) return regressorGraph(name, d, [treeEnsemble(flat, 1, "variable", s.baseline)]);
  const raw = treeEnsemble(flat, k, "raw", s.baseline);
  const proba: OnnxNode[] = k > 1 ? [{ op: "Softmax", inputs: ["raw"], outputs: ["probabilities"], attrs: { axis: 1 } }] : twoClassSigmoid("raw");
  return classifierGraph(name, d, classes, [raw, ...proba], "probabilities", k > 1 ? [] : [oneInit()]);
}

function oneInit(): Initializer {
  return { name: "one", dims: [], type: DT.FLOAT, values: [1] };
}

/** [1 - sigmoid(z), sigmoid(z)], scikit-learn's two-class predict_proba. */
function twoClassSigmoid(z: string): OnnxNode[] {
  return [
    { op: "Sigmoid", inputs: [z], outputs: ["p1"] },
    { op: "Sub", inputs: ["one", "p1"], outputs: ["p0"] },
    { op: "Concat", inputs: ["p0", "p1"], outputs: ["probabilities"], attrs: { axis: 1 } },
  ];
}

function logisticGraph(m: LogisticRegression): OnnxGraph {
  const d = m.nFeaturesIn_!;
  const r = m.intercept_!.length;
  const w = new Float32Array(d * r);
  for (let i = 0; i < r; i++) for (let f = 0; f < d; f++) w[f * r + i] = m.coef_![i * d + f]!;
  const inits: Initializer[] = [
    { name: "coef", dims: [d, r], type: DT.FLOAT, values: w },
    { name: "intercept", dims: [r], type: DT.FLOAT, values: m.intercept_! },
  ];
  const nodes: OnnxNode[] = [
    { op: "MatMul", inputs: ["input", "coef"], outputs: ["xw"] },
    { op: "Add", inputs: ["xw", "intercept"], outputs: ["decision"] },
  ];
  if (r === 1) return classifierGraph("LogisticRegression", d, m.classes_!, [...nodes, ...twoClassSigmoid("decision")], "probabilities", [...inits, oneInit()]);
  return classifierGraph("LogisticRegression", d, m.classes_!, [...nodes, { op: "Softmax", inputs: ["decision"], outputs: ["probabilities"], attrs: { axis: 1 } }], "probabilities", inits);
}

const ACTIVATIONS: Record<string, string | null> = { linear: null, relu: "Relu", sigmoid: "Sigmoid", tanh: "Tanh", softmax: "Softmax", elu: "Elu", selu: "Selu", softplus: "Softplus" };

/** A tfjs sequential network of dense layers: MatMul + Add + the activation per layer; the output is `output`. */
function tfjsGraph(model: tf.LayersModel): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const inits: Initializer[] = [];
  let x = "input";
  const d = model.inputs[0]!.shape[1];
  if (typeof d !== "number") throw new InputError("toOnnx: the tfjs model's input must be [batch, features].");
  model.layers.forEach((layer, i) => {
    const cfg = layer.getConfig() as { activation?: string; useBias?: boolean };
    if (layer.getClassName() !== "Dense") throw new InputError(`toOnnx: tfjs layer '${layer.name}' is a ${layer.getClassName()}; only Dense layers can be exported.`);
    const act = cfg.activation ?? "linear";
    if (!(act in ACTIVATIONS)) throw new InputError(`toOnnx: tfjs layer '${layer.name}' has activation '${act}', which has no export.`);
    const [kernel, bias] = layer.getWeights();
    const [inDim, outDim] = kernel!.shape as [number, number];
    inits.push({ name: `w${i}`, dims: [inDim, outDim], type: DT.FLOAT, values: kernel!.dataSync() as Float32Array });
    nodes.push({ op: "MatMul", inputs: [x, `w${i}`], outputs: [`mm${i}`] });
    x = `mm${i}`;
    if (cfg.useBias !== false && bias) {
      inits.push({ name: `b${i}`, dims: [outDim], type: DT.FLOAT, values: bias.dataSync() as Float32Array });
      nodes.push({ op: "Add", inputs: [x, `b${i}`], outputs: [`z${i}`] });
      x = `z${i}`;
    }
    const op = ACTIVATIONS[act];
    if (op) {
      nodes.push({ op, inputs: [x], outputs: [`a${i}`], ...(op === "Softmax" ? { attrs: { axis: -1 } } : {}) });
      x = `a${i}`;
    }
  });
  nodes.push({ op: "Identity", inputs: [x], outputs: ["output"] });
  const outDim = model.outputs[0]!.shape[1] as number;
  return { name: model.name, nodes, initializers: inits, inputs: [{ name: "input", type: DT.FLOAT, shape: [null, d] }], outputs: [{ name: "output", type: DT.FLOAT, shape: [null, outDim] }], metadata: {} };
}

/** The ONNX graph of a fitted model; throws an error naming the model when it has no export. */
export function onnxGraph(model: unknown): OnnxGraph {
  if (model instanceof tf.LayersModel) return tfjsGraph(model);
  const name = (model as object | null)?.constructor?.name ?? String(model);
  const fitted = model as { nFeaturesIn_?: number };
  if (typeof model !== "object" || model === null || fitted.nFeaturesIn_ === undefined) throw new InputError(`toOnnx: the model must be a fitted mlsd estimator or a tfjs LayersModel; got ${name}.`);
  if (model instanceof DecisionTreeClassifier) return averagedTrees(name, model, [{ tree: model.tree_! }]);
  if (model instanceof RandomForestClassifier || model instanceof BalancedRandomForestClassifier) return averagedTrees(name, model, treeMembers(name, model.estimators_!));
  if (model instanceof BaggingClassifier || model instanceof BalancedBaggingClassifier) return averagedTrees(name, model, treeMembers(name, model.estimators_!, model.estimatorsFeatures_));
  if (model instanceof DecisionTreeRegressor) return regressorGraph(name, model.nFeaturesIn_!, [treeEnsemble([cartTree(model.tree_!, 1, undefined, "value")], 1, "variable")]);
  if (model instanceof RandomForestRegressor || model instanceof BaggingRegressor) {
    const members = treeMembers(name, model.estimators_!, model instanceof BaggingRegressor ? model.estimatorsFeatures_ : undefined);
    return regressorGraph(name, model.nFeaturesIn_!, [treeEnsemble(members.map((m) => cartTree(m.tree, 1 / members.length, m.features, "value")), 1, "variable")]);
  }
  if (model instanceof AdaBoostClassifier) {
    // SAMME: votes a_e / sum(a) for each member's class, softmax of votes / (K - 1) (the K = 2 case is the same logistic).
    const k = model.classes_!.length;
    const total = model.estimatorWeights_!.reduce((s, v) => s + v, 0);
    const members = treeMembers(name, model.estimators_!);
    const trees = members.map((m, e) => cartTree(m.tree, model.estimatorWeights_![e]! / total / (k - 1), undefined, "vote"));
    return classifierGraph(name, model.nFeaturesIn_!, model.classes_!, [treeEnsemble(trees, k, "votes"), { op: "Softmax", inputs: ["votes"], outputs: ["probabilities"], attrs: { axis: 1 } }], "probabilities");
  }
  if (model instanceof HistGradientBoostingClassifier) return hgbGraph(name, model.state_!, model.nFeaturesIn_!, model.classes_!);
  if (model instanceof HistGradientBoostingRegressor) return hgbGraph(name, (model as unknown as { state_: BoostingState }).state_, model.nFeaturesIn_!);
  if (model instanceof LogisticRegression) return logisticGraph(model);
  throw new InputError(`toOnnx: ${name} has no ONNX export (supported: decision trees, random forests, bagging and balanced ensembles of trees, AdaBoost over trees, histogram gradient boosting, logistic regression, tfjs sequential dense networks).`);
}

/**
 * The serialised ONNX model (ModelProto bytes) of a fitted model, `metadata` stored in its metadata_props.
 * @example const bytes = toOnnx(new DecisionTreeClassifier().fit(X, y)); await ort.InferenceSession.create(bytes)
 */
export function toOnnx(model: unknown, metadata: Record<string, string> = {}): Uint8Array {
  const g = onnxGraph(model);
  return encodeModel({ ...g, metadata: { ...g.metadata, ...metadata } }, "0.1.0");
}
