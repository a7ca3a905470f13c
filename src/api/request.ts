import type { Envelope, Operation } from '../transport/spi.js';
import type { TypeDesc } from '../core/datatype.js';
import { messageCodec } from '../core/msgobject.js';
import { ERR_ARG, ERR_OTHER, ERR_PENDING, ERR_REQUEST, ERR_TRUNCATE, SUCCESS } from '../core/errorcodes.js';
import { truncated } from '../core/failures.js';
import { Exception, fail, raise } from './errors.js';
import { Status } from './status.js';
import { ANY_SOURCE, ANY_TAG, UNDEFINED } from './constants.js';
import { describe } from './args.js';
import { runtime } from './runtime.js';
import { CollectiveOp, type Schedule } from '../coll/schedule.js';

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

/** What completing a request yields: nothing, a buffer receive, an object receive, a collective's result, a send-receive pair or a generalized request's value. */
export const Kind = { Send: 0, RecvBuffer: 1, RecvObject: 2, Collective: 3, SendRecv: 4, Generalized: 5 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** The callbacks of a generalized request (`MPI_Grequest_start`) and the arguments they get. */
interface GrequestCallbacks {
  query: ((status: Status, ...args: unknown[]) => void) | null;
  free: ((...args: unknown[]) => void) | null;
  cancel: ((completed: boolean, ...args: unknown[]) => void) | null;
  args: unknown[];
}

/**
 * What a request handle refers to. Copies of a handle (`new MPI.Request(r)`)
 * share it, as copies of an `MPI_Request` value name the same request.
 */
class Slot {
  value: unknown = undefined;
  /** Persistent requests: starts the operation again (`MPI_Start`); null for the others. */
  restart: (() => Operation) | null = null;
  /** Generalized requests: the user's callbacks. */
  greq: GrequestCallbacks | null = null;
  /** Partitioned requests (`MPI_Psend_init`/`MPI_Precv_init`): their partitions. */
  part: Partitions | null = null;
  constructor(
    public op: Operation | null,
    readonly kind: Kind,
    readonly routine: string,
    /** Datatype of a buffer receive, to report truncation in elements. */
    readonly type: TypeDesc | null,
    /** For a receive of non-contiguous data: unpacks the bytes that arrived into the user's buffer. */
    readonly unpack: ((received: number) => void) | null,
    /** False while an operation is pending (an active request). */
    public finished: boolean,
  ) {}
}

/** The slot of every null request handle. */
const NULL_SLOT = new Slot(null, Kind.Send, 'REQUEST_NULL', null, null, true);
const EMPTY: Envelope = { source: ANY_SOURCE, tag: ANY_TAG, count: 0, error: SUCCESS, cancelled: false };

/**
 * An operation done when the program says so: a generalized request's
 * Complete, a partitioned send's last Pready. Nothing but this thread can
 * open it, so no blocking wait may wait for it alone.
 */
class Gate implements Operation {
  done = false;
  readonly status: Envelope = EMPTY;
  readonly data = null;
  readonly failure = null;
  readonly messageBytes = 0;
}

/**
 * The partitions of a partitioned request. A send goes as one message once
 * every partition is marked ready (MPI lets partitions arrive together), so
 * on the receiving side each partition has arrived when the message has.
 */
export interface Partitions {
  readonly count: number;
  readonly send: boolean;
  /** Sends, while active: which partitions are ready, and the gate the send waits behind. */
  ready: boolean[];
  gate: Gate | null;
  op: CollectiveOp<void> | null;
}

/** @internal For Comm.Psend_init: an operation that waits until every partition is ready, then runs `send`. */
export function partitionedSend(part: Partitions, send: () => Operation): Operation {
  const gate = new Gate();
  part.gate = gate;
  part.ready = new Array<boolean>(part.count).fill(false);
  function* run(): Schedule<void> {
    yield gate;
    yield send();
  }
  return (part.op = new CollectiveOp(runtime.transport, run()));
}

/** Call a user callback; what it throws becomes an MPI error class (an MPI.Exception keeps its own, anything else is ERR_OTHER). */
function callback(routine: string, what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Exception) throw new Exception(e.Get_error_class(), `${routine}: ${what} raised ${e.name}: ${e.message}`);
    throw new Exception(ERR_OTHER, `${routine}: ${what} raised ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/** The status a generalized request reports: the query callback's, from MPI's defaults. */
function queryStatus(routine: string, g: GrequestCallbacks): Envelope {
  if (g.query === null) return EMPTY;
  const st = new Status();
  callback(routine, 'query_fn', () => g.query!(st, ...g.args));
  return { source: st.source, tag: st.tag, count: st.count, error: st.error, cancelled: g.cancel === null ? false : st.cancelled };
}

let slotOf: (r: Request) => Slot;

/**
 * A pending non-blocking operation: `MPI_Request`. `wait()` returns the
 * received object for object receives; a Request is also awaitable
 * (`await comm.irecv(0)`) without blocking the event loop. Completing a
 * request (Wait, a successful Test, Free) makes this handle null
 * (`isNull`, equal to REQUEST_NULL), as MPI sets it to MPI_REQUEST_NULL.
 * `T` is what completing it yields (`comm.irecv<number>(0)` is a
 * `Request<number>`, so `await` and `wait()` give a number).
 */
export class Request<T = unknown> implements PromiseLike<T> {
  #s: Slot;

  /** A null request, or a copy of the handle `request` (mpi4py `Request(request)`): both name the same request. */
  constructor(request?: Request | null) {
    if (request === undefined || request === null) {
      this.#s = NULL_SLOT;
    } else {
      if (!(request instanceof Request)) throw new TypeError(`Request: request must be an MPI.Request, got ${describe(request)}`);
      this.#s = request.#s;
    }
  }

  static {
    slotOf = (r) => r.#s;
  }

  /** @internal A request of `kind` for `op` (null: an inactive one). */
  static make<R extends Request>(this: new () => R, op: Operation | null, kind: number, routine: string, type: TypeDesc | null = null,
    unpack: ((received: number) => void) | null = null): R {
    const r = new this();
    r.#s = new Slot(op, kind as Kind, routine, type, unpack, op === null);
    return r;
  }

  /** @internal */
  static send(op: Operation, routine: string): Request<undefined> { return Request.make(op, Kind.Send, routine) as Request<undefined>; }
  /** @internal */
  static recvBuffer(op: Operation, routine: string, type: TypeDesc, unpack: ((received: number) => void) | null = null): Request {
    return Request.make(op, Kind.RecvBuffer, routine, type, unpack);
  }
  /** @internal */
  static recvObject<T = unknown>(op: Operation, routine: string): Request<T> { return Request.make(op, Kind.RecvObject, routine) as Request<T>; }
  /** @internal A non-blocking collective; `wait()` returns the algorithm's result. */
  static collective<T = unknown>(op: CollectiveOp<T>, routine: string): Request<T> {
    return Request.make(op as CollectiveOp<unknown>, Kind.Collective, routine) as Request<T>;
  }
  /**
   * @internal A send and a receive in one request (`MPI_Isendrecv`): `op`
   * is a schedule that waits for both and returns the receive, whose
   * status and truncation the request reports.
   */
  static sendrecv(op: CollectiveOp<Operation>, routine: string, type: TypeDesc, unpack: ((received: number) => void) | null): Request {
    return Request.make(op as CollectiveOp<unknown>, Kind.SendRecv, routine, type, unpack);
  }

  /**
   * @internal Finish a completed operation once: fill status, decode objects,
   * raise truncation. Shared by the blocking calls in Comm. `unpack` moves
   * what arrived of a non-contiguous receive into place (truncated ones too).
   */
  static complete(op: Operation, kind: number, routine: string, type: TypeDesc | null, status: Status | null | undefined,
    unpack: ((received: number) => void) | null = null): unknown {
    if (kind === Kind.SendRecv) {
      op = (op as CollectiveOp<Operation>).result!;
      kind = Kind.RecvBuffer;
    }
    Status.fill(status, op.status);
    if (unpack !== null && !op.status.cancelled && op.status.count > 0) unpack(op.status.count);
    if (op.status.error !== SUCCESS) {
      if (op.status.error === ERR_TRUNCATE && type) {
        raise(routine, truncated(op.messageBytes / type.size, op.status.count / type.size, type.name,
          { source: op.status.source, tag: op.status.tag }));
      }
      throw new Exception(op.status.error, `${routine}: ${op.failure ?? 'operation failed'}`);
    }
    if (kind === Kind.Collective) return (op as CollectiveOp<unknown>).result;
    if (kind === Kind.RecvObject) {
      if (op.status.cancelled) return undefined;
      if (op.data === null) return undefined;
      // A message of no bytes (a zero-length buffer send) is mpi4py's None.
      return op.data.length === 0 ? null : messageCodec().loads(op.data, true);
    }
    return undefined;
  }

  #finish(status: Status | null | undefined): unknown {
    const s = this.#s;
    if (s.finished) {
      // An inactive request: an empty status, as MPI reports for MPI_REQUEST_NULL.
      Status.fill(status, EMPTY);
      return undefined;
    }
    const op = s.op!;
    s.finished = true;
    s.op = null;
    // A persistent request stays, inactive; any other handle becomes MPI_REQUEST_NULL.
    if (s.restart === null) this.#s = NULL_SLOT;
    if (s.greq !== null) {
      // MPI calls query_fn, then free_fn, when a generalized request completes.
      const g = s.greq;
      let env: Envelope = EMPTY;
      let error: unknown = null;
      try { env = queryStatus(s.routine, g); } catch (e) { error = e; }
      if (g.free !== null) try { callback(s.routine, 'free_fn', () => g.free!(...g.args)); } catch (e) { error ??= e; }
      if (error !== null) throw error;
      Status.fill(status, env);
      if (env.error !== SUCCESS) throw new Exception(env.error, `${s.routine}: generalized request completed with error class ${env.error}`);
      return s.value;
    }
    s.value = Request.complete(op, s.kind, s.routine, s.type, status, s.unpack);
    return s.value;
  }

  /** @internal The transport operation, while pending. */
  get operation(): Operation | null { return this.#s.finished ? null : this.#s.op; }

  /** True for a null handle (REQUEST_NULL, or a request that completed or was freed): mpi4py's `not request`. */
  get isNull(): boolean { return this.#s === NULL_SLOT; }

  /** Whether both handles name the same request (mpi4py's `==`); all null handles are equal. */
  equals(other: unknown): boolean {
    return other instanceof Request && other.#s === this.#s;
  }

  #checkWaitable(routine: string, op: Operation): void {
    if (op instanceof Gate && !op.done) {
      fail(routine, ERR_PENDING, 'the generalized request is not complete, and nothing can complete it while this thread blocks (call Complete() first, or await the request)');
    }
    const part = this.#s.part;
    if (part !== null && part.send && part.gate !== null && !part.gate.done) {
      fail(routine, ERR_PENDING, `partitions ${part.ready.flatMap((r, i) => (r ? [] : [i])).join(', ')} of ${part.count} are not marked ready (Pready): the send cannot complete`);
    }
  }

  /** Wait for completion: `MPI_Wait`. */
  Wait(status?: Status | null): true {
    this.wait(status);
    return true;
  }

  /** Wait for completion and return the received object (undefined for sends): mpi4py `Request.wait`. */
  wait<R = T>(status?: Status | null): NoInfer<R> {
    const op = this.operation;
    // A collective that progress completed while the program ran keeps what
    // its algorithm threw (e.g. ERR_BUFFER for a buffer given away): waiting
    // on it raises that, done or not.
    if (op && (!op.done || op instanceof CollectiveOp)) {
      if (!op.done) this.#checkWaitable(`${this.#s.routine} (wait)`, op);
      try { waitOp(op); } catch (e) { raise(`${this.#s.routine} (wait)`, e); }
    }
    return this.#finish(status) as R;
  }

  /** Test for completion: `MPI_Test`. */
  Test(status?: Status | null): boolean {
    return this.test(status)[0];
  }

  /** Test for completion; returns [done, received object]: mpi4py `Request.test`. */
  test<R = T>(status?: Status | null): [boolean, NoInfer<R> | undefined] {
    const op = this.operation;
    if (op) {
      let done: boolean;
      try { done = testOp(op); } catch (e) { raise(`${this.#s.routine} (test)`, e); }
      if (!done) return [false, undefined];
    }
    return [true, this.#finish(status) as R];
  }

  /** Whether the operation has completed, without finishing it (status filled if so): `MPI_Request_get_status`. */
  Get_status(status?: Status | null): boolean {
    const s = this.#s;
    const op = this.operation;
    if (op === null) {
      Status.fill(status, EMPTY);
      return true;
    }
    let done: boolean;
    try { done = testOp(op); } catch (e) { raise(`${s.routine} (Get_status)`, e); }
    if (!done) return false;
    if (status) Status.fill(status, s.greq !== null ? queryStatus('Get_status', s.greq) : statusOf(s.kind, op));
    return true;
  }

  /** mpi4py `Request.get_status`: the same as Get_status. */
  get_status(status?: Status | null): boolean { return this.Get_status(status); }

  /**
   * Cancel a pending receive: `MPI_Cancel`. Complete it with Wait;
   * `status.Is_cancelled()` tells. For a generalized request, calls its
   * cancel_fn with whether it has completed.
   */
  Cancel(): void {
    const s = this.#s;
    if (s === NULL_SLOT) fail('Cancel', ERR_REQUEST, 'invalid request (REQUEST_NULL)');
    if (s.greq !== null) {
      if (s.finished) return;
      const g = s.greq;
      const completed = s.op!.done;
      if (g.cancel !== null) callback('Cancel', 'cancel_fn', () => g.cancel!(completed, ...g.args));
      return;
    }
    const op = this.operation;
    if (op && !(op instanceof CollectiveOp)) runtime.transport.cancel(op);
  }

  /** mpi4py `Request.cancel`: the same as Cancel. */
  cancel(): void { this.Cancel(); }

  /**
   * Release the request: `MPI_Request_free`. A pending operation still
   * completes; a receive of non-contiguous data is still unpacked into the
   * user's buffer when its message arrives (by progress, see `orphans`).
   */
  Free(): void {
    const s = this.#s;
    if (s === NULL_SLOT) fail('Free', ERR_REQUEST, 'invalid request (REQUEST_NULL)');
    const op = this.operation;
    if (op && s.unpack !== null && s.kind !== Kind.SendRecv) adopt(op, s.unpack);
    if (s.greq !== null && !s.finished && s.greq.free !== null) {
      const g = s.greq;
      s.finished = true;
      s.op = null;
      this.#s = NULL_SLOT;
      callback('Free', 'free_fn', () => g.free!(...g.args));
      return;
    }
    s.finished = true;
    s.op = null;
    s.restart = null;
    this.#s = NULL_SLOT;
  }

  /** mpi4py 4's `free()`: the same as Free. */
  free(): void { if (!this.isNull) this.Free(); }

  /** True while an operation is pending (started and not yet completed or freed). */
  get active(): boolean { return !this.#s.finished; }

  /** Awaitable: resolves with what `wait()` returns, without blocking the event loop. */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#settle().then(onfulfilled, onrejected);
  }

  async #settle(): Promise<T> {
    const op = this.operation;
    if (op && (!op.done || op instanceof CollectiveOp)) {
      try { await waitOpAsync(op); } catch (e) { raise(`${this.#s.routine} (await)`, e); }
    }
    return this.#finish(null) as T;
  }

  // ---- many requests ----------------------------------------------------

  /** Wait for all: `MPI_Waitall`. */
  static Waitall(requests: readonly Request[], statuses?: Status[] | null): true {
    Request.waitall(requests, statuses);
    return true;
  }

  /** Wait for all and return their objects in request order: mpi4py `Request.waitall`. */
  static waitall<T = unknown>(requests: RequestList<T>, statuses?: Status[] | null): T[] {
    checkList('Waitall', requests);
    return requests.map((r, i) => r.wait(statusAt(statuses, i)) as T);
  }

  /** Wait for any one; returns its index (UNDEFINED if none is active): `MPI_Waitany`. */
  static Waitany(requests: readonly Request[], status?: Status | null): number {
    return Request.waitany(requests, status)[0];
  }

  /** Wait for any one; returns [index, object]: mpi4py `Request.waitany`. */
  static waitany<T = unknown>(requests: RequestList<T>, status?: Status | null): [number, T | undefined] {
    checkList('Waitany', requests);
    const ops = requests.map((r) => r.operation);
    if (ops.every((o) => o === null)) {
      Status.fill(status, EMPTY);
      return [UNDEFINED, undefined];
    }
    let i = ops.findIndex((o) => o !== null && o.done);
    if (i < 0) {
      if (ops.every((o) => o === null || o instanceof Gate)) {
        fail('Waitany', ERR_PENDING, 'only incomplete generalized requests are active, and nothing can complete them while this thread blocks');
      }
      try { i = waitAnyOp(ops.map((o) => (o instanceof Gate ? null : o))); } catch (e) { raise('Waitany', e); }
    }
    return [i, requests[i]!.wait(status) as T];
  }

  /** Test whether all completed: `MPI_Testall`. */
  static Testall(requests: readonly Request[], statuses?: Status[] | null): boolean {
    return Request.testall(requests, statuses)[0];
  }

  /** Test whether all completed; returns [flag, objects or undefined]: mpi4py `Request.testall`. */
  static testall<T = unknown>(requests: RequestList<T>, statuses?: Status[] | null): [boolean, T[] | undefined] {
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
  static testany<T = unknown>(requests: RequestList<T>, status?: Status | null): [number, boolean, T | undefined] {
    checkList('Testany', requests);
    let anyActive = false;
    for (let i = 0; i < requests.length; i++) {
      const op = requests[i]!.operation;
      if (op === null) continue;
      anyActive = true;
      if (testOp(op)) return [i, true, requests[i]!.wait(status) as T];
    }
    if (!anyActive) Status.fill(status, EMPTY);
    return anyActive ? [UNDEFINED, false, undefined] : [UNDEFINED, true, undefined];
  }

  /** Wait until at least one completes; returns the indices of all completed: `MPI_Waitsome`. */
  static Waitsome(requests: readonly Request[], statuses?: Status[] | null): number[] | undefined {
    return Request.waitsome(requests, statuses)[0];
  }

  /** Wait until at least one completes; returns [indices, objects] (both undefined if none is active): mpi4py `Request.waitsome`. */
  static waitsome<T = unknown>(requests: RequestList<T>, statuses?: Status[] | null): [number[] | undefined, T[] | undefined] {
    checkList('Waitsome', requests);
    const ops = requests.map((r) => r.operation);
    if (ops.every((o) => o === null)) return [undefined, undefined];
    if (!ops.some((o) => o !== null && o.done)) {
      if (ops.every((o) => o === null || o instanceof Gate)) {
        fail('Waitsome', ERR_PENDING, 'only incomplete generalized requests are active, and nothing can complete them while this thread blocks');
      }
      try { waitAnyOp(ops.map((o) => (o instanceof Gate ? null : o))); } catch (e) { raise('Waitsome', e); }
    }
    return Request.testsome(requests, statuses);
  }

  /** Indices of the requests that completed now (undefined if none is active): `MPI_Testsome`. */
  static Testsome(requests: readonly Request[], statuses?: Status[] | null): number[] | undefined {
    return Request.testsome(requests, statuses)[0];
  }

  /** Indices and objects of the requests that completed now (both undefined if none is active): mpi4py `Request.testsome`. */
  static testsome<T = unknown>(requests: RequestList<T>, statuses?: Status[] | null): [number[] | undefined, T[] | undefined] {
    checkList('Testsome', requests);
    const done: number[] = [];
    const objs: T[] = [];
    let anyActive = false;
    requests.forEach((r, i) => {
      const op = r.operation;
      if (op === null) return;
      anyActive = true;
      if (testOp(op)) {
        objs.push(r.wait(statusAt(statuses, done.length)) as T);
        done.push(i);
      }
    });
    return anyActive ? [done, objs] : [undefined, undefined];
  }

  /**
   * Whether any one has completed, without finishing it: returns [index,
   * flag] ([UNDEFINED, true] if none is active): `MPI_Request_get_status_any`.
   */
  static Get_status_any(requests: readonly Request[], status?: Status | null): [number, boolean] {
    checkList('Get_status_any', requests);
    let anyActive = false;
    for (let i = 0; i < requests.length; i++) {
      if (requests[i]!.operation === null) continue;
      anyActive = true;
      if (requests[i]!.Get_status(status)) return [i, true];
    }
    if (!anyActive) {
      Status.fill(status, EMPTY);
      return [UNDEFINED, true];
    }
    return [UNDEFINED, false];
  }

  /** mpi4py `Request.get_status_any`: the same as Get_status_any. */
  static get_status_any(requests: readonly Request[], status?: Status | null): [number, boolean] {
    return Request.Get_status_any(requests, status);
  }

  /** Whether all have completed, without finishing them (statuses filled if so): `MPI_Request_get_status_all`. */
  static Get_status_all(requests: readonly Request[], statuses?: Status[] | null): boolean {
    checkList('Get_status_all', requests);
    if (!requests.every((r) => r.Get_status(null))) return false;
    requests.forEach((r, i) => r.Get_status(statusAt(statuses, i)));
    return true;
  }

  /** mpi4py `Request.get_status_all`: the same as Get_status_all. */
  static get_status_all(requests: readonly Request[], statuses?: Status[] | null): boolean {
    return Request.Get_status_all(requests, statuses);
  }

  /** Indices of those that have completed, without finishing them (undefined if none is active): `MPI_Request_get_status_some`. */
  static Get_status_some(requests: readonly Request[], statuses?: Status[] | null): number[] | undefined {
    checkList('Get_status_some', requests);
    const done: number[] = [];
    let anyActive = false;
    requests.forEach((r, i) => {
      if (r.operation === null) return;
      anyActive = true;
      if (r.Get_status(null)) {
        r.Get_status(statusAt(statuses, done.length));
        done.push(i);
      }
    });
    return anyActive ? done : undefined;
  }

  /** mpi4py `Request.get_status_some`: the same as Get_status_some. */
  static get_status_some(requests: readonly Request[], statuses?: Status[] | null): number[] | undefined {
    return Request.Get_status_some(requests, statuses);
  }

  toString(): string { return this.isNull ? '<MPI.Request REQUEST_NULL>' : `<MPI.Request ${this.#s.routine}>`; }
}

/** The envelope a completed operation reports (a send-receive pair: its receive's). */
function statusOf(kind: Kind, op: Operation): Envelope {
  return kind === Kind.SendRecv ? (op as CollectiveOp<Operation>).result!.status : op.status;
}

/**
 * A persistent request (`MPI_Send_init`, `MPI_Recv_init`, ...): inactive
 * when made; `Start` begins its operation, and completing it (Wait, Test)
 * makes it inactive again, not null, so it can start again. Free releases it.
 */
export class Prequest extends Request {
  /** A null persistent request, or a copy of the handle `request` (a Prequest, or null as REQUEST_NULL). */
  constructor(request?: Request | null) {
    if (request !== undefined && request !== null && !request.isNull && !(request instanceof Prequest)) {
      throw new TypeError(`Prequest: request must be an MPI.Prequest or REQUEST_NULL, got ${describe(request)}`);
    }
    super(request);
  }

  /** @internal An inactive persistent request whose `Start` calls `start`. */
  static persistent(start: () => Operation, kind: number, routine: string, type: TypeDesc | null = null,
    unpack: ((received: number) => void) | null = null): Prequest {
    const r = Prequest.make(null, kind, routine, type, unpack);
    slotOf(r).restart = start;
    return r;
  }

  /** Start the operation: `MPI_Start`. The request must be inactive. */
  Start(): void {
    const s = slotOf(this);
    if (s.restart === null) fail('Start', ERR_REQUEST, 'invalid request (REQUEST_NULL or not persistent)');
    if (!s.finished) fail('Start', ERR_REQUEST, `the request (${s.routine}) is active already: complete it before starting it again`);
    let op: Operation;
    try { op = s.restart(); } catch (e) { raise('Start', e); }
    s.op = op;
    s.value = undefined;
    s.finished = false;
  }

  /** @internal An inactive partitioned request (`MPI_Psend_init`, `MPI_Precv_init`). */
  static partitioned(part: Partitions, start: () => Operation, kind: number, routine: string, type: TypeDesc | null = null,
    unpack: ((received: number) => void) | null = null): Prequest {
    const r = Prequest.persistent(start, kind, routine, type, unpack);
    slotOf(r).part = part;
    return r;
  }

  #partitions(routine: string, send: boolean): Partitions {
    const s = slotOf(this);
    const part = s.part;
    if (part === null || part.send !== send) fail(routine, ERR_REQUEST, `invalid request (not a partitioned ${send ? 'send' : 'receive'})`);
    return part;
  }

  #ready(routine: string, part: Partitions, partition: unknown): void {
    if (typeof partition !== 'number' || !Number.isInteger(partition)) throw new TypeError(`${routine}: partition must be an integer, got ${describe(partition)}`);
    if (partition < 0 || partition >= part.count) fail(routine, ERR_ARG, `invalid partition ${partition} (the request has ${part.count})`);
    if (slotOf(this).finished || part.gate === null) fail(routine, ERR_REQUEST, 'the request is not active (Start it first)');
    part.ready[partition] = true;
  }

  /** Send `part`'s message if every partition is ready now. */
  #release(routine: string, part: Partitions): void {
    if (part.gate!.done || !part.ready.every(Boolean)) return;
    part.gate!.done = true;
    try { part.op!.advance(); } catch (e) { raise(routine, e); }
  }

  /** Mark a partition of a partitioned send ready: `MPI_Pready`. */
  Pready(partition: number): void {
    const part = this.#partitions('Pready', true);
    this.#ready('Pready', part, partition);
    this.#release('Pready', part);
  }

  /** Mark the partitions `partition_low` to `partition_high` (inclusive) ready: `MPI_Pready_range`. */
  Pready_range(partition_low: number, partition_high: number): void {
    const part = this.#partitions('Pready_range', true);
    if (typeof partition_low !== 'number' || typeof partition_high !== 'number') {
      throw new TypeError(`Pready_range: partition_low and partition_high must be integers, got ${describe(partition_low)}, ${describe(partition_high)}`);
    }
    for (let i = partition_low; i <= partition_high; i++) this.#ready('Pready_range', part, i);
    this.#release('Pready_range', part);
  }

  /** Mark the listed partitions ready: `MPI_Pready_list`. */
  Pready_list(partitions: readonly number[]): void {
    const part = this.#partitions('Pready_list', true);
    if (!Array.isArray(partitions)) throw new TypeError(`Pready_list: partitions must be an array of integers, got ${describe(partitions)}`);
    for (const i of partitions) this.#ready('Pready_list', part, i);
    this.#release('Pready_list', part);
  }

  /** Whether a partition of a partitioned receive has arrived: `MPI_Parrived` (true for an inactive request). */
  Parrived(partition: number): boolean {
    const part = this.#partitions('Parrived', false);
    if (typeof partition !== 'number' || !Number.isInteger(partition)) throw new TypeError(`Parrived: partition must be an integer, got ${describe(partition)}`);
    if (partition < 0 || partition >= part.count) fail('Parrived', ERR_ARG, `invalid partition ${partition} (the request has ${part.count})`);
    const op = this.operation;
    if (op === null) return true;
    try { return testOp(op); } catch (e) { raise('Parrived', e); }
  }

  /** Start every request of the list: `MPI_Startall`. */
  static Startall(requests: readonly Prequest[]): void {
    checkList('Startall', requests);
    requests.forEach((r, i) => {
      if (!(r instanceof Prequest)) throw new TypeError(`Startall: requests[${i}] is not an MPI.Prequest`);
    });
    for (const r of requests) r.Start();
  }
}

