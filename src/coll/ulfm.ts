/**
 * Fault tolerance (MPI 5 / ULFM: MPI_Comm_revoke, _agree, _shrink), written
 * on the transport for both transports: neither Open MPI 4.1 nor MPICH 4.0
 * has it. In mpi4ts a failed process ends the job, so no process is ever
 * reported failed: agreement is a bitwise AND over the communicator and
 * shrinking duplicates it. What remains is revocation, which must reach
 * processes that did not call it:
 *
 * - Revoke marks the communicator here and sends a notice (no bytes, tag
 *   REVOKE_TAG) to every other process of it, on its collective shadow,
 *   where no user message matches.
 * - A process learns of a notice when it polls: at Is_revoked and at the
 *   start of every collective on the communicator (an iprobe of the shadow,
 *   next to the progress a collective makes anyway). Point-to-point calls
 *   only look at the mark, so that their cost stays as it was. A transport
 *   that counts the messages arriving at the notices' tag (topTagArrivals:
 *   the embedded one) spares collectives the probe while no notice has
 *   arrived that is not taken in yet; one already in a ring but not yet
 *   drained is then seen from the next collective after progress drains it,
 *   as notices travelling between processes are anyway.
 *
 * Revoked communicators raise ERR_REVOKED from then on, except Agree and
 * Shrink (and their non-blocking forms), which work on revoked ones as MPI
 * says.
 */
import type { CommHandle, Operation, Transport } from '../transport/spi.js';
import { SendMode } from '../transport/spi.js';
import { ERR_REVOKED, MpiFailure, errorClassNames } from '../core/errorcodes.js';
import { ANY_SOURCE } from '../core/matching.js';
import { predefinedOps } from '../core/reduce.js';
import { collContext, nextCall, settle, type CollContext, type Schedule } from './schedule.js';
import * as objcoll from './object.js';
import * as intercoll from './inter.js';
import * as commcoll from './comm.js';

/** Communicators known to be revoked (user handles; for intercommunicators the inter handle). */
const revoked = new WeakSet<CommHandle>();
/** Whether any communicator was revoked here: until then the checks are one branch. */
let anyRevoked = false;
/** Notices sent and not yet seen complete (tested at each poll, so the transport can release them). */
let sending: Operation[] = [];
/**
 * Notices taken in here (poll, release). While nothing was revoked here and
 * the transport's count of arrivals at the notices' tag (topTagArrivals) is
 * this, no notice waits anywhere: a collective's check is two comparisons.
 */
let taken = 0;
/** Whether awaitOutcome ever ran here (its receives take notices the arrival count never saw). */
let awaited = false;

/**
 * Tag of the notices on a collective shadow: the top of the tag range.
 * Collectives use their sequence number (below 2^30) and Create_group
 * 2^30 + its tag there, so a clash needs Create_group with tag 2^30 - 1
 * (or, on a library with a smaller range, 2^27 collectives in flight).
 */
function revokeTag(t: Transport): number { return t.tagUpperBound; }

/** The handles a notice travels on: the communicator's shadow, and for an intercommunicator also its local group's. */
function shadows(t: Transport, comm: CommHandle, local: CommHandle | null): CommHandle[] {
  return local === null ? [t.collective(comm)] : [t.collective(comm), t.collective(local)];
}

/** Whether a shadow the notices travel on is not made yet (see LibraryCommunicators.shadowPending). */
function pending(t: Transport, comm: CommHandle, local: CommHandle | null): boolean {
  const lib = t.libraryComms;
  return lib !== undefined && (lib.shadowPending(comm) || (local !== null && lib.shadowPending(local)));
}

/**
 * MPI_Comm_revoke: mark `comm` revoked here and tell every other process of
 * it (local and remote group). `notice`: an abandon notice to pass on (so
 * that every process learns why, whichever notice reaches it first), else none.
 */
export function revoke(t: Transport, comm: CommHandle, local: CommHandle | null, notice = new Uint8Array(0)): void {
  if (revoked.has(comm)) return;
  revoked.add(comm);
  anyRevoked = true;
  // No shadow yet (native COMM_WORLD before its first collective): no one can
  // communicate on it before everyone has joined in making it, and Revoke is
  // not collective, so the mark stays here.
  if (pending(t, comm, local)) return;
  notify(t, comm, local, notice);
}

/**
 * Send `bytes` at the notices' tag to every other process of `comm`, on its
 * shadow: for an intercommunicator, the remote group across it and the
 * rest of the local group on the local one's.
 */
