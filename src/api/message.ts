/**
 * Matched probe (`MPI_Message`): `Comm.Mprobe`/`Improbe` take a message out
 * of matching, so that no other receive can take it, and the Message then
 * receives exactly that message (`MPI_Mrecv`/`MPI_Imrecv`).
 */
import type { Envelope, MatchedMessage, Operation } from '../transport/spi.js';
import { parseBuffer, type BufferSpec } from '../core/msgbuffer.js';
import { incoming, unpacker } from '../core/pack.js';
import { ERR_REQUEST } from '../core/errorcodes.js';
import { ANY_SOURCE, ANY_TAG, PROC_NULL } from './constants.js';
import { fail, raise } from './errors.js';
import { describe } from './args.js';
import { Status } from './status.js';
import { Request, Kind } from './request.js';
import { runtime } from './runtime.js';
import type { Comm } from './comm.js';

/** The message of a probe on PROC_NULL: receiving it gives an empty message from PROC_NULL. */
const NO_PROC: unique symbol = Symbol('MESSAGE_NO_PROC');
type Handle = MatchedMessage | typeof NO_PROC | null;

const FROM_PROC_NULL: Envelope = { source: PROC_NULL, tag: ANY_TAG, count: 0, error: 0, cancelled: false };
function procNullOp(): Operation {
  return { done: true, status: FROM_PROC_NULL, data: null, failure: null, messageBytes: 0 };
}

/**
 * A message taken by a matched probe: `MPI_Message`. Receiving it (Recv,
 * Irecv, recv, irecv) makes this handle MESSAGE_NULL (`isNull`), as MPI
 * does; the predefined MESSAGE_NO_PROC stays what it is.
 */
export class Message {
  #h: Handle;

  /** A null message, or a copy of the handle `message` (mpi4py `Message(message)`). */
  constructor(message?: Message | null) {
    if (message === undefined || message === null) {
      this.#h = null;
    } else {
      if (!(message instanceof Message)) throw new TypeError(`Message: message must be an MPI.Message, got ${describe(message)}`);
      this.#h = message.#h;
    }
  }

  /** @internal A Message for what a transport's matched probe took, or for PROC_NULL. */
  static wrap(m: MatchedMessage | null, noProc = false): Message {
    const msg = new Message();
    msg.#h = noProc ? NO_PROC : m;
    return msg;
  }

  /** True for MESSAGE_NULL (or a message already received): mpi4py's `not message`. */
  get isNull(): boolean { return this.#h === null; }

  /** Whether both name the same message (mpi4py's `==`). */
  equals(other: unknown): boolean { return other instanceof Message && other.#h === this.#h; }

  /** The message, once: this handle becomes MESSAGE_NULL (except the predefined MESSAGE_NO_PROC). */
  #take(routine: string): MatchedMessage | typeof NO_PROC {
    const h = this.#h;
    if (h === null) fail(routine, ERR_REQUEST, 'invalid message (MESSAGE_NULL, or received already)');
    if (this !== MESSAGE_NO_PROC) this.#h = null;
    return h;
  }

  /** Blocking matched probe: `MPI_Mprobe` (as `comm.Mprobe`). */
  static Probe(comm: Comm, source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message {
    return comm.Mprobe(source, tag, status);
  }

  /** Non-blocking matched probe: `MPI_Improbe` (as `comm.Improbe`); null if no message. */
  static Iprobe(comm: Comm, source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message | null {
    return comm.Improbe(source, tag, status);
  }

  /** mpi4py `Message.probe`: the same as Probe. */
  static probe(comm: Comm, source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message {
    return comm.mprobe(source, tag, status);
  }

  /** mpi4py `Message.iprobe`: the same as Iprobe. */
  static iprobe(comm: Comm, source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message | null {
    return comm.improbe(source, tag, status);
  }

  /** Receive the message into a buffer: `MPI_Mrecv`. */
  Recv(buf: BufferSpec | null, status?: Status | null): void {
    const h = this.#take('Recv');
    let m, into, op: Operation;
    try {
      m = parseBuffer('Recv', 'buf', buf, true);
      into = incoming(m);
      if (h === NO_PROC) op = procNullOp();
      else { op = runtime.transport.imrecv(h, into); runtime.transport.wait(op); }
    } catch (e) { raise('Recv', e); }
    Request.complete(op, Kind.RecvBuffer, 'Recv', m.type, status, unpacker(m, into));
  }

  /** Start receiving the message into a buffer: `MPI_Imrecv`. */
  Irecv(buf: BufferSpec | null): Request {
    const h = this.#take('Irecv');
    let m, into, op: Operation;
    try {
      m = parseBuffer('Irecv', 'buf', buf, true);
      into = incoming(m);
      op = h === NO_PROC ? procNullOp() : runtime.transport.imrecv(h, into);
    } catch (e) { raise('Irecv', e); }
    return Request.recvBuffer(op, 'Irecv', m.type, unpacker(m, into));
  }

  /** Receive the message as an object: mpi4py `Message.recv`. */
  recv<T = unknown>(status?: Status | null): T {
    const h = this.#take('recv');
    let op: Operation;
    try {
      if (h === NO_PROC) op = procNullOp();
      else { op = runtime.transport.imrecv(h, null); runtime.transport.wait(op); }
    } catch (e) { raise('recv', e); }
    return Request.complete(op, Kind.RecvObject, 'recv', null, status) as T;
  }

  /** Start receiving the message as an object: mpi4py `Message.irecv`. */
  irecv<T = unknown>(): Request<T> {
    const h = this.#take('irecv');
    let op: Operation;
    try { op = h === NO_PROC ? procNullOp() : runtime.transport.imrecv(h, null); } catch (e) { raise('irecv', e); }
    return Request.recvObject(op, 'irecv');
  }

  /**
   * mpi4py 4's `free()`: another object for MESSAGE_NO_PROC becomes null;
   * the constants and a probed message (which must still be received) stay.
   */
  free(): void { if (this.#h === NO_PROC && this !== MESSAGE_NO_PROC) this.#h = null; }

  /** A readable form, `<MPI.Message ...>`. */
  toString(): string {
    return this.#h === null ? '<MPI.Message MESSAGE_NULL>' : this.#h === NO_PROC ? '<MPI.Message MESSAGE_NO_PROC>' : '<MPI.Message>';
  }
}

/** The null message: `MPI_MESSAGE_NULL`. */
export const MESSAGE_NULL = new Message();
/** The message a matched probe on PROC_NULL returns: `MPI_MESSAGE_NO_PROC`. */
export const MESSAGE_NO_PROC = Message.wrap(null, true);
