/**
 * Deadlock detection for the embedded runtime, both sides of it.
 *
 * Rank side (`RankWatch`, owned by the engine): when a rank is about to park
 * in a blocking call it publishes, in its process-table slot, what it waits
 * for (call kind, context, source or destination, tag) under a generation
 * number that is nonzero while it is blocked. Publishing happens only at the
 * park, after the spin, so the ping-pong hot path never pays for it. When the
 * launcher asks (header word H_REPORT), a parked rank also posts a report
 * with what only it knows: the public call (e.g. `bcast`, root 1) and the
 * messages in its unexpected queues.
 *
 * Launcher side (`JobWatch`): samples the table every SAMPLE_MS. The job is
 * deadlocked when, for longer than STABLE_MS, every running rank has been
 * blocked in the same call (generation unchanged), no doorbell has rung, and
 * every ring towards a running rank is empty: then no frame is in flight that
 * could satisfy anyone, and nothing but a frame can. (A rank that finished
 * never reads again; frames still in its rings are reported as lost.) The
 * stability window exceeds the engine's 1 s park timeout, so a rank whose
 * wait is satisfied by shared memory alone is seen waking before it counts.
 */
import type { Operation } from '../spi.js';
import {
  type ProcTable, H_REPORT, S_DOORBELL, S_STATE, S_BLOCKED, S_BLOCK_KIND, S_BLOCK_CTX, S_BLOCK_PEER, S_BLOCK_TAG,
  STATE_RUNNING, STATE_FINISHED, STATE_FAILED,
} from './proctable.js';
import { ringOccupied, ringFrames } from './ring.js';
import type { Region } from './shared.js';

/** What a blocked rank waits in (S_BLOCK_KIND). */
export const BLOCK_RECV = 1;
export const BLOCK_SEND = 2;
export const BLOCK_PROBE = 3;
export const BLOCK_WAITANY = 4;
export const BLOCK_FINALIZE = 5;
export const BLOCK_OTHER = 6;

/** Exit status of a job ended by deadlock detection. */
export const EXIT_DEADLOCK = 86;
/** Exit status of a job ended by `--timeout`. */
export const EXIT_TIMEOUT = 124;

const SAMPLE_MS = 200;
const STABLE_MS = 1100;
const REPORT_WAIT_MS = 400;

/** A message sitting in a rank's unexpected queue. */
export interface UnmatchedMessage {
  readonly ctx: number;
  readonly source: number;
  readonly tag: number;
  readonly size: number;
}

/** What a blocked rank tells the launcher when asked. */
export interface BlockedReport {
  readonly type: 'blocked';
  readonly gpid: number;
  readonly kind: number;
  readonly ctx: number;
  /** Source of a receive or probe, destination of a send (rank in the communicator). */
  readonly peer: number;
  readonly tag: number;
  /** The public call in progress, when the API named it (collectives), and its root (-1 if none). */
  readonly routine: string | null;
  readonly root: number;
  /** Bytes this rank contributes to that collective (-1: not known). */
  readonly bytes: number;
  readonly unexpected: readonly UnmatchedMessage[];
}

// ---------------------------------------------------------------- rank side

export class RankWatch {
  readonly #words: Int32Array;
  readonly #slot: number;
  readonly #post: (m: BlockedReport) => void;
  readonly #unexpected: () => UnmatchedMessage[];
  /** Generation of the published blocked state; 0 in the table means "not blocked". */
  #gen = 0;
  #blocked = false;
  /** What the last park published, to publish a call once however often it parks. */
  #lastKey: unknown = null;
  #reported = 0;
  /** The API's name for the call in progress (collectives) and its root. */
  #routine: string | null = null;
  #root = -1;
  /** For a collective: its shadow context and call number (its tag). */
  #callCtx = -1;
  #callSeq = -1;
  #callBytes = -1;
  /** Description of a blocking call that has no single operation (probe, waitany, finalize). */
  #hintKind = BLOCK_OTHER;
  #hintCtx = -1;
  #hintPeer = -1;
  #hintTag = -1;
  #hintSerial = 0;

