/**
 * Point-to-point with buffers (upper-case calls) and Status, issue #2: the
 * fixture test/fixtures/p2p/buf.ts runs at 1, 2, 3 and 4 ranks.
 *
 * Repro of one check: node bin/mpi4ts.js -n 2 test/fixtures/p2p/buf.ts --only <check>
 */
import assert from 'node:assert/strict';
import { fixtureSuite, value, type CheckSpec } from '../fixtures/p2p/_harness.ts';

const UNDEFINED = -32766; // MPI.UNDEFINED (MPICH's value)

const checks: CheckSpec[] = [
  { name: 'every-typed-array-kind' },
  { name: 'every-type-code' },
  { name: 'arraybuffer-dataview-buffer' },
  { name: 'node-buffer-and-shared-memory' },
  { name: 'spec-bare-typed-array' },
  { name: 'spec-buf-datatype' },
  { name: 'spec-buf-count-datatype' },
  { name: 'spec-buf-count-displ-pair-datatype' },
  { name: 'spec-buf-count-displ-datatype' },
  { name: 'spec-type-code-forms' },
  { name: 'spec-subarray-view' },
  { name: 'spec-reinterpret-bytes' },
  { name: 'spec-derived-contiguous-datatype' },
  { name: 'zero-count-message' },
  { name: 'zero-count-ssend-issend' },
  { name: 'recv-into-offset-view-large' },
  { name: 'message-size-boundaries' },
  { name: 'Sendrecv-shift-with-proc-null-ends' },
  {
    name: 'status-get-count',
    verify: (run) => {
      for (let r = 0; r < run.np; r++) {
        const st = value<Record<string, unknown>>(run, 'status-get-count', r);
        assert.deepEqual(st, {
          source: (r - 1 + run.np) % run.np, tag: 500, error: 0,
          int: 5, byte: 20, double: UNDEFINED, default: 20, elements: 5, count: 20, cancelled: false,
        }, `rank ${r}: 5 INT received into a 10-INT buffer`);
      }
    },
  },
  { name: 'status-partial-element' },
  { name: 'recv-options-object-form' },
  {
    name: 'wildcard-recv-fills-status',
    min: 2,
    verify: (run) => {
      // [source, tag, Get_count(INT)]: rank r sent r INTs with tag 600 + r.
      assert.deepEqual(value(run, 'wildcard-recv-fills-status', 0),
        Array.from({ length: run.np - 1 }, (_, i) => [i + 1, 601 + i, i + 1]));
    },
  },
  { name: 'tag-2-before-tag-1' },
  { name: 'tag-2-before-tag-1-large' },
  { name: 'non-overtaking-100' },
  { name: 'non-overtaking-100-any-tag' },
  { name: 'non-overtaking-100-mixed-sizes' },
  { name: 'Ssend-Bsend-Rsend', min: 2 },
  { name: 'Bsend-honours-the-attached-buffer' },
  { name: 'Issend-completes-when-matched', min: 2 },
  { name: 'Isend-Irecv-Waitall-statuses-in-request-order' },
  { name: 'Sendrecv-ring-shift' },
  { name: 'Sendrecv-large' },
  { name: 'Sendrecv_replace' },
  { name: 'Probe-then-allocate' },
  { name: 'Iprobe' },
  { name: 'proc-null' },
  { name: 'send-to-self' },
];

fixtureSuite('buf.ts', [1, 2, 3, 4], checks, { timeoutMs: 60_000 });

// The same through tiny rings (4 KiB) with a 256-byte eager limit: ring wrap-around,
// chunked rendezvous and back-pressure on every larger message.
fixtureSuite('buf.ts', [3], checks, {
  timeoutMs: 60_000,
  env: { MPI4TS_RING_BYTES: '4096', MPI4TS_EAGER_LIMIT: '256' },
  label: 'tiny rings',
});
