/*
 * Exact k-nearest-neighbour search by blocked brute force, the native kernel behind mlsd/neighbors.
 *
 * Same arithmetic as lib/neighbors/brute.ts: squared distance = (|q|^2 + |p|^2) - 2 q.p, clamped at 0, a
 * bounded max-heap per query, ties broken by the lower point index; multiplies and adds are never fused, so
 * every distance is the JavaScript's, bit for bit, and so are the neighbours. The dot products run in a
 * register-blocked micro-kernel (4 queries x 8 points, accumulated over the features) over point chunks that
 * stay in cache, on several threads. When the queries are the points themselves (excludeSelf), each pair is
 * computed once and offered to both heaps (d(i, j) and d(j, i) round identically), with per-thread heaps merged
 * at the end. The micro-kernel has a version per instruction-set level (AVX-512, AVX2, SSE2, NEON, portable C),
 * chosen by isa.c's level at each call.
 *
 * From ORDERED_MIN points, the ordered search (knn-order.h) runs instead where a sample shows it pays: rows in
 * a k-d leaf order of their principal directions, whole tiles skipped when a box bound proves that none of
 * their pairs can enter a heap, and tiles cut short by a partial bound (prune_t). It computes the same
 * distances for the pairs it does not skip, so the neighbours are the same bits. When the queries are the
 * points, rows of different runs meet once, from the earlier row's side, with each distance offered to both
 * rows' heaps (run_symmetric); on clustered data (SMOTE's minority class, TomekLinks' samples) it then computes
 * a tenth to a sixth of the tiles, where the blocked search computes half.
 */
#include "common.h"
#include "isa.h"
#include "knn-order.h"
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
  /* Norms of the features after each checkpoint (prune_t), points padded like pnorm (0 there), and queries'. */
  const double *prest[2], *qrest[2];
  int64_t at[2];
  int64_t n_points, n_queries, n_groups, cols, k;
  int exclude_self, symmetric;
  /* Shared heaps (each thread writes only its own queries'), or this thread's own heaps for all rows. */
  double *heap_d;
  int32_t *heap_i;
  /* root[i] = heap_d[i * k] (row i's current k-th distance), -1 on padding rows: the micro-kernel reads a
   * block's and a group's thresholds straight from here instead of gathering them at stride k per tile. */
  double *root;
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

static inline void offer(double *hd, int32_t *hi, int64_t k, double d, int64_t p, double *root) {
  if (d > hd[0] || (d == hd[0] && p > hi[0])) return;
  replace_root(hd, hi, k, d, (int32_t)p);
  *root = hd[0];
}

/*
 * 4 queries against one group of 8 points: the dot products accumulate in registers over the features and
 * become squared distances in registers. The pairs that could enter the query's heap (d <= worst[query])
 * come out as bits of the returned mask, bit query * 8 + point; with `pworst`, the pairs that could enter the
 * point's heap (d <= pworst[point]) as bits 32 and up. Distances go to out[query][point] when any bit is set.
 * One version per instruction-set level (isa.h), each with registers of its own width: a 512-bit generic
 * vector compiled for AVX2 kept its accumulators in memory (GCC splits such vectors through the stack),
 * which made the AVX2 machine's kernel ten times slower than the AVX-512 one. Every version does the same
 * operations lane by lane: dot = ((0 + q0 p0) + q1 p1) + ..., d = (|q|^2 + |p|^2) - 2 dot; run() clamps the
 * candidates it takes at +0 (the x86 versions leave that to it: two instructions fewer per 8 pairs).
 */
/*
 * Early exit for tiles that cannot give a candidate. After the first m features the dot product is q.p =
 * a_m + r with |r| <= |q_m+||p_m+| (Cauchy-Schwarz on the remaining features), so d >= (|q|^2 + |p|^2) -
 * 2 (a_m + |q_m+||p_m+|). When that bound, lowered by `keep` to cover every rounding of both computations
 * (derived in prune_keep), exceeds the thresholds of all 32 pairs, none of them can pass d <= threshold, and the
 * tile returns no candidate without computing the other features: the same mask, so the same neighbours, bit
 * for bit. A NaN bound (overflowing norms) never prunes. The checkpoints are at[0] and at[1] (cols where off).
 */
typedef struct {
  int64_t at[2];
  const double *prest[2]; /* this group's 8 points */
  double qrest[2][QB];    /* this block's 4 queries */
  double keep;
} prune_t;

typedef uint64_t (*candidates_fn)(const double *const q[QB], const double *g, int64_t cols, const double qn[QB], const double *pn, const double worst[QB], const double *pworst, double out[QB][PB], const prune_t *pr);

#if defined(MLSD_X86)
#include <immintrin.h>

MLSD_TARGET_AVX512 static uint64_t candidates_avx512(const double *const q[QB], const double *g, int64_t cols, const double qn[QB], const double *pn, const double worst[QB], const double *pworst, double out[QB][PB], const prune_t *pr) {
  __m512d a[QB] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
  const double *q0 = q[0], *q1 = q[1], *q2 = q[2], *q3 = q[3];
  const __m512d p = _mm512_loadu_pd(pn), zero = _mm512_setzero_pd(), two = _mm512_set1_pd(2.0);
  const __m512d pw = pworst ? _mm512_loadu_pd(pworst) : zero;
  int64_t c = 0;
  for (int s = 0; s <= 2; s++) {
    const int64_t stop = s < 2 ? pr->at[s] : cols;
    for (; c < stop; c++) {
      const __m512d b = _mm512_loadu_pd(g + c * PB);
      a[0] = _mm512_add_pd(a[0], _mm512_mul_pd(_mm512_set1_pd(q0[c]), b));
      a[1] = _mm512_add_pd(a[1], _mm512_mul_pd(_mm512_set1_pd(q1[c]), b));
      a[2] = _mm512_add_pd(a[2], _mm512_mul_pd(_mm512_set1_pd(q2[c]), b));
      a[3] = _mm512_add_pd(a[3], _mm512_mul_pd(_mm512_set1_pd(q3[c]), b));
    }
    if (s == 2 || stop >= cols) continue;
    const __m512d rp = _mm512_loadu_pd(pr->prest[s]), keep = _mm512_set1_pd(pr->keep);
    __mmask8 open = 0;
    for (int t = 0; t < QB; t++) {
      const __m512d r = _mm512_add_pd(a[t], _mm512_mul_pd(_mm512_set1_pd(pr->qrest[s][t]), rp));
      const __m512d lb = _mm512_sub_pd(_mm512_mul_pd(_mm512_add_pd(_mm512_set1_pd(qn[t]), p), keep), _mm512_mul_pd(two, r));
      open |= _mm512_cmp_pd_mask(lb, _mm512_set1_pd(worst[t]), _CMP_NGT_UQ);
      if (pworst) open |= _mm512_cmp_pd_mask(lb, pw, _CMP_NGT_UQ);
    }
    if (!open) return 0;
  }
  __m512d d[QB];
  uint64_t mask = 0;
  for (int t = 0; t < QB; t++) {
    d[t] = _mm512_sub_pd(_mm512_add_pd(_mm512_set1_pd(qn[t]), p), _mm512_mul_pd(two, a[t]));
    mask |= (uint64_t)_mm512_cmp_pd_mask(d[t], _mm512_set1_pd(worst[t]), _CMP_LE_OQ) << (t * PB);
    if (pworst) mask |= (uint64_t)_mm512_cmp_pd_mask(d[t], pw, _CMP_LE_OQ) << (32 + t * PB);
  }
  if (mask)
    for (int t = 0; t < QB; t++) _mm512_storeu_pd(out[t], d[t]);
  return mask;
}

