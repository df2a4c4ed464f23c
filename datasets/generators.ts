/** Synthetic datasets with scikit-learn's algorithms and parameters, seeded. */
import { InputError } from "../lib/core/errors.js";
import { checkRandomState, type Random, type RandomState } from "../lib/core/random.js";
import type { DenseMatrix } from "../lib/core/validation.js";
import { validateParams, type Rule } from "../lib/core/params.js";

// scikit-learn's _parameter_constraints for the generators (1.3+, where they are declared), in camelCase.
const int = (min: number): Rule => ({ kind: "int", min });
const numberArray: Rule = { kind: "custom", describe: "an array of finite numbers", test: (v) => Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x)) };
const finite: Rule = { kind: "float" };
const randomState: Rule = { kind: "randomState" };
const bool: Rule = { kind: "bool" };

export interface Generated {
  X: DenseMatrix & { data: Float64Array };
  y: Int32Array;
}

export interface MakeClassificationOptions {
  nSamples?: number;
  nFeatures?: number;
  nInformative?: number;
  nRedundant?: number;
  nRepeated?: number;
  nClasses?: number;
  nClustersPerClass?: number;
  /** Class proportions (the last may be left out); imbalance comes from here. */
  weights?: number[];
  /** Fraction of labels replaced by a random class: label noise. */
  flipY?: number;
  classSep?: number;
  hypercube?: boolean;
  shift?: number;
  scale?: number;
  shuffle?: boolean;
  randomState?: RandomState;
}

function shuffleRows(X: Float64Array, y: Int32Array, rows: number, cols: number, rng: Random): void {
  for (let i = rows - 1; i > 0; i--) {
    const j = rng.randint(i + 1);
    const t = y[i]!;
    y[i] = y[j]!;
    y[j] = t;
    for (let c = 0; c < cols; c++) {
      const a = X[i * cols + c]!;
      X[i * cols + c] = X[j * cols + c]!;
      X[j * cols + c] = a;
    }
  }
}

/**
 * scikit-learn's make_classification: Gaussian clusters at the vertices of a hypercube in the informative
 * subspace, plus redundant (linear combinations), repeated and useless features.
 * @example makeClassification({ nSamples: 1000, weights: [0.9], flipY: 0, randomState: 0 }) // 10 % minority
 */
export function makeClassification(options: MakeClassificationOptions = {}): Generated {
  validateParams("makeClassification", classificationRules, checkObject("makeClassification", options));
  const n = options.nSamples ?? 100;
  const d = options.nFeatures ?? 20;
  const inf = options.nInformative ?? 2;
  const red = options.nRedundant ?? 2;
  const rep = options.nRepeated ?? 0;
  const k = options.nClasses ?? 2;
  const cpc = options.nClustersPerClass ?? 2;
  const sep = options.classSep ?? 1;
  const rng = checkRandomState(options.randomState);
  if (inf + red + rep > d) throw new InputError(`nFeatures (${d}) must be at least nInformative + nRedundant + nRepeated (${inf + red + rep}).`);
  if (k * cpc > 2 ** inf) throw new InputError(`nClasses (${k}) * nClustersPerClass (${cpc}) must be smaller or equal 2**nInformative = ${2 ** inf}.`);
  let weights = options.weights ?? new Array<number>(k).fill(1 / k);
  if (weights.length === k - 1) weights = [...weights, 1 - weights.reduce((a, b) => a + b, 0)];
  if (weights.length !== k) throw new InputError(`weights must have nClasses (${k}) or nClasses - 1 entries; got ${weights.length}.`);
  if (weights.some((w) => w < 0)) throw new InputError(`weights must be class proportions >= 0 (the last, if left out, is 1 minus the others); got [${weights.join(", ")}].`);
  const clusters = k * cpc;
  const perCluster = Array.from({ length: clusters }, (_, c) => Math.trunc((n * weights[c % k]!) / cpc));
  const missing = n - perCluster.reduce((a, b) => a + b, 0);
  for (let i = 0; i < missing; i++) perCluster[i % clusters]!++;

  // Distinct hypercube vertices as cluster centroids, scaled to ±classSep.
  const vertices = new Set<number>();
  while (vertices.size < clusters) vertices.add(rng.randint(2 ** inf));
  const centroids = [...vertices].map((v) => Array.from({ length: inf }, (_, j) => (((v >> (inf - 1 - j)) & 1) * 2 * sep - sep) * (options.hypercube === false ? rng.random() : 1)));

  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  let start = 0;
  centroids.forEach((centroid, c) => {
    const A = Array.from({ length: inf * inf }, () => 2 * rng.random() - 1);
    for (let i = start; i < start + perCluster[c]!; i++) {
      y[i] = c % k;
      const z = Array.from({ length: inf }, () => rng.normal());
      for (let j = 0; j < inf; j++) {
        let s = 0;
        for (let t = 0; t < inf; t++) s += z[t]! * A[t * inf + j]!;
        X[i * d + j] = s + centroid[j]!;
      }
    }
    start += perCluster[c]!;
  });
  const B = Array.from({ length: inf * red }, () => 2 * rng.random() - 1);
  const repeatedFrom = Array.from({ length: rep }, () => Math.trunc((inf + red - 1) * rng.random() + 0.5));
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < red; j++) {
      let s = 0;
      for (let t = 0; t < inf; t++) s += X[o + t]! * B[t * red + j]!;
      X[o + inf + j] = s;
    }
    for (let j = 0; j < rep; j++) X[o + inf + red + j] = X[o + repeatedFrom[j]!]!;
    for (let j = inf + red + rep; j < d; j++) X[o + j] = rng.normal();
  }
  const flip = options.flipY ?? 0.01;
  for (let i = 0; i < n; i++) if (rng.random() < flip) y[i] = rng.randint(k);
  const shift = options.shift ?? 0;
  const scale = options.scale ?? 1;
  for (let i = 0; i < X.length; i++) X[i] = (X[i]! + shift) * scale;
  if (options.shuffle ?? true) {
    shuffleRows(X, y, n, d, rng);
    const perm = rng.shuffle(Array.from({ length: d }, (_, j) => j));
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) row[j] = X[i * d + perm[j]!]!;
      X.set(row, i * d);
    }
  }
  return { X: { data: X, rows: n, cols: d }, y };
}

