/**
 * Collectives on objects (lower-case calls): the fixture
 * test/fixtures/cco/obj.ts runs at 1, 2, 3, 4 and 5 ranks (non-powers of two
 * included: tree shapes and the fallbacks of recursive doubling differ) and
 * prints one `OK` line per check and rank; each check is one test here. The
 * fixture asserts exact values computed from rank and size.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/obj.ts --only <check>
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';
import { mpirun, lines } from '../helpers/spmd.ts';

const opCases = [
  'SUM', 'SUM-lists', 'SUM-bigint', 'PROD', 'MAX', 'MIN', 'LAND', 'LOR', 'BAND', 'BOR', 'BXOR', 'MAXLOC', 'MINLOC',
  'user-concat', 'user-matrix', 'user-string-tree', 'user-commutative',
];

const checks: CheckSpec[] = [
  { name: 'barrier-returns-undefined-repeatedly' },
  { name: 'barrier-waits-for-the-last-rank', min: 2 },
  { name: 'bcast-every-root' },
  { name: 'bcast-default-root-and-primitives' },
  { name: 'bcast-large-object-from-last-rank' },
  { name: 'bcast-receivers-get-a-copy' },
  { name: 'scatter-every-root' },
  { name: 'scatter-undefined-off-root-and-typed-array-at-root' },
  { name: 'gather-every-root' },
  { name: 'gather-default-root-and-mixed-sizes' },
  { name: 'allgather' },
  { name: 'alltoall' },
  { name: 'issue-examples' },
  ...opCases.flatMap((c) => [
    { name: `reduce-${c}-every-root` }, { name: `allreduce-${c}` }, { name: `scan-${c}` }, { name: `exscan-${c}` },
  ]),
  { name: 'reduce-default-op-and-root' },
  { name: 'non-commutative-op-sees-rank-order-in-every-call' },
  { name: 'ibarrier-wait' },
  { name: 'ibarrier-await-completes-only-after-everyone-entered' },
  { name: 'ibcast-wait-every-root' },
  { name: 'ibcast-await-every-root' },
  { name: 'ibcast-several-in-flight-complete-in-any-order' },
  { name: 'ibarrier-overlaps-with-point-to-point' },
  { name: 'pending-wildcard-receive-does-not-take-collective-messages' },
];

fixtureSuite('obj.ts', [1, 2, 3, 4, 5], checks, { timeoutMs: 30_000 });

// A pending non-blocking collective must progress while its rank is blocked in
// another MPI call (test/fixtures/cco/progress.ts): rank 0 waits for the
// collective, then sends; the others receive first, then wait.
// Repro: node bin/mpi4ts.js -n 5 test/fixtures/cco/progress.ts ibarrier
describe('progress of a pending non-blocking collective during a blocking receive (progress.ts)', () => {
  const runs: [string, number][] = [['ibarrier', 3], ['ibarrier', 4], ['ibarrier', 5], ['Iallreduce', 5], ['ibcast', 5]];
  for (const [mode, np] of runs) {
    test(`${mode} at ${np} ranks`, async () => {
      const r = await mpirun(np, 'test/fixtures/cco/progress.ts', { args: [mode], timeoutMs: 10_000 });
      assert.equal(r.signal, null, `hang: killed after ${Math.round(r.ms)} ms; finished: ${JSON.stringify(lines(r.stdout))}\n${r.stderr}`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r.stdout).sort(), Array.from({ length: np }, (_, i) => `done ${i}`).sort());
    });
  }
});
