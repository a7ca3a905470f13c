import type { Socket } from 'node:net';
import type { CommHandle, Operation, Transport } from '../transport/spi.js';
import { SendMode } from '../transport/spi.js';
import { parseBuffer, pinSpec, type BufferSpec, type BufferMessage } from '../core/msgbuffer.js';
import { outgoing, incoming, unpacker } from '../core/pack.js';
import { messageCodec, objectItems } from '../core/msgobject.js';
import { ERR_COMM, ERR_RANK, ERR_TAG, ERR_ROOT, ERR_COUNT, ERR_ARG, ERR_GROUP, ERR_TRUNCATE, ERR_TYPE, ERR_BUFFER, ERR_UNSUPPORTED_OPERATION, MpiFailure } from '../core/errorcodes.js';
import { commNull, describeValue } from '../core/failures.js';
import * as commcoll from '../coll/comm.js';
import { Group } from './group.js';
import { SUM, toReduceOp, type Op } from './op.js';
import type { ReduceOp } from '../core/reduce.js';
import type { TypeDesc } from '../core/datatype.js';
import { collContext, runBlocking, CollectiveOp, settle, settled, thrownBeforeSending, type CollContext, type Schedule } from '../coll/schedule.js';
import { gate } from '../coll/check.js';
import { intraRounds, interRounds, contextsOf } from '../coll/persistent.js';
import * as objcoll from '../coll/object.js';
import * as bufcoll from '../coll/buffer.js';
import * as intercoll from '../coll/inter.js';
import * as spawncoll from '../coll/spawn.js';
import * as portscoll from '../coll/ports.js';
import { portService, portName, joinDescriptor } from './ports.js';
import { resolveCommand, resolveCommands, spawnOptions, fillErrcodes, fillErrcodesMultiple, type SpawnOptions, type SpawnMultipleOptions } from './spawn.js';
import { predefined as predefinedTypes } from '../core/datatype.js';
import {
  forBcast, forGather, forScatter, forAllgather, forAlltoall, forReduce, checkOpType, isInPlace, forInterBcast, forInterGather,
  forInterScatter, forInterAllgather, forInterAlltoall, forAlltoallw, forInterAlltoallw, forInterReduce, forInterAllreduce, forInterReduceScatter, type VectorBufferSpec,
  type WBufferSpec,
} from '../core/msgcoll.js';
import { Exception, fail, raise } from './errors.js';
import { checkInt, options } from './args.js';
import { Status } from './status.js';
import { Request, Prequest, Kind, partitionedSend, type Partitions } from './request.js';
import { Message, MESSAGE_NO_PROC } from './message.js';
import { bufferedSend, attachCommBuffer, detachCommBuffer, flushCommBuffer, iflushCommBuffer, bindCommToSession, type AttachableBuffer } from './buffer.js';
import { MAX_STRINGTAG_LEN } from './session.js';
import { stringtagKey } from '../core/stringtag.js';
import { runtime } from './runtime.js';
import type { Cartcomm, Graphcomm, Distgraphcomm, TopologyConstructors, Weights } from './topo.js';
import {
  ANY_SOURCE, ANY_TAG, PROC_NULL, TAG_UB, UNIVERSE_SIZE, APPNUM, WTIME_IS_GLOBAL, HOST, IO, IDENT, UNEQUAL,
  CONGRUENT, SIMILAR, UNDEFINED, COMM_TYPE_SHARED, COMM_TYPE_HW_GUIDED, COMM_TYPE_HW_UNGUIDED, COMM_TYPE_RESOURCE_GUIDED, IN_PLACE, ROOT, LASTUSEDCODE,
} from './constants.js';
import { Info, infoArg } from './info.js';
import {
  Errhandler, createErrhandler, errhandlerArg, defaultErrhandler, invoke, guard, type ErrhandlerRecord, type ErrhandlerFunction,
} from './errhandler.js';
import {
  createKeyval, freeKeyval, getAttr, setAttr, deleteAttr, copyAttrs, deleteAll, keyvalArg, type AttrMap,
  type CopyFunction, type DeleteFunction, type KeyvalOptions,
} from './attributes.js';
import { lastUsed } from './errors.js';
import * as ulfm from '../coll/ulfm.js';

/** Options-object form of a send's destination. */
export interface SendOptions {
  /** Rank of the destination. */
  dest: number;
  /** Message tag (default 0). */
  tag?: number;
}
/** Options-object form of a receive's source. */
export interface RecvOptions {
  /** Rank of the source, or ANY_SOURCE (the default). */
  source?: number;
  /** Message tag, or ANY_TAG (the default). */
  tag?: number;
  /** A Status to fill in with the message's envelope. */
  status?: Status | null;
}
const RECV_KEYS = ['source', 'tag', 'status'] as const;

/**
 * For a persistent request: a check, at each Start, that the memory `bytes`
 * views is still there (a transferred ArrayBuffer is detached, and its
 * views read as empty: the request would send or receive nothing).
 */
function attachedCheck(routine: string, bytes: Uint8Array): () => void {
  const n = bytes.byteLength;
  return () => {
    if (bytes.byteLength !== n) fail('Start', ERR_BUFFER, `${routine}'s buffer: its ArrayBuffer was detached (transferred) after ${routine}`);
  };
}

/** What Create_from_group(s) are given besides the groups, checked. */
interface FromGroupArgs { stringtag: string; hints: [string, string][]; errhandler: ErrhandlerRecord | null }

/** Check the stringtag, info and errhandler of Create_from_group(s). */
function fromGroupArgs(routine: string, stringtag: unknown, info: unknown, errhandler: unknown): FromGroupArgs {
  if (typeof stringtag !== 'string') throw new TypeError(`${routine}: stringtag must be a string, got ${describeValue(stringtag)}`);
  if (stringtag.length > MAX_STRINGTAG_LEN) {
    fail(routine, ERR_ARG, `stringtag of ${stringtag.length} characters is longer than MAX_STRINGTAG_LEN (${MAX_STRINGTAG_LEN})`);
  }
  const hints = infoArg(routine, info);
  const eh = errhandler === null || errhandler === undefined ? null : errhandlerArg(routine, 'Comm', errhandler);
  return { stringtag, hints, errhandler: eh };
}

/** A group of Create_from_group(s), checked: live, and every member in COMM_WORLD, whose context the construction runs on. */
function fromGroupMembers(routine: string, arg: string, group: unknown): Int32Array {
  if (!(group instanceof Group)) throw new TypeError(`${routine}: ${arg} must be an MPI.Group, got ${describeValue(group)}`);
  group.Get_size(); // ERR_GROUP for GROUP_NULL and freed groups
  const world = new Set(runtime.transport.group(runtime.transport.commWorld));
  if (!group.ids.every((p) => world.has(p))) {
    fail(routine, ERR_UNSUPPORTED_OPERATION, `${arg} has processes outside MPI.COMM_WORLD (spawned ones); make the communicator from a Merge of the spawn intercommunicator instead`);
  }
  return group.ids;
}

/** The module's communicator constants, which `free()` leaves alone. */
const constants = new WeakSet<Comm>();
/** @internal Mark a module constant (COMM_WORLD, COMM_SELF, COMM_NULL): `free()` leaves it alone. */
export function constantComm<T extends Comm>(c: T): T {
  constants.add(c);
  return c;
}

/** Make `c` COMM_NULL once the transport has released its handle (Disconnect). */
let detach: (c: Comm) => void;
/** Give `c` (made by Idup before its handle exists) its handle. */
let attach: (c: Comm, h: CommHandle | null) => void;

/**
 * `comm`, made by a method of `from` (Dup, Clone), with the class of `from`
 * when that is a user's subclass of comm's class (or any class, `always`), as
 * mpi4py makes `type(self)`: the object keeps its fields, only its prototype
 * changes (a subclass constructor does not run, as mpi4py's `__init__` does not).
 */
function ofClassOf<T extends Comm>(comm: T, from: Comm, always = false): T {
  const proto = Object.getPrototypeOf(from) as object;
  if (comm === COMM_NULL || Object.getPrototypeOf(comm) === proto) return comm; // Idup's shell is null until its request completes
  if (always || from instanceof (comm.constructor as abstract new () => Comm)) Object.setPrototypeOf(comm, proto);
  return comm;
}

/**
 * A communicator: `MPI_Comm`. Point-to-point messaging with mpi4py's names:
 * lower case (`send`, `recv`) moves any structured-clone-able value, upper
 * case (`Send`, `Recv`) moves typed-array buffers.
 */
export class Comm {
  #h: CommHandle | null;
  #name: string;
  /** Error handler (mpi4py sets ERRORS_RETURN on every communicator it makes). */
  #errhandler: ErrhandlerRecord = defaultErrhandler;
  /** Hints set by Set_info / Dup_with_info. */
  #info: Map<string, string> | null = null;
  /** User attributes (Set_attr). */
  #attrs: AttrMap | null = null;

  /**
   * A null communicator (`new MPI.Comm()`), or another object for the
   * handle of `comm` (`new MPI.Comm(comm)`, as mpi4py's `Comm(comm)`).
   * Communicators themselves come from COMM_WORLD, COMM_SELF and the constructors.
   */
  constructor(handle: CommHandle | Comm | null = null, name = '') {
    if (handle instanceof Comm) {
      this.#h = handle.#h;
      this.#name = handle.#name;
      return;
    }
    if (handle !== null && !isCommHandle(handle)) {
      throw new TypeError(`Comm: expected an MPI.Comm to copy, got ${describeValue(handle)}`);
    }
    this.#h = handle;
    this.#name = handle === null ? 'MPI_COMM_NULL' : name;
  }

