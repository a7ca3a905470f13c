/**
 * Collectives on buffers (mpi4py's uppercase `Bcast`, `Gather`, ...), on
 * bytes: the API layer has turned buffer specs into byte views and per-rank
 * blocks ([offset, length] in bytes). Trees for latency, direct placement into
 * the user's buffer where a rank receives many blocks, pairwise exchange for
 * all-to-all, recursive doubling for reductions where the size allows it.
 */
import { SendMode } from '../transport/spi.js';
import type { Operation } from '../transport/spi.js';
import type { TypeDesc } from '../core/datatype.js';
import type { DirectKernel } from '../core/reduce.js';
import { MpiFailure } from '../core/errorcodes.js';
import { checkIntact } from '../core/failures.js';
import { libraryOf, settle, type CollContext, type Schedule } from './schedule.js';
import * as shm from './shm.js';

/** Element-wise reduction: dst = a op b over `count` elements; a holds lower ranks. */
export interface BufferCombiner {
  combineBuffers(dst: Uint8Array, a: Uint8Array, b: Uint8Array, count: number, type: TypeDesc): void;
  /** The kernel itself, where there is one (core/reduce.ts `ReduceOp.direct`). */
  direct?(type: TypeDesc): DirectKernel | undefined;
}

/** [byte offset, byte length] of one rank's block. */
export type Block = readonly [number, number];

const isend = (c: CollContext, bytes: Uint8Array, dest: number): Operation =>
  c.t.isend(c.comm, bytes, dest, c.tag, SendMode.Standard, false);
const irecv = (c: CollContext, into: Uint8Array, source: number): Operation =>
  c.t.irecv(c.comm, into, source, c.tag);
const rel = (c: CollContext, r: number, root: number): number => (r - root + c.size) % c.size;
const abs = (c: CollContext, v: number, root: number): number => (v + root) % c.size;
const view = (buf: Uint8Array, [off, len]: Block): Uint8Array => buf.subarray(off, off + len);

function subtreeMask(v: number, size: number): number {
  if (v !== 0) return v & -v;
  let m = 1;
  while (m < size) m <<= 1;
  return m;
}

/** Raise if a receive was truncated (a block larger than the buffer prepared for it). */
export function check(op: Operation, _what?: string): void {
  if (op.status.error !== 0) throw new MpiFailure(op.status.error, op.failure ?? 'receive failed');
}

/**
 * Record a failed receive of a collective and go on (CollContext.failure):
 * the algorithm still forwards and sends what its partners wait for, and
 * the call raises once it has ended.
 */
export function defer(c: CollContext, op: Operation): void {
  if (op.status.error !== 0) c.failure ??= new MpiFailure(op.status.error, op.failure ?? 'receive failed');
}

/** Wait for a collective the transport's library runs (Transport.libraryCollectives). */
export function* library(op: Operation): Schedule<void> {
  yield op;
  check(op);
}

/** The predefined operation's name the library may map (`user` for others). */
export function opName(op: BufferCombiner): string {
  return (op as { name?: string }).name ?? 'user';
}

// ---- broadcast -----------------------------------------------------------------

/** Broadcast, in place in `buf` on every rank: the library's, shared memory's, or a binomial tree. */
export function bcast(c: CollContext, buf: Uint8Array, root: number): Schedule<void> {
  const lib = libraryOf(c)?.bcast(c.comm, buf, root);
  if (lib) return library(lib);
  return bcastHere(c, buf, root);
}

/**
 * Broadcast without the library's routine: for a step inside another
 * algorithm, which ranks reach at different times (a library collective
 * there could start in a different order on different ranks).
 */
function bcastHere(c: CollContext, buf: Uint8Array, root: number): Schedule<void> {
  const sh = shm.shmOf(c);
  return sh !== null ? shm.bcast(sh, buf, root) : treeBcast(c, buf, root);
}

/** Binomial-tree broadcast over point-to-point messages. */
function* treeBcast(c: CollContext, buf: Uint8Array, root: number): Schedule<void> {
  const v = rel(c, c.rank, root);
  if (v !== 0) {
    const op = irecv(c, buf, abs(c, v - (v & -v), root));
    yield op;
    defer(c, op);
  }
  const sends: Operation[] = [];
  for (let m = subtreeMask(v, c.size) >> 1; m > 0; m >>= 1) {
    if (v + m < c.size) sends.push(isend(c, buf, abs(c, v + m, root)));
  }
  yield sends;
  // A send whose buffer an Ibcast's program detached or shrank meanwhile fails with ERR_BUFFER.
  for (const op of sends) check(op);
}

// ---- gather / scatter ----------------------------------------------------------------

/**
 * Gather of equal blocks. Small messages climb a binomial tree (a subtree's
 * blocks are contiguous in relative-rank order, so each rank forwards one
 * message); large ones go straight into the root's buffer.
 */
