/**
 * The point-to-point examples (ports of the seed programs) run through the
 * CLI at the seeds' rank counts, and print what the seeds show, modulo the
 * order in which ranks print. Run after `npm run build`:
 *   node --import tsx --test test/spmd/examples_p2p.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines, type RunResult } from '../helpers/spmd.ts';

function ok(r: RunResult): void {
  assert.equal(r.signal, null, `killed (hang?)\n${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
}

/** The seed's output lines, in any order. */
async function expectSeed(np: number, script: string, seedOutput: string[]): Promise<void> {
  const r = await mpirun(np, script);
  ok(r);
  assert.deepEqual(lines(r.stdout).sort(), [...seedOutput].sort());
}

test('helloworld_send (000): rank 1 prints what rank 0 sent', async () => {
  await expectSeed(2, 'examples/helloworld_send.ts', ['fred']);
});

test('send_receive (001 5.2.2.1) at -n 4', async () => {
  await expectSeed(4, 'examples/send_receive.ts', [
    'After send/receive, the value in process 2 is null',
    'After send/receive, the value in process 3 is null',
    'After send/receive, the value in process 0 is null',
    'After send/receive, the value in process 1 is 42',
  ]);
});

test('send_receive_buffer (001 5.2.2.2) at -n 4', async () => {
  await expectSeed(4, 'examples/send_receive_buffer.ts', [
    'After Send/Receive, the value in process 3 is [0 0 0 0 0]',
    'After Send/Receive, the value in process 2 is [0 0 0 0 0]',
    'After Send/Receive, the value in process 0 is [0 0 0 0 0]',
    'After Send/Receive, the value in process 1 is [1 2 3 4 5]',
  ]);
});

test('isend_ireceive (001 5.2.2.3) at -n 4', async () => {
  await expectSeed(4, 'examples/isend_ireceive.ts', [
    'After isend/ireceive, the value in process 2 is null',
    'After isend/ireceive, the value in process 3 is null',
    'After isend/ireceive, the value in process 0 is null',
    'After isend/ireceive, the value in process 1 is 42',
  ]);
});

test('pingpong (001 5.2.2.4) at -n 2, and its size assertion', async () => {
  await expectSeed(2, 'examples/pingpong.ts', ['abc', '777']);
  const r = await mpirun(3, 'examples/pingpong.ts');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /AssertionError/);
});

test('jobscript (003) at -n 4: greetings, and rank 1 prints the 100 numbers rank 0 sent', async () => {
  const np = 4;
  const r = await mpirun(np, 'examples/jobscript.ts');
  ok(r);
  const out = lines(r.stdout);
  const list = out.filter((l) => l.startsWith('['));
  const rest = out.filter((l) => !l.startsWith('['));
  assert.deepEqual(rest.sort(), [
    ...Array.from({ length: np }, (_, i) => `Hello from ${i}.  There are a total of ${np} of us.  Good luck.`),
    'I am the rank 0 node.  Code you write here will only execute on this process.',
    'This is frequently used to create a master node that collects results from other nodes.',
  ].sort());
  // Rank 0 prints its two lines in order, after its greeting.
  const r0 = out.filter((l) => l.startsWith('Hello from 0.') || l.startsWith('I am') || l.startsWith('This is'));
  assert.deepEqual(r0.map((l) => l.slice(0, 10)), ['Hello from', 'I am the r', 'This is fr']);
  // One Python-style list: [x, y, ...] of 100 floats in [0, 10).
  assert.equal(list.length, 1);
  assert.match(list[0]!, /^\[\d(\.\d+)?(e-\d\d)?(, \d(\.\d+)?(e-\d\d)?){99}\]$/);
  const nums = list[0]!.slice(1, -1).split(', ').map(Number);
  assert.equal(nums.length, 100);
  for (const x of nums) assert.ok(x >= 0 && x < 10, `${x} out of [0, 10)`);
  // Printed by rank 1 after its greeting.
  assert.ok(out.indexOf(list[0]!) > out.indexOf(`Hello from 1.  There are a total of ${np} of us.  Good luck.`));
});

test('ring (001 6.1): 6 on stdin, -n 2/4/8, --count 1/10', async () => {
  for (const np of [2, 4, 8]) {
    for (const count of [1, 10]) {
      const r = await mpirun(np, 'examples/ring.ts', { args: ['--count', String(count)], stdin: '6\n' });
      ok(r);
      const out = lines(r.stdout);
      // Input 6, plus 1 on rank 0, plus 1 on each of the other np - 1 ranks per trip.
      const final = 6 + 1 + count * (np - 1);
      assert.equal(out[0], `Communicator group with ${np} processes`);
      // The prompt has no newline and piped input is not echoed (as with Python's input()).
      assert.equal(out[1], `Enter an integer to transmit: Final data received in process 0: ${final}`);
      // StopWatch.benchmark() (mpi4ts/stopwatch): the machine, the timer, its # csv line.
      assert.ok(out.some((l) => /^\| Machine Attribute +\| Value +\|$/.test(l)), r.stdout);
      const csv = out.filter((l) => l.startsWith('# csv'));
      assert.equal(csv.length, 2, r.stdout);
      assert.match(csv[1]!, new RegExp(`^# csv,ring ${np} ${count},ok,\\d+(\\.\\d+)?,`));
    }
  }
});

test('ring --debug prints the value after every trip; bad input fails', async () => {
  const r = await mpirun(4, 'examples/ring.ts', { args: ['--count', '3', '--debug'], stdin: '6\n' });
  ok(r);
  const out = lines(r.stdout);
  assert.deepEqual(out.slice(0, 5), [
    'Communicator group with 4 processes',
    'Enter an integer to transmit: Final data received in process 0: 10',
    'Final data received in process 0: 13',
    'Final data received in process 0: 16',
    'Final data received in process 0: 16',
  ]);
  const bad = await mpirun(2, 'examples/ring.ts', { stdin: 'six\n' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /invalid literal for int\(\) with base 10: 'six'/);
});
