/**
 * The native transport: the spi over a system MPI library (MPICH or Open
 * MPI) through the addon of native/. Processes are MPI processes; a
 * process id is the rank in MPI_COMM_WORLD.
 *
 * Communicators: each CommHandle owns two MPI communicators, one for
 * point-to-point traffic and a duplicate for the collective algorithms of
 * src/coll (the `collective` shadow), so the two never match each other.
 * `makeComm` is called by every member with the same agreed context id and
 * becomes MPI_Comm_create_group on MPI_COMM_WORLD (tagged with the context),
 * or MPI_Intercomm_create between the two groups; `subgroupComm` is the
 * parent's collective communicator seen through a rank map.
 *
 * Receives are matched here, not in the library: progress pulls the
 * messages that have arrived (MPI_Improbe with wildcards, so each arrives
 * matched, with its size, before any byte moves) and matches them against
 * the posted receives in posting order (core/matching, as the embedded
 * runtime does); the match is received with MPI_Imrecv/MPI_Mrecv. Object
 * receives allocate exactly; a truncated buffer receive knows how long the
 * message was. The hazard that follows is deadlock: a posted receive is
 * invisible to the library, and matched only while this process is inside
 * a transport call. So while any receive is posted, no call may block
 * inside the library; every blocking call then polls (`#block`), pulling.
 * With none posted, the blocking calls go straight to MPI_Send,
 * MPI_Mprobe+MPI_Mrecv and MPI_Wait.
 */
import * as fs from 'node:fs';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import type {
  CommHandle, Envelope, JobInfo, LibraryCollectives, LibraryCommunicators, LibraryRma, LibrarySpawn, RmaSync, MatchedMessage, Operation, PortService, SpawnCommand, SpawnedComm,
  Transport,
} from '../spi.js';
import type { TypeDesc } from '../../core/datatype.js';
import { SendMode } from '../spi.js';
import { ANY_SOURCE, ANY_TAG, MatchQueues, PROC_NULL } from '../../core/matching.js';
import { ERR_INTERN, ERR_OTHER, ERR_PORT, ERR_SPAWN, ERR_UNSUPPORTED_OPERATION, MpiFailure } from '../../core/errorcodes.js';
import { noOpenPort } from '../../core/failures.js';
import { EngineBase, completeProcNull, failChanged, failTruncated, procNullEnvelope } from '../base.js';
import { runtimeEntry } from '../../core/entries.js';
import { lastWords, launcherLibrary, type NativeAddon, ELEMENT_CODES, OP_CODES, ST_CANCELLED, statusCount, ST_ERROR, ST_SLOTS, ST_SOURCE, ST_TAG } from './addon.js';

/** A communicator of the native transport. */
export interface NativeComm extends CommHandle {
  /** The addon's index of the MPI communicator; -1 for a collective shadow not made yet. */
  id: number;
  /** Process ids (MPI_COMM_WORLD ranks) of the local group, in rank order. */
  readonly group: Int32Array;
  readonly remote: Int32Array | null;
  /** For a subgroup view: rank in the underlying communicator of each rank here, and back. */
  readonly toParent: Int32Array | null;
  readonly fromParent: Map<number, number> | null;
  /** Tags here are collective sequence numbers: folded into the library's tag range. */
  readonly foldTags: boolean;
  /** The same group on the collective communicator (itself for a shadow); null until made. */
  shadow: NativeComm;
  /** The user's communicator this one shadows (itself for a user communicator); -1 for a subgroup view. */
  readonly userId: number;
  /** Owned MPI communicators to free with this handle. */
  readonly owned: number[];
}

const enum State { Unmatched, Receiving, Sending, Done }

/**
 * The MPI communicator the user's calls on `c` use: its own (`userId`), or
 * for a communicator that is its own collective one (a spawn's local side,
 * a subgroup view), its id.
 */
function userOf(c: NativeComm): number {
  return c.userId >= 0 ? c.userId : c.id;
}

/** LibraryRma's window kinds and synchronisations in the addon's numbering (native/mpi4ts_native.c winCreate, winSync). */
const RMA_KINDS = ['create', 'allocate', 'shared', 'dynamic'] as const;
const RMA_ROUTINES = ['MPI_Win_create', 'MPI_Win_allocate', 'MPI_Win_allocate_shared', 'MPI_Win_create_dynamic'];
const RMA_SYNCS: readonly RmaSync[] = ['fence', 'start', 'complete', 'post', 'wait', 'test', 'lock_exclusive', 'lock_shared', 'unlock',
  'lock_all', 'unlock_all', 'flush', 'flush_all', 'flush_local', 'flush_local_all', 'sync'];

/** MPI_ROOT as the API passes it (an intercommunicator's root); a reduction's root for MPI_Allreduce. */
const ROOT = -3;
const ALL = -1;

/** Process ids from here up stand for processes of other worlds (spawned children, parents). */
const FOREIGN_IDS = 1 << 24;

/** A message matched out of the library (MPI_Improbe) and not yet received. */
/** Shadow communicators held after freeComm, the newest first freed after this many more (see #retire). */
const LATE_FREES = 64;

class Pulled {
  constructor(
    /** Envelope in the library's ranks and tags. */
    readonly source: number,
    readonly tag: number,
    readonly size: number,
    /** Addon index of the MPI_Message. */
    readonly msg: number,
  ) {}
}

/** A message a matched probe took (MPI_Mprobe/MPI_Improbe, or out of the pulled ones). */
class NativeProbed implements MatchedMessage {
  constructor(readonly comm: NativeComm, readonly m: Pulled, readonly status: Envelope) {}
}

/**
 * A program's buffer handed to the library by a non-blocking call: checked
 * when the call completes (the program may have detached or shrunk it
 * meanwhile: ERR_BUFFER), and, if the library got a private copy of it
 * (`bounce`: the buffer could not be pinned), filled from that copy.
 */
interface Guard {
  readonly view: Uint8Array;
  readonly bytes: number;
  readonly arg: string;
  readonly bounce: Uint8Array | null;
}

/**
 * A view the addon can pin for a non-blocking call (native/pin.cc): not
 * over a resizable ArrayBuffer or a growable SharedArrayBuffer, whose pages
 * V8 may take back while the library still uses them.
 */
function pinnable(v: Uint8Array): boolean {
  const b = v.buffer as { resizable?: boolean; growable?: boolean };
  return b.resizable !== true && b.growable !== true;
}

/** A point-to-point operation; it is its own envelope. */
class NativeOp implements Operation, Envelope {
  done = false;
  state: State;
  /** Addon request index while in the library. */
  req = -1;
  source: number;
  tag: number;
  count = 0;
  error = 0;
  cancelled = false;
  data: Uint8Array | null = null;
  failure: string | null = null;
  messageBytes = 0;
  /** A library collective not started yet (see NativeTransport.#libraryOp). */
  start: ((blocking: number, op: NativeOp) => number) | null = null;
  /** Buffers of the program a non-blocking collective handed to the library (Guard). */
  guards: Guard[] | null = null;
  /** A send's buffer, the program's own memory the library reads (checked at completion, like a Guard, without allocating one). */
  sent: Uint8Array | null = null;
  /** Bytes of `buffer` when the operation started. */
  readonly bufferBytes: number;
  /** A truncated receive lands here first, whole; its head is then copied to `buffer`. */
  staging: Uint8Array | null = null;
  constructor(
    state: State,
    readonly comm: NativeComm,
    /** Receives: what is asked for (library ranks/tags) until matched. Sends: destination and tag. */
    source: number,
    tag: number,
    /** The user's buffer (kept referenced while the library may write it), or null for an object receive. */
    readonly buffer: Uint8Array | null,
  ) {
    this.state = state;
    this.source = source;
    this.tag = tag;
    this.bufferBytes = buffer === null ? 0 : buffer.length;
  }

  get status(): Envelope { return this; }
}

export class NativeTransport extends EngineBase implements Transport, LibraryCommunicators, LibrarySpawn {
  /** See Transport.interruptCheck: called at each sleep of a wait; while set, waits never block in the library. */
  interruptCheck: (() => void) | null = null;

