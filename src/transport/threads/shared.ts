/**
 * Where the shared memory of the embedded runtime comes from, and how the
 * launcher tells a rank about memory made after it started.
 *
 * A rank learns new shared memory (a ring from a peer, a communicator's
 * collective segment, a window's memory) from the launcher while it may be
 * blocked in a call. Node lets it read its control port synchronously
 * (`receiveMessageOnPort`), so every piece of memory can be its own
 * SharedArrayBuffer, posted as is ('ports' sharing, Node's default). A Web
 * Worker cannot receive a message while it blocks, so in 'arena' sharing
 * (browsers; Node with MPI4TS_ARENA=1, which runs the same path under the
 * Node test suite):
 * - every piece of memory made at run time is a Region of ONE growable
 *   SharedArrayBuffer that all ranks received at start (the Arena, an
 *   atomic bump allocator), so a Region travels as two numbers;
 * - the launcher writes its messages into the rank's Mailbox, a ring in
 *   shared memory the rank polls where it would read its port.
 * Messages from a rank to the launcher stay postMessage: the launcher's
 * thread never blocks.
 */

/** A piece of shared memory: `bytes` bytes at `offset` of `sab`. */
export interface Region {
  readonly sab: SharedArrayBuffer;
  readonly offset: number;
  readonly bytes: number;
}

/** Where a process gets shared memory from. */
export interface SharedSpace {
  /** `bytes` bytes of zeroed shared memory, 8-byte aligned. */
  region(bytes: number): Region;
}

/** 'ports' sharing: a SharedArrayBuffer of its own per region. */
export const OWN_BUFFERS: SharedSpace = {
  region: (bytes) => ({ sab: new SharedArrayBuffer(bytes), offset: 0, bytes }),
};

/** Int32 index of the bump pointer (in 8-byte units, so 2^31 units cover 16 GiB); the header is one cache line. */
const NEXT = 0;
const ARENA_HEADER = 64;
/** Address space reserved for the arena; pages are committed as they are touched. */
const DEFAULT_MAX_BYTES = 2 ** 32 - 2 ** 16;

/**
 * One growable SharedArrayBuffer from which every rank allocates. Memory is
 * never freed: rings live as long as the job, and segments are few.
 */
export class Arena implements SharedSpace {
  readonly #words: Int32Array;

  constructor(readonly sab: SharedArrayBuffer) {
    if (!sab.growable) throw new TypeError('the arena must be a growable SharedArrayBuffer');
    this.#words = new Int32Array(sab, 0, ARENA_HEADER >> 2);
  }

  /** A new arena (the launcher makes one per job). */
  static create(maxBytes = DEFAULT_MAX_BYTES): Arena {
    const sab = new SharedArrayBuffer(1 << 20, { maxByteLength: maxBytes });
    new Int32Array(sab)[NEXT] = ARENA_HEADER >> 3;
    return new Arena(sab);
  }

  region(bytes: number): Region {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`region size must be a non-negative integer, got ${bytes}`);
    const units = Math.ceil(bytes / 8);
    // Compare-and-swap, not add: a request that does not fit leaves the
    // pointer where it was (added, failed requests would push it past 2^31
    // units, where it wraps and hands out memory already in use).
    let start: number;
    for (;;) {
      start = Atomics.load(this.#words, NEXT);
      if ((start + units) * 8 > this.sab.maxByteLength) {
        throw new RangeError(`out of shared memory: ${bytes} more bytes exceed the arena's ${this.sab.maxByteLength} bytes`);
      }
      if (Atomics.compareExchange(this.#words, NEXT, start, start + units) === start) break;
    }
    const offset = start * 8;
    const end = offset + units * 8;
    // Ranks grow the buffer concurrently: a grow to less than the current
    // length throws a RangeError, and then another rank grew it far enough.
    while (this.sab.byteLength < end) {
      const want = Math.min(this.sab.maxByteLength, Math.max(end, Math.ceil(this.sab.byteLength * 1.5 / 65536) * 65536));
      try {
        this.sab.grow(want);
      } catch {
        if (this.sab.byteLength >= end) break;
        try {
          this.sab.grow(end);
        } catch {
          if (this.sab.byteLength >= end) break;
          throw new RangeError(`out of shared memory: cannot grow the arena to ${end} bytes`);
        }
      }
    }
    return { sab: this.sab, offset, bytes };
  }

  /** The region `offset, bytes` of this arena, as a message names it. */
  at(offset: number, bytes: number): Region {
    if (!Number.isInteger(offset) || !Number.isInteger(bytes) || offset < ARENA_HEADER || bytes < 0 || offset + bytes > this.sab.byteLength) {
      throw new RangeError(`no region of ${bytes} bytes at ${offset} in the arena (${this.sab.byteLength} bytes)`);
    }
    return { sab: this.sab, offset, bytes };
  }
}
