/**
 * Integrity under load (issue #6): 4 and 8 ranks exchange messages of random
 * sizes (0 B to 1 MiB), tags, kinds (buffers, objects) and send modes, with
 * specific and wildcard, blocking and non-blocking receives; every message
 * must arrive exactly once, intact, in the order MPI promises, and the heap
 * must stay flat. The CI size is small; `npx tsx bench/soak.ts` runs long.
 *
 * Repro: node bin/mpi4ts.js -n 4 test/fixtures/faults/soak.ts --messages 400 --seed 11
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines } from '../helpers/spmd.ts';

interface Soak { sent: number; received: number; bytesReceived: number; seconds: number; errors: string[]; heap: number[] }

async function soak(np: number, args: string[]): Promise<{ code: number | null; ranks: Soak[]; stderr: string }> {
  const r = await mpirun(np, 'test/fixtures/faults/soak.ts', { args, timeoutMs: 240_000 });
  const ranks: Soak[] = [];
  for (const l of lines(r.stdout)) {
    const m = /^SOAK (\d+) (.*)$/.exec(l);
    if (m) ranks[Number(m[1])] = JSON.parse(m[2]!) as Soak;
  }
  return { code: r.code, ranks, stderr: r.stderr };
}

for (const [np, messages, seed] of [[4, 400, 11], [8, 160, 12]] as const) {
  test(`${np} ranks, ${messages} messages each: every message once, intact, in order; heap flat`, async () => {
    const { code, ranks, stderr } = await soak(np, ['--messages', String(messages), '--seed', String(seed)]);
    assert.equal(code, 0, stderr);
    assert.equal(ranks.filter(Boolean).length, np, 'every rank reported');
    for (const [r, s] of ranks.entries()) assert.deepEqual(s.errors, [], `rank ${r}`);
    const sent = ranks.reduce((n, s) => n + s.sent, 0);
    const received = ranks.reduce((n, s) => n + s.received, 0);
    assert.ok(sent >= np * messages);
    assert.equal(received, sent, 'as many receives completed as messages were sent');
    // Flat: the later half of the samples never far above the earlier half (GC makes it saw-toothed).
    for (const [r, s] of ranks.entries()) {
      const half = Math.floor(s.heap.length / 2);
      const early = Math.max(...s.heap.slice(0, half));
      const late = Math.max(...s.heap.slice(half));
      assert.ok(late <= 2 * early + (32 << 20), `rank ${r}: heap grew from ${early >> 20} MB to ${late >> 20} MB`);
    }
  });
}

test('the checks catch a corrupted byte', async () => {
  const { code, ranks } = await soak(2, ['--messages', '64', '--seed', '3', '--corrupt']);
  assert.equal(code, 0);
  const errors = ranks.flatMap((s) => s.errors);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0]!, /checksum mismatch/);
});
