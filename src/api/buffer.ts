/**
 * Buffered mode (MPI chapter "Buffer Allocation and Usage"): the buffer a
 * process (or, MPI-4.1, one communicator or session) attaches for `Bsend`/`Ibsend`,
 * and `Alloc_mem`/`Free_mem`.
 *
 * A buffered send must not wait for its receiver: it copies the message
 * and returns, and the copy stays until the message has left. As in MPI,
 * the copies of the messages still in flight, `BSEND_OVERHEAD` bytes each
 * besides their data, must fit in the attached buffer, or the send fails
 * with ERR_BUFFER (MPI_Bsend's rule); the transport then sends the copy as
 * a standard non-blocking send (the bytes live in the runtime's memory, the
 * attached buffer holds the account). Detach_buffer and Flush_buffer wait
 * until every buffered message has left.
 */
import type { CommHandle, Envelope, Operation } from '../transport/spi.js';
import { ERR_ARG, ERR_BUFFER } from '../core/errorcodes.js';
import { CollectiveOp, type Schedule } from '../coll/schedule.js';
import { fail, raise } from './errors.js';
import { describe } from './args.js';
import { Request } from './request.js';
import { runtime } from './runtime.js';

/** Bytes each buffered message takes in the attached buffer besides its data: `MPI_BSEND_OVERHEAD`. */
export const BSEND_OVERHEAD = 128;

import { BUFFER_AUTOMATIC } from '../core/sentinels.js';
import { buffer, isReadonly } from '../core/memory.js';

export { BUFFER_AUTOMATIC, BufferAutomaticType } from '../core/sentinels.js';
export { buffer } from '../core/memory.js';
/** mpi4py's alias of `MPI.buffer`. */
export const memory = buffer;

/** Memory that can be attached: a typed array, DataView, ArrayBuffer, or BUFFER_AUTOMATIC. */
export type AttachableBuffer = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | typeof BUFFER_AUTOMATIC;

/** An attached buffer and the buffered messages still in flight that it accounts for. */
class Attached {
  /** Messages sent from here and not yet gone, with the bytes each takes. */
  readonly inFlight: { op: Operation; bytes: number }[] = [];
  constructor(readonly memory: AttachableBuffer, readonly capacity: number) {}

  /** Drop the messages that have left; the bytes they still take. */
  used(): number {
    const t = runtime.transport;
    let used = 0;
    let w = 0;
    for (const m of this.inFlight) {
      if (!t.test(m.op)) {
        this.inFlight[w++] = m;
        used += m.bytes;
      }
    }
    this.inFlight.length = w;
    return used;
  }

  /** Wait until every buffered message has left. */
  flush(): void {
    const t = runtime.transport;
    for (const m of this.inFlight) t.wait(m.op);
    this.inFlight.length = 0;
  }
}

/** The process's buffer (MPI_Buffer_attach) and the communicators' own (MPI_Comm_attach_buffer). */
let processBuffer: Attached | null = null;
const commBuffers = new WeakMap<CommHandle, Attached>();
/** Sessions' buffers (MPI_Session_attach_buffer), by the session's record. */
const sessionBuffers = new WeakMap<object, Attached>();
/** The session each communicator made from one of its groups belongs to (its buffer is the fallback). */
const commSessions = new WeakMap<CommHandle, object>();

function attached(routine: string, memory: unknown): Attached {
  if (memory === null || memory === undefined || memory === BUFFER_AUTOMATIC) return new Attached(BUFFER_AUTOMATIC, Infinity);
  if (isReadonly(memory)) throw new TypeError(`${routine}: buf is a read-only MPI.buffer, buffered sends write to it`);
  if (ArrayBuffer.isView(memory)) return new Attached(memory, memory.byteLength);
  if (memory instanceof ArrayBuffer || memory instanceof SharedArrayBuffer) return new Attached(memory, memory.byteLength);
  throw new TypeError(`${routine}: buf must be a typed array, DataView, ArrayBuffer or MPI.BUFFER_AUTOMATIC, got ${describe(memory)}`);
}

