/*
 * Histogram boosting's per-iteration gradients, native: the binary log loss's gradients and hessians from the
 * raw predictions, over threads. The same expressions as lib/ensemble/hgb/loss.ts, with V8's exp (js-exp.h),
 * so the float32 results are the JavaScript's bit for bit.
 */
#include "common.h"
#include "js-exp.h"

typedef struct {
  const double *raw, *w;
  const int32_t *y;
  float *g, *h;
  int64_t i0, i1;
} logistic_job_t;

static void *logistic_range(void *arg) {
  const logistic_job_t *j = (const logistic_job_t *)arg;
  for (int64_t i = j->i0; i < j->i1; i++) {
    const double p = 1 / (1 + js_exp(-j->raw[i]));
    const double wi = j->w ? j->w[i] : 1;
    j->g[i] = (float)(wi * (p - j->y[i]));
    j->h[i] = (float)(wi * p * (1 - p));
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
  if (argc < 6 || !raw || !y || !g || !h || (int64_t)rlen < n || (int64_t)glen < n || (int64_t)hlen < n || (w && (int64_t)wlen < n)) {
    napi_throw_range_error(env, NULL, "logisticGradients: buffers shorter than y");
    return NULL;
  }
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (n < 20000) threads = 1; /* below this, starting a thread costs more than it saves */
  logistic_job_t jobs[MAX_THREADS];
  for (int64_t t = 0; t < threads; t++) jobs[t] = (logistic_job_t){raw, w, y, g, h, n * t / threads, n * (t + 1) / threads};
  run_jobs(logistic_range, jobs, sizeof(logistic_job_t), threads);
  return NULL;
}

/* exp(x, out): js_exp elementwise; the tests compare it with Math.exp. */
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
  for (size_t i = 0; i < xlen; i++) out[i] = js_exp(x[i]);
  return NULL;
}

napi_value mlsd_register_loss(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "logisticGradients", NAPI_AUTO_LENGTH, logistic_gradients, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "logisticGradients", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "exp", NAPI_AUTO_LENGTH, exp_into, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "exp", fn) != napi_ok) return NULL;
  return exports;
}
