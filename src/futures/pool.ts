/**
 * MPIPoolExecutor and MPICommExecutor (mpi4py `futures/pool.py`): run calls
 * on a pool of worker ranks, spawned (`MPI.COMM_SELF.Spawn`), split off a
 * communicator, or shared by the launcher (`mpi4ts -n K --futures app.ts`).
 * Built on the public API only, as a user would.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MPI } from '../index.js';
import { runtimeEntry } from '../core/entries.js';
import { Future, BrokenExecutor } from './future.js';
import { Manager, type Connection, type Item } from './manager.js';
import { isWorker, mainScriptURL } from './script.js';
import { STOP as STOP_MSG, type FunctionRef, type Setup } from './protocol.js';
import { MapResult, type MapOptions } from './map.js';

// Node 20 before 20.4 has no Symbol.asyncDispose: define the one TypeScript's
// and esbuild's `await using` helpers look up (Node's own name for it).
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('nodejs.asyncDispose');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Task = (...args: any[]) => unknown;

/** One iterable per parameter of a task: what `map` takes for `fn(...args: A)`. */
export type MapIterables<A extends readonly unknown[]> = { [K in keyof A]: Iterable<A[K]> };

/** Options of MPIPoolExecutor (mpi4py's keyword arguments, camelCase). */
export interface ExecutorOptions {
  /**
   * Number of workers. Default: the environment variable MPI4TS_MAX_WORKERS,
   * else the universe size minus the world size (at least 1), as mpi4py.
   */
  maxWorkers?: number;
  /** Called in every worker before any task (an exported function of the main script or of `modules`). */
  initializer?: Task;
  /** Arguments for `initializer`. */
  initargs?: readonly unknown[];
  /** Values set on each worker's `globalThis` before the main script is imported. */
  globals?: Record<string, unknown>;
  /** Variables merged into each worker's `process.env` before the main script is imported. */
  env?: Record<string, string>;
  /** Modules (URLs such as `new URL('./tasks.ts', import.meta.url).href`, or package names) that hold task functions besides the main script. */
  modules?: readonly string[];
  /** Import the main script in the workers (default true); false: tasks come from `modules` only. mpi4py's `main`. */
  main?: boolean;
  /**
   * Calls in flight per worker. Default: adapted to the measured call time
   * (2 for calls of a millisecond or more, up to 16 for very short ones), so
   * short calls do not wait for the round trip and long ones spread evenly;
   * 1 is mpi4py's policy.
   */
  backlog?: number;
}

/** Options of `shutdown` (Python's `wait`, `cancel_futures`). */
export interface ShutdownOptions {
  /** Resolve only once every running call has finished and the workers are released (default true). */
  wait?: boolean;
  /** Cancel the calls that have not started (default false). */
  cancelFutures?: boolean;
}

/** The launcher's pool (`--futures`): the world's other ranks, shared by every executor of rank 0. */
export interface SharedPool {
  readonly comm: MPI.Intercomm;
  readonly size: number;
  nextTag: number;
  closed: boolean;
}

const SHARED = Symbol.for('mpi4ts.futures.sharedPool');

/** @internal The launcher's shared pool, if this rank drives one. */
export function sharedPool(): SharedPool | null {
  return (globalThis as { [SHARED]?: SharedPool })[SHARED] ?? null;
}

/** @internal */
export function setSharedPool(pool: SharedPool | null): void {
  (globalThis as { [SHARED]?: SharedPool | null })[SHARED] = pool;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `'${x}'`;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  return typeof x;
}

function positiveInt(routine: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) throw new TypeError(`${routine}: ${name} must be an integer, got ${describe(x)}`);
  if (x <= 0) throw new RangeError(`${routine}: ${name} must be greater than 0, got ${x}`);
  return x;
}

/** MPI4TS_MAX_WORKERS if set (a RangeError if it is not a positive integer), else null. */
function envMaxWorkers(): number | null {
  const env = process.env['MPI4TS_MAX_WORKERS'];
  if (env === undefined || env === '') return null;
  const n = Number(env);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`MPI4TS_MAX_WORKERS must be a positive integer, got '${env}'`);
  return n;
}

