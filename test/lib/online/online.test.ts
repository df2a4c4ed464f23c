/** Online learning: RLS against numpy's least squares, tracking with forgetting, SGD from a stream, prequential evaluation. */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { prequential, RecursiveLeastSquares, SGDClassifier, SGDRegressor } from "../../../lib/online/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(3);
const X = Array.from({ length: 500 }, () => [rng.normal(), rng.normal() * 2, rng.normal() + 1]);
const y = X.map((r) => 1.5 * r[0]! - 0.7 * r[1]! + 0.2 * r[2]! + 3 + rng.normal() * 0.5);

describe("RecursiveLeastSquares", () => {
  it("with forgetting factor 1 equals ordinary least squares to 1e-6", () => {
    const rls = new RecursiveLeastSquares({ forgettingFactor: 1, delta: 1e-9 }).partialFit(X, y);
    const ols = py<number[]>(
      `
A = np.hstack([np.array(data["X"]), np.ones((len(data["X"]), 1))])
out = np.linalg.lstsq(A, np.array(data["y"]), rcond=None)[0]
`,
      { X, y },
    );
    Array.from(rls.coef_).forEach((c, i) => expect(Math.abs(c - ols[i]!)).toBeLessThan(1e-6));
    expect(Math.abs(rls.intercept_ - ols[3]!)).toBeLessThan(1e-6);
  });

  it("tracks a coefficient that changes when the forgetting factor is below 1; the plain fit averages it", () => {
    const forget = new RecursiveLeastSquares({ forgettingFactor: 0.95 });
    const plain = new RecursiveLeastSquares({ forgettingFactor: 1 });
    for (let t = 0; t < 2000; t++) {
      const x = [rng.normal()];
      const slope = t < 1000 ? 1 : -2; // an abrupt change half-way
      const target = slope * x[0]! + rng.normal() * 0.1;
      forget.learnOne(x, target);
      plain.learnOne(x, target);
    }
    expect(forget.coef_[0]).toBeCloseTo(-2, 1);
    expect(plain.coef_[0]).toBeGreaterThan(-1); // stuck between the two regimes
  });

  it("refuses bad options and inputs, naming them", () => {
    // The constructor only stores the options (scikit-learn's contract); learning checks them.
    expect(() => new RecursiveLeastSquares({ forgettingFactor: 1.5 }).learnOne([1], 1)).toThrow("The 'forgettingFactor' parameter of RecursiveLeastSquares must be a number > 0 and <= 1. Got 1.5 instead.");
    const rls = new RecursiveLeastSquares().learnOne([1, 2], 3);
    expect(() => rls.learnOne([1], 2)).toThrow("x has 1 features, but RecursiveLeastSquares was started with 2.");
    expect(() => rls.learnOne([1, NaN], 2)).toThrow("x[1] is NaN");
  });
});

describe("SGD", () => {
  const cls = X.map((r) => (r[0]! - 0.5 * r[1]! > 0 ? "yes" : "no"));
  it("SGDClassifier learns a linear boundary with fit, and from a stream with partialFit", () => {
    expect(new SGDClassifier({ loss: "log_loss", randomState: 0 }).fit(X, cls).score(X, cls)).toBeGreaterThan(0.95);
    const stream = new SGDClassifier({ randomState: 0 });
    for (let b = 0; b < 500; b += 50) stream.partialFit(X.slice(b, b + 50), cls.slice(b, b + 50), { classes: ["no", "yes"] });
    expect(stream.score(X, cls)).toBeGreaterThan(0.9);
    expect(() => new SGDClassifier().partialFit(X, cls)).toThrow("classes must be passed to the first call to partialFit");
  });

  it("SGDClassifier handles three classes one-vs-rest and gives probabilities with log loss", () => {
    const three = X.map((r) => (r[0]! > 0.5 ? 2 : r[0]! < -0.5 ? 0 : 1));
    const m = new SGDClassifier({ loss: "log_loss", randomState: 1 }).fit(X, three);
    expect(m.score(X, three)).toBeGreaterThan(0.8);
    const p = m.predictProbaOne(X[0]!);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("SGDRegressor approaches the least-squares coefficients on a stream", () => {
    const reg = new SGDRegressor({ randomState: 0, eta0: 0.01 });
    for (let epoch = 0; epoch < 20; epoch++) reg.partialFit(X, y);
    expect(reg.coef_[0]).toBeCloseTo(1.5, 1);
    expect(reg.intercept_).toBeCloseTo(3, 0);
  });
});

describe("prequential evaluation", () => {
  it("scores each sample before learning it; accuracy climbs as the model learns", async () => {
    const stream = X.map((r) => [r, r[0]! - 0.5 * r[1]! > 0 ? 1 : 0] as [number[], number]);
    const res = await prequential(new SGDClassifier({ classes: [0, 1], randomState: 0 }), stream, { metric: "accuracy" });
    expect(res.n).toBe(499); // the first sample cannot be predicted before anything was learned
    expect(res.final).toBeGreaterThan(0.85);
    const windowed = await prequential(new RecursiveLeastSquares(), X.map((r, i) => [r, y[i]!] as [number[], number]), { metric: "mae", window: 100 });
    expect(windowed.final).toBeLessThan(0.6); // the noise's mean absolute value is 0.4
    await expect(prequential(new RecursiveLeastSquares(), [], { metric: "r2" as never })).rejects.toThrow("'metric' must be");
  });
});
