/**
 * SISA training (Bourtoule et al. 2021, "Machine Unlearning"): Sharded, Isolated, Sliced, Aggregated. The
 * training rows are split into disjoint shards, one constituent model per shard, whose votes are aggregated;
 * each shard is split into slices, trained one after another with a checkpoint after each. Deleting a row
 * (the right to be forgotten) retrains only its shard, and only from the checkpoint before its slice.
 */
import { InputError, InvalidParameterError, NotFittedError } from "../core/errors.js";
import type { BaseEstimator } from "../core/estimator.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, Random, type RandomState } from "../core/random.js";
import { loadModel, registerModel, type OptionsOf } from "../core/serialize.js";
import { BaseClassifier, type Matrix, type Trained, type WeightsLike } from "../core/supervised.js";
import type { Label, LabelsLike, MatrixLike } from "../core/validation.js";
import { SGDClassifier } from "../online/sgd.js";
import { describe } from "./check.js";
import { keyHash, planSisa, stageRows, type SisaPlan } from "./sisa-plan.js";

/** A classifier that learns in steps (SGDClassifier): what slicing needs, since a checkpoint must be resumable. */
export interface IncrementalClassifier extends BaseEstimator<object> {
  partialFit(X: MatrixLike, y: LabelsLike, options?: { classes?: readonly Label[] }): unknown;
  predictOne(x: ArrayLike<number>): Label;
  predictProbaOne(x: ArrayLike<number>): number[];
}

export type Constituent = BaseClassifier<object> | IncrementalClassifier;

const isIncremental = (v: unknown): v is IncrementalClassifier =>
  typeof v === "object" && v !== null && !(v instanceof BaseClassifier) && ["partialFit", "predictOne", "predictProbaOne", "clone", "toJSON"].every((m) => typeof (v as Record<string, unknown>)[m] === "function");

export interface SisaClassifierOptions {
  /** The constituent model, cloned for each shard (null: SGDClassifier with log loss). Slices need an incremental one. */
  estimator?: Constituent | null;
  /** Disjoint shards, one model each: deleting a row retrains one of them. */
  nShards?: number;
  /** Slices per shard, trained in turn with a checkpoint after each (needs an incremental estimator above 1). */
  nSlices?: number;
  /** Passes over the rows seen so far at each slice (the paper's epochs per slice). */
  epochsPerSlice?: number;
  /** "hard": the share of shards voting for each class (the paper's majority vote); "soft": their mean probabilities. */
  voting?: "hard" | "soft";
  /** Seeds the assignment of rows to shards and slices, and each shard's model. */
  randomState?: RandomState;
}

const RULES = {
  estimator: [
    { kind: "custom", describe: "an mlsd classifier (a BaseClassifier, or an incremental one with partialFit such as SGDClassifier)", test: (v) => v instanceof BaseClassifier || isIncremental(v) },
    { kind: "enum", values: [null] },
  ],
  nShards: { kind: "int", min: 1 },
  nSlices: { kind: "int", min: 1 },
  epochsPerSlice: { kind: "int", min: 1 },
  voting: { kind: "enum", values: ["hard", "soft"] },
  randomState: { kind: "randomState" },
} as const satisfies RulesFor<SisaClassifierOptions>;

const DEFAULTS = { estimator: null, nShards: 5, nSlices: 1, epochsPerSlice: 1, voting: "hard", randomState: null } as const satisfies Required<SisaClassifierOptions>;

/** What training cost: models (re)trained, slice stages run, rows passed through training (epochs counted), seconds. */
export interface TrainingCost {
  models: number;
  stages: number;
  rows: number;
  seconds: number;
}

/** What one deletion cost, and which rows and shards it touched. */
export interface UnlearningReport extends TrainingCost {
  /** The training rows removed (indices into the data `fit` saw). */
  removed: number[];
  /** The shards retrained. */
  shards: number[];
}

/** A deep copy through the model's own JSON, so a checkpoint is never trained further in place. */
const snapshot = <M extends Constituent>(m: M): M => loadModel(m.toJSON()) as M;

