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
import { ERR_REVOKED, MpiFailure } from '../core/errorcodes.js';
import { ANY_SOURCE } from '../core/matching.js';
import { predefinedOps } from '../core/reduce.js';
import { collContext, settle, type CollContext, type Schedule } from './schedule.js';
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

/** MPI_Comm_revoke: mark `comm` revoked here and tell every other process of it (local and remote group). */
export function revoke(t: Transport, comm: CommHandle, local: CommHandle | null): void {
  if (revoked.has(comm)) return;
  revoked.add(comm);
  anyRevoked = true;
  // No shadow yet (native COMM_WORLD before its first collective): no one can
  // communicate on it before everyone has joined in making it, and Revoke is
  // not collective, so the mark stays here.
  if (pending(t, comm, local)) return;
  const tag = revokeTag(t);
  const notice = new Uint8Array(0);
  if (local === null) {
    const sh = t.collective(comm);
    for (let r = 0; r < comm.size; r++) if (r !== comm.rank) sending.push(t.isend(sh, notice, r, tag, SendMode.Standard, false));
  } else {
    const across = t.collective(comm);
    for (let r = 0; r < comm.remoteSize; r++) sending.push(t.isend(across, notice, r, tag, SendMode.Standard, false));
    const mine = t.collective(local);
    for (let r = 0; r < local.size; r++) if (r !== local.rank) sending.push(t.isend(mine, notice, r, tag, SendMode.Standard, false));
  }
}

/**
 * Whether `comm` is revoked, taking in any notice that arrived
 * (MPI_Comm_is_revoked, and the check at the start of a collective).
 */
export function poll(t: Transport, comm: CommHandle, local: CommHandle | null): boolean {
  if (sending.length > 0) sending = sending.filter((op) => !t.test(op));
  if (revoked.has(comm)) return true;
  if (pending(t, comm, local)) return false; // no one can have sent a notice on a shadow not made yet
  const tag = revokeTag(t);
  for (const sh of shadows(t, comm, local)) {
    const env = t.iprobe(sh, ANY_SOURCE, tag);
    if (env === null) continue;
    t.wait(t.recv(sh, new Uint8Array(0), env.source, tag));
    taken++;
    revoked.add(comm);
    anyRevoked = true;
    return true;
  }
  return false;
}

/**
 * Before `comm` is freed: take in the notices that have arrived, so none is
 * left in a communicator the library may still hold (the native transport
 * keeps freed shadows a while for the notices still on their way).
 */
export function release(t: Transport, comm: CommHandle, local: CommHandle | null): void {
  if (pending(t, comm, local)) return;
  const tag = revokeTag(t);
  for (const sh of shadows(t, comm, local)) {
    for (let env = t.iprobe(sh, ANY_SOURCE, tag); env !== null; env = t.iprobe(sh, ANY_SOURCE, tag)) {
      t.wait(t.recv(sh, new Uint8Array(0), env.source, tag));
      taken++;
    }
  }
  revoked.delete(comm);
}

/** Raise ERR_REVOKED if `comm` is known to be revoked here (no poll: point-to-point calls). */
export function check(comm: CommHandle): void {
  if (anyRevoked && revoked.has(comm)) throw new MpiFailure(ERR_REVOKED, 'the communicator was revoked (Revoke)');
}

/** Poll for a notice, then raise ERR_REVOKED if `comm` is revoked (collective calls). */
export function checkPolled(t: Transport, comm: CommHandle, local: CommHandle | null): void {
  // No revocation here and no notice arrived that is not taken in: nothing to poll.
  if (!anyRevoked && t.topTagArrivals === taken) return;
  if (poll(t, comm, local)) throw new MpiFailure(ERR_REVOKED, 'the communicator was revoked (Revoke)');
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
