/**
 * `--check`: before a collective moves any data, its ranks compare what
 * they called (MUST's collective checks, built in). Each rank describes its
 * call as a `CallRecord`: the routine, root and op, the type signature that
 * must be the same everywhere (a broadcast's buffer, a reduction's
 * elements) and the signature of every transfer it takes part in (a
 * Gather's send to the root, the root's receive of each rank's block),
 * which must match the other end's. src/api/check.ts makes the records.
 *
 * The exchange cannot deadlock whatever the ranks called: it runs on the
 * communicator's collective context, under a call number of its own (taken
 * from the same sequence as the collectives, so no message of a collective
 * can match it), and has one shape for every collective: each rank sends its
 * record to rank 0 and receives one verdict from it. Only after a good
 * verdict does a rank start the collective. On a mismatch every rank then
 * sends rank 0 the text of its call (arguments, call site), and rank 0 ends
 * the job with the report (exit status 87). On an intercommunicator each
 * rank sends to rank 0 of the other group; the two leaders swap what they
 * collected, so both decide, and each sends its verdict to the other group.
 */
import { SendMode, type Operation } from '../transport/spi.js';
import { encodeObject, decodeObject } from '../core/msgobject.js';
import { signaturesMatch, type TypeSignature } from '../core/signature.js';
import type { CollContext, Schedule } from './schedule.js';

/** Exit status of a job ended by `--check`. */
export const EXIT_MISMATCH = 87;

/** No root: the collective has none. */
export const NO_ROOT = -1;
const PROC_NULL = -2;
const ROOT = -3;

/** One end of a transfer: the peer's rank (in the other group when `remote`) and the signature. */
export interface Transfer {
  readonly peer: number;
  readonly remote: boolean;
  readonly sig: TypeSignature;
}

/** A rank's call as the ranks compare it. Plain data: it travels to rank 0. */
export interface CallRecord {
  /** The routine as called (`Bcast`, `bcast`, `Ibcast`). */
  readonly routine: string;
  /** Root (NO_ROOT: none; on an intercommunicator also ROOT and PROC_NULL). */
  readonly root: number;
  /** The reduction's operation, as a name (`MPI.SUM`, `MPI.Op(add)`), or null. */
  readonly op: string | null;
  /** The signature every rank that gives one must give (null: none from this rank). */
  readonly uniform: TypeSignature | null;
  /** Compare `uniform` by basic type even for bytes (reductions combine typed elements). */
  readonly strict: boolean;
  /** Other arguments that must be the same everywhere (recvcounts, dims), and their name; null: none. */
  readonly agree: string | null;
  readonly agreeName: string | null;
  /** Transfers, in the order the collective makes them between each pair. */
  readonly sends: readonly Transfer[];
  readonly recvs: readonly Transfer[];
  /**
   * True when the API could not read the arguments (they are bad: the call
   * raises right after the check): only the routine is compared.
   */
  readonly wild?: boolean;
}

/** A call in words, for the report: what rank 0 asks for once something does not match. */
export interface CallText {
  /** The routine, op and agreed arguments of the record, in words. */
  readonly routine: string;
  readonly op: string | null;
  readonly agree: string | null;
  readonly agreeName: string | null;
  /** `Bcast(buf: 4 INT, root 0)`. */
  readonly call: string;
  /** The caller's source position, `file:line:column` ('' if unknown). */
  readonly at: string;
  readonly uniform: string | null;
  readonly sends: readonly string[];
  readonly recvs: readonly string[];
}

/** What the checker gets from the API for one call. */
export interface CheckedCall {
  readonly record: CallRecord;
  /** The call in words (asked for only on a mismatch). */
  text(): CallText;
  /** The communicator's name for the report (`COMM_WORLD`). */
  readonly comm: string;
}

// ---------------------------------------------------------------- wire format

/**
 * A record as rank 0 compares it: names as numbers (hashes), so that it
 * travels as one small Float64Array and is compared without decoding
 * strings; the names themselves come with the texts, on a mismatch only.
 */
export interface Compared {
  /** Hash of the routine, the same for the routines MPI treats as one call (barrier and Barrier). */
  readonly routine: number;
  readonly root: number;
  /** Hashes of the op and the agreed arguments; 0 for none. */
  readonly op: number;
  readonly agree: number;
  readonly strict: boolean;
  readonly wild: boolean;
  readonly uniform: TypeSignature | null;
  readonly sends: readonly Transfer[];
  readonly recvs: readonly Transfer[];
}

