/**
 * `mpi4ts/util/pool` (mpi4py's `mpi4py.util.pool`): multiprocessing.Pool's
 * API over the futures executor. `Pool` runs calls on MPI worker ranks
 * (MPIPoolExecutor: task functions exported by the main script or by
 * `modules`, found as the executor finds them); `ThreadPool` runs them in
 * this rank, as Python's thread pool does. What blocks in Python returns a
 * Promise here (`await pool.map(f, xs)`); the `*_async` forms return an
 * AsyncResult at once. Built on the public API (mpi4ts/futures).
 */
import { MPIPoolExecutor, Future, CancelledError, TimeoutError, type ExecutorOptions } from '../futures/index.js';

/** What `AsyncResult.get` raises when the result is not ready in time or the call was cancelled (Python's TimeoutError). */
export { TimeoutError };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Task = (...args: any[]) => unknown;
type Result<F extends Task> = Awaited<ReturnType<F>>;

(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('nodejs.asyncDispose');
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('nodejs.dispose');

/** The results of a map: awaitable (all, in order) and async-iterable (each as it is ready). */
export type MapIterator<T> = PromiseLike<T[]> & AsyncIterable<T>;

/** What a pool runs its calls on: MPIPoolExecutor, the in-rank executor of ThreadPool, or a user's. */
export interface PoolExecutor {
  /** Schedule `fn(...args)`; the future resolves with its value (concurrent.futures `submit`). */
  submit<F extends Task>(fn: F, ...args: Parameters<F>): Future<Result<F>>;
  /** `fn(...args)` for each `args`, as an iterator of the results (in order, or as they complete when `unordered`). */
  starmap<F extends Task>(fn: F, iterable: Iterable<Parameters<F>>, options?: { chunksize?: number; unordered?: boolean }): MapIterator<Result<F>>;
  /** Take no more calls; resolves once the submitted ones are done unless `wait` is false (`cancelFutures`: cancel those not started). */
  shutdown(options?: { wait?: boolean; cancelFutures?: boolean }): Promise<void>;
  /** Number of workers, where known (chooses map's default chunk size). */
  readonly numWorkers?: number | null;
}

/** Options of Pool (mpi4py's keyword arguments): the executor's, and multiprocessing's two unsupported ones. */
export interface PoolOptions extends Omit<ExecutorOptions, 'maxWorkers' | 'initializer' | 'initargs'> {
  /** Not supported (as in mpi4py): a value other than null/undefined gives a warning. */
  maxtasksperchild?: number | null;
  /** Not supported (as in mpi4py): a value other than null/undefined gives a warning. */
  context?: unknown;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'function') return `function ${x.name}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return `${typeof x} ${String(x)}`;
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && x !== undefined && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** A process pool (mpi4py's `Pool`, multiprocessing.Pool's API) on MPI worker ranks. */
export class Pool implements AsyncDisposable, Disposable {
  /** The executor the pool submits to. */
  readonly executor: PoolExecutor;
  #processes: number | null;

  /**
   * A pool of `processes` workers (default: the executor's default),
   * each running `initializer(...initargs)` first; `options` go to the
   * executor (MPIPoolExecutor's: `modules`, `env`, `globals`, ...).
   */
  constructor(processes: number | null = null, initializer: Task | null = null, initargs: readonly unknown[] = [], options: PoolOptions = {}) {
    if (processes !== null && processes !== undefined) {
      if (typeof processes !== 'number' || !Number.isInteger(processes)) throw new TypeError(`Pool: processes must be an integer, got ${describe(processes)}`);
      if (processes < 1) throw new RangeError(`Pool: number of processes must be at least 1, got ${processes}`);
    }
    if (initializer !== null && initializer !== undefined && typeof initializer !== 'function') {
      throw new TypeError(`Pool: initializer must be a function, got ${describe(initializer)}`);
    }
    if (options === null || typeof options !== 'object') throw new TypeError(`Pool: options must be an object, got ${describe(options)}`);
    const { maxtasksperchild, context, ...rest } = options;
    for (const [name, value] of [['maxtasksperchild', maxtasksperchild], ['context', context]] as const) {
      if (value !== null && value !== undefined) process.emitWarning(`argument '${name}' is not supported`, 'UserWarning');
    }
    this.#processes = processes ?? null;
    this.executor = this.makeExecutor(processes ?? null, initializer ?? null, initargs, rest);
  }

  /** The executor of this pool: MPIPoolExecutor here; subclasses return their own (mpi4py's `Pool.Executor`). */
  protected makeExecutor(processes: number | null, initializer: Task | null, initargs: readonly unknown[], options: ExecutorOptions): PoolExecutor {
    return new MPIPoolExecutor({ ...options, maxWorkers: processes ?? undefined, initializer: initializer ?? undefined, initargs });
  }

  /** `func(...args)` on a worker; resolves with its value (mpi4py `apply`). */
  apply<F extends Task>(func: F, args: Parameters<F> | readonly unknown[] = []): Promise<Result<F>> {
    return Promise.resolve(this.executor.submit(func, ...(args as Parameters<F>)));
  }

  /** `func(...args)` on a worker, as an AsyncResult; `callback` gets its value, `error_callback` its error (mpi4py `apply_async`). */
  apply_async<F extends Task>(func: F, args: Parameters<F> | readonly unknown[] = [],
    callback: ((value: Result<F>) => void) | null = null, error_callback: ((error: unknown) => void) | null = null): ApplyResult<Result<F>> {
    return new ApplyResult(this.executor.submit(func, ...(args as Parameters<F>)), callback, error_callback);
  }

  /** `func` of each item, all results in order (mpi4py `map`); chunksize default: items over 4 per worker. */
  map<F extends Task>(func: F, iterable: Iterable<Parameters<F>[0]>, chunksize: number | null = null): Promise<Result<F>[]> {
    const [items, size] = this.#chunksize('map', iterable, chunksize);
    return Promise.resolve(this.imap(func, items, size));
  }

  /** map as an AsyncResult of the array of results (mpi4py `map_async`). */
  map_async<F extends Task>(func: F, iterable: Iterable<Parameters<F>[0]>, chunksize: number | null = null,
    callback: ((value: Result<F>[]) => void) | null = null, error_callback: ((error: unknown) => void) | null = null): MapResult<Result<F>[]> {
    const [items, size] = this.#chunksize('map_async', iterable, chunksize);
    return new MapResult(Promise.resolve(this.imap(func, items, size)), callback, error_callback);
  }

  /** `func` of each item, results in order as they come (`for await`), or all (`await`): mpi4py `imap`. */
  imap<F extends Task>(func: F, iterable: Iterable<Parameters<F>[0]>, chunksize = 1): MapIterator<Result<F>> {
    return this.executor.starmap(func, singles<Parameters<F>>('imap', iterable), { chunksize });
  }

  /** imap with results in completion order (mpi4py `imap_unordered`). */
  imap_unordered<F extends Task>(func: F, iterable: Iterable<Parameters<F>[0]>, chunksize = 1): MapIterator<Result<F>> {
    return this.executor.starmap(func, singles<Parameters<F>>('imap_unordered', iterable), { chunksize, unordered: true });
  }

  /** `func(...args)` for each `args`, all results in order (mpi4py `starmap`). */
  starmap<F extends Task>(func: F, iterable: Iterable<Parameters<F>>, chunksize: number | null = null): Promise<Result<F>[]> {
    const [items, size] = this.#chunksize('starmap', iterable, chunksize);
    return Promise.resolve(this.istarmap(func, items, size));
  }

  /** starmap as an AsyncResult of the array of results (mpi4py `starmap_async`). */
  starmap_async<F extends Task>(func: F, iterable: Iterable<Parameters<F>>, chunksize: number | null = null,
    callback: ((value: Result<F>[]) => void) | null = null, error_callback: ((error: unknown) => void) | null = null): MapResult<Result<F>[]> {
    const [items, size] = this.#chunksize('starmap_async', iterable, chunksize);
    return new MapResult(Promise.resolve(this.istarmap(func, items, size)), callback, error_callback);
  }

  /** `func(...args)` for each `args`, results in order as they come (mpi4py `istarmap`). */
  istarmap<F extends Task>(func: F, iterable: Iterable<Parameters<F>>, chunksize = 1): MapIterator<Result<F>> {
    return this.executor.starmap(func, argLists<Parameters<F>>('istarmap', iterable), { chunksize });
  }

  /** istarmap with results in completion order (mpi4py `istarmap_unordered`). */
  istarmap_unordered<F extends Task>(func: F, iterable: Iterable<Parameters<F>>, chunksize = 1): MapIterator<Result<F>> {
    return this.executor.starmap(func, argLists<Parameters<F>>('istarmap_unordered', iterable), { chunksize, unordered: true });
  }

  /** Take no more tasks; the workers leave once the submitted ones are done (mpi4py `close`). */
  close(): void {
    void this.executor.shutdown({ wait: false });
  }

  /** Take no more tasks and cancel those not started (mpi4py `terminate`). */
  terminate(): void {
    void this.executor.shutdown({ wait: false, cancelFutures: true });
  }

  /** Resolves once the submitted tasks are done and the workers have left (mpi4py `join`; call close or terminate first). */
  join(): Promise<void> {
    return this.executor.shutdown({ wait: true });
  }

  /** `using pool = ...`: close at the end of the block (Python's `with Pool() as pool`). */
  [Symbol.dispose](): void { this.close(); }

  /** `await using pool = ...`: close, then join, at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }

  /** mpi4py's `_chunksize`: items over four per worker when no chunksize is given. */
  #chunksize<T>(routine: string, iterable: Iterable<T>, chunksize: number | null): [Iterable<T>, number] {
    if (!isIterable(iterable)) throw new TypeError(`${routine}: iterable must be iterable, got ${describe(iterable)}`);
    if (chunksize !== null && chunksize !== undefined) {
      if (typeof chunksize !== 'number' || !Number.isInteger(chunksize) || chunksize < 1) {
        throw new RangeError(`${routine}: chunksize must be a positive integer, got ${describe(chunksize)}`);
      }
      return [iterable, chunksize];
    }
    const workers = this.executor.numWorkers ?? this.#processes ?? 0;
    if (workers <= 0) return [iterable, 1];
    const items = Array.isArray(iterable) ? iterable : [...iterable];
    return [items, items.length > 0 ? Math.ceil(items.length / (workers * 4)) : 1];
  }
}

function singles<P>(routine: string, iterable: Iterable<unknown>): P[] {
  if (!isIterable(iterable)) throw new TypeError(`${routine}: iterable must be iterable, got ${describe(iterable)}`);
  return Array.from(iterable, (x) => [x] as P);
}

function argLists<P>(routine: string, iterable: Iterable<unknown>): P[] {
  if (!isIterable(iterable)) throw new TypeError(`${routine}: iterable must be iterable, got ${describe(iterable)}`);
  return Array.from(iterable, (args, i) => {
    if (!isIterable(args)) throw new TypeError(`${routine}: item ${i} must be an iterable of arguments, got ${describe(args)}`);
    return [...args] as P;
  });
}

// ---- ThreadPool: calls run in this rank ----------------------------------------

interface LocalItem { future: Future<unknown>; fn: Task; args: readonly unknown[] }

/**
 * The executor of ThreadPool (Python's ThreadPoolExecutor): calls run in
 * this rank's event loop, at most `maxWorkers` of them (async functions)
 * in progress at a time.
 */
export class LocalExecutor implements PoolExecutor {
  readonly numWorkers: number;
  #queue: LocalItem[] = [];
  #running = 0;
  #shutdown = false;
  #initializer: Task | null;
  #initargs: readonly unknown[];
  #initialized: Promise<void> | null = null;
  #idle: (() => void)[] = [];

  constructor(maxWorkers: number | null = null, initializer: Task | null = null, initargs: readonly unknown[] = []) {
    this.numWorkers = maxWorkers ?? 4;
    this.#initializer = initializer;
    this.#initargs = initargs;
  }

  submit<F extends Task>(fn: F, ...args: Parameters<F>): Future<Result<F>> {
    if (typeof fn !== 'function') throw new TypeError(`submit: fn must be a function, got ${describe(fn)}`);
    if (this.#shutdown) throw new Error('submit: cannot submit after shutdown');
    const future = new Future<Result<F>>();
    const item: LocalItem = { future: future as Future<unknown>, fn, args };
    this.#queue.push(item);
    future.onCancel(() => { this.#queue = this.#queue.filter((i) => i !== item); this.#settled(); });
    setImmediate(() => this.#pump());
    return future;
  }

  starmap<F extends Task>(fn: F, iterable: Iterable<Parameters<F>>, options: { chunksize?: number; unordered?: boolean } = {}): MapIterator<Result<F>> {
    const futures = Array.from(iterable, (args) => this.submit(fn, ...args));
    return localResults(futures, options.unordered === true);
  }

  async shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    this.#shutdown = true;
    if (options.cancelFutures) for (const item of [...this.#queue]) item.future.cancel();
    if (options.wait === false) return;
    while (this.#running > 0 || this.#queue.length > 0) await new Promise<void>((r) => this.#idle.push(r));
  }

  #pump(): void {
    while (this.#running < this.numWorkers && this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      if (!item.future.setRunning()) continue;
      this.#running++;
      void this.#run(item);
    }
  }

  async #run(item: LocalItem): Promise<void> {
    try {
      if (this.#initializer !== null) {
        const init = this.#initializer;
        this.#initialized ??= (async () => { await init(...this.#initargs); })();
        await this.#initialized;
      }
      item.future.setResult(await item.fn(...item.args));
    } catch (e) {
      item.future.setException(e);
    } finally {
      this.#running--;
      this.#pump();
      this.#settled();
    }
  }

  #settled(): void {
    if (this.#running === 0 && this.#queue.length === 0) for (const wake of this.#idle.splice(0)) wake();
  }
}

function localResults<T>(futures: Future<T>[], unordered: boolean): MapIterator<T> {
  const all = Promise.all(futures).catch((e: unknown) => {
    for (const f of futures) f.cancel();
    throw e;
  });
  all.catch(() => {});
  return {
    then: (onfulfilled, onrejected) => all.then(onfulfilled, onrejected),
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      if (!unordered) {
        for (const f of futures) yield await f;
        return;
      }
      const pending = new Map(futures.map((f, i) => [i, f.then(() => i, () => i)]));
      while (pending.size > 0) {
        const i = await Promise.race(pending.values());
        pending.delete(i);
        yield await futures[i]!;
      }
    },
  };
}

/** A pool whose calls run in this rank (mpi4py's `ThreadPool`): any function, no worker ranks. */
export class ThreadPool extends Pool {
  protected override makeExecutor(processes: number | null, initializer: Task | null, initargs: readonly unknown[]): PoolExecutor {
    return new LocalExecutor(processes, initializer, initargs);
  }
}

// ---- results ------------------------------------------------------------------------

/** The result of an `*_async` call (mpi4py's `AsyncResult`). */
export class AsyncResult<T = unknown> {
  /** The future (or promise) of the result. */
  readonly future: PromiseLike<T>;
  #ready = false;
  #error: unknown = null;
  #failed = false;
  readonly #done: Promise<void>;

  /** Watch `future`; when it settles, `callback(value)` or `error_callback(error)` runs (a cancellation is a TimeoutError). */
  constructor(future: PromiseLike<T>, callback: ((value: T) => void) | null = null, error_callback: ((error: unknown) => void) | null = null) {
    this.future = future;
    this.#done = Promise.resolve(future).then(
      (value) => {
        try { callback?.(value); } finally { this.#ready = true; }
      },
      (error: unknown) => {
        this.#failed = true;
        this.#error = error instanceof CancelledError ? new TimeoutError('the call was cancelled') : error;
        try { error_callback?.(this.#error); } finally { this.#ready = true; }
      },
    ).catch(() => {});
  }

  /** The value once ready (rejects with the call's error); TimeoutError if not ready within `timeout` seconds. */
  async get(timeout: number | null = null): Promise<T> {
    await this.wait(timeout);
    if (!this.#ready) throw new TimeoutError(`get: the result is not ready after ${timeout} s`);
    if (this.#failed) throw this.#error;
    return await this.future;
  }

  /** Resolves when the result is ready, or after `timeout` seconds. */
  async wait(timeout: number | null = null): Promise<void> {
    if (timeout === null || timeout === undefined) { await this.#done; return; }
    if (typeof timeout !== 'number' || !(timeout >= 0)) throw new RangeError(`wait: timeout must be a number of seconds >= 0, got ${describe(timeout)}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#done, new Promise<void>((r) => { timer = setTimeout(r, timeout * 1000); })]);
    clearTimeout(timer);
  }

  /** Whether the call has completed. */
  ready(): boolean { return this.#ready; }

  /** Whether the call completed without an error; RangeError (Python's ValueError) if not ready. */
  successful(): boolean {
    if (!this.#ready) throw new RangeError('successful: the result is not ready');
    return !this.#failed;
  }
}

/** The result of `apply_async` (mpi4py's `ApplyResult`). */
export class ApplyResult<T = unknown> extends AsyncResult<T> {}

/** The result of `map_async` and `starmap_async` (mpi4py's `MapResult`). */
export class MapResult<T = unknown> extends AsyncResult<T> {}