/** Attach `buf` for buffered sends of this process (null: BUFFER_AUTOMATIC): `MPI_Buffer_attach`. */
export function Attach_buffer(buf: AttachableBuffer | null): void {
  const a = attached('Attach_buffer', buf);
  if (processBuffer !== null) fail('Attach_buffer', ERR_BUFFER, 'a buffer is attached already (Detach_buffer first)');
  processBuffer = a;
}

/**
 * Detach the process's buffer, once every message buffered in it has left,
 * and return it (null if none was attached): `MPI_Buffer_detach`.
 */
export function Detach_buffer(): AttachableBuffer | null {
  const a = processBuffer;
  if (a === null) return null;
  try { a.flush(); } catch (e) { raise('Detach_buffer', e); }
  processBuffer = null;
  return a.memory;
}

/** Wait until every message buffered in the process's buffer has left: `MPI_Buffer_flush`. */
export function Flush_buffer(): void {
  try { processBuffer?.flush(); } catch (e) { raise('Flush_buffer', e); }
}

/** A request that completes once every message buffered now has left: `MPI_Buffer_iflush`. */
export function Iflush_buffer(): Request {
  return iflush('Iflush_buffer', processBuffer);
}

function iflush(routine: string, a: Attached | null): Request {
  const ops = a === null ? [] : a.inFlight.map((m) => m.op);
  function* drain(): Schedule<void> { if (ops.length > 0) yield ops; }
  try {
    return Request.collective(new CollectiveOp(runtime.transport, drain()) as CollectiveOp<unknown>, routine);
  } catch (e) { raise(routine, e); }
}

/** @internal Comm.Attach_buffer: `MPI_Comm_attach_buffer`. */
export function attachCommBuffer(comm: CommHandle, buf: AttachableBuffer | null): void {
  const a = attached('Attach_buffer', buf);
  if (commBuffers.has(comm)) fail('Attach_buffer', ERR_BUFFER, 'the communicator has a buffer attached already (Detach_buffer first)');
  commBuffers.set(comm, a);
}

/** @internal Comm.Detach_buffer: `MPI_Comm_detach_buffer`. */
export function detachCommBuffer(comm: CommHandle): AttachableBuffer | null {
  const a = commBuffers.get(comm);
  if (a === undefined) return null;
  try { a.flush(); } catch (e) { raise('Detach_buffer', e); }
  commBuffers.delete(comm);
  return a.memory;
}

/** @internal Comm.Flush_buffer: `MPI_Comm_flush_buffer`. */
export function flushCommBuffer(comm: CommHandle): void {
  try { commBuffers.get(comm)?.flush(); } catch (e) { raise('Flush_buffer', e); }
}

/** @internal Comm.Iflush_buffer: `MPI_Comm_iflush_buffer`. */
export function iflushCommBuffer(comm: CommHandle): Request {
  return iflush('Iflush_buffer', commBuffers.get(comm) ?? null);
}

/** @internal Session.Attach_buffer: `MPI_Session_attach_buffer`. */
export function attachSessionBuffer(session: object, buf: AttachableBuffer | null): void {
  const a = attached('Attach_buffer', buf);
  if (sessionBuffers.has(session)) fail('Attach_buffer', ERR_BUFFER, 'the session has a buffer attached already (Detach_buffer first)');
  sessionBuffers.set(session, a);
}

/** @internal Session.Detach_buffer (and Finalize): `MPI_Session_detach_buffer`. */
export function detachSessionBuffer(session: object, routine = 'Detach_buffer'): AttachableBuffer | null {
  const a = sessionBuffers.get(session);
  if (a === undefined) return null;
  try { a.flush(); } catch (e) { raise(routine, e); }
  sessionBuffers.delete(session);
  return a.memory;
}

