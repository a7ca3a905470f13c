/**
 * The futures pool executor (mpi4ts/futures) through the CLI: workers
 * spawned by MPIPoolExecutor (`-n 1 --usize U`), the launcher's shared pool
 * (`--futures`), MPICommExecutor; results equal to a plain map (chunks,
 * unordered, for await), failures and their messages, timeouts,
 * cancellation, initializer, worker counts, the two futures examples.
 * Fixtures: test/fixtures/futures/. Run after `npm run build` (also with
 * MPI4TS_TRANSPORT=native MPI4TS_MPI=openmpi|mpich; where the MPI library
 * cannot spawn, the tests of spawned workers are skipped with its error):
 *   node --import tsx --test --test-concurrency=1 test/spmd/futures.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { mpirun, lines, repoRoot, spawnRefused, type RunResult, type RunOptions } from '../helpers/spmd.ts';

const TIMEOUT = 120_000;
/** For the tests whose workers are spawned. */
const spawning = { skip: (await spawnRefused()) ?? false };

function ok(r: RunResult): void {
  assert.equal(r.signal, null, `killed (hang?)\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.equal(r.stderr, '');
}

/** Run a fixture and read its `<check> <json>` lines. */
async function checks(np: number, fixture: string, opts: RunOptions = {}): Promise<Map<string, unknown>> {
  const r = await mpirun(np, `test/fixtures/futures/${fixture}`, { timeoutMs: TIMEOUT, ...opts });
  ok(r);
  const out = new Map<string, unknown>();
  for (const line of lines(r.stdout)) {
    const m = /^(\S+) (.*)$/.exec(line);
    assert.ok(m, `unexpected line ${JSON.stringify(line)}`);
    out.set(m[1]!, JSON.parse(m[2]!));
  }
  return out;
}

function basicChecks(out: Map<string, unknown>, workers: number, ranks: string[]): void {
  assert.equal(out.get('is-future'), true);
  assert.equal(out.get('submit'), 144);
  assert.deepEqual(out.get('done'), [true, false, false]);
  assert.equal(out.get('workers'), workers);
  for (const key of ['submit-all', 'map', 'map-chunksize-1', 'map-chunksize-2', 'map-chunksize-7', 'map-chunksize-50',
    'map-chunksize-103', 'map-chunksize-500', 'starmap-chunks', 'for-await', 'values', 'unordered-first']) {
    assert.equal(out.get(key), true, key);
  }
  assert.deepEqual(out.get('map-unordered-1'), [true, true]);
  assert.deepEqual(out.get('map-unordered-10'), [true, true]);
  assert.equal(out.get('ordered-first'), 0);
  assert.deepEqual(out.get('map-zip'), [1024, 27, 100]);
  assert.deepEqual(out.get('starmap'), [32, 9, 1000]);
  assert.deepEqual(out.get('async-task'), { a: [1, 2] });
  assert.deepEqual(out.get('other-module'), [1, 8, 27]);
  assert.deepEqual(out.get('empty-map'), []);
  assert.deepEqual(out.get('who'), ranks);
}

test('futures_spawn: submit/map/starmap equal a plain map on 2 spawned workers', spawning, async () => {
  const out = await checks(1, 'basic.ts', { launcherArgs: ['--usize', '3'] });
  // Spawned workers are a world of their own: ranks 0 and 1 of 2.
  basicChecks(out, 2, ['0/2', '1/2']);
});

test('futures_launcher: the same on the shared pool of mpi4ts -n 3 --futures', async () => {
  const out = await checks(3, 'basic.ts', { launcherArgs: ['--futures'] });
  basicChecks(out, 2, ['1/3', '2/3']);
});

test('futures_errors: worker errors, lookup errors, bad arguments, timeout, cancellation, shutdown', spawning, async () => {
  const out = await checks(1, 'errors.ts', { launcherArgs: ['--usize', '8'] });
  assert.equal(out.get('task-error'), 'RangeError: no good: 3');
  assert.equal(out.get('task-error-class'), true);
  assert.equal(out.get('task-error-stack'), true, 'the worker\'s stack, naming the task function and file');
  assert.deepEqual(out.get('others-run'), [1, 2, 4, 5]);
  assert.equal(out.get('after-error'), 10);
  assert.equal(out.get('map-error'), 'RangeError: no good: 3');
  assert.equal(out.get('map-chunk-error'), 'RangeError: no good: 3');
  assert.equal(out.get('thrown-value'), 'value {"code":42}');
  assert.equal(out.get('unsendable-result'), 'TypeError');
  assert.match(out.get('not-exported') as string, /^ReferenceError: task function 'notExported' was not found in the worker: it is not exported by 'file:.*errors\.ts'.*export function notExported.*isMain\(import\.meta\)/);
  assert.match(out.get('arrow') as string, /^TypeError: submit: the function cannot be sent to the workers.*export it/);
  assert.equal(out.get('not-function'), 'TypeError: submit: fn must be a function, got 42');
  assert.equal(out.get('chunksize-0'), 'RangeError: map: chunksize must be greater than 0, got 0');
  assert.equal(out.get('not-iterable'), 'TypeError: map: argument 2 must be iterable, got 5');
  assert.match(out.get('timeout') as string, /^TimeoutError: map: results not ready within the timeout of 0\.2 s \(\d of 8 calls finished\)$/);
  assert.equal(out.get('timeout-prompt'), true);
  assert.deepEqual(out.get('timeout-iterated'), [[50], 'TimeoutError', true]);
  assert.equal(out.get('timeout-class'), true);
  assert.deepEqual(out.get('cancel-futures'), [true, 12, true]);
  assert.equal(out.get('submit-after-shutdown'), 'Error: submit: cannot submit after shutdown');
  assert.equal(out.get('shutdown-twice'), 'no error');
  assert.deepEqual(out.get('cancel'), [true, true, 'CancelledError: the future was cancelled before it ran']);
  assert.deepEqual(out.get('cancel-running'), [false, 150]);
  assert.equal(out.get('max-workers-0'), 'RangeError: MPIPoolExecutor: maxWorkers must be greater than 0, got 0');
  assert.equal(out.get('max-workers-bad'), 'TypeError: MPIPoolExecutor: maxWorkers must be an integer, got 1.5');
});

test('futures_initializer: initializer/initargs, globals and env, BrokenExecutor on a failing initializer', spawning, async () => {
  const out = await checks(1, 'initializer.ts', { launcherArgs: ['--usize', '3'] });
  assert.deepEqual(out.get('initializer'), ['w-1', 'w-2', 'w-3']);
  assert.deepEqual(out.get('globals-env'), [42, 'yes', 42]);
  assert.deepEqual(out.get('broken'), [true, 'initializer failed: Error: cannot initialise: on purpose']);
  assert.equal(out.get('broken-submit'), 'BrokenExecutor: initializer failed: Error: cannot initialise: on purpose');
  assert.equal(out.get('end'), true);
});

async function workerCount(np: number, launcherArgs: string[], ask: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await mpirun(np, 'test/fixtures/futures/workers.ts', { launcherArgs, args: [ask], env, timeoutMs: TIMEOUT });
  ok(r);
  return r.stdout.trim();
}

test('futures_workers: maxWorkers, else MPI4TS_MAX_WORKERS, else universe size minus world size', spawning, async () => {
  assert.equal(await workerCount(1, ['--usize', '4'], 'default'), 'workers 3 3');
  assert.equal(await workerCount(1, ['--usize', '4'], '2'), 'workers 2 2');
  assert.equal(await workerCount(1, ['--usize', '4'], 'default', { MPI4TS_MAX_WORKERS: '2' }), 'workers 2 2');
  assert.equal(await workerCount(1, ['--usize', '4'], '1', { MPI4TS_MAX_WORKERS: '3' }), 'workers 1 1');
  // Universe no larger than the world: still one worker (and room for it).
  assert.equal(await workerCount(1, ['--usize', '2'], 'default'), 'workers 1 1');
  assert.match(await workerCount(1, ['--usize', '3'], 'default', { MPI4TS_MAX_WORKERS: '0' }),
    /^error RangeError: MPI4TS_MAX_WORKERS must be a positive integer, got '0'$/);
  assert.match(await workerCount(1, ['--usize', '3'], '5'), /^error BrokenExecutor: cannot start the workers: .*/);
});

test('futures_workers: the launcher\'s pool is the other ranks, capped by maxWorkers', async () => {
  assert.equal(await workerCount(4, ['--futures'], 'default'), 'workers 3 3');
  assert.equal(await workerCount(4, ['--futures'], '2'), 'workers 2 2');
});

test('futures_commexec: MPICommExecutor at several roots and sizes; workers continue after the pool; under --futures', async () => {
  for (const [np, root, mode] of [[3, 0, 'tasks'], [4, 2, 'tasks'], [3, 1, 'main']] as const) {
    const r = await mpirun(np, 'test/fixtures/futures/commexec.ts', { args: [String(root), mode], timeoutMs: TIMEOUT });
    ok(r);
    const out = lines(r.stdout);
    const others = Array.from({ length: np }, (_, i) => i).filter((i) => i !== root);
    assert.deepEqual(out.slice(0, 4), ['submit 1764', 'map [1,4,9,16,25]', `ranks ${JSON.stringify(others)}`, `workers ${np - 1}`], `np ${np} root ${root} ${mode}`);
    assert.deepEqual(out.slice(4).sort(), Array.from({ length: np }, (_, i) => `rank ${i} after`));
  }
  const g = await mpirun(4, 'test/fixtures/futures/commexec.ts', { launcherArgs: ['--futures'], args: ['0', 'guarded'], timeoutMs: TIMEOUT });
  ok(g);
  assert.deepEqual(lines(g.stdout), ['submit 1764', 'map [1,4,9,16,25]', 'ranks [1,2,3]', 'workers 3', 'rank 0 after']);
  const r = await mpirun(3, 'test/fixtures/futures/commexec.ts', { args: ['0', 'stall'], timeoutMs: TIMEOUT });
  ok(r);
  assert.match(r.stdout, /stall "ReferenceError: task function 'square' cannot be looked up: .*new MPICommExecutor\(comm, root, \{ tasks: \{ square \} \}\)/);
});

test('futures_guard: a script without the isMain guard gets a message saying what to do, not a recursion', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/futures/noguard.ts', { launcherArgs: ['--usize', '3'], timeoutMs: TIMEOUT });
  assert.equal(r.signal, null, 'killed (hang?)');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^mpi4ts: rank 0 failed: BrokenExecutor: worker setup failed: Error: MPIPoolExecutor: a futures worker, importing the main script to find task functions, reached code that creates an executor\. Guard the driver part of the script .*if \(isMain\(import\.meta\)\)/);
});

test('futures_progress: map draws a bar on a terminal only', spawning, async () => {
  const piped = await mpirun(1, 'test/fixtures/futures/progress.ts', { launcherArgs: ['--usize', '3'], timeoutMs: TIMEOUT });
  ok(piped);
  assert.equal(piped.stdout, 'done 60\n');
  // On a terminal (script(1) gives the launcher a pseudo-terminal): the bar reaches 60/60, then the line.
  const command = [process.execPath, path.join(repoRoot, 'bin', 'mpi4ts.js'), '-n', '1', '--usize', '3', path.join(repoRoot, 'test/fixtures/futures/progress.ts')].join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: TIMEOUT, cwd: repoRoot });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const screen = r.stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1b[78]/g, '');
  assert.match(screen, /lines [█░]+ 100% \| 60\/60 \| \d+s/);
  assert.match(screen, /done 60/);
});

for (const [np, launcherArgs, how] of [[1, ['--usize', '3'], 'spawned workers'], [3, ['--futures'], '--futures']] as const) {
  test(`examples_futures: mapreduce.ts prints the seed's sum (${how})`, how === '--futures' ? {} : spawning, async () => {
    const r = await mpirun(np, 'examples/mapreduce.ts', { launcherArgs: [...launcherArgs], timeoutMs: TIMEOUT });
    ok(r);
    assert.equal(r.stdout, 'Sum of the products equals 843350\n');
  });
}