MLSD_TARGET_AVX2 static uint64_t candidates_avx2(const double *const q[QB], const double *g, int64_t cols, const double qn[QB], const double *pn, const double worst[QB], const double *pworst, double out[QB][PB], const prune_t *pr) {
  /* 8 accumulators (4 queries x 2 halves of the group), 2 point vectors and a broadcast: 11 of 16 registers. */
  __m256d a0 = _mm256_setzero_pd(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
  const double *q0 = q[0], *q1 = q[1], *q2 = q[2], *q3 = q[3];
  const __m256d zero = _mm256_setzero_pd(), two = _mm256_set1_pd(2.0);
  const __m256d plo = _mm256_loadu_pd(pn), phi = _mm256_loadu_pd(pn + 4);
  const __m256d wlo = pworst ? _mm256_loadu_pd(pworst) : zero, whi = pworst ? _mm256_loadu_pd(pworst + 4) : zero;
  int64_t c = 0;
  for (int st = 0; st <= 2; st++) {
    const int64_t stop = st < 2 ? pr->at[st] : cols;
    for (; c < stop; c++) {
      const __m256d lo = _mm256_loadu_pd(g + c * PB), hi = _mm256_loadu_pd(g + c * PB + 4);
      __m256d s = _mm256_set1_pd(q0[c]);
      a0 = _mm256_add_pd(a0, _mm256_mul_pd(s, lo)), b0 = _mm256_add_pd(b0, _mm256_mul_pd(s, hi));
      s = _mm256_set1_pd(q1[c]);
      a1 = _mm256_add_pd(a1, _mm256_mul_pd(s, lo)), b1 = _mm256_add_pd(b1, _mm256_mul_pd(s, hi));
      s = _mm256_set1_pd(q2[c]);
      a2 = _mm256_add_pd(a2, _mm256_mul_pd(s, lo)), b2 = _mm256_add_pd(b2, _mm256_mul_pd(s, hi));
      s = _mm256_set1_pd(q3[c]);
      a3 = _mm256_add_pd(a3, _mm256_mul_pd(s, lo)), b3 = _mm256_add_pd(b3, _mm256_mul_pd(s, hi));
    }
    if (st == 2 || stop >= cols) continue;
    const __m256d rlo = _mm256_loadu_pd(pr->prest[st]), rhi = _mm256_loadu_pd(pr->prest[st] + 4), keep = _mm256_set1_pd(pr->keep);
    const __m256d part[QB][2] = {{a0, b0}, {a1, b1}, {a2, b2}, {a3, b3}};
    int open = 0;
    for (int t = 0; t < QB; t++) {
      const __m256d qt = _mm256_set1_pd(qn[t]), wt = _mm256_set1_pd(worst[t]), rq = _mm256_set1_pd(pr->qrest[st][t]);
      for (int h = 0; h < 2; h++) {
        const __m256d r = _mm256_add_pd(part[t][h], _mm256_mul_pd(rq, h ? rhi : rlo));
        const __m256d lb = _mm256_sub_pd(_mm256_mul_pd(_mm256_add_pd(qt, h ? phi : plo), keep), _mm256_mul_pd(two, r));
        open |= _mm256_movemask_pd(_mm256_cmp_pd(lb, wt, _CMP_NGT_UQ));
        if (pworst) open |= _mm256_movemask_pd(_mm256_cmp_pd(lb, h ? whi : wlo, _CMP_NGT_UQ));
      }
    }
    if (!open) return 0;
  }
  const __m256d acc[QB][2] = {{a0, b0}, {a1, b1}, {a2, b2}, {a3, b3}};
  __m256d d[QB][2];
  uint64_t mask = 0;
  for (int t = 0; t < QB; t++) {
    const __m256d qt = _mm256_set1_pd(qn[t]), wt = _mm256_set1_pd(worst[t]);
    for (int h = 0; h < 2; h++) {
      const __m256d x = _mm256_sub_pd(_mm256_add_pd(qt, h ? phi : plo), _mm256_mul_pd(two, acc[t][h]));
      d[t][h] = x;
      mask |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(x, wt, _CMP_LE_OQ)) << (t * PB + 4 * h);
      if (pworst) mask |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(x, h ? whi : wlo, _CMP_LE_OQ)) << (32 + t * PB + 4 * h);
    }
  }
  if (mask)
    for (int t = 0; t < QB; t++) _mm256_storeu_pd(out[t], d[t][0]), _mm256_storeu_pd(out[t] + 4, d[t][1]);
  return mask;
}

/* SSE2, every x86-64's baseline: two queries a pass (8 accumulators of two lanes, 4 point vectors, a
 * broadcast: 13 of 16 registers), so the group is read twice from L1. */
static uint64_t candidates_sse2(const double *const q[QB], const double *g, int64_t cols, const double qn[QB], const double *pn, const double worst[QB], const double *pworst, double out[QB][PB], const prune_t *pr) {
  (void)pr; /* no early exit at this level: it computes every pair, as before */
  const __m128d zero = _mm_setzero_pd(), two = _mm_set1_pd(2.0);
  uint64_t mask = 0;
  __m128d d[QB][4];
  for (int t0 = 0; t0 < QB; t0 += 2) {
    __m128d a[2][4];
    for (int u = 0; u < 2; u++)
      for (int v = 0; v < 4; v++) a[u][v] = zero;
    const double *qa = q[t0], *qb = q[t0 + 1];
    for (int64_t c = 0; c < cols; c++) {
      const double *gc = g + c * PB;
      const __m128d p0 = _mm_loadu_pd(gc), p1 = _mm_loadu_pd(gc + 2), p2 = _mm_loadu_pd(gc + 4), p3 = _mm_loadu_pd(gc + 6);
      __m128d s = _mm_set1_pd(qa[c]);
      a[0][0] = _mm_add_pd(a[0][0], _mm_mul_pd(s, p0)), a[0][1] = _mm_add_pd(a[0][1], _mm_mul_pd(s, p1));
      a[0][2] = _mm_add_pd(a[0][2], _mm_mul_pd(s, p2)), a[0][3] = _mm_add_pd(a[0][3], _mm_mul_pd(s, p3));
      s = _mm_set1_pd(qb[c]);
      a[1][0] = _mm_add_pd(a[1][0], _mm_mul_pd(s, p0)), a[1][1] = _mm_add_pd(a[1][1], _mm_mul_pd(s, p1));
      a[1][2] = _mm_add_pd(a[1][2], _mm_mul_pd(s, p2)), a[1][3] = _mm_add_pd(a[1][3], _mm_mul_pd(s, p3));
    }
    for (int u = 0; u < 2; u++) {
      const int t = t0 + u;
      const __m128d qt = _mm_set1_pd(qn[t]), wt = _mm_set1_pd(worst[t]);
      for (int v = 0; v < 4; v++) {
        const __m128d x = _mm_sub_pd(_mm_add_pd(qt, _mm_loadu_pd(pn + 2 * v)), _mm_mul_pd(two, a[u][v]));
        d[t][v] = x;
        mask |= (uint64_t)_mm_movemask_pd(_mm_cmple_pd(x, wt)) << (t * PB + 2 * v);
        if (pworst) mask |= (uint64_t)_mm_movemask_pd(_mm_cmple_pd(x, _mm_loadu_pd(pworst + 2 * v))) << (32 + t * PB + 2 * v);
      }
    }
  }
  if (mask)
    for (int t = 0; t < QB; t++)
      for (int v = 0; v < 4; v++) _mm_storeu_pd(out[t] + 2 * v, d[t][v]);
  return mask;
}
#endif

