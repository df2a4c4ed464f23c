/** Noise injection for tabular data: extra copies of the training rows with Gaussian noise on each feature. */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";

type Dense = { data: Float64Array; rows: number; cols: number };

export interface NoiseInjectionOptions {
  /** How many noisy copies of each row to add (default 1). */
  copies?: number;
  /** Noise standard deviation as a share of each feature's standard deviation (default 0.1). */
  scale?: number;
  /** Only rows of these labels get copies (default: all), e.g. the minority class. */
  labels?: readonly number[];
  randomState?: RandomState;
}

/**
 * The rows of `X` followed by `copies` noisy copies (x + N(0, (scale · σ_j)²) per feature j, σ_j over X), and
 * the labels to match: the simplest tabular augmentation (Bishop, 1995, showed it acts as a regulariser).
 * @example const { X: Xa, y: ya } = noiseInjection(X, y, { copies: 2, scale: 0.1, labels: [1], randomState: 0 });
 */
export function noiseInjection(X: Dense, y: ArrayLike<number>, options: NoiseInjectionOptions = {}): { X: Dense; y: Int32Array } {
  if (!X || !(X.data instanceof Float64Array) || !Number.isInteger(X.rows) || !Number.isInteger(X.cols) || X.data.length !== X.rows * X.cols) {
    throw new InputError(`noiseInjection: 'X' must be { data: Float64Array, rows, cols } with rows * cols values; got ${X && typeof X === "object" ? `rows ${String(X.rows)}, cols ${String(X.cols)}` : typeof X}.`);
  }
  if (!y || y.length !== X.rows) throw new InputError(`noiseInjection: 'y' must have one label per row of X (${X.rows}); got ${y ? y.length : String(y)}.`);
  const copies = options.copies ?? 1;
  const scale = options.scale ?? 0.1;
  if (!Number.isInteger(copies) || copies < 0) throw new InputError(`noiseInjection: 'copies' must be an integer >= 0; got ${String(copies)}.`);
  if (typeof scale !== "number" || !(scale >= 0) || !Number.isFinite(scale)) throw new InputError(`noiseInjection: 'scale' must be a finite number >= 0; got ${String(scale)}.`);
  const wanted = options.labels === undefined ? null : new Set(options.labels);
  const rng = checkRandomState(options.randomState);
  const { rows, cols, data } = X;
  const sd = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j]!;
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (data[i * cols + j]! - mean) ** 2;
    sd[j] = Math.sqrt(ss / rows);
  }
  const chosen: number[] = [];
  for (let i = 0; i < rows; i++) if (!wanted || wanted.has(y[i]!)) chosen.push(i);
  const total = rows + copies * chosen.length;
  const out = new Float64Array(total * cols);
  out.set(data);
  const labels = new Int32Array(total);
  for (let i = 0; i < rows; i++) labels[i] = y[i]!;
  let r = rows;
  for (let c = 0; c < copies; c++) {
    for (const i of chosen) {
      for (let j = 0; j < cols; j++) out[r * cols + j] = data[i * cols + j]! + scale * sd[j]! * rng.normal();
      labels[r++] = y[i]!;
    }
  }
  return { X: { data: out, rows: total, cols }, y: labels };
}
