/** One feature pipeline over a batch and over a stream gives identical features. */
import { describe, expect, it } from "vitest";
import { loadFlights } from "../../../datasets/loaders.js";
import { featurePipeline, rowsOf } from "../../../lib/data/index.js";

type Flight = { delay: number; distance: number; time: number };

describe("featurePipeline", () => {
  const table = loadFlights().slice(0, 20_000);
  const features = featurePipeline<Flight>({
    hour: (r) => Math.floor(r.time),
    longHaul: (r) => (r.distance > 1000 ? "long" : "short"),
    delayPerMile: (r) => (r.distance > 0 ? r.delay / r.distance : null),
    // Point-in-time: the mean delay of the previous 50 flights in the same hour.
    recentDelayThisHour: { rolling: { key: (r) => Math.floor(r.time), value: (r) => r.delay, window: 50, agg: "mean" } },
    flightsSeenThisHour: { rolling: { key: (r) => Math.floor(r.time), value: () => 1, window: 1000, agg: "count" } },
  });

  it("gives the same features in batch (an Arrow table) and streaming (an async iterable of records)", async () => {
    const batch = features.batch(table);
    async function* events() {
      for (const r of rowsOf(table)) yield r as unknown as Flight;
    }
    const streamed: Record<string, unknown>[] = [];
    for await (const f of features.stream(events())) streamed.push(f);
    expect(streamed).toHaveLength(20_000);
    expect(rowsOf(batch)).toEqual(streamed);
    expect(batch.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(["hour:Float64", "longHaul:Utf8", "delayPerMile:Float64", "recentDelayThisHour:Float64", "flightsSeenThisHour:Float64"]);
    expect(streamed[0]!.recentDelayThisHour).toBeNull(); // nothing earlier: no leakage of the current delay
  });

  it("refuses malformed feature definitions", () => {
    expect(() => featurePipeline({})).toThrow("define at least one feature");
    expect(() => featurePipeline({ x: { rolling: { key: () => 1, value: () => 1, window: 0, agg: "mean" } } })).toThrow("feature 'x': window must be an integer >= 1; got 0.");
    expect(() => featurePipeline({ x: 3 as never })).toThrow("feature 'x' must be a function of the record");
  });
});
