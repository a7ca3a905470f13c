import type { Operation } from '../transport/spi.js';
import type { TypeDesc } from '../core/datatype.js';
import { decodeObject } from '../core/msgobject.js';
import { ERR_TRUNCATE, SUCCESS } from '../core/errorcodes.js';
import { Exception, raise } from './errors.js';
import { Status } from './status.js';
import { UNDEFINED } from './constants.js';
import { runtime } from './runtime.js';
import { CollectiveOp } from '../coll/schedule.js';

// A Request wraps either a transport operation or a non-blocking collective,
// which completes by stepping its algorithm: these three dispatch on that.
function waitOp(op: Operation): void {
  if (op instanceof CollectiveOp) op.wait();
  else runtime.transport.wait(op);
}

function testOp(op: Operation): boolean {
  return op instanceof CollectiveOp ? op.advance() : runtime.transport.test(op);
}

function waitOpAsync(op: Operation): Promise<void> {
  return op instanceof CollectiveOp ? op.waitAsync() : runtime.transport.waitAsync(op);
}

/** Block until one of `ops` completes; returns its index. */
function waitAnyOp(ops: ReadonlyArray<Operation | null>): number {
  if (!ops.some((o) => o instanceof CollectiveOp)) return runtime.transport.waitAny(ops);
  for (;;) {
    for (let i = 0; i < ops.length; i++) if (ops[i] && testOp(ops[i]!)) return i;
    const first = ops.findIndex((o) => o !== null && !o.done);
    waitOp(ops[first]!);
  }
}

/**
 * Freed receives of non-contiguous data that have not completed: the message
 * lands in a packed staging buffer, and nobody will wait for it, so a
 * progress hook unpacks each into the user's memory once it is done (MPI
 * fills the buffer of a freed receive all the same). The hook runs at the end
 * of every progress step, after the step's deliveries, and removes itself
 * when no orphan is left.
 */
const orphans = new Map<Operation, (received: number) => void>();
function unpackOrphans(): void {
  for (const [op, unpack] of orphans) {
    if (!op.done) continue;
    orphans.delete(op);
    if (!op.status.cancelled && op.status.count > 0) unpack(op.status.count);
  }
  if (orphans.size === 0) runtime.transport.removeProgressHook(unpackOrphans);
}
function adopt(op: Operation, unpack: (received: number) => void): void {
  if (op.done) {
    if (!op.status.cancelled && op.status.count > 0) unpack(op.status.count);
    return;
  }
  if (orphans.size === 0) runtime.transport.addProgressHook(unpackOrphans);
  orphans.set(op, unpack);
}

