/**
 * Collectives through shared memory, for transports that offer a segment per
 * communicator (`Transport.collSegment`: the embedded runtime). A barrier is
 * one atomic increment per rank instead of log2(n) rounds of messages; a
 * broadcast is one copy in and one copy out per rank; a reduction has every
 * rank read the others' contributions in place.
 *
 * Layout: two sets (calls alternate between them, so one can be filled while
 * the other is still being read), each with three counters on their own
 * cache lines and `size + 1` data slots (one per rank and one shared).
 *
 * Counters only grow. The k-th use of a set (`u`) is complete for a counter
 * when it reaches `size * (u + 1)`: every rank adds 1 per use (a root may add
 * for everyone). Before a rank writes into a set it waits until every rank has
 * left the set's previous use (`LEAVE >= size * u`): a broadcast root, which
 * waits for nobody, can run ahead by at most one call.
 *
 * Every rank must take the same path for the same call (shared memory or the
 * point-to-point algorithms): the choice depends only on the communicator and
 * on sizes that MPI requires to match.
 */
import type { CollSegment, CommHandle, Operation } from '../transport/spi.js';
import type { TypeDesc } from '../core/datatype.js';
import { encodeObject, decodeObject } from '../core/msgobject.js';
import { copyBytes } from '../core/bytes.js';
import { ERR_TRUNCATE, MpiFailure } from '../core/errorcodes.js';
import type { CollContext, Schedule } from './schedule.js';
import type { BufferCombiner } from './buffer.js';
import type { Combiner } from './object.js';

/** Largest communicator given a segment: beyond it the trees win and memory grows. */
const MAX_RANKS = 64;
/** Int32 words per counter: one cache line each. */
const LINE = 16;
const ARRIVE = 0;
const MID = 1;
const LEAVE = 2;
/** Words of counters (2 sets × 3 counters), then per-set per-rank words. */
const COUNTER_WORDS = 2 * 3 * LINE;

function slotBytesFor(size: number): number {
  return size <= 8 ? 64 << 10 : size <= 32 ? 16 << 10 : 8 << 10;
}

/** A communicator's segment and its call counter. */
export class Shm {
  words: Int32Array;
  bytes: Uint8Array;
  readonly slotBytes: number;
  readonly dataStart: number;
  /** Shm calls made so far (the same on every rank). */
  #calls = 0;
  /** Uses of each set's MID counter so far: only some algorithms count there. */
  readonly #midUses = [0, 0];

  /** Whole-slot views [set][slot], made once: creating views costs ~100 ns each. */
  slots: Uint8Array[][] = [];

  constructor(readonly seg: CollSegment, readonly rank: number, readonly size: number) {
    this.words = seg.words;
    this.bytes = seg.bytes;
    this.slotBytes = slotBytesFor(size);
    this.dataStart = Shm.dataStart(size);
    if (seg.attached) this.attach();
  }

  attach(): void {
    this.words = this.seg.words;
    this.bytes = this.seg.bytes;
    this.slots = [0, 1].map((s) => Array.from({ length: this.size + 1 },
      (_, i) => new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.slot(s, i), this.slotBytes)));
  }

  static dataStart(size: number): number {
    return Math.ceil(((COUNTER_WORDS + 2 * size) * 4) / 64) * 64;
  }

  static bytesFor(size: number): number {
    return Shm.dataStart(size) + 2 * (size + 1) * slotBytesFor(size);
  }

  /** Index of counter `which` of set `s`. */
  counter(s: number, which: number): number {
    return (s * 3 + which) * LINE;
  }

  /** Index of the per-rank word of set `s` for rank `r` (object lengths). */
  meta(s: number, r: number): number {
    return COUNTER_WORDS + s * this.size + r;
  }

  /** Byte offset of slot `i` of set `s` (`i === size`: the shared slot). */
  slot(s: number, i: number): number {
    return this.dataStart + (s * (this.size + 1) + i) * this.slotBytes;
  }

  /** Bytes of set `s` from slot `i` on, `n` long. */
  view(s: number, i: number, n: number): Uint8Array {
    const at = this.slot(s, i);
    return this.bytes.subarray(at, at + n);
  }

  /**
   * Reserve `k` consecutive calls for one collective, at its start (so that
   * concurrent non-blocking collectives number their calls in the order they
   * were started, the same on every rank). Returns the first.
   */
  reserve(k: number): number {
    const q = this.#calls;
    this.#calls += k;
    return q;
  }

  /** The value of set `s`'s MID counter that completes its next use (call in call order). */
  midTarget(s: number): number {
    return this.size * ++this.#midUses[s]!;
  }

  /** Call `q`: its set and the counter values that end its previous use and this one. */
  step(q: number): Step {
    const s = q & 1;
    const u = q >>> 1;
    return { s, base: this.size * u, full: this.size * (u + 1) };
  }

  /** Add `n` to a counter; wake the waiters if that completed it. */
  add(s: number, which: number, n: number, full: number): void {
    if (Atomics.add(this.words, this.counter(s, which), n) + n >= full) this.seg.wake();
  }

  /** Null if counter `which` of set `s` has reached `value`, else an operation that completes when it has. */
  reached(s: number, which: number, value: number): Operation | null {
    const w = this.words;
    const i = this.counter(s, which);
    if (Atomics.load(w, i) >= value) return null;
    return this.seg.until(() => Atomics.load(w, i) >= value);
  }
}