  /** @internal The transport handle; throws ERR_COMM for COMM_NULL. */
  handle(routine: string): CommHandle {
    if (this.#h === null) raise(routine, commNull());
    return this.#h;
  }

  /** @internal The handle for point-to-point calls: ERR_COMM for COMM_NULL, ERR_REVOKED once known revoked. */
  p2pHandle(routine: string): CommHandle {
    const h = this.handle(routine);
    try { ulfm.check(h); } catch (e) { raise(routine, e); }
    return h;
  }

  /** @internal The handle for collective calls: as p2pHandle, after taking in any revocation notice. */
  collHandle(routine: string): CommHandle {
    collectiveEntered = true; // from here a failure is not an argument error that abandons the call (see guardCollectives)
    const h = this.handle(routine);
    try { ulfm.checkPolled(runtime.transport, h, this.localHandle(), true, routine); } catch (e) { raise(routine, e); }
    return h;
  }

  /** @internal The local group's communicator of an intercommunicator; null for an intracommunicator. */
  localHandle(): CommHandle | null { return null; }

  /**
   * @internal The collective `routine` failed here before communicating
   * (`failure`, about to be raised): tell the other processes, which raise
   * its error class instead of waiting for this one (src/coll/ulfm.ts
   * abandon). `seq`: the call's number when it took one, else the next.
   */
  abandonCall(routine: string, failure: unknown, seq: number | null): void {
    if (this.#h === null || abandonedErrors.has(failure as object)) return;
    if (typeof failure === 'object' && failure !== null) abandonedErrors.add(failure);
    const errorClass = failure instanceof Exception ? failure.Get_error_class()
      : failure instanceof MpiFailure ? failure.errorClass : ERR_ARG;
    const message = failure instanceof Error ? failure.message : String(failure);
    try {
      const t = runtime.transport;
      ulfm.abandon(t, this.#h, this.localHandle(), seq, routine, errorClass, message);
    } catch { /* not initialized, finalized: no one to tell */ }
  }

  /** @internal */
  get transport(): Transport { return runtime.transport; }

  // ---- identity --------------------------------------------------------

  /** Rank of this process in the communicator: `MPI_Comm_rank`. */
  Get_rank(): number { return this.handle('Get_rank').rank; }
  /** Number of processes (local group for intercommunicators): `MPI_Comm_size`. */
  Get_size(): number { return this.handle('Get_size').size; }
  /** This process's rank, as Get_rank (mpi4py property `rank`). */
  get rank(): number { return this.Get_rank(); }
  /** Number of processes, as Get_size (mpi4py property `size`). */
  get size(): number { return this.Get_size(); }
  /** True for an intercommunicator: `MPI_Comm_test_inter`. */
  Is_inter(): boolean { return this.handle('Is_inter').remoteSize > 0; }
  /** True for an intracommunicator (not Is_inter). */
  Is_intra(): boolean { return !this.Is_inter(); }
  /** As Is_inter (mpi4py property `is_inter`). */
  get is_inter(): boolean { return this.Is_inter(); }
  /** As Is_intra (mpi4py property `is_intra`). */
  get is_intra(): boolean { return this.Is_intra(); }
  /** Name: `MPI_Comm_get_name`. */
  Get_name(): string { return this.#name; }
  /** Set the name: `MPI_Comm_set_name`. */
  Set_name(name: string): void { this.#name = String(name); }
  /** The communicator's name, as Get_name (mpi4py property `name`). */
  get name(): string { return this.#name; }
  /** Rename, as Set_name. */
  set name(name: string) { this.Set_name(name); }

  /**
   * Compare two communicators: IDENT (the same), CONGRUENT (same processes in
   * the same order), SIMILAR (same processes) or UNEQUAL: `MPI_Comm_compare`.
   */
  static Compare(a: Comm, b: Comm): number {
    const ha = a.handle('Compare');
    const hb = b.handle('Compare');
    if (ha === hb) return IDENT;
    const t = runtime.transport;
    const ga = new Group(t.group(ha));
    const gb = new Group(t.group(hb));
    const r = Group.Compare(ga, gb);
    if (r === IDENT) {
      const ra = t.remoteGroup(ha);
      const rb = t.remoteGroup(hb);
      if ((ra === null) !== (rb === null)) return UNEQUAL;
      if (ra && rb && Group.Compare(new Group(ra), new Group(rb)) !== IDENT) return SIMILAR;
      return CONGRUENT;
    }
    return r;
  }
  /** Compare with `other`, as the static Comm.Compare(this, other). */
  Compare(other: Comm): number { return Comm.Compare(this, other); }

  /** The group of processes (local group for intercommunicators): `MPI_Comm_group`. */
  Get_group(): Group {
    return new Group(runtime.transport.group(this.handle('Get_group')));
  }
  /** The group, as Get_group (mpi4py property `group`). */
  get group(): Group { return this.Get_group(); }

  /** Release the communicator; the object becomes COMM_NULL: `MPI_Comm_free`. */
  Free(): void {
    const h = this.handle('Free');
    if (h === runtime.transport.commWorld || h === runtime.transport.commSelf) {
      fail('Free', ERR_COMM, `cannot free ${this.#name || 'a predefined communicator'}`);
    }
    deleteAll('Free', this, this.#attrs);
    let free = true;
    try { free = ulfm.release(runtime.transport, h, this.localHandle()); } catch (e) { raise('Free', e); }
    if (free) runtime.transport.freeComm(h);
    this.#h = null;
  }

  /**
   * Free it unless it is null or predefined (mpi4py 4's `free`): the module
   * constants (COMM_WORLD, COMM_SELF, COMM_NULL) stay as they are, another
   * object for COMM_WORLD or COMM_SELF becomes null, any other is freed.
   */
  free(): void {
    const h = this.#h;
    if (h === null || constants.has(this)) return;
    if (h === runtime.transport.commWorld || h === runtime.transport.commSelf) this.#h = null;
    else this.Free();
  }

  static {
    detach = (c) => {
      deleteAll('Disconnect', c, c.#attrs);
      c.#h = null;
    };
    attach = (c, h) => { c.#h = h; };
  }

  // ---- fault tolerance (MPI 5, ULFM; see src/coll/ulfm.ts) ----------------------

  /**
   * Revoke the communicator on every process of it: from then on calls on
   * it raise ERR_REVOKED, except Agree and Shrink: `MPI_Comm_revoke`.
   * Other processes learn of it at their next collective call or Is_revoked.
   */
  Revoke(): void {
    const h = this.handle('Revoke');
    try { ulfm.revoke(runtime.transport, h, this.localHandle()); } catch (e) { raise('Revoke', e); }
  }

  /** Whether the communicator was revoked (here or by another process): `MPI_Comm_is_revoked`. */
  Is_revoked(): boolean {
    const h = this.handle('Is_revoked');
    try { return ulfm.poll(runtime.transport, h, this.localHandle()); } catch (e) { raise('Is_revoked', e); }
  }

  /**
   * The group of failed processes: `MPI_Comm_get_failed`. A failed process
   * ends an mpi4ts job, so it is always empty.
   */
  Get_failed(): Group {
    this.handle('Get_failed');
    return new Group(new Int32Array(0));
  }

  /**
   * Acknowledge up to `num_to_ack` failures (default: all); returns the
   * number acknowledged, always 0 here (see Get_failed): `MPI_Comm_ack_failed`.
   */
  Ack_failed(num_to_ack: number | null = null): number {
    this.handle('Ack_failed');
    if (num_to_ack !== null && num_to_ack !== undefined) {
      const n = checkInt('Ack_failed', 'num_to_ack', num_to_ack);
      if (n < 0) fail('Ack_failed', ERR_ARG, `num_to_ack must be >= 0, got ${n}`);
    }
    return 0;
  }

  /**
   * The bitwise AND of `flag` over every process (for an
   * intercommunicator, over the remote group), also on a revoked
   * communicator: `MPI_Comm_agree`.
   */
  Agree(flag: number): number {
    const f = checkInt('Agree', 'flag', flag);
    if (f !== (f | 0)) throw new RangeError(`Agree: flag must be a 32-bit integer, got ${f}`);
    const h = this.handle('Agree');
    try { return runBlocking(runtime.transport, ulfm.agree(runtime.transport, h, this.localHandle(), f, true)); } catch (e) { raise('Agree', e); }
  }

  /**
   * Start an agreement on the 32-bit integer in `flag` (a buffer of 4
   * bytes, e.g. an Int32Array of one element), which holds the AND once
   * the request completes: `MPI_Comm_iagree`.
   */
  Iagree(flag: ArrayBufferView): Request {
    if (!ArrayBuffer.isView(flag)) throw new TypeError(`Iagree: flag must be a buffer of one 32-bit integer (e.g. Int32Array), got ${describeValue(flag)}`);
    if (flag.byteLength !== 4) throw new RangeError(`Iagree: flag: expecting int buffer of length one, got ${flag.byteLength} bytes`);
    const h = this.handle('Iagree');
    const t = runtime.transport;
    const view = new DataView(flag.buffer, flag.byteOffset, 4);
    const value = view.getInt32(0, true);
    try {
      const s = then(ulfm.agree(t, h, this.localHandle(), value, false), null, (r) => view.setInt32(0, r, true));
      return Request.collective(new CollectiveOp(t, s) as CollectiveOp<unknown>, 'Iagree');
    } catch (e) { raise('Iagree', e); }
  }

  /**
   * A communicator of the processes that have not failed, also from a
   * revoked one: `MPI_Comm_shrink`. None ever fails here, so it has the
   * same group (a duplicate without attributes).
   */
  Shrink(): Intracomm | Intercomm {
    const h = this.handle('Shrink');
    const t = runtime.transport;
    const local = this.localHandle();
    try {
      if (local !== null) return new Intercomm(runBlocking(t, ulfm.shrinkInter(t, h, local)), '');
      return new Intracomm(runBlocking(t, ulfm.shrink(t, h, true)), '');
    } catch (e) { raise('Shrink', e); }
  }

  /**
   * Start a Shrink: the new communicator (usable once the request
   * completes) and the request: `MPI_Comm_ishrink`.
   */
  Ishrink(): [Intracomm | Intercomm, Request] {
    const h = this.handle('Ishrink');
    const t = runtime.transport;
    const local = this.localHandle();
    try {
      if (local !== null) {
        // As Intercomm.Idup: made at the call, the request complete when returned.
        const comm = new Intercomm(runBlocking(t, ulfm.shrinkInter(t, h, local)), '');
        return [comm, Request.collective(new CollectiveOp(t, (function* (): Schedule<undefined> { return undefined; })()), 'Ishrink')];
      }
      const comm = new Intracomm(null, '');
      const s = then(ulfm.shrink(t, h, false), null, (nh) => attach(comm, nh));
      return [comm, Request.collective(new CollectiveOp(t, s) as CollectiveOp<unknown>, 'Ishrink')];
    } catch (e) { raise('Ishrink', e); }
  }

  /** True unless this is COMM_NULL or was freed. */
  get isNull(): boolean { return this.#h === null; }

  /**
   * Value of an attribute: a predefined one (TAG_UB, UNIVERSE_SIZE, APPNUM,
   * LASTUSEDCODE, ...) or one set with Set_attr (null when not set):
   * `MPI_Comm_get_attr`.
   */
  Get_attr(keyval: number): any {
    const h = this.handle('Get_attr');
    const t = runtime.transport;
    switch (keyvalArg('Get_attr', keyval)) {
      case TAG_UB: return t.tagUpperBound;
      case UNIVERSE_SIZE: return t.job.universeSize;
      case APPNUM: return t.job.appnum;
      case WTIME_IS_GLOBAL: return true;
      case HOST: return PROC_NULL;
      case IO: return h.rank;
      case LASTUSEDCODE: return lastUsed();
      default: return getAttr('Get_attr', 'Comm', this.#attrs, keyval);
    }
  }

  // ---- attributes, hints, error handlers -------------------------------------------

  /** Store `attrval` under a keyval from Create_keyval (an old value goes through the delete callback): `MPI_Comm_set_attr`. */
  Set_attr(keyval: number, attrval: unknown): void {
    this.handle('Set_attr');
    this.#attrs = setAttr('Set_attr', 'Comm', this, this.#attrs, keyval, attrval);
  }

  /** Remove an attribute through its keyval's delete callback: `MPI_Comm_delete_attr`. */
  Delete_attr(keyval: number): void {
    this.handle('Delete_attr');
    deleteAttr('Delete_attr', 'Comm', this, this.#attrs, keyval);
  }

  /**
   * A new attribute key for communicators: `copy_fn(comm, keyval, value)`
   * gives the value a Dup gets (`true`: the same value; null: none;
   * returning `MPI.DO_NOT_COPY` skips it), `delete_fn(comm, keyval, value)`
   * runs at Delete_attr and Free: `MPI_Comm_create_keyval`. The arguments
   * may be one object `{ copy_fn, delete_fn, nopython }` (mpi4py's keywords).
   */
  static Create_keyval(copy_fn: CopyFunction<Comm> | boolean | KeyvalOptions<Comm> | null = null,
    delete_fn: DeleteFunction<Comm> | boolean | null = null, nopython = false): number {
    return createKeyval('Create_keyval', 'Comm', copy_fn, delete_fn, nopython);
  }

  /** Free an attribute key; returns KEYVAL_INVALID: `MPI_Comm_free_keyval`. */
  static Free_keyval(keyval: number): number {
    return freeKeyval('Free_keyval', 'Comm', keyval);
  }

  /** @internal A communicator just made by Dup from `from`: its attributes through the copy callbacks, and hints. */
  adoptDup<T extends Comm>(this: T, routine: string, from: Comm, info: unknown): T {
    try {
      this.#attrs = copyAttrs(routine, from, from.#attrs);
    } catch (e) {
      if (this.#h !== null) this.Free();
      throw e;
    }
    this.#info = info === undefined || info === null ? from.#info && new Map(from.#info) : new Map(infoArg(routine, info));
    return ofClassOf(this, from);
  }

  /**
   * A duplicate of this communicator, an object of this one's class:
   * `MPI_Comm_dup` (mpi4py `Comm.Clone`; Intracomm and Intercomm override it).
   */
  Clone(): Comm {
    const routine = 'Clone';
    if (this.handle(routine).remoteSize > 0) throw new TypeError(`${routine}: a ${this.constructor.name} of an intercommunicator cannot be duplicated; use an MPI.Intercomm`);
    return ofClassOf(new Intracomm(this).Dup(), this, true);
  }

  /** Set hints for the communicator (mpi4ts acts on none; Get_info returns them): `MPI_Comm_set_info`. */
  Set_info(info: Info): void {
    this.handle('Set_info');
    if (!(info instanceof Info)) throw new TypeError(`Set_info: info must be an MPI.Info, got ${info === null ? 'null' : typeof info}`);
    const pairs = infoArg('Set_info', info);
    this.#info ??= new Map();
    for (const [k, v] of pairs) this.#info.set(k, v);
  }

  /** A new Info object with the communicator's hints (the caller frees it): `MPI_Comm_get_info`. */
  Get_info(): Info {
    this.handle('Get_info');
    return Info.Create(this.#info ?? null);
  }
  /** The hints, as Get_info. */
  get info(): Info { return this.Get_info(); }
  /** Set the hints, as Set_info. */
  set info(info: Info) { this.Set_info(info); }

  /** A new error handler for communicators, calling `errhandler_fn(comm, errorcode)`: `MPI_Comm_create_errhandler`. */
  static Create_errhandler(errhandler_fn: ErrhandlerFunction<Comm>): Errhandler {
    return createErrhandler('Create_errhandler', 'Comm', errhandler_fn);
  }

  /** The communicator's error handler (a new handle; free it): `MPI_Comm_get_errhandler`. */
  Get_errhandler(): Errhandler {
    this.handle('Get_errhandler');
    return Errhandler.of(this.#errhandler);
  }

  /**
   * Set the error handler: ERRORS_RETURN (default: errors raise
   * MPI.Exception), ERRORS_ARE_FATAL or ERRORS_ABORT (an error in a call on
   * this communicator aborts the job), or one from Create_errhandler:
   * `MPI_Comm_set_errhandler`.
   */
  Set_errhandler(errhandler: Errhandler): void {
    this.handle('Set_errhandler');
    const rec = errhandlerArg('Set_errhandler', 'Comm', errhandler);
    this.#errhandler = rec;
    guard(this, rec !== defaultErrhandler);
  }

  /** Run the communicator's error handler for `errorcode`: `MPI_Comm_call_errhandler`. */
  Call_errhandler(errorcode: number): void {
    this.handle('Call_errhandler');
    const code = checkInt('Call_errhandler', 'errorcode', errorcode);
    invoke(this.#errhandler, this, code, `Call_errhandler(${code})`, this.#name);
  }

  /** @internal Delete every attribute through the delete callbacks (MPI_Finalize does so for COMM_SELF). */
  releaseAttributes(routine: string): void { deleteAll(routine, this, this.#attrs); }

  /** @internal For the dispatch of errors to the handler (api/errhandler.ts). */
  errhandlerRecord(): ErrhandlerRecord { return this.#errhandler; }
  /** @internal */
  errhandlerObjectName(): string { return this.#name; }

  /** Same communicator handle (mpi4py's `==`): true for two null communicators. */
  equals(other: unknown): boolean { return other instanceof Comm && other.#h === this.#h; }

  /**
   * In a process started by Spawn: the intercommunicator to its parents (the
   * same object at every call); otherwise, or once it is disconnected, a
   * null communicator (`isNull`): `MPI_Comm_get_parent`.
   */
  static Get_parent(): Intercomm {
    // Once disconnected, the parent is COMM_NULL itself (mpi4py: Get_parent() == COMM_NULL).
    if (parentComm?.isNull) parentComm = COMM_NULL as Intercomm;
    if (parentComm === undefined) {
      const ic = spawncoll.parent(runtime.transport);
      parentComm = ic === null ? COMM_NULL as Intercomm : new Intercomm(ic, 'MPI_COMM_PARENT');
    }
    return parentComm;
  }

  /**
   * The intercommunicator of this process and the one at the other end of
   * the connected socket `fd` (a file descriptor, or a net.Socket), which
   * calls Join too: `MPI_Comm_join`. Nothing else may read the socket
   * meanwhile (given a net.Socket, Join stops its reading).
   */
  static Join(fd: number | Socket): Intercomm {
    const descriptor = joinDescriptor(fd);
    const ports = portService('Join');
    try {
      return new Intercomm(portscoll.join(runtime.transport, ports, descriptor), '');
    } catch (e) { return raise('Join', e); }
  }

  /** Terminate every process of the job with `errorcode`: `MPI_Abort`. */
  Abort(errorcode = 0): never {
    checkInt('Abort', 'errorcode', errorcode);
    return runtime.transport.abort(errorcode, `MPI_Abort was invoked on rank ${this.#h?.rank ?? 0} in communicator ${this.#name || 'MPI_COMM'} with errorcode ${errorcode}`);
  }

  // ---- argument checks (once, at the public boundary) ---------------------

  #peerCount(h: CommHandle): number {
    return h.remoteSize > 0 ? h.remoteSize : h.size;
  }

  #dest(routine: string, h: CommHandle, dest: unknown): number {
    const d = checkInt(routine, 'dest', dest);
    if ((d < 0 || d >= this.#peerCount(h)) && d !== PROC_NULL) {
      fail(routine, ERR_RANK, `invalid destination rank ${d} (communicator of size ${this.#peerCount(h)})`);
    }
    return d;
  }

  #source(routine: string, h: CommHandle, source: unknown): number {
    const s = checkInt(routine, 'source', source);
    if ((s < 0 || s >= this.#peerCount(h)) && s !== ANY_SOURCE && s !== PROC_NULL) {
      fail(routine, ERR_RANK, `invalid source rank ${s} (communicator of size ${this.#peerCount(h)})`);
    }
    return s;
  }

  #sendTag(routine: string, tag: unknown): number {
    const t = checkInt(routine, 'tag', tag);
    if (t < 0 || t > runtime.transport.tagUpperBound) {
      fail(routine, ERR_TAG, `invalid tag ${t} (tags are 0 to ${runtime.transport.tagUpperBound})`);
    }
    return t;
  }

  #recvTag(routine: string, tag: unknown): number {
    const t = checkInt(routine, 'tag', tag);
    if ((t < 0 || t > runtime.transport.tagUpperBound) && t !== ANY_TAG) {
      fail(routine, ERR_TAG, `invalid tag ${t} (tags are 0 to ${runtime.transport.tagUpperBound}, or ANY_TAG)`);
    }
    return t;
  }

  /** Communicator, destination and tag of a send, checked; accepts the options-object form. */
  #target(routine: string, dest: number | SendOptions, tag: number): [CommHandle, number, number] {
    const h = this.p2pHandle(routine);
    if (typeof dest === 'object' && dest !== null) ({ dest, tag = 0 } = options<SendOptions>(routine, 'dest', dest, ['dest', 'tag']));
    return [h, this.#dest(routine, h, dest), this.#sendTag(routine, tag)];
  }

  /** Communicator, source and tag of a receive or probe, checked. */
  #origin(routine: string, source: unknown, tag: unknown): [CommHandle, number, number] {
    const h = this.p2pHandle(routine);
    return [h, this.#source(routine, h, source), this.#recvTag(routine, tag)];
  }

  // ---- objects -------------------------------------------------------------

  #sendObject(routine: string, mode: SendMode, obj: unknown, dest: number | SendOptions, tag: number): void {
    const [h, d, t] = this.#target(routine, dest, tag);
    let bytes: Uint8Array;
    try { bytes = messageCodec().dumps(obj); } catch (e) { throw typeError(routine, e); }
    try { runtime.transport.send(h, bytes, d, t, mode); } catch (e) { raise(routine, e); }
  }

  #isendObject(routine: string, mode: SendMode, obj: unknown, dest: number | SendOptions, tag: number): Request<undefined> {
    const [h, d, t] = this.#target(routine, dest, tag);
    let bytes: Uint8Array;
    try { bytes = messageCodec().dumps(obj); } catch (e) { throw typeError(routine, e); }
    let op: Operation;
    try { op = runtime.transport.isend(h, bytes, d, t, mode, true); } catch (e) { raise(routine, e); }
    return Request.send(op, routine);
  }

  /**
   * Send an object (blocking, standard mode): mpi4py `Comm.send`. Any value
   * the structured clone algorithm copies (numbers, strings, arrays, plain
   * objects, typed arrays, Map, Set...).
   * @param obj the value to send
   * @param dest rank of the destination, or `{ dest, tag }`
   * @param tag message tag (default 0)
   * @example
   * ```ts
   * const comm = MPI.COMM_WORLD;
   * if (comm.rank === 0) comm.send({ a: 7, b: 3.14 }, 1, 11);
   * else if (comm.rank === 1) console.log(comm.recv(0, 11));
   * ```
   */
  send(obj: unknown, dest: number | SendOptions, tag = 0): void {
    this.#sendObject('send', SendMode.Standard, obj, dest, tag);
  }

  /** Send an object in synchronous mode (returns once it is being received): `Comm.ssend`. */
  ssend(obj: unknown, dest: number | SendOptions, tag = 0): void {
    this.#sendObject('ssend', SendMode.Synchronous, obj, dest, tag);
  }

  /** Send an object in buffered mode, through the attached buffer (ERR_BUFFER if it does not fit): mpi4py `Comm.bsend`. */
  bsend(obj: unknown, dest: number | SendOptions, tag = 0): void {
    this.#bsendObject('bsend', obj, dest, tag);
  }

  /** Start sending an object: mpi4py `Comm.isend`. */
  isend(obj: unknown, dest: number | SendOptions, tag = 0): Request<undefined> {
    return this.#isendObject('isend', SendMode.Standard, obj, dest, tag);
  }

  /** Start sending an object in synchronous mode: `Comm.issend`. */
  issend(obj: unknown, dest: number | SendOptions, tag = 0): Request<undefined> {
    return this.#isendObject('issend', SendMode.Synchronous, obj, dest, tag);
  }

  /** Start sending an object in buffered mode (complete once buffered): mpi4py `Comm.ibsend`. */
  ibsend(obj: unknown, dest: number | SendOptions, tag = 0): Request<undefined> {
    return Request.send(this.#bsendObject('ibsend', obj, dest, tag), 'ibsend');
  }

  /** Receive an object (blocking): mpi4py `Comm.recv`. Any size. */
  recv<T = unknown>(source: number | RecvOptions = ANY_SOURCE, tag = ANY_TAG, status?: Status | null): T {
    if (typeof source === 'object' && source !== null) ({ source = ANY_SOURCE, tag = ANY_TAG, status } = options<RecvOptions>('recv', 'source', source, RECV_KEYS));
    const [h, s, t] = this.#origin('recv', source, tag);
    let op: Operation;
    try { op = runtime.transport.recv(h, null, s, t); } catch (e) { raise('recv', e); }
    return Request.complete(op, Kind.RecvObject, 'recv', null, status) as T;
  }

  /** Start receiving an object: mpi4py `Comm.irecv` (no size limit). `await comm.irecv<T>(source)` gives a T. */
  irecv<T = unknown>(source: number | RecvOptions = ANY_SOURCE, tag = ANY_TAG): Request<T> {
    if (typeof source === 'object' && source !== null) ({ source = ANY_SOURCE, tag = ANY_TAG } = options<RecvOptions>('irecv', 'source', source, ['source', 'tag']));
    const [h, s, t] = this.#origin('irecv', source, tag);
    let op: Operation;
    try { op = runtime.transport.irecv(h, null, s, t); } catch (e) { raise('irecv', e); }
    return Request.recvObject(op, 'irecv');
  }

  /** Send an object and receive one: mpi4py `Comm.sendrecv`. */
  sendrecv<T = unknown>(sendobj: unknown, dest: number, sendtag = 0, source: number = ANY_SOURCE,
    recvtag: number = ANY_TAG, status?: Status | null): T {
    const h = this.p2pHandle('sendrecv');
    const d = this.#dest('sendrecv', h, dest);
    const st = this.#sendTag('sendrecv', sendtag);
    const s = this.#source('sendrecv', h, source);
    const rt = this.#recvTag('sendrecv', recvtag);
    let bytes: Uint8Array;
    try { bytes = messageCodec().dumps(sendobj); } catch (e) { throw typeError('sendrecv', e); }
    let rop: Operation;
    try {
      rop = runtime.transport.irecv(h, null, s, rt);
      const sop = runtime.transport.isend(h, bytes, d, st, SendMode.Standard, true);
      runtime.transport.wait(sop);
      runtime.transport.wait(rop);
    } catch (e) { raise('sendrecv', e); }
    return Request.complete(rop, Kind.RecvObject, 'sendrecv', null, status) as T;
  }

  /** Block until a matching message is available: `MPI_Probe`. Returns true. */
  probe(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): true {
    return this.#probe('probe', source, tag, status);
  }

  /** Whether a matching message is available: `MPI_Iprobe`. */
  iprobe(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): boolean {
    return this.#iprobe('iprobe', source, tag, status);
  }

  #probe(routine: string, source: number, tag: number, status?: Status | null): true {
    const [h, s, t] = this.#origin(routine, source, tag);
    try { Status.fill(status, runtime.transport.probe(h, s, t)); } catch (e) { raise(routine, e); }
    return true;
  }

  #iprobe(routine: string, source: number, tag: number, status?: Status | null): boolean {
    const [h, s, t] = this.#origin(routine, source, tag);
    let env;
    try { env = runtime.transport.iprobe(h, s, t); } catch (e) { raise(routine, e); }
    if (env === null) return false;
    Status.fill(status, env);
    return true;
  }

  // ---- buffers -----------------------------------------------------------

  #sendBuffer(routine: string, mode: SendMode, buf: BufferSpec, dest: number | SendOptions, tag: number): void {
    const [h, d, t] = this.#target(routine, dest, tag);
    try {
      const m = parseBuffer(routine, 'buf', buf);
      runtime.transport.send(h, outgoing(m), d, t, mode);
    } catch (e) { raise(routine, e); }
  }

  #isendBuffer(routine: string, mode: SendMode, buf: BufferSpec, dest: number | SendOptions, tag: number): Request {
    const [h, d, t] = this.#target(routine, dest, tag);
    let op: Operation;
    try {
      const m = parseBuffer(routine, 'buf', buf);
      op = runtime.transport.isend(h, outgoing(m), d, t, mode, false);
    } catch (e) { raise(routine, e); }
    return Request.send(op, routine);
  }

  /**
   * Send a buffer (blocking, standard mode): `MPI_Send`.
   * @param buf a typed array, or `[data, datatype]`, `[data, count, datatype]`, `[data, [count, displ], datatype]`
   * @param dest rank of the destination, or `{ dest, tag }`
   * @param tag message tag (default 0)
   * @example
   * ```ts
   * const data = new Float64Array(1000);
   * if (comm.rank === 0) comm.Send([data, MPI.DOUBLE], 1, 77);
   * else if (comm.rank === 1) comm.Recv([data, MPI.DOUBLE], 0, 77);
   * ```
   */
  Send(buf: BufferSpec, dest: number | SendOptions, tag = 0): void {
    this.#sendBuffer('Send', SendMode.Standard, buf, dest, tag);
  }

  /** Send a buffer in synchronous mode: `MPI_Ssend`. */
  Ssend(buf: BufferSpec, dest: number | SendOptions, tag = 0): void {
    this.#sendBuffer('Ssend', SendMode.Synchronous, buf, dest, tag);
  }

  /** Send a buffer in buffered mode, through the attached buffer (ERR_BUFFER if it does not fit): `MPI_Bsend`. */
  Bsend(buf: BufferSpec, dest: number | SendOptions, tag = 0): void {
    this.#bsendBuffer('Bsend', buf, dest, tag);
  }

  /** Send a buffer in ready mode: `MPI_Rsend` (behaves as a standard send, which MPI allows). */
  Rsend(buf: BufferSpec, dest: number | SendOptions, tag = 0): void {
    this.#sendBuffer('Rsend', SendMode.Standard, buf, dest, tag);
  }

  /** Start sending a buffer: `MPI_Isend`. Do not modify the buffer until the request completes. */
  Isend(buf: BufferSpec, dest: number | SendOptions, tag = 0): Request {
    return this.#isendBuffer('Isend', SendMode.Standard, buf, dest, tag);
  }

  /** Start sending a buffer in synchronous mode: `MPI_Issend`. */
  Issend(buf: BufferSpec, dest: number | SendOptions, tag = 0): Request {
    return this.#isendBuffer('Issend', SendMode.Synchronous, buf, dest, tag);
  }

  /** Start a buffered send (complete once buffered): `MPI_Ibsend`. */
  Ibsend(buf: BufferSpec, dest: number | SendOptions, tag = 0): Request {
    return Request.send(this.#bsendBuffer('Ibsend', buf, dest, tag), 'Ibsend');
  }

  /** Start a ready-mode send: `MPI_Irsend`. */
  Irsend(buf: BufferSpec, dest: number | SendOptions, tag = 0): Request {
    return this.#isendBuffer('Irsend', SendMode.Standard, buf, dest, tag);
  }

  /**
   * Receive into a buffer (blocking): `MPI_Recv`. A longer message raises
   * `MPI.Exception` with ERR_TRUNCATE.
   * @param buf a typed array, or `[data, datatype]`, `[data, count, datatype]`
   * @param source rank of the source, ANY_SOURCE (the default), or `{ source, tag, status }`
   * @param tag message tag, or ANY_TAG (the default)
   * @param status filled in with the message's source, tag and size
   */
  Recv(buf: BufferSpec, source: number | RecvOptions = ANY_SOURCE, tag = ANY_TAG, status?: Status | null): void {
    if (typeof source === 'object' && source !== null) ({ source = ANY_SOURCE, tag = ANY_TAG, status } = options<RecvOptions>('Recv', 'source', source, RECV_KEYS));
    const [h, s, t] = this.#origin('Recv', source, tag);
    let m, into, op: Operation;
    try {
      m = parseBuffer('Recv', 'buf', buf, true);
      into = incoming(m);
      op = runtime.transport.recv(h, into, s, t);
    } catch (e) { raise('Recv', e); }
    Request.complete(op, Kind.RecvBuffer, 'Recv', m.type, status, unpacker(m, into));
  }

  /** Start receiving into a buffer: `MPI_Irecv`. */
  Irecv(buf: BufferSpec, source: number | RecvOptions = ANY_SOURCE, tag = ANY_TAG): Request {
    if (typeof source === 'object' && source !== null) ({ source = ANY_SOURCE, tag = ANY_TAG } = options<RecvOptions>('Irecv', 'source', source, ['source', 'tag']));
    const [h, s, t] = this.#origin('Irecv', source, tag);
    let m, into, op: Operation;
    try {
      m = parseBuffer('Irecv', 'buf', buf, true);
      into = incoming(m);
      op = runtime.transport.irecv(h, into, s, t);
    } catch (e) { raise('Irecv', e); }
    return Request.recvBuffer(op, 'Irecv', m.type, unpacker(m, into));
  }

  /** Send one buffer and receive another: `MPI_Sendrecv`. */
  Sendrecv(sendbuf: BufferSpec, dest: number, sendtag = 0, recvbuf: BufferSpec | null = null,
    source: number = ANY_SOURCE, recvtag: number = ANY_TAG, status?: Status | null): void {
    const h = this.p2pHandle('Sendrecv');
    const d = this.#dest('Sendrecv', h, dest);
    const st = this.#sendTag('Sendrecv', sendtag);
    const s = this.#source('Sendrecv', h, source);
    const rt = this.#recvTag('Sendrecv', recvtag);
    let rm, into, rop: Operation;
    try {
      const sm = parseBuffer('Sendrecv', 'sendbuf', sendbuf);
      rm = parseBuffer('Sendrecv', 'recvbuf', recvbuf);
      into = incoming(rm);
      rop = runtime.transport.irecv(h, into, s, rt);
      const sop = runtime.transport.isend(h, outgoing(sm), d, st, SendMode.Standard, false);
      runtime.transport.wait(sop);
      runtime.transport.wait(rop);
    } catch (e) { raise('Sendrecv', e); }
    Request.complete(rop, Kind.RecvBuffer, 'Sendrecv', rm.type, status, unpacker(rm, into));
  }

  /** Send a buffer and receive into the same buffer: `MPI_Sendrecv_replace`. */
  Sendrecv_replace(buf: BufferSpec, dest: number, sendtag = 0, source: number = ANY_SOURCE,
    recvtag: number = ANY_TAG, status?: Status | null): void {
    const h = this.p2pHandle('Sendrecv_replace');
    const d = this.#dest('Sendrecv_replace', h, dest);
    const st = this.#sendTag('Sendrecv_replace', sendtag);
    const s = this.#source('Sendrecv_replace', h, source);
    const rt = this.#recvTag('Sendrecv_replace', recvtag);
    let m, into, rop: Operation;
    try {
      m = parseBuffer('Sendrecv_replace', 'buf', buf, true);
      // The outgoing copy frees the buffer for the incoming message.
      const out = m.packed ? outgoing(m) : m.bytes.slice();
      into = incoming(m);
      rop = runtime.transport.irecv(h, into, s, rt);
      const sop = runtime.transport.isend(h, out, d, st, SendMode.Standard, false);
      runtime.transport.wait(sop);
      runtime.transport.wait(rop);
    } catch (e) { raise('Sendrecv_replace', e); }
    Request.complete(rop, Kind.RecvBuffer, 'Sendrecv_replace', m.type, status, unpacker(m, into));
  }

  /** Block until a matching message is available: `MPI_Probe`. */
  Probe(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): true {
    return this.#probe('Probe', source, tag, status);
  }

  /** Whether a matching message is available: `MPI_Iprobe`. */
  Iprobe(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): boolean {
    return this.#iprobe('Iprobe', source, tag, status);
  }

  // ---- buffered mode, persistent requests, matched probe, Isendrecv (issue 14) ----

  /** A buffered send of `bytes`: accounted in the attached buffer, then sent from a copy; the operation is complete. */
  #bsend(routine: string, h: CommHandle, bytes: Uint8Array, d: number, t: number): Operation {
    return bufferedSend(routine, h, bytes, d, (copy) => runtime.transport.isend(h, copy, d, t, SendMode.Standard, false));
  }

  #bsendObject(routine: string, obj: unknown, dest: number | SendOptions, tag: number): Operation {
    const [h, d, t] = this.#target(routine, dest, tag);
    let bytes: Uint8Array;
    try { bytes = messageCodec().dumps(obj); } catch (e) { throw typeError(routine, e); }
    try { return this.#bsend(routine, h, bytes, d, t); } catch (e) { raise(routine, e); }
  }

  #bsendBuffer(routine: string, buf: BufferSpec, dest: number | SendOptions, tag: number): Operation {
    const [h, d, t] = this.#target(routine, dest, tag);
    try { return this.#bsend(routine, h, outgoing(parseBuffer(routine, 'buf', buf)), d, t); } catch (e) { raise(routine, e); }
  }

  /** Attach a buffer for buffered sends on this communicator (null: BUFFER_AUTOMATIC): `MPI_Comm_attach_buffer`. */
  Attach_buffer(buf: AttachableBuffer | null): void { attachCommBuffer(this.handle('Attach_buffer'), buf); }
  /** Detach this communicator's buffer once its messages have left; returns it (null if none): `MPI_Comm_detach_buffer`. */
  Detach_buffer(): AttachableBuffer | null { return detachCommBuffer(this.handle('Detach_buffer')); }
  /** Wait until the messages buffered in this communicator's buffer have left: `MPI_Comm_flush_buffer`. */
  Flush_buffer(): void { flushCommBuffer(this.handle('Flush_buffer')); }
  /** A request that completes once they have: `MPI_Comm_iflush_buffer`. */
  Iflush_buffer(): Request { return iflushCommBuffer(this.handle('Iflush_buffer')); }

  /** A persistent send of `buf` in `mode`, inactive until started (its bytes are read at each Start). */
  #sendInit(routine: string, mode: SendMode | 'buffered', buf: BufferSpec, dest: number | SendOptions, tag: number): Prequest {
    const [h, d, t] = this.#target(routine, dest, tag);
    let m: BufferMessage;
    try { m = parseBuffer(routine, 'buf', buf); } catch (e) { raise(routine, e); }
    const live = attachedCheck(routine, m.bytes);
    const start = mode === 'buffered'
      ? () => { live(); return this.#bsend(routine, h, outgoing(m), d, t); }
      : () => { live(); return runtime.transport.isend(h, outgoing(m), d, t, mode, false); };
    return Prequest.persistent(start, Kind.Send, routine);
  }

  /** A persistent standard send: `MPI_Send_init`. */
  Send_init(buf: BufferSpec, dest: number | SendOptions, tag = 0): Prequest {
    return this.#sendInit('Send_init', SendMode.Standard, buf, dest, tag);
  }

  /** A persistent buffered send: `MPI_Bsend_init`. */
  Bsend_init(buf: BufferSpec, dest: number | SendOptions, tag = 0): Prequest {
    return this.#sendInit('Bsend_init', 'buffered', buf, dest, tag);
  }

  /** A persistent synchronous send: `MPI_Ssend_init`. */
  Ssend_init(buf: BufferSpec, dest: number | SendOptions, tag = 0): Prequest {
    return this.#sendInit('Ssend_init', SendMode.Synchronous, buf, dest, tag);
  }

  /** A persistent ready-mode send (a standard send, which MPI allows): `MPI_Rsend_init`. */
  Rsend_init(buf: BufferSpec, dest: number | SendOptions, tag = 0): Prequest {
    return this.#sendInit('Rsend_init', SendMode.Standard, buf, dest, tag);
  }

  /** A persistent receive into `buf`: `MPI_Recv_init`. */
  Recv_init(buf: BufferSpec, source: number | RecvOptions = ANY_SOURCE, tag = ANY_TAG): Prequest {
    if (typeof source === 'object' && source !== null) ({ source = ANY_SOURCE, tag = ANY_TAG } = options<RecvOptions>('Recv_init', 'source', source, ['source', 'tag']));
    const [h, s, t] = this.#origin('Recv_init', source, tag);
    let m: BufferMessage, into: Uint8Array;
    try {
      m = parseBuffer('Recv_init', 'buf', buf, true);
      into = incoming(m);
    } catch (e) { raise('Recv_init', e); }
    const live = attachedCheck('Recv_init', m.bytes);
    return Prequest.persistent(() => { live(); return runtime.transport.irecv(h, into, s, t); }, Kind.RecvBuffer, 'Recv_init', m.type, unpacker(m, into));
  }

  /**
   * A partitioned message's buffer: the whole buffer, split into
   * `partitions` (an explicit count in the spec counts per partition, as
   * mpi4py reads it; an inferred one must divide evenly).
   */
  #partitionedBuffer(routine: string, buf: BufferSpec | null, partitions: unknown): [BufferMessage, number] {
    const p = checkInt(routine, 'partitions', partitions);
    if (p < 1) fail(routine, ERR_ARG, `partitions must be >= 1, got ${p}`);
    let spec: unknown = buf;
    let explicit = false;
    if (Array.isArray(buf)) {
      const b = buf as unknown[];
      if ((b.length === 2 || b.length === 3 || b.length === 4) && typeof b[1] === 'number') {
        spec = [b[0], b[1] * p, ...b.slice(2)];
        explicit = true;
      } else if (b.length === 3 && Array.isArray(b[1]) && typeof b[1][0] === 'number') {
        spec = [b[0], [b[1][0] * p, b[1][1]], b[2]];
        explicit = true;
      }
    }
    const m = parseBuffer(routine, 'buf', spec, routine === 'Precv_init');
    if (!explicit && m.count % p !== 0) {
      fail(routine, ERR_COUNT, `buf: ${m.count} ${m.type.name} do not split into ${p} partitions`);
    }
    return [m, p];
  }

  /** A partitioned send of `buf` in `partitions` parts, inactive until started; it leaves once every part is ready: `MPI_Psend_init`. */
  Psend_init(buf: BufferSpec | null, partitions: number, dest: number | SendOptions, tag = 0, _info: unknown = null): Prequest {
    const [h, d, t] = this.#target('Psend_init', dest, tag);
    let m: BufferMessage, p: number;
    try { [m, p] = this.#partitionedBuffer('Psend_init', buf, partitions); } catch (e) { raise('Psend_init', e); }
    const part: Partitions = { count: p, send: true, ready: [], gate: null, op: null };
    const live = attachedCheck('Psend_init', m.bytes);
    const start = (): Operation => { live(); return partitionedSend(part, () => runtime.transport.isend(h, outgoing(m), d, t, SendMode.Standard, false)); };
    return Prequest.partitioned(part, start, Kind.Collective, 'Psend_init');
  }

  /** A partitioned receive into `buf` in `partitions` parts, inactive until started: `MPI_Precv_init`. */
  Precv_init(buf: BufferSpec | null, partitions: number, source: number = ANY_SOURCE, tag: number = ANY_TAG, _info: unknown = null): Prequest {
    const [h, s, t] = this.#origin('Precv_init', source, tag);
    let m: BufferMessage, p: number, into: Uint8Array;
    try {
      [m, p] = this.#partitionedBuffer('Precv_init', buf, partitions);
      into = incoming(m);
    } catch (e) { raise('Precv_init', e); }
    const part: Partitions = { count: p, send: false, ready: [], gate: null, op: null };
    const live = attachedCheck('Precv_init', m.bytes);
    return Prequest.partitioned(part, () => { live(); return runtime.transport.irecv(h, into, s, t); }, Kind.RecvBuffer, 'Precv_init', m.type, unpacker(m, into));
  }

  #matchedProbe(routine: string, blocking: boolean, source: number | RecvOptions, tag: number, status: Status | null | undefined): Message | null {
    if (typeof source === 'object' && source !== null) ({ source = ANY_SOURCE, tag = ANY_TAG, status } = options<RecvOptions>(routine, 'source', source, RECV_KEYS));
    const [h, s, t] = this.#origin(routine, source, tag);
    if (s === PROC_NULL) {
      Status.fill(status, { source: PROC_NULL, tag: ANY_TAG, count: 0, error: 0, cancelled: false });
      return MESSAGE_NO_PROC;
    }
    let m;
    try { m = blocking ? runtime.transport.mprobe(h, s, t) : runtime.transport.improbe(h, s, t); } catch (e) { raise(routine, e); }
    if (m === null) return null;
    Status.fill(status, m.status);
    return Message.wrap(m);
  }

  /** Block until a matching message arrives and take it out of matching: `MPI_Mprobe`. Receive it with the Message. */
  Mprobe(source: number | RecvOptions = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message {
    return this.#matchedProbe('Mprobe', true, source, tag, status)!;
  }

  /** Take a matching message out of matching if one has arrived (null otherwise): `MPI_Improbe`. */
  Improbe(source: number | RecvOptions = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message | null {
    return this.#matchedProbe('Improbe', false, source, tag, status);
  }

  /** mpi4py `Comm.mprobe`: Mprobe, for a message to receive with `recv()`/`irecv()`. */
  mprobe(source: number | RecvOptions = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message {
    return this.#matchedProbe('mprobe', true, source, tag, status)!;
  }

  /** mpi4py `Comm.improbe`: Improbe, for a message to receive with `recv()`/`irecv()`. */
  improbe(source: number | RecvOptions = ANY_SOURCE, tag: number = ANY_TAG, status?: Status | null): Message | null {
    return this.#matchedProbe('improbe', false, source, tag, status);
  }

  /** Start a send and a receive; the request completes when both have, with the receive's status: `MPI_Isendrecv`. */
  Isendrecv(sendbuf: BufferSpec, dest: number, sendtag = 0, recvbuf: BufferSpec | null = null,
    source: number = ANY_SOURCE, recvtag: number = ANY_TAG): Request {
    const h = this.p2pHandle('Isendrecv');
    const d = this.#dest('Isendrecv', h, dest);
    const st = this.#sendTag('Isendrecv', sendtag);
    const s = this.#source('Isendrecv', h, source);
    const rt = this.#recvTag('Isendrecv', recvtag);
    let rm: BufferMessage, into: Uint8Array, op: CollectiveOp<Operation>;
    try {
      const sm = parseBuffer('Isendrecv', 'sendbuf', sendbuf);
      rm = parseBuffer('Isendrecv', 'recvbuf', recvbuf);
      into = incoming(rm);
      op = this.#pair(h, outgoing(sm), d, st, into, s, rt);
    } catch (e) { raise('Isendrecv', e); }
    return Request.sendrecv(op, 'Isendrecv', rm.type, unpacker(rm, into));
  }

  /** Start sending a buffer and receiving into it (the request completes when both have): `MPI_Isendrecv_replace`. */
  Isendrecv_replace(buf: BufferSpec, dest: number, sendtag = 0, source: number = ANY_SOURCE, recvtag: number = ANY_TAG): Request {
    const h = this.p2pHandle('Isendrecv_replace');
    const d = this.#dest('Isendrecv_replace', h, dest);
    const st = this.#sendTag('Isendrecv_replace', sendtag);
    const s = this.#source('Isendrecv_replace', h, source);
    const rt = this.#recvTag('Isendrecv_replace', recvtag);
    let m: BufferMessage, into: Uint8Array, op: CollectiveOp<Operation>;
    try {
      m = parseBuffer('Isendrecv_replace', 'buf', buf, true);
      // The outgoing copy frees the buffer for the incoming message.
      const out = m.packed ? outgoing(m) : m.bytes.slice();
      into = incoming(m);
      op = this.#pair(h, out, d, st, into, s, rt);
    } catch (e) { raise('Isendrecv_replace', e); }
    return Request.sendrecv(op, 'Isendrecv_replace', m.type, unpacker(m, into));
  }

  /** A send and a receive in flight together, as one operation that yields the receive when both are done. */
  #pair(h: CommHandle, out: Uint8Array, d: number, st: number, into: Uint8Array, s: number, rt: number): CollectiveOp<Operation> {
    const t = runtime.transport;
    const rop = t.irecv(h, into, s, rt);
    const sop = t.isend(h, out, d, st, SendMode.Standard, false);
    function* both(): Schedule<Operation> {
      yield [sop, rop];
      return rop;
    }
    return new CollectiveOp(t, both());
  }

  /** A readable form, `<MPI.Comm name>`. */
  toString(): string { return `<MPI.Comm ${this.#name}>`; }
}

/** A communicator of one group: collectives, constructors, topologies. */
export class Intracomm extends Comm {
  /**
   * COMM_NULL is the null value of every communicator class: what Split,
   * Create, Create_cart... return where there is no communicator
   * (`newcomm === MPI.COMM_NULL`), and an instance of the class they declare,
   * as mpi4py's null Intracomm / Intercomm objects are.
   */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return x === COMM_NULL || Function.prototype[Symbol.hasInstance].call(this, x);
  }

  /** A null intracommunicator (`new MPI.Intracomm()`), or another object for `comm`'s (`new MPI.Intracomm(comm)`; not an intercommunicator). */
  constructor(handle: CommHandle | Comm | null = null, name = '') {
    if (handle instanceof Comm && !handle.isNull && handle.Is_inter()) {
      throw new TypeError('Intracomm: expected an MPI.Intracomm or COMM_NULL, got an intercommunicator');
    }
    super(handle, name);
  }

  // ---- helpers -------------------------------------------------------------

  /** Root of the collective about to run, for deadlock reports (-1: none). */
  #pendingRoot = -1;
  /** Bytes this rank contributes to the collective about to run, for deadlock reports (-1: not known). */
  #pendingBytes = -1;

  #root(routine: string, root: unknown): number {
    const r = checkInt(routine, 'root', root);
    if (r < 0 || r >= this.Get_size()) fail(routine, ERR_ROOT, `invalid root ${r} (communicator of size ${this.Get_size()})`);
    this.#pendingRoot = r;
    return r;
  }

  /** Run a collective algorithm to completion, turning failures into MPI.Exception. */
  #run<T>(routine: string, algorithm: (c: CollContext) => Schedule<T>): T {
    const t = runtime.transport;
    const h = this.collHandle(routine);
    const c = collContext(t, h, true);
    // Name the call for the launcher's deadlock report (cheap: two field stores).
    t.callWatch?.noteCall(routine, this.#pendingRoot, c.comm, c.tag, this.#pendingBytes);
    this.#pendingRoot = -1;
    this.#pendingBytes = -1;
    // Let the waits look for other processes' abandon notices (three stores).
    ulfm.watch(t, h, null, routine);
    try {
      const r = runBlocking(t, algorithm(c));
      settle(c); // a failure recorded on the way, raised once every partner has what it waits for
      return r;
    } catch (e) {
      // Failed before sending anything (the root's object does not encode, see beforeSending): abandoned.
      if (thrownBeforeSending(e)) this.abandonCall(routine, e, c.tag);
      return raise(routine, e);
    } finally {
      ulfm.unwatch(t);
      t.callWatch?.noteCall(null, -1);
    }
  }

  /** Start a collective algorithm; the Request completes with its result. */
  #start<T>(routine: string, algorithm: (c: CollContext) => Schedule<T>): Request {
    const h = this.collHandle(routine);
    const c = collContext(runtime.transport, h);
    this.#pendingRoot = -1;
    this.#pendingBytes = -1;
    try {
      // --check's verification first (gate), then the algorithm on the context
      // gate hands it, whose failures are raised at completion (settled).
      const op = new CollectiveOp(runtime.transport, gate(c, (cc) => settled(cc, algorithm)));
      op.watchComm = h; // its Wait and Test raise other processes' abandon notices
      op.watchRoutine = routine;
      return Request.collective(op as CollectiveOp<unknown>, routine);
    } catch (e) { raise(routine, e); }
  }

  /** The context of the next collective call on this communicator, when it is called for. */
  #nextContext(routine: string): () => CollContext {
    return () => collContext(runtime.transport, this.collHandle(routine));
  }

  /**
   * A persistent collective (`MPI_*_init`), inactive until Start. `build`
   * checks and normalises the arguments (here, so that bad ones raise from
   * the _init call) and again at each Start, so that every round reads the
   * buffers as they are then (packs non-contiguous data, copies IN_PLACE
   * data anew); every round runs under the tag taken here (src/coll/persistent.ts).
   * The _init methods pin their buffer arguments first (pinSpec: counts
   * copied, datatypes kept even if the user frees them).
   */
  #persistent(routine: string, info: unknown, build: () => (c: CollContext) => Schedule<unknown>): Prequest {
    const h = this.handle(routine);
    infoArg(routine, info);
    build();
    this.#pendingRoot = -1;
    this.#pendingBytes = -1;
    const rounds = intraRounds(runtime.transport, h);
    const start = (): Operation => {
      const algorithm = build();
      return rounds.start((c) => settled(c, algorithm)) as CollectiveOp<unknown>;
    };
    return Prequest.persistent(start, Kind.Collective, routine);
  }

  /** A context taken now, fresh for each round of a persistent call (Reduce_scatter's scatter phase). */
  #roundContexts(routine: string): () => CollContext {
    let next: (() => CollContext) | null = null;
    return () => (next ??= contextsOf(runtime.transport, this.handle(routine)))();
  }

  // ---- collectives on objects -------------------------------------------------

  /** Wait until every rank has called it: `MPI_Barrier` (mpi4py `barrier`). */
  barrier(): void { this.#run('barrier', (c) => objcoll.barrier(c)); }
  /** Start a barrier: `MPI_Ibarrier`. */
  ibarrier(): Request { return this.#start('ibarrier', (c) => objcoll.barrier(c)); }

  /**
   * Broadcast an object from root: mpi4py `bcast`. Returns the object on
   * every rank; the others pass anything, typically null
   * (`comm.bcast<T>(rank === 0 ? x : null)` is a T).
   */
  bcast<T = unknown>(obj: T | null | undefined, root = 0): T {
    const r = this.#root('bcast', root);
    return this.#run('bcast', (c) => objcoll.bcast(c, obj, r, messageCodec())) as T;
  }
  /** Start a broadcast of an object: `ibcast`. */
  ibcast<T = unknown>(obj: T | null | undefined, root = 0): Request<T> {
    const r = this.#root('ibcast', root);
    return this.#start('ibcast', (c) => objcoll.bcast(c, obj, r, messageCodec())) as Request<T>;
  }

  /** Send item i of `sendobj` (at root) to rank i: mpi4py `scatter`. */
  scatter<T = unknown>(sendobj: readonly T[] | null | undefined, root = 0): T {
    const r = this.#root('scatter', root);
    const items = this.Get_rank() === r ? objectItems('scatter', 'sendobj', sendobj, this.Get_size()) : null;
    return this.#run('scatter', (c) => objcoll.scatter(c, items, r, messageCodec())) as T;
  }

  /** Collect one object from every rank at root (a list in rank order there, undefined elsewhere): mpi4py `gather`. */
  gather<T = unknown>(sendobj: T, root = 0): T[] | undefined {
    const r = this.#root('gather', root);
    return this.#run('gather', (c) => objcoll.gather(c, sendobj, r, messageCodec())) as T[] | undefined;
  }

  // ---- constructors -----------------------------------------------------------

  #wrap(h: CommHandle | null): Intracomm {
    return h === null ? COMM_NULL as Intracomm : new Intracomm(h, '');
  }

  /**
   * A communicator with the same group and a new context, its attributes
   * through their copy callbacks, and the hints of `info` (default: this
   * communicator's): `MPI_Comm_dup` (`MPI_Comm_dup_with_info`).
   */
  Dup(info: Info | null = null): Intracomm {
    const h = this.handle('Dup');
    if (info !== null) infoArg('Dup', info);
    return this.#wrap(this.#run('Dup', (c) => commcoll.dup(c, h))).adoptDup('Dup', this, info);
  }
  /** Same as Dup: `MPI_Comm_dup` (mpi4py `Clone`). */
  override Clone(): Intracomm { return this.Dup(); }
  /** Dup with the hints of `info`: `MPI_Comm_dup_with_info`. */
  Dup_with_info(info: Info): Intracomm {
    if (!(info instanceof Info)) throw new TypeError(`Dup_with_info: info must be an MPI.Info, got ${info === null ? 'null' : typeof info}`);
    return this.Dup(info);
  }

  /**
   * Start duplicating: the new communicator (usable once the request
   * completes) and the request: `MPI_Comm_idup` (`MPI_Comm_idup_with_info`).
   * Attributes are copied at the call.
   */
  Idup(info: Info | null = null): [Intracomm, Request] {
    const h = this.handle('Idup');
    if (info !== null) infoArg('Idup', info);
    const comm = this.idupShell();
    comm.adoptDup('Idup', this, info);
    const request = this.#start('Idup', (c) => then(commcoll.dup(c, h), null, (nh) => attach(comm, nh)));
    return [comm, request];
  }
  /** @internal The object Idup returns before its handle exists (topologies keep theirs). */
  idupShell(): Intracomm { return new Intracomm(null, ''); }

  /** Idup with the hints of `info`: `MPI_Comm_idup_with_info`. */
  Idup_with_info(info: Info): [Intracomm, Request] {
    if (!(info instanceof Info)) throw new TypeError(`Idup_with_info: info must be an MPI.Info, got ${info === null ? 'null' : typeof info}`);
    return this.Idup(info);
  }

  /**
   * Partition by color, ordering each part by key then rank; color UNDEFINED
   * gives COMM_NULL: `MPI_Comm_split`.
   * @param color processes with the same color share a new communicator
   * @param key orders the ranks within each part (ties by rank here)
   * @example
   * ```ts
   * const half = comm.Split(comm.rank % 2, comm.rank); // evens and odds
   * ```
   */
  Split(color = 0, key = 0): Intracomm {
    const h = this.handle('Split');
    const col = checkInt('Split', 'color', color);
    const k = checkInt('Split', 'key', key);
    if (col < 0 && col !== UNDEFINED) fail('Split', ERR_ARG, `color must be >= 0 or UNDEFINED, got ${col}`);
    return this.#wrap(this.#run('Split', (c) => commcoll.split(c, h, col, k, UNDEFINED)));
  }

  /**
   * Split by type: with COMM_TYPE_SHARED every rank of the embedded runtime
   * shares memory with every other, so all end up together: `MPI_Comm_split_type`.
   */
  Split_type(splitType: number, key = 0, info: Info | null = null): Intracomm {
    return this.Split(splitTypeColor(splitType, info), key);
  }

  /** A communicator of the processes in `group` (collective over this one): `MPI_Comm_create`. */
  Create(group: Group): Intracomm {
    this.handle('Create');
    if (!(group instanceof Group)) throw new TypeError(`Create: group must be an MPI.Group, got ${typeof group}`);
    const mine = new Set(runtime.transport.group(this.handle('Create')));
    if (!group.ids.every((p) => mine.has(p))) fail('Create', ERR_GROUP, 'the group has processes outside this communicator');
    return this.#wrap(this.#run('Create', (c) => commcoll.create(c, group.ids)));
  }

  /** A communicator of `group`, collective over its members only: `MPI_Comm_create_group`. */
  Create_group(group: Group, tag = 0): Intracomm {
    const h = this.collHandle('Create_group');
    if (!(group instanceof Group)) throw new TypeError(`Create_group: group must be an MPI.Group, got ${typeof group}`);
    const t = checkInt('Create_group', 'tag', tag);
    if (t < 0 || t > 0x3fffffff) fail('Create_group', ERR_TAG, `invalid tag ${t}`);
    // A process outside the group takes no part and gets COMM_NULL (as MPICH's MPI_Comm_create_group).
    if (group.Get_rank() === UNDEFINED) return COMM_NULL as Intracomm;
    try {
      return this.#wrap(runBlocking(runtime.transport, commcoll.createGroup(runtime.transport, h, group.ids, t)));
    } catch (e) { raise('Create_group', e); }
  }

  /**
   * A communicator of the processes in `group`, collective over them only
   * and without a parent communicator; concurrent calls with overlapping
   * groups are told apart by `stringtag`: `MPI_Comm_create_from_group`.
   */
  static Create_from_group(group: Group, stringtag = 'org.mpi4py', info: Info | null = null, errhandler: Errhandler | null = null): Intracomm {
    const routine = 'Create_from_group';
    const ids = fromGroupMembers(routine, 'group', group);
    const a = fromGroupArgs(routine, stringtag, info, errhandler);
    if (!ids.includes(runtime.transport.processId)) fail(routine, ERR_GROUP, 'this process is not in the group');
    const t = runtime.transport;
    let h: CommHandle;
    try {
      h = runBlocking(t, commcoll.createGroup(t, t.commWorld, ids, stringtagKey(a.stringtag, ids)));
    } catch (e) { raise(routine, e); }
    if (group.session !== null) bindCommToSession(h, group.session);
    return adoptFromGroup(new Intracomm(h, ''), a);
  }

  /**
   * An intercommunicator between this group and another: the leaders talk
   * over `peer_comm` with `tag`: `MPI_Intercomm_create`.
   */
  Create_intercomm(local_leader: number, peer_comm: Comm, remote_leader: number, tag = 0): Intercomm {
    const routine = 'Create_intercomm';
    const h = this.collHandle(routine);
    const ll = checkInt(routine, 'local_leader', local_leader);
    if (ll < 0 || ll >= h.size) fail(routine, ERR_RANK, `invalid local_leader ${ll} (group of size ${h.size})`);
    const t = checkInt(routine, 'tag', tag);
    if (t < 0) fail(routine, ERR_TAG, `invalid tag ${t}`);
    let peer: CommHandle | null = null;
    let rl = checkInt(routine, 'remote_leader', remote_leader);
    if (h.rank === ll) {
      if (!(peer_comm instanceof Comm)) throw new TypeError(`${routine}: peer_comm must be an MPI.Comm`);
      peer = peer_comm.handle(routine);
      if (rl < 0 || rl >= peer.size) fail(routine, ERR_RANK, `invalid remote_leader ${rl} (peer_comm of size ${peer.size})`);
    } else {
      rl = 0;
    }
    try {
      return new Intercomm(runBlocking(runtime.transport, intercoll.create(runtime.transport, h, ll, peer, rl, t)), '');
    } catch (e) { raise(routine, e); }
  }

  // ---- dynamic processes ------------------------------------------------------

  /**
   * Start `maxprocs` new processes running `command` (a .ts/.js script, or
   * `process.execPath` with the script first in `args`), collective over
   * this communicator; only root's arguments count. Returns the
   * intercommunicator whose remote group is the children: `MPI_Comm_spawn`.
   * The optional arguments may also be given as one object
   * (`{ args, maxprocs, root }`, mpi4py's keywords).
   */
  Spawn(command: string, args: readonly string[] | SpawnOptions | null = null, maxprocs = 1, info: unknown = null,
    root = 0, errcodes: number[] | null = null): Intercomm {
    const routine = 'Spawn';
    const o = spawnOptions(args, maxprocs, info, root, errcodes);
    const r = this.#root(routine, o.root);
    const ic = this.#run(routine, (c) => spawncoll.spawn(c, r, () => [resolveCommand(routine, command, o.args, o.maxprocs, 'command', o.info)]));
    const inter = new Intercomm(ic, '');
    fillErrcodes(o.errcodes, inter.Get_remote_size());
    return inter;
  }

  /**
   * Start the processes of several commands as one new COMM_WORLD (command
   * i's processes have MPI.APPNUM = i): `MPI_Comm_spawn_multiple`.
   */
  Spawn_multiple(command: readonly string[], args: readonly (readonly string[] | null)[] | SpawnMultipleOptions | null = null,
    maxprocs: number | readonly number[] | null = null, info: unknown = null, root = 0, errcodes: number[][] | null = null): Intercomm {
    const routine = 'Spawn_multiple';
    const kw = args !== null && typeof args === 'object' && !Array.isArray(args) ? args as SpawnMultipleOptions : null;
    const o = kw
      ? { args: kw.args ?? null, maxprocs: kw.maxprocs ?? null, info: kw.info ?? null, root: kw.root ?? 0, errcodes: kw.errcodes ?? null }
      : { args, maxprocs, info, root, errcodes };
    const r = this.#root(routine, o.root);
    let counts: number[] = [];
    const ic = this.#run(routine, (c) => spawncoll.spawn(c, r, () => {
      const cmds = resolveCommands(routine, command, o.args, o.maxprocs, o.info);
      counts = cmds.map((k) => k.maxprocs);
      return cmds;
    }));
    const inter = new Intercomm(ic, '');
    // Off the root the per-command counts are this rank's own maxprocs, where
    // they add up to the children (mpi4py fills errcodes from them), else one list of all the children.
    fillErrcodesMultiple(o.errcodes, counts.length > 0 ? counts : localCounts(command, o.maxprocs, inter.Get_remote_size()));
    return inter;
  }

  /** Wait for every rank, then free the communicator: `MPI_Comm_disconnect`. */
  Disconnect(): void {
    this.#run('Disconnect', (c) => objcoll.barrier(c));
    this.Free();
  }

  /**
   * Wait at `port_name` (from MPI.Open_port; only root's counts) for a group
   * that Connects to it; collective over this communicator. Returns the
   * intercommunicator whose remote group is the connecting one: `MPI_Comm_accept`.
   */
  Accept(port_name: string | null = null, info: unknown = null, root = 0): Intercomm {
    return this.#connect('Accept', true, port_name, info, root);
  }

  /**
   * Connect to the group that Accepts at `port_name` (only root's counts);
   * collective over this communicator. Returns the intercommunicator whose
   * remote group is the accepting one: `MPI_Comm_connect`.
   */
  Connect(port_name: string | null = null, info: unknown = null, root = 0): Intercomm {
    return this.#connect('Connect', false, port_name, info, root);
  }

  #connect(routine: string, accept: boolean, port: unknown, info: unknown, root: unknown): Intercomm {
    const r = this.#root(routine, root);
    const hints = infoArg(routine, info);
    const ports = portService(routine);
    return new Intercomm(this.#run(routine, (c) => portscoll.connect(c, ports, r, accept, () => portName(routine, port), hints)), '');
  }

  // ---- collectives on buffers ---------------------------------------------------

  /** Wait until every rank has called it: `MPI_Barrier`. */
  Barrier(): void { this.#run('Barrier', (c) => objcoll.barrier(c)); }
  /** Start a barrier: `MPI_Ibarrier`. */
  Ibarrier(): Request { return this.#start('Ibarrier', (c) => objcoll.barrier(c)); }

  #bcastArgs(routine: string, buf: BufferSpec, root: number): [Uint8Array, number, (() => void) | null] {
    const r = this.#root(routine, root);
    try {
      const a = forBcast(routine, buf, this.Get_rank() === r);
      this.#pendingBytes = a.bytes.length;
      // No closure when there is nothing to unpack: `then` then adds no generator.
      return [a.bytes, r, a.finish];
    } catch (e) { raise(routine, e); }
  }
  /**
   * Broadcast a buffer from root, in place: `MPI_Bcast`.
   * @param buf the data at root, and where the other ranks receive it
   * @param root rank that sends (default 0)
   * @example
   * ```ts
   * const params = new Int32Array(3);
   * if (comm.rank === 0) params.set([10, 20, 30]);
   * comm.Bcast(params, 0); // params = [10, 20, 30] on every rank
   * ```
   */
  Bcast(buf: BufferSpec, root = 0): void {
    const [bytes, r, finish] = this.#bcastArgs('Bcast', buf, root);
    this.#run('Bcast', (c) => then(bufcoll.bcast(c, bytes, r), finish));
  }
  /** Start a broadcast: `MPI_Ibcast`. */
  Ibcast(buf: BufferSpec, root = 0): Request {
    const [bytes, r, finish] = this.#bcastArgs('Ibcast', buf, root);
    return this.#start('Ibcast', (c) => then(bufcoll.bcast(c, bytes, r), finish));
  }

  #gatherArgs(routine: string, sendbuf: BufferArg, recvbuf: unknown, root: number, vector: boolean) {
    const r = this.#root(routine, root);
    try {
      return { r, ...forGather(routine, sendbuf, recvbuf, this.Get_rank(), this.Get_size(), this.Get_rank() === r, vector) };
    } catch (e) { raise(routine, e); }
  }
  /**
   * Gather equal blocks at root: `MPI_Gather`.
   * @param sendbuf this rank's block, or IN_PLACE at root (its block already in `recvbuf`)
   * @param recvbuf at root, room for size blocks in rank order; ignored (null) elsewhere
   * @param root rank that receives (default 0)
   * @example
   * ```ts
   * const mine = new Float64Array([comm.rank, comm.rank * 10]);
   * const all = comm.rank === 0 ? new Float64Array(2 * comm.size) : null;
   * comm.Gather(mine, all, 0); // all = [0, 0, 1, 10, 2, 20, ...] at rank 0
   * ```
   */
  Gather(sendbuf: BufferArg, recvbuf: BufferArg | null = null, root = 0): void {
    const a = this.#gatherArgs('Gather', sendbuf, recvbuf, root, false);
    this.#run('Gather', (c) => then(bufcoll.gather(c, a.send, a.recv?.bytes ?? null, a.r), a.finish));
  }
  /** Start a gather: `MPI_Igather`. */
  Igather(sendbuf: BufferArg, recvbuf: BufferArg | null = null, root = 0): Request {
    const a = this.#gatherArgs('Igather', sendbuf, recvbuf, root, false);
    return this.#start('Igather', (c) => then(bufcoll.gather(c, a.send, a.recv?.bytes ?? null, a.r), a.finish));
  }
  /** Gather blocks of any size at root (recvbuf `[buf, counts, displs, datatype]`): `MPI_Gatherv`. */
  Gatherv(sendbuf: BufferArg, recvbuf: VectorBufferSpec | null = null, root = 0): void {
    const a = this.#gatherArgs('Gatherv', sendbuf, recvbuf, root, true);
    this.#run('Gatherv', (c) => then(bufcoll.gatherv(c, a.send, a.recv?.bytes ?? null, a.recv?.blocks ?? null, a.r), a.finish));
  }

  #scatterArgs(routine: string, sendbuf: unknown, recvbuf: BufferArg, root: number, vector: boolean) {
    const r = this.#root(routine, root);
    try {
      return { r, ...forScatter(routine, sendbuf, recvbuf, this.Get_rank(), this.Get_size(), this.Get_rank() === r, vector) };
    } catch (e) { raise(routine, e); }
  }
  /**
   * Scatter equal blocks from root: `MPI_Scatter`.
   * @param sendbuf at root, size blocks in rank order; ignored (null) elsewhere
   * @param recvbuf this rank's block, or IN_PLACE at root (it keeps its block in `sendbuf`)
   * @param root rank that sends (default 0)
   * @example
   * ```ts
   * const all = comm.rank === 0 ? Float64Array.from({ length: 2 * comm.size }, (_, i) => i) : null;
   * const mine = new Float64Array(2);
   * comm.Scatter(all, mine, 0); // rank r gets [2r, 2r + 1]
   * ```
   */
  Scatter(sendbuf: BufferArg | null, recvbuf: BufferArg, root = 0): void {
    const a = this.#scatterArgs('Scatter', sendbuf, recvbuf, root, false);
    this.#run('Scatter', (c) => then(bufcoll.scatter(c, a.send?.bytes ?? null, a.recv, a.r), a.finish));
  }
  /** Start a scatter: `MPI_Iscatter`. */
  Iscatter(sendbuf: BufferArg | null, recvbuf: BufferArg, root = 0): Request {
    const a = this.#scatterArgs('Iscatter', sendbuf, recvbuf, root, false);
    return this.#start('Iscatter', (c) => then(bufcoll.scatter(c, a.send?.bytes ?? null, a.recv, a.r), a.finish));
  }
  /** Scatter blocks of any size from root (sendbuf `[buf, counts, displs, datatype]`): `MPI_Scatterv`. */
  Scatterv(sendbuf: VectorBufferSpec | null, recvbuf: BufferArg, root = 0): void {
    const a = this.#scatterArgs('Scatterv', sendbuf, recvbuf, root, true);
    this.#run('Scatterv', (c) => then(bufcoll.scatterv(c, a.send?.bytes ?? null, a.send?.blocks ?? null, a.recv, a.r), a.finish));
  }

  #allgatherArgs(routine: string, sendbuf: BufferArg, recvbuf: unknown, vector: boolean) {
    try { return forAllgather(routine, sendbuf, recvbuf, this.Get_rank(), this.Get_size(), vector); } catch (e) { raise(routine, e); }
  }
  /** Gather equal blocks on every rank: `MPI_Allgather`. */
  Allgather(sendbuf: BufferArg, recvbuf: BufferArg): void {
    const a = this.#allgatherArgs('Allgather', sendbuf, recvbuf, false);
    this.#run('Allgather', (c) => then(bufcoll.allgather(c, a.send, a.recv.bytes), a.finish));
  }
  /** Start an allgather: `MPI_Iallgather`. */
  Iallgather(sendbuf: BufferArg, recvbuf: BufferArg): Request {
    const a = this.#allgatherArgs('Iallgather', sendbuf, recvbuf, false);
    return this.#start('Iallgather', (c) => then(bufcoll.allgather(c, a.send, a.recv.bytes), a.finish));
  }
  /** Gather blocks of any size on every rank: `MPI_Allgatherv`. */
  Allgatherv(sendbuf: BufferArg, recvbuf: VectorBufferSpec): void {
    const a = this.#allgatherArgs('Allgatherv', sendbuf, recvbuf, true);
    this.#run('Allgatherv', (c) => then(bufcoll.allgatherv(c, a.send, a.recv.bytes, a.recv.blocks), a.finish));
  }

  #alltoallArgs(routine: string, sendbuf: unknown, recvbuf: unknown, vector: boolean) {
    try { return forAlltoall(routine, sendbuf, recvbuf, this.Get_size(), vector); } catch (e) { raise(routine, e); }
  }
  /** Send block i to rank i, receive block j from rank j: `MPI_Alltoall`. */
  Alltoall(sendbuf: BufferArg, recvbuf: BufferArg): void {
    const a = this.#alltoallArgs('Alltoall', sendbuf, recvbuf, false);
    this.#run('Alltoall', (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** Start an all-to-all: `MPI_Ialltoall`. */
  Ialltoall(sendbuf: BufferArg, recvbuf: BufferArg): Request {
    const a = this.#alltoallArgs('Ialltoall', sendbuf, recvbuf, false);
    return this.#start('Ialltoall', (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** All-to-all with blocks of any size: `MPI_Alltoallv`. */
  Alltoallv(sendbuf: VectorBufferSpec | typeof IN_PLACE, recvbuf: VectorBufferSpec): void {
    const a = this.#alltoallArgs('Alltoallv', sendbuf, recvbuf, true);
    this.#run('Alltoallv', (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  #alltoallwArgs(routine: string, sendbuf: unknown, recvbuf: unknown) {
    try { return forAlltoallw(routine, sendbuf, recvbuf, this.Get_size()); } catch (e) { raise(routine, e); }
  }
  /**
   * All-to-all with its own count, byte displacement and datatype for every
   * block (`[buf, counts, displs, datatypes]`, buf may be MPI.BOTTOM): `MPI_Alltoallw`.
   */
  Alltoallw(sendbuf: WBufferSpec | typeof IN_PLACE, recvbuf: WBufferSpec): void {
    const a = this.#alltoallwArgs('Alltoallw', sendbuf, recvbuf);
    this.#run('Alltoallw', (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }

  // ---- reductions -------------------------------------------------------------

  /** Combine one object per rank with `op` in rank order; the result at root, undefined elsewhere: mpi4py `reduce`. */
  reduce<T = unknown>(sendobj: T, op: Op = SUM, root = 0): T | undefined {
    const r = this.#root('reduce', root);
    const o = toReduceOp('reduce', op);
    return this.#run('reduce', (c) => objcoll.reduce(c, sendobj, o, r, messageCodec())) as T | undefined;
  }
  /**
   * Combine one object per rank with `op`; the result on every rank: mpi4py `allreduce`.
   * @param sendobj this rank's contribution
   * @param op a predefined operation (SUM by default) or one from Op.Create
   * @returns the reduction of every rank's `sendobj`
   * @example
   * ```ts
   * const total = MPI.COMM_WORLD.allreduce(MPI.COMM_WORLD.rank, MPI.SUM); // 0 + 1 + ... + (size - 1)
   * ```
   */
  allreduce<T = unknown>(sendobj: T, op: Op = SUM): T {
    const o = toReduceOp('allreduce', op);
    return this.#run('allreduce', (c) => objcoll.allreduce(c, sendobj, o, messageCodec())) as T;
  }
  /** Inclusive prefix reduction of objects: mpi4py `scan`. */
  scan<T = unknown>(sendobj: T, op: Op = SUM): T {
    const o = toReduceOp('scan', op);
    return this.#run('scan', (c) => objcoll.scan(c, sendobj, o, messageCodec())) as T;
  }
  /** Exclusive prefix reduction of objects (undefined on rank 0): mpi4py `exscan`. */
  exscan<T = unknown>(sendobj: T, op: Op = SUM): T | undefined {
    const o = toReduceOp('exscan', op);
    return this.#run('exscan', (c) => objcoll.exscan(c, sendobj, o, messageCodec())) as T | undefined;
  }

  /**
   * Buffers of a reduction: `IN_PLACE` as sendbuf means the data is in
   * recvbuf. The receive buffer may be null where the result is not wanted
   * (off the root of Reduce).
   */
  #reduceArgs(routine: string, sendbuf: BufferArg | null, recvbuf: BufferArg | null | undefined, needRecv: boolean, op: ReduceOp) {
    try {
      const a = forReduce(routine, sendbuf, recvbuf, needRecv, op);
      this.#pendingBytes = a.count * a.type.size;
      return a;
    } catch (e) { raise(routine, e); }
  }

  /** Combine buffers element-wise with `op`; the result at root: `MPI_Reduce`. */
  Reduce(sendbuf: BufferArg, recvbuf: BufferArg | null = null, op: Op = SUM, root = 0): void {
    const r = this.#root('Reduce', root);
    const o = toReduceOp('Reduce', op);
    const a = this.#reduceArgs('Reduce', sendbuf, recvbuf, this.Get_rank() === r, o);
    this.#run('Reduce', (c) => then(bufcoll.reduce(c, a.send, a.recv, a.count, a.type, o, r), a.finish));
  }
  /** Start a reduction: `MPI_Ireduce`. */
  Ireduce(sendbuf: BufferArg, recvbuf: BufferArg | null = null, op: Op = SUM, root = 0): Request {
    const r = this.#root('Ireduce', root);
    const o = toReduceOp('Ireduce', op);
    const a = this.#reduceArgs('Ireduce', sendbuf, recvbuf, this.Get_rank() === r, o);
    return this.#start('Ireduce', (c) => then(bufcoll.reduce(c, a.send, a.recv, a.count, a.type, o, r), a.finish));
  }
  /**
   * Combine buffers element-wise; the result on every rank: `MPI_Allreduce`.
   * @param sendbuf this rank's values (a typed array or `[data, datatype]`), or IN_PLACE to take them from `recvbuf`
   * @param recvbuf receives the element-wise reduction, same count and datatype
   * @param op a predefined operation (SUM by default) or one from Op.Create
   * @example
   * ```ts
   * const local = new Float64Array([comm.rank, 1]);
   * const sum = new Float64Array(2);
   * comm.Allreduce(local, sum, MPI.SUM); // sum = [0 + 1 + ... + (size - 1), size]
   * comm.Allreduce(MPI.IN_PLACE, local, MPI.MAX);
   * ```
   */
  Allreduce(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): void {
    const o = toReduceOp('Allreduce', op);
    const a = this.#reduceArgs('Allreduce', sendbuf, recvbuf, true, o);
    this.#run('Allreduce', (c) => then(bufcoll.allreduce(c, a.send, a.recv!, a.count, a.type, o), a.finish));
  }
  /** Start an allreduce: `MPI_Iallreduce`. */
  Iallreduce(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): Request {
    const o = toReduceOp('Iallreduce', op);
    const a = this.#reduceArgs('Iallreduce', sendbuf, recvbuf, true, o);
    return this.#start('Iallreduce', (c) => then(bufcoll.allreduce(c, a.send, a.recv!, a.count, a.type, o), a.finish));
  }
  /** Inclusive prefix reduction of buffers: `MPI_Scan`. */
  Scan(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): void {
    const o = toReduceOp('Scan', op);
    const a = this.#reduceArgs('Scan', sendbuf, recvbuf, true, o);
    this.#run('Scan', (c) => then(bufcoll.scan(c, a.send, a.recv!, a.count, a.type, o), a.finish));
  }
  /** Exclusive prefix reduction of buffers (recvbuf untouched on rank 0): `MPI_Exscan`. */
  Exscan(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): void {
    const o = toReduceOp('Exscan', op);
    const a = this.#reduceArgs('Exscan', sendbuf, recvbuf, true, o);
    this.#run('Exscan', (c) => then(bufcoll.exscan(c, a.send === a.recv ? a.send.slice() : a.send, a.recv!, a.count, a.type, o), a.finish));
  }

  #reduceScatterBlockArgs(routine: string, sendbuf: BufferArg, recvbuf: BufferArg, op: Op,
    scatter = this.#nextContext(routine)): (c: CollContext) => Schedule<unknown> {
    const o = toReduceOp(routine, op);
    const n = this.Get_size();
    try {
      const recv = parseBuffer(routine, 'recvbuf', recvbuf);
      // IN_PLACE (or null): recvbuf holds all n blocks of input; the result is its first block.
      const inPlace = isInPlace(sendbuf);
      if (inPlace && recv.count % n !== 0) fail(routine, ERR_COUNT, `IN_PLACE: recvbuf has ${recv.count} ${recv.type.name}, not ${n} equal blocks`);
      const send = inPlace ? { bytes: outgoing(recv).slice(), count: recv.count, type: recv.type } : parseBuffer(routine, 'sendbuf', sendbuf);
      const counts = Array<number>(n).fill(inPlace ? recv.count / n : recv.count);
      return this.#reduceScatter(routine, send, recv, counts, o, scatter);
    } catch (e) { raise(routine, e); }
  }
  /** Reduce, then give rank i block i (equal blocks): `MPI_Reduce_scatter_block`. */
  Reduce_scatter_block(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): void {
    this.#run('Reduce_scatter_block', this.#reduceScatterBlockArgs('Reduce_scatter_block', sendbuf, recvbuf, op));
  }
  /** Start a Reduce_scatter_block: `MPI_Ireduce_scatter_block`. */
  Ireduce_scatter_block(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): Request {
    return this.#start('Ireduce_scatter_block', this.#reduceScatterBlockArgs('Ireduce_scatter_block', sendbuf, recvbuf, op));
  }

  /** Arguments of Reduce_scatter; recvcounts null: each rank's recvbuf count, gathered first (blocking). */
  #reduceScatterArgs(routine: string, sendbuf: BufferArg, recvbuf: BufferArg, recvcounts: readonly number[] | null, op: Op,
    scatter = this.#nextContext(routine)): (c: CollContext) => Schedule<unknown> {
    const o = toReduceOp(routine, op);
    const n = this.Get_size();
    try {
      const recv = parseBuffer(routine, 'recvbuf', recvbuf);
      const send = isInPlace(sendbuf) ? { bytes: outgoing(recv).slice(), count: recv.count, type: recv.type } : parseBuffer(routine, 'sendbuf', sendbuf);
      const counts = recvcounts === null ? (this.allgather(recv.count) as number[]) : [...recvcounts];
      if (counts.length !== n) fail(routine, ERR_COUNT, `recvcounts has ${counts.length} entries, the communicator has ${n} ranks`);
      return this.#reduceScatter(routine, send, recv, counts, o, scatter);
    } catch (e) { raise(routine, e); }
  }
  /** Reduce, then give rank i recvcounts[i] elements: `MPI_Reduce_scatter`. */
  Reduce_scatter(sendbuf: BufferArg, recvbuf: BufferArg, recvcounts: readonly number[] | null = null, op: Op = SUM): void {
    this.#run('Reduce_scatter', this.#reduceScatterArgs('Reduce_scatter', sendbuf, recvbuf, recvcounts, op));
  }
  /** Start a Reduce_scatter: `MPI_Ireduce_scatter` (recvcounts null gathers the counts first, blocking). */
  Ireduce_scatter(sendbuf: BufferArg, recvbuf: BufferArg, recvcounts: readonly number[] | null = null, op: Op = SUM): Request {
    return this.#start('Ireduce_scatter', this.#reduceScatterArgs('Ireduce_scatter', sendbuf, recvbuf, recvcounts, op));
  }

  /**
   * Reduce, then give each rank its block (bufcoll.reduceScatter); works on packed elements
   * (count * size bytes). A scatter phase gets a collective context of its own
   * (`scatter()`, taken once the arguments are good), so its messages never meet the reduction's.
   */
  #reduceScatter(routine: string, send: BufferMessage, recv: BufferMessage, counts: number[], o: ReduceOp,
    scatter: () => CollContext): (c: CollContext) => Schedule<unknown> {
    checkOpType(o, send.type);
    if (recv.type !== send.type) fail(routine, ERR_TYPE, `mismatch in send and receive datatypes: sendbuf ${send.type.name}, recvbuf ${recv.type.name}`);
    const total = counts.reduce((x, y) => x + y, 0);
    if (send.count !== total) fail(routine, ERR_COUNT, `mismatch in send count ${send.count} and sum(counts) ${total}`);
    const mineCount = counts[this.Get_rank()]!;
    const size = send.type.size;
    const mine = outgoing(send).subarray(0, total * size);
    let at = 0;
    const blocks = counts.map((k) => { const b = [at, k * size] as const; at += k * size; return b; });
    // A recvbuf too small for this rank's block is a truncation of this rank
    // alone: it still takes part (its block into a scratch buffer, what fits
    // kept) and raises at the end, so the others are not left in the call.
    const truncated = recv.count < mineCount
      ? new MpiFailure(ERR_TRUNCATE, `recvbuf has ${recv.count} ${recv.type.name}, this rank's block has ${mineCount}`) : null;
    const into = truncated ? new Uint8Array(mineCount * size) : incoming(recv).subarray(0, mineCount * size);
    const finish = truncated
      ? (): void => {
        const kept = into.subarray(0, recv.count * size);
        const unpack = unpacker(recv, kept);
        if (unpack) unpack(kept.length);
        else incoming(recv).set(kept);
        throw truncated;
      }
      : (): void => unpacker(recv, into)?.(into.length);
    const sc = scatter();
    return (c) => then(bufcoll.reduceScatter(c, sc, mine, blocks, into, total, send.type, o), finish);
  }

  /** Start a Gatherv: `MPI_Igatherv`. */
  Igatherv(sendbuf: BufferArg, recvbuf: VectorBufferSpec | null = null, root = 0): Request {
    const a = this.#gatherArgs('Igatherv', sendbuf, recvbuf, root, true);
    return this.#start('Igatherv', (c) => then(bufcoll.gatherv(c, a.send, a.recv?.bytes ?? null, a.recv?.blocks ?? null, a.r), a.finish));
  }
  /** Start a Scatterv: `MPI_Iscatterv`. */
  Iscatterv(sendbuf: VectorBufferSpec | null, recvbuf: BufferArg, root = 0): Request {
    const a = this.#scatterArgs('Iscatterv', sendbuf, recvbuf, root, true);
    return this.#start('Iscatterv', (c) => then(bufcoll.scatterv(c, a.send?.bytes ?? null, a.send?.blocks ?? null, a.recv, a.r), a.finish));
  }
  /** Start an Allgatherv: `MPI_Iallgatherv`. */
  Iallgatherv(sendbuf: BufferArg, recvbuf: VectorBufferSpec): Request {
    const a = this.#allgatherArgs('Iallgatherv', sendbuf, recvbuf, true);
    return this.#start('Iallgatherv', (c) => then(bufcoll.allgatherv(c, a.send, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** Start an Alltoallv: `MPI_Ialltoallv`. */
  Ialltoallv(sendbuf: VectorBufferSpec | typeof IN_PLACE, recvbuf: VectorBufferSpec): Request {
    const a = this.#alltoallArgs('Ialltoallv', sendbuf, recvbuf, true);
    return this.#start('Ialltoallv', (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** Start an Alltoallw: `MPI_Ialltoallw`. */
  Ialltoallw(sendbuf: WBufferSpec | typeof IN_PLACE, recvbuf: WBufferSpec): Request {
    const a = this.#alltoallwArgs('Ialltoallw', sendbuf, recvbuf);
    return this.#start('Ialltoallw', (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** Start an inclusive prefix reduction: `MPI_Iscan`. */
  Iscan(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): Request {
    const o = toReduceOp('Iscan', op);
    const a = this.#reduceArgs('Iscan', sendbuf, recvbuf, true, o);
    return this.#start('Iscan', (c) => then(bufcoll.scan(c, a.send, a.recv!, a.count, a.type, o), a.finish));
  }
  /** Start an exclusive prefix reduction (recvbuf untouched on rank 0): `MPI_Iexscan`. */
  Iexscan(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM): Request {
    const o = toReduceOp('Iexscan', op);
    const a = this.#reduceArgs('Iexscan', sendbuf, recvbuf, true, o);
    return this.#start('Iexscan', (c) => then(bufcoll.exscan(c, a.send === a.recv ? a.send.slice() : a.send, a.recv!, a.count, a.type, o), a.finish));
  }

  // ---- persistent collectives (MPI-4) ----------------------------------------------

  /** A persistent barrier, inactive until Start: `MPI_Barrier_init`. */
  Barrier_init(info: Info | null = null): Prequest {
    return this.#persistent('Barrier_init', info, () => (c) => objcoll.barrier(c));
  }
  /** A persistent broadcast from root, in place: `MPI_Bcast_init`. */
  Bcast_init(buf: BufferSpec, root = 0, info: Info | null = null): Prequest {
    buf = pinSpec('Bcast_init', buf);
    return this.#persistent('Bcast_init', info, () => {
      const [bytes, r, finish] = this.#bcastArgs('Bcast_init', buf, root);
      return (c) => then(bufcoll.bcast(c, bytes, r), finish);
    });
  }
  /** A persistent gather of equal blocks at root: `MPI_Gather_init`. */
  Gather_init(sendbuf: BufferArg, recvbuf: BufferArg | null = null, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Gather_init', sendbuf);
    recvbuf = pinSpec('Gather_init', recvbuf);
    return this.#persistent('Gather_init', info, () => {
      const a = this.#gatherArgs('Gather_init', sendbuf, recvbuf, root, false);
      return (c) => then(bufcoll.gather(c, a.send, a.recv?.bytes ?? null, a.r), a.finish);
    });
  }
  /** A persistent gather of blocks of any size at root: `MPI_Gatherv_init`. */
  Gatherv_init(sendbuf: BufferArg, recvbuf: VectorBufferSpec | null = null, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Gatherv_init', sendbuf);
    recvbuf = pinSpec('Gatherv_init', recvbuf);
    return this.#persistent('Gatherv_init', info, () => {
      const a = this.#gatherArgs('Gatherv_init', sendbuf, recvbuf, root, true);
      return (c) => then(bufcoll.gatherv(c, a.send, a.recv?.bytes ?? null, a.recv?.blocks ?? null, a.r), a.finish);
    });
  }
  /** A persistent scatter of equal blocks from root: `MPI_Scatter_init`. */
  Scatter_init(sendbuf: BufferArg | null, recvbuf: BufferArg, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Scatter_init', sendbuf);
    recvbuf = pinSpec('Scatter_init', recvbuf);
    return this.#persistent('Scatter_init', info, () => {
      const a = this.#scatterArgs('Scatter_init', sendbuf, recvbuf, root, false);
      return (c) => then(bufcoll.scatter(c, a.send?.bytes ?? null, a.recv, a.r), a.finish);
    });
  }
  /** A persistent scatter of blocks of any size from root: `MPI_Scatterv_init`. */
  Scatterv_init(sendbuf: VectorBufferSpec | null, recvbuf: BufferArg, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Scatterv_init', sendbuf);
    recvbuf = pinSpec('Scatterv_init', recvbuf);
    return this.#persistent('Scatterv_init', info, () => {
      const a = this.#scatterArgs('Scatterv_init', sendbuf, recvbuf, root, true);
      return (c) => then(bufcoll.scatterv(c, a.send?.bytes ?? null, a.send?.blocks ?? null, a.recv, a.r), a.finish);
    });
  }
  /** A persistent allgather of equal blocks: `MPI_Allgather_init`. */
  Allgather_init(sendbuf: BufferArg, recvbuf: BufferArg, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Allgather_init', sendbuf);
    recvbuf = pinSpec('Allgather_init', recvbuf);
    return this.#persistent('Allgather_init', info, () => {
      const a = this.#allgatherArgs('Allgather_init', sendbuf, recvbuf, false);
      return (c) => then(bufcoll.allgather(c, a.send, a.recv.bytes), a.finish);
    });
  }
  /** A persistent allgather of blocks of any size: `MPI_Allgatherv_init`. */
  Allgatherv_init(sendbuf: BufferArg, recvbuf: VectorBufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Allgatherv_init', sendbuf);
    recvbuf = pinSpec('Allgatherv_init', recvbuf);
    return this.#persistent('Allgatherv_init', info, () => {
      const a = this.#allgatherArgs('Allgatherv_init', sendbuf, recvbuf, true);
      return (c) => then(bufcoll.allgatherv(c, a.send, a.recv.bytes, a.recv.blocks), a.finish);
    });
  }
  /** A persistent all-to-all of equal blocks: `MPI_Alltoall_init`. */
  Alltoall_init(sendbuf: BufferArg, recvbuf: BufferArg, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Alltoall_init', sendbuf);
    recvbuf = pinSpec('Alltoall_init', recvbuf);
    return this.#persistent('Alltoall_init', info, () => {
      const a = this.#alltoallArgs('Alltoall_init', sendbuf, recvbuf, false);
      return (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish);
    });
  }
  /** A persistent all-to-all of blocks of any size: `MPI_Alltoallv_init`. */
  Alltoallv_init(sendbuf: VectorBufferSpec | typeof IN_PLACE, recvbuf: VectorBufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Alltoallv_init', sendbuf);
    recvbuf = pinSpec('Alltoallv_init', recvbuf);
    return this.#persistent('Alltoallv_init', info, () => {
      const a = this.#alltoallArgs('Alltoallv_init', sendbuf, recvbuf, true);
      return (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish);
    });
  }
  /** A persistent all-to-all with a count, byte displacement and datatype per block: `MPI_Alltoallw_init`. */
  Alltoallw_init(sendbuf: WBufferSpec | typeof IN_PLACE, recvbuf: WBufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Alltoallw_init', sendbuf);
    recvbuf = pinSpec('Alltoallw_init', recvbuf);
    return this.#persistent('Alltoallw_init', info, () => {
      const a = this.#alltoallwArgs('Alltoallw_init', sendbuf, recvbuf);
      return (c) => then(bufcoll.alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish);
    });
  }
  /** A persistent reduction, the result at root: `MPI_Reduce_init`. */
  Reduce_init(sendbuf: BufferArg, recvbuf: BufferArg | null = null, op: Op = SUM, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Reduce_init', sendbuf);
    recvbuf = pinSpec('Reduce_init', recvbuf);
    const r = this.#root('Reduce_init', root);
    const o = toReduceOp('Reduce_init', op);
    return this.#persistent('Reduce_init', info, () => {
      const a = this.#reduceArgs('Reduce_init', sendbuf, recvbuf, this.Get_rank() === r, o);
      return (c) => then(bufcoll.reduce(c, a.send, a.recv, a.count, a.type, o, r), a.finish);
    });
  }
  /** A persistent allreduce: `MPI_Allreduce_init`. */
  Allreduce_init(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Allreduce_init', sendbuf);
    recvbuf = pinSpec('Allreduce_init', recvbuf);
    const o = toReduceOp('Allreduce_init', op);
    return this.#persistent('Allreduce_init', info, () => {
      const a = this.#reduceArgs('Allreduce_init', sendbuf, recvbuf, true, o);
      return (c) => then(bufcoll.allreduce(c, a.send, a.recv!, a.count, a.type, o), a.finish);
    });
  }
  /** A persistent Reduce_scatter_block (equal blocks): `MPI_Reduce_scatter_block_init`. */
  Reduce_scatter_block_init(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Reduce_scatter_block_init', sendbuf);
    recvbuf = pinSpec('Reduce_scatter_block_init', recvbuf);
    const scatter = this.#roundContexts('Reduce_scatter_block_init');
    return this.#persistent('Reduce_scatter_block_init', info,
      () => this.#reduceScatterBlockArgs('Reduce_scatter_block_init', sendbuf, recvbuf, op, scatter));
  }
  /**
   * A persistent Reduce_scatter, rank i getting recvcounts[i] elements:
   * `MPI_Reduce_scatter_init` (recvcounts null: each rank's recvbuf count, gathered now).
   */
  Reduce_scatter_init(sendbuf: BufferArg, recvbuf: BufferArg, recvcounts: readonly number[] | null = null, op: Op = SUM,
    info: Info | null = null): Prequest {
    sendbuf = pinSpec('Reduce_scatter_init', sendbuf);
    recvbuf = pinSpec('Reduce_scatter_init', recvbuf);
    recvcounts = pinSpec('Reduce_scatter_init', recvcounts);
    const routine = 'Reduce_scatter_init';
    let counts = recvcounts;
    if (counts === null) {
      let own: number;
      try { own = parseBuffer(routine, 'recvbuf', recvbuf).count; } catch (e) { raise(routine, e); }
      counts = this.allgather(own);
    }
    const fixed = counts;
    const scatter = this.#roundContexts(routine);
    return this.#persistent(routine, info, () => this.#reduceScatterArgs(routine, sendbuf, recvbuf, fixed, op, scatter));
  }
  /** A persistent inclusive prefix reduction: `MPI_Scan_init`. */
  Scan_init(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Scan_init', sendbuf);
    recvbuf = pinSpec('Scan_init', recvbuf);
    const o = toReduceOp('Scan_init', op);
    return this.#persistent('Scan_init', info, () => {
      const a = this.#reduceArgs('Scan_init', sendbuf, recvbuf, true, o);
      return (c) => then(bufcoll.scan(c, a.send, a.recv!, a.count, a.type, o), a.finish);
    });
  }
  /** A persistent exclusive prefix reduction (recvbuf untouched on rank 0): `MPI_Exscan_init`. */
  Exscan_init(sendbuf: BufferArg, recvbuf: BufferArg, op: Op = SUM, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Exscan_init', sendbuf);
    recvbuf = pinSpec('Exscan_init', recvbuf);
    const o = toReduceOp('Exscan_init', op);
    return this.#persistent('Exscan_init', info, () => {
      const a = this.#reduceArgs('Exscan_init', sendbuf, recvbuf, true, o);
      return (c) => then(bufcoll.exscan(c, a.send === a.recv ? a.send.slice() : a.send, a.recv!, a.count, a.type, o), a.finish);
    });
  }

  /** Collect one object from every rank on every rank: mpi4py `allgather`. */
  allgather<T = unknown>(sendobj: T): T[] {
    return this.#run('allgather', (c) => objcoll.allgather(c, sendobj, messageCodec())) as T[];
  }

  /** Send item i of `sendobj` to rank i and receive one item from each: mpi4py `alltoall`. */
  alltoall<T = unknown>(sendobj: readonly T[]): T[] {
    const items = objectItems('alltoall', 'sendobj', sendobj, this.Get_size());
    return this.#run('alltoall', (c) => objcoll.alltoall(c, items, messageCodec())) as T[];
  }

  // ---- process topologies (src/api/topo.ts) -------------------------------------

  /** @internal Constructors of topology communicators, installed by src/api/topo.ts (it extends this class, so this module cannot import it). */
  static topologies: TopologyConstructors | null = null;

  /**
   * A communicator on a Cartesian grid of `dims` (periodic where `periods`
   * says; all false by default) over the first prod(dims) ranks; COMM_NULL
   * (isNull) on the others: `MPI_Cart_create`.
   * @example
   * ```ts
   * const ring = comm.Create_cart([comm.size], [true]);
   * const [left, right] = ring.Shift(0, 1);
   * ```
   */
  Create_cart(dims: readonly number[], periods: boolean | readonly boolean[] | null = null, reorder = false): Cartcomm {
    return Intracomm.topologies!.cart(this, dims, periods, reorder);
  }

  /**
   * A communicator with the graph of `index` (MPI's cumulative counts, or CSR
   * with a leading 0) and `edges` over the first index.length ranks: `MPI_Graph_create`.
   */
  Create_graph(index: readonly number[], edges: readonly number[], reorder = false): Graphcomm {
    return Intracomm.topologies!.graph(this, index, edges, reorder);
  }

  /**
   * A communicator with a distributed graph: this rank receives from
   * `sources` and sends to `destinations`: `MPI_Dist_graph_create_adjacent`.
   */
  Create_dist_graph_adjacent(sources: readonly number[] | null, destinations: readonly number[] | null,
    sourceweights: Weights = null, destweights: Weights = null, info: unknown = null, reorder = false): Distgraphcomm {
    return Intracomm.topologies!.distGraphAdjacent(this, sources, destinations, sourceweights, destweights, info, reorder);
  }

  /**
   * A communicator with a distributed graph of which this rank names some
   * edges: `degrees[i]` edges from `sources[i]` to the next `destinations`
   * (any ranks, not only its own): `MPI_Dist_graph_create`.
   */
  Create_dist_graph(sources: readonly number[], degrees: readonly number[], destinations: readonly number[],
    weights: Weights = null, info: unknown = null, reorder = false): Distgraphcomm {
    return Intracomm.topologies!.distGraph(this, sources, degrees, destinations, weights, info, reorder);
  }

  /** This rank's rank in a Cartesian grid of `dims` over this communicator, or UNDEFINED: `MPI_Cart_map`. */
  Cart_map(dims: readonly number[], periods: boolean | readonly boolean[] | null = null): number {
    return Intracomm.topologies!.cartMap(this, dims, periods);
  }

  /** This rank's node in a graph of `index` and `edges` over this communicator, or UNDEFINED: `MPI_Graph_map`. */
  Graph_map(index: readonly number[], edges: readonly number[]): number {
    return Intracomm.topologies!.graphMap(this, index, edges);
  }

  /** CART, GRAPH, DIST_GRAPH, or UNDEFINED for a communicator without a topology: `MPI_Topo_test`. */
  Get_topology(): number { this.handle('Get_topology'); return UNDEFINED; }
  /** As Get_topology (mpi4py property `topology`). */
  get topology(): number { return this.Get_topology(); }
  /** True when the communicator has a topology (mpi4py property `is_topo`). */
  get is_topo(): boolean { return this.Get_topology() !== UNDEFINED; }
}

