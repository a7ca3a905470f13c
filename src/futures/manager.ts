/**
 * The driver side of a pool (mpi4py `client_exec`, without its thread): a
 * queue of calls, a number of free slots per worker, and one receive loop
 * that runs on the event loop only while calls are out. Calls are sent the
 * moment a slot is free, from `submit` itself or from the loop as results
 * come back, so a worker is never idle while the queue holds work.
 */
import { MPI } from '../index.js';
import { Future, BrokenExecutor } from './future.js';
import {
  SETUP, TASK, CHUNK, STOP, READY, RESULT, reviveFailure,
  type FunctionRef, type Setup, type FailureInfo,
} from './protocol.js';

/** The workers an executor talks to: remote ranks of `comm`, messages tagged `tag`. */
export interface Connection {
  readonly comm: MPI.Intercomm;
  readonly tag: number;
  readonly workers: readonly number[];
  /** Release the connection after STOP (Disconnect for spawned or split pools; nothing for a shared one). */
  close(): void;
}

/** One queued call: `ref(...args)`, or for a chunk `ref(...a)` for each `a` of `args`. */
export interface Item {
  readonly future: Future<unknown>;
  readonly ref: FunctionRef;
  readonly args: readonly unknown[];
  readonly chunk: boolean;
}

interface Out {
  readonly item: Item;
  /** Index of the worker in the connection's list. */
  readonly worker: number;
}

/**
 * How much work to keep queued at each worker, in milliseconds of its
 * measured call time: enough that a worker finishing a call finds the next
 * one already there while the driver's reply is on its way, little enough
 * that long calls still spread evenly (and stay cancellable) at the end.
 */
const QUEUED_WORK_MS = 2;
const MIN_SLOTS = 2;
const MAX_SLOTS = 16;

export class Manager {
  readonly #setup: Setup;
  /** Fixed calls in flight per worker, or null: adapt to the measured call time. */
  readonly #backlog: number | null;
  #conn: Connection | null = null;
  #queue: (Item | undefined)[] = [];
  #head = 0;
  /** Per worker (index in conn.workers): calls in flight, calls allowed in flight, mean call time (ms). */
  #load: number[] = [];
  #slots: number[] = [];
  #callMs: number[] = [];
  /** Where the next search for a free worker starts (round-robin among equals). */
  #nextWorker = 0;
  readonly #out = new Map<number, Out>();
  #nextId = 1;
  #awaitingReady = 0;
  #ready = false;
  #broken: string | null = null;
  #receiving = false;
  #sends: MPI.Request[] = [];
  #drainWaiters: (() => void)[] = [];
  #readyWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  readonly #onBroken: (why: string) => void;

  constructor(setup: Setup, backlog: number | null, onBroken: (why: string) => void) {
    this.#setup = setup;
    this.#backlog = backlog;
    this.#onBroken = onBroken;
  }