/** Worker count when none is given: MPI4TS_MAX_WORKERS, else universe size minus world size, at least 1 (mpi4py `get_max_workers`). */
export function defaultMaxWorkers(): number {
  const n = envMaxWorkers();
  if (n !== null) return n;
  const universe = MPI.COMM_WORLD.Get_attr(MPI.UNIVERSE_SIZE);
  const world = MPI.COMM_WORLD.Get_size();
  return typeof universe === 'number' ? Math.max(universe - world, 1) : 1;
}

/** A futures worker importing the main script reached the driver's code: say how to guard it. */
function recursionError(routine: string): Error {
  return new Error(
    `${routine}: a futures worker, importing the main script to find task functions, reached code that creates an executor. ` +
    'Guard the driver part of the script so that it runs only in the main process: ' +
    "if (isMain(import.meta)) { ... } (import { isMain } from 'mpi4ts/futures'), the form of Python's if __name__ == '__main__'.");
}

/** The worker program spawned ranks run: the futures-server bundle (server.ts next to this module under tsx). */
function serverScript(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? path.join(path.dirname(here), 'server.ts') : fileURLToPath(runtimeEntry('futures-server'));
}

const live = new Set<MPIPoolExecutor>();

/** @internal Executors started and not yet shut down. */
export function liveExecutors(): ReadonlySet<MPIPoolExecutor> { return live; }
let exitHookInstalled = false;

/**
 * Shut down, at the end of the rank's work, executors the script left open
 * (Python joins them at exit), so that their workers end and the job can.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('beforeExit', () => {
    for (const ex of live) void ex.shutdown({ wait: true }).catch(() => {});
  });
}

/**
 * A pool of worker ranks that run submitted calls: mpi4py
 * `MPIPoolExecutor`. Workers start at the first submit (or `bootup()`):
 * spawned with `MPI.COMM_SELF.Spawn`, or, under `mpi4ts --futures`, the
 * launcher's other ranks. Task functions must be exported at the top level
 * of the main script (or of `modules`): workers import it to find them.
 */
export class MPIPoolExecutor implements AsyncDisposable {
  readonly #options: ExecutorOptions;
  readonly #maxWorkers: number | null;
  #manager: Manager | null = null;
  #connect: (() => Connection) | null;
  #shutdown = false;
  #closing: Promise<void> | null = null;
  #brokenWhy: string | null = null;
  /** Functions by name that the workers hold in memory (MPICommExecutor). */
  #tasks: Readonly<Record<string, Task>> | null = null;

  constructor(options: ExecutorOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`MPIPoolExecutor: options must be an object, got ${describe(options)}`);
    if (isWorker()) throw recursionError('MPIPoolExecutor');
    this.#maxWorkers = options.maxWorkers === undefined || options.maxWorkers === null ? null : positiveInt('MPIPoolExecutor', 'maxWorkers', options.maxWorkers);
    if (this.#maxWorkers === null) envMaxWorkers(); // a bad MPI4TS_MAX_WORKERS is reported here, not at the first submit
    if (options.initializer !== undefined && options.initializer !== null && typeof options.initializer !== 'function') {
      throw new TypeError(`MPIPoolExecutor: initializer must be a function, got ${describe(options.initializer)}`);
    }
    if (options.initargs !== undefined && !Array.isArray(options.initargs)) {
      throw new TypeError(`MPIPoolExecutor: initargs must be an array, got ${describe(options.initargs)}`);
    }
    if (options.modules !== undefined && (!Array.isArray(options.modules) || options.modules.some((m) => typeof m !== 'string'))) {
      throw new TypeError(`MPIPoolExecutor: modules must be an array of module URLs or names, got ${describe(options.modules)}`);
    }
    if (options.backlog !== undefined) positiveInt('MPIPoolExecutor', 'backlog', options.backlog);
    this.#options = options;
    this.#connect = null;
  }

  /** @internal An executor on given workers (MPICommExecutor). */
  static _onConnection(options: ExecutorOptions, connect: () => Connection, tasks: Readonly<Record<string, Task>> | null): MPIPoolExecutor {
    const ex = new MPIPoolExecutor(options);
    ex.#connect = connect;
    ex.#tasks = tasks;
    return ex;
  }

  /** Number of workers, once started (null before the first submit or bootup). mpi4py `num_workers`. */
  get numWorkers(): number | null {
    return this.#manager?.size ?? null;
  }

