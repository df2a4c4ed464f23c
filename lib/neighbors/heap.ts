/** The bounded max-heap both exact searches keep per query: k best (distance, index), worst at the root. */

/**
 * Replaces the root of the heap at [base, base + k) with (d, p) and restores the order. Larger distance, then
 * larger index, counts as worse, so ties go to the lower index.
 */
export function replaceRoot(hd: Float64Array, hi: Int32Array, base: number, k: number, d: number, p: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= k) break;
    const r = l + 1;
    let m = l;
    if (r < k && (hd[base + r]! > hd[base + l]! || (hd[base + r] === hd[base + l] && hi[base + r]! > hi[base + l]!))) m = r;
    const md = hd[base + m]!;
    if (md < d || (md === d && hi[base + m]! < p)) break;
    hd[base + i] = md;
    hi[base + i] = hi[base + m]!;
    i = m;
  }
  hd[base + i] = d;
  hi[base + i] = p;
}
