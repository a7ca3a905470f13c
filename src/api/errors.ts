import {
  MpiFailure, errorClassNames, ERR_OTHER, ERR_UNKNOWN, ERR_ARG, ERR_LASTCODE, SUCCESS,
} from '../core/errorcodes.js';
import { describeValue } from '../core/failures.js';

/**
 * Error classes and codes added at run time (`Add_error_class`,
 * `Add_error_code`), numbered after ERR_LASTCODE as MPICH numbers them, each
 * with its class and its string ("" until `Add_error_string`). Per process,
 * as in MPI (the standard asks programs to add them in the same order on
 * every rank).
 */
const added = new Map<number, { errorClass: number; string: string; isClass: boolean }>();
let lastUsedCode = ERR_LASTCODE;

/** The largest error code or class in use: the LASTUSEDCODE attribute. */
export function lastUsed(): number { return lastUsedCode; }

function addedEntry(routine: string, code: number, what: string) {
  const e = added.get(code);
  if (e === undefined) fail(routine, ERR_ARG, `${what} ${code} was not added by Add_error_class/Add_error_code`);
  return e;
}

function integer(routine: string, what: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) throw new TypeError(`${routine}: ${what} must be an integer, got ${describeValue(x)}`);
  return x;
}

/**
 * The error class of an error code: itself for the predefined classes, the
 * class it was added to for an added code: `MPI_Error_class`.
 */
export function Get_error_class(errorcode: number): number {
  const code = integer('Get_error_class', 'errorcode', errorcode);
  if (errorClassNames[code] !== undefined) return code;
  const e = added.get(code);
  if (e === undefined) fail('Get_error_class', ERR_ARG, `invalid error code ${code}`);
  return e.errorClass;
}

/**
 * The string of an error class or code: `MPI_Error_string`. For the
 * predefined classes mpi4ts says the class's name (`ERR_TRUNCATE`): its
 * exceptions carry their detail in the message.
 */
export function Get_error_string(errorcode: number): string {
  const code = integer('Get_error_string', 'errorcode', errorcode);
  const name = errorClassNames[code];
  if (name !== undefined) return name;
  const e = added.get(code);
  if (e === undefined) fail('Get_error_string', ERR_ARG, `invalid error code ${code}`);
  return e.string;
}

/** A new error class, after every code in use: `MPI_Add_error_class`. */
export function Add_error_class(): number {
  const cls = ++lastUsedCode;
  added.set(cls, { errorClass: cls, string: '', isClass: true });
  return cls;
}

/** A new error code of the class `errorclass` (predefined or added): `MPI_Add_error_code`. */
export function Add_error_code(errorclass: number): number {
  const cls = integer('Add_error_code', 'errorclass', errorclass);
  if (errorClassNames[cls] === undefined && added.get(cls)?.isClass !== true) {
    fail('Add_error_code', ERR_ARG, `invalid error class ${cls}`);
  }
  const code = ++lastUsedCode;
  added.set(code, { errorClass: cls, string: '', isClass: false });
  return code;
}

/** Associate a string with an added error class or code: `MPI_Add_error_string`. */
export function Add_error_string(errorcode: number, string: string): void {
  const code = integer('Add_error_string', 'errorcode', errorcode);
  if (typeof string !== 'string') throw new TypeError(`Add_error_string: string must be a string, got ${typeof string}`);
  if (errorClassNames[code] !== undefined) fail('Add_error_string', ERR_ARG, `cannot change the string of the predefined error class ${errorClassNames[code]}`);
  addedEntry('Add_error_string', code, 'error code').string = string;
}

/** Remove an added error class that has no codes left: `MPI_Remove_error_class` (MPI 4.1). */
export function Remove_error_class(errorclass: number): void {
  const cls = integer('Remove_error_class', 'errorclass', errorclass);
  const e = addedEntry('Remove_error_class', cls, 'error class');
  if (!e.isClass) fail('Remove_error_class', ERR_ARG, `${cls} is an error code, not a class`);
  if (e.string !== '') fail('Remove_error_class', ERR_ARG, `error class ${cls} still has a string (Remove_error_string first)`);
  for (const [code, other] of added) {
    if (code !== cls && other.errorClass === cls) fail('Remove_error_class', ERR_ARG, `error class ${cls} still has error code ${code}`);
  }
  added.delete(cls);
}

