/*
 * SMOTE's generation step (lib/imbalance/smote-core.ts's makeSamples) after its draws: row s of `out` is
 * x + u (b - x) with x = seeds[pick / k], b = nnData[nns[pick]], u = steps[s], lane by lane. One multiply and
 * two subtractions/additions per value, never fused (-ffp-contract=off), so every value is the JavaScript's bit
 * for bit. In JavaScript this loop took 10 to 14 ms for SMOTE's 80,000 rows of 20 (the random row reads and
 * typed-array checks); here it is bound by writing the output.
 */
#include "common.h"
#include <stdint.h>

/* smoteRows(seeds, nnData, nns, k, cols, picks, steps, out): every index is checked before any row is read. */
static napi_value smote_rows(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, NULL, "smoteRows(seeds, nnData, nns, k, cols, picks, steps, out)");
    return NULL;
  }
  size_t seeds_len, nn_len, nns_len, picks_len, steps_len, out_len;
  const double *seeds = typed(env, argv[0], napi_float64_array, &seeds_len);
  const double *nn_data = typed(env, argv[1], napi_float64_array, &nn_len);
  const int32_t *nns = typed(env, argv[2], napi_int32_array, &nns_len);
  const int32_t *picks = typed(env, argv[5], napi_int32_array, &picks_len);
  const double *steps = typed(env, argv[6], napi_float64_array, &steps_len);
  double *out = typed(env, argv[7], napi_float64_array, &out_len);
  int64_t k, cols;
  CHECK(napi_get_value_int64(env, argv[3], &k));
  CHECK(napi_get_value_int64(env, argv[4], &cols));
  const int64_t n = (int64_t)picks_len;
  if (!seeds || !nn_data || !nns || !picks || !steps || !out || k < 1 || cols < 1 || (int64_t)steps_len != n || (int64_t)out_len < n * cols) {
    napi_throw_range_error(env, NULL, "smoteRows: seeds, nnData, steps and out must be Float64Arrays, nns and picks Int32Arrays, k and cols >= 1, steps as long as picks, out at least picks x cols");
    return NULL;
  }
  const int64_t n_seeds = (int64_t)seeds_len / cols, nn_rows = (int64_t)nn_len / cols;
  const int64_t choices = (int64_t)nns_len < n_seeds * k ? (int64_t)nns_len : n_seeds * k;
  for (int64_t s = 0; s < n; s++) {
    const int64_t pick = picks[s];
    if (pick < 0 || pick >= choices || nns[pick] < 0 || nns[pick] >= nn_rows) {
      napi_throw_range_error(env, NULL, "smoteRows: a pick or neighbour index is out of range");
      return NULL;
    }
  }
  for (int64_t s = 0; s < n; s++) {
    const double *x = seeds + (picks[s] / k) * cols, *b = nn_data + (int64_t)nns[picks[s]] * cols;
    const double u = steps[s];
    double *o = out + s * cols;
    for (int64_t j = 0; j < cols; j++) o[j] = x[j] + u * (b[j] - x[j]);
  }
  return NULL;
}

napi_value mlsd_register_smote(napi_env env, napi_value exports) {
  if (!export_fn(env, exports, "smoteRows", smote_rows)) return NULL;
  return exports;
}
