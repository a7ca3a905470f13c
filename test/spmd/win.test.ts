/**
 * One-sided communication: the fixture test/fixtures/cco/win.ts at 1 to 4
 * ranks (each check one test here), and mpi4py's cpi-rma demo
 * (examples/cpi-rma.ts) checked against the midpoint rule's value.
 * Passive target: rank 0 locks rank 1 and puts while rank 1 computes for a
 * second without calling MPI; the epoch ends without waiting for rank 1.
 * Win.Create over ordinary (not shared) memory, through the threads
 * helper's pins, and refused on every rank without it.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/win.ts --only <check>
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';
import { mpirun, lines, embeddedOnly } from '../helpers/spmd.ts';

/** Natively, windows over more than one process raise ERR_UNSUPPORTED_OPERATION (docs/mpi4py-differences.md). */
const E = 'windows over more than one process (not bound to the library yet)';

const checks: CheckSpec[] = [
  { name: 'Passive-target-Put-while-the-target-computes', min: 2, embeddedOnly: E },
  { name: 'Exclusive-locks-serialise-read-modify-write', embeddedOnly: E },
  { name: 'Fetch_and_op-and-Accumulate-are-atomic', embeddedOnly: E },
  { name: 'Derived-datatypes-on-origin-and-target', embeddedOnly: E },
  { name: 'One-copy-paths-of-Get-Put-Accumulate', embeddedOnly: E },
  { name: 'Allocate_shared-memory-by-load-and-store', embeddedOnly: E },
  { name: 'Win-errors', embeddedOnly: E },
  { name: 'Create-over-ordinary-memory', embeddedOnly: E },
];

fixtureSuite('win.ts', [1, 2, 3, 4], checks, { timeoutMs: 60_000 });
// Without the threads helper, ordinary memory is refused on every rank instead.
fixtureSuite('win.ts', [2], [{ name: 'Create-over-ordinary-memory', embeddedOnly: E }],
  { timeoutMs: 60_000, only: ['Create-over-ordinary-memory'], env: { MPI4TS_SINGLE_COPY: '0' }, label: 'MPI4TS_SINGLE_COPY=0' });

/** The midpoint rule's pi for n intervals, as the demo sums it on one rank. */
function midpointPi(n: number): number {
  const h = 1 / n;
  let s = 0;
  for (let i = 1; i <= n; i++) s += 4 / (1 + (h * (i - 0.5)) ** 2);
  return s * h;
}

for (const np of [1, 3]) {
  test(`examples/cpi-rma.ts at -n ${np}: one line per n, pi within rounding of the midpoint rule`, { skip: embeddedOnly('windows over several processes') }, async () => {
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
