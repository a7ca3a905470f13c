/**
 * Futures: a Promise with the state queries of Python's
 * `concurrent.futures.Future` (`cancel`, `cancelled`, `running`, `done`),
 * and the errors an executor reports.
 */

/** The executor cannot run tasks any more (a worker failed to start or its initializer threw): mpi4py `BrokenExecutor`. */
export class BrokenExecutor extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokenExecutor';
  }
}

/** The future was cancelled before it ran: Python's `CancelledError`. */
export class CancelledError extends Error {
  constructor(message = 'the future was cancelled before it ran') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A `map` did not produce all its results in time: Python's `TimeoutError`. */
export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

const PENDING = 0;
const RUNNING = 1;
const FINISHED = 2;
const CANCELLED = 3;

type Settle = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * The eventual result of one submitted call. Await it (`await future`) or use
 * `then`; `cancel()` withdraws a call that has not started. A failure nobody
 * awaits is not reported as an unhandled rejection (as in Python, an
 * exception stays in its future until asked for).
 */
export class Future<T = unknown> extends Promise<T> {
  // then/catch/finally make plain Promises, not new Futures.
  /** Promise, so that `then` on a Future gives a plain Promise. */
  static override get [Symbol.species](): PromiseConstructor { return Promise; }

  #state = PENDING;
  #settle!: Settle;
  /** Called when the future is cancelled while still queued (the executor drops it). */
  #onCancel: (() => void) | null = null;

  constructor(executor?: (resolve: (v: T) => void, reject: (e: unknown) => void) => void) {
    let settle!: Settle;
    super((resolve, reject) => {
      settle = { resolve: resolve as (v: unknown) => void, reject };
      executor?.(resolve, reject);
    });
    this.#settle = settle;
    // Unobserved failures stay in the future instead of ending the rank.
    super.then(undefined, () => {});
  }

  /** Withdraw the call if it has not started; true if the future is (now) cancelled. */
  cancel(): boolean {
    if (this.#state === CANCELLED) return true;
    if (this.#state !== PENDING) return false;
    this.#state = CANCELLED;
    this.#onCancel?.();
    this.#onCancel = null;
    this.#settle.reject(new CancelledError());
    return true;
  }

  /** True if the call was cancelled. */
  cancelled(): boolean { return this.#state === CANCELLED; }
  /** True while a worker runs the call. */
  running(): boolean { return this.#state === RUNNING; }
  /** True once the call finished, failed or was cancelled. */
  done(): boolean { return this.#state >= FINISHED; }

  /** @internal Executor side: the call was sent to a worker; false if it had been cancelled. */
  setRunning(): boolean {
    if (this.#state !== PENDING) return false;
    this.#state = RUNNING;
    this.#onCancel = null;
    return true;
  }

  /** @internal */
  onCancel(hook: () => void): void { this.#onCancel = hook; }

  /** @internal */
  setResult(value: T): void {
    if (this.#state >= FINISHED) return;
    this.#state = FINISHED;
    this.#settle.resolve(value);
  }

  /** @internal */
  setException(e: unknown): void {
    if (this.#state >= FINISHED) return;
    this.#state = FINISHED;
    this.#settle.reject(e);
  }
}
