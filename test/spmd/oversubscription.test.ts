/**
 * Sixteen ranks on this machine's two cores (issue #6, oversubscription):
 * the hello world, mpi4ts's own ringtest and the shared-memory collectives
 * complete and print what they should. How fast is a benchmark's business
 * (`npx tsx bench/compare.ts ring-2 ring-16`), not a test's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mpirun, lines, cli, repoRoot } from '../helpers/spmd.ts';
import { fixtureSuite } from '../fixtures/cco/_harness.ts';
import { shmChecks } from '../fixtures/cco/shm_checks.ts';

const NP = 16;

test(`helloworld at ${NP} ranks: one line per rank`, async () => {
  const r = await mpirun(NP, 'examples/helloworld.ts', { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const got = lines(r.stdout).sort();
  const want = Array.from({ length: NP }, (_, k) => `Hello. This is rank ${k} of ${NP} on processor ${os.hostname()}`).sort();
  assert.deepEqual(got, want);
});

test(`bench ringtest at ${NP} ranks completes and reports them`, async () => {
  const r = await promisify(execFile)(process.execPath, [cli, '-n', String(NP), 'bench', 'ringtest', '-s', '10', '-l', '200'],
    { cwd: repoRoot, timeout: 120_000 });
  assert.match(r.stdout, new RegExp(`time for 200 loops = [0-9.e-]+ seconds \\(${NP} processes, 1 bytes\\)`));
});

fixtureSuite('shm.ts', [NP], shmChecks, { timeoutMs: 180_000 });
