/**
 * Intercommunicators: construction (MPI_Intercomm_create, _merge) and
 * collectives across the two groups. Each side works inside its own group
 * over a local intracommunicator and the two leaders (rank 0 of each group)
 * talk across; the root of a rooted collective passes MPI_ROOT, the other
 * ranks of its group MPI_PROC_NULL, the remote group the root's rank.
 *
 * Blocking Barrier, Bcast, Reduce and Allreduce go to the transport's
 * library where it has one (the native transport), so that the other group
 * may be any MPI program: a C or Python parent of spawned mpi4ts processes.
 * Non-blocking calls keep to the algorithms here: a step of a
 * CollectiveOp may start late, and the library matches collectives in the
 * order they start.
 */
import { SendMode } from '../transport/spi.js';
import type { CommHandle, LibraryCollectives, Operation, Transport } from '../transport/spi.js';
import { builtinCodec, type ObjectCodec } from '../core/msgobject.js';
import { ERR_UNSUPPORTED_OPERATION, MpiFailure } from '../core/errorcodes.js';
import { collContext, libraryOf, settle, type CollContext, type Schedule } from './schedule.js';
import * as obj from './object.js';
import * as buf from './buffer.js';
import { createGroup } from './comm.js';

/** MPI_ROOT and MPI_PROC_NULL, as the API passes them. */
export const ROOT = -3;
export const PROC_NULL = -2;

/** An intercommunicator as the collectives see it. */
export interface InterComm {
  readonly inter: CommHandle;
  /** Intracommunicator over the local group (its own context). */
  readonly local: CommHandle;
}

/** Contexts for one collective call on an intercommunicator. */
export interface InterContext {
  /** Across the groups, for the algorithms here (both groups run them). */
  readonly x: CollContext;
  /** Within the local group. */
  readonly local: CollContext;
  readonly remoteSize: number;
  /** The library's collectives across the groups (on `acrossComm`); undefined in a non-blocking call or without a library. */
  readonly library: LibraryCollectives | undefined;
  readonly acrossComm: CommHandle;
  /** Raise the failure the local steps recorded on the way (CollContext.failure), once the call has ended. */
  readonly settle: () => void;
}

/**
 * Contexts for one call. `nonBlocking`: the call runs as a CollectiveOp, side
 * by side with other calls on the same intercommunicator. Its local phases
 * then stay on the point-to-point algorithms: the leader reaches them later
 * than the other ranks (after its exchange across), so two calls in flight
 * reach the local collectives in different orders on different ranks, which
 * the per-call tags of the point-to-point algorithms tolerate and the
 * shared-memory path (src/coll/shm.ts, which numbers calls by arrival) does not.
 */
export function interContext(t: Transport, ic: InterComm, nonBlocking = false): InterContext {
  return contextsAcross(t, ic, collContext(t, ic.local, !nonBlocking), collContext(t, ic.inter, !nonBlocking), nonBlocking);
}

/**
 * For a persistent call (src/coll/persistent.ts): contexts taken now, handed
 * out afresh for each round (same tags, no failure recorded), as for a
 * non-blocking call.
 */
export function roundsOf(t: Transport, ic: InterComm): () => InterContext {
  const local = collContext(t, ic.local);
  const x = collContext(t, ic.inter);
  return () => contextsAcross(t, ic, { ...local, failure: null }, { ...x, shm: false, failure: null }, true);
}

function contextsAcross(t: Transport, ic: InterComm, local: CollContext, x: CollContext, nonBlocking: boolean): InterContext {
  const library = nonBlocking ? undefined : libraryOf(x);
  const across = { remoteSize: ic.inter.remoteSize, library, acrossComm: x.comm };
  const foreign = t.libraryComms?.foreignGroup(ic.inter) ?? null;
  if (foreign === null) {
    const l = nonBlocking ? { ...local, shm: false } : local;
    return { x, local: l, ...across, settle: () => settle(l) };
  }
  // The other group runs no algorithm of ours: a call that would is refused
  // on every rank that takes part (it reaches `x` or `local`), before any message.
  const refuse = (): never => { throw new MpiFailure(ERR_UNSUPPORTED_OPERATION, foreign); };
  return { get x() { return refuse(); }, get local() { return refuse(); }, ...across, settle: () => undefined };
}

const own = (v: unknown, codec: ObjectCodec = builtinCodec): Uint8Array => codec.dumps(v).slice();