/** What completing a request yields: nothing, a buffer receive, or an object receive. */
export const Kind = { Send: 0, RecvBuffer: 1, RecvObject: 2, Collective: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/**
 * A pending non-blocking operation: `MPI_Request`. `wait()` returns the
 * received object for object receives; a Request is also awaitable
 * (`await comm.irecv(0)`) without blocking the event loop.
 */
export class Request implements PromiseLike<unknown> {
  #op: Operation | null;
  readonly #kind: Kind;
  readonly #routine: string;
  /** Datatype of a buffer receive, to report truncation in elements. */
  readonly #type: TypeDesc | null;
  /** For a receive of non-contiguous data: unpacks the bytes that arrived into the user's buffer. */
  readonly #unpack: ((received: number) => void) | null;
  #value: unknown = undefined;
  #finished = false;

  /**
   * A null request (`new MPI.Request()`, as REQUEST_NULL). Requests
   * themselves come from the communication calls.
   */
  constructor(op: Operation | null = null, kind: number = Kind.Send, routine = 'REQUEST_NULL', type: TypeDesc | null = null,
    unpack: ((received: number) => void) | null = null) {
    if (op !== null && (typeof op !== 'object' || op instanceof Request)) {
      throw new TypeError(`Request: expected no argument, got ${op instanceof Request ? 'an MPI.Request' : typeof op}`);
    }
    this.#op = op;
    this.#kind = kind as Kind;
    this.#routine = routine;
    this.#type = type;
    this.#unpack = unpack;
    if (op === null) this.#finished = true;
  }

  /** @internal */
  static send(op: Operation, routine: string): Request { return new Request(op, Kind.Send, routine); }
  /** @internal */
  static recvBuffer(op: Operation, routine: string, type: TypeDesc, unpack: ((received: number) => void) | null = null): Request {
    return new Request(op, Kind.RecvBuffer, routine, type, unpack);
  }
  /** @internal */
  static recvObject(op: Operation, routine: string): Request { return new Request(op, Kind.RecvObject, routine); }
  /** @internal A non-blocking collective; `wait()` returns the algorithm's result. */
  static collective(op: CollectiveOp<unknown>, routine: string): Request { return new Request(op, Kind.Collective, routine); }

  /**
   * @internal Finish a completed operation once: fill status, decode objects,
   * raise truncation. Shared by the blocking calls in Comm. `unpack` moves
   * what arrived of a non-contiguous receive into place (truncated ones too).
   */
  static complete(op: Operation, kind: number, routine: string, type: TypeDesc | null, status: Status | null | undefined,
    unpack: ((received: number) => void) | null = null): unknown {
    Status.fill(status, op.status);
    if (unpack !== null && !op.status.cancelled && op.status.count > 0) unpack(op.status.count);
    if (op.status.error !== SUCCESS) {
      if (op.status.error === ERR_TRUNCATE && type) {
        const have = op.status.count / type.size;
        throw new Exception(ERR_TRUNCATE,
          `${routine}: message of ${op.messageBytes / type.size} ${type.name} truncated into buffer of ${have} (source ${op.status.source}, tag ${op.status.tag})`);
      }
      throw new Exception(op.status.error, `${routine}: ${op.failure ?? 'operation failed'}`);
    }
    if (kind === Kind.Collective) return (op as CollectiveOp<unknown>).result;
    if (kind === Kind.RecvObject) {
      if (op.status.cancelled) return undefined;
      // A zero-byte message (a buffer send, or PROC_NULL) carries no object: null, as mpi4py's None.
      return op.data === null ? undefined : op.data.length === 0 ? null : decodeObject(op.data, true);
    }
    return undefined;
  }

  #finish(status: Status | null | undefined): unknown {
    if (!this.#finished) {
      const op = this.#op!;
      this.#finished = true;
      try {
        this.#value = Request.complete(op, this.#kind, this.#routine, this.#type, status, this.#unpack);
      } finally {
        this.#op = null;
      }
      return this.#value;
    }
    // An inactive request: an empty status, as MPI reports for MPI_REQUEST_NULL.
    if (status) Status.fill(status, { source: -1, tag: -1, count: 0, error: 0, cancelled: false });
    return this.#value;
  }

  /** @internal The transport operation, while pending. */
  get operation(): Operation | null { return this.#finished ? null : this.#op; }

  /** Wait for completion: `MPI_Wait`. */
  Wait(status?: Status | null): true {
    this.wait(status);
    return true;
  }

  /** Wait for completion and return the received object (undefined for sends): mpi4py `Request.wait`. */
  wait<T = unknown>(status?: Status | null): T {
    const op = this.operation;
    if (op && !op.done) {
      try { waitOp(op); } catch (e) { raise(`${this.#routine} (wait)`, e); }
    }
    return this.#finish(status) as T;
  }

  /** Test for completion: `MPI_Test`. */
  Test(status?: Status | null): boolean {
    return this.test(status)[0];
  }

  /** Test for completion; returns [done, received object]: mpi4py `Request.test`. */
  test<T = unknown>(status?: Status | null): [boolean, T | undefined] {
    const op = this.operation;
    if (op) {
      let done: boolean;
      try { done = testOp(op); } catch (e) { raise(`${this.#routine} (test)`, e); }
      if (!done) return [false, undefined];
    }
    return [true, this.#finish(status) as T];
  }

  /** Whether the operation has completed, without finishing it: `MPI_Request_get_status`. */
  Get_status(status?: Status | null): boolean {
    const op = this.operation;
    if (op === null) return true;
    if (!testOp(op)) return false;
    Status.fill(status, op.status);
    return true;
  }

  /** Cancel a pending receive: `MPI_Cancel`. Complete it with Wait; `status.Is_cancelled()` tells. */
  Cancel(): void {
    const op = this.operation;
    if (op && !(op instanceof CollectiveOp)) runtime.transport.cancel(op);
  }

  /**
   * Release the request: `MPI_Request_free`. A pending operation still
   * completes; a receive of non-contiguous data is still unpacked into the
   * user's buffer when its message arrives (by progress, see `orphans`).
   */
  Free(): void {
    const op = this.operation;
    if (op && this.#unpack !== null) adopt(op, this.#unpack);
    this.#finished = true;
    this.#op = null;
  }

  /** True while the request is active (not yet waited or freed). */
  get active(): boolean { return !this.#finished; }

  /** Awaitable: resolves with what `wait()` returns, without blocking the event loop. */
  then<R1 = unknown, R2 = never>(
    onfulfilled?: ((value: unknown) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#settle().then(onfulfilled, onrejected);
  }

  async #settle(): Promise<unknown> {
    const op = this.operation;
    if (op && !op.done) {
      try { await waitOpAsync(op); } catch (e) { raise(`${this.#routine} (await)`, e); }
    }
    return this.#finish(null);
  }

  // ---- many requests ----------------------------------------------------

  /** Wait for all: `MPI_Waitall`. */
  static Waitall(requests: readonly Request[], statuses?: Status[] | null): true {
    Request.waitall(requests, statuses);
    return true;
  }

  /** Wait for all and return their objects in request order: mpi4py `Request.waitall`. */
  static waitall<T = unknown>(requests: readonly Request[], statuses?: Status[] | null): T[] {
    checkList('Waitall', requests);
    return requests.map((r, i) => r.wait(statusAt(statuses, i)) as T);
  }

  /** Wait for any one; returns its index (UNDEFINED if none is active): `MPI_Waitany`. */
  static Waitany(requests: readonly Request[], status?: Status | null): number {
    return Request.waitany(requests, status)[0];
  }

  /** Wait for any one; returns [index, object]: mpi4py `Request.waitany`. */
  static waitany<T = unknown>(requests: readonly Request[], status?: Status | null): [number, T | undefined] {
    checkList('Waitany', requests);
    const ops = requests.map((r) => r.operation);
    if (ops.every((o) => o === null)) {
      if (status) Status.fill(status, { source: -1, tag: -1, count: 0, error: 0, cancelled: false });
      return [UNDEFINED, undefined];
    }
    let i: number;
    try { i = waitAnyOp(ops); } catch (e) { raise('Waitany', e); }
    return [i, requests[i]!.wait(status) as T];
  }

  /** Test whether all completed: `MPI_Testall`. */
  static Testall(requests: readonly Request[], statuses?: Status[] | null): boolean {
    return Request.testall(requests, statuses)[0];
  }

  /** Test whether all completed; returns [flag, objects or undefined]: mpi4py `Request.testall`. */
  static testall<T = unknown>(requests: readonly Request[], statuses?: Status[] | null): [boolean, T[] | undefined] {
    checkList('Testall', requests);
    for (const r of requests) {
      const op = r.operation;
      if (op && !testOp(op)) return [false, undefined];
    }
    return [true, requests.map((r, i) => r.wait(statusAt(statuses, i)) as T)];
  }

  /** Test for any completed: returns [index, flag]: `MPI_Testany`. */
  static Testany(requests: readonly Request[], status?: Status | null): [number, boolean] {
    const [i, flag] = Request.testany(requests, status);
    return [i, flag];
  }

  /** Test for any completed: returns [index, flag, object]: mpi4py `Request.testany`. */
  static testany<T = unknown>(requests: readonly Request[], status?: Status | null): [number, boolean, T | undefined] {
    checkList('Testany', requests);
    let anyActive = false;
    for (let i = 0; i < requests.length; i++) {
      const op = requests[i]!.operation;
      if (op === null) continue;
      anyActive = true;
      if (testOp(op)) return [i, true, requests[i]!.wait(status) as T];
    }
    return anyActive ? [UNDEFINED, false, undefined] : [UNDEFINED, true, undefined];
  }

  /** Wait until at least one completes; returns the indices of all completed: `MPI_Waitsome`. */
  static Waitsome(requests: readonly Request[], statuses?: Status[] | null): number[] | undefined {
    checkList('Waitsome', requests);
    const ops = requests.map((r) => r.operation);
    if (ops.every((o) => o === null)) return undefined;
    try { waitAnyOp(ops); } catch (e) { raise('Waitsome', e); }
    return Request.Testsome(requests, statuses);
  }

  /** Indices of the requests that completed now: `MPI_Testsome`. */
  static Testsome(requests: readonly Request[], statuses?: Status[] | null): number[] | undefined {
    checkList('Testsome', requests);
    const done: number[] = [];
    let anyActive = false;
    requests.forEach((r, i) => {
      const op = r.operation;
      if (op === null) return;
      anyActive = true;
      if (testOp(op)) {
        r.wait(statusAt(statuses, done.length));
        done.push(i);
      }
    });
    return anyActive ? done : undefined;
  }
}

function checkList(routine: string, requests: readonly Request[]): void {
  if (!Array.isArray(requests)) throw new TypeError(`${routine}: requests must be an array of MPI.Request, got ${typeof requests}`);
  requests.forEach((r, i) => {
    if (!(r instanceof Request)) {
      throw new TypeError(`${routine}: requests[${i}] is not an MPI.Request (got ${r === null ? 'null' : typeof r})`);
    }
  });
}

function statusAt(statuses: Status[] | null | undefined, i: number): Status | undefined {
  if (!statuses) return undefined;
  return (statuses[i] ??= new Status());
}

/** `MPI_REQUEST_NULL`: an inactive request. */
export const REQUEST_NULL = new Request(null, Kind.Send, 'REQUEST_NULL');
