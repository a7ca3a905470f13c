/**
 * The mpi4ts sides of bench/compare.ts's rma-2, rma-4 and io-4 entries
 * (issue #15) run at a tiny scale and report every case: a broken window
 * or file call shows here, not only in the CI's benchmark smoke. io.ts
 * checks what it reads back and rma.ts the counter's final value; both
 * fail the job when wrong. Figures are the benchmark's business.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun } from '../helpers/spmd.ts';

interface Output { bench: string; side: string; ranks: number; results: { id: string; [k: string]: unknown }[] }

function benchJson(stdout: string): Output {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  assert.ok(line, `no BENCH_JSON line in:\n${stdout}`);
  return JSON.parse(line.slice('BENCH_JSON '.length)) as Output;
}

const env = { BENCH_SCALE: '0.001', BENCH_CASES: '' };

test('bench/rma.ts at 2 ranks: Put, Get and Accumulate cases', async () => {
  const r = await mpirun(2, 'bench/rma.ts', { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = benchJson(r.stdout);
  assert.equal(out.bench, 'rma');
  assert.deepEqual(out.results.map((x) => x.id), [
    'put-fence-8', 'get-fence-8', 'put-lock-8', 'get-lock-8',
    'put-fence-1m', 'get-fence-1m', 'put-lock-1m', 'get-lock-1m', 'acc-lock-1m',
  ]);
  for (const x of out.results) assert.ok((x['latency_us'] as { mean: number }).mean > 0, x.id);
});

test('bench/rma.ts at 4 ranks: nxtval counter (its final value checked)', async () => {
  const r = await mpirun(4, 'bench/rma.ts', { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = benchJson(r.stdout);
  assert.deepEqual(out.results.map((x) => x.id), ['nxtval']);
  assert.ok((out.results[0]!['ops_per_s'] as number) > 0);
});

test('bench/io.ts at 4 ranks: contiguous and subarray-view collective I/O (data checked)', async () => {
  const r = await mpirun(4, 'bench/io.ts', { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = benchJson(r.stdout);
  assert.deepEqual(out.results.map((x) => x.id), ['write-contig', 'read-contig', 'write-strided', 'read-strided']);
  for (const x of out.results) assert.ok((x['bandwidth_MBps'] as { mean: number }).mean > 0, x.id);
});
