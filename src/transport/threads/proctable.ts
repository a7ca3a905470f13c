/**
 * The process table: one SharedArrayBuffer, created by the launcher, with a
 * 64-byte slot per process (global process id, "gpid"). It holds what other
 * threads must see without a message: the doorbell each rank parks on, whether
 * it is parked, the epoch of new channels for it, and its state.
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

/** Slot fields (offsets within a slot). */
export const S_DOORBELL = 0;
export const S_PARKED = 1;
export const S_CHANNEL_EPOCH = 2;
export const S_STATE = 3;

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
   * Wake process `gpid`: bump its doorbell, then notify only if it is parked.
   * The doorbell is bumped before `parked` is read, and the sleeper sets
   * `parked` before reading the doorbell value it waits on: whichever order
   * the two threads run in, either the sleeper sees the new doorbell value
   * (and does not sleep) or we see `parked` (and notify).
   */
  ring(gpid: number): void {
    const w = this.words;
    const base = HEADER_WORDS + gpid * SLOT_WORDS;
    Atomics.add(w, base + S_DOORBELL, 1);
    if (Atomics.load(w, base + S_PARKED) !== 0) Atomics.notify(w, base + S_DOORBELL);
  }

  get aborted(): boolean {
    return Atomics.load(this.words, H_ABORT) !== 0;
  }
}
