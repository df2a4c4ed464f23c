// The sum of the threads' all-reduce (lib/distributed/shared-memory.ts), in C: the worker threads of one job
// share one address space, so rank r can read chunk r of every rank's buffer where it lies (a private
// Float32Array as well as one in the shared WebAssembly.Memory) and write the sum into every rank's buffer:
// each rank reads and writes the buffer's size once, as a memory copy does, with no copy in or out (what MPI's
// single-copy shared-memory transports, CMA and XPMEM, do between processes). The JavaScript side publishes
// each rank's buffer address and orders the ranks with Atomics barriers; a rank's buffer stays alive and
// unmoved while its thread waits at them (array buffers' backing stores are never moved by the GC).
//
// Sums are elementwise in rank order, ((b0 + b1) + b2) + ..., one float32 rounding per add, no fused or
// reordered arithmetic (no -ffast-math; -ffp-contract=off): the same bits as the WebAssembly f32x4 path.
// AVX-512 where the CPU has it, else AVX, else SSE (x86-64's baseline). Plain stores: streaming stores
// (which skip reading the destination's lines first) measured slower here at every size from 1 to 64 MiB
// (13 to 16 GB/s of buffer against 21 to 87 with aligned plain stores, AMD EPYC with AVX-512).
#include <node_api.h>

#include <immintrin.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define MAX_RANKS 256
#define BLOCK 2048  // values summed at a time for three ranks or more (8 KiB, in L1)

#define CHECK(env, call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "mlsd_shm: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

// Two ranks: a[k] = b[k] = a[k] + b[k], n values from a and b (each 4-byte aligned). The first values one
// by one until a is vector-aligned: a load that straddles two cache lines costs about twice one that does not
// (V8 places large array buffers 16 bytes past a 64-byte line), and b usually shares a's offset.
#define BOTH(NAME, TARGET, VEC, LOADU, ADD, STOREU, LANES)                                   \
  __attribute__((target(TARGET))) static void NAME(float* a, float* b, size_t n) {           \
    size_t k = 0;                                                                            \
    for (; k < n && ((uintptr_t)(a + k)) % (LANES * 4) != 0; k++) a[k] = b[k] = a[k] + b[k]; \
    for (; k + LANES <= n; k += LANES) {                                                     \
      VEC s = ADD(LOADU(a + k), LOADU(b + k));                                               \
      STOREU(a + k, s);                                                                      \
      STOREU(b + k, s);                                                                      \
    }                                                                                        \
    for (; k < n; k++) a[k] = b[k] = a[k] + b[k];                                            \
  }

// d[k] = x[k] + y[k] (d may be x), d aligned first as above.
#define SUM2(NAME, TARGET, VEC, LOADU, ADD, STOREU, LANES)                                                \
  __attribute__((target(TARGET))) static void NAME(float* d, const float* x, const float* y, size_t n) { \
    size_t k = 0;                                                                                         \
    for (; k < n && ((uintptr_t)(d + k)) % (LANES * 4) != 0; k++) d[k] = x[k] + y[k];                     \
    for (; k + LANES <= n; k += LANES) STOREU(d + k, ADD(LOADU(x + k), LOADU(y + k)));                    \
    for (; k < n; k++) d[k] = x[k] + y[k];                                                                \
  }

BOTH(both512, "avx512f", __m512, _mm512_loadu_ps, _mm512_add_ps, _mm512_storeu_ps, 16)
BOTH(both256, "avx", __m256, _mm256_loadu_ps, _mm256_add_ps, _mm256_storeu_ps, 8)
BOTH(both128, "sse2", __m128, _mm_loadu_ps, _mm_add_ps, _mm_storeu_ps, 4)
SUM2(sum512, "avx512f", __m512, _mm512_loadu_ps, _mm512_add_ps, _mm512_storeu_ps, 16)
SUM2(sum256, "avx", __m256, _mm256_loadu_ps, _mm256_add_ps, _mm256_storeu_ps, 8)
SUM2(sum128, "sse2", __m128, _mm_loadu_ps, _mm_add_ps, _mm_storeu_ps, 4)

typedef void (*both_fn)(float*, float*, size_t);
typedef void (*sum_fn)(float*, const float*, const float*, size_t);
static both_fn both = both128;
static sum_fn sum2 = sum128;

// Values [start, end) of every buffer in `bufs` (n of them) summed in rank order and written into each.
static void sum_everywhere(float** bufs, int n, size_t start, size_t end) {
  if (n == 2) {
    both(bufs[0] + start, bufs[1] + start, end - start);
    return;
  }
  // The sum gathered in rank 0's buffer, a block at a time (only this rank touches these values until the
  // next barrier, and rank 0's are consumed by the first add), then copied from L1 into the others.
  for (size_t i = start; i < end; i += BLOCK) {
    size_t len = end - i < BLOCK ? end - i : BLOCK;
    float* s = bufs[0] + i;
    sum2(s, s, bufs[1] + i, len);
    for (int w = 2; w < n; w++) sum2(s, s, bufs[w] + i, len);
    for (int w = 1; w < n; w++) memcpy(bufs[w] + i, s, len * sizeof(float));
  }
}