interface Step {
  readonly s: number;
  /** Counter value when the set's previous use is complete. */
  readonly base: number;
  /** Counter value when this use is complete. */
  readonly full: number;
}

const shms = new WeakMap<CommHandle, Shm | null>();

/**
 * The shared memory of `c`'s communicator, or null if the transport has none
 * for it. On a rank other than 0 it may not have arrived yet the first time:
 * every algorithm starts by attaching it if `slots` is empty.
 */
export function shmOf(c: CollContext): Shm | null {
  if (c.shm === false) return null;
  let shm = shms.get(c.comm);
  if (shm === undefined) {
    shm = null;
    if (c.size >= 2 && c.size <= MAX_RANKS) {
      const seg = c.t.collSegment?.(c.comm, Shm.bytesFor(c.size)) ?? null;
      if (seg !== null) shm = new Shm(seg, c.rank, c.size);
    }
    shms.set(c.comm, shm);
  }
  return shm;
}

/** Wait for the segment to reach this rank (the first call on a communicator, off rank 0). */
function* attach(shm: Shm): Schedule<void> {
  const seg = shm.seg;
  if (!seg.attached) yield seg.until(() => seg.attached);
  shm.attach();
}

// ---- barrier and broadcast ----------------------------------------------------------
//
// The algorithms check counters inline (`reached` returns null when there is
// nothing to wait for) rather than through helper generators: a generator
// costs ~100 ns to make and these calls take well under a microsecond.

/** Everyone adds one; the last one wakes the others. */
export function* barrier(shm: Shm): Schedule<void> {
  const { s, base, full } = shm.step(shm.reserve(1));
  if (shm.slots.length === 0) yield* attach(shm);
  // Counting into a set before everyone has left its previous use would
  // complete that use's count early for a rank still waiting on it.
  const e = shm.reached(s, LEAVE, base);
  if (e) yield e;
  shm.add(s, ARRIVE, 1, full);
  const a = shm.reached(s, ARRIVE, full);
  if (a) yield a;
  shm.add(s, LEAVE, 1, full);
}

/** Bytes of one broadcast step: the whole data area of a set. */
function bcastChunk(shm: Shm): number {
  return (shm.size + 1) * shm.slotBytes;
}

/**
 * Broadcast in place, in chunks of a set's data area: the root copies a chunk
 * in and counts for everyone, the others copy it out. Consecutive chunks use
 * alternate sets, so the root fills one while the others read the other.
 */
export function* bcast(shm: Shm, buf: Uint8Array, root: number): Schedule<void> {
  const chunk = bcastChunk(shm);
  const n = buf.length;
  const steps = Math.max(1, Math.ceil(n / chunk));
  const q0 = shm.reserve(steps);
  if (shm.slots.length === 0) yield* attach(shm);
  // The root's length travels with the first chunk: a receiver whose buffer
  // is shorter reports the truncation, as a point-to-point receive would.
  let sent = n;
  for (let k = 0; k < steps; k++) {
    const off = k * chunk;
    const len = Math.min(chunk, n - off);
    const { s, base, full } = shm.step(q0 + k);
    const at = shm.slot(s, 0);
    if (shm.rank === root) {
      const e = shm.reached(s, LEAVE, base);
      if (e) yield e;
      if (k === 0) shm.words[shm.meta(s, 0)] = n;
      copyBytes(shm.bytes, at, buf, off, len);
      shm.add(s, ARRIVE, shm.size, full);
    } else {
      const a = shm.reached(s, ARRIVE, full);
      if (a) yield a;
      if (k === 0) sent = shm.words[shm.meta(s, 0)]!;
      copyBytes(buf, off, shm.bytes, at, Math.max(0, Math.min(len, sent - off)));
    }
    shm.add(s, LEAVE, 1, full);
  }
  if (sent > n) {
    throw new MpiFailure(ERR_TRUNCATE, `message of ${sent} bytes truncated into buffer of ${n} bytes (root ${root})`);
  }
}

