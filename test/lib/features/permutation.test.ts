/**
 * permutationImportance against sklearn.inspection.permutation_importance (scikit-learn 1.2) on the same model
 * predictions and the same shuffles: the Python side computes scikit-learn's shuffling indices (its
 * RandomState(seed).randint seed, then one RandomState per column shuffling np.arange(n) in place each repeat),
 * hands them to mlsd through `permutations`, and runs permutation_importance with that seed; the importances
 * must then be equal (to 1e-12).
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { permutationImportance } from "../../../lib/features/index.js";
import { LogisticRegression } from "../../../lib/linear/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(9);
const n = 120;
const y = Array.from({ length: n }, () => (rng.random() < 0.4 ? 1 : 0));
// Column 2 is a leak: the label plus a little noise. Columns 0 and 1 carry a weak signal, column 3 none.
const X = y.map((c) => [rng.normal() + 0.5 * c, rng.normal() - 0.3 * c, c + 0.3 * rng.normal(), rng.normal()]);
const model = new LogisticRegression().fit(X, y);

const REF = `
from sklearn.linear_model import LogisticRegression
from sklearn.inspection import permutation_importance
from sklearn.utils import check_random_state
X = np.array(data["X"]); y = np.array(data["y"])
m = LogisticRegression()
# mlsd's fitted coefficients: the same model, so the same predictions on every permuted X.
m.coef_ = np.array([data["coef"]]); m.intercept_ = np.array(data["intercept"]); m.classes_ = np.array([0, 1])
seed = data["seed"]
# scikit-learn's shuffles: one seed drawn from RandomState(seed), the same stream for every column.
rs = np.random.RandomState(check_random_state(seed).randint(np.iinfo(np.int32).max + 1))
idx = np.arange(X.shape[0]); perms = []
for _ in range(data["repeats"]):
    rs.shuffle(idx); perms.append(idx.copy())
out = {"perms": perms}
for scoring in ["accuracy", "roc_auc"]:
    r = permutation_importance(m, X, y, scoring=scoring, n_repeats=data["repeats"], random_state=seed)
    out[scoring] = {"mean": r.importances_mean, "std": r.importances_std, "all": r.importances}
out["baseline"] = float((m.predict(X) == y).mean())
`;

describe("permutationImportance (sklearn.inspection.permutation_importance)", () => {
  it("equals scikit-learn's on the same predictions and shuffles (shared through `permutations`), accuracy and ROC-AUC", () => {
    type Res = { mean: number[]; std: number[]; all: number[][] };
    const ref = py<{ perms: number[][]; accuracy: Res; roc_auc: Res; baseline: number }>(REF, { X, y, coef: Array.from(model.coef_!), intercept: Array.from(model.intercept_!), seed: 42, repeats: 6 });
    // Same predictions first: mlsd's model and the Python one agree on X.
    expect(model.score(X, y)).toBe(ref.baseline);
    for (const scoring of ["accuracy", "roc_auc"] as const) {
      const r = permutationImportance(model, X, y, { scoring, permutations: ref.perms });
      const near = (a: number[], b: number[]) => a.forEach((v, i) => expect(Math.abs(v - b[i]!), `${scoring}[${i}]`).toBeLessThan(1e-12));
      near(r.importancesMean, ref[scoring].mean);
      near(r.importancesStd, ref[scoring].std);
      r.importances.forEach((row, j) => near(row, ref[scoring].all[j]!));
    }
  });

  it("the leaked column stands out: its importance dwarfs the others'", () => {
    const r = permutationImportance(model, X, y, { scoring: "accuracy", nRepeats: 10, randomState: 0 });
    const [a, b, leak, none] = r.importancesMean;
    expect(leak).toBeGreaterThan(0.2);
    expect(leak!).toBeGreaterThan(5 * Math.max(a!, b!, none!));
    expect(Math.abs(none!)).toBeLessThan(0.05);
  });

  it("with a seed, mlsd's own shuffles are reproducible; scoring null uses the model's score", () => {
    const a = permutationImportance(model, X, y, { randomState: 3 });
    expect(permutationImportance(model, X, y, { randomState: 3 })).toEqual(a);
    expect(a.baselineScore).toBe(model.score(X, y));
    expect(a.importances[0]!.length).toBe(5);
  });
});
