/**
 * The one contract every transport fulfils (MPICH CH4's `ch4_api.txt` in
 * spirit). The API layer (`src/api/`) speaks only to this interface; the
 * embedded runtime (`threads/`) and the binding to a system MPI library
 * (`native/`, later) implement it.
 *
 * Messages cross this boundary as bytes. Buffer messages are the user's own
 * memory (typed-array views); object messages are bytes produced by the
 * object codec. Ranks are ranks in the given communicator; tags are >= 0 or
 * ANY_TAG; sources may be ANY_SOURCE or PROC_NULL.
 */

import type { TypeDesc } from '../core/datatype.js';

/** A communicator as the transport knows it. Opaque to the API beyond these fields. */
export interface CommHandle {
  /** This process's rank in the communicator (for an intercommunicator: in the local group). */
  readonly rank: number;
  /** Number of processes in the (local) group. */
  readonly size: number;
  /** Number of processes in the remote group; 0 for an intracommunicator. */
  readonly remoteSize: number;
}

/**
 * Where a message landed and what it looked like: the fields of `MPI.Status`.
 * `count` is in bytes.
 */
export interface Envelope {
  source: number;
  tag: number;
  count: number;
  /** MPI error class of the operation, SUCCESS (0) when it went well. */
  error: number;
  cancelled: boolean;
}

/**
 * A non-blocking operation in flight. The transport owns it and completes it
 * during progress; the API layer reads these fields after completion.
 */
export interface Operation {
  readonly done: boolean;
  /** Envelope of the completed operation (receives fill source/tag/count). */
  readonly status: Envelope;
  /**
   * For object receives: the received bytes, private memory owned by the
   * caller after completion. Null for buffer operations.
   */
  readonly data: Uint8Array | null;
  /** Error found when completing (e.g. truncation): message for the exception. */
  readonly failure: string | null;
  /** Size in bytes of the matched message (receives) or of the message sent. */
  readonly messageBytes: number;
}

/**
 * A message a matched probe took out of matching (`MPI_Message`): no other
 * receive or probe can see it any more, and only `imrecv` receives it.
 */
export interface MatchedMessage {
  /** Its envelope (count in bytes). */
  readonly status: Envelope;
}

/** Point-to-point send modes: standard (`MPI_Send`) or synchronous (`MPI_Ssend`). */
export const SendMode = { Standard: 0, Synchronous: 1 } as const;
export type SendMode = (typeof SendMode)[keyof typeof SendMode];

/** What the launcher and the process told the transport about the job. */
export interface JobInfo {
  readonly transport: string;
  readonly universeSize: number;
  readonly appnum: number;
  /** Epoch milliseconds (a `performance.timeOrigin`) from which MPI_Wtime counts, the same for every rank. */
  readonly timeOrigin: number;
}

/** One command of MPI_Comm_spawn(_multiple): a script started on `maxprocs` new processes. */
export interface SpawnCommand {
  /** Absolute path of the script (.ts, .mts, .js, .mjs). */
  readonly script: string;
  /** Its arguments (`process.argv.slice(2)` in the children). */
  readonly args: readonly string[];
  readonly maxprocs: number;
  /** Hints for the library that starts them (MPI_Info key/value pairs; the native transport passes them on). */
  readonly info?: readonly (readonly [string, string])[];
}

/** A parent/child intercommunicator and an intracommunicator over its local group. */
export interface SpawnedComm {
  readonly inter: CommHandle;
  readonly local: CommHandle;
}

/** Where a spawned process came from: the parent/child intercommunicator's contexts and the parents. */
export interface SpawnOrigin {
  /** Context of the intercommunicator; its local side uses `ctx + 2`. Both are claimed already. */
  readonly ctx: number;
  /** Process ids of the parent group, in rank order. */
  readonly parents: Int32Array;
}

/**
 * Shared memory for the collectives of one communicator: the same memory on
 * every one of its ranks (MPICH CH4's shared-memory collectives in spirit).
 * The algorithms (src/coll/shm.ts) lay it out; the transport provides it and
 * the means to wait on it.
 */
