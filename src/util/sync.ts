/**
 * `mpi4ts/util/sync`: synchronisation utilities on one-sided communication,
 * as mpi4py's `mpi4py.util.sync`: {@link Sequential} execution, a global
 * {@link Counter}, a {@link Mutex} (an MCS queue lock in a window), a
 * {@link Condition} variable and a {@link Semaphore}. Built only on the
 * public API, the way mpi4py's module uses `from .. import MPI`.
 * mpi4py's keyword-only arguments are one trailing options object; its
 * context managers are `Symbol.dispose` beside the explicit methods.
 *
 * @example
 * ```ts
 * import { MPI } from 'mpi4ts';
 * import { Counter, Mutex } from 'mpi4ts/util/sync';
 * const counter = new Counter(0, 1, { comm: MPI.COMM_WORLD });
 * const mutex = new Mutex({ comm: MPI.COMM_WORLD });
 * mutex.acquire(); const ticket = counter.next(); mutex.release();
 * counter.free(); mutex.free();
 * ```
 */
import { MPI } from '../index.js';

type Intracomm = MPI.Intracomm;
type Info = MPI.Info;
type Win = MPI.Win;

/** Options shared by the window-backed objects (mpi4py's keyword arguments). */
export interface SyncOptions {
  /** Intracommunicator context (default `COMM_SELF`). */
  comm?: Intracomm;
  /** Info object for the window's creation (default `INFO_NULL`). */
  info?: Info;
}

/** Options of {@link Counter} (mpi4py's keyword arguments). */
export interface CounterOptions extends SyncOptions {
  /** Type code of the counter, as in Python's `array` module (default `'i'`). */
  typecode?: string;
  /** Rank holding the counter memory (default 0). */
  root?: number;
}

/** Options of {@link Mutex} and {@link Condition} (mpi4py's keyword arguments). */
export interface MutexOptions extends SyncOptions {
  /** Whether the holder may acquire again (Mutex: default false; Condition's own mutex: default true). */
  recursive?: boolean;
}

/** Options of {@link Semaphore} (mpi4py's keyword arguments). */
export interface SemaphoreOptions extends SyncOptions {
  /** Bound the counter to its initial value (default true). */
  bounded?: boolean;
}

type NumberArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type BigArray = BigInt64Array | BigUint64Array;

/** Typed array for each of array.array's type codes a counter can use (C long is 64-bit). */
const STORAGE: Readonly<Record<string, new (n: number) => NumberArray | BigArray>> = {
  b: Int8Array, B: Uint8Array, h: Int16Array, H: Uint16Array, i: Int32Array, I: Uint32Array,
  l: BigInt64Array, L: BigUint64Array, q: BigInt64Array, Q: BigUint64Array, f: Float32Array, d: Float64Array,
};

/** One-element typed array of `typecode` holding `value`. */
function scalar(typecode: string, value: number): NumberArray | BigArray {
  const a = new STORAGE[typecode]!(1);
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) a[0] = BigInt(value);
  else a[0] = value;
  return a;
}

/** The window's local memory as 32-bit integers (mpi4py's `memoryview(window).cast('i')`). */
function intView(window: Win): Int32Array {
  const m = window.tomemory();
  return new Int32Array(m.buffer, m.byteOffset, m.byteLength >> 2);
}

/** A window of `count` ints on this rank, set to `init` (mpi4py's Mutex/Condition setup). */
function intWindow(count: number, init: readonly number[], info: Info, comm: Intracomm): Win {
  const unitsize = MPI.INT.Get_size();
  const window = MPI.Win.Allocate(count * unitsize, unitsize, info, comm);
  const rank = comm.Get_rank();
  window.Lock(rank, MPI.LOCK_SHARED);
  window.Accumulate(Int32Array.from(init), rank, null, MPI.REPLACE);
  window.Unlock(rank);
  comm.Barrier();
  return window;
}

/** Sequential execution: ranks run the section between begin() and end() one after another in rank order (mpi4py.util.sync.Sequential). */
export class Sequential {
  /** Intracommunicator context. */
  readonly comm: Intracomm;
  /** Tag for point-to-point communication. */
  readonly tag: number;