function notify(t: Transport, comm: CommHandle, local: CommHandle | null, bytes: Uint8Array): void {
  const tag = revokeTag(t);
  if (local === null) {
    const sh = t.collective(comm);
    for (let r = 0; r < comm.size; r++) if (r !== comm.rank) sending.push(t.isend(sh, bytes, r, tag, SendMode.Standard, false));
  } else {
    const across = t.collective(comm);
    for (let r = 0; r < comm.remoteSize; r++) sending.push(t.isend(across, bytes, r, tag, SendMode.Standard, false));
    const mine = t.collective(local);
    for (let r = 0; r < local.size; r++) if (r !== local.rank) sending.push(t.isend(mine, bytes, r, tag, SendMode.Standard, false));
  }
}

/**
 * Whether `comm` is revoked, taking in any notice that arrived
 * (MPI_Comm_is_revoked, and the check at the start of a collective).
 * A notice with bytes says another process abandoned a collective (see
 * abandon): unless this process abandoned the same call too, the
 * communicator is revoked here (and so for everyone, by Revoke's notices)
 * and the failure is kept for the collective that is waiting or comes next.
 */
export function poll(t: Transport, comm: CommHandle, local: CommHandle | null, entering = false, routine: string | null = null): boolean {
  if (sending.length > 0) sending = sending.filter((op) => !t.test(op));
  if (revoked.has(comm)) return true;
  if (pending(t, comm, local)) return false; // no one can have sent a notice on a shadow not made yet
  const tag = revokeTag(t);
  // Take in every notice there is: an abandon notice tells why, a bare
  // Revoke's does not, and they may come in either order.
  // The latest call this process is in (or, `entering`, about to start): a
  // notice of a later one waits until this process gets there.
  // (Looked up only when there is a notice: a call with none pays the iprobes and one counter read.)
  if (deferredCount > 0) {
    const later = deferred.get(comm);
    if (later !== undefined) {
      deferred.delete(comm);
      deferredCount -= later.length;
      const at = nextCall(t, comm) - (entering ? 0 : 1);
      for (const [notice, from] of later) consider(t, comm, local, notice, from, at, routine);
    }
  }
  let which = 0;
  for (const sh of shadows(t, comm, local)) {
    which++;
    for (let env = t.iprobe(sh, ANY_SOURCE, tag); env !== null; env = t.iprobe(sh, ANY_SOURCE, tag)) {
      const bytes = new Uint8Array(env.count);
      t.wait(t.recv(sh, bytes, env.source, tag));
      taken++;
      take(t, comm, local, bytes, which * 0x100000 + env.source, nextCall(t, comm) - (entering ? 0 : 1), routine);
    }
  }
  return revoked.has(comm);
}

/** A notice received from `from` (shadow and rank): a bare Revoke's (no bytes) or an abandon notice. */
function take(t: Transport, comm: CommHandle, local: CommHandle | null, bytes: Uint8Array, from: number,
  upTo: number, routine: string | null): void {
  if (bytes.length === 0) {
    revoked.add(comm);
    anyRevoked = true;
    return;
  }
  const notice = decodeNotice(bytes);
  if (notice !== null) consider(t, comm, local, notice, from, upTo, routine);
}

/** Abandon notices of calls this process has not reached yet, with their senders (see poll). */
const deferred = new WeakMap<CommHandle, [AbandonNotice, number][]>();
/** How many notices wait in `deferred` (while 0, a poll does not look there). */
let deferredCount = 0;

/**
 * Act on an abandon notice from `from` (shadow and rank), this process being
 * in call `upTo` of `routine` (null: unknown, or a call before it).
 */