export interface CollSegment {
  /** False until the memory has reached this rank (rank 0 makes it and hands it over). */
  readonly attached: boolean;
  /** Views of the same memory: words for Atomics, bytes for data. */
  readonly words: Int32Array;
  readonly bytes: Uint8Array;
  /** An operation that completes once `ready()` holds (checked as progress runs). */
  until(ready: () => boolean): Operation;
  /** Wake the communicator's ranks waiting in `until`; call after publishing what they wait for. */
  wake(): void;
  /**
   * Single-copy transfers, where the members share one address space (the
   * embedded runtime's threads, with its native helper built): the owner
   * pins its bytes and publishes the handle; another member copies from or
   * to them by that handle (SingleCopy). Absent otherwise.
   */
  readonly singleCopy?: SingleCopy;
}

/**
 * Copies between the memory of members of one address space. `pin` keeps
 * the memory under `bytes` alive until `unpin`, whatever the program does
 * to its ArrayBuffer meanwhile (transfer, detach, collection), and gives a
 * handle (a number, for shared memory), or 0 when the bytes cannot be
 * pinned (empty, detached, or a resizable buffer, whose pages V8 may take
 * back): the caller then takes a path that copies in JavaScript. `copyFrom`
 * copies `n` bytes of a pinned range from byte `from` into `dst` at byte
 * `at`; `copyTo` the first `n` bytes of `src` into a pinned range at byte
 * `at`. Both check the handle and the bounds (a RangeError otherwise), so
 * no call can touch memory that is not pinned. Only the owner of pinned
 * memory should be written into while it cannot give it away (blocked in
 * the call); see native/sched/sched.cc.
 */
export interface SingleCopy {
  pin(bytes: Uint8Array): number;
  unpin(handle: number): void;
  copyFrom(dst: Uint8Array, at: number, handle: number, from: number, n: number): void;
  copyTo(handle: number, at: number, src: Uint8Array, n: number): void;
}

/**
 * Collectives on buffers a transport hands to its library. Each starts the
 * operation and returns it, or returns null when the library cannot do it
 * (a derived datatype, a user-defined op, a subgroup): the generic
 * algorithm then runs. The choice depends only on arguments MPI requires to
 * be the same on every rank. On an intercommunicator (blocking calls only,
 * see src/coll/inter.ts) `root` is the remote root's rank, ROOT (-3) or
 * PROC_NULL (-2), as MPI_Bcast and MPI_Reduce take it there. Bytes are packed elements; `send`
 * may be the same memory as the result (in place). `op` is the predefined
 * operation's name (`SUM`, `MAX`, ...; `user` for others). The transport
 * may start the operation when it is first waited for (a blocking call:
 * then the library's blocking routine, since MPI matches blocking
 * collectives only with blocking ones) or tested (a non-blocking call).
 */
export interface LibraryCollectives {
  barrier(comm: CommHandle): Operation | null;
  bcast(comm: CommHandle, buf: Uint8Array, root: number): Operation | null;
  reduce(comm: CommHandle, send: Uint8Array, result: Uint8Array | null, type: TypeDesc, op: string, root: number): Operation | null;
  allreduce(comm: CommHandle, send: Uint8Array, result: Uint8Array, type: TypeDesc, op: string): Operation | null;
}

/**
 * One-sided communication (`MPI_Win`) where the members of a communicator
 * share one address space (the embedded runtime's threads): each member's
 * window memory is a SharedArrayBuffer every other member loads and stores
 * directly, so a passive-target operation needs nothing from its target.
 * The window algorithms (src/api/win.ts) lay the memory out and keep their
 * locks in it; the transport only hands the memory over.
 */
export interface RmaCapability {
  /**
   * Collective over the intracommunicator `comm`: give `mine` to the other
   * members and take theirs; `part` tells apart the pieces one window
   * shares (the same on every member). Entry `r` is rank r's memory (this rank's is
   * attached at once, the others' once they arrive: wait for `attached`
   * with `until`). `wake` on an entry rings every other member.
   */
  shareMemory(comm: CommHandle, part: number, mine: SharedArrayBuffer): CollSegment[];
  /** Forget what shareMemory kept for `comm` and `part` (the window is freed). */
  releaseMemory(comm: CommHandle, part: number): void;
}

