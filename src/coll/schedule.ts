/**
 * Collective algorithms are written once, as generators over point-to-point
 * operations of the transport: an algorithm yields the operations it must
 * wait for before its next step and finally returns its result. The same
 * generator runs to completion for a blocking call (`runBlocking`) or is
 * stepped by progress for a non-blocking one (`CollectiveOp`), so `Ibcast`
 * and `Bcast` share one implementation (MPICH's schedules, in spirit).
 */
import type { CommHandle, Envelope, Operation, Transport } from '../transport/spi.js';
import { MpiFailure } from '../core/errorcodes.js';
import { checkPolled, unwatch, watch } from './ulfm.js';

/** What an algorithm yields: operations to complete before it continues. */
export type Wait = Operation | readonly Operation[] | null;
/** A collective algorithm in progress. */
export type Schedule<T> = Generator<Wait, T, void>;

/** Everything an algorithm needs: the transport, the collective shadow of the communicator, and a tag of its own. */
export interface CollContext {
  readonly t: Transport;
  /** The collective-context shadow of the user's communicator. */
  readonly comm: CommHandle;
  readonly rank: number;
  readonly size: number;
  /** Tag of this collective call: the same on every rank, distinct from concurrent calls. */
  readonly tag: number;
  /**
   * False: never take the shared-memory path (src/coll/shm.ts). Shared-memory
   * steps are numbered in the order ranks reach them, so a phase that ranks
   * of a non-blocking call may reach in different orders relative to other
   * calls in flight (after a wait that differs by rank) must stay on
   * point-to-point messages, whose tags tell calls apart. Nor the
   * library's collectives (libraryOf): it matches them in start order too.
   */
  readonly shm?: boolean;
  /**
   * True when the caller stays inside the call until the algorithm ends
   * (runBlocking): its program cannot touch its buffers meanwhile, so other
   * ranks may write into them (shm.directGatherv). False or absent for a
   * non-blocking call, whose owner may detach or transfer its buffers
   * before Wait: then each rank writes only into its own memory.
   */
  readonly blocking?: boolean;
  /**
   * The first receive of this call that failed (a truncation). An algorithm
   * records it and goes on, forwarding what it has, so that every rank
   * still sends what the others wait for; the call raises it once the
   * algorithm has ended (settle), never half-way with partners left waiting.
   */
  failure?: Error | null;
}

/** Raise the failure a collective recorded on the way (see CollContext.failure). */
export function settle(c: CollContext): void {
  if (c.failure) throw c.failure;
}

/**
 * `algorithm(c)`, then settle(c): for a non-blocking call, whose errors are
 * raised at completion (by Wait/Test), even those of a fast path that ran
 * to its end while the call started it.
 */
export function* settled<T>(c: CollContext, algorithm: (c: CollContext) => Schedule<T>): Schedule<T> {
  const r = yield* algorithm(c);
  settle(c);
  return r;
}

/**
 * The library's collectives for a step of `c`, or undefined: not for a step
 * that ranks may reach in different orders relative to other calls in
 * flight (`shm: false`, see CollContext), because the library matches
 * collectives by the order ranks start them.
 */
export function libraryOf(c: CollContext): Transport['libraryCollectives'] {
  return c.shm === false ? undefined : c.t.libraryCollectives;
}

const sequence = new WeakMap<CommHandle, { n: number }>();

/**
 * Context for the next collective call on `comm`. Every rank calls
 * collectives on a communicator in the same order (an MPI rule), so counting
 * calls gives all ranks the same tag for the same call, and messages of two
 * non-blocking collectives in flight on one communicator never match each other.
 */
export function collContext(t: Transport, comm: CommHandle, blocking = false): CollContext {
  const shadow = t.collective(comm);
  let seq = sequence.get(shadow);
  if (seq === undefined) {
    seq = { n: 0 };
    sequence.set(shadow, seq);
  }
  const tag = seq.n;
  seq.n = (seq.n + 1) & 0x3fffffff;
  return { t, comm: shadow, rank: comm.rank, size: comm.size, tag, blocking };
}

/** Number of the next collective call on `comm` (what collContext will give it), for an abandon notice. */
export function nextCall(t: Transport, comm: CommHandle): number {
  return sequence.get(t.collective(comm))?.n ?? 0;
}

const FINISHED: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A schedule that is already complete: what an algorithm returns when it
 * finished at once, without waiting. A generator object costs a few hundred
 * bytes of garbage per call (a small shared-memory collective takes about a
 * microsecond, and the scavenges add up), so fast paths are plain functions
 * that return this, and make a generator only when they must wait.
 */
export const DONE: Schedule<void> = {
  next: () => FINISHED,
  return: () => FINISHED,
  throw: (e: unknown) => { throw e; },
  [Symbol.iterator]() { return this; },
} as Schedule<void>;

/** Failures an algorithm met before this process sent anything (see beforeSending). */
const unsent = new WeakSet<object>();

/**
 * `f()`, marking what it throws as met before this process sent anything
 * (the root's object does not encode, after a wait for the shared-memory
 * segment): the call is abandoned then, as if its arguments were wrong.
 */
export function beforeSending<T>(f: () => T): T {
  try { return f(); } catch (e) {
    if (typeof e === 'object' && e !== null) unsent.add(e);
    throw e;
  }
}

/** Whether `e` was thrown before this process sent anything (beforeSending). */
export function thrownBeforeSending(e: unknown): boolean {
  return typeof e === 'object' && e !== null && unsent.has(e);
}