function consider(t: Transport, comm: CommHandle, local: CommHandle | null, notice: AbandonNotice, from: number,
  upTo: number, routine: string | null): void {
  if (notice.reply) {
    // The sender was in another routine at that call number: not a call it shares (see answer).
    const hearing = outcomes.get(comm);
    if (hearing !== undefined && notice.seq === hearing.seq) hearing.heard.add(from);
    return;
  }
  const own = ownAbandon(comm, notice);
  if (!own && !notice.forwarded && notice.seq > upTo) {
    // A call this process has not reached (the sender got there first, its part of the one before done).
    let list = deferred.get(comm);
    if (list === undefined) deferred.set(comm, list = []);
    list.push([notice, from]);
    deferredCount++;
    return;
  }
  // First hand, of a call this process abandoned too: every process may have.
  if (own && !notice.forwarded) {
    const hearing = outcomes.get(comm);
    if (hearing !== undefined && notice.seq === hearing.seq) hearing.heard.add(from);
    return;
  }
  // This process makes another collective under that number (the sender's
  // refused call was one it makes alone, as mpi4py allows: it sent nothing):
  // not abandoned here; tell the sender, which waits to know before going on.
  if (!notice.forwarded) {
    // The routine this process made under that number: the one it is in, or
    // the one it answered with (a later notice of the same number may come after it went on).
    const made = notice.seq === upTo ? routine : answeredAt.get(comm)?.seq === notice.seq ? answeredAt.get(comm)!.routine : null;
    if (made !== null && callName(made) !== callName(notice.routine)) {
      answeredAt.set(comm, { seq: notice.seq, routine: made });
      answer(t, comm, local, notice, from);
      return;
    }
  }
  if (!own && !reasons.has(comm)) reasons.set(comm, abandonedFailure(notice));
  abandonedComms.add(comm);
  // Revoke, passing the notice on, so that each process raises the abandoning one's error.
  if (!notice.forwarded) revoke(t, comm, local, new TextEncoder().encode(JSON.stringify({ ...notice, forwarded: true })));
  revoked.add(comm);
  anyRevoked = true;
}

/** The call number this process last answered "not mine" for, and the routine it made under it. */
const answeredAt = new WeakMap<CommHandle, { seq: number; routine: string }>();

/** A collective's name without its form: Ibcast, bcast and Bcast are one call (mixing them is erroneous anyway). */
function callName(routine: string): string {
  return routine.toLowerCase().replace(/^i(?!ntercomm)/, '');
}

/** Send `notice` back to `from` (shadow and rank, as poll numbers them) as a reply: "not a call of mine". */
function answer(t: Transport, comm: CommHandle, local: CommHandle | null, notice: AbandonNotice, from: number): void {
  const sh = from >= 0x200000 && local !== null ? t.collective(local) : t.collective(comm);
  const bytes = new TextEncoder().encode(JSON.stringify({ seq: notice.seq, count: notice.count, reply: true }));
  sending.push(t.isend(sh, bytes, from % 0x100000, revokeTag(t), SendMode.Standard, false));
}

/** What an abandoning process tells the others: the call (number and routine), its rank and its error. */
interface AbandonNotice {
  /** Call number on the communicator (collContext's sequence) and how many times the sender abandoned that number. */
  seq: number;
  count: number;
  rank: number;
  routine: string;
  errorClass: number;
  message: string;
  /** Passed on by a process that revoked the communicator on seeing it (see poll). */
  forwarded?: boolean;
  /** An answer to the sender's own notice of that number and count: not a call the replying process makes (see answer). */
  reply?: boolean;
}

/**
 * After abandoning a call, what this process must hear before its next
 * collective on the communicator: from every other process a notice of its
 * own of that number (it abandoned the call too) or an answer (it makes
 * another routine under that number); then the communicator goes on. Else a
 * revocation (some process was in the call). Going on sooner could pair its
 * next call with the abandoned one elsewhere.
 */
const outcomes = new WeakMap<CommHandle, { seq: number; count: number; heard: Set<number>; of: number }>();
/** How many communicators have an entry in `outcomes` (while 0, a collective's entry does not look there). */
let awaiting = 0;

/**
 * Communicators revoked because a call was abandoned: the library may hold
 * a collective of theirs that will never complete (native), so they are
 * never freed in the library (release): a freed one's context could be
 * given to a new communicator, whose calls that collective would then match.
 */
const abandonedComms = new WeakSet<CommHandle>();

/** Calls abandoned here, per communicator: call number -> how many times (every process abandoning alike leaves the communicator usable). */
const abandonedHere = new WeakMap<CommHandle, Map<number, number>>();
/** The failure a collective on a communicator raises next, from another process's abandon notice (once; ERR_REVOKED after). */
const reasons = new WeakMap<CommHandle, MpiFailure>();

/**
 * Whether this process abandoned call `n.seq` too (any number of times: in
 * none of those attempts did either process send anything; a program whose
 * processes then go on with different calls under that number is erroneous).
 */
function ownAbandon(comm: CommHandle, n: AbandonNotice): boolean {
  return abandonedHere.get(comm)?.has(n.seq) ?? false;
}

function decodeNotice(bytes: Uint8Array): AbandonNotice | null {
  try { return JSON.parse(new TextDecoder().decode(bytes)) as AbandonNotice; } catch { return null; }
}

function abandonedFailure(n: AbandonNotice): MpiFailure {
  const name = errorClassNames[n.errorClass] ?? `error class ${n.errorClass}`;
  const prefix = `${n.routine}: `;
  const text = n.message.startsWith(prefix) ? n.message.slice(prefix.length) : n.message;
  return new MpiFailure(n.errorClass, `rank ${n.rank} raised ${name} in ${n.routine}: ${text}`);
}

