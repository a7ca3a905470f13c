/**
 * The shared-memory collectives (src/coll/shm.ts) at 2 to 5 ranks, and at 8
 * (more ranks than cores): chunk boundaries, uneven large reductions,
 * fall-backs to point-to-point that every rank must take together, many
 * communicators, non-blocking calls in flight.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/shm.ts --only <check>
 */
import { fixtureSuite } from '../fixtures/cco/_harness.ts';

fixtureSuite('shm.ts', [2, 3, 5, 8], [
  { name: 'Bcast-sizes-around-the-chunk-from-every-root' },
  { name: 'Allreduce-large-uneven-counts' },
  { name: 'Reduce-small-and-large-every-root' },
  { name: 'object-bcast-too-long-for-shared-memory-and-back' },
  { name: 'object-allreduce-one-rank-too-long' },
  { name: 'many-communicators-each-with-its-own-segment' },
  { name: 'nonblocking-rotating-roots-waited-in-reverse' },
  { name: 'Bcast-and-Allreduce-around-the-ring-capacity' },
  { name: 'ring-root-runs-ahead-of-slow-readers' },
  { name: 'ring-more-calls-in-flight-than-slots' },
], { timeoutMs: 60_000 });
