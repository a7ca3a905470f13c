/**
 * The collective examples (ports of the seed programs) run through the CLI
 * at the seeds' rank counts, and at other counts (1 to 5, powers of two or
 * not) where the output depends on the size. Each rank's output is checked
 * in order (the launcher's --tag-output says which rank printed a line);
 * the pictures are decoded and checked for size and content.
 * Run after `npm run build`:
 *   node --import tsx --test test/spmd/examples_coll.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { mpirun, lines, type RunResult, type RunOptions } from '../helpers/spmd.ts';

function ok(r: RunResult): void {
  assert.equal(r.signal, null, `killed (hang?)\n${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
}

/** Run with --tag-output and split the output by rank: out[r] is rank r's lines in order. */
async function runRanks(np: number, script: string, opts: RunOptions = {}): Promise<string[][]> {
  const r = await mpirun(np, script, { ...opts, launcherArgs: ['--tag-output', ...(opts.launcherArgs ?? [])] });
  ok(r);
  const out: string[][] = Array.from({ length: np }, () => []);
  for (const line of lines(r.stdout)) {
    const m = /^\[(\d+)\] (.*)$/s.exec(line);
    assert.ok(m, `untagged line: ${JSON.stringify(line)}`);
    out[Number(m[1])]!.push(m[2]!);
  }
  return out;
}

/** Each rank prints exactly `expected(rank)`, in that order. */
async function expectRanks(np: number, script: string, expected: (rank: number) => string[], opts?: RunOptions): Promise<string[][]> {
  const out = await runRanks(np, script, opts);
  for (let rank = 0; rank < np; rank++) {
    assert.deepEqual(out[rank], expected(rank), `rank ${rank} of ${np}`);
  }
  return out;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** NumPy's str() of 10 copies of a one-digit int. */
const ten = (d: number): string => `[${Array(10).fill(d).join(' ')}]`;

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-examples-'));
}

function readPNG(file: string): PNG {
  assert.ok(fs.existsSync(file), `${file} was not written`);
  return PNG.sync.read(fs.readFileSync(file));
}

/** Number of distinct RGBA values. */
function colours(png: PNG): number {
  const seen = new Set<number>();
  const v = new Uint32Array(png.data.buffer, png.data.byteOffset, png.data.length / 4);
  for (const x of v) seen.add(x);
  return seen.size;
}

function pixel(png: PNG, x: number, y: number): string {
  const i = 4 * (y * png.width + x);
  return '#' + [0, 1, 2].map((k) => png.data[i + k]!.toString(16).padStart(2, '0')).join('') + (png.data[i + 3] === 255 ? '' : '?');
}

// ---- 5.3: bcast, scatter, gather, Allgather --------------------------------

const DICT = "{'size': [1, 3, 8], 'name': ['disk1', 'disk2', 'disk3']}";

test('broadcast (001 5.3.1.1) at -n 4 and -n 1', async () => {
  for (const np of [4, 1]) {
    await expectRanks(np, 'examples/broadcast.ts', (r) => [
      `before broadcast, data on rank ${r} is: ${r === 0 ? DICT : 'None'}`,
      `after broadcast, data on rank ${r} is: ${DICT}`,
    ]);
  }
});

test('broadcast_buffer (001 5.3.1.2, npbcast.py) at -n 4', async () => {
  await expectRanks(4, 'examples/broadcast_buffer.ts', (r) => [
    `before broadcasting, data for rank ${r} is: ${r === 0 ? '[0 1 2 3 4 5 6 7 8 9]' : ten(0)}`,
    `after broadcasting, data for rank ${r} is: [0 1 2 3 4 5 6 7 8 9]`,
  ]);
});

test('scatter (001 5.3.2.1) at -n 4 and -n 3', async () => {
  for (const np of [4, 3]) {
    const list = `[${range(np).map((i) => (i + 1) ** 2).join(', ')}]`;
    await expectRanks(np, 'examples/scatter.ts', (r) => [
      `before scattering, data on rank ${r} is: ${r === 0 ? list : 'None'}`,
      `after scattering, data on rank ${r} is: ${(r + 1) ** 2}`,
    ]);
  }
});

