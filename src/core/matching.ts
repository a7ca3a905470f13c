/**
 * MPI message matching, independent of how bytes move: per communicator
 * context, a queue of posted receives and a queue of unexpected messages,
 * each in arrival order. A message (source s, tag t) matches a receive
 * (source S, tag T) when S is s or ANY_SOURCE and T is t or ANY_TAG. Because
 * both queues are searched oldest first and each sender's messages enter in
 * send order, two messages from one sender that both match a receive are
 * received in send order (MPI's non-overtaking rule).
 */

/** Wildcard source for receives and probes: `MPI_ANY_SOURCE`. */
export const ANY_SOURCE = -1;
/** Wildcard tag for receives and probes: `MPI_ANY_TAG`. */
export const ANY_TAG = -1;
/** Null peer: operations with it complete at once and move no data: `MPI_PROC_NULL`. */
export const PROC_NULL = -2;

/** Anything with an envelope. */
export interface Matchable {
  readonly source: number;
  readonly tag: number;
}

/** The two queues of one context. */
export class MatchQueues<R extends Matchable, M extends Matchable> {
  /** Receives posted before a matching message arrived, oldest first. */
  readonly postedReceives: R[] = [];
  /** Messages that arrived before a matching receive was posted, oldest first. */
  readonly unexpectedQueue: M[] = [];

  /** Remove and return the oldest posted receive that a message (source, tag) matches. */
  takeReceive(source: number, tag: number): R | undefined {
    const q = this.postedReceives;
    for (let i = 0; i < q.length; i++) {
      const r = q[i]!;
      if ((r.source === source || r.source === ANY_SOURCE) && (r.tag === tag || r.tag === ANY_TAG)) {
        if (i === 0) q.shift(); else q.splice(i, 1);
        return r;
      }
    }
    return undefined;
  }

  /** Index of the oldest unexpected message a receive (source, tag) matches, or -1. */
  findMessage(source: number, tag: number): number {
    const q = this.unexpectedQueue;
    for (let i = 0; i < q.length; i++) {
      const m = q[i]!;
      if ((source === ANY_SOURCE || m.source === source) && (tag === ANY_TAG || m.tag === tag)) return i;
    }
    return -1;
  }

  /** Remove and return the unexpected message at `index`. */
  takeMessage(index: number): M {
    const q = this.unexpectedQueue;
    return (index === 0 ? q.shift() : q.splice(index, 1)[0])!;
  }

  /** Remove a posted receive (cancel). True if it was still queued. */
  removeReceive(r: R): boolean {
    const i = this.postedReceives.indexOf(r);
    if (i < 0) return false;
    this.postedReceives.splice(i, 1);
    return true;
  }
}
