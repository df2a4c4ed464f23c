/*
 * Histogram gradient boosting's hot loops, native: a node's gradient histograms (and its sibling's, by
 * subtraction in the same pass), the partition of a node's samples at a split, binning, and the best-split
 * scan. Same float operations in the same order as lib/ensemble/hgb/histogram.ts, grower.ts, binning.ts and
 * splitter.ts (gradients widened from float32 to float64, each feature's bins summed in partition order), so
 * a fitted model is bit for bit the one the JavaScript fits. Threads split features (histograms, scans) or
 * consecutive chunks joined in order (partitions), so the thread count changes nothing but time.
 */
#include "common.h"
#include "isa.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

enum { BIN_STRIDE = 256, FIELDS = 4 }; /* per bin: gradient sum, hessian sum, count, 0 (a 32-byte vector) */
/* Below this many (sample, feature) updates a node is cheaper on one thread than starting another. At 30,000
 * (a node under 1,072 samples of 28 features on one thread), nodes of 250 to 1,000 samples took 1.25 to 1.3
 * times as long as on two threads, since their column reads miss (both builds in one run, on an AMD EPYC Zen 3
 * without AVX-512, 2 cores under KVM; the figures in this file are from that machine). */
#define THREAD_MIN_UPDATES 4000

typedef struct {
  double *hist;
  const uint8_t *binned;
  int64_t n, start, m;
  const uint32_t *partition;
  const float *gh; /* the node's (gradient, hessian) pairs in partition order; hessian 0 when constant */
  double *parent;  /* when not NULL: parent -= hist over the job's features, while they are in cache */
  int identity;
  int64_t f0, f1;
} hist_job_t;

/* parent -= hist over `bins` bins. A bin no sample reached is all +0, and x - +0 is x for every double
 * (-0 and NaN included), so those bins are skipped: a small node touches few of its 256 bins a feature. */
static inline void subtract_bins(double *restrict parent, const double *restrict hist, int64_t bins) {
  for (int64_t k = 0; k < bins * FIELDS; k += FIELDS)
    if (hist[k + 2] != 0) parent[k] -= hist[k], parent[k + 1] -= hist[k + 1], parent[k + 2] -= hist[k + 2], parent[k + 3] -= hist[k + 3];
}

/* A node with fewer than one sample in SPARSE_NODE of the data reads each column byte from its own cache line,
 * missing in L2: its loops (the histograms' GATHER 2, and the partition) prefetch the bytes PREFETCH_AHEAD
 * samples ahead, which took 0.8 of the time at one sample in 160 and 1.1 to 1.3 times as long for denser nodes
 * (whose gaps the hardware prefetcher covers). */
enum { SPARSE_NODE = 64, PREFETCH_AHEAD = 24 };

/*
 * The passes over a node's samples, four features at a time (then two, then one, for the rest of a thread's
 * range: threads split features evenly, 28 as 14 and 14, which measured faster than whole fours). Four
 * features per pass share the sample's index and gradient loads and give four independent chains; four 8 KB
 * histograms stay in L1. PREP(p) sets up sample p's update, UPDATE(k) adds it to bin k. Everything the loop
 * reads is a local copied from the job: a store into a histogram may alias the job as far as the compiler
 * knows, so with the fields read through `j` it reloaded them, the identity flag among them, at every
 * sample (that loop took 1.2 to 1.5 times as long). The root's samples are in order (GATHER 0) and the other
 * nodes' come through the partition (1, or 2 for sparse nodes), each in its own copy of the loop.
 */
#define HIST_LOOP(NF, GATHER, PREP, UPDATE)                                   \
  for (int64_t p = 0; p < m; p++) {                                           \
    PREP(p);                                                                  \
    const int64_t i = (GATHER) ? (int64_t)part[start + p] : start + p;        \
    if ((GATHER) == 2 && p + PREFETCH_AHEAD < m) {                            \
      const int64_t i2 = part[start + p + PREFETCH_AHEAD];                    \
      __builtin_prefetch(c0 + i2);                                            \
      if ((NF) > 1) __builtin_prefetch(c1 + i2);                              \
      if ((NF) > 2) __builtin_prefetch(c2 + i2), __builtin_prefetch(c3 + i2); \
    }                                                                         \
    UPDATE(b0 + c0[i] * FIELDS);                                              \
    if ((NF) > 1) UPDATE(b1 + c1[i] * FIELDS);                                \
    if ((NF) > 2) UPDATE(b2 + c2[i] * FIELDS), UPDATE(b3 + c3[i] * FIELDS);   \
  }
