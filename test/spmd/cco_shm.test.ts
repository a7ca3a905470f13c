/**
 * The shared-memory collectives (src/coll/shm.ts) at 2 to 5 ranks, and at 8
 * (more ranks than cores): chunk boundaries, uneven large reductions,
 * fall-backs to point-to-point that every rank must take together, many
 * communicators, non-blocking calls in flight.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/shm.ts --only <check>
 */
import { fixtureSuite } from '../fixtures/cco/_harness.ts';
import { shmChecks } from '../fixtures/cco/shm_checks.ts';

fixtureSuite('shm.ts', [2, 3, 5, 8], shmChecks, { timeoutMs: 60_000 });
