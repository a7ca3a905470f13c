/**
 * `--trace out.json` (issue 18, communication timeline): the launcher writes
 * one Trace Event file with every rank's MPI calls ("X"), the ranks named
 * ("M") and a flow ("s" -> "f") from each send to its receive; `mpi4ts trace
 * summary` prints time in MPI per rank and the message matrix. Runs on the
 * transport of the suite (MPI4TS_TRANSPORT=native runs it through mpiexec).
 *
 * Repro: echo 6 | node bin/mpi4ts.js --trace /tmp/ring.json -n 4 examples/ring.ts --count 3
 *        node bin/mpi4ts.js trace summary /tmp/ring.json
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { mpirun, lines, cli, repoRoot, type RunResult } from '../helpers/spmd.ts';

let dir = '';
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-trace-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function why(r: RunResult): string {
  return `\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

type Ev = Record<string, unknown> & { ph: string; pid: number; tid: number; name: string; ts?: number; dur?: number; id?: number };

const isInt = (x: unknown): boolean => Number.isInteger(x);
const isNum = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);

/**
 * A schema check of the Trace Event format (the JSON object form) for the
 * phases mpi4ts writes: the fields each phase requires, with their types;
 * flows that start and finish inside a slice of their process; each rank named.
 */
function checkTraceEventFormat(file: unknown): Ev[] {
  assert.equal(typeof file, 'object');
  const events = (file as { traceEvents?: unknown }).traceEvents;
  assert.ok(Array.isArray(events), 'traceEvents is an array');
  const slices = new Map<number, [number, number][]>();
  for (const e of events as Ev[]) {
    const where = JSON.stringify(e);
    assert.equal(typeof e.name, 'string', `name: ${where}`);
    assert.ok(['X', 'M', 's', 'f'].includes(e.ph), `ph: ${where}`);
    assert.ok(isInt(e.pid) && isInt(e.tid), `pid/tid: ${where}`);
    if (e.ph !== 'M') assert.ok(isNum(e.ts) && e.ts! >= 0, `ts: ${where}`);
    if (e.ph === 'X') {
      assert.ok(isNum(e.dur) && e.dur! >= 0, `dur: ${where}`);
      assert.equal(typeof e['cat'], 'string', `cat: ${where}`);
      const args = e['args'] as Record<string, unknown>;
      assert.equal(typeof args?.['comm'], 'string', `args.comm: ${where}`);
      assert.ok(isInt(args['bytes']), `args.bytes: ${where}`);
      const s = slices.get(e.pid) ?? [];
      s.push([e.ts!, e.ts! + e.dur!]);
      slices.set(e.pid, s);
    }
    if (e.ph === 'M') {
      const args = e['args'] as Record<string, unknown>;
      assert.ok(['process_name', 'process_sort_index', 'thread_name'].includes(e.name), `metadata name: ${where}`);
      if (e.name === 'process_sort_index') assert.ok(isInt(args?.['sort_index']), where);
      else assert.equal(typeof args?.['name'], 'string', where);
    }
    if (e.ph === 's' || e.ph === 'f') {
      assert.ok(isInt(e.id), `id: ${where}`);
      assert.equal(typeof e['cat'], 'string', `cat: ${where}`);
      if (e.ph === 'f') assert.equal(e['bp'], 'e', `bp: ${where}`);
    }
  }
  const evs = events as Ev[];
  // Slices of one thread do not overlap (each call is the outermost).
  for (const [pid, s] of slices) {
    s.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < s.length; i++) assert.ok(s[i]![0] >= s[i - 1]![1] - 0.01, `overlapping calls on pid ${pid}`);
  }
  const inSlice = (e: Ev): boolean => (slices.get(e.pid) ?? []).some(([a, b]) => e.ts! >= a - 0.01 && e.ts! <= b + 0.01);
  const starts = new Map(evs.filter((e) => e.ph === 's').map((e) => [e.id!, e]));
  for (const e of evs) {
    if (e.ph !== 's' && e.ph !== 'f') continue;
    assert.ok(inSlice(e), `flow event outside any call of its rank: ${JSON.stringify(e)}`);
    if (e.ph === 'f') {
      const s = starts.get(e.id!);
      assert.ok(s !== undefined, `flow end without start: ${JSON.stringify(e)}`);
      assert.equal(s.name, e.name);
      assert.equal(s['cat'], e['cat']);
      assert.equal((s['args'] as { to: number }).to, e.pid, 'the flow ends at the receiver');
      assert.ok(e.ts! >= s.ts!, `a message received before it was sent: ${JSON.stringify([s, e])}`);
    }
  }
  // Every process with calls is named.
  for (const pid of slices.keys()) assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'process_name' && e.pid === pid), `pid ${pid} unnamed`);
  return evs;
}

/** `mpi4ts trace summary file`: its output and the message-count matrix it prints. */
function summary(file: string): { text: string; count: number[][]; bytes: number[][] } {
  const r = spawnSync(process.execPath, [cli, 'trace', 'summary', file], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout);
  const matrix = (title: string): number[][] => {
    const at = out.indexOf(title);
    assert.ok(at >= 0, r.stdout);
    const rows: number[][] = [];
    for (let i = at + 2; i < out.length && out[i] !== ''; i++) rows.push(out[i]!.trim().split(/\s+/).slice(1).map(Number));
    return rows;
  };
  return { text: r.stdout, count: matrix('Messages (sender x receiver)'), bytes: matrix('Bytes (sender x receiver)') };
}