const hashes = new Map<string, number>();

/** A name as a number: FNV-1a, cached (0 stands for none). */
function hashOf(name: string | null): number {
  if (name === null) return 0;
  let h = hashes.get(name);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h = (h >>> 0) || 1;
    hashes.set(name, h);
  }
  return h;
}

/** What rank 0 compares of a record. */
export function compared(r: CallRecord): Compared {
  return {
    routine: hashOf(callOf(r.routine)), root: r.root, op: hashOf(r.op), agree: hashOf(r.agree),
    strict: r.strict, wild: r.wild === true, uniform: r.uniform, sends: r.sends, recvs: r.recvs,
  };
}

const HEAD = 13;
const LEG = 7;

/** A record as bytes: a head of 13 numbers, then 7 per transfer. */
export function encodeRecord(r: CallRecord): Uint8Array {
  const c = compared(r);
  const w = new Float64Array(HEAD + LEG * (c.sends.length + c.recvs.length));
  const u = c.uniform;
  w[0] = c.routine; w[1] = c.root; w[2] = c.op; w[3] = c.agree;
  w[4] = (c.strict ? 1 : 0) | (c.wild ? 2 : 0) | (u ? 4 : 0) | (u?.untyped ? 8 : 0);
  if (u) { w[5] = u.n; w[6] = u.h1; w[7] = u.h2; w[8] = u.bytes; }
  w[9] = c.sends.length; w[10] = c.recvs.length;
  let at = HEAD;
  for (const t of [...c.sends, ...c.recvs]) {
    w[at] = t.peer; w[at + 1] = (t.remote ? 1 : 0) | (t.sig.untyped ? 2 : 0);
    w[at + 2] = t.sig.n; w[at + 3] = t.sig.h1; w[at + 4] = t.sig.h2; w[at + 5] = t.sig.bytes;
    at += LEG;
  }
  return new Uint8Array(w.buffer);
}

/** The record of `encodeRecord`'s bytes. */
export function decodeRecord(bytes: Uint8Array): Compared {
  const w = bytes.byteOffset % 8 === 0
    ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)
    : new Float64Array(bytes.slice().buffer);
  const flags = w[4]!;
  const leg = (at: number): Transfer => ({
    peer: w[at]!, remote: (w[at + 1]! & 1) !== 0,
    sig: { n: w[at + 2]!, h1: w[at + 3]!, h2: w[at + 4]!, bytes: w[at + 5]!, untyped: (w[at + 1]! & 2) !== 0 },
  });
  const ns = w[9]!, nr = w[10]!;
  return {
    routine: w[0]!, root: w[1]!, op: w[2]!, agree: w[3]!, strict: (flags & 1) !== 0, wild: (flags & 2) !== 0,
    uniform: flags & 4 ? { n: w[5]!, h1: w[6]!, h2: w[7]!, bytes: w[8]!, untyped: (flags & 8) !== 0 } : null,
    sends: Array.from({ length: ns }, (_, k) => leg(HEAD + LEG * k)),
    recvs: Array.from({ length: nr }, (_, k) => leg(HEAD + LEG * (ns + k))),
  };
}

// ---------------------------------------------------------------- matching

/** Ranks of the records being compared: intracommunicator ranks, or the two groups one after the other. */
interface Ranks {
  /** How a report names rank i. */
  label(i: number): string;
  /** Index of the peer of a transfer made by rank i. */
  peer(i: number, t: Transfer): number;
  /** Size of the first group on an intercommunicator; 0 on an intracommunicator. */
  readonly groupA: number;
}

function intraRanks(): Ranks {
  return { label: (i) => `rank ${i}`, peer: (_, t) => t.peer, groupA: 0 };
}

function interRanks(sizeA: number): Ranks {
  return {
    label: (i) => (i < sizeA ? `rank ${i} of group A` : `rank ${i - sizeA} of group B`),
    peer: (i, t) => ((i < sizeA) === t.remote ? sizeA + t.peer : t.peer),
    groupA: sizeA,
  };
}

/** The first difference found, and how to say it once the texts are in. */
interface Mismatch {
  /** Ranks to name in the report, first those at fault. */
  readonly ranks: readonly number[];
  line(texts: readonly CallText[]): string;
}

