/**
 * Deadlock detection on the embedded runtime (issue #6): when every running
 * rank is blocked in a communication call and nothing in flight can satisfy
 * any of them, the launcher prints what each rank waits for and the messages
 * left unmatched, within 2 s, and exits with status 86.
 *
 * Repro: node bin/mpi4ts.js -n 2 test/fixtures/faults/deadlock.ts --case recv-recv
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTimed, leftovers, type TimedRun } from '../helpers/faults.ts';
import { embeddedOnly } from '../helpers/spmd.ts';

const FIXTURE = 'test/fixtures/faults/deadlock.ts';
/** Under mpiexec a deadlocked job waits, as any MPI job does: the detector is the embedded launcher's. */
const detector = embeddedOnly('the deadlock detector (its report and exit status 86) is part of the embedded launcher');
const EXIT_DEADLOCK = 86;
/** Detection must take at most 2 s after the last rank blocked; allow for a loaded machine when checking. */
const DETECT_MS = Number(process.env['MPI4TS_TEST_DETECT_MS'] ?? 4000);

function report(r: TimedRun): string[] {
  return r.stderr.split('\n').filter((l) => l !== '');
}

async function deadlock(np: number, name: string, stuck = 0): Promise<{ r: TimedRun; lines: string[] }> {
  const r = await runTimed(np, FIXTURE, ['--case', name], { timeoutMs: 60_000 });
  const why = `\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
  assert.equal(r.signal, null, `the launcher hung and was killed${why}`);
  assert.equal(r.code, EXIT_DEADLOCK, `exit status${why}`);
  assert.doesNotMatch(r.stdout, new RegExp(`PASSED ${stuck}`), `rank ${stuck} (blocked in this case) did not get past the call`);
  assert.ok(r.markAt >= 0, `the ranks reached the call${why}`);
  assert.ok(r.exitAt - r.markAt < DETECT_MS, `reported ${Math.round(r.exitAt - r.markAt)} ms after the last rank blocked${why}`);
  assert.deepEqual(leftovers(r.runId), [], 'nothing of the job is left running');
  const lines = report(r);
  assert.equal(lines[0], 'mpi4ts: deadlock: every running rank is blocked in a communication call and no message in flight can satisfy any of them');
  assert.equal(lines.at(-1), `aborting the job (exit status ${EXIT_DEADLOCK})`);
  return { r, lines };
}

test('two ranks both in recv from each other', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'recv-recv');
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in recv from source 1, tag 7 on COMM_WORLD',
    '  rank 1: blocked in recv from source 0, tag 7 on COMM_WORLD',
    '  cycle: rank 0 -> rank 1 -> rank 0',
    '  messages left unmatched: none',
    'aborting the job (exit status 86)',
  ]);
});

test('a message with the wrong tag is reported as unmatched', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'Recv-wrong-tag');
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in recv from source 1, tag 5 on COMM_WORLD',
    '  rank 1: blocked in recv from source 0, tag 4 on COMM_WORLD',
    '  cycle: rank 0 -> rank 1 -> rank 0',
    '  messages left unmatched:',
    '    at rank 1: message from rank 0, tag 3, 8 bytes on COMM_WORLD',
    'aborting the job (exit status 86)',
  ]);
});

test('a three-rank cycle', { skip: detector }, async () => {
  const { lines } = await deadlock(3, 'cycle');
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in recv from source 1, tag 1 on COMM_WORLD',
    '  rank 1: blocked in recv from source 2, tag 1 on COMM_WORLD',
    '  rank 2: blocked in recv from source 0, tag 1 on COMM_WORLD',
    '  cycle: rank 0 -> rank 1 -> rank 2 -> rank 0',
    '  messages left unmatched: none',
    'aborting the job (exit status 86)',
  ]);
});

test('two synchronous sends to each other', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'ssend-ssend');
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in send to rank 1, tag 2 (waiting for the receiver to match it)',
    '  rank 1: blocked in send to rank 0, tag 2 (waiting for the receiver to match it)',
    '  cycle: rank 0 -> rank 1 -> rank 0',
    '  messages left unmatched:',
    '    at rank 0: message from rank 1, tag 2, 32 bytes on COMM_WORLD',
    '    at rank 1: message from rank 0, tag 2, 32 bytes on COMM_WORLD',
    'aborting the job (exit status 86)',
  ]);
});

test('collective mismatch: rank 0 in bcast, rank 1 in gather', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'bcast-vs-gather');
  // How rank 0 waits depends on the broadcast algorithm (messages or shared memory).
  assert.match(lines[1]!, /^ {2}rank 0: blocked in bcast \(root 1\) on COMM_WORLD \(collective call #1\), waiting /);
  assert.equal(lines[2], '  rank 1: blocked in gather (root 1) on COMM_WORLD (collective call #1), waiting for a message from rank 0');
  assert.ok(lines.includes('  collective mismatch: different collectives at the same call on COMM_WORLD: rank 0 in bcast, rank 1 in gather'), lines.join('\n'));
});

test('collective mismatch: gather with different roots', { skip: detector }, async () => {
  for (const np of [2, 3]) {
    const { lines } = await deadlock(np, 'gather-different-roots');
    for (let r = 0; r < np; r++) {
      assert.equal(lines[1 + r], `  rank ${r}: blocked in gather (root ${r}) on COMM_WORLD (collective call #1), waiting for a message from rank ${(r + 1) % np}`);
    }
    const roots = Array.from({ length: np }, (_, r) => `rank ${r} root ${r}`).join(', ');
    assert.ok(lines.includes(`  collective mismatch: gather called with different roots: ${roots}`), lines.join('\n'));
  }
});

