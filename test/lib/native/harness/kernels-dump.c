/*
 * Runs the native module's kernels (every .c file of native/, built with the module's flags, linked with
 * napi-shim.c) on fixed pseudo-random inputs at every instruction-set level this CPU runs, and prints one
 * line per level and kernel call: "<level> <call> <FNV-1a hash of every output byte>". neon-qemu.test.ts
 * builds it for x86-64 and for arm64 (run under qemu-aarch64) and requires every line's hash to be the same
 * at every level of both machines: the NEON kernels then give the bits of the x86-64 ones, which
 * test/lib/native/ compares with the JavaScript. The inputs have ties, NaN, missing bins and node ranges that
 * start past 0, where orders differ first; sizes pass the kernels' thresholds for using several threads.
 *   kernels-dump            (prints the lines; exit status 1 with the message when a kernel throws)
 */
#include "napi-shim.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

napi_value napi_register_module_v1(napi_env env, napi_value exports);

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
  state ^= state >> 12, state ^= state << 25, state ^= state >> 27;
  return state * 2685821657736338717ull;
}
static double uniform(void) { return (double)(next() >> 11) * 0x1.0p-53; }

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}
static const uint64_t FNV0 = 14695981039346656037ull;

static napi_env env;
static napi_value module;
static const char *level;

static napi_value call(const char *name, size_t argc, napi_value *argv) {
  napi_value fn = shim_get(module, name);
  if (!fn) {
    fprintf(stderr, "kernels-dump: the module has no function %s\n", name);
    exit(1);
  }
  napi_value r = shim_call(env, fn, argc, argv);
  if (shim_error(env)) {
    fprintf(stderr, "kernels-dump: %s threw %s\n", name, shim_error(env));
    exit(1);
  }
  return r;
}
#define CALL(name, ...) call(name, sizeof((napi_value[]){__VA_ARGS__}) / sizeof(napi_value), (napi_value[]){__VA_ARGS__})
#define F64(p, n) shim_typed(napi_float64_array, p, n)
#define F32(p, n) shim_typed(napi_float32_array, p, n)
#define I32(p, n) shim_typed(napi_int32_array, p, n)
#define U32(p, n) shim_typed(napi_uint32_array, p, n)
#define U8(p, n) shim_typed(napi_uint8_array, p, n)
#define NUM(x) shim_number((double)(x))

static void report(const char *what, uint64_t h) { printf("%s %s %016llx\n", level, what, (unsigned long long)h); }
static void *zeros(size_t bytes) {
  void *p = calloc(bytes > 0 ? bytes : 1, 1);
  if (!p) abort();
  return p;
}

static void knn_calls(void) {
  /* Self neighbours on coarse values (many equal distances: ties go to the lower index), 2 threads. */
  enum { NP = 701, COLS = 13, NQ = 257 };
  double *pts = zeros(NP * COLS * sizeof(double)), *qs = zeros(NQ * COLS * sizeof(double));
  for (int i = 0; i < NP * COLS; i++) pts[i] = floor(uniform() * 8) / 4 - 1;
  memcpy(pts + 5 * COLS, pts + 300 * COLS, COLS * sizeof(double)); /* a duplicate point: distance 0 */
  napi_value r = CALL("knn", F64(pts, NP * COLS), NUM(NP), F64(pts, NP * COLS), NUM(NP), NUM(COLS), NUM(5), shim_bool(1), NUM(2));
  report("knn-self", fnv(fnv(FNV0, r->elements[0]->data, r->elements[0]->length * 4), r->elements[1]->data, r->elements[1]->length * 8));
  const uint64_t self = fnv(fnv(FNV0, r->elements[0]->data, r->elements[0]->length * 4), r->elements[1]->data, r->elements[1]->length * 8);
  for (int i = 0; i < NQ * COLS; i++) qs[i] = uniform() * 3 - 1.5;
  r = CALL("knn", F64(pts, NP * COLS), NUM(NP), F64(qs, NQ * COLS), NUM(NQ), NUM(COLS), NUM(7), shim_bool(0), NUM(3));
  const uint64_t queries = fnv(fnv(FNV0, r->elements[0]->data, r->elements[0]->length * 4), r->elements[1]->data, r->elements[1]->length * 8);
  report("knn-queries", queries);
  /* The ordered search (knn.c's search 2) must give the blocked search's bits: checked here, and reported
   * under its own name (hashed once more, so that it differs from the calls above) for the levels to agree. */
  r = CALL("knn", F64(pts, NP * COLS), NUM(NP), F64(pts, NP * COLS), NUM(NP), NUM(COLS), NUM(5), shim_bool(1), NUM(2), NUM(2));
  const uint64_t self_ordered = fnv(fnv(FNV0, r->elements[0]->data, r->elements[0]->length * 4), r->elements[1]->data, r->elements[1]->length * 8);
  r = CALL("knn", F64(pts, NP * COLS), NUM(NP), F64(qs, NQ * COLS), NUM(NQ), NUM(COLS), NUM(7), shim_bool(0), NUM(3), NUM(2));
  const uint64_t queries_ordered = fnv(fnv(FNV0, r->elements[0]->data, r->elements[0]->length * 4), r->elements[1]->data, r->elements[1]->length * 8);
  if (self_ordered != self || queries_ordered != queries) {
    fprintf(stderr, "%s: the ordered kNN search differs from the blocked one\n", level);
    exit(1);
  }
  report("knn-ordered", fnv(self_ordered, &queries_ordered, sizeof queries_ordered));
}