test('scatter_buffer (001 5.3.2.2, npscatter.py) at -n 4, 1 and 5', async () => {
  for (const np of [4, 1, 5]) {
    const out = await expectRanks(np, 'examples/scatter_buffer.ts', (r) => [
      ...(r === 0 ? `sendbuf in 0: [${range(np).map(ten).join('\n ')}]`.split('\n') : []),
      `recvbuf in ${r}: ${ten(0)}`,
      `Buffer in process ${r} contains: ${ten(r)}`,
    ]);
    if (np === 4) {
      // The seed's 2-D array, as NumPy prints it.
      assert.deepEqual(out[0]!.slice(0, 4), [
        'sendbuf in 0: [[0 0 0 0 0 0 0 0 0 0]',
        ' [1 1 1 1 1 1 1 1 1 1]',
        ' [2 2 2 2 2 2 2 2 2 2]',
        ' [3 3 3 3 3 3 3 3 3 3]]',
      ]);
    }
  }
});

test('gather (001 5.3.3.1) at -n 4 and -n 3', async () => {
  for (const np of [4, 3]) {
    const list = `[${range(np).map((i) => (i + 1) ** 2).join(', ')}]`;
    await expectRanks(np, 'examples/gather.ts', (r) => [
      `before gathering, data on rank ${r} is: ${(r + 1) ** 2}`,
      r === 0 ? `after gathering, process 0's data is: ${list}` : `after gathering, data in rank ${r} is: None`,
    ]);
  }
});

test('gather_buffer (001 5.3.3.2, npgather.py) at -n 4 and -n 2', async () => {
  await expectRanks(4, 'examples/gather_buffer.ts', (r) => [
    `Buffer in process ${r} before gathering: ${ten(r)}`,
    ...(r === 0 ? [
      'recvbuf in process 0 before gathering: [[0 0 0 0 0 0 0 0 0 0]',
      ' [0 0 0 0 0 0 0 0 0 0]',
      ' [0 0 0 0 0 0 0 0 0 0]',
      ' [0 0 0 0 0 0 0 0 0 0]]',
      'recvbuf in process 0 after gathering: ',
      '[[0 0 0 0 0 0 0 0 0 0]',
      ' [1 1 1 1 1 1 1 1 1 1]',
      ' [2 2 2 2 2 2 2 2 2 2]',
      ' [3 3 3 3 3 3 3 3 3 3]]',
    ] : []),
  ]);
  await expectRanks(2, 'examples/gather_buffer.ts', (r) => [
    `Buffer in process ${r} before gathering: ${ten(r)}`,
    ...(r === 0 ? [
      `recvbuf in process 0 before gathering: [${ten(0)}`, ` ${ten(0)}]`,
      'recvbuf in process 0 after gathering: ', `[${ten(0)}`, ` ${ten(1)}]`,
    ] : []),
  ]);
});

test('allgather_buffer (001 5.3.4) at -n 2 (the seed\'s output), 4 and 5', async () => {
  // Each print ends in '\n', so a blank line follows each table.
  const tables: Record<number, [string[], string[]]> = {
    2: [['[[0. 0.]', ' [0. 0.]]'], ['[[0. 0.]', ' [0. 1.]]']],
    4: [
      ['[[0. 0. 0. 0.]', ' [0. 0. 0. 0.]', ' [0. 0. 0. 0.]', ' [0. 0. 0. 0.]]'],
      ['[[0. 0. 0. 0.]', ' [0. 1. 2. 3.]', ' [0. 2. 4. 6.]', ' [0. 3. 6. 9.]]'],
    ],
    5: [
      ['[[0. 0. 0. 0. 0.]', ' [0. 0. 0. 0. 0.]', ' [0. 0. 0. 0. 0.]', ' [0. 0. 0. 0. 0.]', ' [0. 0. 0. 0. 0.]]'],
      ['[[ 0.  0.  0.  0.  0.]', ' [ 0.  1.  2.  3.  4.]', ' [ 0.  2.  4.  6.  8.]', ' [ 0.  3.  6.  9. 12.]', ' [ 0.  4.  8. 12. 16.]]'],
    ],
  };
  for (const np of [2, 4, 5]) {
    const [before, after] = tables[np]!;
    await expectRanks(np, 'examples/allgather_buffer.ts', (r) => [
      `Process ${r} table before Allgather: ${before[0]}`, ...before.slice(1), '',
      `Process ${r} table after Allgather: ${after[0]}`, ...after.slice(1), '',
    ]);
  }
});

// ---- 6.2 count.py ---------------------------------------------------------