/**
 * One-sided communication in the transport's MPI library (the native
 * transport: `MPI_Win_*`), for windows over more than one process. The
 * library windows have displacement unit 1: displacements are bytes, which
 * the caller has checked against the target's size (the transport checks
 * again). Operations may complete only at the synchronisation that ends
 * them (`sync`): the transport keeps their buffers alive until then.
 * Errors are thrown as MpiFailure.
 */
export interface LibraryRma {
  /**
   * Collective over the intracommunicator `comm`: a window over `memory`
   * (`create`), over `size` new bytes of the library's (`allocate`,
   * `shared`), or none (`dynamic`). `memory` of the result is this rank's
   * memory (the library's for allocate and shared, valid until `free`).
   */
  create(comm: CommHandle, kind: 'create' | 'allocate' | 'shared' | 'dynamic', memory: Uint8Array | null, size: number): { win: number; memory: Uint8Array | null };
  /** Rank `rank`'s memory of a `shared` window (MPI_Win_shared_query), valid until `free`. */
  sharedQuery(win: number, rank: number): Uint8Array;
  /** MPI_Win_free (collective); views of library memory become empty. */
  free(win: number): void;
  /** MPI_Put (`get` false) or MPI_Get of `data`'s bytes at byte `disp` of rank `target`'s memory. */
  put(win: number, data: Uint8Array, target: number, disp: number, get: boolean): void;
  /**
   * MPI_Accumulate (no result), MPI_Get_accumulate (a result) or
   * MPI_Compare_and_swap (a compare buffer) of `bytes` bytes of elements
   * `element` (an element name, or 'byte' for REPLACE and NO_OP) with the
   * predefined `op`. `origin` null: NO_OP. False when the library lacks the element type or op.
   */
  accumulate(win: number, origin: Uint8Array | null, result: Uint8Array | null, compare: Uint8Array | null,
    target: number, disp: number, element: string, op: string, bytes: number): boolean;
  /** A synchronisation call (MPI_Win_fence, _start, ...); Test's answer (true for the others). */
  sync(win: number, what: RmaSync, rank: number, assertion: number, ranks: readonly number[] | null): boolean;
}

/** Synchronisation calls of LibraryRma.sync. */
export type RmaSync = 'fence' | 'start' | 'complete' | 'post' | 'wait' | 'test' | 'lock_exclusive' | 'lock_shared' | 'unlock'
  | 'lock_all' | 'unlock_all' | 'flush' | 'flush_all' | 'flush_local' | 'flush_local_all' | 'sync';

export interface Transport {
  /** Name for `mpi4ts info` and benchmarks, e.g. `threads`. */
  readonly name: string;
  readonly job: JobInfo;
  readonly commWorld: CommHandle;
  readonly commSelf: CommHandle;
  /**
   * Optional: the MPI library underneath, as it reports itself
   * (MPI_Get_version, MPI_Get_library_version's first line). Absent: the
   * transport is mpi4ts's own (MPI.Get_version then gives what mpi4ts
   * implements).
   */
  readonly library?: {
    readonly version: readonly [number, number];
    readonly description: string;
    /**
     * The library's string limits (MPI_MAX_PROCESSOR_NAME and kin, from its
     * mpi.h); 0 where its header has none (sessions' before MPI 4.0).
     */
    readonly limits: {
      readonly processorName: number; readonly portName: number; readonly objectName: number;
      readonly psetName: number; readonly stringtag: number;
    };
  };

  /** Shadow of `comm` for collective traffic: same group, a context no user message matches. */
  collective(comm: CommHandle): CommHandle;

  // ---- optional capabilities: a transport declares what it offers, the API asks for it ----

  /** Optional: shared memory for collectives (SharedSegments: the embedded runtime). */
  readonly sharedSegments?: SharedSegments;
  /**
   * Optional: collectives the transport's own library runs (the native
   * transport: MPI_(I)barrier, _(I)bcast, _(I)reduce, _(I)allreduce on the
   * user's communicator, so that ranks of other programs in an MPMD job
   * take part, with the library's algorithms). `comm` is the collective
   * shadow the algorithms hold.
   */
  readonly libraryCollectives?: LibraryCollectives;
  /**
   * Optional: communicators the transport's library builds and keeps
   * (LibraryCommunicators: the native transport), where mpi4ts's generic
   * algorithms cannot or must not. Absent: shadows are always ready, every
   * group is an mpi4ts program, and src/coll builds every communicator.
   */
  readonly libraryComms?: LibraryCommunicators;
  /**
   * Optional: MPI_Comm_spawn(_multiple) done whole by the transport's
   * library (LibrarySpawn: the native transport). When present, `spawn` is
   * not used and `parentComm` replaces `spawnedBy`.
   */
  readonly librarySpawn?: LibrarySpawn;
  /** Optional: windows in memory the members share (RmaCapability); absent where windows span more than one process's memory. */
  readonly rma?: RmaCapability;
  /** Optional: one-sided communication in the transport's library (LibraryRma); used where `rma` is absent. */
  readonly libraryRma?: LibraryRma;
  /** Optional: the call each process is in, for deadlock reports (CallWatch: the embedded runtime). */
  readonly callWatch?: CallWatch;