static void exp_calls(void) {
  enum { N = 4099 };
  double *x = zeros(N * sizeof(double)), *out = zeros(N * sizeof(double));
  const double special[] = {0.0, -0.0, NAN, INFINITY, -INFINITY, 709.78, 709.79, -745.13, -745.14, 0.34657359027997264, -0.34657359027997264, 1.0397207708399179, 1e-300, 3.7252902984e-09, 512.0, -512.0};
  for (int i = 0; i < N; i++) {
    const int kind = i % 4;
    x[i] = kind == 0 ? uniform() * 1400 - 700 : kind == 1 ? uniform() * 4 - 2 : kind == 2 ? (uniform() - 0.5) * 1e-8 : uniform() * 60 - 30;
  }
  memcpy(x + 100, special, sizeof special);
  CALL("exp", F64(x, N), F64(out, N));
  report("exp", fnv(FNV0, out, N * sizeof(double)));

  enum { M = 50021 };
  double *raw = zeros(M * sizeof(double)), *w = zeros(M * sizeof(double));
  int32_t *y = zeros(M * sizeof(int32_t));
  float *g = zeros(M * sizeof(float)), *h = zeros(M * sizeof(float));
  for (int i = 0; i < M; i++) raw[i] = uniform() * 24 - 12, y[i] = uniform() < 0.3, w[i] = 0.25 + uniform();
  CALL("logisticGradients", F64(raw, M), I32(y, M), shim_null(), F32(g, M), F32(h, M), NUM(2));
  report("logisticGradients", fnv(fnv(FNV0, g, M * sizeof(float)), h, M * sizeof(float)));
  CALL("logisticGradients", F64(raw, M), I32(y, M), F64(w, M), F32(g, M), F32(h, M), NUM(2));
  report("logisticGradients-weighted", fnv(fnv(FNV0, g, M * sizeof(float)), h, M * sizeof(float)));
}