/** @internal Session.Flush_buffer: `MPI_Session_flush_buffer`. */
export function flushSessionBuffer(session: object): void {
  try { sessionBuffers.get(session)?.flush(); } catch (e) { raise('Flush_buffer', e); }
}

/** @internal Session.Iflush_buffer: `MPI_Session_iflush_buffer`. */
export function iflushSessionBuffer(session: object): Request {
  return iflush('Iflush_buffer', sessionBuffers.get(session) ?? null);
}

/** @internal `comm` was made from a group of `session`: its buffered sends fall back on the session's buffer. */
export function bindCommToSession(comm: CommHandle, session: object): void {
  commSessions.set(comm, session);
}

function sessionBufferOf(comm: CommHandle): Attached | null {
  const s = commSessions.get(comm);
  return s === undefined ? null : sessionBuffers.get(s) ?? null;
}

const SENT: Envelope = { source: -1, tag: -1, count: 0, error: 0, cancelled: false };
/** What a buffered send's request waits for: nothing, the message is in the buffer. */
const BUFFERED: Operation = { done: true, status: SENT, data: null, failure: null, messageBytes: 0 };

/**
 * @internal A buffered send of `bytes` on `comm` (the bytes may be reused
 * when this returns): account for it in the communicator's buffer or else
 * the process's, or fail with ERR_BUFFER; then `start(copy)` sends a copy.
 * Returns an operation that is complete (MPI_Ibsend completes once the
 * message is buffered).
 */
export function bufferedSend(routine: string, comm: CommHandle, bytes: Uint8Array, dest: number,
  start: (copy: Uint8Array) => Operation): Operation {
  if (dest < 0) return BUFFERED; // PROC_NULL: nothing to buffer
  // MPI-4.1's order: the communicator's buffer, its session's, the process's.
  const a = commBuffers.get(comm) ?? sessionBufferOf(comm) ?? processBuffer;
  if (a === null) {
    fail(routine, ERR_BUFFER, `no buffer attached for buffered sends of ${bytes.length} bytes (MPI.Attach_buffer(MPI.Alloc_mem(n + MPI.BSEND_OVERHEAD)) first)`);
  }
  const need = bytes.length + BSEND_OVERHEAD;
  let used: number;
  try { used = a.used(); } catch (e) { raise(routine, e); }
  if (used + need > a.capacity) {
    fail(routine, ERR_BUFFER, `the attached buffer of ${a.capacity} bytes has ${a.capacity - used} free, the message needs ${need} (${bytes.length} + BSEND_OVERHEAD ${BSEND_OVERHEAD})`);
  }
  const op = start(bytes.slice());
  a.inFlight.push({ op, bytes: need });
  return BUFFERED;
}

/**
 * Memory for message passing and one-sided windows: `MPI_Alloc_mem`. An
 * `MPI.buffer` of `size` bytes (zeroed) over a SharedArrayBuffer, so that
 * `Win.Create` can expose it to the other ranks.
 */
export function Alloc_mem(size: number, _info: unknown = null): buffer {
  if (typeof size !== 'number' || !Number.isInteger(size)) throw new TypeError(`Alloc_mem: size must be an integer, got ${describe(size)}`);
  if (size < 0) fail('Alloc_mem', ERR_ARG, `size must be >= 0, got ${size}`);
  return new buffer(new SharedArrayBuffer(size));
}

/**
 * Release memory from Alloc_mem: `MPI_Free_mem`. An `MPI.buffer` is
 * released (`obj` null, `nbytes` 0); the shared memory itself is left to the
 * garbage collector (a SharedArrayBuffer cannot be detached).
 */
export function Free_mem(mem: unknown): void {
  if (!ArrayBuffer.isView(mem) && !(mem instanceof ArrayBuffer) && !(mem instanceof SharedArrayBuffer)) {
    throw new TypeError(`Free_mem: mem must be memory from Alloc_mem, got ${describe(mem)}`);
  }
  if (mem instanceof buffer) mem.release();
}
