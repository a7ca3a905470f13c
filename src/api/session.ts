/**
 * MPI-4 sessions (`MPI_Session`), as mpi4py's `MPI.Session`: a handle
 * through which a program asks for the process sets it may build groups
 * and, with `Intracomm.Create_from_group`, communicators from, without
 * COMM_WORLD.
 *
 * A session is local to its process and built on mpi4ts's own layers on
 * both transports (Open MPI 4.1 has no sessions): the process sets are the
 * world the job started with, "mpi://WORLD", and this process alone,
 * "mpi://SELF". Init and Finalize start and end nothing in the transport,
 * which is up once the package is imported.
 */
import { ERR_ARG, ERR_SESSION } from '../core/errorcodes.js';
import { fail } from './errors.js';
import { checkInt, describe } from './args.js';
import { Group } from './group.js';
import { Info, infoArg } from './info.js';
import { runtime } from './runtime.js';
import {
  Errhandler, createErrhandler, errhandlerArg, defaultErrhandler, invoke, guard, type ErrhandlerRecord, type ErrhandlerFunction,
} from './errhandler.js';
import {
  attachSessionBuffer, detachSessionBuffer, flushSessionBuffer, iflushSessionBuffer, type AttachableBuffer,
} from './buffer.js';
import type { Request } from './request.js';

/** What a Session handle refers to; handles copied with `new MPI.Session(s)` share it. */
interface SessionRecord {
  live: boolean;
  errhandler: ErrhandlerRecord;
  /** Hints given to Init. */
  readonly hints: readonly [string, string][];
}

/** Longest process set name (`MPI_MAX_PSET_NAME_LEN`): the library's natively, else MPICH's value. */
export const MAX_PSET_NAME_LEN: number = runtime.transport.library?.limits.psetName || 256;
/** Longest string tag of Create_from_group(s) (`MPI_MAX_STRINGTAG_LEN`): the library's natively, else MPICH's value. */
export const MAX_STRINGTAG_LEN: number = runtime.transport.library?.limits.stringtag || 256;

/** The process sets every session has, in Get_nth_pset's order. */
const PSETS = ['mpi://WORLD', 'mpi://SELF'] as const;

/** Process ids of a process set, or ERR_ARG naming the sets there are. */
function psetMembers(routine: string, name: unknown): Int32Array {
  if (typeof name !== 'string') throw new TypeError(`${routine}: pset_name must be a string, got ${describe(name)}`);
  const t = runtime.transport;
  switch (name) {
    case 'mpi://WORLD': return t.group(t.commWorld).slice();
    case 'mpi://SELF': return Int32Array.of(t.processId);
  }
  return fail(routine, ERR_ARG, `unknown process set ${describe(name)} (the sets are ${PSETS.join(' and ')})`);
}

/** A session: `MPI_Session`. `new MPI.Session()` is SESSION_NULL; sessions come from `MPI.Session.Init()`. */
export class Session {
  #rec: SessionRecord | null;

  /** A null session, or another handle for `session` (`new MPI.Session(session)`). */
  constructor(session: Session | null = null) {
    if (session !== null && session !== undefined && !(session instanceof Session)) {
      throw new TypeError(`Session: expected an MPI.Session to copy, got ${describe(session)}`);
    }
    this.#rec = session ? session.#rec : null;
  }

