/**
 * Federated averaging (McMahan et al. 2017, FedAvg) over simulated clients, on a softmax regression so rounds
 * are cheap: IID and Dirichlet-skewed label splits (Hsu et al. 2019), client sampling and dropout, accuracy by
 * round and the bytes each round sends, beside centralised training on the pooled data.
 */
import { checkRandomState, type Random, type RandomState } from "../core/index.js";
import { checkNumber, describe } from "./check.js";

/** Gamma(shape, 1) by Marsaglia and Tsang, boosted for shape < 1. */
function gamma(rng: Random, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.random() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function checkLabels(fn: string, y: unknown): number[] {
  if (!Array.isArray(y) || y.length === 0) throw new RangeError(`${fn}: 'y' must be a non-empty array of class indices; got ${describe(y)}`);
  for (const v of y) if (!Number.isInteger(v) || v < 0) throw new RangeError(`${fn}: every label in 'y' must be an integer >= 0; got ${describe(v)}`);
  return y as number[];
}

/**
 * Splits row indices among clients: IID (shuffled, equal shares) when `alpha` is omitted, otherwise each class's
 * rows are divided by proportions drawn from Dirichlet(alpha): small alpha gives each client few labels.
 * @example splitClients([0, 1, 0, 1], 2, { randomState: 0 })
 */
export function splitClients(y: readonly number[], nClients: number, options: { alpha?: number; randomState?: RandomState } = {}): number[][] {
  const fn = "splitClients";
  const labels = checkLabels(fn, y);
  checkNumber(fn, "nClients", nClients, { min: 1, max: labels.length, integer: true });
  const rng = checkRandomState(options.randomState);
  const clients: number[][] = Array.from({ length: nClients }, () => []);
  const shuffle = (a: number[]) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = rng.randint(i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  if (options.alpha === undefined) {
    shuffle(labels.map((_, i) => i)).forEach((row, k) => clients[k % nClients]!.push(row));
    return clients;
  }
  const alpha = checkNumber(fn, "alpha", options.alpha, { min: 0, minExclusive: true });
  const nClasses = Math.max(...labels) + 1;
  for (let c = 0; c < nClasses; c++) {
    const rows = shuffle(labels.flatMap((v, i) => (v === c ? [i] : [])));
    const p = Array.from({ length: nClients }, () => gamma(rng, alpha));
    const total = p.reduce((a, b) => a + b, 0);
    let start = 0;
    let acc = 0;
    p.forEach((pk, k) => {
      acc += pk / total;
      const end = k === nClients - 1 ? rows.length : Math.round(acc * rows.length);
      clients[k]!.push(...rows.slice(start, end));
      start = end;
    });
  }
  return clients;
}

/** Softmax regression weights: nClasses x (nFeatures + 1), the last column the intercept. */
type Weights = Float64Array;

function localSgd(w: Weights, X: readonly (readonly number[])[], y: readonly number[], rows: readonly number[], nClasses: number, epochs: number, lr: number, batchSize: number, rng: Random): void {
  const p = X[0]!.length + 1;
  const order = rows.slice();
  const z = new Float64Array(nClasses);
  const g = new Float64Array(w.length);
  for (let e = 0; e < epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.randint(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let b = 0; b < order.length; b += batchSize) {
      g.fill(0);
      const batch = order.slice(b, b + batchSize);
      for (const r of batch) {
        const x = X[r]!;
        let max = -Infinity;
        for (let c = 0; c < nClasses; c++) {
          let s = w[c * p + p - 1]!;
          for (let f = 0; f < p - 1; f++) s += w[c * p + f]! * x[f]!;
          z[c] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let c = 0; c < nClasses; c++) sum += (z[c] = Math.exp(z[c]! - max));
        for (let c = 0; c < nClasses; c++) {
          const d = z[c]! / sum - (y[r] === c ? 1 : 0);
          for (let f = 0; f < p - 1; f++) g[c * p + f]! += d * x[f]!;
          g[c * p + p - 1]! += d;
        }
      }
      for (let k = 0; k < w.length; k++) w[k]! -= (lr * g[k]!) / batch.length;
    }
  }
}

function accuracy(w: Weights, X: readonly (readonly number[])[], y: readonly number[], nClasses: number): number {
  const p = X[0]!.length + 1;
  let right = 0;
  X.forEach((x, r) => {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < nClasses; c++) {
      let s = w[c * p + p - 1]!;
      for (let f = 0; f < p - 1; f++) s += w[c * p + f]! * x[f]!;
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    if (best === y[r]) right++;
  });
  return right / X.length;
}

export interface FederatedOptions {
  /** Each client's row indices into X (from `splitClients`). */
  clients: readonly (readonly number[])[];
  XTest: readonly (readonly number[])[];
  yTest: readonly number[];
  rounds?: number;
  /** Fraction of clients asked to train each round (FedAvg's C). */
  fraction?: number;
  /** Probability that an asked client drops before reporting. */
  dropout?: number;
  localEpochs?: number;
  batchSize?: number;
  learningRate?: number;
  randomState?: RandomState;
}

export interface FederatedRound {
  round: number;
  accuracy: number;
  /** Clients whose updates were averaged this round. */
  reported: number;
  /** Bytes sent so far, both ways: the float32 model down to every asked client and up from every reporter. */
  bytesSent: number;
}

/**
 * FedAvg: each round, a fraction of clients starts from the global model, runs local SGD, and the server
 * averages the reported models weighted by client size; dropped clients send nothing and are left out.
 * @example federatedAveraging(X, y, { clients: splitClients(y, 10, { randomState: 0 }), XTest, yTest, rounds: 5 })
 */
export function federatedAveraging(X: readonly (readonly number[])[], y: readonly number[], options: FederatedOptions): { history: FederatedRound[]; weights: Float64Array } {
  const fn = "federatedAveraging";
  if (!Array.isArray(X) || X.length === 0 || !Array.isArray(X[0])) throw new RangeError(`${fn}: 'X' must be a non-empty array of rows; got ${describe(X)}`);
  const labels = checkLabels(fn, y);
  if (labels.length !== X.length) throw new RangeError(`${fn}: 'y' must have one label per row of 'X' (${X.length}); got ${labels.length}`);
  if (typeof options !== "object" || options === null) throw new TypeError(`${fn}: 'options' must be an object; got ${describe(options)}`);
  const { clients, XTest, yTest } = options;
  if (!Array.isArray(clients) || clients.length === 0) throw new RangeError(`${fn}: 'clients' must be a non-empty array of row-index arrays; got ${describe(clients)}`);
  for (const c of clients) for (const r of c) if (!Number.isInteger(r) || r < 0 || r >= X.length) throw new RangeError(`${fn}: 'clients' holds row ${describe(r)}, outside [0, ${X.length - 1}]`);
  if (!Array.isArray(XTest) || XTest.length === 0 || !Array.isArray(yTest) || yTest.length !== XTest.length) throw new RangeError(`${fn}: 'XTest' and 'yTest' must be non-empty and the same length; got ${describe(XTest)} and ${describe(yTest)}`);
  const rounds = checkNumber(fn, "rounds", options.rounds ?? 20, { min: 1, integer: true });
  const fraction = checkNumber(fn, "fraction", options.fraction ?? 1, { min: 0, max: 1, minExclusive: true });
  const dropout = checkNumber(fn, "dropout", options.dropout ?? 0, { min: 0, max: 1, maxExclusive: true });
  const localEpochs = checkNumber(fn, "localEpochs", options.localEpochs ?? 1, { min: 1, integer: true });
  const batchSize = checkNumber(fn, "batchSize", options.batchSize ?? 10, { min: 1, integer: true });
  const lr = checkNumber(fn, "learningRate", options.learningRate ?? 0.1, { min: 0, minExclusive: true });
  const rng = checkRandomState(options.randomState);
  const nClasses = Math.max(...labels, ...yTest) + 1;
  const p = X[0]!.length + 1;
  const global = new Float64Array(nClasses * p);
  const modelBytes = global.length * 4;
  const history: FederatedRound[] = [];
  let bytes = 0;
  const m = Math.max(1, Math.round(fraction * clients.length));
  for (let round = 1; round <= rounds; round++) {
    const ids = clients.map((_, i) => i);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = rng.randint(i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const asked = ids.slice(0, m);
    bytes += asked.length * modelBytes;
    const next = new Float64Array(global.length);
    let weightSum = 0;
    let reported = 0;
    for (const c of asked) {
      if (rng.random() < dropout || clients[c]!.length === 0) continue;
      const w = global.slice();
      localSgd(w, X, labels, clients[c]!, nClasses, localEpochs, lr, batchSize, rng);
      const nk = clients[c]!.length;
      for (let k = 0; k < w.length; k++) next[k]! += nk * w[k]!;
      weightSum += nk;
      reported++;
      bytes += modelBytes;
    }
    if (weightSum > 0) for (let k = 0; k < global.length; k++) global[k] = next[k]! / weightSum;
    history.push({ round, accuracy: accuracy(global, XTest, yTest, nClasses), reported, bytesSent: bytes });
  }
  return { history, weights: global };
}

/**
 * Centralised training of the same softmax regression on the pooled data, the baseline FedAvg is measured against.
 * @example centralisedAccuracy(X, y, XTest, yTest, { epochs: 5 })
 */
export function centralisedAccuracy(X: readonly (readonly number[])[], y: readonly number[], XTest: readonly (readonly number[])[], yTest: readonly number[], options: { epochs?: number; batchSize?: number; learningRate?: number; randomState?: RandomState } = {}): number {
  const fn = "centralisedAccuracy";
  if (!Array.isArray(X) || X.length === 0) throw new RangeError(`${fn}: 'X' must be a non-empty array of rows; got ${describe(X)}`);
  const labels = checkLabels(fn, y);
  if (labels.length !== X.length) throw new RangeError(`${fn}: 'y' must have one label per row of 'X' (${X.length}); got ${labels.length}`);
  const epochs = checkNumber(fn, "epochs", options.epochs ?? 5, { min: 1, integer: true });
  const batchSize = checkNumber(fn, "batchSize", options.batchSize ?? 10, { min: 1, integer: true });
  const lr = checkNumber(fn, "learningRate", options.learningRate ?? 0.1, { min: 0, minExclusive: true });
  const nClasses = Math.max(...labels, ...yTest) + 1;
  const w = new Float64Array(nClasses * (X[0]!.length + 1));
  localSgd(w, X, labels, labels.map((_, i) => i), nClasses, epochs, lr, batchSize, checkRandomState(options.randomState));
  return accuracy(w, XTest, yTest, nClasses);
}