/** Options of `Grequest.Start` beyond the callbacks: the arguments they receive after their own. */
export type GrequestArgs = readonly unknown[] | null;

/**
 * A generalized request (`MPI_Grequest_start`): an operation the program
 * itself carries out and declares complete with `Complete` (or `complete(obj)`,
 * whose `obj` wait() then returns). `query_fn(status, ...args)` fills the
 * status when it completes, `free_fn(...args)` runs when it is released,
 * `cancel_fn(completed, ...args)` when it is cancelled. A blocking Wait on
 * one that is not complete raises ERR_PENDING (this thread is the only one
 * that could complete it); `await` it instead. `T` is the type of the
 * object `complete(obj)` gives.
 */
export class Grequest<T = unknown> extends Request<T> {
  /** A null generalized request, or a copy of the handle `request` (a Grequest, or null as REQUEST_NULL). */
  constructor(request?: Request | null) {
    if (request !== undefined && request !== null && !request.isNull && !(request instanceof Grequest)) {
      throw new TypeError(`Grequest: request must be an MPI.Grequest or REQUEST_NULL, got ${describe(request)}`);
    }
    super(request);
  }

  /**
   * Create a generalized request: `MPI_Grequest_start`. `args` follow each
   * callback's own arguments; `kwargs`, when given, is passed after them
   * (JavaScript has no keyword arguments).
   */
  static Start<T = unknown>(
    query_fn: ((status: Status, ...args: never[]) => void) | null = null,
    free_fn: ((...args: never[]) => void) | null = null,
    cancel_fn: ((completed: boolean, ...args: never[]) => void) | null = null,
    args: GrequestArgs = null,
    kwargs: Record<string, unknown> | null = null,
  ): Grequest<T> {
    const check = (name: string, f: unknown): void => {
      if (f !== null && typeof f !== 'function') throw new TypeError(`Grequest.Start: ${name} must be a function or null, got ${describe(f)}`);
    };
    check('query_fn', query_fn);
    check('free_fn', free_fn);
    check('cancel_fn', cancel_fn);
    if (args !== null && !Array.isArray(args)) throw new TypeError(`Grequest.Start: args must be an array or null, got ${describe(args)}`);
    const r = Grequest.make(new Gate(), Kind.Generalized, 'Grequest') as Grequest<T>;
    slotOf(r).greq = {
      query: query_fn as GrequestCallbacks['query'],
      free: free_fn as GrequestCallbacks['free'],
      cancel: cancel_fn as GrequestCallbacks['cancel'],
      args: [...(args ?? []), ...(kwargs !== null ? [kwargs] : [])],
    };
    return r;
  }

  /** Declare the request complete: `MPI_Grequest_complete`. */
  Complete(): void {
    const s = slotOf(this);
    if (s.greq === null) fail('Complete', ERR_REQUEST, 'invalid request (REQUEST_NULL or not generalized)');
    if (s.op !== null) (s.op as Gate).done = true;
  }

  /** Declare the request complete with `obj`, which wait() and test() then return: mpi4py `Grequest.complete`. */
  complete(obj: T | null = null): void {
    const s = slotOf(this);
    if (s.greq !== null) s.value = obj;
    this.Complete();
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

/** The status for the i-th result: a list grows to hold it (as mpi4py's lists); a frozen array (a tuple) does not. */
function statusAt(statuses: Status[] | null | undefined, i: number): Status | undefined {
  if (!statuses) return undefined;
  if (i >= statuses.length && Object.isFrozen(statuses)) return undefined;
  return (statuses[i] ??= new Status());
}

/**
 * The requests of `Request.waitall` and the like: typed ones give their type
 * to the results, untyped ones take the one the call names (`waitall<number>(reqs)`).
 */
export type RequestList<T> = readonly Request<T>[] | readonly Request[];

/** `MPI_REQUEST_NULL`: the null request. */
export const REQUEST_NULL = new Request();