#define HIST_PASSES(PREP, UPDATE)                                                                              \
  const int64_t span = BIN_STRIDE * FIELDS, n = j->n, start = j->start, m = j->m;                             \
  const uint32_t *const part = j->partition;                                                                  \
  const int sparse = m * SPARSE_NODE < n;                                                                     \
  const float *const gh = j->gh;                                                                              \
  for (int64_t f = j->f0; f < j->f1;) {                                                                       \
    const int nf = j->f1 - f >= 4 ? 4 : j->f1 - f >= 2 ? 2 : 1;                                               \
    const uint8_t *const c0 = j->binned + f * n, *const c1 = c0 + (nf > 1) * n, *const c2 = c0 + (nf > 2) * 2 * n, *const c3 = c0 + (nf > 2) * 3 * n; \
    double *const b0 = j->hist + f * span, *const b1 = b0 + (nf > 1) * span, *const b2 = b0 + (nf > 2) * 2 * span, *const b3 = b0 + (nf > 2) * 3 * span; \
    memset(b0, 0, (size_t)(nf * span) * sizeof(double));                                                     \
    if (nf == 4 && j->identity) HIST_LOOP(4, 0, PREP, UPDATE)                                                 \
    else if (nf == 4 && sparse) HIST_LOOP(4, 2, PREP, UPDATE)                                                 \
    else if (nf == 4) HIST_LOOP(4, 1, PREP, UPDATE)                                                           \
    else if (nf == 2 && j->identity) HIST_LOOP(2, 0, PREP, UPDATE)                                            \
    else if (nf == 2 && sparse) HIST_LOOP(2, 2, PREP, UPDATE)                                                 \
    else if (nf == 2) HIST_LOOP(2, 1, PREP, UPDATE)                                                           \
    else if (j->identity) HIST_LOOP(1, 0, PREP, UPDATE)                                                       \
    else if (sparse) HIST_LOOP(1, 2, PREP, UPDATE)                                                            \
    else HIST_LOOP(1, 1, PREP, UPDATE)                                                                        \
    if (j->parent) subtract_bins(j->parent + f * span, b0, nf * BIN_STRIDE);                                  \
    f += nf;                                                                                                  \
  }

/* Portable path: the same additions in the same order as the vector paths, three scalar adds a bin. */
#if !defined(MLSD_X86)
#define SCALAR_PREP(p) const float g_ = gh[2 * (p)], h_ = gh[2 * (p) + 1]
#define SCALAR_UPDATE(k) ((k)[0] += g_, (k)[1] += h_, (k)[2] += 1)
static void features_scalar(const hist_job_t *j) { HIST_PASSES(SCALAR_PREP, SCALAR_UPDATE) }
#endif

#if defined(MLSD_X86)
#include <immintrin.h>
/* AVX: each update is one 32-byte add of (g, h, 1, 0) to its bin, one load and one store where the scalar
 * path needs three of each (stores are what bound it). Lane by lane these are the scalar additions, so the
 * sums are identical. */
#define AVX_PREP(p) const __m256d v_ = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_cvtps_pd(_mm_castpd_ps(_mm_load_sd((const double *)(gh + 2 * (p)))))), one_zero, 1)
#define AVX_UPDATE(k) _mm256_storeu_pd((k), _mm256_add_pd(_mm256_loadu_pd(k), v_))
__attribute__((target("avx"))) static void features_avx(const hist_job_t *j) {
  const __m128d one_zero = _mm_set_pd(0.0, 1.0);
  HIST_PASSES(AVX_PREP, AVX_UPDATE)
}

/* Baseline x86-64 (SSE2): the same update as two 16-byte adds, (g, h) and (1, 0): two loads and two stores
 * where the scalar path needs three of each. */
#define SSE2_PREP(p) const __m128d gh_ = _mm_cvtps_pd(_mm_castpd_ps(_mm_load_sd((const double *)(gh + 2 * (p)))))
#define SSE2_UPDATE(k) (_mm_storeu_pd((k), _mm_add_pd(_mm_loadu_pd(k), gh_)), _mm_storeu_pd((k) + 2, _mm_add_pd(_mm_loadu_pd((k) + 2), one_zero)))
static void features_sse2(const hist_job_t *j) {
  const __m128d one_zero = _mm_set_pd(0.0, 1.0);
  HIST_PASSES(SSE2_PREP, SSE2_UPDATE)
}
#endif

#if defined(MLSD_ARM64)
#include <arm_neon.h>
/* NEON: as the SSE2 path, two 16-byte adds per update. */
#define NEON_PREP(p) const float64x2_t gh_ = vcvt_f64_f32(vld1_f32(gh + 2 * (p)))
#define NEON_UPDATE(k) (vst1q_f64((k), vaddq_f64(vld1q_f64(k), gh_)), vst1q_f64((k) + 2, vaddq_f64(vld1q_f64((k) + 2), one_zero)))
static void features_neon(const hist_job_t *j) {
  const float64x2_t one_zero = {1.0, 0.0};
  HIST_PASSES(NEON_PREP, NEON_UPDATE)
}
#endif

static void *features(void *arg) {
  const hist_job_t *j = (const hist_job_t *)arg;
#if defined(MLSD_X86)
  if (mlsd_isa >= ISA_AVX2) features_avx(j);
  else features_sse2(j);
#elif defined(MLSD_ARM64)
  if (mlsd_isa == ISA_NEON) features_neon(j);
  else features_scalar(j);
#else
  features_scalar(j);
#endif
  return NULL;
}

/* Nodes with at least this many samples gather their gradients on several threads. */
#define GATHER_THREAD_MIN 16384

typedef struct {
  const uint32_t *partition;
  const float *g, *h;
  float *gh;
  int64_t start, p0, p1, limit;
  int bad; /* out: an index at or past limit */
} gather_job_t;

/* The (g, h) pairs of partition[p0..p1) into gh from position p0 - start. */
static void *gather(void *arg) {
  gather_job_t *j = (gather_job_t *)arg;
  float *out = j->gh + 2 * (j->p0 - j->start);
  for (int64_t p = j->p0; p < j->p1; p++, out += 2) {
    const uint32_t i = j->partition[p];
    if ((int64_t)i >= j->limit) {
      j->bad = 1;
      return NULL;
    }
    out[0] = j->g[i];
    out[1] = j->h ? j->h[i] : 0.0f;
  }
  return NULL;
}