  // ---- communicator construction (generic algorithms in src/coll/comm.ts use these) ----

  /** This process's id: stable for the job, unique among all its processes. */
  readonly processId: number;
  /** Process ids of the local group of `comm`, in rank order. */
  group(comm: CommHandle): Int32Array;
  /** Process ids of the remote group of an intercommunicator, in rank order; null for an intracommunicator. */
  remoteGroup(comm: CommHandle): Int32Array | null;
  /**
   * Lowest context id this process has not used. Context ids of a new
   * communicator are agreed collectively (the maximum of the members' values),
   * then claimed with `claimContext`. Each id stands for a pair: point-to-point
   * and collective traffic.
   */
  nextContext(): number;
  /** Mark context `ctx` (and its pair) used on this process. */
  claimContext(ctx: number): void;
  /**
   * A communicator with context `ctx` over the processes `local` (this process
   * must be one of them) and, for an intercommunicator, `remote`. `base`, where
   * the caller has one, is the intracommunicator the construction runs on
   * (MPI_Comm_split's, _create's...), whose group holds every member: the
   * native transport builds from it what it cannot build from MPI_COMM_WORLD
   * (members in several worlds, after a Spawn and a Merge).
   */
  makeComm(ctx: number, local: Int32Array, remote: Int32Array | null, base?: CommHandle): CommHandle;
  /**
   * A communicator over `group` (some of the parent's processes, including
   * this one) that shares the parent's collective context: for collectives
   * among a subset (MPI_Comm_create_group), told apart by their tags.
   */
  subgroupComm(parent: CommHandle, group: Int32Array): CommHandle;
  /** Release what the transport keeps for `comm` (MPI_Comm_free). */
  freeComm(comm: CommHandle): void;

  /**
   * Blocking send: returns when `data` may be reused. `data` is only borrowed
   * for the duration of the call.
   */
  send(comm: CommHandle, data: Uint8Array, dest: number, tag: number, mode: SendMode): void;
  /**
   * Non-blocking send. If `borrowed` the bytes are valid only during this call
   * (e.g. the codec's scratch buffer) and the transport copies them if it
   * cannot send at once; otherwise they stay valid until completion.
   */
  isend(comm: CommHandle, data: Uint8Array, dest: number, tag: number, mode: SendMode, borrowed: boolean): Operation;
  /**
   * Blocking receive. `into` is the user's buffer (bytes) or null to receive a
   * whole message of any size into new private memory (object receives).
   */
  recv(comm: CommHandle, into: Uint8Array | null, source: number, tag: number): Operation;
  irecv(comm: CommHandle, into: Uint8Array | null, source: number, tag: number): Operation;
  /** Non-blocking check for a matching message; null if none yet. */
  iprobe(comm: CommHandle, source: number, tag: number): Envelope | null;
  /** Blocking check for a matching message. */
  probe(comm: CommHandle, source: number, tag: number): Envelope;
  /**
   * Matched probe (`MPI_Improbe`): take the oldest matching message out of
   * matching, or null if none has arrived. `source` is not PROC_NULL (the
   * API answers MESSAGE_NO_PROC itself).
   */
  improbe(comm: CommHandle, source: number, tag: number): MatchedMessage | null;
  /** Blocking matched probe (`MPI_Mprobe`). */
  mprobe(comm: CommHandle, source: number, tag: number): MatchedMessage;
  /** Receive a message a matched probe took (`MPI_Imrecv`); `into` as for irecv. Once per message. */
  imrecv(message: MatchedMessage, into: Uint8Array | null): Operation;

