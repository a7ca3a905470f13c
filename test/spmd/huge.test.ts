/**
 * Messages beyond 2 GiB (issue #6): a typed array of 2 GiB + 4 KiB and an
 * object holding 512 MiB cross intact (every 32-bit word checked on arrival).
 * mpi4py fails above 2 GiB without its pkl5 module. The machine needs about
 * 5 GiB of free memory for the first case.
 *
 * Repro: node bin/mpi4ts.js -n 2 test/fixtures/faults/huge.ts --case Send-2GiB
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines } from '../helpers/spmd.ts';

for (const [name, bytes] of [['Send-2GiB', 2 ** 31 + 4096], ['send-object-512MiB', 512 * 2 ** 20]] as const) {
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