/*
 * histogram(hist, binned, n, d, partition, start, end, g, h | null, scratch, identity, threads, parent | null):
 * gathers the (g, h) pairs of partition[start..end) into scratch (a Float32Array of at least 2 (end - start)),
 * then fills hist (d x 256 x 4); with a parent histogram, subtracts hist from it (the sibling's histogram).
 */
static napi_value histogram(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value a[13];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t hlen, blen, plen, glen, hhlen = 0, slen, parlen = 0;
  double *hist = typed(env, a[0], napi_float64_array, &hlen);
  const uint8_t *binned = typed(env, a[1], napi_uint8_array, &blen);
  int64_t n, d, start, end, threads;
  bool identity;
  CHECK(napi_get_value_int64(env, a[2], &n));
  CHECK(napi_get_value_int64(env, a[3], &d));
  const uint32_t *partition = typed(env, a[4], napi_uint32_array, &plen);
  CHECK(napi_get_value_int64(env, a[5], &start));
  CHECK(napi_get_value_int64(env, a[6], &end));
  const float *g = typed(env, a[7], napi_float32_array, &glen);
  const float *h = typed(env, a[8], napi_float32_array, &hhlen);
  float *gh = typed(env, a[9], napi_float32_array, &slen);
  CHECK(napi_get_value_bool(env, a[10], &identity));
  CHECK(napi_get_value_int64(env, a[11], &threads));
  double *parent = argc > 12 ? typed(env, a[12], napi_float64_array, &parlen) : NULL;
  const int64_t m = end - start;
  if (argc < 12 || !hist || !binned || !partition || !g || !gh || d < 1 || n < 1 || start < 0 || m < 0 || (int64_t)hlen < d * BIN_STRIDE * FIELDS || (int64_t)blen < n * d || (int64_t)plen < end || (int64_t)slen < 2 * m || (!h && !nullish(env, a[8])) || (h && hhlen < glen) || (argc > 12 && !parent && !nullish(env, a[12])) || (parent && parlen < hlen)) {
    napi_throw_range_error(env, NULL, "histogram: buffers too small for the node, or a missing one");
    return NULL;
  }
  /* The gather on threads too: on one it was serial time while the other cores waited for the features. */
  const int64_t gather_threads = clamp_threads(threads, MAX_THREADS, m, GATHER_THREAD_MIN);
  gather_job_t gathers[MAX_THREADS];
  const int64_t limit = (int64_t)glen < n ? (int64_t)glen : n;
  for (int64_t t = 0; t < gather_threads; t++) gathers[t] = (gather_job_t){partition, g, h, gh, start, start + m * t / gather_threads, start + m * (t + 1) / gather_threads, limit, 0};
  run_jobs(gather, gathers, sizeof(gather_job_t), gather_threads);
  for (int64_t t = 0; t < gather_threads; t++)
    if (gathers[t].bad) {
      napi_throw_range_error(env, NULL, "histogram: a partition index is past the gradients or the bins");
      return NULL;
    }
  threads = clamp_threads(threads, d, m * d, THREAD_MIN_UPDATES);
  hist_job_t jobs[MAX_THREADS];
  /* Even feature ranges: the slowest thread sets the time, and whole fours per thread (12 and 16 of 28)
   * measured slower than 14 and 14 with a two-feature pass at the end. */
  for (int64_t t = 0; t < threads; t++) {
    const int64_t f0 = d * t / threads, f1 = d * (t + 1) / threads;
    jobs[t] = (hist_job_t){hist, binned, n, start, m, partition, gh, parent, identity, f0, f1};
  }
  run_jobs(features, jobs, sizeof(hist_job_t), threads);
  return NULL;
}

/* Nodes with at least this many samples partition on several threads. */
#define PARTITION_THREAD_MIN 50000

typedef struct {
  uint32_t *part, *tmp;
  const uint8_t *col;
  int64_t n, s, e, thr, missing;
  int missing_left;
  int64_t lefts, rights, bad; /* out */
} partition_job_t;

/* Stable partition of part[s..e): left samples in place from s, right ones into tmp (from s - node start). */
static void *partition_range(void *arg) {
  partition_job_t *j = (partition_job_t *)arg;
  int64_t l = j->s, r = 0;
  /* A sparse node's bytes of the split column are a cache miss each, as in the histograms: with the prefetch,
   * 0.83 to 0.89 of the partitions' time in a fit (both builds in one process). */
  const int sparse = (j->e - j->s) * SPARSE_NODE < j->n;
  for (int64_t p = j->s; p < j->e; p++) {
    const uint32_t i = j->part[p];
    if (sparse && p + PREFETCH_AHEAD < j->e && j->part[p + PREFETCH_AHEAD] < j->n) __builtin_prefetch(j->col + j->part[p + PREFETCH_AHEAD]);
    if ((int64_t)i >= j->n) {
      j->bad = 1;
      return NULL;
    }
    const uint8_t b = j->col[i];
    const int left = b == j->missing ? j->missing_left : b <= j->thr;
    /* Both stores, one kept: the side is a coin flip for the branch predictor. l <= p, so part[p] is read first. */
    j->part[l] = i, j->tmp[r] = i;
    l += left, r += !left;
  }
  j->lefts = l - j->s, j->rights = r;
  return NULL;
}

/*
 * partition(partition, tmp, binned, n, feature, start, end, binThreshold, missingBin, missingLeft, threads) -> mid:
 * the stable partition of grower.ts: left samples in place, right ones after them in their order. Threads
 * partition consecutive chunks; the chunks' lefts, then their rights, are joined in chunk order, which is
 * the one-thread order.
 */
