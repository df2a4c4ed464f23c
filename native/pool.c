/*
 * The kernels' thread pool. Starting threads per call cost 20 to 50 us, which made threads useless for the
 * many small calls of tree growth (small nodes, split scans, partitions). Pool threads start once, spin for a
 * while after each task (the next call usually comes soon) and then sleep on a condition variable. One
 * caller at a time: a second concurrent caller (another JavaScript thread) runs its jobs itself, in order,
 * which gives the same results.
 */
#include "common.h"
#include <stdatomic.h>
#include <stdbool.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* Spins before sleeping: 20,000 pause instructions, 0.3 to 1 ms by CPU. Tree growth calls again well within
 * that; 2,000 (tens of microseconds) measured 8 to 14 % slower on histogram boosting. */
enum { SPIN_ROUNDS = 20000 };

static pthread_mutex_t caller = PTHREAD_MUTEX_INITIALIZER;  /* held by the one caller using the pool */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_uint_fast64_t generation;                     /* bumped once per task */
static atomic_int_fast64_t pending;                         /* jobs of the current task still running */
static int64_t workers;                                     /* pool threads started */
static void *(*task_fn)(void *);
static char *task_jobs;
static size_t task_size;
static int64_t task_n;

static void *worker(void *arg) {
  const int64_t index = (int64_t)(intptr_t)arg; /* runs job index + 1 of each task that has one */
  uint_fast64_t seen = 0;
  for (;;) {
    uint_fast64_t g = atomic_load_explicit(&generation, memory_order_acquire);
    for (int spin = 0; g == seen && spin < SPIN_ROUNDS; spin++) {
      CPU_RELAX();
      g = atomic_load_explicit(&generation, memory_order_acquire);
    }
    if (g == seen) {
      pthread_mutex_lock(&sleep_lock);
      while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) pthread_cond_wait(&wake, &sleep_lock);
      pthread_mutex_unlock(&sleep_lock);
    }
    seen = g;
    if (index + 1 < task_n) {
      task_fn(task_jobs + (index + 1) * task_size);
      atomic_fetch_sub_explicit(&pending, 1, memory_order_acq_rel);
    }
  }
  return NULL;
}

void run_jobs(void *(*fn)(void *), void *jobs, size_t job_size, int64_t n) {
  char *base = (char *)jobs;
  if (n <= 1 || pthread_mutex_trylock(&caller) != 0) {
    for (int64_t t = 0; t < n; t++) fn(base + t * job_size);
    return;
  }
  while (workers < n - 1 && workers < MAX_THREADS - 1) {
    pthread_t tid;
    if (pthread_create(&tid, NULL, worker, (void *)(intptr_t)workers) != 0) break;
    pthread_detach(tid);
    workers++;
  }
  const int64_t pooled = n - 1 < workers ? n - 1 : workers; /* jobs 1..pooled go to the pool */
  task_fn = fn, task_jobs = base, task_size = job_size, task_n = pooled + 1;
  atomic_store_explicit(&pending, pooled, memory_order_relaxed);
  pthread_mutex_lock(&sleep_lock);
  atomic_fetch_add_explicit(&generation, 1, memory_order_release);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&sleep_lock);
  fn(base);
  for (int64_t t = pooled + 1; t < n; t++) fn(base + t * job_size); /* threads that could not start */
  while (atomic_load_explicit(&pending, memory_order_acquire) > 0) CPU_RELAX();
  pthread_mutex_unlock(&caller);
}
