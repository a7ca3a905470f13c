/**
 * One-sided communication: the fixture test/fixtures/cco/win.ts at 1 to 4
 * ranks (each check one test here), and mpi4py's cpi-rma demo
 * (examples/cpi-rma.ts) checked against the midpoint rule's value.
 * Passive target: rank 0 locks rank 1 and puts while rank 1 computes for a
 * second without calling MPI; the epoch ends without waiting for rank 1.
 * Win.Create over ordinary (not shared) memory, through the threads
 * helper's pins, and refused on every rank without it. Natively
 * (MPI4TS_TRANSPORT=native MPI4TS_MPI=openmpi|mpich) the same checks run on
 * the library's windows; MPICH's passive target waits for the target (skipped there, see below).
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/win.ts --only <check>
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';
import { mpirun, lines, onNative } from '../helpers/spmd.ts';

/**
 * Natively the library's MPI_Win_lock decides: Open MPI 4.1 (osc/ucx for
 * Allocate) completes the epoch without the target; MPICH 4.0 (ch4)
 * handles the lock request only when the target enters the library, so
 * rank 0's Unlock waits until rank 1's Barrier (about the second), and no
 * Put lands meanwhile.
 */
const MPICH_PASSIVE = onNative && process.env['MPI4TS_MPI'] === 'mpich'
  ? 'MPICH 4.0 progresses a passive-target lock only when the target calls MPI (the epoch ends after the target\'s computation)' : undefined;

const checks: CheckSpec[] = [
  { name: 'Passive-target-Put-while-the-target-computes', min: 2, embeddedOnly: MPICH_PASSIVE },
  { name: 'Exclusive-locks-serialise-read-modify-write' },
  { name: 'Fetch_and_op-and-Accumulate-are-atomic' },
  { name: 'Derived-datatypes-on-origin-and-target' },
  { name: 'One-copy-paths-of-Get-Put-Accumulate' },
  { name: 'Fast-paths-bounds-and-read-only' },
  { name: 'Allocate_shared-memory-by-load-and-store' },
  { name: 'Win-errors' },
  { name: 'Create-over-ordinary-memory' },
  { name: 'Windows-on-split-communicators' },
  { name: 'Window-memory-after-Free' },
  { name: 'Resizable-memory' },
];

fixtureSuite('win.ts', [1, 2, 3, 4], checks, { timeoutMs: 60_000 });
// Without the threads helper, ordinary memory is refused on every rank instead.
fixtureSuite('win.ts', [2], [{ name: 'Create-over-ordinary-memory', embeddedOnly: 'MPI4TS_SINGLE_COPY turns off the threads helper of the embedded runtime' }],
  { timeoutMs: 60_000, only: ['Create-over-ordinary-memory'], env: { MPI4TS_SINGLE_COPY: '0' }, label: 'MPI4TS_SINGLE_COPY=0' });

/** The midpoint rule's pi for n intervals, as the demo sums it on one rank. */
function midpointPi(n: number): number {
  const h = 1 / n;
  let s = 0;
  for (let i = 1; i <= n; i++) s += 4 / (1 + (h * (i - 0.5)) ** 2);
  return s * h;
}

for (const np of [1, 3]) {
  test(`examples/cpi-rma.ts at -n ${np}: one line per n, pi within rounding of the midpoint rule`, async () => {
    const r = await mpirun(np, 'examples/cpi-rma.ts', { args: ['10', '1000', '5'] });
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 3, r.stdout);
    [10, 1000, 5].forEach((n, k) => {
      const m = /^pi is approximately (\d\.\d{16}), error is (\d\.\d{16})$/.exec(out[k]!);
      assert.ok(m, out[k]);
      assert.ok(Math.abs(Number(m[1]) - midpointPi(n)) < 1e-12, `${out[k]} (n = ${n})`);
      assert.ok(Math.abs(Number(m[2]) - Math.abs(Number(m[1]) - Math.PI)) < 1e-15);
    });
  });
}