static napi_value partition(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value a[11];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t plen, tlen, blen;
  uint32_t *part = typed(env, a[0], napi_uint32_array, &plen);
  uint32_t *tmp = typed(env, a[1], napi_uint32_array, &tlen);
  const uint8_t *binned = typed(env, a[2], napi_uint8_array, &blen);
  int64_t n, f, start, end, thr, missing, threads = 1;
  bool missing_left;
  CHECK(napi_get_value_int64(env, a[3], &n));
  CHECK(napi_get_value_int64(env, a[4], &f));
  CHECK(napi_get_value_int64(env, a[5], &start));
  CHECK(napi_get_value_int64(env, a[6], &end));
  CHECK(napi_get_value_int64(env, a[7], &thr));
  CHECK(napi_get_value_int64(env, a[8], &missing));
  CHECK(napi_get_value_bool(env, a[9], &missing_left));
  if (argc > 10) CHECK(napi_get_value_int64(env, a[10], &threads));
  if (argc < 10 || !part || !tmp || !binned || start < 0 || end < start || (int64_t)plen < end || (int64_t)tlen < end - start || f < 0 || n < 0 || (int64_t)blen < (f + 1) * n) {
    napi_throw_range_error(env, NULL, "partition: buffers too small for the node");
    return NULL;
  }
  const int64_t m = end - start;
  threads = clamp_threads(threads, m, m, PARTITION_THREAD_MIN);
  partition_job_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++) {
    const int64_t s = start + m * t / threads, e = start + m * (t + 1) / threads;
    jobs[t] = (partition_job_t){part, tmp + (s - start), binned + f * n, n, s, e, thr, missing, missing_left, 0, 0, 0};
  }
  run_jobs(partition_range, jobs, sizeof(partition_job_t), threads);
  int64_t l = start;
  for (int64_t t = 0; t < threads; t++) {
    if (jobs[t].bad) {
      napi_throw_range_error(env, NULL, "partition: a sample index is past the bins");
      return NULL;
    }
    if (l != jobs[t].s) memmove(part + l, part + jobs[t].s, (size_t)jobs[t].lefts * sizeof(uint32_t));
    l += jobs[t].lefts;
  }
  const int64_t mid = l;
  for (int64_t t = 0; t < threads; t++) {
    memcpy(part + l, jobs[t].tmp, (size_t)jobs[t].rights * sizeof(uint32_t));
    l += jobs[t].rights;
  }
  napi_value out;
  CHECK(napi_create_int64(env, mid, &out));
  return out;
}

/* ---- Binning: each feature's sorted non-missing values (for the quantiles), and the bins of every value. */

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
/* Out of memory for the radix buffers: sort in place (equal values are interchangeable, -0 and +0 may swap,
 * which no threshold can tell apart). */
static void qsort_fallback(double *v, int64_t n) { qsort(v, (size_t)n, sizeof(double), cmp_double); }

/* IEEE doubles as unsigned keys in the same order (negatives reversed, -0 before +0, as a typed array sorts). */
static inline uint64_t key_of(double v) {
  uint64_t u;
  memcpy(&u, &v, 8);
  return (u >> 63) ? ~u : u | 0x8000000000000000ull;
}
static inline double value_of(uint64_t k) {
  const uint64_t u = (k >> 63) ? k & 0x7fffffffffffffffull : ~k;
  double v;
  memcpy(&v, &u, 8);
  return v;
}

/* LSD radix sort in 11-bit digits (6 passes over 64 bits), skipping passes where every key has the same
 * digit. 2,048 buckets keep a pass's scatter within a few hundred write streams; 16-bit digits (65,536
 * buckets, 4 passes) left about two keys per bucket at 160,000 values, a cache miss for nearly every write,
 * and took 1.7 times as long on one thread. All six digit counts come from one read of the keys. `a` and `b`
 * hold n keys each: the caller's buffers, reused across its features (a fresh 2.5 MB pair per feature was
 * page faults). */
enum { RADIX_BITS = 11, RADIX_PASSES = 6, RADIX_BUCKETS = 1 << RADIX_BITS };
static void radix_sort(double *values, int64_t n, uint64_t *a, uint64_t *b, uint32_t (*count)[RADIX_BUCKETS]) {
  if (n < 2) return;
  memset(count, 0, sizeof(uint32_t) * RADIX_PASSES * RADIX_BUCKETS);
  for (int64_t i = 0; i < n; i++) {
    const uint64_t k = key_of(values[i]);
    a[i] = k;
    for (int d = 0; d < RADIX_PASSES; d++) count[d][(k >> (d * RADIX_BITS)) & (RADIX_BUCKETS - 1)]++;
  }
  for (int d = 0; d < RADIX_PASSES; d++) {
    const int shift = d * RADIX_BITS;
    uint32_t *c = count[d];
    if (c[(a[0] >> shift) & (RADIX_BUCKETS - 1)] == (uint32_t)n) continue;
    uint32_t sum = 0;
    for (int v = 0; v < RADIX_BUCKETS; v++) {
      const uint32_t t = c[v];
      c[v] = sum;
      sum += t;
    }
    for (int64_t i = 0; i < n; i++) b[c[(a[i] >> shift) & (RADIX_BUCKETS - 1)]++] = a[i];
    uint64_t *t = a;
    a = b, b = t;
  }
  for (int64_t i = 0; i < n; i++) values[i] = value_of(a[i]);
}

