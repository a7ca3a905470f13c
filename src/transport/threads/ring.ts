/**
 * A single-producer single-consumer byte ring in a SharedArrayBuffer: the
 * channel from one rank to another. Frames are 8-byte aligned, never split
 * across the end of the data area (a WRAP marker skips the tail), and start
 * with a 32-byte header of eight int32 fields.
 *
 * Memory ordering: the producer writes a frame with plain stores, then
 * publishes it with `Atomics.store(head)`; the consumer reads `head` with
 * `Atomics.load` before touching the frame. Those two sequentially consistent
 * operations order the plain accesses around them (JS memory model
 * synchronizes-with), so a consumer never sees a published head before the
 * bytes it covers. Symmetrically the consumer publishes `tail` after it has
 * copied a frame out, and the producer reuses space only below that tail.
 */
import { getWide } from '../../core/bytes.js';
import { OWN_BUFFERS, type Region, type SharedSpace } from './shared.js';

/** Byte offset of the data area; the control words live before it. */
const DATA_OFFSET = 256;
/** Int32 indices of the control words, each on its own 64-byte line. */
const HEAD = 0;
const TAIL = 16;
/** Set by the producer when it waits for space; cleared by the consumer when it frees some. */
const PRODUCER_WAITING = 32;
const PRODUCER_ID = 48;
const CONSUMER_ID = 49;

/** Frame header layout (int32 fields). */
export const HEADER_BYTES = 32;
export const F_LEN = 0;
export const F_KIND = 1;
export const F_A = 2;
export const F_B = 3;
export const F_C = 4;
/** The payload's size: low and high word (core/bytes.ts putWide, getWide). */
export const F_SIZE_LO = 5;
export const F_SIZE_HI = 6;
export const F_D = 7;
/** Marker in F_LEN: the rest of the data area up to its end is padding. */
const WRAP = -1;

