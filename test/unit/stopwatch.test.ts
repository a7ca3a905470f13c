/**
 * `mpi4ts/stopwatch` (issue 18): cloudmesh's StopWatch as seed 001 §10.4
 * uses it: named timers, sums over restarts, events, and benchmark()'s
 * machine table, timer table and `# csv` lines in cloudmesh's column order
 * (so `fgrep "# csv"` over many logs builds one CSV); the subpath export
 * resolves for programs run with the CLI, inside a project and outside any.
 *   node --import tsx --test test/unit/stopwatch.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/spmd.ts';
import { StopWatch, CSV_COLUMNS } from '../../src/stopwatch.ts';

/** What benchmark() printed, and what it returned. */
function captured(o: Parameters<typeof StopWatch.benchmark>[0] = {}): { printed: string; returned: string } {
  const write = process.stdout.write;
  let printed = '';
  process.stdout.write = ((s: string) => { printed += s; return true; }) as typeof process.stdout.write;
  try {
    return { returned: StopWatch.benchmark(o), printed };
  } finally {
    process.stdout.write = write;
  }
}

const sleep = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

test('timers: get is the last start..stop, sum adds every one; events take no time; unknown names', () => {
  StopWatch.clear();
  StopWatch.start('a');
  sleep(30);
  StopWatch.stop('a');
  const first = StopWatch.get('a')!;
  assert.ok(first >= 0.029 && first < 1, String(first));
  StopWatch.start('a');
  assert.equal(StopWatch.get('a'), undefined, 'running');
  sleep(20);
  StopWatch.stop('a');
  const second = StopWatch.get('a')!;
  assert.ok(second >= 0.019 && second < 1, String(second));
  assert.ok(Math.abs(StopWatch.sum('a')! - (first + second)) < 0.002, `${StopWatch.sum('a')} vs ${first} + ${second}`);
  StopWatch.event('e', { step: 1 });
  assert.equal(StopWatch.get('e'), 0);
  assert.deepEqual(StopWatch.keys(), ['a', 'e']);
  assert.equal(StopWatch.get('nothing'), undefined);
  assert.equal(StopWatch.sum('nothing'), undefined);
  assert.throws(() => StopWatch.stop('nothing'), { name: 'RangeError', message: "StopWatch.stop: no timer named 'nothing' was started" });
  assert.equal(StopWatch.get('a', 1), Number(second.toFixed(1)));
});

test('benchmark(): machine table, timer table, then a # csv header and one # csv line per timer in cloudmesh\'s columns', () => {
  StopWatch.clear();
  StopWatch.start('processors 4');
  StopWatch.stop('processors 4');
  StopWatch.start('failed one');
  StopWatch.stop('failed one', false);
  StopWatch.start('never stopped');
  StopWatch.event('note', 'a, b');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sw-')), 'bench.log');
  const { printed, returned } = captured({ tag: 'run1', node: 'n01', user: 'someone', filename: file });
  assert.equal(printed, `${returned}\n`);
  assert.equal(fs.readFileSync(file, 'utf8'), returned);
  fs.rmSync(path.dirname(file), { recursive: true });

  const lines = returned.split('\n');
  assert.match(returned, /^\n\+-+\+-+\+\n\| Machine Attribute +\| Value +\|\n/);
  for (const attr of ['cpu', 'cpu_count', 'mem.total', 'uname.system', 'platform.version', 'user']) {
    assert.ok(lines.some((l) => new RegExp(`^\\| ${attr.replace('.', '\\.')} +\\| `).test(l)), attr);
  }
  const heading = lines.find((l) => l.startsWith('| Name'))!;
  assert.deepEqual(heading.split('|').slice(1, -1).map((c) => c.trim()), ['Name', 'Status', 'Time', 'Sum', 'Start', 'tag', 'msg', 'Node', 'User', 'OS', 'Version']);

  const csv = lines.filter((l) => l.startsWith('# csv'));
  assert.deepEqual(CSV_COLUMNS, ['timer', 'status', 'time', 'sum', 'start', 'tag', 'msg', 'uname.node', 'user', 'uname.system', 'platform.version']);
  assert.equal(csv[0], ['# csv', ...CSV_COLUMNS].join(','));
  assert.equal(csv.length, 5);
  const os_ = os.type();
  const row = (l: string): string[] => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '')).slice(0, 12);
  const [, p4, failed, running, note] = csv.map(row);
  assert.deepEqual([p4![0], p4![1], p4![2], p4![6], p4![7], p4![8], p4![9], p4![10]], ['# csv', 'processors 4', 'ok', 'run1', 'None', 'n01', 'someone', os_]);
  assert.match(p4![3]!, /^\d+(\.\d+)?$/);
  assert.match(p4![5]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(failed![2], 'failed');
  assert.deepEqual([running![2], running![3]], ['failed', ''], 'a timer never stopped: failed, no time (as cloudmesh)');
  assert.deepEqual([note![1], note![3], note![7]], ['note', '0', '"a, b"']);

  const short = captured({ sysinfo: false, csv: false }).returned;
  assert.doesNotMatch(short, /Machine Attribute|# csv/);
  assert.match(short, /\| processors 4 +\| ok /);
  StopWatch.clear();
  assert.match(captured().returned, /ERROR: No timers found/);
});

test('mpi4ts/stopwatch resolves for a .ts and a .js program run by the CLI, outside any project, on every rank', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sw-'));
  try {
    const body = [
      "import { MPI } from 'mpi4ts';",
      "import { StopWatch } from 'mpi4ts/stopwatch';",
      'StopWatch.start(`ring ${MPI.COMM_WORLD.size}`);',
      'MPI.COMM_WORLD.Barrier();',
      'StopWatch.stop(`ring ${MPI.COMM_WORLD.size}`);',
      "StopWatch.benchmark({ sysinfo: false, tag: `rank${MPI.COMM_WORLD.rank}` });",
      '',
    ].join('\n');
    for (const name of ['sw.ts', 'sw.mjs']) {
      fs.writeFileSync(path.join(dir, name), body);
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mpi4ts.js'), '-n', '2', name], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const csv = r.stdout.split('\n').filter((l) => l.startsWith('# csv,ring'));
      assert.deepEqual(csv.map((l) => l.split(',')[6]).sort(), ['rank0', 'rank1'], `${name}:\n${r.stdout}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