test('a wait on a rank that has finished', { skip: detector }, async () => {
  const { lines } = await deadlock(3, 'wait-on-finished');
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in recv from source 1, tag 9 on COMM_WORLD; rank 1 has already finished',
    '  rank 1: finished',
    '  rank 2: finished',
    '  messages left unmatched:',
    '    at rank 0: message from rank 1, tag 8, 27 bytes on COMM_WORLD',
    '    at rank 0: message from rank 2, tag 8, 27 bytes on COMM_WORLD',
    'aborting the job (exit status 86)',
  ]);
});

test('a probe while the other ranks wait in a barrier', { skip: detector }, async () => {
  const { lines } = await deadlock(3, 'probe-vs-barrier');
  assert.equal(lines[1], '  rank 0: blocked in probe for any source, tag 11 on COMM_WORLD');
  assert.match(lines[2]!, /^ {2}rank 1: blocked in barrier on COMM_WORLD \(collective call #1\), waiting /);
  assert.match(lines[3]!, /^ {2}rank 2: blocked in barrier on COMM_WORLD \(collective call #1\), waiting /);
});

test('a message sent to a rank that ended without receiving it is reported', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'lost-message');
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in recv from source 1, tag 1 on COMM_WORLD; rank 1 has already finished',
    '  rank 1: finished',
    '  messages left unmatched:',
    '    to rank 1, which has ended: message from rank 0, tag 6, 16 bytes on COMM_WORLD',
    'aborting the job (exit status 86)',
  ]);
});

test('a rank that ended with a send nobody receives, while its peer waits for another tag', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'isend-then-end', 1);
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in finalize: its script has ended, its outgoing messages wait to be received',
    '  rank 1: blocked in recv from source 0, tag 2 on COMM_WORLD',
    '  messages left unmatched:',
    '    at rank 1: message from rank 0, tag 1, 1048576 bytes on COMM_WORLD',
    'aborting the job (exit status 86)',
  ]);
});

test('two ranks awaiting irecv from each other (event loops idle) deadlock too', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'await-irecv');
  assert.deepEqual(lines.slice(1), [
    '  rank 0: blocked in recv from source 1, tag 4 on COMM_WORLD',
    '  rank 1: blocked in recv from source 0, tag 4 on COMM_WORLD',
    '  cycle: rank 0 -> rank 1 -> rank 0',
    '  messages left unmatched: none',
    'aborting the job (exit status 86)',
  ]);
});

test('a rank awaiting while the other has a timer that will send is not a deadlock', async () => {
  const r = await runTimed(2, FIXTURE, ['--case', 'await-irecv-timer'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^GOT late$/m);
  assert.equal(r.stderr, '');
});

test('collective mismatch: Reduce with different counts', { skip: detector }, async () => {
  const { lines } = await deadlock(2, 'Reduce-different-counts');
  assert.match(lines[1]!, /^ {2}rank 0: blocked in Reduce \(root 0\) on COMM_WORLD \(collective call #1\), /);
  assert.match(lines[2]!, /^ {2}rank 1: blocked in Reduce \(root 0\) on COMM_WORLD \(collective call #1\), /);
  assert.ok(lines.includes('  collective mismatch: Reduce called with different counts: rank 0 32 bytes, rank 1 800000 bytes'), lines.join('\n'));
});
