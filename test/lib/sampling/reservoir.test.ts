/**
 * The notes' proof that reservoir sampling keeps every item with probability k/n, checked by simulation.
 * With R runs, an item's inclusion count is Binomial(R, k/n); we allow 5 standard deviations per item,
 * which all n items pass together with probability above 0.9999 if the sampler is right (seeded, so fixed).
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { ReservoirL, ReservoirR, WeightedReservoir, reservoirSample } from "../../../lib/sampling/index.js";

const n = 60;
const k = 6;
const runs = 20_000;
const p = k / n;
const tolerance = 5 * Math.sqrt((p * (1 - p)) / runs);

function frequencies(draw: (seed: number) => number[]): Float64Array {
  const hits = new Float64Array(n);
  for (let r = 0; r < runs; r++) for (const item of draw(r)) hits[item]!++;
  return hits.map((h) => h / runs);
}

const items = Array.from({ length: n }, (_, i) => i);

describe("reservoir sampling keeps each item with probability k/n", () => {
  for (const algorithm of ["R", "L"] as const) {
    it(`Algorithm ${algorithm} over an array`, () => {
      const f = frequencies((seed) => reservoirSample(items, k, { algorithm, randomState: seed }));
      for (const v of f) expect(Math.abs(v - p)).toBeLessThan(tolerance);
    });
    it(`Algorithm ${algorithm} over an iterable (no length known)`, () => {
      const f = frequencies((seed) => reservoirSample(items.values(), k, { algorithm, randomState: seed }));
      for (const v of f) expect(Math.abs(v - p)).toBeLessThan(tolerance);
    });
  }

  it("returns k distinct items, all of them when n <= k", () => {
    const s = reservoirSample(Int32Array.from({ length: 1000 }, (_, i) => i), 50, { randomState: 3 });
    expect(new Set(s).size).toBe(50);
    expect(reservoirSample([1, 2, 3], 5).sort()).toEqual([1, 2, 3]);
  });

  it("reads async iterables and Node streams", async () => {
    const fromStream = await reservoirSample(Readable.from(items), k, { randomState: 1 });
    expect(fromStream).toHaveLength(k);
    async function* gen() {
      for (const i of items) yield i;
    }
    expect(await reservoirSample(gen(), k, { randomState: 1 })).toEqual(fromStream);
  });

  it("Algorithm L draws far fewer random numbers than R on a long stream", () => {
    const counter = (rng: Random) => {
      let calls = 0;
      const orig = rng.nextUint32.bind(rng);
      rng.nextUint32 = () => (calls++, orig());
      return () => calls;
    };
    const big = new Float64Array(200_000);
    const rl = new Random(1);
    const cl = counter(rl);
    reservoirSample(big, 10, { algorithm: "L", randomState: rl });
    const rr = new Random(1);
    const cr = counter(rr);
    reservoirSample(big, 10, { algorithm: "R", randomState: rr });
    expect(cl()).toBeLessThan(cr() / 100);
  });

  it("stream consumers agree with the function", () => {
    const r = new ReservoirR<number>(k, { randomState: 5 });
    const l = new ReservoirL<number>(k, { randomState: 5 });
    for (const i of items) {
      r.add(i);
      l.add(i);
    }
    expect(r.sample).toEqual(reservoirSample(items.values(), k, { algorithm: "R", randomState: 5 }));
    expect(l.sample).toEqual(reservoirSample(items.values(), k, { algorithm: "L", randomState: 5 }));
    expect(() => new ReservoirL(0)).toThrow("k must be an integer >= 1; got 0.");
  });
});

describe("weighted reservoir (A-ExpJ)", () => {
  it("keeps item i with probability w_i / Σw when k = 1", () => {
    const weights = [1, 2, 3, 4, 10];
    const total = weights.reduce((a, b) => a + b, 0);
    const hits = new Float64Array(weights.length);
    const R = 40_000;
    for (let r = 0; r < R; r++) {
      const res = new WeightedReservoir<number>(1, { randomState: r });
      // Repeat the small stream so the exponential jumps are exercised too.
      for (let rep = 0; rep < 3; rep++) weights.forEach((w, i) => res.add(i, w));
      hits[res.sample[0]!]!++;
    }
    weights.forEach((w, i) => {
      const q = w / total;
      expect(Math.abs(hits[i]! / R - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / R));
    });
  });
});
