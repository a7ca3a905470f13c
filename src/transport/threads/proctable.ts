/**
 * The process table: one SharedArrayBuffer, created by the launcher, with a
 * 64-byte slot per process (global process id, "gpid"). It holds what other
 * threads must see without a message: the doorbell each rank parks on, whether
 * it is parked, the epoch of new channels for it, its state, and what it is
 * blocked in (for deadlock detection).
 */

/** Int32 words per slot (64 bytes: one cache line, so ranks never false-share). */
export const SLOT_WORDS = 16;
/** Words of the table header, before slot 0. */
const HEADER_WORDS = 16;

/** Header fields. */
export const H_ABORT = 0;
export const H_NEXT_GPID = 1;
/** Lock held while a rank writes to the shared stdout/stderr file descriptors. */
export const H_OUTPUT_LOCK = 2;
/** Bumped by the launcher to ask blocked ranks for a report of what they wait for (watch.ts). */
export const H_REPORT = 3;
/** Processes running now (the launcher keeps it): more than the cores means oversubscribed. */
export const H_LIVE = 4;

/** Slot fields (offsets within a slot). */
export const S_DOORBELL = 0;
export const S_PARKED = 1;
export const S_CHANNEL_EPOCH = 2;
export const S_STATE = 3;
/**
 * Blocked state, published by a rank when it parks (watch.ts): a generation
 * number, nonzero while the rank is blocked in one call, then what the call
 * waits for. The fields are written before the generation is stored.
 */
export const S_BLOCKED = 4;
export const S_BLOCK_KIND = 5;
export const S_BLOCK_CTX = 6;
export const S_BLOCK_PEER = 7;
export const S_BLOCK_TAG = 8;

/** Process states in S_STATE. */
export const STATE_UNUSED = 0;
export const STATE_RUNNING = 1;
export const STATE_FINISHED = 2;
export const STATE_FAILED = 3;

export class ProcTable {
  readonly sab: SharedArrayBuffer;
  readonly words: Int32Array;
  readonly maxProcs: number;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.words = new Int32Array(sab);
    this.maxProcs = (this.words.length - HEADER_WORDS) / SLOT_WORDS;
  }

  static create(maxProcs: number): ProcTable {
    return new ProcTable(new SharedArrayBuffer((HEADER_WORDS + maxProcs * SLOT_WORDS) * 4));
  }

  /** Index in `words` of field `field` of process `gpid`. */
  index(gpid: number, field: number): number {
    return HEADER_WORDS + gpid * SLOT_WORDS + field;
  }

  /**
   * Wake process `gpid` after publishing something it may wait for (a frame,
   * freed ring space, a new channel). Only a parked process needs its
   * doorbell bumped; a polling one will see the publication by itself, and
   * leaving the doorbell's cache line alone keeps the poller's loads local.
   *
   * Why this cannot lose a wake-up: we published before reading `parked`;
   * the sleeper sets `parked` before it reads the doorbell and polls one last
   * time. If we read `parked` as 0, our publication precedes the sleeper's
   * `parked = 1` in the total order of sequentially consistent operations,
   * hence precedes its last poll, which therefore sees it. If we read 1, we
   * bump the doorbell, so the sleeper's wait (on the old value) returns.
   */
  ring(gpid: number): void {
    const w = this.words;
    const base = HEADER_WORDS + gpid * SLOT_WORDS;
    if (Atomics.load(w, base + S_PARKED) !== 0) {
      Atomics.add(w, base + S_DOORBELL, 1);
      Atomics.notify(w, base + S_DOORBELL);
    }
  }

  get aborted(): boolean {
    return Atomics.load(this.words, H_ABORT) !== 0;
  }
}
