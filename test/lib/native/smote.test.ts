/**
 * native/smote.c's SMOTE rows equal lib/imbalance/smote-core.ts's JavaScript loop bit for bit (imbalanced-learn's
 * generation step, X_new = X[rows] + steps * (nn[cols] - X[rows]), one sample at a time), also into a view of
 * a larger output as SMOTE writes it, and it refuses indices out of range instead of reading past its inputs.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { writeSamples } from "../../../lib/imbalance/smote-core.js";
import { nativeKernels } from "../../../lib/native/index.js";

type SmoteRows = (seeds: Float64Array, nnData: Float64Array, nns: Int32Array, k: number, cols: number, picks: Int32Array, steps: Float64Array, out: Float64Array) => void;

describe("native SMOTE rows", () => {
  const smoteRows = (nativeKernels() as { smoteRows?: SmoteRows } | null)?.smoteRows;
  const rng = new Random(5);

  it("equal the JavaScript's bit for bit", () => {
    if (!smoteRows) return; // not built: SMOTE runs writeSamples, tested through SMOTE everywhere else
    for (const [nSeeds, nnRows, k, cols, n] of [
      [50, 50, 5, 20, 400],
      [7, 30, 3, 1, 100],
      [200, 120, 6, 13, 1000],
    ] as const) {
      const seeds = Float64Array.from({ length: nSeeds * cols }, () => rng.normal() * 1e3);
      const nnData = Float64Array.from({ length: nnRows * cols }, () => rng.normal() * 1e-3);
      const nns = Int32Array.from({ length: nSeeds * k }, () => rng.randint(nnRows));
      const picks = Int32Array.from({ length: n }, () => rng.randint(nSeeds * k));
      const steps = Float64Array.from({ length: n }, () => rng.random());
      const js = new Float64Array(n * cols);
      writeSamples(seeds, nnData, nns, k, cols, picks, steps, js);
      const whole = new Float64Array((n + 3) * cols).fill(-1);
      smoteRows(seeds, nnData, nns, k, cols, picks, steps, whole.subarray(2 * cols, (n + 2) * cols));
      const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length));
      expect(bits(whole.subarray(2 * cols, (n + 2) * cols)), `${nSeeds} seeds, k=${k}, ${cols} columns`).toEqual(bits(js));
      expect(Array.from(whole.subarray(0, 2 * cols)).every((v) => v === -1)).toBe(true); // nothing outside the view
      expect(js[0]).toBe(seeds[Math.floor(picks[0]! / k) * cols]! + steps[0]! * (nnData[nns[picks[0]!]! * cols]! - seeds[Math.floor(picks[0]! / k) * cols]!));
    }
  });

  it("refuses a pick or a neighbour outside its inputs", () => {
    if (!smoteRows) return;
    const seeds = new Float64Array(4 * 2), nnData = new Float64Array(3 * 2), out = new Float64Array(2 * 2);
    const steps = Float64Array.of(0.5, 0.5);
    expect(() => smoteRows(seeds, nnData, Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1), 2, 2, Int32Array.of(0, 8), steps, out)).toThrow("smoteRows: a pick or neighbour index is out of range");
    expect(() => smoteRows(seeds, nnData, Int32Array.of(0, 1, 2, 3, 1, 2, 0, 1), 2, 2, Int32Array.of(0, 3), steps, out)).toThrow("smoteRows: a pick or neighbour index is out of range");
    expect(() => smoteRows(seeds, nnData, Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1), 2, 2, Int32Array.of(0, 1), Float64Array.of(0.5), out)).toThrow(/steps as long as picks/);
  });
});
