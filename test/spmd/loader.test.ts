/**
 * TypeScript compiled once by the launcher (src/loader/): a program with
 * local imports (`./util.ts`, extensionless `./boom`, `./twice.js` for
 * twice.ts, the tsconfig paths alias `@shapes/square`) at 4 ranks (2
 * natively), spawned as a .ts child, and as task functions of a futures
 * pool; a throw names the .ts file and line; the per-user cache is private
 * (0700), reused on the second run and refreshed when a source changes.
 * Fixtures: test/fixtures/loader/. Run after `npm run build` (also with
 * MPI4TS_TRANSPORT=native MPI4TS_MPI=openmpi):
 *   node --import tsx --test --test-concurrency=1 test/spmd/loader.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mpirun, lines, onNative, repoRoot, spawnRefused, type RunResult } from '../helpers/spmd.ts';

const NP = onNative ? 2 : 4;
const TIMEOUT = 120_000;
const spawning = { skip: (await spawnRefused()) ?? false };
const FIXTURES = path.join(repoRoot, 'test/fixtures/loader');

function ok(r: RunResult): void {
  assert.equal(r.signal, null, `killed (hang?)\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
}

/** The launcher's report of a throw in boom.ts, called from `caller` at `line`. */
function assertBoom(r: RunResult, who: string, caller: string, line: number): void {
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const report = new RegExp(`^mpi4ts: ${who} failed: Error: boom on rank 1\\n` +
    `\\s+at boom \\(${FIXTURES}/boom\\.ts:4:9\\)\\n` +
    `\\s+at .*\\(${FIXTURES}/${caller}\\.ts:${line}:\\d+\\)`, 'm');
  assert.match(r.stderr, report);
}

test(`TypeScript with .ts, extensionless and tsconfig-paths imports runs at ${NP} ranks`, async () => {
  const r = await mpirun(NP, 'test/fixtures/loader/app.ts', { timeoutMs: TIMEOUT });
  ok(r);
  assert.equal(r.stderr, '');
  const sum = Array.from({ length: NP }, (_, i) => i * i).reduce((a, b) => a + b);
  assert.deepEqual(lines(r.stdout).sort(), Array.from({ length: NP }, (_, i) => `rank ${i} of ${NP}: square sum ${sum} url true`));
});

test('a throw in an imported TypeScript module names the .ts file and line', async () => {
  const r = await mpirun(NP, 'test/fixtures/loader/app.ts', { args: ['--throw'], timeoutMs: TIMEOUT });
  assertBoom(r, 'rank 1', 'app', 10);
});

test('a spawned TypeScript child with local imports, and its throw', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/loader/parent.ts', { launcherArgs: ['--usize', '3'], timeoutMs: TIMEOUT });
  ok(r);
  assert.deepEqual(lines(r.stdout), ['child rank 0 of 2 square 4', 'child rank 1 of 2 square 9']);
  const t = await mpirun(1, 'test/fixtures/loader/parent.ts', { launcherArgs: ['--usize', '3'], args: ['--throw'], timeoutMs: TIMEOUT });
  assertBoom(t, 'spawned process \\(Spawn #1, child\\.ts\\) rank 1', 'child', 9);
});

test('a futures pool runs TypeScript tasks with local imports; a task error carries the worker\'s .ts stack', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/loader/pool.ts', { launcherArgs: ['--usize', '3'], timeoutMs: TIMEOUT });
  ok(r);
  assert.equal(r.stderr, '');
  const out = lines(r.stdout);
  assert.equal(out[0], 'squares 1 4 9 16');
  assert.equal(out[1], 'error boom on rank 7');
  assert.match(out[2]!, new RegExp(`^stack\\s+at boom \\(${FIXTURES}/boom\\.ts:4:9\\)$`));
});