// The data and length of a typed array of the given type, or false (nothing thrown) when `value` is not one.
static bool typed_arg(napi_env env, napi_value value, napi_typedarray_type want, void** data, size_t* length) {
  bool is_typed = false;
  napi_typedarray_type type;
  return napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed &&
         napi_get_typedarray_info(env, value, &type, length, data, NULL, NULL) == napi_ok && type == want;
}

// address(buf: Float32Array): the address of its first value, as a Number (x86-64 addresses fit in 53 bits).
static napi_value address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t length = 0;
  void* data = NULL;
  if (argc < 1 || !typed_arg(env, argv[0], napi_float32_array, &data, &length)) {
    napi_throw_type_error(env, NULL, "address: 'buf' must be a Float32Array");
    return NULL;
  }
  napi_value out;
  CHECK(env, napi_create_double(env, (double)(uintptr_t)data, &out));
  return out;
}

// sumEverywhere(addresses: Float64Array, start, end): see sum_everywhere; addresses from address().
static napi_value sum_everywhere_js(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t n = 0;
  double* addresses = NULL;
  if (argc < 3 || !typed_arg(env, argv[0], napi_float64_array, (void**)&addresses, &n)) {
    napi_throw_type_error(env, NULL, "sumEverywhere: 'addresses' must be a Float64Array");
    return NULL;
  }
  if (n < 2 || n > MAX_RANKS) {
    napi_throw_range_error(env, NULL, "sumEverywhere: 'addresses' must hold 2 to 256 buffers");
    return NULL;
  }
  double start = 0, end = 0;
  CHECK(env, napi_get_value_double(env, argv[1], &start));
  CHECK(env, napi_get_value_double(env, argv[2], &end));
  if (!(start >= 0 && end >= start)) {
    napi_throw_range_error(env, NULL, "sumEverywhere: 'start' and 'end' must satisfy 0 <= start <= end");
    return NULL;
  }
  float* bufs[MAX_RANKS];
  for (size_t w = 0; w < n; w++) bufs[w] = (float*)(uintptr_t)addresses[w];
  sum_everywhere(bufs, (int)n, (size_t)start, (size_t)end);
  return NULL;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// spinWait(words: Int32Array, index, value, ms): polls words[index] until it is no longer `value` (true) or
// `ms` have passed (false), yielding the core every 2 microseconds. The yield is why it is here and not in
// JavaScript: on a busy machine the scheduler often runs two ranks on one core, and a rank that only polls
// holds the core its peer needs to arrive (longer JavaScript polling measured slower), while one that sleeps
// in Atomics.wait costs a wake-up of 0.2 to 2 ms when its peer arrives. sched_yield runs a peer that is ready
// on this core and returns at once when none is. The caller sleeps in Atomics.wait after a false.
static napi_value spin_wait(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t length = 0;
  int32_t* words = NULL;
  if (argc < 4 || !typed_arg(env, argv[0], napi_int32_array, (void**)&words, &length)) {
    napi_throw_type_error(env, NULL, "spinWait: 'words' must be an Int32Array");
    return NULL;
  }
  int32_t index = 0, value = 0;
  double ms = 0;
  CHECK(env, napi_get_value_int32(env, argv[1], &index));
  CHECK(env, napi_get_value_int32(env, argv[2], &value));
  CHECK(env, napi_get_value_double(env, argv[3], &ms));
  if (index < 0 || (size_t)index >= length) {
    napi_throw_range_error(env, NULL, "spinWait: 'index' must lie in 'words'");
    return NULL;
  }
  if (!(ms >= 0)) {
    napi_throw_range_error(env, NULL, "spinWait: 'ms' must be >= 0");
    return NULL;
  }
  bool changed = false;
  double start = now_ms(), yielded = start;
  for (;;) {
    for (int i = 0; i < 64 && !changed; i++) {
      if (__atomic_load_n(words + index, __ATOMIC_SEQ_CST) != value) changed = true;
      else _mm_pause();
    }
    if (changed) break;
    double t = now_ms();
    if (t - start >= ms) break;
    if (t - yielded >= 0.002) {
      sched_yield();
      yielded = now_ms();
    }
  }
  napi_value out;
  CHECK(env, napi_get_boolean(env, changed, &out));
  return out;
}

NAPI_MODULE_INIT() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) both = both512, sum2 = sum512;
  else if (__builtin_cpu_supports("avx")) both = both256, sum2 = sum256;
  napi_value fn;
  napi_create_function(env, "address", NAPI_AUTO_LENGTH, address, NULL, &fn);
  napi_set_named_property(env, exports, "address", fn);
  napi_create_function(env, "sumEverywhere", NAPI_AUTO_LENGTH, sum_everywhere_js, NULL, &fn);
  napi_set_named_property(env, exports, "sumEverywhere", fn);
  napi_create_function(env, "spinWait", NAPI_AUTO_LENGTH, spin_wait, NULL, &fn);
  napi_set_named_property(env, exports, "spinWait", fn);
  napi_value isa;
  napi_create_string_utf8(env, both == both512 ? "avx512f" : both == both256 ? "avx" : "sse2", NAPI_AUTO_LENGTH, &isa);
  napi_set_named_property(env, exports, "isa", isa);
  return exports;
}