/**
 * A communicator between two groups: `MPI_Comm` with a remote group. Point
 * to point addresses ranks of the remote group; collectives use MPI_ROOT /
 * MPI_PROC_NULL at the root's side, the root's rank on the other.
 */
export class Intercomm extends Comm {
  #local: CommHandle | null;

  /** COMM_NULL is an Intercomm too (Get_parent outside a spawned job), see Intracomm's. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return x === COMM_NULL || Function.prototype[Symbol.hasInstance].call(this, x);
  }

  /** @internal Made by Create_intercomm and Spawn; `new MPI.Intercomm()` is a null communicator. */
  constructor(ic: intercoll.InterComm | Comm | null = null, name = '') {
    if (ic instanceof Comm) {
      // new MPI.Intercomm(comm): another object for the same intercommunicator, or a null one.
      if (!ic.isNull && !(ic instanceof Intercomm)) throw new TypeError('Intercomm: expected an MPI.Intercomm or COMM_NULL, got an intracommunicator');
      super(ic);
      this.#local = ic.isNull ? null : (ic as Intercomm).#local;
      return;
    }
    if (ic !== null && (typeof ic !== 'object' || !('inter' in ic) || !('local' in ic))) {
      throw new TypeError(`Intercomm: expected an MPI.Intercomm or COMM_NULL, got ${describeValue(ic)}`);
    }
    super(ic?.inter ?? null, name);
    this.#local = ic?.local ?? null;
  }

