/*
 * C side of the ping-pong benchmark: the floor that mpi4ts's native
 * transport and mpi4py are measured against, on the same MPI library.
 *
 *   mpicc.openmpi -O2 bench/peer/pingpong.c -o /tmp/pingpong-c
 *   mpiexec --allow-run-as-root --oversubscribe -n 2 /tmp/pingpong-c
 *
 * bench/compare.ts compiles it at benchmark time (never committed as a
 * binary). Twin of bench/pingpong.ts and bench/peer/pingpong.py: the same
 * buffer cases, iteration counts and protocol (zero-byte handshake before
 * every case and every timed repetition, warm-up, one verified exchange
 * outside the timed loop, REPS repetitions of iters/REPS ping-pongs timed
 * with MPI_Wtime on rank 0). C has no object serialisation, so the object
 * cases are not run. Rank 0 prints one line `BENCH_JSON {...}`.
 *
 * Environment: BENCH_SCALE, BENCH_CASES, BENCH_BUDGET, as the other sides.
 */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_DATA = 1, TAG_SYNC = 2, TAG_CHECK = 3, TAG_PLAN = 4 };
#define REPS 5
#define WARMUP_FACTOR 3
#define PRE_PROBE 100
#define PROBES 5
#define KiB 1024
#define MiB (1024 * 1024)

struct bench_case { const char *id, *label; int bytes, iters; };

/* The buffer cases of CASES in bench/pingpong.ts, in the same order. */
static const struct bench_case CASES[] = {
  {"buf-8", "Send/Recv 8 B", 8, 20000},
  {"buf-1k", "Send/Recv 1 KiB", 1 * KiB, 20000},
  {"buf-64k", "Send/Recv 64 KiB", 64 * KiB, 5000},
  {"buf-1m", "Send/Recv 1 MiB", 1 * MiB, 1000},
  {"buf-16m", "Send/Recv 16 MiB", 16 * MiB, 200},
};
#define NCASES ((int)(sizeof CASES / sizeof CASES[0]))

static int rank, size;
static unsigned char empty[1];

static void fail(const char *msg) {
  fprintf(stderr, "pingpong.c rank %d: %s\n", rank, msg);
  fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
}

