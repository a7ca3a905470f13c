/**
 * Messages beyond 2 GiB (issue #6): typed arrays of 2 GiB and a few KiB
 * (Send/Recv; Isend/Irecv, then Bcast) and an object holding 512 MiB cross
 * intact (every 32-bit word checked on arrival). mpi4py fails above 2 GiB
 * without its pkl5 module. The machine needs about 5 GiB of free memory.
 * Strings of the most UTF-16 units V8 allows (2^29 - 24), of latin1 and of
 * two-byte characters, cross with send/recv (issue #13: their UTF-8 form is
 * longer than V8 decodes in one go; about 25 s each on a busy 2-core machine).
 * .ci/run runs this file on both MPI libraries too: the native addon sends
 * beyond INT_MAX bytes as one element of a derived type (issue #5).
 *
 * Repro: node bin/mpi4ts.js -n 2 test/fixtures/faults/huge.ts --case Send-2GiB
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines } from '../helpers/spmd.ts';

// For the strings, `bytes` is the length in UTF-16 units.
const CASES = [
  ['Send-2GiB', 2 ** 31 + 4096], ['Irecv-Bcast-2GiB', 2 ** 31 + 8192], ['send-object-512MiB', 512 * 2 ** 20],
  ['send-string-max-latin1', 2 ** 29 - 24], ['send-string-max-twobyte', 2 ** 29 - 24],
] as const;
for (const [name, bytes] of CASES) {
  test(`${name}: arrives whole and intact`, async () => {
    const r = await mpirun(2, 'test/fixtures/faults/huge.ts', { args: ['--case', name], timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    const line = lines(r.stdout).find((l) => l.startsWith(`HUGE ${name} `));
    assert.ok(line, `rank 1 reported\n${r.stdout}\n${r.stderr}`);
    const v = JSON.parse(line.slice(`HUGE ${name} `.length)) as { bytes: number; wrong: number; seconds: number };
    assert.equal(v.bytes, bytes);
    assert.equal(v.wrong, 0, 'every word as sent');
  });
}