  constructor(table: ProcTable, gpid: number, post: (m: BlockedReport) => void, unexpected: () => UnmatchedMessage[]) {
    this.#words = table.words;
    this.#slot = table.index(gpid, 0);
    this.#post = post;
    this.#unexpected = unexpected;
  }

  /** The API names the public call now running (null when it returns). */
  noteCall(routine: string | null, root: number, ctx: number, seq: number, bytes: number): void {
    this.#routine = routine;
    this.#root = root;
    this.#callCtx = ctx;
    this.#callSeq = seq;
    this.#callBytes = bytes;
  }

  /** Describe the next park that has no operation (probe, waitany, finalize). */
  hint(kind: number, ctx: number, peer: number, tag: number): void {
    this.#hintKind = kind;
    this.#hintCtx = ctx;
    this.#hintPeer = peer;
    this.#hintTag = tag;
    this.#hintSerial++;
  }

  /** About to park waiting for `op` (or for the hinted call when null). */
  park(op: Operation | null): void {
    const key = op ?? this.#hintSerial;
    if (!this.#blocked || key !== this.#lastKey) {
      let kind = this.#hintKind, ctx = this.#hintCtx, peer = this.#hintPeer, tag = this.#hintTag;
      if (op !== null) {
        const o = op as unknown as { ctx?: number; source?: number; tag?: number; destGpid?: number };
        if (typeof o.ctx === 'number') {
          kind = BLOCK_RECV; ctx = o.ctx; peer = o.source!; tag = o.tag!;
        } else if (typeof o.destGpid === 'number') {
          // Inside a collective its messages are on the collective context (its tag is the call number).
          kind = BLOCK_SEND; ctx = this.#callCtx; peer = op.status.source; tag = op.status.tag;
        } else {
          // Not a message (e.g. a shared-memory collective step): the collective call says where.
          kind = BLOCK_OTHER; ctx = this.#callCtx; peer = -1; tag = this.#callSeq;
        }
      }
      const w = this.#words, s = this.#slot;
      w[s + S_BLOCK_KIND] = kind;
      w[s + S_BLOCK_CTX] = ctx;
      w[s + S_BLOCK_PEER] = peer;
      w[s + S_BLOCK_TAG] = tag;
      // The store of the generation publishes the fields above (seq-cst store).
      this.#gen = (this.#gen + 1) & 0x3fffffff || 1;
      Atomics.store(w, s + S_BLOCKED, this.#gen);
      this.#blocked = true;
      this.#lastKey = key;
    }
    const asked = Atomics.load(this.#words, H_REPORT);
    if (asked !== this.#reported) {
      this.#reported = asked;
      const w = this.#words, s = this.#slot;
      this.#post({
        type: 'blocked', gpid: 0, kind: w[s + S_BLOCK_KIND]!, ctx: w[s + S_BLOCK_CTX]!, peer: w[s + S_BLOCK_PEER]!,
        tag: w[s + S_BLOCK_TAG]!, routine: this.#routine, root: this.#root, bytes: this.#callBytes, unexpected: this.#unexpected(),
      });
    }
  }

