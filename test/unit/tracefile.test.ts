/**
 * The timeline's file (src/core/tracefile.ts): merging the ranks' parts
 * into Trace Event JSON (names, calls, flows matched by MPI's
 * non-overtaking order per sender, receiver, communicator and tag) and the
 * summary read back from it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeParts, summarize, formatSummary, expandPart, traceFileText, TRACE_PART_VERSION, type TracePart, type TraceMessage } from '../../src/core/tracefile.ts';
import { normaliseArgv } from '../../src/cli/main.ts';

const msg = (send: boolean, ts: number, from: number, to: number, tag: number, bytes: number, comm = 'ctx 0'): TraceMessage => ({ send, ts, from, to, tag, bytes, comm });
const part = (pid: number, rank: number, calls: TracePart['calls'], messages: TraceMessage[], spawned = false): TracePart =>
  ({ version: TRACE_PART_VERSION, pid, rank, size: 2, spawned, calls, messages });

describe('mergeParts', () => {
  test('names each rank, keeps its calls as X events, and draws a flow from each send to its receive', () => {
    const p0 = part(0, 0, [{ name: 'Send', ts: 10, dur: 5, comm: 'MPI_COMM_WORLD', peer: 1, tag: 3, bytes: 8 }], [msg(true, 11, 0, 1, 3, 8)]);
    const p1 = part(1, 1, [{ name: 'Recv', ts: 9, dur: 10, comm: 'MPI_COMM_WORLD', peer: 0, tag: 3, bytes: 8 }], [msg(false, 18, 0, 1, 3, 8)]);
    const f = mergeParts([p1, p0], { transport: 'threads' });
    assert.equal(f.otherData['transport'], 'threads');
    const names = f.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, e.args?.['name']]);
    assert.deepEqual(names, [[0, 'rank 0'], [1, 'rank 1']]);
    const x = f.traceEvents.filter((e) => e.ph === 'X');
    assert.deepEqual(x.map((e) => [e.pid, e.name, e.ts, e.dur, e.args]), [
      [0, 'Send', 10, 5, { comm: 'MPI_COMM_WORLD', bytes: 8, peer: 1, tag: 3 }],
      [1, 'Recv', 9, 10, { comm: 'MPI_COMM_WORLD', bytes: 8, peer: 0, tag: 3 }],
    ]);
    const s = f.traceEvents.find((e) => e.ph === 's')!;
    const e = f.traceEvents.find((e) => e.ph === 'f')!;
    assert.deepEqual([s.pid, s.ts, s.id, s.args], [0, 11, 1, { to: 1, tag: 3, bytes: 8, comm: 'ctx 0' }]);
    assert.deepEqual([e.pid, e.ts, e.id, e.bp, e.name, e.cat], [1, 18, 1, 'e', s.name, s.cat]);
  });

  test('matches the k-th send to the k-th receive with the same sender, receiver, communicator and tag', () => {
    // Rank 0 sends tag 1, tag 2, then tag 1 on another communicator; rank 1 receives them in the other order.
    const p0 = part(0, 0, [], [msg(true, 1, 0, 1, 1, 10), msg(true, 2, 0, 1, 2, 20), msg(true, 3, 0, 1, 1, 30, 'ctx 2')]);
    const p1 = part(1, 1, [], [msg(false, 4, 0, 1, 1, 30, 'ctx 2'), msg(false, 5, 0, 1, 2, 20), msg(false, 6, 0, 1, 1, 10)]);
    const f = mergeParts([p0, p1]);
    const starts = new Map(f.traceEvents.filter((e) => e.ph === 's').map((e) => [e.id, e.args?.['bytes']]));
    const ends = f.traceEvents.filter((e) => e.ph === 'f').map((e) => [e.ts, starts.get(e.id)]);
    assert.deepEqual(ends.sort(), [[4, 30], [5, 20], [6, 10]]);
  });

  test('a send nobody received (the job ended first) has a start and no end', () => {
    const f = mergeParts([part(0, 0, [], [msg(true, 1, 0, 1, 0, 4)]), part(1, 1, [], [])]);
    assert.equal(f.traceEvents.filter((e) => e.ph === 's').length, 1);
    assert.equal(f.traceEvents.filter((e) => e.ph === 'f').length, 0);
    assert.match(formatSummary(summarize(f)), /^1 messages, 0 matched to their receive$/m);
  });

  test('spawned processes are named as such', () => {
    const f = mergeParts([part(0, 0, [], []), part(2, 0, [], [], true)]);
    assert.equal(f.traceEvents.find((e) => e.name === 'process_name' && e.pid === 2)?.args?.['name'], 'spawned rank 0 (process 2)');
    assert.match(formatSummary(summarize(f)), /^from\\to +0 +p2$/m);
    assert.match(formatSummary(summarize(f)), /^p2 = spawned rank 0 \(process 2\)$/m);
  });
});

describe('parts and file text', () => {
  test('a compact part (columns, numbered strings, null for absent) expands to its records', () => {
    const p = expandPart({
      version: TRACE_PART_VERSION, pid: 3, rank: 1, size: 2, spawned: false, strings: ['Send', 'MPI_COMM_WORLD', 'bcast', 'ctx 0'],
      calls: [0, 10, 2, 1, 0, 7, null, 8, 2, 20, 3, 1, null, null, 0, 16],
      messages: [1, 11, 3, 0, 7, 8, 3],
    });
    assert.deepEqual(p.calls, [
      { name: 'Send', ts: 10, dur: 2, comm: 'MPI_COMM_WORLD', peer: 0, tag: 7, bytes: 8 },
      { name: 'bcast', ts: 20, dur: 3, comm: 'MPI_COMM_WORLD', root: 0, bytes: 16 },
    ]);
    assert.deepEqual(p.messages, [{ send: true, ts: 11, from: 3, to: 0, tag: 7, bytes: 8, comm: 'ctx 0' }]);
  });

  test('the file written piece by piece is the same JSON', () => {
    const f = mergeParts([part(0, 0, [{ name: 'Send', ts: 1, dur: 1, comm: 'w', bytes: 0 }], [msg(true, 1, 0, 1, 0, 4)]), part(1, 1, [], [msg(false, 2, 0, 1, 0, 4)])], { np: 2 });
    assert.deepEqual(JSON.parse([...traceFileText(f)].join('')), f);
    assert.deepEqual(JSON.parse([...traceFileText({ ...f, traceEvents: [] })].join('')).traceEvents, []);
  });
});

describe('summarize', () => {
  test('time in MPI per rank and the message matrix, count and bytes', () => {
    const p0 = part(0, 0, [{ name: 'send', ts: 0, dur: 1e6, comm: 'w', bytes: 1 }, { name: 'recv', ts: 3e6, dur: 1e6, comm: 'w', bytes: 1 }],
      [msg(true, 0, 0, 1, 0, 100), msg(true, 1, 0, 1, 0, 50)]);
    const p1 = part(1, 1, [{ name: 'recv', ts: 0, dur: 2e6, comm: 'w', bytes: 1 }], [msg(true, 2, 1, 0, 0, 7)]);
    const s = summarize(mergeParts([p0, p1]));
    assert.deepEqual(s.ranks.map((r) => [r.label, r.calls, r.mpiSeconds, r.spanSeconds]), [['rank 0', 2, 2, 4], ['rank 1', 1, 2, 2]]);
    assert.deepEqual(s.count, [[0, 2], [1, 0]]);
    assert.deepEqual(s.bytes, [[0, 150], [7, 0]]);
    const text = formatSummary(s);
    assert.match(text, /^rank 0 +2 +2\.000000 +4\.000000 +50\.0%$/m);
    assert.match(text, /Messages \(sender x receiver\)\nfrom\\to +0 +1\n0 +0 +2\n1 +1 +0\n/);
    assert.match(text, /Bytes \(sender x receiver\)\nfrom\\to +0 +1\n0 +0 +150\n1 +7 +0\n/);
  });
});

describe('the command line', () => {
  test('--trace takes a value before the script; trace is a subcommand', () => {
    assert.deepEqual(normaliseArgv(['--trace', 'out.json', '-n', '4', 'app.ts', '--trace', 'x']), ['run', '--trace', 'out.json', '-n', '4', 'app.ts', '--trace', 'x']);
    assert.deepEqual(normaliseArgv(['trace', 'summary', 'out.json']), ['trace', 'summary', 'out.json']);
  });
});
