/**
 * Errors of point-to-point calls, issue #2: truncation, bad rank, bad tag,
 * non-integer arguments, bad buffer specs, COMM_NULL. The fixture
 * test/fixtures/p2p/errors.ts runs at 1, 2 and 4 ranks; every check also
 * shows that communication still works after the error.
 *
 * Repro of one check: node bin/mpi4ts.js -n 2 test/fixtures/p2p/errors.ts --only <check>
 */
import assert from 'node:assert/strict';
import { fixtureSuite, value, type CheckSpec, type FixtureRun } from '../fixtures/p2p/_harness.ts';

function eachRank<T>(run: FixtureRun, name: string, f: (v: T, rank: number) => void): void {
  for (let r = 0; r < run.np; r++) f(value<T>(run, name, r), r);
}

const checks: CheckSpec[] = [
  {
    name: 'truncate-5-int-into-3',
    verify: (run) => eachRank<{ cls: number; ERR_TRUNCATE: number; code: number; name: string; message: string; statusError: number }>(
      run, 'truncate-5-int-into-3', (v, r) => {
        assert.equal(v.cls, v.ERR_TRUNCATE, `rank ${r}: Get_error_class()`);
        assert.equal(v.code, v.ERR_TRUNCATE, `rank ${r}: Get_error_code()`);
        assert.equal(v.statusError, v.ERR_TRUNCATE, `rank ${r}: status.Get_error()`);
        assert.match(v.message, /\b5\b/, `rank ${r}: the message names the 5 elements sent: ${v.message}`);
        assert.match(v.message, /\b3\b/, `rank ${r}: the message names the 3-element buffer: ${v.message}`);
        assert.match(v.message, /^Recv\b/, `rank ${r}: the message names the call: ${v.message}`);
      }),
  },
  { name: 'truncate-Irecv-wait' },
  { name: 'truncate-test' },
  {
    name: 'truncate-large-rendezvous',
    verify: (run) => eachRank<{ message: string; cls: number; ERR_TRUNCATE: number }>(run, 'truncate-large-rendezvous', (v) => {
      assert.equal(v.cls, v.ERR_TRUNCATE);
      assert.match(v.message, /\b100000\b.*\b50000\b/);
    }),
  },
  { name: 'truncate-rendezvous-into-small-view' },
  { name: 'truncate-receive-posted-first', min: 2 },
  { name: 'truncate-Sendrecv' },
  {
    name: 'bad-rank',
    verify: (run) => eachRank<{ message: string; cls: number; ERR_RANK: number }>(run, 'bad-rank', (v) => {
      assert.equal(v.cls, v.ERR_RANK);
      assert.match(v.message, /-1/, 'the message names the bad rank');
    }),
  },
  {
    name: 'bad-tag',
    verify: (run) => eachRank<{ message: string; cls: number; ERR_TAG: number }>(run, 'bad-tag', (v) => {
      assert.equal(v.cls, v.ERR_TAG);
    }),
  },
  {
    name: 'non-integer-arguments',
    verify: (run) => eachRank<{ name: string; message: string }>(run, 'non-integer-arguments', (v) => {
      assert.equal(v.name, 'TypeError');
      assert.match(v.message, /dest/, 'the message names the argument');
    }),
  },
  { name: 'bad-buffer-specs' },
  { name: 'unserializable-object' },
  { name: 'shared-array-buffer-object' },
  {
    name: 'comm-null',
    verify: (run) => eachRank<{ classes: Record<string, number>; ERR_COMM: number }>(run, 'comm-null', (v) => {
      for (const [call, cls] of Object.entries(v.classes)) assert.equal(cls, v.ERR_COMM, `COMM_NULL.${call}`);
      assert.ok(Object.keys(v.classes).length >= 18);
    }),
  },
  { name: 'exception-api' },
];

fixtureSuite('errors.ts', [1, 2, 4], checks, { timeoutMs: 60_000 });
