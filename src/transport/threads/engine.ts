/**
 * The embedded transport: ranks are worker threads of one process and
 * messages move through shared-memory rings (one SPSC ring per ordered pair
 * of processes, created on first use).
 *
 * Protocols:
 * - EAGER: payloads up to `eagerLimit` are copied into the ring with their
 *   envelope; the send completes as soon as the frame is written.
 * - Rendezvous (large payloads and every synchronous send): the sender writes
 *   RTS (envelope + size); when a receive matches it the receiver answers CTS
 *   on its own ring back; the sender then streams DATA chunks, which the
 *   receiver copies straight into the user's buffer. The ring never limits the
 *   message size and a large unexpected message never blocks the channel.
 *   With native/sched built, an RTS of 4 KiB or more also carries a pin of
 *   the sender's bytes (SingleCopy): the receiver copies them itself, once,
 *   and its CTS only completes the send (2 ranks, Send/Recv 1 MiB: 64-74 -> 40 us;
 *   16 MiB: 1750-3900 -> 1360-1740 us; `npx mpi4ts -n 2 bench/pingpong.ts`
 *   against MPI4TS_SINGLE_COPY=0, alternated).
 *
 * Progress is driven by the rank itself inside MPI calls (like most MPI
 * libraries without a progress thread): every blocking call drains all
 * incoming rings and pushes all queued outgoing frames, so two ranks that
 * both send before they receive still make progress.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import * as os from 'node:os';
// Imported: the global `performance` is a lazy getter in workers, looked up on every call.
import { performance } from 'node:perf_hooks';
import type {
  CallWatch, CollSegment, RmaCapability, CommHandle, Envelope, JobInfo, MatchedMessage, Operation, PortService, SharedSegments, SpawnCommand, SpawnOrigin, Transport,
} from '../spi.js';
import { SendMode } from '../spi.js';
import { MatchQueues, PROC_NULL } from '../../core/matching.js';
import { copyBytes, getWide, putWide } from '../../core/bytes.js';
import { CORES } from '../../core/cores.js';
import { ERR_PENDING, MpiFailure, ERR_INTERN, ERR_SPAWN } from '../../core/errorcodes.js';
import { EngineBase, completeProcNull, failChanged, failTruncated, procNullEnvelope } from '../base.js';
import type { RankBootstrap } from '../../core/bootstrap.js';
import { Ring, HEADER_BYTES, F_LEN, F_KIND, F_A, F_B, F_C, F_SIZE_LO, F_D, align8 } from './ring.js';
import { yieldCpu, singleCopy } from './yield.js';
import { RankWatch, unmatchedIn, BLOCK_PROBE, BLOCK_WAITANY, BLOCK_FINALIZE, type BlockedReport } from './watch.js';
import { Segments } from './segment.js';
import { Arena, OWN_BUFFERS, type Region, type SharedSpace } from './shared.js';
import { Mailbox } from './mailbox.js';
import type { PortReply, PortRequest } from './ports.js';
import { ProcTable, S_DOORBELL, S_PARKED, S_CHANNEL_EPOCH, S_STATE, STATE_RUNNING, STATE_FINISHED, H_LIVE } from './proctable.js';

/**
 * Rendezvous payloads from this size on are copied once, by the receiver,
 * straight from the sender's buffer, where the native helper is built
 * (threads of one process share the address space). Smaller ones, which only
 * synchronous sends take this way, go as DATA frames.
 *
 * Ownership: the sender pins its buffer before the RTS leaves and unpins it
 * when the CTS comes back, after the receiver's copy; meanwhile the memory
 * stays alive whatever the sender's program does with its ArrayBuffer. The
 * receiver copies into its own buffer itself (a pull), so nobody writes into
 * memory its owner may have given away; each side checks its own buffer
 * when its part completes and fails with ERR_BUFFER if it was detached or
 * shrunk (bufferChanged). Hot path cost: a pin and an unpin per message.
 */
const SINGLE_COPY_MIN = 4096;

/** An RTS frame's payload: the pin of the sender's bytes (SingleCopy.pin), low word then high word. */
function pinFrame(handle: number): Uint8Array {
  const frame = new Uint8Array(8);
  putWide(new Int32Array(frame.buffer), 0, handle);
  return frame;
}

/** Frame kinds. */
const EAGER = 1;
const RTS = 2;
const CTS = 3;
const DATA = 4;

/** A communicator of the threads transport. */
export interface ThreadsComm extends CommHandle {
  /** Context id of point-to-point traffic; collectives use `ctx + 1`. */
  readonly ctx: number;
  /** Global process id of each rank of the (remote, for intercommunicators) group. */
  readonly peers: Int32Array;
  /** Global process id of each rank of the local group. */
  readonly group: Int32Array;
  /** The same communicator on the collective context (itself for a shadow). */
  shadow: ThreadsComm;
}

/** The largest tag (MPI.TAG_UB). */
const TOP_TAG = 0x7fffffff;

function makeComm(ctx: number, group: Int32Array, rank: number, remote: Int32Array | null): ThreadsComm {
  const base = { rank, size: group.length, remoteSize: remote ? remote.length : 0, peers: remote ?? group, group };
  const comm = { ...base, ctx } as ThreadsComm;
  const shadow = { ...base, ctx: ctx + 1 } as ThreadsComm;
  comm.shadow = shadow;
  shadow.shadow = shadow;
  return comm;
}

/** Envelope of a message as matching sees it. */
class Incoming {
  constructor(
    readonly source: number,
    readonly tag: number,
    readonly size: number,
    /** Eager payload (private copy) or null for a rendezvous announcement. */
    readonly payload: Uint8Array | null,
    /** For RTS: who sent it and its send id. */
    readonly senderGpid: number,
    readonly sendId: number,
    /** A send to self in synchronous mode completes when this message is matched. */
    readonly selfSync: SendOp | null,
    /** For RTS: the pin of the sender's bytes, for a single copy (0: send them as DATA). */
    readonly pin = 0,
  ) {}
}

