/** Exact neighbours: the kd-tree and brute force agree (ties included), and both match scikit-learn. */
import { describe, expect, it } from "vitest";
import { nativeKernels } from "../../../lib/native/index.js";
import { Random } from "../../../lib/core/index.js";
import { KDTree, NearestNeighbors, bruteKnn, chooseAlgorithm } from "../../../lib/neighbors/index.js";
import { py } from "../../helpers/python.js";

const rng = new Random(3);
const make = (n: number, d: number, grid = false) => Float64Array.from({ length: n * d }, () => (grid ? rng.randint(6) : rng.normal()));

describe("kd-tree against brute force", () => {
  for (const [n, d, grid] of [[3000, 2, false], [2000, 5, false], [1500, 3, true]] as const) {
    it(`${n} points in ${d} dimensions${grid ? " on a small grid (many ties and duplicates)" : ""}`, () => {
      const X = make(n, d, grid);
      for (const k of [1, 7]) {
        const a = new KDTree(X, n, d).query(X, n, k, true);
        const b = bruteKnn(X, n, X, n, d, k, true);
        expect(a.indices).toEqual(b.indices);
        a.distances.forEach((v, i) => expect(Math.abs(v - b.distances[i]!)).toBeLessThan(1e-9));
        const Q = make(200, d, grid);
        expect(new KDTree(X, n, d).query(Q, 200, k, false).indices).toEqual(bruteKnn(X, n, Q, 200, d, k, false).indices);
      }
    });
  }

  it("picks the kd-tree in low dimension; above it, native brute force when built, else where probes show the tree prunes", () => {
    expect(chooseAlgorithm(10_000, 3, 5).algorithm).toBe("kd_tree");
    expect(chooseAlgorithm(100, 3, 5).algorithm).toBe("brute");
    if (nativeKernels()) {
      expect(chooseAlgorithm(4000, 20, 5, make(4000, 20)).algorithm).toBe("brute");
      return;
    }
    // 20 i.i.d. dimensions: nothing to prune.
    expect(chooseAlgorithm(4000, 20, 5, make(4000, 20)).algorithm).toBe("brute");
    // 20 columns that are linear mixtures of 3: intrinsic dimension 3.
    const low = new Float64Array(4000 * 20);
    for (let i = 0; i < 4000; i++) {
      const z = [rng.normal(), rng.normal(), rng.normal()];
      for (let j = 0; j < 20; j++) low[i * 20 + j] = z[j % 3]! * (1 + j / 10);
    }
    expect(chooseAlgorithm(4000, 20, 5, low).algorithm).toBe("kd_tree");
  });
});

describe("NearestNeighbors against scikit-learn", () => {
  const X = Array.from({ length: 800 }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const Q = Array.from({ length: 50 }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const ref = py<{ d: number[][]; i: number[][]; ds: number[][]; is: number[][] }>(
    `
from sklearn.neighbors import NearestNeighbors
nn = NearestNeighbors(n_neighbors=4).fit(np.array(data["X"]))
d, i = nn.kneighbors(np.array(data["Q"]))
ds, is_ = nn.kneighbors()
out = {"d": d, "i": i, "ds": ds, "is": is_}
`,
    { X, Q },
  );
  for (const algorithm of ["brute", "kd_tree", "auto"] as const) {
    it(`algorithm ${algorithm}: same indices, distances to 1e-9, with and without query points`, () => {
      const nn = new NearestNeighbors({ nNeighbors: 4, algorithm }).fit(X);
      const r = nn.kneighbors(Q);
      expect(Array.from(r.indices)).toEqual(ref.i.flat());
      r.distances.forEach((v, j) => expect(Math.abs(v - ref.d.flat()[j]!)).toBeLessThan(1e-9));
      const self = nn.kneighbors();
      expect(Array.from(self.indices)).toEqual(ref.is.flat());
    });
  }

  it("names bad requests", () => {
    expect(() => new NearestNeighbors().kneighbors()).toThrow("This NearestNeighbors instance is not fitted yet");
    expect(() => new NearestNeighbors({ nNeighbors: 5 }).fit([[0], [1]]).kneighbors()).toThrow("Expected n_neighbors <= n_samples_fit - 1, but n_samples_fit = 2, n_neighbors = 5.");
    expect(() => new NearestNeighbors().fit([[0, 1]]).kneighbors([[1]], 1)).toThrow("X has 1 features, but NearestNeighbors was fitted with 2.");
    expect(() => new NearestNeighbors({ algorithm: "ball_tree" as never }).fit([[0]])).toThrow("The 'algorithm' parameter of NearestNeighbors must be one of \"auto\", \"brute\", \"kd_tree\". Got 'ball_tree' instead.");
  });
});