  /** Drive progress once; true if the operation is complete. */
  test(op: Operation): boolean;
  /** Block (spinning briefly, then parking) until the operation completes. */
  wait(op: Operation): void;
  /** Block until one of `ops` completes; returns its index. Null entries are skipped. */
  waitAny(ops: ReadonlyArray<Operation | null>): number;
  /** Resolve when the operation completes, without blocking the event loop. */
  waitAsync(op: Operation): Promise<void>;
  /**
   * Run `hook` at every progress step (until removed): non-blocking
   * collectives post their next round from here, so they advance while their
   * rank waits in some other call, as MPI's progress rule requires.
   */
  addProgressHook(hook: () => void): void;
  removeProgressHook(hook: () => void): void;
  /** Cancel a pending receive (sends complete or are not cancellable here). */
  cancel(op: Operation): void;

  /** Attribute values of COMM_WORLD (TAG_UB, UNIVERSE_SIZE, APPNUM...). */
  readonly tagUpperBound: number;
  /**
   * How many messages with tag `tagUpperBound` (the tag of revocation
   * notices, src/coll/ulfm.ts) have arrived here unmatched so far, if the
   * transport counts them: while the count has not changed, a collective
   * need not probe for notices. Without it, every collective probes.
   */
  readonly topTagArrivals?: number;
  /** Host name, as MPI_Get_processor_name. */
  processorName(): string;
  // ---- dynamic processes ----

  /** For a process started by `spawn`: its parents and the intercommunicator's contexts; null otherwise. */
  readonly spawnedBy: SpawnOrigin | null;
  /**
   * Start new processes (the root's part of MPI_Comm_spawn(_multiple)):
   * together they form a new COMM_WORLD, the commands' processes in order,
   * whose `spawnedBy` is `{ ctx, parents }`. Returns their process ids in
   * rank order. Throws MpiFailure(ERR_SPAWN) when they cannot be started
   * (e.g. no room left in the universe).
   */
  spawn(commands: readonly SpawnCommand[], parents: Int32Array, ctx: number): Int32Array;

  // ---- ports and names (MPI_Open_port, MPI_Comm_accept/connect, MPI_Publish_name, MPI_Comm_join) ----

  /**
   * Optional: the name service and ports (absent: a process without a
   * launcher or library to keep them). MPI_Open_port: a new port name;
   * MPI_Close_port; MPI_Publish_name, _Unpublish_name, _Lookup_name.
   * Errors: MpiFailure with ERR_PORT (a port that is not open), ERR_NAME (an
   * unknown service name), ERR_SERVICE (a name published or unpublished wrongly).
   */
  readonly ports?: PortService;

  /**
   * Set by src/coll/ulfm.ts while a collective waits: a check the transport
   * calls each time a blocking wait goes to sleep or wakes from it (never per
   * poll or per message), which throws to end the wait when another process
   * abandoned the collective. While set, a wait never blocks inside the
   * library (native), so that the check runs.
   */
  interruptCheck?: (() => void) | null;
  /** Terminate the whole job with `code` (MPI_Abort). Never returns. */
  abort(code: number, reason: string): never;
}

/** Shared memory for the collectives of src/coll/shm.ts (the embedded runtime: ranks share one address space). */
export interface SharedSegments {
  /**
   * Shared memory for the collectives of the intracommunicator `comm` (its
   * collective shadow), `bytes` long (rank 0's value counts); null where
   * there is none (intercommunicators, ranks on several hosts).
   */
  collSegment(comm: CommHandle, bytes: number): CollSegment | null;
}

/**
 * Communicators the transport's library builds and keeps (the native
 * transport), where mpi4ts's generic algorithms (src/coll/comm.ts,
 * src/coll/inter.ts) cannot or must not build them.
 */