export function* gather(c: CollContext, send: Uint8Array, recv: Uint8Array | null, root: number): Schedule<void> {
  const bb = send.length;
  if (bb * c.size > 65536 || c.size <= 2) {
    yield* gatherv(c, send, recv, Array.from({ length: c.size }, (_, r) => [r * bb, bb] as Block), root);
    return;
  }
  const v = rel(c, c.rank, root);
  const span = Math.min(subtreeMask(v, c.size), c.size - v);
  // Blocks of relative ranks v .. v+span-1, in relative order.
  const tmp = new Uint8Array(span * bb);
  tmp.set(send, 0);
  for (let m = 1; m < c.size; m <<= 1) {
    if (v & m) {
      yield isend(c, tmp, abs(c, v - m, root));
      return;
    }
    // (tmp is ours: only the root's recv, below, is the program's.)
    if (v + m < c.size) {
      const n = Math.min(m, c.size - v - m);
      const op = irecv(c, tmp.subarray(m * bb, (m + n) * bb), abs(c, v + m, root));
      yield op;
      defer(c, op);
    }
  }
  // An Igather's root may have detached or shrunk recvbuf meanwhile.
  checkIntact('recvbuf', recv!, c.size * bb);
  for (let w = 0; w < c.size; w++) recv!.set(tmp.subarray(w * bb, (w + 1) * bb), abs(c, w, root) * bb);
}

/**
 * Gather of blocks of any size: in a blocking call each rank copies its
 * block into the root's buffer where the transport allows
 * (shm.directGatherv), else the root receives each straight into place.
 * MPI never matches a blocking collective with a non-blocking one, so every
 * rank takes the same path.
 */
export function* gatherv(c: CollContext, send: Uint8Array, recv: Uint8Array | null, blocks: readonly Block[] | null, root: number): Schedule<void> {
  const sh = c.blocking === true ? shm.shmOf(c) : null;
  if (sh !== null && sh.seg.singleCopy !== undefined) {
    yield* shm.directGatherv(sh, send, recv, blocks, root);
    return;
  }
  if (c.rank !== root) {
    const had = send.length;
    const op = isend(c, send, root);
    yield op;
    // An Igatherv's sender may have detached or shrunk sendbuf before its bytes left.
    checkIntact('sendbuf', send, had);
    check(op);
    return;
  }
  const had = recv!.length;
  const ops: Operation[] = [];
  for (let r = 0; r < c.size; r++) {
    const into = view(recv!, blocks![r]!);
    if (r === c.rank) {
      if (send !== into && send.length > 0) into.set(send.subarray(0, into.length));
    } else {
      ops.push(irecv(c, into, r));
    }
  }
  yield ops;
  checkIntact('recvbuf', recv!, had);
  for (const op of ops) defer(c, op);
}

/** Scatter of blocks of any size: the root sends each from its place. */
export function* scatterv(c: CollContext, send: Uint8Array | null, blocks: readonly Block[] | null, recv: Uint8Array, root: number): Schedule<void> {
  if (c.rank !== root) {
    const op = irecv(c, recv, root);
    yield op;
    defer(c, op);
    return;
  }
  const had = send!.length;
  const ops: Operation[] = [];
  for (let r = 0; r < c.size; r++) {
    const from = view(send!, blocks![r]!);
    if (r === c.rank) {
      if (from !== recv && from.length > 0) recv.set(from.subarray(0, recv.length));
    } else {
      ops.push(isend(c, from, r));
    }
  }
  yield ops;
  // An Iscatterv's root may have detached or shrunk sendbuf before its blocks left.
  checkIntact('sendbuf', send!, had);
}

/** Scatter of equal blocks: binomial tree for small messages, direct sends for large. */
export function* scatter(c: CollContext, send: Uint8Array | null, recv: Uint8Array, root: number): Schedule<void> {
  const bb = recv.length;
  if (bb * c.size > 65536 || c.size <= 2) {
    yield* scatterv(c, send, Array.from({ length: c.size }, (_, r) => [r * bb, bb] as Block), recv, root);
    return;
  }
  const v = rel(c, c.rank, root);
  const span = Math.min(subtreeMask(v, c.size), c.size - v);
  let tmp: Uint8Array;
  if (v === 0) {
    tmp = new Uint8Array(c.size * bb);
    for (let w = 0; w < c.size; w++) tmp.set(send!.subarray(abs(c, w, root) * bb, (abs(c, w, root) + 1) * bb), w * bb);
  } else {
    tmp = new Uint8Array(span * bb);
    const op = irecv(c, tmp, abs(c, v - (v & -v), root));
    yield op;
    defer(c, op);
  }
  const sends: Operation[] = [];
  for (let m = subtreeMask(v, c.size) >> 1; m > 0; m >>= 1) {
    if (v + m >= c.size) continue;
    const n = Math.min(m, c.size - v - m);
    sends.push(isend(c, tmp.subarray(m * bb, (m + n) * bb), abs(c, v + m, root)));
  }
  yield sends;
  recv.set(tmp.subarray(0, bb));
}