/** Check count.py's output: each rank's draws and count, rank 0's gathered counts and total. */
function checkCount(out: string[][], n: number, max: number, find: number): void {
  const counts: number[] = [];
  out.forEach((lines, r) => {
    const m = /^(\d+) (\d+) \[(.*)\]$/.exec(lines[0]!);
    assert.ok(m, `rank ${r}: ${lines[0]}`);
    assert.equal(Number(m[1]), r);
    const data = m[3] === '' ? [] : m[3]!.split(', ').map(Number);
    assert.equal(data.length, n);
    for (const x of data) assert.ok(Number.isInteger(x) && x >= 1 && x <= max, `rank ${r}: ${x} not in 1..${max}`);
    assert.equal(Number(m[2]), data.filter((x) => x === find).length);
    counts.push(Number(m[2]));
  });
  for (let r = 1; r < out.length; r++) assert.equal(out[r]!.length, 1);
  assert.deepEqual(out[0]!.slice(1), [
    `0 [${counts.join(', ')}]`,
    `Total number of ${find}'s: ${counts.reduce((a, b) => a + b, 0)}`,
  ]);
}

test('count (001 6.2) at -n 4 with the defaults, and at -n 3 with N, MAX, FIND from the environment', async () => {
  const env = { N: '', MAX: '', FIND: '' }; // empty counts as unset (`or 20`)
  checkCount(await runRanks(4, 'examples/count.ts', { env }), 20, 10, 8);
  checkCount(await runRanks(3, 'examples/count.ts', { env: { N: '50', MAX: '3', FIND: '2' } }), 50, 3, 2);
});

// ---- 6.3 parallel_pi.py -----------------------------------------------------

/** The `N mean std` lines of rank 0 for log4 N = 5..maxLog4, checked against the statistics. */
function checkPiLines(out: string[], size: number, maxLog4: number): void {
  assert.equal(out[0], `MPI size = ${size}`);
  const runs = 64 - (64 % size);
  const rows = out.slice(1, 1 + maxLog4 - 4);
  assert.equal(rows.length, maxLog4 - 4);
  rows.forEach((row, k) => {
    const N = 4 ** (5 + k);
    // Python prints: the int N, then two floats as repr() does.
    const m = /^(\d+) (\d\.\d+) (\d\.\d+(?:e-\d\d)?)$/.exec(row);
    assert.ok(m, row);
    assert.equal(Number(m[1]), N);
    const mean = Number(m[2]);
    const std = Number(m[3]);
    // One estimate has standard deviation 4 sqrt(p (1 - p) / N), p = pi/4.
    const sigma = 4 * Math.sqrt((Math.PI / 4) * (1 - Math.PI / 4) / N);
    assert.ok(Math.abs(mean - Math.PI) < 5 * sigma / Math.sqrt(runs), `${row}: mean too far from pi`);
    assert.ok(std > 0.6 * sigma && std < 1.4 * sigma, `${row}: std not near ${sigma}`);
  });
}

test('parallel_pi (001 6.3) at -n 4, shortened sweep: output, statistics and both plots', async () => {
  const cwd = tmpdir();
  const out = await runRanks(4, 'examples/parallel_pi.ts', { args: ['--max-log4', '8'], cwd });
  checkPiLines(out[0]!, 4, 8);
  // StopWatch.benchmark() (mpi4ts/stopwatch): every rank reports its overall time, last, in its # csv line.
  for (let r = 0; r < 4; r++) {
    assert.match(out[r]!.filter((l) => l !== '').at(-1)!, /^# csv,Overall time,ok,\d+(\.\d+)?,/);
    assert.equal(out[r]!.filter((l) => /^(MPI size|\d+ )/.test(l)).length, r === 0 ? 1 + 4 : 0);
  }
  for (const name of ['pi_vs_log2_N.png', 'log2_std_vs_log2_N.png']) {
    const png = readPNG(path.join(cwd, name));
    assert.equal(png.width, 640);
    assert.equal(png.height, 480);
    assert.ok(colours(png) > 16, `${name}: only ${colours(png)} colours`);
    assert.equal(pixel(png, 2, 2), '#ffffff'); // white figure background
  }
  fs.rmSync(cwd, { recursive: true, force: true });
});

test('parallel_pi at -n 3: --seed makes runs repeatable; --max-log4 is checked', async () => {
  const cwd = tmpdir();
  const a = await runRanks(3, 'examples/parallel_pi.ts', { args: ['--max-log4', '6', '--seed', '42'], cwd });
  const b = await runRanks(3, 'examples/parallel_pi.ts', { args: ['--max-log4', '6', '--seed', '42'], cwd });
  checkPiLines(a[0]!, 3, 6); // 21 runs per rank: 63 in all
  assert.deepEqual(a[0]!.slice(0, 3), b[0]!.slice(0, 3));
  fs.rmSync(cwd, { recursive: true, force: true });
  const bad = await mpirun(1, 'examples/parallel_pi.ts', { args: ['--max-log4', '4'] });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid value for '--max-log4': '4'/);
});