  /** The two handles, for a call that communicates: ERR_REVOKED once revoked (after taking in any notice). */
  #ic(routine: string): intercoll.InterComm {
    return { inter: this.collHandle(routine), local: this.#local! };
  }

  /** @internal */
  override localHandle(): CommHandle | null { return this.#local; }

  /** Size of the remote group: `MPI_Comm_remote_size`. */
  Get_remote_size(): number { return this.handle('Get_remote_size').remoteSize; }
  /** As Get_remote_size (mpi4py property `remote_size`). */
  get remote_size(): number { return this.Get_remote_size(); }
  /** The remote group: `MPI_Comm_remote_group`. */
  Get_remote_group(): Group { return new Group(runtime.transport.remoteGroup(this.handle('Get_remote_group'))!); }
  /** As Get_remote_group (mpi4py property `remote_group`). */
  get remote_group(): Group { return this.Get_remote_group(); }

  /**
   * Wait for both groups, then free the communicator: `MPI_Comm_disconnect`.
   * Parents and children disconnected from each other end independently.
   */
  Disconnect(): void {
    const ic = this.#ic('Disconnect');
    const t = runtime.transport;
    // A parent that is not an mpi4ts program calls MPI_Comm_disconnect alone,
    // which waits for both groups by itself.
    if (t.libraryComms?.foreignGroup(ic.inter) == null) this.#run('Disconnect', (c) => intercoll.barrier(c));
    const lib = t.libraryComms;
    if (lib !== undefined) {
      try {
        lib.disconnectComm(ic.local);
        lib.disconnectComm(ic.inter);
      } catch (e) { raise('Disconnect', e); }
      this.#local = null;
      detach(this);
      return;
    }
    t.freeComm(ic.local);
    this.#local = null;
    this.Free();
  }

  /**
   * An intercommunicator between `local_group` (which holds this process)
   * and `remote_group`, without a parent communicator: the groups' leaders
   * (`local_leader`, `remote_leader`, ranks in each group) connect them;
   * concurrent calls are told apart by `stringtag`: `MPI_Intercomm_create_from_groups`.
   */
  static Create_from_groups(local_group: Group, local_leader: number, remote_group: Group, remote_leader: number,
    stringtag = 'org.mpi4py', info: Info | null = null, errhandler: Errhandler | null = null): Intercomm {
    const routine = 'Create_from_groups';
    const local = fromGroupMembers(routine, 'local_group', local_group);
    const ll = checkInt(routine, 'local_leader', local_leader);
    const remote = fromGroupMembers(routine, 'remote_group', remote_group);
    const rl = checkInt(routine, 'remote_leader', remote_leader);
    const a = fromGroupArgs(routine, stringtag, info, errhandler);
    if (ll < 0 || ll >= local.length) fail(routine, ERR_RANK, `invalid local_leader ${ll} (local_group of size ${local.length})`);
    if (rl < 0 || rl >= remote.length) fail(routine, ERR_RANK, `invalid remote_leader ${rl} (remote_group of size ${remote.length})`);
    const t = runtime.transport;
    if (!local.includes(t.processId)) fail(routine, ERR_GROUP, 'this process is not in local_group');
    if (remote.some((p) => local.includes(p))) fail(routine, ERR_GROUP, 'local_group and remote_group share processes');
    // The leaders' tag covers both groups, so that both leaders compute the same one.
    const [first, second] = local[ll]! < remote[rl]! ? [local, remote] : [remote, local];
    const leaderTag = stringtagKey(a.stringtag, [...first, -1, ...second]);
    let ic: intercoll.InterComm;
    try {
      ic = runBlocking(t, intercoll.createFromGroups(t, t.commWorld, local, ll, remote[rl]!, stringtagKey(a.stringtag, local), leaderTag));
    } catch (e) { raise(routine, e); }
    if (local_group.session !== null) {
      bindCommToSession(ic.inter, local_group.session);
      bindCommToSession(ic.local, local_group.session);
    }
    return adoptFromGroup(new Intercomm(ic, ''), a);
  }

  /** One intracommunicator of both groups; the group passing high=false comes first: `MPI_Intercomm_merge`. */
  Merge(high = false): Intracomm {
    const ic = this.#ic('Merge');
    try {
      return new Intracomm(runBlocking(runtime.transport, intercoll.merge(runtime.transport, ic, Boolean(high))), '');
    } catch (e) { raise('Merge', e); }
  }

  /**
   * Split both groups by type and join the parts across, as Split: with
   * COMM_TYPE_SHARED (or the HW types) every process here shares one node;
   * UNDEFINED gives COMM_NULL: `MPI_Comm_split_type` on an intercommunicator.
   */
  Split_type(splitType: number, key = 0, info: Info | null = null): Intercomm {
    return this.Split(splitTypeColor(splitType, info), key);
  }

  /** UNDEFINED: intercommunicators carry no topology (`MPI_Topo_test`). */
  Get_topology(): number { this.handle('Get_topology'); return UNDEFINED; }
  /** As Get_topology: UNDEFINED (mpi4py property `topology`). */
  get topology(): number { return this.Get_topology(); }
  /** False: intercommunicators carry no topology (mpi4py property `is_topo`). */
  get is_topo(): boolean { return false; }

  /** Release the intercommunicator and its local side; the object becomes COMM_NULL: `MPI_Comm_free`. */
  override Free(): void {
    const local = this.#local;
    super.Free();
    this.#local = null;
    if (local) runtime.transport.freeComm(local);
  }

  /** An intercommunicator of the same groups with new contexts (attributes copied, hints of `info`): `MPI_Comm_dup`. */
  Dup(info: Info | null = null): Intercomm {
    const ic = this.#ic('Dup');
    if (info !== null) infoArg('Dup', info);
    let dup: Intercomm;
    try {
      dup = new Intercomm(runBlocking(runtime.transport, intercoll.dup(runtime.transport, ic)), '');
    } catch (e) { raise('Dup', e); }
    return dup.adoptDup('Dup', this, info);
  }
  /** Same as Dup (mpi4py `Clone`). */
  override Clone(): Intercomm { return this.Dup(); }
  /** Dup with the hints of `info`: `MPI_Comm_dup_with_info`. */
  Dup_with_info(info: Info): Intercomm {
    if (!(info instanceof Info)) throw new TypeError(`Dup_with_info: info must be an MPI.Info, got ${info === null ? 'null' : typeof info}`);
    return this.Dup(info);
  }
  /**
   * Duplicate, returning the new intercommunicator and a request:
   * `MPI_Comm_idup`. The duplicate is made at the call (as Dup), so the
   * request is complete when returned.
   */
  Idup(info: Info | null = null): [Intercomm, Request] {
    const dup = this.Dup(info);
    return [dup, Request.collective(new CollectiveOp(runtime.transport, (function* (): Schedule<undefined> { return undefined; })()), 'Idup')];
  }
  /** Idup with the hints of `info`: `MPI_Comm_idup_with_info`. */
  Idup_with_info(info: Info): [Intercomm, Request] {
    if (!(info instanceof Info)) throw new TypeError(`Idup_with_info: info must be an MPI.Info, got ${info === null ? 'null' : typeof info}`);
    return this.Idup(info);
  }

  /**
   * Split both groups by color (ordered by key, then rank) and join the parts
   * of equal color across; COMM_NULL for color UNDEFINED or where the other
   * group has no process of this color: `MPI_Comm_split` on an intercommunicator.
   */
  Split(color = 0, key = 0): Intercomm {
    const ic = this.#ic('Split');
    const col = checkInt('Split', 'color', color);
    const k = checkInt('Split', 'key', key);
    if (col < 0 && col !== UNDEFINED) fail('Split', ERR_ARG, `color must be >= 0 or UNDEFINED, got ${col}`);
    let r: intercoll.InterComm | null;
    try {
      r = runBlocking(runtime.transport, intercoll.split(runtime.transport, ic, col, k, UNDEFINED));
    } catch (e) { raise('Split', e); }
    return r === null ? COMM_NULL as Intercomm : new Intercomm(r, '');
  }

  /**
   * An intercommunicator of the processes in `group` (part of the local
   * group; collective over both groups) and those the other side names;
   * COMM_NULL outside them, or where either side names none: `MPI_Comm_create` on an intercommunicator.
   */
  Create(group: Group): Intercomm {
    const ic = this.#ic('Create');
    if (!(group instanceof Group)) throw new TypeError(`Create: group must be an MPI.Group, got ${describeValue(group)}`);
    const mine = new Set(runtime.transport.group(ic.inter));
    if (!group.ids.every((p) => mine.has(p))) fail('Create', ERR_GROUP, 'the group has processes outside the local group');
    const r = group.Get_rank();
    return this.Split(r === UNDEFINED ? UNDEFINED : 0, r === UNDEFINED ? 0 : r);
  }

  #interRoot(routine: string, root: unknown): number {
    const r = checkInt(routine, 'root', root);
    if (r !== ROOT && r !== PROC_NULL && (r < 0 || r >= this.Get_remote_size())) {
      fail(routine, ERR_ROOT, `invalid root ${r}: pass MPI.ROOT at the root, MPI.PROC_NULL at the rest of its group, the root's rank (0 to ${this.Get_remote_size() - 1}) in the other group`);
    }
    return r;
  }

