/**
 * The launcher's messages to one rank in 'arena' sharing (see shared.ts):
 * JSON frames in a ring of the arena, which the rank polls where it would
 * read its control port.
 */
import { HEADER_BYTES, F_LEN, F_A, Ring, align8 } from './ring.js';
import type { Arena, Region } from './shared.js';

/** A region as a mailbox message carries it. */
const REGION_KEY = '$region';

/**
 * Messages from the launcher to one rank in 'arena' sharing: JSON frames in
 * a ring (the launcher is its only producer, the rank its only consumer).
 * Regions travel as their offset and size in the arena.
 */
export class Mailbox {
  static readonly BYTES = 1 << 16;
  readonly #ring: Ring;
  readonly #arena: Arena;
  static readonly #encoder = new TextEncoder();
  static readonly #decoder = new TextDecoder();

  constructor(readonly region: Region, arena: Arena) {
    this.#ring = Ring.attach(region);
    this.#arena = arena;
  }

  /** A new mailbox for process `gpid`, in the arena. */
  static create(arena: Arena, gpid: number): Mailbox {
    const ring = Ring.create(Mailbox.BYTES, -1, gpid, arena);
    return new Mailbox(ring.region, arena);
  }

  /** Write one message; false when the ring has no room now (the caller retries later). */
  post(message: object): boolean {
    const arena = this.#arena;
    const text = JSON.stringify(message, (_k, v: unknown) => {
      if (v instanceof SharedArrayBuffer) throw new TypeError('a mailbox message names shared memory by Region, not by SharedArrayBuffer');
      if (v !== null && typeof v === 'object' && (v as Region).sab instanceof SharedArrayBuffer) {
        const r = v as Region;
        // A rank's arena arrives here as another SharedArrayBuffer object over the same memory: it cannot be compared by identity.
        if (!r.sab.growable || r.sab.maxByteLength !== arena.sab.maxByteLength) throw new TypeError('a mailbox message can name only regions of the arena');
        return { [REGION_KEY]: [r.offset, r.bytes] };
      }
      return v;
    });
    const payload = Mailbox.#encoder.encode(text);
    const frameBytes = align8(HEADER_BYTES + payload.length);
    const ring = this.#ring;
    if (frameBytes > ring.capacity >> 1) throw new RangeError(`mailbox message of ${payload.length} bytes is too large`);
    const pos = ring.reserve(frameBytes);
    if (pos < 0) return false;
    const i = pos >> 2;
    ring.words[i + F_LEN] = frameBytes;
    ring.words[i + F_A] = payload.length;
    ring.bytes.set(payload, pos + HEADER_BYTES);
    ring.commit(frameBytes);
    return true;
  }

  /** The next message, or undefined when there is none. */
  receive(): unknown {
    const ring = this.#ring;
    const pos = ring.peek();
    if (pos < 0) return undefined;
    const i = pos >> 2;
    const frameBytes = ring.words[i + F_LEN]!;
    const n = ring.words[i + F_A]!;
    // TextDecoder does not read shared memory: copy out first.
    const text = Mailbox.#decoder.decode(ring.bytes.slice(pos + HEADER_BYTES, pos + HEADER_BYTES + n));
    ring.release(frameBytes);
    const arena = this.#arena;
    return JSON.parse(text, (_k, v: unknown) => {
      if (v !== null && typeof v === 'object' && REGION_KEY in v) {
        const [offset, bytes] = (v as Record<string, [number, number]>)[REGION_KEY]!;
        return arena.at(offset, bytes);
      }
      return v;
    });
  }
}
