/**
 * The contract every model in the library stands on (scikit-learn's BaseEstimator): the constructor only
 * stores the options; each class declares one rule and one default per option; `getParams()` gives the
 * resolved values; `fit` validates; fitted state lives in `_`-suffixed fields; JSON saves and loads it.
 */
import { InputError, NotFittedError } from "./errors.js";
import { validateParams, type RulesFor } from "./params.js";
import { encode, type ModelJSON } from "./serialize.js";
import { checkArray, type CheckedMatrix } from "./validation.js";

/** Row-major float64 matrix, the working format inside the library. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Options with their `undefined` entries dropped (undefined means "the default"). */
function definedOnly<O extends object>(options: O): Partial<O> {
  const out: Partial<O> = {};
  for (const key of Object.keys(options) as (keyof O)[]) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

/** Nested estimators are copied unfitted (scikit-learn's clone is deep over estimator parameters). */
function cloneParam(value: unknown): unknown {
  if (value instanceof BaseEstimator) return value.clone();
  if (Array.isArray(value)) return value.map(cloneParam);
  return value;
}

/**
 * @example
 * class Constant extends BaseEstimator<{ value?: number }> {
 *   get rules() { return { value: { kind: "float" } } as const; }
 *   get defaults() { return { value: 0 }; }
 *   ...
 * }
 */
export abstract class BaseEstimator<O extends object> {
  /** The options as given (a copy: `setParams` never writes into the caller's object). */
  readonly options: O;
  /** Number of features seen by `fit`. */
  nFeaturesIn_?: number;

  /** One rule per option (typed, so a missing or stray rule fails to compile). */
  abstract get rules(): RulesFor<O>;
  /** One default per option, `null` where scikit-learn's is None. */
  abstract get defaults(): Required<O>;

  constructor(options?: O) {
    this.options = { ...options } as O;
  }

  /**
   * Every option with its value: the caller's where given, else the declared default (scikit-learn's get_params).
   * @example new DecisionTreeClassifier({ maxDepth: 3 }).getParams().minSamplesLeaf // 1
   */
  getParams(): Required<O> {
    return { ...this.defaults, ...definedOnly(this.options) };
  }

  /** Changes options (validated at the next `fit`); unknown names are refused now. */
  setParams(params: Partial<O>): this {
    for (const k of Object.keys(params)) {
      if (!(k in this.rules)) throw new InputError(`${this.constructor.name} got an unknown parameter '${k}'. Valid parameters are: ${Object.keys(this.rules).join(", ")}.`);
    }
    Object.assign(this.options, params);
    return this;
  }

  /** An unfitted copy with the same options, nested estimators copied too (scikit-learn's `clone`). */
  clone(): this {
    const Ctor = this.constructor as new (o: O) => this;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.options)) copy[k] = cloneParam(v);
    return new Ctor(copy as O);
  }

  /**
   * An unfitted copy with its own seed drawn from `rng` when it takes a `randomState` (ensemble members:
   * each gets a different but reproducible stream).
   */
  seededClone(rng: { nextUint32(): number }): this {
    const member = this.clone();
    if ("randomState" in this.rules) Object.assign(member.options, { randomState: rng.nextUint32() });
    return member;
  }

  /**
   * Checks the options, defaults included (as scikit-learn validates every parameter), against the rules and
   * gives them resolved; `fit` starts with this.
   */
  protected validate(): Required<O> {
    validateParams(this.constructor.name, this.rules, { ...this.defaults, ...(this.options as Record<string, unknown>) });
    return this.getParams();
  }

  protected isFitted(): boolean {
    return this.nFeaturesIn_ !== undefined;
  }

  protected checkFitted(): void {
    if (!this.isFitted()) throw new NotFittedError(this.constructor.name);
  }

  /** Reads `X` for prediction: fitted, and with the feature count seen in `fit`. */
  protected checkPredictX(X: unknown, finite: FiniteMode = "finite"): CheckedMatrix {
    this.checkFitted();
    const cx = checkFeatures(X, finite);
    if (cx.matrix.cols !== this.nFeaturesIn_) {
      throw new InputError(`X has ${cx.matrix.cols} features, but ${this.constructor.name} is expecting ${this.nFeaturesIn_} features as input.`);
    }
    return cx;
  }

  /** The fitted state to save; `setState` reads it back. */
  protected abstract getState(): Record<string, unknown>;
  abstract setState(state: Record<string, unknown>): void;

  /** JSON for `loadModel`; `JSON.stringify(model)` calls this. */
  toJSON(): ModelJSON {
    return { format: "mlsd-model", version: 1, type: this.constructor.name, options: encode(this.options), state: this.isFitted() ? encode({ nFeaturesIn_: this.nFeaturesIn_, ...this.getState() }) : null };
  }
}

/**
 * Which values X may hold besides finite numbers (scikit-learn's force_all_finite: True, "allow-nan", False).
 * "allow-nan" is for models with a missing-value path; "allow-all" for those that never compute on X or bin it.
 */
export type FiniteMode = "finite" | "allow-nan" | "allow-all";

/** `checkArray` with a `FiniteMode`. @example checkFeatures([[NaN]], "allow-nan").matrix.rows // 1 */
export function checkFeatures(X: unknown, finite: FiniteMode, options: { copy?: boolean; name?: string } = {}): CheckedMatrix {
  const cx = checkArray(X, options.name ?? "X", { finite: finite === "finite", ...(options.copy === undefined ? {} : { copy: options.copy }) });
  if (finite === "allow-nan") rejectInfinite(cx, options.name);
  return cx;
}

/** Refuses ±Infinity where NaN (a missing value) is allowed. */
export function rejectInfinite(cx: CheckedMatrix, name = "X"): void {
  const { data, cols } = cx.matrix;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (v === Infinity || v === -Infinity) throw new InputError(`${name} contains infinity at row ${Math.floor(k / cols)}, column ${k % cols}; only NaN (missing) is allowed besides finite values.`);
  }
}
