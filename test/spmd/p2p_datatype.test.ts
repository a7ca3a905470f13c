/**
 * Derived datatypes in point-to-point calls, issue #3: the fixture
 * test/fixtures/datatype/p2p.ts runs through the CLI at 1, 2, 3 and 5 ranks
 * (and at 3 through tiny rings), with the p2p suite's harness.
 *
 * Repro of one check: node bin/mpi4ts.js -n 2 test/fixtures/datatype/p2p.ts --only <check>
 */
import assert from 'node:assert/strict';
import { fixtureSuite, value, type CheckSpec } from '../fixtures/p2p/_harness.ts';

const UNDEFINED = -32766; // MPI.UNDEFINED (MPICH's value)
/** The harness runs fixtures of test/fixtures/p2p/; this one lives beside it. */
const FIXTURE = 'datatype/p2p.ts';

const checks: CheckSpec[] = [
  {
    name: 'vector-sends-every-other-element',
    min: 2,
    verify: (run) => assert.deepEqual(value(run, 'vector-sends-every-other-element', 1), [0, 2, 4, 6, 8]),
  },
  {
    name: 'contiguous-send-vector-recv-scatters',
    min: 2,
    verify: (run) => assert.deepEqual(value(run, 'contiguous-send-vector-recv-scatters', 1),
      [10, -1, 20, -1, 30, -1, 40, -1, 50, -1]),
  },
  { name: 'vector-ring' },
  { name: 'mandelbrot-row-type' },
  { name: 'subarray-2d-block' },
  { name: 'Irecv-derived-type' },
  {
    name: 'status-get-count-rowtype',
    verify: (run) => {
      // 10 INTs into a buffer of 4-INT rows: 2.5 rows is no whole count.
      for (let r = 0; r < run.np; r++) assert.deepEqual(value(run, 'status-get-count-rowtype', r), [UNDEFINED, 10, 40]);
    },
  },
  { name: 'truncation-counts-derived-elements' },
  { name: 'struct-over-dataview' },
  { name: 'pair-types' },
  { name: 'Sendrecv_replace-derived' },
  { name: 'large-vector' },
  { name: 'uncommitted-type-is-ERR_TYPE' },
];

fixtureSuite(FIXTURE, [1, 2, 3, 5], checks, { timeoutMs: 60_000 });

// Through tiny rings (4 KiB) with a 256-byte eager limit: packed messages in chunks.
fixtureSuite(FIXTURE, [3], checks, {
  timeoutMs: 60_000,
  env: { MPI4TS_RING_BYTES: '4096', MPI4TS_EAGER_LIMIT: '256' },
  label: 'tiny rings',
});
