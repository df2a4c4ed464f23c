/*
 * CART's hot loops, native: the presort (each feature's argsort, features over threads), and the split scans
 * for the Gini and squared-error criteria. Ports of lib/ensemble/argsort.ts and the scans in tree-builder.ts, operation for
 * operation (the same quicksort with the same pivots, the same float expressions in the same order), so the
 * orders, the chosen splits and the fitted trees are the JavaScript's exactly. (The entropy scan needs
 * logarithms, which libm and V8 round differently, so it stays in JavaScript.)
 */
#include "common.h"
#include <stdint.h>
#include <stdlib.h>

#define FEATURE_THRESHOLD 1e-7


static inline void swap(int32_t *a, int64_t i, int64_t j) {
  const int32_t t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/* argsort.ts's sortRange: iterative quicksort, median-of-three pivots, insertion sort below 16 elements. */
static int sort_range(const double *v, int32_t *idx, int64_t lo0, int64_t hi0) {
  int64_t cap = 128, top = 0;
  int64_t *stack = malloc((size_t)cap * sizeof(int64_t));
  if (!stack) return 0;
  stack[top++] = lo0;
  stack[top++] = hi0;
  while (top > 0) {
    int64_t hi = stack[--top];
    int64_t lo = stack[--top];
    while (hi - lo > 16) {
      const int64_t mid = (int64_t)(((uint64_t)lo + (uint64_t)hi) >> 1);
      if (v[idx[mid]] < v[idx[lo]]) swap(idx, mid, lo);
      if (v[idx[hi]] < v[idx[lo]]) swap(idx, hi, lo);
      if (v[idx[hi]] < v[idx[mid]]) swap(idx, hi, mid);
      const double pivot = v[idx[mid]];
      int64_t i = lo, j = hi;
      while (i <= j) {
        while (v[idx[i]] < pivot) i++;
        while (v[idx[j]] > pivot) j--;
        if (i <= j) {
          swap(idx, i, j);
          i++;
          j--;
        }
      }
      if (top + 2 > cap) {
        cap *= 2;
        int64_t *grown = realloc(stack, (size_t)cap * sizeof(int64_t));
        if (!grown) {
          free(stack);
          return 0;
        }
        stack = grown;
      }
      if (j - lo < hi - i) {
        stack[top++] = i;
        stack[top++] = hi;
        hi = j;
      } else {
        stack[top++] = lo;
        stack[top++] = j;
        lo = i;
      }
    }
    for (int64_t a = lo + 1; a <= hi; a++) {
      const int32_t t = idx[a];
      const double key = v[t];
      int64_t b = a - 1;
      while (b >= lo && v[idx[b]] > key) {
        idx[b + 1] = idx[b];
        b--;
      }
      idx[b + 1] = t;
    }
  }
  free(stack);
  return 1;
}

typedef struct {
  const int32_t *sorted;
  const double *xs, *wy;
  int64_t seg, start, end, count;
  double min_leaf, w_node, min_weight_leaf, best;
} scan_t;

static int read_scan(napi_env env, napi_value *a, scan_t *s, size_t *wylen) {
  size_t slen, xlen;
  s->sorted = typed(env, a[0], napi_int32_array, &slen);
  s->xs = typed(env, a[1], napi_float64_array, &xlen);
  s->wy = typed(env, a[5], napi_float64_array, wylen);
  if (!s->sorted || !s->xs || !s->wy) return 0;
  if (napi_get_value_int64(env, a[2], &s->seg) != napi_ok || napi_get_value_int64(env, a[3], &s->start) != napi_ok || napi_get_value_int64(env, a[4], &s->end) != napi_ok) return 0;
  if (napi_get_value_int64(env, a[6], &s->count) != napi_ok || napi_get_value_double(env, a[7], &s->w_node) != napi_ok || napi_get_value_double(env, a[8], &s->min_leaf) != napi_ok) return 0;
  if (napi_get_value_double(env, a[9], &s->min_weight_leaf) != napi_ok || napi_get_value_double(env, a[10], &s->best) != napi_ok) return 0;
  if (s->start < 0 || s->end < s->start || s->seg < 0 || (int64_t)slen < s->seg + s->end || (int64_t)xlen < s->seg + s->end) return 0;
  for (int64_t p = s->start; p < s->end; p++)
    if (s->sorted[s->seg + p] < 0 || (size_t)(2 * (int64_t)s->sorted[s->seg + p] + 1) >= *wylen) return 0;
  return 1;
}

typedef struct {
  const double *columns;
  int64_t n, f0, f1;
  int32_t *order;
  double *values;
  int failed;
} presort_job_t;

static void *presort_features(void *arg) {
  presort_job_t *j = (presort_job_t *)arg;
  for (int64_t f = j->f0; f < j->f1; f++) {
    const double *v = j->columns + f * j->n;
    int32_t *idx = j->order + f * j->n;
    for (int64_t i = 0; i < j->n; i++) idx[i] = (int32_t)i;
    if (j->n > 1 && !sort_range(v, idx, 0, j->n - 1)) {
      j->failed = 1;
      return NULL;
    }
    double *out = j->values + f * j->n;
    for (int64_t r = 0; r < j->n; r++) out[r] = v[idx[r]];
  }
  return NULL;
}

/* presortColumns(columns (d x n), n, d, order, values, threads): per feature, argsort's order and the values
 * in that order (presort.ts), features over threads. */
static napi_value presort_columns(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t clen, olen, vlen;
  const double *columns = typed(env, a[0], napi_float64_array, &clen);
  int64_t n, d, threads;
  CHECK(napi_get_value_int64(env, a[1], &n));
  CHECK(napi_get_value_int64(env, a[2], &d));
  int32_t *order = typed(env, a[3], napi_int32_array, &olen);
  double *values = typed(env, a[4], napi_float64_array, &vlen);
  CHECK(napi_get_value_int64(env, a[5], &threads));
  if (argc < 6 || !columns || !order || !values || n < 0 || d < 0 || n > INT32_MAX || (int64_t)clen < n * d || (int64_t)olen < n * d || (int64_t)vlen < n * d) {
    napi_throw_range_error(env, NULL, "presortColumns: buffers shorter than n * d");
    return NULL;
  }
  threads = clamp_threads(threads, d, 0, 0);
  presort_job_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++) jobs[t] = (presort_job_t){columns, n, d * t / threads, d * (t + 1) / threads, order, values, 0};
  run_jobs(presort_features, jobs, sizeof(presort_job_t), threads);
  for (int64_t t = 0; t < threads; t++)
    if (jobs[t].failed) {
      napi_throw_error(env, NULL, "presortColumns: out of memory");
      return NULL;
    }
  return NULL;
}

