/**
 * Ports, names, Accept/Connect and Join beyond mpi4py's test_dynproc:
 * two jobs (a parent and the children it spawned) connecting through a
 * published name, and bad use reaching every rank as the right error,
 * without a hang. Fixtures in test/fixtures/ports/ (each says how to run
 * it by hand). Run after `npm run build`:
 *   node --import tsx --test test/spmd/ports.test.ts
 *   MPI4TS_TRANSPORT=native MPI4TS_MPI=openmpi node --import tsx --test test/spmd/ports.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines, onNative, spawnRefused } from '../helpers/spmd.ts';

const library = onNative ? process.env['MPI4TS_MPI'] ?? 'openmpi' : null;

test('two jobs connect: the children Lookup_name and Connect, the parents Accept', { skip: (await spawnRefused()) ?? false }, async () => {
  const r = await mpirun(2, 'test/fixtures/ports/jobs.ts', { launcherArgs: ['--usize', '4'], timeoutMs: 120_000 });
  assert.equal(r.signal, null, `killed (hang?)\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  const out = new Set(lines(r.stdout));
  for (const rank of [0, 1]) {
    assert.ok(out.has(`parent ${rank} remote_size 2`), r.stdout);
    assert.ok(out.has(`child ${rank} remote_size 2`), r.stdout);
    assert.ok(out.has(`parent ${rank} got ["child 0","child 1"]`), r.stdout);
    assert.ok(out.has(`child ${rank} got ["parent 0","parent 1"]`), r.stdout);
  }
  assert.equal(out.size, 8, r.stdout);
});

test('bad ports, names and Join: the error on every rank, no hang', async () => {
  const r = await mpirun(2, 'test/fixtures/ports/errors.ts', { timeoutMs: 120_000 });
  assert.equal(r.signal, null, `killed (hang?)\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  const outcome = new Map<string, string>();
  for (const l of lines(r.stdout)) {
    const m = /^rank (\d) (\S+) (\S+)/.exec(l);
    assert.ok(m, `unexpected line ${JSON.stringify(l)}`);
    outcome.set(`${m[1]} ${m[2]}`, m[3]!);
  }
  const expected: Record<string, string> = {
    'lookup-unknown': 'ERR_NAME',
    'close-unknown': 'ERR_PORT',
    close: 'ok',
    'close-twice': 'ERR_PORT',
    publish: 'ok',
    unpublish: 'ok',
    'service-not-string': 'TypeError',
    'open-bad-info': 'TypeError',
    'connect-closed': 'ERR_PORT',
    'accept-closed': 'ERR_PORT',
    'accept-port-not-string': 'TypeError',
    'accept-port-empty': 'ERR_PORT',
    'accept-bad-root': 'ERR_ROOT',
    'join-negative': 'RangeError',
    'join-not-fd': 'TypeError',
    'join-not-socket': 'ERR_ARG',
    'join-closed-fd': 'ERR_ARG',
    // The libraries' own name service decides these (Open MPI 4.1 takes both; MPICH: ERR_NAME, ERR_SERVICE).
    ...(library === null ? { 'publish-twice': 'ERR_SERVICE', 'unpublish-twice': 'ERR_SERVICE' } : {}),
    ...(library === 'mpich' ? { 'publish-twice': 'ERR_NAME', 'unpublish-twice': 'ERR_SERVICE' } : {}),
  };
  for (const rank of [0, 1]) {
    for (const [name, want] of Object.entries(expected)) assert.equal(outcome.get(`${rank} ${name}`), want, `rank ${rank} ${name}\n${r.stdout}`);
  }
});
