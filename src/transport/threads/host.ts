/**
 * The launcher side of the embedded runtime: starts each rank as a worker
 * thread, relays new channels between ranks, forwards output line by line,
 * and turns the first failure of any rank into the end of the whole job.
 */
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import * as os from 'node:os';
import { BOOTSTRAP_KEY, type RankBootstrap } from '../../core/bootstrap.js';
import { ProcTable, S_CHANNEL_EPOCH, S_STATE, STATE_RUNNING, STATE_FINISHED, STATE_FAILED } from './proctable.js';
import type { RankToLauncher, ThreadsConfig } from './engine.js';

/** How to run a job. */
export interface JobOptions {
  /** Number of ranks. */
  readonly np: number;
  /** Absolute path of the script every rank runs. */
  readonly script: string;
  readonly args: readonly string[];
  /** Prefix every output line with `[rank]`. */
  readonly tagOutput?: boolean;
  /** MPI_UNIVERSE_SIZE (defaults to np). */
  readonly universeSize?: number;
  /** Transport tunables; unset ones come from MPI4TS_* variables or defaults. */
  readonly config?: Partial<ThreadsConfig>;
  /** Milliseconds to wait for ranks to stop after a failure before giving up on them. */
  readonly stopGraceMs?: number;
}

/** How a job ended. */
export interface JobResult {
  /** Exit status for the launcher: 0, the failing rank's code, or 1 for an exception. */
  readonly code: number;
  /** What went wrong, for the launcher's message; null on success. */
  readonly failure: string | null;
}

function envConfig(): Partial<ThreadsConfig> {
  const num = (name: string): number | undefined => {
    const v = process.env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a non-negative number, got '${v}'`);
    return n;
  };
  const c: { -readonly [K in keyof ThreadsConfig]?: number } = {};
  const ring = num('MPI4TS_RING_BYTES');
  if (ring !== undefined) c.ringBytes = ring;
  const eager = num('MPI4TS_EAGER_LIMIT');
  if (eager !== undefined) c.eagerLimit = eager;
  const spin = num('MPI4TS_SPIN_US');
  if (spin !== undefined) c.spinMicros = spin;
  const yieldUs = num('MPI4TS_YIELD_US');
  if (yieldUs !== undefined) c.yieldMicros = yieldUs;
  return c;
}

const RANK_MAIN = new URL('./rank-main.js', import.meta.url);

export class ThreadsJob {
  readonly #opts: JobOptions;
  readonly #table: ProcTable;
  readonly #workers: Worker[] = [];
  readonly #ports: MessagePort[] = [];
  #failure: JobResult | null = null;
  #stopping = false;

  constructor(opts: JobOptions) {
    if (!Number.isInteger(opts.np) || opts.np < 1) throw new RangeError(`number of ranks must be a positive integer, got ${opts.np}`);
    this.#opts = opts;
    this.#table = ProcTable.create(Math.max(4096, opts.np + (opts.universeSize ?? 0)));
  }

  /** Run the job to its end. */
  run(): Promise<JobResult> {
    const { np } = this.#opts;
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    // With more ranks than cores a spinning rank steals the core the rank it
    // waits for needs: poll and yield the core between polls (or park at once
    // where sched_yield is not available), as Open MPI's shared memory does.
    const config: Partial<ThreadsConfig> = {
      spinMicros: np <= cores ? 1000 : 0,
      yieldMicros: np <= cores ? 0 : 2000,
      ...this.#opts.config,
      ...envConfig(),
    };
    const gpids = Array.from({ length: np }, (_, r) => r);
    const exits: Promise<void>[] = [];
    for (let rank = 0; rank < np; rank++) {
      exits.push(this.#start(rank, gpids, config));
    }
    return Promise.all(exits).then(() => this.#failure ?? { code: 0, failure: null });
  }

  #start(rank: number, worldGpids: number[], config: Partial<ThreadsConfig>): Promise<void> {
    const opts = this.#opts;
    const gpid = worldGpids[rank]!;
    const { port1, port2 } = new MessageChannel();
    const boot: RankBootstrap = {
      version: 1, gpid, worldRank: rank, worldGpids, procTable: this.#table.sab, controlPort: port2,
      config, timeOrigin: performance.timeOrigin, universeSize: opts.universeSize ?? opts.np, appnum: 0, script: opts.script, argv: opts.args,
      ownsStdin: rank === 0, tagOutput: opts.tagOutput ?? false,
    };
    Atomics.store(this.#table.words, this.#table.index(gpid, S_STATE), STATE_RUNNING);
    const worker = new Worker(RANK_MAIN, {
      workerData: { [BOOTSTRAP_KEY]: boot },
      transferList: [port2],
      env: { ...process.env, MPI4TS_RANK: String(rank), MPI4TS_SIZE: String(opts.np) },
    });
    this.#workers[gpid] = worker;
    this.#ports[gpid] = port1;
    worker.on('message', (m: RankToLauncher) => this.#onMessage(m));
    let errored: unknown = null;
    worker.on('error', (e) => { errored = e; });
    return new Promise<void>((resolve) => {
      worker.on('exit', (code) => {
        setImmediate(() => {
          const failed = errored !== null || code !== 0;
          Atomics.store(this.#table.words, this.#table.index(gpid, S_STATE), failed ? STATE_FAILED : STATE_FINISHED);
          if (failed && !this.#stopping) {
            const why = errored !== null ? describeError(errored) : `exited with code ${code}`;
            this.#fail(errored !== null ? 1 : code, `rank ${rank} failed: ${why}`);
          }
          resolve();
        });
      });
    });
  }

  #onMessage(m: RankToLauncher): void {
    if (m.type === 'channel') {
      const port = this.#ports[m.to];
      if (port === undefined) return;
      // Hand the ring to the receiver, then bump its channel epoch and wake it:
      // the rank reads the port only after it sees the epoch change.
      port.postMessage({ type: 'channel', from: m.from, sab: m.sab });
      Atomics.add(this.#table.words, this.#table.index(m.to, S_CHANNEL_EPOCH), 1);
      this.#table.ring(m.to);
    } else if (m.type === 'abort') {
      if (!this.#stopping) this.#fail(m.code, m.reason || `MPI_Abort invoked with errorcode ${m.code}`);
    }
  }

  /** First failure wins: record it and stop every rank. */
  #fail(code: number, why: string): void {
    this.#failure = { code, failure: why };
    this.#stopping = true;
    const grace = this.#opts.stopGraceMs ?? 2000;
    const stops = this.#workers.map((w) => w.terminate());
    const timer = setTimeout(() => {
      process.stderr.write('mpi4ts: some ranks did not stop in time\n');
      process.exit(this.#failure!.code);
    }, grace);
    timer.unref();
    void Promise.allSettled(stops).then(() => clearTimeout(timer));
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