const classificationRules: Record<keyof Required<MakeClassificationOptions>, Rule | Rule[]> = {
  nSamples: int(1),
  nFeatures: int(1),
  nInformative: int(1),
  nRedundant: int(0),
  nRepeated: int(0),
  nClasses: int(1),
  nClustersPerClass: int(1),
  weights: numberArray,
  flipY: { kind: "float", min: 0, max: 1 },
  classSep: { kind: "float", min: 0, minExclusive: true },
  hypercube: bool,
  shift: finite,
  scale: { kind: "float", min: 0, minExclusive: true },
  shuffle: bool,
  randomState,
};

export interface MakeBlobsOptions {
  nSamples?: number;
  nFeatures?: number;
  /** How many centers to draw, or the centers themselves (one row each). */
  centers?: number | number[][];
  clusterStd?: number;
  centerBox?: [number, number];
  shuffle?: boolean;
  randomState?: RandomState;
}

const blobsRules: Record<keyof Required<MakeBlobsOptions>, Rule | Rule[]> = {
  nSamples: int(1),
  nFeatures: int(1),
  centers: [int(1), { kind: "custom", describe: "an array of equally long rows of finite numbers", test: (v) => Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length === (v[0] as unknown[]).length && r.length > 0 && r.every((x) => typeof x === "number" && Number.isFinite(x))) }],
  clusterStd: { kind: "float", min: 0 },
  centerBox: { kind: "custom", describe: "a pair [low, high] with low < high", test: (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isFinite(x)) && (v[0] as number) < (v[1] as number) },
  shuffle: bool,
  randomState,
};

export interface MakeMoonsOptions {
  nSamples?: number;
  /** Standard deviation of Gaussian noise added to the points. */
  noise?: number;
  shuffle?: boolean;
  randomState?: RandomState;
}

const moonsRules: Record<keyof Required<MakeMoonsOptions>, Rule | Rule[]> = { nSamples: int(1), noise: { kind: "float", min: 0 }, shuffle: bool, randomState };

/** Options must be an object (a number where { nSamples } was meant is refused, not ignored). */
function checkObject(owner: string, options: unknown): Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InputError(`${owner} takes an options object such as { nSamples: 100 }; got ${Array.isArray(options) ? "an array" : String(options)}.`);
  }
  return options as Record<string, unknown>;
}

/**
 * Isotropic Gaussian blobs (scikit-learn's make_blobs): `centers` random in `centerBox`, or given.
 * @example makeBlobs({ nSamples: 300, centers: 3, clusterStd: 0.8, randomState: 1 })
 */
export function makeBlobs(options: MakeBlobsOptions = {}): Generated & { centers: number[][] } {
  validateParams("makeBlobs", blobsRules, checkObject("makeBlobs", options));
  const n = options.nSamples ?? 100;
  const rng = checkRandomState(options.randomState);
  const [lo, hi] = options.centerBox ?? [-10, 10];
  const d = Array.isArray(options.centers) ? options.centers[0]!.length : options.nFeatures ?? 2;
  const centers = Array.isArray(options.centers) ? options.centers : Array.from({ length: options.centers ?? 3 }, () => Array.from({ length: d }, () => lo + (hi - lo) * rng.random()));
  const std = options.clusterStd ?? 1;
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  let i = 0;
  centers.forEach((c, ci) => {
    const count = Math.floor(n / centers.length) + (ci < n % centers.length ? 1 : 0);
    for (let s = 0; s < count; s++, i++) {
      y[i] = ci;
      for (let j = 0; j < d; j++) X[i * d + j] = c[j]! + std * rng.normal();
    }
  });
  if (options.shuffle ?? true) shuffleRows(X, y, n, d, rng);
  return { X: { data: X, rows: n, cols: d }, y, centers };
}

/**
 * Two interleaving half circles (scikit-learn's make_moons), with Gaussian `noise`.
 * @example makeMoons({ nSamples: 200, noise: 0.1, randomState: 0 })
 */
export function makeMoons(options: MakeMoonsOptions = {}): Generated {
  validateParams("makeMoons", moonsRules, checkObject("makeMoons", options));
  const n = options.nSamples ?? 100;
  const rng = checkRandomState(options.randomState);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const X = new Float64Array(n * 2);
  const y = new Int32Array(n);
  const at = (m: number, i: number) => (m > 1 ? (Math.PI * i) / (m - 1) : 0);
  for (let i = 0; i < nOut; i++) {
    X[2 * i] = Math.cos(at(nOut, i));
    X[2 * i + 1] = Math.sin(at(nOut, i));
  }
  for (let i = 0; i < nIn; i++) {
    const r = nOut + i;
    X[2 * r] = 1 - Math.cos(at(nIn, i));
    X[2 * r + 1] = 1 - Math.sin(at(nIn, i)) - 0.5;
    y[r] = 1;
  }
  if (options.shuffle ?? true) shuffleRows(X, y, n, 2, rng);
  if (options.noise) for (let i = 0; i < X.length; i++) X[i]! += options.noise * rng.normal();
  return { X: { data: X, rows: n, cols: 2 }, y };
}
