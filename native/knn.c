/*
 * Exact k-nearest-neighbour search by blocked brute force, the native kernel behind mlsd/neighbors.
 *
 * Same arithmetic as lib/neighbors/brute.ts: squared distance = |q|^2 + |p|^2 - 2 q.p, clamped at 0, a bounded
 * max-heap per query, ties broken by the lower point index. The dot products run in a register-blocked
 * micro-kernel (4 queries x 8 points, accumulated over the features), over point chunks that stay in cache,
 * on several threads (each owns a contiguous range of queries). GCC compiles the kernel for AVX-512, AVX2+FMA
 * and baseline x86-64, and picks one at load time (target_clones).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef double v4d __attribute__((vector_size(32)));

enum { QB = 4, PB = 8, CHUNK = 2048 };

typedef struct {
  const double *pt;    /* points transposed in groups of PB: [group][col][PB] */
  const double *pnorm; /* padded to a multiple of PB; +inf on padding */
  const double *queries;
  const double *qnorm;
  int64_t n_points, n_groups, cols, k;
  int exclude_self;
  double *heap_d;
  int32_t *heap_i;
  int64_t q_begin, q_end;
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

/* 4 queries against one group of 8 points: 8 vector accumulators over the features. */
__attribute__((target_clones("avx512f", "arch=haswell", "default")))
static void dots_4x8(const double *q0, const double *q1, const double *q2, const double *q3, const double *g, int64_t cols, double out[QB][PB]) {
  v4d a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0}, a30 = {0}, a31 = {0};
  for (int64_t c = 0; c < cols; c++) {
    v4d b0, b1;
    memcpy(&b0, g + c * PB, sizeof b0);
    memcpy(&b1, g + c * PB + 4, sizeof b1);
    v4d x0 = {q0[c], q0[c], q0[c], q0[c]}, x1 = {q1[c], q1[c], q1[c], q1[c]}, x2 = {q2[c], q2[c], q2[c], q2[c]}, x3 = {q3[c], q3[c], q3[c], q3[c]};
    a00 += x0 * b0; a01 += x0 * b1;
    a10 += x1 * b0; a11 += x1 * b1;
    a20 += x2 * b0; a21 += x2 * b1;
    a30 += x3 * b0; a31 += x3 * b1;
  }
  memcpy(out[0], &a00, 32); memcpy(out[0] + 4, &a01, 32);
  memcpy(out[1], &a10, 32); memcpy(out[1] + 4, &a11, 32);
  memcpy(out[2], &a20, 32); memcpy(out[2] + 4, &a21, 32);
  memcpy(out[3], &a30, 32); memcpy(out[3] + 4, &a31, 32);
}

static void *run(void *arg) {
  job_t *j = (job_t *)arg;
  const int64_t cols = j->cols, k = j->k;
  double dot[QB][PB];
  const int64_t chunk_groups = CHUNK / PB;
  for (int64_t g0 = 0; g0 < j->n_groups; g0 += chunk_groups) {
    const int64_t g1 = g0 + chunk_groups < j->n_groups ? g0 + chunk_groups : j->n_groups;
    for (int64_t q = j->q_begin; q < j->q_end; q += QB) {
      const int64_t nq = j->q_end - q < QB ? j->q_end - q : QB;
      const double *qr[QB];
      for (int64_t t = 0; t < QB; t++) qr[t] = j->queries + (q + (t < nq ? t : 0)) * cols;
      for (int64_t g = g0; g < g1; g++) {
        dots_4x8(qr[0], qr[1], qr[2], qr[3], j->pt + g * cols * PB, cols, dot);
        for (int64_t t = 0; t < nq; t++) {
          const int64_t qi = q + t;
          double *hd = j->heap_d + qi * k;
          int32_t *hi = j->heap_i + qi * k;
          const double qn = j->qnorm[qi];
          /* Most candidates are farther than the current k-th nearest: test all 8 before any scalar work. */
          double dd[PB];
          int any = 0;
          const double worst = hd[0];
          for (int64_t s = 0; s < PB; s++) {
            double d = qn + j->pnorm[g * PB + s] - 2 * dot[t][s];
            dd[s] = d < 0 ? 0 : d;
            any |= dd[s] <= worst;
          }
          if (!any) continue;
          for (int64_t s = 0; s < PB; s++) {
            const int64_t p = g * PB + s;
            if (p >= j->n_points) break;
            if (j->exclude_self && p == qi) continue;
            const double d = dd[s];
            if (d > hd[0] || (d == hd[0] && p > hi[0])) continue;
            replace_root(hd, hi, k, d, (int32_t)p);
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

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "mlsd native knn: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static const double *float64_arg(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != napi_float64_array) return NULL;
  return (const double *)data;
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
  const double *points = float64_arg(env, argv[0], &plen);
  const double *queries = float64_arg(env, argv[2], &qlen);
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

  if (threads < 1) threads = 1;
  if (threads > 64) threads = 64;
  if (threads > (n_queries + QB - 1) / QB) threads = (n_queries + QB - 1) / QB > 0 ? (n_queries + QB - 1) / QB : 1;
  job_t jobs[64];
  pthread_t tids[64];
  for (int64_t t = 0; t < threads; t++) {
    jobs[t] = (job_t){pt, pnorm, queries, qnorm, n_points, groups, cols, k, exclude_self, heap_d, heap_i, n_queries * t / threads, n_queries * (t + 1) / threads};
  }
  int64_t started = 0;
  for (int64_t t = 1; t < threads; t++, started++)
    if (pthread_create(&tids[t], NULL, run, &jobs[t]) != 0) break;
  run(&jobs[0]);
  for (int64_t t = 1; t <= started; t++) pthread_join(tids[t], NULL);
  /* Threads that could not start: run their ranges here. */
  for (int64_t t = started + 1; t < threads; t++) run(&jobs[t]);

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

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "knn", NAPI_AUTO_LENGTH, knn, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "knn", fn) != napi_ok) return NULL;
  return exports;
}