  #run<T>(routine: string, algorithm: (c: intercoll.InterContext) => Schedule<T>): T {
    const t = runtime.transport;
    const ic = this.#ic(routine);
    const c = intercoll.interContext(t, ic);
    t.callWatch?.noteCall(routine, -1);
    ulfm.watch(t, ic.inter, ic.local, routine);
    try {
      const r = runBlocking(t, algorithm(c));
      c.settle(); // a failure the local steps recorded on the way (CollContext.failure)
      return r;
    } catch (e) {
      if (thrownBeforeSending(e)) this.abandonCall(routine, e, c.x.tag);
      return raise(routine, e);
    } finally {
      ulfm.unwatch(t);
      t.callWatch?.noteCall(null, -1);
    }
  }

  /** Start a collective algorithm across the groups; the Request completes with its result. */
  #start(routine: string, algorithm: (c: intercoll.InterContext) => Schedule<unknown>): Request {
    const ic = this.#ic(routine);
    const c = intercoll.interContext(runtime.transport, ic, true);
    try {
      const op = new CollectiveOp(runtime.transport, gate(c, (cc) => settledInter(cc, algorithm)));
      op.watchComm = ic.inter;
      op.watchLocal = ic.local;
      op.watchRoutine = routine;
      return Request.collective(op, routine);
    } catch (e) { raise(routine, e); }
  }

  /**
   * A persistent collective across the groups (`MPI_*_init`), inactive until
   * Start; `build` normalises the arguments now and again at each Start (see
   * Intracomm's), and every round runs under the tags taken here.
   */
  #persistent(routine: string, info: unknown, build: () => (c: intercoll.InterContext) => Schedule<unknown>): Prequest {
    const ic = this.#ic(routine);
    infoArg(routine, info);
    build();
    const rounds = interRounds(runtime.transport, ic);
    const start = (): Operation => {
      const algorithm = build();
      return rounds.start((c) => settledInter(c, algorithm)) as CollectiveOp<unknown>;
    };
    return Prequest.persistent(start, Kind.Collective, routine);
  }

  /** Barrier across both groups: `MPI_Barrier`. */
  barrier(): void { this.#run('barrier', (c) => intercoll.barrier(c)); }
  /** Barrier across both groups: `MPI_Barrier`. */
  Barrier(): void { this.#run('Barrier', (c) => intercoll.barrier(c)); }
  /** Start a barrier across both groups: `MPI_Ibarrier`. */
  Ibarrier(): Request { return this.#start('Ibarrier', (c) => intercoll.barrier(c)); }
  /** Start a barrier across both groups: `MPI_Ibarrier` (mpi4py `ibarrier`). */
  ibarrier(): Request { return this.#start('ibarrier', (c) => intercoll.barrier(c)); }
  /** Broadcast an object to the other group: mpi4py `bcast` on an intercommunicator (null in the root's group). */
  bcast<T = unknown>(obj: T | null | undefined, root = 0): T | null {
    const r = this.#interRoot('bcast', root);
    const got = this.#run('bcast', (c) => intercoll.bcast(c, obj, r, messageCodec())) as T;
    // The root's side receives nothing: null there, as mpi4py's None.
    return r === ROOT || r === PROC_NULL ? null : got;
  }
  /** Normalise the buffer arguments of a collective across (src/core/msgcoll.ts), turning failures into MPI.Exception. */
  #args<T>(routine: string, normalise: () => T): T {
    try { return normalise(); } catch (e) { raise(routine, e); }
  }

  #bcastArgs(routine: string, buf: BufferSpec, root: number) {
    const r = this.#interRoot(routine, root);
    return { r, ...this.#args(routine, () => forInterBcast(routine, buf, r)) };
  }
  /** Broadcast a buffer to the other group: `MPI_Bcast` on an intercommunicator. */
  Bcast(buf: BufferSpec, root = 0): void {
    const a = this.#bcastArgs('Bcast', buf, root);
    this.#run('Bcast', (c) => then(intercoll.Bcast(c, a.bytes, a.r), a.finish));
  }
  /** Start a broadcast to the other group: `MPI_Ibcast` on an intercommunicator. */
  Ibcast(buf: BufferSpec, root = 0): Request {
    const a = this.#bcastArgs('Ibcast', buf, root);
    return this.#start('Ibcast', (c) => then(intercoll.Bcast(c, a.bytes, a.r), a.finish));
  }
  /** Gather one object from each rank of the other group at root: `gather`. */
  gather<T = unknown>(sendobj: T, root = 0): T[] | undefined {
    const r = this.#interRoot('gather', root);
    return this.#run('gather', (c) => intercoll.gather(c, sendobj, r, messageCodec())) as T[] | undefined;
  }
  /** Scatter objects from root to the ranks of the other group: `scatter` (undefined in the root's group). */
  scatter<T = unknown>(sendobj: readonly T[] | null | undefined, root = 0): T | undefined {
    const r = this.#interRoot('scatter', root);
    const items = r === ROOT ? objectItems('scatter', 'sendobj', sendobj, this.Get_remote_size()) : null;
    return this.#run('scatter', (c) => intercoll.scatter(c, items, r, messageCodec())) as T | undefined;
  }
  /** Reduce objects of the other group at root: `reduce`. */
  reduce<T = unknown>(sendobj: T, op: Op = SUM, root = 0): T | undefined {
    const r = this.#interRoot('reduce', root);
    const o = toReduceOp('reduce', op);
    return this.#run('reduce', (c) => intercoll.reduce(c, sendobj, o, r, messageCodec())) as T | undefined;
  }
  #reduceArgs(routine: string, sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, op: Op, root: number) {
    const r = this.#interRoot(routine, root);
    const o = toReduceOp(routine, op);
    return { r, o, ...this.#args(routine, () => forInterReduce(routine, sendbuf, recvbuf, r, o)) };
  }
  /** Reduce buffers of the other group at root: `MPI_Reduce` on an intercommunicator. */
  Reduce(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, op: Op = SUM, root = 0): void {
    const a = this.#reduceArgs('Reduce', sendbuf, recvbuf, op, root);
    this.#run('Reduce', (c) => then(intercoll.Reduce(c, a.send, a.recv, a.count, a.type ?? predefinedTypes.BYTE, a.o, a.r), a.finish));
  }
  /** Start a reduction at a root in the other group: `MPI_Ireduce` on an intercommunicator. */
  Ireduce(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, op: Op = SUM, root = 0): Request {
    const a = this.#reduceArgs('Ireduce', sendbuf, recvbuf, op, root);
    return this.#start('Ireduce', (c) => then(intercoll.Reduce(c, a.send, a.recv, a.count, a.type ?? predefinedTypes.BYTE, a.o, a.r), a.finish));
  }

  #gatherArgs(routine: string, sendbuf: unknown, recvbuf: unknown, root: number, vector: boolean) {
    const r = this.#interRoot(routine, root);
    return { r, ...this.#args(routine, () => forInterGather(routine, sendbuf, recvbuf, r, this.Get_remote_size(), vector)) };
  }
  /** Gather equal blocks of the other group at root: `MPI_Gather` on an intercommunicator. */
  Gather(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, root = 0): void {
    const a = this.#gatherArgs('Gather', sendbuf, recvbuf, root, false);
    this.#run('Gather', (c) => then(intercoll.Gather(c, a.send, a.recv?.bytes ?? null, a.r), a.finish));
  }
  /** Start a gather at a root in the other group: `MPI_Igather` on an intercommunicator. */
  Igather(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, root = 0): Request {
    const a = this.#gatherArgs('Igather', sendbuf, recvbuf, root, false);
    return this.#start('Igather', (c) => then(intercoll.Gather(c, a.send, a.recv?.bytes ?? null, a.r), a.finish));
  }
  /** Gather blocks of any size from the other group at root (recvbuf `[buf, counts, displs, datatype]`): `MPI_Gatherv` on an intercommunicator. */
  Gatherv(sendbuf: BufferSpec | null, recvbuf: VectorBufferSpec | null, root = 0): void {
    const a = this.#gatherArgs('Gatherv', sendbuf, recvbuf, root, true);
    this.#run('Gatherv', (c) => then(intercoll.Gatherv(c, a.send, a.recv?.bytes ?? null, a.recv?.blocks ?? null, a.r), a.finish));
  }
  /** Start a Gatherv across: `MPI_Igatherv` on an intercommunicator. */
  Igatherv(sendbuf: BufferSpec | null, recvbuf: VectorBufferSpec | null, root = 0): Request {
    const a = this.#gatherArgs('Igatherv', sendbuf, recvbuf, root, true);
    return this.#start('Igatherv', (c) => then(intercoll.Gatherv(c, a.send, a.recv?.bytes ?? null, a.recv?.blocks ?? null, a.r), a.finish));
  }

  #scatterArgs(routine: string, sendbuf: unknown, recvbuf: unknown, root: number, vector: boolean) {
    const r = this.#interRoot(routine, root);
    return { r, ...this.#args(routine, () => forInterScatter(routine, sendbuf, recvbuf, r, this.Get_remote_size(), vector)) };
  }
  /** Scatter equal blocks from root to the other group: `MPI_Scatter` on an intercommunicator. */
  Scatter(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, root = 0): void {
    const a = this.#scatterArgs('Scatter', sendbuf, recvbuf, root, false);
    this.#run('Scatter', (c) => then(intercoll.Scatter(c, a.send?.bytes ?? null, a.recv, a.r), a.finish));
  }
  /** Start a scatter from a root in the other group: `MPI_Iscatter` on an intercommunicator. */
  Iscatter(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, root = 0): Request {
    const a = this.#scatterArgs('Iscatter', sendbuf, recvbuf, root, false);
    return this.#start('Iscatter', (c) => then(intercoll.Scatter(c, a.send?.bytes ?? null, a.recv, a.r), a.finish));
  }
  /** Scatter blocks of any size from root to the other group (sendbuf `[buf, counts, displs, datatype]`): `MPI_Scatterv` on an intercommunicator. */
  Scatterv(sendbuf: VectorBufferSpec | null, recvbuf: BufferSpec | null, root = 0): void {
    const a = this.#scatterArgs('Scatterv', sendbuf, recvbuf, root, true);
    this.#run('Scatterv', (c) => then(intercoll.Scatterv(c, a.send?.bytes ?? null, a.send?.blocks ?? null, a.recv, a.r), a.finish));
  }
  /** Start a Scatterv across: `MPI_Iscatterv` on an intercommunicator. */
  Iscatterv(sendbuf: VectorBufferSpec | null, recvbuf: BufferSpec | null, root = 0): Request {
    const a = this.#scatterArgs('Iscatterv', sendbuf, recvbuf, root, true);
    return this.#start('Iscatterv', (c) => then(intercoll.Scatterv(c, a.send?.bytes ?? null, a.send?.blocks ?? null, a.recv, a.r), a.finish));
  }

  #allgatherArgs(routine: string, sendbuf: unknown, recvbuf: unknown, vector: boolean) {
    return this.#args(routine, () => forInterAllgather(routine, sendbuf, recvbuf, this.Get_remote_size(), vector));
  }
  /** Every rank gets the blocks of the other group: `MPI_Allgather` on an intercommunicator. */
  Allgather(sendbuf: BufferSpec, recvbuf: BufferSpec): void {
    const a = this.#allgatherArgs('Allgather', sendbuf, recvbuf, false);
    this.#run('Allgather', (c) => then(intercoll.Allgather(c, a.send, a.recv.bytes), a.finish));
  }
  /** Start an allgather across the groups: `MPI_Iallgather` on an intercommunicator. */
  Iallgather(sendbuf: BufferSpec, recvbuf: BufferSpec): Request {
    const a = this.#allgatherArgs('Iallgather', sendbuf, recvbuf, false);
    return this.#start('Iallgather', (c) => then(intercoll.Allgather(c, a.send, a.recv.bytes), a.finish));
  }
  /** Every rank gets blocks of any size from every rank of the other group: `MPI_Allgatherv` on an intercommunicator. */
  Allgatherv(sendbuf: BufferSpec, recvbuf: VectorBufferSpec): void {
    const a = this.#allgatherArgs('Allgatherv', sendbuf, recvbuf, true);
    this.#run('Allgatherv', (c) => then(intercoll.Allgatherv(c, a.send, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** Start an Allgatherv across: `MPI_Iallgatherv` on an intercommunicator. */
  Iallgatherv(sendbuf: BufferSpec, recvbuf: VectorBufferSpec): Request {
    const a = this.#allgatherArgs('Iallgatherv', sendbuf, recvbuf, true);
    return this.#start('Iallgatherv', (c) => then(intercoll.Allgatherv(c, a.send, a.recv.bytes, a.recv.blocks), a.finish));
  }

  #allreduceArgs(routine: string, sendbuf: BufferSpec, recvbuf: BufferSpec, op: Op) {
    const o = toReduceOp(routine, op);
    return { o, ...this.#args(routine, () => forInterAllreduce(routine, sendbuf, recvbuf, o)) };
  }
  /** Every rank gets the reduction of the other group's buffers: `MPI_Allreduce` on an intercommunicator. */
  Allreduce(sendbuf: BufferSpec, recvbuf: BufferSpec, op: Op = SUM): void {
    const a = this.#allreduceArgs('Allreduce', sendbuf, recvbuf, op);
    this.#run('Allreduce', (c) => then(intercoll.Allreduce(c, a.send, a.recv, a.count, a.type, a.o), a.finish));
  }
  /** Start an allreduce across the groups: `MPI_Iallreduce` on an intercommunicator. */
  Iallreduce(sendbuf: BufferSpec, recvbuf: BufferSpec, op: Op = SUM): Request {
    const a = this.#allreduceArgs('Iallreduce', sendbuf, recvbuf, op);
    return this.#start('Iallreduce', (c) => then(intercoll.Allreduce(c, a.send, a.recv, a.count, a.type, a.o), a.finish));
  }

  #alltoallArgs(routine: string, sendbuf: unknown, recvbuf: unknown, vector: boolean) {
    return this.#args(routine, () => forInterAlltoall(routine, sendbuf, recvbuf, this.Get_remote_size(), vector));
  }
  /** Block j to remote rank j, block j from remote rank j: `MPI_Alltoall` on an intercommunicator. */
  Alltoall(sendbuf: BufferSpec, recvbuf: BufferSpec): void {
    const a = this.#alltoallArgs('Alltoall', sendbuf, recvbuf, false);
    this.#run('Alltoall', (c) => then(intercoll.Alltoall(c, a.send.bytes, a.recv.bytes), a.finish));
  }
  /** Start an all-to-all across the groups: `MPI_Ialltoall` on an intercommunicator. */
  Ialltoall(sendbuf: BufferSpec, recvbuf: BufferSpec): Request {
    const a = this.#alltoallArgs('Ialltoall', sendbuf, recvbuf, false);
    return this.#start('Ialltoall', (c) => then(intercoll.Alltoall(c, a.send.bytes, a.recv.bytes), a.finish));
  }
  /** All-to-all with blocks of any size across the groups: `MPI_Alltoallv` on an intercommunicator. */
  Alltoallv(sendbuf: VectorBufferSpec, recvbuf: VectorBufferSpec): void {
    const a = this.#alltoallArgs('Alltoallv', sendbuf, recvbuf, true);
    this.#run('Alltoallv', (c) => then(intercoll.Alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** Start an Alltoallv across: `MPI_Ialltoallv` on an intercommunicator. */
  Ialltoallv(sendbuf: VectorBufferSpec, recvbuf: VectorBufferSpec): Request {
    const a = this.#alltoallArgs('Ialltoallv', sendbuf, recvbuf, true);
    return this.#start('Ialltoallv', (c) => then(intercoll.Alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  #alltoallwArgs(routine: string, sendbuf: unknown, recvbuf: unknown) {
    return this.#args(routine, () => forInterAlltoallw(routine, sendbuf, recvbuf, this.Get_remote_size()));
  }
  /** All-to-all with a count, byte displacement and datatype per block across the groups: `MPI_Alltoallw` on an intercommunicator. */
  Alltoallw(sendbuf: WBufferSpec, recvbuf: WBufferSpec): void {
    const a = this.#alltoallwArgs('Alltoallw', sendbuf, recvbuf);
    this.#run('Alltoallw', (c) => then(intercoll.Alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }
  /** Start an Alltoallw across: `MPI_Ialltoallw` on an intercommunicator. */
  Ialltoallw(sendbuf: WBufferSpec, recvbuf: WBufferSpec): Request {
    const a = this.#alltoallwArgs('Ialltoallw', sendbuf, recvbuf);
    return this.#start('Ialltoallw', (c) => then(intercoll.Alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish));
  }

  #reduceScatterArgs(routine: string, sendbuf: BufferSpec, recvbuf: BufferSpec, counts: readonly number[] | null, block: boolean, op: Op) {
    const o = toReduceOp(routine, op);
    return { o, ...this.#args(routine, () => forInterReduceScatter(routine, sendbuf, recvbuf, counts, block, o, this.Get_rank(), this.Get_size())) };
  }
  /** Reduce the other group's buffers and scatter equal blocks over this group: `MPI_Reduce_scatter_block` on an intercommunicator. */
  Reduce_scatter_block(sendbuf: BufferSpec, recvbuf: BufferSpec, op: Op = SUM): void {
    const a = this.#reduceScatterArgs('Reduce_scatter_block', sendbuf, recvbuf, null, true, op);
    this.#run('Reduce_scatter_block', (c) => then(intercoll.ReduceScatter(c, a.send, a.count, a.type, a.o, a.counts, a.recvCount, a.recv), a.finish));
  }
  /** Reduce the other group's buffers and scatter `recvcounts[i]` elements to rank i of this group: `MPI_Reduce_scatter` on an intercommunicator. */
  Reduce_scatter(sendbuf: BufferSpec, recvbuf: BufferSpec, recvcounts: readonly number[] | null = null, op: Op = SUM): void {
    const a = this.#reduceScatterArgs('Reduce_scatter', sendbuf, recvbuf, recvcounts, false, op);
    this.#run('Reduce_scatter', (c) => then(intercoll.ReduceScatter(c, a.send, a.count, a.type, a.o, a.counts, a.recvCount, a.recv), a.finish));
  }

  // ---- persistent collectives across the groups (MPI-4) ------------------------------

  /** A persistent barrier across both groups: `MPI_Barrier_init` on an intercommunicator. */
  Barrier_init(info: Info | null = null): Prequest {
    return this.#persistent('Barrier_init', info, () => (c) => intercoll.barrier(c));
  }
  /** A persistent broadcast to the other group: `MPI_Bcast_init` on an intercommunicator. */
  Bcast_init(buf: BufferSpec, root = 0, info: Info | null = null): Prequest {
    buf = pinSpec('Bcast_init', buf);
    return this.#persistent('Bcast_init', info, () => {
      const a = this.#bcastArgs('Bcast_init', buf, root);
      return (c) => then(intercoll.Bcast(c, a.bytes, a.r), a.finish);
    });
  }
  /** A persistent gather at a root in the other group: `MPI_Gather_init` on an intercommunicator. */
  Gather_init(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Gather_init', sendbuf);
    recvbuf = pinSpec('Gather_init', recvbuf);
    return this.#persistent('Gather_init', info, () => {
      const a = this.#gatherArgs('Gather_init', sendbuf, recvbuf, root, false);
      return (c) => then(intercoll.Gather(c, a.send, a.recv?.bytes ?? null, a.r), a.finish);
    });
  }
  /** A persistent Gatherv across: `MPI_Gatherv_init` on an intercommunicator. */
  Gatherv_init(sendbuf: BufferSpec | null, recvbuf: VectorBufferSpec | null, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Gatherv_init', sendbuf);
    recvbuf = pinSpec('Gatherv_init', recvbuf);
    return this.#persistent('Gatherv_init', info, () => {
      const a = this.#gatherArgs('Gatherv_init', sendbuf, recvbuf, root, true);
      return (c) => then(intercoll.Gatherv(c, a.send, a.recv?.bytes ?? null, a.recv?.blocks ?? null, a.r), a.finish);
    });
  }
  /** A persistent scatter from a root in the other group: `MPI_Scatter_init` on an intercommunicator. */
  Scatter_init(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Scatter_init', sendbuf);
    recvbuf = pinSpec('Scatter_init', recvbuf);
    return this.#persistent('Scatter_init', info, () => {
      const a = this.#scatterArgs('Scatter_init', sendbuf, recvbuf, root, false);
      return (c) => then(intercoll.Scatter(c, a.send?.bytes ?? null, a.recv, a.r), a.finish);
    });
  }
  /** A persistent Scatterv across: `MPI_Scatterv_init` on an intercommunicator. */
  Scatterv_init(sendbuf: VectorBufferSpec | null, recvbuf: BufferSpec | null, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Scatterv_init', sendbuf);
    recvbuf = pinSpec('Scatterv_init', recvbuf);
    return this.#persistent('Scatterv_init', info, () => {
      const a = this.#scatterArgs('Scatterv_init', sendbuf, recvbuf, root, true);
      return (c) => then(intercoll.Scatterv(c, a.send?.bytes ?? null, a.send?.blocks ?? null, a.recv, a.r), a.finish);
    });
  }
  /** A persistent allgather across the groups: `MPI_Allgather_init` on an intercommunicator. */
  Allgather_init(sendbuf: BufferSpec, recvbuf: BufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Allgather_init', sendbuf);
    recvbuf = pinSpec('Allgather_init', recvbuf);
    return this.#persistent('Allgather_init', info, () => {
      const a = this.#allgatherArgs('Allgather_init', sendbuf, recvbuf, false);
      return (c) => then(intercoll.Allgather(c, a.send, a.recv.bytes), a.finish);
    });
  }
  /** A persistent Allgatherv across: `MPI_Allgatherv_init` on an intercommunicator. */
  Allgatherv_init(sendbuf: BufferSpec, recvbuf: VectorBufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Allgatherv_init', sendbuf);
    recvbuf = pinSpec('Allgatherv_init', recvbuf);
    return this.#persistent('Allgatherv_init', info, () => {
      const a = this.#allgatherArgs('Allgatherv_init', sendbuf, recvbuf, true);
      return (c) => then(intercoll.Allgatherv(c, a.send, a.recv.bytes, a.recv.blocks), a.finish);
    });
  }
  /** A persistent all-to-all across the groups: `MPI_Alltoall_init` on an intercommunicator. */
  Alltoall_init(sendbuf: BufferSpec, recvbuf: BufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Alltoall_init', sendbuf);
    recvbuf = pinSpec('Alltoall_init', recvbuf);
    return this.#persistent('Alltoall_init', info, () => {
      const a = this.#alltoallArgs('Alltoall_init', sendbuf, recvbuf, false);
      return (c) => then(intercoll.Alltoall(c, a.send.bytes, a.recv.bytes), a.finish);
    });
  }
  /** A persistent Alltoallv across: `MPI_Alltoallv_init` on an intercommunicator. */
  Alltoallv_init(sendbuf: VectorBufferSpec, recvbuf: VectorBufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Alltoallv_init', sendbuf);
    recvbuf = pinSpec('Alltoallv_init', recvbuf);
    return this.#persistent('Alltoallv_init', info, () => {
      const a = this.#alltoallArgs('Alltoallv_init', sendbuf, recvbuf, true);
      return (c) => then(intercoll.Alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish);
    });
  }
  /** A persistent Alltoallw across: `MPI_Alltoallw_init` on an intercommunicator. */
  Alltoallw_init(sendbuf: WBufferSpec, recvbuf: WBufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Alltoallw_init', sendbuf);
    recvbuf = pinSpec('Alltoallw_init', recvbuf);
    return this.#persistent('Alltoallw_init', info, () => {
      const a = this.#alltoallwArgs('Alltoallw_init', sendbuf, recvbuf);
      return (c) => then(intercoll.Alltoallv(c, a.send.bytes, a.send.blocks, a.recv.bytes, a.recv.blocks), a.finish);
    });
  }
  /** A persistent reduction at a root in the other group: `MPI_Reduce_init` on an intercommunicator. */
  Reduce_init(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, op: Op = SUM, root = 0, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Reduce_init', sendbuf);
    recvbuf = pinSpec('Reduce_init', recvbuf);
    return this.#persistent('Reduce_init', info, () => {
      const a = this.#reduceArgs('Reduce_init', sendbuf, recvbuf, op, root);
      return (c) => then(intercoll.Reduce(c, a.send, a.recv, a.count, a.type ?? predefinedTypes.BYTE, a.o, a.r), a.finish);
    });
  }
  /** A persistent allreduce across the groups: `MPI_Allreduce_init` on an intercommunicator. */
  Allreduce_init(sendbuf: BufferSpec, recvbuf: BufferSpec, op: Op = SUM, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Allreduce_init', sendbuf);
    recvbuf = pinSpec('Allreduce_init', recvbuf);
    return this.#persistent('Allreduce_init', info, () => {
      const a = this.#allreduceArgs('Allreduce_init', sendbuf, recvbuf, op);
      return (c) => then(intercoll.Allreduce(c, a.send, a.recv, a.count, a.type, a.o), a.finish);
    });
  }
  /** A persistent Reduce_scatter_block across: `MPI_Reduce_scatter_block_init` on an intercommunicator. */
  Reduce_scatter_block_init(sendbuf: BufferSpec, recvbuf: BufferSpec, op: Op = SUM, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Reduce_scatter_block_init', sendbuf);
    recvbuf = pinSpec('Reduce_scatter_block_init', recvbuf);
    return this.#persistent('Reduce_scatter_block_init', info, () => {
      const a = this.#reduceScatterArgs('Reduce_scatter_block_init', sendbuf, recvbuf, null, true, op);
      return (c) => then(intercoll.ReduceScatter(c, a.send, a.count, a.type, a.o, a.counts, a.recvCount, a.recv), a.finish);
    });
  }
  /** A persistent Reduce_scatter across: `MPI_Reduce_scatter_init` on an intercommunicator. */
  Reduce_scatter_init(sendbuf: BufferSpec, recvbuf: BufferSpec, recvcounts: readonly number[] | null = null, op: Op = SUM,
    info: Info | null = null): Prequest {
    sendbuf = pinSpec('Reduce_scatter_init', sendbuf);
    recvbuf = pinSpec('Reduce_scatter_init', recvbuf);
    recvcounts = pinSpec('Reduce_scatter_init', recvcounts);
    return this.#persistent('Reduce_scatter_init', info, () => {
      const a = this.#reduceScatterArgs('Reduce_scatter_init', sendbuf, recvbuf, recvcounts, false, op);
      return (c) => then(intercoll.ReduceScatter(c, a.send, a.count, a.type, a.o, a.counts, a.recvCount, a.recv), a.finish);
    });
  }

  /** Send item j to remote rank j, receive one from each: `alltoall` on an intercommunicator. */
  alltoall<T = unknown>(sendobj: readonly T[]): T[] {
    const n = this.Get_remote_size();
    const items = objectItems('alltoall', 'sendobj', sendobj, n);
    return this.#run('alltoall', (c) => intercoll.alltoall(c, items, messageCodec())) as T[];
  }

  /** Every rank gets the other group's objects: `allgather`. */
  allgather<T = unknown>(sendobj: T): T[] {
    return this.#run('allgather', (c) => intercoll.allgather(c, sendobj, messageCodec())) as T[];
  }
  /** Every rank gets the reduction of the other group's objects: `allreduce`. */
  allreduce<T = unknown>(sendobj: T, op: Op = SUM): T {
    const o = toReduceOp('allreduce', op);
    return this.#run('allreduce', (c) => intercoll.allreduce(c, sendobj, o, messageCodec())) as T;
  }
}

