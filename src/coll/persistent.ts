/**
 * Persistent collectives (MPI-4's `MPI_Bcast_init` ... `MPI_Neighbor_alltoallv_init`,
 * then `MPI_Start` for each round): the same algorithms as the non-blocking
 * calls, run once per Start.
 *
 * The tag of a persistent call is taken at its _init, which every rank makes
 * in the same order on a communicator; its Starts need not be (MPI-4 lets
 * ranks start different persistent collectives in different orders, unless
 * `mpi_assert_strict_persistent_collective_ordering` says otherwise). So every
 * round runs under that one tag, on point-to-point messages only (`shm:
 * false`: no shared-memory steps and no library collectives, which both match
 * calls by the order ranks reach them). Rounds of one request never overlap
 * on a rank (Start refuses an active request), every message a rank is sent
 * in a round is received in that round, and messages between two ranks on
 * one tag are matched in the order they were sent: round k+1's messages can
 * only meet round k+1's receives.
 */
import type { CommHandle, Transport } from '../transport/spi.js';
import { collContext, CollectiveOp, type CollContext, type Schedule } from './schedule.js';
import { disarm } from './check.js';
import { roundsOf, type InterComm, type InterContext } from './inter.js';

/** The rounds of one persistent collective: each Start makes a CollectiveOp on a fresh copy of the contexts its _init took. */
export class Rounds<C> {
  readonly #t: Transport;
  readonly #next: () => C;
  /** Under --check: the verification armed for the _init call, run before the first round. */
  #verification: Schedule<void> | null = disarm();

  constructor(t: Transport, next: () => C) {
    this.#t = t;
    this.#next = next;
  }

  /** Start one round of `algorithm`: `MPI_Start`. */
  start<T>(algorithm: (c: C) => Schedule<T>): CollectiveOp<T> {
    const c = this.#next();
    const v = this.#verification;
    this.#verification = null;
    // With a verification the algorithm is called after it: a fast path may post messages at once.
    const s = v === null ? algorithm(c) : (function* () { yield* v; return yield* algorithm(c); })();
    return new CollectiveOp(this.#t, s);
  }
}

/** The rounds of a persistent collective on an intracommunicator (or a topology one): its tag is taken now. */
export function intraRounds(t: Transport, comm: CommHandle): Rounds<CollContext> {
  return new Rounds(t, contextsOf(t, comm));
}

/**
 * A context taken now, handed out afresh (no failure recorded, point-to-point
 * only) for every round: for a phase of a persistent call that needs a tag of
 * its own (Reduce_scatter's scatter after its reduction).
 */
export function contextsOf(t: Transport, comm: CommHandle): () => CollContext {
  const c = collContext(t, comm);
  return () => ({ ...c, shm: false, failure: null });
}

/** The rounds of a persistent collective across the groups of an intercommunicator: its tags are taken now. */
export function interRounds(t: Transport, ic: InterComm): Rounds<InterContext> {
  return new Rounds(t, roundsOf(t, ic));
}