  /** Sequential execution over `comm`, passing the turn with messages of tag `tag`. */
  constructor(comm: Intracomm, tag = 0) {
    if (!(comm instanceof MPI.Intracomm)) throw new TypeError(`Sequential: comm must be an Intracomm, not ${String(comm)}`);
    if (!Number.isInteger(tag)) throw new TypeError(`Sequential: tag must be an integer, not ${String(tag)}`);
    this.comm = comm;
    this.tag = tag;
  }

  /** Begin sequential execution: wait for the previous rank's turn to end. */
  begin(): void {
    const size = this.comm.Get_size();
    if (size === 1) return;
    const rank = this.comm.Get_rank();
    if (rank !== 0) this.comm.Recv([new Uint8Array(0), 0, MPI.BYTE], rank - 1, this.tag);
  }

  /** End sequential execution: pass the turn to the next rank. */
  end(): void {
    const size = this.comm.Get_size();
    if (size === 1) return;
    const rank = this.comm.Get_rank();
    if (rank !== size - 1) this.comm.Send([new Uint8Array(0), 0, MPI.BYTE], rank + 1, this.tag);
  }

  /** begin() now and end() when a `using` block leaves (Python's `with`). */
  enter(): this { this.begin(); return this; }

  /** end() (the exit of Python's `with`). */
  [Symbol.dispose](): void { this.end(); }
}

/** Global counter in a window on one rank, incremented atomically by any rank; iterable (mpi4py.util.sync.Counter). */
export class Counter implements Iterable<number> {
  #window: Win | null;
  #typecode: string;
  readonly #start: number;
  readonly #step: number;
  readonly #root: number;

  /** A counter starting at `start`, incremented by `step`; collective over `options.comm`. */
  constructor(start = 0, step = 1, options: CounterOptions = {}) {
    const { typecode = 'i', comm = MPI.COMM_SELF, info = MPI.INFO_NULL, root = 0 } = options;
    if (typeof start !== 'number') throw new TypeError(`Counter: start must be a number, not ${String(start)}`);
    if (typeof step !== 'number') throw new TypeError(`Counter: step must be a number, not ${String(step)}`);
    const datatype = MPI.Datatype.fromcode(typecode);
    const typechar = datatype.typechar;
    if (STORAGE[typechar] === undefined) throw new RangeError(`Counter: type code ${JSON.stringify(typecode)} has no typed array`);
    const rank = comm.Get_rank();
    const count = rank === root ? 1 : 0;
    const unitsize = datatype.Get_size();
    const window = MPI.Win.Allocate(count * unitsize, unitsize, info, comm);
    this.#start = start;
    this.#step = step;
    this.#window = window;
    this.#typecode = typechar;
    this.#root = root;

    const init = new STORAGE[typechar]!(count);
    if (count === 1) init.set(scalar(typechar, start) as never);
    window.Lock(rank, MPI.LOCK_SHARED);
    window.Accumulate([init, count, datatype], rank, null, MPI.REPLACE);
    window.Unlock(rank);
    comm.Barrier();
  }