// ---- allgather / alltoall ----------------------------------------------------------------

/**
 * Allgather of blocks of any size by the ring algorithm: in step i each rank
 * passes on the block it received in step i-1, straight from and into the
 * receive buffer (n-1 steps, each moving one block per rank: bandwidth-optimal).
 */
export function* allgatherv(c: CollContext, send: Uint8Array, recv: Uint8Array, blocks: readonly Block[]): Schedule<void> {
  const mine = view(recv, blocks[c.rank]!);
  if (send !== mine && send.length > 0) mine.set(send.subarray(0, mine.length));
  const right = (c.rank + 1) % c.size;
  const left = (c.rank - 1 + c.size) % c.size;
  for (let i = 0; i < c.size - 1; i++) {
    const out = (c.rank - i + c.size) % c.size;
    const inn = (c.rank - i - 1 + c.size) % c.size;
    const r = irecv(c, view(recv, blocks[inn]!), left);
    const s = isend(c, view(recv, blocks[out]!), right);
    yield [s, r];
    defer(c, r);
  }
}

/**
 * Allgather of equal blocks: single copies out of every rank's buffer for a
 * large blocking call on shared memory (shm.directAllgather); recursive
 * doubling for small messages on power-of-two sizes, else the ring.
 */
export function* allgather(c: CollContext, send: Uint8Array, recv: Uint8Array): Schedule<void> {
  const bb = send.length;
  const sh = c.blocking === true ? shm.shmOf(c) : null;
  if (sh !== null && shm.directAllgatherFits(sh, bb)) {
    yield* shm.directAllgather(sh, send, recv);
    return;
  }
  const blocks = Array.from({ length: c.size }, (_, r) => [r * bb, bb] as Block);
  if ((c.size & (c.size - 1)) !== 0 || bb * c.size > 65536) {
    yield* allgatherv(c, send, recv, blocks);
    return;
  }
  recv.set(send, c.rank * bb);
  for (let m = 1; m < c.size; m <<= 1) {
    // After this step a rank holds the blocks of its aligned group of 2m ranks.
    const partner = c.rank ^ m;
    const myStart = c.rank & ~(m - 1);
    const theirStart = partner & ~(m - 1);
    const r = irecv(c, recv.subarray(theirStart * bb, (theirStart + m) * bb), partner);
    const s = isend(c, recv.subarray(myStart * bb, (myStart + m) * bb), partner);
    yield [s, r];
    defer(c, r);
  }
}

/** Pairwise exchange: in round i send to rank+i and receive from rank-i, straight into place. */
export function* alltoallv(c: CollContext, send: Uint8Array, sendBlocks: readonly Block[], recv: Uint8Array, recvBlocks: readonly Block[]): Schedule<void> {
  const own = view(recv, recvBlocks[c.rank]!);
  own.set(view(send, sendBlocks[c.rank]!).subarray(0, own.length));
  for (let i = 1; i < c.size; i++) {
    const to = (c.rank + i) % c.size;
    const from = (c.rank - i + c.size) % c.size;
    const r = irecv(c, view(recv, recvBlocks[from]!), from);
    const s = isend(c, view(send, sendBlocks[to]!), to);
    yield [s, r];
    defer(c, r);
  }
}

// ---- reductions ----------------------------------------------------------------------

/**
 * Reduce: the library's, shared memory's for small buffers (the ring) and
 * for large blocking calls (single copies, shm.directReduce), or a binomial
 * tree. `result` receives the reduction at the root (may be `send` itself
 * for IN_PLACE).
 */
export function reduce(c: CollContext, send: Uint8Array, result: Uint8Array | null, count: number, type: TypeDesc,
  op: BufferCombiner, root: number): Schedule<void> {
  const lib = libraryOf(c)?.reduce(c.comm, send, result, type, opName(op), root);
  if (lib) return library(lib);
  const sh = shm.shmOf(c);
  if (sh !== null && shm.smallReduce(sh, send.length)) return shm.reduce(sh, send, result, count, type, op, root);
  if (sh !== null && c.blocking === true && shm.directReduction(sh, send.length)) return shm.directReduce(sh, send, result, count, type, op, root);
  return treeReduce(c, send, result, count, type, op, root);
}

/**
 * Reduce_scatter on packed elements: block r (`blocks`, bytes of `send`) of
 * the reduction into rank r's `into`. A large blocking call on shared memory
 * reduces each block where it goes (shm.directReduceScatter); otherwise a
 * Reduce to rank 0, then a Scatterv on `scatter`, a context of its own.
 */
