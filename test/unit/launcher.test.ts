/**
 * The launcher contract (src/transport/launcher.ts): select.ts hands out one
 * launcher per transport, each saying which placement options it takes, and
 * the launcher process loads only the chosen transport's code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { selectLauncher, TRANSPORT_NAMES } from '../../src/transport/select.ts';
import { PLACEMENT_OPTIONS } from '../../src/transport/launcher.ts';
import { repoRoot } from '../helpers/spmd.ts';
import { builtLibraries } from '../../src/transport/native/addon.ts';

test('selectLauncher: one launcher per transport name, null for others', async () => {
  for (const name of TRANSPORT_NAMES) assert.equal((await selectLauncher(name))?.name, name);
  assert.equal(await selectLauncher('mpich'), null);
  assert.equal(await selectLauncher(''), null);
});

test('placement options: the native launcher takes them all, the embedded one none, saying why', async () => {
  const threads = (await selectLauncher('threads'))!;
  const native = (await selectLauncher('native'))!;
  assert.deepEqual([...native.accepts].sort(), [...PLACEMENT_OPTIONS].sort());
  assert.deepEqual(threads.accepts, []);
  assert.equal(threads.refuse('hostfile'), '--hostfile applies to --transport native (the embedded runtime runs on this host)');
});

test('the launcher of a native job loads neither the embedded runtime\'s addon nor the MPI binding', { skip: builtLibraries().length === 0 && 'no native addon built' }, () => {
  // The launcher bundle (dist/bundle/cli.js, as bin/mpi4ts.js runs it) in a
  // process of its own; the ranks are mpiexec's processes, so what this
  // process has loaded is the launcher's alone.
  const program = `
    const { main } = await import(${JSON.stringify(path.join(repoRoot, 'dist/bundle/cli.js'))});
    const code = await main(['--transport', 'native', '-n', '1', ${JSON.stringify(path.join(repoRoot, 'examples/helloworld.ts'))}]);
    const loaded = process.report.getReport().sharedObjects.filter((f) => f.endsWith('.node'));
    console.log(JSON.stringify({ code, loaded }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 120_000, cwd: repoRoot });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  assert.equal(r.status, 0, r.stderr);
  const { code, loaded } = JSON.parse(last) as { code: number; loaded: string[] };
  assert.equal(code, 0, r.stdout + r.stderr);
  assert.deepEqual(loaded, []);
});
