/*
 * Histogram boosting's per-iteration gradients, native: the binary log loss's gradients and hessians from the
 * raw predictions, over threads. The same expressions as lib/ensemble/hgb/loss.ts, with V8's exp (js-exp.h),
 * so the float32 results are the JavaScript's bit for bit.
 */
#include "common.h"
#include "js-exp.h"
#include "isa.h"

#if defined(__x86_64__)
#include <immintrin.h>
/*
 * js_exp on four lanes, for |x| in [2^-28, 512): the same operations lane by lane (no FMA, same constants),
 * so each lane equals js_exp exactly. Lanes with |x| <= ln2 / 2 take fdlibm's k = 0 formula; the others
 * reduce by k ln2 with k = trunc(x / ln2 +- 1/2), which is also what fdlibm's 0.5 ln2 < |x| < 1.5 ln2 case
 * computes (k = +-1). Returns 0 (and leaves out alone) when a lane is outside that range: callers then use
 * the scalar function for those four.
 */
__attribute__((target("avx2"))) static int exp4(const double *x, double *out) {
  const __m256d v = _mm256_loadu_pd(x);
  const __m256i bits = _mm256_castpd_si256(v);
  const __m256i hx = _mm256_and_si256(_mm256_srli_epi64(bits, 32), _mm256_set1_epi64x(0x7fffffff));
  /* outside [2^-28, 512): hx < 0x3e300000 or hx >= 0x40800000 */
  const __m256i tiny = _mm256_cmpgt_epi64(_mm256_set1_epi64x(0x3e300000), hx);
  const __m256i big = _mm256_cmpgt_epi64(hx, _mm256_set1_epi64x(0x407fffff));
  if (!_mm256_testz_si256(_mm256_or_si256(tiny, big), _mm256_or_si256(tiny, big))) return 0;
  const __m256d small = _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_set1_epi64x(0x3fd62e43), hx)); /* k = 0 lanes */
  const __m256d negative = _mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_LT_OQ);
  const __m256d half = _mm256_blendv_pd(_mm256_set1_pd(0.5), _mm256_set1_pd(-0.5), negative);
  const __m128i k32 = _mm256_cvttpd_epi32(_mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(1.44269504088896338700e+00), v), half));
  const __m256d t = _mm256_cvtepi32_pd(k32);
  const __m256d hi = _mm256_sub_pd(v, _mm256_mul_pd(t, _mm256_set1_pd(6.93147180369123816490e-01)));
  const __m256d lo = _mm256_mul_pd(t, _mm256_set1_pd(1.90821492927058770002e-10));
  const __m256d r = _mm256_blendv_pd(_mm256_sub_pd(hi, lo), v, small);
  const __m256d r2 = _mm256_mul_pd(r, r);
  __m256d poly = _mm256_set1_pd(4.13813679705723846039e-08);
  poly = _mm256_add_pd(_mm256_set1_pd(-1.65339022054652515390e-06), _mm256_mul_pd(r2, poly));
  poly = _mm256_add_pd(_mm256_set1_pd(6.61375632143793436117e-05), _mm256_mul_pd(r2, poly));
  poly = _mm256_add_pd(_mm256_set1_pd(-2.77777777770155933842e-03), _mm256_mul_pd(r2, poly));
  poly = _mm256_add_pd(_mm256_set1_pd(1.66666666666666019037e-01), _mm256_mul_pd(r2, poly));
  const __m256d c = _mm256_sub_pd(r, _mm256_mul_pd(r2, poly));
  const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0);
  const __m256d rc = _mm256_mul_pd(r, c);
  const __m256d y0 = _mm256_sub_pd(one, _mm256_sub_pd(_mm256_div_pd(rc, _mm256_sub_pd(c, two)), r));
  const __m256d yk = _mm256_sub_pd(one, _mm256_sub_pd(_mm256_sub_pd(lo, _mm256_div_pd(rc, _mm256_sub_pd(two, c))), hi));
  const __m256i scaled = _mm256_add_epi64(_mm256_castpd_si256(yk), _mm256_slli_epi64(_mm256_cvtepi32_epi64(k32), 52));
  _mm256_storeu_pd(out, _mm256_blendv_pd(_mm256_castsi256_pd(scaled), y0, small));
  return 1;
}
#endif

