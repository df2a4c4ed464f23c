/**
 * What the all-reduce fixtures (test/fixtures/allreduce-worker.mjs, mpi-worker.mjs) must give back, shared by
 * the thread/TCP and the MPI tests: each rank's float32 inputs are sin(1 + r·7919 + k·0.37)·(r + 1).
 */
import { expect } from "vitest";

export type AllReduceOut = { rank: number; size: number; out: { buf: Float32Array; stats: { bytesSent: number; steps: number } }[]; root: Float32Array };

/** What every rank should end with: the float64 mean of the ranks' float32 inputs. */
export function expectedMean(len: number, N: number): number[] {
  return Array.from({ length: len }, (_, k) => {
    let s = 0;
    for (let r = 0; r < N; r++) s += Math.fround(Math.sin(1 + r * 7919 + k * 0.37) * (r + 1));
    return s / N;
  });
}

/**
 * Ranks 0..N-1 each hold the mean (to 1e-5·N) for every length, and the broadcast from the last rank;
 * `size`: each rank also reports size N; `identical`: every rank's values are bit-identical to rank 0's.
 */
export function checkAllReduced(results: AllReduceOut[], N: number, lens: number[], options: { size?: boolean; identical?: boolean } = {}): void {
  expect(results.map((r) => r.rank)).toEqual(Array.from({ length: N }, (_, r) => r));
  if (options.size) expect(results.map((r) => r.size)).toEqual(new Array(N).fill(N));
  lens.forEach((len, j) => {
    const want = expectedMean(len, N);
    for (const r of results) {
      expect(r.out[j]!.buf.length).toBe(len);
      r.out[j]!.buf.forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(1e-5 * N));
      // The ring's all-gather copies one owner's sum everywhere.
      if (options.identical) expect(Array.from(r.out[j]!.buf)).toEqual(Array.from(results[0]!.out[j]!.buf));
    }
  });
  // The broadcast from the last rank.
  for (const r of results) expect(Array.from(r.root)).toEqual([N - 1, 42]);
}