  readonly name = 'native';
  readonly job: JobInfo;
  readonly commWorld: NativeComm;
  readonly commSelf: NativeComm;
  readonly tagUpperBound: number;
  readonly processId: number;
  /** 'openmpi' or 'mpich', and the library's version line. */
  readonly libraryName: string;
  readonly libraryVersion: string;
  /** What MPI_Get_version and MPI_Get_library_version say (Transport.library). */
  readonly library: NonNullable<Transport['library']>;
  /** The library builds the communicators mpi4ts's algorithms cannot (this class's methods below). */
  readonly libraryComms: LibraryCommunicators = this;
  /** The library spawns and keeps the parent (spawnComm, checkSpawn, parentComm below). */
  readonly librarySpawn: LibrarySpawn = this;

  readonly #mpi: NativeAddon;
  readonly #st = new Int32Array(ST_SLOTS);
  /** Buffers up to this many bytes are received by the addon's recvSmall (0: never). */
  readonly #recvLimit: number;
  /** Matching state per MPI communicator (addon index): posted receives, pulled messages. */
  readonly #matching = new Map<number, MatchQueues<NativeOp, Pulled>>();
  /** Receives posted and not matched yet, on all communicators. */
  #posted = 0;
  /** Sends to self that returned before completing (see `send`). */
  #detached: NativeOp[] = [];
  /**
   * Receives matched by progress and receiving in the library (MPI_Imrecv):
   * progress completes them while hooks run, which read completions (a
   * freed receive's unpacking, api/request.ts) no wait of theirs would make.
   */
  readonly #receiving = new Set<NativeOp>();
  /** Spawns this process was the root of; next foreign process id; the parent pair, if spawned. */
  #spawns = 0;
  #nextForeign = FOREIGN_IDS;
  readonly #parent: SpawnedComm | null;
  /** Started by an mpiexec (not a singleton). */
  readonly #launched: boolean;
  /** Parent/child intercommunicators not disconnected, with their remote sizes. */
  readonly #connected = new Map<NativeComm, number>();
  /** Intercommunicators to a parent that is not an mpi4ts program, and their collective shadows (never duplicated). */
  readonly #foreign = new WeakSet<NativeComm>();
  readonly #host: string;
  #finalized = false;
  /** Traffic of mpi4ts's own ports, where the library has none (MPICH over UCX); null otherwise. */
  readonly #portComm: NativeComm | null;
  readonly ports: PortService;

