/**
 * Shared memory for the collectives of one communicator (spi.ts `CollSegment`).
 *
 * Rank 0 of the communicator makes the SharedArrayBuffer the first time a
 * collective asks for it and posts it to the launcher, which hands it to the
 * other members the way it hands over new rings (control port, channel
 * epoch, doorbell). A member that asks before it has arrived gets a segment
 * that is not yet attached; the algorithm waits for `attached` like for any
 * other condition, so the hand-over costs nothing after the first call.
 *
 * A segment is keyed by its creator's process id and the communicator's
 * context id: context ids are never reused on a process, so two live
 * communicators never share a key.
 */
import type { CollSegment, Envelope, Operation } from '../spi.js';
import type { ProcTable } from './proctable.js';
import { singleCopy } from './yield.js';
import type { Region, SharedSpace } from './shared.js';

const NO_ENVELOPE: Envelope = { source: -1, tag: -1, count: 0, error: 0, cancelled: false };

/** An operation that is done once a condition on shared memory holds. */
class Until implements Operation {
  readonly status = NO_ENVELOPE;
  readonly data = null;
  readonly failure = null;
  readonly messageBytes = 0;
  constructor(readonly ready: () => boolean) {}
  get done(): boolean {
    return this.ready();
  }
}

export class ThreadsSegment implements CollSegment {
  words: Int32Array = new Int32Array(0);
  bytes: Uint8Array = new Uint8Array(0);
  attached = false;
  /** The members are threads of this process: with the native helper, they copy from each other's memory. */
  readonly singleCopy = singleCopy ?? undefined;

  constructor(
    readonly table: ProcTable,
    /** Process ids of the members other than this one: whom `wake` rings. */
    readonly others: Int32Array,
    region: Region | null,
  ) {
    if (region !== null) this.attach(region);
  }

  attach({ sab, offset, bytes }: Region): void {
    this.words = new Int32Array(sab, offset, bytes >> 2);
    this.bytes = new Uint8Array(sab, offset, bytes);
    this.attached = true;
  }

  until(ready: () => boolean): Operation {
    return new Until(ready);
  }

  /** Ring the members that are parked (ProcTable.ring leaves polling ones alone). */
  wake(): void {
    const others = this.others;
    for (let i = 0; i < others.length; i++) this.table.ring(others[i]!);
  }
}

/**
 * The segments of one process: made or attached, and those that arrived
 * before this process asked for them.
 */
export class Segments {
  readonly #byKey = new Map<string, ThreadsSegment>();
  readonly #early = new Map<string, Region>();
  /** Communicators that must not get a segment (subgroups sharing their parent's context). */
  readonly none = new WeakSet<object>();

  constructor(readonly table: ProcTable, readonly gpid: number, readonly space: SharedSpace) {}

  /**
   * The segment of the communicator over `group` with context `ctx`: made
   * here (and posted with `publish`) when this process is its rank 0.
   */
  get(ctx: number, group: Int32Array, rank: number, bytes: number,
    publish: (key: string, region: Region, to: number[]) => void): ThreadsSegment {
    const key = `${group[0]}:${ctx}`;
    let seg = this.#byKey.get(key);
    if (seg !== undefined) return seg;
    const others = Int32Array.from(group.filter((g) => g !== this.gpid));
    if (rank === 0) {
      const region = this.space.region(bytes);
      seg = new ThreadsSegment(this.table, others, region);
      publish(key, region, Array.from(others));
    } else {
      const region = this.#early.get(key) ?? null;
      this.#early.delete(key);
      seg = new ThreadsSegment(this.table, others, region);
    }
    this.#byKey.set(key, seg);
    return seg;
  }

  /**
   * The memory under `key` of one member (one-sided windows, spi.ts
   * `RmaCapability`): `mine` when it is this process's own (posted to
   * `others` with `publish`), else attached once it arrives from its owner.
   */
  share(key: string, mine: Region | null, others: Int32Array,
    publish: (key: string, region: Region, to: number[]) => void): ThreadsSegment {
    if (mine !== null) {
      const seg = new ThreadsSegment(this.table, others, mine);
      if (others.length > 0) publish(key, mine, Array.from(others));
      return seg;
    }
    const early = this.#early.get(key) ?? null;
    this.#early.delete(key);
    const seg = new ThreadsSegment(this.table, others, early);
    if (early === null) this.#byKey.set(key, seg);
    return seg;
  }

  /** Forget a shared memory key (its window was freed); memory that arrives later under it is dropped at the next share of the key. */
  forget(key: string): void {
    this.#byKey.delete(key);
    this.#early.delete(key);
  }

  /** A segment arrived from its creator through the launcher. */
  arrived(key: string, region: Region): void {
    const seg = this.#byKey.get(key);
    if (seg !== undefined) seg.attach(region);
    else this.#early.set(key, region);
  }

  /** The communicator with context `ctx` was freed. */
  drop(ctx: number, group: Int32Array): void {
    this.#byKey.delete(`${group[0]}:${ctx}`);
  }
}