/**
 * Broadcast of a value: the root encodes it straight into the segment, its
 * length in the set's first per-rank word. Null on every rank when it is
 * longer than the data area (-1 there): the caller then broadcasts it by
 * point-to-point messages.
 */
export function* bcastObject(shm: Shm, obj: unknown, root: number): Schedule<{ value: unknown } | null> {
  const { s, base, full } = shm.step(shm.reserve(1));
  if (shm.slots.length === 0) yield* attach(shm);
  let result: { value: unknown } | null;
  if (shm.rank === root) {
    const e = shm.reached(s, LEAVE, base);
    if (e) yield e;
    // Encode only now: the codec's scratch is reused by whatever runs while we wait.
    const bytes = encodeObject(obj);
    const fits = bytes.length <= bcastChunk(shm);
    if (fits) copyBytes(shm.bytes, shm.slot(s, 0), bytes, 0, bytes.length);
    shm.words[shm.meta(s, 0)] = fits ? bytes.length : -1;
    shm.add(s, ARRIVE, shm.size, full);
    result = fits ? { value: obj } : null;
  } else {
    const a = shm.reached(s, ARRIVE, full);
    if (a) yield a;
    const len = shm.words[shm.meta(s, 0)]!;
    // Decoding copies out of the segment (owned = false).
    result = len < 0 ? null : { value: decodeObject(shm.view(s, 0, len)) };
  }
  shm.add(s, LEAVE, 1, full);
  return result;
}

// ---- reductions ----------------------------------------------------------------------

/**
 * Allreduce. Small: every rank puts its contribution in its slot and, once
 * all are there, reduces all of them in rank order (the same result on every
 * rank, bit for bit). Large: in chunks of a slot, each rank reduces its share
 * of the chunk into the shared slot, then everyone copies the result out.
 */
export function* allreduce(shm: Shm, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  const n = send.length;
  if (n * shm.size <= shm.slotBytes || count === 0) {
    const { s, base, full } = shm.step(shm.reserve(1));
    if (shm.slots.length === 0) yield* attach(shm);
    const e = shm.reached(s, LEAVE, base);
    if (e) yield e;
    copyBytes(shm.bytes, shm.slot(s, shm.rank), send, 0, n);
    shm.words[shm.meta(s, shm.rank)] = n;
    shm.add(s, ARRIVE, 1, full);
    const a = shm.reached(s, ARRIVE, full);
    if (a) yield a;
    const other = differentLength(shm, s, n);
    if (other < 0) combineRanks(shm.slots[s]!, shm.size, recv.length === n ? recv : recv.subarray(0, n), count, type, op);
    shm.add(s, LEAVE, 1, full);
    if (other >= 0) throw mismatch(shm, s, other, n);
    return;
  }
  // Chunks of whole elements, each split in `size` shares of whole elements.
  const elem = n / count;
  const per = Math.max(1, Math.floor(shm.slotBytes / elem));
  const steps = Math.ceil(count / per);
  const q0 = shm.reserve(steps);
  const mid = Array.from({ length: steps }, (_, k) => shm.midTarget((q0 + k) & 1));
  if (shm.slots.length === 0) yield* attach(shm);
  for (let k = 0; k < steps; k++) {
    const first = k * per;
    const m = Math.min(per, count - first);
    const at = first * elem;
    const len = m * elem;
    const { s, base, full } = shm.step(q0 + k);
    const e = shm.reached(s, LEAVE, base);
    if (e) yield e;
    copyBytes(shm.bytes, shm.slot(s, shm.rank), send, at, len);
    shm.add(s, ARRIVE, 1, full);
    const a = shm.reached(s, ARRIVE, full);
    if (a) yield a;
    const lo = Math.floor((m * shm.rank) / shm.size);
    const hi = Math.floor((m * (shm.rank + 1)) / shm.size);
    if (hi > lo) {
      // This rank's share of every slot; the shared slot (index size) takes the result.
      const parts = shm.slots[s]!.map((v) => v.subarray(lo * elem, hi * elem));
      combineRanks(parts, shm.size, parts[shm.size]!, hi - lo, type, op);
    }
    shm.add(s, MID, 1, mid[k]!);
    const b = shm.reached(s, MID, mid[k]!);
    if (b) yield b;
    copyBytes(recv, at, shm.bytes, shm.slot(s, shm.size), len);
    shm.add(s, LEAVE, 1, full);
  }
}

