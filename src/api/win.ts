/**
 * One-sided communication (`MPI_Win`), as mpi4py's `MPI.Win`.
 *
 * Where the ranks share one address space (the embedded runtime; spi.ts
 * `RmaCapability`), every rank's window memory is a SharedArrayBuffer the
 * others load and store directly: Put and Get are one copy, Accumulate
 * runs under a per-target mutex kept in shared memory (so it is element-wise
 * atomic, as MPI requires, for any type and predefined op), and a
 * passive-target lock is an atomic word in the target's control block:
 * nothing an origin does waits for its target to call MPI. The common
 * call (typed array operands, a displacement as the target) takes a fast
 * path: a few checks proving the bounds (fastAt), then one copy or one typed
 * kernel call of core/reduce.ts, nothing allocated.
 *
 * Each rank contributes two pieces of shared memory: a control block
 * (below) and its window memory. For Win.Create the window memory is the
 * user's own: where it lives in a SharedArrayBuffer (MPI.Alloc_mem gives
 * such memory) the others load and store it directly; other memory is
 * pinned by its owner and reached through the threads helper's copies
 * (spi.ts SingleCopy), and refused on every rank where the helper is not
 * built. The memory model is WIN_UNIFIED.
 *
 * Where the ranks are processes of an MPI library (the native transport,
 * spi.ts `LibraryRma`), a window over more than one process is the
 * library's (MPI_Win_create over the pinned user memory, MPI_Win_allocate,
 * _allocate_shared): operations and synchronisation are its calls, each
 * target range checked here against the sizes allgathered at creation.
 * The library completes operations at the synchronisation that ends them:
 * results into memory that is not one contiguous run of the caller's
 * buffer arrive in a private buffer, unpacked then (`pending`).
 *
 * Active-target synchronisation: Fence is a barrier on the window's own
 * communicator (a Dup of the one it was made on); Post/Start/Complete/Wait
 * are empty messages there, as MPICH does it over point-to-point.
 */
import type { CollSegment, CommHandle, Operation, Envelope, SingleCopy, LibraryRma, RmaSync } from '../transport/spi.js';
import { inferDesc, type TypeDesc } from '../core/datatype.js';
import { parseBuffer, typedBytes, type BufferSpec } from '../core/msgbuffer.js';
import { packSpan, pack, unpack, outgoing, denseRange } from '../core/pack.js';
import { typedOf, type ReduceOp } from '../core/reduce.js';
import { copyBytes } from '../core/bytes.js';
import { isReadonly } from '../core/memory.js';
import {
  ERR_ARG, ERR_RANK, ERR_WIN, ERR_SIZE, ERR_DISP, ERR_LOCKTYPE, ERR_RMA_SYNC, ERR_RMA_RANGE, ERR_RMA_FLAVOR,
  ERR_RMA_ATTACH, ERR_TYPE, ERR_OP, ERR_UNSUPPORTED_OPERATION, ERR_ASSERT, SUCCESS,
} from '../core/errorcodes.js';
import { PROC_NULL, BOTTOM } from './constants.js';
import { fail, raise } from './errors.js';
import { checkInt, describe } from './args.js';
import { runtime } from './runtime.js';
import { Group } from './group.js';
import { Info, infoArg } from './info.js';
import { Op, SUM, toReduceOp } from './op.js';
import { Request } from './request.js';
import { Intracomm, type Comm } from './comm.js';
import { Get_address } from './datatype.js';
import {
  createKeyval, freeKeyval, getAttr, setAttr, deleteAttr, deleteAll, keyvalArg,
  type AttrMap, type CopyFunction, type DeleteFunction, type KeyvalOptions,
} from './attributes.js';
import {
  Errhandler, createErrhandler, errhandlerArg, defaultErrhandler, invoke, guard, type ErrhandlerRecord, type ErrhandlerFunction,
} from './errhandler.js';

// Window attribute keys for `Win.Get_attr` (MPICH's values).
/** Attribute: address of the local window memory (`MPI_WIN_BASE`), as MPI.Get_address gives it. */
export const WIN_BASE = 0x66000001;
/** Attribute: bytes of the local window memory (`MPI_WIN_SIZE`). */
export const WIN_SIZE = 0x66000003;
/** Attribute: the local displacement unit (`MPI_WIN_DISP_UNIT`). */
export const WIN_DISP_UNIT = 0x66000005;
/** Attribute: how the window was made (`MPI_WIN_CREATE_FLAVOR`). */
export const WIN_CREATE_FLAVOR = 0x66000007;
/** mpi4py's alias of WIN_CREATE_FLAVOR. */
export const WIN_FLAVOR = WIN_CREATE_FLAVOR;
/** Attribute: the memory model (`MPI_WIN_MODEL`). */
export const WIN_MODEL = 0x66000009;

/** Flavor of a window made by Win.Create (`MPI_WIN_FLAVOR_CREATE`). */
export const WIN_FLAVOR_CREATE = 1;
/** Flavor of a window made by Win.Allocate (`MPI_WIN_FLAVOR_ALLOCATE`). */
export const WIN_FLAVOR_ALLOCATE = 2;
/** Flavor of a window made by Win.Create_dynamic (`MPI_WIN_FLAVOR_DYNAMIC`). */
export const WIN_FLAVOR_DYNAMIC = 3;
/** Flavor of a window made by Win.Allocate_shared (`MPI_WIN_FLAVOR_SHARED`). */
export const WIN_FLAVOR_SHARED = 4;
/** Memory model with separate public and private copies (`MPI_WIN_SEPARATE`). */
export const WIN_SEPARATE = 1;
/** Memory model with one copy (`MPI_WIN_UNIFIED`): mpi4ts's windows. */
export const WIN_UNIFIED = 2;

// Assertions of Fence, Start, Post and Lock: hints; mpi4ts checks them and acts on MODE_NOCHECK of Lock/Lock_all.
/** Assertion: no conflicting lock or matching call is pending (`MPI_MODE_NOCHECK`). */
export const MODE_NOCHECK = 1024;
/** Assertion: no local stores since the last synchronisation (`MPI_MODE_NOSTORE`). */
export const MODE_NOSTORE = 2048;
/** Assertion: no Put or Accumulate into the local window until the next synchronisation (`MPI_MODE_NOPUT`). */
export const MODE_NOPUT = 4096;
/** Assertion: the fence ends no epoch (`MPI_MODE_NOPRECEDE`). */
export const MODE_NOPRECEDE = 8192;
/** Assertion: the fence starts no epoch (`MPI_MODE_NOSUCCEED`). */
export const MODE_NOSUCCEED = 16384;
const MODES = MODE_NOCHECK | MODE_NOSTORE | MODE_NOPUT | MODE_NOPRECEDE | MODE_NOSUCCEED;

/** Lock type of `Win.Lock`: one origin at a time (`MPI_LOCK_EXCLUSIVE`). */
export const LOCK_EXCLUSIVE = 234;
/** Lock type of `Win.Lock`: with other shared holders (`MPI_LOCK_SHARED`). */
export const LOCK_SHARED = 235;

/**
 * A rank's control block: Int32 words, each on its own cache line.
 * LOCK: 0 free, n > 0 held shared by n origins, -1 held exclusively.
 * LOCK_WAITERS: origins waiting for LOCK (an Unlock with none wakes nobody).
 * ACC: the accumulate mutex (0 free, 1 held, 2 held with sleepers).
 */
const LOCK = 0;
const LOCK_WAITERS = 1;
const ACC = 16;
const CONTROL_BYTES = 128;

/** Tags of the active-target messages on the window's communicator. */
const POST_TAG = 1;
const COMPLETE_TAG = 2;

const DONE_ENVELOPE: Envelope = { source: PROC_NULL, tag: -1, count: 0, error: SUCCESS, cancelled: false };
/** The operation of an Rput & co.: done when made, since the copy is. */
const DONE_OP: Operation = { done: true, status: DONE_ENVELOPE, data: null, failure: null, messageBytes: 0 };

/** What a window handle refers to; handles copied with `new MPI.Win(w)` share it. */
interface WinRecord {
  live: boolean;
  readonly flavor: number;
  /** The window's own communicator (a Dup of the one it was made on). */
  readonly comm: Intracomm;
  readonly handle: CommHandle;
  readonly rank: number;
  readonly size: number;
  /** Every rank's control words and window memory, by rank; `segments` to wait and wake through. */
  readonly control: Int32Array[];
  readonly memory: Uint8Array[];
  /** How this rank reaches each rank's memory: directly, or through pinned copies (SingleCopy). */
  readonly access: Access[];
  /** Each rank's memory where this thread loads and stores it itself (directAccess), else null: the fast paths' targets. */
  readonly direct: (Uint8Array | null)[];
  /** The fast Accumulate's last view of target memory (a program updates one place again and again: nxtval). */
  cache: ViewCache;
  /** This rank's pin of its own memory when it is not shared (0 if none): unpinned at Free. */
  readonly pin: number;
  readonly dispUnits: number[];
  readonly segments: CollSegment[] | null;
  /** Whether the memory was handed over through the transport (release it at Free). */
  readonly shared: boolean;
  /** Memory attached to a dynamic window on this rank. */
  attached: Uint8Array[];
  info: Map<string, string>;
  attrs: AttrMap | null;
  errhandler: ErrhandlerRecord;
  name: string;
  /** Passive target: lock type held per target rank (LOCK_ALL holds a shared lock on every rank). */
  readonly locks: Map<number, number>;
  lockAll: boolean;
  /** Access epoch of Start (target ranks) and exposure epoch of Post (origin ranks not yet heard from). */
  startGroup: number[] | null;
  postGroup: number[] | null;
  postSends: Request[];
  /** The library's window (LibraryRma), or -1 for a window of mpi4ts's own. */
  readonly lib: number;
  /** Library windows: results to unpack when the operations to `rank` complete. */
  pending: { rank: number; deliver: () => void }[];
}

/** A window: `MPI_Win`. `new MPI.Win()` is WIN_NULL; windows come from Win.Create, Allocate, Allocate_shared, Create_dynamic. */
export class Win {
  #rec: WinRecord | null;

  /** A null window, or another handle for `win` (`new MPI.Win(win)`). */
  constructor(win: Win | null = null) {
    if (win !== null && win !== undefined && !(win instanceof Win)) {
      throw new TypeError(`Win: expected an MPI.Win to copy, got ${describe(win)}`);
    }
    this.#rec = win ? win.#rec : null;
  }