function* exchange(c: CollContext, bytes: Uint8Array, peer: number): Schedule<Uint8Array> {
  const r = c.t.irecv(c.comm, null, peer, c.tag);
  const s = c.t.isend(c.comm, bytes, peer, c.tag, SendMode.Standard, false);
  yield [s, r];
  return r.data ?? new Uint8Array(0);
}

// ---- construction ---------------------------------------------------------------

/**
 * MPI_Intercomm_create. `local` is this group's intracommunicator; the
 * leaders talk over `peer` with the user's tag. Two context pairs are agreed
 * across both groups: one for the intercommunicator, one for its local side.
 */
export function* create(t: Transport, local: CommHandle, localLeader: number, peer: CommHandle | null,
  remoteLeader: number, tag: number): Schedule<InterComm> {
  const lc = collContext(t, local);
  const mine = (yield* obj.allgather(lc, t.nextContext())) as number[];
  let info: [number, number[]] | null = null;
  if (local.rank === localLeader) {
    const pc: CollContext = { t, comm: peer!, rank: peer!.rank, size: peer!.size, tag };
    const sent = own([Math.max(...mine), Array.from(t.group(local))]);
    const got = builtinCodec.loads(yield* exchange(pc, sent, remoteLeader), true) as [number, number[]];
    info = [Math.max(Math.max(...mine), got[0]), got[1]];
  }
  const [ctx, remote] = (yield* obj.bcast(lc, info, localLeader)) as [number, number[]];
  t.claimContext(ctx);
  t.claimContext(ctx + 2);
  const group = t.group(local);
  return { inter: t.makeComm(ctx, group, Int32Array.from(remote)), local: t.makeComm(ctx + 2, group, null) };
}

/**
 * MPI_Intercomm_create_from_groups: the local group's intracommunicator is
 * made as MPI_Comm_create_group over `world` (which holds every member of
 * both groups) with `localTag`, then the leaders talk over a communicator of
 * their own two (on world's collective context, out of users' reach) with
 * `leaderTag` (the same at both). `remoteLeaderId` is the remote leader's process id.
 */
export function* createFromGroups(t: Transport, world: CommHandle, local: Int32Array, localLeader: number,
  remoteLeaderId: number, localTag: number, leaderTag: number): Schedule<InterComm> {
  const lcomm = yield* createGroup(t, world, local, localTag);
  let pair: CommHandle | null = null;
  try {
    let remoteLeader = 0;
    if (lcomm.rank === localLeader) {
      const me = t.processId;
      pair = t.subgroupComm(world, me < remoteLeaderId ? Int32Array.of(me, remoteLeaderId) : Int32Array.of(remoteLeaderId, me));
      remoteLeader = me < remoteLeaderId ? 1 : 0;
    }
    return yield* create(t, lcomm, localLeader, pair, remoteLeader, 0x40000000 | leaderTag);
  } finally {
    if (pair !== null) t.freeComm(pair);
    t.freeComm(lcomm);
  }
}

/**
 * MPI_Intercomm_merge: one intracommunicator of both groups, the group that
 * passed high=false first (if both passed the same, the group whose leader
 * has the lower process id).
 */
export function* merge(t: Transport, ic: InterComm, high: boolean): Schedule<CommHandle> {
  const made = t.libraryComms?.mergeComm(ic.inter, high) ?? null;
  if (made !== null) return made;
  const c = interContext(t, ic);
  const mine = (yield* obj.allgather(c.local, t.nextContext())) as number[];
  let info: [number, boolean, number] | null = null;
  if (ic.local.rank === 0) {
    const got = builtinCodec.loads(yield* exchange(c.x, own([Math.max(...mine), high, t.processId]), 0), true) as [number, boolean, number];
    info = [Math.max(Math.max(...mine), got[0]), got[1], got[2]];
  }
  const [ctx, remoteHigh, remoteLeader] = (yield* obj.bcast(c.local, info, 0)) as [number, boolean, number];
  t.claimContext(ctx);
  const localIds = t.group(ic.local);
  const remoteIds = t.remoteGroup(ic.inter)!;
  const localFirst = high !== remoteHigh ? !high : t.group(ic.local)[0]! < remoteLeader;
  const all = localFirst ? [...localIds, ...remoteIds] : [...remoteIds, ...localIds];
  return t.makeComm(ctx, Int32Array.from(all), null);
}

// ---- collectives -------------------------------------------------------------------