/** Run an algorithm to completion, blocking. */
export function runBlocking<T>(t: Transport, s: Schedule<T>): T {
  let r = s.next();
  for (;;) {
    if (r.done) return r.value;
    const w = r.value;
    if (w !== null) {
      try {
        if (Array.isArray(w)) {
          for (const op of w as readonly Operation[]) t.wait(op);
        } else {
          t.wait(w as Operation);
        }
      } catch (e) {
        // A wait ended by another process's abandon notice (Transport.interruptCheck):
        // no partner will complete these receives, whose buffers go back to the program.
        for (const op of Array.isArray(w) ? (w as readonly Operation[]) : [w as Operation]) {
          if (!op.done) try { t.cancel(op); } catch { /* a send: not cancellable */ }
        }
        throw e;
      }
    }
    r = s.next();
  }
}

const NO_ENVELOPE: Envelope = { source: -1, tag: -1, count: 0, error: 0, cancelled: false };

/**
 * Pending non-blocking collectives, stepped at every progress step of the
 * transport (so an Ibarrier completes its rounds while its rank waits in a
 * recv). The hook is installed only while some are pending; `pumping` stops
 * the re-entry that stepping causes (it tests operations, which progresses).
 */
const pending = new Set<CollectiveOp<unknown>>();
let pumping = false;
function pump(): void {
  if (pumping) return;
  for (const op of pending) op.advance(false);
}

/**
 * A non-blocking collective: an Operation whose completion is driven by
 * stepping its algorithm whenever it is tested or waited.
 */
export class CollectiveOp<T> implements Operation {
  done = false;
  /** NO_ENVELOPE, or one whose error is the algorithm's failure (so a request finished without waiting raises it too). */
  status: Envelope = NO_ENVELOPE;
  readonly data = null;
  failure: string | null = null;
  readonly messageBytes = 0;
  /** The algorithm's return value, once done. */
  result: T | undefined;
  readonly #t: Transport;
  readonly #schedule: Schedule<T>;
  #waiting: readonly Operation[] = [];

  /** What the algorithm threw while progress stepped it; raised to whoever waits. */
  #error: unknown = null;

  /**
   * The communicator (and an intercommunicator's local one) whose abandon
   * and revoke notices end a Wait or Test of this request (src/coll/ulfm.ts);
   * null: none (set by the caller that starts it).
   */
  watchComm: CommHandle | null = null;
  watchLocal: CommHandle | null = null;
  /** The routine that started it (a notice of another routine under its number is not its own). */
  watchRoutine: string | null = null;

  constructor(t: Transport, schedule: Schedule<T>) {
    this.#t = t;
    this.#schedule = schedule;
    // A failure in the first steps is the request's, raised by whoever waits
    // (MPI reports a non-blocking call's errors at completion), not by the call that started it.
    this.advance(false);
    if (!this.done) {
      if (pending.size === 0) t.addProgressHook(pump);
      pending.add(this as CollectiveOp<unknown>);
    }
  }

  /**
   * Step the algorithm as far as it goes without blocking. True when done.
   * A failure is raised here (`raise` false: kept for the waiter, when
   * stepped from another call's progress).
   */
  advance(raise = true): boolean {
    // Testing operations progresses the transport, which pumps pending
    // collectives: hold the pump off, so no generator is stepped re-entrantly.
    const outer = pumping;
    pumping = true;
    try {
      while (!this.done) {
        for (const op of this.#waiting) {
          if (!op.done && !this.#t.test(op)) {
            // Unfinished at a Test: look for another process's abandon notice.
            if (raise && this.watchComm !== null) checkPolled(this.#t, this.watchComm, this.watchLocal, false, this.watchRoutine);
            return false;
          }
        }
        const r = this.#schedule.next();
        if (r.done) {
          this.#finish();
          this.result = r.value;
          return true;
        }
        const w = r.value;
        this.#waiting = w === null ? [] : Array.isArray(w) ? (w as readonly Operation[]) : [w as Operation];
      }
    } catch (e) {
      this.#fail(e);
    } finally {
      pumping = outer;
    }
    if (raise && this.#error !== null) throw this.#error;
    return true;
  }

  #finish(): void {
    this.done = true;
    this.#waiting = [];
    if (pending.delete(this as CollectiveOp<unknown>) && pending.size === 0) this.#t.removeProgressHook(pump);
  }

  /** The receives it waits for will never complete (the call was abandoned elsewhere): give their buffers back. */
  #cancelWaiting(): void {
    for (const op of this.#waiting) if (!op.done) try { this.#t.cancel(op); } catch { /* a send: not cancellable */ }
  }

  /** The algorithm failed, or a wait was ended by an abandon notice: the request is finished with `e`. */
  #fail(e: unknown): void {
    this.#cancelWaiting();
    this.#error = e;
    if (e instanceof MpiFailure) {
      this.status = { ...NO_ENVELOPE, error: e.errorClass };
      this.failure = e.message;
    }
    this.#finish();
  }

  /** A wait ended by an abandon notice: finish with that failure and raise it. */
  #abandoned(e: unknown): never {
    this.#fail(e);
    throw e;
  }

  /** Block until done. */
  wait(): void {
    while (!this.advance()) {
      const pending = this.#waiting.filter((op) => !op.done);
      if (pending.length === 0) continue;
      if (this.watchComm === null) {
        this.#t.waitAny(pending);
        continue;
      }
      watch(this.#t, this.watchComm, this.watchLocal, this.watchRoutine);
      try { this.#t.waitAny(pending); } catch (e) { this.#abandoned(e); } finally { unwatch(this.#t); }
    }
  }

  /** Resolve when done, without blocking the event loop. */
  async waitAsync(): Promise<void> {
    while (!this.advance()) {
      const next = this.#waiting.find((op) => !op.done);
      if (next) await this.#t.waitAsync(next);
    }
  }
}
