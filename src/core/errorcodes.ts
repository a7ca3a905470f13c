/**
 * MPI error classes, numbered as in MPICH's mpi.h so that codes printed by
 * mpi4ts read the same as codes printed by C programs. Transport-independent:
 * transports report failures with these numbers and the API layer turns them
 * into `MPI.Exception`.
 */
export const SUCCESS = 0;
export const ERR_BUFFER = 1;
export const ERR_COUNT = 2;
export const ERR_TYPE = 3;
export const ERR_TAG = 4;
export const ERR_COMM = 5;
export const ERR_RANK = 6;
export const ERR_ROOT = 7;
export const ERR_GROUP = 8;
export const ERR_OP = 9;
export const ERR_TOPOLOGY = 10;
export const ERR_DIMS = 11;
export const ERR_ARG = 12;
export const ERR_UNKNOWN = 13;
export const ERR_TRUNCATE = 14;
export const ERR_OTHER = 15;
export const ERR_INTERN = 16;
export const ERR_IN_STATUS = 17;
export const ERR_PENDING = 18;
export const ERR_REQUEST = 19;
export const ERR_NO_MEM = 34;
export const ERR_NOT_SAME = 35;
export const ERR_SPAWN = 42;
export const ERR_UNSUPPORTED_OPERATION = 52;
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
  [ERR_NO_MEM]: 'ERR_NO_MEM',
  [ERR_NOT_SAME]: 'ERR_NOT_SAME',
  [ERR_SPAWN]: 'ERR_SPAWN',
  [ERR_UNSUPPORTED_OPERATION]: 'ERR_UNSUPPORTED_OPERATION',
};

/**
 * A failure inside a transport or core routine, carrying an MPI error class.
 * The API layer's checkpoint (`api/errors.ts`) rethrows it as `MPI.Exception`;
 * core code never imports the API.
 */
export class MpiFailure extends Error {
  constructor(readonly errorClass: number, message: string) {
    super(message);
    this.name = 'MpiFailure';
  }
}

/**
 * The buffer of a pending operation changed under it: its ArrayBuffer was
 * detached (transferred: postMessage, structuredClone, transfer()) or shrunk
 * (a resizable buffer) before the operation completed. `arg` names the
 * buffer (`buf`, `sendbuf`, `recvbuf`); `had` and `has` are its byte
 * lengths when the call started and now.
 */
export function bufferChanged(arg: string, had: number, has: number): MpiFailure {
  const what = has === 0 ? 'was detached (transferred) or shrunk to 0 bytes' : `shrank to ${has} bytes`;
  return new MpiFailure(ERR_BUFFER, `${arg}: the buffer of ${had} bytes ${what} while the operation was pending`);
}

/** Raise bufferChanged if `buf` (named `arg`) has fewer than the `had` bytes it had when its call started. */
export function checkIntact(arg: string, buf: Uint8Array, had: number): void {
  if (buf.length < had) throw bufferChanged(arg, had, buf.length);
}
