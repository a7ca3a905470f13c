/**
 * The launcher contract (src/transport/launcher.ts): select.ts hands out one
 * launcher per transport, each saying which placement options it takes, and
 * the launcher process loads only the chosen transport's code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectLauncher, TRANSPORT_NAMES } from '../../src/transport/select.ts';
import { PLACEMENT_OPTIONS } from '../../src/transport/launcher.ts';
import { repoRoot } from '../helpers/spmd.ts';
import { builtLibraries } from '../../src/transport/native/addon.ts';
import { rankHeapFlag } from '../../src/transport/threads/host.ts';

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

test('every bundle is Latin-1, so V8 keeps each rank\'s copy of the runtime\'s source one byte a character (scripts/bundle.mjs)', () => {
  const dir = path.join(repoRoot, 'dist/bundle');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const wide = /[^\u0000-\u00ff]/.exec(text);
    assert.equal(wide, null, `${file}:${wide === null ? 0 : text.slice(0, wide.index).split('\n').length} has ${JSON.stringify(wide?.[0])}`);
  }
});

test('the embedded launcher gives rank isolates a configured old generation, unless node\'s own flags size the heap', () => {
  assert.equal(rankHeapFlag([]), '--initial-old-space-size=64');
  assert.equal(rankHeapFlag(['--enable-source-maps', '--max-old-space-size=4096']), '--initial-old-space-size=64');
  assert.equal(rankHeapFlag(['--initial-old-space-size=100']), null);
  assert.equal(rankHeapFlag(['--trace-gc', '--initial_heap_size=50']), null);
});
