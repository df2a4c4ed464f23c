/** KSWIN, Kolmogorov–Smirnov windowing (Raab et al. 2020), with River's parameters and defaults. */
import { InputError, InvalidParameterError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { checkRandomState, Random, type RandomSnapshot, type RandomState } from "../core/random.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { ks2Samp } from "./ks.js";
import { DriftDetectorBase } from "./drift-detector.js";

export interface KSWINOptions {
  /** Significance of the KS test; River advises below 0.01. */
  alpha?: number;
  windowSize?: number;
  /** Size of the recent part tested against a sample of the older part. */
  statSize?: number;
  /** A seed (each reset reseeds with it, as River's), a shared generator, or null / nothing (fresh entropy, River's seed=None). */
  randomState?: RandomState;
}

const DEFAULTS = { alpha: 0.005, windowSize: 100, statSize: 30, randomState: null } as const satisfies Required<KSWINOptions>;
const RULES = {
  alpha: { kind: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true },
  windowSize: { kind: "int", min: 2 },
  statSize: { kind: "int", min: 1 },
  randomState: { kind: "randomState" },
} as const satisfies RulesFor<KSWINOptions>;

/**
 * Once `windowSize` values are in, every update compares the newest `statSize` values with `statSize` drawn
 * at random from the older part by the two-sample KS test (exact p-value); an alarm when p <= `alpha` and the
 * statistic exceeds 0.1, and the next update starts again from an empty window (River's reset). The draw
 * follows Python's `random.sample`, so with a Mersenne Twister it picks what River picks. It tests at every
 * step, so at alpha 0.005 a long stationary stream still sees occasional false alarms; lower alpha for fewer.
 * Its JSON holds the generator's position, so a saved and loaded KSWIN draws, and alarms, as the original would
 * have (a shared generator is saved by value: the loaded detector draws from its own copy).
 * @example
 * const kswin = new KSWIN({ alpha: 1e-4, randomState: 42 });
 * for (const [i, x] of stream.entries()) if (kswin.update(x).driftDetected) console.log(`change at ${i}`);
 */
export class KSWIN extends DriftDetectorBase<KSWINOptions> {
  get rules() {
    return RULES;
  }
  get defaults(): Required<KSWINOptions> {
    return DEFAULTS;
  }
  /** The last test's p-value (0 before the window first fills, as River's). */
  pValue = 0;
  private window: number[] = [];
  private rng!: Random;

  constructor(options: KSWINOptions = {}) {
    super(options);
    this.resetState();
  }

  /** The rules, then the one check across options (River's KSWIN asserts the same). */
  protected override validate(): Required<KSWINOptions> {
    const params = super.validate();
    if (params.windowSize < 2 * params.statSize) {
      throw new InvalidParameterError(`KSWIN: windowSize must be at least twice statSize, so the older part can supply statSize values; got windowSize ${params.windowSize}, statSize ${params.statSize}.`);
    }
    return params;
  }

  protected resetState(): void {
    this.pValue = 0;
    this.window = [];
    const seed = this.params.randomState;
    // A seed reseeds (River's random.Random(self.seed)); a shared generator carries on.
    if (this.rng === undefined || typeof seed === "number") this.rng = checkRandomState(seed);
  }

  protected getDetectorState(): Record<string, unknown> {
    // Only the library's own generator can be restored; a subclass may draw from a state it does not expose.
    if (Object.getPrototypeOf(this.rng) !== Random.prototype) {
      throw new InputError(`KSWIN cannot save its randomState, a ${this.rng.constructor.name}: only a seed, null or an mlsd Random can be saved and resumed.`);
    }
    return { window: Float64Array.from(this.window), pValue: this.pValue, rng: this.rng.getState() };
  }

  protected setDetectorState(state: Record<string, unknown>): void {
    this.window = Array.from(state.window as Float64Array);
    this.pValue = state.pValue as number;
    this.rng = new Random(0).setState(state.rng as RandomSnapshot);
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

registerModel("KSWIN", KSWIN, { testParams: (): OptionsOf<typeof KSWIN> => ({ alpha: 0.001, windowSize: 60, statSize: 20, randomState: 0 }) });
