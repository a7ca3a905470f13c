/**
 * Dynamic processes (MPI_Comm_spawn, _spawn_multiple, _get_parent,
 * _disconnect), written on the transport's `spawn` and point-to-point.
 *
 * The parents agree on two context pairs (as MPI_Intercomm_create does: one
 * for the intercommunicator, one for its local side), the root asks the
 * transport to start the children with those contexts, and broadcasts the
 * outcome, so that a refusal (ERR_SPAWN) reaches every parent rather than
 * leaving the others waiting. Children are new processes: their next free
 * context is beyond the agreed ones from the start, so they can use them
 * without agreeing anything.
 */
import type { LibrarySpawn, SpawnCommand, Transport } from '../transport/spi.js';
import { MpiFailure } from '../core/errorcodes.js';
import type { CollContext, Schedule } from './schedule.js';
import * as obj from './object.js';
import type { InterComm } from './inter.js';

/** What the root found: the children's process ids, or why there are none. */
export type Outcome<T = { gpids: number[] }> =
  | ({ ok: true } & T)
  | { ok: false; kind: 'TypeError' | 'RangeError' | 'MpiFailure'; errorClass: number; message: string };

/**
 * MPI_Comm_spawn_multiple over the parent intracommunicator of `c`. Only
 * the root's `prepare` runs (only the root's arguments count): it checks and
 * resolves the commands, and its errors become the same error on every rank.
 */
export function* spawn(c: CollContext, root: number, prepare: () => SpawnCommand[]): Schedule<InterComm> {
  const t = c.t;
  if (t.librarySpawn !== undefined) return yield* librarySpawn(c, t.librarySpawn, root, prepare);
  const all = (yield* obj.allgather(c, t.nextContext())) as number[];
  const ctx = Math.max(...all);
  t.claimContext(ctx);
  t.claimContext(ctx + 2);
  const parents = t.group(c.comm);
  let outcome: Outcome | null = null;
  if (c.rank === root) {
    try {
      outcome = { ok: true, gpids: Array.from(t.spawn(prepare(), parents, ctx)) };
    } catch (e) {
      outcome = describe(e);
    }
  }
  if (c.size > 1) outcome = (yield* obj.bcast(c, outcome, root)) as Outcome;
  const o = outcome!;
  rethrow(o);
  return { inter: t.makeComm(ctx, parents, Int32Array.from(o.gpids)), local: t.makeComm(ctx + 2, parents, null) };
}

/**
 * The same through a transport whose library spawns (MPI_Comm_spawn_multiple):
 * the root's arguments are checked first and the verdict broadcast, so that
 * either every rank enters the library's collective call or none does.
 */
function* librarySpawn(c: CollContext, lib: LibrarySpawn, root: number, prepare: () => SpawnCommand[]): Schedule<InterComm> {
  let commands: SpawnCommand[] | null = null;
  let outcome: Outcome | null = null;
  if (c.rank === root) {
    try {
      commands = prepare();
      lib.checkSpawn(commands);
      outcome = { ok: true, gpids: [] };
    } catch (e) {
      outcome = describe(e);
    }
  }
  if (c.size > 1) outcome = (yield* obj.bcast(c, outcome, root)) as Outcome;
  rethrow(outcome!);
  return lib.spawnComm(c.comm, root, commands);
}

/** Throw the root's error, if it had one. */
export function rethrow<T>(o: Outcome<T>): asserts o is { ok: true } & T {
  if (o.ok) return;
  if (o.kind === 'TypeError') throw new TypeError(o.message);
  if (o.kind === 'RangeError') throw new RangeError(o.message);
  throw new MpiFailure(o.errorClass, o.message);
}

/** The outcome a failed root broadcasts: its error, as data. */
export function describe(e: unknown): Outcome<never> {
  if (e instanceof MpiFailure) return { ok: false, kind: 'MpiFailure', errorClass: e.errorClass, message: e.message };
  if (e instanceof TypeError) return { ok: false, kind: 'TypeError', errorClass: 0, message: e.message };
  if (e instanceof RangeError) return { ok: false, kind: 'RangeError', errorClass: 0, message: e.message };
  throw e;
}

/** The parent/child intercommunicator of a spawned process (MPI_Comm_get_parent), or null. */
export function parent(t: Transport): InterComm | null {
  if (t.librarySpawn !== undefined) return t.librarySpawn.parentComm();
  const origin = t.spawnedBy;
  if (origin === null) return null;
  const world = t.group(t.commWorld);
  return { inter: t.makeComm(origin.ctx, world, origin.parents), local: t.makeComm(origin.ctx + 2, world, null) };
}
