/*
 * Exact k-nearest-neighbour search by blocked brute force, the native kernel behind mlsd/neighbors.
 *
 * Same arithmetic as lib/neighbors/brute.ts: squared distance = (|q|^2 + |p|^2) - 2 q.p, clamped at 0, a
 * bounded max-heap per query, ties broken by the lower point index; multiplies and adds are never fused, so
 * every distance is the JavaScript's, bit for bit, and so are the neighbours. The dot products run in a
 * register-blocked micro-kernel (4 queries x 8 points, accumulated over the features) over point chunks that
 * stay in cache, on several threads. When the queries are the points themselves (excludeSelf), each pair is
 * computed once and offered to both heaps (d(i, j) and d(j, i) round identically), with per-thread heaps merged
 * at the end. GCC compiles the kernel for AVX-512, AVX2 and baseline x86-64 and picks one at load time.
 */
#include "common.h"
#include <pthread.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { QB = 4, PB = 8, CHUNK = 2048 };

typedef struct {
  const double *pt;    /* points transposed in groups of PB: [group][col][PB] */
  const double *pnorm; /* padded to a multiple of PB; +inf on padding */
  const double *queries;
  const double *qnorm;
  int64_t n_points, n_queries, n_groups, cols, k;
  int exclude_self, symmetric;
  /* Shared heaps (each thread writes only its own queries'), or this thread's own heaps for all rows. */
  double *heap_d;
  int32_t *heap_i;
  /* The query blocks (first rows) this thread handles. */
  const int64_t *blocks;
  int64_t n_blocks;
} job_t;

/* The heap root (index 0 of a query's k slots) is the current k-th nearest: the largest distance, then the
 * largest index. Sift the new entry down from the root. */
static inline void replace_root(double *hd, int32_t *hi, int64_t k, double d, int32_t p) {
  int64_t i = 0;
  for (;;) {
    int64_t l = 2 * i + 1, r = l + 1, m = i;
    double md = d;
    int32_t mi = p;
    if (l < k && (hd[l] > md || (hd[l] == md && hi[l] > mi))) m = l, md = hd[l], mi = hi[l];
    if (r < k && (hd[r] > md || (hd[r] == md && hi[r] > mi))) m = r;
    if (m == i) break;
    hd[i] = hd[m];
    hi[i] = hi[m];
    i = m;
  }
  hd[i] = d;
  hi[i] = p;
}

static inline void offer(double *hd, int32_t *hi, int64_t k, double d, int64_t p) {
  if (d > hd[0] || (d == hd[0] && p > hi[0])) return;
  replace_root(hd, hi, k, d, (int32_t)p);
}

typedef double v8d __attribute__((vector_size(64)));
typedef long long v8l __attribute__((vector_size(64)));

/*
 * 4 queries against one group of 8 points: the dot products accumulate in 4 registers of 8 doubles (one
 * AVX-512 register each, or two AVX2 ones) over the features and become squared distances in registers. The
 * pairs that could enter the query's heap (d <= worst[query]) come out as bits of the returned mask, bit
 * query * 8 + point; with `pworst`, the pairs that could enter the point's heap (d <= pworst[point]) as bits
 * 32 and up. Distances go to out[query][point].
 */
