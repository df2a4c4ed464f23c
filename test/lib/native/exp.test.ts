/**
 * The native kernels' exponential (native/js-exp.h and its four-lane form in native/loss.c) equals V8's
 * Math.exp bit for bit, and the native binary log-loss gradients built on it equal loss.ts's: the fitted
 * boosting models depend on both.
 */
import { describe, expect, it } from "vitest";
import { nativeKernels } from "../../../lib/native/index.js";
import { Random } from "../../../lib/core/index.js";

function values(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const x = new Float64Array(n);
  const bits = new DataView(new ArrayBuffer(8));
  // Boundaries of fdlibm's cases: ln2/2, 1.5 ln2, 2^-28, the vector path's 512, overflow and underflow.
  const edges = [0.34657359027997264, 1.0397207708399179, 2 ** -28, 512, 709.782712893384, 745.1332191019411, 708.3964185322641];
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(i / 4) % 5; // runs of four, so whole vectors take each kind
    const u = rng.random();
    if (kind === 0) x[i] = (u - 0.5) * 2.5;
    else if (kind === 1) x[i] = (u - 0.5) * 60;
    else if (kind === 2) x[i] = (u - 0.5) * 1600;
    else if (kind === 3) x[i] = (rng.random() < 0.5 ? -1 : 1) * edges[i % edges.length]! * (1 + (u - 0.5) * 1e-9);
    else {
      bits.setUint32(0, rng.nextUint32());
      bits.setUint32(4, rng.nextUint32());
      x[i] = bits.getFloat64(0);
    }
  }
  x.set([0, -0, Infinity, -Infinity, NaN, 1e-300, -1e-300, 5e-324, 709.78, 709.79, -745.13, -745.14], 0);
  return x;
}

describe("native exp", () => {
  it("equals Math.exp bit for bit, on the vector and the scalar paths", () => {
    const k = nativeKernels();
    if (!k) return; // no native kernels here: the JavaScript path is the only one
    const x = values(400_000, 11);
    const expected = Float64Array.from(x, Math.exp);
    const previous = k.isa();
    try {
      for (const level of k.isaLevels()) {
        k.setIsa(level); // avx2 and avx512 take the four-lane path, the other levels the scalar one
        const out = new Float64Array(x.length);
        k.exp(x, out);
        let mismatches = 0;
        for (let i = 0; i < x.length; i++) if (!Object.is(out[i], expected[i])) mismatches++;
        expect(mismatches, level).toBe(0);
        expect(out[0]).toBe(1);
        expect(out[2]).toBe(Infinity);
        expect(out[3]).toBe(0);
        expect(Number.isNaN(out[4])).toBe(true);
      }
    } finally {
      k.setIsa(previous);
    }
  });

  it("rejects an output shorter than the input", () => {
    const k = nativeKernels();
    if (!k) return;
    expect(() => k.exp(new Float64Array(4), new Float64Array(3))).toThrow("exp: out must be a Float64Array at least as long as x");
  });
});

describe("native gradients", () => {
  it("equal the JavaScript's and reject weights of another type", () => {
    const k = nativeKernels();
    if (!k) return;
    const rng = new Random(5);
    const n = 50_000;
    const raw = Float64Array.from({ length: n }, () => (rng.random() - 0.5) * 12);
    const y = Int32Array.from({ length: n }, () => (rng.random() < 0.3 ? 1 : 0));
    const w = Float64Array.from({ length: n }, () => 0.25 + rng.random());
    for (const weights of [null, w]) {
      const gj = new Float32Array(n);
      const hj = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-raw[i]!));
        const wi = weights ? weights[i]! : 1;
        gj[i] = wi * (p - y[i]!);
        hj[i] = wi * p * (1 - p);
      }
      for (const level of k.isaLevels()) {
        const previous = k.setIsa(level);
        const g = new Float32Array(n);
        const h = new Float32Array(n);
        k.logisticGradients(raw, y, weights, g, h, 2);
        k.setIsa(previous);
        expect(g, level).toEqual(gj);
        expect(h, level).toEqual(hj);
      }
    }
    expect(() => k.logisticGradients(raw, y, new Float32Array(n) as unknown as Float64Array, new Float32Array(n), new Float32Array(n), 1)).toThrow(/logisticGradients\(raw: Float64Array, y: Int32Array, w: Float64Array \| null/);
  });
});
