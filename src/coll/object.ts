/**
 * Collectives on JS values (mpi4py's lowercase `bcast`, `gather`, ...):
 * tree algorithms over point-to-point messages of encoded values, so no rank
 * handles more than O(log n) messages per call, except where the result
 * itself is O(n) (gather at the root, alltoall).
 */
import { builtinCodec, type ObjectCodec } from '../core/msgobject.js';
import { SendMode } from '../transport/spi.js';
import type { Operation } from '../transport/spi.js';
import { beforeSending, libraryOf, type CollContext, type Schedule } from './schedule.js';
import * as shm from './shm.js';

/** The part of a reduction op that object collectives use: op(lower ranks, higher ranks). */
export interface Combiner {
  combine(a: unknown, b: unknown): unknown;
}

/** Encoded bytes that the schedule owns (the codec's scratch is reused by the next encode). */
function own(value: unknown, codec: ObjectCodec = builtinCodec): Uint8Array {
  return codec.dumps(value).slice();
}

function isend(c: CollContext, bytes: Uint8Array, dest: number): Operation {
  return c.t.isend(c.comm, bytes, dest, c.tag, SendMode.Standard, false);
}

function irecv(c: CollContext, source: number): Operation {
  return c.t.irecv(c.comm, null, source, c.tag);
}

function received(op: Operation): Uint8Array {
  return op.data ?? new Uint8Array(0);
}

// ---- bundles: several ranks' encoded values in one message -------------------

/**
 * A bundle is [u32 count][count × (u32 rank, f64 length)][bytes...]: the
 * values of a subtree travel as one message up (gather) or down (scatter).
 */
export function packBundle(items: ReadonlyArray<readonly [number, Uint8Array]>): Uint8Array {
  const head = 4 + items.length * 12;
  let total = head;
  for (const [, b] of items) total += b.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, items.length, true);
  let at = head;
  items.forEach(([rank, b], i) => {
    dv.setUint32(4 + i * 12, rank, true);
    dv.setFloat64(8 + i * 12, b.length, true);
    out.set(b, at);
    at += b.length;
  });
  return out;
}