/** out = parts[0] op parts[1] op ... op parts[size - 1]: rank order, so every rank gets the same bits. */
function combineRanks(parts: readonly Uint8Array[], size: number, out: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): void {
  op.combineBuffers(out, parts[0]!, parts[1]!, count, type);
  for (let r = 2; r < size; r++) op.combineBuffers(out, out, parts[r]!, count, type);
}

/** Whether a Reduce of `n` bytes goes through `reduce` below. */
export function smallReduce(shm: Shm, n: number): boolean {
  return n <= shm.slotBytes;
}

/** Small Reduce: contributions in the slots; the root reduces them and releases the set for everyone. */
export function* reduce(shm: Shm, send: Uint8Array, result: Uint8Array | null, count: number, type: TypeDesc,
  op: BufferCombiner, root: number): Schedule<void> {
  const n = send.length;
  const { s, base, full } = shm.step(shm.reserve(1));
  if (shm.slots.length === 0) yield* attach(shm);
  const e = shm.reached(s, LEAVE, base);
  if (e) yield e;
  copyBytes(shm.bytes, shm.slot(s, shm.rank), send, 0, n);
  shm.words[shm.meta(s, shm.rank)] = n;
  shm.add(s, ARRIVE, 1, full);
  if (shm.rank !== root) return;
  const a = shm.reached(s, ARRIVE, full);
  if (a) yield a;
  const other = differentLength(shm, s, n);
  if (other < 0) combineRanks(shm.slots[s]!, shm.size, result!.length === n ? result! : result!.subarray(0, n), count, type, op);
  shm.add(s, LEAVE, shm.size, full);
  if (other >= 0) throw mismatch(shm, s, other, n);
}

/** A rank whose contribution to set `s` is not `n` bytes long, or -1. */
function differentLength(shm: Shm, s: number, n: number): number {
  for (let r = 0; r < shm.size; r++) if (shm.words[shm.meta(s, r)] !== n) return r;
  return -1;
}

/** What a reduction with contributions of different lengths raises (a point-to-point one would truncate). */
function mismatch(shm: Shm, s: number, r: number, n: number): MpiFailure {
  const theirs = shm.words[shm.meta(s, r)]!;
  return new MpiFailure(ERR_TRUNCATE, `rank ${r} contributed ${theirs} bytes, this rank ${n}: the buffers must match on every rank`);
}

/**
 * Allreduce of values: each rank encodes its value into its slot (or marks
 * it too long: -1); then every rank decodes all of them and combines them in
 * rank order. Null when some value did not fit: every rank sees the same
 * marks, and all take the point-to-point algorithm.
 */
export function* allreduceObject(shm: Shm, obj: unknown, op: Combiner): Schedule<{ value: unknown } | null> {
  const { s, base, full } = shm.step(shm.reserve(1));
  if (shm.slots.length === 0) yield* attach(shm);
  const e = shm.reached(s, LEAVE, base);
  if (e) yield e;
  const bytes = encodeObject(obj);
  const fits = bytes.length <= shm.slotBytes;
  if (fits) copyBytes(shm.bytes, shm.slot(s, shm.rank), bytes, 0, bytes.length);
  shm.words[shm.meta(s, shm.rank)] = fits ? bytes.length : -1;
  shm.add(s, ARRIVE, 1, full);
  const a = shm.reached(s, ARRIVE, full);
  if (a) yield a;
  const w = shm.words;
  let result: { value: unknown } | null = null;
  let ok = true;
  for (let r = 0; r < shm.size; r++) if (w[shm.meta(s, r)]! < 0) ok = false;
  if (ok) {
    let acc = decodeObject(shm.view(s, 0, w[shm.meta(s, 0)]!));
    for (let r = 1; r < shm.size; r++) acc = op.combine(acc, decodeObject(shm.view(s, r, w[shm.meta(s, r)]!)));
    result = { value: acc };
  }
  shm.add(s, LEAVE, 1, full);
  return result;
}
