/**
 * Port of mpi4py's test/test_util_pool.py (mpi4ts/util/pool).
 *
 * What blocks in Python is awaited here (`await pool.map(...)`, `await
 * res.get()`); `next(it)` is the async iterator's next, StopIteration its
 * `done`; ValueError is RangeError; warnings.simplefilter("error") becomes a
 * listener on process 'warning' events. The task functions live in
 * _util_pool_tasks.ts, which the worker ranks import (`modules`). The class
 * fixture pool (setUpClass) is made per test (the harness has setUp only).
 * TestProcessPool runs at one rank only, as in mpi4py (mpi-world-size>1).
 */
import { MPI } from 'mpi4ts';
import { pool } from 'mpi4ts/util';
import { TestCase, SkipTest } from './unittest.ts';
import { sqr, mul, identity, raising, sleep, int, KeyError } from './_util_pool_tasks.ts';

const TIMEOUT1 = 0.1;
const TIMEOUT2 = 0.2;
const TASKS = new URL('./_util_pool_tasks.ts', import.meta.url).href;

const range = (a: number, b?: number, step = 1): number[] => {
  const [lo, hi] = b === undefined ? [0, a] : [a, b];
  const out: number[] = [];
  for (let i = lo; step > 0 ? i < hi : i > hi; i += step) out.push(i);
  return out;
};
const zip = <A, B>(a: A[], b: B[]): [A, B][] => a.slice(0, Math.min(a.length, b.length)).map((x, i) => [x, b[i]!]);
const numeric = (a: number, b: number): number => a - b;

async function list<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function elapsed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, (performance.now() - t) / 1000];
}

