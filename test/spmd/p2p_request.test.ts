/**
 * MPI.Request, issue #2: wait/test, waitall/waitany/testall/testany and the
 * upper-case forms, Waitsome/Testsome, Cancel, REQUEST_NULL and `await`. The
 * fixture test/fixtures/p2p/request.ts runs at 1, 2, 3 and 4 ranks.
 *
 * Repro of one check: node bin/mpi4ts.js -n 2 test/fixtures/p2p/request.ts --only <check>
 */
import assert from 'node:assert/strict';
import { fixtureSuite, value, type CheckSpec } from '../fixtures/p2p/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'wait-returns-object-and-status' },
  { name: 'Wait-buffer' },
  { name: 'test-and-Test-poll-until-done', min: 2 },
  { name: 'waitall-values-in-request-order' },
  { name: 'Waitall-buffers' },
  { name: 'waitany-and-Waitany', min: 2 },
  { name: 'testall-and-Testall', min: 2 },
  { name: 'testany-and-Testany', min: 2 },
  { name: 'Waitsome-and-Testsome', min: 2 },
  { name: 'testall-waitall-edge-cases' },
  { name: 'Isend-large-Test-loop', min: 2 },
  { name: 'Irecv-large-Test-loop', min: 2 },
  { name: 'cancel-unmatched-Irecv' },
  { name: 'cancel-unmatched-irecv-object' },
  { name: 'cancel-after-completion-does-nothing' },
  { name: 'request-null' },
  {
    name: 'await-irecv-keeps-event-loop-running',
    min: 2,
    verify: (run) => {
      // Rank 1 awaited a message rank 0 sent 300 ms later, with a 10 ms interval timer running.
      const { ticks, ms } = value<{ ticks: number; ms: number }>(run, 'await-irecv-keeps-event-loop-running', 1);
      assert.ok(ms >= 250, `the await resolved after ${ms} ms, before the message was sent`);
      assert.ok(ticks >= 5, `${ticks} ticks of a 10 ms timer while awaiting for ${ms} ms: the event loop was blocked`);
    },
  },
  { name: 'await-irecv-with-idle-event-loop', min: 2 },
  {
    name: 'await-large-isend',
    min: 2,
    verify: (run) => {
      const { ms } = value<{ ms: number }>(run, 'await-large-isend', 0);
      assert.ok(ms < 5000, `awaiting an 8 MiB Isend took ${ms} ms`);
    },
  },
  { name: 'await-isend-and-Irecv' },
  { name: 'await-promise-all-from-every-rank', min: 3 },
  { name: 'await-after-completion' },
  { name: 'persistent-Start-Wait-Start-again' },
  { name: 'Isendrecv-ring' },
  { name: 'grequest-blocking-wait-before-complete-raises' },
  { name: 'mprobe-takes-the-message-out-of-matching' },
];

fixtureSuite('request.ts', [1, 2, 3, 4], checks, { timeoutMs: 60_000 });
