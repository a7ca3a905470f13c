/**
 * Unit tests for the deadlock watch's pieces that need no job: reading a
 * ring from the launcher (ringOccupied, ringFrames across the wrap), the
 * rank-side publication in the process table, and the one-line descriptions.
 *
 * Run: node --import tsx --test test/unit/watch.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ring, HEADER_BYTES, F_LEN, F_KIND, F_A, F_B, F_C, F_SIZE_LO, F_SIZE_HI, F_D, align8, ringOccupied, ringFrames } from '../../src/transport/threads/ring.ts';
import { ProcTable, H_REPORT, S_BLOCKED, S_BLOCK_KIND, S_BLOCK_CTX, S_BLOCK_PEER, S_BLOCK_TAG, S_STATE, STATE_RUNNING } from '../../src/transport/threads/proctable.ts';
import { RankWatch, JobWatch, describeBlocked, BLOCK_RECV, BLOCK_PROBE, type BlockedReport } from '../../src/transport/threads/watch.ts';

/** A frame with `n` payload bytes announcing a message of `size` bytes (RTS frames carry no payload). */
function write(ring: Ring, kind: number, ctx: number, source: number, tag: number, n: number, size = n): void {
  const bytes = HEADER_BYTES + align8(n);
  const pos = ring.reserve(bytes);
  assert.ok(pos >= 0, 'room in the ring');
  const w = ring.words;
  const i = pos >> 2;
  w[i + F_LEN] = bytes; w[i + F_KIND] = kind; w[i + F_A] = ctx; w[i + F_B] = source; w[i + F_C] = tag;
  w[i + F_SIZE_LO] = size; w[i + F_SIZE_HI] = 0; w[i + F_D] = 0;
  ring.commit(bytes);
}

test('ringOccupied and ringFrames see what the consumer has not released, across the wrap', () => {
  const producer = Ring.create(4096, 0, 1);
  const consumer = Ring.attach(producer.region);
  assert.equal(ringOccupied(producer.region), false);
  // Fill and drain most of the ring so the next frames wrap.
  for (let k = 0; k < 3; k++) write(producer, 1, 0, 0, 99, 1000);
  for (let k = 0; k < 3; k++) {
    const pos = consumer.peek();
    consumer.release(consumer.words[(pos >> 2) + F_LEN]!);
  }
  assert.equal(ringOccupied(producer.region), false);
  write(producer, 1, 0, 0, 5, 1500);   // eager, tag 5
  write(producer, 3, 0, 0, 0, 0);      // CTS: no envelope, not listed
  write(producer, 2, 1, 0, 7, 0, 1 << 20); // RTS of a collective message, 1 MiB announced
  assert.equal(ringOccupied(producer.region), true);
  assert.deepEqual(ringFrames(producer.region, 10), [
    { ctx: 0, source: 0, tag: 5, size: 1500 },
    { ctx: 1, source: 0, tag: 7, size: 1 << 20 },
  ]);
  assert.equal(ringFrames(producer.region, 1).length, 1, 'at most max frames');
});

test('a rank publishes its blocked state once per call, answers a report request, and clears it', () => {
  const table = ProcTable.create(4);
  const posted: BlockedReport[] = [];
  const w = new RankWatch(table, 2, (m) => posted.push(m), () => [{ ctx: 0, source: 1, tag: 3, size: 8 }]);
  const at = (f: number): number => table.words[table.index(2, f)]!;
  const recv = { ctx: 0, source: 1, tag: 9, done: false, status: { source: 1, tag: 9, count: 0, error: 0, cancelled: false }, data: null, failure: null, messageBytes: 0 };
  w.park(recv);
  const gen = at(S_BLOCKED);
  assert.notEqual(gen, 0);
  assert.deepEqual([at(S_BLOCK_KIND), at(S_BLOCK_CTX), at(S_BLOCK_PEER), at(S_BLOCK_TAG)], [BLOCK_RECV, 0, 1, 9]);
  w.park(recv);
  assert.equal(at(S_BLOCKED), gen, 'parking again on the same call keeps the generation');
  assert.equal(posted.length, 0, 'no report until asked');
  Atomics.add(table.words, H_REPORT, 1);
  w.park(recv);
  assert.equal(posted.length, 1);
  assert.deepEqual({ ...posted[0], gpid: 0 }, { type: 'blocked', gpid: 0, kind: BLOCK_RECV, ctx: 0, peer: 1, tag: 9, routine: null, root: -1, bytes: -1, unexpected: [{ ctx: 0, source: 1, tag: 3, size: 8 }] });
  w.unblocked();
  assert.equal(at(S_BLOCKED), 0);
  w.hint(BLOCK_PROBE, 2, -1, 4);
  w.park(null);
  assert.notEqual(at(S_BLOCKED), 0);
  assert.equal(at(S_BLOCK_KIND), BLOCK_PROBE);
});

test('descriptions', () => {
  const r = (o: Partial<BlockedReport>): BlockedReport => ({ type: 'blocked', gpid: 0, kind: BLOCK_RECV, ctx: 0, peer: 1, tag: 7, routine: null, root: -1, bytes: -1, unexpected: [], ...o });
  assert.equal(describeBlocked(r({})), 'recv from source 1, tag 7 on COMM_WORLD');
  assert.equal(describeBlocked(r({ peer: -1, tag: -1, ctx: 4 })), 'recv from any source, any tag on the communicator with context 4');
  assert.equal(describeBlocked(r({ ctx: 1, tag: 2, routine: 'bcast', root: 0 })), 'bcast (root 0) on COMM_WORLD (collective call #3), waiting for a message from rank 1');
  assert.equal(describeBlocked(r({ kind: BLOCK_PROBE, peer: -1 })), 'probe for any source, tag 7 on COMM_WORLD');
});

test('the job watch does not call a rank stuck while the launcher works for it (a Spawn compiling its children), and does once it answered', async () => {
  const table = ProcTable.create(4);
  Atomics.store(table.words, table.index(0, S_STATE), STATE_RUNNING);
  // Rank 0 parked on something only the launcher answers (BLOCK_OTHER), as a Spawn's root is.
  Atomics.store(table.words, table.index(0, S_BLOCKED), 1);
  const reports: string[] = [];
  const watch = new JobWatch({ table, worldSize: 1, gpids: () => [0] }, (r) => reports.push(r));
  const answered = watch.launcherWork();
  watch.start();
  try {
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(reports, [], 'no deadlock while the launcher has the request');
    answered();
    answered(); // a second call changes nothing
    const t0 = Date.now();
    while (reports.length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
    assert.equal(reports.length, 1, 'the same wait is a deadlock once nobody works for it');
  } finally {
    watch.stop();
  }
});
