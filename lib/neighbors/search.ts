/** Chooses the exact search for the data's size and dimension (scikit-learn's algorithm="auto", simplified). */
import { nativeKernels, nativeThreads } from "../native/index.js";
import { bruteKnn, type Neighbors } from "./brute.js";
import { KDTree } from "./kd-tree.js";

export type Algorithm = "auto" | "brute" | "kd_tree";

/** kd-trees always prune well up to this many dimensions. */
const KD_MAX_DIMS = 8;
const KD_MIN_POINTS = 512;
/** Above KD_MAX_DIMS the tree is kept only if probe queries touch less than this share of the points. */
const PROBE_SHARE = 0.25;
const PROBES = 32;

/**
 * kd-tree in low dimension; in higher dimension, brute force when the native kernel is built (it runs about
 * 15 times the JavaScript's speed, faster than the tree on all but very low intrinsic dimensions); otherwise it
 * depends on the data's intrinsic dimension, so a few probe queries decide (the tree they need is kept).
 */
export function chooseAlgorithm(nPoints: number, cols: number, k: number, points?: Float64Array): { algorithm: "brute" | "kd_tree"; tree?: KDTree } {
  if (nPoints < KD_MIN_POINTS || k >= nPoints / 2) return { algorithm: "brute" };
  if (cols <= KD_MAX_DIMS) return { algorithm: "kd_tree" };
  if (!points || nativeKernels()) return { algorithm: "brute" };
  const tree = new KDTree(points, nPoints, cols);
  const step = Math.max(1, Math.floor(nPoints / PROBES));
  const probe = new Float64Array(PROBES * cols);
  let m = 0;
  for (let i = 0; i < nPoints && m < PROBES; i += step, m++) probe.set(points.subarray(i * cols, (i + 1) * cols), m * cols);
  tree.query(probe, m, k, false);
  return tree.evaluations / m < PROBE_SHARE * nPoints ? { algorithm: "kd_tree", tree } : { algorithm: "brute" };
}

/**
 * The k nearest of `points` to each query row (with `excludeSelf`, the queries are the points and each
 * skips itself). Both algorithms are exact and break distance ties by the lower index.
 * @example kneighbors(X, n, X, n, d, 5, true).indices
 */
export function kneighbors(points: Float64Array, nPoints: number, queries: Float64Array, nQueries: number, cols: number, k: number, excludeSelf: boolean, algorithm: Algorithm = "auto"): Neighbors {
  const choice = algorithm === "auto" ? chooseAlgorithm(nPoints, cols, k, points) : { algorithm };
  if (choice.algorithm === "kd_tree") return (choice.tree ?? new KDTree(points, nPoints, cols)).query(queries, nQueries, k, excludeSelf);
  const native = nativeKernels();
  if (native && nQueries > 0) {
    // The same arithmetic as bruteKnn, on SIMD registers and several threads.
    const [indices, distances] = native.knn(points, nPoints, queries, nQueries, cols, k, excludeSelf, nativeThreads());
    return { indices, distances, k };
  }
  return bruteKnn(points, nPoints, queries, nQueries, cols, k, excludeSelf);
}
