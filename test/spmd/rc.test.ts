/**
 * `mpi4ts -rc key=value,...` (python -m mpi4py -rc; src/core/rc.ts): every
 * rank, on both transports, reports the thread level asked for and runs
 * COMM_WORLD and COMM_SELF with the error handler asked for; a bad option
 * is refused before any rank starts, naming it.
 *
 * Repro: node bin/mpi4ts.js -n 2 -rc errors=fatal,thread_level=single test/fixtures/rc/rc.ts [fail]
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines } from '../helpers/spmd.ts';

const FIXTURE = 'test/fixtures/rc/rc.ts';
const line = (rank: number, level: number, eh: string): string => `rank ${rank} thread ${level} ${level} world ${eh} self ${eh}`;
// Not inherited from whoever runs the tests.
const env = { MPI4TS_RC: '' };

test('without -rc: THREAD_MULTIPLE and ERRORS_RETURN (mpi4py\'s defaults)', async () => {
  const r = await mpirun(2, FIXTURE, { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).sort(), [line(0, 3, 'MPI_ERRORS_RETURN'), line(1, 3, 'MPI_ERRORS_RETURN')]);
});

for (const [rc, level, eh] of [
  ['thread_level=single,errors=fatal', 0, 'MPI_ERRORS_ARE_FATAL'],
  ["thread_level='funneled',errors=abort", 1, 'MPI_ERRORS_ABORT'],
  ['thread_level=serialized,errors=default', 2, 'MPI_ERRORS_ARE_FATAL'],
  ['threads=False,recv_mprobe=False,irecv_bufsz=1024', 0, 'MPI_ERRORS_RETURN'],
] as const) {
  test(`-rc ${rc}: thread level ${level}, ${eh}`, async () => {
    const r = await mpirun(2, FIXTURE, { env, launcherArgs: ['-rc', rc] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).sort(), [line(0, level, eh), line(1, level, eh)]);
  });
}

test('-rc given twice joins; MPI4TS_RC set by hand works the same', async () => {
  let r = await mpirun(1, FIXTURE, { env, launcherArgs: ['-rc', 'thread_level=funneled', '--rc', 'errors=fatal'] });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), [line(0, 1, 'MPI_ERRORS_ARE_FATAL')]);
  r = await mpirun(1, FIXTURE, { env: { MPI4TS_RC: 'errors=abort' } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), [line(0, 3, 'MPI_ERRORS_ABORT')]);
});

test('-rc errors=fatal: an error on COMM_WORLD ends the job instead of raising', async () => {
  const r = await mpirun(2, FIXTURE, { env, launcherArgs: ['-rc', 'errors=fatal'], args: ['fail'] });
  assert.equal(r.code, 6, `exit ${r.code}\n${r.stderr}`);
  assert.match(r.stderr, /MPI_ERRORS_ARE_FATAL on MPI_COMM_WORLD: send: invalid destination rank 99/);
  assert.doesNotMatch(r.stdout, /still running/);
});

test('a bad -rc is refused before any rank starts, naming the option and what it takes', async () => {
  for (const [rc, message] of [
    ['errors=maybe', /-rc errors=maybe: expected one of 'exception', 'default', 'abort', 'fatal'/],
    ['thread_level=many', /-rc thread_level=many: expected one of 'multiple', 'serialized', 'funneled', 'single'/],
    ['threads=3', /-rc threads=3: expected True or False/],
    ['irecv_bufsz=-1', /-rc irecv_bufsz=-1: expected a positive integer/],
    ['colour=blue', /-rc colour: unknown option \(the options are initialize, threads, thread_level, finalize, fast_reduce, recv_mprobe, irecv_bufsz, errors\)/],
    ['errors', /-rc: cannot parse 'errors' \(expected key=value\)/],
  ] as const) {
    const r = await mpirun(2, FIXTURE, { env, launcherArgs: ['-rc', rc] });
    assert.equal(r.code, 2, `${rc}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message, rc);
    assert.equal(r.stdout, '', rc);
  }
  const r = await mpirun(1, FIXTURE, { env: { MPI4TS_RC: 'errors=nope' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /MPI4TS_RC=errors=nope: -rc errors=nope: expected one of/);
});
