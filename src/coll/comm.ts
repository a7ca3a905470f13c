/**
 * Generic construction of communicators (MPI_Comm_dup, _split, _create,
 * _create_group), written with object collectives over the parent and the
 * transport's `makeComm`. Context ids are agreed as the maximum of the
 * members' next free ids, so an id is never used twice by one process.
 */
import type { CommHandle, Transport } from '../transport/spi.js';
import type { CollContext, Schedule } from './schedule.js';
import { allgather } from './object.js';

/** Agree on a context id among the ranks of `c` and claim it. */
export function* agreeContext(c: CollContext): Schedule<number> {
  const all = (yield* allgather(c, c.t.nextContext())) as number[];
  const ctx = Math.max(...all);
  c.t.claimContext(ctx);
  return ctx;
}

/** MPI_Comm_dup: same group, new context. */
export function* dup(c: CollContext, parent: CommHandle): Schedule<CommHandle> {
  const ctx = yield* agreeContext(c);
  return c.t.makeComm(ctx, c.t.group(parent), c.t.remoteGroup(parent), parent);
}

/**
 * MPI_Comm_split: ranks with the same color form a communicator, ordered by
 * key, then by rank in the parent. `undefinedColor` (MPI_UNDEFINED) gives null.
 */
export function* split(c: CollContext, parent: CommHandle, color: number, key: number, undefinedColor: number): Schedule<CommHandle | null> {
  const ids = c.t.group(parent);
  const all = (yield* allgather(c, [color, key])) as [number, number][];
  const ctx = yield* agreeContext(c);
  if (color === undefinedColor) return null;
  const members = all
    .map(([col, k], rank) => ({ col, k, rank }))
    .filter((m) => m.col === color)
    .sort((a, b) => a.k - b.k || a.rank - b.rank);
  return c.t.makeComm(ctx, Int32Array.from(members, (m) => ids[m.rank]!), null, parent);
}

/** MPI_Comm_create: every rank of the parent passes the same group (process ids); members get a communicator. */
export function* create(c: CollContext, group: Int32Array): Schedule<CommHandle | null> {
  const ctx = yield* agreeContext(c);
  return group.includes(c.t.processId) ? c.t.makeComm(ctx, group, null, c.comm) : null;
}

/**
 * MPI_Comm_create_group: collective over the members of `group` only. They
 * talk on the parent's collective context, numbered as in the group, with a
 * tag of the user's that collective sequence numbers never use.
 */
export function* createGroup(t: Transport, parent: CommHandle, group: Int32Array, tag: number): Schedule<CommHandle> {
  const scratch = t.subgroupComm(parent, group);
  const c: CollContext = { t, comm: scratch, rank: scratch.rank, size: scratch.size, tag: 0x40000000 | tag };
  const ctx = yield* agreeContext(c);
  return t.makeComm(ctx, group, null, parent);
}