test('the cache: a private folder (0700), reused on the second run, refreshed when a source changes', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-xdg-'));
  // A copy outside the project: `mpi4ts` then resolves to the launcher's copy.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-loader-'));
  try {
    fs.cpSync(FIXTURES, dir, { recursive: true });
    const env = { XDG_CACHE_HOME: cache, MPI4TS_DEBUG: 'compile' };
    const script = path.join(dir, 'app.ts');
    const run = async (): Promise<string> => {
      const r = await mpirun(2, script, { env, timeoutMs: TIMEOUT });
      ok(r);
      assert.equal(lines(r.stdout).length, 2, r.stdout);
      return r.stderr;
    };
    assert.match(await run(), new RegExp(`^mpi4ts: compile: ${script}: 5 files compiled \\(`));
    const root = path.join(cache, 'mpi4ts');
    assert.equal(fs.statSync(root).mode & 0o777, 0o700);
    const files = fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.ok(files.length >= 6, `manifest and 5 modules, got ${files.map((f) => f.name)}`);
    for (const f of files) assert.equal(fs.statSync(path.join(f.parentPath, f.name)).mode & 0o077, 0, `${f.name} is private`);

    assert.match(await run(), new RegExp(`^mpi4ts: compile: ${script}: cache hit, 0 files compiled \\(`));

    fs.writeFileSync(path.join(dir, 'util.ts'), fs.readFileSync(path.join(dir, 'util.ts'), 'utf8').replace('`rank ', '`Rank '));
    const r = await mpirun(2, script, { env, timeoutMs: TIMEOUT });
    ok(r);
    assert.match(r.stderr, /: 5 files compiled \(/);
    assert.deepEqual(lines(r.stdout).sort(), ['Rank 0 of 2: square sum 1 url true', 'Rank 1 of 2: square sum 1 url true']);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a template import(`./${name}.ts`): a module added after the first run is found on the next (no stale cache)', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-xdg-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-loader-'));
  try {
    // As test/mpi4py/run.ts loads its test modules.
    fs.writeFileSync(path.join(dir, 'entry.ts'), [
      "import { MPI } from 'mpi4ts';",
      'const name = process.argv[2]!;',
      'const mod = await import(`./mod_${name}.ts`) as { v: string };',
      'console.log(`rank ${MPI.COMM_WORLD.rank}: ${mod.v}`);',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'mod_a.ts'), "export const v: string = 'a';\n");
    const env = { XDG_CACHE_HOME: cache, MPI4TS_DEBUG: 'compile' };
    const run = (name: string): Promise<RunResult> => mpirun(2, path.join(dir, 'entry.ts'), { args: [name], env, timeoutMs: TIMEOUT });
    let r = await run('a');
    ok(r);
    assert.deepEqual(lines(r.stdout).sort(), ['rank 0: a', 'rank 1: a']);
    r = await run('a');
    ok(r);
    assert.match(r.stderr, /cache hit, 0 files compiled/);
    fs.writeFileSync(path.join(dir, 'mod_b.ts'), "export const v: string = 'b';\n");
    r = await run('b');
    ok(r);
    assert.doesNotMatch(r.stderr, /cache hit|Module not found in bundle/);
    assert.deepEqual(lines(r.stdout).sort(), ['rank 0: b', 'rank 1: b']);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('JavaScript scripts are not compiled; a TypeScript syntax error is the launcher\'s, with file and line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-loader-'));
  try {
    const js = path.join(dir, 'plain.mjs');
    fs.writeFileSync(js, "import { MPI } from 'mpi4ts';\nconsole.log(`js ${MPI.COMM_WORLD.Get_rank()}`);\n");
    const r = await mpirun(2, js, { env: { MPI4TS_DEBUG: 'compile' }, timeoutMs: TIMEOUT });
    ok(r);
    assert.equal(r.stderr, '');
    assert.deepEqual(lines(r.stdout).sort(), ['js 0', 'js 1']);

    const bad = path.join(dir, 'bad.ts');
    fs.writeFileSync(bad, "import { MPI } from 'mpi4ts';\nconst x: number = ;\nconsole.log(x, MPI);\n");
    const b = await mpirun(2, bad, { timeoutMs: TIMEOUT });
    assert.equal(b.code, 1, b.stderr);
    assert.equal(b.stdout, '');
    assert.match(b.stderr, new RegExp(`^mpi4ts: cannot compile ${bad}: .*\\n.*bad\\.ts:2:18: ERROR: Unexpected ";"`, 's'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a script reached through a symlinked folder runs (compiled under its real path, as Node resolves it)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-symlink-'));
  try {
    fs.symlinkSync(FIXTURES, path.join(dir, 'loader'));
    const r = await mpirun(2, path.join(dir, 'loader', 'app.ts'), { timeoutMs: TIMEOUT, env: { XDG_CACHE_HOME: path.join(dir, 'cache') } });
    ok(r);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