typedef struct {
  const double *data;
  int64_t rows, cols, m;
  const int32_t *subset;
  double *out;
  int32_t *counts;
  uint8_t *missing;
  const double *padded;
  uint8_t *bins;
  int missing_bin;
  int64_t f0, f1;
} bin_job_t;

/* Rows are read in blocks, every feature of the job per block: a feature at a time would stream the whole
 * row-major matrix once per feature for one value in every cols. */
enum { ROW_BLOCK = 512 };

static void *sort_features(void *arg) {
  const bin_job_t *j = (const bin_job_t *)arg;
  for (int64_t f = j->f0; f < j->f1; f++) j->counts[f] = 0;
  for (int64_t r0 = 0; r0 < j->m; r0 += ROW_BLOCK) {
    const int64_t r1 = r0 + ROW_BLOCK < j->m ? r0 + ROW_BLOCK : j->m;
    for (int64_t f = j->f0; f < j->f1; f++) {
      double *col = j->out + f * j->m;
      int64_t k = j->counts[f];
      for (int64_t r = r0; r < r1; r++) {
        const double v = j->data[(j->subset ? j->subset[r] : r) * j->cols + f];
        if (v != v) j->missing[f] = 1;
        else col[k++] = v;
      }
      j->counts[f] = (int32_t)k;
    }
  }
  uint64_t *a = malloc((size_t)j->m * 8), *b = malloc((size_t)j->m * 8);
  uint32_t(*count)[RADIX_BUCKETS] = malloc(sizeof(uint32_t) * RADIX_PASSES * RADIX_BUCKETS);
  for (int64_t f = j->f0; f < j->f1; f++) {
    double *col = j->out + f * j->m;
    if (a && b && count) radix_sort(col, j->counts[f], a, b, count);
    else qsort_fallback(col, j->counts[f]);
  }
  free(a), free(b), free(count);
  return NULL;
}

static void *bin_features(void *arg) {
  const bin_job_t *j = (const bin_job_t *)arg;
  for (int64_t i0 = 0; i0 < j->rows; i0 += ROW_BLOCK) {
    const int64_t i1 = i0 + ROW_BLOCK < j->rows ? i0 + ROW_BLOCK : j->rows;
    for (int64_t f = j->f0; f < j->f1; f++) {
      const double *t = j->padded + f * 256;
      uint8_t *out = j->bins + f * j->rows;
      for (int64_t i = i0; i < i1; i++) {
        const double x = j->data[i * j->cols + f];
        if (x != x) {
          out[i] = (uint8_t)j->missing_bin;
          continue;
        }
        /* The number of thresholds below x (searchsorted, side "left"), in 8 fixed steps, as binning.ts. */
        int pos = 0;
        pos += t[pos + 127] < x ? 128 : 0;
        pos += t[pos + 63] < x ? 64 : 0;
        pos += t[pos + 31] < x ? 32 : 0;
        pos += t[pos + 15] < x ? 16 : 0;
        pos += t[pos + 7] < x ? 8 : 0;
        pos += t[pos + 3] < x ? 4 : 0;
        pos += t[pos + 1] < x ? 2 : 0;
        pos += t[pos] < x ? 1 : 0;
        out[i] = (uint8_t)pos;
      }
    }
  }
  return NULL;
}

static void run_features(bin_job_t *base, int64_t cols, int64_t threads, void *(*fn)(void *)) {
  threads = clamp_threads(threads, cols, 0, 0);
  bin_job_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++) {
    jobs[t] = *base;
    jobs[t].f0 = cols * t / threads;
    jobs[t].f1 = cols * (t + 1) / threads;
  }
  run_jobs(fn, jobs, sizeof(bin_job_t), threads);
}

/* sortColumns(data, rows, cols, subset | null, out (cols x m), counts, hasMissing, threads) */
static napi_value sort_columns(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t dlen, slen = 0, olen, clen, mlen;
  const double *data = typed(env, a[0], napi_float64_array, &dlen);
  int64_t rows, cols, threads;
  CHECK(napi_get_value_int64(env, a[1], &rows));
  CHECK(napi_get_value_int64(env, a[2], &cols));
  const int32_t *subset = typed(env, a[3], napi_int32_array, &slen);
  double *out = typed(env, a[4], napi_float64_array, &olen);
  int32_t *counts = typed(env, a[5], napi_int32_array, &clen);
  uint8_t *missing = typed(env, a[6], napi_uint8_array, &mlen);
  CHECK(napi_get_value_int64(env, a[7], &threads));
  const int64_t m = subset ? (int64_t)slen : rows;
  if (argc < 8 || !data || !out || !counts || !missing || rows < 0 || cols < 1 || (int64_t)dlen < rows * cols || (int64_t)olen < m * cols || (int64_t)clen < cols || (int64_t)mlen < cols) {
    napi_throw_range_error(env, NULL, "sortColumns: buffers too small");
    return NULL;
  }
  if (subset)
    for (int64_t r = 0; r < m; r++)
      if (subset[r] < 0 || subset[r] >= rows) {
        napi_throw_range_error(env, NULL, "sortColumns: a subset row is out of range");
        return NULL;
      }
  bin_job_t job = {data, rows, cols, m, subset, out, counts, missing, NULL, NULL, 0, 0, 0};
  run_features(&job, cols, threads, sort_features);
  return NULL;
}