static void hist_calls(void) {
  /* Above partition's thread threshold (50,000 samples) and the histograms' (30,000 updates). */
  enum { N = 60013, D = 11, ROWS = 3001, COLS = 7 };
  const size_t hs = (size_t)D * 256 * 4;

  /* Binning: sorted columns and bins of data with NaN, repeated values and infinities. */
  double *data = zeros((size_t)ROWS * COLS * sizeof(double)), *sorted = zeros((size_t)ROWS * COLS * sizeof(double));
  for (int i = 0; i < ROWS * COLS; i++) {
    const double u = uniform();
    data[i] = u < 0.03 ? NAN : i % COLS == 2 ? floor(u * 5) : i % COLS == 3 && u > 0.99 ? INFINITY : uniform() * 200 - 100;
  }
  int32_t counts[COLS];
  uint8_t missing[COLS];
  CALL("sortColumns", F64(data, ROWS * COLS), NUM(ROWS), NUM(COLS), shim_null(), F64(sorted, ROWS * COLS), I32(counts, COLS), U8(missing, COLS), NUM(2));
  report("sortColumns", fnv(fnv(fnv(FNV0, sorted, (size_t)ROWS * COLS * sizeof(double)), counts, sizeof counts), missing, sizeof missing));
  int32_t subset[1000];
  for (int i = 0; i < 1000; i++) subset[i] = (int32_t)(next() % ROWS);
  CALL("sortColumns", F64(data, ROWS * COLS), NUM(ROWS), NUM(COLS), I32(subset, 1000), F64(sorted, ROWS * COLS), I32(counts, COLS), U8(missing, COLS), NUM(1));
  report("sortColumns-subset", fnv(fnv(FNV0, sorted, (size_t)1000 * COLS * sizeof(double)), counts, sizeof counts));
  double *padded = zeros((size_t)COLS * 256 * sizeof(double));
  for (int f = 0; f < COLS; f++)
    for (int b = 0; b < 256; b++) padded[f * 256 + b] = b < 200 && counts[f] > 0 ? sorted[(size_t)f * 1000 + (size_t)b * counts[f] / 200] : INFINITY;
  uint8_t *bins = zeros((size_t)ROWS * COLS);
  CALL("transformBins", F64(data, ROWS * COLS), NUM(ROWS), NUM(COLS), F64(padded, COLS * 256), NUM(255), U8(bins, ROWS * COLS), NUM(2));
  report("transformBins", fnv(FNV0, bins, (size_t)ROWS * COLS));

  /* Histograms, split scans, partitions and leaf updates of a node range past 0 in a shuffled partition. */
  uint8_t *binned = zeros((size_t)N * D);
  int32_t n_bins[D];
  uint8_t has_missing[D];
  for (int f = 0; f < D; f++) {
    n_bins[f] = f == 0 ? 255 : 2 + (int32_t)(next() % 200);
    has_missing[f] = f % 3 == 0;
    for (int i = 0; i < N; i++) binned[(size_t)f * N + i] = has_missing[f] && uniform() < 0.05 ? 255 : (uint8_t)(next() % (uint64_t)n_bins[f]);
  }
  uint32_t *part = zeros(N * sizeof(uint32_t)), *tmp = zeros(N * sizeof(uint32_t));
  for (int i = 0; i < N; i++) part[i] = (uint32_t)i;
  float *g = zeros(N * sizeof(float)), *h = zeros(N * sizeof(float)), *scratch = zeros(2 * N * sizeof(float));
  for (int i = 0; i < N; i++) g[i] = (float)(uniform() * 2 - 1), h[i] = (float)(uniform() * 0.25);
  double *root = zeros(hs * sizeof(double)), *child = zeros(hs * sizeof(double)), sums[2], out[7];
  CALL("rootSums", F32(g, N), F32(h, N), NUM(NAN), NUM(N), F64(sums, 2));
  report("rootSums", fnv(FNV0, sums, sizeof sums));
  CALL("histogram", F64(root, hs), U8(binned, N * D), NUM(N), NUM(D), U32(part, N), NUM(0), NUM(N), F32(g, N), F32(h, N), F32(scratch, 2 * N), shim_bool(1), NUM(2), shim_null());
  report("histogram-root", fnv(FNV0, root, hs * sizeof(double)));
  for (int l2 = 0; l2 < 2; l2++) {
    napi_value found = CALL("findBestSplit", F64(root, hs), NUM(D), I32(n_bins, D), U8(has_missing, D), NUM(sums[0]), NUM(sums[1]), NUM(N), NUM(20), NUM(1e-3), NUM(l2 * 0.5), NUM(NAN), F64(out, 7), NUM(2));
    report(l2 ? "findBestSplit-l2" : "findBestSplit", fnv(fnv(FNV0, out, sizeof out), &found->boolean, 1));
  }
  for (int i = N - 1; i > 0; i--) {
    const int j = (int)(next() % (uint64_t)(i + 1));
    const uint32_t t = part[i];
    part[i] = part[j], part[j] = t;
  }
  napi_value mid = CALL("partition", U32(part, N), U32(tmp, N), U8(binned, N * D), NUM(N), NUM(3), NUM(7), NUM(N - 5), NUM(40), NUM(255), shim_bool(1), NUM(2));
  report("partition", fnv(fnv(FNV0, part, N * sizeof(uint32_t)), &mid->number, sizeof(double)));
  mid = CALL("partition", U32(part, N), U32(tmp, N), U8(binned, N * D), NUM(N), NUM(6), NUM(7), NUM(N - 5), NUM(77), NUM(255), shim_bool(0), NUM(2));
  report("partition-missing-right", fnv(fnv(FNV0, part, N * sizeof(uint32_t)), &mid->number, sizeof(double)));
  CALL("histogram", F64(child, hs), U8(binned, N * D), NUM(N), NUM(D), U32(part, N), NUM(1001), NUM(40007), F32(g, N), F32(h, N), F32(scratch, 2 * N), shim_bool(0), NUM(2), F64(root, hs));
  report("histogram-subtract", fnv(fnv(FNV0, child, hs * sizeof(double)), root, hs * sizeof(double)));
  CALL("histogram", F64(child, hs), U8(binned, N * D), NUM(N), NUM(D), U32(part, N), NUM(17), NUM(9017), F32(g, N), shim_null(), F32(scratch, 2 * N), shim_bool(0), NUM(1), shim_null());
  report("histogram-constant-hessian", fnv(FNV0, child, hs * sizeof(double)));
  CALL("rootSums", F32(g, N), shim_null(), NUM(1), NUM(N), F64(sums, 2));
  napi_value found = CALL("findBestSplit", F64(child, hs), NUM(D), I32(n_bins, D), U8(has_missing, D), NUM(sums[0]), NUM(9000), NUM(9000), NUM(5), NUM(1e-3), NUM(0), NUM(1), F64(out, 7), NUM(3));
  report("findBestSplit-constant-hessian", fnv(fnv(FNV0, out, sizeof out), &found->boolean, 1));
  double *raw = zeros(2 * N * sizeof(double)), leaves[] = {0, 9000, 0.125, 9000, 30000, -0.3, 30000, (double)N, 1e-3};
  for (int i = 0; i < 2 * N; i++) raw[i] = uniform();
  CALL("addLeaves", F64(raw, 2 * N), U32(part, N), F64(leaves, 9), NUM(2), NUM(1), NUM(2));
  report("addLeaves", fnv(FNV0, raw, 2 * N * sizeof(double)));
}

