/**
 * Buffer specs of collectives (mpi4py's `_p_msg_cco`): the same forms as
 * point-to-point (see msgbuffer.ts), read as blocks, one per rank.
 *
 * Equal blocks (Scatter, Gather, Allgather, Alltoall, ...):
 *   buf / [buf, datatype]            the whole buffer, split into `size` equal blocks
 *   [buf, count, datatype]           `count` elements per rank (MPI's sendcount/recvcount)
 *   [buf, count, displ, datatype]    the same, starting `displ` extents in
 * Vector blocks (Gatherv, Scatterv, Allgatherv, Alltoallv):
 *   [buf, counts, displs, datatype], [buf, [counts, displs], datatype],
 *   [buf, counts, datatype] (displacements packed), [buf, counts] ...
 *   where displs may be null (packed), in elements (extents) of the datatype.
 */
import { ERR_COUNT, ERR_BUFFER, MpiFailure } from './errorcodes.js';
import { parseBuffer, type BufferMessage } from './msgbuffer.js';
import type { TypeDesc } from './datatype.js';

/** A buffer cut into per-rank blocks: [byte offset, byte length] each, relative to `bytes`. */
export interface BlockMessage {
  readonly bytes: Uint8Array;
  readonly type: TypeDesc;
  /** Elements per block. */
  readonly counts: readonly number[];
  readonly blocks: readonly (readonly [number, number])[];
}

function explicitCount(spec: unknown): boolean {
  return Array.isArray(spec) && (spec.length === 4 || (spec.length === 3 && typeof spec[1] === 'number'));
}

/** Equal blocks for `size` ranks. */
export function parseEqualBlocks(routine: string, arg: string, spec: unknown, size: number): BlockMessage {
  const m = parseBuffer(routine, arg, spec);
  let per: number;
  if (explicitCount(spec)) {
    // [buf, count, (displ,) type]: count is per rank; the message spans size blocks.
    per = m.count;
    const need = per * size * m.type.extent;
    const whole = ArrayBuffer.isView(m.bytes) ? m.bytes.buffer.byteLength : 0;
    if (m.bytes.byteOffset + need > whole) {
      throw new MpiFailure(ERR_COUNT, `${arg}: ${size} blocks of ${per} ${m.type.name} need ${need} bytes, buffer has ${whole - m.bytes.byteOffset}`);
    }
    const bytes = new Uint8Array(m.bytes.buffer, m.bytes.byteOffset, need);
    return blocksOf(bytes, m.type, Array(size).fill(per));
  }
  if (m.count % size !== 0) {
    throw new MpiFailure(ERR_COUNT, `${arg}: ${m.count} ${m.type.name} cannot be split into ${size} equal blocks`);
  }
  per = m.count / size;
  return blocksOf(m.bytes, m.type, Array(size).fill(per));
}

function blocksOf(bytes: Uint8Array, type: TypeDesc, counts: number[], displs?: readonly number[]): BlockMessage {
  const ext = type.extent;
  let at = 0;
  const blocks = counts.map((n, r) => {
    const off = displs ? displs[r]! * ext : at;
    at = off + n * ext;
    return [off, n * ext] as const;
  });
  return { bytes, type, counts, blocks };
}

function intList(routine: string, arg: string, name: string, x: unknown, size: number): number[] {
  if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    throw new TypeError(`${routine}: ${arg}: ${name} must be an array of ${size} integers, got ${x === null ? 'null' : typeof x}`);
  }
  const a = Array.from(x as ArrayLike<number | bigint>, Number);
  if (a.length !== size) throw new MpiFailure(ERR_COUNT, `${arg}: ${name} has ${a.length} entries, the communicator has ${size} ranks`);
  a.forEach((n) => {
    if (!Number.isInteger(n)) throw new TypeError(`${routine}: ${arg}: ${name} must be integers, got ${n}`);
    if (n < 0) throw new MpiFailure(ERR_COUNT, `${arg}: negative ${name.slice(0, -1)} ${n}`);
  });
  return a;
}

/** Vector blocks for `size` ranks. */
export function parseVectorBlocks(routine: string, arg: string, spec: unknown, size: number): BlockMessage {
  if (!Array.isArray(spec)) {
    // A bare buffer: equal blocks (mpi4py allows it for the v-variants too).
    return parseEqualBlocks(routine, arg, spec, size);
  }
  let counts: unknown;
  let displs: unknown = null;
  let type: unknown;
  if (spec.length === 4) {
    [, counts, displs, type] = spec;
  } else if (spec.length === 3) {
    if (Array.isArray(spec[1]) && spec[1].length === 2 && (Array.isArray(spec[1][0]) || ArrayBuffer.isView(spec[1][0]))) {
      [counts, displs] = spec[1] as unknown[];
    } else {
      counts = spec[1];
    }
    type = spec[2];
  } else if (spec.length === 2) {
    counts = spec[1];
  } else {
    throw new TypeError(`${routine}: ${arg}: expected [buf, counts, displs, datatype], got an array of length ${spec.length}`);
  }
  const m: BufferMessage = parseBuffer(routine, arg, type === undefined ? spec[0] : [spec[0], type]);
  const cs = intList(routine, arg, 'counts', counts, size);
  const ds = displs === null || displs === undefined ? undefined : intList(routine, arg, 'displs', displs, size);
  const msg = blocksOf(m.bytes, m.type, cs, ds);
  for (const [off, len] of msg.blocks) {
    if (off + len > m.bytes.length) {
      throw new MpiFailure(ERR_BUFFER, `${arg}: block at byte ${off} of ${len} bytes runs past the buffer's ${m.bytes.length} bytes`);
    }
  }
  return msg;
}