static void sync_ranks(void) {
  if (rank == 0) {
    MPI_Recv(empty, 0, MPI_BYTE, 1, TAG_SYNC, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(empty, 0, MPI_BYTE, 1, TAG_SYNC, MPI_COMM_WORLD);
  } else {
    MPI_Send(empty, 0, MPI_BYTE, 0, TAG_SYNC, MPI_COMM_WORLD);
    MPI_Recv(empty, 0, MPI_BYTE, 0, TAG_SYNC, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
}

static void pingpong(unsigned char *buf, int bytes, long n) {
  if (rank == 0) {
    for (long i = 0; i < n; i++) {
      MPI_Send(buf, bytes, MPI_BYTE, 1, TAG_DATA, MPI_COMM_WORLD);
      MPI_Recv(buf, bytes, MPI_BYTE, 1, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
  } else {
    for (long i = 0; i < n; i++) {
      MPI_Recv(buf, bytes, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(buf, bytes, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
    }
  }
}

static void verify(unsigned char *buf, int bytes) {
  int last = bytes - 1;
  char msg[128];
  if (rank == 0) {
    buf[0] = 0xA5, buf[last] = 0x5A;
    MPI_Send(buf, bytes, MPI_BYTE, 1, TAG_CHECK, MPI_COMM_WORLD);
    buf[0] = 0, buf[last] = 0;
    MPI_Recv(buf, bytes, MPI_BYTE, 1, TAG_CHECK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (buf[0] != 0x3C || buf[last] != 0xC3) {
      snprintf(msg, sizeof msg, "buffer of %d B: bad echo (%d, %d)", bytes, buf[0], buf[last]);
      fail(msg);
    }
  } else {
    buf[0] = 0, buf[last] = 0;
    MPI_Recv(buf, bytes, MPI_BYTE, 0, TAG_CHECK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (buf[0] != 0xA5 || buf[last] != 0x5A) {
      snprintf(msg, sizeof msg, "buffer of %d B: bad data (%d, %d)", bytes, buf[0], buf[last]);
      fail(msg);
    }
    buf[0] = 0x3C, buf[last] = 0xC3;
    MPI_Send(buf, bytes, MPI_BYTE, 0, TAG_CHECK, MPI_COMM_WORLD);
  }
}

static long scaled(long n, double scale) {
  long m = lround(n * scale);
  m -= m % REPS;
  return m > REPS ? m : REPS;
}

/* As plan() in bench/pingpong.ts: probe on rank 0, cap to the budget, tell rank 1. */
static void plan(unsigned char *buf, int bytes, long iters, long warmup, double budget,
                 long *warm_out, long *iters_out, double *probe_out) {
  uint32_t msg[2] = {0, 0};
  double rtt = NAN;
  pingpong(buf, bytes, PRE_PROBE);
  if (rank == 0) {
    rtt = INFINITY;
    for (int i = 0; i < PROBES; i++) {
      double t0 = MPI_Wtime();
      pingpong(buf, bytes, 1);
      double dt = MPI_Wtime() - t0;
      if (dt < rtt) rtt = dt;
    }
    long max_timed = rtt > 0 ? (long)floor(budget / rtt) : iters;
    max_timed -= max_timed % REPS;
    if (max_timed < REPS) max_timed = REPS;
    long w = rtt > 0 ? (long)floor(0.3 * budget / rtt) : warmup;
    if (w > warmup) w = warmup;
    if (w < 1) w = 1;
    msg[0] = (uint32_t)w;
    msg[1] = (uint32_t)(iters < max_timed ? iters : max_timed);
    MPI_Send(msg, 2, MPI_UINT32_T, 1, TAG_PLAN, MPI_COMM_WORLD);
  } else {
    pingpong(buf, bytes, PROBES);
    MPI_Recv(msg, 2, MPI_UINT32_T, 0, TAG_PLAN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  *warm_out = msg[0];
  *iters_out = msg[1];
  *probe_out = rtt;
}

static int wanted(const char *id) {
  const char *list = getenv("BENCH_CASES");
  if (list == NULL || *list == 0) return 1;
  size_t n = strlen(id);
  for (const char *p = list; *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, id, n) == 0) return 1;
    if (!end) break;
    p = end + 1;
  }
  return 0;
}

static double env_number(const char *name, double fallback) {
  const char *v = getenv(name);
  if (v == NULL || *v == 0) return fallback;
  char *end;
  double x = strtod(v, &end);
  if (*end != 0 || !(x > 0)) {
    char msg[128];
    snprintf(msg, sizeof msg, "bad %s=%s", name, v);
    fail(msg);
  }
  return x;
}

/* Appends one case's JSON object to `out` (rank 0). */
static void run_case(const struct bench_case *c, double scale, double budget, char *out, size_t cap) {
  long planned = scaled(c->iters, scale);
  unsigned char *buf = calloc((size_t)c->bytes, 1);
  if (buf == NULL) fail("out of memory");
  long warmup, iters;
  double probe;
  sync_ranks();
  plan(buf, c->bytes, planned, WARMUP_FACTOR * planned, budget, &warmup, &iters, &probe);
  long per_rep = iters / REPS;
  pingpong(buf, c->bytes, warmup);
  verify(buf, c->bytes);

  double rep[REPS];
  for (int r = 0; r < REPS; r++) {
    sync_ranks();
    double t0 = MPI_Wtime();
    pingpong(buf, c->bytes, per_rep);
    double t1 = MPI_Wtime();
    rep[r] = (t1 - t0) / (2.0 * per_rep);
  }
  free(buf);
  if (rank != 0) return;

  double mean = 0, min = rep[0], var = 0;
  for (int r = 0; r < REPS; r++) mean += rep[r] / REPS;
  for (int r = 0; r < REPS; r++) {
    if (rep[r] < min) min = rep[r];
    var += (rep[r] - mean) * (rep[r] - mean) / (REPS - 1);
  }
  size_t len = strlen(out);
  len += snprintf(out + len, cap - len,
                  "%s{\"id\":\"%s\",\"label\":\"%s\",\"kind\":\"buffer\",\"bytes\":%d,\"warmup\":%ld,"
                  "\"iters\":%ld,\"reps\":%d,\"planned_iters\":%ld,\"capped\":%s,\"probe_rtt_us\":%.6g,"
                  "\"latency_us\":{\"mean\":%.6g,\"min\":%.6g,\"stddev\":%.6g,\"reps\":[",
                  out[len - 1] == '[' ? "" : ",", c->id, c->label, c->bytes, warmup, per_rep * REPS, REPS,
                  planned, iters < planned ? "true" : "false", probe * 1e6, mean * 1e6, min * 1e6,
                  sqrt(var) * 1e6);
  for (int r = 0; r < REPS; r++) len += snprintf(out + len, cap - len, "%s%.6g", r ? "," : "", rep[r] * 1e6);
  snprintf(out + len, cap - len, "]},\"bandwidth_MBps\":{\"mean\":%.6g,\"max\":%.6g}}", c->bytes / mean / 1e6,
           c->bytes / min / 1e6);
}

/* The first line of the library's version string, JSON-escaped (quotes and backslashes dropped). */
static void library_line(char *out, size_t cap) {
  char text[MPI_MAX_LIBRARY_VERSION_STRING + 1];
  int len = 0;
  MPI_Get_library_version(text, &len);
  text[len] = 0;
  size_t k = 0;
  for (int i = 0; i < len && text[i] != '\n' && k + 1 < cap; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (ch >= 0x20 && ch != '"' && ch != '\\') out[k++] = (char)ch;
  }
  while (k > 0 && out[k - 1] == ' ') k--;
  out[k] = 0;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != 2) {
    if (rank == 0) fprintf(stderr, "pingpong.c needs exactly 2 ranks (got %d)\n", size);
    MPI_Finalize();
    return 2;
  }
  double scale = env_number("BENCH_SCALE", 1);
  double budget = env_number("BENCH_BUDGET", 10);

  static char results[1 << 16];
  strcpy(results, "[");
  MPI_Barrier(MPI_COMM_WORLD);
  double t_start = MPI_Wtime();
  for (int i = 0; i < NCASES; i++)
    if (wanted(CASES[i].id)) run_case(&CASES[i], scale, budget, results, sizeof results - 2);
  strcat(results, "]");

  if (rank == 0) {
    char lib[512], proc[MPI_MAX_PROCESSOR_NAME + 1];
    int len = 0, major, minor;
    library_line(lib, sizeof lib);
    MPI_Get_processor_name(proc, &len);
    proc[len] = 0;
    MPI_Get_version(&major, &minor);
    const char *pml = getenv("OMPI_MCA_pml"), *btl = getenv("OMPI_MCA_btl");
    printf("BENCH_JSON {\"bench\":\"pingpong\",\"side\":\"C\",\"ranks\":%d,\"scale\":%g,\"budget_s\":%g,"
           "\"elapsed_s\":%.6g,\"versions\":{\"compiler\":\"%s\",\"mpi_library\":\"%s\",\"mpi_standard\":\"%d.%d\"},"
           "\"transport\":\"%s%s%s%s%s\",\"processor\":\"%s\",\"wtick\":%g,\"results\":%s}\n",
           size, scale, budget, MPI_Wtime() - t_start,
#ifdef __VERSION__
           "cc " __VERSION__,
#else
           "cc",
#endif
           lib, major, minor, pml || btl ? "Open MPI pml=" : "library default component selection",
           pml || btl ? (pml ? pml : "default") : "", pml || btl ? " btl=" : "", pml || btl ? (btl ? btl : "default") : "",
           btl && strstr(btl, "vader") ? " (shared memory)" : "", proc, MPI_Wtick(), results);
    fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
