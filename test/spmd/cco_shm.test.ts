/**
 * The shared-memory collectives (src/coll/shm.ts) at 2 to 5 ranks, and at 8
 * (more ranks than cores): chunk boundaries, uneven large reductions,
 * fall-backs to point-to-point that every rank must take together, many
 * communicators, non-blocking calls in flight; and the broadcasts without
 * single-copy transfers (MPI4TS_SINGLE_COPY=0).
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/shm.ts --only <check>
 */
import { fixtureSuite } from '../fixtures/cco/_harness.ts';
import { shmChecks } from '../fixtures/cco/shm_checks.ts';

fixtureSuite('shm.ts', [2, 3, 5, 8], shmChecks, { timeoutMs: 60_000 });
// Large broadcasts copy straight from the root's buffer when native/sched is
// built; the chunked path through the segment is what runs without it.
fixtureSuite('shm.ts', [2, 5], shmChecks, { timeoutMs: 60_000, env: { MPI4TS_SINGLE_COPY: '0' }, label: 'MPI4TS_SINGLE_COPY=0' });
