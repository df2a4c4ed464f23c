/**
 * One feature definition for batch and stream. The notes warn that separate batch and streaming pipelines
 * drift apart; here both run the same per-record code, and stateful features (rolling aggregates per key) use
 * the same state machine, seeing only earlier records (point-in-time correct, no leakage from the future).
 */
import { Float64, Table, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { InputError } from "../core/errors.js";
import { rowsOf } from "./columns.js";

export type FeatureValue = number | string | null;
type Rec = Record<string, unknown>;

/** A rolling aggregate of `value` over the previous `window` records with the same `key`. */
export interface RollingSpec<R> {
  rolling: { key: (r: R) => string | number; value: (r: R) => number; window: number; agg: "mean" | "sum" | "count" | "min" | "max" };
}

export type FeatureSpec<R> = ((r: R) => FeatureValue) | RollingSpec<R>;

export interface FeaturePipeline<R> {
  readonly names: string[];
  /** Features of an Arrow table (or records), in row order, as an Arrow table. */
  batch(input: Table | readonly R[]): Table;
  /** Features of each record as it arrives. */
  stream(source: Iterable<R> | AsyncIterable<R>): AsyncGenerator<Record<string, FeatureValue>>;
}

/** Per rolling feature, the recent values of each key. */
type State = Map<string, Map<string | number, number[]>>;

function aggregate(values: number[], agg: RollingSpec<unknown>["rolling"]["agg"]): FeatureValue {
  if (agg === "count") return values.length;
  if (values.length === 0) return null;
  if (agg === "sum") return values.reduce((a, b) => a + b, 0);
  if (agg === "mean") return values.reduce((a, b) => a + b, 0) / values.length;
  return agg === "min" ? Math.min(...values) : Math.max(...values);
}

/**
 * @example
 * const features = featurePipeline({ hour: (r) => Math.floor(r.time), recentDelay: { rolling: { key: (r) => r.origin, value: (r) => r.delay, window: 10, agg: "mean" } } });
 * features.batch(table); for await (const f of features.stream(events)) serve(f);
 */
export function featurePipeline<R = Rec>(specs: Record<string, FeatureSpec<R>>): FeaturePipeline<R> {
  const names = Object.keys(specs);
  if (names.length === 0) throw new InputError("featurePipeline: define at least one feature.");
  for (const [name, spec] of Object.entries(specs)) {
    if (typeof spec === "function") continue;
    const r = (spec as RollingSpec<R>)?.rolling;
    if (!r || typeof r.key !== "function" || typeof r.value !== "function") throw new InputError(`featurePipeline: feature '${name}' must be a function of the record or { rolling: { key, value, window, agg } }.`);
    if (!(Number.isInteger(r.window) && r.window >= 1)) throw new InputError(`featurePipeline: feature '${name}': window must be an integer >= 1; got ${r.window}.`);
    if (!["mean", "sum", "count", "min", "max"].includes(r.agg)) throw new InputError(`featurePipeline: feature '${name}': agg must be mean, sum, count, min or max; got ${JSON.stringify(r.agg)}.`);
  }

  const one = (state: State, record: R): Record<string, FeatureValue> => {
    const out: Record<string, FeatureValue> = {};
    for (const name of names) {
      const spec = specs[name]!;
      if (typeof spec === "function") {
        const v = spec(record);
        out[name] = v === undefined || (typeof v === "number" && Number.isNaN(v)) ? null : v;
        continue;
      }
      const { key, value, window, agg } = spec.rolling;
      const byKey = state.get(name) ?? new Map<string | number, number[]>();
      state.set(name, byKey);
      const k = key(record);
      const recent = byKey.get(k) ?? [];
      out[name] = aggregate(recent, agg); // earlier records only
      const v = value(record);
      if (Number.isFinite(v)) {
        recent.push(v);
        if (recent.length > window) recent.shift();
      }
      byKey.set(k, recent);
    }
    return out;
  };

  return {
    names,
    batch(input) {
      const records: R[] = Array.isArray(input) ? [...(input as R[])] : rowsOf(input as Table) as R[];
      const state: State = new Map();
      const rows = records.map((r) => one(state, r));
      const columns: Record<string, Vector> = {};
      for (const name of names) {
        const values = rows.map((r) => r[name] ?? null);
        const text = values.some((v) => typeof v === "string");
        columns[name] = vectorFromArray(text ? values.map((v) => (v === null ? null : String(v))) : values, text ? new Utf8() : new Float64());
      }
      return new Table(columns);
    },
    async *stream(source) {
      const state: State = new Map();
      for await (const record of source as AsyncIterable<R>) yield one(state, record);
    },
  };
}