  #live(routine: string): SessionRecord {
    const rec = this.#rec;
    if (rec === null) fail(routine, ERR_SESSION, this === SESSION_NULL ? 'invalid session (SESSION_NULL)' : 'invalid session (null)');
    if (!rec.live) fail(routine, ERR_SESSION, 'invalid session (finalized)');
    return rec;
  }

  /** True for SESSION_NULL (mpi4py's `not session`). */
  get isNull(): boolean { return this.#rec === null; }
  /** Same session (mpi4py's `==` on handles). */
  equals(other: unknown): boolean { return other instanceof Session && other.#rec === this.#rec; }

  /**
   * A new session with the hints of `info` and error handler `errhandler`
   * (default ERRORS_RETURN, as mpi4py sets): `MPI_Session_init`.
   */
  static Init(info: Info | null = null, errhandler: Errhandler | null = null): Session {
    const hints = infoArg('Init', info);
    const eh = errhandler === null || errhandler === undefined ? defaultErrhandler : errhandlerArg('Init', 'Session', errhandler);
    const s = new Session();
    s.#rec = { live: true, errhandler: defaultErrhandler, hints };
    if (eh !== defaultErrhandler) s.#setHandler(eh);
    return s;
  }

  /**
   * End the session; this handle becomes SESSION_NULL. Messages buffered
   * in its attached buffer are sent first: `MPI_Session_finalize`.
   */
  Finalize(): void {
    const rec = this.#live('Finalize');
    detachSessionBuffer(rec, 'Finalize');
    rec.live = false;
    guard(this, false);
    this.#rec = null;
  }
  /** Finalize unless null (mpi4py's `free`, and `using` blocks). */
  free(): void { if (this.#rec !== null && this.#rec.live) this.Finalize(); }
  /** Free the handle at the end of a `using` block, as free(). */
  [Symbol.dispose](): void { this.free(); }

  /** Number of process sets (mpi://WORLD and mpi://SELF): `MPI_Session_get_num_psets`. */
  Get_num_psets(info: Info | null = null): number {
    this.#live('Get_num_psets');
    infoArg('Get_num_psets', info);
    return PSETS.length;
  }

  /** Name of the `n`-th process set: `MPI_Session_get_nth_pset`. */
  Get_nth_pset(n: number, info: Info | null = null): string {
    this.#live('Get_nth_pset');
    const i = checkInt('Get_nth_pset', 'n', n);
    infoArg('Get_nth_pset', info);
    if (i < 0 || i >= PSETS.length) fail('Get_nth_pset', ERR_ARG, `n must be in [0, ${PSETS.length}), got ${i}`);
    return PSETS[i]!;
  }

  /** The session's hints, as a new Info (the caller frees it): `MPI_Session_get_info`. */
  Get_info(): Info {
    const rec = this.#live('Get_info');
    const items = new Map<string, string>(rec.hints);
    // Every rank is one thread of its own, so THREAD_MULTIPLE holds whatever was asked.
    items.set('thread_level', 'MPI_THREAD_MULTIPLE');
    return Info.Create(items);
  }

  /** Hints for process set `pset_name` (`mpi_size`: its size), as a new Info: `MPI_Session_get_pset_info`. */
  Get_pset_info(pset_name: string): Info {
    this.#live('Get_pset_info');
    return Info.Create({ mpi_size: String(psetMembers('Get_pset_info', pset_name).length) });
  }

  /** The group of process set `pset_name`: `MPI_Group_from_session_pset`. */
  Create_group(pset_name: string): Group {
    return this.groupOf('Create_group', pset_name);
  }

  /** @internal Create_group and Group.Create_from_session_pset. */
  groupOf(routine: string, pset_name: string): Group {
    const rec = this.#live(routine);
    const g = new Group(psetMembers(routine, pset_name));
    g.session = rec;
    return g;
  }

  // ---- buffered mode (MPI-4.1) ----------------------------------------------

  /**
   * Attach `buf` for buffered sends on the communicators made from this
   * session's groups (null: BUFFER_AUTOMATIC): `MPI_Session_attach_buffer`.
   */
  Attach_buffer(buf: AttachableBuffer | null): void {
    attachSessionBuffer(this.#live('Attach_buffer'), buf);
  }
  /** Detach the session's buffer once its messages have left, and return it (null if none): `MPI_Session_detach_buffer`. */
  Detach_buffer(): AttachableBuffer | null {
    return detachSessionBuffer(this.#live('Detach_buffer'));
  }
  /** Wait until every message buffered in the session's buffer has left: `MPI_Session_flush_buffer`. */
  Flush_buffer(): void {
    flushSessionBuffer(this.#live('Flush_buffer'));
  }
  /** A request that completes once every message buffered now has left: `MPI_Session_iflush_buffer`. */
  Iflush_buffer(): Request {
    return iflushSessionBuffer(this.#live('Iflush_buffer'));
  }

  // ---- error handling -------------------------------------------------------

  /** A new error handler for sessions, calling `errhandler_fn(session, errorcode)`: `MPI_Session_create_errhandler`. */
  static Create_errhandler(errhandler_fn: ErrhandlerFunction<Session>): Errhandler {
    return createErrhandler('Create_errhandler', 'Session', errhandler_fn);
  }

  /** The session's error handler (a new handle; free it): `MPI_Session_get_errhandler`. */
  Get_errhandler(): Errhandler {
    return Errhandler.of(this.#live('Get_errhandler').errhandler);
  }

  /** Set the session's error handler: `MPI_Session_set_errhandler`. */
  Set_errhandler(errhandler: Errhandler): void {
    this.#live('Set_errhandler');
    this.#setHandler(errhandlerArg('Set_errhandler', 'Session', errhandler));
  }

  #setHandler(rec: ErrhandlerRecord): void {
    this.#rec!.errhandler = rec;
    guard(this, rec !== defaultErrhandler);
  }

  /** Run the session's error handler for `errorcode`: `MPI_Session_call_errhandler`. */
  Call_errhandler(errorcode: number): void {
    const rec = this.#live('Call_errhandler');
    const code = checkInt('Call_errhandler', 'errorcode', errorcode);
    invoke(rec.errhandler, this, code, `Call_errhandler(${code})`, 'a session');
  }

  /** @internal For the dispatch of errors to the handler (api/errhandler.ts). */
  errhandlerRecord(): ErrhandlerRecord { return this.#rec?.errhandler ?? defaultErrhandler; }
  /** @internal */
  errhandlerObjectName(): string { return 'a session'; }

  /** A readable form, `<MPI.Session ...>`. */
  toString(): string { return this.#rec === null ? '<MPI.Session SESSION_NULL>' : '<MPI.Session>'; }
}

/** The null session: `MPI_SESSION_NULL`. Calls on it raise ERR_SESSION. */
export const SESSION_NULL: Session = new Session();
