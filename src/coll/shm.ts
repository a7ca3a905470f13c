/**
 * Collectives through shared memory, for transports that offer a segment per
 * communicator (`Transport.sharedSegments`: the embedded runtime). A barrier is
 * one atomic increment per rank instead of log2(n) rounds of messages; a
 * broadcast is one copy in and one copy out per rank; a reduction has every
 * rank read the others' contributions in place.
 *
 * Layout of the large calls: two sets (calls alternate between them, so one can be filled while
 * the other is still being read), each with three counters on their own
 * cache lines and `size + 1` data slots (one per rank and one shared).
 *
 * Counters only grow. The k-th use of a set (`u`) is complete for a counter
 * when it reaches `size * (u + 1)`: every rank adds 1 per use (a root may add
 * for everyone). Before a rank writes into a set it waits until every rank has
 * left the set's previous use (`LEAVE >= size * u`): a broadcast root, which
 * waits for nobody, can run ahead by at most one call.
 *
 * The ring, for barriers and small broadcasts and reductions: each rank owns
 * `depth` slots, used in turn, each with a stamp (the number of the call that
 * last wrote it, plus one) and a length in front of the data. A rank writes
 * its slot and stamps it; readers wait for the stamp. A rank's stamps sit
 * together on their own cache lines, apart from the slots: a barrier reads
 * one line per rank rather than one slot page per rank (8 ranks on 2 cores,
 * Barrier 36.7-43.1 us -> 32.4-37.0 in six alternated runs). Each rank also
 * publishes how many ring calls it has finished reading, and writes a slot
 * only once every rank has finished its use `depth` calls ago. So a barrier
 * or an allreduce is one store per rank and a load of each other rank's
 * stamp, with no counter that all ranks fight over, and a broadcast root runs
 * up to `depth` calls ahead of its slowest reader instead of one.
 *
 * Every rank must take the same path for the same call (ring, sets or the
 * point-to-point algorithms): the choice depends only on the communicator and
 * on sizes that MPI requires to match.
 */
import type { CollSegment, CommHandle, Operation, SingleCopy } from '../transport/spi.js';
import type { TypeDesc } from '../core/datatype.js';
import { typedOf, type DirectKernel } from '../core/reduce.js';
import { builtinCodec, type ObjectCodec } from '../core/msgobject.js';
import { copyBytes, getWide, putWide } from '../core/bytes.js';
import { CORES } from '../core/cores.js';
import { ERR_TRUNCATE, MpiFailure } from '../core/errorcodes.js';
import { checkIntact, truncated } from '../core/failures.js';
import { DONE, beforeSending, type CollContext, type Schedule } from './schedule.js';
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

/**
 * Bytes of a data slot. With more ranks than cores each step of a chunked
 * Allreduce costs scheduling rounds at its two waits, so fewer, larger steps
 * win: 8 ranks on 2 cores, Allreduce of 1 MiB, 16 steps of 64 KiB took
 * 5.1-6.2 ms and 4 steps of 256 KiB 3.4-4.6 ms (`BENCH_CASES=allreduce-1m
 * npx mpi4ts -n 8 bench/collectives.ts`, the two alternated); 4 ranks
 * gained little (1.6-2.4 ms both). Pages of a segment are touched only when
 * used.
 */
function slotBytesFor(size: number): number {
  if (size <= 8) return size > CORES ? 256 << 10 : 64 << 10;
  return size <= 32 ? 16 << 10 : 8 << 10;
}

/**
 * Ring calls a rank may run ahead of the slowest reader by (see "the ring"
 * above). With more ranks than cores a broadcast root that runs further
 * ahead lets each reader take many calls per turn on a core: 8 ranks on 2
 * cores, Bcast of 8 B in a loop (20000 calls after 20000 of warm-up):
 * 7.0-8.1 us a call at depth 8, 3.5-5.3 at 32; then, alternated, 8.3-12.6
 * us at 32 against 4.9-9.2 at 128 (`CASES=bcast npx mpi4ts -n 8
 * bench/micro/coll-cpu.mjs`), and at 4 ranks 3.3-4.2 against 1.1-2.3
 * (`BENCH_CASES=bcast-8 npx mpi4ts -n 4 bench/collectives.ts`).
 * Barriers and reductions wait for every rank whatever the depth.
 */
function ringDepthFor(size: number): number {
  if (size <= 8) return size > CORES ? 128 : 8;
  return 4;
}

/** Bytes of one ring slot: two header words, then the data. */
function ringSlotBytesFor(size: number): number {
  return size <= 8 ? 16 << 10 : size <= 32 ? 4 << 10 : 2 << 10;
}

/**
 * Loads of a stamp before a ring step waits through the transport: ~1 µs
 * of polling, as long as a rank in step takes to publish. With more ranks
 * than cores a barrier or a reduction waits for ranks that are mostly not
 * running: a few loads, then the core goes to them (8 ranks on 2 cores,
 * Barrier: 200 loads 21-35 µs, 5 loads 13-24 µs in alternated runs). A
 * broadcast reader waits for one rank, the root, and keeps looking.
 */
const RING_LOOKS = 200;
const RING_LOOKS_OVER = 5;

/** Header of a ring slot: a word of padding (the data stays 8-byte aligned), then the length of the data. */
const RING_HEADER = 8;