/**
 * A collective call failed its argument checks on this process before
 * communicating (call number `seq` on `comm`): tell every other process of
 * it (local and remote group), on Revoke's way, so that those waiting in
 * the call, or entering it, raise the same error class instead of waiting
 * for ever. `call`: the call's number if it took one, else null (the next).
 * This process raises its own error; the communicator stays usable if every
 * other process abandoned that call too or makes another routine under its
 * number (see outcomes), and is revoked otherwise.
 */
export function abandon(t: Transport, comm: CommHandle, local: CommHandle | null, call: number | null,
  routine: string, errorClass: number, message: string): void {
  if (revoked.has(comm) || pending(t, comm, local)) return;
  const seq = call ?? nextCall(t, comm);
  let mine = abandonedHere.get(comm);
  if (mine === undefined) abandonedHere.set(comm, mine = new Map());
  const count = (mine.get(seq) ?? 0) + 1;
  mine.set(seq, count);
  const before = outcomes.get(comm);
  // What was heard of this number still holds (another process's notice or answer covers every attempt).
  const heard = before !== undefined && before.seq === seq ? before.heard : new Set<number>();
  if (before === undefined) awaiting++;
  outcomes.set(comm, { seq, count, heard, of: local === null ? comm.size - 1 : comm.remoteSize + local.size - 1 });
  const notice: AbandonNotice = { seq, count, rank: comm.rank, routine, errorClass, message: message.slice(0, 512) };
  notify(t, comm, local, new TextEncoder().encode(JSON.stringify(notice)));
}

/**
 * Before `comm` is freed: take in the notices that have arrived, so none is
 * left in a communicator the library may still hold (the native transport
 * keeps freed shadows a while for the notices still on their way).
 * False: leave it in the library (see abandonedComms).
 */
export function release(t: Transport, comm: CommHandle, local: CommHandle | null): boolean {
  if (pending(t, comm, local)) return true;
  const tag = revokeTag(t);
  for (const sh of shadows(t, comm, local)) {
    for (let env = t.iprobe(sh, ANY_SOURCE, tag); env !== null; env = t.iprobe(sh, ANY_SOURCE, tag)) {
      t.wait(t.recv(sh, new Uint8Array(env.count), env.source, tag));
      taken++;
    }
  }
  revoked.delete(comm);
  return !abandonedComms.has(comm);
}

/** Raise ERR_REVOKED if `comm` is known to be revoked here (no poll: point-to-point calls). */
export function check(comm: CommHandle): void {
  if (anyRevoked && revoked.has(comm)) throw new MpiFailure(ERR_REVOKED, 'the communicator was revoked (Revoke)');
}

/**
 * Poll for a notice, then raise if `comm` is revoked (collective calls):
 * another process's abandoned call the first time (its error class),
 * ERR_REVOKED after.
 */
export function checkPolled(t: Transport, comm: CommHandle, local: CommHandle | null, entering = true,
  routine: string | null = null): void {
  // Nothing revoked or abandoned here, nothing waiting for a later call, and
  // no notice arrived that is not taken in: nothing to poll (see `taken`).
  if (!anyRevoked && !awaited && awaiting === 0 && deferredCount === 0 && t.topTagArrivals === taken) return;
  if (!poll(t, comm, local, entering, routine)) {
    // Before the first call after one abandoned here: wait to learn whether the others abandoned it too.
    if (!entering || awaiting === 0 || !outcomes.has(comm)) return;
    awaitOutcome(t, comm, local, routine);
    if (!revoked.has(comm)) return;
  }
  if (outcomes.delete(comm)) awaiting--;
  const reason = reasons.get(comm);
  if (reason !== undefined) {
    reasons.delete(comm);
    throw reason;
  }
  throw new MpiFailure(ERR_REVOKED, 'the communicator was revoked (Revoke)');
}

/**
 * This process abandoned a call on `comm` and is entering its next one
 * (`routine`): wait until every other process abandoned that call too or
 * answered that it makes another, or the communicator is revoked (see
 * outcomes). The wait is a receive of the next notice, where the
 * transport's deadlock watch sees it.
 */
