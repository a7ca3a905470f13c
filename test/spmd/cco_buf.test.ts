/**
 * Collectives on buffers (upper-case calls): the fixture
 * test/fixtures/cco/buf.ts runs at 1, 2, 3, 4 and 5 ranks (non-powers of two
 * take other algorithms: ring allgather, reduce+bcast allreduce, partial
 * binomial trees) and prints one `OK` line per check and rank; each check is
 * one test here. Receive buffers start filled with a sentinel, so writes
 * outside the message (gaps of derived types, tails, padding) show.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/buf.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const reductions = ['INT', 'DOUBLE', 'FLOAT', 'INT64'].flatMap((k) => [
  `Reduce-${k}-every-op-every-root`, `Reduce-${k}-IN_PLACE`, `Allreduce-${k}`, `Allreduce-${k}-IN_PLACE`,
  `Scan-${k}`, `Scan-${k}-IN_PLACE`, `Exscan-${k}`, `Exscan-${k}-IN_PLACE`,
  `Reduce_scatter_block-${k}`, `Reduce_scatter_block-${k}-IN_PLACE`,
  `Reduce_scatter-${k}`, `Reduce_scatter-${k}-counts-from-recvbuf`, `Reduce_scatter-${k}-IN_PLACE`,
]);

const checks: CheckSpec[] = [
  { name: 'Barrier-and-Ibarrier' },
  { name: 'Bcast-every-root-every-type-every-form' },
  { name: 'Bcast-1MiB-from-every-root' },
  { name: 'Scatter-every-root-every-form-small' },
  { name: 'Scatter-every-root-large-blocks' },
  { name: 'Scatter-IN_PLACE-at-root' },
  { name: 'Gather-every-root-every-form-small' },
  { name: 'Gather-every-root-large-blocks' },
  { name: 'Gather-IN_PLACE-at-root' },
  { name: 'Allgather-every-form-small' },
  { name: 'Allgather-large-blocks' },
  { name: 'Alltoall-every-form-small' },
  { name: 'Alltoall-large-blocks' },
  { name: 'null-sendbuf-is-IN_PLACE' },
  { name: 'Gatherv-count-and-displacement-pair' },
  { name: 'buffer-spec-count-and-displacement-forms' },
  { name: 'Gatherv-issue-example-3-ranks', min: 3 },
  { name: 'Gatherv-every-root-every-form' },
  { name: 'Gatherv-IN_PLACE-and-zero-counts' },
  { name: 'Scatterv-every-root-every-form' },
  { name: 'Scatterv-IN_PLACE-at-root' },
  { name: 'Allgatherv-every-form' },
  { name: 'Alltoallv' },
  { name: 'Alltoallv-IN_PLACE' },
  { name: 'Alltoallw' },
  { name: 'Alltoallw-IN_PLACE' },
  { name: 'Alltoallw-BOTTOM-absolute-addresses' },
  ...reductions.map((name) => ({ name })),
  { name: 'nonblocking-collectives-wait-and-await' },
  { name: 'nonblocking-collectives-many-in-flight' },
  { name: 'MAXLOC-MINLOC-DOUBLE_INT-packed-DataView' },
  { name: 'MAXLOC-on-INT_INT-and-FLOAT_INT' },
  { name: 'Bcast-vector-type-every-root' },
  { name: 'Allreduce-Reduce-vector-type-gaps-untouched' },
  { name: 'Scan-Gather-Allgather-vector-type' },
  { name: 'Mandelbrot-Gatherv-with-rowtype' },
  { name: 'user-op-on-buffers-is-applied-in-rank-order' },
  { name: 'zero-length-buffers' },
  { name: 'nonblocking-interleaved-with-blocking' },
];

fixtureSuite('buf.ts', [1, 2, 3, 4, 5], checks, { timeoutMs: 40_000 });
// Gatherv has every rank copy its block into the root's buffer when
// native/sched is built (shm.directGatherv); without it, point-to-point.
const gathers = checks.filter((c) => /Gather|Mandelbrot/.test(c.name) && !/Allgather/.test(c.name));
fixtureSuite('buf.ts', [3], gathers, {
  timeoutMs: 40_000, only: gathers.map((c) => c.name), env: { MPI4TS_SINGLE_COPY: '0' }, label: 'MPI4TS_SINGLE_COPY=0',
});