__attribute__((target_clones("avx512f", "avx2", "default")))
static uint64_t candidates_4x8(const double *const q[QB], const double *g, int64_t cols, const double qn[QB], const double *pn, const double worst[QB], const double *pworst, double out[QB][PB]) {
  v8d a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
  const double *q0 = q[0], *q1 = q[1], *q2 = q[2], *q3 = q[3];
  for (int64_t c = 0; c < cols; c++) {
    v8d b;
    memcpy(&b, g + c * PB, sizeof b);
    a0 += q0[c] * b;
    a1 += q1[c] * b;
    a2 += q2[c] * b;
    a3 += q3[c] * b;
  }
  v8d p;
  memcpy(&p, pn, sizeof p);
  const v8d zero = {0};
  v8d pw = {0};
  if (pworst) memcpy(&pw, pworst, sizeof pw);
  uint64_t mask = 0;
  /* The same expression as the JavaScript: (|q|^2 + |p|^2) - 2 q.p, then clamped at 0 (zero's bits are 0). */
#define ROW(t, acc)                                           \
  {                                                           \
    v8d d = (qn[t] + p) - 2 * acc;                            \
    d = (v8d)((v8l)d & ~(d < zero));                          \
    const v8l m = d <= worst[t];                              \
    memcpy(out[t], &d, sizeof d);                             \
    for (int s = 0; s < PB; s++) mask |= (uint64_t)(m[s] & 1) << (t * PB + s); \
    if (pworst) {                                             \
      const v8l mp = d <= pw;                                 \
      for (int s = 0; s < PB; s++) mask |= (uint64_t)(mp[s] & 1) << (32 + t * PB + s); \
    }                                                         \
  }
  ROW(0, a0) ROW(1, a1) ROW(2, a2) ROW(3, a3)
#undef ROW
  return mask;
}

static void *run(void *arg) {
  job_t *j = (job_t *)arg;
  const int64_t cols = j->cols, k = j->k;
  double dist[QB][PB], worst[QB], qn[QB], pworst[PB];
  const double *qr[QB];
  const int64_t chunk_groups = CHUNK / PB;
  for (int64_t g0 = 0; g0 < j->n_groups; g0 += chunk_groups) {
    const int64_t g1 = g0 + chunk_groups < j->n_groups ? g0 + chunk_groups : j->n_groups;
    for (int64_t b = 0; b < j->n_blocks; b++) {
      const int64_t q = j->blocks[b];
      const int64_t nq = j->n_queries - q < QB ? j->n_queries - q : QB;
      for (int64_t t = 0; t < QB; t++) {
        const int64_t r = q + (t < nq ? t : 0);
        qr[t] = j->queries + r * cols;
        qn[t] = j->qnorm[r];
      }
      /* Symmetric: only pairs (i, j > i), so only the groups from the one holding row q. */
      int64_t gs = g0;
      if (j->symmetric && q / PB > gs) gs = q / PB;
      for (int64_t g = gs; g < g1; g++) {
        for (int64_t t = 0; t < QB; t++) worst[t] = t < nq ? j->heap_d[(q + t) * k] : -1;
        if (j->symmetric)
          for (int64_t s = 0; s < PB; s++) pworst[s] = g * PB + s < j->n_points ? j->heap_d[(g * PB + s) * k] : -1;
        uint64_t mask = candidates_4x8(qr, j->pt + g * cols * PB, cols, qn, j->pnorm + g * PB, worst, j->symmetric ? pworst : NULL, dist);
        while (mask) {
          const int bit = __builtin_ctzll(mask);
          mask &= mask - 1;
          const int pair = bit & 31, t = pair / PB, s = pair % PB;
          const int64_t qi = q + t, p = g * PB + s;
          if (t >= nq || p >= j->n_points) continue;
          const double d = dist[t][s];
          if (j->symmetric) {
            if (p <= qi) continue;
            if (bit < 32) offer(j->heap_d + qi * k, j->heap_i + qi * k, k, d, p);
            else offer(j->heap_d + p * k, j->heap_i + p * k, k, d, qi);
          } else {
            if (j->exclude_self && p == qi) continue;
            offer(j->heap_d + qi * k, j->heap_i + qi * k, k, d, p);
          }
        }
      }
    }
  }
  return NULL;
}

static void norms(const double *x, int64_t rows, int64_t cols, double *out) {
  for (int64_t i = 0; i < rows; i++) {
    double s = 0;
    for (int64_t c = 0; c < cols; c++) s += x[i * cols + c] * x[i * cols + c];
    out[i] = s;
  }
}

