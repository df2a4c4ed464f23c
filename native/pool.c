/*
 * The kernels' thread pool. Starting threads per call cost 20 to 50 us, which made threads useless for the
 * many small calls of tree growth (small nodes, split scans, partitions). Pool threads start once, spin for a
 * while after each task (the next call usually comes soon) and then sleep on a condition variable. One
 * caller at a time: a second concurrent caller (another JavaScript thread) runs its jobs itself, in order,
 * which gives the same results.
 *
 * Jobs are claimed, not assigned: the caller and the pool threads take the next unclaimed job until none is
 * left, so a pool thread that the operating system has not scheduled yet (a machine shared with other work,
 * more runnable threads than cores) delays nothing: the caller runs its jobs. With jobs assigned to threads,
 * a profile of histogram boosting on the 2-core machine under a load average of 9 spent 60 % of its samples
 * spinning in the caller's wait for a descheduled worker. Results never depend on which thread ran a job.
 */
#include "common.h"
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

/* Spins before sleeping: 20,000 pause instructions, 0.3 to 1 ms by CPU. Tree growth calls again well within
 * that; 2,000 (tens of microseconds) measured 8 to 14 % slower on histogram boosting. Every YIELD_EVERY
 * rounds a spinning thread yields the core, so on a loaded machine it gives way to threads with work. */
enum { SPIN_ROUNDS = 20000, YIELD_EVERY = 256 };

static pthread_mutex_t caller = PTHREAD_MUTEX_INITIALIZER;  /* held by the one caller using the pool */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
/* The current task's generation (high 32 bits) and next unclaimed job (low 32 bits), in one word so that a
 * claim can only succeed for the task it was meant for. */
static atomic_uint_fast64_t claim;
static atomic_int_fast64_t pending;                         /* jobs of the current task not finished */
static int64_t workers;                                     /* pool threads started */
static void *(*task_fn)(void *);
static char *task_jobs;
static size_t task_size;
static int64_t task_n;

static inline void relax(int spin) {
  if (spin % YIELD_EVERY == YIELD_EVERY - 1) sched_yield();
  else CPU_RELAX();
}

/* Claims and runs jobs of generation `gen` until none is left (or the task is another one). The task's
 * fields are read after a successful claim: the caller cannot start another task before that job ends. */
static void run_claimed(uint_fast64_t gen) {
  for (;;) {
    uint_fast64_t c = atomic_load_explicit(&claim, memory_order_acquire);
    if (c >> 32 != gen || (int64_t)(c & 0xffffffffu) >= task_n) return;
    if (!atomic_compare_exchange_weak_explicit(&claim, &c, c + 1, memory_order_acq_rel, memory_order_acquire)) continue;
    task_fn(task_jobs + (int64_t)(c & 0xffffffffu) * task_size);
    atomic_fetch_sub_explicit(&pending, 1, memory_order_acq_rel);
  }
}

static void *worker(void *arg) {
  (void)arg;
  uint_fast64_t seen = atomic_load_explicit(&claim, memory_order_acquire) >> 32;
  for (;;) {
    uint_fast64_t g = atomic_load_explicit(&claim, memory_order_acquire) >> 32;
    for (int spin = 0; g == seen && spin < SPIN_ROUNDS; spin++) {
      relax(spin);
      g = atomic_load_explicit(&claim, memory_order_acquire) >> 32;
    }
    if (g == seen) {
      pthread_mutex_lock(&sleep_lock);
      while ((g = atomic_load_explicit(&claim, memory_order_acquire) >> 32) == seen) pthread_cond_wait(&wake, &sleep_lock);
      pthread_mutex_unlock(&sleep_lock);
    }
    seen = g;
    run_claimed(g);
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
    if (pthread_create(&tid, NULL, worker, NULL) != 0) break;
    pthread_detach(tid);
    workers++;
  }
  task_fn = fn, task_jobs = base, task_size = job_size, task_n = n;
  atomic_store_explicit(&pending, n, memory_order_relaxed);
  const uint_fast64_t gen = (atomic_load_explicit(&claim, memory_order_relaxed) >> 32) + 1;
  pthread_mutex_lock(&sleep_lock);
  atomic_store_explicit(&claim, (gen & 0xffffffffu) << 32, memory_order_release);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&sleep_lock);
  run_claimed(gen & 0xffffffffu); /* with no pool thread at all, this runs every job */
  for (int spin = 0; atomic_load_explicit(&pending, memory_order_acquire) > 0; spin++) relax(spin);
  pthread_mutex_unlock(&caller);
}