test('examples_futures: julia-futures.ts draws the Julia set with the seed\'s parameters', spawning, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-julia-'));
  const r = await mpirun(1, path.join(repoRoot, 'examples/julia-futures.ts'), { launcherArgs: ['--usize', '3'], cwd: dir, env: { WORKERS: '2', MULTIPLIER: '' }, timeoutMs: TIMEOUT });
  ok(r);
  const out = lines(r.stdout);
  assert.deepEqual(out.slice(0, 3), [
    'No multiplier was input so multiplier defaults to 1',
    'Use `MULTIPLIER=2` (or --multiplier 2) to output higher resolution Julia set image',
    'Proceeding since workers exists: 2',
  ]);
  assert.match(out[3]!, /^Overall time: \d+\.\d{3} s \(640x480, 2 workers\)$/);
  const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'julia.png')));
  assert.deepEqual([png.width, png.height], [640, 480]);
  const at = (x: number, y: number): string => Array.from(png.data.subarray(4 * (y * 640 + x), 4 * (y * 640 + x) + 3)).join(',');
  // Outside the set: escape at once (n = 254, the top of viridis: yellow); near the centres of the two spirals: dark.
  assert.equal(at(0, 0), '253,231,37');
  const colours = new Set<string>();
  for (let y = 0; y < 480; y += 4) for (let x = 0; x < 640; x += 4) colours.add(at(x, y));
  assert.ok(colours.size > 50, `${colours.size} colours`);
  // --multiplier 2 as an option doubles the picture.
  const r2 = await mpirun(1, path.join(repoRoot, 'examples/julia-futures.ts'), { launcherArgs: ['--futures'], args: ['--multiplier', '2'], cwd: dir, env: { WORKERS: '', MULTIPLIER: '' }, timeoutMs: TIMEOUT });
  ok(r2);
  assert.match(r2.stdout, /Proceeding since multiplier exists: 2\n/);
  const png2 = PNG.sync.read(fs.readFileSync(path.join(dir, 'julia.png')));
  assert.deepEqual([png2.width, png2.height], [1280, 960]);
  fs.rmSync(dir, { recursive: true, force: true });
});
