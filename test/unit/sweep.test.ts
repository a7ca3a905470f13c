/**
 * `mpi4ts sweep` (issue 18, seed 001 §10.4): one job and log per
 * combination of rank counts and parameters, jobs whose log has a result
 * skipped, `--collect` gathering the `# csv` lines into one CSV, and
 * `--script` writing the same sweep as a shell script; launched as a user does.
 *   node --import tsx --test test/unit/sweep.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/spmd.ts';
import { inflateSync } from 'node:zlib';
import { parseParam, sweepJobs } from '../../src/cli/sweep.ts';
import { seriesOf } from '../../src/cli/plot.ts';

/** Width, height and the set of colours of an 8-bit RGBA PNG without filters (as plot.ts writes it). */
function readPng(file: string): { width: number; height: number; colours: Set<string> } {
  const buf = fs.readFileSync(file);
  assert.deepEqual([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at);
    if (buf.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(buf.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, (width * 4 + 1) * height);
  const colours = new Set<string>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * (width * 4 + 1) + 1 + x * 4;
      colours.add(`#${[raw[i]!, raw[i + 1]!, raw[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('')}`);
    }
  }
  return { width, height, colours };
}

const bin = path.join(repoRoot, 'bin', 'mpi4ts.js');
const mpi4ts = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

/** A program timing one allreduce with StopWatch; `--fail` makes it exit 3 before printing a result. */
const PROGRAM = [
  "import { parseArgs } from 'node:util';",
  "import { MPI } from 'mpi4ts';",
  "import { StopWatch } from 'mpi4ts/stopwatch';",
  "const { values } = parseArgs({ options: { size: { type: 'string', default: '1' }, fail: { type: 'string', default: 'no' } } });",
  'const comm = MPI.COMM_WORLD;',
  "if (values.fail === 'yes') process.exit(3);",
  'const name = `work ${comm.size} ${values.size}`;',
  'if (comm.rank === 0) StopWatch.start(name);',
  'comm.allreduce(Number(values.size));',
  'if (comm.rank === 0) { StopWatch.stop(name); StopWatch.benchmark({ sysinfo: false }); }',
  '',
].join('\n');

test('jobs: rank counts outermost, every combination, one log each; --param is checked', () => {
  const jobs = sweepJobs('app.ts', ['--x', '1'], { np: [1, 4], param: [['size', ['10', '1e3']], ['mode', ['a b']]], dir: 'bench' });
  assert.deepEqual(jobs.map((j) => [j.log, j.argv.join(' ')]), [
    ['bench/app-n1-size10-modea_b.log', '-n 1 app.ts --x 1 --size 10 --mode a b'],
    ['bench/app-n1-size1e3-modea_b.log', '-n 1 app.ts --x 1 --size 1e3 --mode a b'],
    ['bench/app-n4-size10-modea_b.log', '-n 4 app.ts --x 1 --size 10 --mode a b'],
    ['bench/app-n4-size1e3-modea_b.log', '-n 4 app.ts --x 1 --size 1e3 --mode a b'],
  ]);
  assert.deepEqual(parseParam('n=1,2'), ['n', ['1', '2']]);
  for (const bad of ['n', '=1', 'n=', '1x=2']) assert.throws(() => parseParam(bad), { name: 'RangeError', message: new RegExp(`--param ${bad}: expected name=value`) });
});

