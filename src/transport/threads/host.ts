/**
 * The launcher side of the embedded runtime: starts each rank as a worker
 * thread (of Node, or a page's Web Worker: platform.ts), relays new
 * channels between ranks, forwards output line by line, and turns the
 * first failure of any rank into the end of the whole job.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import * as v8 from 'node:v8';
import * as path from 'node:path';
import type { RankBootstrap } from '../../core/bootstrap.js';
import { CORES } from '../../core/cores.js';
import { ProcTable, S_CHANNEL_EPOCH, S_STATE, STATE_RUNNING, STATE_FINISHED, STATE_FAILED, H_LIVE } from './proctable.js';
import type { RankToLauncher, SpawnReply, ThreadsConfig } from './engine.js';
import type { SpawnCommand } from '../spi.js';
import type { JobResult } from '../launcher.js';
import { JobWatch, EXIT_DEADLOCK, EXIT_TIMEOUT } from './watch.js';
import { PortRegistry } from './ports.js';
import * as os from 'node:os';
import type { RankPlatform, RankThread } from './platform.js';
import { Arena } from './shared.js';
import { Mailbox } from './mailbox.js';

/** How to run a job. */
export interface JobOptions {
  /** Number of ranks. */
  readonly np: number;
  /** Absolute path of the script every rank runs. */
  readonly script: string;
  /** The URL of the script's compiled JavaScript when it is TypeScript (src/loader/precompile). */
  readonly entry?: string;
  readonly args: readonly string[];
  /** Prefix every output line with `[rank]`. */
  readonly tagOutput?: boolean;
  /**
   * MPI_UNIVERSE_SIZE: how many processes may be alive at once, the started
   * ranks and those spawned later (defaults to the larger of np and the
   * number of cores, as Open MPI counts slots).
   */
  readonly universeSize?: number;
  /**
   * How ranks learn shared memory made at run time (shared.ts): 'ports'
   * (Node's default) or 'arena' (browsers; MPI4TS_ARENA=1 in Node).
   */
  readonly sharing?: 'ports' | 'arena';
  /** Transport tunables; unset ones come from MPI4TS_* variables or defaults. */
  readonly config?: Partial<ThreadsConfig>;
  /** Milliseconds to wait for ranks to stop after a failure before giving up on them. */
  readonly stopGraceMs?: number;
  /** End the job after this many seconds, reporting where each rank was (`--timeout`). */
  readonly timeoutSeconds?: number;
  /** JS heap limit of each rank in MB (`--max-memory`); a rank above it fails with "out of memory". */
  readonly maxMemoryMb?: number;
  /** `--check`: every rank (spawned ones too) gets MPI4TS_CHECK=1 and checks its collectives (src/api/check.ts). */
  readonly check?: boolean;
  /** `--trace`: every rank (spawned ones too) gets MPI4TS_TRACE=<folder> and writes its part of the timeline there (src/api/trace.ts). */
  readonly traceFolder?: string;
  /** Where the ranks run: Node worker threads (node-threads.ts) or a page's Web Workers (src/browser/web-threads.ts). */
  readonly platform: RankPlatform;
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

/** How long a spawn request that does not fit waits for exiting processes to make room. */
const SPAWN_ROOM_WAIT_MS = 500;

export class ThreadsJob {
  readonly #opts: JobOptions;
  readonly #table: ProcTable;
  readonly #workers: RankThread[] = [];
  readonly #ports: MessagePort[] = [];
  /** 'arena' sharing: the job's arena, each process's mailbox, and messages waiting for room in a full one. */
  readonly #arena: Arena | null;
  readonly #mailboxes: Mailbox[] = [];
  readonly #unsent = new Map<number, object[]>();
  #failure: JobResult | null = null;
  #stopping = false;
  readonly #universeSize: number;
  #config: Partial<ThreadsConfig> = {};
  /** Processes started and not yet exited; the job ends when none is left. */
  #live = 0;
  #nextGpid = 0;
  #spawns = 0;
  #allExited: () => void = () => {};
  /** Spawn requests waiting for exiting processes to make room, retried at each exit. */
  #waitingForRoom: { retry: () => boolean }[] = [];
  /** Ports and published names, for every world of the job (see ports.ts). */
  readonly #portRegistry = new PortRegistry(`mpi4ts-port:${os.hostname()}:${process.pid}:`, (gpid, r) => this.#handOver(gpid, r));
  /** Compiled JavaScript of the TypeScript scripts started, by script path. */
  readonly #entries = new Map<string, string>();
  /** Deadlock detection: watches the blocked states in the process table (watch.ts). */
  readonly #watch: JobWatch;

