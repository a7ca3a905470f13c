/**
 * Create_darray across ranks, Request.Free on a pending derived receive, and
 * Status.Get_elements on received derived types (issue #3): the fixture
 * test/fixtures/datatype/darray.ts at 1 to 5 ranks, with the p2p harness.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/datatype/darray.ts --only <check>
 */
import assert from 'node:assert/strict';
import { fixtureSuite, value, type CheckSpec } from '../fixtures/p2p/_harness.ts';

const UNDEFINED = -32766;
const FIXTURE = 'datatype/darray.ts';
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** MPI_Dims_create for 2 dimensions at 1 to 5 processes. */
const dims2 = (n: number): [number, number] => (n === 4 ? [2, 2] : [n, 1]);

/** Owner's count of the elements of one dimension (BLOCK default or CYCLIC darg), computed independently. */
function owned(g: number, p: number, coord: number, cyclic: number | null): number {
  if (cyclic === null) {
    const b = Math.ceil(g / p);
    return Math.max(0, Math.min(b, g - coord * b));
  }
  return range(g).filter((i) => Math.floor(i / cyclic) % p === coord).length;
}

const checks: CheckSpec[] = [
  {
    name: 'darray-block-block-C',
    verify: (run) => {
      const got = value<{ whole: number[]; counts: number[] }>(run, 'darray-block-block-C', 0);
      assert.deepEqual(got.whole, range(35).map((k) => 1000 + k), 'every element back in place (C order)');
      const [pr, pc] = dims2(run.np);
      assert.deepEqual(got.counts, range(run.np).map((r) => owned(5, pr, Math.floor(r / pc), null) * owned(7, pc, r % pc, null)));
    },
  },
  {
    name: 'darray-cyclic-block-Fortran',
    verify: (run) => {
      const got = value<{ whole: number[]; counts: number[] }>(run, 'darray-cyclic-block-Fortran', 0);
      // Fortran storage: position r + c * 6 holds 1000 + r * 5 + c.
      assert.deepEqual(got.whole, range(30).map((k) => 1000 + (k % 6) * 5 + Math.floor(k / 6)));
      const [pr, pc] = dims2(run.np);
      assert.deepEqual(got.counts, range(run.np).map((r) => owned(6, pr, Math.floor(r / pc), 2) * owned(5, pc, r % pc, null)));
    },
  },
  { name: 'darray-none-cyclic-C', verify: (run) => assert.deepEqual(value(run, 'darray-none-cyclic-C', 0), range(24).map((k) => 1000 + k)) },
  {
    name: 'Request-Free-on-pending-derived-Irecv-still-unpacks',
    verify: (run) => {
      for (let r = 0; r < run.np; r++) {
        const l = (r - 1 + run.np) % run.np;
        assert.deepEqual(value(run, 'Request-Free-on-pending-derived-Irecv-still-unpacks', r),
          [l + 0.5, -1, -1, l + 1.5, -1, -1, l + 2.5, -1, -1, l + 3.5], `rank ${r}: the four values in slots 0, 3, 6, 9`);
      }
    },
  },
  {
    name: 'Get_elements-of-received-derived-types',
    verify: (run) => {
      for (let r = 0; r < run.np; r++) {
        assert.deepEqual(value(run, 'Get_elements-of-received-derived-types', r), [9, UNDEFINED, 9, 3, UNDEFINED]);
      }
    },
  },
];

fixtureSuite(FIXTURE, [1, 2, 3, 4, 5], checks, { timeoutMs: 60_000 });