/* out[i] = js_exp(x[i]), four at a time where the vector path applies. */
static void exp_array(const double *x, double *out, int64_t n) {
  int64_t i = 0;
#if defined(__x86_64__)
  if (mlsd_isa >= ISA_AVX2)
    for (; i + 4 <= n; i += 4)
      if (!exp4(x + i, out + i))
        for (int q = 0; q < 4; q++) out[i + q] = js_exp(x[i + q]);
#endif
  for (; i < n; i++) out[i] = js_exp(x[i]);
}

typedef struct {
  const double *raw, *w;
  const int32_t *y;
  float *g, *h;
  int64_t i0, i1;
} logistic_job_t;

enum { BLOCK = 256 };

static void *logistic_range(void *arg) {
  const logistic_job_t *j = (const logistic_job_t *)arg;
  double minus[BLOCK], e[BLOCK];
  for (int64_t i0 = j->i0; i0 < j->i1; i0 += BLOCK) {
    const int64_t m = j->i1 - i0 < BLOCK ? j->i1 - i0 : BLOCK;
    for (int64_t q = 0; q < m; q++) minus[q] = -j->raw[i0 + q];
    exp_array(minus, e, m);
    for (int64_t q = 0; q < m; q++) {
      const int64_t i = i0 + q;
      const double p = 1 / (1 + e[q]);
      const double wi = j->w ? j->w[i] : 1;
      j->g[i] = (float)(wi * (p - j->y[i]));
      j->h[i] = (float)(wi * p * (1 - p));
    }
  }
  return NULL;
}

/* logisticGradients(raw, y, w | null, g, h, threads): g = w (p - y), h = w p (1 - p), p = 1 / (1 + exp(-raw)). */
static napi_value logistic_gradients(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t rlen, ylen, wlen = 0, glen, hlen;
  const double *raw = typed(env, a[0], napi_float64_array, &rlen);
  const int32_t *y = typed(env, a[1], napi_int32_array, &ylen);
  const double *w = typed(env, a[2], napi_float64_array, &wlen);
  float *g = typed(env, a[3], napi_float32_array, &glen);
  float *h = typed(env, a[4], napi_float32_array, &hlen);
  int64_t threads;
  CHECK(napi_get_value_int64(env, a[5], &threads));
  const int64_t n = (int64_t)ylen;
  if (argc < 6 || !raw || !y || !g || !h || (!w && !nullish(env, a[2])) || (int64_t)rlen < n || (int64_t)glen < n || (int64_t)hlen < n || (w && (int64_t)wlen < n)) {
    napi_throw_range_error(env, NULL, "logisticGradients(raw: Float64Array, y: Int32Array, w: Float64Array | null, g: Float32Array, h: Float32Array, threads): an argument has another type or is shorter than y");
    return NULL;
  }
  threads = clamp_threads(threads, MAX_THREADS, n, 20000);
  logistic_job_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++) jobs[t] = (logistic_job_t){raw, w, y, g, h, n * t / threads, n * (t + 1) / threads};
  run_jobs(logistic_range, jobs, sizeof(logistic_job_t), threads);
  return NULL;
}

/* exp(x, out): the gradients' exponential elementwise (vector and scalar paths); the tests compare it with Math.exp. */
static napi_value exp_into(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t xlen, olen;
  const double *x = typed(env, a[0], napi_float64_array, &xlen);
  double *out = typed(env, a[1], napi_float64_array, &olen);
  if (argc < 2 || !x || !out || olen < xlen) {
    napi_throw_range_error(env, NULL, "exp: out must be a Float64Array at least as long as x");
    return NULL;
  }
  exp_array(x, out, (int64_t)xlen);
  return NULL;
}

napi_value mlsd_register_loss(napi_env env, napi_value exports) {
  if (!export_fn(env, exports, "logisticGradients", logistic_gradients)) return NULL;
  if (!export_fn(env, exports, "exp", exp_into)) return NULL;
  return exports;
}
