/**
 * `mpi4ts bench`: the twin of `python -m mpi4py.bench`, run through the CLI the
 * way a user runs it.
 *
 * Run: npm run build && node --import tsx --test test/spmd/cli_bench.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { cli, repoRoot, lines } from '../helpers/spmd.ts';

interface Result { code: number | null; stdout: string; stderr: string }

/** Run `mpi4ts ...argv` and collect its output (killed after `timeoutMs`: a hang fails the test). */
function mpi4ts(argv: string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...argv], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function hello(rank: number, size: number): string {
  const r = String(rank).padStart(String(size - 1).length);
  return `Hello, World! I am process ${r} of ${size} on ${os.hostname()}.`;
}

const helloLines = (size: number): string[] => Array.from({ length: size }, (_, r) => hello(r, size));

test('helloworld prints every rank\'s line in rank order', async () => {
  for (const np of [1, 2, 3, 4]) {
    const r = await mpi4ts(['bench', '-n', String(np), 'helloworld']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), helloLines(np));
  }
});

test('helloworld right-aligns the rank to the width of size-1', async () => {
  const r = await mpi4ts(['-n', '11', 'bench', 'helloworld']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out, helloLines(11));
  assert.match(out[0]!, /process  0 of 11/);
  assert.match(out[10]!, /process 10 of 11/);
});

