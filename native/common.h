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

/* Runs fn on each of n jobs (n <= MAX_THREADS), the first on this thread; a thread that cannot start has its
 * job run here afterwards, so every job runs whatever the system allows. */
static inline void run_jobs(void *(*fn)(void *), void *jobs, size_t job_size, int64_t n) {
  pthread_t tids[MAX_THREADS];
  int64_t started = 0;
  for (int64_t t = 1; t < n; t++, started++)
    if (pthread_create(&tids[t], NULL, fn, (char *)jobs + t * job_size) != 0) break;
  fn(jobs);
  for (int64_t t = 1; t <= started; t++) pthread_join(tids[t], NULL);
  for (int64_t t = started + 1; t < n; t++) fn((char *)jobs + t * job_size);
}

#endif