/** A message a matched probe took out of its context's unexpected queue. */
class Probed implements MatchedMessage {
  constructor(readonly ctx: number, readonly m: Incoming) {}
  get status(): Envelope { return { source: this.m.source, tag: this.m.tag, count: this.m.size, error: 0, cancelled: false }; }
}

/** A receive; it is its own envelope, to save an allocation per message. */
class RecvOp implements Operation, Envelope {
  done = false;
  count = 0;
  error = 0;
  cancelled = false;
  data: Uint8Array | null = null;
  failure: string | null = null;
  /** Size of the matched message; for rendezvous also the bytes still expected. */
  messageBytes = 0;
  /** Rendezvous state: bytes announced, bytes received so far. */
  expected = 0;
  received = 0;
  /** Bytes of `into` when the receive was posted: less later means the program detached or shrank it. */
  readonly intoBytes: number;
  constructor(
    readonly ctx: number,
    /** Until matched: what the receive asks for (maybe wildcards). Then: the message's envelope. */
    public source: number,
    public tag: number,
    readonly into: Uint8Array | null,
  ) {
    this.intoBytes = into === null ? 0 : into.length;
  }

  /** The user's buffer lost bytes since the receive was posted (checked before every copy into it). */
  get intoChanged(): boolean { return this.into !== null && this.into.length < this.intoBytes; }

  get status(): Envelope { return this; }
}

class SendOp implements Operation {
  done = false;
  readonly status: Envelope;
  readonly data = null;
  failure: string | null = null;
  /** Bytes of the message (of `bytes` when the send started). */
  readonly size: number;
  get messageBytes(): number { return this.size; }
  /** Global process id of the destination. */
  destGpid = -1;
  /** The pin of `bytes` while a receiver may copy from it (SingleCopy), else 0. */
  pin = 0;
  constructor(readonly bytes: Uint8Array, dest: number, tag: number) {
    this.size = bytes.length;
    this.status = { source: dest, tag, count: bytes.length, error: 0, cancelled: false };
  }
}

/** A frame (or a stream of DATA frames) waiting for room in a ring. */
interface Pending {
  kind: number;
  a: number;
  b: number;
  c: number;
  size: number;
  d: number;
  payload: Uint8Array | null;
  /** For DATA streams: next offset and end within payload. */
  offset: number;
  end: number;
  /** Completed when the frame (or the last DATA chunk) is written. */
  op: SendOp | null;
}

class OutChannel {
  readonly queue: Pending[] = [];
  constructor(readonly ring: Ring, readonly gpid: number) {}
}

class InChannel {
  constructor(readonly ring: Ring, readonly gpid: number) {}
}

/** Tunables, from the launcher (environment variables MPI4TS_*). */
export interface ThreadsConfig {
  /** Bytes of each ring (power of two). */
  readonly ringBytes: number;
  /** Largest payload sent eagerly. */
  readonly eagerLimit: number;
  /** How long a blocked rank polls before it parks, in microseconds (while processes <= cores). */
  readonly spinMicros: number;
  /**
   * While there are more processes than cores: how long a blocked rank polls
   * and yields its core between polls (sched_yield, when native/sched is
   * built) before it parks. The rank it waits for gets the core at once,
   * without a futex wake-up.
   */
  readonly yieldMicros: number;
}

export const defaultConfig: ThreadsConfig = { ringBytes: 1 << 20, eagerLimit: 64 << 10, spinMicros: 50, yieldMicros: 0 };

/** Messages the rank posts to the launcher. */
export type RankToLauncher =
  | { type: 'channel'; from: number; to: number; region: Region }
  | { type: 'abort'; gpid: number; code: number; reason: string }
  | { type: 'segment'; key: string; region: Region; to: number[] }
  | { type: 'spawn'; gpid: number; commands: SpawnCommand[]; parents: number[]; ctx: number }
  | { type: 'port'; gpid: number; request: PortRequest }
  | BlockedReport;

/** The launcher's answer to a 'spawn' request, on the rank's control port. */
export type SpawnReply = { type: 'spawned'; gpids: number[] } | { type: 'spawned'; error: string };

/** Messages the launcher hands to a rank (control port or mailbox, shared.ts). */
export type LauncherToRank =
  | { type: 'channel'; from: number; region: Region }
  | { type: 'segment'; key: string; region: Region }
  | SpawnReply
  | PortReply;

