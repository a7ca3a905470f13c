/**
 * Error handlers (`MPI_Errhandler`), as mpi4py's `MPI.Errhandler`.
 *
 * mpi4py sets MPI_ERRORS_RETURN on every communicator it makes, so that an
 * error becomes an `MPI.Exception`; that is the default here too. The
 * handlers live in JavaScript on both transports: most errors mpi4ts raises
 * are found by its own checks before any library call, and the native
 * transport's library runs with MPI_ERRORS_RETURN and reports its errors as
 * codes, so one dispatch here sees every error of a call:
 *
 * - ERRORS_RETURN: the exception propagates (mpi4py's default);
 * - ERRORS_ARE_FATAL, ERRORS_ABORT: the job is aborted, as MPI_Abort, with
 *   the error's message on stderr;
 * - a handler from `Comm.Create_errhandler(fn)`: `fn(comm, errorcode)` is
 *   called, then the exception propagates (MPI returns the code after a
 *   user handler returns, and mpi4py raises it).
 *
 * Only objects whose handler is not ERRORS_RETURN pay for the dispatch
 * (`guard`): their methods are wrapped on the instance, so the default path
 * of every call stays as it was.
 */
import { ERR_ERRHANDLER, ERR_ARG } from '../core/errorcodes.js';
import { describeValue } from '../core/failures.js';
import { Exception, fail } from './errors.js';
import { runtime } from './runtime.js';

/** A user error handler: called with the object the error happened on and the error code. */
export type ErrhandlerFunction<T = never> = (obj: T, errorcode: number) => void;

const enum Kind { Return, Fatal, Abort, User }

/** @internal What an Errhandler handle refers to. */
export interface ErrhandlerRecord {
  readonly kind: Kind;
  readonly name: string;
  readonly fn: ((obj: unknown, errorcode: number) => void) | null;
  /** The kind of object it was made for ('Comm', 'Win', 'File', 'Session'); null for the predefined ones. */
  readonly objectKind: string | null;
}

const RETURN_RECORD: ErrhandlerRecord = { kind: Kind.Return, name: 'MPI_ERRORS_RETURN', fn: null, objectKind: null };
const FATAL_RECORD: ErrhandlerRecord = { kind: Kind.Fatal, name: 'MPI_ERRORS_ARE_FATAL', fn: null, objectKind: null };
const ABORT_RECORD: ErrhandlerRecord = { kind: Kind.Abort, name: 'MPI_ERRORS_ABORT', fn: null, objectKind: null };

/** An error handler: `MPI_Errhandler`. `new MPI.Errhandler()` is ERRHANDLER_NULL; `new MPI.Errhandler(eh)` refers to eh's handler. */
export class Errhandler {
  #rec: ErrhandlerRecord | null;
  /** The exported constants keep their handler when freed (mpi4py's constant objects). */
  #constant = false;

  constructor(errhandler: Errhandler | null = null) {
    if (errhandler !== null && errhandler !== undefined && !(errhandler instanceof Errhandler)) {
      throw new TypeError(`Errhandler: expected an MPI.Errhandler, got ${describeValue(errhandler)}`);
    }
    this.#rec = errhandler ? errhandler.#rec : null;
  }

  /** @internal */
  static of(rec: ErrhandlerRecord, constant = false): Errhandler {
    const e = new Errhandler();
    e.#rec = rec;
    e.#constant = constant;
    return e;
  }

  /** @internal The handler, checked (ERR_ERRHANDLER for ERRHANDLER_NULL). */
  record(routine: string): ErrhandlerRecord {
    if (this.#rec === null) fail(routine, ERR_ERRHANDLER, 'invalid error handler (ERRHANDLER_NULL)');
    return this.#rec;
  }