/* transformBins(data, rows, cols, padded (cols x 256 thresholds, +inf padded), missingBin, out (cols x rows), threads) */
static napi_value transform_bins(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value a[7];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t dlen, plen, olen;
  const double *data = typed(env, a[0], napi_float64_array, &dlen);
  int64_t rows, cols, missing_bin, threads;
  CHECK(napi_get_value_int64(env, a[1], &rows));
  CHECK(napi_get_value_int64(env, a[2], &cols));
  const double *padded = typed(env, a[3], napi_float64_array, &plen);
  CHECK(napi_get_value_int64(env, a[4], &missing_bin));
  uint8_t *out = typed(env, a[5], napi_uint8_array, &olen);
  CHECK(napi_get_value_int64(env, a[6], &threads));
  if (argc < 7 || !data || !padded || !out || rows < 0 || cols < 1 || (int64_t)dlen < rows * cols || (int64_t)plen < cols * 256 || (int64_t)olen < rows * cols || missing_bin < 0 || missing_bin > 255) {
    napi_throw_range_error(env, NULL, "transformBins: buffers too small");
    return NULL;
  }
  bin_job_t job = {data, rows, cols, rows, NULL, NULL, NULL, NULL, padded, out, (int)missing_bin, 0, 0};
  run_features(&job, cols, threads, bin_features);
  return NULL;
}

typedef struct {
  const double *hist;
  const int32_t *n_bins;
  const uint8_t *has_missing;
  double G, H, N, min_leaf, min_hess, lambda, hc, parent;
  int constant;
  int64_t f0, f1;
  int found;
  double out[7]; /* gain, feature, binThreshold, missingLeft, gLeft, hLeft, nLeft */
} split_job_t;

/* The first best split of features [f0, f1) with gain above 0, in splitter.ts's order and arithmetic. Written
 * once and compiled at each level (best_split_range below), for the width of the gains' vectorised loop. */
MLSD_INLINE void best_split_body(split_job_t *j) {
  const double G = j->G, H = j->H, N = j->N, min_leaf = j->min_leaf, min_hess = j->min_hess, lambda = j->lambda, hc = j->hc, parent = j->parent;
  const int constant = j->constant;
  double best_gain = 0;
  double *out = j->out;
  for (int64_t f = j->f0; f < j->f1; f++) {
    const double *base = j->hist + f * BIN_STRIDE * FIELDS;
    const int64_t non_missing = j->n_bins[f];
    const int missing = j->has_missing[f];
    /* Left to right: prefix sums and the stopping point first (no divisions), then every candidate's gain in
     * one loop the compiler vectorises (divisions are most of the cost), then the first maximum. The same
     * values and the same comparisons as splitter.ts. */
    double gLs[BIN_STRIDE], hLs[BIN_STRIDE], nLs[BIN_STRIDE], gains[BIN_STRIDE];
    double gL = 0, hL = 0, nL = 0;
    const int64_t end = non_missing - 1 + missing;
    int64_t stop = end;
    for (int64_t b = 0; b < end; b++) {
      const double *k = base + b * FIELDS;
      gL += k[0];
      nL += k[2];
      hL = constant ? nL * hc : hL + k[1];
      gLs[b] = gL, hLs[b] = hL, nLs[b] = nL;
      if (nL < min_leaf) continue;
      if (N - nL < min_leaf) { stop = b; break; }
      if (hL < min_hess) continue;
      if (H - hL < min_hess) { stop = b; break; }
    }
    for (int64_t b = 0; b < stop; b++) {
      const double gR = G - gLs[b], hR = H - hLs[b];
      gains[b] = (gLs[b] * gLs[b]) / (hLs[b] + lambda) + (gR * gR) / (hR + lambda) - parent;
    }
    /* The scan keeps the first candidate whose gain beats the best so far: the first index of the largest
     * valid gain, when that beats it. The largest comes from four independent maxima (the branchy scan was a
     * quarter of this function's time), and the index from a search only when it beats the best. NaN gains
     * never win either way; gains are compared only with the best (>= 0), so -0 against +0 never matters. */
#define INVALID(b) (nLs[b] < min_leaf || hLs[b] < min_hess)
    double m4[4] = {best_gain, best_gain, best_gain, best_gain};
    int64_t b = 0;
    for (; b + 4 <= stop; b += 4)
      for (int l = 0; l < 4; l++) {
        const double gl = INVALID(b + l) ? -INFINITY : gains[b + l];
        m4[l] = gl > m4[l] ? gl : m4[l];
      }
    for (; b < stop; b++) {
      const double gl = INVALID(b) ? -INFINITY : gains[b];
      m4[0] = gl > m4[0] ? gl : m4[0];
    }
    double top = m4[0];
    for (int l = 1; l < 4; l++) top = m4[l] > top ? m4[l] : top;
    if (top > best_gain) {
      b = 0;
      while (gains[b] != top || INVALID(b)) b++;
#undef INVALID
      best_gain = gains[b], j->found = 1;
      out[0] = gains[b], out[1] = (double)f, out[2] = (double)b, out[3] = 0, out[4] = gLs[b], out[5] = hLs[b], out[6] = nLs[b];
    }
    if (!missing) continue;
    double gR = 0, hR = 0, nR = 0;
    for (int64_t b = non_missing - 2; b >= 0; b--) {
      const double *k = base + (b + 1) * FIELDS;
      gR += k[0];
      nR += k[2];
      hR = constant ? nR * hc : hR + k[1];
      const double n_left = N - nR, h_left = H - hR;
      if (nR < min_leaf) continue;
      if (n_left < min_leaf) break;
      if (hR < min_hess) continue;
      if (h_left < min_hess) break;
      const double g_left = G - gR;
      const double gain = (g_left * g_left) / (h_left + lambda) + (gR * gR) / (hR + lambda) - parent;
      if (gain > best_gain) {
        best_gain = gain, j->found = 1;
        out[0] = gain, out[1] = (double)f, out[2] = (double)b, out[3] = 1, out[4] = g_left, out[5] = h_left, out[6] = n_left;
      }
    }
  }
}

