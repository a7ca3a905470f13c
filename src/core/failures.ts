/**
 * Error messages written once. Every message that more than one place
 * raises is built here, so that the same failure reads the same wherever it
 * happens; the API layer prefixes the routine (`raise(routine, failure)`).
 * Kept apart from errorcodes.ts, whose every export is a public MPI name.
 */
import { ERR_BUFFER, ERR_COMM, ERR_OTHER, ERR_PORT, ERR_READ_ONLY, ERR_TRUNCATE, MpiFailure } from './errorcodes.js';

/**
 * How an argument's value reads in a message: `null`, its class name
 * (`Float64Array`, `Map`), `an array of length 3`, or its type and value
 * (`number 1.5`, `string abc`).
 */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return `${typeof x} ${String(x)}`;
}

/** Where a truncated message came from: a receive's source and tag, a collective's root, or the rank whose block it was. */
export interface TruncationOrigin { root?: number; source?: number; tag?: number }

/**
 * ERR_TRUNCATE: a message of `got` units did not fit a buffer of `capacity`.
 * `unit` is a datatype's name (said once: "message of 5 INT truncated into
 * buffer of 3") or `bytes` (said after both counts: "message of 12 bytes
 * truncated into buffer of 8 bytes"); `origin` says where it came from.
 */
export function truncated(got: number, capacity: number, unit: string, origin: TruncationOrigin): MpiFailure {
  const where: string[] = [];
  if (origin.root !== undefined) where.push(`root ${origin.root}`);
  if (origin.source !== undefined) where.push(`source ${origin.source}`);
  if (origin.tag !== undefined) where.push(`tag ${origin.tag}`);
  const capacityText = unit === 'bytes' ? `${capacity} bytes` : `${capacity}`;
  return new MpiFailure(ERR_TRUNCATE,
    `message of ${got} ${unit} truncated into buffer of ${capacityText}${where.length > 0 ? ` (${where.join(', ')})` : ''}`);
}

/** ERR_COMM: a call on COMM_NULL (or a communicator freed under it). */
export function commNull(): MpiFailure {
  return new MpiFailure(ERR_COMM, 'invalid communicator (COMM_NULL)');
}

/**
 * ERR_PORT: `port` names no open port. The native transport knows the ports
 * of its own process ("... in this process", `detail` adding why); the
 * embedded runtime's registry is the whole job's, so the message says no more.
 */
export function noOpenPort(port: string, scope: 'process' | 'job', detail?: string): MpiFailure {
  const where = scope === 'process' ? ' in this process' : '';
  return new MpiFailure(ERR_PORT, `no open port named '${port}'${where}${detail !== undefined ? ` (${detail})` : ''}`);
}

/** ERR_READ_ONLY: a write to the file at `path`, opened MODE_RDONLY. */
export function readOnlyFile(path: string): MpiFailure {
  return new MpiFailure(ERR_READ_ONLY, `${path} is open MODE_RDONLY`);
}

/** ERR_OTHER: a file call while the split collective `begun` (its `*_begin` routine) awaits its `*_end`. */
export function splitCollectivePending(begun: string): MpiFailure {
  return new MpiFailure(ERR_OTHER, `split collective ${begun} was begun and not ended`);
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
