/**
 * The base every streaming drift detector stands on (River's `base.DriftDetector`): `update(x)` first resets
 * the detector if the previous update fired, then runs one step; `driftDetected` reads the step's verdict.
 * Options are declared once per class (`defaults`, `rules`) and checked when the detector is built, as River's
 * constructors do.
 */
import { InputError } from "../core/errors.js";
import { validateParams, type Rule } from "../core/params.js";

/** What callers of a detector rely on. */
export interface DriftDetector {
  readonly driftDetected: boolean;
  update(x: number): this;
}

/**
 * Options with their defaults filled in. `randomState` keeps `undefined` (fresh entropy is its default, as
 * River's seed=None).
 */
export type Resolved<O> = { [K in keyof Required<O>]: K extends "randomState" ? O[K] : Exclude<O[K], undefined> };

/** One rule per option: a missing or stray rule fails to compile. */
export type DetectorRules<O> = { [K in keyof Required<O>]: Rule | Rule[] };

/**
 * Fire-then-reset: the update after a drift starts from a fresh state (River's `if self.drift_detected:
 * self._reset()`), so each change is reported once.
 * @example
 * class Threshold extends DriftDetectorBase<{ limit?: number }> {
 *   constructor(options: { limit?: number } = {}) {
 *     super(options, { limit: 1 }, { limit: { kind: "float" } });
 *   }
 *   protected resetState(): void {}
 *   protected step(x: number): boolean {
 *     return x > this.params.limit;
 *   }
 * }
 * new Threshold().update(2).driftDetected // true; the next update starts from a fresh state
 */
export abstract class DriftDetectorBase<O extends object> implements DriftDetector {
  /** The options as given; `params` holds them resolved against the class's defaults. */
  readonly options: Readonly<O>;
  protected readonly params: Readonly<Resolved<O>>;
  private detected = false;

  constructor(options: O, defaults: Resolved<O>, rules: DetectorRules<O>) {
    validateParams(this.constructor.name, rules as Record<string, Rule | Rule[]>, { ...options } as Record<string, unknown>);
    this.options = options;
    this.params = { ...defaults, ...definedOnly(options) } as Resolved<O>;
  }

  /** True when the last update detected a change; the next update resets the detector. */
  get driftDetected(): boolean {
    return this.detected;
  }

  /** The resolved options (defaults filled in), as scikit-learn's get_params. */
  getParams(): Resolved<O> {
    return { ...this.params } as Resolved<O>;
  }

  /** Feeds one value: resets after a drift, then runs the detector's step. */
  update(x: number): this {
    this.checkValue(x);
    if (this.detected) this.reset();
    this.detected = this.step(x);
    return this;
  }

  /** Forgets everything learned from the stream (River's `_reset`). */
  reset(): this {
    this.detected = false;
    this.resetState();
    return this;
  }

  /** Refuses a value the detector cannot use; by default anything but a finite number. */
  protected checkValue(x: number): void {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(`${this.constructor.name}.update: x must be a finite number; got ${String(x)}.`);
  }

  /** Sets the detector's state to its initial values; called by the constructor of each subclass and by reset. */
  protected abstract resetState(): void;

  /** Takes one value in and says whether a drift is detected now. */
  protected abstract step(x: number): boolean;
}

function definedOnly<O extends object>(o: O): Partial<O> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<O>;
}
