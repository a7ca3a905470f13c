/**
 * What the two engines (threads/engine.ts, native/engine.ts) share, as
 * MPICH CH4's generic layer serves its shared-memory and network transports:
 * the progress hooks and context ids (EngineBase), PROC_NULL completion, and the failures an
 * operation record carries to its completion (a buffer changed while
 * pending, a truncated receive). Each engine keeps its own fast paths; what
 * is here runs off them or is a field they read.
 */
import type { Envelope, Transport } from './spi.js';
import { PROC_NULL } from '../core/matching.js';
import { bufferChanged, truncated } from '../core/failures.js';
import { ERR_INTERN, MpiFailure } from '../core/errorcodes.js';

/** The progress hooks and context ids of a transport (Transport.addProgressHook, nextContext), common to both engines. */
export abstract class EngineBase implements Pick<Transport, 'addProgressHook' | 'removeProgressHook' | 'nextContext' | 'claimContext'> {
  /**
   * Hooks to run at every progress step, in the order added. Each engine
   * runs them from its `progress` and tests `hooks.length` on its fast paths
   * (a blocking call with hooks must go through progress).
   */
  protected readonly hooks: (() => void)[] = [];

  addProgressHook(hook: () => void): void {
    if (!this.hooks.includes(hook)) this.hooks.push(hook);
  }

  removeProgressHook(hook: () => void): void {
    const i = this.hooks.indexOf(hook);
    if (i >= 0) this.hooks.splice(i, 1);
  }

  /** Context ids 0-1 are COMM_WORLD's, 2-3 COMM_SELF's. */
  #nextContext = 4;

  nextContext(): number {
    return this.#nextContext;
  }

  claimContext(ctx: number): void {
    if (ctx < this.#nextContext) throw new MpiFailure(ERR_INTERN, `context ${ctx} is already in use`);
    this.#nextContext = ctx + 2;
  }

  /** Leave unused every context id below `end` (a spawned process: those its parents' intercommunicator took). */
  protected skipContexts(end: number): void {
    this.#nextContext = Math.max(this.#nextContext, end);
  }
}

/** An operation record as completion sees it: its failure message and its envelope (Operation's fields). */
interface Record {
  failure: string | null;
  readonly status: Envelope;
}

/** Fail `op` with ERR_BUFFER: the program detached or shrank the buffer named `arg` (`had` bytes, now `has`) while `op` was pending. */
export function failChanged(op: Record, arg: string, had: number, has: number): void {
  const e = bufferChanged(arg, had, has);
  op.failure = e.message;
  op.status.error = e.errorClass;
}

/** A receive whose message of `size` bytes is longer than its buffer of `capacity`: ERR_TRUNCATE at completion. */
export function failTruncated(op: Record, size: number, capacity: number): void {
  const e = truncated(size, capacity, 'bytes', { source: op.status.source, tag: op.status.tag });
  op.failure = e.message;
  op.status.error = e.errorClass;
}

/** A receive from PROC_NULL: complete at once, from PROC_NULL with tag ANY_TAG (-1), as MPI reports it, and no data. */
export function completeProcNull(op: { source: number; tag: number; done: boolean }): void {
  op.source = PROC_NULL;
  op.tag = -1;
  op.done = true;
}

/** The envelope a probe of PROC_NULL answers at once (MPI_Probe, MPI_Iprobe): source PROC_NULL, tag ANY_TAG, no bytes. */
export function procNullEnvelope(): Envelope {
  return { source: PROC_NULL, tag: -1, count: 0, error: 0, cancelled: false };
}