#if defined(MLSD_X86)
MLSD_TARGET_AVX512 static void best_split_avx512(split_job_t *j) { best_split_body(j); }
MLSD_TARGET_AVX2 static void best_split_avx2(split_job_t *j) { best_split_body(j); }
#endif
static void best_split_baseline(split_job_t *j) { best_split_body(j); }

static void *best_split_range(void *arg) {
#if defined(MLSD_X86)
  if (mlsd_isa == ISA_AVX512) best_split_avx512((split_job_t *)arg);
  else if (mlsd_isa == ISA_AVX2) best_split_avx2((split_job_t *)arg);
  else
#endif
    best_split_baseline((split_job_t *)arg);
  return NULL;
}

/*
 * findBestSplit(hist, d, nBinsNonMissing, hasMissing, G, H, N, minSamplesLeaf, minHessianToSplit, l2,
 * constantHessian (NaN: hessian sums in the histogram), out[7], threads) -> whether a split with positive
 * gain exists; out = gain, feature, binThreshold, missingLeft, gLeft, hLeft, nLeft. As splitter.ts,
 * expression for expression. Threads scan consecutive feature ranges; a later range's best wins only when
 * strictly better, so the answer is the one-thread scan's first maximum.
 */
static napi_value find_best_split(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value a[13];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t hlen, nlen, mlen, olen;
  const double *hist = typed(env, a[0], napi_float64_array, &hlen);
  int64_t d, threads = 1;
  CHECK(napi_get_value_int64(env, a[1], &d));
  const int32_t *n_bins = typed(env, a[2], napi_int32_array, &nlen);
  const uint8_t *has_missing = typed(env, a[3], napi_uint8_array, &mlen);
  double G, H, N, min_leaf, min_hess, lambda, hc;
  CHECK(napi_get_value_double(env, a[4], &G));
  CHECK(napi_get_value_double(env, a[5], &H));
  CHECK(napi_get_value_double(env, a[6], &N));
  CHECK(napi_get_value_double(env, a[7], &min_leaf));
  CHECK(napi_get_value_double(env, a[8], &min_hess));
  CHECK(napi_get_value_double(env, a[9], &lambda));
  CHECK(napi_get_value_double(env, a[10], &hc));
  double *out = typed(env, a[11], napi_float64_array, &olen);
  if (argc > 12) CHECK(napi_get_value_int64(env, a[12], &threads));
  if (argc < 12 || !hist || !n_bins || !has_missing || !out || olen < 7 || d < 1 || (int64_t)hlen < d * BIN_STRIDE * FIELDS || (int64_t)nlen < d || (int64_t)mlen < d) {
    napi_throw_range_error(env, NULL, "findBestSplit: bad arguments");
    return NULL;
  }
  for (int64_t f = 0; f < d; f++)
    if (n_bins[f] < 1 || n_bins[f] > BIN_STRIDE) {
      napi_throw_range_error(env, NULL, "findBestSplit: a bin count is out of range");
      return NULL;
    }
  threads = clamp_threads(threads, d, 0, 0);
  split_job_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++)
    jobs[t] = (split_job_t){hist, n_bins, has_missing, G, H, N, min_leaf, min_hess, lambda, hc, (G * G) / (H + lambda), hc == hc, d * t / threads, d * (t + 1) / threads, 0, {0}};
  run_jobs(best_split_range, jobs, sizeof(split_job_t), threads);
  int found = 0;
  double best_gain = 0;
  for (int64_t t = 0; t < threads; t++)
    if (jobs[t].found && jobs[t].out[0] > best_gain) {
      best_gain = jobs[t].out[0], found = 1;
      memcpy(out, jobs[t].out, sizeof jobs[t].out);
    }
  napi_value r;
  CHECK(napi_get_boolean(env, found, &r));
  return r;
}

/* rootSums(g, h | null, constantHessian, n, out[2]): the sums of g and of h (or n additions of the constant)
 * over samples 0..n-1 in order, as grower.ts sums a root. */
static napi_value root_sums(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t glen, hlen = 0, olen;
  const float *g = typed(env, a[0], napi_float32_array, &glen);
  const float *h = typed(env, a[1], napi_float32_array, &hlen);
  double hc;
  int64_t n;
  CHECK(napi_get_value_double(env, a[2], &hc));
  CHECK(napi_get_value_int64(env, a[3], &n));
  double *out = typed(env, a[4], napi_float64_array, &olen);
  if (argc < 5 || !g || !out || olen < 2 || n < 0 || (int64_t)glen < n || (!h && !nullish(env, a[1])) || (h && (int64_t)hlen < n)) {
    napi_throw_range_error(env, NULL, "rootSums(g: Float32Array, h: Float32Array | null, constantHessian, n, out: Float64Array(2)): an argument has another type or is shorter than n");
    return NULL;
  }
  double G = 0, H = 0;
  if (h)
    for (int64_t i = 0; i < n; i++) G += g[i], H += h[i];
  else
    for (int64_t i = 0; i < n; i++) G += g[i], H += hc;
  out[0] = G, out[1] = H;
  return NULL;
}

