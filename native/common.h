/* What every kernel file shares: N-API argument checks, typed-array access, and running jobs on threads. */
#ifndef MLSD_NATIVE_COMMON_H
#define MLSD_NATIVE_COMMON_H
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum { MAX_THREADS = 64 };

/* Inside an N-API function: throw and return if a call fails. */
#define CHECK(call)                                                         \
  do {                                                                      \
    if ((call) != napi_ok) {                                                \
      napi_throw_error(env, NULL, "mlsd native: N-API call failed: " #call); \
      return NULL;                                                          \
    }                                                                       \
  } while (0)

/* The data of a typed array of type `want` (its length in *length), or NULL for anything else, null included. */
static inline void *typed(napi_env env, napi_value v, napi_typedarray_type want, size_t *length) {
  napi_valuetype vt;
  if (napi_typeof(env, v, &vt) != napi_ok || vt != napi_object) return NULL;
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != want) return NULL;
  return data;
}

/* Exports `fn` as exports[name]; 0 when N-API refuses (the module then fails to load instead of missing a function). */
static inline int export_fn(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f) == napi_ok && napi_set_named_property(env, exports, name, f) == napi_ok;
}

/* Whether v is null or undefined: optional typed-array arguments may be left out, but not be of another type. */
static inline int nullish(napi_env env, napi_value v) {
  napi_valuetype vt;
  return napi_typeof(env, v, &vt) == napi_ok && (vt == napi_null || vt == napi_undefined);
}

/* The threads a call uses: what it asked for, at least 1, at most MAX_THREADS and at most `items` (the units
 * it splits: features, chunks), or 1 when its work is under `min_work` (starting even a pooled job costs
 * more than it saves). */
static inline int64_t clamp_threads(int64_t threads, int64_t items, int64_t work, int64_t min_work) {
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (threads > items) threads = items;
  if (threads < 1 || work < min_work) threads = 1;
  return threads;
}

/* Runs fn on each of n jobs (n <= MAX_THREADS), the first on this thread, the others on the pool's threads
 * (pool.c); every job runs whatever the system allows (on this thread when a thread cannot start or the pool
 * is busy with another caller). Results never depend on which thread ran a job. */
void run_jobs(void *(*fn)(void *), void *jobs, size_t job_size, int64_t n);

#endif
