/*
 * C MPI ping-pong: the reference the native transport's latency and
 * bandwidth are measured against (issue #5 targets: Send/Recv latency
 * within 1.2x of C, bandwidth at 1 MiB within 10%).
 *
 *   mpicc.openmpi -O2 -o /tmp/pingpong_c bench/micro/pingpong.c
 *   mpiexec --allow-run-as-root -n 2 --mca pml ob1 --mca btl self,vader /tmp/pingpong_c
 *
 * Same protocol as bench/pingpong.ts for the buffer cases: warm-up, then
 * the best (lowest mean) of 5 repetitions of N round trips, half round trip
 * in microseconds; bandwidth = bytes / half round trip.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const int sizes[] = {8, 1024, 65536, 1 << 20, 1 << 24};
  const int iters[] = {20000, 20000, 5000, 1000, 200};
  double scale = getenv("BENCH_SCALE") ? atof(getenv("BENCH_SCALE")) : 1.0;
  char *buf = calloc(1 << 24, 1);
  int peer = 1 - rank;
  for (int k = 0; k < 5; k++) {
    int n = (int)(iters[k] * scale / 5);
    if (n < 1) n = 1;
    double best = 1e30;
    for (int rep = -1; rep < 5; rep++) { /* rep -1: warm-up */
      MPI_Barrier(MPI_COMM_WORLD);
      double t0 = MPI_Wtime();
      for (int i = 0; i < n; i++) {
        if (rank == 0) {
          MPI_Send(buf, sizes[k], MPI_BYTE, peer, 1, MPI_COMM_WORLD);
          MPI_Recv(buf, sizes[k], MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
          MPI_Recv(buf, sizes[k], MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          MPI_Send(buf, sizes[k], MPI_BYTE, peer, 1, MPI_COMM_WORLD);
        }
      }
      double half = (MPI_Wtime() - t0) / n / 2;
      if (rep >= 0 && half < best) best = half;
    }
    if (rank == 0) printf("C %9d B: latency %10.2f us  bandwidth %9.1f MB/s\n", sizes[k], best * 1e6, sizes[k] / best / 1e6);
  }
  free(buf);
  MPI_Finalize();
  return 0;
}
