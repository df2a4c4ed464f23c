/**
 * SISA (Bourtoule et al. 2021, "Machine Unlearning", section IV): deleting rows retrains only the shard that held
 * them, from the checkpoint before their slice, and gives exactly the model that training without them would.
 */
import { describe, expect, it } from "vitest";
import { InvalidParameterError, NotFittedError, loadModel } from "../../../lib/core/index.js";
import { makeClassification } from "../../../datasets/index.js";
import { DecisionTreeClassifier } from "../../../lib/ensemble/index.js";
import { SGDClassifier } from "../../../lib/online/index.js";
import { SisaClassifier } from "../../../lib/privacy/index.js";

const { X: dense, y: codes } = makeClassification({ nSamples: 600, nFeatures: 6, nInformative: 4, nRedundant: 0, randomState: 3 });
const X = Array.from({ length: dense.rows }, (_, i) => Array.from(dense.data.subarray(i * dense.cols, (i + 1) * dense.cols)));
const y = Array.from(codes);
// 60 users with 10 rows each.
const users = X.map((_, i) => `u${i % 60}`);
const without = <T,>(a: readonly T[], user: string) => a.filter((_, i) => users[i] !== user);
const sgd = () => new SGDClassifier({ loss: "log_loss", learningRate: "constant", eta0: 0.05 });
const json = (m: unknown) => JSON.stringify(m);