// ---- 6.4 Mandelbrot ---------------------------------------------------------

test('mandelbrot (001 6.4) at -n 4, 3 and 1: the same 1200x800 viridis picture', async () => {
  const pictures: PNG[] = [];
  for (const np of [4, 3, 1]) {
    const cwd = tmpdir();
    const out = await runRanks(np, 'examples/mandelbrot.ts', { cwd });
    // StopWatch.benchmark() (mpi4ts/stopwatch): the machine, the timer, its # csv line.
    const csv = out[0]!.filter((l) => l.startsWith('# csv'));
    assert.equal(csv.length, 2, out[0]!.join('\n'));
    assert.match(csv[1]!, new RegExp(`^# csv,parallel ${np},ok,\\d+(\\.\\d+)?,`));
    for (let r = 1; r < np; r++) assert.deepEqual(out[r], []);
    const png = readPNG(path.join(cwd, 'mandelbrot.png'));
    assert.equal(png.width, 1200);
    assert.equal(png.height, 800);
    pictures.push(png);
    fs.rmSync(cwd, { recursive: true, force: true });
  }
  const [p4, p3, p1] = pictures as [PNG, PNG, PNG];
  assert.ok(colours(p4) > 50, `only ${colours(p4)} colours`);
  // The rows each rank computed (Gatherv with the row type) land in place:
  // the picture does not depend on the number of ranks.
  assert.ok(p4.data.equals(p1.data), 'picture at -n 4 differs from -n 1');
  assert.ok(p3.data.equals(p1.data), 'picture at -n 3 differs from -n 1');
  // Viridis from the smallest to the largest count: the corner (-2 - 1j)
  // escapes at once, the centre of the main cardioid (-0.25 + 0j) never.
  assert.equal(pixel(p1, 0, 0), '#440154');
  assert.equal(pixel(p1, 700, 400), '#fde725');
  // Symmetric about the real axis (row i and row 800 - i).
  assert.equal(pixel(p1, 600, 200), pixel(p1, 600, 600));
});

// ---- seed 004: the guessing game ----------------------------------------------

test('guessing_game (004) at -n 4, 3 and 1: every digit 1-9 is scored, points add up', async () => {
  for (const np of [4, 3, 1]) {
    const out = await runRanks(np, 'examples/guessing_game.ts');
    const scored = new Set<number>();
    let points = 0;
    out.forEach((lines, r) => {
      const last = /^rank (\d+) got (\d+) points with (\d+) guesses$/.exec(lines.at(-1)!);
      assert.ok(last, `rank ${r}: ${lines.at(-1)}`);
      assert.equal(Number(last[1]), r);
      const [j, i] = [Number(last[2]), Number(last[3])];
      let guess = 0;
      let pts = 0;
      let digit = -1;
      for (const line of lines.slice(0, -1)) {
        const g = /^rank (\d+) guessed (\d) on guess (\d+); has (\d+) points$/.exec(line);
        if (g) {
          guess += 1;
          assert.deepEqual([Number(g[1]), Number(g[3]), Number(g[4])], [r, guess, pts], line);
          digit = Number(g[2]);
          continue;
        }
        assert.equal(line, `rank${r} guess${guess} scores!`);
        pts += 1;
        assert.ok(digit >= 1, `rank ${r} scored ${digit}`); // 0 is in the list from the start
        scored.add(digit);
      }
      assert.deepEqual([pts, guess], [j, i], `rank ${r}'s tally`);
      points += j;
    });
    assert.deepEqual([...scored].sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(points >= 9, `${points} points for 9 digits`); // ties score twice
  }
});

// ---- seed 000: Reduce --------------------------------------------------------

test('helloworld_reduce (000) at -n 1 to 5: rank 0 prints the sum of the ranks', async () => {
  for (const np of [1, 2, 3, 4, 5]) {
    const sum = (np * (np - 1)) / 2;
    await expectRanks(np, 'examples/helloworld_reduce.ts', (r) => (r === 0 ? [`[${sum}.]`] : []));
  }
});
