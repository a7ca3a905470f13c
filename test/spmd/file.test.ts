/**
 * MPI.File on real files through the CLI, on both transports (issue 15):
 * the error classes of bad calls (the ones Open MPI's mpi4py gives for the
 * same calls), bad input raising instead of touching memory, the shared
 * file pointer kept consistent across ranks (Write_shared from every rank
 * at once), atomic mode, and the MODE_* flags.
 *
 * Repro: node bin/mpi4ts.js -n 3 test/fixtures/file/file.ts errors|shared|atomic|sieve|modes (fatal DIR)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mpirun, lines, onNative } from '../helpers/spmd.ts';

const FIXTURE = 'test/fixtures/file/file.ts';
const counts = onNative ? [2] : [1, 3];

const ERRORS: [string, string][] = [
  ['open missing', 'ERR_NO_SUCH_FILE'],
  ['amode RDONLY|CREATE', 'ERR_AMODE'],
  ['amode none', 'ERR_AMODE'],
  ['amode RDWR|WRONLY', 'ERR_AMODE'],
  ['open a folder', 'ERR_BAD_FILE'],
  ['open COMM_NULL', 'ERR_COMM'],
  ['open filename 42', 'TypeError'],
  ['read WRONLY', 'ERR_ACCESS'],
  ['open EXCL existing', 'ERR_FILE_EXISTS'],
  ['write RDONLY', 'ERR_READ_ONLY'],
  ['set_size RDONLY', 'ERR_READ_ONLY'],
  ['view external32', 'ERR_UNSUPPORTED_DATAREP'],
  ['view unknown datarep', 'ERR_UNSUPPORTED_DATAREP'],
  ['view filetype not whole etypes', 'ERR_TYPE'],
  ['view uncommitted filetype', 'ERR_TYPE'],
  ['view negative disp', 'ERR_ARG'],
  ['view DISPLACEMENT_CURRENT', 'ERR_ARG'],
  ['view bad on rank 0 only', 'ERR_UNSUPPORTED_DATAREP'],
  ['ordered bad on the last rank only', 'ERR_TYPE'],
  ['read 3 bytes on an INT view', 'ERR_TYPE'],
  ['read at -1', 'ERR_ARG'],
  ['read at 1.5', 'TypeError'],
  ['read into a string', 'TypeError'],
  ['read 10 INT into 2', 'ERR_COUNT'],
  ['read 2 INT at displacement 5 of 4', 'ERR_COUNT'],
  ['seek whence 7', 'ERR_ARG'],
  ['seek before start', 'ERR_ARG'],
  ['end without begin', 'ERR_OTHER'],
  ['second begin', 'ERR_OTHER'],
  ['end of another kind', 'ERR_OTHER'],
  ['write RDONLY (handler)', 'ERR_READ_ONLY'],
  ['handler saw', '[true ERR_READ_ONLY]'],
  ['errhandler for Comm on a file', 'ERR_ARG'],
  ['close twice', 'ERR_FILE'],
  ['a copy of a closed handle', 'ERR_FILE'],
  ['FILE_NULL Get_size', 'ERR_FILE'],
];

for (const np of counts) {
  test(`File: error classes and bad input (np=${np})`, async () => {
    const r = await mpirun(np, FIXTURE, { args: ['errors'], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const expected: string[] = [];
    for (let rank = 0; rank < np; rank++) {
      for (const [what, cls] of ERRORS) expected.push(`rank ${rank} ${what} ${cls}`);
      if (np > 1) expected.push(`rank ${rank} open bad amode on rank 0 only ERR_AMODE`, `rank ${rank} open amodes differ ERR_NOT_SAME`);
    }
    expected.push('rank 0 delete missing ERR_NO_SUCH_FILE');
    assert.deepEqual(lines(r.stdout).sort(), expected.sort());
  });

  test(`File: Write_shared from every rank at once lands every record once; the shared pointer agrees (np=${np})`, async () => {
    const r = await mpirun(np, FIXTURE, { args: ['shared'], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const n = 2 * 200 * np;
    assert.deepEqual(lines(r.stdout).sort(), [
      'deleted on close true folder left 0',
      `shared ok count ${n} positions ${n} expected ${n} after ordered ${n + np}`,
    ]);
  });

  test(`File: atomic mode, overlapping strided writes are never seen torn (np=${np})`, async () => {
    const r = await mpirun(np, FIXTURE, { args: ['atomic'], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['atomic torn reads 0']);
  });

  test(`File: strided reads (data sieving) get every element and stop at the end of the file (np=${np})`, async () => {
    const r = await mpirun(np, FIXTURE, { args: ['sieve'], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).sort(), [...Array(np).keys()].map((rank) => `rank ${rank} sieved 100000 of 100002 wrong 0 tail -1,-1`));
  });

  test(`File: MODE_APPEND, MODE_SEQUENTIAL, MODE_EXCL, byte offsets, non-blocking statuses (np=${np})`, async () => {
    const r = await mpirun(np, FIXTURE, { args: ['modes'], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const expected = [`file ${Math.max(10 + np, 4 + 6 * (np - 1) + 2)} bytes`,
      `sequential read ${10 + np} bytes, tail ${[...Array(np).keys(), ...Array(5).fill(255)].join(',')}`];
    for (let rank = 0; rank < np; rank++) {
      expected.push(`rank ${rank} append position 10 shared 10`, `rank ${rank} byte offsets 4,10,16 size ${10 + np} amode true`,
        `rank ${rank} iwrite count 1`, `rank ${rank} open EXCL existing ERR_FILE_EXISTS`, `rank ${rank} read_at SEQUENTIAL ERR_UNSUPPORTED_OPERATION`);
    }
    assert.deepEqual(lines(r.stdout).sort(), expected.sort());
  });
}

test('File: ERRORS_ARE_FATAL set on FILE_NULL reaches files opened afterwards; an error on one ends the job with its class', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-file-fatal-'));
  try {
    const r = await mpirun(2, FIXTURE, { args: ['fatal', dir], timeoutMs: 60_000 });
    assert.equal(r.code, 40, `exit ${r.code}\n${r.stderr}`); // ERR_READ_ONLY
    assert.match(r.stderr, /MPI_ERRORS_ARE_FATAL on .*fatal\.bin: Write_at: .*fatal\.bin is open MODE_RDONLY/);
    assert.doesNotMatch(r.stdout, /still running|passed the barrier/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