  /** True for ERRHANDLER_NULL (mpi4py's `not errhandler`). */
  get isNull(): boolean { return this.#rec === null; }
  /** Same handler (mpi4py's `==` on handles). */
  equals(other: unknown): boolean { return other instanceof Errhandler && other.#rec === this.#rec; }

  /** Release this handle; it becomes ERRHANDLER_NULL (objects using the handler keep it): `MPI_Errhandler_free`. */
  Free(): void {
    this.record('Free');
    if (!this.#constant) this.#rec = null;
  }
  /** Free unless null (mpi4py's `free`, and `using` blocks). */
  free(): void { if (this.#rec !== null) this.Free(); }
  /** Free the handle at the end of a `using` block, as free(). */
  [Symbol.dispose](): void { this.free(); }

  /** A readable form, `<MPI.Errhandler ...>`. */
  toString(): string { return `<MPI.Errhandler ${this.#rec?.name ?? 'MPI_ERRHANDLER_NULL'}>`; }
}

/** The null error handler: `MPI_ERRHANDLER_NULL`. */
export const ERRHANDLER_NULL: Errhandler = new Errhandler();
/** Errors abort the job: `MPI_ERRORS_ARE_FATAL`. */
export const ERRORS_ARE_FATAL: Errhandler = Errhandler.of(FATAL_RECORD, true);
/** Errors are returned, i.e. raised as MPI.Exception: `MPI_ERRORS_RETURN` (mpi4py's default). */
export const ERRORS_RETURN: Errhandler = Errhandler.of(RETURN_RECORD, true);
/** Errors abort the processes of the object's group (here the job): `MPI_ERRORS_ABORT`. */
export const ERRORS_ABORT: Errhandler = Errhandler.of(ABORT_RECORD, true);

/** @internal The default record (ERRORS_RETURN). */
export const defaultErrhandler: ErrhandlerRecord = RETURN_RECORD;

/** @internal A user handler for objects of `objectKind`: `MPI_Comm_create_errhandler` and kin. */
export function createErrhandler(routine: string, objectKind: string, fn: unknown): Errhandler {
  if (typeof fn !== 'function') throw new TypeError(`${routine}: errhandler_fn must be a function (obj, errorcode) => void, got ${describeValue(fn)}`);
  return Errhandler.of({ kind: Kind.User, name: `user error handler (${objectKind})`, fn: fn as ErrhandlerRecord['fn'], objectKind });
}

/** @internal Check an errhandler argument of Set_errhandler for objects of `objectKind`. */
export function errhandlerArg(routine: string, objectKind: string, errhandler: unknown): ErrhandlerRecord {
  if (!(errhandler instanceof Errhandler)) throw new TypeError(`${routine}: errhandler must be an MPI.Errhandler, got ${describeValue(errhandler)}`);
  const rec = errhandler.record(routine);
  if (rec.objectKind !== null && rec.objectKind !== objectKind) {
    fail(routine, ERR_ARG, `the error handler was made for ${rec.objectKind} objects, not ${objectKind}`);
  }
  return rec;
}

/** Exceptions a handler has seen already (a method calling another must not report twice). */
const handled = new WeakSet<object>();

/**
 * @internal Run the handler `rec` for an error `errorcode` on `obj` (what
 * MPI does when a call on obj fails, and `Call_errhandler`). Returns when
 * the handler returns; ERRORS_ARE_FATAL and ERRORS_ABORT end the job.
 */
export function invoke(rec: ErrhandlerRecord, obj: unknown, errorcode: number, message: string, objectName: string): void {
  switch (rec.kind) {
    case Kind.Return: return;
    case Kind.Fatal:
    case Kind.Abort: {
      const status = errorcode > 0 && errorcode < 256 ? errorcode : 1;
      runtime.transport.abort(status, `${rec.name} on ${objectName || 'a communicator'}: ${message}`);
      return;
    }
    case Kind.User: rec.fn!(obj, errorcode);
  }
}

/**
 * @internal What a guarded method does with an error: hand an MPI.Exception
 * to the object's handler once, then let it propagate.
 */
function dispatch(obj: Guarded, e: unknown): void {
  if (!(e instanceof Exception) || handled.has(e)) return;
  handled.add(e);
  invoke(obj.errhandlerRecord(), obj, e.Get_error_code(), e.message, obj.errhandlerObjectName());
}

/** @internal An object with an error handler: Comm, Session (Win, File later). */
export interface Guarded {
  errhandlerRecord(): ErrhandlerRecord;
  errhandlerObjectName(): string;
}

/** Methods that manage the handler itself, never wrapped. */
const UNGUARDED = new Set(['constructor', 'Get_errhandler', 'Set_errhandler', 'Call_errhandler', 'errhandlerRecord', 'errhandlerObjectName', 'toString', 'equals', 'handle', 'Abort']);

/** Names of the guarded methods per prototype, computed once. */
const methodNames = new WeakMap<object, string[]>();

function methodsOf(proto: object): string[] {
  let names = methodNames.get(proto);
  if (names === undefined) {
    const seen = new Set<string>();
    for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const name of Object.getOwnPropertyNames(p)) {
        const d = Object.getOwnPropertyDescriptor(p, name)!;
        if (typeof d.value === 'function' && !UNGUARDED.has(name)) seen.add(name);
      }
    }
    names = [...seen];
    methodNames.set(proto, names);
  }
  return names;
}

/**
 * @internal Install (handler other than ERRORS_RETURN) or remove the
 * per-instance wrappers that route `obj`'s errors to its handler.
 */
export function guard(obj: Guarded & object, on: boolean): void {
  const names = methodsOf(Object.getPrototypeOf(obj) as object);
  const own = obj as unknown as Record<string, unknown>;
  for (const name of names) {
    if (!on) {
      delete own[name];
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(own, name)) continue;
    const method = (Object.getPrototypeOf(obj) as Record<string, (...a: unknown[]) => unknown>)[name]!;
    Object.defineProperty(obj, name, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function guarded(this: Guarded, ...args: unknown[]): unknown {
        try {
          return method.apply(this, args);
        } catch (e) {
          dispatch(this, e);
          throw e;
        }
      },
    });
  }
}