/** The warnings process.emitWarning gives while `f` runs (they are emitted on the next tick). */
async function warnings(f: () => void): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (w: Error): void => { seen.push(w); };
  process.on('warning', listener);
  try {
    f();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

type AnyPool = pool.Pool;

abstract class BaseTestPool extends TestCase {
  pool!: AnyPool;

  abstract Pool(processes?: number | null, initializer?: ((...a: any[]) => unknown) | null, initargs?: unknown[], options?: pool.PoolOptions): AnyPool;

  override setUp(): void {
    this.pool = this.Pool(1);
  }

  override async tearDown(): Promise<void> {
    this.pool.terminate();
    await this.pool.join();
  }

  async test_apply(): Promise<void> {
    const papply = (f: (...a: any[]) => unknown, args: unknown[]): Promise<unknown> => this.pool.apply(f, args);
    this.assertEqual(await papply(sqr, [5]), await sqr(5));
    // Python's kwds ({"x": 3}): JavaScript calls take positional arguments only.
    this.assertEqual(await papply(sqr, [3]), await sqr(3));
  }

  async test_map(): Promise<void> {
    const expect10 = await Promise.all(range(10).map((x) => sqr(x)));
    const expect100 = await Promise.all(range(100).map((x) => sqr(x)));
    this.assertEqual(await this.pool.map(sqr, range(10)), expect10);
    this.assertEqual(await this.pool.map(sqr, (function* () { yield* range(10); })()), expect10);
    this.assertEqual(await this.pool.map(sqr, [...range(10)]), expect10);
    this.assertEqual(await this.pool.map(sqr, range(100), 20), expect100);
    this.assertEqual(await this.pool.map(sqr, (function* () { yield* range(100); })(), 20), expect100);
    this.assertEqual(await this.pool.map(sqr, [...range(100)], 20), expect100);
  }

  async test_imap(): Promise<void> {
    const expect10 = range(10).map((i) => i * i);
    this.assertEqual(await list(this.pool.imap(sqr, range(10))), expect10);
    this.assertEqual(await list(this.pool.imap(sqr, (function* () { yield* range(10); })())), expect10);
    this.assertEqual(await list(this.pool.imap(sqr, [...range(10)])), expect10);
    for (const [n, chunksize] of [[10, 1], [10, 1], [100, 20], [100, 20]] as const) {
      const it = this.pool.imap(sqr, range(n), chunksize)[Symbol.asyncIterator]();
      for (const i of range(n)) this.assertEqual((await it.next()).value, i * i);
      this.assertTrue((await it.next()).done);
    }
  }

  async test_imap_unordered(): Promise<void> {
    for (const [n, chunksize] of [[10, 1], [100, 20]] as const) {
      const args = range(n);
      const result = args.map((x) => x * x);
      this.assertEqual((await list(this.pool.imap_unordered(sqr, args, chunksize))).sort(numeric), result);
      this.assertEqual((await list(this.pool.imap_unordered(sqr, args[Symbol.iterator](), chunksize))).sort(numeric), result);
      this.assertEqual((await list(this.pool.imap_unordered(sqr, (function* () { yield* args; })(), chunksize))).sort(numeric), result);
    }
  }

  async test_starmap(): Promise<void> {
    let tuples = zip(range(10), range(9, -1, -1));
    this.assertEqual(await this.pool.starmap(mul, tuples), tuples.map(([x, y]) => mul(x, y)));
    tuples = zip(range(100), range(99, -1, -1));
    this.assertEqual(await this.pool.starmap(mul, tuples, 20), tuples.map(([x, y]) => mul(x, y)));
  }

  async test_istarmap(): Promise<void> {
    let tuples = zip(range(10), range(9, -1, -1));
    const result = tuples.map(([x, y]) => mul(x, y));
    this.assertEqual(await list(this.pool.istarmap(mul, tuples)), result);
    const iterator = zip(range(10), range(9, -1, -1))[Symbol.iterator]();
    this.assertEqual(await list(this.pool.istarmap(mul, iterator)), result);

    let it = this.pool.istarmap(mul, tuples)[Symbol.asyncIterator]();
    for (const [i, j] of tuples) this.assertEqual((await it.next()).value, i * j);
    this.assertTrue((await it.next()).done);

    tuples = zip(range(100), range(99, -1, -1));
    it = this.pool.istarmap(mul, tuples, 20)[Symbol.asyncIterator]();
    for (const [i, j] of tuples) this.assertEqual((await it.next()).value, i * j);
    this.assertTrue((await it.next()).done);
  }

  async test_istarmap_unordered(): Promise<void> {
    let tuples = zip(range(10), range(9, -1, -1));
    let result = tuples.map(([x, y]) => mul(x, y)).sort(numeric);
    this.assertEqual((await list(this.pool.istarmap_unordered(mul, tuples))).sort(numeric), result);
    const iterator = zip(range(10), range(9, -1, -1))[Symbol.iterator]();
    this.assertEqual((await list(this.pool.istarmap_unordered(mul, iterator))).sort(numeric), result);
    tuples = zip(range(100), range(99, -1, -1));
    result = tuples.map(([x, y]) => mul(x, y)).sort(numeric);
    this.assertEqual((await list(this.pool.istarmap_unordered(mul, tuples, 20))).sort(numeric), result);
  }

  async test_apply_async(): Promise<void> {
    let res = this.pool.apply_async(sqr, [7]);
    this.assertEqual(await res.get(), 49);
    res = this.pool.apply_async(sqr, [7, TIMEOUT2]);
    const [value, took] = await elapsed(() => res.get());
    this.assertEqual(value, 49);
    this.assertLess(took, TIMEOUT2 * 10);
    this.assertGreater(took, TIMEOUT2 / 10);
  }

  async test_apply_async_timeout(): Promise<void> {
    const res = this.pool.apply_async(sqr, [7, TIMEOUT2]);
    this.assertFalse(res.ready());
    this.assertRaises(RangeError, () => res.successful());
    await res.wait(TIMEOUT2 / 100);
    this.assertFalse(res.ready());
    this.assertRaises(RangeError, () => res.successful());
    await this.assertRejects(pool.TimeoutError, () => res.get(TIMEOUT2 / 100));
    await res.wait();
    this.assertTrue(res.ready());
    this.assertTrue(res.successful());
    this.assertEqual(await res.get(), 49);
  }

  async test_map_async(): Promise<void> {
    let args = range(10);
    this.assertEqual(await this.pool.map_async(sqr, args).get(), args.map((x) => x * x));
    args = range(100);
    this.assertEqual(await this.pool.map_async(sqr, args, 20).get(), args.map((x) => x * x));
  }

  async test_map_async_callbacks(): Promise<void> {
    const callArgs: unknown[] = [];
    const push = (x: unknown): void => { callArgs.push(x); };
    let result = this.pool.map_async(int, ['1', '2'], null, push, push);
    await result.wait();
    this.assertTrue(result.successful());
    this.assertEqual(callArgs.length, 1);
    this.assertEqual(callArgs[0], [1, 2]);
    result = this.pool.map_async(int, ['a'], null, push, push);
    await result.wait();
    this.assertFalse(result.successful());
    this.assertEqual(callArgs.length, 2);
    this.assertIsInstance(callArgs[1], Error);
    this.assertEqual((callArgs[1] as Error).name, 'RangeError');
  }

  async test_starmap_async(): Promise<void> {
    let tuples = zip(range(10), range(9, -1, -1));
    this.assertEqual(await this.pool.starmap_async(mul, tuples).get(), tuples.map(([x, y]) => mul(x, y)));
    tuples = zip(range(1000), range(999, -1, -1));
    this.assertEqual(await this.pool.starmap_async(mul, tuples, 100).get(), tuples.map(([x, y]) => mul(x, y)));
  }

  // ---

  async test_terminate(): Promise<void> {
    let p = this.Pool(1);
    for (let i = 0; i < 100; i++) p.apply_async(sleep, [TIMEOUT1]);
    let result: pool.AsyncResult<unknown> = p.apply_async(sleep, [TIMEOUT1]);
    p.terminate();
    await p.join();
    await result.wait(TIMEOUT1);
    await result.wait();
    this.assertFalse(result.successful());
    await this.assertRejects(pool.TimeoutError, () => result.get(TIMEOUT1));
    await this.assertRejects(pool.TimeoutError, () => result.get());

    p = this.Pool(1);
    const args = range(100).map(() => TIMEOUT1);
    result = p.map_async(sleep, args, 1);
    p.terminate();
    await p.join();
    await result.wait(TIMEOUT1);
    await result.wait();
    this.assertFalse(result.successful());
    await this.assertRejects(pool.TimeoutError, () => result.get(TIMEOUT1));
    await this.assertRejects(pool.TimeoutError, () => result.get());
  }

  async test_empty_iterable(): Promise<void> {
    const p = this.Pool(1);
    this.assertEqual(await p.map(sqr, []), []);
    this.assertEqual(await list(p.imap(sqr, [])), []);
    this.assertEqual(await list(p.imap_unordered(sqr, [])), []);
    this.assertEqual(await p.starmap(sqr, []), []);
    this.assertEqual(await list(p.istarmap(sqr, [])), []);
    this.assertEqual(await list(p.istarmap_unordered(sqr, [])), []);
    this.assertEqual(await p.map_async(sqr, []).get(), []);
    this.assertEqual(await p.starmap_async(mul, []).get(), []);
    p.close();
    await p.join();
  }

  async test_enter_exit(): Promise<void> {
    const p = this.Pool(1);
    p[Symbol.dispose]();
    await p.join();
  }

  // ---

  async test_async_error_callback(): Promise<void> {
    const p = this.Pool(1);
    const scratchpad: unknown[] = [null];
    const errback = (exc: unknown): void => { scratchpad[0] = exc; };
    const res = p.apply_async(raising, [], null, errback);
    p.close();
    await p.join();
    const e = await this.assertRejects(Error, () => res.get());
    this.assertEqual(e.name, 'KeyError');
    this.assertTrue(scratchpad[0]);
    this.assertIsInstance(scratchpad[0], Error);
    this.assertEqual((scratchpad[0] as Error).name, 'KeyError');
  }

  async test_pool_worker_lifetime_early_close(): Promise<void> {
    const p = this.Pool(1);
    const results: pool.AsyncResult<number>[] = [];
    for (const i of range(5)) results.push(p.apply_async(sqr, [i, TIMEOUT1]));
    p.close();
    await p.join();
    for (const [j, res] of results.entries()) this.assertEqual(await res.get(), await sqr(j));
  }

  // ---

  async test_arg_processes(): Promise<void> {
    this.assertRaises(RangeError, () => this.Pool(-1));
    this.assertRaises(RangeError, () => this.Pool(0));
  }

  async test_arg_initializer(): Promise<void> {
    const p = this.Pool(1, identity, [123]);
    p.close();
    await p.join();
    this.assertRaises(TypeError, () => this.Pool(null, 123 as unknown as () => void));
  }

  async test_unsupported_args(): Promise<void> {
    for (const options of [{ maxtasksperchild: 1 }, { context: Object }]) {
      let p: AnyPool | null = null;
      const seen = await warnings(() => { p = this.Pool(1, null, [], options); });
      this.assertEqual(seen.length, 1);
      this.assertEqual(seen[0]!.name, 'UserWarning');
      this.assertIn('is not supported', seen[0]!.message);
      p!.close();
      await p!.join();
    }
  }
}

export class TestProcessPool extends BaseTestPool {
  static override skip = MPI.COMM_WORLD.Get_size() > 1 ? 'mpi-world-size>1' : null;

  /** The probe's verdict: why spawning fails here, or null (once per run, as mpi4py's class-level skipIf). */
  static #spawnRefused: Promise<string | null> | null = null;

  /**
   * mpi4py's skipIf(disable_mpi_spawn()): where the MPI library cannot spawn
   * (MPICH here, without a process manager that can), skip. The probe's pool
   * is joined before the test, so its worker leaves room in the universe.
   */
  override async setUp(): Promise<void> {
    TestProcessPool.#spawnRefused ??= (async () => {
      const probe = this.Pool(1);
      try {
        await probe.apply(identity, [0]);
        return null;
      } catch (e) {
        if (e instanceof Error && e.name === 'BrokenExecutor' && /the MPI library refused/.test(e.message)) return e.message.split('\n')[0]!;
        throw e;
      } finally {
        probe.terminate();
        await probe.join();
      }
    })();
    const refused = await TestProcessPool.#spawnRefused;
    if (refused !== null) throw new SkipTest(`mpi-spawn: ${refused}`);
    super.setUp();
  }

  Pool(processes: number | null = null, initializer: ((...a: any[]) => unknown) | null = null, initargs: unknown[] = [], options: pool.PoolOptions = {}): AnyPool {
    return new pool.Pool(processes, initializer, initargs, { modules: [TASKS], main: false, ...options });
  }
}