function awaitOutcome(t: Transport, comm: CommHandle, local: CommHandle | null, routine: string | null): void {
  const o = outcomes.get(comm)!;
  // Its receives may match notices as they arrive, which the transport does
  // not count as arrivals: from now on collectives always poll.
  awaited = true;
  const tag = revokeTag(t);
  const shs = shadows(t, comm, local);
  while (!poll(t, comm, local, true, routine) && o.heard.size < o.of) {
    const ops = shs.map((sh) => t.irecv(sh, null, ANY_SOURCE, tag));
    try {
      t.waitAny(ops);
    } finally {
      for (const op of ops) {
        if (!op.done) t.cancel(op);
        if (!op.done) t.wait(op); // matched already: it completes
      }
    }
    const upTo = nextCall(t, comm);
    ops.forEach((op, i) => {
      if (!op.status.cancelled) take(t, comm, local, op.data ?? new Uint8Array(0), (i + 1) * 0x100000 + op.status.source, upTo, routine);
    });
  }
  if (outcomes.delete(comm)) awaiting--;
}

/** The communicator whose collective is waiting now (see watch). */
let watchedT: Transport | null = null;
let watched: CommHandle | null = null;
let watchedLocal: CommHandle | null = null;
let watchedRoutine: string | null = null;

/** Transport.interruptCheck while a collective waits: poll its communicator for notices, raising as checkPolled. */
function interrupt(): void {
  if (watched !== null) checkPolled(watchedT!, watched, watchedLocal, false, watchedRoutine);
}

/**
 * A collective on `comm` is about to wait: let the transport's wait loops
 * look for notices when they sleep or wake (three stores; no poll until a
 * wait sleeps). `unwatch` when it returns.
 */
export function watch(t: Transport, comm: CommHandle, local: CommHandle | null, routine: string | null): void {
  watchedT = t;
  watchedRoutine = routine;
  watched = comm;
  watchedLocal = local;
  t.interruptCheck = interrupt;
}

/** The collective that watch named has returned. */
export function unwatch(t: Transport): void {
  watched = null;
  watchedLocal = null;
  t.interruptCheck = null;
}

/** Agreements started on each shadow: the n-th agreement has the same tag on every process. */
const agreements = new WeakMap<CommHandle, { n: number }>();
/** How many agreement tags there are, below the notice's tag (agreements in flight at once on one communicator). */
const AGREE_TAGS = 1024;

/**
 * Context of the next agreement on the shadow `sh`. Agreements need not
 * keep their order with the other collectives (a process may start Iagree
 * before a Barrier that another passes first), so they count apart from
 * collContext's sequence, with tags just below the notice's, and keep to
 * point-to-point messages (shm: false: no shared-memory steps, numbered by
 * arrival, and none of the library's collectives, matched by start order).
 */
function agreeContext(t: Transport, comm: CommHandle, sh: CommHandle, blocking: boolean): CollContext {
  let seq = agreements.get(sh);
  if (seq === undefined) agreements.set(sh, seq = { n: 0 });
  const tag = revokeTag(t) - 1 - (seq.n++ % AGREE_TAGS);
  return { t, comm: sh, rank: comm.rank, size: comm.size, tag, blocking, shm: false };
}

/**
 * MPI_Comm_agree: the bitwise AND of every process's `flag` (for an
 * intercommunicator, of the remote group's, as allreduce there). Revoked
 * communicators too.
 */
export function* agree(t: Transport, comm: CommHandle, local: CommHandle | null, flag: number, blocking: boolean): Schedule<number> {
  if (local === null) {
    const c = agreeContext(t, comm, t.collective(comm), blocking);
    const r = (yield* objcoll.allreduce(c, flag, predefinedOps.BAND)) as number;
    settle(c);
    return r | 0;
  }
  const x = agreeContext(t, comm, t.collective(comm), blocking);
  const l = agreeContext(t, local, t.collective(local), blocking);
  const c: intercoll.InterContext = { x, local: l, remoteSize: comm.remoteSize, library: undefined, acrossComm: x.comm, settle: () => settle(l) };
  const r = (yield* intercoll.allreduce(c, flag, predefinedOps.BAND)) as number;
  c.settle();
  return r | 0;
}

/** MPI_Comm_shrink of an intracommunicator: no process ever fails here, so a duplicate (revoked communicators too). */
export function* shrink(t: Transport, comm: CommHandle, blocking: boolean): Schedule<CommHandle> {
  const c = collContext(t, comm, blocking);
  const r = yield* commcoll.dup(c, comm);
  settle(c);
  return r;
}

/** MPI_Comm_shrink of an intercommunicator: a duplicate. */
export function shrinkInter(t: Transport, comm: CommHandle, local: CommHandle): Schedule<intercoll.InterComm> {
  return intercoll.dup(t, { inter: comm, local });
}