export class ThreadsTransport extends EngineBase implements Transport, SharedSegments, CallWatch {
  readonly name = 'threads';
  readonly job: JobInfo;
  readonly commWorld: ThreadsComm;
  readonly commSelf: ThreadsComm;
  readonly tagUpperBound = TOP_TAG;
  /** Unmatched arrivals with tag tagUpperBound (Transport.topTagArrivals): revocation notices, or a user's message at TAG_UB. */
  #topTag = 0;
  get topTagArrivals(): number { return this.#topTag; }
  /** Ranks share one address space: collectives get shared segments (collSegment below). */
  readonly sharedSegments: SharedSegments = this;
  /** The launcher's watch learns each rank's call, for deadlock reports (noteCall below). */
  readonly callWatch: CallWatch = this;

  readonly #gpid: number;
  readonly #table: ProcTable;
  readonly #words: Int32Array;
  readonly #doorbell: number;
  readonly #parked: number;
  readonly #epochIndex: number;
  #epoch = 0;
  /**
   * The launcher's messages to this rank, read synchronously (shared.ts):
   * its control port, or its mailbox in 'arena' sharing; null for a
   * singleton, which has no launcher.
   */
  readonly #control: { receive(): unknown } | null;
  /** Where this rank's rings and collective segments come from (shared.ts). */
  readonly #space: SharedSpace;
  readonly #post: (m: RankToLauncher) => void;
  readonly #config: ThreadsConfig;
  readonly #eagerLimit: number;

  /** Outgoing channel per destination gpid; incoming channels in creation order. */
  readonly #out = new Map<number, OutChannel>();
  readonly #in: InChannel[] = [];
  /** Outgoing channels with queued frames. */
  readonly #backlog = new Set<OutChannel>();
  /** Matching state per context id (small integers, so an array). */
  readonly #contexts: MatchQueues<RecvOp, Incoming>[] = [];
  /** Rendezvous sends waiting for CTS, and receives waiting for DATA, by id. */
  readonly #rdvSends = new Map<number, SendOp>();
  readonly #rdvRecvs = new Map<number, RecvOp>();
  #nextId = 1;
  readonly #host = os.hostname();
  /** Shared memory of collectives, per communicator. */
  readonly #segments: Segments;
  readonly spawnedBy: SpawnOrigin | null;
  /** The launcher's answer to this rank's pending spawn request. */
  #spawnReply: SpawnReply | null = null;
  /** The launcher's answer to this rank's pending port or name request. */
  #portReply: PortReply | null = null;
  /** Ports and names, kept by the launcher (absent in a process without one). */
  readonly ports?: PortService;
  /** What this rank is blocked in, published for the launcher's deadlock detection. */
  readonly #watch: RankWatch;

  constructor(boot: RankBootstrap, post: (m: RankToLauncher) => void) {
    super();
    this.#gpid = boot.gpid;
    this.#table = new ProcTable(boot.procTable);
    this.#words = this.#table.words;
    const arena = boot.arena !== undefined ? new Arena(boot.arena) : null;
    this.#space = arena ?? OWN_BUFFERS;
    this.#segments = new Segments(this.#table, boot.gpid, this.#space);
    this.#doorbell = this.#table.index(boot.gpid, S_DOORBELL);
    this.#parked = this.#table.index(boot.gpid, S_PARKED);
    this.#epochIndex = this.#table.index(boot.gpid, S_CHANNEL_EPOCH);
    const port = boot.controlPort;
    port?.unref?.();
    if (arena !== null && boot.mailbox !== undefined) this.#control = new Mailbox(boot.mailbox, arena);
    else this.#control = port === null ? null : { receive: () => receiveMessageOnPort(port)?.message };
    this.#post = post;
    // 'arena' sharing has no windows across ranks: a window's memory is the
    // user's own SharedArrayBuffer (its .buffer is exactly the window), which
    // cannot reach a worker that blocks.
    this.rma = this.#control === null || arena !== null ? undefined : this.#makeRma();
    this.#config = { ...defaultConfig, ...boot.config };
    this.#eagerLimit = Math.min(this.#config.eagerLimit, (this.#config.ringBytes >> 2) - HEADER_BYTES);
    this.job = { transport: 'threads', universeSize: boot.universeSize, appnum: boot.appnum, timeOrigin: boot.timeOrigin };
    this.commWorld = makeComm(0, Int32Array.from(boot.worldGpids), boot.worldRank, null);
    this.commSelf = makeComm(2, Int32Array.of(boot.gpid), 0, null);
    const parent = boot.parent ?? null;
    this.spawnedBy = parent && { ctx: parent.ctx, parents: Int32Array.from(parent.parents) };
    // The parents agreed on the intercommunicator's contexts (ctx, ctx + 2) before we existed.
    if (parent) this.skipContexts(parent.ctx + 4);
    this.#watch = new RankWatch(this.#table, boot.gpid, (m) => post({ ...m, gpid: boot.gpid }), () => unmatchedIn(this.#contexts));
    process.on('exit', () => this.#finalize());
    if (this.#control !== null) this.ports = this.#portService();
  }

  /**
   * Ports and names through the launcher: every call is one request on the
   * control port and one answer (as a spawn is), waited for with progress.
   */
  #portService(): PortService {
    const ask = (request: PortRequest): string | { remote: number[]; ctx: number } => {
      this.#portReply = null;
      this.#post({ type: 'port', gpid: this.#gpid, request });
      this.#block(null, () => this.#portReply !== null);
      const reply = this.#portReply!;
      this.#portReply = null;
      if ('error' in reply) throw new MpiFailure(reply.errorClass, reply.error);
      return reply.value;
    };
    return {
      // One Node.js process runs the whole job: its id names the processes' world.
      universe: `${os.hostname()}:${process.pid}`,
      openPort: () => ask({ op: 'open' }) as string,
      closePort: (port) => void ask({ op: 'close', port }),
      publishName: (service, port) => void ask({ op: 'publish', service, port }),
      unpublishName: (service, port) => void ask({ op: 'unpublish', service, port }),
      lookupName: (service) => ask({ op: 'lookup', service }) as string,
      meet: (port, accept, group, ctx) => {
        const r = ask({ op: 'meet', port, accept, group: Array.from(group), ctx }) as { remote: number[]; ctx: number };
        return { remote: Int32Array.from(r.remote), ctx: r.ctx };
      },
    };
  }

  /** See Transport.interruptCheck: called before each park, never per poll. */
  interruptCheck: (() => void) | null = null;

  noteCall(routine: string | null, root: number, comm?: CommHandle | null, seq?: number, bytes?: number): void {
    this.#watch.noteCall(routine, root, comm ? (comm as ThreadsComm).ctx : -1, seq ?? -1, bytes ?? -1);
  }

  collective(comm: CommHandle): CommHandle {
    return (comm as ThreadsComm).shadow;
  }

  collSegment(comm: CommHandle, bytes: number): CollSegment | null {
    const c = comm as ThreadsComm;
    if (c.remoteSize > 0 || c.size < 2 || this.#control === null || this.#segments.none.has(c)) return null;
    return this.#segments.get(c.ctx, c.group, c.rank, bytes,
      (key, region, to) => this.#post({ type: 'segment', key, region, to }));
  }

  /** One-sided windows: every rank of a communicator is a thread of this process (spi.ts RmaCapability). */
  readonly rma: RmaCapability | undefined;

  #makeRma(): RmaCapability {
    return {
    shareMemory: (comm, part, mine) => {
      const c = comm as ThreadsComm;
      const others = Int32Array.from(c.group.filter((g) => g !== this.#gpid));
      const region: Region = { sab: mine, offset: 0, bytes: mine.byteLength };
      return Array.from(c.group, (g, r) => this.#segments.share(`win:${c.ctx}:${part}:${g}`, r === c.rank ? region : null, others,
        (key, rg, to) => this.#post({ type: 'segment', key, region: rg, to })));
    },
    releaseMemory: (comm, part) => {
      const c = comm as ThreadsComm;
      for (const g of c.group) this.#segments.forget(`win:${c.ctx}:${part}:${g}`);
    },
    };
  }

  get processId(): number {
    return this.#gpid;
  }

  group(comm: CommHandle): Int32Array {
    return (comm as ThreadsComm).group;
  }

  remoteGroup(comm: CommHandle): Int32Array | null {
    const c = comm as ThreadsComm;
    return c.remoteSize > 0 ? c.peers : null;
  }

  makeComm(ctx: number, local: Int32Array, remote: Int32Array | null): CommHandle {
    const rank = local.indexOf(this.#gpid);
    if (rank < 0) throw new MpiFailure(ERR_INTERN, `process ${this.#gpid} is not in the new communicator's group`);
    return makeComm(ctx, local, rank, remote);
  }

  subgroupComm(parent: CommHandle, group: Int32Array): CommHandle {
    const c = this.makeComm((parent as ThreadsComm).shadow.ctx, group, null) as ThreadsComm;
    // It shares its parent's context: a segment keyed by that context is the parent's.
    this.#segments.none.add(c);
    this.#segments.none.add(c.shadow);
    return c;
  }

  freeComm(comm: CommHandle): void {
    // Matching state of the freed contexts is dropped once nothing is pending there.
    const c = comm as ThreadsComm;
    if (!this.#segments.none.has(c)) this.#segments.drop(c.ctx + 1, c.group);
    for (const ctx of [c.ctx, c.ctx + 1]) {
      const q = this.#contexts[ctx];
      if (q && q.postedReceives.length === 0 && q.unexpectedQueue.length === 0) this.#contexts[ctx] = undefined!;
    }
  }

  processorName(): string {
    return this.#host;
  }

  // ---- sends -----------------------------------------------------------

  send(comm: CommHandle, data: Uint8Array, dest: number, tag: number, mode: SendMode): void {
    if (dest === PROC_NULL) return;
    const c = comm as ThreadsComm;
    const gpid = c.peers[dest]!;
    // Fast path: an eager frame into a ring with nothing queued ahead of it.
    if (mode === SendMode.Standard && data.length <= this.#eagerLimit && gpid !== this.#gpid) {
      const ch = this.#outChannel(gpid);
      if (ch.queue.length === 0 && this.#writeFrame(ch, EAGER, c.ctx, c.rank, tag, data.length, 0, data, 0, data.length)) {
        this.#table.ring(gpid);
        return;
      }
    }
    const op = this.#startSend(c, data, dest, tag, mode, false);
    this.wait(op);
    if (op.failure !== null) throw new MpiFailure(op.status.error, op.failure);
  }

  isend(comm: CommHandle, data: Uint8Array, dest: number, tag: number, mode: SendMode, borrowed: boolean): Operation {
    const c = comm as ThreadsComm;
    if (dest === PROC_NULL) {
      const op = new SendOp(data, dest, tag);
      op.done = true;
      return op;
    }
    return this.#startSend(c, data, dest, tag, mode, borrowed);
  }

  #startSend(c: ThreadsComm, data: Uint8Array, dest: number, tag: number, mode: SendMode, borrowed: boolean): SendOp {
    const gpid = c.peers[dest]!;
    const size = data.length;
    if (gpid === this.#gpid) return this.#sendToSelf(c, data, dest, tag, mode);
    const ch = this.#outChannel(gpid);
    if (mode === SendMode.Standard && size <= this.#eagerLimit) {
      const op = new SendOp(data, dest, tag);
      if (ch.queue.length === 0 && this.#writeFrame(ch, EAGER, c.ctx, c.rank, tag, size, 0, data, 0, size)) {
        this.#table.ring(gpid);
        op.done = true;
        return op;
      }
      const payload = borrowed ? data.slice() : data;
      this.#enqueue(ch, { kind: EAGER, a: c.ctx, b: c.rank, c: tag, size, d: 0, payload, offset: 0, end: size, op });
      return op;
    }
    // Rendezvous: the payload stays in the caller's memory until CTS; a
    // borrowed buffer must be copied because the caller reuses it at once.
    const op = new SendOp(borrowed ? data.slice() : data, dest, tag);
    op.destGpid = gpid;
    const id = this.#nextId++;
    this.#rdvSends.set(id, op);
    // With the native helper the RTS carries a pin of the bytes: the receiver
    // copies them once, straight from here, and its CTS asks for nothing.
    // Bytes that cannot be pinned (a resizable buffer) go as DATA.
    if (size >= SINGLE_COPY_MIN && singleCopy !== null) op.pin = singleCopy.pin(op.bytes);
    const where = op.pin !== 0 ? pinFrame(op.pin) : null;
    this.#enqueue(ch, { kind: RTS, a: c.ctx, b: c.rank, c: tag, size, d: id, payload: where, offset: 0, end: where === null ? 0 : 8, op: null });
    return op;
  }

  #sendToSelf(c: ThreadsComm, data: Uint8Array, dest: number, tag: number, mode: SendMode): SendOp {
    const op = new SendOp(data, dest, tag);
    const sync = mode === SendMode.Synchronous;
    this.#deliver(c.ctx, new Incoming(c.rank, tag, data.length, data.slice(), -1, 0, sync ? op : null));
    if (!sync) op.done = true;
    return op;
  }

  #enqueue(ch: OutChannel, p: Pending): void {
    ch.queue.push(p);
    this.#backlog.add(ch);
    this.#flush(ch);
  }

  /** Write as much of the channel's queue as fits. True when the queue is empty. */
  #flush(ch: OutChannel): boolean {
    const q = ch.queue;
    let wrote = false;
    while (q.length > 0) {
      const p = q[0]!;
      // The program's own bytes, read only now: check they are still there.
      if (p.op !== null && p.payload !== null && p.payload.length < p.end) this.#payloadChanged(p);
      if (p.kind === DATA) {
        const chunkMax = ch.ring.maxChunk;
        while (p.offset < p.end) {
          const n = Math.min(chunkMax, p.end - p.offset);
          if (this.#writeFrame(ch, DATA, p.a, 0, 0, n, 0, p.payload, p.offset, n)) {
            p.offset += n;
            wrote = true;
          } else if (!ch.ring.announceWaiting(HEADER_BYTES + align8(n))) {
            break;
          }
        }
        if (p.offset < p.end) break;
      } else {
        const n = p.payload ? p.end : 0;
        if (this.#writeFrame(ch, p.kind, p.a, p.b, p.c, p.size, p.d, p.payload, 0, n)) {
          wrote = true;
        } else {
          // Ask the consumer to ring us when it frees space; retry if it already has.
          if (ch.ring.announceWaiting(HEADER_BYTES + align8(n))) continue;
          break;
        }
      }
      q.shift();
      if (p.op) p.op.done = true;
    }
    if (wrote) this.#table.ring(ch.gpid);
    if (q.length === 0) {
      this.#backlog.delete(ch);
      return true;
    }
    return false;
  }

  /**
   * A queued send's buffer was detached or shrunk before its bytes left:
   * send zeros instead (the receiver expects the announced size) and fail
   * the send with ERR_BUFFER at its Wait.
   */
  #payloadChanged(p: Pending): void {
    const op = p.op!;
    failChanged(op, 'buf', op.size, p.payload!.length);
    p.payload = new Uint8Array(p.end);
  }

  #writeFrame(ch: OutChannel, kind: number, a: number, b: number, c: number, size: number, d: number,
    payload: Uint8Array | null, from: number, n: number): boolean {
    const ring = ch.ring;
    const frameBytes = HEADER_BYTES + align8(n);
    const pos = ring.reserve(frameBytes);
    if (pos < 0) return false;
    const w = ring.words;
    const i = pos >> 2;
    w[i + F_LEN] = frameBytes;
    w[i + F_KIND] = kind;
    w[i + F_A] = a;
    w[i + F_B] = b;
    w[i + F_C] = c;
    putWide(w, i + F_SIZE_LO, size);
    w[i + F_D] = d;
    if (n > 0) copyBytes(ring.bytes, pos + HEADER_BYTES, payload!, from, n);
    ring.commit(frameBytes);
    return true;
  }

  #outChannel(gpid: number): OutChannel {
    let ch = this.#out.get(gpid);
    if (ch === undefined) {
      const ring = Ring.create(this.#config.ringBytes, this.#gpid, gpid, this.#space);
      ch = new OutChannel(ring, gpid);
      this.#out.set(gpid, ch);
      // The launcher hands the ring to the receiver; we may write at once.
      this.#post({ type: 'channel', from: this.#gpid, to: gpid, region: ring.region });
    }
    return ch;
  }

  // ---- receives --------------------------------------------------------

  #queues(ctx: number): MatchQueues<RecvOp, Incoming> {
    let q = this.#contexts[ctx];
    if (q === undefined) {
      q = new MatchQueues<RecvOp, Incoming>();
      this.#contexts[ctx] = q;
    }
    return q;
  }

  recv(comm: CommHandle, into: Uint8Array | null, source: number, tag: number): Operation {
    const op = this.irecv(comm, into, source, tag);
    if (!op.done) this.wait(op);
    return op;
  }

  irecv(comm: CommHandle, into: Uint8Array | null, source: number, tag: number): Operation {
    const c = comm as ThreadsComm;
    const op = new RecvOp(c.ctx, source, tag, into);
    if (source === PROC_NULL) {
      completeProcNull(op);
      return op;
    }
    // Messages already in the rings arrived after those in the unexpected
    // queue from the same sender, so matching the queue first keeps order.
    this.progress();
    const q = this.#queues(c.ctx);
    const i = q.findMessage(source, tag);
    if (i >= 0) this.#match(op, q.takeMessage(i));
    else q.postedReceives.push(op);
    return op;
  }

  /** A message arrived (or was sent to self): match it or queue it as unexpected. */
  #deliver(ctx: number, m: Incoming): void {
    const q = this.#queues(ctx);
    const op = q.takeReceive(m.source, m.tag);
    if (op) this.#match(op, m);
    else {
      q.unexpectedQueue.push(m);
      if (m.tag === TOP_TAG) this.#topTag++;
    }
  }