  /** The blocking call returned. Cheap when it never parked. */
  unblocked(): void {
    if (this.#blocked) {
      this.#blocked = false;
      this.#lastKey = null;
      Atomics.store(this.#words, this.#slot + S_BLOCKED, 0);
    }
  }
}

// ------------------------------------------------------------ launcher side

interface RingInfo { region: Region; from: number; to: number }

/** What the launcher needs from the job to judge and to report. */
export interface WatchedJob {
  readonly table: ProcTable;
  /** Global process ids of every process started so far: the world's ranks first, in rank order. */
  gpids(): readonly number[];
  /** Number of ranks in the first COMM_WORLD. */
  readonly worldSize: number;
}

function commName(ctx: number): string {
  if (ctx < 0) return '';
  if (ctx <= 1) return ' on COMM_WORLD';
  if (ctx <= 3) return ' on COMM_SELF';
  return ` on the communicator with context ${ctx & ~1}`;
}

function who(x: number, what: string): string {
  if (x === -1) return `any ${what}`;
  return `${what} ${x}`;
}

/** One line saying what a blocked rank waits for. */
export function describeBlocked(r: BlockedReport): string {
  const coll = r.ctx >= 0 && (r.ctx & 1) === 1;
  const place = commName(r.ctx);
  if (coll) {
    // A collective: its call number on the communicator is the tag (schedule.ts collContext).
    const call = r.routine !== null ? `${r.routine}${r.root >= 0 ? ` (root ${r.root})` : ''}` : 'a collective';
    const waits = r.kind === BLOCK_SEND ? `sending to rank ${r.peer}`
      : r.kind === BLOCK_OTHER ? 'waiting for the other ranks in shared memory'
        : `waiting for a message from ${who(r.peer, 'rank')}`;
    return `${call}${place} (collective call #${r.tag + 1}), ${waits}`;
  }
  switch (r.kind) {
    case BLOCK_RECV: return `recv from ${who(r.peer, 'source')}, ${who(r.tag, 'tag')}${place}`;
    case BLOCK_SEND: return `send to rank ${r.peer}, tag ${r.tag} (waiting for the receiver to match it)`;
    case BLOCK_PROBE: return `probe for ${who(r.peer, 'source')}, ${who(r.tag, 'tag')}${place}`;
    case BLOCK_WAITANY: return 'waitany/waitsome on several requests';
    case BLOCK_FINALIZE: return 'finalize: its script has ended, its outgoing messages wait to be received';
    default: return r.routine !== null ? `${r.routine}, waiting on a pending operation` : 'a wait on a pending operation';
  }
}

function describeMessage(m: UnmatchedMessage): string {
  if ((m.ctx & 1) === 1) return `collective message from rank ${m.source} (call #${m.tag + 1}), ${m.size} bytes${commName(m.ctx)}`;
  return `message from rank ${m.source}, tag ${m.tag}, ${m.size} bytes${commName(m.ctx)}`;
}

export class JobWatch {
  readonly #job: WatchedJob;
  readonly #rings: RingInfo[] = [];
  readonly #onDeadlock: (report: string) => void;
  #timer: NodeJS.Timeout | null = null;
  #snapshot = '';
  #stableSince = 0;
  #reports = new Map<number, BlockedReport>();
  #checking = false;
  /**
   * Requests the launcher is still working on (a Spawn whose children are
   * being compiled or wait for room): a rank blocked on one is waiting for
   * the launcher, not for another rank, so the job is not stuck.
   */
  #launcherBusy = 0;

  constructor(job: WatchedJob, onDeadlock: (report: string) => void) {
    this.#job = job;
    this.#onDeadlock = onDeadlock;
  }

  addRing(region: Region, from: number, to: number): void {
    this.#rings.push({ region, from, to });
  }

  /** A rank answered the report request. */
  onReport(gpid: number, r: BlockedReport): void {
    this.#reports.set(gpid, { ...r, gpid });
  }

  /** The launcher took on work a blocked rank waits for; call the returned function when it has answered. */
  launcherWork(): () => void {
    this.#launcherBusy++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#launcherBusy--;
      this.#snapshot = '';
    };
  }

  start(): void {
    this.#timer = setInterval(() => this.#sample(), SAMPLE_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #state(gpid: number): number {
    const t = this.#job.table;
    return Atomics.load(t.words, t.index(gpid, S_STATE));
  }

