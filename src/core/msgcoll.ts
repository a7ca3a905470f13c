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
import { parseBuffer, specParts, isDatatypeSpec, type BufferMessage, type BufferSpec, type BufferLike, type DatatypeSpec } from './msgbuffer.js';
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

/** Whether a buffer spec gives its count (then per rank in a collective) rather than leaving it to the buffer's length. */
function explicitCount(routine: string, arg: string, spec: unknown): boolean {
  return Array.isArray(spec) && specParts(routine, arg, spec).count !== null;
}

/** Equal blocks for `size` ranks. */
export function parseEqualBlocks(routine: string, arg: string, spec: unknown, size: number): BlockMessage {
  const m = parseBuffer(routine, arg, spec);
  let per: number;
  if (explicitCount(routine, arg, spec)) {
    // [buf, count, (displ,) type]: count is per rank; the message spans size blocks.
    per = m.count;
    const need = per * size * m.type.extent;
    const whole = ArrayBuffer.isView(m.bytes) ? m.bytes.buffer.byteLength : 0;
    if (m.bytes.byteOffset + need > whole) {
      throw new MpiFailure(ERR_COUNT, `${arg}: ${size} blocks of ${per} ${m.type.name} need ${need} bytes, buffer has ${whole - m.bytes.byteOffset}`);
    }
    if (m.packed) {
      const p = specParts(routine, arg, spec as unknown[]);
      return blocksOf(parseBuffer(routine, arg, [p.buf, per * size, p.displ, p.type]), Array(size).fill(per));
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

/**
 * Vector blocks for `size` ranks, read as mpi4py's message_vector:
 * `buf`, `[buf, datatype]`, `[buf, counts]`, `[buf, [counts, displs]]`,
 * `[buf, counts, datatype]`, `[buf, [counts, displs], datatype]`,
 * `[buf, counts, displs, datatype]`. `counts` is a list of `size` counts, one
 * count for every rank, or null (the buffer split as evenly as it goes, the
 * first ranks one more); `displs` a list, one stride (rank i at i * displ),
 * or null (packed). A plain array of two items in the counts position is the
 * pair [counts, displs] (a Python tuple in mpi4py): `[buf, [1, 2], 'i']` is
 * count 1 at displacement 2; pass counts of two ranks as a typed array, or as
 * `[[c0, c1], null]`.
 */
export function parseVectorBlocks(routine: string, arg: string, spec: unknown, size: number): BlockMessage {
  let buf: unknown = spec;
  let counts: unknown = null;
  let displs: unknown = null;
  let type: unknown = null;
  if (Array.isArray(spec)) {
    buf = spec[0];
    if (spec.length === 2) {
      if (isDatatypeSpec(spec[1])) type = spec[1];
      else counts = spec[1];
    } else if (spec.length === 3) {
      [, counts, type] = spec;
    } else if (spec.length === 4) {
      [, counts, displs, type] = spec;
    } else {
      throw new TypeError(`${routine}: ${arg}: expected [buf, counts, displs, datatype], got an array of length ${spec.length}`);
    }
    if (spec.length < 4 && Array.isArray(counts) && counts.length === 2) [counts, displs] = counts as unknown[];
  }
  const m: BufferMessage = parseBuffer(routine, arg, type === null || type === undefined ? buf : [buf, type]);
  let cs: number[];
  if (counts === null || counts === undefined) {
    const total = m.count;
    cs = Array.from({ length: size }, (_, i) => Math.floor(total / size) + (total % size > i ? 1 : 0));
  } else if (typeof counts === 'number') {
    const c = checkScalar(routine, arg, 'count', counts);
    cs = Array<number>(size).fill(c);
  } else {
    cs = intList(routine, arg, 'counts', counts, size);
  }
  let ds: number[] | undefined;
  if (displs === null || displs === undefined) {
    ds = undefined;
  } else if (typeof displs === 'number') {
    const d = checkScalar(routine, arg, 'displacement', displs);
    ds = cs.map((_, i) => d * i);
  } else {
    ds = intList(routine, arg, 'displs', displs, size);
  }
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

function checkScalar(routine: string, arg: string, name: string, n: number): number {
  if (!Number.isInteger(n)) throw new TypeError(`${routine}: ${arg}: ${name} must be an integer, got ${n}`);
  if (n < 0) throw new MpiFailure(ERR_COUNT, `${arg}: negative ${name} ${n}`);
  return n;
}