  constructor(opts: JobOptions) {
    if (!Number.isInteger(opts.np) || opts.np < 1) throw new RangeError(`number of ranks must be a positive integer, got ${opts.np}`);
    const universe = opts.universeSize ?? Math.max(opts.np, CORES);
    if (!Number.isInteger(universe) || universe < opts.np) {
      throw new RangeError(`universe size must be an integer of at least the number of ranks (${opts.np}), got ${opts.universeSize}`);
    }
    this.#opts = opts;
    this.#universeSize = universe;
    const sharing = opts.sharing ?? (process.env['MPI4TS_ARENA'] === '1' ? 'arena' : 'ports');
    this.#arena = sharing === 'arena' ? Arena.create() : null;
    if (opts.entry !== undefined) this.#entries.set(opts.script, opts.entry);
    // Process ids are never reused (peers key their channels by them), so the
    // table has room for the universe and for many spawn/exit cycles beyond it.
    this.#table = ProcTable.create(Math.max(4096, 2 * universe));
    this.#watch = new JobWatch(
      { table: this.#table, worldSize: opts.np, gpids: () => Array.from({ length: this.#nextGpid }, (_, g) => g) },
      (report) => { if (!this.#stopping) this.#fail(EXIT_DEADLOCK, report); },
    );
  }

  /** Run the job to its end. */
  run(): Promise<JobResult> {
    const { np } = this.#opts;
    // A waiting rank spins for spinMicros while the live processes fit the
    // cores; beyond (spawned ones count, see H_LIVE) it polls and yields its
    // core between polls for yieldMicros (or parks at once where sched_yield
    // is not available), as Open MPI's shared memory does.
    const config: Partial<ThreadsConfig> = {
      spinMicros: 1000,
      yieldMicros: 2000,
      ...this.#opts.config,
      ...envConfig(),
    };
    this.#config = config;
    // With as many ranks as cores, V8's background compiler thread competes
    // with ranks that poll while they wait, and hot functions stay in the
    // baseline tiers for long stretches: then each rank compiles on its own
    // thread, when a function gets hot (MPI4TS_SYNC_JIT=0|1 overrides;
    // measured as bench/README.md says under "JIT threads").
    const syncJit = process.env['MPI4TS_SYNC_JIT'] ?? (np >= CORES ? '1' : '0');
    if (syncJit === '1') v8.setFlagsFromString('--no-concurrent-recompilation');
    configureRankHeaps();
    const done = new Promise<void>((resolve) => { this.#allExited = resolve; }).then(() => this.#watch.stop());
    this.#watch.start();
    const limit = this.#opts.timeoutSeconds;
    if (limit !== undefined) {
      const timer = setTimeout(() => void this.interrupt(`timeout: the job did not end within ${limit} s (--timeout)`, EXIT_TIMEOUT), limit * 1000);
      void done.then(() => clearTimeout(timer));
    }
    this.#startWorld([{ script: this.#opts.script, args: this.#opts.args, maxprocs: np }], null, '');
    return done.then(() => this.#failure ?? { code: 0, failure: null });
  }

  /**
   * Start one COMM_WORLD: the processes of each command in turn (MPI_APPNUM =
   * the command's index). `who` names spawned worlds in failure messages;
   * `job` numbers them (0: the first world) for --tag-output.
   */
  #startWorld(commands: readonly SpawnCommand[], parent: RankBootstrap['parent'], who: string, job = 0): number[] {
    const size = commands.reduce((n, c) => n + c.maxprocs, 0);
    const gpids = Array.from({ length: size }, () => this.#nextGpid++);
    let rank = 0;
    commands.forEach((c, appnum) => {
      for (let k = 0; k < c.maxprocs; k++, rank++) this.#start(rank, gpids, c, appnum, parent ?? null, who, job);
    });
    return gpids;
  }

  #start(rank: number, worldGpids: number[], command: SpawnCommand, appnum: number,
    parent: RankBootstrap['parent'], who: string, job: number): void {
    const opts = this.#opts;
    const gpid = worldGpids[rank]!;
    const arena = this.#arena;
    const { port1, port2 } = arena === null ? new MessageChannel() : { port1: null, port2: null };
    const mailbox = arena === null ? null : Mailbox.create(arena, gpid);
    const boot: RankBootstrap = {
      version: 1, gpid, worldRank: rank, worldGpids, procTable: this.#table.sab, controlPort: port2,
      ...(mailbox !== null ? { arena: arena!.sab, mailbox: mailbox.region } : {}),
      config: this.#config, timeOrigin: performance.timeOrigin, universeSize: this.#universeSize, appnum,
      script: command.script, entry: this.#entries.get(command.script), argv: command.args,
      ownsStdin: rank === 0 && !parent, tagOutput: opts.tagOutput ?? false, parent,
      ...(job > 0 ? { outputTag: `${job},${rank}` } : {}),
    };
    Atomics.store(this.#table.words, this.#table.index(gpid, S_STATE), STATE_RUNNING);
    const worker = opts.platform.startRank({
      boot, transfer: port2 === null ? [] : [port2],
      env: { MPI4TS_RANK: String(rank), MPI4TS_SIZE: String(worldGpids.length), ...(opts.check ? { MPI4TS_CHECK: '1' } : {}),
        ...(opts.traceFolder !== undefined ? { MPI4TS_TRACE: opts.traceFolder } : {}) },
      maxMemoryMb: opts.maxMemoryMb,
    });
    this.#live++;
    Atomics.store(this.#table.words, H_LIVE, this.#live);
    this.#workers[gpid] = worker;
    if (port1 !== null) this.#ports[gpid] = port1;
    if (mailbox !== null) this.#mailboxes[gpid] = mailbox;
    worker.onMessage((m) => this.#onMessage(m));
    let errored: unknown = null;
    worker.onError((e) => { errored = e; });
    worker.onExit((code) => {
      setImmediate(() => {
        const failed = errored !== null || code !== 0;
        Atomics.store(this.#table.words, this.#table.index(gpid, S_STATE), failed ? STATE_FAILED : STATE_FINISHED);
        if (failed && !this.#stopping) {
          const why = errored !== null ? describeError(errored) : `exited with code ${code}`;
          this.#fail(errored !== null ? 1 : code, `${who}rank ${rank} failed: ${why}`);
        }
        // Peers may still name this process id: only our handles go.
        port1?.close();
        delete this.#ports[gpid];
        delete this.#mailboxes[gpid];
        this.#unsent.delete(gpid);
        delete this.#workers[gpid];
        this.#live--;
        Atomics.store(this.#table.words, H_LIVE, this.#live);
        this.#waitingForRoom = this.#waitingForRoom.filter((w) => !w.retry());
        if (this.#live === 0) this.#allExited();
      });
    });
  }

  /**
   * Give process `gpid` a control message (a new ring, a collective segment,
   * a spawn answer): post it, then bump its channel epoch and wake it. The
   * rank reads its port only after it sees the epoch change.
   */
  #handOver(gpid: number, message: object): void {
    if (this.#arena !== null) {
      if (this.#mailboxes[gpid] === undefined) return;
      const unsent = this.#unsent.get(gpid);
      if (unsent !== undefined) unsent.push(message);
      else if (!this.#mailboxes[gpid].post(message)) this.#retryLater(gpid, [message]);
    } else {
      const port = this.#ports[gpid];
      if (port === undefined) return;
      port.postMessage(message);
    }
    this.#wake(gpid);
  }

  /** Tell process `gpid` that a message waits for it: bump its channel epoch, then ring it. */
  #wake(gpid: number): void {
    Atomics.add(this.#table.words, this.#table.index(gpid, S_CHANNEL_EPOCH), 1);
    this.#table.ring(gpid);
  }

  /** A mailbox was full: post what waits, in order, as the rank makes room (it reads at every epoch change). */
  #retryLater(gpid: number, unsent: object[]): void {
    this.#unsent.set(gpid, unsent);
    const retry = (): void => {
      const box = this.#mailboxes[gpid];
      if (box === undefined || this.#unsent.get(gpid) !== unsent) return;
      while (unsent.length > 0 && box.post(unsent[0]!)) unsent.shift();
      this.#wake(gpid);
      if (unsent.length === 0) this.#unsent.delete(gpid);
      else setTimeout(retry, 1);
    };
    setTimeout(retry, 1);
  }

  #onMessage(m: RankToLauncher): void {
    if (m.type === 'channel') {
      this.#watch.addRing(m.region, m.from, m.to);
      this.#handOver(m.to, { type: 'channel', from: m.from, region: m.region });
    } else if (m.type === 'segment') {
      // Shared memory of a communicator's collectives, from its rank 0 to the others.
      for (const to of m.to) this.#handOver(to, { type: 'segment', key: m.key, region: m.region });
    } else if (m.type === 'blocked') {
      this.#watch.onReport(m.gpid, m);
    } else if (m.type === 'abort') {
      if (!this.#stopping) this.#fail(m.code, m.reason || `MPI_Abort invoked with errorcode ${m.code}`);
    } else if (m.type === 'spawn') {
      this.#spawn(m);
    } else if (m.type === 'port') {
      this.#portRegistry.handle(m.gpid, m.request);
    }
  }

  /** Answer a rank's request to start processes (the root of MPI_Comm_spawn), TypeScript compiled first. */
  #spawn(m: Extract<RankToLauncher, { type: 'spawn' }>): void {
    // The root waits for the answer while the launcher compiles and starts:
    // the deadlock detector must not read that wait as a stuck job.
    const answered = this.#watch.launcherWork();
    const reply = (r: SpawnReply): void => { answered(); this.#handOver(m.gpid, r); };
    Promise.all(m.commands.map(async (c) => {
      const url = await this.#opts.platform.compile(c.script);
      if (url !== undefined) this.#entries.set(c.script, url);
    })).then(() => this.#spawnCompiled(m, reply), (e: unknown) => {
      reply({ type: 'spawned', error: `cannot compile: ${e instanceof Error ? e.message : String(e)}` });
    });
  }

  #spawnCompiled(m: Extract<RankToLauncher, { type: 'spawn' }>, reply: (r: SpawnReply) => void): void {
    const wanted = m.commands.reduce((n, c) => n + c.maxprocs, 0);
    const tryStart = (): boolean => {
      if (this.#stopping) return true;
      if (this.#live + wanted > this.#universeSize) return false;
      if (this.#nextGpid + wanted > this.#table.maxProcs) {
        reply({ type: 'spawned', error: `cannot start ${wanted} processes: the process table is full (${this.#nextGpid} processes were started in this job)` });
        return true;
      }
      const n = ++this.#spawns;
      const names = [...new Set(m.commands.map((c) => path.basename(c.script)))].join(', ');
      const gpids = this.#startWorld(m.commands, { ctx: m.ctx, parents: m.parents }, `spawned process (Spawn #${n}, ${names}) `, n);
      reply({ type: 'spawned', gpids });
      return true;
    };
    if (tryStart()) return;
    // Processes that have finished their work may still be exiting (children
    // that have just disconnected): give them a moment before refusing.
    const entry = { retry: tryStart };
    this.#waitingForRoom.push(entry);
    const timer = setTimeout(() => {
      const i = this.#waitingForRoom.indexOf(entry);
      if (i < 0) return;
      this.#waitingForRoom.splice(i, 1);
      const free = Math.max(0, this.#universeSize - this.#live);
      reply({
        type: 'spawned',
        error: `cannot start ${wanted} processes: the universe has room for ${free} more (universe size ${this.#universeSize}, ${this.#live} processes alive); start the job with a larger --usize`,
      });
    }, SPAWN_ROOM_WAIT_MS);
    timer.unref();
  }

  #interrupted = false;

  /**
   * End the job from outside (a signal, `--timeout`): say where each rank is
   * (blocked ranks answer; a rank that computes is "running"), then stop
   * them all. A second interruption while the report is gathered exits at once.
   */
  async interrupt(why: string, code: number): Promise<void> {
    if (this.#interrupted || this.#stopping) {
      if (this.#interrupted && !this.#stopping) process.exit(code);
      return;
    }
    this.#interrupted = true;
    const where = await this.#watch.whereRanksAre();
    if (!this.#stopping) this.#fail(code, `${why}; where each rank was:\n${where}`);
  }

  /** First failure wins: record it and stop every rank. */
  #fail(code: number, why: string): void {
    this.#failure = { code, failure: why };
    this.#stopping = true;
    this.#watch.stop();
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
  if ((e as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return 'ran out of memory (JavaScript heap limit of the rank reached; --max-memory MB sets it)';
  }
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}

/**
 * Old-generation room for the ranks' isolates (V8 flags are process-wide and
 * a worker's heap is configured when it starts, so this launcher sets them
 * before the first rank).
 *
 * V8 leaves an isolate's old generation unconfigured unless told its initial
 * size, and then keeps its allocation limit near the live size. A rank lives
 * at about 8 MB (the runtime's code and its source), and once its old space
 * is over V8's 8 MB threshold for incremental marking, every burst of
 * external memory (each received object message is a new ArrayBuffer)
 * starts a marking cycle, whose concurrent threads then take the cores the
 * ranks poll on. Two ranks sending 1 MiB objects back and forth ran 30 full
 * collections in `bench/pingpong.ts` and took 290-345 us a message; with a
 * 48 or 64 MB initial old space, 2 collections and 171-200 us (32 MB: still
 * 30). A size given on node's command line wins. (A native rank is a
 * process of its own whose main isolate V8 sizes otherwise: the same
 * benchmark there ran 2 full collections with and without the flag.)
 */
function configureRankHeaps(): void {
  const flag = rankHeapFlag(process.execArgv);
  if (flag !== null) v8.setFlagsFromString(flag);
}

/** The V8 flag configureRankHeaps sets, or null when node's command line sizes the heap already (NODE_OPTIONS cannot). */
export function rankHeapFlag(execArgv: readonly string[]): string | null {
  if (execArgv.some((a) => /^--initial[-_](old[-_]space|heap)[-_]size\b/.test(a))) return null;
  return `--initial-old-space-size=${RANK_INITIAL_OLD_SPACE_MB}`;
}

/** See configureRankHeaps. */
const RANK_INITIAL_OLD_SPACE_MB = 64;