/** Same-collective rule: the routines MPI treats as one call. */
function callOf(routine: string): string {
  return routine === 'barrier' ? 'Barrier' : routine === 'ibarrier' ? 'Ibarrier' : routine;
}

function rootName(r: number): string {
  return r === ROOT ? 'ROOT' : r === PROC_NULL ? 'PROC_NULL' : `root ${r}`;
}

/** Lists `items` as "a, b, c", at most `max` of them. */
function list(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, ... (${items.length - max} more)`;
}

/** The first way in which the records of one collective call do not match; null when they all do. */
export function findMismatch(records: readonly Compared[], ranks: Ranks): Mismatch | null {
  const all = records.map((_, i) => i);
  const label = (i: number): string => ranks.label(i);
  // Different collectives: group the ranks by routine.
  if (records.some((r) => r.routine !== records[0]!.routine)) {
    return {
      ranks: all,
      line: (texts) => `different collectives at the same call: ${list(texts.map((t, i) => `${label(i)} in ${t.routine}`))}`,
    };
  }
  if (records.some((r) => r.wild)) return null;
  const rootsLine = (what: string) => (texts: readonly CallText[]): string =>
    `${texts[0]!.routine} called with ${what} roots: ${list(records.map((r, i) => `${label(i)} ${rootName(r.root)}`))}`;
  if (ranks.groupA === 0) {
    if (records.some((r) => r.root !== records[0]!.root)) return { ranks: all, line: rootsLine('different') };
  } else if (records.some((r) => r.root !== NO_ROOT) && !interRootsAgree(records, ranks.groupA)) {
    return { ranks: all, line: rootsLine('inconsistent') };
  }
  if (records.some((r) => r.op !== records[0]!.op)) {
    return { ranks: all, line: (texts) => `${texts[0]!.routine} called with different ops: ${list(texts.map((t, i) => `${label(i)} ${t.op}`))}` };
  }
  if (records.some((r) => r.agree !== records[0]!.agree)) {
    return {
      ranks: all,
      line: (texts) => `${texts[0]!.routine} called with different ${texts[0]!.agreeName ?? 'arguments'}: ${list(texts.map((t, i) => `${label(i)} ${t.agree}`))}`,
    };
  }
  // The signature all must give: the root's where it has one, else the first given.
  const root = ranks.groupA === 0 ? records[0]!.root : records.findIndex((r) => r.root === ROOT);
  const ref = root >= 0 && records[root]?.uniform ? root : records.findIndex((r) => r.uniform !== null);
  if (ref >= 0) {
    const strict = records[ref]!.strict;
    const bad = all.filter((i) => records[i]!.uniform !== null && !signaturesMatch(records[ref]!.uniform!, records[i]!.uniform!, strict));
    if (bad.length > 0) {
      const given = all.filter((i) => records[i]!.uniform !== null);
      return {
        ranks: [ref, ...bad],
        line: (texts) => `${texts[0]!.routine} called with different ${strict ? 'counts or datatypes' : 'type signatures'}: ${list(given.map((i) => `${label(i)} ${texts[i]!.uniform}`))}`,
      };
    }
  }
  return transferMismatch(records, ranks);
}

/**
 * On an intercommunicator: one rank passes ROOT, the rest of its group
 * PROC_NULL, and every rank of the other group the root's rank.
 */
function interRootsAgree(records: readonly Compared[], sizeA: number): boolean {
  const roots = records.map((r, i) => (r.root === ROOT ? i : -1)).filter((i) => i >= 0);
  if (roots.length !== 1) return false;
  const at = roots[0]!;
  const inA = at < sizeA;
  const local = inA ? at : at - sizeA;
  return records.every((r, i) => i === at || ((i < sizeA) === inA ? r.root === PROC_NULL : r.root === local));
}

/** The first transfer whose two ends do not match (or that has no other end). */
function transferMismatch(records: readonly Compared[], ranks: Ranks): Mismatch | null {
  // Receives by (source, receiver), in order, with their index in the receiver's list.
  const recvs = new Map<string, { sig: TypeSignature; index: number }[]>();
  records.forEach((r, to) => r.recvs.forEach((t, index) => {
    const key = `${ranks.peer(to, t)}>${to}`;
    (recvs.get(key) ?? recvs.set(key, []).get(key)!).push({ sig: t.sig, index });
  }));
  const sent = new Map<string, number>();
  const label = (i: number): string => ranks.label(i);
  // Transfers between two ranks first: a root's block to itself is its own business (the call raises there).
  const order = records.flatMap((r, from) => r.sends.map((t, index) => ({ from, index, to: ranks.peer(from, t) })))
    .sort((x, y) => Number(x.from === x.to) - Number(y.from === y.to));
  for (const { from, index, to } of order) {
    const t = records[from]!.sends[index]!;
    const key = `${from}>${to}`;
    const k = sent.get(key) ?? 0;
    sent.set(key, k + 1);
    const other = recvs.get(key)?.[k];
    if (other === undefined) {
      return {
        ranks: [from, to],
        line: (texts) => `${texts[0]!.routine}: ${label(from)} sends ${texts[from]!.sends[index]} to ${label(to)}, which receives nothing from it`,
      };
    }
    if (!signaturesMatch(t.sig, other.sig)) {
      return {
        ranks: [from, to],
        line: (texts) => `${texts[0]!.routine} called with type signatures that do not match: ${label(from)} sends ${texts[from]!.sends[index]} to ${label(to)}, ${label(to)} receives ${texts[to]!.recvs[other.index]} from ${label(from)}`,
      };
    }
  }
  for (const [key, list] of recvs) {
    const k = sent.get(key) ?? 0;
    if (list.length > k) {
      const [from, to] = key.split('>').map(Number) as [number, number];
      const index = list[k]!.index;
      return {
        ranks: [to, from],
        line: (texts) => `${texts[0]!.routine}: ${label(to)} receives ${texts[to]!.recvs[index]} from ${label(from)}, which sends nothing to it`,
      };
    }
  }
  return null;
}

/** The launcher's report of a mismatch (printed after `mpi4ts: `). */
function report(m: Mismatch, texts: readonly CallText[], ranks: Ranks, comm: string, callNo: number): string {
  const out = [`collective mismatch (--check): the ranks of ${comm} made different calls at collective call #${callNo} on it`];
  // Every rank when they are few; else those at fault and a count of the others.
  const shown = texts.length <= 16 ? texts.map((_, i) => i) : [...new Set(m.ranks)].sort((a, b) => a - b);
  for (const i of shown) {
    const t = texts[i]!;
    out.push(`  ${ranks.label(i)}: ${t.call}${t.at ? ` at ${t.at}` : ''}`);
  }
  if (shown.length < texts.length) out.push(`  (${texts.length - shown.length} other ranks not shown)`);
  out.push(`  collective mismatch: ${m.line(texts)}`);
  out.push(`aborting the job (exit status ${EXIT_MISMATCH})`);
  return out.join('\n');
}

