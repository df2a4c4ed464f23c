/** Index sorting on typed arrays without a JS comparator per comparison (presorting features for the trees; native/tree.c runs the same quicksort). */

/**
 * Indices that sort `values` ascending (ties keep no particular order).
 * @example argsort(Float64Array.of(3, 1, 2)) // Int32Array [1, 2, 0]
 */
export function argsort(values: Float64Array, out: Int32Array = new Int32Array(values.length)): Int32Array {
  for (let i = 0; i < out.length; i++) out[i] = i;
  sortRange(values, out, 0, out.length - 1);
  return out;
}

function sortRange(v: Float64Array, idx: Int32Array, lo0: number, hi0: number): void {
  // Iterative quicksort with median-of-three pivots; insertion sort below 16 elements.
  const stack: number[] = [lo0, hi0];
  while (stack.length > 0) {
    let hi = stack.pop()!;
    let lo = stack.pop()!;
    while (hi - lo > 16) {
      const mid = (lo + hi) >>> 1;
      if (v[idx[mid]!]! < v[idx[lo]!]!) swap(idx, mid, lo);
      if (v[idx[hi]!]! < v[idx[lo]!]!) swap(idx, hi, lo);
      if (v[idx[hi]!]! < v[idx[mid]!]!) swap(idx, hi, mid);
      const pivot = v[idx[mid]!]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (v[idx[i]!]! < pivot) i++;
        while (v[idx[j]!]! > pivot) j--;
        if (i <= j) {
          swap(idx, i, j);
          i++;
          j--;
        }
      }
      // Recurse into the smaller side later, loop on the larger: stack depth stays logarithmic.
      if (j - lo < hi - i) {
        stack.push(i, hi);
        hi = j;
      } else {
        stack.push(lo, j);
        lo = i;
      }
    }
    for (let a = lo + 1; a <= hi; a++) {
      const t = idx[a]!;
      const key = v[t]!;
      let b = a - 1;
      while (b >= lo && v[idx[b]!]! > key) {
        idx[b + 1] = idx[b]!;
        b--;
      }
      idx[b + 1] = t;
    }
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