typedef struct {
  const int32_t *sorted;
  const double *xs, *wy;
  size_t wylen;
  const int32_t *segs;
  int64_t f0, f1, start, end, count;
  double min_leaf, w_node, min_weight_leaf, best, total_sq;
  const double *totals;
  size_t k;
  double *out; /* [position, proxy] per feature */
  int bad;     /* 1: a sample or class index out of range, 2: out of memory */
} gini_batch_t;

/* tree-builder.ts's Gini scan for each feature [f0, f1) of the batch, each from the same starting best. */
static void *gini_batch(void *arg) {
  gini_batch_t *j = (gini_batch_t *)arg;
  double stack_left[16];
  double *left = j->k <= 16 ? stack_left : malloc(j->k * sizeof(double));
  if (!left) {
    j->bad = 2;
    return NULL;
  }
  for (int64_t q = j->f0; q < j->f1 && !j->bad; q++) {
    for (size_t c = 0; c < j->k; c++) left[c] = 0;
    double best = j->best, w_l = 0, sq_l = 0, sq_r = j->total_sq;
    int64_t pos = -1;
    const int32_t *sorted = j->sorted + j->segs[q];
    const double *xs = j->xs + j->segs[q];
    for (int64_t p = j->start; p < j->end - 1; p++) {
      const int32_t si = sorted[p];
      if (si < 0 || (size_t)(2 * (int64_t)si + 1) >= j->wylen) {
        j->bad = 1;
        break;
      }
      const int64_t i = 2 * (int64_t)si;
      const double wi = j->wy[i];
      const int64_t c = (int64_t)j->wy[i + 1];
      if (c < 0 || (size_t)c >= j->k) {
        j->bad = 1;
        break;
      }
      const double lc = left[c];
      const double rc = j->totals[c] - lc;
      sq_l += 2 * lc * wi + wi * wi;
      sq_r += -2 * rc * wi + wi * wi;
      left[c] = lc + wi;
      w_l += wi;
      if (xs[p + 1] <= xs[p] + FEATURE_THRESHOLD) continue;
      const int64_t n_l = p - j->start + 1;
      if (n_l < j->min_leaf || j->count - n_l < j->min_leaf) continue;
      const double w_r = j->w_node - w_l;
      if (w_l < j->min_weight_leaf || w_r < j->min_weight_leaf || w_l <= 0 || w_r <= 0) continue;
      const double proxy = sq_l / w_l + sq_r / w_r;
      if (proxy > best) {
        best = proxy;
        pos = p;
      }
    }
    j->out[2 * q] = (double)pos, j->out[2 * q + 1] = best;
  }
  if (left != stack_left) free(left);
  return NULL;
}

/* Below this many (sample, feature) steps a batch runs on one thread. */
#define GINI_THREAD_MIN 200000

/*
 * scanGiniFeatures(sorted, xs, segs, nFeatures, start, end, wy, count, wNode, minLeaf, minWeightLeaf, best,
 * totals, totalSq, out, threads): the Gini scan for each of the node's candidate features (segment offsets in segs),
 * all from the same best; out[2q], out[2q + 1] = feature q's position (-1: none beats best) and proxy. Taking,
 * in order, each feature whose proxy beats the best so far gives what scanning them one after another gives:
 * each scan ends at the first position of its feature's maximum. Features split over threads.
 */