/**
 * The null communicator: `MPI_COMM_NULL`. Every call that yields no
 * communicator returns this object. It is an Intracomm (and, through
 * Symbol.hasInstance, an Intercomm and a topology communicator), so every
 * method a communicator of those classes has exists on it and raises
 * ERR_COMM, as the methods of mpi4py's null communicators do.
 */
export const COMM_NULL: Comm = constantComm(new Intracomm(null, 'MPI_COMM_NULL'));

/**
 * @internal Give COMM_NULL the methods and properties of `proto` that it
 * lacks, each raising ERR_COMM (topo.ts calls it for the topology classes).
 */
export function nullMethodsOf(proto: object): void {
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor' || name in COMM_NULL) continue;
    const d = Object.getOwnPropertyDescriptor(proto, name)!;
    const raiseNull = (): never => raise(name, commNull());
    if (typeof d.value === 'function') Object.defineProperty(COMM_NULL, name, { value: raiseNull, configurable: true });
    else if (d.get) Object.defineProperty(COMM_NULL, name, { get: raiseNull, configurable: true });
  }
}
nullMethodsOf(Intercomm.prototype);

/** The one hardware resource mpi4ts splits on (what Get_hw_resource_info reports). */
const SHARED_MEMORY = 'mpi_shared_memory';