  /** The start value (mpi4py's `_start`, which Semaphore bounds against). */
  get start(): number { return this.#start; }

  /** Return the current value and add `incr` (default: the step) atomically: `Fetch_and_op` under a shared lock. */
  next(incr?: number): number {
    const window = this.#window;
    if (window === null) throw new Error('counter already freed');
    const by = incr ?? this.#step;
    if (typeof by !== 'number') throw new TypeError(`Counter.next: incr must be a number, not ${String(by)}`);
    const increment = scalar(this.#typecode, by);
    const prev = scalar(this.#typecode, 0);
    const op = by !== 0 ? MPI.SUM : MPI.NO_OP;
    window.Lock(this.#root, MPI.LOCK_SHARED);
    window.Fetch_and_op(increment, prev, this.#root, 0, op);
    window.Unlock(this.#root);
    return Number(prev[0]);
  }

  /** Iterate over the counter's values, endlessly (mpi4py's `__iter__`/`__next__`; a for-of loop ends with break). */
  [Symbol.iterator](): Iterator<number> {
    return { next: () => ({ value: this.next(), done: false }) };
  }

  /** Free the counter's window (collective); later calls of next() raise. */
  free(): void {
    const window = this.#window;
    this.#window = null;
    window?.free();
  }

  /** free() when a `using` block leaves. */
  [Symbol.dispose](): void { this.free(); }
}

/** Mutual exclusion across the ranks of a communicator: an MCS queue lock in a window (mpi4py.util.sync.Mutex). */
export class Mutex {
  #window: Win | null;
  readonly #recursive: boolean;
  /** @internal The context, for a Condition built on this mutex. */
  readonly comm: Intracomm;

  /** A mutex over `options.comm` (collective); `recursive` lets the holder acquire again. */
  constructor(options: MutexOptions = {}) {
    const { recursive = false, comm = MPI.COMM_SELF, info = MPI.INFO_NULL } = options;
    const rank = comm.Get_rank();
    const count = rank === TAIL_RANK ? 3 : 2;
    this.#recursive = Boolean(recursive);
    this.#window = intWindow(count, [0, MPI.PROC_NULL, MPI.PROC_NULL].slice(0, count), info, comm);
    this.comm = comm;
  }

  #live(): Win {
    if (this.#window === null) throw new Error('mutex already freed');
    return this.#window;
  }

  /** @internal Take the lock (queue behind the tail); false if not blocking and it is held. */
  _acquire(blocking = true): boolean {
    const window = this.#live();
    const self = window.group_rank;
    window.Lock_all();
    const rank = Int32Array.of(self);
    const nil = Int32Array.of(MPI.PROC_NULL);
    const prev = Int32Array.of(MPI.PROC_NULL);
    window.Accumulate(nil, self, NEXT_ID, MPI.REPLACE);
    if (blocking) window.Fetch_and_op(rank, prev, TAIL_RANK, TAIL_ID, MPI.REPLACE);
    else window.Compare_and_swap(rank, nil, prev, TAIL_RANK, TAIL_ID);
    window.Flush(TAIL_RANK);
    let locked = prev[0] === MPI.PROC_NULL ? 1 : 0;
    if (blocking && !locked) {
      // Join the queue behind the previous tail, then spin until it hands the lock over.
      window.Accumulate(rank, prev[0]!, NEXT_ID, MPI.REPLACE);
      locked = spinloop(window, LOCK_ID, 0);
    }
    window.Accumulate(Int32Array.of(locked), self, LOCK_ID, MPI.REPLACE);
    window.Unlock_all();
    return locked !== 0;
  }

  /** @internal Give the lock to the next rank in the queue, or empty the queue. */
  _release(): void {
    const window = this.#live();
    const self = window.group_rank;
    window.Lock_all();
    const rank = Int32Array.of(self);
    const prev = Int32Array.of(MPI.PROC_NULL);
    window.Compare_and_swap(Int32Array.of(MPI.PROC_NULL), rank, prev, TAIL_RANK, TAIL_ID);
    window.Flush(TAIL_RANK);
    if (prev[0] !== self) {
      // A successor swapped itself in as tail: wait until it names itself, then pass the lock on.
      const next = spinloop(window, NEXT_ID, MPI.PROC_NULL);
      window.Accumulate(Int32Array.of(1), next, LOCK_ID, MPI.REPLACE);
    }
    window.Accumulate(Int32Array.of(0), self, LOCK_ID, MPI.REPLACE);
    window.Unlock_all();
  }

  #countFetchAndOp(value: number, op: MPI.Op): number {
    const window = this.#live();
    const self = window.group_rank;
    const prev = Int32Array.of(0);
    window.Lock(self, MPI.LOCK_SHARED);
    window.Fetch_and_op(Int32Array.of(value), prev, self, LOCK_ID, op);
    window.Unlock(self);
    return prev[0]!;
  }

  /** @internal Acquire and restore the recursion count saved by _releaseSave. */
  _acquireRestore(state: number | null): void {
    this._acquire();
    if (this.#recursive) this.#countFetchAndOp(state ?? 1, MPI.REPLACE);
  }

  /** @internal Release whatever the recursion count, returning it. */
  _releaseSave(): number | null {
    const state = this.#recursive ? this.#countFetchAndOp(0, MPI.NO_OP) : null;
    this._release();
    return state;
  }

  /** Whether the mutex has been freed (mpi4py's falsy `_window`). */
  get freed(): boolean { return this.#window === null; }

  /** Acquire the mutex; with `blocking` false, return false at once if another rank holds it. Error if this rank holds a non-recursive mutex already. */
  acquire(blocking = true): boolean {
    this.#live();
    if (this.locked()) {
      if (this.#recursive) {
        this.#countFetchAndOp(1, MPI.SUM);
        return true;
      }
      throw new Error('cannot acquire already held mutex');
    }
    return this._acquire(blocking);
  }

  /** Release the mutex (once per acquire when recursive). Error if this rank does not hold it. */
  release(): void {
    this.#live();
    if (!this.locked()) throw new Error('cannot release unheld mutex');
    if (this.#recursive && this.#countFetchAndOp(-1, MPI.SUM) > 1) return;
    this._release();
  }

  /** Whether this rank holds the mutex. */
  locked(): boolean {
    return intView(this.#live())[LOCK_ID] !== 0;
  }

  /** The recursion count: how many times this rank holds the mutex. */
  count(): number {
    this.#live();
    return this.#countFetchAndOp(0, MPI.NO_OP);
  }

  /** acquire() now and release() when a `using` block leaves (Python's `with`). */
  enter(): this { this.acquire(); return this; }

  /** release() (the exit of Python's `with`). */
  [Symbol.dispose](): void { this.release(); }

  /** Free the mutex's window (collective), releasing it first if held; later calls raise. */
  free(): void {
    if (this.#window !== null && this.locked()) this._release();
    const window = this.#window;
    this.#window = null;
    window?.free();
  }
}

/** Condition variable across the ranks of a communicator, on a {@link Mutex} (mpi4py.util.sync.Condition). */
export class Condition {
  #window: Win | null;
  readonly #mutex: Mutex;
  readonly #ownsMutex: boolean;

  /** A condition on `mutex`, or on a mutex of its own over `options.comm` (recursive by default); collective. */
  constructor(mutex: Mutex | null = null, options: MutexOptions = {}) {
    const { recursive = true, info = MPI.INFO_NULL } = options;
    let comm = options.comm ?? MPI.COMM_SELF;
    if (mutex === null) {
      this.#mutex = new Mutex({ recursive, comm, info });
      this.#ownsMutex = true;
    } else {
      if (!(mutex instanceof Mutex)) throw new TypeError(`Condition: mutex must be a Mutex, not ${String(mutex)}`);
      this.#mutex = mutex;
      this.#ownsMutex = false;
      comm = mutex.comm;
    }
    const count = comm.Get_rank() === TAIL_RANK ? 3 : 2;
    this.#window = intWindow(count, [0, MPI.PROC_NULL, MPI.PROC_NULL].slice(0, count), info, comm);
  }

  #live(): Win {
    if (this.#window === null) throw new Error('condition already freed');
    return this.#window;
  }

  /** Append `process` to the circular queue of waiters (the tail's next is the head). */
  #enqueue(process: number): void {
    const window = this.#live();
    const rank = Int32Array.of(process);
    const prev = Int32Array.of(MPI.PROC_NULL);
    const next = Int32Array.of(process);
    window.Lock_all();
    window.Fetch_and_op(rank, prev, TAIL_RANK, TAIL_ID, MPI.REPLACE);
    window.Flush(TAIL_RANK);
    if (prev[0] !== MPI.PROC_NULL) {
      window.Fetch_and_op(rank, next, prev[0]!, NEXT_ID, MPI.REPLACE);
      window.Flush(prev[0]!);
    }
    window.Accumulate(next, process, NEXT_ID, MPI.REPLACE);
    window.Unlock_all();
  }

  /** Take up to `maxnumprocs` waiters from the head of the queue. */
  #dequeue(maxnumprocs: number): number[] {
    const window = this.#live();
    const nil = Int32Array.of(MPI.PROC_NULL);
    const prev = Int32Array.of(MPI.PROC_NULL);
    const next = Int32Array.of(MPI.PROC_NULL);
    const processes: number[] = [];
    const most = Math.max(0, Math.min(maxnumprocs, window.group_size));
    window.Lock_all();
    window.Fetch_and_op(nil, prev, TAIL_RANK, TAIL_ID, MPI.NO_OP);
    window.Flush(TAIL_RANK);
    if (prev[0] !== MPI.PROC_NULL) {
      let empty = false;
      window.Fetch_and_op(nil, next, prev[0]!, NEXT_ID, MPI.NO_OP);
      window.Flush(prev[0]!);
      while (processes.length < most && !empty) {
        const rank = next[0]!;
        processes.push(rank);
        window.Fetch_and_op(nil, next, rank, NEXT_ID, MPI.NO_OP);
        window.Flush(rank);
        empty = processes[0] === next[0];
      }
      if (!empty) window.Accumulate(next, prev[0]!, NEXT_ID, MPI.REPLACE);
      else window.Accumulate(nil, TAIL_RANK, TAIL_ID, MPI.REPLACE);
    }
    window.Unlock_all();
    return processes;
  }

  #sleep(): void {
    const window = this.#live();
    window.Lock_all();
    spinloop(window, FLAG_ID, 0, true);
    window.Unlock_all();
  }

  #wakeup(processes: readonly number[]): void {
    const window = this.#live();
    const flag = Int32Array.of(1);
    window.Lock_all();
    for (const rank of processes) window.Accumulate(flag, rank, FLAG_ID, MPI.REPLACE);
    window.Unlock_all();
  }

  /** Acquire the underlying mutex (see {@link Mutex.acquire}). */
  acquire(blocking = true): boolean {
    this.#live();
    return this.#mutex.acquire(blocking);
  }

  /** Release the underlying mutex. */
  release(): void {
    this.#live();
    this.#mutex.release();
  }

  /** Whether this rank holds the underlying mutex. */
  locked(): boolean { return this.#mutex.locked(); }

  /** Release the mutex, wait until another rank notifies this one, then acquire it again; always true. */
  wait(): true {
    const window = this.#live();
    if (!this.locked()) throw new Error('cannot wait on unheld mutex');
    this.#enqueue(window.group_rank);
    const state = this.#mutex._releaseSave();
    this.#sleep();
    this.#mutex._acquireRestore(state);
    return true;
  }

  /** wait() until `predicate()` is truthy; returns its last value. */
  wait_for<T>(predicate: () => T): T {
    let result = predicate();
    while (!result) {
      this.wait();
      result = predicate();
    }
    return result;
  }

  /** Wake up at most `n` waiting ranks; returns how many were woken. The mutex must be held. */
  notify(n = 1): number {
    this.#live();
    if (!this.locked()) throw new Error('cannot notify on unheld mutex');
    const processes = this.#dequeue(n);
    this.#wakeup(processes);
    return processes.length;
  }

  /** Wake up every waiting rank; returns how many were woken. */
  notify_all(): number { return this.notify(2 ** 31 - 1); }

  /** acquire() now and release() when a `using` block leaves (Python's `with`). */
  enter(): this { this.acquire(); return this; }

  /** release() (the exit of Python's `with`). */
  [Symbol.dispose](): void { this.release(); }

  /** Free the condition's window, and its own mutex (collective); later calls raise. */
  free(): void {
    if (!this.#mutex.freed && this.#mutex.locked()) this.#mutex._release();
    if (this.#ownsMutex) this.#mutex.free();
    const window = this.#window;
    this.#window = null;
    window?.free();
  }
}

/** Counting semaphore across the ranks of a communicator, on a {@link Counter} and a {@link Condition} (mpi4py.util.sync.Semaphore). */
export class Semaphore {
  /** @internal Bound release() to the initial value (a test switches it, as mpi4py's does). */
  _bounded: boolean;
  /** @internal The internal counter. */
  readonly _counter: Counter;
  readonly #condvar: Condition;

  /** A semaphore with initial value `value` (non-negative; RangeError otherwise) over `options.comm`; collective. */
  constructor(value = 1, options: SemaphoreOptions = {}) {
    const { bounded = true, comm = MPI.COMM_SELF, info = MPI.INFO_NULL } = options;
    if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`Semaphore: initial value must be non-negative, not ${String(value)}`);
    this._bounded = Boolean(bounded);
    this._counter = new Counter(value, 1, { comm, info });
    this.#condvar = new Condition(null, { recursive: false, comm, info });
  }

  /** Decrement the counter, waiting while it is zero; with `blocking` false, return false at once instead of waiting. */
  acquire(blocking = true): boolean {
    this.#condvar.acquire();
    try {
      while (this._counter.next(0) === 0) {
        if (!blocking) return false;
        this.#condvar.wait();
      }
      this._counter.next(-1);
      return true;
    } finally {
      this.#condvar.release();
    }
  }

  /** Increment the counter by `n` (one or more; RangeError otherwise) and wake up to `n` waiters; a bounded semaphore raises RangeError past its initial value. */
  release(n = 1): void {
    if (typeof n !== 'number' || !(n >= 1)) throw new RangeError(`Semaphore.release: increment must be one or more, not ${String(n)}`);
    this.#condvar.acquire();
    try {
      if (this._bounded) {
        const current = this._counter.next(0);
        if (current + n > this._counter.start) throw new RangeError('Semaphore.release: semaphore released too many times');
      }
      this._counter.next(n);
      this.#condvar.notify(n);
    } finally {
      this.#condvar.release();
    }
  }

  /** acquire() now and release() when a `using` block leaves (Python's `with`). */
  enter(): this { this.acquire(); return this; }

  /** release() (the exit of Python's `with`). */
  [Symbol.dispose](): void { this.release(); }

  /** Free the semaphore's windows (collective); later calls raise. */
  free(): void {
    this._counter.free();
    this.#condvar.free();
  }
}

// ---- the window layouts and the spin loop ---------------------------------

/** Mutex/Condition window: [lock flag | wakeup flag, next in queue, queue tail (on TAIL_RANK only)]. */
const LOCK_ID = 0;
const FLAG_ID = 0;
const NEXT_ID = 1;
const TAIL_ID = 2;
const TAIL_RANK = 0;

/** Exponential backoff between polls (mpi4py's: 0, then 1/1024 ms doubling up to 1/1024 s). */
const BACKOFF_DELAY_MAX = 1 / 1024;
const BACKOFF_DELAY_MIN = BACKOFF_DELAY_MAX / 1024;
const BACKOFF_DELAY_RATIO = 2;

/** A private cell to sleep on: Atomics.wait with a timeout is a sleep that works on any thread. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(seconds: number): void {
  if (seconds > 0) Atomics.wait(sleeper, 0, 0, seconds * 1000);
}

/**
 * Poll this rank's own window memory until slot `index` differs from
 * `sentinel` (another rank's Accumulate wrote it), with backoff; returns the
 * value, resetting the slot to the sentinel if asked. Win.Sync makes the
 * public and private copies of the memory agree before every read, and a
 * Flush of this rank lets a progress-driven library apply incoming updates
 * (mpi4py's _rma_spinloop).
 */
function spinloop(window: Win, index: number, sentinel: number, reset = false): number {
  const memory = intView(window);
  let delay = 0;
  window.Sync();
  while (memory[index] === sentinel) {
    sleep(delay);
    delay = Math.min(BACKOFF_DELAY_MAX, Math.max(BACKOFF_DELAY_MIN, delay * BACKOFF_DELAY_RATIO));
    window.Flush(window.group_rank);
    window.Sync();
  }
  const value = memory[index]!;
  if (reset) memory[index] = sentinel;
  return value;
}
