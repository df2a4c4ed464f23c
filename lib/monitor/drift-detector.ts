/**
 * The base every streaming drift detector stands on (River's `base.DriftDetector`), itself on lib/core's
 * BaseEstimator: typed option rules, declared defaults, resolved `getParams`, `setParams`, `clone`, JSON through
 * the one model registry. `update(x)` first resets the detector if the previous update fired, then runs one
 * step; `driftDetected` reads the step's verdict. Options are checked when the detector is built, as River's
 * constructors do, and again by `setParams`.
 */
import { InputError } from "../core/errors.js";
import { BaseEstimator } from "../core/estimator.js";

/** What callers of a detector rely on. */
export interface DriftDetector {
  readonly driftDetected: boolean;
  update(x: number): this;
}

/**
 * Fire-then-reset: the update after a drift starts from a fresh state (River's `if self.drift_detected:
 * self._reset()`), so each change is reported once.
 * @example
 * class Threshold extends DriftDetectorBase<{ limit?: number }> {
 *   get rules() { return { limit: { kind: "float" } } as const; }
 *   get defaults() { return { limit: 1 }; }
 *   constructor(options: { limit?: number } = {}) { super(options); this.resetState(); }
 *   protected resetState(): void {}
 *   protected step(x: number): boolean { return x > this.params.limit; }
 *   protected getDetectorState() { return {}; }
 *   protected setDetectorState(): void {}
 * }
 * new Threshold().update(2).driftDetected // true; the next update starts from a fresh state
 */
export abstract class DriftDetectorBase<O extends object> extends BaseEstimator<O> implements DriftDetector {
  /** The options resolved against the class's defaults and checked (read on every update, so kept). */
  protected params: Readonly<Required<O>>;
  private detected = false;
  /** Whether any value came in since the detector was built (an untouched detector saves no state). */
  private started = false;

  constructor(options?: O) {
    super(options);
    this.params = this.validate();
  }

  /** True when the last update detected a change; the next update resets the detector. */
  get driftDetected(): boolean {
    return this.detected;
  }

  /**
   * Changes options, checked now (a bad value is refused by name and nothing changes), and starts the detector
   * afresh under them (as River's `clone(new_params)` gives a new detector).
   * @example new ADWIN().setParams({ delta: 0.01 }).getParams().delta // 0.01
   */
  override setParams(params: Partial<O>): this {
    const before = { ...this.options };
    super.setParams(params);
    try {
      this.params = this.validate();
    } catch (error) {
      const options = this.options as Record<string, unknown>;
      for (const k of Object.keys(options)) delete options[k];
      Object.assign(options, before);
      throw error;
    }
    return this.reset();
  }

  /** Feeds one value: resets after a drift, then runs the detector's step. */
  update(x: number): this {
    this.checkValue(x);
    if (this.detected) this.reset();
    this.started = true;
    this.detected = this.step(x);
    return this;
  }

  /** Forgets everything learned from the stream (River's `_reset`). */
  reset(): this {
    this.detected = false;
    this.resetState();
    return this;
  }

  /** A detector has state to save once a value came in (until then its JSON state is null, as an unfitted model's). */
  protected override isFitted(): boolean {
    return this.started;
  }

  protected getState(): Record<string, unknown> {
    return { driftDetected: this.detected, ...this.getDetectorState() };
  }

  setState(state: Record<string, unknown>): void {
    this.started = true;
    this.detected = state.driftDetected === true;
    this.setDetectorState(state);
  }

  /** Refuses a value the detector cannot use; by default anything but a finite number. */
  protected checkValue(x: number): void {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(`${this.constructor.name}.update: x must be a finite number; got ${String(x)}.`);
  }

  /** Sets the detector's state to its initial values; called by the constructor of each subclass and by reset. */
  protected abstract resetState(): void;

  /** Takes one value in and says whether a drift is detected now. */
  protected abstract step(x: number): boolean;

  /** The stream state to save (window, sums, generator), JSON-safe or typed arrays. */
  protected abstract getDetectorState(): Record<string, unknown>;

  /** Restores what `getDetectorState` saved, so the loaded detector gives the same alarms from here on. */
  protected abstract setDetectorState(state: Record<string, unknown>): void;
}