  /**
   * Strings that change whenever anything that could end a wait happens
   * (`core`: states, blocked generations; `bells`: doorbells); null while
   * some rank runs or some frame is in flight.
   */
  #quiet(): { core: string; bells: string } | null {
    const t = this.#job.table;
    const parts: number[] = [];
    const bells: number[] = [];
    if (this.#launcherBusy > 0) return null;
    let live = 0;
    for (const g of this.#job.gpids()) {
      const st = this.#state(g);
      parts.push(st);
      if (st !== STATE_RUNNING) continue;
      live++;
      const gen = Atomics.load(t.words, t.index(g, S_BLOCKED));
      if (gen === 0) return null;
      parts.push(gen);
      bells.push(Atomics.load(t.words, t.index(g, S_DOORBELL)));
    }
    if (live === 0) return null;
    for (const r of this.#rings) {
      if (this.#state(r.to) !== STATE_RUNNING) continue;
      if (ringOccupied(r.region)) return null;
    }
    return { core: parts.join(','), bells: bells.join(',') };
  }

  #sample(): void {
    if (this.#checking) return;
    const now = performance.now();
    const q = this.#quiet();
    const snap = q === null ? '' : `${q.core};${q.bells}`;
    if (q === null || snap !== this.#snapshot) {
      this.#snapshot = snap;
      this.#stableSince = now;
      return;
    }
    if (now - this.#stableSince < STABLE_MS) return;
    // Looks stuck: ask the blocked ranks what they know, then check that
    // nothing moved meanwhile (our doorbell rings are not movement).
    this.#checking = true;
    void this.collect().then((reports) => {
      this.#checking = false;
      const again = this.#quiet();
      if (again === null || again.core !== q.core) {
        this.#snapshot = '';
        return;
      }
      this.stop();
      this.#onDeadlock(this.#deadlockReport(reports));
    });
  }

  /** Ask every blocked rank for its report and wait a little for the answers. */
  async collect(): Promise<Map<number, BlockedReport>> {
    const t = this.#job.table;
    this.#reports.clear();
    Atomics.add(t.words, H_REPORT, 1);
    const blocked = this.#job.gpids().filter((g) => this.#state(g) === STATE_RUNNING && Atomics.load(t.words, t.index(g, S_BLOCKED)) !== 0);
    for (const g of blocked) {
      Atomics.add(t.words, t.index(g, S_DOORBELL), 1);
      Atomics.notify(t.words, t.index(g, S_DOORBELL));
    }
    const t0 = performance.now();
    while (performance.now() - t0 < REPORT_WAIT_MS && blocked.some((g) => !this.#reports.has(g))) {
      await new Promise((r) => setTimeout(r, 10));
    }
    // A rank that did not answer: what the table says is all we know.
    for (const g of blocked) {
      if (this.#reports.has(g) || Atomics.load(t.words, t.index(g, S_BLOCKED)) === 0) continue;
      const w = t.words;
      this.#reports.set(g, {
        type: 'blocked', gpid: g, kind: w[t.index(g, S_BLOCK_KIND)]!, ctx: w[t.index(g, S_BLOCK_CTX)]!,
        peer: w[t.index(g, S_BLOCK_PEER)]!, tag: w[t.index(g, S_BLOCK_TAG)]!, routine: null, root: -1, bytes: -1, unexpected: [],
      });
    }
    return new Map(this.#reports);
  }

  /** Where each rank is, one line each (for --timeout and signals). */
  async whereRanksAre(): Promise<string> {
    const reports = await this.collect();
    return this.#job.gpids().map((g, i) => `  ${this.#label(g, i)}: ${this.#rankLine(g, reports)}`).join('\n');
  }

  /** "rank 3" for the first world's ranks, "process 9 (spawned)" for the others. */
  #label(g: number, index: number): string {
    return index < this.#job.worldSize ? `rank ${index}` : `process ${g} (spawned)`;
  }

  #rankLine(g: number, reports: Map<number, BlockedReport>): string {
    const st = this.#state(g);
    if (st === STATE_FINISHED) return 'finished';
    if (st === STATE_FAILED) return 'failed';
    const r = reports.get(g);
    if (r === undefined) return 'running (not in a blocking MPI call)';
    let line = `blocked in ${describeBlocked(r)}`;
    const world = this.#job.gpids().indexOf(g) < this.#job.worldSize;
    const peerGpid = world && (r.ctx === 0 || r.ctx === 1) && r.peer >= 0 ? this.#job.gpids()[r.peer] : undefined;
    if (peerGpid !== undefined && r.kind !== BLOCK_FINALIZE) {
      const ps = this.#state(peerGpid);
      if (ps === STATE_FINISHED) line += `; rank ${r.peer} has already finished`;
    }
    return line;
  }

  #deadlockReport(reports: Map<number, BlockedReport>): string {
    const gp = this.#job.gpids();
    const rankOf = new Map(gp.map((g, r) => [g, r]));
    const out: string[] = ['deadlock: every running rank is blocked in a communication call and no message in flight can satisfy any of them'];
    for (let i = 0; i < gp.length; i++) out.push(`  ${this.#label(gp[i]!, i)}: ${this.#rankLine(gp[i]!, reports)}`);
    // Collectives: ranks at the same call of the same communicator in different calls or with different roots.
    const byCall = new Map<string, { rank: number; r: BlockedReport }[]>();
    for (const [g, r] of reports) {
      if (r.routine === null || (r.ctx & 1) === 0) continue;
      const k = `${r.ctx}:${r.tag}`;
      (byCall.get(k) ?? byCall.set(k, []).get(k)!).push({ rank: rankOf.get(g)!, r });
    }
    for (const members of byCall.values()) {
      members.sort((a, b) => a.rank - b.rank);
      const names = new Set(members.map((m) => m.r.routine));
      const roots = new Set(members.map((m) => m.r.root));
      const list = (f: (m: { rank: number; r: BlockedReport }) => string): string => members.map(f).join(', ');
      if (names.size > 1) {
        out.push(`  collective mismatch: different collectives at the same call${commName(members[0]!.r.ctx)}: ${list((m) => `rank ${m.rank} in ${m.r.routine}`)}`);
      } else if (roots.size > 1) {
        out.push(`  collective mismatch: ${members[0]!.r.routine} called with different roots: ${list((m) => `rank ${m.rank} root ${m.r.root}`)}`);
      } else if (members.every((m) => m.r.bytes >= 0) && new Set(members.map((m) => m.r.bytes)).size > 1) {
        out.push(`  collective mismatch: ${members[0]!.r.routine} called with different counts: ${list((m) => `rank ${m.rank} ${m.r.bytes} bytes`)}`);
      }
    }
    // A cycle among specific point-to-point waits on COMM_WORLD.
    const next = new Map<number, number>();
    for (const [g, r] of reports) {
      const rank = rankOf.get(g)!;
      if (rank >= this.#job.worldSize) continue;
      if ((r.kind === BLOCK_RECV || r.kind === BLOCK_PROBE) && r.ctx === 0 && r.peer >= 0) next.set(rank, r.peer);
      if (r.kind === BLOCK_SEND && r.ctx <= 0 && r.peer >= 0) next.set(rank, r.peer);
    }
    const cycle = findCycle(next);
    if (cycle) out.push(`  cycle: ${[...cycle, cycle[0]].map((r) => `rank ${r}`).join(' -> ')}`);
    const lost: string[] = [];
    for (let i = 0; i < gp.length; i++) {
      for (const m of reports.get(gp[i]!)?.unexpected ?? []) lost.push(`    at ${this.#label(gp[i]!, i)}: ${describeMessage(m)}`);
    }
    for (const ring of this.#rings) {
      if (this.#state(ring.to) === STATE_RUNNING) continue;
      for (const fr of ringFrames(ring.region, 20)) {
        lost.push(`    to ${this.#label(ring.to, rankOf.get(ring.to) ?? gp.length)}, which has ended: ${describeMessage(fr)}`);
      }
    }
    out.push(lost.length > 0 ? '  messages left unmatched:' : '  messages left unmatched: none');
    out.push(...lost);
    out.push(`aborting the job (exit status ${EXIT_DEADLOCK})`);
    return out.join('\n');
  }
}

function findCycle(next: Map<number, number>): number[] | null {
  for (const start of [...next.keys()].sort((a, b) => a - b)) {
    const path: number[] = [];
    const seen = new Map<number, number>();
    let x: number | undefined = start;
    while (x !== undefined && !seen.has(x)) {
      seen.set(x, path.length);
      path.push(x);
      x = next.get(x);
    }
    if (x !== undefined && path.length - seen.get(x)! >= 2) return path.slice(seen.get(x)!);
  }
  return null;
}

/** The messages in a rank's unexpected queues, for its report (capped: the report is for a human). */
export function unmatchedIn(contexts: readonly ({ unexpectedQueue: readonly { source: number; tag: number; size: number }[] } | undefined)[]): UnmatchedMessage[] {
  const out: UnmatchedMessage[] = [];
  contexts.forEach((q, ctx) => {
    for (const m of q?.unexpectedQueue ?? []) if (out.length < 20) out.push({ ctx, source: m.source, tag: m.tag, size: m.size });
  });
  // By sender, then arrival: the order of different senders' messages is a race, not information.
  return out.sort((a, b) => a.ctx - b.ctx || a.source - b.source);
}