/** Barrier across both groups: local barriers around a leaders' exchange. */
export function* barrier(c: InterContext): Schedule<void> {
  const lib = c.library?.barrier(c.acrossComm);
  if (lib) return yield* buf.library(lib);
  yield* obj.barrier(c.local);
  if (c.local.rank === 0) yield* exchange(c.x, new Uint8Array(0), 0);
  yield* obj.barrier(c.local);
}

/** bcast of an object: the root sends to the remote leader, who broadcasts in its group. */
export function* bcast(c: InterContext, value: unknown, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  if (root === PROC_NULL) return undefined;
  if (root === ROOT) {
    yield c.x.t.isend(c.x.comm, own(value, codec), 0, c.x.tag, SendMode.Standard, false);
    return value;
  }
  let bytes: Uint8Array | null = null;
  if (c.local.rank === 0) {
    const r = c.x.t.irecv(c.x.comm, null, root, c.x.tag);
    yield r;
    bytes = r.data ?? new Uint8Array(0);
  }
  return codec.loads(yield* obj.bcastBytes(c.local, bytes, 0), true);
}

/** Bcast of a buffer (in place in the remote group). */
export function* Bcast(c: InterContext, data: Uint8Array, root: number): Schedule<void> {
  const lib = c.library?.bcast(c.acrossComm, data, root);
  if (lib) return yield* buf.library(lib);
  if (root === PROC_NULL) return;
  if (root === ROOT) {
    yield c.x.t.isend(c.x.comm, data, 0, c.x.tag, SendMode.Standard, false);
    return;
  }
  if (c.local.rank === 0) {
    const r: Operation = c.x.t.irecv(c.x.comm, data, root, c.x.tag);
    yield r;
    buf.defer(c.local, r); // raised once the group has its data (settle): its ranks wait for it
  }
  yield* buf.bcast(c.local, data, 0);
}

