/**
 * The spawn example pair (ports of the seed's mpi-manager.py and
 * mpi-worker.py): the manager spawns workers that compute pi with the
 * midpoint rule and reduce it back; it prints one Python float, as the seed
 * shows (`3.1416009869231245`). Checked against the same sum computed here
 * in the workers' order, for the worker counts the universe gives.
 * Run after `npm run build`:
 *   node --import tsx --test test/spmd/examples_spawn.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { mpirun, lines, repoRoot, spawnRefused, type RunResult } from '../helpers/spmd.ts';

const spawning = { skip: (await spawnRefused()) ?? false };

function ok(r: RunResult): void {
  assert.equal(r.signal, null, `killed (hang?)\n${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
}

/** The workers' partial sums (worker w takes every size-th interval from w), added in rank order as Reduce does. */
function expectedPi(N: number, workers: number): number {
  const h = 1.0 / N;
  let total = 0;
  for (let w = 0; w < workers; w++) {
    let s = 0.0;
    for (let i = w; i < N; i += workers) {
      const x = h * (i + 0.5);
      s += 4.0 / (1.0 + x ** 2);
    }
    total += s * h;
  }
  return total;
}

/** Python's repr of a float in this range: JavaScript's shortest round-trip digits are the same. */
const SEED_FORM = /^3\.14160098692312\d{0,2}$/;

for (const usize of [2, 3, 5]) {
  test(`mpi-manager.ts with --usize ${usize}: ${usize - 1} worker(s), prints pi as the seed does`, spawning, async () => {
    const r = await mpirun(1, 'examples/mpi-manager.ts', { launcherArgs: ['--usize', String(usize)], timeoutMs: 60_000 });
    ok(r);
    const out = lines(r.stdout);
    assert.equal(out.length, 1, r.stdout);
    assert.match(out[0]!, SEED_FORM);
    assert.equal(Number(out[0]), expectedPi(100, usize - 1));
  });
}

test('run as the seed runs it (from examples/, -n 1, no --usize): one worker per remaining core', spawning, async () => {
  const r = await mpirun(1, 'examples/mpi-manager.ts', { cwd: path.join(repoRoot, 'examples'), timeoutMs: 60_000 });
  ok(r);
  const out = lines(r.stdout);
  assert.equal(out.length, 1, r.stdout);
  assert.match(out[0]!, SEED_FORM);
  assert.equal(Number(out[0]), expectedPi(100, Math.max(1, os.availableParallelism() - 1)));
});
