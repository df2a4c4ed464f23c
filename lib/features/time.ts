/**
 * Calendar features from timestamps, in UTC, with pandas' conventions (`dt.hour`, `dt.dayofweek` with Monday
 * 0, `dt.dayofyear` from 1, `dt.month` from 1), and the cyclical sine/cosine pairs of scikit-learn's
 * "time-related feature engineering" example, so 23:00 sits next to 00:00.
 */
import { InputError } from "../core/errors.js";
import { shown, withDefaults } from "./check.js";

export const TIME_FEATURES = ["year", "month", "dayOfMonth", "dayOfWeek", "dayOfYear", "hour", "minute", "isWeekend"] as const;
export type TimeFeature = (typeof TIME_FEATURES)[number];

/** The period of each cyclical feature (day of year: 365.25 days on average, as a year has). */
const PERIODS: Partial<Record<TimeFeature, number>> = { month: 12, dayOfWeek: 7, dayOfYear: 365.25, hour: 24, minute: 60 };

export interface TimeFeaturesOptions {
  features?: readonly TimeFeature[];
  /** Add `<name>_sin` and `<name>_cos` for month, dayOfWeek, dayOfYear, hour and minute (default false). */
  cyclical?: boolean;
}

function component(d: Date, f: TimeFeature): number {
  switch (f) {
    case "year":
      return d.getUTCFullYear();
    case "month":
      return d.getUTCMonth() + 1;
    case "dayOfMonth":
      return d.getUTCDate();
    case "dayOfWeek":
      return (d.getUTCDay() + 6) % 7;
    case "dayOfYear":
      return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    case "hour":
      return d.getUTCHours();
    case "minute":
      return d.getUTCMinutes();
    case "isWeekend":
      return d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 1 : 0;
  }
}

/** timeFeatures' declared defaults. */
const TIME_DEFAULTS: Required<TimeFeaturesOptions> = { features: ["month", "dayOfWeek", "hour"], cyclical: false };

/**
 * One row of features per timestamp (a Date or milliseconds since the epoch), with the column names.
 * @example timeFeatures([Date.UTC(2001, 0, 1, 6)], { features: ["hour", "dayOfWeek"] }) // { columns: ["hour", "dayOfWeek"], rows: [[6, 0]] }
 */
export function timeFeatures(times: readonly (Date | number)[], options: TimeFeaturesOptions = {}): { columns: string[]; rows: number[][] } {
  const o = withDefaults("timeFeatures", options, TIME_DEFAULTS);
  if (!Array.isArray(times)) throw new InputError(`timeFeatures: 'times' must be an array of Dates or epoch milliseconds; got ${shown(times)}.`);
  const features = o.features as TimeFeature[];
  if (!Array.isArray(features) || features.length === 0 || features.some((f) => !TIME_FEATURES.includes(f))) {
    throw new InputError(`timeFeatures: 'features' must be a non-empty list drawn from ${TIME_FEATURES.join(", ")}; got ${Array.isArray(features) ? JSON.stringify(features) : shown(features)}.`);
  }
  const cyclical = o.cyclical;
  if (typeof cyclical !== "boolean") throw new InputError(`timeFeatures: 'cyclical' must be a boolean; got ${shown(cyclical)}.`);
  const columns = features.flatMap((f) => (cyclical && PERIODS[f] ? [f, `${f}_sin`, `${f}_cos`] : [f]));
  const rows = times.map((t, i) => {
    const d = t instanceof Date ? t : typeof t === "number" ? new Date(t) : undefined;
    if (!d || Number.isNaN(d.getTime())) throw new InputError(`timeFeatures: times[${i}] must be a valid Date or epoch milliseconds; got ${shown(t)}.`);
    return features.flatMap((f) => {
      const v = component(d, f);
      const period = PERIODS[f];
      return cyclical && period ? [v, Math.sin((2 * Math.PI * v) / period), Math.cos((2 * Math.PI * v) / period)] : [v];
    });
  });
  return { columns, rows };
}
