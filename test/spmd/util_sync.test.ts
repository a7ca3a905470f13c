/**
 * mpi4ts/util/sync through the CLI the way a user runs it: the subpath
 * resolves for a .ts and a .mjs program outside any project (the loader's
 * alias and compile maps), and `using` blocks (Python's `with`) hold a
 * Sequential turn, a Mutex and a Semaphore. The mpi4py cases are in
 * test/mpi4py/test_util_sync.ts.
 *
 * Run after `npm run build`: node --import tsx --test test/spmd/util_sync.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, onNative } from '../helpers/spmd.ts';

const np = onNative ? 1 : 3;

const program = [
  "import { MPI } from 'mpi4ts';",
  "import { Sequential, Counter, Mutex, Semaphore } from 'mpi4ts/util/sync';",
  'const comm = MPI.COMM_WORLD;',
  'const counter = new Counter(10, 1, { comm });',
  'const mutex = new Mutex({ comm });',
  'const sem = new Semaphore(1, { comm });',
  'const shared = new Counter(0, 0, { comm, root: comm.size - 1 });',
  'for (let i = 0; i < 20; i++) {',
  '  // shared = v + 1 from a value v read earlier: increments are lost unless the mutex excludes the others.',
  '  { using _ = mutex.enter(); const v = shared.next(0); const now = shared.next(0); shared.next(v + 1 - now); }',
  '  { using _ = sem.enter(); counter.next(); }',
  '}',
  'comm.Barrier();',
  'const total = shared.next(0), last = counter.next(0);',
  '{ using _ = new Sequential(comm).enter(); console.log(`rank ${comm.rank}: shared ${total} counter ${last}`); }',
  'shared.free(); sem.free(); mutex.free(); counter.free();',
  '',
].join('\n');

test(`mpi4ts/util/sync resolves outside any project and its using-blocks exclude each other (-n ${np})`, { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sync-'));
  try {
    for (const name of ['sync.ts', 'sync.mjs']) {
      fs.writeFileSync(path.join(dir, name), name.endsWith('.mjs') ? program.replace(/ using _ = (\w+)\.enter\(\); (.*?) \}/g, ' $1.enter(); try { $2 } finally { $1[Symbol.dispose](); } }').replace(/ using _ = new Sequential\(comm\)\.enter\(\); (.*?) \}/, ' const seq = new Sequential(comm); seq.begin(); $1 seq.end(); }') : program);
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mpi4ts.js'), '-n', String(np), name], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const want = Array.from({ length: np }, (_, rank) => `rank ${rank}: shared ${20 * np} counter ${10 + 20 * np}`);
      assert.deepEqual(r.stdout.split('\n').filter(Boolean), want, name);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