static napi_value scan_gini_features(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value a[16];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t slen, xlen, glen, wylen, tlen, olen;
  const int32_t *sorted = typed(env, a[0], napi_int32_array, &slen);
  const double *xs = typed(env, a[1], napi_float64_array, &xlen);
  const int32_t *segs = typed(env, a[2], napi_int32_array, &glen);
  const double *wy = typed(env, a[6], napi_float64_array, &wylen);
  const double *totals = typed(env, a[12], napi_float64_array, &tlen);
  double *out = typed(env, a[14], napi_float64_array, &olen);
  int64_t nf, start, end, count, threads;
  double w_node, min_leaf, min_weight_leaf, best, total_sq;
  CHECK(napi_get_value_int64(env, a[3], &nf));
  CHECK(napi_get_value_int64(env, a[4], &start));
  CHECK(napi_get_value_int64(env, a[5], &end));
  CHECK(napi_get_value_int64(env, a[7], &count));
  CHECK(napi_get_value_double(env, a[8], &w_node));
  CHECK(napi_get_value_double(env, a[9], &min_leaf));
  CHECK(napi_get_value_double(env, a[10], &min_weight_leaf));
  CHECK(napi_get_value_double(env, a[11], &best));
  CHECK(napi_get_value_double(env, a[13], &total_sq));
  CHECK(napi_get_value_int64(env, a[15], &threads));
  if (argc < 16 || !sorted || !xs || !segs || !wy || !totals || !out || nf < 0 || (int64_t)glen < nf || (int64_t)olen < 2 * nf || start < 0 || end < start || tlen < 1) {
    napi_throw_range_error(env, NULL, "scanGiniFeatures: bad arguments");
    return NULL;
  }
  for (int64_t q = 0; q < nf; q++)
    if (segs[q] < 0 || (int64_t)slen < segs[q] + end || (int64_t)xlen < segs[q] + end) {
      napi_throw_range_error(env, NULL, "scanGiniFeatures: a feature segment is past the presorted arrays");
      return NULL;
    }
  threads = clamp_threads(threads, nf, (end - start) * nf, GINI_THREAD_MIN);
  gini_batch_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++)
    jobs[t] = (gini_batch_t){sorted, xs, wy, wylen, segs, nf * t / threads, nf * (t + 1) / threads, start, end, count, min_leaf, w_node, min_weight_leaf, best, total_sq, totals, tlen, out, 0};
  run_jobs(gini_batch, jobs, sizeof(gini_batch_t), threads);
  for (int64_t t = 0; t < threads; t++)
    if (jobs[t].bad) {
      napi_throw_range_error(env, NULL, jobs[t].bad == 2 ? "scanGiniFeatures: out of memory" : "scanGiniFeatures: a sample or class index is out of range");
      return NULL;
    }
  return NULL;
}

/*
 * scanSquared(sorted, xs, seg, start, end, wy, count, wNode, minLeaf, minWeightLeaf, best, sumTotal, out)
 * -> the best position or -1; out[0] = its proxy. As tree-builder.ts's scanSquared.
 */
static napi_value scan_squared(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value a[13];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  scan_t s;
  size_t wylen, olen;
  double sum_total;
  double *out = typed(env, a[12], napi_float64_array, &olen);
  if (argc < 13 || !read_scan(env, a, &s, &wylen) || !out || olen < 1 || napi_get_value_double(env, a[11], &sum_total) != napi_ok) {
    napi_throw_range_error(env, NULL, "scanSquared: bad arguments");
    return NULL;
  }
  double best = s.best, w_l = 0, sum_l = 0;
  int64_t pos = -1;
  const int32_t *sorted = s.sorted + s.seg;
  const double *xs = s.xs + s.seg;
  for (int64_t p = s.start; p < s.end - 1; p++) {
    const int64_t i = 2 * (int64_t)sorted[p];
    const double wi = s.wy[i];
    sum_l += wi * s.wy[i + 1];
    w_l += wi;
    if (xs[p + 1] <= xs[p] + FEATURE_THRESHOLD) continue;
    const int64_t n_l = p - s.start + 1;
    if (n_l < s.min_leaf || s.count - n_l < s.min_leaf) continue;
    const double w_r = s.w_node - w_l;
    if (w_l < s.min_weight_leaf || w_r < s.min_weight_leaf || w_l <= 0 || w_r <= 0) continue;
    const double sum_r = sum_total - sum_l;
    const double proxy = (sum_l * sum_l) / w_l + (sum_r * sum_r) / w_r;
    if (proxy > best) {
      best = proxy;
      pos = p;
    }
  }
  out[0] = best;
  napi_value r;
  CHECK(napi_create_int64(env, pos, &r));
  return r;
}

napi_value mlsd_register_tree(napi_env env, napi_value exports) {
  if (!export_fn(env, exports, "presortColumns", presort_columns)) return NULL;
  if (!export_fn(env, exports, "scanGiniFeatures", scan_gini_features)) return NULL;
  if (!export_fn(env, exports, "scanSquared", scan_squared)) return NULL;
  return exports;
}
