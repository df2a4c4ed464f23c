/** The Page–Hinkley test (Page 1954) with River's parameters and defaults. */
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { DriftDetectorBase } from "./drift-detector.js";

export interface PageHinkleyOptions {
  minInstances?: number;
  delta?: number;
  threshold?: number;
  /** Forgetting factor of the cumulative sums. */
  alpha?: number;
  mode?: "up" | "down" | "both";
}

const DEFAULTS = { minInstances: 30, delta: 0.005, threshold: 50, alpha: 1 - 0.0001, mode: "both" } as const satisfies Required<PageHinkleyOptions>;
const RULES = {
  minInstances: { kind: "int", min: 1 },
  delta: { kind: "float", min: 0 },
  threshold: { kind: "float", min: 0, minExclusive: true },
  alpha: { kind: "float", min: 0, max: 1, minExclusive: true },
  mode: { kind: "enum", values: ["up", "down", "both"] },
} as const satisfies RulesFor<PageHinkleyOptions>;

/**
 * Cumulative deviations of x from its running mean (minus `delta`, with forgetting `alpha`); an alarm when
 * they rise (or fall, by `mode`) more than `threshold` from their extreme. The threshold is in the stream's
 * units: 50 suits values of order 1 with small noise, as in River's example.
 * @example
 * const ph = new PageHinkley({ threshold: 20, mode: "up" });
 * ph.update(0.1).driftDetected // false
 */
export class PageHinkley extends DriftDetectorBase<PageHinkleyOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  private n = 0;
  private mean = 0;
  private sumUp = 0;
  private minUp = Infinity;
  private sumDown = 0;
  private maxDown = -1;

  constructor(options: PageHinkleyOptions = {}) {
    super(options);
    this.resetState();
  }

  protected resetState(): void {
    this.n = 0;
    this.mean = 0;
    this.sumUp = this.sumDown = 0;
    this.minUp = Infinity;
    // River starts the decrease extreme at -1, not -infinity; kept, so alarms fall where River's do.
    this.maxDown = -1;
  }

  protected getDetectorState(): Record<string, unknown> {
    // minUp starts at Infinity, which JSON cannot hold: null stands for it.
    return { n: this.n, mean: this.mean, sumUp: this.sumUp, minUp: Number.isFinite(this.minUp) ? this.minUp : null, sumDown: this.sumDown, maxDown: this.maxDown };
  }

  protected setDetectorState(state: Record<string, unknown>): void {
    this.n = state.n as number;
    this.mean = state.mean as number;
    this.sumUp = state.sumUp as number;
    this.minUp = state.minUp === null ? Infinity : (state.minUp as number);
    this.sumDown = state.sumDown as number;
    this.maxDown = state.maxDown as number;
  }

  protected step(x: number): boolean {
    const { minInstances, delta, threshold, alpha, mode } = this.params;
    this.n++;
    this.mean += (x - this.mean) / this.n;
    const dev = x - this.mean;
    this.sumUp = alpha * this.sumUp + dev - delta;
    this.sumDown = alpha * this.sumDown + dev + delta;
    this.minUp = Math.min(this.minUp, this.sumUp);
    this.maxDown = Math.max(this.maxDown, this.sumDown);
    if (this.n < minInstances) return false;
    const up = this.sumUp - this.minUp > threshold;
    const down = this.maxDown - this.sumDown > threshold;
    return (mode !== "down" && up) || (mode !== "up" && down);
  }
}

registerModel("PageHinkley", PageHinkley, { testParams: (): OptionsOf<typeof PageHinkley> => ({ minInstances: 20, threshold: 20 }) });