/** gather of objects to a root in the other group: a local gather, then the leader sends the list. */
export function* gather(c: InterContext, value: unknown, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown[] | undefined> {
  if (root === PROC_NULL) return undefined;
  if (root === ROOT) {
    const r = c.x.t.irecv(c.x.comm, null, 0, c.x.tag);
    yield r;
    return codec.loads(r.data!, true) as unknown[];
  }
  const all = yield* obj.gather(c.local, value, 0, codec);
  if (c.local.rank === 0) yield c.x.t.isend(c.x.comm, own(all, codec), root, c.x.tag, SendMode.Standard, false);
  return undefined;
}

/** scatter of objects from a root in the other group. */
export function* scatter(c: InterContext, values: readonly unknown[] | null, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  if (root === PROC_NULL) return undefined;
  if (root === ROOT) {
    yield c.x.t.isend(c.x.comm, own(values, codec), 0, c.x.tag, SendMode.Standard, false);
    return undefined;
  }
  let items: unknown[] | null = null;
  if (c.local.rank === 0) {
    const r = c.x.t.irecv(c.x.comm, null, root, c.x.tag);
    yield r;
    items = codec.loads(r.data!, true) as unknown[];
  }
  return yield* obj.scatter(c.local, items, 0, codec);
}

/** reduce of objects to a root in the other group: a local reduction, then the leader sends it. */
export function* reduce(c: InterContext, value: unknown, op: obj.Combiner, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  if (root === PROC_NULL) return undefined;
  if (root === ROOT) {
    const r = c.x.t.irecv(c.x.comm, null, 0, c.x.tag);
    yield r;
    return codec.loads(r.data!, true);
  }
  const partial = yield* obj.reduce(c.local, value, op, 0, codec);
  if (c.local.rank === 0) yield c.x.t.isend(c.x.comm, own(partial, codec), root, c.x.tag, SendMode.Standard, false);
  return undefined;
}

/**
 * A rooted buffer collective towards the other group: the root receives into
 * `recv` what the remote leader sends; in the other group `collect` combines
 * the ranks' data into a buffer of `bytes` at the leader, who sends it on.
 */
function* towardsRoot(c: InterContext, recv: Uint8Array | null, root: number, bytes: number,
  collect: (leaderBuffer: Uint8Array | null) => Schedule<void>): Schedule<void> {
  if (root === PROC_NULL) return;
  if (root === ROOT) {
    const r = c.x.t.irecv(c.x.comm, recv!, 0, c.x.tag);
    yield r;
    buf.check(r);
    return;
  }
  const tmp = c.local.rank === 0 ? new Uint8Array(bytes) : null;
  yield* collect(tmp);
  if (tmp) yield c.x.t.isend(c.x.comm, tmp, root, c.x.tag, SendMode.Standard, false);
}

/** Reduce of buffers to a root in the other group. */
export function* Reduce(c: InterContext, send: Uint8Array, recv: Uint8Array | null, count: number,
  type: Parameters<typeof buf.reduce>[4], op: buf.BufferCombiner, root: number): Schedule<void> {
  const lib = c.library?.reduce(c.acrossComm, send, recv, type, buf.opName(op), root);
  if (lib) return yield* buf.library(lib);
  yield* towardsRoot(c, recv, root, send.length, (tmp) => buf.reduce(c.local, send, tmp, count, type, op, 0));
}

/** allgather across: every rank gets the remote group's values, in rank order. */
export function* allgather(c: InterContext, value: unknown, codec: ObjectCodec = builtinCodec): Schedule<unknown[]> {
  const mine = yield* obj.gather(c.local, value, 0, codec);
  let theirs: unknown[] | null = null;
  if (c.local.rank === 0) theirs = codec.loads(yield* exchange(c.x, own(mine, codec), 0), true) as unknown[];
  return (yield* obj.bcast(c.local, theirs, 0, codec)) as unknown[];
}

/** allreduce across: every rank gets the reduction of the remote group's values. */
export function* allreduce(c: InterContext, value: unknown, op: obj.Combiner, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  const mine = yield* obj.reduce(c.local, value, op, 0, codec);
  let theirs: unknown = null;
  if (c.local.rank === 0) theirs = codec.loads(yield* exchange(c.x, own(mine, codec), 0), true);
  return yield* obj.bcast(c.local, theirs, 0, codec);
}

// ---- buffer collectives across the groups ---------------------------------------------

/** Gather of equal blocks from the other group at root (recv: remoteSize blocks). */
export function* Gather(c: InterContext, send: Uint8Array, recv: Uint8Array | null, root: number): Schedule<void> {
  yield* towardsRoot(c, recv, root, send.length * c.local.size, (all) => buf.gather(c.local, send, all, 0));
}

/** Scatter of equal blocks from root to the other group (send: remoteSize blocks). */
export function* Scatter(c: InterContext, send: Uint8Array | null, recv: Uint8Array, root: number): Schedule<void> {
  if (root === PROC_NULL) return;
  if (root === ROOT) {
    yield c.x.t.isend(c.x.comm, send!, 0, c.x.tag, SendMode.Standard, false);
    return;
  }
  let all: Uint8Array | null = null;
  if (c.local.rank === 0) {
    all = new Uint8Array(recv.length * c.local.size);
    const r = c.x.t.irecv(c.x.comm, all, root, c.x.tag);
    yield r;
    buf.defer(c.local, r); // raised once the group has its data (settle): its ranks wait for it
  }
  yield* buf.scatter(c.local, all, recv, 0);
}

/**
 * The leaders swap their group's data (`mine`, null off the leader) for the
 * other group's, received into `recv`, which then reaches every rank of the group.
 */
function* swapAndSpread(c: InterContext, mine: Uint8Array | null, recv: Uint8Array): Schedule<void> {
  if (mine) {
    const r = c.x.t.irecv(c.x.comm, recv, 0, c.x.tag);
    const s = c.x.t.isend(c.x.comm, mine, 0, c.x.tag, SendMode.Standard, false);
    yield [s, r];
    buf.defer(c.local, r); // raised once the group has its data (settle): its ranks wait for it
  }
  yield* buf.bcast(c.local, recv, 0);
}

/** Every rank gets the blocks of every rank of the other group (recv: remoteSize blocks). */
export function* Allgather(c: InterContext, send: Uint8Array, recv: Uint8Array): Schedule<void> {
  const mine = c.local.rank === 0 ? new Uint8Array(send.length * c.local.size) : null;
  yield* buf.gather(c.local, send, mine, 0);
  yield* swapAndSpread(c, mine, recv);
}

/** Every rank gets the reduction of the other group's buffers. */
export function* Allreduce(c: InterContext, send: Uint8Array, recv: Uint8Array, count: number,
  type: Parameters<typeof buf.reduce>[4], op: buf.BufferCombiner): Schedule<void> {
  const lib = c.library?.allreduce(c.acrossComm, send, recv, type, buf.opName(op));
  if (lib) return yield* buf.library(lib);
  const mine = c.local.rank === 0 ? new Uint8Array(send.length) : null;
  yield* buf.reduce(c.local, send, mine, count, type, op, 0);
  yield* swapAndSpread(c, mine, recv);
}

/** Block j of send goes to remote rank j; block j of recv comes from remote rank j. */
export function* Alltoall(c: InterContext, send: Uint8Array, recv: Uint8Array): Schedule<void> {
  const n = c.remoteSize;
  const sb = send.length / n;
  const rb = recv.length / n;
  const ops: Operation[] = [];
  for (let j = 0; j < n; j++) {
    ops.push(c.x.t.irecv(c.x.comm, recv.subarray(j * rb, (j + 1) * rb), j, c.x.tag));
    ops.push(c.x.t.isend(c.x.comm, send.subarray(j * sb, (j + 1) * sb), j, c.x.tag, SendMode.Standard, false));
  }
  yield ops;
}

/** Objects: item j to remote rank j, one item from each remote rank. */
export function* alltoall(c: InterContext, values: readonly unknown[], codec: ObjectCodec = builtinCodec): Schedule<unknown[]> {
  const n = c.remoteSize;
  const recvs: Operation[] = [];
  const sends: Operation[] = [];
  for (let j = 0; j < n; j++) {
    recvs.push(c.x.t.irecv(c.x.comm, null, j, c.x.tag));
    sends.push(c.x.t.isend(c.x.comm, own(values[j], codec), j, c.x.tag, SendMode.Standard, false));
  }
  yield [...sends, ...recvs];
  return recvs.map((r) => codec.loads(r.data ?? new Uint8Array(0), true));
}

// ---- duplication and splitting --------------------------------------------------------

/**
 * A context id free on every process of both groups: the maximum of the
 * members' next free ids, agreed in each group and swapped by the leaders,
 * then claimed with the pair after it (the new local intracommunicator's).
 */
function* agreeAcross(c: InterContext, extra: unknown = null): Schedule<[number, unknown]> {
  const t = c.x.t;
  const mine = (yield* obj.allgather(c.local, [t.nextContext(), extra])) as [number, unknown][];
  const localMax = Math.max(...mine.map((m) => m[0]));
  const localExtra = mine.map((m) => m[1]);
  let info: [number, unknown[]] | null = null;
  if (c.local.rank === 0) {
    const got = builtinCodec.loads(yield* exchange(c.x, own([localMax, localExtra]), 0), true) as [number, unknown[]];
    info = [Math.max(localMax, got[0]), got[1]];
  }
  const [ctx, remoteExtra] = (yield* obj.bcast(c.local, info, 0)) as [number, unknown[]];
  t.claimContext(ctx);
  t.claimContext(ctx + 2);
  return [ctx, [localExtra, remoteExtra]];
}

/** MPI_Comm_dup on an intercommunicator: the same groups, new contexts. */
export function* dup(t: Transport, ic: InterComm): Schedule<InterComm> {
  const lib = t.libraryComms?.splitInter(ic.inter, ic.local, null, 0);
  if (lib) return lib;
  const [ctx] = yield* agreeAcross(interContext(t, ic));
  const group = t.group(ic.local);
  return { inter: t.makeComm(ctx, group, t.remoteGroup(ic.inter)), local: t.makeComm(ctx + 2, group, null) };
}

/**
 * MPI_Comm_split on an intercommunicator: each group is split by color
 * (ordered by key, then rank), and the part of one group of a color is joined
 * with the part of the other group of the same color. Null (COMM_NULL) for
 * color `undefinedColor`, or when the other group has no process of the color.
 */
export function* split(t: Transport, ic: InterComm, color: number, key: number, undefinedColor: number): Schedule<InterComm | null> {
  const lib = t.libraryComms?.splitInter(ic.inter, ic.local, color === undefinedColor ? -1 : color, key);
  if (lib !== undefined) return lib;
  const [ctx, lists] = yield* agreeAcross(interContext(t, ic), [color, key]);
  const [local, remote] = lists as [[number, number][], [number, number][]];
  if (color === undefinedColor) return null;
  const members = (all: [number, number][], ids: Int32Array): Int32Array => Int32Array.from(
    all.map(([col, k], rank) => ({ col, k, rank }))
      .filter((m) => m.col === color)
      .sort((a, b) => a.k - b.k || a.rank - b.rank),
    (m) => ids[m.rank]!);
  const localIds = members(local, t.group(ic.local));
  const remoteIds = members(remote, t.remoteGroup(ic.inter)!);
  if (remoteIds.length === 0) return null;
  return { inter: t.makeComm(ctx, localIds, remoteIds), local: t.makeComm(ctx + 2, localIds, null) };
}

// ---- v-collectives across the groups: blocks go straight between the two ranks ------------

type Block = readonly [number, number];
const part = (bytes: Uint8Array, [off, len]: Block): Uint8Array => bytes.subarray(off, off + len);

/** Gatherv at a root in the other group: every remote rank's block lands in its slot of `recv`. */
export function* Gatherv(c: InterContext, send: Uint8Array, recv: Uint8Array | null, blocks: readonly Block[] | null,
  root: number): Schedule<void> {
  if (root === PROC_NULL) return;
  if (root === ROOT) {
    const ops = blocks!.map((b, j) => c.x.t.irecv(c.x.comm, part(recv!, b), j, c.x.tag));
    yield ops;
    for (const op of ops) buf.check(op);
    return;
  }
  yield c.x.t.isend(c.x.comm, send, root, c.x.tag, SendMode.Standard, false);
}

/** Scatterv from a root in the other group: block j of `send` to remote rank j. */
export function* Scatterv(c: InterContext, send: Uint8Array | null, blocks: readonly Block[] | null, recv: Uint8Array,
  root: number): Schedule<void> {
  if (root === PROC_NULL) return;
  if (root === ROOT) {
    yield blocks!.map((b, j) => c.x.t.isend(c.x.comm, part(send!, b), j, c.x.tag, SendMode.Standard, false));
    return;
  }
  const op = c.x.t.irecv(c.x.comm, recv, root, c.x.tag);
  yield op;
  buf.check(op);
}

/** Allgatherv across: `send` to every remote rank, remote rank j's block into slot j of `recv`. */
export function* Allgatherv(c: InterContext, send: Uint8Array, recv: Uint8Array, blocks: readonly Block[]): Schedule<void> {
  const recvs = blocks.map((b, j) => c.x.t.irecv(c.x.comm, part(recv, b), j, c.x.tag));
  const sends: Operation[] = [];
  for (let j = 0; j < c.remoteSize; j++) sends.push(c.x.t.isend(c.x.comm, send, j, c.x.tag, SendMode.Standard, false));
  yield [...sends, ...recvs];
  for (const op of recvs) buf.check(op);
}

/** Alltoallv across: send block j to remote rank j, receive remote rank j's into recv block j. */
export function* Alltoallv(c: InterContext, send: Uint8Array, sendBlocks: readonly Block[], recv: Uint8Array,
  recvBlocks: readonly Block[]): Schedule<void> {
  const recvs = recvBlocks.map((b, j) => c.x.t.irecv(c.x.comm, part(recv, b), j, c.x.tag));
  const sends = sendBlocks.map((b, j) => c.x.t.isend(c.x.comm, part(send, b), j, c.x.tag, SendMode.Standard, false));
  yield [...sends, ...recvs];
  for (const op of recvs) buf.check(op);
}

/**
 * Reduce_scatter across: the other group's buffers are reduced at its leader
 * (`count` elements: the sum of this group's block sizes), the leaders swap
 * the reductions, and each leader scatters its result over its group,
 * `counts[i]` elements to rank i (null: each rank's `myCount`, gathered).
 */
export function* ReduceScatter(c: InterContext, send: Uint8Array, count: number, type: Parameters<typeof buf.reduce>[4],
  op: buf.BufferCombiner, counts: readonly number[] | null, myCount: number, recv: Uint8Array): Schedule<void> {
  const cs = counts ?? ((yield* obj.allgather(c.local, myCount)) as number[]);
  let at = 0;
  const blocks = cs.map((k): Block => { const b = [at, k * type.size] as const; at += k * type.size; return b; });
  const mine = c.local.rank === 0 ? new Uint8Array(send.length) : null;
  yield* buf.reduce(c.local, send, mine, count, type, op, 0);
  let theirs: Uint8Array | null = null;
  if (mine) {
    theirs = new Uint8Array(at);
    const r = c.x.t.irecv(c.x.comm, theirs, 0, c.x.tag);
    const s = c.x.t.isend(c.x.comm, mine, 0, c.x.tag, SendMode.Standard, false);
    yield [s, r];
    buf.defer(c.local, r); // raised once the group has its data (settle): its ranks wait for it
  }
  yield* buf.scatterv(c.local, theirs, blocks, recv.subarray(0, cs[c.local.rank]! * type.size), 0);
}
