/**
 * MPI error classes, numbered as in MPICH's mpi.h (4.0; ERR_ERRHANDLER and
 * ERR_ABI, newer than that, at 79 and 80; the ULFM classes at MPICH's MPIX_
 * values) so that codes printed by mpi4ts read the same as codes printed by C programs. Transport-independent:
 * transports report failures with these numbers and the API layer turns them
 * into `MPI.Exception`.
 */
/** No error. */
export const SUCCESS = 0;
/** Invalid buffer pointer. */
export const ERR_BUFFER = 1;
/** Invalid count argument. */
export const ERR_COUNT = 2;
/** Invalid datatype. */
export const ERR_TYPE = 3;
/** Invalid tag. */
export const ERR_TAG = 4;
/** Invalid communicator. */
export const ERR_COMM = 5;
/** Invalid rank. */
export const ERR_RANK = 6;
/** Invalid root. */
export const ERR_ROOT = 7;
/** Invalid group. */
export const ERR_GROUP = 8;
/** Invalid reduce operation. */
export const ERR_OP = 9;
/** Invalid communicator topology. */
export const ERR_TOPOLOGY = 10;
/** Invalid topology dimension. */
export const ERR_DIMS = 11;
/** Invalid argument of some other kind. */
export const ERR_ARG = 12;
/** Unknown error. */
export const ERR_UNKNOWN = 13;
/** Message truncated. */
export const ERR_TRUNCATE = 14;
/** Known error not in this list. */
export const ERR_OTHER = 15;
/** Internal error. */
export const ERR_INTERN = 16;
/** Error code is in status. */
export const ERR_IN_STATUS = 17;
/** Pending request. */
export const ERR_PENDING = 18;
/** Invalid request. */
export const ERR_REQUEST = 19;
/** Permission denied. */
export const ERR_ACCESS = 20;
/** Invalid file access mode. */
export const ERR_AMODE = 21;
/** Invalid file name. */
export const ERR_BAD_FILE = 22;
/** Error in a user data conversion function. */
export const ERR_CONVERSION = 23;
/** Data representation identifier already registered. */
export const ERR_DUP_DATAREP = 24;
/** File exists. */
export const ERR_FILE_EXISTS = 25;
/** File operation not possible, the file is in use. */
export const ERR_FILE_IN_USE = 26;
/** Invalid file handle. */
export const ERR_FILE = 27;
/** Invalid info object. */
export const ERR_INFO = 28;
/** Invalid info key. */
export const ERR_INFO_KEY = 29;
/** Invalid info value. */
export const ERR_INFO_VALUE = 30;
/** Key not defined in the info object. */
export const ERR_INFO_NOKEY = 31;
/** Other I/O error. */
export const ERR_IO = 32;
/** Invalid service name. */
export const ERR_NAME = 33;
/** Out of memory. */
export const ERR_NO_MEM = 34;
/** Collective argument not identical on all processes. */
export const ERR_NOT_SAME = 35;
/** Not enough space. */
export const ERR_NO_SPACE = 36;
/** File does not exist. */
export const ERR_NO_SUCH_FILE = 37;
/** Invalid port name. */
export const ERR_PORT = 38;
/** Quota exceeded. */
export const ERR_QUOTA = 39;
/** Read-only file or file system. */
export const ERR_READ_ONLY = 40;
/** Invalid service name in unpublish. */
export const ERR_SERVICE = 41;
/** Error spawning processes. */
export const ERR_SPAWN = 42;
/** Unsupported data representation. */
export const ERR_UNSUPPORTED_DATAREP = 43;
/** Operation not supported. */
export const ERR_UNSUPPORTED_OPERATION = 44;
/** Invalid window. */
export const ERR_WIN = 45;
/** Invalid base address. */
export const ERR_BASE = 46;
/** Invalid lock type. */
export const ERR_LOCKTYPE = 47;
/** Invalid attribute key. */
export const ERR_KEYVAL = 48;
/** Conflicting accesses to a window. */
export const ERR_RMA_CONFLICT = 49;
/** Wrong synchronization of RMA calls. */
export const ERR_RMA_SYNC = 50;
/** Invalid size. */
export const ERR_SIZE = 51;
/** Invalid displacement. */
export const ERR_DISP = 52;
/** Invalid assertion. */
export const ERR_ASSERT = 53;
/** Target memory is not part of the window. */
export const ERR_RMA_RANGE = 55;
/** Memory cannot be attached. */
export const ERR_RMA_ATTACH = 56;
/** Memory cannot be shared. */
export const ERR_RMA_SHARED = 57;
/** Wrong window flavor. */
export const ERR_RMA_FLAVOR = 58;
/** Invalid session. */
export const ERR_SESSION = 75;
/** Operation with an aborted process. */
export const ERR_PROC_ABORTED = 76;
/** Value too large to store. */
export const ERR_VALUE_TOO_LARGE = 77;
/** Invalid error handler. */
export const ERR_ERRHANDLER = 79;
/** ABI mismatch. */
export const ERR_ABI = 80;
/** Process failure. */
export const ERR_PROC_FAILED = 101;
/** Operation pending because of a process failure. */
export const ERR_PROC_FAILED_PENDING = 102;
/** Communication object revoked. */
export const ERR_REVOKED = 103;
/** Last predefined error code; classes and codes added at run time (`Add_error_class`) come after it, as in MPICH. */
export const ERR_LASTCODE = 0x3fffffff;