typedef struct { double d; int32_t i; } entry_t;
static int cmp_entries(const void *a, const void *b) {
  const entry_t *x = (const entry_t *)a, *y = (const entry_t *)b;
  if (x->d != y->d) return x->d < y->d ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}



/* knn(points, nPoints, queries, nQueries, cols, k, excludeSelf, threads) -> [Int32Array indices, Float64Array distances] */
static napi_value knn(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, NULL, "knn(points, nPoints, queries, nQueries, cols, k, excludeSelf, threads)");
    return NULL;
  }
  size_t plen, qlen;
  const double *points = typed(env, argv[0], napi_float64_array, &plen);
  const double *queries = typed(env, argv[2], napi_float64_array, &qlen);
  int64_t n_points, n_queries, cols, k, threads;
  bool exclude_self;
  CHECK(napi_get_value_int64(env, argv[1], &n_points));
  CHECK(napi_get_value_int64(env, argv[3], &n_queries));
  CHECK(napi_get_value_int64(env, argv[4], &cols));
  CHECK(napi_get_value_int64(env, argv[5], &k));
  CHECK(napi_get_value_bool(env, argv[6], &exclude_self));
  CHECK(napi_get_value_int64(env, argv[7], &threads));
  if (!points || !queries || n_points < 1 || n_queries < 0 || cols < 1 || k < 1 || (int64_t)plen < n_points * cols || (int64_t)qlen < n_queries * cols || n_points > INT32_MAX) {
    napi_throw_range_error(env, NULL, "knn: points and queries must be Float64Arrays of nPoints x cols and nQueries x cols, with nPoints, cols and k >= 1");
    return NULL;
  }
  const int64_t groups = (n_points + PB - 1) / PB;
  double *pt = aligned_alloc(64, (size_t)(groups * cols * PB * sizeof(double) + 64));
  double *pnorm = malloc((size_t)(groups * PB) * sizeof(double));
  double *qnorm = exclude_self ? pnorm : malloc((size_t)(n_queries > 0 ? n_queries : 1) * sizeof(double));
  double *heap_d = malloc((size_t)(n_queries * k > 0 ? n_queries * k : 1) * sizeof(double));
  int32_t *heap_i = malloc((size_t)(n_queries * k > 0 ? n_queries * k : 1) * sizeof(int32_t));
  if (!pt || !pnorm || !qnorm || !heap_d || !heap_i) {
    free(pt), free(pnorm), free(heap_d), free(heap_i);
    if (!exclude_self) free(qnorm);
    napi_throw_error(env, NULL, "knn: out of memory");
    return NULL;
  }
  memset(pt, 0, (size_t)(groups * cols * PB) * sizeof(double));
  for (int64_t p = 0; p < n_points; p++)
    for (int64_t c = 0; c < cols; c++) pt[(p / PB) * cols * PB + c * PB + p % PB] = points[p * cols + c];
  norms(points, n_points, cols, pnorm);
  for (int64_t p = n_points; p < groups * PB; p++) pnorm[p] = INFINITY;
  if (!exclude_self) norms(queries, n_queries, cols, qnorm);
  for (int64_t i = 0; i < n_queries * k; i++) heap_d[i] = INFINITY, heap_i[i] = -1;

  const int64_t n_blocks = (n_queries + QB - 1) / QB;
  threads = clamp_threads(threads, n_blocks, 0, 0);
  /* Each pair once when the queries are the points, if every thread can keep heaps for all rows. */
  const int symmetric = exclude_self && n_queries == n_points && (double)threads * n_queries * k <= 64e6;
  double *local_d = NULL;
  int32_t *local_i = NULL;
  if (symmetric && threads > 1) {
    local_d = malloc((size_t)(threads - 1) * (size_t)(n_queries * k) * sizeof(double));
    local_i = malloc((size_t)(threads - 1) * (size_t)(n_queries * k) * sizeof(int32_t));
    if (!local_d || !local_i) threads = 1; /* not enough memory for per-thread heaps: one thread */
    else for (int64_t i = 0; i < (threads - 1) * n_queries * k; i++) local_d[i] = INFINITY, local_i[i] = -1;
  }
  /* Query blocks per thread: contiguous ranges, or for the triangle of pairs, a snake order (t, 2T-1-t, ...)
   * that evens out the work (block b meets the n - 4b points after it). */
  int64_t *blocks = malloc((size_t)(n_blocks > 0 ? n_blocks : 1) * sizeof(int64_t));
  job_t jobs[MAX_THREADS];
  int64_t fill = 0;
  for (int64_t t = 0; t < threads; t++) {
    const int64_t first = fill;
    if (symmetric) {
      for (int64_t b = 0; b < n_blocks; b++) {
        const int64_t lap = b / threads, pos = b % threads;
        if ((lap % 2 == 0 ? pos : threads - 1 - pos) == t) blocks[fill++] = b * QB;
      }
    } else {
      for (int64_t b = n_blocks * t / threads; b < n_blocks * (t + 1) / threads; b++) blocks[fill++] = b * QB;
    }
    double *hd = symmetric && t > 0 ? local_d + (t - 1) * n_queries * k : heap_d;
    int32_t *hi = symmetric && t > 0 ? local_i + (t - 1) * n_queries * k : heap_i;
    jobs[t] = (job_t){pt, pnorm, queries, qnorm, n_points, n_queries, groups, cols, k, exclude_self, symmetric, hd, hi, blocks + first, fill - first};
  }
  run_jobs(run, jobs, sizeof(job_t), threads);
  free(blocks);
  /* Per-thread heaps into the first: no pair was offered to the same heap by two threads. */
  if (symmetric && threads > 1) {
    for (int64_t t = 1; t < threads; t++)
      for (int64_t q = 0; q < n_queries; q++)
        for (int64_t e = 0; e < k; e++) {
          const double d = local_d[((t - 1) * n_queries + q) * k + e];
          const int32_t p = local_i[((t - 1) * n_queries + q) * k + e];
          if (p >= 0) offer(heap_d + q * k, heap_i + q * k, k, d, p);
        }
  }
  free(local_d), free(local_i);

  napi_value ibuf, dbuf, iarr, darr, result;
  void *idata, *ddata;
  CHECK(napi_create_arraybuffer(env, (size_t)(n_queries * k) * 4, &idata, &ibuf));
  CHECK(napi_create_arraybuffer(env, (size_t)(n_queries * k) * 8, &ddata, &dbuf));
  int32_t *out_i = (int32_t *)idata;
  double *out_d = (double *)ddata;
  entry_t *row = malloc((size_t)k * sizeof(entry_t));
  for (int64_t q = 0; q < n_queries; q++) {
    for (int64_t j = 0; j < k; j++) row[j] = (entry_t){heap_d[q * k + j], heap_i[q * k + j]};
    qsort(row, (size_t)k, sizeof(entry_t), cmp_entries);
    for (int64_t j = 0; j < k; j++) out_i[q * k + j] = row[j].i, out_d[q * k + j] = sqrt(row[j].d);
  }
  free(row);
  free(pt), free(pnorm), free(heap_d), free(heap_i);
  if (!exclude_self) free(qnorm);
  CHECK(napi_create_typedarray(env, napi_int32_array, (size_t)(n_queries * k), ibuf, 0, &iarr));
  CHECK(napi_create_typedarray(env, napi_float64_array, (size_t)(n_queries * k), dbuf, 0, &darr));
  CHECK(napi_create_array_with_length(env, 2, &result));
  CHECK(napi_set_element(env, result, 0, iarr));
  CHECK(napi_set_element(env, result, 1, darr));
  return result;
}

napi_value mlsd_register_knn(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "knn", NAPI_AUTO_LENGTH, knn, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "knn", fn) != napi_ok) return NULL;
  return exports;
}
