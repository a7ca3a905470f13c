/**
 * The environment point-to-point programs rely on, issue #2: constants,
 * TAG_UB and UNIVERSE_SIZE attributes, Get_processor_name, Wtime/Wtick, and
 * COMM_SELF messaging. The fixture test/fixtures/p2p/env.ts runs at 1 and 3
 * ranks, and once with `--usize 6`; test/fixtures/p2p/lifecycle.ts checks
 * that messages of a rank that already exited still arrive.
 *
 * Repro of one check: node bin/mpi4ts.js -n 2 test/fixtures/p2p/env.ts --only <check>
 */
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { fixtureSuite, value, type CheckSpec } from '../fixtures/p2p/_harness.ts';

const universe = (expected: (np: number) => number): CheckSpec => ({
  name: 'universe-size',
  verify: (run) => {
    for (let r = 0; r < run.np; r++) assert.equal(value(run, 'universe-size', r), expected(run.np), `rank ${r}`);
  },
});

const checks: CheckSpec[] = [
  {
    name: 'constants',
    verify: (run) => {
      const c = value<Record<string, number>>(run, 'constants', 0);
      assert.notEqual(c['PROC_NULL'], c['ANY_SOURCE']);
    },
  },
  {
    name: 'tag-ub',
    verify: (run) => {
      for (let r = 0; r < run.np; r++) assert.ok(value<number>(run, 'tag-ub', r) >= 32767, 'TAG_UB >= 32767');
    },
  },
  // Without --usize: the larger of -n and the cores (Open MPI's slots; see `mpi4ts run --help`).
  universe((np) => Math.max(np, os.availableParallelism())),
  {
    name: 'processor-name',
    verify: (run) => {
      const names = Array.from({ length: run.np }, (_, r) => value<string>(run, 'processor-name', r));
      assert.ok(names.every((n) => typeof n === 'string' && n.length > 0));
    },
  },
  {
    name: 'wtime-wtick',
    verify: (run) => {
      const { tick, elapsed } = value<{ tick: number; elapsed: number }>(run, 'wtime-wtick', 0);
      assert.ok(tick > 0);
      assert.ok(elapsed >= 0.019, `Wtime measured ${elapsed} s over a 20 ms spin`);
    },
  },
  { name: 'comm-self-isend-recv' },
  { name: 'comm-self-and-world-do-not-mix' },
];

fixtureSuite('env.ts', [1, 3], checks, { timeoutMs: 60_000 });
fixtureSuite('env.ts', [2], [universe(() => 6)], { timeoutMs: 60_000, launcherArgs: ['--usize', '6'], only: ['universe-size'], label: '--usize 6' });

// A sender that exits right after its sends completed: the messages still arrive.
fixtureSuite('lifecycle.ts', [2], [{ name: 'sender-exits-first', min: 2 }], { timeoutMs: 60_000 });