  /** Number of workers once connected. */
  get size(): number | null { return this.#conn?.workers.length ?? null; }
  get broken(): string | null { return this.#broken; }

  /** Connect (spawn, split or share) and send every worker its setup; READY answers come through the receive loop. */
  start(connect: () => Connection): void {
    let conn: Connection;
    try {
      conn = connect();
    } catch (e) {
      this.#break(`cannot start the workers: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.#conn = conn;
    try {
      for (const w of conn.workers) this.#sends.push(conn.comm.isend([SETUP, this.#setup], w, conn.tag));
    } catch (e) {
      this.#break(`cannot send the setup to the workers: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.#awaitingReady = conn.workers.length;
    void this.#pump();
  }

  /** Resolves once every worker is set up; rejects with BrokenExecutor if one failed. */
  whenReady(): Promise<void> {
    if (this.#broken !== null) return Promise.reject(new BrokenExecutor(this.#broken));
    if (this.#ready) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  push(item: Item): void {
    if (this.#broken !== null) {
      item.future.setException(new BrokenExecutor(this.#broken));
      return;
    }
    this.#queue.push(item);
    item.future.onCancel(() => this.#settleDrain());
    if (this.#ready) {
      this.#dispatch();
      void this.#pump();
    }
  }

  /** Cancel every call not yet sent (shutdown with cancelFutures). */
  cancelQueued(): void {
    for (let i = this.#head; i < this.#queue.length; i++) this.#queue[i]?.future.cancel();
    this.#queue = [];
    this.#head = 0;
    this.#settleDrain();
  }

  /** Wait until nothing is queued or out, then tell the workers to stop and release the connection. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#drainWaiters.push(resolve);
      this.#settleDrain();
    });
    const conn = this.#conn;
    if (conn === null) return;
    this.#conn = null;
    const stops = conn.workers.map((w) => conn.comm.issend([STOP], w, conn.tag));
    for (const r of stops) await r;
    for (const r of this.#sends) await r;
    this.#sends = [];
    conn.close();
  }

  #queued(): number {
    return this.#queue.length - this.#head;
  }

  #settleDrain(): void {
    if (this.#drainWaiters.length === 0) return;
    // Cancelled calls still in the queue do not count.
    while (this.#head < this.#queue.length && !isPending(this.#queue[this.#head]!)) this.#queue[this.#head++] = undefined;
    if (this.#queued() > 0 && this.#broken === null) return;
    if (this.#out.size > 0 || this.#awaitingReady > 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  /** Send queued calls while workers have free slots. */
  #dispatch(): void {
    const conn = this.#conn!;
    const n = this.#load.length;
    while (this.#head < this.#queue.length) {
      // The least loaded worker with a free slot.
      let worker = -1;
      for (let k = 0, i = this.#nextWorker; k < n; k++, i = i + 1 === n ? 0 : i + 1) {
        if (this.#load[i]! < this.#slots[i]! && (worker < 0 || this.#load[i]! < this.#load[worker]!)) {
          worker = i;
          if (this.#load[i] === 0) break;
        }
      }
      if (worker < 0) break;
      const item = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined;
      if (!item.future.setRunning()) continue; // cancelled while queued
      this.#nextWorker = worker + 1 === n ? 0 : worker + 1;
      const id = this.#nextId++;
      try {
        const req = conn.comm.isend(item.chunk ? [CHUNK, id, item.ref, item.args] : [TASK, id, item.ref, item.args], conn.workers[worker]!, conn.tag);
        if (!req.Test()) this.#sends.push(req);
        this.#out.set(id, { item, worker });
        this.#load[worker]!++;
      } catch (e) {
        // The arguments could not be serialised: this call fails, the worker stays free.
        item.future.setException(e);
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#sends.length > 256) this.#sends = this.#sends.filter((r) => !r.Test());
  }

  /**
   * The receive loop: runs while calls are out or setups unanswered. Each
   * turn takes every message already arrived without yielding, and awaits
   * (Atomics.waitAsync on the rank's doorbell, inside the transport) only
   * when none is there.
   */
  async #pump(): Promise<void> {
    if (this.#receiving) return;
    this.#receiving = true;
    const conn = this.#conn!;
    try {
      while (this.#out.size > 0 || this.#awaitingReady > 0) {
        const req = conn.comm.irecv(MPI.ANY_SOURCE, conn.tag);
        let [done, msg] = req.test<unknown[]>();
        if (!done) msg = (await req) as unknown[];
        this.#handle(msg!);
      }
    } catch (e) {
      this.#receiving = false;
      this.#break(`lost contact with the workers: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.#receiving = false;
      this.#settleDrain();
    }
  }

  #handle(msg: unknown[]): void {
    const kind = msg[0];
    if (kind === RESULT) {
      const [, id, ok, value, ms] = msg as [number, number, boolean, unknown, number];
      const out = this.#out.get(id)!;
      this.#out.delete(id);
      const w = out.worker;
      this.#load[w]!--;
      if (this.#backlog === null) {
        const mean = this.#callMs[w] = Number.isNaN(this.#callMs[w]!) ? ms : 0.8 * this.#callMs[w]! + 0.2 * ms;
        this.#slots[w] = Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, Math.ceil(QUEUED_WORK_MS / Math.max(mean, 1e-3))));
      }
      if (ok) out.item.future.setResult(value);
      else out.item.future.setException(reviveFailure(value as FailureInfo, `worker ${this.#conn?.workers[w] ?? w}`));
      this.#dispatch();
      if (this.#out.size === 0) this.#settleDrain();
    } else if (kind === READY) {
      const failure = msg[1] as FailureInfo | null;
      this.#awaitingReady--;
      if (failure !== null && this.#broken === null) {
        const e = reviveFailure(failure, 'worker setup');
        const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        this.#break(`${this.#setup.initializer ? 'initializer failed' : 'worker setup failed'}: ${what}`, e);
      }
      if (this.#awaitingReady === 0 && this.#broken === null) {
        this.#ready = true;
        const n = this.#conn!.workers.length;
        this.#load = new Array<number>(n).fill(0);
        this.#slots = new Array<number>(n).fill(this.#backlog ?? MIN_SLOTS);
        this.#callMs = new Array<number>(n).fill(Number.NaN);
        for (const w of this.#readyWaiters) w.resolve();
        this.#readyWaiters = [];
        this.#dispatch();
      }
    }
  }

  #break(why: string, cause?: unknown): void {
    if (this.#broken !== null) return;
    this.#broken = why;
    this.#onBroken(why);
    const err = (): BrokenExecutor => new BrokenExecutor(why, cause === undefined ? undefined : { cause });
    for (let i = this.#head; i < this.#queue.length; i++) this.#queue[i]?.future.setException(err());
    this.#queue = [];
    this.#head = 0;
    for (const w of this.#readyWaiters) w.reject(err());
    this.#readyWaiters = [];
    if (!this.#receiving) {
      // The receive loop has ended: calls still out will never hear back.
      for (const out of this.#out.values()) out.item.future.setException(err());
      this.#out.clear();
    }
    this.#settleDrain();
  }
}

function isPending(item: Item): boolean {
  return !item.future.done();
}
