/*
 * Which instruction-set level the kernels run (isa.h): the best one this CPU supports, unless MLSD_ISA
 * (read by lib/native, passed to setIsa) forces another. Exposes isa(), isaLevels() and setIsa(name).
 */
#include "common.h"
#include "isa.h"
#include <string.h>

isa_t mlsd_isa = ISA_BASELINE;

static const char *const names[] = {"baseline", "neon", "avx2", "avx512"};

/* Whether this CPU (and its operating system, which must save the wider registers) runs a level.
 * __builtin_cpu_supports checks both (libgcc and compiler-rt read XGETBV). */
static int supported(isa_t level) {
  switch (level) {
    case ISA_BASELINE:
      return 1;
#if defined(MLSD_X86)
    case ISA_AVX2:
      return __builtin_cpu_supports("avx2");
    case ISA_AVX512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx2");
#elif defined(MLSD_ARM64)
    case ISA_NEON:
      return 1; /* Advanced SIMD is part of every arm64 CPU */
#endif
    default:
      return 0;
  }
}

static isa_t best(void) {
  for (int l = ISA_AVX512; l > ISA_BASELINE; l--)
    if (supported((isa_t)l)) return (isa_t)l;
  return ISA_BASELINE;
}

/* isa() -> the level in use: "avx512", "avx2", "neon" or "baseline". */
static napi_value get_isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  CHECK(napi_create_string_utf8(env, names[mlsd_isa], NAPI_AUTO_LENGTH, &s));
  return s;
}

/* isaLevels() -> the levels this CPU runs, best first. */
static napi_value isa_levels(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value arr, s;
  CHECK(napi_create_array(env, &arr));
  uint32_t n = 0;
  for (int l = ISA_AVX512; l >= ISA_BASELINE; l--)
    if (supported((isa_t)l)) {
      CHECK(napi_create_string_utf8(env, names[l], NAPI_AUTO_LENGTH, &s));
      CHECK(napi_set_element(env, arr, n++, s));
    }
  return arr;
}

/* setIsa(name) -> the previous level's name; throws for a name that is not a level or that this CPU does not run. */
static napi_value set_isa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  char name[16] = {0};
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, a[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "setIsa(name): name must be a string");
    return NULL;
  }
  for (int l = ISA_BASELINE; l <= ISA_AVX512; l++)
    if (strcmp(name, names[l]) == 0) {
      if (!supported((isa_t)l)) {
        napi_throw_range_error(env, NULL, "setIsa: this CPU does not run that level (isaLevels() lists those it runs)");
        return NULL;
      }
      napi_value previous;
      CHECK(napi_create_string_utf8(env, names[mlsd_isa], NAPI_AUTO_LENGTH, &previous));
      mlsd_isa = (isa_t)l;
      return previous;
    }
  napi_throw_range_error(env, NULL, "setIsa: the level must be one of avx512, avx2, neon, baseline");
  return NULL;
}

napi_value mlsd_register_isa(napi_env env, napi_value exports) {
  mlsd_isa = best();
  if (!export_fn(env, exports, "isa", get_isa)) return NULL;
  if (!export_fn(env, exports, "isaLevels", isa_levels)) return NULL;
  if (!export_fn(env, exports, "setIsa", set_isa)) return NULL;
  return exports;
}
