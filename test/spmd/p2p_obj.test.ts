/**
 * Point-to-point with objects (lower-case calls), issue #2: the fixture
 * test/fixtures/p2p/obj.ts runs at 1, 2, 3 and 4 ranks and prints one `OK`
 * line per check and rank; each check here is one test.
 *
 * Repro of one check: node bin/mpi4ts.js -n 2 test/fixtures/p2p/obj.ts --only <check>
 */
import assert from 'node:assert/strict';
import { fixtureSuite, value, type CheckSpec } from '../fixtures/p2p/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'send-recv-every-kind' },
  { name: 'send-recv-all-kinds-in-one-message' },
  { name: 'top-level-undefined-and-null' },
  { name: 'send-recv-plain' },
  { name: 'recv-with-status' },
  { name: 'options-object-form' },
  {
    name: 'wildcard-receive-fills-status',
    min: 2,
    verify: (run) => {
      const seen = value<{ source: number; tag: number }[]>(run, 'wildcard-receive-fills-status', 0);
      assert.deepEqual(seen, Array.from({ length: run.np - 1 }, (_, i) => ({ source: i + 1, tag: 101 + i, from: i + 1 })));
    },
  },
  { name: 'recv-default-arguments', min: 2 },
  { name: 'tag-2-before-tag-1-same-sender' },
  { name: 'tag-2-before-tag-1-large' },
  { name: 'non-overtaking-100' },
  { name: 'non-overtaking-100-any-tag' },
  { name: 'non-overtaking-100-mixed-sizes' },
  { name: 'non-overtaking-100-any-source', min: 2 },
  { name: 'posted-receives-match-in-post-order', min: 2 },
  {
    name: 'ssend-waits-for-the-receiver',
    min: 2,
    verify: (run) => {
      const { ms } = value<{ ms: number }>(run, 'ssend-waits-for-the-receiver', 0);
      assert.ok(ms >= 200, `ssend returned after ${ms} ms while the receiver slept 300 ms`);
    },
  },
  { name: 'ssend-both-directions', min: 2 },
  { name: 'issend-completes-when-matched', min: 2 },
  { name: 'isend-wait-returns-undefined' },
  { name: 'isend-snapshots-the-object' },
  { name: 'ssend-issend-to-self' },
  { name: 'many-outstanding-irecvs' },
  { name: 'bsend-ibsend' },
  { name: 'irecv-isend-waitall-in-request-order' },
  { name: 'irecv-from-every-rank-waitall', min: 3 },
  { name: 'sendrecv-ring-shift' },
  { name: 'sendrecv-large' },
  { name: 'sendrecv-shift-with-proc-null-ends' },
  { name: 'sendrecv-default-source-and-tag', min: 2 },
  { name: 'probe-iprobe' },
  { name: 'iprobe-polling-loop' },
  { name: 'probe-blocks-until-message', min: 2 },
  { name: 'probe-any-source-any-tag', min: 2 },
  { name: 'proc-null' },
  { name: 'send-to-self' },
];

fixtureSuite('obj.ts', [1, 2, 3, 4], checks, { timeoutMs: 60_000 });

// The same through tiny rings (4 KiB) with a 256-byte eager limit: ring wrap-around,
// chunked rendezvous and back-pressure on every larger message.
fixtureSuite('obj.ts', [3], checks, {
  timeoutMs: 60_000,
  env: { MPI4TS_RING_BYTES: '4096', MPI4TS_EAGER_LIMIT: '256' },
  label: 'tiny rings',
});
