/** KSWIN, Kolmogorov–Smirnov windowing (Raab et al. 2020), with River's parameters and defaults. */
import { InvalidParameterError } from "../core/errors.js";
import { checkRandomState, Random, type RandomState } from "../core/random.js";
import { ks2Samp } from "./ks.js";
import { DriftDetectorBase, type DetectorRules, type Resolved } from "./drift-detector.js";

export interface KSWINOptions {
  /** Significance of the KS test; River advises below 0.01. */
  alpha?: number;
  windowSize?: number;
  /** Size of the recent part tested against a sample of the older part. */
  statSize?: number;
  /** A seed (each reset reseeds with it, as River's), a shared generator, or nothing (fresh entropy). */
  randomState?: RandomState;
}

const defaults: Resolved<KSWINOptions> = { alpha: 0.005, windowSize: 100, statSize: 30, randomState: undefined };
const rules: DetectorRules<KSWINOptions> = {
  alpha: { kind: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true },
  windowSize: { kind: "int", min: 2 },
  statSize: { kind: "int", min: 1 },
  randomState: { kind: "randomState" },
};

/**
 * Once `windowSize` values are in, every update compares the newest `statSize` values with `statSize` drawn
 * at random from the older part by the two-sample KS test (exact p-value); an alarm when p <= `alpha` and the
 * statistic exceeds 0.1, and the next update starts again from an empty window (River's reset). The draw
 * follows Python's `random.sample`, so with a Mersenne Twister it picks what River picks. It tests at every
 * step, so at alpha 0.005 a long stationary stream still sees occasional false alarms; lower alpha for fewer.
 * @example
 * const kswin = new KSWIN({ alpha: 1e-4, randomState: 42 });
 * for (const [i, x] of stream.entries()) if (kswin.update(x).driftDetected) console.log(`change at ${i}`);
 */
export class KSWIN extends DriftDetectorBase<KSWINOptions> {
  static readonly defaults = defaults;
  static readonly rules = rules;
  /** The last test's p-value (0 before the window first fills, as River's). */
  pValue = 0;
  private window: number[] = [];
  private rng!: Random;

  constructor(options: KSWINOptions = {}) {
    super(options, defaults, rules);
    if (this.params.windowSize < 2 * this.params.statSize) {
      throw new InvalidParameterError(`KSWIN: windowSize must be at least twice statSize, so the older part can supply statSize values; got windowSize ${this.params.windowSize}, statSize ${this.params.statSize}.`);
    }
    this.resetState();
  }

  protected resetState(): void {
    this.pValue = 0;
    this.window = [];
    const seed = this.params.randomState;
    // A seed reseeds (River's random.Random(self.seed)); a shared generator carries on.
    if (this.rng === undefined || typeof seed === "number") this.rng = checkRandomState(seed);
  }

  protected step(x: number): boolean {
    const { alpha, windowSize, statSize } = this.params;
    this.window.push(x);
    if (this.window.length > windowSize) this.window.shift();
    if (this.window.length < windowSize) return false;
    const older = windowSize - statSize;
    const sample = pythonSample(this.rng, older, statSize).map((p) => this.window[p]!);
    const recent = this.window.slice(older);
    const { statistic, pValue } = ks2Samp(sample, recent);
    this.pValue = pValue;
    return pValue <= alpha && statistic > 0.1;
  }
}

/** CPython's `random.sample(range(n), k)`: the same draws from the same 32-bit stream. */
function pythonSample(rng: Random, n: number, k: number): number[] {
  // _randbelow: the fewest bits that hold n - 1, redrawn until below n.
  const below = (m: number) => {
    const bits = 32 - Math.clz32(m);
    for (;;) {
      const r = rng.nextUint32() >>> (32 - bits);
      if (r < m) return r;
    }
  };
  let setsize = 21;
  if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
  const out = new Array<number>(k);
  if (n <= setsize) {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = below(n - i);
      out[i] = pool[j]!;
      pool[j] = pool[n - i - 1]!;
    }
  } else {
    const selected = new Set<number>();
    for (let i = 0; i < k; i++) {
      let j = below(n);
      while (selected.has(j)) j = below(n);
      selected.add(j);
      out[i] = j;
    }
  }
  return out;
}
