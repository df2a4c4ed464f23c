/**
 * Streaming drift detectors with River's parameters and defaults: `update(x)`, then read `driftDetected`.
 * A detector resets itself on the update after it fired, as River's do.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";
import { sampleIndices } from "../sampling/simple.js";
import { ks2Samp } from "./ks.js";

export interface DriftDetector {
  readonly driftDetected: boolean;
  update(x: number): this;
}

function finite(x: number, who: string): void {
  if (!Number.isFinite(x)) throw new InputError(`${who}.update: x must be a finite number; got ${x}.`);
}

/**
 * DDM (Gama et al. 2004) on a stream of 0/1 errors: alarm when error rate + its standard deviation rises
 * `driftThreshold` deviations above its best value; `warningDetected` at `warningThreshold`.
 */
export class DDM implements DriftDetector {
  driftDetected = false;
  warningDetected = false;
  private n = 0;
  private p = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;

  constructor(readonly options: { warmStart?: number; warningThreshold?: number; driftThreshold?: number } = {}) {}

  update(x: number): this {
    if (x !== 0 && x !== 1) throw new InputError(`DDM.update: x must be 0 or 1 (a prediction error); got ${x}.`);
    if (this.driftDetected) {
      this.n = 0;
      this.p = 0;
      this.pMin = this.sMin = this.psMin = Infinity;
    }
    const { warmStart = 30, warningThreshold = 2, driftThreshold = 3 } = this.options;
    this.n++;
    this.p += (Number(x) - this.p) / this.n;
    const s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    this.driftDetected = false;
    this.warningDetected = false;
    if (this.n > warmStart) {
      if (this.p + s <= this.psMin) {
        this.pMin = this.p;
        this.sMin = s;
        this.psMin = this.p + s;
      }
      if (this.p + s > this.pMin + driftThreshold * this.sMin) this.driftDetected = true;
      else if (this.p + s > this.pMin + warningThreshold * this.sMin) this.warningDetected = true;
    }
    return this;
  }
}

/**
 * ADWIN (Bifet and Gavaldà 2007): keeps the longest recent window whose two halves, at every split, have
 * means within a bound set by `delta`; when a split breaks it, the older part is dropped and drift reported.
 * This keeps the window exactly (River compresses it into exponential buckets, an approximation of the same
 * test); checks run every `clock` items once `gracePeriod` items are in.
 */
export class ADWIN implements DriftDetector {
  driftDetected = false;
  private window: number[] = [];
  private tick = 0;

  constructor(readonly options: { delta?: number; clock?: number; minWindowLength?: number; gracePeriod?: number } = {}) {
    if (options.delta !== undefined && !(options.delta > 0 && options.delta < 1)) throw new InputError(`ADWIN: delta must be in (0, 1); got ${options.delta}.`);
  }

  /** Items in the current window. */
  get width(): number {
    return this.window.length;
  }

  /** Mean of the current window. */
  get estimation(): number {
    return this.window.length === 0 ? 0 : this.window.reduce((a, b) => a + b, 0) / this.window.length;
  }

  update(x: number): this {
    finite(x, "ADWIN");
    const { delta = 0.002, clock = 32, minWindowLength = 5, gracePeriod = 10 } = this.options;
    this.window.push(x);
    this.tick++;
    this.driftDetected = false;
    if (this.tick % clock !== 0 || this.window.length <= gracePeriod) return this;
    for (;;) {
      const w = this.window;
      const n = w.length;
      let total = 0;
      let sq = 0;
      for (const v of w) {
        total += v;
        sq += v * v;
      }
      const variance = Math.max(0, sq / n - (total / n) ** 2);
      const dd = Math.log((2 * Math.log(n)) / delta);
      let cut = -1;
      let u0 = 0;
      for (let n0 = 1; n0 < n; n0++) {
        u0 += w[n0 - 1]!;
        const n1 = n - n0;
        if (n0 < minWindowLength || n1 < minWindowLength) continue;
        const m = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
        const eps = Math.sqrt(2 * m * variance * dd) + (2 / 3) * dd * m;
        if (Math.abs(u0 / n0 - (total - u0) / n1) > eps) {
          cut = n0;
          break;
        }
      }
      if (cut < 0) break;
      this.driftDetected = true;
      this.window = w.slice(cut);
    }
    return this;
  }
}