export interface LibraryCommunicators {
  /**
   * True while point-to-point on `comm`'s shadow would first need a
   * collective step (the native transport makes COMM_WORLD's MPI_Comm_dup
   * at its first collective), so a call only some ranks make must not use
   * it yet.
   */
  shadowPending(comm: CommHandle): boolean;
  /**
   * Why mpi4ts's own algorithms cannot run across the intercommunicator
   * `inter` (its other group is not an mpi4ts program: the parent of a
   * process that a C or Python program spawned), or null when they can.
   * Only the library's collectives then cross it.
   */
  foreignGroup(inter: CommHandle): string | null;
  /**
   * MPI_Comm_dup (`color` null) or MPI_Comm_split of the intercommunicator
   * `inter` whose local side is `local`, in the library (collective over
   * both groups): the new pair, or null (COMM_NULL) for an undefined color
   * (< 0) or a color the other group lacks. Undefined: src/coll/inter.ts
   * builds them itself. The answer may depend only on the communicator.
   */
  splitInter(inter: CommHandle, local: CommHandle, color: number | null, key: number): { inter: CommHandle; local: CommHandle } | null | undefined;
  /** MPI_Intercomm_merge by the library, or null where the generic algorithm serves. */
  mergeComm(inter: CommHandle, high: boolean): CommHandle | null;
  /** MPI_Comm_disconnect (collective, waits for pending traffic); without this capability, `freeComm`. */
  disconnectComm(comm: CommHandle): void;
}

/** MPI_Comm_spawn(_multiple) and MPI_Comm_get_parent done by the transport's library (the native transport). */
export interface LibrarySpawn {
  /**
   * The whole of MPI_Comm_spawn(_multiple), collective over `comm` (a
   * collective shadow); `commands` counts at `root` only (null elsewhere).
   * Errors reach every rank.
   */
  spawnComm(comm: CommHandle, root: number, commands: readonly SpawnCommand[] | null): SpawnedComm;
  /** At the root, before any rank enters spawnComm; throws MpiFailure(ERR_SPAWN) when the commands may not start. */
  checkSpawn(commands: readonly SpawnCommand[]): void;
  /** MPI_Comm_get_parent (made at the first call), null in a process that was not spawned. */
  parentComm(): SpawnedComm | null;
}

/** What each process is doing, for the launcher's deadlock reports (the embedded runtime). */
export interface CallWatch {
  /**
   * The public call now running on this process (e.g. `bcast`), its root
   * (-1 if none), and for a collective its communicator (the collective
   * shadow), call number and the bytes this process contributes (-1 if not
   * known); null when it returns.
   */
  noteCall(routine: string | null, root: number, comm?: CommHandle | null, seq?: number, bytes?: number): void;
}

/** What MPI_Info hints a port or name call passes on (key/value pairs). */
export type Hints = readonly (readonly [string, string])[];

/**
 * Ports and the name service. A transport's own (the embedded runtime's
 * launcher keeps them) offers `meet`, and src/coll/ports.ts builds the
 * intercommunicator on it; a library's offers `connectComm` and `joinComm`
 * instead, which do the whole collective.
 */
export interface PortService {
  openPort(info: Hints): string;
  closePort(port: string): void;
  publishName(service: string, port: string, info: Hints): void;
  unpublishName(service: string, port: string, info: Hints): void;
  lookupName(service: string, info: Hints): string;
  /**
   * The root's part of MPI_Comm_accept (`accept`) or _connect: wait at
   * `port` for the other side's root and exchange with it this group's
   * process ids and the lowest context id free on all of them; returns the
   * other group and the agreed context (the larger one: `ctx` and `ctx + 2`
   * are then free on both groups). Throws MpiFailure(ERR_PORT) when the port
   * is not open.
   */
  meet?(port: string, accept: boolean, group: Int32Array, ctx: number): { remote: Int32Array; ctx: number };
  /**
   * Identity of this transport's world of processes (the same string in every
   * process whose ids `group` and `makeComm` can name together): MPI_Comm_join
   * exchanges it, with the process id and a free context, over the socket.
   */
  readonly universe?: string;
  /**
   * Optional, with connectComm: at the root, before any rank enters the
   * library's Accept or Connect; throws MpiFailure(ERR_PORT) for a port
   * this process knows to be closed (the library would wait there forever).
   */
  checkPort?(port: string): void;
  /** The whole of MPI_Comm_accept/_connect in the library, collective over `comm` (a collective shadow); `port` counts at `root` only. */
  connectComm?(comm: CommHandle, port: string | null, info: Hints, root: number, accept: boolean): SpawnedComm;
  /** The whole of MPI_Comm_join in the library, over the connected socket `fd`. */
  joinComm?(fd: number): SpawnedComm;
}