/**
 * SISA: an ensemble over disjoint shards that can forget training rows by retraining only what saw them.
 * `fit(X, y, sampleWeight, groups)` keys rows by `groups` (a user id per row) when given, so a user's rows share
 * one shard and slice; `unlearn(rows)` and `unlearnGroups(users)` delete and retrain, returning the cost.
 * @example
 * const sisa = new SisaClassifier({ estimator: new SGDClassifier({ loss: "log_loss" }), nShards: 4, nSlices: 3, randomState: 0 });
 * sisa.fit(X, y, null, userIds);
 * sisa.unlearnGroups(["user-17"]) // { shards: [2], models: 1, stages: 2, rows: ..., ... }: one shard of four, from user-17's slice on
 */
export class SisaClassifier extends BaseClassifier<SisaClassifierOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }

  /** One model per shard; null for a shard left without rows. */
  estimators_?: (Constituent | null)[];
  /** The cost of the full fit, in the units unlearning reports. */
  fitCost_?: TrainingCost;
  /** The seed the assignment used (drawn when randomState is null, so unlearning reuses it). */
  seed_?: number;
  /** Per shard, the model after each slice but the last (null: no rows yet); the last is `estimators_`. */
  private checkpoints: (Constituent | null)[][] = [];
  private train?: { data: Float64Array; cols: number; codes: Int32Array; weights: Float64Array | undefined; groups: string[] | null; removed: Uint8Array };
  private plan?: SisaPlan;
  private pendingGroups: readonly Label[] | null | undefined;

  /**
   * Fits one model per shard; `groups` (one key per row, such as a user id) keeps each key's rows together, so
   * deleting a user touches one shard and a fit without that user gives the same models everywhere else.
   */
  override fit<Y extends LabelsLike>(X: MatrixLike, y: Y, sampleWeight?: WeightsLike | null, groups?: readonly Label[] | null): Trained<Y> & this {
    this.pendingGroups = groups;
    try {
      return super.fit(X, y, sampleWeight);
    } finally {
      this.pendingGroups = undefined;
    }
  }

  protected fitCodes(X: Matrix, y: Int32Array, nClasses: number, sw: Float64Array | undefined): void {
    const o = this.getParams();
    const base = this.base();
    if (o.nSlices > 1 && !isIncremental(base)) throw new InvalidParameterError(`The 'nSlices' parameter of SisaClassifier is ${o.nSlices}, but ${base.constructor.name} has no partialFit: slices need an incremental estimator (such as SGDClassifier); use nSlices 1.`);
    if (sw && isIncremental(base)) throw new InputError(`sampleWeight is not supported with ${base.constructor.name} as estimator: partialFit takes no weights.`);
    const loss = (base.getParams() as { loss?: unknown }).loss;
    if (o.voting === "soft" && isIncremental(base) && loss !== undefined && loss !== "log_loss") throw new InvalidParameterError(`The 'voting' parameter of SisaClassifier is 'soft', but its ${base.constructor.name} has loss '${String(loss)}', which gives no probabilities; use loss 'log_loss' or voting 'hard'.`);
    const groups = this.pendingGroups;
    if (groups !== undefined && groups !== null && (!Array.isArray(groups) || groups.length !== X.rows)) throw new InputError(`groups must be an array with one key per row of X (${X.rows}); got ${describe(groups)}.`);
    if (groups) for (let i = 0; i < groups.length; i++) if (typeof groups[i] !== "string" && typeof groups[i] !== "number") throw new InputError(`groups[${i}] is ${describe(groups[i])}; keys must be strings or numbers.`);
    const rs = o.randomState;
    this.seed_ = typeof rs === "number" ? rs : checkRandomState(rs ?? new Random()).nextUint32();
    this.train = { data: X.data.slice(), cols: X.cols, codes: y.slice(), weights: sw?.slice(), groups: groups ? groups.map(String) : null, removed: new Uint8Array(X.rows) };
    this.plan = planSisa(this.keys(), this.seed_, o.nShards, o.nSlices);
    this.estimators_ = new Array<Constituent | null>(o.nShards).fill(null);
    this.checkpoints = Array.from({ length: o.nShards }, () => new Array<Constituent | null>(o.nSlices - 1).fill(null));
    const start = performance.now();
    const cost = { models: 0, stages: 0, rows: 0 };
    for (let s = 0; s < o.nShards; s++) this.trainShard(s, 0, nClasses, cost);
    if (this.estimators_.every((m) => m === null)) throw new InputError("SisaClassifier: every shard is empty.");
    this.fitCost_ = { ...cost, seconds: (performance.now() - start) / 1000 };
  }

  private base(): Constituent {
    return this.getParams().estimator ?? new SGDClassifier({ loss: "log_loss" });
  }

  private keys(): string[] {
    const t = this.train!;
    return t.groups ?? Array.from(t.codes, (_, i) => String(i));
  }

  /** Shard `s`'s model, unfitted, with its own seed from the assignment's (the same whatever the data). */
  private member(s: number): Constituent {
    const m = this.base().clone();
    if ("randomState" in m.rules) Object.assign(m.options, { randomState: keyHash(this.seed_!, 4, String(s)) });
    return m;
  }

  /** (Re)trains shard `s` from the checkpoint before slice `from`, slice by slice, adding to `cost`. */
  private trainShard(s: number, from: number, nClasses: number, cost: { models: number; stages: number; rows: number }): void {
    const { nSlices, epochsPerSlice } = this.getParams();
    const t = this.train!;
    const rowsOf = (idx: Int32Array): Matrix => {
      const data = new Float64Array(idx.length * t.cols);
      idx.forEach((i, r) => data.set(t.data.subarray(i * t.cols, (i + 1) * t.cols), r * t.cols));
      return { data, rows: idx.length, cols: t.cols };
    };
    const resumed = from > 0 ? this.checkpoints[s]![from - 1]! : null;
    let model: Constituent = resumed ? snapshot(resumed) : this.member(s);
    let trained = resumed !== null;
    cost.models++;
    if (!isIncremental(model)) {
      const idx = stageRows(this.plan!, t.removed, s, nSlices - 1);
      if (idx.length > 0) {
        model.fitEncoded(rowsOf(idx), Int32Array.from(idx, (i) => t.codes[i]!), this.classes_!, t.weights ? Float64Array.from(idx, (i) => t.weights![i]!) : undefined);
        trained = true;
      }
      cost.stages++;
      cost.rows += idx.length;
    } else {
      const classes = Array.from({ length: nClasses }, (_, c) => c);
      for (let r = from; r < nSlices; r++) {
        const idx = stageRows(this.plan!, t.removed, s, r);
        if (idx.length > 0) {
          const X = rowsOf(idx);
          const y = Int32Array.from(idx, (i) => t.codes[i]!);
          for (let e = 0; e < epochsPerSlice; e++) model.partialFit(X, y, { classes });
          trained = true;
        }
        cost.stages++;
        cost.rows += idx.length * epochsPerSlice;
        if (r < nSlices - 1) {
          this.checkpoints[s]![r] = trained ? model : null;
          if (trained) model = snapshot(model);
        }
      }
    }
    this.estimators_![s] = trained ? model : null;
  }

  /**
   * Forgets training rows (indices into the data `fit` saw): each affected shard is retrained from the checkpoint
   * before the earliest slice holding one of them; the others are untouched.
   * @example sisa.unlearn([3, 41]) // { removed: [3, 41], shards: [0, 2], models: 2, stages: 3, rows: 180, seconds: ... }
   */
  unlearn(rows: readonly number[]): UnlearningReport {
    if (!this.isFitted() || !this.train) throw new NotFittedError(this.constructor.name);
    const t = this.train;
    const n = t.codes.length;
    if (!Array.isArray(rows) || rows.length === 0) throw new InputError(`unlearn: 'rows' must be a non-empty array of training row indices; got ${describe(rows)}.`);
    const removed = [...new Set(rows)].sort((a, b) => a - b);
    for (const i of removed) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new InputError(`unlearn: 'rows' holds ${describe(i)}, which is not a training row index in [0, ${n - 1}].`);
      if (t.removed[i]) throw new InputError(`unlearn: row ${i} was already unlearned.`);
    }
    let left = 0;
    for (let i = 0; i < n; i++) if (!t.removed[i]) left++;
    if (left === removed.length) throw new InputError(`unlearn: removing these ${removed.length} rows would leave no training rows.`);
    const from = new Map<number, number>();
    for (const i of removed) {
      t.removed[i] = 1;
      const s = this.plan!.shard[i]!;
      from.set(s, Math.min(from.get(s) ?? Infinity, this.plan!.slice[i]!));
    }
    const start = performance.now();
    const cost = { models: 0, stages: 0, rows: 0 };
    const shards = [...from.keys()].sort((a, b) => a - b);
    for (const s of shards) this.trainShard(s, from.get(s)!, this.classes_!.length, cost);
    return { removed, shards, ...cost, seconds: (performance.now() - start) / 1000 };
  }

  /**
   * Forgets every row of the given groups (users), as passed to `fit`.
   * @example sisa.unlearnGroups(["user-17"]).shards // [2]: one user's rows live in one shard
   */
  unlearnGroups(groups: readonly Label[]): UnlearningReport {
    if (!this.isFitted() || !this.train) throw new NotFittedError(this.constructor.name);
    const keys = this.train.groups;
    if (!keys) throw new InputError("unlearnGroups: fit was given no groups; pass them as fit's fourth argument, or unlearn rows by index.");
    if (!Array.isArray(groups) || groups.length === 0) throw new InputError(`unlearnGroups: 'groups' must be a non-empty array of group keys; got ${describe(groups)}.`);
    const rows: number[] = [];
    for (const g of groups) {
      const found = keys.flatMap((k, i) => (k === String(g) && !this.train!.removed[i] ? [i] : []));
      if (found.length === 0) throw new InputError(`unlearnGroups: group ${describe(g)} has no training rows left (unknown, or already unlearned).`);
      rows.push(...found);
    }
    return this.unlearn(rows);
  }

  /** Training rows left in each shard. @example sisa.shardSizes() // [52, 47, 50, 51] */
  shardSizes(): number[] {
    if (!this.plan || !this.train) throw new NotFittedError(this.constructor.name);
    const sizes = new Array<number>(this.getParams().nShards).fill(0);
    this.plan.shard.forEach((s, i) => {
      if (!this.train!.removed[i]) sizes[s]!++;
    });
    return sizes;
  }

  probaDense(X: Matrix): Float64Array {
    const k = this.classes_!.length;
    const soft = this.getParams().voting === "soft";
    const out = new Float64Array(X.rows * k);
    const models = this.estimators_!.filter((m): m is Constituent => m !== null);
    for (const m of models) {
      if (m instanceof BaseClassifier) {
        if (soft) {
          const p = m.probaDense(X);
          for (let j = 0; j < out.length; j++) out[j]! += p[j]!;
        } else m.predictCodes(X).forEach((c, i) => out[i * k + c]!++);
      } else {
        for (let i = 0; i < X.rows; i++) {
          const x = X.data.subarray(i * X.cols, (i + 1) * X.cols);
          if (soft) m.predictProbaOne(x).forEach((p, c) => (out[i * k + c]! += p));
          else out[i * k + (m.predictOne(x) as number)]!++;
        }
      }
    }
    for (let j = 0; j < out.length; j++) out[j]! /= models.length;
    return out;
  }

  protected override getState(): Record<string, unknown> {
    return { ...super.getState(), estimators_: this.estimators_, checkpoints: this.checkpoints, fitCost_: this.fitCost_, seed_: this.seed_, train: this.train };
  }

  override setState(state: Record<string, unknown>): void {
    super.setState(state);
    this.estimators_ = state.estimators_ as (Constituent | null)[];
    this.checkpoints = state.checkpoints as (Constituent | null)[][];
    this.fitCost_ = state.fitCost_ as TrainingCost;
    this.seed_ = state.seed_ as number;
    const t = state.train as NonNullable<SisaClassifier["train"]>;
    this.train = { ...t, weights: t.weights ?? undefined, groups: t.groups ?? null };
    const { nShards, nSlices } = this.getParams();
    this.plan = planSisa(this.keys(), this.seed_, nShards, nSlices);
  }
}

registerModel("SisaClassifier", SisaClassifier, {
  testParams: (): OptionsOf<typeof SisaClassifier> => ({ estimator: new SGDClassifier({ loss: "log_loss", maxIter: 5 }), nShards: 3, nSlices: 2, epochsPerSlice: 2, voting: "soft", randomState: 0 }),
});