#if defined(MLSD_ARM64)
#include <arm_neon.h>
/* NEON (arm64): 16 accumulators of two lanes, 4 point vectors and a broadcast: 21 of 32 registers. Separate
 * multiplies and adds (vmulq, vaddq; never vfmaq), and -ffp-contract=off keeps the compiler from fusing them. */
static uint64_t candidates_neon(const double *const q[QB], const double *g, int64_t cols, const double qn[QB], const double *pn, const double worst[QB], const double *pworst, double out[QB][PB], const prune_t *pr) {
  (void)pr; /* no early exit at this level: it computes every pair, as before */
  float64x2_t a[QB][4];
  for (int t = 0; t < QB; t++)
    for (int v = 0; v < 4; v++) a[t][v] = vdupq_n_f64(0.0);
  for (int64_t c = 0; c < cols; c++) {
    const double *gc = g + c * PB;
    const float64x2_t p[4] = {vld1q_f64(gc), vld1q_f64(gc + 2), vld1q_f64(gc + 4), vld1q_f64(gc + 6)};
    for (int t = 0; t < QB; t++) {
      const float64x2_t s = vdupq_n_f64(q[t][c]);
      for (int v = 0; v < 4; v++) a[t][v] = vaddq_f64(a[t][v], vmulq_f64(s, p[v]));
    }
  }
  const float64x2_t zero = vdupq_n_f64(0.0), two = vdupq_n_f64(2.0);
  float64x2_t d[QB][4];
  uint64_t mask = 0;
  for (int t = 0; t < QB; t++) {
    const float64x2_t qt = vdupq_n_f64(qn[t]), wt = vdupq_n_f64(worst[t]);
    for (int v = 0; v < 4; v++) {
      float64x2_t x = vsubq_f64(vaddq_f64(qt, vld1q_f64(pn + 2 * v)), vmulq_f64(two, a[t][v]));
      x = vreinterpretq_f64_u64(vbicq_u64(vreinterpretq_u64_f64(x), vcltq_f64(x, zero)));
      d[t][v] = x;
      const uint64x2_t m = vcleq_f64(x, wt);
      mask |= ((vgetq_lane_u64(m, 0) & 1) | (vgetq_lane_u64(m, 1) & 2)) << (t * PB + 2 * v);
      if (pworst) {
        const uint64x2_t mp = vcleq_f64(x, vld1q_f64(pworst + 2 * v));
        mask |= ((vgetq_lane_u64(mp, 0) & 1) | (vgetq_lane_u64(mp, 1) & 2)) << (32 + t * PB + 2 * v);
      }
    }
  }
  if (mask)
    for (int t = 0; t < QB; t++)
      for (int v = 0; v < 4; v++) vst1q_f64(out[t] + 2 * v, d[t][v]);
  return mask;
}
#endif

/* Portable C, for CPUs with none of the above: the same operations, one lane at a time. */
static uint64_t candidates_portable(const double *const q[QB], const double *g, int64_t cols, const double qn[QB], const double *pn, const double worst[QB], const double *pworst, double out[QB][PB], const prune_t *pr) {
  (void)pr; /* no early exit at this level: it computes every pair, as before */
  double acc[QB][PB] = {{0}};
  for (int64_t c = 0; c < cols; c++)
    for (int t = 0; t < QB; t++)
      for (int s = 0; s < PB; s++) acc[t][s] += q[t][c] * g[c * PB + s];
  uint64_t mask = 0;
  for (int t = 0; t < QB; t++)
    for (int s = 0; s < PB; s++) {
      double d = (qn[t] + pn[s]) - 2 * acc[t][s];
      if (d < 0) d = 0;
      out[t][s] = d;
      mask |= (uint64_t)(d <= worst[t]) << (t * PB + s);
      if (pworst) mask |= (uint64_t)(d <= pworst[s]) << (32 + t * PB + s);
    }
  return mask;
}

static candidates_fn candidates_for(isa_t level) {
  switch (level) {
#if defined(MLSD_X86)
    case ISA_AVX512:
      return candidates_avx512;
    case ISA_AVX2:
      return candidates_avx2;
    case ISA_BASELINE:
      return candidates_sse2;
#endif
#if defined(MLSD_ARM64)
    case ISA_NEON:
      return candidates_neon;
#endif
    default:
      return candidates_portable;
  }
}

/*
 * The factor that lowers the bound (|q|^2 + |p|^2) keep - 2 (a_m + |q_m+||p_m+|) below every distance the kernel
 * can compute. With S = |q|^2 + |p|^2 and u = 2^-53: the kernel's d is within (cols + 5) u S of S - 2 q.p (its
 * dot product's error is at most cols u sum |q_c p_c| <= cols u S / 2, and two roundings); the bound, computed,
 * is within (3 cols + 10) u S of its exact value (the partial sum's m u S / 2, the two norms' (cols + 2) u
 * each, a few roundings), and exact it is <= S - 2 q.p. So lowering it by 16 (cols + 4) u S, twice the sum,
 * keeps it below every d (see the comment on prune_t).
 */
static double prune_keep(int64_t cols) { return 1.0 - 16.0 * (double)(cols + 4) * 0x1p-53; }