/** Names of the error classes, for messages and `Get_error_string`. */
export const errorClassNames: Readonly<Record<number, string>> = {
  [SUCCESS]: 'SUCCESS',
  [ERR_BUFFER]: 'ERR_BUFFER',
  [ERR_COUNT]: 'ERR_COUNT',
  [ERR_TYPE]: 'ERR_TYPE',
  [ERR_TAG]: 'ERR_TAG',
  [ERR_COMM]: 'ERR_COMM',
  [ERR_RANK]: 'ERR_RANK',
  [ERR_ROOT]: 'ERR_ROOT',
  [ERR_GROUP]: 'ERR_GROUP',
  [ERR_OP]: 'ERR_OP',
  [ERR_TOPOLOGY]: 'ERR_TOPOLOGY',
  [ERR_DIMS]: 'ERR_DIMS',
  [ERR_ARG]: 'ERR_ARG',
  [ERR_UNKNOWN]: 'ERR_UNKNOWN',
  [ERR_TRUNCATE]: 'ERR_TRUNCATE',
  [ERR_OTHER]: 'ERR_OTHER',
  [ERR_INTERN]: 'ERR_INTERN',
  [ERR_IN_STATUS]: 'ERR_IN_STATUS',
  [ERR_PENDING]: 'ERR_PENDING',
  [ERR_REQUEST]: 'ERR_REQUEST',
  [ERR_ACCESS]: 'ERR_ACCESS',
  [ERR_AMODE]: 'ERR_AMODE',
  [ERR_BAD_FILE]: 'ERR_BAD_FILE',
  [ERR_CONVERSION]: 'ERR_CONVERSION',
  [ERR_DUP_DATAREP]: 'ERR_DUP_DATAREP',
  [ERR_FILE_EXISTS]: 'ERR_FILE_EXISTS',
  [ERR_FILE_IN_USE]: 'ERR_FILE_IN_USE',
  [ERR_FILE]: 'ERR_FILE',
  [ERR_INFO]: 'ERR_INFO',
  [ERR_INFO_KEY]: 'ERR_INFO_KEY',
  [ERR_INFO_VALUE]: 'ERR_INFO_VALUE',
  [ERR_INFO_NOKEY]: 'ERR_INFO_NOKEY',
  [ERR_IO]: 'ERR_IO',
  [ERR_NAME]: 'ERR_NAME',
  [ERR_NO_MEM]: 'ERR_NO_MEM',
  [ERR_NOT_SAME]: 'ERR_NOT_SAME',
  [ERR_NO_SPACE]: 'ERR_NO_SPACE',
  [ERR_NO_SUCH_FILE]: 'ERR_NO_SUCH_FILE',
  [ERR_PORT]: 'ERR_PORT',
  [ERR_QUOTA]: 'ERR_QUOTA',
  [ERR_READ_ONLY]: 'ERR_READ_ONLY',
  [ERR_SERVICE]: 'ERR_SERVICE',
  [ERR_SPAWN]: 'ERR_SPAWN',
  [ERR_UNSUPPORTED_DATAREP]: 'ERR_UNSUPPORTED_DATAREP',
  [ERR_UNSUPPORTED_OPERATION]: 'ERR_UNSUPPORTED_OPERATION',
  [ERR_WIN]: 'ERR_WIN',
  [ERR_BASE]: 'ERR_BASE',
  [ERR_LOCKTYPE]: 'ERR_LOCKTYPE',
  [ERR_KEYVAL]: 'ERR_KEYVAL',
  [ERR_RMA_CONFLICT]: 'ERR_RMA_CONFLICT',
  [ERR_RMA_SYNC]: 'ERR_RMA_SYNC',
  [ERR_SIZE]: 'ERR_SIZE',
  [ERR_DISP]: 'ERR_DISP',
  [ERR_ASSERT]: 'ERR_ASSERT',
  [ERR_RMA_RANGE]: 'ERR_RMA_RANGE',
  [ERR_RMA_ATTACH]: 'ERR_RMA_ATTACH',
  [ERR_RMA_SHARED]: 'ERR_RMA_SHARED',
  [ERR_RMA_FLAVOR]: 'ERR_RMA_FLAVOR',
  [ERR_SESSION]: 'ERR_SESSION',
  [ERR_PROC_ABORTED]: 'ERR_PROC_ABORTED',
  [ERR_VALUE_TOO_LARGE]: 'ERR_VALUE_TOO_LARGE',
  [ERR_ERRHANDLER]: 'ERR_ERRHANDLER',
  [ERR_ABI]: 'ERR_ABI',
  [ERR_PROC_FAILED]: 'ERR_PROC_FAILED',
  [ERR_PROC_FAILED_PENDING]: 'ERR_PROC_FAILED_PENDING',
  [ERR_REVOKED]: 'ERR_REVOKED',
};

/**
 * A failure inside a transport or core routine, carrying an MPI error class.
 * The API layer's checkpoint (`api/errors.ts`) rethrows it as `MPI.Exception`;
 * core code never imports the API.
 */
export class MpiFailure extends Error {
  /** A failure of MPI error class `errorClass`, with `message`. */
  constructor(
    /** The MPI error class (ERR_ARG, ERR_TRUNCATE, ...). */
    readonly errorClass: number,
    message: string,
  ) {
    super(message);
    this.name = 'MpiFailure';
  }
}