static void tree_calls(void) {
  enum { N = 5003, D = 6 };
  double *columns = zeros((size_t)N * D * sizeof(double)), *values = zeros((size_t)N * D * sizeof(double));
  int32_t *order = zeros((size_t)N * D * sizeof(int32_t));
  for (int i = 0; i < N * D; i++) columns[i] = i % 2 ? floor(uniform() * 10) : uniform();
  CALL("presortColumns", F64(columns, N * D), NUM(N), NUM(D), I32(order, N * D), F64(values, N * D), NUM(2));
  report("presortColumns", fnv(fnv(FNV0, order, (size_t)N * D * sizeof(int32_t)), values, (size_t)N * D * sizeof(double)));
}

int main(void) {
  env = shim_env();
  module = shim_object();
  if (!napi_register_module_v1(env, module)) {
    fprintf(stderr, "kernels-dump: the module did not register\n");
    return 1;
  }
  napi_value levels = CALL("isaLevels", shim_null());
  for (size_t l = 0; l < levels->n_elements; l++) {
    level = levels->elements[l]->string;
    CALL("setIsa", levels->elements[l]);
    state = 0x9E3779B97F4A7C15ull; /* the same inputs at every level */
    knn_calls();
    exp_calls();
    hist_calls();
    tree_calls();
  }
  return 0;
}