export class TestThreadPool extends BaseTestPool {
  Pool(processes: number | null = null, initializer: ((...a: any[]) => unknown) | null = null, initargs: unknown[] = [], options: pool.PoolOptions = {}): AnyPool {
    return new pool.ThreadPool(processes, initializer, initargs, options);
  }
}

// ---

/** mpi4py's UserExecutor: a thread pool executor whose starmap ignores `unordered`. */
class UserExecutor extends pool.LocalExecutor {
  override starmap<F extends (...args: any[]) => unknown>(fn: F, iterable: Iterable<Parameters<F>>, options: { chunksize?: number; unordered?: boolean } = {}): pool.MapIterator<Awaited<ReturnType<F>>> {
    return super.starmap(fn, iterable, { chunksize: options.chunksize });
  }
}

/** mpi4py's UserPool: a Pool on a user's executor. */
class UserPool extends pool.Pool {
  protected override makeExecutor(processes: number | null, initializer: ((...a: any[]) => unknown) | null, initargs: readonly unknown[]): pool.PoolExecutor {
    return new UserExecutor(processes, initializer, initargs);
  }
}

export class TestUserPool extends BaseTestPool {
  Pool(processes: number | null = null, initializer: ((...a: any[]) => unknown) | null = null, initargs: unknown[] = [], options: pool.PoolOptions = {}): AnyPool {
    return new UserPool(processes, initializer, initargs, options);
  }
}

void KeyError;