/** Remove an added error code: `MPI_Remove_error_code` (MPI 4.1). */
export function Remove_error_code(errorcode: number): void {
  const code = integer('Remove_error_code', 'errorcode', errorcode);
  const e = addedEntry('Remove_error_code', code, 'error code');
  if (e.isClass) fail('Remove_error_code', ERR_ARG, `${code} is an error class, not a code`);
  if (e.string !== '') fail('Remove_error_code', ERR_ARG, `error code ${code} still has a string (Remove_error_string first)`);
  added.delete(code);
}

/** Remove the string of an added error class or code: `MPI_Remove_error_string` (MPI 4.1). */
export function Remove_error_string(errorcode: number): void {
  const code = integer('Remove_error_string', 'errorcode', errorcode);
  addedEntry('Remove_error_string', code, 'error code').string = '';
}

/**
 * The one exception class of mpi4ts, as `mpi4py.MPI.Exception`: an `Error`
 * carrying an MPI error code (`MPI.ERR_TRUNCATE`, `MPI.ERR_RANK`, ... or an
 * added one). `Number(e)` is the code, so `e == MPI.ERR_RANK` and `e < x`
 * compare as mpi4py's do; `message` is mpi4py's `str(e)`.
 */
export class Exception extends Error {
  readonly #errorCode: number;

  /** An exception of `ierr` (mpi4py: a negative code becomes ERR_UNKNOWN); `message` defaults to the code's error string. */
  constructor(ierr: number = SUCCESS, message?: string) {
    const code = typeof ierr === 'number' && Number.isInteger(ierr) ? (ierr < SUCCESS ? ERR_UNKNOWN : ierr) : ERR_OTHER;
    super(message ?? errorClassNames[code] ?? added.get(code)?.string ?? `MPI error ${code}`);
    this.name = 'MPI.Exception';
    this.#errorCode = code;
  }

  /** The error code. */
  get error_code(): number { return this.#errorCode; }
  /** The error class: `MPI_Error_class` of the code. */
  get error_class(): number { return this.Get_error_class(); }
  /** The error's description, as mpi4py's `Exception.error_string`. */
  get error_string(): string { return this.Get_error_string(); }
  /** The error class, as `MPI_Error_class`. */
  Get_error_class(): number {
    return errorClassNames[this.#errorCode] !== undefined ? this.#errorCode : (added.get(this.#errorCode)?.errorClass ?? this.#errorCode);
  }
  /** The error code, as mpi4py's `Exception.Get_error_code`. */
  Get_error_code(): number { return this.#errorCode; }
  /**
   * A description of the error: mpi4py's `Get_error_string` (`str(e)`).
   * Here the message, which names the routine and values; for an exception
   * made from a bare code it is `MPI.Get_error_string(code)`.
   */
  Get_error_string(): string { return this.message; }
  /** Numeric value, so `Number(e)` gives the error code (mpi4py's `int(e)`). */
  override valueOf(): number { return this.#errorCode; }
}

/**
 * The checkpoint (mpi4py's CHKERR): runs a core/transport operation and turns
 * an `MpiFailure` into `MPI.Exception`, prefixing the public routine's name.
 * Other errors (TypeError, RangeError from argument checks) pass unchanged.
 */
export function raise(routine: string, failure: unknown): never {
  if (failure instanceof MpiFailure) {
    const e = new Exception(failure.errorClass, `${routine}: ${failure.message}`);
    throw e;
  }
  throw failure;
}

/** Throw an `MPI.Exception` of the given class with a message naming the routine. */
export function fail(routine: string, errorClass: number, message: string): never {
  throw new Exception(errorClass, `${routine}: ${message}`);
}