/* Trees with at least this many samples update the raw predictions on several threads. */
#define LEAVES_THREAD_MIN 32768

typedef struct {
  double *raw;
  const uint32_t *part;
  const double *leaves;
  size_t n_leaves;
  int64_t stride, offset, q0, q1; /* positions [q0, q1) of the leaves' concatenation */
} leaves_job_t;

/* The leaves' positions q0..q1 (leaves in order, each leaf's positions in order): each sample is in one leaf,
 * so threads write distinct entries and each gets the one addition it gets on one thread. */
static void *add_leaves_range(void *arg) {
  const leaves_job_t *j = (const leaves_job_t *)arg;
  int64_t q = 0;
  for (size_t l = 0; l < j->n_leaves && q < j->q1; l++) {
    const int64_t s = (int64_t)j->leaves[3 * l], e = (int64_t)j->leaves[3 * l + 1], len = e - s;
    const double v = j->leaves[3 * l + 2];
    const int64_t a = j->q0 > q ? j->q0 - q : 0, b = j->q1 - q < len ? j->q1 - q : len;
    for (int64_t p = s + a; p < s + b; p++) j->raw[(size_t)j->part[p] * (size_t)j->stride + (size_t)j->offset] += v;
    q += len;
  }
  return NULL;
}

/* addLeaves(raw, partition, leaves ([start, end, value] per leaf), stride, offset[, threads]): raw[partition[p] *
 * stride + offset] += value for each leaf's positions, the trees' update of the raw predictions. Leaves must
 * not overlap (the positions of a tree's leaves never do). */
static napi_value add_leaves(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t rlen, plen, llen;
  double *raw = typed(env, a[0], napi_float64_array, &rlen);
  const uint32_t *part = typed(env, a[1], napi_uint32_array, &plen);
  const double *leaves = typed(env, a[2], napi_float64_array, &llen);
  int64_t stride, offset, threads = 1;
  CHECK(napi_get_value_int64(env, a[3], &stride));
  CHECK(napi_get_value_int64(env, a[4], &offset));
  if (argc > 5) CHECK(napi_get_value_int64(env, a[5], &threads));
  if (argc < 5 || !raw || !part || !leaves || llen % 3 != 0 || stride < 1 || offset < 0 || offset >= stride) {
    napi_throw_range_error(env, NULL, "addLeaves: bad arguments");
    return NULL;
  }
  /* Every index checked before any update, so a bad call changes nothing. */
  int64_t total = 0;
  for (size_t l = 0; l < llen; l += 3) {
    const int64_t s = (int64_t)leaves[l], e = (int64_t)leaves[l + 1];
    if (s < 0 || e < s || (size_t)e > plen) {
      napi_throw_range_error(env, NULL, "addLeaves: a leaf is outside the partition");
      return NULL;
    }
    for (int64_t p = s; p < e; p++)
      if ((size_t)part[p] * (size_t)stride + (size_t)offset >= rlen) {
        napi_throw_range_error(env, NULL, "addLeaves: a sample is past the raw predictions");
        return NULL;
      }
    total += e - s;
  }
  threads = clamp_threads(threads, MAX_THREADS, total, LEAVES_THREAD_MIN);
  leaves_job_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++) jobs[t] = (leaves_job_t){raw, part, leaves, llen / 3, stride, offset, total * t / threads, total * (t + 1) / threads};
  run_jobs(add_leaves_range, jobs, sizeof(leaves_job_t), threads);
  return NULL;
}

/* alignOffset(typedArray, bytes) -> the number of elements to skip from its start for data aligned to `bytes`
 * (a power of two, a multiple of the element size). Histograms take 32-byte bins; V8 places a large
 * buffer's data 16 bytes past an alignment, which splits every other bin across two cache lines: the
 * histogram updates measured 20 to 37 % slower at a 16-byte offset than at a 64-byte-aligned one. */
static napi_value align_offset(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  int64_t bytes;
  if (argc < 2 || napi_get_typedarray_info(env, a[0], &type, &length, &data, &buffer, &offset) != napi_ok || napi_get_value_int64(env, a[1], &bytes) != napi_ok || type != napi_float64_array || bytes < 8 || bytes > 4096 || (bytes & (bytes - 1))) {
    napi_throw_range_error(env, NULL, "alignOffset(array: Float64Array, bytes: a power of two from 8 to 4096)");
    return NULL;
  }
  const uintptr_t address = (uintptr_t)data;
  napi_value out;
  CHECK(napi_create_int64(env, (int64_t)(((uintptr_t)bytes - address % (uintptr_t)bytes) % (uintptr_t)bytes) / 8, &out));
  return out;
}

napi_value mlsd_register_hist(napi_env env, napi_value exports) {
  if (!export_fn(env, exports, "alignOffset", align_offset)) return NULL;
  if (!export_fn(env, exports, "histogram", histogram)) return NULL;
  if (!export_fn(env, exports, "rootSums", root_sums)) return NULL;
  if (!export_fn(env, exports, "addLeaves", add_leaves)) return NULL;
  if (!export_fn(env, exports, "partition", partition)) return NULL;
  if (!export_fn(env, exports, "sortColumns", sort_columns)) return NULL;
  if (!export_fn(env, exports, "findBestSplit", find_best_split)) return NULL;
  if (!export_fn(env, exports, "transformBins", transform_bins)) return NULL;
  return exports;
}