export function unpackBundle(bundle: Uint8Array): [number, Uint8Array][] {
  const dv = new DataView(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const n = dv.getUint32(0, true);
  const out: [number, Uint8Array][] = [];
  let at = 4 + n * 12;
  for (let i = 0; i < n; i++) {
    const rank = dv.getUint32(4 + i * 12, true);
    const len = dv.getFloat64(8 + i * 12, true);
    out.push([rank, bundle.subarray(at, at + len)]);
    at += len;
  }
  return out;
}

// ---- tree shapes ---------------------------------------------------------------

/** Rank relative to the root, and back. */
const rel = (c: CollContext, r: number, root: number): number => (r - root + c.size) % c.size;
const abs = (c: CollContext, v: number, root: number): number => (v + root) % c.size;

/** Lowest set bit of v (for v > 0), or the smallest power of two >= size for the root. */
function subtreeMask(v: number, size: number): number {
  if (v === 0) {
    let m = 1;
    while (m < size) m <<= 1;
    return m;
  }
  return v & -v;
}

// ---- algorithms ------------------------------------------------------------------

/** Barrier: the library's, shared memory's (shm.ts), or a dissemination barrier. */
export function barrier(c: CollContext): Schedule<void> {
  const lib = libraryOf(c)?.barrier(c.comm);
  if (lib) return waitFor(lib);
  const sh = shm.shmOf(c);
  return sh !== null ? shm.barrier(sh) : disseminationBarrier(c);
}

function* waitFor(op: Operation): Schedule<void> {
  yield op;
}

/** Dissemination barrier: ceil(log2 n) rounds of empty messages. */
function* disseminationBarrier(c: CollContext): Schedule<void> {
  const empty = new Uint8Array(0);
  for (let d = 1; d < c.size; d <<= 1) {
    const to = (c.rank + d) % c.size;
    const from = (c.rank - d + c.size) % c.size;
    const r = c.t.irecv(c.comm, empty, from, c.tag);
    const s = c.t.isend(c.comm, empty, to, c.tag, SendMode.Standard, false);
    yield [s, r];
  }
}

/** Binomial-tree broadcast of encoded bytes; returns the bytes on every rank. */
export function* bcastBytes(c: CollContext, bytes: Uint8Array | null, root: number): Schedule<Uint8Array> {
  const v = rel(c, c.rank, root);
  let data = bytes;
  if (v !== 0) {
    const parent = abs(c, v - (v & -v), root);
    const op = irecv(c, parent);
    yield op;
    data = received(op);
  }
  const sends: Operation[] = [];
  for (let m = subtreeMask(v, c.size) >> 1; m > 0; m >>= 1) {
    if (v + m < c.size) sends.push(isend(c, data!, abs(c, v + m, root)));
  }
  yield sends;
  return data!;
}

export function* bcast(c: CollContext, obj: unknown, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  const sh = shm.shmOf(c);
  if (sh !== null) {
    const r = yield* shm.bcastObject(sh, obj, root, codec);
    if (r !== null) return r.value;
  }
  const bytes = yield* bcastBytes(c, c.rank === root ? beforeSending(() => own(obj, codec)) : null, root);
  return c.rank === root ? obj : codec.loads(bytes, true);
}

/** Binomial-tree gather of bundles; the root gets every rank's bytes in rank order, others null. */
export function* gatherBytes(c: CollContext, mine: Uint8Array, root: number): Schedule<Uint8Array[] | null> {
  const v = rel(c, c.rank, root);
  const items: [number, Uint8Array][] = [[c.rank, mine]];
  for (let m = 1; m < c.size; m <<= 1) {
    if (v & m) {
      yield isend(c, packBundle(items), abs(c, v - m, root));
      return null;
    }
    if (v + m < c.size) {
      const op = irecv(c, abs(c, v + m, root));
      yield op;
      items.push(...unpackBundle(received(op)));
    }
  }
  const out = new Array<Uint8Array>(c.size);
  for (const [r, b] of items) out[r] = b;
  return out;
}

export function* gather(c: CollContext, obj: unknown, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown[] | undefined> {
  const all = yield* gatherBytes(c, own(obj, codec), root);
  return all === null ? undefined : all.map((b) => codec.loads(b, false));
}

/** Binomial-tree scatter: the root holds one encoded value per rank; each rank gets its own. */
export function* scatterBytes(c: CollContext, items: Uint8Array[] | null, root: number): Schedule<Uint8Array> {
  const v = rel(c, c.rank, root);
  // Items of this subtree, indexed by relative rank.
  let subtree: Map<number, Uint8Array>;
  if (v === 0) {
    subtree = new Map(items!.map((b, r) => [rel(c, r, root), b]));
  } else {
    const op = irecv(c, abs(c, v - (v & -v), root));
    yield op;
    subtree = new Map(unpackBundle(received(op)));
  }
  const sends: Operation[] = [];
  for (let m = subtreeMask(v, c.size) >> 1; m > 0; m >>= 1) {
    const child = v + m;
    if (child >= c.size) continue;
    const part: [number, Uint8Array][] = [];
    for (let w = child; w < Math.min(child + m, c.size); w++) part.push([w, subtree.get(w)!]);
    sends.push(isend(c, packBundle(part), abs(c, child, root)));
  }
  yield sends;
  return subtree.get(v)!;
}

export function* scatter(c: CollContext, seq: readonly unknown[] | null, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  const items = c.rank === root ? seq!.map((x) => own(x, codec)) : null;
  const mine = yield* scatterBytes(c, items, root);
  return codec.loads(mine, false);
}

export function* allgather(c: CollContext, obj: unknown, codec: ObjectCodec = builtinCodec): Schedule<unknown[]> {
  const all = yield* gatherBytes(c, own(obj, codec), 0);
  const bundle = yield* bcastBytes(c, all === null ? null : packBundle(all.map((b, r) => [r, b])), 0);
  const out = new Array<unknown>(c.size);
  for (const [r, b] of unpackBundle(bundle)) out[r] = r === c.rank ? obj : codec.loads(b, false);
  return out;
}

/** Pairwise exchange: in round i, send to rank+i and receive from rank-i. */
export function* alltoall(c: CollContext, seq: readonly unknown[], codec: ObjectCodec = builtinCodec): Schedule<unknown[]> {
  const out = new Array<unknown>(c.size);
  out[c.rank] = codec.loads(own(seq[c.rank], codec), true);
  for (let i = 1; i < c.size; i++) {
    const to = (c.rank + i) % c.size;
    const from = (c.rank - i + c.size) % c.size;
    const r = irecv(c, from);
    const s = isend(c, own(seq[to], codec), to);
    yield [s, r];
    out[from] = codec.loads(received(r), true);
  }
  return out;
}

/**
 * Binomial reduction towards rank 0 in rank order: a rank combines its
 * partial result (lower ranks) with its child's (higher ranks), so the result
 * is op(op(x0, x1), ...) in rank order even for non-commutative ops; rank 0
 * then hands it to the root.
 */
export function* reduce(c: CollContext, obj: unknown, op: Combiner, root: number, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  let partial = obj;
  let sent = false;
  for (let m = 1; m < c.size; m <<= 1) {
    if (c.rank & m) {
      yield isend(c, own(partial, codec), c.rank - m);
      sent = true;
      break;
    }
    if (c.rank + m < c.size) {
      const r = irecv(c, c.rank + m);
      yield r;
      partial = op.combine(partial, codec.loads(received(r), true));
    }
  }
  if (root === 0) return c.rank === 0 ? partial : undefined;
  if (c.rank === 0 && !sent) {
    yield isend(c, own(partial, codec), root);
    return undefined;
  }
  if (c.rank === root) {
    const r = irecv(c, 0);
    yield r;
    return codec.loads(received(r), true);
  }
  return undefined;
}

export function* allreduce(c: CollContext, obj: unknown, op: Combiner, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  const sh = shm.shmOf(c);
  if (sh !== null) {
    const r = yield* shm.allreduceObject(sh, obj, op, codec);
    if (r !== null) return r.value;
  }
  const result = yield* reduce(c, obj, op, 0, codec);
  // Not through shared memory: this phase starts after waits that differ by rank (see CollContext.shm).
  return yield* bcast({ ...c, shm: false }, result, 0, codec);
}

/** Inclusive scan by recursive doubling: after the step at distance d a rank holds op over [rank-2d+1 .. rank]. */
export function* scan(c: CollContext, obj: unknown, op: Combiner, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  let partial = obj;
  for (let d = 1; d < c.size; d <<= 1) {
    const ops: Operation[] = [];
    const r = c.rank - d >= 0 ? irecv(c, c.rank - d) : null;
    if (r) ops.push(r);
    if (c.rank + d < c.size) ops.push(isend(c, own(partial, codec), c.rank + d));
    yield ops;
    if (r) partial = op.combine(codec.loads(received(r), true), partial);
  }
  return partial;
}

/** Exclusive scan: the inclusive scan, shifted up by one rank (nothing on rank 0). */
export function* exscan(c: CollContext, obj: unknown, op: Combiner, codec: ObjectCodec = builtinCodec): Schedule<unknown> {
  const inclusive = yield* scan(c, obj, op, codec);
  const ops: Operation[] = [];
  const r = c.rank > 0 ? irecv(c, c.rank - 1) : null;
  if (r) ops.push(r);
  if (c.rank + 1 < c.size) ops.push(isend(c, own(inclusive, codec), c.rank + 1));
  yield ops;
  return r ? codec.loads(received(r), true) : undefined;
}
