/*
 * How often the machine takes a core away from a thread that never blocks:
 * one spinning thread per core reads the clock for 3 s and counts the gaps
 * between consecutive reads. On a quiet physical machine gaps stay far below
 * 1 ms; on a virtual machine the hypervisor's preemptions show up here (and
 * in every latency benchmark) even when the guest's load average is 0.
 *
 *   cc -O2 -pthread -o /tmp/hiccup bench/micro/hiccup.c && /tmp/hiccup
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *spin(void *arg) {
  double t0 = now_ms(), last = t0, worst = 0;
  long over1 = 0, over5 = 0;
  while (last - t0 < 3000) {
    double t = now_ms(), gap = t - last;
    last = t;
    if (gap > worst) worst = gap;
    if (gap > 1) over1++;
    if (gap > 5) over5++;
  }
  printf("thread %ld: %ld gaps over 1 ms, %ld over 5 ms, longest %.1f ms\n", (long)arg, over1, over5, worst);
  return NULL;
}

int main(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores > 64) cores = 64;
  pthread_t threads[64];
  for (long i = 0; i < cores; i++) pthread_create(&threads[i], NULL, spin, (void *)i);
  for (long i = 0; i < cores; i++) pthread_join(threads[i], NULL);
  return 0;
}
