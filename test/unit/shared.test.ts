/**
 * 'arena' sharing of the embedded transport (src/transport/threads/shared.ts,
 * mailbox.ts): the allocator every rank shares and the launcher's mailbox.
 * The whole multi-rank suite runs on it with MPI4TS_ARENA=1 (.ci/run).
 *
 * Run: node --import tsx --test test/unit/shared.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Arena, OWN_BUFFERS } from '../../src/transport/threads/shared.ts';
import { Mailbox } from '../../src/transport/threads/mailbox.ts';

test('Arena: regions are 8-aligned, disjoint, zeroed, and the buffer grows under them', () => {
  const arena = Arena.create(1 << 26);
  const a = arena.region(3);
  const b = arena.region(5 << 20);
  const c = arena.region(0);
  assert.equal(a.sab, arena.sab);
  for (const r of [a, b, c]) assert.equal(r.offset % 8, 0);
  assert.ok(b.offset >= a.offset + 8, 'b after a');
  assert.ok(c.offset >= b.offset + b.bytes, 'c after b');
  assert.ok(arena.sab.byteLength >= b.offset + b.bytes, 'grown to cover b');
  assert.ok(new Uint8Array(b.sab, b.offset, b.bytes).every((x) => x === 0));
  assert.throws(() => arena.region(1 << 26), /out of shared memory/);
  // A request that did not fit takes nothing: the next one still comes after c.
  const d = arena.region(8);
  assert.ok(d.offset >= c.offset, 'd after c');
  assert.throws(() => arena.region(-1), RangeError);
  assert.throws(() => arena.at(arena.sab.byteLength - 4, 8), /no region of 8 bytes/);
  assert.deepEqual(arena.at(a.offset, 3), a);
});

test('Arena: ranks allocating at once get disjoint regions', async () => {
  const arena = Arena.create(1 << 28);
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const words = new Int32Array(workerData.sab, 0, 16);
    const out = [];
    for (let k = 0; k < 200; k++) {
      const units = Math.ceil(((k * 7919) % 65536 + 1) / 8);
      let start;
      do { start = Atomics.load(words, 0); } while (Atomics.compareExchange(words, 0, start, start + units) !== start);
      const end = (start + units) * 8;
      while (workerData.sab.byteLength < end) { try { workerData.sab.grow(Math.max(end, workerData.sab.byteLength * 1.5 | 0)); } catch {} }
      out.push([start * 8, units * 8]);
    }
    parentPort.postMessage(out);`;
  // The worker repeats Arena.region's protocol (compare-and-swap the pointer, then grow past others' grows) on the same buffer.
  const runs = await Promise.all([0, 1, 2].map(() => new Promise<[number, number][]>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { sab: arena.sab } });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  const mine = Array.from({ length: 200 }, (_, k) => arena.region(k * 13 + 1)).map((r) => [r.offset, r.bytes] as [number, number]);
  const all = [...runs.flat(), ...mine].sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < all.length; i++) assert.ok(all[i]![0] >= all[i - 1]![0] + all[i - 1]![1], `overlap at ${all[i]![0]}`);
  assert.ok(arena.sab.byteLength >= all.at(-1)![0] + all.at(-1)![1]);
});

test('Mailbox: messages in order, regions by offset, a full box says so', () => {
  const arena = Arena.create(1 << 24);
  const box = Mailbox.create(arena, 3);
  const rank = new Mailbox(box.region, arena);
  assert.equal(rank.receive(), undefined);
  const ring = arena.region(4096);
  assert.equal(box.post({ type: 'channel', from: 1, region: ring }), true);
  assert.equal(box.post({ type: 'spawned', gpids: [4, 5] }), true);
  assert.deepEqual(rank.receive(), { type: 'channel', from: 1, region: ring });
  assert.deepEqual(rank.receive(), { type: 'spawned', gpids: [4, 5] });
  assert.equal(rank.receive(), undefined);
  // Fill it: post says false, and after the rank reads there is room again.
  const big = { type: 'ported', value: 'x'.repeat(4000) };
  let n = 0;
  while (box.post(big)) n++;
  assert.ok(n >= 8 && n < 20, `${n} messages of 4 KB fit in 64 KiB`);
  assert.deepEqual(rank.receive(), big);
  assert.equal(box.post(big), true);
  assert.throws(() => box.post({ region: OWN_BUFFERS.region(8) }), /only regions of the arena/);
  assert.throws(() => box.post({ value: 'x'.repeat(40000) }), /too large/);
});
