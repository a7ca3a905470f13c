/**
 * Size and scale, issue #2: a 256 MiB typed array and a 64 MiB object cross
 * intact (checksums of sender and receiver agree), a ring at 8 ranks,
 * many-to-one with ANY_SOURCE at 4 ranks, and the deadlock-prone exchanges MPI
 * allows (eager 1 KiB Send/Send then Recv/Recv; Isend 4 MiB both ways, Recv,
 * wait). The fixture is test/fixtures/p2p/large.ts, run with --only per case.
 *
 * Repro: node bin/mpi4ts.js -n 2 test/fixtures/p2p/large.ts --only buffer-256mib
 */
import assert from 'node:assert/strict';
import { fixtureSuite, value, type FixtureRun } from '../fixtures/p2p/_harness.ts';

interface Transfer { side: string; checksum: string; ms: number; bytes?: number }

function sameChecksum(run: FixtureRun, name: string): Transfer {
  const sent = value<Transfer>(run, name, 0);
  const received = value<Transfer>(run, name, 1);
  assert.equal(sent.side, 'sent');
  assert.equal(received.side, 'received');
  assert.equal(received.checksum, sent.checksum, `${name}: the data changed on the way`);
  return received;
}

const MiB = 1 << 20;

fixtureSuite('large.ts', [2], [{
  name: 'buffer-256mib',
  verify: (run) => {
    const r = sameChecksum(run, 'buffer-256mib');
    assert.equal(r.bytes, 256 * MiB);
    assert.ok(r.checksum.startsWith(`${256 * MiB}:`));
  },
}], { timeoutMs: 120_000, only: ['buffer-256mib'], label: '256 MiB Float64Array' });

fixtureSuite('large.ts', [2], [{
  name: 'object-64mib',
  verify: (run) => {
    const r = sameChecksum(run, 'object-64mib');
    assert.ok(r.bytes! >= 64 * MiB, `the object message was ${r.bytes} bytes`);
  },
}], { timeoutMs: 120_000, only: ['object-64mib'], label: '64 MiB object' });

const ring = ['ring-token', 'ring-shift-all-at-once', 'ring-isend-irecv', 'many-to-one-any-source'];
fixtureSuite('large.ts', [8], [
  {
    name: 'ring-token',
    verify: (run) => assert.deepEqual(value(run, 'ring-token', 0), [0, 1, 2, 3, 4, 5, 6, 7]),
  },
  { name: 'ring-shift-all-at-once' },
  { name: 'ring-isend-irecv' },
  {
    name: 'many-to-one-any-source',
    verify: (run) => {
      const counts = Array.from({ length: run.np }, (_, r) => (r === 0 ? 0 : 100));
      assert.deepEqual(value(run, 'many-to-one-any-source', 0), { objects: counts, buffers: counts });
    },
  },
], { timeoutMs: 90_000, only: ring, label: 'ring, and many-to-one from 7 ranks' });

const fanIn = [
  'many-to-one-any-source', 'many-to-one-any-source-large', 'eager-backpressure', 'exchange-many-eager-sends',
  'exchange-send-1kib-then-recv', 'exchange-isend-4mib-recv-wait',
];
fixtureSuite('large.ts', [2, 4], [
  {
    name: 'many-to-one-any-source',
    verify: (run) => {
      const counts = Array.from({ length: run.np }, (_, r) => (r === 0 ? 0 : 100));
      assert.deepEqual(value(run, 'many-to-one-any-source', 0), { objects: counts, buffers: counts });
    },
  },
  {
    name: 'many-to-one-any-source-large',
    verify: (run) => assert.deepEqual(value(run, 'many-to-one-any-source-large', 0), Array.from({ length: run.np }, (_, r) => (r === 0 ? 0 : 5))),
  },
  { name: 'eager-backpressure' },
  { name: 'exchange-many-eager-sends' },
  { name: 'exchange-send-1kib-then-recv' },
  { name: 'exchange-isend-4mib-recv-wait' },
], { timeoutMs: 60_000, only: fanIn, label: 'many-to-one and exchanges' });

// Rendezvous messages are copied once, straight from the sender's buffer,
// when native/sched is built; without it (MPI4TS_SINGLE_COPY=0 here) they
// stream through the ring as DATA frames.
const rendezvous = ['many-to-one-any-source-large', 'exchange-isend-4mib-recv-wait', 'ring-isend-irecv'];
fixtureSuite('large.ts', [2, 4], rendezvous.map((name) => (name === 'many-to-one-any-source-large'
  ? { name, verify: (run: FixtureRun) => assert.deepEqual(value(run, name, 0), Array.from({ length: run.np }, (_, r) => (r === 0 ? 0 : 5))) }
  : { name })), { timeoutMs: 60_000, only: rendezvous, env: { MPI4TS_SINGLE_COPY: '0' }, label: 'MPI4TS_SINGLE_COPY=0' });
fixtureSuite('large.ts', [2], [{
  name: 'buffer-256mib',
  verify: (run) => assert.equal(sameChecksum(run, 'buffer-256mib').bytes, 256 * MiB),
}], { timeoutMs: 120_000, only: ['buffer-256mib'], env: { MPI4TS_SINGLE_COPY: '0' }, label: '256 MiB Float64Array, MPI4TS_SINGLE_COPY=0' });
