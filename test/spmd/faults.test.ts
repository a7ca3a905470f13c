/**
 * Faults end the whole job (issue #6): a rank that throws, exits, aborts,
 * runs out of memory, or computes forever when the launcher gets SIGINT or
 * SIGTERM or its --timeout fires. The launcher names the rank and the reason,
 * exits non-zero, and leaves no process behind; every other rank was waiting
 * for the failing one in a receive and is stopped too.
 *
 * Repro: node bin/mpi4ts.js -n 3 test/fixtures/faults/fail.ts --case throw
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTimed, leftovers, type TimedRun, type TimedOptions } from '../helpers/faults.ts';
import { onNative } from '../helpers/spmd.ts';

const FIXTURE = 'test/fixtures/faults/fail.ts';

async function fault(np: number, name: string, opts: TimedOptions = {}): Promise<{ r: TimedRun; lines: string[] }> {
  const r = await runTimed(np, FIXTURE, ['--case', name], { timeoutMs: 90_000, ...opts });
  const why = `\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
  assert.equal(r.signal, null, `the launcher hung and was killed${why}`);
  assert.doesNotMatch(r.stdout, /PASSED/, 'no rank got past the receive from the failed rank');
  assert.doesNotMatch(r.stderr, /did not stop in time/, 'every rank stopped when asked');
  assert.deepEqual(leftovers(r.runId), [], 'nothing of the job is left running');
  return { r, lines: r.stderr.split('\n').filter((l) => l !== '') };
}

test('a rank that throws: exit 1, its error and stack are printed', async () => {
  for (const np of [2, 3]) {
    const { r, lines } = await fault(np, 'throw');
    assert.equal(r.code, 1);
    // Under mpiexec the library's own abort report may come first.
    const at = onNative ? lines.indexOf(`mpi4ts: rank ${np - 1} failed: Error: boom on rank ${np - 1}`) : 0;
    assert.equal(lines[at], `mpi4ts: rank ${np - 1} failed: Error: boom on rank ${np - 1}`);
    assert.match(lines[at + 1]!, /^ {4}at .*fail\.ts:\d+:\d+/, 'the stack follows');
  }
});

test('a rank that calls process.exit(3): the job exits 3', async () => {
  const { r, lines } = await fault(3, 'exit');
  assert.equal(r.code, 3);
  // Under mpiexec the library reports the exit in its own words.
  if (!onNative) assert.deepEqual(lines, ['mpi4ts: rank 2 failed: exited with code 3']);
});

test('a rank that calls Abort(5): the job exits 5', async () => {
  const { r, lines } = await fault(3, 'abort');
  assert.equal(r.code, 5);
  if (onNative) assert.match(r.stderr, /MPI_Abort was invoked on rank 2 in communicator MPI_COMM_WORLD with errorcode 5/);
  else assert.deepEqual(lines, ['mpi4ts: MPI_Abort was invoked on rank 2 in communicator MPI_COMM_WORLD with errorcode 5']);
});

test('a rank that runs out of memory (--max-memory 64): exit 1, named as such', async () => {
  const { r, lines } = await fault(2, 'oom', { launcherArgs: ['--max-memory', '64'] });
  if (onNative) {
    // Node's own report of the heap limit (--max-old-space-size) and mpiexec's failure status.
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /JavaScript heap out of memory/);
    return;
  }
  assert.equal(r.code, 1);
  assert.deepEqual(lines, ['mpi4ts: rank 1 failed: ran out of memory (JavaScript heap limit of the rank reached; --max-memory MB sets it)']);
});

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${sig} while a rank computes forever: exit ${code}, where each rank was`, async () => {
    const { r, lines } = await fault(3, 'loop', { signal: sig });
    assert.equal(r.code, code);
    // Where each rank was: the embedded launcher sees its ranks, mpiexec's are processes.
    if (!onNative) assert.deepEqual(lines, [
      `mpi4ts: interrupted by ${sig}; where each rank was:`,
      '  rank 0: blocked in recv from source 2, tag 0 on COMM_WORLD',
      '  rank 1: blocked in recv from source 2, tag 0 on COMM_WORLD',
      '  rank 2: running (not in a blocking MPI call)',
    ]);
    assert.ok(r.exitAt - r.markAt < 10_000, `the job ended ${Math.round(r.exitAt - r.markAt)} ms after the ranks were ready`);
  });
}

test('--timeout: exit 124, where each rank was', async () => {
  // Long enough for the ranks to start on a loaded machine; the fixture's ranks then wait or loop forever.
  const { r, lines } = await fault(3, 'loop', { launcherArgs: ['--timeout', '15'] });
  assert.equal(r.code, 124);
  if (onNative) {
    assert.equal(lines[0], 'mpi4ts: timeout: the job did not end within 15 s (--timeout)');
    return;
  }
  assert.deepEqual(lines, [
    'mpi4ts: timeout: the job did not end within 15 s (--timeout); where each rank was:',
    '  rank 0: blocked in recv from source 2, tag 0 on COMM_WORLD',
    '  rank 1: blocked in recv from source 2, tag 0 on COMM_WORLD',
    '  rank 2: running (not in a blocking MPI call)',
  ]);
});

test('--timeout and --max-memory take positive numbers', async () => {
  for (const [opt, v] of [['--timeout', '0'], ['--timeout', 'x'], ['--max-memory', '-1'], ['--max-memory', '1.5']]) {
    const r = await runTimed(1, FIXTURE, ['--case', 'throw'], { launcherArgs: [opt!, v!] });
    assert.equal(r.code, 2, `${opt} ${v}: usage error`);
    assert.match(r.stderr, new RegExp(`${opt} must be a positive (number|integer), got '${v}'`));
  }
});