/**
 * Page–Hinkley (Page 1954) with River's parameters and defaults: cumulative deviations of x from its running
 * mean (minus `delta`, with forgetting `alpha`); an alarm when they rise (or fall, by `mode`) more than
 * `threshold` from their extreme. The threshold is in the stream's units: 50 suits values of order 1 with
 * small noise, as in River's example.
 */
export class PageHinkley implements DriftDetector {
  driftDetected = false;
  private n = 0;
  private mean = 0;
  private sumUp = 0;
  private minUp = Infinity;
  private sumDown = 0;
  private maxDown = -Infinity;

  constructor(readonly options: { minInstances?: number; delta?: number; threshold?: number; alpha?: number; mode?: "up" | "down" | "both" } = {}) {
    const { threshold = 50, alpha = 1 - 0.0001, mode = "both" } = options;
    if (!(threshold > 0)) throw new InputError(`PageHinkley: threshold must be > 0; got ${threshold}.`);
    if (!(alpha > 0 && alpha <= 1)) throw new InputError(`PageHinkley: alpha must be in (0, 1]; got ${alpha}.`);
    if (!["up", "down", "both"].includes(mode)) throw new InputError(`PageHinkley: mode must be "up", "down" or "both"; got ${JSON.stringify(mode)}.`);
  }

  update(x: number): this {
    finite(x, "PageHinkley");
    if (this.driftDetected) {
      this.n = 0;
      this.mean = 0;
      this.sumUp = this.sumDown = 0;
      this.minUp = Infinity;
      this.maxDown = -Infinity;
    }
    const { minInstances = 30, delta = 0.005, threshold = 50, alpha = 1 - 0.0001, mode = "both" } = this.options;
    this.n++;
    this.mean += (x - this.mean) / this.n;
    const dev = x - this.mean;
    this.sumUp = alpha * this.sumUp + dev - delta;
    this.sumDown = alpha * this.sumDown + dev + delta;
    this.minUp = Math.min(this.minUp, this.sumUp);
    this.maxDown = Math.max(this.maxDown, this.sumDown);
    this.driftDetected = false;
    if (this.n >= minInstances) {
      const up = this.sumUp - this.minUp > threshold;
      const down = this.maxDown - this.sumDown > threshold;
      this.driftDetected = (mode !== "down" && up) || (mode !== "up" && down);
    }
    return this;
  }
}

/**
 * KSWIN (Raab et al. 2020) with River's parameters and defaults: once `windowSize` values are in, every update
 * compares the newest `statSize` values with `statSize` drawn at random from the older part by the two-sample
 * Kolmogorov–Smirnov test (exact p-value); an alarm when p <= `alpha` and the statistic exceeds 0.1, after
 * which only the newest values are kept. It tests at every step, so at alpha 0.005 a long stationary stream
 * still sees occasional false alarms; lower alpha for fewer.
 */
export class KSWIN implements DriftDetector {
  driftDetected = false;
  pValue = 1;
  private window: number[] = [];
  private readonly rng: Random;

  constructor(readonly options: { alpha?: number; windowSize?: number; statSize?: number; randomState?: RandomState } = {}) {
    const { alpha = 0.005, windowSize = 100, statSize = 30 } = options;
    if (!(alpha > 0 && alpha < 1)) throw new InputError(`KSWIN: alpha must be in (0, 1); got ${alpha}.`);
    if (!(Number.isInteger(statSize) && statSize > 0 && Number.isInteger(windowSize) && windowSize >= 2 * statSize)) {
      throw new InputError(`KSWIN: windowSize must be an integer at least twice statSize; got windowSize ${windowSize}, statSize ${statSize}.`);
    }
    this.rng = checkRandomState(options.randomState);
  }

  update(x: number): this {
    finite(x, "KSWIN");
    const { alpha = 0.005, windowSize = 100, statSize = 30 } = this.options;
    this.window.push(x);
    if (this.window.length > windowSize) this.window.shift();
    this.driftDetected = false;
    if (this.window.length < windowSize) return this;
    const older = windowSize - statSize;
    // statSize distinct positions among the older values.
    const sample = Array.from(sampleIndices(older, statSize, { randomState: this.rng }), (p) => this.window[p]!);
    const recent = this.window.slice(older);
    const { statistic, pValue } = ks2Samp(sample, recent);
    this.pValue = pValue;
    if (pValue <= alpha && statistic > 0.1) {
      this.driftDetected = true;
      this.window = recent;
    }
    return this;
  }
}