// ---------------------------------------------------------------- exchange

const OK = Uint8Array.of(0);
const MISMATCH = Uint8Array.of(1);

const own = (v: unknown): Uint8Array => encodeObject(v).slice();
const read = (op: Operation): unknown => decodeObject(op.data ?? new Uint8Array(0), true);

/** Checked calls per communicator (its collective shadow), for the report's call number. */
const calls = new WeakMap<object, { n: number }>();

function callNumber(c: CollContext): number {
  let k = calls.get(c.comm);
  if (k === undefined) calls.set(c.comm, (k = { n: 0 }));
  return ++k.n;
}

/** The ranks of an intracommunicator compare `call` before it runs; ends the job on a mismatch. */
export function* verify(c: CollContext, call: CheckedCall): Schedule<void> {
  const { t, comm, tag } = c;
  const callNo = callNumber(c);
  if (c.rank !== 0) {
    const s = t.isend(comm, encodeRecord(call.record), 0, tag, SendMode.Standard, false);
    const r = t.irecv(comm, null, 0, tag);
    yield [s, r];
    if (r.data?.[0] === OK[0]) return;
    yield t.isend(comm, encodeObject(call.text()), 0, tag, SendMode.Standard, true);
    // Rank 0 ends the job.
    yield t.irecv(comm, null, 0, tag);
    return;
  }
  const ops = Array.from({ length: c.size - 1 }, (_, i) => t.irecv(comm, null, i + 1, tag));
  if (ops.length > 0) yield ops;
  const records = [compared(call.record), ...ops.map((op) => decodeRecord(op.data!))];
  const ranks = intraRanks();
  const m = findMismatch(records, ranks);
  const answer = m === null ? OK : MISMATCH;
  const sends = ops.map((_, i) => t.isend(comm, answer, i + 1, tag, SendMode.Standard, false));
  if (m === null) {
    if (sends.length > 0) yield sends;
    return;
  }
  const texts = ops.map((_, i) => t.irecv(comm, null, i + 1, tag));
  if (texts.length > 0) yield [...sends, ...texts];
  const all = [call.text(), ...texts.map((op) => read(op) as CallText)];
  t.abort(EXIT_MISMATCH, report(m, all, ranks, call.comm, callNo));
}