  constructor(mpi: NativeAddon, library: string) {
    super();
    this.#mpi = mpi;
    this.libraryName = library;
    // Asked before MPI_Init: an Open MPI singleton sets the variables a launcher would.
    this.#launched = launcherLibrary() !== null;
    const [rank, size, tagUb, universeSize, appnum] = wrap('MPI_Init_thread', () => mpi.init(this.#st));
    this.processId = rank;
    this.tagUpperBound = tagUb;
    this.libraryVersion = mpi.libraryVersion();
    const [processorName, portName, objectName, psetName, stringtag] = mpi.limits();
    this.library = {
      version: mpi.version(), description: this.libraryVersion,
      limits: { processorName, portName, objectName, psetName, stringtag },
    };
    this.#recvLimit = mpi.recvLimit();
    this.#host = mpi.processorName();
    // MPI_Wtime counts from one origin on every rank (WTIME_IS_GLOBAL): the
    // launcher's start (MPI4TS_TIME_ORIGIN), else the Unix epoch.
    const origin = Number(process.env['MPI4TS_TIME_ORIGIN']);
    this.job = { transport: 'native', universeSize, appnum, timeOrigin: Number.isFinite(origin) ? origin : 0 };
    this.commWorld = this.#wrap(0, Int32Array.from({ length: size }, (_, i) => i), null, false, true);
    this.commSelf = this.#wrap(1, Int32Array.of(rank), null, false);
    // MPICH over UCX cannot open ports (MPI_Open_port, MPI_Comm_join: "not
    // supported with ucx netmod"), and cannot spawn: one world, whose
    // processes mpi4ts connects itself, over a duplicate of MPI_COMM_WORLD
    // no user call sees. Made now (MPI_Comm_dup is collective), and only
    // where every process of the world is an mpi4ts rank that makes it too:
    // started by mpi4ts's launcher (MPI4TS_TIME_ORIGIN), or alone. In a job
    // mpiexec started with other programs (MPMD with a C rank) they would
    // never join it; there the library's MPI_Open_port says what it lacks.
    const ownWorld = process.env['MPI4TS_TIME_ORIGIN'] !== undefined || size === 1;
    this.#portComm = ownWorld && !mpi.portsSupported() ? this.#wrap(wrap('MPI_Comm_dup', () => mpi.commDup(0)), this.commWorld.group, null, true) : null;
    this.ports = this.#portComm === null ? this.#libraryPorts() : this.#ownPorts(this.#portComm);
    // A spawned process meets its parents now, as they return from MPI_Comm_spawn.
    // A process that a C or Python program spawned (not through rank-entry's
    // --spawned) has a parent that never joins an MPI_Comm_dup of the
    // intercommunicator: it gets no collective duplicate (foreignGroup).
    const parent = mpi.commGetParent();
    const foreign = parent >= 0 && process.env['MPI4TS_SPAWNED'] === undefined;
    this.#parent = parent < 0 ? null : this.#spawned(parent, wrap('MPI_Comm_dup', () => mpi.commDup(0)), this.commWorld.group, foreign);
    // MPI_Finalize at a normal end; a rank ending in failure takes the job
    // down (MPI_Abort), so that its peers never wait for it forever.
    // Node prints an uncaught error only after the 'exit' handlers, which
    // abort the job first: print it here, synchronously, naming the rank.
    process.on('uncaughtExceptionMonitor', (err) => {
      try {
        fs.writeSync(2, `mpi4ts: ${process.env['MPI4TS_WHO'] ?? `rank ${rank}`} failed: ${inspect(err)}\n`);
      } catch { /* stderr closed */ }
    });
    process.on('exit', (code) => {
      if (this.#finalized) return;
      this.#finalized = true;
      if (code !== 0) {
        lastWords();
        mpi.abort(0, code);
      }
      mpi.finalize();
    });
  }

  /**
   * Handle for communicator `id`. Its collective duplicate is made now when
   * every member is in this call anyway (a new communicator), or at the
   * first collective (`lazy`: COMM_WORLD), because MPI_Comm_dup is
   * collective: made at start-up it would hang an MPMD job whose other
   * programs (C, Fortran) never call it.
   */
  #wrap(id: number, group: Int32Array, remote: Int32Array | null, ownsId: boolean, lazy = false): NativeComm {
    const [rank, size, remoteSize] = this.#mpi.commInfo(id);
    const comm: NativeComm = {
      rank, size, remoteSize, group, remote, toParent: null, fromParent: null,
      id, userId: id, foldTags: false, shadow: null!, owned: ownsId ? [id] : [],
    };
    if (!lazy) this.#commId(this.#shadowOf(comm));
    return comm;
  }

  /**
   * The collective shadow of `comm`. Its MPI communicator (a duplicate) is
   * made at its first point-to-point use (`#commId`), not here: the
   * library's own collectives run on the user's communicator and need no
   * duplicate, and a C rank of an MPMD job never joins an MPI_Comm_dup.
   */
  #shadowOf(comm: NativeComm): NativeComm {
    if (comm.shadow !== null) return comm.shadow;
    const shadow: NativeComm = { ...comm, id: -1, userId: comm.id, foldTags: true, shadow: null!, owned: [] };
    shadow.shadow = shadow;
    comm.shadow = shadow;
    return shadow;
  }

  /** The MPI communicator of `c`, duplicating the user's for a shadow on first use (collective over its group). */
  #commId(c: NativeComm): number {
    if (c.id >= 0) return c.id;
    const foreign = this.foreignGroup(c);
    if (foreign !== null) throw new MpiFailure(ERR_UNSUPPORTED_OPERATION, foreign);
    this.#drainBeforeBlocking();
    c.id = wrap('MPI_Comm_dup', () => this.#mpi.commDup(c.userId));
    c.owned.push(c.id);
    return c.id;
  }

  collective(comm: CommHandle): CommHandle {
    return this.#shadowOf(comm as NativeComm);
  }

  /**
   * Buffer collectives in the library, on the user's communicator (so a C
   * rank's MPI_Bcast on MPI_COMM_WORLD meets ours): predefined element
   * types and operations; anything else, and subgroup views and
   * intercommunicators, take the generic algorithms (null).
   */
  readonly libraryCollectives: LibraryCollectives = {
    barrier: (comm) => {
      const id = this.#libraryComm(comm);
      return id < 0 ? null : this.#libraryOp((b) => wrap('MPI_Barrier', () => this.#mpi.ibarrier(id, b)), null);
    },
    bcast: (comm, buf, root) => {
      const id = this.#libraryComm(comm);
      return id < 0 ? null : this.#libraryOp((b, op) => wrap('MPI_Bcast', () => this.#mpi.ibcast(id, this.#hand(op, buf, 'buf', b, true), root, b)), buf);
    },
    reduce: (comm, send, result, type, op, root) => this.#reduce(comm, send, result, type, op, root),
    allreduce: (comm, send, result, type, op) => this.#reduce(comm, send, result, type, op, ALL),
  };

  /**
   * Windows in the library (MPI_Win_*), on the user's communicator (a
   * window's own Dup, see src/api/win.ts). Blocking synchronisation may
   * wait for other ranks: messages that arrived for receives mpi4ts matches
   * itself are pulled first, as before any blocking library call.
   */
  readonly libraryRma: LibraryRma = {
    create: (comm, kind, memory, size) => {
      const c = comm as NativeComm;
      if (c.toParent !== null || c.remote !== null) throw new MpiFailure(ERR_UNSUPPORTED_OPERATION, 'windows need a communicator of the library (not a subgroup view or an intercommunicator)');
      this.#drainBeforeBlocking();
      const k = RMA_KINDS.indexOf(kind);
      const [win, ab] = wrap(RMA_ROUTINES[k]!, () => this.#mpi.winCreate(userOf(c), k, memory, size));
      return { win, memory: ab === null ? null : new Uint8Array(ab) };
    },
    sharedQuery: (win, rank) => new Uint8Array(wrap('MPI_Win_shared_query', () => this.#mpi.winSharedQuery(win, rank))),
    free: (win) => {
      this.#drainBeforeBlocking();
      wrap('MPI_Win_free', () => this.#mpi.winFree(win));
    },
    put: (win, data, target, disp, get) => wrap(get ? 'MPI_Get' : 'MPI_Put', () => this.#mpi.winPut(win, data, target, disp, get ? 1 : 0)),
    accumulate: (win, origin, result, compare, target, disp, element, op, bytes) => {
      // REPLACE and NO_OP move bytes: any type the library cannot name goes as MPI_BYTE.
      const type = ELEMENT_CODES[element] ?? (op === 'REPLACE' || op === 'NO_OP' ? ELEMENT_CODES['byte'] : undefined);
      const code = OP_CODES[op];
      if (type === undefined || code === undefined) return false;
      wrap('MPI_Accumulate', () => this.#mpi.winAccumulate(win, origin, result, compare, target, disp, type[0], code, bytes));
      return true;
    },
    sync: (win, what, rank, assertion, ranks) => {
      if (what !== 'test' && what !== 'sync' && !what.startsWith('flush')) this.#drainBeforeBlocking();
      return wrap(`MPI_Win_${what.replace('_exclusive', '').replace('_shared', '')}`, () => this.#mpi.winSync(win, RMA_SYNCS.indexOf(what), rank, assertion, ranks));
    },
  };

  #libraryComm(comm: CommHandle): number {
    const c = comm as NativeComm;
    return c.toParent !== null ? -1 : c.userId;
  }

  /** MPI_Reduce (root >= 0, or across an intercommunicator ROOT / PROC_NULL) or MPI_Allreduce (root ALL). */
  #reduce(comm: CommHandle, send: Uint8Array, result: Uint8Array | null, type: TypeDesc, op: string, root: number): Operation | null {
    const id = this.#libraryComm(comm);
    const opCode = OP_CODES[op];
    if (id < 0 || opCode === undefined) return null;
    if (root === PROC_NULL) {
      // The root's group apart from the root, across an intercommunicator:
      // its type is not known here, and neither library reads it there.
      const [code] = ELEMENT_CODES['int32']!;
      return this.#libraryOp((b) => wrap('MPI_Reduce', () => this.#mpi.ireduce(id, send, null, 0, code, OP_CODES['SUM']!, root, b)), null);
    }
    const kind = type.element === null || type.pair ? undefined : ELEMENT_CODES[type.element];
    if (kind === undefined || !type.contiguous) return null;
    // MPI defines only the arithmetic operations on floating point.
    if ((type.element === 'float32' || type.element === 'float64') && opCode > 3) return null;
    const [code, bytes] = kind;
    // MPI_ROOT's count is its result's; the others', their contribution's.
    const count = (root === ROOT ? result?.length ?? 0 : send.length) / bytes;
    if (!Number.isInteger(count)) return null;
    return this.#libraryOp((b, op) => {
      // In place (send === result) stays in place through a private copy too.
      const r = result === null ? null : this.#hand(op, result, 'recvbuf', b, true);
      let s = send === result ? r! : this.#hand(op, send, 'sendbuf', b, false);
      if (send === result && root >= 0 && this.libraryName === 'mpich') {
        // MPICH 4.0's MPI_Reduce with MPI_IN_PLACE at a root other than 0
        // crashes (SIGSEGV, a plain C program too, e.g. 8193 doubles at 2
        // ranks): the root sends a copy of its contribution instead.
        s = r!.slice();
        keepAlive.set(op, [send, result, s]);
      }
      return wrap(root === ALL ? 'MPI_Allreduce' : 'MPI_Reduce', () => this.#mpi.ireduce(id, s, r, count, code, opCode, root, b));
    }, [send, result]);
  }

  /**
   * A library collective, started when first waited for or tested: MPI
   * matches a blocking collective only with blocking ones (a C rank's
   * MPI_Bcast), so a wait (a blocking call: runBlocking) runs the blocking
   * routine and a test (a non-blocking call progressing) starts the
   * non-blocking one. Collectives start at their call either way (a
   * non-blocking call's first step is tested at once), so every rank
   * issues them in the same order. `pin` stays referenced until completion.
   */
  #libraryOp(start: (blocking: number, op: NativeOp) => number, pin: unknown): Operation {
    const op = new NativeOp(State.Sending, null!, 0, 0, null);
    op.start = start;
    if (pin !== null) keepAlive.set(op, pin);
    return op;
  }

  /**
   * Start a deferred library collective. The choice may depend only on how
   * the call was made (wait or test), never on this rank's state, or ranks
   * would pair a blocking routine with a non-blocking one and hang. The
   * hazard left: a receive posted here (invisible to the library, see the
   * top of this file) whose sender needs it matched before it can reach the
   * same collective; pulling first matches what has arrived.
   */
  #startLibrary(op: NativeOp, blocking: boolean): void {
    const start = op.start!;
    op.start = null;
    if (blocking) {
      this.#drainBeforeBlocking();
      start(1, op);
      op.state = State.Done;
      op.done = true;
      keepAlive.delete(op);
    } else {
      op.req = start(0, op);
    }
  }

  /**
   * What to hand the library for the program's buffer `view` in a
   * collective: the buffer itself when the call blocks (the library is done
   * before the program runs again), else the buffer, pinned by the addon
   * and checked at completion (Guard), or, when it cannot be pinned, a
   * private copy, copied back at completion when `back`.
   */
  #hand(op: NativeOp, view: Uint8Array, arg: string, blocking: number, back: boolean): Uint8Array {
    if (blocking) return view;
    const bounce = pinnable(view) ? null : view.slice();
    (op.guards ??= []).push({ view, bytes: view.length, arg, bounce: back ? bounce : null });
    return bounce ?? view;
  }

  /** A non-blocking call completed: report buffers the program detached or shrank meanwhile, fill those that got a copy. */
  #checkGuards(op: NativeOp): void {
    for (const g of op.guards!) {
      if (g.view.length < g.bytes) {
        if (op.error === 0) failChanged(op, g.arg, g.bytes, g.view.length);
      } else if (g.bounce !== null) {
        g.view.set(g.bounce.subarray(0, g.bytes));
      }
    }
    op.guards = null;
  }

  // ---- communicator construction ----------------------------------------

  group(comm: CommHandle): Int32Array {
    return (comm as NativeComm).group;
  }

  remoteGroup(comm: CommHandle): Int32Array | null {
    return (comm as NativeComm).remote;
  }

  /**
   * MPI_Comm_create_group over the members, on MPI_COMM_WORLD; when some are
   * processes of another world (after a Spawn and a Merge), on `base`, the
   * intracommunicator the construction runs on. Intercommunicators are made
   * with MPI_Intercomm_create, the leaders meeting on MPI_COMM_WORLD: not
   * across worlds.
   */
  makeComm(ctx: number, local: Int32Array, remote: Int32Array | null, base?: CommHandle): CommHandle {
    if (local.indexOf(this.processId) < 0) throw new MpiFailure(ERR_INTERN, `process ${this.processId} is not in the new communicator's group`);
    // The context id is agreed by all members and never reused by any of
    // them, so it tells concurrent constructions apart as the library's tag.
    const tag = ctx % this.tagUpperBound;
    let on = 0;
    let ranks = local;
    if (local.some((id) => id >= FOREIGN_IDS) || remote?.some((id) => id >= FOREIGN_IDS)) {
      const b = base as NativeComm | undefined;
      if (remote !== null || b === undefined || b.remoteSize > 0) {
        throw new MpiFailure(ERR_UNSUPPORTED_OPERATION, 'new intercommunicators over processes of several worlds (spawned ones and their parents) are not supported on the native transport; the spawn intercommunicator, its Merge and the communicators made from that are');
      }
      on = userOf(b);
      ranks = Int32Array.from(local, (id) => this.#rank(b, b.group.indexOf(id)));
      if (ranks.some((r) => r < 0)) throw new MpiFailure(ERR_INTERN, 'a member of the new communicator is not in the one it is made from');
    }
    this.#drainBeforeBlocking();
    const mpi = this.#mpi;
    const intra = wrap('MPI_Comm_create_group', () => mpi.commCreateGroup(on, ranks, tag));
    if (remote === null) return this.#wrap(intra, local, null, true);
    // Leaders are rank 0 of each group; they meet on MPI_COMM_WORLD.
    const inter = wrap('MPI_Intercomm_create', () => mpi.intercommCreate(intra, 0, 0, remote[0]!, tag));
    mpi.commFree(intra);
    return this.#wrap(inter, local, remote, true);
  }

  /**
   * MPI_Comm_create_group over the parent's processes in `group`: only they
   * call this, and MPI_Comm_create_group is collective over them alone.
   * (Not freed: generic Create_group drops it after agreeing a context.)
   */
  subgroupComm(parent: CommHandle, group: Int32Array): CommHandle {
    const p = parent as NativeComm;
    const ranks = Int32Array.from(group, (pid) => p.group.indexOf(pid));
    this.#drainBeforeBlocking();
    const id = wrap('MPI_Comm_create_group', () => this.#mpi.commCreateGroup(userOf(p), ranks, this.tagUpperBound));
    return this.#ownCollective(id, group);
  }

  freeComm(comm: CommHandle): void {
    const c = comm as NativeComm;
    // Only communicators within this world are held: one that connects to
    // another (Spawn, Connect) must go, or MPI_Finalize would wait for it.
    const local = !c.group.some((id) => id >= FOREIGN_IDS) && !(c.remote?.some((id) => id >= FOREIGN_IDS) ?? false);
    if (c.shadow === c) {
      if (local) this.#retire(c.owned); // its own shadow
      else for (const id of c.owned) this.#freeId(id);
      return;
    }
    for (const id of c.owned) this.#freeId(id);
    if (c.shadow !== null) {
      if (local) this.#retire(c.shadow.owned);
      else for (const id of c.shadow.owned) this.#freeId(id);
    }
  }

  /**
   * Shadows retired by freeComm (of communicators within this world), freed only after LATE_FREES more: a
   * message that reaches a shadow after its last process let it go (a
   * revocation notice, src/coll/ulfm.ts, which its receivers need not wait
   * for) then lands on a communicator still held, not on a later one the
   * library gives the same context (Open MPI's per-peer sequence numbers
   * would then wait for it forever).
   */
  #retired: number[] = [];

  #retire(ids: readonly number[]): void {
    for (const id of ids) {
      this.#retired.push(id);
      if (this.#retired.length > LATE_FREES) this.#freeId(this.#retired.shift()!);
    }
  }

  #freeId(id: number): void {
    this.#dropPulled(id);
    this.#mpi.commFree(id);
  }

  /**
   * Forget the matching queues of a communicator being freed: the library
   * reuses its handle for a later one, which must not find the messages
   * left here (a revocation notice no one waited for, src/coll/ulfm.ts).
   * Messages pulled already are matched (MPI_Improbe), so they are received
   * and dropped.
   */
  #dropPulled(id: number): void {
    const q = this.#matching.get(id);
    if (q === undefined) return;
    for (const m of q.unexpectedQueue) wrap('MPI_Mrecv', () => this.#mpi.mrecv(m.msg, new Uint8Array(m.size)));
    this.#matching.delete(id);
  }

  /** Whether `comm`'s shadow has no MPI communicator yet (COMM_WORLD's until its first collective: making it is collective). */
  shadowPending(comm: CommHandle): boolean {
    const s = (comm as NativeComm).shadow;
    return s === null || s.id < 0;
  }

  processorName(): string {
    return this.#host;
  }

  // ---- dynamic processes ---------------------------------------------------

  /** Unused here: the library spawns (`spawnComm`) and keeps the parent (`parentComm`). */
  readonly spawnedBy = null;

  spawn(): Int32Array {
    throw new MpiFailure(ERR_SPAWN, 'the native transport spawns through MPI_Comm_spawn_multiple (spawnComm)');
  }

  /**
   * MPI_Comm_spawn_multiple: each command runs as `node rank-entry.js
   * --spawned <label> script args...`, so its processes start as the
   * launcher's do; the label names them in --tag-output prefixes and
   * failure messages (`<k>` for this process's k-th spawn, after its own
   * label if it was spawned itself).
   */
  spawnComm(comm: CommHandle, root: number, commands: readonly SpawnCommand[] | null): SpawnedComm {
    const c = comm as NativeComm;
    const user = userOf(c);
    let program: [string, string[], number, (readonly [string, string])[]][] | null = null;
    if (commands !== null) {
      const entry = fileURLToPath(runtimeEntry('rank-entry'));
      const own = process.env['MPI4TS_SPAWNED'];
      const label = `${own ? `${own}.` : ''}${++this.#spawns}`;
      program = commands.map((k) => [process.execPath, [entry, '--spawned', label, k.script, ...k.args], k.maxprocs, [...(k.info ?? [])]]);
    }
    this.#drainBeforeBlocking();
    let inter: number;
    try {
      [inter] = wrap('MPI_Comm_spawn_multiple', () => this.#mpi.commSpawn(user, root, program)) as [number];
    } catch (e) {
      // Every rank gets the library's error; MPI names this class ERR_SPAWN whatever the library's.
      if (e instanceof MpiFailure) throw new MpiFailure(ERR_SPAWN, `cannot start processes: the MPI library refused: ${e.message}`);
      throw e;
    }
    const local = wrap('MPI_Comm_dup', () => this.#mpi.commDup(user));
    return this.#spawned(inter, local, c.group);
  }

  /**
   * The universe (MPI_UNIVERSE_SIZE) bounds the processes alive, as on the
   * embedded runtime; the libraries do not enforce it here (Hydra never
   * does, Open MPI runs with --oversubscribe, see launch.ts). Alive, as
   * far as this process sees: its world, its parents and the children it
   * spawned, while connected.
   */
  checkSpawn(commands: readonly SpawnCommand[]): void {
    if (!this.#launched) {
      throw new MpiFailure(ERR_SPAWN, 'cannot start processes: this process runs alone, without the launcher (start it with `mpi4ts -n 1 --usize N script`)');
    }
    const wanted = commands.reduce((n, k) => n + k.maxprocs, 0);
    let alive = this.commWorld.size;
    for (const n of this.#connected.values()) alive += n;
    const free = Math.max(0, this.job.universeSize - alive);
    if (wanted > free) {
      throw new MpiFailure(ERR_SPAWN, `cannot start ${wanted} processes: the universe has room for ${free} more (universe size ${this.job.universeSize}, ${alive} processes alive); start the job with a larger --usize`);
    }
  }

  foreignGroup(inter: CommHandle): string | null {
    if (!this.#foreign.has(inter as NativeComm)) return null;
    return 'the parent is not an mpi4ts program: across its intercommunicator only point-to-point messages and the blocking Barrier, Bcast, Reduce and Allreduce of predefined types and operations (the MPI library\'s own) work';
  }

  parentComm(): SpawnedComm | null {
    return this.#parent;
  }

  /**
   * The pair of a parent/child intercommunicator the library made: the
   * intercommunicator with its collective duplicate (made now: MPI_Comm_dup
   * is collective over both groups, and parents and children reach this
   * point in step) and `local`, an intracommunicator of the local group that
   * serves as its own collective communicator. Processes of the other world
   * get process ids from FOREIGN_IDS up.
   */
  #spawned(interId: number, localId: number, group: Int32Array, foreign = false): SpawnedComm {
    const remote = this.#mpi.groupRanks(interId, 1, 0, 0).map((r) => (r >= 0 ? r : this.#nextForeign++));
    const inter = this.#wrap(interId, group, remote, true, foreign);
    if (foreign) this.#foreign.add(inter).add(this.#shadowOf(inter));
    // Processes of other worlds count against the universe (checkSpawn); those of this one are counted already.
    this.#connected.set(inter, remote.filter((id) => id >= FOREIGN_IDS).length);
    return { inter, local: this.#ownCollective(localId, group) };
  }

  /** An intracommunicator (owned) that serves as its own collective communicator. */
  #ownCollective(id: number, group: Int32Array): NativeComm {
    const [rank, size] = this.#mpi.commInfo(id);
    const c: NativeComm = {
      rank, size, remoteSize: 0, id, group, remote: null,
      toParent: null, fromParent: null, userId: -1, foldTags: true, shadow: null!, owned: [id],
    };
    c.shadow = c;
    return c;
  }

  /**
   * MPI_Comm_dup or MPI_Comm_split of an intercommunicator between worlds (a
   * spawn's, whose groups MPI_COMM_WORLD cannot rebuild) and of its local
   * side; process ids of the new groups come from the old ones. Undefined
   * for one world: the generic construction, because Debian's MPICH 4.0
   * hangs in the first collective on an intercommunicator MPI_Comm_split
   * made (a C program that splits and then calls MPI_Barrier or
   * MPI_Comm_dup on the result hangs the same way), and MPICH cannot spawn.
   */
  splitInter(inter: CommHandle, local: CommHandle, color: number | null, key: number): { inter: CommHandle; local: CommHandle } | null | undefined {
    const c = inter as NativeComm;
    const l = local as NativeComm;
    if (!c.remote?.some((id) => id >= FOREIGN_IDS)) return undefined;
    const foreign = this.foreignGroup(c);
    if (foreign !== null) throw new MpiFailure(ERR_UNSUPPORTED_OPERATION, foreign);
    const mpi = this.#mpi;
    const interUser = userOf(c);
    const localUser = userOf(l);
    this.#drainBeforeBlocking();
    const interId = color === null ? wrap('MPI_Comm_dup', () => mpi.commDup(interUser))
      : wrap('MPI_Comm_split', () => mpi.commSplit(interUser, color, key));
    const localId = color === null ? wrap('MPI_Comm_dup', () => mpi.commDup(localUser))
      : wrap('MPI_Comm_split', () => mpi.commSplit(localUser, color, key));
    if (interId < 0) {
      // An undefined color, or none of this color in the other group.
      if (localId >= 0) mpi.commFree(localId);
      return null;
    }
    const ids = (from: Int32Array, old: Int32Array): Int32Array => Int32Array.from(from, (r) => old[r]!);
    const group = ids(mpi.groupRanks(interId, 0, interUser, 0), c.group);
    const remote = ids(mpi.groupRanks(interId, 1, interUser, 1), c.remote!);
    return { inter: this.#wrap(interId, group, remote, true), local: this.#ownCollective(localId, group) };
  }

  /**
   * Ports, names, Accept/Connect and Join in the library (MPI_Open_port,
   * MPI_Publish_name, MPI_Comm_accept, MPI_Comm_join...). The
   * intercommunicators are made as a spawn's are (`#spawned`): processes of
   * another world get ids of their own.
   */
  #libraryPorts(): PortService {
    // Ports this process opened and closed: the libraries take a Close_port
    // of any name, and wait forever in an Accept or Connect at a closed port.
    const open = new Set<string>();
    const closed = new Set<string>();
    return {
      openPort: (info) => {
        const port = wrap('MPI_Open_port', () => this.#mpi.openPort(info));
        open.add(port);
        closed.delete(port);
        return port;
      },
      closePort: (port) => {
        if (!open.has(port)) throw noOpenPort(port, 'process');
        wrap('MPI_Close_port', () => this.#mpi.closePort(port));
        open.delete(port);
        closed.add(port);
      },
      checkPort: (port) => {
        if (closed.has(port)) throw new MpiFailure(ERR_PORT, `port '${port}' is closed`);
      },
      publishName: (service, port, info) => void wrap('MPI_Publish_name', () => this.#mpi.nameService(0, service, port, info)),
      unpublishName: (service, port, info) => void wrap('MPI_Unpublish_name', () => this.#mpi.nameService(1, service, port, info)),
      lookupName: (service, info) => wrap('MPI_Lookup_name', () => this.#mpi.nameService(2, service, null, info)!),
      connectComm: (comm, port, info, root, accept) => {
        const c = comm as NativeComm;
        const user = userOf(c);
        this.#drainBeforeBlocking();
        const routine = accept ? 'MPI_Comm_accept' : 'MPI_Comm_connect';
        const inter = wrap(routine, () => this.#mpi.commConnect(user, port, info, root, accept ? 1 : 0));
        const local = wrap('MPI_Comm_dup', () => this.#mpi.commDup(user));
        return this.#spawned(inter, local, c.group);
      },
      joinComm: (fd) => {
        this.#drainBeforeBlocking();
        const inter = wrap('MPI_Comm_join', () => this.#mpi.commJoin(fd));
        if (inter < 0) throw new MpiFailure(ERR_OTHER, 'MPI_Comm_join: the library gave MPI_COMM_NULL (the other end of the socket did not join)');
        const local = wrap('MPI_Comm_dup', () => this.#mpi.commDup(1));
        return this.#spawned(inter, local, Int32Array.of(this.processId));
      },
    };
  }

  /**
   * mpi4ts's own ports, for a library without (see #portComm): a port name
   * names the process that opened it and a number; Accept waits there for
   * a Connect's request (tag 2n), which carries the connecting group and
   * its free context, and answers (tag 2n + 1) with its own group and the
   * agreed context. Then both build the intercommunicator as any other
   * (makeComm: MPI_Comm_create_group and MPI_Intercomm_create on
   * MPI_COMM_WORLD). Names are the library's (MPI_Publish_name works).
   */
  #ownPorts(pc: NativeComm): PortService {
    const library = this.#libraryPorts();
    const job = process.env['MPI4TS_TIME_ORIGIN'] ?? `singleton-${this.#host}-${process.pid}`;
    const prefix = `mpi4ts-port:${job}:`;
    const open = new Set<string>();
    let opened = 0;
    const parse = (port: string): [owner: number, n: number] => {
      const m = port.startsWith(prefix) ? /^(\d+):(\d+)$/.exec(port.slice(prefix.length)) : null;
      if (m === null) throw new MpiFailure(ERR_PORT, `'${port}' is not a port of this job (MPI.Open_port gives them)`);
      return [Number(m[1]), Number(m[2])];
    };
    const exchange = (dest: number, tag: number, mine: { group: number[]; ctx: number }): void => {
      this.send(pc, new TextEncoder().encode(JSON.stringify(mine)), dest, tag, SendMode.Standard);
    };
    const answer = (source: number, tag: number): { source: number; group: number[]; ctx: number } => {
      const op = this.irecv(pc, null, source, tag);
      this.wait(op);
      const r = JSON.parse(new TextDecoder().decode(op.data!)) as { group: number[]; ctx: number };
      return { source: op.status.source, ...r };
    };
    return {
      universe: job,
      openPort: () => {
        const port = `${prefix}${this.processId}:${++opened}`;
        open.add(port);
        return port;
      },
      closePort: (port) => {
        if (!open.delete(port)) throw noOpenPort(port, 'process');
      },
      publishName: library.publishName,
      unpublishName: library.unpublishName,
      lookupName: library.lookupName,
      meet: (port, accept, group, ctx) => {
        const [owner, n] = parse(port);
        if (accept) {
          if (owner !== this.processId || !open.has(port)) {
            throw noOpenPort(port, 'process', `with ${this.libraryName}, mpi4ts accepts only at the process that opened the port`);
          }
          const them = answer(ANY_SOURCE, 2 * n);
          const agreed = Math.max(ctx, them.ctx);
          exchange(them.source, 2 * n + 1, { group: Array.from(group), ctx: agreed });
          return { remote: Int32Array.from(them.group), ctx: agreed };
        }
        if (owner < 0 || owner >= this.commWorld.size) throw new MpiFailure(ERR_PORT, `'${port}' names no process of this job`);
        if (owner === this.processId && !open.has(port)) throw noOpenPort(port, 'process');
        exchange(owner, 2 * n, { group: Array.from(group), ctx });
        const them = answer(owner, 2 * n + 1);
        return { remote: Int32Array.from(them.group), ctx: them.ctx };
      },
    };
  }


  /** MPI_Intercomm_merge for intercommunicators that reach another world (spawned processes); null for the others. */
  mergeComm(inter: CommHandle, high: boolean): CommHandle | null {
    const c = inter as NativeComm;
    if (c.remote === null || !c.remote.some((id) => id >= FOREIGN_IDS)) return null;
    this.#drainBeforeBlocking();
    const id = wrap('MPI_Intercomm_merge', () => this.#mpi.intercommMerge(c.id, high ? 1 : 0));
    // Processes of this world by their COMM_WORLD rank; the others, in
    // remote-rank order, by the ids the intercommunicator gave them.
    let next = 0;
    const group = this.#mpi.groupRanks(id, 0, 0, 0).map((r) => (r >= 0 ? r : c.remote![next++]!));
    return this.#wrap(id, group, null, true);
  }

  /** MPI_Comm_disconnect of `comm` and of its collective duplicate (the duplicate first, on both sides). */
  disconnectComm(comm: CommHandle): void {
    const c = comm as NativeComm;
    this.#connected.delete(c);
    this.#drainBeforeBlocking();
    const ids = c.shadow !== null && c.shadow !== c ? [...c.shadow.owned, ...c.owned] : [...c.owned];
    for (const id of ids) {
      this.#matching.delete(id);
      wrap('MPI_Comm_disconnect', () => this.#mpi.commDisconnect(id));
    }
  }

  // ---- ranks and tags ----------------------------------------------------

  /** A rank of `c` as the library knows it (subgroup views map to the parent). */
  #rank(c: NativeComm, r: number): number {
    return c.toParent === null || r < 0 ? r : c.toParent[r]!;
  }

  /**
   * Tags of the collective communicators: sequence numbers up to 2^30 and
   * Create_group's 2^30 + tag. Libraries whose tag range is smaller (MPICH:
   * 2^28 - 1) get the low bits plus one flag bit; a clash needs 2^27
   * collectives in flight on one communicator.
   */
  #tag(c: NativeComm, tag: number): number {
    if (!c.foldTags || tag <= this.tagUpperBound || tag < 0) return tag;
    const half = (this.tagUpperBound + 1) / 2;
    return (tag & (half - 1)) | (tag & 0x40000000 ? half : 0);
  }

  // ---- sends -------------------------------------------------------------

  send(comm: CommHandle, data: Uint8Array, dest: number, tag: number, mode: SendMode): void {
    if (dest === PROC_NULL) return;
    const c = comm as NativeComm;
    if (dest === c.rank && c.remoteSize === 0 && mode === SendMode.Standard) {
      this.isend(comm, data, dest, tag, mode, true); // done at once: see isend
      return;
    }
    if (this.#posted === 0 && this.hooks.length === 0) {
      const id = this.#commId(c);
      try {
        this.#mpi.send(id, data, this.#rank(c, dest), this.#tag(c, tag), mode);
      } catch (e) {
        throw failure('MPI_Send', e);
      }
      return;
    }
    this.wait(this.isend(comm, data, dest, tag, mode, false));
  }

  isend(comm: CommHandle, data: Uint8Array, dest: number, tag: number, mode: SendMode, borrowed: boolean): Operation {
    const c = comm as NativeComm;
    const op = new NativeOp(State.Sending, c, dest, tag, null);
    op.count = data.length;
    op.messageBytes = data.length;
    if (dest === PROC_NULL) {
      op.state = State.Done;
      op.done = true;
      return op;
    }
    // To itself a send could only complete once this same thread receives
    // (MPICH waits there, also in MPI_Wait): a standard send of a copy is
    // done at once, as a buffered send, and the library's send completes
    // during later progress.
    const self = dest === c.rank && c.remoteSize === 0 && mode === SendMode.Standard;
    // A borrowed buffer is reused by the caller at once; the library may
    // still be reading it. One the addon cannot pin (resizable) goes as a copy.
    const bytes = borrowed || self || !pinnable(data) ? data.slice() : data;
    const inLibrary = self ? new NativeOp(State.Sending, c, dest, tag, null) : op;
    // The addon pins the program's buffer; completion reports it if it was detached meanwhile.
    if (bytes === data) op.sent = data;
    inLibrary.req = wrap('MPI_Isend', () => this.#mpi.isend(this.#commId(c), bytes, this.#rank(c, dest), this.#tag(c, tag), mode));
    keepAlive.set(inLibrary, bytes);
    if (self) {
      this.#detached.push(inLibrary);
      op.state = State.Done;
      op.done = true;
    }
    return op;
  }

  // ---- receives ----------------------------------------------------------

  #queues(id: number): MatchQueues<NativeOp, Pulled> {
    let q = this.#matching.get(id);
    if (q === undefined) {
      q = new MatchQueues<NativeOp, Pulled>();
      this.#matching.set(id, q);
    }
    return q;
  }

  recv(comm: CommHandle, into: Uint8Array | null, source: number, tag: number): Operation {
    const c = comm as NativeComm;
    if (source === PROC_NULL || this.#posted > 0 || this.hooks.length > 0) {
      const op = this.irecv(comm, into, source, tag);
      this.wait(op);
      return op;
    }
    const op = new NativeOp(State.Receiving, c, this.#rank(c, source), this.#tag(c, tag), into);
    const q = this.#matching.get(this.#commId(c));
    const i = q === undefined || q.unexpectedQueue.length === 0 ? -1 : q.findMessage(op.source, op.tag);
    if (i >= 0) {
      this.#receiveMatched(op, q!.takeMessage(i), true);
      return op;
    }
    // Fast path: no receive pending anywhere, so block in the library, one call.
    const mpi = this.#mpi;
    if (into !== null && into.length <= this.#recvLimit) {
      try {
        mpi.recvSmall(c.id, into, op.source, op.tag);
      } catch (e) {
        throw failure('MPI_Recv', e);
      }
      const st = this.#st;
      const size = statusCount(st);
      op.source = this.#fromLibrary(c, st[ST_SOURCE]!);
      op.tag = st[ST_TAG]!;
      op.messageBytes = size;
      op.count = Math.min(size, into.length);
      if (size > into.length) {
        failTruncated(op, size, into.length);
      }
      op.state = State.Done;
      op.done = true;
      return op;
    }
    const got = wrap('MPI_Mprobe', () => mpi.precv(c.id, into, op.source, op.tag));
    if (typeof got === 'number' && got >= 0) {
      this.#receiveMatched(op, this.#pulled(got), true); // too large for `into`: staged
      return op;
    }
    const st = this.#st;
    op.source = this.#fromLibrary(c, st[ST_SOURCE]!);
    op.tag = st[ST_TAG]!;
    op.count = op.messageBytes = statusCount(st);
    if (typeof got !== 'number') op.data = new Uint8Array(got);
    op.state = State.Done;
    op.done = true;
    return op;
  }

  irecv(comm: CommHandle, into: Uint8Array | null, source: number, tag: number): Operation {
    const c = comm as NativeComm;
    const op = new NativeOp(State.Unmatched, c, this.#rank(c, source), this.#tag(c, tag), into);
    if (source === PROC_NULL) {
      completeProcNull(op);
      op.state = State.Done;
      return op;
    }
    const q = this.#queues(this.#commId(c));
    const i = q.unexpectedQueue.length === 0 ? -1 : q.findMessage(op.source, op.tag);
    if (i >= 0) {
      this.#receiveMatched(op, q.takeMessage(i), false);
    } else {
      // Matched when progress pulls its message out of the library.
      q.postedReceives.push(op);
      this.#posted++;
    }
    return op;
  }

  /** The message the status describes, matched as `msg`. */
  #pulled(msg: number): Pulled {
    const st = this.#st;
    return new Pulled(st[ST_SOURCE]!, st[ST_TAG]!, statusCount(st), msg);
  }

  /**
   * Pull every message that has arrived on the communicators with posted
   * receives (MPI_Improbe with wildcards: the library's arrival order, each
   * sender's in send order) and match them against the posted receives,
   * oldest first, as the embedded runtime matches its rings: MPI's
   * matching rules, with the size of each message known before its receive
   * starts. Unclaimed messages stay, matched, in the unexpected queue.
   */
  #pull(): void {
    const mpi = this.#mpi;
    for (const [id, q] of this.#matching) {
      while (q.postedReceives.length > 0) {
        const msg = wrap('MPI_Improbe', () => mpi.improbe(id, ANY_SOURCE, ANY_TAG));
        if (msg < 0) break;
        const m = this.#pulled(msg);
        const op = q.takeReceive(m.source, m.tag);
        if (op === undefined) {
          q.unexpectedQueue.push(m);
        } else {
          this.#posted--;
          this.#receiveMatched(op, m, false);
        }
      }
    }
  }

  /** `op` matched message `m`: receive it, blocking or not. */
  #receiveMatched(op: NativeOp, m: Pulled, blocking: boolean): void {
    const size = m.size;
    const msg = m.msg;
    const c = op.comm;
    op.source = c.fromParent === null ? m.source : (c.fromParent.get(m.source) ?? ANY_SOURCE);
    op.tag = m.tag;
    op.messageBytes = size;
    let target = op.buffer;
    if (target === null) target = op.data = new Uint8Array(size);
    else if (op.buffer!.length < op.bufferBytes) {
      // Detached or shrunk before its message came: take the message aside, report at completion.
      target = op.staging = new Uint8Array(size);
    } else if (!blocking && !pinnable(target)) {
      // The addon cannot pin it: receive aside, copy at completion.
      target = op.staging = new Uint8Array(size);
    } else if (size > target.length) {
      failTruncated(op, size, target.length);
      // The size is known: take the whole message aside and keep its head,
      // rather than ask the library to truncate (Open MPI's single-copy
      // path has been seen to write past the buffer then).
      target = op.staging = new Uint8Array(size);
    }
    const mpi = this.#mpi;
    if (blocking) {
      wrap('MPI_Mrecv', () => mpi.mrecv(msg, target));
      this.#finishReceive(op);
    } else {
      op.state = State.Receiving;
      op.req = wrap('MPI_Imrecv', () => mpi.imrecv(msg, target));
      keepAlive.set(op, target);
      this.#receiving.add(op);
    }
  }

  /** Read the status of a completed receive into `op`. */
  #finishReceive(op: NativeOp): void {
    this.#receiving.delete(op);
    const st = this.#st;
    op.count = Math.min(statusCount(st), op.buffer === null ? op.messageBytes : op.bufferBytes);
    if (op.buffer !== null && op.buffer.length < op.bufferBytes) {
      // The program detached or shrank the buffer while the receive was pending.
      failChanged(op, 'buf', op.bufferBytes, op.buffer.length);
      op.count = 0;
      op.staging = null;
    } else if (op.staging !== null) {
      op.buffer!.set(op.staging.subarray(0, op.count));
      op.staging = null;
    }
    if (st[ST_ERROR] !== 0 && op.error === 0) {
      op.error = st[ST_ERROR]!;
      op.failure = `receive failed with error class ${op.error}`;
    }
    if (st[ST_CANCELLED]) op.cancelled = true;
    op.state = State.Done;
    op.done = true;
    keepAlive.delete(op);
  }

  iprobe(comm: CommHandle, source: number, tag: number): Envelope | null {
    if (source === PROC_NULL) return procNullEnvelope();
    const c = comm as NativeComm;
    this.progress();
    const src = this.#rank(c, source);
    const t = this.#tag(c, tag);
    // Pulled messages come before any the library still holds.
    const q = this.#matching.get(this.#commId(c));
    const i = q === undefined || q.unexpectedQueue.length === 0 ? -1 : q.findMessage(src, t);
    if (i >= 0) {
      const m = q!.unexpectedQueue[i]!;
      return { source: this.#fromLibrary(c, m.source), tag: m.tag, count: m.size, error: 0, cancelled: false };
    }
    if (!wrap('MPI_Iprobe', () => this.#mpi.iprobe(c.id, src, t))) return null;
    return this.#envelope(c);
  }

  probe(comm: CommHandle, source: number, tag: number): Envelope {
    if (source === PROC_NULL) return procNullEnvelope();
    const c = comm as NativeComm;
    const q = this.#matching.get(this.#commId(c));
    if (this.#posted === 0 && this.hooks.length === 0 && (q === undefined || q.unexpectedQueue.length === 0)) {
      wrap('MPI_Probe', () => this.#mpi.probe(c.id, this.#rank(c, source), this.#tag(c, tag)));
      return this.#envelope(c);
    }
    let env: Envelope | null = null;
    this.#block(() => (env = this.iprobe(comm, source, tag)) !== null);
    return env!;
  }

  improbe(comm: CommHandle, source: number, tag: number): MatchedMessage | null {
    const c = comm as NativeComm;
    this.progress();
    const id = this.#commId(c);
    const src = this.#rank(c, source);
    const t = this.#tag(c, tag);
    // Pulled messages come before any the library still holds.
    const q = this.#matching.get(id);
    const i = q === undefined || q.unexpectedQueue.length === 0 ? -1 : q.findMessage(src, t);
    let m: Pulled;
    if (i >= 0) {
      m = q!.takeMessage(i);
    } else {
      const msg = wrap('MPI_Improbe', () => this.#mpi.improbe(id, src, t));
      if (msg < 0) return null;
      m = this.#pulled(msg);
    }
    return new NativeProbed(c, m, { source: this.#fromLibrary(c, m.source), tag: m.tag, count: m.size, error: 0, cancelled: false });
  }

  mprobe(comm: CommHandle, source: number, tag: number): MatchedMessage {
    const c = comm as NativeComm;
    const id = this.#commId(c);
    const q = this.#matching.get(id);
    if (this.#posted === 0 && this.hooks.length === 0 && (q === undefined || q.unexpectedQueue.length === 0)) {
      // Nothing to match meanwhile: block in the library.
      const msg = wrap('MPI_Mprobe', () => this.#mpi.mprobe(id, this.#rank(c, source), this.#tag(c, tag)));
      const m = this.#pulled(msg);
      return new NativeProbed(c, m, { source: this.#fromLibrary(c, m.source), tag: m.tag, count: m.size, error: 0, cancelled: false });
    }
    let found: MatchedMessage | null = null;
    this.#block(() => (found = this.improbe(comm, source, tag)) !== null);
    return found!;
  }

  imrecv(message: MatchedMessage, into: Uint8Array | null): Operation {
    const p = message as NativeProbed;
    const op = new NativeOp(State.Unmatched, p.comm, p.m.source, p.m.tag, into);
    this.#receiveMatched(op, p.m, false);
    return op;
  }

  #fromLibrary(c: NativeComm, source: number): number {
    return c.fromParent === null ? source : (c.fromParent.get(source) ?? ANY_SOURCE);
  }

  #envelope(c: NativeComm): Envelope {
    const st = this.#st;
    const source = this.#fromLibrary(c, st[ST_SOURCE]!);
    return { source, tag: st[ST_TAG]!, count: statusCount(st), error: 0, cancelled: false };
  }

  cancel(op: Operation): void {
    if (!(op instanceof NativeOp) || op.done) return;
    if (op.state === State.Unmatched) {
      if (this.#queues(op.comm.id).removeReceive(op)) this.#posted--;
      op.cancelled = true;
      op.state = State.Done;
      op.done = true;
      keepAlive.delete(op);
    }
    // A matched receive is receiving its message and completes; sends are not cancelled here.
  }

  // ---- completion ----------------------------------------------------------

  /** One progress step: match what can be matched, then run the hooks. */
  progress(): void {
    if (this.#posted > 0) this.#pull();
    if (this.#detached.length > 0) this.#detached = this.#detached.filter((op) => !this.#poll(op));
    if (this.hooks.length > 0) {
      for (const op of this.#receiving) this.#poll(op);
      for (const hook of this.hooks) hook();
    }
  }


  /** Complete `op` if the library has; no other progress. */
  #poll(op: NativeOp): boolean {
    if (op.done) return true;
    if (op.start !== null) this.#startLibrary(op, false);
    if (op.req < 0) return false;
    if (!wrap('MPI_Test', () => this.#mpi.test(op.req))) return false;
    op.req = -1;
    this.#complete(op);
    return true;
  }

  #complete(op: NativeOp): void {
    if (op.state === State.Sending) {
      const err = this.#st[ST_ERROR]!;
      if (err !== 0) {
        op.error = err;
        op.failure = `send failed with error class ${err}`;
      }
      if (op.sent !== null) {
        if (op.sent.length < op.messageBytes && op.error === 0) failChanged(op, 'buf', op.messageBytes, op.sent.length);
        op.sent = null;
      }
      if (op.guards !== null) this.#checkGuards(op);
      op.state = State.Done;
      op.done = true;
      keepAlive.delete(op);
    } else {
      this.#finishReceive(op);
    }
  }

  test(op: Operation): boolean {
    if (op.done) return true;
    this.progress();
    if (op instanceof NativeOp) return this.#poll(op);
    return op.done;
  }

  wait(op: Operation): void {
    if (op.done) return;
    if (op instanceof NativeOp && op.start !== null) {
      // Always the blocking routine: MPI never matches a blocking collective
      // with a non-blocking one (another rank's, or a C rank's MPI_Bcast), so
      // the choice cannot depend on whether this rank watches for abandon
      // notices (src/coll/ulfm.ts; ranks at MPI_ROOT or MPI_PROC_NULL of an
      // intercommunicator's Bcast do not, and Open MPI hung on the mix). A rank
      // blocked in the library is not woken by a notice (docs/mpi4py-differences.md).
      this.#startLibrary(op, true);
      if (op.done) return;
    }
    if (op instanceof NativeOp && this.hooks.length === 0 && this.interruptCheck === null) {
      if (op.state === State.Unmatched && this.#posted === 1) {
        // The only receive pending: no pulled message matches it (it would
        // have been given one), so block in the library until its message comes.
        this.#queues(op.comm.id).removeReceive(op);
        this.#posted = 0;
        const msg = wrap('MPI_Mprobe', () => this.#mpi.mprobe(op.comm.id, op.source, op.tag));
        this.#receiveMatched(op, this.#pulled(msg), true);
        return;
      }
      if (op.req >= 0 && this.#posted === 0) {
        wrap('MPI_Wait', () => this.#mpi.wait(op.req));
        op.req = -1;
        this.#complete(op);
        return;
      }
    }
    this.#block(() => this.test(op));
  }

  waitAny(ops: ReadonlyArray<Operation | null>): number {
    const find = (): number => {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        if (op && (op.done || (op instanceof NativeOp && this.#poll(op)))) return i;
      }
      return -1;
    };
    let k = find();
    if (k >= 0) return k;
    const inLibrary = ops.every((op) => op === null || (op instanceof NativeOp && op.req >= 0));
    if (inLibrary && this.#posted === 0 && this.hooks.length === 0 && this.interruptCheck === null) {
      const ids = Int32Array.from(ops, (op) => (op === null ? -1 : (op as NativeOp).req));
      k = wrap('MPI_Waitany', () => this.#mpi.waitany(ids));
      if (k >= 0) {
        const op = ops[k] as NativeOp;
        op.req = -1;
        this.#complete(op);
        return k;
      }
    }
    this.#block(() => {
      this.progress();
      return (k = find()) >= 0;
    });
    return k;
  }

  /**
   * Poll until `ready()` holds, with a backoff: the first polls back to
   * back (a reply is often microseconds away), then short sleeps growing to
   * 1 ms, so that a rank waiting long for a peer leaves the core to others.
   */
  #block(ready: () => boolean): void {
    let idle = 0;
    while (!ready()) {
      if (++idle > 2000) {
        // Each sleep: has another process abandoned the collective that waits here (src/coll/ulfm.ts)?
        if (this.interruptCheck) this.interruptCheck();
        sleepMicros(Math.min(1000, (idle - 2000) * 5));
      }
    }
  }

  async waitAsync(op: Operation): Promise<void> {
    // Neither MPI_Test nor MPI_Improbe blocks, so the event loop stays free:
    // for the first 2 ms a poll per turn of the loop (setImmediate: a reply
    // is often microseconds away), then on timers backing off to 4 ms, so a
    // long wait costs little CPU. Measured with bench/micro/await_latency.ts.
    const t0 = performance.now();
    let delay = 1;
    while (!this.test(op)) {
      if (performance.now() - t0 < 2) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else {
        await new Promise<void>((resolve) => setTimeout(resolve, delay));
        delay = Math.min(4, delay * 2);
      }
    }
  }

  /** Blocking calls into the library while receives wait unmatched could deadlock: match what can be matched first. */
  #drainBeforeBlocking(): void {
    if (this.#posted > 0) this.#pull();
  }

  abort(code: number, reason: string): never {
    if (reason) {
      process.stderr.write(`mpi4ts: MPI_Abort with error code ${code}: ${reason}\n`);
      // Give mpiexec time to forward the report: Hydra (MPICH) drops output still in flight when the abort kills the job.
      lastWords();
    }
    this.#finalized = true;
    return this.#mpi.abort(0, code);
  }
}

/**
 * Buffers the library may still read or write, held until their operation
 * completes: a strong map, because the caller may drop an operation (an
 * isend never waited for) while the library still reads its bytes.
 */
const keepAlive = new Map<NativeOp, unknown>();

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepMicros(us: number): void {
  Atomics.wait(sleeper, 0, 0, us / 1000);
}

/** Run an addon call, turning the library's errors into MpiFailure with its error class. */
function wrap<T>(routine: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw failure(routine, e);
  }
}

/** An addon call's error as MpiFailure with the library's error class (hot paths catch inline, without a closure). */
function failure(routine: string, e: unknown): MpiFailure {
  const cls = (e as { errorClass?: number }).errorClass;
  if (typeof cls === 'number') return new MpiFailure(cls, (e as Error).message);
  return new MpiFailure(ERR_INTERN, `${routine}: ${(e as Error).message ?? String(e)}`);
}