  /** Start the workers now and wait until they are ready (mpi4py `bootup`). */
  async bootup(): Promise<this> {
    if (this.#shutdown) throw new Error('bootup: cannot start the workers after shutdown');
    await this.#boot().whenReady();
    return this;
  }

  #boot(): Manager {
    if (this.#manager !== null) return this.#manager;
    const o = this.#options;
    const setup: Setup = {
      main: o.main === false ? null : mainScriptURL(),
      modules: o.modules ?? [],
      globals: o.globals ?? null,
      env: o.env ?? null,
      initializer: o.initializer ? this.#ref('initializer', o.initializer) : null,
      initargs: o.initargs ?? [],
    };
    const manager = new Manager(setup, o.backlog ?? null, (why) => { this.#brokenWhy = why; });
    this.#manager = manager;
    live.add(this);
    installExitHook();
    manager.start(this.#connect ?? (() => this.#defaultConnection()));
    return manager;
  }

  #defaultConnection(): Connection {
    const shared = sharedPool();
    if (shared !== null) {
      if (shared.closed) throw new Error('the launcher\'s worker pool has already been closed');
      const n = Math.min(this.#maxWorkers ?? shared.size, shared.size);
      const tag = shared.nextTag++;
      return { comm: shared.comm, tag, workers: Array.from({ length: n }, (_, i) => i), close: () => {} };
    }
    const n = this.#maxWorkers ?? defaultMaxWorkers();
    const comm = MPI.COMM_SELF.Spawn(serverScript(), [], n);
    return { comm, tag: 0, workers: Array.from({ length: n }, (_, i) => i), close: () => comm.Disconnect() };
  }

  /** How workers find `fn`: by name in the main script / modules, or in the MPICommExecutor's tasks. */
  #ref(routine: string, fn: unknown): FunctionRef {
    if (typeof fn !== 'function') throw new TypeError(`${routine}: fn must be a function, got ${describe(fn)}`);
    const registry = this.#tasks;
    if (registry) {
      for (const [name, f] of Object.entries(registry)) if (f === fn) return [null, name];
    }
    const name = fn.name;
    if (!name || name === 'anonymous' || name.startsWith('bound ') || !/^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*$/u.test(name)) {
      throw new TypeError(
        `${routine}: the function ${name ? `'${name}' ` : ''}cannot be sent to the workers: they find task functions by name ` +
        'among the exports of the main script (or of the modules option). Define it at the top level with a name and export it ' +
        '(export function square(x) {...}); arrow functions, closures and bound functions do not travel.');
    }
    return [null, name];
  }

  #check(routine: string): Manager {
    if (this.#brokenWhy !== null) throw new BrokenExecutor(this.#brokenWhy);
    if (this.#shutdown) throw new Error(`${routine}: cannot submit after shutdown`);
    return this.#boot();
  }

  /** Schedule `fn(...args)` on a worker; the Future resolves with its value (mpi4py `submit`). */
  submit<F extends Task>(fn: F, ...args: Parameters<F>): Future<Awaited<ReturnType<F>>> {
    const ref = this.#ref('submit', fn);
    const manager = this.#check('submit');
    const future = new Future<Awaited<ReturnType<F>>>();
    manager.push({ future: future as Future<unknown>, ref, args, chunk: false });
    return future;
  }

  /**
   * `fn` applied to the items of `iterables` taken in parallel (zip, shortest
   * wins): `await` it for the array of results in input order, or iterate it
   * with `for await` as they come. A last argument that is a plain object,
   * not iterable, holds the options `{ chunksize, unordered, timeout, progress }`.
   */
  map<A extends unknown[], R>(fn: (...args: A) => R, ...iterables: MapIterables<A>): MapResult<Awaited<R>>;
  map<A extends unknown[], R>(fn: (...args: A) => R, ...iterablesAndOptions: [...MapIterables<A>, MapOptions]): MapResult<Awaited<R>>;
  map(fn: Task, ...iterablesAndOptions: (Iterable<unknown> | MapOptions)[]): MapResult<unknown> {
    const last = iterablesAndOptions[iterablesAndOptions.length - 1];
    let options: MapOptions = {};
    let iterables = iterablesAndOptions as Iterable<unknown>[];
    if (last !== undefined && last !== null && typeof last === 'object' && !(Symbol.iterator in last)) {
      options = last as MapOptions;
      iterables = iterablesAndOptions.slice(0, -1) as Iterable<unknown>[];
    }
    iterables.forEach((it, i) => {
      if (it === null || it === undefined || typeof (it as Iterable<unknown>)[Symbol.iterator] !== 'function') {
        throw new TypeError(`map: argument ${i + 2} must be iterable, got ${describe(it)}`);
      }
    });
    if (iterables.length === 0) throw new TypeError('map: expected at least one iterable of arguments');
    return this.#starmap('map', fn, zip(iterables), options);
  }

  /** `fn(...args)` for each `args` of `iterable` (mpi4py `starmap`); the result is used as map's. */
  starmap<F extends Task>(fn: F, iterable: Iterable<Parameters<F>>, options: MapOptions = {}): MapResult<Awaited<ReturnType<F>>> {
    if (iterable === null || iterable === undefined || typeof (iterable as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`starmap: iterable must be iterable, got ${describe(iterable)}`);
    }
    const argss: unknown[][] = [];
    let i = 0;
    for (const args of iterable) {
      if (!Array.isArray(args)) throw new TypeError(`starmap: item ${i} must be an array of arguments, got ${describe(args)}`);
      argss.push(args);
      i++;
    }
    return this.#starmap('starmap', fn, argss, options);
  }

  #starmap<T>(routine: string, fn: Task, argss: unknown[][], options: MapOptions): MapResult<T> {
    if (options === null || typeof options !== 'object') throw new TypeError(`${routine}: options must be an object, got ${describe(options)}`);
    const chunksize = options.chunksize === undefined ? 1 : positiveInt(routine, 'chunksize', options.chunksize);
    const timeout = options.timeout ?? null;
    if (timeout !== null && (typeof timeout !== 'number' || !(timeout >= 0))) {
      throw new RangeError(`${routine}: timeout must be a number of seconds >= 0, got ${describe(timeout)}`);
    }
    const ref = this.#ref(routine, fn);
    const manager = this.#check(routine);
    const futures: Future<unknown>[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < argss.length; i += chunksize) {
      const future = new Future<unknown>();
      const item: Item = chunksize === 1
        ? { future, ref, args: argss[i]!, chunk: false }
        : { future, ref, args: argss.slice(i, i + chunksize), chunk: true };
      futures.push(future);
      sizes.push(Math.min(chunksize, argss.length - i));
      manager.push(item);
    }
    return new MapResult<T>(routine, futures, chunksize === 1 ? null : sizes, {
      unordered: options.unordered === true, timeout, progress: options.progress ?? false, total: argss.length,
    });
  }

  /**
   * Stop taking calls and release the workers once the running ones are
   * done (mpi4py `shutdown`). Safe to call more than once.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options ?? {};
    this.#shutdown = true;
    const manager = this.#manager;
    if (cancelFutures) manager?.cancelQueued();
    if (this.#closing === null) {
      this.#closing = manager === null ? Promise.resolve() : manager.close();
      this.#closing.then(() => live.delete(this), () => live.delete(this));
    }
    if (!wait) {
      this.#closing.catch(() => {});
      return Promise.resolve();
    }
    return this.#closing;
  }

  /** `await using executor = new MPIPoolExecutor()`: shutdown({ wait: true }) at the end of the block (Python's `with`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}

/** Options of MPICommExecutor: the executor's, plus the task functions the workers hold. */
export interface CommExecutorOptions extends ExecutorOptions {
  /**
   * Task functions by name. The workers of an MPICommExecutor run the same
   * script as the root and are still inside it, so they cannot import it to
   * find functions when it uses top-level await: list the functions here
   * (the same object on every rank).
   */
  tasks?: Record<string, Task>;
}

/**
 * Split an intracommunicator into the root and the others, joined by an
 * intercommunicator (mpi4py `comm_split`). Collective over `comm`.
 */
export function splitRoot(comm: MPI.Intracomm, root: number): MPI.Intercomm {
  const rank = comm.Get_rank();
  const all = comm.Get_group();
  const mine = rank === root ? all.Incl([root]) : all.Excl([root]);
  const local = comm.Create(mine);
  mine.Free();
  all.Free();
  const remoteLeader = rank === root ? (root === 0 ? 1 : 0) : root;
  const inter = local.Create_intercomm(0, comm, remoteLeader, 0);
  local.Free();
  return inter;
}

/**
 * Use the ranks of a communicator as a pool (mpi4py `MPICommExecutor`): at
 * `root`, `enter()` gives an MPIPoolExecutor whose workers are the other
 * ranks; there, `enter()` serves calls until the root shuts its executor
 * down, then gives null.
 *
 *   await using executor = await new MPICommExecutor(MPI.COMM_WORLD, 0).enter();
 *   if (executor !== null) { ... }   // the root
 */
export class MPICommExecutor implements AsyncDisposable {
  readonly #comm: MPI.Intracomm;
  readonly #root: number;
  readonly #options: CommExecutorOptions;
  #executor: MPIPoolExecutor | null = null;
  #entered = false;

  constructor(comm: MPI.Intracomm = MPI.COMM_WORLD, root = 0, options: CommExecutorOptions = {}) {
    if (isWorker()) throw recursionError('MPICommExecutor');
    if (!(comm instanceof MPI.Comm) || comm.isNull) throw new TypeError(`MPICommExecutor: comm must be an MPI communicator, got ${describe(comm)}`);
    if (comm.Is_inter()) throw new TypeError('MPICommExecutor: expected an intracommunicator, got an intercommunicator');
    if (typeof root !== 'number' || !Number.isInteger(root) || root < 0 || root >= comm.Get_size()) {
      throw new RangeError(`MPICommExecutor: root must be a rank of the communicator (0 to ${comm.Get_size() - 1}), got ${describe(root)}`);
    }
    if (options.tasks !== undefined && (options.tasks === null || typeof options.tasks !== 'object')) {
      throw new TypeError(`MPICommExecutor: tasks must be an object of functions by name, got ${describe(options.tasks)}`);
    }
    this.#comm = comm;
    this.#root = root;
    this.#options = options;
  }

  /**
   * Collective over the communicator. At the root: the executor. Elsewhere:
   * serve calls until the root's executor shuts down, then null.
   */
  async enter(): Promise<MPIPoolExecutor | null> {
    if (this.#entered) throw new Error('MPICommExecutor.enter: already entered');
    this.#entered = true;
    const { tasks = null, ...options } = this.#options;
    const comm = this.#comm;
    if (sharedPool() !== null) {
      // Under mpi4ts --futures the other ranks already serve rank 0: use them (mpi4py does the same).
      if (this.#root !== 0) throw new RangeError(`MPICommExecutor: under mpi4ts --futures the root must be rank 0, which runs the script, got ${this.#root}`);
      this.#executor = new MPIPoolExecutor(options);
      return this.#executor;
    }
    if (comm.Get_size() === 1) {
      throw new RangeError('MPICommExecutor: the communicator has one rank, so there is no rank left to work: run with more ranks (mpi4ts -n K) or use MPIPoolExecutor, which spawns its workers');
    }
    const inter = splitRoot(comm, this.#root);
    if (comm.Get_rank() === this.#root) {
      const n = Math.min(options.maxWorkers ?? inter.Get_remote_size(), inter.Get_remote_size());
      this.#executor = MPIPoolExecutor._onConnection(options, () => ({
        comm: inter, tag: 0, workers: Array.from({ length: n }, (_, i) => i),
        close: () => {
          // Workers beyond maxWorkers got no setup: tell them to stop too.
          for (let w = n; w < inter.Get_remote_size(); w++) inter.ssend([STOP_MSG], w, 0);
          inter.Disconnect();
        },
      }), tasks);
      // Start now: the workers are waiting for their setup.
      await this.#executor.bootup().catch(() => {});
      return this.#executor;
    }
    const { serve } = await import('./worker.js');
    await serve(inter, { shared: false, tasks, mainIsRunning: true });
    inter.Disconnect();
    return null;
  }

  /** Shut the root's executor down (wait: true); nothing elsewhere. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#executor?.shutdown({ wait: true });
  }
}

/** zip(*iterables): tuples up to the shortest. */
function zip(iterables: Iterable<unknown>[]): unknown[][] {
  const its = iterables.map((it) => it[Symbol.iterator]());
  const out: unknown[][] = [];
  for (;;) {
    const row: unknown[] = [];
    for (const it of its) {
      const r = it.next();
      if (r.done) {
        for (const other of its) other.return?.();
        return out;
      }
      row.push(r.value);
    }
    out.push(row);
  }
}