  /** Receive `op` matched message `m`. */
  #match(op: RecvOp, m: Incoming): void {
    op.source = m.source;
    op.tag = m.tag;
    op.messageBytes = m.size;
    if (m.selfSync) m.selfSync.done = true;
    if (m.payload !== null) {
      this.#landEager(op, m.payload, 0, m.size);
      return;
    }
    // Rendezvous: ask the sender for the data.
    op.expected = m.size;
    if (op.into === null) op.data = new Uint8Array(m.size);
    else if (m.size > op.intoBytes) failTruncated(op, m.size, op.intoBytes);
    let id = 0;
    if (m.size === 0) {
      op.count = 0;
      op.done = true;
    } else if (m.pin !== 0) {
      // The sender keeps its pin until our CTS: copy first, answer after.
      if (op.intoChanged) {
        failChanged(op, 'buf', op.intoBytes, op.into!.length);
      } else {
        const target = op.into ?? op.data!;
        const n = Math.min(m.size, target.length);
        singleCopy!.copyFrom(target, 0, m.pin, 0, n);
        op.count = n;
      }
      op.done = true;
    } else {
      id = this.#nextId++;
      this.#rdvRecvs.set(id, op);
    }
    this.#enqueue(this.#outChannel(m.senderGpid), {
      kind: CTS, a: m.sendId, b: id, c: 0, size: 0, d: 0, payload: null, offset: 0, end: 0, op: null,
    });
  }

  /** Put an eager payload (at bytes[from..from+size]) into the receive. */
  #landEager(op: RecvOp, bytes: Uint8Array, from: number, size: number): void {
    if (op.into === null) {
      const data = new Uint8Array(size);
      copyBytes(data, 0, bytes, from, size);
      op.data = data;
      op.count = size;
    } else if (op.intoChanged) {
      failChanged(op, 'buf', op.intoBytes, op.into.length);
    } else {
      let n = size;
      if (size > op.into.length) {
        failTruncated(op, size, op.intoBytes);
        n = op.into.length;
      }
      copyBytes(op.into, 0, bytes, from, n);
      op.count = n;
    }
    op.done = true;
  }

  iprobe(comm: CommHandle, source: number, tag: number): Envelope | null {
    if (source === PROC_NULL) return procNullEnvelope();
    this.progress();
    const q = this.#queues((comm as ThreadsComm).ctx);
    const i = q.findMessage(source, tag);
    if (i < 0) return null;
    const m = q.unexpectedQueue[i]!;
    return { source: m.source, tag: m.tag, count: m.size, error: 0, cancelled: false };
  }

  probe(comm: CommHandle, source: number, tag: number): Envelope {
    let env = this.iprobe(comm, source, tag);
    if (env) return env;
    this.#watch.hint(BLOCK_PROBE, (comm as ThreadsComm).ctx, source, tag);
    this.#block(null, () => (env = this.iprobe(comm, source, tag)) !== null);
    this.#watch.unblocked();
    return env!;
  }

  improbe(comm: CommHandle, source: number, tag: number): MatchedMessage | null {
    this.progress();
    const ctx = (comm as ThreadsComm).ctx;
    const q = this.#queues(ctx);
    const i = q.findMessage(source, tag);
    return i < 0 ? null : new Probed(ctx, q.takeMessage(i));
  }

  mprobe(comm: CommHandle, source: number, tag: number): MatchedMessage {
    let msg = this.improbe(comm, source, tag);
    if (msg) return msg;
    this.#watch.hint(BLOCK_PROBE, (comm as ThreadsComm).ctx, source, tag);
    this.#block(null, () => (msg = this.improbe(comm, source, tag)) !== null);
    this.#watch.unblocked();
    return msg!;
  }

  imrecv(message: MatchedMessage, into: Uint8Array | null): Operation {
    const p = message as Probed;
    const op = new RecvOp(p.ctx, p.m.source, p.m.tag, into);
    this.#match(op, p.m);
    return op;
  }

  cancel(op: Operation): void {
    if (!(op instanceof RecvOp) || op.done) return;
    const q = this.#queues(op.ctx);
    if (q.removeReceive(op)) {
      op.cancelled = true;
      op.done = true;
    }
  }

  // ---- progress --------------------------------------------------------

  /** Drain every incoming ring and push every queued outgoing frame. */
  progress(): void {
    if (Atomics.load(this.#words, this.#epochIndex) !== this.#epoch) this.#acceptChannels();
    const inc = this.#in;
    for (let k = 0; k < inc.length; k++) this.#drain(inc[k]!);
    if (this.#backlog.size > 0) for (const ch of this.#backlog) this.#flush(ch);
    if (this.hooks.length > 0) for (const hook of this.hooks) hook();
  }


  #acceptChannels(): void {
    this.#epoch = Atomics.load(this.#words, this.#epochIndex);
    const control = this.#control;
    if (control === null) return;
    for (let m = control.receive(); m !== undefined; m = control.receive()) {
      const msg = m as LauncherToRank;
      if (msg.type === 'channel') this.#in.push(new InChannel(Ring.attach(msg.region), msg.from));
      else if (msg.type === 'segment') this.#segments.arrived(msg.key, msg.region);
      else if (msg.type === 'spawned') this.#spawnReply = msg;
      else if (msg.type === 'ported') this.#portReply = msg;
    }
  }

  #drain(ch: InChannel): void {
    const ring = ch.ring;
    const w = ring.words;
    for (let pos = ring.peek(); pos >= 0; pos = ring.peek()) {
      const i = pos >> 2;
      const frameBytes = w[i + F_LEN]!;
      const kind = w[i + F_KIND]!;
      const size = getWide(w, i + F_SIZE_LO);
      const at = pos + HEADER_BYTES;
      if (kind === EAGER) {
        const ctx = w[i + F_A]!;
        const source = w[i + F_B]!;
        const tag = w[i + F_C]!;
        const op = this.#queues(ctx).takeReceive(source, tag);
        if (op) {
          op.source = source;
          op.tag = tag;
          op.messageBytes = size;
          this.#landEager(op, ring.bytes, at, size);
        } else {
          const payload = new Uint8Array(size);
          copyBytes(payload, 0, ring.bytes, at, size);
          this.#queues(ctx).unexpectedQueue.push(new Incoming(source, tag, size, payload, ch.gpid, 0, null));
          if (tag === TOP_TAG) this.#topTag++;
        }
      } else if (kind === DATA) {
        this.#landData(w[i + F_A]!, ring.bytes, at, size);
      } else if (kind === RTS) {
        // A frame longer than its header carries the pin of the sender's bytes (pinFrame).
        const pin = frameBytes > HEADER_BYTES ? getWide(w, at >> 2) : 0;
        this.#deliver(w[i + F_A]!, new Incoming(w[i + F_B]!, w[i + F_C]!, size, null, ch.gpid, w[i + F_D]!, null, pin));
      } else if (kind === CTS) {
        this.#clearToSend(ch.gpid, w[i + F_A]!, w[i + F_B]!);
      } else {
        throw new MpiFailure(ERR_INTERN, `corrupt frame kind ${kind} from process ${ch.gpid}`);
      }
      if (ring.release(frameBytes)) this.#table.ring(ch.gpid);
    }
  }

  #clearToSend(gpid: number, sendId: number, recvId: number): void {
    const op = this.#rdvSends.get(sendId);
    if (op === undefined) throw new MpiFailure(ERR_INTERN, `CTS for unknown send ${sendId}`);
    this.#rdvSends.delete(sendId);
    const size = op.size;
    if (op.pin !== 0) {
      // The receiver has copied (it answers after its copy): the memory may go.
      singleCopy!.unpin(op.pin);
      op.pin = 0;
      if (op.bytes.length < size) failChanged(op, 'buf', size, op.bytes.length);
    }
    if (size === 0 || recvId === 0) {
      op.done = true;
      return;
    }
    this.#enqueue(this.#outChannel(gpid), {
      kind: DATA, a: recvId, b: 0, c: 0, size: 0, d: 0, payload: op.bytes, offset: 0, end: size, op,
    });
  }

  #landData(recvId: number, bytes: Uint8Array, at: number, n: number): void {
    const op = this.#rdvRecvs.get(recvId);
    if (op === undefined) throw new MpiFailure(ERR_INTERN, `DATA for unknown receive ${recvId}`);
    const target = op.into ?? op.data!;
    if (op.intoChanged && op.failure === null) failChanged(op, 'buf', op.intoBytes, op.into!.length);
    const room = op.intoChanged ? 0 : Math.max(0, Math.min(n, target.length - op.received));
    if (room > 0) copyBytes(target, op.received, bytes, at, room);
    op.received += n;
    if (op.received >= op.expected) {
      this.#rdvRecvs.delete(recvId);
      op.count = op.intoChanged ? 0 : Math.min(op.expected, target.length);
      op.done = true;
    }
  }

  // ---- completion --------------------------------------------------------

  test(op: Operation): boolean {
    if (!op.done) this.progress();
    return op.done;
  }

  wait(op: Operation): void {
    if (op.done) return;
    this.#block(op, null);
    this.#watch.unblocked();
  }

  waitAny(ops: ReadonlyArray<Operation | null>): number {
    const find = (): number => {
      for (let i = 0; i < ops.length; i++) if (ops[i]?.done) return i;
      return -1;
    };
    let k = find();
    if (k >= 0) return k;
    this.#watch.hint(BLOCK_WAITANY, -1, -1, -1);
    this.#block(null, () => (k = find()) >= 0);
    this.#watch.unblocked();
    return k;
  }

  /**
   * Block until `ready()` holds: poll with progress for up to spinMicros, then
   * park on the doorbell.
   *
   * The hazard is a lost wake-up: a sender that writes just after our last
   * poll and rings before we sleep. We therefore announce `parked` first, then
   * read the doorbell value, then poll once more, and only then wait for the
   * doorbell to differ from the value read. A sender bumps the doorbell after
   * publishing its frame and notifies only when it sees `parked`; under
   * sequential consistency either our final poll sees the frame, or the
   * doorbell differs and the wait returns at once, or the sender saw `parked`
   * and notifies. The timeout is a safety net and a hook for deadlock checks,
   * not part of the protocol.
   */
  #block(op: Operation | null, until: (() => boolean) | null): void {
    // An operation or a predicate, so that plain waits allocate no closure.
    const words = this.#words;
    if (this.#control === null) {
      // A singleton (no launcher): nothing but this thread can ever satisfy the call.
      this.progress();
      if ((op !== null ? op.done : until!())) return;
      throw new MpiFailure(ERR_PENDING, 'the call would block forever: this process runs alone (start it with `mpi4ts -n N`)');
    }
    // More live processes than cores (counted by the launcher, spawned ones
    // included): a spinning rank would steal the core of the rank it waits
    // for, so poll and yield instead, then park.
    const over = Atomics.load(words, H_LIVE) > CORES;
    const spinMs = over ? 0 : this.#config.spinMicros / 1000;
    const yieldMs = over && yieldCpu !== null ? this.#config.yieldMicros / 1000 : 0;
    for (;;) {
      let n = 0;
      if (yieldMs > 0) {
        // Oversubscribed: the rank we wait for is most likely waiting for a
        // core (8 ranks on 2 cores: 6 of the others are), so poll once and
        // then give the core away, looking again each time it comes back.
        // After a yield, look at the condition before polling the channels:
        // it usually holds by then, and the look touches one cache line where
        // a poll touches one per channel. (8 ranks on 2 cores, Barrier: 16
        // polls before the first yield made it 20-40% slower, see bench/README.md.)
        this.progress();
        if ((op !== null ? op.done : until!())) return;
        const t1 = performance.now();
        do {
          yieldCpu!();
          if ((op !== null ? op.done : until!())) return;
          this.progress();
          if ((op !== null ? op.done : until!())) return;
        } while ((++n & 3) !== 0 || performance.now() - t1 < yieldMs);
      } else {
        const t0 = performance.now();
        do {
          this.progress();
          if ((op !== null ? op.done : until!())) return;
          // Read the clock only now and then: it costs more than a poll. While a
          // bulk transfer is under way the next chunk is microseconds away:
          // parking there would add a wake-up (tens of microseconds on a VM) per chunk.
          // Now and then let another thread have the core (the machine may be
          // busy with other work): an idle core returns from the yield at once.
          if ((n & 63) === 63 && yieldCpu !== null) yieldCpu();
        } while ((++n & 15) !== 0 || performance.now() - t0 < (this.#streaming() ? spinMs * 20 : spinMs));
      }
      // About to sleep: has another process abandoned the collective that
      // waits here (src/coll/ulfm.ts)? Once per park, so a poll costs nothing.
      if (this.interruptCheck) {
        try { this.interruptCheck(); } catch (e) { this.#watch.unblocked(); throw e; }
      }
      this.#watch.park(op);
      Atomics.add(words, this.#parked, 1);
      const seq = Atomics.load(words, this.#doorbell);
      this.progress();
      if ((op !== null ? op.done : until!())) {
        Atomics.sub(words, this.#parked, 1);
        return;
      }
      Atomics.wait(words, this.#doorbell, seq, 1000);
      Atomics.sub(words, this.#parked, 1);
    }
  }

  /** True while rendezvous data is flowing in or out of this rank. */
  #streaming(): boolean {
    return this.#rdvRecvs.size > 0 || this.#backlog.size > 0;
  }

  async waitAsync(op: Operation): Promise<void> {
    try { await this.#waitAsync(op); } finally { this.#watch.unblocked(); }
  }

  async #waitAsync(op: Operation): Promise<void> {
    const words = this.#words;
    while (!this.test(op)) {
      // With nothing else pending in this thread (no timer, socket, file
      // request...), only a message can end the wait: count it as blocked for
      // deadlock detection. Anything pending: it may yet send, so not blocked.
      if (process.getActiveResourcesInfo().length === 0) this.#watch.park(op);
      else this.#watch.unblocked();
      Atomics.add(words, this.#parked, 1);
      const seq = Atomics.load(words, this.#doorbell);
      this.progress();
      if (op.done) {
        Atomics.sub(words, this.#parked, 1);
        return;
      }
      const r = Atomics.waitAsync(words, this.#doorbell, seq, 1000);
      if (r.async) {
        // A pending Atomics.waitAsync does not keep the event loop alive: without
        // this timer a rank whose only work is `await comm.irecv()` would exit.
        const keepAlive = setTimeout(() => {}, 2000);
        await r.value;
        clearTimeout(keepAlive);
      }
      Atomics.sub(words, this.#parked, 1);
    }
  }

  spawn(commands: readonly SpawnCommand[], parents: Int32Array, ctx: number): Int32Array {
    if (this.#control === null) {
      throw new MpiFailure(ERR_SPAWN, 'cannot start processes: this process runs alone, without the launcher (start it with `mpi4ts -n 1 --usize N script`)');
    }
    // The launcher starts the children and answers on the control port (like
    // a new channel: epoch bump, then doorbell); we keep progressing meanwhile.
    this.#spawnReply = null;
    this.#post({ type: 'spawn', gpid: this.#gpid, commands: commands.map((c) => ({ ...c, args: [...c.args] })), parents: Array.from(parents), ctx });
    this.#block(null, () => this.#spawnReply !== null);
    const reply = this.#spawnReply!;
    this.#spawnReply = null;
    if ('error' in reply) throw new MpiFailure(ERR_SPAWN, reply.error);
    return Int32Array.from(reply.gpids);
  }

  abort(code: number, reason: string): never {
    this.#post({ type: 'abort', gpid: this.#gpid, code, reason });
    // The launcher terminates every rank, this one included; never return.
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (;;) Atomics.wait(sleeper, 0, 0);
  }

  /**
   * At the rank's exit (MPI_Finalize): push out what is still queued for
   * peers that are alive, and complete started rendezvous sends, so that a
   * rank that ends right after `isend` does not leave its peer waiting for a
   * message that was never written. Peers that have ended are not waited for.
   */
  #finalize(): void {
    if (this.#control === null) return;
    const table = this.#table;
    const alive = (gpid: number): boolean =>
      Atomics.load(table.words, table.index(gpid, S_STATE)) === STATE_RUNNING;
    const words = this.#words;
    this.#watch.hint(BLOCK_FINALIZE, -1, -1, -1);
    for (;;) {
      this.progress();
      for (const ch of this.#backlog) if (!alive(ch.gpid)) this.#backlog.delete(ch);
      let waiting = this.#backlog.size > 0;
      for (const op of this.#rdvSends.values()) if (alive(op.destGpid)) waiting = true;
      if (!waiting) break;
      this.#watch.park(null);
      Atomics.add(words, this.#parked, 1);
      const seq = Atomics.load(words, this.#doorbell);
      this.progress();
      Atomics.wait(words, this.#doorbell, seq, 50);
      Atomics.sub(words, this.#parked, 1);
    }
    Atomics.store(table.words, table.index(this.#gpid, S_STATE), STATE_FINISHED);
  }
}
