import { MpiFailure, errorClassNames, ERR_OTHER } from '../core/errorcodes.js';

/**
 * The one exception class of mpi4ts, as `mpi4py.MPI.Exception`: an `Error`
 * carrying an MPI error class (`MPI.ERR_TRUNCATE`, `MPI.ERR_RANK`, ...).
 */
export class Exception extends Error {
  readonly #errorClass: number;

  constructor(errorClass: number = ERR_OTHER, message?: string) {
    super(message ?? errorClassNames[errorClass] ?? `MPI error ${errorClass}`);
    this.name = 'MPI.Exception';
    this.#errorClass = errorClass;
  }

  /** The error code (same as the error class for predefined errors): `MPI_Error_class`. */
  get error_code(): number { return this.#errorClass; }
  /** The error class: `MPI_Error_class`. */
  get error_class(): number { return this.#errorClass; }
  /** The error class, as `MPI_Error_class`. */
  Get_error_class(): number { return this.#errorClass; }
  /** The error code, as mpi4py's `Exception.Get_error_code`. */
  Get_error_code(): number { return this.#errorClass; }
  /** A description of the error, as `MPI_Error_string`. */
  Get_error_string(): string { return this.message; }
  /** Numeric value, so `Number(e)` gives the error code (mpi4py's `int(e)`). */
  override valueOf(): number { return this.#errorClass; }
}

/** The name of an error class, e.g. `ERR_TRUNCATE`: `MPI_Error_string` for classes. */
export function Get_error_string(errorClass: number): string {
  return errorClassNames[errorClass] ?? `unknown MPI error class ${errorClass}`;
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
