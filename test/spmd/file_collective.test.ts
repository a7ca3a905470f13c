/**
 * Collective and strided MPI.File access through the CLI (issue 15): the
 * two-phase Write_all / Read_all (and _at forms) of interleaved subarray,
 * vector and indexed views, small cb_buffer_size (many rounds), holes that
 * keep what the file held, reads past the end, atomic mode, non-contiguous
 * memory types, and an error on one rank raising on all. The fixture checks
 * the file against a model every rank computes.
 *
 * Repro: node bin/mpi4ts.js -n 3 test/fixtures/file/collective.ts views|error
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines, onNative } from '../helpers/spmd.ts';

const FIXTURE = 'test/fixtures/file/collective.ts';
const counts = onNative ? [2] : [1, 2, 3, 4];

for (const np of counts) {
  test(`File: collective and strided access through subarray, vector and indexed views match the model (np=${np})`, async () => {
    const r = await mpirun(np, FIXTURE, { args: ['views'], timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).sort(), [...Array(np).keys()].map((rank) => `rank ${rank} views ok`));
  });
}

test('File: a Write_all whose buffer is bad on one rank raises ERR_TYPE on every rank (no hang)', async () => {
  const np = onNative ? 2 : 3;
  const r = await mpirun(np, FIXTURE, { args: ['error'], timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const want = onNative ? [`rank ${np - 1} ERR_TYPE`] : [...Array(np).keys()].map((rank) => `rank ${rank} ERR_TYPE`);
  assert.deepEqual(lines(r.stdout).filter((l) => l.includes('ERR_TYPE')).sort(), want);
});
