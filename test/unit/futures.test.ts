/**
 * Futures building blocks in one process: Future's states and cancellation,
 * MapResult's order, unordered completion, chunk flattening and timeout
 * (with futures settled by hand, no workers).
 *   node --import tsx --test test/unit/futures.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Future, CancelledError, TimeoutError } from '../../src/futures/future.ts';
import { MapResult } from '../../src/futures/map.ts';

const settings = (over: Partial<{ unordered: boolean; timeout: number | null; total: number }> = {}) =>
  ({ unordered: false, timeout: null, progress: false, total: 0, ...over });
const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('Future: a Promise with states; then gives plain Promises', async () => {
  const f = new Future<number>();
  assert.ok(f instanceof Promise);
  assert.deepEqual([f.done(), f.running(), f.cancelled()], [false, false, false]);
  assert.equal(f.setRunning(), true);
  assert.equal(f.running(), true);
  assert.equal(f.cancel(), false, 'a running call cannot be cancelled');
  f.setResult(7);
  assert.equal(await f, 7);
  assert.equal(f.done(), true);
  const chained = f.then((x) => x + 1);
  assert.ok(!(chained instanceof Future));
  assert.equal(await chained, 8);
  f.setException(new Error('late'));
  assert.equal(await f, 7, 'settles once');
});

test('Future: cancel before running rejects with CancelledError; unobserved failures do not crash', async () => {
  const f = new Future<number>();
  let hook = 0;
  f.onCancel(() => { hook++; });
  assert.equal(f.cancel(), true);
  assert.equal(f.cancel(), true);
  assert.equal(hook, 1);
  assert.equal(f.setRunning(), false);
  await assert.rejects(f, CancelledError);
  const g = new Future<number>();
  g.setException(new Error('nobody asks'));
  await tick(5); // an unhandled rejection would fail the test run
});

test('MapResult: input order, for await, chunks flattened', async () => {
  const fs = [new Future<number>(), new Future<number>(), new Future<number>()];
  const r = new MapResult<number>('map', fs, null, settings({ total: 3 }));
  fs[2]!.setResult(30);
  fs[0]!.setResult(10);
  fs[1]!.setResult(20);
  assert.deepEqual(await r, [10, 20, 30]);
  const seen: number[] = [];
  for await (const v of r) seen.push(v);
  assert.deepEqual(seen, [10, 20, 30]);
  const cs = [new Future<number[]>(), new Future<number[]>()];
  const c = new MapResult<number>('map', cs, [2, 1], settings({ total: 3 }));
  cs[1]!.setResult([3]);
  cs[0]!.setResult([1, 2]);
  assert.deepEqual(await c, [1, 2, 3]);
  assert.equal(c.length, 3);
});

test('MapResult: unordered yields in completion order', async () => {
  const fs = [new Future<string>(), new Future<string>(), new Future<string>()];
  const r = new MapResult<string>('map', fs, null, settings({ unordered: true, total: 3 }));
  const seen: string[] = [];
  const done = (async () => { for await (const v of r) seen.push(v); })();
  fs[2]!.setResult('c');
  await tick();
  fs[0]!.setResult('a');
  await tick();
  fs[1]!.setResult('b');
  await done;
  assert.deepEqual(seen, ['c', 'a', 'b']);
});

test('MapResult: an error or a timeout cancels the calls not started', async () => {
  const fs = [new Future<number>(), new Future<number>(), new Future<number>()];
  const r = new MapResult<number>('map', fs, null, settings({ total: 3 }));
  fs[0]!.setRunning();
  fs[0]!.setException(new RangeError('bad'));
  await assert.rejects(r, RangeError);
  assert.deepEqual(fs.map((f) => f.cancelled()), [false, true, true]);
  const ts = [new Future<number>(), new Future<number>()];
  ts[0]!.setRunning();
  const t = new MapResult<number>('starmap', ts, null, settings({ timeout: 0.05, total: 2 }));
  const t0 = performance.now();
  await assert.rejects(t, (e: unknown) => e instanceof TimeoutError && /^starmap: results not ready within the timeout of 0\.05 s \(0 of 2 calls finished\)$/.test((e as Error).message));
  assert.ok(performance.now() - t0 < 1000);
  assert.deepEqual(ts.map((f) => f.cancelled()), [false, true]);
});
