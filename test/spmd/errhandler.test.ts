/**
 * Error handlers on real errors, on both transports (issue 14): a user
 * handler is called with (comm, error code) and the exception still
 * reaches the caller; ERRORS_ARE_FATAL and ERRORS_ABORT end the job with
 * the error's message; new communicators get ERRORS_RETURN (mpi4py's
 * rule); COMM_SELF's attribute delete callbacks run at Finalize.
 *
 * Repro: node bin/mpi4ts.js -n 2 test/fixtures/errhandler/errhandler.ts user|fatal|abort|attrs
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines } from '../helpers/spmd.ts';

const FIXTURE = 'test/fixtures/errhandler/errhandler.ts';

test('a user error handler sees (comm, ERR_RANK) and (comm, ERR_ROOT); the exception is still raised; Dup gets ERRORS_RETURN', async () => {
  const r = await mpirun(2, FIXTURE, { args: ['user'] });
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout).sort();
  assert.deepEqual(out, [
    'rank 0 after reset 2',
    'rank 0 handler saw [true ERR_RANK, true ERR_ROOT] raised ERR_RANK dup-has-return true',
    'rank 1 after reset 2',
    'rank 1 handler saw [true ERR_RANK, true ERR_ROOT] raised ERR_RANK dup-has-return true',
  ]);
});

for (const [mode, name] of [['fatal', 'MPI_ERRORS_ARE_FATAL'], ['abort', 'MPI_ERRORS_ABORT']] as const) {
  test(`${name} on a communicator: an error in a call on it ends the job with the error class as exit status`, async () => {
    const r = await mpirun(2, FIXTURE, { args: [mode], timeoutMs: 60_000 });
    assert.equal(r.code, 6, `exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${name} on errcomm: send: invalid destination rank 99 \\(communicator of size 2\\)`));
    assert.doesNotMatch(r.stdout, /still running|passed the barrier/);
  });
}

test('Finalize runs the delete callbacks of COMM_SELF attributes', async () => {
  const r = await mpirun(2, FIXTURE, { args: ['attrs'] });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).sort(), [
    'rank 0 delete first on COMM_SELF true',
    'rank 0 finalized',
    'rank 1 delete first on COMM_SELF true',
    'rank 1 finalized',
  ]);
});