test('sweep runs each job once, skips the ones with a result, retries a failed one; --collect makes one CSV', { timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sweep-'));
  try {
    fs.writeFileSync(path.join(dir, 'work.ts'), PROGRAM);
    let r = mpi4ts(dir, 'sweep', '-n', '1,2', '--param', 'size=10,1000', 'work.ts');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'sweep: np=1 size=10: done -> benchmark/work-n1-size10.log',
      'sweep: np=1 size=1000: done -> benchmark/work-n1-size1000.log',
      'sweep: np=2 size=10: done -> benchmark/work-n2-size10.log',
      'sweep: np=2 size=1000: done -> benchmark/work-n2-size1000.log',
    ]);
    // A bigger sweep later: what has a result is not run again.
    fs.writeFileSync(path.join(dir, 'benchmark', 'work-n3-size10.log'), '# sweep np=3 size=10\nan earlier run that crashed\n');
    r = mpi4ts(dir, 'sweep', '-np', '1,3', '--param', 'size=10', 'work.ts');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'sweep: np=1 size=10: skipped (benchmark/work-n1-size10.log has a result)',
      'sweep: np=3 size=10: done -> benchmark/work-n3-size10.log',
    ]);
    r = mpi4ts(dir, 'sweep', '-n', '2', '--param', 'size=5', '--param', 'fail=yes', '--dir', 'failing', 'work.ts');
    assert.equal(r.status, 1);
    assert.equal(r.stdout.trim(), 'sweep: np=2 size=5 fail=yes: failed (exit 3) -> failing/work-n2-size5-failyes.log');

    r = mpi4ts(dir, 'sweep', '--collect');
    assert.equal(r.status, 0, r.stderr);
    const [header, ...rows] = r.stdout.trim().split('\n');
    assert.equal(header, 'np,size,timer,status,time,sum,start,tag,msg,uname.node,user,uname.system,platform.version');
    assert.deepEqual(rows.map((l) => l.split(',').slice(0, 4).join(',').replace(/,ok$/, '')).sort(), [
      '1,10,work 1 10', '1,1000,work 1 1000', '2,10,work 2 10', '2,1000,work 2 1000', '3,10,work 3 10',
    ]);
    for (const row of rows) assert.match(row.split(',')[4]!, /^\d+(\.\d+)?$/);

    // The plot: time against size, one line per rank count (matplotlib's first colours).
    const series = seriesOf(r.stdout, 'size');
    assert.deepEqual(series.map((x) => [x.np, x.points.map(([v]) => v)]), [[1, [10, 1000]], [2, [10, 1000]], [3, [10]]]);
    r = mpi4ts(dir, 'sweep', '--plot', 'plot.png', '--x', 'size');
    assert.equal(r.status, 0, r.stderr);
    const png = readPng(path.join(dir, 'plot.png'));
    assert.deepEqual([png.width, png.height], [640, 480]);
    for (const c of ['#ffffff', '#000000', '#1f77b4', '#ff7f0e', '#2ca02c']) assert.ok(png.colours.has(c), c);
    assert.ok(!png.colours.has('#d62728'), 'no fourth line');
    r = mpi4ts(dir, 'sweep', '--plot', 'plot.png', '--x', 'count');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--x count: not a parameter of this sweep \(columns: np, size\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('misuse says what is missing, exit status 2', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sweep-'));
  try {
    for (const [argv, message] of [
      [['sweep'], /^mpi4ts sweep: which script\? \(mpi4ts sweep -n 1,2 app\.ts\)$/m],
      [['sweep', '--plot', 'x.png'], /^mpi4ts sweep: --plot: which parameter goes on the x axis\? \(--x name\)$/m],
      [['sweep', '--param', 'bad', 'x.ts'], /--param bad: expected name=value,value,\.\.\./],
      [['sweep', '-n', '1,0', 'x.ts'], /-n must be a positive integer, got '0'/],
    ] as const) {
      const r = mpi4ts(dir, ...argv);
      assert.equal(r.status, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, argv.join(' '));
    }
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing run, nothing written');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--script: the sweep as a shell script that skips jobs with a result, and runs', { timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sweep-'));
  try {
    fs.writeFileSync(path.join(dir, 'work.ts'), PROGRAM);
    const r = mpi4ts(dir, 'sweep', '-n', '1,2', '--param', 'size=7', '--script', 'work.ts');
    assert.equal(r.status, 0, r.stderr);
    const script = r.stdout;
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.equal(script.split('\n').filter((l) => l.includes('work.ts --size 7')).length, 2);
    // Run it with this checkout's launcher in place of npx mpi4ts.
    const sh = script.replaceAll('npx mpi4ts', `"${process.execPath}" "${bin}"`);
    fs.writeFileSync(path.join(dir, 'sweep.sh'), sh);
    // The np=1 job already has a result: the script must leave its log alone.
    fs.mkdirSync(path.join(dir, 'benchmark'));
    const kept = '# sweep np=1 size=7\n# csv,timer,status\n# csv,total,ok\n';
    fs.writeFileSync(path.join(dir, 'benchmark', 'work-n1-size7.log'), kept);
    const run = spawnSync('sh', ['sweep.sh'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'benchmark', 'work-n1-size7.log'), 'utf8'), kept);
    assert.match(fs.readFileSync(path.join(dir, 'benchmark', 'work-n2-size7.log'), 'utf8'), /^# sweep np=2 size=7\n[^]*^# csv,work 2 7,ok,/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