/** Round a byte count up to the frame alignment. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}

export class Ring {
  /** The ring's memory, which the launcher hands to the consumer. */
  readonly region: Region;
  readonly capacity: number;
  readonly #mask: number;
  readonly #ctl: Int32Array;
  /** The data area as bytes, int32 (frame headers) and float64 (bulk copies). */
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  /** Producer's private copy of head and last seen tail (and vice versa) to avoid atomic loads. */
  #head = 0;
  #tail = 0;

  private constructor(region: Region) {
    const { sab, offset } = region;
    this.region = region;
    this.capacity = region.bytes - DATA_OFFSET;
    this.#mask = this.capacity - 1;
    this.#ctl = new Int32Array(sab, offset, DATA_OFFSET / 4);
    this.bytes = new Uint8Array(sab, offset + DATA_OFFSET, this.capacity);
    this.words = new Int32Array(sab, offset + DATA_OFFSET, this.capacity / 4);
    this.#head = Atomics.load(this.#ctl, HEAD);
    this.#tail = Atomics.load(this.#ctl, TAIL);
  }

  /** A new ring from `producer` to `consumer` (global process ids) with a power-of-two capacity. */
  static create(capacity: number, producer: number, consumer: number, space: SharedSpace = OWN_BUFFERS): Ring {
    if (!Number.isInteger(capacity) || capacity < 4096 || capacity > 2 ** 30 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`ring capacity must be a power of two >= 4096, got ${capacity}`);
    }
    const region = space.region(DATA_OFFSET + capacity);
    const ctl = new Int32Array(region.sab, region.offset, DATA_OFFSET / 4);
    ctl[PRODUCER_ID] = producer;
    ctl[CONSUMER_ID] = consumer;
    return new Ring(region);
  }

  /** The same ring seen from another thread. */
  static attach(region: Region): Ring {
    return new Ring(region);
  }

  get producer(): number { return this.#ctl[PRODUCER_ID]!; }
  get consumer(): number { return this.#ctl[CONSUMER_ID]!; }

  // ---- producer side -------------------------------------------------

  /**
   * Reserve room for a frame of `frameBytes` (header + payload, 8-aligned).
   * Returns the byte offset of the frame in `bytes`, or -1 if there is no room
   * now. May publish a WRAP marker to move to the start of the data area.
   *
   * Frames are limited to half the capacity (callers split bulk data). The
   * limit is what makes the waiting protocol safe: skipping WRAP padding does
   * not wake the producer, and with frames of at most half the ring the
   * producer never waits on padding alone (the padding is shorter than the
   * frame, so once the frames before it are consumed — each of which wakes
   * the producer — there is room).
   */
  reserve(frameBytes: number): number {
    const cap = this.capacity;
    if (frameBytes > cap >> 1) throw new RangeError(`frame of ${frameBytes} bytes exceeds half the ring (${cap} bytes)`);
    let head = this.#head;
    let pos = head & this.#mask;
    const toEnd = cap - pos;
    if (frameBytes > toEnd) {
      // Pad to the end first; that needs only the padding itself to be free.
      if (!this.#hasRoom(toEnd)) return -1;
      this.words[pos >> 2] = WRAP;
      head = (head + toEnd) | 0;
      this.#head = head;
      Atomics.store(this.#ctl, HEAD, head);
      pos = 0;
    }
    if (!this.#hasRoom(frameBytes)) return -1;
    return pos;
  }

  #hasRoom(n: number): boolean {
    if (this.capacity - ((this.#head - this.#tail) >>> 0) >= n) return true;
    this.#tail = Atomics.load(this.#ctl, TAIL);
    return this.capacity - ((this.#head - this.#tail) >>> 0) >= n;
  }

  /** Publish the frame written at the reserved offset. */
  commit(frameBytes: number): void {
    const head = (this.#head + frameBytes) | 0;
    this.#head = head;
    Atomics.store(this.#ctl, HEAD, head);
  }

  /**
   * Announce that the producer is about to wait for space. Returns true if
   * space for `frameBytes` appeared meanwhile (then do not wait). The flag is
   * set before tail is re-read, and the consumer stores tail before reading the
   * flag: with sequentially consistent atomics at least one side sees the other,
   * so a wake-up cannot be lost.
   */
  announceWaiting(frameBytes: number): boolean {
    Atomics.store(this.#ctl, PRODUCER_WAITING, 1);
    this.#tail = Atomics.load(this.#ctl, TAIL);
    const pos = this.#head & this.#mask;
    const need = frameBytes > this.capacity - pos ? this.capacity - pos : frameBytes;
    return this.capacity - ((this.#head - this.#tail) >>> 0) >= need;
  }

  /**
   * Payload of one bulk-data frame: an eighth of the ring, so that about
   * seven chunks are in flight (the receiver copies one out while the sender
   * copies the next in) and a power of two, so that power-of-two messages
   * split into whole chunks.
   */
  get maxChunk(): number {
    return this.capacity >> 3;
  }

  // ---- consumer side -------------------------------------------------

  /** Offset of the next complete frame, or -1 when the ring is empty. Skips WRAP padding. */
  peek(): number {
    let tail = this.#tail;
    if (tail === this.#head) {
      this.#head = Atomics.load(this.#ctl, HEAD);
      if (tail === this.#head) return -1;
    }
    let pos = tail & this.#mask;
    if (this.words[pos >> 2] === WRAP) {
      tail = (tail + (this.capacity - pos)) | 0;
      this.#tail = tail;
      Atomics.store(this.#ctl, TAIL, tail);
      if (tail === this.#head) {
        this.#head = Atomics.load(this.#ctl, HEAD);
        if (tail === this.#head) return -1;
      }
      pos = 0;
    }
    return pos;
  }

  /**
   * Free the frame at the front. Returns true if the producer was waiting for
   * space (the caller must then ring the producer's doorbell).
   */
  release(frameBytes: number): boolean {
    const tail = (this.#tail + frameBytes) | 0;
    this.#tail = tail;
    Atomics.store(this.#ctl, TAIL, tail);
    if (Atomics.load(this.#ctl, PRODUCER_WAITING) !== 0) {
      Atomics.store(this.#ctl, PRODUCER_WAITING, 0);
      return true;
    }
    return false;
  }
}

// ---- read-only views for the launcher (deadlock detection) ----------------

/** True if the ring holds frames its consumer has not released (read-only: any thread). */
export function ringOccupied({ sab, offset }: Region): boolean {
  const ctl = new Int32Array(sab, offset, DATA_OFFSET / 4);
  return Atomics.load(ctl, HEAD) !== Atomics.load(ctl, TAIL);
}

/**
 * Envelopes of up to `max` message frames (EAGER, RTS) still in a ring, for
 * reporting messages whose receiver has ended. Only meaningful when the
 * consumer no longer runs: nothing moves the tail under us then.
 */
export function ringFrames({ sab, offset, bytes }: Region, max: number): { ctx: number; source: number; tag: number; size: number }[] {
  const ctl = new Int32Array(sab, offset, DATA_OFFSET / 4);
  const capacity = bytes - DATA_OFFSET;
  const words = new Int32Array(sab, offset + DATA_OFFSET, capacity / 4);
  const head = Atomics.load(ctl, HEAD);
  let tail = Atomics.load(ctl, TAIL);
  const out: { ctx: number; source: number; tag: number; size: number }[] = [];
  while (tail !== head && out.length < max) {
    const pos = tail & (capacity - 1);
    const i = pos >> 2;
    if (words[i] === WRAP) {
      tail = (tail + (capacity - pos)) | 0;
      continue;
    }
    const len = words[i + F_LEN]!;
    if (len <= 0) break;
    const kind = words[i + F_KIND]!;
    // Frame kinds 1 (EAGER) and 2 (RTS) carry an envelope: context, source, tag.
    if (kind === 1 || kind === 2) {
      out.push({ ctx: words[i + F_A]!, source: words[i + F_B]!, tag: words[i + F_C]!, size: getWide(words, i + F_SIZE_LO) });
    }
    tail = (tail + len) | 0;
  }
  return out;
}