  #live(routine: string): WinRecord {
    const rec = this.#rec;
    if (rec === null || !rec.live) fail(routine, ERR_WIN, 'invalid window (WIN_NULL)');
    return rec;
  }

  /** True for WIN_NULL (mpi4py's `not win`). */
  get isNull(): boolean { return this.#rec === null || !this.#rec.live; }
  /** Same window (mpi4py's `==` on handles). */
  equals(other: unknown): boolean { return other instanceof Win && other.#rec === this.#rec; }

  // ---- construction ---------------------------------------------------------

  /**
   * A window over `memory` on every rank of `comm` (collective): `MPI_Win_create`.
   * Over more than one process, memory in a SharedArrayBuffer (e.g. from
   * MPI.Alloc_mem) is reached directly, other memory through pinned copies.
   */
  static Create(memory: BufferSpec | typeof BOTTOM | null, disp_unit = 1, info: Info | null = null, comm: Intracomm | null = null): Win {
    const routine = 'Create';
    const c = commArg(routine, comm);
    const unit = dispUnitArg(routine, disp_unit);
    const hints = infoArg(routine, info);
    let local: Uint8Array;
    // MPI.BOTTOM: no memory at address 0, as mpi4py passes it.
    if (memory === null || memory === undefined || (memory as unknown) === BOTTOM) local = new Uint8Array(0);
    else {
      try { local = parseBuffer(routine, 'memory', memory).bytes; } catch (e) { raise(routine, e); }
      if (ArrayBuffer.isView(memory)) local = new Uint8Array(memory.buffer, memory.byteOffset, memory.byteLength);
    }
    return Win.#make(routine, c, WIN_FLAVOR_CREATE, local, unit, hints);
  }

  /** A window over `size` new bytes on every rank of `comm` (collective): `MPI_Win_allocate`. */
  static Allocate(size: number, disp_unit = 1, info: Info | null = null, comm: Intracomm | null = null): Win {
    return Win.#allocate('Allocate', WIN_FLAVOR_ALLOCATE, size, disp_unit, info, comm);
  }

  /** A window over `size` new bytes per rank that every rank may load and store (Shared_query): `MPI_Win_allocate_shared`. */
  static Allocate_shared(size: number, disp_unit = 1, info: Info | null = null, comm: Intracomm | null = null): Win {
    return Win.#allocate('Allocate_shared', WIN_FLAVOR_SHARED, size, disp_unit, info, comm);
  }

  /** A window without memory; ranks attach memory to it later (Attach): `MPI_Win_create_dynamic`. */
  static Create_dynamic(info: Info | null = null, comm: Intracomm | null = null): Win {
    const c = commArg('Create_dynamic', comm);
    const hints = infoArg('Create_dynamic', info);
    return Win.#make('Create_dynamic', c, WIN_FLAVOR_DYNAMIC, new Uint8Array(0), 1, hints);
  }

  static #allocate(routine: string, flavor: number, size: unknown, disp_unit: unknown, info: unknown, comm: unknown): Win {
    const c = commArg(routine, comm);
    const n = checkInt(routine, 'size', size);
    if (n < 0) fail(routine, ERR_SIZE, `size must be >= 0, got ${n}`);
    const unit = dispUnitArg(routine, disp_unit);
    const hints = infoArg(routine, info);
    const t = runtime.transport;
    if (c.handle(routine).size > 1 && t.rma === undefined && t.libraryRma !== undefined) {
      // The library allocates the memory.
      return Win.#makeLibrary(routine, c, t.libraryRma, flavor, new Uint8Array(0), unit, hints, n);
    }
    // Shared memory whatever the transport: other ranks of this process may load and store it.
    return Win.#make(routine, c, flavor, new Uint8Array(new SharedArrayBuffer(n)), unit, hints);
  }

  /**
   * The common part of the constructors (collective): agree on the layout,
   * hand the memory over, and wait until every rank's has arrived. Every
   * rank learns whether every rank's memory can be shared before any
   * fails, so an error on one rank is an error on all, never a hang.
   */
  static #make(routine: string, from: Intracomm, flavor: number, local: Uint8Array, unit: number, hints: [string, string][]): Win {
    const t = runtime.transport;
    const h0 = from.handle(routine);
    const canShare = local.length === 0 || local.buffer instanceof SharedArrayBuffer;
    if (h0.size > 1 && t.rma === undefined && t.libraryRma !== undefined) {
      return Win.#makeLibrary(routine, from, t.libraryRma, flavor, local, unit, hints);
    }
    if (h0.size > 1 && t.rma === undefined) {
      fail(routine, ERR_UNSUPPORTED_OPERATION, t.name === 'threads'
        // The embedded transport in 'arena' sharing (transport/threads/shared.ts).
        ? `windows over more than one process are not available in a browser: a worker that blocks cannot receive another rank's window memory (comm has ${h0.size} ranks)`
        : `windows over more than one process need memory the ranks share (the embedded transport); the ${t.name} transport has none (comm has ${h0.size} ranks)`);
    }
    const comm = from.Dup();
    const handle = comm.handle(routine);
    const controlSab = new SharedArrayBuffer(CONTROL_BYTES);
    let control: Int32Array[];
    let memory: Uint8Array[];
    let access: Access[];
    let segments: CollSegment[] | null = null;
    let pin = 0;
    let units: number[];
    if (h0.size === 1) {
      control = [new Int32Array(controlSab)];
      memory = [local];
      access = [directAccess(local)];
      units = [unit];
    } else {
      const rma = t.rma!;
      const memSab = canShare && local.length > 0 ? local.buffer as SharedArrayBuffer : new SharedArrayBuffer(0);
      segments = rma.shareMemory(handle, 0, controlSab);
      const mems = rma.shareMemory(handle, 1, memSab);
      // Memory that is not shared is reached through pins, where the transport can copy between its threads.
      const copier = segments[0]!.singleCopy ?? null;
      if (!canShare && copier !== null) pin = copier.pin(local);
      const layout = comm.allgather([local.byteOffset, local.length, unit, canShare, pin]) as [number, number, number, boolean, number][];
      const bad = layout.findIndex(([, length, , shared, pinned]) => !shared && length > 0 && pinned === 0);
      if (bad >= 0) {
        if (pin !== 0) copier!.unpin(pin);
        rma.releaseMemory(handle, 0);
        rma.releaseMemory(handle, 1);
        comm.Free();
        fail(routine, ERR_UNSUPPORTED_OPERATION, `rank ${bad}'s memory is not in a SharedArrayBuffer and cannot be pinned for the other ranks (the threads helper addon is not built, or the buffer is resizable): use MPI.Alloc_mem or Win.Allocate`);
      }
      const all = [...segments, ...mems];
      t.wait(segments[0]!.until(() => all.every((s) => s.attached)));
      control = segments.map((s) => new Int32Array(s.bytes.buffer, 0, CONTROL_BYTES >> 2));
      memory = mems.map((s, r) => {
        if (r === handle.rank) return local;
        const [offset, length, , shared] = layout[r]!;
        return shared ? new Uint8Array(s.bytes.buffer, offset, length) : new Uint8Array(0);
      });
      access = memory.map((m, r) => {
        const [, length, , shared, pinned] = layout[r]!;
        return r === handle.rank || shared || length === 0 ? directAccess(m) : pinnedAccess(copier!, pinned, length);
      });
      units = layout.map((v) => v[2]);
    }
    const w = new Win();
    w.#rec = {
      live: true, flavor, comm, handle, rank: handle.rank, size: handle.size, control, memory, access, pin,
      direct: memory.map((m, r) => (flavor !== WIN_FLAVOR_DYNAMIC && access[r]!.direct ? m : null)), cache: { mem: null, ctor: null, at: 0, n: 0, view: null },
      dispUnits: units, segments, shared: h0.size > 1, attached: [],
      info: new Map(hints), attrs: null, errhandler: defaultErrhandler, name: '',
      locks: new Map(), lockAll: false, startGroup: null, postGroup: null, postSends: [], lib: -1, pending: [],
    };
    return w;
  }

  /**
   * A window in the library (collective): Win.Create's memory is the
   * caller's (the library pins it until Free), Allocate's and
   * Allocate_shared's the library's. Every rank learns every rank's size
   * and displacement unit, for the range checks.
   */
  static #makeLibrary(routine: string, from: Intracomm, lib: LibraryRma, flavor: number, local: Uint8Array, unit: number, hints: [string, string][],
    size = local.length): Win {
    const comm = from.Dup();
    const handle = comm.handle(routine);
    const kind = flavor === WIN_FLAVOR_CREATE ? 'create' : flavor === WIN_FLAVOR_ALLOCATE ? 'allocate' : flavor === WIN_FLAVOR_SHARED ? 'shared' : 'dynamic';
    // The library keeps Create's memory for the window's life: a resizable buffer could shrink under it. Every rank learns of one first.
    const layout = comm.allgather([kind === 'dynamic' ? 0 : size, unit, kind !== 'create' || fixed(local)]) as [number, number, boolean][];
    const bad = layout.findIndex(([, , ok]) => !ok);
    if (bad >= 0) {
      comm.Free();
      fail(routine, ERR_UNSUPPORTED_OPERATION, `rank ${bad}'s memory is a resizable ArrayBuffer, which cannot stay pinned for the window (copy it into a fixed-length buffer, or use Win.Allocate)`);
    }
    let made;
    try {
      made = lib.create(handle, kind, kind === 'create' ? local : null, kind === 'dynamic' ? 0 : size);
    } catch (e) {
      comm.Free();
      raise(routine, e);
    }
    const mine = made.memory ?? local;
    const memory = layout.map(([length], r) => {
      if (r === handle.rank) return mine;
      if (kind !== 'shared' || length === 0) return new Uint8Array(0);
      try { return lib.sharedQuery(made.win, r); } catch (e) { raise(routine, e); }
    });
    const w = new Win();
    w.#rec = {
      live: true, flavor, comm, handle, rank: handle.rank, size: handle.size,
      control: layout.map(() => new Int32Array(CONTROL_BYTES >> 2)), memory,
      access: layout.map(([length], r) => r === handle.rank && kind !== 'allocate' ? directAccess(mine) : libraryAccess(length)),
      direct: layout.map(() => null), cache: { mem: null, ctor: null, at: 0, n: 0, view: null },
      pin: 0, dispUnits: layout.map((v) => v[1]), segments: null, shared: false, attached: [],
      info: new Map(hints), attrs: null, errhandler: defaultErrhandler, name: '',
      locks: new Map(), lockAll: false, startGroup: null, postGroup: null, postSends: [], lib: made.win, pending: [],
    };
    return w;
  }

  /** Memory of rank `rank` of the window (any flavor but dynamic, as MPI 4.1) and its displacement unit (PROC_NULL: the first rank with memory): `MPI_Win_shared_query`. */
  Shared_query(rank: number): [Uint8Array, number] {
    const rec = this.#live('Shared_query');
    // MPI 4.1 allows every flavor but the dynamic one; every rank's memory here is shared.
    if (rec.flavor === WIN_FLAVOR_DYNAMIC) fail('Shared_query', ERR_RMA_FLAVOR, 'a dynamic window has no memory to query');
    let r = checkInt('Shared_query', 'rank', rank);
    if (r === PROC_NULL) {
      r = rec.memory.findIndex((m) => m.length > 0);
      if (r < 0) return [new Uint8Array(0), rec.dispUnits[0]!];
    } else if (r < 0 || r >= rec.size) fail('Shared_query', ERR_RANK, `rank ${r} out of range [0, ${rec.size})`);
    return [rec.memory[r]!, rec.dispUnits[r]!];
  }

  /** Attach local memory to a dynamic window (remote ranks reach it only on a window over this process alone): `MPI_Win_attach`. */
  Attach(memory: BufferSpec): void {
    const rec = this.#live('Attach');
    if (rec.flavor !== WIN_FLAVOR_DYNAMIC) fail('Attach', ERR_RMA_FLAVOR, 'the window was not made by Create_dynamic');
    let m: Uint8Array;
    try { m = parseBuffer('Attach', 'memory', memory).bytes; } catch (e) { raise('Attach', e); }
    rec.attached.push(m);
  }

  /** Detach memory attached with Attach: `MPI_Win_detach`. */
  Detach(memory: BufferSpec): void {
    const rec = this.#live('Detach');
    if (rec.flavor !== WIN_FLAVOR_DYNAMIC) fail('Detach', ERR_RMA_FLAVOR, 'the window was not made by Create_dynamic');
    let m: Uint8Array;
    try { m = parseBuffer('Detach', 'memory', memory).bytes; } catch (e) { raise('Detach', e); }
    const i = rec.attached.findIndex((a) => a.buffer === m.buffer && a.byteOffset === m.byteOffset && a.byteLength === m.byteLength);
    if (i < 0) fail('Detach', ERR_RMA_ATTACH, 'the memory was not attached to this window');
    rec.attached.splice(i, 1);
  }

  /** Free the window (collective); this handle becomes WIN_NULL: `MPI_Win_free`. */
  Free(): void {
    const rec = this.#live('Free');
    if (rec.locks.size > 0 || rec.lockAll || rec.startGroup !== null || rec.postGroup !== null) {
      fail('Free', ERR_RMA_SYNC, 'an access or exposure epoch is still open (Unlock, Complete or Wait first)');
    }
    deleteAll('Free', this, rec.attrs);
    rec.attrs = null;
    // Every rank's accesses end before any rank's memory goes.
    if (rec.lib >= 0) {
      try { runtime.transport.libraryRma!.free(rec.lib); } catch (e) { raise('Free', e); }
    } else rec.comm.Barrier();
    if (rec.pin !== 0) rec.segments![0]!.singleCopy!.unpin(rec.pin);
    if (rec.shared) {
      runtime.transport.rma!.releaseMemory(rec.handle, 0);
      runtime.transport.rma!.releaseMemory(rec.handle, 1);
    }
    rec.comm.Free();
    rec.live = false;
    guard(this, false);
    this.#rec = null;
  }
  /** Free unless null (mpi4py's `free`, and `using` blocks). */
  free(): void { if (this.#rec !== null && this.#rec.live) this.Free(); }
  /** Free unless null, at the end of a `using` block. */
  [Symbol.dispose](): void { this.free(); }

  /** The local window memory as bytes (mpi4py's `tomemory`, the buffer interface of a window). */
  tomemory(): Uint8Array {
    return this.#live('tomemory').memory[this.#rec!.rank]!;
  }

  // ---- identity, info, attributes -----------------------------------------------

  /** The group of the window's communicator (a new group): `MPI_Win_get_group`. */
  Get_group(): Group {
    const rec = this.#live('Get_group');
    return new Group(runtime.transport.group(rec.handle).slice());
  }
  /** The window's group (mpi4py's `group`: Get_group). */
  get group(): Group { return this.Get_group(); }
  /** Number of ranks of the window (mpi4py's `group_size`). */
  get group_size(): number { return this.#live('group_size').size; }
  /** This process's rank in the window (mpi4py's `group_rank`). */
  get group_rank(): number { return this.#live('group_rank').rank; }

  /** Set hints (kept; Get_info returns them): `MPI_Win_set_info`. */
  Set_info(info: Info): void {
    const rec = this.#live('Set_info');
    if (!(info instanceof Info)) throw new TypeError(`Set_info: info must be an MPI.Info, got ${describe(info)}`);
    for (const [k, v] of infoArg('Set_info', info)) rec.info.set(k, v);
  }
  /** The window's hints as a new Info (the caller frees it): `MPI_Win_get_info`. */
  Get_info(): Info {
    return Info.Create(new Map(this.#live('Get_info').info));
  }
  /** The window's hints (mpi4py's `info`: Get_info). */
  get info(): Info { return this.Get_info(); }
  /** Set hints (mpi4py's `info`: Set_info). */
  set info(info: Info) { this.Set_info(info); }

  /** How the window was made: WIN_FLAVOR_CREATE, _ALLOCATE, _DYNAMIC or _SHARED. */
  get flavor(): number { return this.#live('flavor').flavor; }
  /** The memory model: WIN_UNIFIED. */
  get model(): number { this.#live('model'); return WIN_UNIFIED; }
  /** [WIN_BASE, WIN_SIZE, WIN_DISP_UNIT] of the local memory. */
  get attrs(): [number, number, number] {
    return [this.Get_attr(WIN_BASE) as number, this.Get_attr(WIN_SIZE) as number, this.Get_attr(WIN_DISP_UNIT) as number];
  }

  /**
   * An attribute: WIN_BASE (address of the local memory, as MPI.Get_address
   * gives it), WIN_SIZE, WIN_DISP_UNIT, WIN_CREATE_FLAVOR, WIN_MODEL, or one
   * set with Set_attr (null when not set): `MPI_Win_get_attr`.
   */
  Get_attr(keyval: number): any {
    const rec = this.#live('Get_attr');
    const mem = rec.memory[rec.rank]!;
    switch (keyvalArg('Get_attr', keyval)) {
      case WIN_BASE: return rec.flavor === WIN_FLAVOR_DYNAMIC || mem.length === 0 ? 0 : Get_address(mem);
      case WIN_SIZE: return mem.length;
      case WIN_DISP_UNIT: return rec.dispUnits[rec.rank]!;
      case WIN_CREATE_FLAVOR: return rec.flavor;
      case WIN_MODEL: return WIN_UNIFIED;
      default: return getAttr('Get_attr', 'Win', rec.attrs, keyval);
    }
  }
  /** Store `attrval` under a keyval from Create_keyval: `MPI_Win_set_attr`. */
  Set_attr(keyval: number, attrval: unknown): void {
    const rec = this.#live('Set_attr');
    rec.attrs = setAttr('Set_attr', 'Win', this, rec.attrs, keyval, attrval);
  }
  /** Remove an attribute through its keyval's delete callback: `MPI_Win_delete_attr`. */
  Delete_attr(keyval: number): void {
    const rec = this.#live('Delete_attr');
    deleteAttr('Delete_attr', 'Win', this, rec.attrs, keyval);
  }
  /** A new attribute key for windows (`delete_fn(win, keyval, value)` runs at Delete_attr and Free): `MPI_Win_create_keyval`. */
  static Create_keyval(copy_fn: CopyFunction<Win> | boolean | KeyvalOptions<Win> | null = null,
    delete_fn: DeleteFunction<Win> | boolean | null = null, nopython = false): number {
    return createKeyval('Create_keyval', 'Win', copy_fn, delete_fn, nopython);
  }
  /** Free an attribute key; returns KEYVAL_INVALID: `MPI_Win_free_keyval`. */
  static Free_keyval(keyval: number): number {
    return freeKeyval('Free_keyval', 'Win', keyval);
  }

  /** Name (`MPI_WIN_NULL` for the null window): `MPI_Win_get_name`. */
  Get_name(): string { return this.#rec === null ? 'MPI_WIN_NULL' : this.#live('Get_name').name; }
  /** Set the name: `MPI_Win_set_name`. */
  Set_name(name: string): void { this.#live('Set_name').name = String(name); }
  /** The window's name (mpi4py's `name`: Get_name). */
  get name(): string { return this.Get_name(); }
  /** Set the window's name (mpi4py's `name`: Set_name). */
  set name(name: string) { this.Set_name(name); }

  // ---- error handling -------------------------------------------------------

  /** A new error handler for windows, calling `errhandler_fn(win, errorcode)`: `MPI_Win_create_errhandler`. */
  static Create_errhandler(errhandler_fn: ErrhandlerFunction<Win>): Errhandler {
    return createErrhandler('Create_errhandler', 'Win', errhandler_fn);
  }
  /** The window's error handler (a new handle; free it): `MPI_Win_get_errhandler`. */
  Get_errhandler(): Errhandler {
    return Errhandler.of(this.#live('Get_errhandler').errhandler);
  }
  /** Set the window's error handler: `MPI_Win_set_errhandler`. */
  Set_errhandler(errhandler: Errhandler): void {
    const rec = this.#live('Set_errhandler');
    rec.errhandler = errhandlerArg('Set_errhandler', 'Win', errhandler);
    guard(this, rec.errhandler !== defaultErrhandler);
  }
  /** Run the window's error handler for `errorcode`: `MPI_Win_call_errhandler`. */
  Call_errhandler(errorcode: number): void {
    const rec = this.#live('Call_errhandler');
    const code = checkInt('Call_errhandler', 'errorcode', errorcode);
    invoke(rec.errhandler, this, code, `Call_errhandler(${code})`, 'a window');
  }
  /** @internal For the dispatch of errors to the handler (api/errhandler.ts). */
  errhandlerRecord(): ErrhandlerRecord { return this.#rec?.errhandler ?? defaultErrhandler; }
  /** @internal */
  errhandlerObjectName(): string { return this.#rec?.name || 'a window'; }

  // ---- communication ----------------------------------------------------------

  /** Copy `origin` into rank `target_rank`'s window (`target`: disp, or [disp, count, datatype]): `MPI_Put`. */
  Put(origin: BufferSpec | typeof BOTTOM | null, target_rank: number, target: TargetSpec | null = null): void {
    this.#put('Put', origin, target_rank, target);
  }
  /** Copy from rank `target_rank`'s window into `origin`: `MPI_Get`. */
  Get(origin: BufferSpec | typeof BOTTOM | null, target_rank: number, target: TargetSpec | null = null): void {
    this.#get('Get', origin, target_rank, target);
  }
  /** Combine `origin` into rank `target_rank`'s window with `op`, element-wise atomically: `MPI_Accumulate`. */
  Accumulate(origin: BufferSpec, target_rank: number, target: TargetSpec | null = null, op: Op = SUM): void {
    this.#accumulate('Accumulate', origin, null, target_rank, target, op);
  }
  /** Fetch the target's data into `result`, then combine `origin` into it, atomically: `MPI_Get_accumulate`. */
  Get_accumulate(origin: BufferSpec | null, result: BufferSpec, target_rank: number, target: TargetSpec | null = null, op: Op = SUM): void {
    this.#accumulate('Get_accumulate', origin, result, target_rank, target, op);
  }
  /** Get_accumulate of one element at `target_disp`: `MPI_Fetch_and_op`. */
  Fetch_and_op(origin: BufferSpec | null, result: BufferSpec, target_rank: number, target_disp = 0, op: Op = SUM): void {
    const routine = 'Fetch_and_op';
    if (this.#fastUpdate(routine, origin, result, target_rank, target_disp, op, true)) return;
    const rec = this.#live(routine);
    const disp = checkInt(routine, 'target_disp', target_disp);
    const rank = this.#rank(routine, rec, target_rank);
    const reduce = toReduceOp(routine, op);
    let o, r;
    try {
      o = parseBuffer(routine, 'origin', origin);
      r = parseBuffer(routine, 'result', result, true);
    } catch (e) { raise(routine, e); }
    if (rank === PROC_NULL) return;
    oneElement(routine, 'origin', o);
    oneElement(routine, 'result', r);
    sameType(routine, 'origin', o.type, 'result', r.type);
    if (isLibrary(rec)) {
      this.#libraryAtomic(routine, rec, rank, disp, o.type, o.bytes, r.bytes, null, reduce.name);
      return;
    }
    this.#atomic(routine, rec, rank, disp, o.type, (mem, at) => mem.update(at, 1, o.type, r, reduce.name === 'NO_OP' ? null : o.bytes, reduce));
  }

  /** Replace the element at `target_disp` with `origin` if it equals `compare`; the old value goes to `result`: `MPI_Compare_and_swap`. */
  Compare_and_swap(origin: BufferSpec, compare: BufferSpec, result: BufferSpec, target_rank: number, target_disp = 0): void {
    const routine = 'Compare_and_swap';
    if (this.#fastSwap(origin, compare, result, target_rank, target_disp)) return;
    const rec = this.#live(routine);
    const disp = checkInt(routine, 'target_disp', target_disp);
    const rank = this.#rank(routine, rec, target_rank);
    let o, c, r;
    try {
      o = parseBuffer(routine, 'origin', origin);
      c = parseBuffer(routine, 'compare', compare);
      r = parseBuffer(routine, 'result', result, true);
    } catch (e) { raise(routine, e); }
    if (rank === PROC_NULL) return;
    oneElement(routine, 'origin', o);
    oneElement(routine, 'compare', c);
    oneElement(routine, 'result', r);
    sameType(routine, 'origin', o.type, 'compare', c.type);
    sameType(routine, 'origin', o.type, 'result', r.type);
    if (isLibrary(rec)) {
      this.#libraryAtomic(routine, rec, rank, disp, o.type, o.bytes, r.bytes, c.bytes, 'REPLACE');
      return;
    }
    this.#atomic(routine, rec, rank, disp, o.type, (mem, at) => mem.swap(at, o.type, o.bytes, c.bytes, r.bytes));
  }

  /**
   * One element of a predefined `type` at `disp` of rank `rank`, read and
   * rewritten by `fn` under the target's mutex. Not with lock-free Atomics:
   * an Accumulate to the same element rewrites it under the mutex with plain
   * stores, and an atomic add racing with that would be lost.
   */
  #atomic(routine: string, rec: WinRecord, rank: number, disp: number, type: TypeDesc, fn: (mem: Access, at: number) => void): void {
    if (type.element === null && type.pair == null) fail(routine, ERR_TYPE, `datatype ${type.name} is not a predefined type`);
    const [mem, at] = this.#target(routine, rec, rank, disp, 1, type);
    try {
      this.#lockMutex(rec, rank);
      try { fn(mem, at); } finally { this.#unlockMutex(rec, rank); }
    } catch (e) { raise(routine, e); }
  }

  /**
   * MPI_Fetch_and_op (no `compare`) or MPI_Compare_and_swap on one element
   * in the library. Compare_and_swap compares bytes, so it runs on the
   * integer type of the element's width (MPI allows no floating point there).
   */
  #libraryAtomic(routine: string, rec: WinRecord, rank: number, disp: number, type: TypeDesc, origin: Uint8Array, result: Uint8Array,
    compare: Uint8Array | null, op: string): void {
    if (type.element === null && type.pair == null) fail(routine, ERR_TYPE, `datatype ${type.name} is not a predefined type`);
    const [, at] = this.#target(routine, rec, rank, disp, 1, type);
    const width = type.size;
    const element = compare !== null || type.pair != null || type.element === 'bool' || type.element!.startsWith('complex')
      ? (op === 'REPLACE' || op === 'NO_OP' || compare !== null ? BY_WIDTH[width] ?? 'byte' : null) : type.element!;
    if (element === null) fail(routine, ERR_UNSUPPORTED_OPERATION, `the MPI library has no one-sided ${op} on ${type.name}`);
    if (compare !== null && element === 'byte' && width !== 1) fail(routine, ERR_UNSUPPORTED_OPERATION, `the MPI library cannot compare and swap ${type.name}`);
    const lib = runtime.transport.libraryRma!;
    const into = new Uint8Array(width);
    try {
      if (!lib.accumulate(rec.lib, origin.slice(0, width), into, compare === null ? null : compare.slice(0, width), rank, at, element, op, width)) {
        fail(routine, ERR_UNSUPPORTED_OPERATION, `the MPI library has no one-sided ${op} on ${type.name}`);
      }
    } catch (e) { raise(routine, e); }
    rec.pending.push({ rank, deliver: () => result.set(into) });
  }

  /** Put, as a request (complete at once): `MPI_Rput`. */
  Rput(origin: BufferSpec | typeof BOTTOM | null, target_rank: number, target: TargetSpec | null = null): Request {
    this.#put('Rput', origin, target_rank, target);
    this.#requestDone('Rput', target_rank);
    return Request.send(DONE_OP, 'Rput');
  }
  /** Get, as a request (complete at once): `MPI_Rget`. */
  Rget(origin: BufferSpec | typeof BOTTOM | null, target_rank: number, target: TargetSpec | null = null): Request {
    this.#get('Rget', origin, target_rank, target);
    this.#requestDone('Rget', target_rank);
    return Request.send(DONE_OP, 'Rget');
  }
  /** Accumulate, as a request (complete at once): `MPI_Raccumulate`. */
  Raccumulate(origin: BufferSpec, target_rank: number, target: TargetSpec | null = null, op: Op = SUM): Request {
    this.#accumulate('Raccumulate', origin, null, target_rank, target, op);
    this.#requestDone('Raccumulate', target_rank);
    return Request.send(DONE_OP, 'Raccumulate');
  }
  /** Get_accumulate, as a request (complete at once): `MPI_Rget_accumulate`. */
  Rget_accumulate(origin: BufferSpec | null, result: BufferSpec, target_rank: number, target: TargetSpec | null = null, op: Op = SUM): Request {
    this.#accumulate('Rget_accumulate', origin, result, target_rank, target, op);
    this.#requestDone('Rget_accumulate', target_rank);
    return Request.send(DONE_OP, 'Rget_accumulate');
  }

  /**
   * A request-based operation on a library window completes before its
   * request is handed out (MPI allows them in passive-target epochs only,
   * where MPI_Win_flush_local may complete them).
   */
  #requestDone(routine: string, target_rank: unknown): void {
    const rec = this.#rec!;
    if (!isLibrary(rec) || target_rank === PROC_NULL) return;
    if (rec.locks.size === 0 && !rec.lockAll) fail(routine, ERR_RMA_SYNC, 'request-based operations need a passive-target epoch (Lock or Lock_all first)');
    this.#librarySync(routine, rec, 'flush_local', target_rank as number, 0, null);
  }

  /** A synchronisation call of a library window; results of the operations it completes (to `done`: a rank, or all) are unpacked. */
  #librarySync(routine: string, rec: WinRecord, what: RmaSync, rank: number, assertion: number, ranks: number[] | null, done: number | null | 'none' = rank): boolean {
    let flag;
    try { flag = runtime.transport.libraryRma!.sync(rec.lib, what, rank, assertion, ranks); } catch (e) { raise(routine, e); }
    if (done !== 'none' && rec.pending.length > 0) {
      const left = [];
      for (const p of rec.pending) {
        if (done === null || p.rank === done) p.deliver();
        else left.push(p);
      }
      rec.pending = left;
    }
    return flag;
  }

  /**
   * The checked operands of Put and Get: the window, the target rank, the
   * origin buffer and the target's count and type, bounds checked against
   * the target's memory; null for PROC_NULL (nothing to move).
   */
  #transfer(routine: string, origin: unknown, target_rank: unknown, target: unknown, writes: boolean) {
    const rec = this.#live(routine);
    const rank = this.#rank(routine, rec, target_rank);
    let o;
    // Get writes the origin: a read-only MPI.buffer is refused as any receive buffer is.
    try { o = parseBuffer(routine, 'origin', originArg(origin), writes); } catch (e) { raise(routine, e); }
    const [disp, count, type] = targetArg(routine, target, o.count, o.type);
    if (rank === PROC_NULL) return null;
    sameSize(routine, o.count, o.type, count, type);
    const [mem, at] = this.#target(routine, rec, rank, disp, count, type);
    return { rec, rank, o, count, type, mem, at };
  }

  #put(routine: string, origin: unknown, target_rank: unknown, target: unknown): void {
    if (this.#fastCopy(false, origin, target_rank, target)) return;
    const t = this.#transfer(routine, origin, target_rank, target, false);
    if (t === null) return;
    const { rec, rank, o, count, type, mem, at } = t;
    if (isLibrary(rec)) {
      const data = outgoing(o);
      // Nothing to copy from an empty view (one out of the bounds of a resizable buffer that shrank cannot be sliced).
      const bytes = fixed(data) || data.length === 0 ? data : data.slice();
      const lib = runtime.transport.libraryRma!;
      try {
        for (const [off, p, n] of runs(at, count, type)) lib.put(rec.lib, bytes.subarray(p, p + n), rank, off, false);
      } catch (e) { raise(routine, e); }
      return;
    }
    mem.put(at, count, type, o);
  }

  #get(routine: string, origin: unknown, target_rank: unknown, target: unknown): void {
    if (this.#fastCopy(true, origin, target_rank, target)) return;
    const t = this.#transfer(routine, origin, target_rank, target, true);
    if (t === null) return;
    const { rec, rank, o, count, type, mem, at } = t;
    if (isLibrary(rec)) {
      const lib = runtime.transport.libraryRma!;
      const into = landing(rec, rank, o, count * type.size);
      try {
        for (const [off, p, n] of runs(at, count, type)) lib.put(rec.lib, into.subarray(p, p + n), rank, off, true);
      } catch (e) { raise(routine, e); }
      return;
    }
    mem.get(at, count, type, o);
  }

  /**
   * Accumulate and its fetching forms, under the target's mutex. The
   * elements travel packed; `op` combines target (first) and origin.
   */
  #accumulate(routine: string, origin: BufferSpec | null, result: BufferSpec | null, target_rank: unknown, target: unknown,
    op: unknown): void {
    if (this.#fastUpdate(routine, origin, result, target_rank, target, op, false)) return;
    const rec = this.#live(routine);
    const rank = this.#rank(routine, rec, target_rank);
    const reduce = toReduceOp(routine, op);
    if (reduce.name === 'user') fail(routine, ERR_OP, 'one-sided accumulates take predefined operations only');
    let o, r = null;
    try {
      o = parseBuffer(routine, 'origin', origin);
      if (result !== null) r = parseBuffer(routine, 'result', result, true);
    } catch (e) { raise(routine, e); }
    const noOrigin = reduce.name === 'NO_OP' && o.count === 0 && r !== null;
    const base = noOrigin ? r! : o;
    const [disp, count, type] = targetArg(routine, target, base.count, base.type);
    if (rank === PROC_NULL) return;
    if (!noOrigin) sameSize(routine, o.count, o.type, count, type);
    if (r !== null) sameSize(routine, r.count, r.type, count, type);
    // No data (e.g. an indexed type of 0 blocks): nothing to combine, check or return.
    if (type.size * count === 0) return;
    if (type.element === null && reduce.name !== 'REPLACE' && reduce.name !== 'NO_OP' && type.pair == null) {
      fail(routine, ERR_TYPE, `datatype ${type.name} mixes basic types: accumulate needs one`);
    }
    const [mem, at] = this.#target(routine, rec, rank, disp, count, type);
    if (isLibrary(rec)) {
      const data = noOrigin ? null : outgoing(o);
      // A type of several basic types only goes with REPLACE and NO_OP (checked above): bytes then.
      const element = type.pair == null && type.element !== null ? type.element : 'byte';
      const bytes = data === null || fixed(data) ? data : data.slice();
      const into = r === null ? null : landing(rec, rank, r, count * type.size);
      const lib = runtime.transport.libraryRma!;
      try {
        for (const [off, p, n] of runs(at, count, type)) {
          if (!lib.accumulate(rec.lib, bytes === null ? null : bytes.subarray(p, p + n), into === null ? null : into.subarray(p, p + n), null,
            rank, off, element, reduce.name, n)) {
            fail(routine, ERR_UNSUPPORTED_OPERATION, `the MPI library has no one-sided ${reduce.name} on ${type.name}`);
          }
        }
      } catch (e) { raise(routine, e); }
      return;
    }
    const data = noOrigin || reduce.name === 'NO_OP' ? null : outgoing(o);
    try {
      this.#lockMutex(rec, rank);
      try { mem.update(at, count, type, r, data, reduce); } finally { this.#unlockMutex(rec, rank); }
    } catch (e) { raise(routine, e); }
  }

  // ---- fast paths ---------------------------------------------------------------
  // The common case of the calls above, in a few checks and one copy or kernel
  // call, nothing allocated: typed array operands and a displacement (or
  // nothing) as the target, into memory this thread loads and stores itself.
  // Each is false, having done nothing, for any other call: the general path
  // then checks every argument and raises. Their bounds are proved by fastAt.

  /** Put and Get (Get: the origin not a read-only MPI.buffer): one copy between the origin's bytes and the target's. */
  #fastCopy(get: boolean, origin: unknown, target_rank: unknown, target: unknown): boolean {
    const rec = this.#rec;
    const bytes = typedBytes(origin);
    if (rec === null || bytes === null || (get && isReadonly(origin))) return false;
    const n = bytes.length;
    const at = fastAt(rec, target_rank, target, n);
    if (at < 0) return false;
    const mem = rec.direct[target_rank as number]!;
    if (get) copyBytes(bytes, 0, mem, at, n);
    else copyBytes(mem, at, bytes, 0, n);
    return true;
  }

  /**
   * Accumulate and Get_accumulate (`one`: Fetch_and_op, one element, result
   * of the origin's type): the result (writable, the origin's length) is
   * the target's bytes, then the op's typed kernel for the origin's element
   * type (core/reduce.ts, as Allreduce's) combines the origin into the
   * target in place; REPLACE copies, NO_OP only fetches. Under the target's
   * mutex, as the general path, so element-wise atomic with it.
   */
  #fastUpdate(routine: string, origin: unknown, result: unknown, target_rank: unknown, target: unknown, op: unknown, one: boolean): boolean {
    const rec = this.#rec;
    const o = typedBytes(origin);
    if (rec === null || o === null || !(op instanceof Op)) return false;
    const n = o.length;
    let res: Uint8Array | null = null;
    if (result !== null) {
      res = typedBytes(result);
      if (res === null || res.length !== n || isReadonly(result)) return false;
    }
    const at = fastAt(rec, target_rank, target, n);
    if (at < 0) return false;
    const type = inferDesc(origin as ArrayBufferView);
    if (one && (n !== type.size || inferDesc(result as ArrayBufferView) !== type)) return false;
    // The general path's next check (rank and window are good): the same error, raised here.
    const reduce = toReduceOp(routine, op);
    const rank = target_rank as number;
    const mem = rec.direct[rank]!;
    let kernel, d, b;
    if (reduce.name !== 'REPLACE' && reduce.name !== 'NO_OP') {
      // No kernel (user op, MAXLOC, an op the type lacks) or misaligned memory: the general path.
      kernel = reduce.direct?.(type);
      if (kernel === undefined) return false;
      const w = (kernel.array as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      if ((mem.byteOffset + at) % w !== 0) return false;
      b = (origin as object).constructor === kernel.array ? origin as ArrayBufferView : typedOf(kernel.array, o);
      if (b === null) return false;
      d = targetView(rec, mem, kernel.array, w, at, n);
    }
    this.#lockMutex(rec, rank);
    try {
      if (res !== null) copyBytes(res, 0, mem, at, n);
      if (kernel !== undefined) kernel.run(d!, d!, b!, n / kernel.elementBytes);
      else if (reduce.name === 'REPLACE') copyBytes(mem, at, o, 0, n);
    } finally { this.#unlockMutex(rec, rank); }
    return true;
  }

  /** Compare_and_swap on one element, the three operands typed arrays of one type: bytes compared, under the target's mutex. */
  #fastSwap(origin: unknown, compare: unknown, result: unknown, target_rank: unknown, target_disp: unknown): boolean {
    const rec = this.#rec;
    const o = typedBytes(origin);
    const c = typedBytes(compare);
    const r = typedBytes(result);
    if (rec === null || o === null || c === null || r === null || isReadonly(result)) return false;
    const type = inferDesc(origin as ArrayBufferView);
    const n = type.size;
    if (o.length !== n || c.length !== n || r.length !== n) return false;
    if (inferDesc(compare as ArrayBufferView) !== type || inferDesc(result as ArrayBufferView) !== type) return false;
    const at = fastAt(rec, target_rank, target_disp, n);
    if (at < 0) return false;
    const rank = target_rank as number;
    const mem = rec.direct[rank]!;
    this.#lockMutex(rec, rank);
    try {
      // Compared before `result` is written: right even when it is `compare`'s memory.
      let same = true;
      for (let i = 0; i < n; i++) if (mem[at + i] !== c[i]) same = false;
      copyBytes(r, 0, mem, at, n);
      if (same) copyBytes(mem, at, o, 0, n);
    } finally { this.#unlockMutex(rec, rank); }
    return true;
  }

  /** A target rank argument: PROC_NULL or a rank of the window. */
  #rank(routine: string, rec: WinRecord, target_rank: unknown): number {
    const r = checkInt(routine, 'target_rank', target_rank);
    if (r !== PROC_NULL && (r < 0 || r >= rec.size)) fail(routine, ERR_RANK, `target_rank ${r} out of range [0, ${rec.size})`);
    return r;
  }

  /** The target's memory and the byte where `count` `type` at `disp` start, bounds checked (ERR_RMA_RANGE). */
  #target(routine: string, rec: WinRecord, rank: number, disp: number, count: number, type: TypeDesc): [Access, number] {
    if (rec.flavor === WIN_FLAVOR_DYNAMIC) return this.#dynamicTarget(routine, rec, rank, disp, count, type);
    const mem = rec.access[rank]!;
    const at = disp * rec.dispUnits[rank]!;
    if (count === 0 || type.size === 0) return [mem, Math.min(Math.max(at, 0), mem.size)];
    const [lo, hi] = packSpan(count, type);
    if (disp < 0 || at + lo < 0 || at + hi > mem.size) {
      fail(routine, ERR_RMA_RANGE, `${count} ${type.name} at displacement ${disp} (byte ${at}) reach bytes ${at + lo} to ${at + hi} of rank ${rank}'s window of ${mem.size} bytes`);
    }
    return [mem, at];
  }

  /** In a dynamic window `disp` is an address (MPI.Get_address) within memory attached on the target. */
  #dynamicTarget(routine: string, rec: WinRecord, rank: number, disp: number, count: number, type: TypeDesc): [Access, number] {
    if (rank !== rec.rank) {
      fail(routine, ERR_UNSUPPORTED_OPERATION, 'memory attached to a dynamic window is reached from its own rank only (its address means nothing to other ranks in mpi4ts)');
    }
    const [lo, hi] = count === 0 ? [0, 0] : packSpan(count, type);
    for (const m of rec.attached) {
      const base = Get_address(m);
      if (disp + lo >= base && disp + hi <= base + m.length) return [directAccess(m), disp - base];
    }
    return fail(routine, ERR_RMA_RANGE, `no attached memory holds ${count} ${type.name} at address ${disp}`);
  }

  /**
   * Take rank `rank`'s accumulate mutex (release it with #unlockMutex). The
   * sections are short and call nothing that waits, so a failed try spins a
   * moment, then sleeps on the word until the holder's notify (Atomics.wait
   * is allowed on rank threads; a rank on the main thread, natively, only
   * ever holds its own). The word is a futex mutex (0 free, 1 held, 2 held
   * with sleepers): an uncontended take and release is one atomic each and
   * no notify.
   */
  #lockMutex(rec: WinRecord, rank: number): void {
    const w = rec.control[rank]!;
    let c = Atomics.compareExchange(w, ACC, 0, 1);
    // Spin on loads, trying again only when the word reads free: a held word's cache line is then shared, not
    // taken away from its holder by every try (the origins of an nxtval counter all update one word).
    for (let spins = 0; c !== 0 && spins < 64; spins++) if (Atomics.load(w, ACC) === 0) c = Atomics.compareExchange(w, ACC, 0, 1);
    if (c === 0) return;
    // Mark the word contended before sleeping, so the holder's release notifies.
    while (Atomics.exchange(w, ACC, 2) !== 0) Atomics.wait(w, ACC, 2, 1);
  }

  #unlockMutex(rec: WinRecord, rank: number): void {
    const w = rec.control[rank]!;
    if (Atomics.exchange(w, ACC, 0) === 2) Atomics.notify(w, ACC);
  }

  // ---- synchronisation ---------------------------------------------------------

  /** End one active-target epoch and start the next, on every rank (collective): `MPI_Win_fence`. */
  Fence(assertion = 0): void {
    const rec = this.#live('Fence');
    assertionArg('Fence', assertion);
    if (rec.locks.size > 0 || rec.lockAll) fail('Fence', ERR_RMA_SYNC, 'a passive-target epoch is open (Unlock first)');
    if (isLibrary(rec)) {
      this.#librarySync('Fence', rec, 'fence', 0, assertion, null, null);
      return;
    }
    // Every rank's operations of the epoch are complete (they are copies done at the call); the barrier orders them before what follows.
    rec.comm.Barrier();
  }

  /** Start an access epoch to the ranks of `group` (they Post): `MPI_Win_start`. */
  Start(group: Group, assertion = 0): void {
    const rec = this.#live('Start');
    const ranks = this.#groupRanks('Start', rec, group);
    assertionArg('Start', assertion);
    if (rec.startGroup !== null) fail('Start', ERR_RMA_SYNC, 'an access epoch is already open (Complete first)');
    if (isLibrary(rec)) this.#librarySync('Start', rec, 'start', 0, assertion, ranks, 'none');
    else for (const r of ranks) rec.comm.Recv([new Uint8Array(0), 0, 'B'], r, POST_TAG);
    rec.startGroup = ranks;
  }

  /** End the access epoch of Start: `MPI_Win_complete`. */
  Complete(): void {
    const rec = this.#live('Complete');
    if (rec.startGroup === null) fail('Complete', ERR_RMA_SYNC, 'no access epoch is open (Start first)');
    if (isLibrary(rec)) this.#librarySync('Complete', rec, 'complete', 0, 0, null, null);
    else for (const r of rec.startGroup) rec.comm.Send([new Uint8Array(0), 0, 'B'], r, COMPLETE_TAG);
    rec.startGroup = null;
  }

  /** Start an exposure epoch for the ranks of `group` (they Start): `MPI_Win_post`. */
  Post(group: Group, assertion = 0): void {
    const rec = this.#live('Post');
    const ranks = this.#groupRanks('Post', rec, group);
    assertionArg('Post', assertion);
    if (rec.postGroup !== null) fail('Post', ERR_RMA_SYNC, 'an exposure epoch is already open (Wait first)');
    if (isLibrary(rec)) this.#librarySync('Post', rec, 'post', 0, assertion, ranks, 'none');
    else rec.postSends = ranks.map((r) => rec.comm.Isend([new Uint8Array(0), 0, 'B'], r, POST_TAG));
    rec.postGroup = ranks;
  }

  /** End the exposure epoch of Post once every origin has completed: `MPI_Win_wait`. */
  Wait(): true {
    const rec = this.#live('Wait');
    if (rec.postGroup === null) fail('Wait', ERR_RMA_SYNC, 'no exposure epoch is open (Post first)');
    if (isLibrary(rec)) {
      this.#librarySync('Wait', rec, 'wait', 0, 0, null, 'none');
      rec.postGroup = null;
      return true;
    }
    for (const r of rec.postGroup) rec.comm.Recv([new Uint8Array(0), 0, 'B'], r, COMPLETE_TAG);
    Request.Waitall(rec.postSends);
    rec.postGroup = null;
    rec.postSends = [];
    return true;
  }

  /** Whether every origin of the exposure epoch has completed (then it ends, as Wait): `MPI_Win_test`. */
  Test(): boolean {
    const rec = this.#live('Test');
    if (rec.postGroup === null) fail('Test', ERR_RMA_SYNC, 'no exposure epoch is open (Post first)');
    if (isLibrary(rec)) {
      if (!this.#librarySync('Test', rec, 'test', 0, 0, null, 'none')) return false;
      rec.postGroup = null;
      return true;
    }
    const left: number[] = [];
    for (const r of rec.postGroup) {
      if (rec.comm.Iprobe(r, COMPLETE_TAG)) rec.comm.Recv([new Uint8Array(0), 0, 'B'], r, COMPLETE_TAG);
      else left.push(r);
    }
    rec.postGroup = left;
    if (left.length > 0 || !Request.Testall(rec.postSends)) return false;
    rec.postGroup = null;
    rec.postSends = [];
    return true;
  }

  /** Lock rank `rank`'s window (LOCK_EXCLUSIVE or LOCK_SHARED) for a passive-target epoch: `MPI_Win_lock`. */
  Lock(rank: number, lock_type = LOCK_EXCLUSIVE, assertion = 0): void {
    const rec = this.#live('Lock');
    const r = this.#rank('Lock', rec, rank);
    const type = checkInt('Lock', 'lock_type', lock_type);
    if (type !== LOCK_EXCLUSIVE && type !== LOCK_SHARED) fail('Lock', ERR_LOCKTYPE, `lock_type must be LOCK_EXCLUSIVE or LOCK_SHARED, got ${type}`);
    const a = assertionArg('Lock', assertion);
    if (r === PROC_NULL) return;
    if (rec.locks.has(r) || rec.lockAll) fail('Lock', ERR_RMA_SYNC, `rank ${r} is already locked by this rank`);
    if (isLibrary(rec)) this.#librarySync('Lock', rec, type === LOCK_EXCLUSIVE ? 'lock_exclusive' : 'lock_shared', r, a, null, 'none');
    else if ((a & MODE_NOCHECK) === 0) this.#acquire(rec, r, type);
    rec.locks.set(r, (a & MODE_NOCHECK) !== 0 ? -type : type);
  }

  /** End the passive-target epoch on rank `rank`: `MPI_Win_unlock`. */
  Unlock(rank: number): void {
    const rec = this.#live('Unlock');
    const r = this.#rank('Unlock', rec, rank);
    if (r === PROC_NULL) return;
    const type = rec.locks.get(r);
    if (type === undefined) fail('Unlock', ERR_RMA_SYNC, `rank ${r} is not locked by this rank`);
    rec.locks.delete(r);
    if (isLibrary(rec)) this.#librarySync('Unlock', rec, 'unlock', r, 0, null);
    else if (type > 0) this.#release(rec, r, type);
  }

  /** A shared lock on every rank's window: `MPI_Win_lock_all`. */
  Lock_all(assertion = 0): void {
    const rec = this.#live('Lock_all');
    const a = assertionArg('Lock_all', assertion);
    if (rec.lockAll || rec.locks.size > 0) fail('Lock_all', ERR_RMA_SYNC, 'this rank already holds locks on the window');
    if (isLibrary(rec)) this.#librarySync('Lock_all', rec, 'lock_all', 0, a, null, 'none');
    else if ((a & MODE_NOCHECK) === 0) for (let r = 0; r < rec.size; r++) this.#acquire(rec, r, LOCK_SHARED);
    rec.lockAll = true;
    if ((a & MODE_NOCHECK) !== 0) rec.locks.set(-1, 0);
  }

  /** End the epoch of Lock_all: `MPI_Win_unlock_all`. */
  Unlock_all(): void {
    const rec = this.#live('Unlock_all');
    if (!rec.lockAll) fail('Unlock_all', ERR_RMA_SYNC, 'Lock_all was not called');
    const nocheck = rec.locks.has(-1);
    rec.locks.delete(-1);
    rec.lockAll = false;
    if (isLibrary(rec)) this.#librarySync('Unlock_all', rec, 'unlock_all', 0, 0, null, null);
    else if (!nocheck) for (let r = 0; r < rec.size; r++) this.#release(rec, r, LOCK_SHARED);
  }

  /**
   * Take rank `r`'s lock. The lock word lives in `r`'s control block, so
   * `r` itself does nothing for it (passive target). A rank that finds it
   * taken waits through the transport (progress goes on; Unlock wakes it).
   */
  #acquire(rec: WinRecord, r: number, type: number): void {
    const w = rec.control[r]!;
    // The uncontended Lock: one try, nothing allocated.
    if (tryLock(w, type)) return;
    if (rec.segments === null) fail('Lock', ERR_RMA_SYNC, 'the lock is held by this rank already');
    // `done` may be read more than once: the lock is taken once, then held.
    let held = false;
    // Counted before the next try: a release that reads no waiters came before it in the
    // order of sequentially consistent atomics, so that try sees the lock free.
    Atomics.add(w, LOCK_WAITERS, 1);
    try {
      runtime.transport.wait(rec.segments[r]!.until(() => held || (held = tryLock(w, type))));
    } finally {
      Atomics.sub(w, LOCK_WAITERS, 1);
    }
  }

  /** Give back rank `r`'s lock; ring the ranks only when an origin waits for it (Unlock is one atomic otherwise). */
  #release(rec: WinRecord, r: number, type: number): void {
    const w = rec.control[r]!;
    if (type === LOCK_EXCLUSIVE) Atomics.store(w, LOCK, 0);
    else Atomics.sub(w, LOCK, 1);
    if (Atomics.load(w, LOCK_WAITERS) !== 0) rec.segments?.[r]!.wake();
  }

  #epochCheck(routine: string, rec: WinRecord, rank: number | null): void {
    if (rank === null ? rec.locks.size === 0 && !rec.lockAll : !rec.lockAll && !rec.locks.has(rank)) {
      fail(routine, ERR_RMA_SYNC, rank === null ? 'no passive-target epoch is open' : `rank ${rank} is not locked by this rank`);
    }
  }

  /** Complete the operations to rank `rank` (they complete when called here): `MPI_Win_flush`. */
  Flush(rank: number): void { this.#flush('Flush', rank); }
  /** Complete the operations to every rank: `MPI_Win_flush_all`. */
  Flush_all(): void { this.#flush('Flush_all', null); }
  /** Complete locally the operations to rank `rank`: `MPI_Win_flush_local`. */
  Flush_local(rank: number): void { this.#flush('Flush_local', rank); }
  /** Complete locally the operations to every rank: `MPI_Win_flush_local_all`. */
  Flush_local_all(): void { this.#flush('Flush_local_all', null); }

  #flush(routine: string, rank: unknown): void {
    const rec = this.#live(routine);
    const r = rank === null ? null : this.#rank(routine, rec, rank);
    if (r === PROC_NULL) return;
    this.#epochCheck(routine, rec, r);
    if (isLibrary(rec)) {
      const what = (routine === 'Flush' ? 'flush' : routine === 'Flush_all' ? 'flush_all' : routine === 'Flush_local' ? 'flush_local' : 'flush_local_all') as RmaSync;
      this.#librarySync(routine, rec, what, r ?? 0, 0, null, r);
      return;
    }
    // Operations are copies finished within their call; a fence orders them for other threads' later loads.
    Atomics.load(rec.control[rec.rank]!, LOCK);
  }

  /** Synchronise the public and private copies of the local window (one copy here: a memory fence): `MPI_Win_sync`. */
  Sync(): void {
    const rec = this.#live('Sync');
    if (isLibrary(rec)) {
      this.#librarySync('Sync', rec, 'sync', 0, 0, null, 'none');
      return;
    }
    Atomics.load(rec.control[rec.rank]!, LOCK);
  }

  /** Window ranks of the processes of `group`; ERR_RANK (ERR_GROUP) for one not in the window. */
  #groupRanks(routine: string, rec: WinRecord, group: unknown): number[] {
    if (!(group instanceof Group)) throw new TypeError(`${routine}: group must be an MPI.Group, got ${describe(group)}`);
    const ids = runtime.transport.group(rec.handle);
    return Array.from(group.ids, (g) => {
      const r = ids.indexOf(g);
      if (r < 0) fail(routine, ERR_RANK, `process ${g} of the group is not in the window's group`);
      return r;
    });
  }

  /** `<MPI.Win>`, or `<MPI.Win WIN_NULL>` for the null window. */
  toString(): string { return this.isNull ? '<MPI.Win WIN_NULL>' : '<MPI.Win>'; }
}

/** A target argument: a displacement, or [disp], [disp, count], [disp, count, datatype] (mpi4py's target). */
export type TargetSpec = number | readonly [number] | readonly [number, number] | readonly [number, number, unknown];

/** The null window: `MPI_WIN_NULL`. Calls on it raise ERR_WIN. */
export const WIN_NULL: Win = new Win();

// ---- argument checks and copies (what msgbuffer is for two-sided messages) ----------

function commArg(routine: string, comm: unknown): Intracomm {
  if (comm === null || comm === undefined) return new Intracomm(runtime.transport.commSelf, 'MPI_COMM_SELF');
  if (!(comm instanceof Intracomm)) throw new TypeError(`${routine}: comm must be an MPI.Intracomm, got ${describe(comm)}`);
  if ((comm as Comm).Is_inter()) fail(routine, ERR_ARG, 'comm must be an intracommunicator');
  return comm;
}

function dispUnitArg(routine: string, disp_unit: unknown): number {
  const u = checkInt(routine, 'disp_unit', disp_unit);
  if (u <= 0) fail(routine, ERR_DISP, `disp_unit must be > 0, got ${u}`);
  return u;
}

function assertionArg(routine: string, assertion: unknown): number {
  const a = checkInt(routine, 'assertion', assertion);
  if ((a & ~MODES) !== 0) fail(routine, ERR_ASSERT, `assertion ${a} is not a combination of MODE_* constants`);
  return a;
}

/** [disp, count, datatype] of a target argument; count and type default to the origin's. */
function targetArg(routine: string, target: unknown, count: number, type: TypeDesc): [number, number, TypeDesc] {
  if (target === null || target === undefined) return [0, count, type];
  if (typeof target === 'number') return [checkInt(routine, 'target', target), count, type];
  if (!Array.isArray(target)) throw new TypeError(`${routine}: target must be a displacement or [disp, count, datatype], got ${describe(target)}`);
  if (target.length > 3) throw new RangeError(`${routine}: target: expecting 3 items at most, got ${target.length}`);
  let disp = 0;
  if (target.length >= 1) disp = checkInt(routine, 'target displacement', target[0]);
  if (target.length >= 2) {
    count = checkInt(routine, 'target count', target[1]);
    if (count < 0) fail(routine, ERR_ARG, `target count must be >= 0, got ${count}`);
  }
  if (target.length >= 3) {
    try { type = parseBuffer(routine, 'target', [new Uint8Array(0), 0, target[2]]).type; } catch (e) { raise(routine, e); }
  }
  return [disp, count, type];
}

/** One try at the lock word of control block `w` (LOCK_EXCLUSIVE or LOCK_SHARED); true when taken. */
function tryLock(w: Int32Array, type: number): boolean {
  if (type === LOCK_EXCLUSIVE) return Atomics.load(w, LOCK) === 0 && Atomics.compareExchange(w, LOCK, 0, -1) === 0;
  // A shared lock waits only for an exclusive holder: a try lost to another shared locker tries again.
  for (let v = Atomics.load(w, LOCK); v >= 0;) {
    const seen = Atomics.compareExchange(w, LOCK, v, v + 1);
    if (seen === v) return true;
    v = seen;
  }
  return false;
}

/** The fast Accumulate's last view of target memory: `view` is `ctor` over bytes `at` to `at + n` of `mem`. */
interface ViewCache {
  mem: Uint8Array | null;
  ctor: unknown;
  at: number;
  n: number;
  view: ArrayBufferView | null;
}

/**
 * Where the fast paths' `n` bytes (n > 0, the origin's own length) at
 * displacement `target` of rank `target_rank` start in that rank's memory
 * (rec.direct), or -1 when the call is not theirs: a freed, library or
 * dynamic window, memory reached through pins, a target of [disp, count,
 * datatype], PROC_NULL, or any argument the general path refuses (it
 * checks again and raises). Proof of the bounds for the copy that follows:
 * the rank is an integer in [0, size); the displacement an integer >= 0,
 * so at >= 0; and at + n <= the memory's length now (a view over this
 * rank's own buffer that shrank or was transferred reads shorter, or 0).
 */
function fastAt(rec: WinRecord, target_rank: unknown, target: unknown, n: number): number {
  if (!rec.live || typeof target_rank !== 'number' || !(target_rank >= 0 && target_rank < rec.size) || !Number.isInteger(target_rank)) return -1;
  const disp = target ?? 0;
  if (typeof disp !== 'number' || !Number.isInteger(disp) || disp < 0) return -1;
  const mem = rec.direct[target_rank];
  if (mem === null || mem === undefined) return -1;
  const at = disp * rec.dispUnits[target_rank]!;
  return at + n <= mem.length ? at : -1;
}

/** `ctor` (elements of `w` bytes) over bytes `at` to `at + n` of `mem` (in bounds, aligned: the caller checked), reused while the same. */
function targetView(rec: WinRecord, mem: Uint8Array, ctor: new (b: ArrayBufferLike, o: number, l: number) => ArrayBufferView,
  w: number, at: number, n: number): ArrayBufferView {
  const c = rec.cache;
  // A view of a buffer that shrank reads as shorter: made anew (or refused by the constructor: fastAt checked the bounds first).
  if (c.mem === mem && c.ctor === ctor && c.at === at && c.n === n && c.view!.byteLength === n) return c.view!;
  const view = new ctor(mem.buffer, mem.byteOffset + at, n / w);
  c.mem = mem; c.ctor = ctor; c.at = at; c.n = n; c.view = view;
  return view;
}

/** An origin of MPI.BOTTOM alone (mpi4py passes it with PROC_NULL) is no data. */
function originArg(origin: unknown): BufferSpec | null {
  return origin === BOTTOM ? null : origin as BufferSpec;
}

/** mpi4py's ValueError for Fetch_and_op and Compare_and_swap arguments of more or less than one element. */
function oneElement(routine: string, arg: string, m: ReturnType<typeof parseBuffer>): void {
  if (m.count !== 1) throw new RangeError(`${routine}: ${arg} must hold one element, got ${m.count} ${m.type.name}`);
}

function sameType(routine: string, a: string, ta: TypeDesc, b: string, tb: TypeDesc): void {
  if (ta !== tb && ta.name !== tb.name) throw new RangeError(`${routine}: ${a} (${ta.name}) and ${b} (${tb.name}) differ in datatype`);
}

function sameSize(routine: string, count: number, type: TypeDesc, tcount: number, ttype: TypeDesc): void {
  if (count * type.size !== tcount * ttype.size) {
    fail(routine, ERR_ARG, `origin (${count} ${type.name}, ${count * type.size} bytes) and target (${tcount} ${ttype.name}, ${tcount * ttype.size} bytes) differ in size`);
  }
}

type Message = ReturnType<typeof parseBuffer>;

/**
 * How an origin reaches one rank's window memory, at byte `at` for `count`
 * `type` (callers have checked the bounds against `size`): `get` copies
 * there into origin message `m`, `put` copies `m` there; `update`, called
 * under the target's mutex, copies there into `result` (if any), then
 * combines packed `data` (if any) into them with `op`; `swap` is
 * Compare_and_swap on one element.
 */
interface Access {
  /** Bytes of the memory, as they are now (memory of this rank's own that shrank or was transferred reads shorter). */
  readonly size: number;
  /** Whether this thread loads and stores the memory itself (directAccess). */
  readonly direct: boolean;
  get(at: number, count: number, type: TypeDesc, m: Message): void;
  put(at: number, count: number, type: TypeDesc, m: Message): void;
  update(at: number, count: number, type: TypeDesc, result: Message | null, data: Uint8Array | null, op: ReduceOp): void;
  swap(at: number, type: TypeDesc, origin: Uint8Array, compare: Uint8Array, result: Uint8Array): void;
}

/**
 * Memory this thread can load and store: its own, or a SharedArrayBuffer.
 * Every operation is one copy between the window and the caller's memory
 * (pack/unpack walk whichever side is not contiguous), and Accumulate
 * combines in place: a new array per call costs more here than the copy.
 * Only where both sides are non-contiguous do the bytes pass through
 * `scratch`.
 */
function directAccess(mem: Uint8Array): Access {
  return {
    // Read at each call: a resizable ArrayBuffer may shrink (the view then reads as empty), a transferred one detach.
    get size() { return mem.length; },
    direct: true,
    get(at, count, type, m) {
      const n = count * type.size;
      if (n === 0) return;
      if (!m.packed) { pack(mem, count, type, m.bytes, at); return; }
      const dense = denseRange(count, type);
      if (dense !== null) { unpack(mem, m.count, m.type, m.bytes, m.origin ?? 0, at + dense[0]); return; }
      const tmp = scratch(n);
      pack(mem, count, type, tmp, at);
      unpack(tmp, m.count, m.type, m.bytes, m.origin ?? 0);
    },
    put(at, count, type, m) {
      const n = count * type.size;
      if (n === 0) return;
      if (!m.packed) { unpack(m.bytes, count, type, mem, at); return; }
      const dense = denseRange(count, type);
      if (dense !== null) { pack(m.bytes, m.count, m.type, mem, m.origin ?? 0, at + dense[0]); return; }
      const tmp = scratch(n);
      pack(m.bytes, m.count, m.type, tmp, m.origin ?? 0);
      unpack(tmp, count, type, mem, at);
    },
    update(at, count, type, result, data, op) {
      const n = count * type.size;
      if (n === 0) return;
      const dense = denseRange(count, type);
      // The target's elements, packed: the window memory itself, or a copy to write back.
      const old = dense !== null ? mem.subarray(at + dense[0], at + dense[0] + n) : scratch(n);
      if (dense === null) pack(mem, count, type, old, at);
      if (result !== null) deliver(result, old);
      if (data === null) return;
      // The kernel over fresh views: combineBuffers would cache a view per byte array, and `old` is new each call.
      // Views of the kernel's array (64-bit integers: pairs of Uint32 words), `run` counts elements.
      const kernel = op.direct?.(type);
      const w = (kernel?.array as unknown as { BYTES_PER_ELEMENT: number } | undefined)?.BYTES_PER_ELEMENT ?? 0;
      if (kernel !== undefined && old.byteOffset % w === 0 && data.byteOffset % w === 0 && data.length >= n) {
        const d = new kernel.array(old.buffer, old.byteOffset, n / w);
        kernel.run(d, d, new kernel.array(data.buffer, data.byteOffset, n / w), n / kernel.elementBytes);
      } else {
        op.combineBuffers(old, old, data, count, type);
      }
      if (dense === null) unpack(old, count, type, mem, at);
    },
    swap(at, type, origin, compare, result) {
      const n = type.size;
      result.set(mem.subarray(at, at + n));
      for (let i = 0; i < n; i++) if (result[i] !== compare[i]) return;
      mem.set(origin.subarray(0, n), at);
    },
  };
}

/**
 * Bytes for the rare operation between two non-contiguous layouts, kept
 * between calls (one thread runs one rank; nothing here waits or re-enters).
 */
let scratchBytes = new Uint8Array(0);
function scratch(n: number): Uint8Array {
  if (scratchBytes.length < n) scratchBytes = new Uint8Array(Math.max(n, 2 * scratchBytes.length));
  return scratchBytes.subarray(0, n);
}

/**
 * Another rank's memory that is not shared, pinned by its owner (who
 * unpins it at Free, after every rank's last access): copies through the
 * threads helper (spi.ts SingleCopy), which checks the handle and bounds
 * again. A derived type is written block by block, so the bytes between
 * its blocks, which the owner may be storing to, are never rewritten. The
 * pin keeps the memory alive whatever the owner does with its ArrayBuffer
 * (native/sched/sched.cc); memory it transfers away meanwhile still takes
 * the window's accesses until Free, as MPI leaves window memory to the
 * window while it lives.
 */
function pinnedAccess(copier: SingleCopy, handle: number, size: number): Access {
  const read = (at: number, count: number, type: TypeDesc): Uint8Array => {
    const out = new Uint8Array(count * type.size);
    if (out.length === 0) return out;
    const [lo, hi] = packSpan(count, type);
    const span = new Uint8Array(hi - lo);
    copier.copyFrom(span, 0, handle, at + lo, span.length);
    pack(span, count, type, out, -lo);
    return out;
  };
  const write = (at: number, count: number, type: TypeDesc, data: Uint8Array): void => {
    const n = count * type.size;
    if (n === 0) return;
    if (type.contiguous) {
      copier.copyTo(handle, at, data, n);
      return;
    }
    let p = 0;
    for (let i = 0; i < count; i++) {
      for (const [offset, length] of type.blocks) {
        copier.copyTo(handle, at + i * type.extent + offset, data.subarray(p, p + length), length);
        p += length;
      }
    }
  };
  return {
    size,
    direct: false,
    get(at, count, type, m) { deliver(m, read(at, count, type)); },
    put(at, count, type, m) { write(at, count, type, outgoing(m)); },
    update(at, count, type, result, data, op) {
      const old = read(at, count, type);
      if (result !== null) deliver(result, old);
      if (data === null) return;
      op.combineBuffers(old, old, data, count, type);
      write(at, count, type, old);
    },
    swap(at, type, origin, compare, result) {
      const old = read(at, 1, type);
      result.set(old);
      for (let i = 0; i < old.length; i++) if (old[i] !== compare[i]) return;
      write(at, 1, type, origin.subarray(0, old.length));
    },
  };
}

/** Whether operations on `rec` go through the library (a dynamic window's memory is reached from its own rank only, directly). */
function isLibrary(rec: WinRecord): boolean {
  return rec.lib >= 0 && rec.flavor !== WIN_FLAVOR_DYNAMIC;
}

/** Whether `view`'s memory cannot shrink while the library holds it (not a resizable ArrayBuffer or growable SharedArrayBuffer). */
function fixed(view: Uint8Array): boolean {
  const b = view.buffer as { resizable?: boolean; growable?: boolean };
  return b.resizable !== true && b.growable !== true;
}

/** The integer element of each width, for Compare_and_swap and REPLACE on types the library cannot name. */
const BY_WIDTH: Record<number, string> = { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' };

/** A library window's memory of another rank: its size, for the range checks; the library reads and writes it. */
function libraryAccess(size: number): Access {
  const elsewhere = (): never => { throw new Error('internal: a library window is reached through its library'); };
  return { size, direct: false, get: elsewhere, put: elsewhere, update: elsewhere, swap: elsewhere };
}

/**
 * The contiguous byte runs `count` `type` at byte `at` of the target
 * cover: [target byte, packed offset, length], adjacent runs merged.
 */
function runs(at: number, count: number, type: TypeDesc): [number, number, number][] {
  const out: [number, number, number][] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    for (const [offset, length] of type.blocks) {
      if (length === 0) continue;
      const off = at + i * type.extent + offset;
      const last = out[out.length - 1];
      if (last !== undefined && last[0] + last[2] === off && last[1] + last[2] === p) last[2] += length;
      else out.push([off, p, length]);
      p += length;
    }
  }
  return out;
}

/**
 * Where a library Get or Get_accumulate writes `bytes` packed bytes: the
 * caller's memory when it is one contiguous run, else a private buffer
 * unpacked into it when the operation completes (pending).
 */
function landing(rec: WinRecord, rank: number, m: ReturnType<typeof parseBuffer>, bytes: number): Uint8Array {
  if (!m.packed && m.bytes.length >= bytes && fixed(m.bytes)) return m.bytes.subarray(0, bytes);
  const into = new Uint8Array(bytes);
  rec.pending.push({ rank, deliver: () => deliver(m, into) });
  return into;
}

/** Packed bytes into an origin or result message. */
function deliver(m: Message, data: Uint8Array): void {
  if (!m.packed) m.bytes.set(data.subarray(0, m.bytes.length));
  else unpack(data, m.count, m.type, m.bytes, m.origin ?? 0);
}