describe("SisaClassifier", () => {
  it("unlearning a user equals training from scratch without that user (incremental models, slices, same seed)", () => {
    const opts = { estimator: sgd(), nShards: 4, nSlices: 3, epochsPerSlice: 2, voting: "soft" as const, randomState: 7 };
    const sisa = new SisaClassifier(opts).fit(X, y, null, users);
    const before = sisa.estimators_!.map(json);
    const report = sisa.unlearnGroups(["u17"]);
    const scratch = new SisaClassifier(opts).fit(without(X, "u17"), without(y, "u17"), null, without(users, "u17"));
    // One user's rows live in one shard: exactly one model was retrained, the others are untouched.
    expect(report.shards).toHaveLength(1);
    expect(report.removed).toEqual(users.flatMap((u, i) => (u === "u17" ? [i] : [])));
    const s = report.shards[0]!;
    sisa.estimators_!.forEach((m, k) => {
      expect(json(m)).toBe(json(scratch.estimators_![k]));
      if (k !== s) expect(json(m)).toBe(before[k]);
    });
    expect(json(sisa.estimators_![s])).not.toBe(before[s]);
    expect(sisa.predictProba(X)).toEqual(scratch.predictProba(X));
    expect(sisa.shardSizes()).toEqual(scratch.shardSizes());
  });

  it("unlearning rows of a decision-tree shard equals the tree fitted without them, sample weights kept", () => {
    const w = X.map((_, i) => 1 + (i % 3));
    const opts = { estimator: new DecisionTreeClassifier({ maxDepth: 4 }), nShards: 5, randomState: 11 };
    const sisa = new SisaClassifier(opts).fit(X, y, w, users);
    const sizes = sisa.shardSizes();
    const report = sisa.unlearnGroups(["u3", "u4"]);
    const keep = (u: string) => u !== "u3" && u !== "u4";
    const pick = <T,>(a: readonly T[]) => a.filter((_, i) => keep(users[i]!));
    const scratch = new SisaClassifier(opts).fit(pick(X), pick(y), pick(w), pick(users));
    expect(sisa.estimators_!.map(json)).toEqual(scratch.estimators_!.map(json));
    expect(sisa.predict(X)).toEqual(scratch.predict(X));
    // Cost without slices: each affected shard refits once on what it has left.
    expect(report.models).toBe(report.shards.length);
    expect(report.rows).toBe(report.shards.reduce((a, s) => a + sizes[s]!, 0) - 20);
    expect(sisa.fitCost_!.rows).toBe(600);
  });

  it("counts the cost: a row in the last slice retrains one stage; full retraining passes over every row", () => {
    const sisa = new SisaClassifier({ estimator: sgd(), nShards: 4, nSlices: 4, epochsPerSlice: 1, randomState: 2 }).fit(X, y);
    // Every shard passes over slices 1, 1-2, 1-3, 1-4: 1/4 + 2/4 + 3/4 + 4/4 of its rows on average.
    expect(sisa.fitCost_!.models).toBe(4);
    expect(sisa.fitCost_!.stages).toBe(16);
    expect(sisa.fitCost_!.rows).toBeGreaterThan(600 * 2);
    const monolith = new SisaClassifier({ estimator: sgd(), nShards: 1, randomState: 2 }).fit(X, y);
    expect(monolith.fitCost_!.rows).toBe(600);
    expect(monolith.unlearn([5])).toMatchObject({ models: 1, stages: 1, rows: 599, shards: [0] });
    const sizes = sisa.shardSizes();
    const costs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ i, ...sisa.unlearn([i]) }));
    for (const c of costs) {
      expect(c.models).toBe(1);
      expect(c.stages).toBeGreaterThanOrEqual(1);
      expect(c.stages).toBeLessThanOrEqual(4);
      // Never more than retraining that shard from scratch, which is at most 4 passes over it.
      expect(c.rows).toBeLessThanOrEqual(4 * sizes[c.shards[0]!]!);
    }
    // Rows in the last slice cost one stage over the shard's remaining rows.
    expect(costs.some((c) => c.stages === 1)).toBe(true);
    expect(costs.reduce((a, c) => a + c.rows, 0) / costs.length).toBeLessThan(sisa.fitCost_!.rows / 4);
  });

  it("aggregates by majority vote (hard: the share of shards per class) or mean probabilities (soft)", () => {
    const hard = new SisaClassifier({ estimator: sgd(), nShards: 5, randomState: 0 }).fit(X, y);
    const p = hard.predictProba(X.slice(0, 50));
    for (const row of p) {
      expect(row[0]! + row[1]!).toBeCloseTo(1, 12);
      for (const v of row) expect(Math.abs(v * 5 - Math.round(v * 5))).toBeLessThan(1e-9);
    }
    const soft = new SisaClassifier({ estimator: sgd(), nShards: 5, voting: "soft", randomState: 0 }).fit(X, y);
    const q = soft.predictProba(X.slice(0, 5));
    const mean = soft.estimators_!.map((m) => (m as SGDClassifier).predictProbaOne(X[0]!)[1]!).reduce((a, b) => a + b, 0) / 5;
    expect(q[0]![1]).toBeCloseTo(mean, 12);
    // Accuracy on separable data stays near a single model's (the paper's small degradation for few shards).
    const single = new SisaClassifier({ estimator: sgd(), nShards: 1, randomState: 0 }).fit(X, y).score(X, y);
    expect(hard.score(X, y)).toBeGreaterThan(single - 0.08);
    expect(single).toBeGreaterThan(0.8);
  });

  it("keeps a user's rows in one shard and one slice", () => {
    const sisa = new SisaClassifier({ estimator: sgd(), nShards: 6, nSlices: 3, randomState: 4 }).fit(X, y, null, users);
    for (const u of ["u0", "u9", "u33"]) {
      const report = sisa.unlearnGroups([u]);
      expect(report.shards).toHaveLength(1);
      expect(report.removed).toHaveLength(10);
    }
  });

  it("a JSON round trip keeps what unlearning needs: the loaded model forgets as the original does", () => {
    const sisa = new SisaClassifier({ estimator: sgd(), nShards: 3, nSlices: 2, randomState: 5 }).fit(X, y, null, users);
    const again = loadModel(JSON.stringify(sisa), SisaClassifier);
    const a = sisa.unlearnGroups(["u8"]);
    const b = again.unlearnGroups(["u8"]);
    expect({ ...b, seconds: 0 }).toEqual({ ...a, seconds: 0 });
    expect(again.predictProba(X)).toEqual(sisa.predictProba(X));
  });

  it("refuses bad arguments, naming them and the value", () => {
    const tree = new DecisionTreeClassifier();
    expect(() => new SisaClassifier({ nShards: 0 }).fit(X, y)).toThrow("The 'nShards' parameter of SisaClassifier must be an integer >= 1. Got 0 instead.");
    expect(() => new SisaClassifier({ estimator: "tree" as never }).fit(X, y)).toThrow(/The 'estimator' parameter of SisaClassifier must be an mlsd classifier .* Got 'tree' instead./);
    expect(() => new SisaClassifier({ voting: "mean" as never }).fit(X, y)).toThrow(`The 'voting' parameter of SisaClassifier must be one of "hard", "soft". Got 'mean' instead.`);
    expect(() => new SisaClassifier({ estimator: tree, nSlices: 3 }).fit(X, y)).toThrow(InvalidParameterError);
    expect(() => new SisaClassifier({ estimator: tree, nSlices: 3 }).fit(X, y)).toThrow("The 'nSlices' parameter of SisaClassifier is 3, but DecisionTreeClassifier has no partialFit");
    expect(() => new SisaClassifier({ estimator: new SGDClassifier(), voting: "soft" }).fit(X, y)).toThrow("The 'voting' parameter of SisaClassifier is 'soft', but its SGDClassifier has loss 'hinge'");
    expect(() => new SisaClassifier({ estimator: sgd() }).fit(X, y, X.map(() => 1))).toThrow("sampleWeight is not supported with SGDClassifier as estimator");
    expect(() => new SisaClassifier().fit(X, y, null, users.slice(1))).toThrow("groups must be an array with one key per row of X (600); got an array of length 599.");
    expect(() => new SisaClassifier().fit(X, y, null, users.map((u, i) => (i === 4 ? (null as never) : u)))).toThrow("groups[4] is null; keys must be strings or numbers.");
    expect(() => new SisaClassifier().unlearn([0])).toThrow(NotFittedError);
    const sisa = new SisaClassifier({ estimator: tree, nShards: 2, randomState: 0 }).fit(X, y);
    expect(() => sisa.unlearn([])).toThrow("unlearn: 'rows' must be a non-empty array of training row indices; got an array of length 0.");
    expect(() => sisa.unlearn([600])).toThrow("unlearn: 'rows' holds 600, which is not a training row index in [0, 599].");
    expect(() => sisa.unlearn([1.5])).toThrow("unlearn: 'rows' holds 1.5");
    sisa.unlearn([1]);
    expect(() => sisa.unlearn([1])).toThrow("unlearn: row 1 was already unlearned.");
    expect(() => sisa.unlearnGroups(["u1"])).toThrow("unlearnGroups: fit was given no groups");
    expect(() => sisa.unlearn(X.map((_, i) => i).filter((i) => i !== 1))).toThrow("unlearn: removing these 599 rows would leave no training rows.");
    const grouped = new SisaClassifier({ estimator: tree, nShards: 2, randomState: 0 }).fit(X, y, null, users);
    expect(() => grouped.unlearnGroups(["nobody"])).toThrow(`unlearnGroups: group "nobody" has no training rows left (unknown, or already unlearned).`);
    expect(() => grouped.unlearnGroups("u1" as never)).toThrow(`unlearnGroups: 'groups' must be a non-empty array of group keys; got "u1".`);
  });
});