/**
 * Split_type's color on this rank: 0 (the processes of one node end up
 * together) or UNDEFINED (COMM_NULL). COMM_TYPE_SHARED splits by node;
 * COMM_TYPE_HW_GUIDED and COMM_TYPE_RESOURCE_GUIDED (MPI 4.1) split by the
 * resource info's `mpi_hw_resource_type` names, COMM_NULL for none or one
 * not known; COMM_TYPE_HW_UNGUIDED asks for a strictly smaller part, and the
 * node is the only level known here, so it gives COMM_NULL.
 */
function splitTypeColor(splitType: unknown, info: Info | null): number {
  const t = checkInt('Split_type', 'split_type', splitType);
  if (info !== null && info !== undefined) infoArg('Split_type', info);
  switch (t) {
    case UNDEFINED: return UNDEFINED;
    case COMM_TYPE_SHARED: return 0;
    case COMM_TYPE_HW_UNGUIDED: return UNDEFINED;
    case COMM_TYPE_HW_GUIDED:
    case COMM_TYPE_RESOURCE_GUIDED: {
      const resource = info === null || info === undefined || info.isNull ? null : info.Get('mpi_hw_resource_type');
      return resource === SHARED_MEMORY ? 0 : UNDEFINED;
    }
    default: return fail('Split_type', ERR_ARG, `unknown split type ${t}`);
  }
}