test('rank options may come before the subcommand, in every spelling', async () => {
  for (const argv of [['-n', '3', 'bench', 'helloworld'], ['--np', '3', 'bench', 'helloworld'], ['-np', '3', 'bench', 'helloworld'], ['bench', '-np', '3', 'helloworld']]) {
    const r = await mpi4ts(argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    assert.deepEqual(lines(r.stdout), helloLines(3), argv.join(' '));
  }
});

test('helloworld -q prints nothing', async () => {
  for (const q of ['-q', '--quiet']) {
    const r = await mpi4ts(['-n', '3', 'bench', 'helloworld', q]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  }
});

const ringLine = /^time for (\d+) loops = (\S+) seconds \((\d+) processes, (\d+) bytes\)$/;
/** Python's %g: digits, optional fraction, optional two-digit-or-more exponent. */
const pyG = /^\d+(\.\d*[1-9])?(e[+-]\d{2,})?$/;

test('ringtest prints mpi4py\'s line; -n after the name is the message size', async () => {
  for (const [np, argv, loop, bytes] of [
    [1, [], 1, 1],
    [2, ['-n', '1024', '-l', '100'], 100, 1024],
    [4, ['--size', '65536', '--skip', '5', '--loop', '20'], 20, 65536],
    [3, ['-n', '200000', '-s', '1', '-l', '3'], 3, 200000],
  ] as const) {
    const r = await mpi4ts(['-n', String(np), 'bench', 'ringtest', ...argv]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 1, r.stdout);
    const m = ringLine.exec(out[0]!);
    assert.ok(m, out[0]);
    assert.equal(Number(m[1]), loop);
    assert.match(m[2]!, pyG);
    assert.ok(Number(m[2]) >= 0);
    assert.equal(Number(m[3]), np);
    assert.equal(Number(m[4]), bytes);
  }
  const q = await mpi4ts(['-n', '2', 'bench', 'ringtest', '-q', '-l', '10']);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(q.stdout, '');
});

const ppHeader = ['# MPI PingPong Test', '# Size [B]  Bandwidth [MB/s] | Time Mean [s] \u00b1 StdDev [s]  Samples'];
const ppRow = /^ {0,9}(\d{1,10}) +(\d+\.\d\d|nan|inf) \| (\d\.\d{7}e[+-]\d\d) \u00b1 (\d\.\d{4}e[+-]\d\d) +(\d+)$/;

function checkPingpong(stdout: string, sizes: number[], samples: number[]): void {
  const out = lines(stdout);
  assert.deepEqual(out.slice(0, 2), ppHeader);
  const rows = out.slice(2);
  assert.equal(rows.length, sizes.length, stdout);
  rows.forEach((row, i) => {
    assert.equal(row.indexOf('|'), 29, row); // %10d%18.2f then ' | '
    const m = ppRow.exec(row);
    assert.ok(m, row);
    assert.equal(Number(m[1]), sizes[i]);
    assert.equal(Number(m[5]), samples[i]);
    assert.ok(Number(m[3]) > 0, row);
  });
}

test('pingpong prints the header and one row per power-of-two size', async () => {
  const r = await mpi4ts(['-n', '2', 'bench', 'pingpong', '-n', '4096', '-s', '10', '-l', '200']);
  assert.equal(r.code, 0, r.stderr);
  checkPingpong(r.stdout, Array.from({ length: 13 }, (_, i) => 2 ** i), Array(13).fill(200));
});

test('pingpong -p moves objects; min/max sizes, large and huge loops', async () => {
  const r = await mpi4ts(['-n', '2', 'bench', 'pingpong', '-p', '-m', '1000', '-n', '300000', '-l', '50',
    '--large-size', '4096', '--loop-large', '20', '--huge-size', '100000', '--loop-huge', '5']);
  assert.equal(r.code, 0, r.stderr);
  // 1024, 2048, 4096: 50 samples; above 4096: 20; above 100000: 5.
  checkPingpong(r.stdout, [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144], [50, 50, 50, 20, 20, 20, 20, 5, 5]);
});

test('pingpong on 1 and 3 ranks, other memory kinds, --no-stats and --no-header', async () => {
  const one = await mpi4ts(['bench', 'pingpong', '-n', '64', '-l', '20', '-a', 'buffer']);
  assert.equal(one.code, 0, one.stderr);
  checkPingpong(one.stdout, [1, 2, 4, 8, 16, 32, 64], Array(7).fill(20));

  const three = await mpi4ts(['-n', '3', 'bench', 'pingpong', '-m', '16', '-n', '256', '-l', '20', '-a', 'shared']);
  assert.equal(three.code, 0, three.stderr);
  checkPingpong(three.stdout, [16, 32, 64, 128, 256], Array(5).fill(20));

  const bare = await mpi4ts(['-n', '2', 'bench', 'pingpong', '-n', '8', '-l', '20', '--no-stats']);
  assert.equal(bare.code, 0, bare.stderr);
  const out = lines(bare.stdout);
  assert.deepEqual(out.slice(0, 2), ['# MPI PingPong Test', '# Size [B]  Bandwidth [MB/s]']);
  assert.deepEqual(out.slice(2).map((l) => l.length), [28, 28, 28, 28]);
  assert.deepEqual(out.slice(2).map((l) => Number(l.slice(0, 10))), [1, 2, 4, 8]);

  const headless = await mpi4ts(['-n', '2', 'bench', 'pingpong', '-n', '2', '-l', '5', '--no-header']);
  assert.equal(headless.code, 0, headless.stderr);
  assert.equal(lines(headless.stdout).length, 2);
  assert.match(lines(headless.stdout)[0]!, ppRow);
});

test('an unknown benchmark exits 2 and lists the names', async () => {
  for (const argv of [['bench', 'nosuch'], ['-n', '3', 'bench', 'nosuch', '-x']]) {
    const r = await mpi4ts(argv);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown benchmark 'nosuch'/);
    assert.match(r.stderr, /helloworld/);
    assert.match(r.stderr, /ringtest/);
    assert.match(r.stderr, /pingpong/);
  }
  const none = await mpi4ts(['bench']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /missing benchmark name.*helloworld.*ringtest.*pingpong/);
});

test('bad benchmark options exit 2 once, before any rank starts', async () => {
  for (const [argv, msg] of [
    [['-n', '3', 'bench', 'ringtest', '-x'], /Unknown option '-x'/],
    [['bench', 'ringtest', '-n', 'many'], /invalid int value: 'many'/],
    [['bench', 'pingpong', '-a', 'numpy'], /invalid choice: 'numpy'/],
    [['bench', 'helloworld', '-n', '4'], /ranks goes before the benchmark name/],
  ] as const) {
    const r = await mpi4ts([...argv]);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.match(/^usage:/gm)?.length, 1, r.stderr);
  }
});

test('bench --help and bench NAME --help explain the options', async () => {
  const top = await mpi4ts(['bench', '--help']);
  assert.equal(top.code, 0, top.stderr);
  for (const name of ['helloworld', 'ringtest', 'pingpong']) assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
  assert.match(top.stdout, /mpi4ts -n 4 bench/);

  const pp = await mpi4ts(['-n', '2', 'bench', 'pingpong', '--help']);
  assert.equal(pp.code, 0, pp.stderr);
  assert.match(pp.stdout, /^usage: mpi4ts \[-n N\] bench pingpong/);
  for (const opt of ['-q, --quiet', '-m, --min-size', '-n, --max-size', '-s, --skip', '-l, --loop', '-p, --pickle', '--no-header', '--no-stats']) {
    assert.ok(pp.stdout.includes(opt), opt);
  }
  assert.equal(pp.stdout.match(/^usage:/gm)?.length, 1, 'printed once, not by every rank');

  const ring = await mpi4ts(['bench', 'ringtest', '-h']);
  assert.equal(ring.code, 0, ring.stderr);
  assert.match(ring.stdout, /-n, --size SIZE +message size/);
});
