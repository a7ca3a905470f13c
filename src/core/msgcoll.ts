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
import { parseBuffer, type BufferMessage, type BufferSpec, type BufferLike, type DatatypeSpec } from './msgbuffer.js';
import type { TypeDesc } from './datatype.js';
import { pack, unpack } from './pack.js';

/**
 * Buffer spec of a v-collective: `[buf, counts, displs, datatype]`,
 * `[buf, [counts, displs], datatype]`, `[buf, counts, datatype]`,
 * `[buf, counts]`, with displs null for packed blocks; or a plain buffer spec.
 */
export type VectorBufferSpec =
  | BufferSpec
  | readonly [BufferLike | null, Counts, ArrayLike<number> | null, DatatypeSpec]
  | readonly [BufferLike | null, readonly [Counts, ArrayLike<number> | null], DatatypeSpec]
  | readonly [BufferLike | null, Counts, DatatypeSpec]
  | readonly [BufferLike | null, Counts];

/** Per-rank counts; may be null/undefined off the root, where they are not read (mpi4py's None). */
type Counts = ArrayLike<number> | null | undefined;

/** A buffer cut into per-rank blocks: [byte offset, byte length] each, relative to `bytes`. */
export interface BlockMessage {
  readonly bytes: Uint8Array;
  readonly type: TypeDesc;
  /** Elements per block. */
  readonly counts: readonly number[];
  readonly blocks: readonly (readonly [number, number])[];
  /**
   * For non-contiguous datatypes `bytes` is a packed copy, blocks one after
   * another: `pack()` fills it from the user's memory before sending,
   * `unpack(r)` writes block r back after receiving. Absent when `bytes` is
   * the user's memory itself.
   */
  readonly pack?: () => void;
  readonly unpack?: (block: number) => void;
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
    if (m.packed) {
      const sp = spec as unknown[];
      const whole = sp.length === 4 ? [sp[0], per * size, sp[2], sp[3]] : [sp[0], per * size, sp[2]];
      return blocksOf(parseBuffer(routine, arg, whole), Array(size).fill(per));
    }
    const bytes = new Uint8Array(m.bytes.buffer, m.bytes.byteOffset, need);
    return blocksOf({ ...m, bytes }, Array(size).fill(per));
  }
  if (m.count % size !== 0) {
    throw new MpiFailure(ERR_COUNT, `${arg}: ${m.count} ${m.type.name} cannot be split into ${size} equal blocks`);
  }
  per = m.count / size;
  return blocksOf(m, Array(size).fill(per));
}

function blocksOf(m: BufferMessage, counts: number[], displs?: readonly number[]): BlockMessage {
  const type = m.type;
  const ext = type.extent;
  // First element of each block, in extents from the origin.
  let at = 0;
  const firsts = counts.map((n, r) => {
    const first = displs ? displs[r]! : at;
    at = first + n;
    return first;
  });
  if (!m.packed) {
    const blocks = counts.map((n, r) => [firsts[r]! * ext, n * ext] as const);
    return { bytes: m.bytes, type, counts, blocks };
  }
  const size = type.size;
  let cum = 0;
  const blocks = counts.map((n) => {
    const b = [cum, n * size] as const;
    cum += n * size;
    return b;
  });
  const tmp = new Uint8Array(cum);
  const origin = m.origin ?? 0;
  return {
    bytes: tmp, type, counts, blocks,
    pack: () => counts.forEach((n, r) => pack(m.bytes, n, type, tmp, origin + firsts[r]! * ext, blocks[r]![0])),
    unpack: (r: number) => void unpack(tmp, counts[r]!, type, m.bytes, origin + firsts[r]! * ext, blocks[r]![0]),
  };
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
  if (!m.packed) {
    const ext = m.type.extent;
    cs.forEach((n, r) => {
      const off = (ds ? ds[r]! : cs.slice(0, r).reduce((a, b) => a + b, 0)) * ext;
      if (off + n * ext > m.bytes.length) {
        throw new MpiFailure(ERR_BUFFER, `${arg}: block ${r} at byte ${off} of ${n * ext} bytes runs past the buffer's ${m.bytes.length} bytes`);
      }
    });
  }
  return blocksOf(m, cs, ds);
}