/** A transport's handle: own data fields rank, size, remoteSize (read without running any getter, as a Group's `rank` is). */
function isCommHandle(x: unknown): x is CommHandle {
  if (typeof x !== 'object' || x === null) return false;
  const own = (k: string): unknown => Object.getOwnPropertyDescriptor(x, k)?.value;
  return typeof own('rank') === 'number' && typeof own('size') === 'number' && typeof own('remoteSize') === 'number';
}

/** Spawn_multiple's per-command counts from a rank's own arguments, if they add up to `children`; else [children]. */
function localCounts(command: unknown, maxprocs: unknown, children: number): number[] {
  const n = Array.isArray(command) ? command.length : 0;
  const counts = maxprocs === null || maxprocs === undefined ? Array<number>(n).fill(1)
    : typeof maxprocs === 'number' ? Array<number>(n).fill(maxprocs) : Array.isArray(maxprocs) ? maxprocs as unknown[] : [];
  const valid = counts.length === n && n > 0 && counts.every((k) => Number.isInteger(k) && (k as number) > 0);
  return valid && (counts as number[]).reduce((a, b) => a + b, 0) === children ? counts as number[] : [children];
}

/** The parent intercommunicator, made on the first Get_parent. */
let parentComm: Intercomm | undefined;

/** A buffer argument of a collective: a buffer spec, or IN_PLACE where MPI allows it. */
export type BufferArg = BufferSpec | typeof IN_PLACE;

/** `algorithm(c)`, then c.settle(): a non-blocking call across raises its recorded failure at completion. */
function* settledInter<T>(c: intercoll.InterContext, algorithm: (c: intercoll.InterContext) => Schedule<T>): Schedule<T> {
  const r = yield* algorithm(c);
  c.settle();
  return r;
}

/**
 * Run `after` once the algorithm completes (unpacking results, for
 * instance); null: `s` itself, without a generator around it.
 */
function then<T>(s: Schedule<T>, after: (() => void) | null, withResult?: (r: T) => void): Schedule<T> {
  return after === null && withResult === undefined ? s : thenGen(s, after, withResult);
}
function* thenGen<T>(s: Schedule<T>, after: (() => void) | null, withResult?: (r: T) => void): Schedule<T> {
  const r = yield* s;
  after?.();
  withResult?.(r);
  return r;
}



function typeError(routine: string, e: unknown): Error {
  if (e instanceof TypeError) return new TypeError(`${routine}: ${e.message}`);
  if (e instanceof RangeError) return new RangeError(`${routine}: ${e.message}`);
  return e as Error;
}

/** Give a communicator from Create_from_group(s) the hints and error handler it was asked with. */
function adoptFromGroup<C extends Comm>(comm: C, a: FromGroupArgs): C {
  if (a.hints.length > 0) comm.Set_info(Info.Create(new Map(a.hints)));
  if (a.errhandler !== null) comm.Set_errhandler(Errhandler.of(a.errhandler));
  return comm;
}

/** Whether the collective call now running got past its argument checks (Comm.collHandle sets it). */
let collectiveEntered = false;
/** Failures already announced, so that a call made by another (Clone by Dup) announces once. */
const abandonedErrors = new WeakSet<object>();

/**
 * Wrap the collective methods `names` of `proto` so that a failure before
 * the call reaches collHandle (an argument error on this process only:
 * bad root, datatype, op, buffer) is announced to the other processes
 * (Comm.abandonCall) before it is raised: an error in a collective is
 * raised on every process or on none. On success the wrapper costs a call
 * and two stores of a module variable.
 */
function guardCollectives(proto: object, names: readonly string[]): void {
  const methods = proto as Record<string, (...args: unknown[]) => unknown>;
  for (const name of names) {
    const method = methods[name]!;
    const guarded = function (this: Comm): unknown {
      const outer = collectiveEntered;
      collectiveEntered = false;
      try {
        // eslint-disable-next-line prefer-rest-params
        return method.apply(this, arguments as unknown as unknown[]);
      } catch (e) {
        if (!collectiveEntered) this.abandonCall(name, e, null);
        throw e;
      } finally {
        collectiveEntered ||= outer;
      }
    };
    Object.defineProperty(guarded, 'name', { value: name });
    Object.defineProperty(proto, name, { value: guarded, writable: true, configurable: true, enumerable: false });
  }
}

guardCollectives(Intracomm.prototype, [
  'bcast', 'ibcast', 'scatter', 'gather', 'allgather', 'alltoall', 'reduce', 'allreduce', 'scan', 'exscan',
  'Dup', 'Idup', 'Split', 'Split_type', 'Create',
  'Bcast', 'Ibcast', 'Gather', 'Igather', 'Gatherv', 'Igatherv', 'Scatter', 'Iscatter', 'Scatterv', 'Iscatterv',
  'Allgather', 'Iallgather', 'Allgatherv', 'Iallgatherv', 'Alltoall', 'Ialltoall', 'Alltoallv', 'Ialltoallv',
  'Alltoallw', 'Ialltoallw', 'Reduce', 'Ireduce', 'Allreduce', 'Iallreduce', 'Scan', 'Iscan', 'Exscan', 'Iexscan',
  'Reduce_scatter_block', 'Ireduce_scatter_block', 'Reduce_scatter', 'Ireduce_scatter',
]);
guardCollectives(Intercomm.prototype, [
  'bcast', 'scatter', 'gather', 'allgather', 'alltoall', 'reduce', 'allreduce',
  'Bcast', 'Ibcast', 'Gather', 'Igather', 'Gatherv', 'Igatherv', 'Scatter', 'Iscatter', 'Scatterv', 'Iscatterv',
  'Allgather', 'Iallgather', 'Allgatherv', 'Iallgatherv', 'Alltoall', 'Ialltoall', 'Alltoallv', 'Ialltoallv',
  'Alltoallw', 'Ialltoallw', 'Reduce', 'Ireduce', 'Allreduce', 'Iallreduce', 'Reduce_scatter_block', 'Reduce_scatter',
]);