export function* reduceScatter(c: CollContext, scatter: CollContext, send: Uint8Array, blocks: readonly Block[], into: Uint8Array,
  count: number, type: TypeDesc, op: BufferCombiner): Schedule<void> {
  const sh = c.blocking === true ? shm.shmOf(c) : null;
  if (sh !== null && shm.directReduction(sh, send.length)) {
    yield* shm.directReduceScatter(sh, send, blocks, into, count, type, op);
    return;
  }
  const full = c.rank === 0 ? new Uint8Array(send.length) : null;
  yield* reduce(c, send, full, count, type, op, 0);
  yield* scatterv(scatter, full, blocks, into, 0);
  settle(scatter);
}

/**
 * Binomial reduction towards rank 0 in rank order (op(lower, higher) at every
 * step, so non-commutative ops are deterministic), then to the root.
 */
function* treeReduce(c: CollContext, send: Uint8Array, result: Uint8Array | null, count: number, type: TypeDesc,
  op: BufferCombiner, root: number): Schedule<void> {
  const n = send.length;
  const acc = send.slice();
  const tmp = new Uint8Array(n);
  let sent = false;
  for (let m = 1; m < c.size; m <<= 1) {
    if (c.rank & m) {
      yield isend(c, acc, c.rank - m);
      sent = true;
      break;
    }
    if (c.rank + m < c.size) {
      const r = irecv(c, tmp, c.rank + m);
      yield r;
      defer(c, r);
      op.combineBuffers(acc, acc, tmp, count, type);
    }
  }
  if (root === 0) {
    if (c.rank === 0) result!.set(acc);
    return;
  }
  if (c.rank === 0 && !sent) {
    yield isend(c, acc, root);
  } else if (c.rank === root) {
    const r = irecv(c, result!, 0);
    yield r;
    defer(c, r);
  }
}

/** Allreduce: the library's, shared memory's (single copies for a large blocking call, shm.directAllreduce), or over point-to-point messages. */
export function allreduce(c: CollContext, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  const lib = libraryOf(c)?.allreduce(c.comm, send, recv, type, opName(op));
  if (lib) return library(lib);
  const sh = shm.shmOf(c);
  if (sh !== null && c.blocking === true && shm.directReduction(sh, send.length)) return shm.directAllreduce(sh, send, recv, count, type, op);
  if (sh !== null) return shm.allreduce(sh, send, recv, count, type, op);
  return p2pAllreduce(c, send, recv, count, type, op);
}

/**
 * Allreduce over point-to-point messages. On power-of-two sizes, recursive
 * doubling: in the step at distance m a rank exchanges its partial result
 * with rank^m and combines them lower-first, so every rank ends with the same
 * rank-ordered result in log2(n) exchanges. Other sizes: reduce to rank 0,
 * then broadcast.
 */
function* p2pAllreduce(c: CollContext, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  if ((c.size & (c.size - 1)) !== 0) {
    yield* reduce(c, send, recv, count, type, op, 0);
    yield* bcastHere(c, recv, 0);
    return;
  }
  if (send !== recv) recv.set(send);
  const tmp = new Uint8Array(recv.length);
  for (let m = 1; m < c.size; m <<= 1) {
    const partner = c.rank ^ m;
    const r = irecv(c, tmp, partner);
    // The send must not see recv change under it: combine only after both complete.
    const s = isend(c, recv, partner);
    yield [s, r];
    defer(c, r);
    if (partner < c.rank) op.combineBuffers(recv, tmp, recv, count, type);
    else op.combineBuffers(recv, recv, tmp, count, type);
  }
}

/** Inclusive scan by recursive doubling (Hillis-Steele), rank-ordered. */
export function* scan(c: CollContext, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  if (send !== recv) recv.set(send);
  const tmp = new Uint8Array(recv.length);
  for (let d = 1; d < c.size; d <<= 1) {
    const ops: Operation[] = [];
    const r = c.rank - d >= 0 ? irecv(c, tmp, c.rank - d) : null;
    if (r) ops.push(r);
    // Send a snapshot: recv changes when this step combines.
    if (c.rank + d < c.size) ops.push(isend(c, recv.slice(), c.rank + d));
    yield ops;
    if (r) {
      defer(c, r);
      op.combineBuffers(recv, tmp, recv, count, type);
    }
  }
}

/** Exclusive scan: the inclusive scan of the rank below (recv is left untouched on rank 0). */
export function* exscan(c: CollContext, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  const inclusive = new Uint8Array(send.length);
  yield* scan(c, send, inclusive, count, type, op);
  const ops: Operation[] = [];
  if (c.rank + 1 < c.size) ops.push(isend(c, inclusive, c.rank + 1));
  const r = c.rank > 0 ? irecv(c, recv, c.rank - 1) : null;
  if (r) ops.push(r);
  yield ops;
  if (r) defer(c, r);
}