static void *run(void *arg) {
  job_t *j = (job_t *)arg;
  const int64_t cols = j->cols, k = j->k;
  double dist[QB][PB], qn[QB];
  const double *qr[QB];
  const int64_t chunk_groups = CHUNK / PB;
  const candidates_fn candidates_4x8 = candidates_for(mlsd_isa);
  prune_t pr = {.at = {j->at[0], j->at[1]}, .keep = prune_keep(cols)};
  for (int64_t g0 = 0; g0 < j->n_groups; g0 += chunk_groups) {
    const int64_t g1 = g0 + chunk_groups < j->n_groups ? g0 + chunk_groups : j->n_groups;
    for (int64_t b = 0; b < j->n_blocks; b++) {
      const int64_t q = j->blocks[b];
      const int64_t nq = j->n_queries - q < QB ? j->n_queries - q : QB;
      for (int64_t t = 0; t < QB; t++) {
        const int64_t r = q + (t < nq ? t : 0);
        qr[t] = j->queries + r * cols;
        qn[t] = j->qnorm[r];
        for (int s = 0; s < 2; s++) pr.qrest[s][t] = j->at[s] < cols ? j->qrest[s][r] : 0;
      }
      /* Symmetric: only pairs (i, j > i), so only the groups from the one holding row q. */
      int64_t gs = g0;
      if (j->symmetric && q / PB > gs) gs = q / PB;
      for (int64_t g = gs; g < g1; g++) {
        for (int s = 0; s < 2; s++) pr.prest[s] = j->at[s] < cols ? j->prest[s] + g * PB : NULL;
        uint64_t mask = candidates_4x8(qr, j->pt + g * cols * PB, cols, qn, j->pnorm + g * PB, j->root + q, j->symmetric ? j->root + g * PB : NULL, dist, &pr);
        while (mask) {
          const int bit = __builtin_ctzll(mask);
          mask &= mask - 1;
          const int pair = bit & 31, t = pair / PB, s = pair % PB;
          const int64_t qi = q + t, p = g * PB + s;
          if (t >= nq || p >= j->n_points) continue;
          /* Clamped here, not in the micro-kernels: d < 0 passes their d <= threshold test whenever 0 does
           * (thresholds are >= 0 on real rows, -1 only on padding, skipped above). */
          const double d = dist[t][s] < 0 ? 0 : dist[t][s];
          if (j->symmetric) {
            if (p <= qi) continue;
            if (bit < 32) offer(j->heap_d + qi * k, j->heap_i + qi * k, k, d, p, j->root + qi);
            else offer(j->heap_d + p * k, j->heap_i + p * k, k, d, qi, j->root + p);
          } else {
            if (j->exclude_self && p == qi) continue;
            offer(j->heap_d + qi * k, j->heap_i + qi * k, k, d, p, j->root + qi);
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

/* out[i] = sqrt(sum over c >= from of x[row][c]^2), row = perm ? perm[i] : i: a row's norm after a checkpoint. */
static void rest_norms(const double *x, int64_t rows, int64_t cols, int64_t from, const int32_t *perm, double *out) {
  for (int64_t i = 0; i < rows; i++) {
    const double *r = x + (perm ? (int64_t)perm[i] : i) * cols;
    double s = 0;
    for (int64_t c = from; c < cols; c++) s += r[c] * r[c];
    out[i] = sqrt(s);
  }
}

/* Points transposed in groups of PB ([group][col][PB], zero padding), in the order perm (or as given). */
static void transpose_groups(const double *points, int64_t n_points, int64_t cols, const int32_t *perm, double *pt) {
  const int64_t groups = (n_points + PB - 1) / PB;
  memset(pt, 0, (size_t)(groups * cols * PB) * sizeof(double));
  for (int64_t p = 0; p < n_points; p++) {
    const double *row = points + (perm ? (int64_t)perm[p] : p) * cols;
    for (int64_t c = 0; c < cols; c++) pt[(p / PB) * cols * PB + c * PB + p % PB] = row[c];
  }
}

/* The early-exit checkpoints after half and three quarters of the features (none under 8: too little to save).
 * Only the ordered search uses them: there the tiles left are near misses that a partial bound often settles,
 * while in the blocked search the checks cost more than they saved (SMOTE's minority, 10,000 x 20: 39 ms
 * without, 51 with, on the AVX-512 machine). */
static void checkpoints(int64_t cols, int ordered, int64_t at[2]) {
  at[0] = ordered && cols >= 8 ? cols / 2 : cols;
  at[1] = ordered && cols >= 8 ? cols * 3 / 4 : cols;
}

typedef struct { double d; int32_t i; } entry_t;
static int cmp_entries(const void *a, const void *b) {
  const entry_t *x = (const entry_t *)a, *y = (const entry_t *)b;
  if (x->d != y->d) return x->d < y->d ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* The blocked search over every pair (each once when symmetric), in the rows' own order. Returns 0 when out
 * of memory. */
static int search_blocked(const double *points, int64_t n_points, const double *queries, int64_t n_queries, int64_t cols, int64_t k, int exclude_self, int64_t threads, double *heap_d, int32_t *heap_i) {
  const int64_t groups = (n_points + PB - 1) / PB;
  const int64_t n_blocks = (n_queries + QB - 1) / QB;
  int64_t at[2];
  checkpoints(cols, 0, at);
  double *pt = aligned_alloc(64, (size_t)(groups * cols * PB * sizeof(double) + 64));
  double *pnorm = malloc((size_t)(groups * PB) * sizeof(double));
  double *qnorm = exclude_self ? pnorm : malloc((size_t)(n_queries > 0 ? n_queries : 1) * sizeof(double));
  /* Rest norms: points' (padded with 0 like pnorm), then the queries' unless they are the points. */
  double *rest = malloc((size_t)(2 * (groups * PB + (exclude_self ? 0 : n_queries)) + 1) * sizeof(double));
  int64_t *blocks = malloc((size_t)(n_blocks > 0 ? n_blocks : 1) * sizeof(int64_t));
  threads = clamp_threads(threads, n_blocks, 0, 0);
  /* Each pair once when the queries are the points, if every thread can keep heaps for all rows. */
  const int symmetric = exclude_self && n_queries == n_points && (double)threads * n_queries * k <= 64e6;
  double *local_d = symmetric && threads > 1 ? malloc((size_t)(threads - 1) * (size_t)(n_queries * k) * sizeof(double)) : NULL;
  int32_t *local_i = symmetric && threads > 1 ? malloc((size_t)(threads - 1) * (size_t)(n_queries * k) * sizeof(int32_t)) : NULL;
  if (symmetric && threads > 1 && (!local_d || !local_i)) {
    free(local_d), free(local_i); /* not enough memory for per-thread heaps: one thread */
    local_d = NULL, local_i = NULL, threads = 1;
  }
  /* Heap roots, one array per set of heaps: padded with -1 (no pair passes d <= -1 there) to the groups' rows
   * for symmetric runs (the kernel reads a group's 8 point roots) and to the blocks' rows for the queries. */
  const int64_t root_len = symmetric ? groups * PB : n_blocks * QB;
  const int64_t root_sets = symmetric ? threads : 1;
  double *roots = malloc((size_t)(root_sets * root_len > 0 ? root_sets * root_len : 1) * sizeof(double));
  if (!pt || !pnorm || !qnorm || !rest || !blocks || !roots) {
    free(pt), free(pnorm), free(rest), free(blocks), free(roots), free(local_d), free(local_i);
    if (!exclude_self) free(qnorm);
    return 0;
  }
  transpose_groups(points, n_points, cols, NULL, pt);
  norms(points, n_points, cols, pnorm);
  for (int64_t p = n_points; p < groups * PB; p++) pnorm[p] = INFINITY;
  if (!exclude_self) norms(queries, n_queries, cols, qnorm);
  const double *prest[2], *qrest[2];
  for (int s = 0; s < 2; s++) {
    double *pr = rest + s * groups * PB, *qr = exclude_self ? pr : rest + 2 * groups * PB + s * n_queries;
    rest_norms(points, n_points, cols, at[s], NULL, pr);
    for (int64_t p = n_points; p < groups * PB; p++) pr[p] = 0;
    if (!exclude_self) rest_norms(queries, n_queries, cols, at[s], NULL, qr);
    prest[s] = pr, qrest[s] = qr;
  }
  for (int64_t i = 0; i < (threads - 1) * n_queries * k && local_d; i++) local_d[i] = INFINITY, local_i[i] = -1;
  for (int64_t i = 0; i < root_sets * root_len; i++) roots[i] = i % root_len < n_queries ? INFINITY : -1;
  /* Query blocks per thread: contiguous ranges, or for the triangle of pairs, a snake order (t, 2T-1-t, ...)
   * that evens out the work (block b meets the n - 4b points after it). */
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
    double *root = roots + (symmetric ? t * root_len : 0);
    jobs[t] = (job_t){pt, pnorm, queries, qnorm, {prest[0], prest[1]}, {qrest[0], qrest[1]}, {at[0], at[1]}, n_points, n_queries, groups, cols, k, exclude_self, symmetric, hd, hi, root, blocks + first, fill - first};
  }
  run_jobs(run, jobs, sizeof(job_t), threads);
  /* Per-thread heaps into the first: no pair was offered to the same heap by two threads. */
  if (symmetric && threads > 1) {
    for (int64_t t = 1; t < threads; t++)
      for (int64_t q = 0; q < n_queries; q++)
        for (int64_t e = 0; e < k; e++) {
          const double d = local_d[((t - 1) * n_queries + q) * k + e];
          const int32_t p = local_i[((t - 1) * n_queries + q) * k + e];
          if (p >= 0) offer(heap_d + q * k, heap_i + q * k, k, d, p, roots + q);
        }
  }
  free(pt), free(pnorm), free(rest), free(blocks), free(roots), free(local_d), free(local_i);
  if (!exclude_self) free(qnorm);
  return 1;
}

/*
 * The ordered search: points in k-d leaf order (groups of 8) and queries too (blocks of 4; the points' own order
 * when they are the queries), so that a group and a block hold rows close to each other in the data's principal
 * directions. Each block visits runs of SG groups outwards from the one holding its nearest group, so its heaps
 * hold near neighbours early, and skips every run and then every group whose box bound (box_bounds_body)
 * exceeds the block's current k-th distances: no pair there could enter a heap. Here every pair is its own
 * computation, so heaps belong to one thread and need no merge; for queries that are the points,
 * run_symmetric then halves the pairs between runs.
 */
enum { SG = 16, SAMPLE_EVERY = 64, CLAIM = 16 };
typedef struct {
  const double *pt, *pnorm, *prest[2]; /* by position in the points' order */
  const double *queries, *qnorm, *qrest[2]; /* by query row */
  const int32_t *pperm, *qperm;
  const double *gbox, *gmax; /* groups' boxes, lane-major: gbox[lane * n_groups + g] */
  const double *sbox, *smax; /* the same for runs of SG groups */
  const double *bbox, *bmax; /* blocks' boxes, 2 * KNN_DIMS values a block */
  int64_t at[2];
  int64_t n_points, n_queries, n_groups, n_runs, cols, k;
  int exclude_self, self_order;
  double *heap_d;
  int32_t *heap_i;
  double *root; /* by position in the queries' order; -1 past the last query */
  double *lbs;  /* this thread's bounds: SG groups, then n_runs runs */
  /* Blocks b0 <= b < b1 in steps of step, leaving out multiples of skip when skip > 0; with `next`, the
   * threads instead claim chunks of CLAIM blocks from it in turn (dense regions of the data cost more than
   * sparse ones, so equal ranges left one thread waiting). */
  int64_t b0, b1, step, skip;
  int64_t *next;
  /* Tiles met and computed (what the sample pass measures). */
  int64_t met, computed;
  /* 0: every run, each pair from the query's side; 1: the block's own run only (the symmetric search's seed). */
  int home_only;
  /* The symmetric pass (run_symmetric): this thread's heaps of every row, its heap roots by position (groups'
   * rows, -1 on padding) and each run's largest root. */
  double *lheap_d;
  int32_t *lheap_i;
  double *lroot, *runmax;
} ordered_t;

/*
 * Lower bounds on the squared distance (as the kernels compute it) of every pair between a block and each of
 * n boxes (lane-major, `stride` apart): the squared gaps between their boxes in the principal directions (an
 * orthonormal projection never lengthens a difference), shrunk by 2^-30 and lowered by (64 cols + 512) u
 * (|q|^2 + |p|^2), u = 2^-53, which covers the projection's rounding (16 cols u S at most), the kernel's
 * (2 cols + 3) u S, and the basis being orthonormal only to rounding. The loop over boxes vectorises at each level.
 */
MLSD_INLINE void box_bounds_body(const double *bbox, double bmax, const double *box, const double *max, int64_t n, int64_t stride, double margin, double *out) {
  for (int64_t g = 0; g < n; g++) {
    double s = 0;
    for (int l = 0; l < 2 * KNN_DIMS; l++) {
      double v = box[l * stride + g] + bbox[l];
      v = v > 0 ? v : 0;
      s += v * v;
    }
    out[g] = s * (1.0 - 0x1p-30) - margin * (bmax + max[g]);
  }
}
typedef void (*box_bounds_fn)(const double *, double, const double *, const double *, int64_t, int64_t, double, double *);
static void box_bounds_plain(const double *b, double bm, const double *g, const double *gm, int64_t n, int64_t st, double margin, double *out) { box_bounds_body(b, bm, g, gm, n, st, margin, out); }
#if defined(MLSD_X86)
MLSD_TARGET_AVX2 static void box_bounds_avx2(const double *b, double bm, const double *g, const double *gm, int64_t n, int64_t st, double margin, double *out) { box_bounds_body(b, bm, g, gm, n, st, margin, out); }
MLSD_TARGET_AVX512 static void box_bounds_avx512(const double *b, double bm, const double *g, const double *gm, int64_t n, int64_t st, double margin, double *out) { box_bounds_body(b, bm, g, gm, n, st, margin, out); }
#endif
static box_bounds_fn box_bounds_for(isa_t level) {
#if defined(MLSD_X86)
  if (level == ISA_AVX512) return box_bounds_avx512;
  if (level == ISA_AVX2) return box_bounds_avx2;
#endif
  (void)level;
  return box_bounds_plain;
}

static inline int64_t argmin(const double *x, int64_t n) {
  int64_t m = 0;
  for (int64_t i = 1; i < n; i++)
    if (x[i] < x[m]) m = i;
  return m;
}

/* The margin box_bounds_body lowers a bound by, per unit of |q|^2 + |p|^2 (derived in its comment). */
static double box_margin(int64_t cols) { return (64.0 * (double)cols + 512.0) * 0x1p-53; }

/* The largest of n heap roots: a block's or a group's threshold for a whole tile. */
static inline double max_root(const double *root, int n) {
  double m = root[0];
  for (int i = 1; i < n; i++) m = root[i] > m ? root[i] : m;
  return m;
}

/* Whether the sample pass (every skip-th block) ran block b already: its rows' heaps are final. */
static inline int sampled_block(int64_t b, int64_t skip) { return skip > 0 && b % skip == 0; }

/* The block of queries from position q: their rows, vectors, norms and rest norms (the block's first row repeated past
 * the end, where results are discarded). Returns how many are real. */
static int64_t load_block(const ordered_t *j, int64_t q, int64_t rows[QB], const double *qr[QB], double qn[QB], prune_t *pr) {
  const int64_t nq = j->n_queries - q < QB ? j->n_queries - q : QB;
  for (int64_t t = 0; t < QB; t++) {
    const int64_t r = j->qperm[q + (t < nq ? t : 0)];
    rows[t] = r;
    qr[t] = j->queries + r * j->cols;
    qn[t] = j->qnorm[r];
    for (int s = 0; s < 2; s++) pr->qrest[s][t] = j->at[s] < j->cols ? j->qrest[s][r] : 0;
  }
  return nq;
}

/* What both ordered passes set up for a thread: the tile and bound kernels of the current level, the bounds'
 * margin and the pruning checkpoints. */
typedef struct {
  candidates_fn candidates_4x8;
  box_bounds_fn bounds;
  double margin;
  prune_t pr;
} pass_kit_t;

static pass_kit_t pass_kit(const ordered_t *j) {
  return (pass_kit_t){candidates_for(mlsd_isa), box_bounds_for(mlsd_isa), box_margin(j->cols), {.at = {j->at[0], j->at[1]}, .keep = prune_keep(j->cols)}};
}

static void *run_ordered(void *arg) {
  ordered_t *j = (ordered_t *)arg;
  const int64_t cols = j->cols, k = j->k, n_groups = j->n_groups, n_runs = j->n_runs;
  pass_kit_t kit = pass_kit(j);
  double dist[QB][PB], qn[QB];
  const double *qr[QB];
  int64_t rows[QB];
  double *glb = j->lbs, *slb = j->lbs + SG;
  int64_t claimed = j->b0, end = j->next ? j->b0 : j->b1;
  for (int64_t b = j->b0;; b += j->step) {
    if (b >= end) {
      if (!j->next) break;
      claimed = __atomic_fetch_add(j->next, CLAIM, __ATOMIC_RELAXED);
      if (claimed >= j->b1) break;
      b = claimed, end = claimed + CLAIM < j->b1 ? claimed + CLAIM : j->b1;
    }
    if (sampled_block(b, j->skip)) continue;
    const int64_t q = b * QB;
    const int64_t nq = load_block(j, q, rows, qr, qn, &kit.pr);
    const double *bb = j->bbox + b * 2 * KNN_DIMS, bm = j->bmax[b];
    double *root = j->root + q;
    kit.bounds(bb, bm, j->sbox, j->smax, n_runs, n_runs, kit.margin, slb);
    /* The block's own rows' group when the queries are the points in the same order, else the nearest box. */
    const int64_t home_run = j->self_order ? q / PB / SG : argmin(slb, n_runs);
    for (int64_t step = 0; step < 2 * n_runs; step++) {
      if (j->home_only && step > 0) break;
      const int64_t run = step % 2 == 0 ? home_run + step / 2 : home_run - (step + 1) / 2;
      if (run < 0 || run >= n_runs) continue;
      double worst = max_root(root, QB);
      const int64_t g0 = run * SG, ng = n_groups - g0 < SG ? n_groups - g0 : SG;
      j->met += ng;
      if (slb[run] > worst) continue;
      kit.bounds(bb, bm, j->gbox + g0, j->gmax + g0, ng, n_groups, kit.margin, glb);
      const int64_t home = step == 0 ? (j->self_order ? q / PB - g0 : argmin(glb, ng)) : 0;
      for (int64_t gs = 0; gs < 2 * ng; gs++) {
        const int64_t gl = gs % 2 == 0 ? home + gs / 2 : home - (gs + 1) / 2;
        if (gl < 0 || gl >= ng) continue;
        worst = max_root(root, QB);
        if (glb[gl] > worst) continue;
        j->computed++;
        const int64_t g = g0 + gl;
        for (int s = 0; s < 2; s++) kit.pr.prest[s] = j->at[s] < cols ? j->prest[s] + g * PB : NULL;
        uint64_t mask = kit.candidates_4x8(qr, j->pt + g * cols * PB, cols, qn, j->pnorm + g * PB, root, NULL, dist, &kit.pr) & 0xffffffffu;
        while (mask) {
          const int bit = __builtin_ctzll(mask);
          mask &= mask - 1;
          const int t = bit / PB, s = bit % PB;
          const int64_t pos = g * PB + s;
          if (t >= nq || pos >= j->n_points) continue;
          const int64_t p = j->pperm[pos], qi = rows[t];
          if (j->exclude_self && p == qi) continue;
          const double d = dist[t][s] < 0 ? 0 : dist[t][s];
          offer(j->heap_d + qi * k, j->heap_i + qi * k, k, d, p, root + t);
        }
      }
    }
  }
  return NULL;
}

/*
 * The symmetric pass of the ordered search, for queries that are the points in the same order: after every
 * block has met its own run (run_ordered with home_only, on the shared heaps), each block meets only the runs
 * after its own, and each pair's distance goes to both rows' heaps, as the blocked search's symmetric pass
 * does: a pair of rows in different runs is computed once instead of twice. The point side's heaps belong to
 * other blocks, so each thread offers to heaps of its own (copies of the shared ones at the start) and the
 * caller merges what they gained. A tile is skipped when its box bound exceeds the k-th distances of both
 * sides; a thread's k-th distance is never below the final one, so no pair of the final heaps is skipped.
 * Rows of sampled blocks (their heaps are final already) take no offers.
 */
static void *run_symmetric(void *arg) {
  ordered_t *j = (ordered_t *)arg;
  const int64_t cols = j->cols, k = j->k, n_groups = j->n_groups, n_runs = j->n_runs, n = j->n_points;
  pass_kit_t kit = pass_kit(j);
  double dist[QB][PB], qn[QB];
  const double *qr[QB];
  int64_t rows[QB];
  double *glb = j->lbs, *slb = j->lbs + SG, *lr = j->lroot, *rmax = j->runmax;
  double *hd = j->lheap_d;
  int32_t *hi = j->lheap_i;
  const int64_t skip = j->skip;
  for (;;) {
    const int64_t claimed = __atomic_fetch_add(j->next, CLAIM, __ATOMIC_RELAXED);
    if (claimed >= j->b1) break;
    const int64_t end = claimed + CLAIM < j->b1 ? claimed + CLAIM : j->b1;
    /* Each run's largest root: roots only fall, so a value from before this chunk is a valid, looser bound. */
    for (int64_t r = 0; r < n_runs; r++) {
      const int64_t first = r * SG * PB, len = (r + 1) * SG * PB < n_groups * PB ? SG * PB : n_groups * PB - first;
      rmax[r] = max_root(lr + first, (int)len);
    }
    for (int64_t b = claimed; b < end; b++) {
      const int sampled = sampled_block(b, skip);
      const int64_t q = b * QB;
      const int64_t nq = load_block(j, q, rows, qr, qn, &kit.pr);
      const double *bb = j->bbox + b * 2 * KNN_DIMS, bm = j->bmax[b];
      double *root = lr + q;
      kit.bounds(bb, bm, j->sbox, j->smax, n_runs, n_runs, kit.margin, slb);
      for (int64_t run = q / PB / SG + 1; run < n_runs; run++) {
        double worst = max_root(root, QB);
        if (slb[run] > worst && slb[run] > rmax[run]) continue;
        const int64_t g0 = run * SG, ng = n_groups - g0 < SG ? n_groups - g0 : SG;
        kit.bounds(bb, bm, j->gbox + g0, j->gmax + g0, ng, n_groups, kit.margin, glb);
        for (int64_t gl = 0; gl < ng; gl++) {
          const int64_t g = g0 + gl;
          const double *pw = lr + g * PB;
          worst = max_root(root, QB);
          if (glb[gl] > worst && glb[gl] > max_root(pw, PB)) continue;
          for (int s = 0; s < 2; s++) kit.pr.prest[s] = j->at[s] < cols ? j->prest[s] + g * PB : NULL;
          uint64_t mask = kit.candidates_4x8(qr, j->pt + g * cols * PB, cols, qn, j->pnorm + g * PB, root, pw, dist, &kit.pr);
          while (mask) {
            const int bit = __builtin_ctzll(mask);
            mask &= mask - 1;
            const int pair = bit & 31, t = pair / PB, s = pair % PB;
            const int64_t pos = g * PB + s;
            if (t >= nq || pos >= n) continue;
            const int64_t p = j->pperm[pos], qi = rows[t];
            const double d = dist[t][s] < 0 ? 0 : dist[t][s];
            if (bit < 32) {
              if (!sampled) offer(hd + qi * k, hi + qi * k, k, d, p, root + t);
            } else if (!sampled_block(pos / QB, skip)) {
              offer(hd + p * k, hi + p * k, k, d, qi, lr + pos);
            }
          }
        }
      }
    }
  }
  return NULL;
}

/*
 * Returns 1 when done, 0 when out of memory, -1 when the order does not pay: a pass over every SAMPLE_EVERY-th
 * block first measures the share of tiles it must compute, and where that share makes twice the pairs cost
 * more than the blocked search's (half of them when symmetric), the sampled rows' heaps are reset and the
 * caller runs the blocked search (uniform data in many dimensions, where no box is far from another).
 */
static int search_ordered(const double *points, int64_t n_points, const double *queries, int64_t n_queries, int64_t cols, int64_t k, int exclude_self, int64_t threads, int forced, double *heap_d, int32_t *heap_i) {
  const int64_t groups = (n_points + PB - 1) / PB, n_blocks = (n_queries + QB - 1) / QB, runs = (groups + SG - 1) / SG;
  int64_t at[2];
  checkpoints(cols, 1, at);
  threads = clamp_threads(threads, n_blocks, 0, 0);
  const int self_order = exclude_self && queries == points && n_queries == n_points;
  double *basis = malloc((size_t)(KNN_DIMS * cols) * sizeof(double));
  double *pproj = malloc((size_t)(n_points * KNN_DIMS) * sizeof(double));
  double *qproj = exclude_self ? pproj : malloc((size_t)(n_queries * KNN_DIMS + 1) * sizeof(double));
  int32_t *pperm = malloc((size_t)n_points * sizeof(int32_t)), *qperm = self_order ? pperm : malloc((size_t)(n_queries + 1) * sizeof(int32_t));
  double *pt = aligned_alloc(64, (size_t)(groups * cols * PB * sizeof(double) + 64));
  double *pnorm_row = malloc((size_t)n_points * sizeof(double)), *pnorm = malloc((size_t)(groups * PB) * sizeof(double));
  double *qnorm = exclude_self ? pnorm_row : malloc((size_t)(n_queries + 1) * sizeof(double));
  double *rest = malloc((size_t)(2 * (groups * PB + n_queries) + 1) * sizeof(double));
  double *gbox = malloc((size_t)(groups * 2 * KNN_DIMS) * sizeof(double)), *gbox_aos = malloc((size_t)(groups * 2 * KNN_DIMS) * sizeof(double));
  double *gmax = malloc((size_t)groups * sizeof(double));
  double *sbox = malloc((size_t)(runs * 2 * KNN_DIMS) * sizeof(double)), *smax = malloc((size_t)runs * sizeof(double));
  double *bbox = malloc((size_t)(n_blocks * 2 * KNN_DIMS + 1) * sizeof(double)), *bmax = malloc((size_t)(n_blocks + 1) * sizeof(double));
  double *roots = malloc((size_t)(n_blocks * QB + 1) * sizeof(double));
  double *lbs = malloc((size_t)(threads * (SG + runs)) * sizeof(double));
  int ok = basis && pproj && qproj && pperm && qperm && pt && pnorm_row && pnorm && qnorm && rest && gbox && gbox_aos && gmax && sbox && smax && bbox && bmax && roots && lbs;
  if (ok) {
    knn_basis(points, n_points, cols, basis);
    knn_project(points, n_points, cols, basis, pproj);
    if (!exclude_self) knn_project(queries, n_queries, cols, basis, qproj);
    ok = knn_kd_order(pproj, n_points, PB, pperm) && (self_order || knn_kd_order(qproj, n_queries, QB, qperm));
  }
  if (ok) {
    transpose_groups(points, n_points, cols, pperm, pt);
    norms(points, n_points, cols, pnorm_row);
    for (int64_t p = 0; p < groups * PB; p++) pnorm[p] = p < n_points ? pnorm_row[pperm[p]] : INFINITY;
    if (!exclude_self) norms(queries, n_queries, cols, qnorm);
    const double *prest[2], *qrest[2];
    for (int s = 0; s < 2; s++) {
      double *pr = rest + s * groups * PB, *qr = rest + 2 * groups * PB + s * n_queries;
      rest_norms(points, n_points, cols, at[s], pperm, pr);
      for (int64_t p = n_points; p < groups * PB; p++) pr[p] = 0;
      rest_norms(queries, n_queries, cols, at[s], NULL, qr);
      prest[s] = pr, qrest[s] = qr;
    }
    knn_boxes(pproj, pperm, n_points, PB, 0, pnorm_row, gbox_aos, gmax);
    /* Lane-major boxes of the groups, and of runs of SG groups (their union: lows' min, negated highs' min). */
    for (int64_t r = 0; r < runs; r++) {
      smax[r] = 0;
      for (int l = 0; l < 2 * KNN_DIMS; l++) sbox[l * runs + r] = INFINITY;
    }
    for (int64_t g = 0; g < groups; g++) {
      const int64_t r = g / SG;
      for (int l = 0; l < 2 * KNN_DIMS; l++) {
        const double v = gbox_aos[g * 2 * KNN_DIMS + l];
        gbox[l * groups + g] = v;
        if (v < sbox[l * runs + r]) sbox[l * runs + r] = v;
      }
      if (gmax[g] > smax[r]) smax[r] = gmax[g];
    }
    knn_boxes(qproj, qperm, n_queries, QB, 1, qnorm, bbox, bmax);
    for (int64_t i = 0; i < n_blocks * QB; i++) roots[i] = i < n_queries ? INFINITY : -1;
    ordered_t base = {pt, pnorm, {prest[0], prest[1]}, queries, qnorm, {qrest[0], qrest[1]}, pperm, qperm, gbox, gmax, sbox, smax, bbox, bmax, {at[0], at[1]}, n_points, n_queries, groups, runs, cols, k, exclude_self, self_order, heap_d, heap_i, roots, lbs, 0, n_blocks, 1, 0, NULL, 0, 0};
    int64_t skip = 0;
    if (!forced) {
      ordered_t sample = base;
      sample.step = SAMPLE_EVERY;
      run_ordered(&sample);
      /* Symmetric blocked search computes half the tiles; the ordered one's overheads cost about a fifth more. */
      const double share = (double)sample.computed / (double)(sample.met > 0 ? sample.met : 1);
      if (share * 1.2 > (exclude_self ? 0.5 : 1.0)) {
        for (int64_t b = 0; b < n_blocks; b += SAMPLE_EVERY)
          for (int64_t t = 0; t < QB && b * QB + t < n_queries; t++) {
            const int64_t r = qperm[b * QB + t];
            for (int64_t e = 0; e < k; e++) heap_d[r * k + e] = INFINITY, heap_i[r * k + e] = -1;
          }
        ok = -1;
      }
      skip = SAMPLE_EVERY;
    }
    /* The symmetric passes when the queries are the points, in more than one run, and every thread can keep
     * heaps for all rows (as search_blocked's limit). */
    const int symmetric = self_order && runs > 1 && (double)threads * (double)n_queries * (double)k <= 64e6;
    double *lheap_d = NULL, *lroot = NULL, *runmax = NULL;
    int32_t *lheap_i = NULL, *ipos = NULL;
    if (ok == 1 && symmetric) {
      lheap_d = malloc((size_t)threads * (size_t)(n_queries * k) * sizeof(double));
      lheap_i = malloc((size_t)threads * (size_t)(n_queries * k) * sizeof(int32_t));
      lroot = malloc((size_t)threads * (size_t)(groups * PB) * sizeof(double));
      runmax = malloc((size_t)threads * (size_t)runs * sizeof(double));
      ipos = malloc((size_t)n_points * sizeof(int32_t));
    }
    ordered_t jobs[MAX_THREADS];
    int64_t next = 0;
    for (int64_t t = 0; t < threads; t++) {
      jobs[t] = base;
      jobs[t].lbs = lbs + t * (SG + runs);
      jobs[t].skip = skip, jobs[t].next = &next;
    }
    if (ok == 1 && symmetric && lheap_d && lheap_i && lroot && runmax && ipos) {
      for (int64_t t = 0; t < threads; t++) jobs[t].home_only = 1;
      run_jobs(run_ordered, jobs, sizeof(ordered_t), threads);
      for (int64_t t = 0; t < threads; t++) {
        memcpy(lheap_d + t * n_queries * k, heap_d, (size_t)(n_queries * k) * sizeof(double));
        memcpy(lheap_i + t * n_queries * k, heap_i, (size_t)(n_queries * k) * sizeof(int32_t));
        for (int64_t pos = 0; pos < groups * PB; pos++) lroot[t * groups * PB + pos] = pos < n_queries ? roots[pos] : -1;
        jobs[t].lheap_d = lheap_d + t * n_queries * k, jobs[t].lheap_i = lheap_i + t * n_queries * k;
        jobs[t].lroot = lroot + t * groups * PB, jobs[t].runmax = runmax + t * runs;
      }
      next = 0;
      run_jobs(run_symmetric, jobs, sizeof(ordered_t), threads);
      /* What each thread gained: its entries from other runs (those of the row's own run are the shared heaps'
       * own, copied in), offered to the shared heaps. */
      for (int64_t p = 0; p < n_points; p++) ipos[pperm[p]] = (int32_t)p;
      for (int64_t t = 0; t < threads; t++)
        for (int64_t pos = 0; pos < n_queries; pos++) {
          if (sampled_block(pos / QB, skip)) continue;
          const int64_t r = pperm[pos], run = pos / PB / SG;
          const double *ld = lheap_d + t * n_queries * k + r * k;
          const int32_t *li = lheap_i + t * n_queries * k + r * k;
          for (int64_t e = 0; e < k; e++)
            if (li[e] >= 0 && ipos[li[e]] / PB / SG != run) offer(heap_d + r * k, heap_i + r * k, k, ld[e], li[e], roots + pos);
        }
    } else if (ok == 1) {
      run_jobs(run_ordered, jobs, sizeof(ordered_t), threads);
    }
    free(lheap_d), free(lheap_i), free(lroot), free(runmax), free(ipos);
  }
  free(basis), free(pproj), free(pperm), free(pt), free(pnorm_row), free(pnorm), free(rest);
  free(gbox), free(gbox_aos), free(gmax), free(sbox), free(smax), free(bbox), free(bmax), free(roots), free(lbs);
  if (!self_order) free(qperm);
  if (!exclude_self) free(qproj), free(qnorm);
  return ok;
}

/* Which search: 0 chooses (the ordered one, where its sample says it pays, from ORDERED_MIN points and
 * ORDERED_MIN_QUERIES queries: below those its set-up, a projection and a sort of every point, costs more
 * than it can save), 1 forces the blocked, 2 the ordered. */
enum { ORDERED_MIN = 4096, ORDERED_MIN_QUERIES = 4 * SAMPLE_EVERY * QB };

/* knn(points, nPoints, queries, nQueries, cols, k, excludeSelf, threads[, search]) -> [Int32Array indices,
 * Float64Array distances, the search that ran: 1 blocked, 2 ordered] */
static napi_value knn(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, NULL, "knn(points, nPoints, queries, nQueries, cols, k, excludeSelf, threads[, search])");
    return NULL;
  }
  size_t plen, qlen;
  const double *points = typed(env, argv[0], napi_float64_array, &plen);
  const double *queries = typed(env, argv[2], napi_float64_array, &qlen);
  int64_t n_points, n_queries, cols, k, threads, search = 0;
  bool exclude_self;
  CHECK(napi_get_value_int64(env, argv[1], &n_points));
  CHECK(napi_get_value_int64(env, argv[3], &n_queries));
  CHECK(napi_get_value_int64(env, argv[4], &cols));
  CHECK(napi_get_value_int64(env, argv[5], &k));
  CHECK(napi_get_value_bool(env, argv[6], &exclude_self));
  CHECK(napi_get_value_int64(env, argv[7], &threads));
  if (argc > 8) CHECK(napi_get_value_int64(env, argv[8], &search));
  if (!points || !queries || n_points < 1 || n_queries < 0 || cols < 1 || k < 1 || (int64_t)plen < n_points * cols || (int64_t)qlen < n_queries * cols || n_points > INT32_MAX || n_queries > INT32_MAX || search < 0 || search > 2) {
    napi_throw_range_error(env, NULL, "knn: points and queries must be Float64Arrays of nPoints x cols and nQueries x cols, with nPoints, cols and k >= 1, and search 0, 1 or 2");
    return NULL;
  }
  double *heap_d = malloc((size_t)(n_queries * k > 0 ? n_queries * k : 1) * sizeof(double));
  int32_t *heap_i = malloc((size_t)(n_queries * k > 0 ? n_queries * k : 1) * sizeof(int32_t));
  if (!heap_d || !heap_i) {
    free(heap_d), free(heap_i);
    napi_throw_error(env, NULL, "knn: out of memory");
    return NULL;
  }
  for (int64_t i = 0; i < n_queries * k; i++) heap_d[i] = INFINITY, heap_i[i] = -1;
  const int ordered = n_queries > 0 && (search == 2 || (search == 0 && n_points >= ORDERED_MIN && n_queries >= ORDERED_MIN_QUERIES));
  int done = ordered ? search_ordered(points, n_points, queries, n_queries, cols, k, exclude_self, threads, search == 2, heap_d, heap_i) : 0;
  const int64_t used = done == 1 ? 2 : 1;
  if (done != 1) done = search_blocked(points, n_points, queries, n_queries, cols, k, exclude_self, threads, heap_d, heap_i);
  if (!done) {
    free(heap_d), free(heap_i);
    napi_throw_error(env, NULL, "knn: out of memory");
    return NULL;
  }

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
  free(heap_d), free(heap_i);
  CHECK(napi_create_typedarray(env, napi_int32_array, (size_t)(n_queries * k), ibuf, 0, &iarr));
  CHECK(napi_create_typedarray(env, napi_float64_array, (size_t)(n_queries * k), dbuf, 0, &darr));
  napi_value which;
  CHECK(napi_create_int64(env, used, &which));
  CHECK(napi_create_array_with_length(env, 3, &result));
  CHECK(napi_set_element(env, result, 0, iarr));
  CHECK(napi_set_element(env, result, 1, darr));
  CHECK(napi_set_element(env, result, 2, which));
  return result;
}

napi_value mlsd_register_knn(napi_env env, napi_value exports) {
  if (!export_fn(env, exports, "knn", knn)) return NULL;
  return exports;
}