/** Bytes of one rank's stamps (one word per ring slot), whole cache lines. */
function ringStampBytesFor(size: number): number {
  return Math.ceil((ringDepthFor(size) * 4) / 64) * 64;
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

  /** Ring: slots per rank, bytes per slot, where it starts, and the data a slot holds. */
  readonly ringDepth: number;
  readonly ringSlotBytes: number;
  readonly ringStart: number;
  readonly ringCapacity: number;
  /** Data views of the ring slots [rank][slot], made once. */
  ringData: Uint8Array[][] = [];
  /** The same by slot: [slot][rank]. */
  ringParts: Uint8Array[][] = [];
  /** The ring's data as the typed array of a reduction kernel ([slot][rank]), for the array type last asked for. */
  #typedArray: DirectKernel['array'] | null = null;
  #typedParts: ArrayBufferView[][] = [];
  /** Ring calls made so far (the same on every rank). */
  #ringCalls = 0;
  /** The two chunks of scratch of a single-copy reduction (`directReduce`), while no call holds them. */
  #chunks: Uint8Array | null = null;
  /** Loads of a stamp before waiting for every rank (RING_LOOKS). */
  readonly #allLooks: number;
  /** Ring calls this rank has finished with, in order (what it publishes); those finished out of order. */
  #ringDone = 0;
  readonly #ringFinished = new Set<number>();
  /** A lower bound of every rank's published count. */
  #ringSafe = 0;
  /** Words of stamps per rank, where they start (a word index), where the slots start (bytes). */
  readonly #stampWords: number;
  readonly #stampStart: number;
  readonly #slotsStart: number;

  constructor(readonly seg: CollSegment, readonly rank: number, readonly size: number) {
    this.words = seg.words;
    this.bytes = seg.bytes;
    this.slotBytes = slotBytesFor(size);
    this.dataStart = Shm.dataStart(size);
    this.ringDepth = ringDepthFor(size);
    this.ringSlotBytes = ringSlotBytesFor(size);
    this.ringStart = Shm.ringStart(size);
    this.ringCapacity = this.ringSlotBytes - RING_HEADER;
    this.#stampWords = ringStampBytesFor(size) >> 2;
    this.#stampStart = (this.ringStart + size * 64) >> 2;
    this.#slotsStart = Shm.ringSlotsStart(size);
    this.#allLooks = size > CORES ? RING_LOOKS_OVER : RING_LOOKS;
    if (seg.attached) this.attach();
  }

  attach(): void {
    this.words = this.seg.words;
    this.bytes = this.seg.bytes;
    this.slots = [0, 1].map((s) => Array.from({ length: this.size + 1 },
      (_, i) => new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.slot(s, i), this.slotBytes)));
    this.ringData = Array.from({ length: this.size }, (_, r) => Array.from({ length: this.ringDepth },
      (_, i) => new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.ringSlot(r, i) + RING_HEADER, this.ringCapacity)));
    this.ringParts = Array.from({ length: this.ringDepth }, (_, i) => this.ringData.map((slots) => slots[i]!));
    this.#typedArray = null;
  }

  /** `ringParts` as views of `array` (slots are 8-byte aligned), made once per array type in a row. */
  typedParts(array: DirectKernel['array']): ArrayBufferView[][] {
    if (array !== this.#typedArray) {
      const per = (array as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      this.#typedParts = this.ringParts.map((ranks) => ranks.map((p) => new array(p.buffer, p.byteOffset, Math.floor(p.length / per))));
      this.#typedArray = array;
    }
    return this.#typedParts;
  }

  /**
   * Scratch for a single-copy reduction: two chunks of `bytes` each, kept
   * for the next call (`giveChunks`). A call takes them for itself, so a
   * reduction started from inside another one's user operation gets its own.
   */
  takeChunks(bytes: number): Uint8Array {
    const c = this.#chunks;
    if (c !== null && c.length >= 2 * bytes) {
      this.#chunks = null;
      return c;
    }
    return new Uint8Array(2 * bytes);
  }

  giveChunks(c: Uint8Array): void {
    this.#chunks = c;
  }

  static dataStart(size: number): number {
    return Math.ceil(((COUNTER_WORDS + 2 * size) * 4) / 64) * 64;
  }

  static ringStart(size: number): number {
    return Shm.dataStart(size) + 2 * (size + 1) * slotBytesFor(size);
  }

  /**
   * The ring: one line per rank for its published count, then each rank's
   * stamps (together, so that a wait reads a few lines, not one per slot
   * page), then the slots.
   */
  static ringSlotsStart(size: number): number {
    return Shm.ringStart(size) + size * (64 + ringStampBytesFor(size));
  }

  static bytesFor(size: number): number {
    return Shm.ringSlotsStart(size) + size * ringDepthFor(size) * ringSlotBytesFor(size);
  }

  /** Index of counter `which` of set `s`. */
  counter(s: number, which: number): number {
    return (s * 3 + which) * LINE;
  }

  /** Index of the per-rank word of set `s` for rank `r` (words 0 and 1: a broadcast root's length, low and high). */
  meta(s: number, r: number): number {
    return COUNTER_WORDS + s * this.size + r;
  }

  /** Byte offset of slot `i` of set `s` (`i === size`: the shared slot). */
  slot(s: number, i: number): number {
    return this.dataStart + (s * (this.size + 1) + i) * this.slotBytes;
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

  // ---- the ring ----

  /** Reserve the next ring call (at the start of the collective, like `reserve`). */
  ringReserve(): number {
    return this.#ringCalls++;
  }

  /** Byte offset of ring slot `i` of rank `r`. */
  ringSlot(r: number, i: number): number {
    return this.#slotsStart + (r * this.ringDepth + i) * this.ringSlotBytes;
  }

  /** Word index of the stamp of ring slot `i` of rank `r`: the number of the call that last wrote it, plus one. */
  ringStamp(r: number, i: number): number {
    return this.#stampStart + r * this.#stampWords + i;
  }

  /** Word index of rank `r`'s published count of finished ring calls. */
  ringCountIndex(r: number): number {
    return (this.ringStart >> 2) + r * LINE;
  }

  /** Null when this rank may write its slot for call `k` (every rank has finished call k - depth), else an operation that completes then. */
  ringFree(k: number): Operation | null {
    const need = k - this.ringDepth + 1;
    if (need <= this.#ringSafe || this.#ringLowest() >= need) return null;
    return this.seg.until(() => this.#ringLowest() >= need);
  }

  #ringLowest(): number {
    const w = this.words;
    let low = Atomics.load(w, this.ringCountIndex(0));
    for (let r = 1; r < this.size; r++) low = Math.min(low, Atomics.load(w, this.ringCountIndex(r)));
    this.#ringSafe = low;
    return low;
  }

  /** Publish `n` bytes of data in this rank's slot for call `k` (the data is in place). */
  ringPublish(k: number, n: number): void {
    const i = k % this.ringDepth;
    this.words[(this.ringSlot(this.rank, i) >> 2) + 1] = n;
    Atomics.store(this.words, this.ringStamp(this.rank, i), k + 1);
    this.seg.wake();
  }

  /**
   * Null when rank `r` has published call `k`, else an operation that
   * completes then. Ranks in step publish within a fraction of a microsecond
   * of each other: look a few more times before making the operation (it
   * and the wait through the transport cost more than that).
   */
  ringReady(r: number, k: number, looks = RING_LOOKS): Operation | null {
    const w = this.words;
    const at = this.ringStamp(r, k % this.ringDepth);
    for (let i = 0; i < looks; i++) if (Atomics.load(w, at) > k) return null;
    return this.seg.until(() => Atomics.load(w, at) > k);
  }

  /** Null when every rank has published call `k`, else an operation that completes when the first one missing has. */
  ringPending(k: number): Operation | null {
    for (let r = 0; r < this.size; r++) {
      const a = r === this.rank ? null : this.ringReady(r, k, this.#allLooks);
      if (a) return a;
    }
    return null;
  }

  /** The length rank `r` published for call `k`. */
  ringLength(r: number, k: number): number {
    return this.words[(this.ringSlot(r, k % this.ringDepth) >> 2) + 1]!;
  }

  /** This rank is done with call `k` (read what it needed): counts are published in call order. */
  ringFinish(k: number): void {
    if (k !== this.#ringDone) {
      this.#ringFinished.add(k);
      return;
    }
    let d = k + 1;
    while (this.#ringFinished.delete(d)) d++;
    this.#ringDone = d;
    Atomics.store(this.words, this.ringCountIndex(this.rank), d);
    this.seg.wake();
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
      const seg = c.t.sharedSegments?.collSegment(c.comm, Shm.bytesFor(c.size)) ?? null;
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
//
// The ring calls go further: each is a plain function that does the whole
// call when nothing has to be waited for (the usual case when ranks run in
// step) and returns DONE, with no generator at all; it hands over to a
// generator (`...From`) at the first wait. `first` is that wait, the
// operation the fast path already made (after writing its slot), or null
// when the fast path stopped before writing (the segment had not arrived or
// the slot was still in use): the generator then starts from there.

/** The waits before this rank may write its slot for ring call `k`. */
function* ringEnter(shm: Shm, k: number): Schedule<void> {
  if (shm.slots.length === 0) yield* attach(shm);
  const f = shm.ringFree(k);
  if (f) yield f;
}

/** This rank may write its slot for ring call `k` now. */
function ringOpen(shm: Shm, k: number): boolean {
  return shm.slots.length > 0 && shm.ringFree(k) === null;
}

/** Every rank stamps its ring slot, then waits for everyone's stamp. */
export function barrier(shm: Shm): Schedule<void> {
  const k = shm.ringReserve();
  if (!ringOpen(shm, k)) return barrierFrom(shm, k, null);
  shm.ringPublish(k, 0);
  const a = shm.ringPending(k);
  if (a !== null) return barrierFrom(shm, k, a);
  shm.ringFinish(k);
  return DONE;
}

function* barrierFrom(shm: Shm, k: number, first: Operation | null): Schedule<void> {
  if (first === null) {
    yield* ringEnter(shm, k);
    shm.ringPublish(k, 0);
    first = shm.ringPending(k);
  }
  for (let a = first; a; a = shm.ringPending(k)) yield a;
  shm.ringFinish(k);
}

/**
 * Bytes of one broadcast step: the data area of a set, up to 64 KiB a slot
 * (larger steps, as the oversubscribed Allreduce takes, made 8-rank
 * broadcasts of 1 MiB slower: 0.9-1.2 ms against 0.6-0.8).
 */
function bcastChunk(shm: Shm): number {
  return (shm.size + 1) * Math.min(shm.slotBytes, 64 << 10);
}

/**
 * Broadcast in place, in chunks of a set's data area: the root copies a chunk
 * in and counts for everyone, the others copy it out. Consecutive chunks use
 * alternate sets, so the root fills one while the others read the other.
 */
export function bcast(shm: Shm, buf: Uint8Array, root: number): Schedule<void> {
  if (buf.length <= shm.ringCapacity) return ringBcast(shm, buf, root, buf.length);
  return shm.seg.singleCopy !== undefined ? directBcast(shm, buf, root) : chunkedBcast(shm, buf, root);
}

/**
 * Broadcast with one copy: the root publishes a pin of its buffer and
 * its length, and waits until every other rank has copied straight from
 * it (CollSegment.singleCopy). One call of a set: the pin and the length
 * go in the first words of the set's slot 0. Each reader writes only into
 * its own buffer (a pull), so after an Ibcast nobody writes into memory a
 * program may have given away; the pin keeps what they read alive.
 *
 * The chunked broadcast below copies twice, and each chunk the root writes
 * is then pulled from its core's cache by every reader. Alternated runs of
 * `CASES=bcast-1m BYTES=b npx mpi4ts -n N bench/micro/coll-cpu.mjs`, chunked
 * against single copy, µs a call: 2 ranks, 20000 B 8.6 / 5.0, 64 KiB
 * 16.3 / 9.4, 256 KiB 81 / 12.8, 1 MiB 181-295 / 56-83; 8 ranks, 20000 B
 * 80 / 51, 256 KiB 233 / 120.
 */
function* directBcast(shm: Shm, buf: Uint8Array, root: number): Schedule<void> {
  const n = buf.length;
  const copy = shm.seg.singleCopy!;
  // The root pins its bytes at once, while the call runs (an Ibcast returns
  // to the program before the others copy): a program that transfers or
  // drops the buffer afterwards cannot free the memory they read.
  const pin = shm.rank === root ? pinOrCopy(copy, buf) : 0;
  const d = yield* directEnter(shm, root);
  const w = shm.words;
  if (shm.rank === root) {
    putWide(w, d.head, pin);
    putWide(w, d.head + 2, n);
    shm.add(d.s, ARRIVE, shm.size, d.full);
    try {
      yield* directRootLeave(shm, d);
    } finally {
      copy.unpin(pin);
    }
    checkIntact('buf', buf, n);
    return;
  }
  const sent = getWide(w, d.head + 2);
  // A reader writes only into its own buffer, and only if it still has it;
  // it leaves in any case, so that the root never waits for it in vain.
  const intact = buf.length >= n;
  try {
    if (intact) copy.copyFrom(buf, 0, getWide(w, d.head), 0, Math.min(n, sent));
  } finally {
    directLeave(shm, d);
  }
  checkIntact('buf', buf, n);
  if (sent > n) {
    throw truncated(sent, n, 'bytes', { root });
  }
}

/**
 * A pin of `bytes` (SingleCopy.pin), or of a copy of them when they cannot
 * be pinned (a resizable buffer, whose pages V8 may take back): one more
 * copy, only in that case.
 */
function pinOrCopy(copy: SingleCopy, bytes: Uint8Array): number {
  const pin = copy.pin(bytes);
  return pin !== 0 ? pin : copy.pin(bytes.slice());
}

/** A single-copy call (directBcast, directGatherv): its use of a set, and the word of the set's slot 0 where the root publishes. */
interface DirectCall extends Step {
  readonly head: number;
}

/**
 * Start a single-copy call: one use of a set. The root returns once the
 * set's previous use is over, to publish in slot 0, let the others in
 * (ARRIVE: size) and end with `directRootLeave`; the others once the root
 * has published, to copy and end with `directLeave`.
 */
function* directEnter(shm: Shm, root: number): Schedule<DirectCall> {
  const q = shm.reserve(1);
  if (shm.slots.length === 0) yield* attach(shm);
  const step = shm.step(q);
  const d = { ...step, head: shm.slot(step.s, 0) >> 2 };
  const e = shm.rank === root ? shm.reached(d.s, LEAVE, d.base) : shm.reached(d.s, ARRIVE, d.full);
  if (e) yield e;
  return d;
}

/** A rank other than the root is done with a single-copy call: the last one wakes the root (which waits for size - 1 of them). */
function directLeave(shm: Shm, d: DirectCall): void {
  shm.add(d.s, LEAVE, 1, d.full - 1);
}

/**
 * The root's end of a single-copy call: wait until the others have all left
 * (they copy from or to its own buffer, and leave in slot 0 what `after`
 * reads), then leave, which frees the set for its next use: a root that left
 * first could find slot 0 rewritten by that use before it read it.
 */
function* directRootLeave(shm: Shm, d: DirectCall, after?: () => void): Schedule<void> {
  const e = shm.reached(d.s, LEAVE, d.full - 1);
  if (e) yield e;
  try {
    after?.();
  } finally {
    shm.add(d.s, LEAVE, 1, d.full);
  }
}

function* chunkedBcast(shm: Shm, buf: Uint8Array, root: number): Schedule<void> {
  const n = buf.length;
  const chunk = bcastChunk(shm);
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
      if (k === 0) putWide(shm.words, shm.meta(s, 0), n);
      // Later chunks are read after an Ibcast returned: a buffer the program
      // detached or shrank meanwhile sends zeros, and fails the root's call.
      if (buf.length >= n) copyBytes(shm.bytes, at, buf, off, len);
      else shm.bytes.fill(0, at, at + len);
      shm.add(s, ARRIVE, shm.size, full);
    } else {
      const a = shm.reached(s, ARRIVE, full);
      if (a) yield a;
      if (k === 0) sent = getWide(shm.words, shm.meta(s, 0));
      if (buf.length >= n) copyBytes(buf, off, shm.bytes, at, Math.max(0, Math.min(len, sent - off)));
    }
    shm.add(s, LEAVE, 1, full);
  }
  checkIntact('buf', buf, n);
  if (sent > n) {
    throw truncated(sent, n, 'bytes', { root });
  }
}

/**
 * Broadcast through the ring: the root copies the data into its slot and
 * goes on (it waits only when the slot's previous use, `depth` calls ago, is
 * still being read); the others copy it out.
 */
function ringBcast(shm: Shm, buf: Uint8Array, root: number, n: number): Schedule<void> {
  const k = shm.ringReserve();
  if (shm.rank === root) {
    if (!ringOpen(shm, k)) return ringBcastFrom(shm, k, buf, root, null, n);
    ringBcastWrite(shm, k, buf, n);
  } else {
    if (shm.slots.length === 0) return ringBcastFrom(shm, k, buf, root, null, n);
    const a = shm.ringReady(root, k);
    if (a !== null) return ringBcastFrom(shm, k, buf, root, a, n);
    ringBcastRead(shm, k, buf, root, n);
  }
  return DONE;
}

/** (A reader has nothing to write: its `first` is null only when the segment had not arrived.) */
function* ringBcastFrom(shm: Shm, k: number, buf: Uint8Array, root: number, first: Operation | null, n: number): Schedule<void> {
  if (shm.rank === root) {
    yield* ringEnter(shm, k);
    ringBcastWrite(shm, k, buf, n);
    return;
  }
  if (first === null) {
    yield* attach(shm);
    first = shm.ringReady(root, k);
  }
  if (first) yield first;
  ringBcastRead(shm, k, buf, root, n);
}

/**
 * `n` is the buffer's length when the call started: an Ibcast may get here
 * after the program detached or shrank it (then zeros go out, and the call
 * fails with ERR_BUFFER on the rank that did it).
 */
function ringBcastWrite(shm: Shm, k: number, buf: Uint8Array, n: number): void {
  const slot = shm.ringData[shm.rank]![k % shm.ringDepth]!;
  const intact = buf.length >= n;
  if (intact) slot.set(n === buf.length ? buf : buf.subarray(0, n));
  else slot.fill(0, 0, n);
  shm.ringPublish(k, n);
  shm.ringFinish(k);
  checkIntact('buf', buf, n);
}

function ringBcastRead(shm: Shm, k: number, buf: Uint8Array, root: number, n: number): void {
  // The root's length comes with the data: a shorter buffer here reports the truncation.
  const sent = shm.ringLength(root, k);
  if (buf.length >= n) copyBytes(buf, 0, shm.ringData[root]![k % shm.ringDepth]!, 0, Math.min(n, sent));
  shm.ringFinish(k);
  checkIntact('buf', buf, n);
  if (sent > n) {
    throw truncated(sent, n, 'bytes', { root });
  }
}

/**
 * Broadcast of a value through the ring: the root encodes it straight into
 * its slot. Null on every rank when it is longer than a slot (length -1
 * there): the caller then broadcasts it by point-to-point messages.
 */
export function* bcastObject(shm: Shm, obj: unknown, root: number, codec: ObjectCodec = builtinCodec): Schedule<{ value: unknown } | null> {
  const k = shm.ringReserve();
  if (shm.slots.length === 0) yield* attach(shm);
  const data = shm.ringData[root]![k % shm.ringDepth]!;
  if (shm.rank === root) {
    const f = shm.ringFree(k);
    if (f) yield f;
    // Encode only now: the codec's scratch is reused by whatever runs while we wait.
    const bytes = beforeSending(() => codec.dumps(obj));
    const fits = bytes.length <= data.length;
    if (fits) data.set(bytes);
    shm.ringPublish(k, fits ? bytes.length : -1);
    shm.ringFinish(k);
    return fits ? { value: obj } : null;
  }
  const a = shm.ringReady(root, k);
  if (a) yield a;
  const len = shm.ringLength(root, k);
  // Decoding copies out of the segment (owned = false).
  const result = len < 0 ? null : { value: codec.loads(data.subarray(0, len), false) };
  shm.ringFinish(k);
  return result;
}

// ---- gather ---------------------------------------------------------------------------

/**
 * Gatherv with one copy per block, made by its sender: the root publishes
 * a pin of its receive buffer and each rank's block, and every rank
 * copies its data straight into its block (CollSegment.singleCopy). The
 * ranks fill the root's buffer side by side, first touches of fresh pages
 * included, where point-to-point receives have the root make every copy:
 * the seed's Mandelbrot gathers 3.8 MB into a new array, 3-5 ms on one
 * thread. The root leaves when every block is in; a rank whose data is
 * longer than its block makes the root raise ERR_TRUNCATE, as a receive would.
 *
 * Ownership: here other ranks write into the root's memory, so only a
 * blocking Gatherv takes this path (CollContext.blocking: the root's program
 * cannot run, so cannot give its buffer away, until the others are done);
 * an Igatherv takes point-to-point messages, where each rank copies only
 * into its own memory. The pin keeps even that case safe against what may
 * run meanwhile (a user-defined operation of another pending collective):
 * the writes land in memory that stays alive, and the root reports a buffer
 * that changed (ERR_BUFFER). A resizable receive buffer is not pinned: the
 * blocks go into a buffer of the root's own, then into place.
 *
 * Words of the set's slot 0: the pin (low, high), then per rank its
 * block's offset and length and the length the rank sent (low, high each).
 */
export function* directGatherv(shm: Shm, send: Uint8Array, recv: Uint8Array | null, blocks: readonly (readonly [number, number])[] | null,
  root: number): Schedule<void> {
  const copy = shm.seg.singleCopy!;
  const atRoot = shm.rank === root;
  const had = atRoot ? recv!.length : 0;
  let target = recv;
  let pin = 0;
  if (atRoot && had > 0) {
    pin = copy.pin(recv!);
    if (pin === 0) {
      target = new Uint8Array(had);
      pin = copy.pin(target);
    }
  }
  const d = yield* directEnter(shm, root);
  const w = shm.words;
  const entry = (r: number): number => d.head + 2 + 6 * r;
  if (atRoot) {
    putWide(w, d.head, pin);
    for (let r = 0; r < shm.size; r++) {
      putWide(w, entry(r), blocks![r]![0]);
      putWide(w, entry(r) + 2, blocks![r]![1]);
    }
    shm.add(d.s, ARRIVE, shm.size, d.full);
    try {
      // Its own block while the others copy theirs.
      const [off, len] = blocks![root]!;
      const into = target!.subarray(off, off + len);
      if (send !== into && send.length > 0 && target!.length >= had) into.set(send.subarray(0, len));
      yield* directRootLeave(shm, d, () => {
        for (let r = 0; r < shm.size; r++) {
          const sent = getWide(w, entry(r) + 4);
          if (r !== root && sent > blocks![r]![1]) {
            throw truncated(sent, blocks![r]![1], 'bytes', { source: r });
          }
        }
      });
    } finally {
      if (pin !== 0) copy.unpin(pin);
    }
    checkIntact('recvbuf', recv!, had);
    if (target !== recv) recv!.set(target!);
    return;
  }
  const at = entry(shm.rank);
  const n = Math.min(send.length, getWide(w, at + 2));
  putWide(w, at + 4, send.length);
  try {
    if (n > 0) copy.copyTo(getWide(w, d.head), getWide(w, at), send, n);
  } finally {
    directLeave(shm, d);
  }
}

// ---- reductions ----------------------------------------------------------------------

/**
 * Allreduce. Small: every rank puts its contribution in its ring slot and,
 * once all are there, reduces all of them in rank order (the same result on
 * every rank, bit for bit). Large: in chunks of a slot, each rank reduces its share
 * of the chunk into the shared slot, then everyone copies the result out.
 */
export function allreduce(shm: Shm, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  if (send.length > shm.ringCapacity) return chunkedAllreduce(shm, send, recv, count, type, op);
  const k = shm.ringReserve();
  if (!ringOpen(shm, k)) return ringReduceFrom(shm, k, send, recv, count, type, op, -1, null);
  ringContribute(shm, k, send);
  const a = shm.ringPending(k);
  if (a !== null) return ringReduceFrom(shm, k, send, recv, count, type, op, -1, a);
  ringCombine(shm, k, send.length, recv, count, type, op);
  return DONE;
}

/** Write this rank's contribution to ring call `k` and publish it. */
function ringContribute(shm: Shm, k: number, send: Uint8Array): void {
  shm.ringData[shm.rank]![k % shm.ringDepth]!.set(send);
  shm.ringPublish(k, send.length);
}

/** The rest of a ring Allreduce (root -1) or Reduce from its first wait. */
function* ringReduceFrom(shm: Shm, k: number, send: Uint8Array, out: Uint8Array | null, count: number, type: TypeDesc,
  op: BufferCombiner, root: number, first: Operation | null): Schedule<void> {
  if (first === null) {
    yield* ringEnter(shm, k);
    ringContribute(shm, k, send);
    if (root >= 0 && shm.rank !== root) {
      shm.ringFinish(k);
      return;
    }
    first = shm.ringPending(k);
  }
  for (let a = first; a; a = shm.ringPending(k)) yield a;
  ringCombine(shm, k, send.length, out!, count, type, op);
}

function* chunkedAllreduce(shm: Shm, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  const n = send.length;
  // Chunks of whole elements, each split in `size` shares of whole elements.
  const elem = n / count;
  const per = Math.max(1, Math.floor(shm.slotBytes / elem));
  const steps = Math.ceil(count / per);
  const q0 = shm.reserve(steps);
  const mid = Array.from({ length: steps }, (_, k) => shm.midTarget((q0 + k) & 1));
  if (shm.slots.length === 0) yield* attach(shm);
  let failure: unknown = null;
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
    if (hi > lo && failure === null) {
      // This rank's share of every slot; the shared slot (index size) takes the result.
      const parts = shm.slots[s]!.map((v) => v.subarray(lo * elem, hi * elem));
      // A user operation that throws fails this rank's call once every step is done: the others wait for its steps.
      try {
        combineRanks(parts, shm.size, parts[shm.size]!, hi - lo, type, op);
      } catch (e) {
        failure = e;
      }
    }
    shm.add(s, MID, 1, mid[k]!);
    const b = shm.reached(s, MID, mid[k]!);
    if (b) yield b;
    copyBytes(recv, at, shm.bytes, shm.slot(s, shm.size), len);
    shm.add(s, LEAVE, 1, full);
  }
  if (failure !== null) throw failure;
}

/** out = parts[0] op parts[1] op ... op parts[size - 1]: rank order, so every rank gets the same bits. */
function combineRanks(parts: readonly Uint8Array[], size: number, out: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): void {
  op.combineBuffers(out, parts[0]!, parts[1]!, count, type);
  for (let r = 2; r < size; r++) op.combineBuffers(out, out, parts[r]!, count, type);
}

/** Whether a Reduce of `n` bytes goes through `reduce` below. */
export function smallReduce(shm: Shm, n: number): boolean {
  return n <= shm.ringCapacity;
}

/** Small Reduce through the ring: every rank publishes its contribution; the root combines them. */
export function reduce(shm: Shm, send: Uint8Array, result: Uint8Array | null, count: number, type: TypeDesc,
  op: BufferCombiner, root: number): Schedule<void> {
  const k = shm.ringReserve();
  if (!ringOpen(shm, k)) return ringReduceFrom(shm, k, send, result, count, type, op, root, null);
  ringContribute(shm, k, send);
  if (shm.rank !== root) {
    shm.ringFinish(k);
    return DONE;
  }
  const a = shm.ringPending(k);
  if (a !== null) return ringReduceFrom(shm, k, send, result, count, type, op, root, a);
  ringCombine(shm, k, send.length, result!, count, type, op);
  return DONE;
}

/**
 * Once every rank has published its `n` bytes for ring call `k`: combine
 * them in rank order into `out` and finish the call. Contributions of
 * another length raise ERR_TRUNCATE (a point-to-point reduction would
 * truncate), after the call is finished so that the ring goes on.
 */
function ringCombine(shm: Shm, k: number, n: number, out: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): void {
  let other = -1;
  for (let r = 0; r < shm.size && other < 0; r++) if (shm.ringLength(r, k) !== n) other = r;
  if (other < 0) {
    // The kernel straight on views made once, where the operation has one:
    // per call that saves looking up three views for each of size - 1 steps
    // (8 ranks on 2 cores, Allreduce of 1 double: 10.6-14.8 µs of CPU a
    // rank and call before, 7.8-10.2 after; .lead-free repro in bench/README.md).
    const direct = op.direct?.(type);
    const o = direct === undefined ? null : typedOf(direct.array, out);
    if (o !== null) {
      const parts = shm.typedParts(direct!.array)[k % shm.ringDepth]!;
      const m = n / direct!.elementBytes;
      direct!.run(o, parts[0]!, parts[1]!, m);
      for (let r = 2; r < shm.size; r++) direct!.run(o, o, parts[r]!, m);
    } else {
      combineRanks(shm.ringParts[k % shm.ringDepth]!, shm.size, out.length === n ? out : out.subarray(0, n), count, type, op);
    }
  }
  shm.ringFinish(k);
  if (other >= 0) {
    throw new MpiFailure(ERR_TRUNCATE, `rank ${other} contributed ${shm.ringLength(other, k)} bytes, this rank ${n}: the buffers must match on every rank`);
  }
}

/**
 * Allreduce of values: each rank encodes its value into its slot (or marks
 * it too long: -1); then every rank decodes all of them and combines them in
 * rank order. Null when some value did not fit: every rank sees the same
 * marks, and all take the point-to-point algorithm.
 */
export function* allreduceObject(shm: Shm, obj: unknown, op: Combiner, codec: ObjectCodec = builtinCodec): Schedule<{ value: unknown } | null> {
  const k = shm.ringReserve();
  if (shm.slots.length === 0) yield* attach(shm);
  const f = shm.ringFree(k);
  if (f) yield f;
  const bytes = codec.dumps(obj);
  const mine = shm.ringData[shm.rank]![k % shm.ringDepth]!;
  const fits = bytes.length <= mine.length;
  if (fits) mine.set(bytes);
  shm.ringPublish(k, fits ? bytes.length : -1);
  for (let a = shm.ringPending(k); a; a = shm.ringPending(k)) yield a;
  const parts = shm.ringParts[k % shm.ringDepth]!;
  let result: { value: unknown } | null = null;
  let ok = true;
  for (let r = 0; r < shm.size; r++) if (shm.ringLength(r, k) < 0) ok = false;
  if (ok) {
    let acc = codec.loads(parts[0]!.subarray(0, shm.ringLength(0, k)), false);
    for (let r = 1; r < shm.size; r++) acc = op.combine(acc, codec.loads(parts[r]!.subarray(0, shm.ringLength(r, k)), false));
    result = { value: acc };
  }
  shm.ringFinish(k);
  return result;
}

// ---- single-copy reductions and allgather ----------------------------------------------
//
// Large blocking reductions where the segment offers single copies
// (CollSegment.singleCopy): every rank pins its send buffer and publishes
// the pin; rank r reduces the r-th slice of the elements, reading that
// slice of every rank's buffer straight from it, in rank order (so a
// non-commutative operation, or a floating-point sum, gives the same bits
// on every rank, as the ring does); then the slices go where the call wants
// them: every rank pulls the others' slices out of their receive buffers
// (Allreduce), each pushes its slice into the root's buffer (Reduce, as
// directGatherv does), or each keeps its own (Reduce_scatter). Three
// synchronisations a call, where the chunked Allreduce above takes three a
// slot (16 slots for 1 MiB at 2 ranks).
//
// Memory safety: reads of another rank's memory go through its pins,
// writes into another rank's memory only into a root's pinned result
// (Reduce: blocking calls only, as directGatherv). The addon checks every
// copy against the pin's bounds (a RangeError otherwise) and keeps the
// memory alive while it copies. No rank returns before every rank has left
// (LEAVE reaches `full`): each leaves after its last copy from or into
// another's memory, so no rank reads or writes a buffer whose owner has
// returned to its program. A failure on the way (a user operation that
// throws, a length that differs between ranks) is recorded and raised once
// the rank has left, never in the middle with the others waiting for it.

/** Bytes of a chunk: the partial result and the next rank's operand stay in the core's cache. */
const DIRECT_CHUNK = 32 << 10;

/** Words per rank in slot 0 of a single-copy call's set: its send pin, its send length, the pin of its output (low, high each). */
const DIRECT_WORDS = 6;

/** Whether a blocking reduction of `n` bytes a rank takes the single-copy path (directAllreduce, directReduce, directReduceScatter). */
export function directReduction(shm: Shm, n: number): boolean {
  return shm.seg.singleCopy !== undefined && n > shm.ringCapacity;
}

/** Whether a blocking Allgather of `n` bytes a rank takes directAllgather (below that, point-to-point recursive doubling). */
export function directAllgatherFits(shm: Shm, n: number): boolean {
  return shm.seg.singleCopy !== undefined && n * shm.size > 65536;
}

/** A single-copy reduction or allgather in progress: its use of a set, every rank's published words, and what to raise at the end. */
interface DirectSet extends Step {
  readonly head: number;
  /** The value of the set's MID counter that completes this call (0 if it does not use it). */
  readonly mid: number;
  readonly sendPins: number[];
  readonly outPins: number[];
  failure: unknown;
}

/**
 * Start a single-copy call: wait until the set's previous use is over,
 * publish this rank's pins and send length, and wait until every rank has.
 * Lengths that differ are a failure of the call on every rank (each sees
 * the same words): a point-to-point reduction would truncate.
 */
function* directSetEnter(shm: Shm, sendPin: number, n: number, outPin: number, withMid: boolean): Schedule<DirectSet> {
  const q = shm.reserve(1);
  const step = shm.step(q);
  // Counted in call order, before any wait (as chunkedAllreduce).
  const mid = withMid ? shm.midTarget(step.s) : 0;
  if (shm.slots.length === 0) yield* attach(shm);
  const head = shm.slot(step.s, 0) >> 2;
  const e = shm.reached(step.s, LEAVE, step.base);
  if (e) yield e;
  const w = shm.words;
  const at = head + DIRECT_WORDS * shm.rank;
  putWide(w, at, sendPin);
  putWide(w, at + 2, n);
  putWide(w, at + 4, outPin);
  shm.add(step.s, ARRIVE, 1, step.full);
  const a = shm.reached(step.s, ARRIVE, step.full);
  if (a) yield a;
  const d: DirectSet = { ...step, head, mid, sendPins: [], outPins: [], failure: null };
  for (let r = 0; r < shm.size; r++) {
    const p = head + DIRECT_WORDS * r;
    d.sendPins.push(getWide(w, p));
    d.outPins.push(getWide(w, p + 4));
    const sent = getWide(w, p + 2);
    if (sent !== n && d.failure === null) {
      d.failure = new MpiFailure(ERR_TRUNCATE, `rank ${r} contributed ${sent} bytes, this rank ${n}: the buffers must match on every rank`);
    }
  }
  return d;
}

/** Leave a single-copy call (this rank is done with every other rank's memory) and wait until every rank has. */
function* directSetLeave(shm: Shm, d: DirectSet): Schedule<void> {
  shm.add(d.s, LEAVE, 1, d.full);
  const e = shm.reached(d.s, LEAVE, d.full);
  if (e) yield e;
}

/** Run `f`, recording what it throws as the call's failure (the first one only). */
function recording(d: DirectSet, f: () => void): void {
  if (d.failure !== null) return;
  try {
    f();
  } catch (e) {
    d.failure = e;
  }
}

/** Whether two views share bytes. */
function overlap(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length
    && a.length > 0 && b.length > 0;
}

/** [byte offset, byte length] of rank `r`'s slice of `count` elements of `elem` bytes: whole elements, as even as they go. */
function sliceOf(r: number, size: number, count: number, elem: number): readonly [number, number] {
  const lo = Math.floor((count * r) / size);
  const hi = Math.floor((count * (r + 1)) / size);
  return [lo * elem, (hi - lo) * elem];
}

/**
 * Reduce bytes [at, at + len) of every rank's send buffer, in rank order,
 * a chunk at a time: rank 0's chunk is copied into the first scratch chunk,
 * each next rank's into the second and combined into the first (the
 * operation's kernel on views made once per call where it has one, else
 * combineBuffers); `put(off, m, pin, acc)` then moves the `m` bytes of
 * result for slice byte `off` on (`pin` pins `acc`). The scratch is the
 * Shm's, reused from call to call.
 */
function reduceSlice(shm: Shm, d: DirectSet, at: number, len: number, elem: number, type: TypeDesc, op: BufferCombiner,
  put: (off: number, m: number, pin: number, acc: Uint8Array) => void): void {
  if (len === 0) return;
  const copy = shm.seg.singleCopy!;
  const chunk = Math.max(1, Math.floor(DIRECT_CHUNK / elem)) * elem;
  const scratch = shm.takeChunks(chunk);
  const acc = scratch.subarray(0, chunk);
  const tmp = scratch.subarray(chunk, 2 * chunk);
  const direct = op.direct?.(type);
  const per = direct === undefined ? 0 : (direct.array as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const ka = direct === undefined ? null : new direct.array(scratch.buffer, scratch.byteOffset, chunk / per);
  const kt = direct === undefined ? null : new direct.array(scratch.buffer, scratch.byteOffset + chunk, chunk / per);
  const pin = copy.pin(scratch);
  try {
    for (let off = 0; off < len; off += chunk) {
      const m = Math.min(chunk, len - off);
      copy.copyFrom(acc, 0, d.sendPins[0]!, at + off, m);
      for (let r = 1; r < shm.size; r++) {
        copy.copyFrom(tmp, 0, d.sendPins[r]!, at + off, m);
        if (ka !== null) direct!.run(ka, ka, kt!, m / direct!.elementBytes);
        else op.combineBuffers(acc, acc, tmp, m / elem, type);
      }
      put(off, m, pin, acc);
    }
  } finally {
    copy.unpin(pin);
    shm.giveChunks(scratch);
  }
}

/**
 * Where a rank's result goes: `out` itself when it can be pinned and does
 * not share bytes with `send` other than as the same view (IN_PLACE),
 * else a scratch buffer copied into `out` once every rank has left (a
 * resizable buffer, or buffers that partly alias: other ranks still read
 * `send` while results are written).
 */
function outputOf(copy: SingleCopy, send: Uint8Array, out: Uint8Array, n: number, inPlaceOk: boolean): { target: Uint8Array; pin: number } {
  const same = send === out || (send.buffer === out.buffer && send.byteOffset === out.byteOffset);
  if (!overlap(send, out) || (same && inPlaceOk)) {
    const pin = copy.pin(out);
    if (pin !== 0) return { target: out, pin };
  }
  const target = new Uint8Array(n);
  return { target, pin: copy.pin(target) };
}

/**
 * Allreduce with single copies (see above): each rank reduces its slice
 * into its own receive buffer, then copies the others' slices out of
 * theirs. Each rank writes only into its own memory.
 */
export function* directAllreduce(shm: Shm, send: Uint8Array, recv: Uint8Array, count: number, type: TypeDesc,
  op: BufferCombiner): Schedule<void> {
  const copy = shm.seg.singleCopy!;
  const n = send.length;
  const elem = n / count;
  const sendPin = pinOrCopy(copy, send);
  // IN_PLACE is safe in place: slice r of a buffer is read by rank r alone
  // before it writes it, and the others read it only after MID.
  const { target, pin } = outputOf(copy, send, recv, n, true);
  let failure: unknown = null;
  try {
    const d = yield* directSetEnter(shm, sendPin, n, pin, true);
    const [at, len] = sliceOf(shm.rank, shm.size, count, elem);
    recording(d, () => reduceSlice(shm, d, at, len, elem, type, op, (off, m, p) => copy.copyFrom(target, at + off, p, 0, m)));
    shm.add(d.s, MID, 1, d.mid);
    const b = shm.reached(d.s, MID, d.mid);
    if (b) yield b;
    recording(d, () => {
      for (let r = 0; r < shm.size; r++) {
        const [o, l] = sliceOf(r, shm.size, count, elem);
        if (r !== shm.rank && l > 0) copy.copyFrom(target, o, d.outPins[r]!, o, l);
      }
    });
    yield* directSetLeave(shm, d);
    failure = d.failure;
  } finally {
    copy.unpin(sendPin);
    copy.unpin(pin);
  }
  if (failure !== null) throw failure;
  if (target !== recv) recv.set(target.subarray(0, Math.min(n, recv.length)));
}

/**
 * Reduce with single copies: each rank reduces its slice and copies it
 * straight into the root's result (blocking calls only: the root's program
 * cannot touch its buffer until every rank has left).
 */
export function* directReduce(shm: Shm, send: Uint8Array, result: Uint8Array | null, count: number, type: TypeDesc,
  op: BufferCombiner, root: number): Schedule<void> {
  const copy = shm.seg.singleCopy!;
  const n = send.length;
  const elem = n / count;
  const sendPin = pinOrCopy(copy, send);
  const atRoot = shm.rank === root;
  const out = atRoot ? outputOf(copy, send, result!, n, true) : null;
  let failure: unknown = null;
  try {
    const d = yield* directSetEnter(shm, sendPin, n, out?.pin ?? 0, false);
    const [at, len] = sliceOf(shm.rank, shm.size, count, elem);
    const into = d.outPins[root]!;
    recording(d, () => reduceSlice(shm, d, at, len, elem, type, op, (off, m, _p, acc) => copy.copyTo(into, at + off, acc, m)));
    yield* directSetLeave(shm, d);
    failure = d.failure;
  } finally {
    copy.unpin(sendPin);
    if (out !== null) copy.unpin(out.pin);
  }
  if (failure !== null) throw failure;
  if (out !== null && out.target !== result) result!.set(out.target.subarray(0, Math.min(n, result!.length)));
}

/**
 * Reduce_scatter with single copies: rank r reduces block r (`blocks`, in
 * bytes of `send`) straight into `into`, its own memory.
 */
export function* directReduceScatter(shm: Shm, send: Uint8Array, blocks: readonly (readonly [number, number])[], into: Uint8Array,
  count: number, type: TypeDesc, op: BufferCombiner): Schedule<void> {
  const copy = shm.seg.singleCopy!;
  const n = send.length;
  const elem = n / count;
  const sendPin = pinOrCopy(copy, send);
  // IN_PLACE puts block r at the front of the buffer the others still read: write it aside, then into place.
  const target = overlap(send, into) ? new Uint8Array(into.length) : into;
  let failure: unknown = null;
  try {
    const d = yield* directSetEnter(shm, sendPin, n, 0, false);
    const [at, len] = blocks[shm.rank]!;
    recording(d, () => reduceSlice(shm, d, at, len, elem, type, op, (off, m, p) => copy.copyFrom(target, off, p, 0, m)));
    yield* directSetLeave(shm, d);
    failure = d.failure;
  } finally {
    copy.unpin(sendPin);
  }
  if (failure !== null) throw failure;
  if (target !== into) into.set(target);
}

/**
 * Allgather with single copies: every rank publishes a pin of its block
 * and copies the others' blocks straight out of their buffers into its own.
 */
export function* directAllgather(shm: Shm, send: Uint8Array, recv: Uint8Array): Schedule<void> {
  const copy = shm.seg.singleCopy!;
  const bb = send.length;
  const sendPin = pinOrCopy(copy, send);
  const mine = recv.subarray(shm.rank * bb, (shm.rank + 1) * bb);
  const inPlace = send.buffer === mine.buffer && send.byteOffset === mine.byteOffset;
  // A send buffer that shares other bytes with recv is still read by the others while this rank fills recv.
  const target = overlap(send, recv) && !inPlace ? new Uint8Array(recv.length) : recv;
  let failure: unknown = null;
  try {
    const d = yield* directSetEnter(shm, sendPin, bb, 0, false);
    recording(d, () => {
      for (let r = 0; r < shm.size; r++) if (r !== shm.rank && bb > 0) copy.copyFrom(target, r * bb, d.sendPins[r]!, 0, bb);
      if (!inPlace) copy.copyFrom(target, shm.rank * bb, sendPin, 0, bb);
    });
    yield* directSetLeave(shm, d);
    failure = d.failure;
  } finally {
    copy.unpin(sendPin);
  }
  if (failure !== null) throw failure;
  if (target !== recv) recv.set(target);
}