describe('--trace', () => {
  for (const np of [2, 4]) {
    test(`examples/ring.ts at ${np} ranks: a valid Trace Event file whose summary counts the ring's messages`, async () => {
      const file = path.join(dir, `ring-${np}.json`);
      const count = 3;
      const r = await mpirun(np, 'examples/ring.ts', { launcherArgs: ['--trace', file], args: ['--count', String(count)], stdin: '6\n' });
      assert.equal(r.code, 0, why(r));
      assert.match(r.stdout, new RegExp(`Final data received in process 0: ${6 + 1 + count * (np - 1)}`), why(r));
      assert.match(r.stderr, /trace of \d+ process(es)? written to /, why(r));
      const events = checkTraceEventFormat(JSON.parse(fs.readFileSync(file, 'utf8')));
      assert.deepEqual(events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => (e['args'] as { name: string }).name),
        Array.from({ length: np }, (_, i) => `rank ${i}`));
      // Each rank calls send and recv `count` times, on COMM_WORLD, with its neighbour.
      for (let rank = 0; rank < np; rank++) {
        const calls = events.filter((e) => e.ph === 'X' && e.pid === rank);
        const sends = calls.filter((e) => e.name === 'send');
        assert.equal(sends.length, count);
        assert.equal(calls.filter((e) => e.name === 'recv').length, count);
        for (const s of sends) assert.deepEqual(s['args'], { comm: 'MPI_COMM_WORLD', peer: (rank + 1) % np, tag: 0, bytes: (s['args'] as { bytes: number }).bytes });
      }
      const flows = events.filter((e) => e.ph === 'f');
      assert.equal(flows.length, count * np, 'every message is matched to its receive');
      const s = summary(file);
      const expected = Array.from({ length: np }, (_, i) => Array.from({ length: np }, (_, j) => (j === (i + 1) % np ? count : 0)));
      assert.deepEqual(s.count, expected, s.text);
      assert.match(s.text, new RegExp(`^${count * np} messages, ${count * np} matched to their receive$`, 'm'));
      assert.match(s.text, /^rank 0 +\d+ +\d+\.\d{6} /m);
    });
  }

  test('mixed point-to-point and collectives at 3 ranks: the matrix is what the program sent; collectives are calls, not messages', async () => {
    const file = path.join(dir, 'mixed.json');
    const r = await mpirun(3, 'test/fixtures/trace/mixed.ts', { launcherArgs: ['--trace', file] });
    assert.equal(r.code, 0, why(r));
    const sent = lines(r.stdout).filter((l) => l.startsWith('SENT ')).map((l) => JSON.parse(l.slice(5)) as { rank: number; sent: number[]; bytes: number[] });
    assert.equal(sent.length, 3, why(r));
    const events = checkTraceEventFormat(JSON.parse(fs.readFileSync(file, 'utf8')));
    const s = summary(file);
    for (const x of sent) {
      assert.deepEqual(s.count[x.rank], x.sent, s.text);
      // Buffers' bytes are known to the program; objects add their pickled size.
      for (let j = 0; j < 3; j++) assert.ok(s.bytes[x.rank]![j]! >= x.bytes[j]!, s.text);
    }
    const total = sent.reduce((n, x) => n + x.sent.reduce((a, b) => a + b, 0), 0);
    assert.match(s.text, new RegExp(`^${total} messages, ${total} matched to their receive$`, 'm'));
    // Collectives are recorded as calls, with their root where they have one.
    const bcast = events.filter((e) => e.ph === 'X' && e.name === 'Bcast');
    assert.equal(bcast.length, 3);
    for (const b of bcast) assert.equal((b['args'] as { root: number }).root, 0);
    for (const name of ['allreduce', 'barrier', 'Dup', 'Request.Waitall', 'Prequest.Startall', 'Sendrecv', 'Mprobe', 'Message.Recv']) {
      assert.ok(events.some((e) => e.ph === 'X' && e.name === name), `no ${name} call in the trace`);
    }
  });

  test('without --trace nothing is recorded or written', async () => {
    const r = await mpirun(2, 'examples/ring.ts', { stdin: '6\n', cwd: dir });
    assert.equal(r.code, 0, why(r));
    assert.doesNotMatch(r.stderr, /trace/);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.parts-')), []);
  });

  test('trace summary of a file that is not a trace: exit status 2 and why', () => {
    const bad = path.join(dir, 'not-a-trace.json');
    fs.writeFileSync(bad, '[1, 2]');
    const r = spawnSync(process.execPath, [cli, 'trace', 'summary', bad], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /mpi4ts: trace summary: cannot read .*not-a-trace\.json: no traceEvents array/);
    const missing = spawnSync(process.execPath, [cli, 'trace', 'summary', path.join(dir, 'none.json')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*none\.json: ENOENT/);
  });
});
