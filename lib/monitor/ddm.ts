/** DDM, the drift detection method of Gama et al. (2004), with River's parameters and defaults. */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { DriftDetectorBase } from "./drift-detector.js";

export interface DDMOptions {
  /** Items before any alarm (River's warm_start). */
  warmStart?: number;
  warningThreshold?: number;
  driftThreshold?: number;
}

const DEFAULTS = { warmStart: 30, warningThreshold: 2, driftThreshold: 3 } as const satisfies Required<DDMOptions>;
const RULES = {
  warmStart: { kind: "int", min: 0 },
  warningThreshold: { kind: "float", min: 0, minExclusive: true },
  driftThreshold: { kind: "float", min: 0, minExclusive: true },
} as const satisfies RulesFor<DDMOptions>;

/**
 * DDM on a stream of 0/1 errors: an alarm when the error rate plus its standard deviation rises
 * `driftThreshold` deviations above its best value; `warningDetected` at `warningThreshold`.
 * @example
 * const ddm = new DDM();
 * for (const err of errors) if (ddm.update(err).driftDetected) console.log("drift");
 */
export class DDM extends DriftDetectorBase<DDMOptions> {
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }
  warningDetected = false;
  private n = 0;
  private p = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;

  constructor(options: DDMOptions = {}) {
    super(options);
    this.resetState();
  }

  protected override checkValue(x: number): void {
    if (x !== 0 && x !== 1) throw new InputError(`DDM.update: x must be 0 or 1 (a prediction error); got ${String(x)}.`);
  }

  protected resetState(): void {
    this.n = 0;
    this.p = 0;
    this.pMin = this.sMin = this.psMin = Infinity;
    this.warningDetected = false;
  }

  protected getDetectorState(): Record<string, unknown> {
    // The minima start at Infinity, which JSON cannot hold: null stands for it.
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    return { n: this.n, p: this.p, pMin: finite(this.pMin), sMin: finite(this.sMin), psMin: finite(this.psMin), warningDetected: this.warningDetected };
  }

  protected setDetectorState(state: Record<string, unknown>): void {
    const read = (v: unknown) => (v === null ? Infinity : (v as number));
    this.n = state.n as number;
    this.p = state.p as number;
    this.pMin = read(state.pMin);
    this.sMin = read(state.sMin);
    this.psMin = read(state.psMin);
    this.warningDetected = state.warningDetected === true;
  }

  protected step(x: number): boolean {
    const { warmStart, warningThreshold, driftThreshold } = this.params;
    this.n++;
    this.p += (x - this.p) / this.n;
    const s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    this.warningDetected = false;
    if (this.n <= warmStart) return false;
    if (this.p + s <= this.psMin) {
      this.pMin = this.p;
      this.sMin = s;
      this.psMin = this.p + s;
    }
    if (this.p + s > this.pMin + driftThreshold * this.sMin) return true;
    this.warningDetected = this.p + s > this.pMin + warningThreshold * this.sMin;
    return false;
  }
}

registerModel("DDM", DDM, { testParams: (): OptionsOf<typeof DDM> => ({ warmStart: 20 }) });
