import { describe, expect, it } from "vitest";
import { secureAggregate } from "../../../dist/lib/privacy/index.js";

// Bonawitz et al. (2017), "Practical Secure Aggregation for Privacy-Preserving Machine Learning": pairwise masks cancel in the sum.
describe("secureAggregate", () => {
  const updates = [[0.5, -1.25, 3], [2, 0.75, -0.5], [-1, 1, 1], [0.125, 0.25, -2]];

  it("the server's sum equals the plain sum exactly", () => {
    const r = secureAggregate(updates);
    expect(Array.from(r.sum)).toEqual([1.625, 0.75, 1.5]);
    expect(Array.from(r.sum)).toEqual(Array.from(r.plainSum));
  });

  it("a single client's masked update does not reveal its values", () => {
    const r = secureAggregate(updates);
    const plain = Uint32Array.from(updates[0]!, (v) => Math.round(v * 65536) >>> 0);
    const seen = r.masked.get(0)!;
    expect(Array.from(seen)).not.toEqual(Array.from(plain));
    for (let k = 0; k < 3; k++) expect(seen[k]).not.toBe(plain[k]);
  });

  it("a dropped client's masks are recovered: the sum is the survivors' exact sum", () => {
    const r = secureAggregate(updates, { dropped: [1] });
    expect(r.survivors).toEqual([0, 2, 3]);
    expect(Array.from(r.sum)).toEqual([-0.375, 0, 2]);
  });

  it("refuses bad arguments naming them and the value", () => {
    expect(() => secureAggregate([[1]])).toThrow("secureAggregate: 'updates' must be an array of at least 2 client vectors; got an array of length 1");
    expect(() => secureAggregate([[1, 2], [1]])).toThrow("every update must be a non-empty vector of length 2; client 1 has an array of length 1");
    expect(() => secureAggregate([[1], [NaN]])).toThrow("client 1's update holds NaN");
    expect(() => secureAggregate([[1], [2]], { dropped: [5] })).toThrow("'dropped' must list client indices in [0, 1]; got 5");
    expect(() => secureAggregate([[1], [2]], { scale: 0 })).toThrow("secureAggregate: 'scale' must be a finite number > 0; got 0");
  });
});
