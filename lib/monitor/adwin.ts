/** ADWIN, adaptive windowing (Bifet and Gavaldà 2007), with River's parameters and defaults. */
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { DriftDetectorBase } from "./drift-detector.js";

export interface ADWINOptions {
  /** Confidence of the cut test: smaller is more conservative. */
  delta?: number;
  /** Test for a cut every `clock` items. */
  clock?: number;
  /** Fewest items on either side of a cut. */
  minWindowLength?: number;
  /** Items before the first test. */
  gracePeriod?: number;
}

const DEFAULTS = { delta: 0.002, clock: 32, minWindowLength: 5, gracePeriod: 10 } as const satisfies Required<ADWINOptions>;
const RULES = {
  delta: { kind: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true },
  clock: { kind: "int", min: 1 },
  minWindowLength: { kind: "int", min: 1 },
  gracePeriod: { kind: "int", min: 0 },
} as const satisfies RulesFor<ADWINOptions>;

/**
 * Keeps the longest recent window whose two parts, at every split, have means within a bound set by `delta`;
 * when a split breaks it, drift is reported, and the next update starts a fresh window (River's reset). The
 * window is kept exactly (River compresses it into exponential buckets, an approximation of the same test);
 * checks run every `clock` items once more than `gracePeriod` items are in.
 * @example
 * const adwin = new ADWIN();
 * for (const [i, x] of stream.entries()) if (adwin.update(x).driftDetected) console.log(`change at ${i}`);
 */
export class ADWIN extends DriftDetectorBase<ADWINOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  private window: number[] = [];
  private tick = 0;

  constructor(options: ADWINOptions = {}) {
    super(options);
    this.resetState();
  }

  /** Items in the current window. */
  get width(): number {
    return this.window.length;
  }

  /** Sum of the current window. */
  get total(): number {
    return this.window.reduce((a, b) => a + b, 0);
  }

  /** Sum of squared deviations from the window's mean (River's `variance`, not divided by the width). */
  get variance(): number {
    const mean = this.estimation;
    return this.window.reduce((a, v) => a + (v - mean) ** 2, 0);
  }

  /** Mean of the current window (0 when empty, as River's). */
  get estimation(): number {
    return this.window.length === 0 ? 0 : this.total / this.window.length;
  }

  protected resetState(): void {
    this.window = [];
    this.tick = 0;
  }

  protected getDetectorState(): Record<string, unknown> {
    return { window: Float64Array.from(this.window), tick: this.tick };
  }

  protected setDetectorState(state: Record<string, unknown>): void {
    this.window = Array.from(state.window as Float64Array);
    this.tick = state.tick as number;
  }

  protected step(x: number): boolean {
    const { delta, clock, minWindowLength, gracePeriod } = this.params;
    this.window.push(x);
    this.tick++;
    if (this.tick % clock !== 0 || this.window.length <= gracePeriod) return false;
    let detected = false;
    // Drop the oldest part while some split of what is left still shows a change (River's inner loop).
    for (let cut = this.findCut(delta, minWindowLength); cut > 0; cut = this.findCut(delta, minWindowLength)) {
      detected = true;
      this.window = this.window.slice(cut);
    }
    return detected;
  }

  /** The first split (oldest first) whose two means differ by more than the bound, or -1. */
  private findCut(delta: number, minWindowLength: number): number {
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
    let u0 = 0;
    for (let n0 = 1; n0 < n; n0++) {
      u0 += w[n0 - 1]!;
      const n1 = n - n0;
      if (n0 < minWindowLength || n1 < minWindowLength) continue;
      const m = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
      const eps = Math.sqrt(2 * m * variance * dd) + (2 / 3) * dd * m;
      if (Math.abs(u0 / n0 - (total - u0) / n1) > eps) return n0;
    }
    return -1;
  }
}

registerModel("ADWIN", ADWIN, { testParams: (): OptionsOf<typeof ADWIN> => ({ delta: 0.01, clock: 8 }) });