/**
 * The same across an intercommunicator: `c` is its collective shadow, whose
 * peers are the other group's ranks; `first` says whether this process's
 * group is group A of the report (the groups agree on it beforehand).
 */
export function* verifyInter(c: CollContext, call: CheckedCall, first: boolean): Schedule<void> {
  const { t, comm, tag } = c;
  const callNo = callNumber(c);
  const remote = comm.remoteSize;
  const s = t.isend(comm, encodeRecord(call.record), 0, tag, SendMode.Standard, false);
  if (c.rank !== 0) {
    const r = t.irecv(comm, null, 0, tag);
    yield [s, r];
    if (r.data?.[0] === OK[0]) return;
    yield t.isend(comm, encodeObject(call.text()), 0, tag, SendMode.Standard, true);
    yield t.irecv(comm, null, 0, tag);
    return;
  }
  // The leader: the other group's records, then its own group's from the other leader.
  const theirs = Array.from({ length: remote }, (_, j) => t.irecv(comm, null, j, tag));
  yield [s, ...theirs];
  // Records travel between leaders as they came: arrays of bytes.
  const other = theirs.map((op) => op.data!);
  const mine = ((yield* swap(c, other)) as Uint8Array[]).map(decodeRecord);
  const theirRecords = other.map(decodeRecord);
  const [a, b] = first ? [mine, theirRecords] : [theirRecords, mine];
  const ranks = interRanks(a.length);
  const m = findMismatch([...a, ...b], ranks);
  const answer = m === null ? OK : MISMATCH;
  const sends = Array.from({ length: remote - 1 }, (_, j) => t.isend(comm, answer, j + 1, tag, SendMode.Standard, false));
  if (m === null) {
    if (sends.length > 0) yield sends;
    return;
  }
  const ts = t.isend(comm, encodeObject(call.text()), 0, tag, SendMode.Standard, true);
  const texts = Array.from({ length: remote }, (_, j) => t.irecv(comm, null, j, tag));
  yield [...sends, ts, ...texts];
  const otherTexts = texts.map((op) => read(op) as CallText);
  const mineTexts = (yield* swap(c, otherTexts)) as CallText[];
  // Group A's leader reports; the other waits for the end.
  if (!first) {
    yield t.irecv(comm, null, 0, tag);
    return;
  }
  t.abort(EXIT_MISMATCH, report(m, [...mineTexts, ...otherTexts], ranks, call.comm, callNo));
}

/** Leaders swap what they collected. */
function* swap(c: CollContext, value: unknown): Schedule<unknown> {
  const s = c.t.isend(c.comm, own(value), 0, c.tag, SendMode.Standard, false);
  const r = c.t.irecv(c.comm, null, 0, c.tag);
  yield [s, r];
  return read(r);
}

// ---------------------------------------------------------------- non-blocking calls

/**
 * The verification of the non-blocking call about to start, set by the
 * checker (src/api/check.ts) around the call; null when not checking.
 */
let armed: Schedule<void> | null = null;

/** Run `verification` before the algorithm of the next non-blocking collective started. */
export function arm(verification: Schedule<void> | null): void {
  armed = verification;
}

/**
 * For a persistent collective's _init: the verification armed for it, taken
 * (null when not checking), to run before its first round (src/coll/persistent.ts).
 */
export function disarm(): Schedule<void> | null {
  const v = armed;
  armed = null;
  return v;
}

/**
 * The schedule of a non-blocking collective: `algorithm(c)`, or under
 * `--check` its verification first. The algorithm then starts later than
 * the call, after waits that differ by rank, so it must keep to
 * point-to-point messages (`shm: false`, see CollContext).
 */
export function gate<C, T>(c: C, algorithm: (c: C) => Schedule<T>): Schedule<T> {
  if (armed === null) return algorithm(c);
  const verification = armed;
  armed = null;
  const late = (c as { tag?: unknown }).tag !== undefined ? { ...c, shm: false } : c;
  return (function* () {
    yield* verification;
    return yield* algorithm(late);
  })();
}
