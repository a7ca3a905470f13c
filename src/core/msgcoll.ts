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
 * General blocks (Alltoallw, Neighbor_alltoallw), mpi4py's message_vector_w:
 *   [buf, counts, displs, datatypes], [buf, [counts, displs], datatypes],
 *   [buf, datatypes] (one element of each at byte 0), where displs are in
 *   BYTES and buf may be MPI.BOTTOM (displs and datatypes then absolute
 *   addresses from MPI.Get_address).
 */
import { ERR_COUNT, ERR_BUFFER, ERR_TRUNCATE, ERR_TYPE, MpiFailure } from './errorcodes.js';
import { parseBuffer, specParts, isDatatypeSpec, atAddress, isBottom, type BufferMessage, type BufferSpec, type BufferLike, type DatatypeSpec } from './msgbuffer.js';
import { TypeHandle, predefined, type TypeDesc } from './datatype.js';
import { pack, unpack, outgoing, incoming, unpacker, stridedMessage, packSpan } from './pack.js';
import type { ReduceOp } from './reduce.js';
import { PROC_NULL } from './matching.js';
import { IN_PLACE } from './sentinels.js';

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
  /** Per-block datatypes (general blocks, Alltoallw); `type` is then BYTE and `counts` are in these. */
  readonly types?: readonly TypeDesc[];
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

/**
 * Buffer spec of a w-collective (mpi4py's BufSpecW): `[buf, counts, displs, datatypes]`,
 * `[buf, [counts, displs], datatypes]` or `[buf, datatypes]`; displs in bytes,
 * buf `MPI.BOTTOM` for absolute addresses.
 */
export type WBufferSpec =
  | readonly [BufferLike | symbol | null, ArrayLike<number>, ArrayLike<number>, readonly TypeHandle[]]
  | readonly [BufferLike | symbol | null, readonly [ArrayLike<number>, ArrayLike<number>], readonly TypeHandle[]]
  | readonly [BufferLike | symbol | null, readonly TypeHandle[]];

/** Byte displacements (mpi4py's chkarray of MPI_Aint): `size` integers of any sign. */
function displList(routine: string, arg: string, name: string, x: unknown, size: number): number[] {
  if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    throw new TypeError(`${routine}: ${arg}: ${name} must be an array of ${size} integers, got ${x === null ? 'null' : typeof x}`);
  }
  const a = Array.from(x as ArrayLike<number | bigint>, Number);
  if (a.length !== size) throw new MpiFailure(ERR_COUNT, `${arg}: ${name} has ${a.length} entries, expected ${size}`);
  a.forEach((n) => { if (!Number.isSafeInteger(n)) throw new TypeError(`${routine}: ${arg}: ${name} must be integers, got ${n}`); });
  return a;
}

/**
 * General blocks for `size` peers, read as mpi4py's message_vector_w: block
 * r is `counts[r]` elements of `datatypes[r]` at byte `displs[r]` of buf
 * (counts and displs absent: one element of each datatype at byte 0). When
 * every block is one dense range of buf the blocks are views of it; else
 * (gaps, MPI.BOTTOM) they travel packed: `bytes` is a copy, blocks one after
 * another, that `pack()` fills from the user's memory and `unpack(r)` writes back.
 */
export function parseWBlocks(routine: string, arg: string, spec: unknown, size: number): BlockMessage {
  if (!Array.isArray(spec)) {
    throw new TypeError(`${routine}: ${arg}: expected [buf, counts, displs, datatypes], got ${spec === null ? 'null' : typeof spec}`);
  }
  let buf: unknown;
  let counts: unknown = null;
  let displs: unknown = null;
  let types: unknown;
  if (spec.length === 2) {
    [buf, types] = spec;
  } else if (spec.length === 3) {
    let pair: unknown;
    [buf, pair, types] = spec;
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(`${routine}: ${arg}: expected [buf, [counts, displs], datatypes], got ${Array.isArray(pair) ? `an array of length ${pair.length}` : String(pair)} in the middle`);
    }
    [counts, displs] = pair as unknown[];
  } else if (spec.length === 4) {
    [buf, counts, displs, types] = spec;
  } else {
    throw new TypeError(`${routine}: ${arg}: expected [buf, counts, displs, datatypes] (2 to 4 items), got an array of length ${spec.length}`);
  }
  // mpi4py's is_BOTTOM: None too.
  const bottom = isBottom(buf) || buf === null || buf === undefined;
  const absent = (x: unknown): boolean => x === null || x === undefined;
  if (bottom && absent(counts)) throw new MpiFailure(ERR_BUFFER, `${arg}: MPI.BOTTOM needs counts`);
  if (bottom && absent(displs)) throw new MpiFailure(ERR_BUFFER, `${arg}: MPI.BOTTOM needs displs`);
  const mem = bottom ? null : parseBuffer(routine, arg, buf).bytes;
  const both = absent(counts) && absent(displs);
  const cs = both ? Array<number>(size).fill(1) : intList(routine, arg, 'counts', counts, size);
  const ds = both ? Array<number>(size).fill(0) : displList(routine, arg, 'displs', displs, size);
  if (!Array.isArray(types)) {
    throw new TypeError(`${routine}: ${arg}: datatypes must be an array of ${size} MPI.Datatype, got ${types === null ? 'null' : typeof types}`);
  }
  if (types.length !== size) throw new MpiFailure(ERR_COUNT, `${arg}: datatypes has ${types.length} entries, expected ${size}`);
  const ts = types.map((t, r) => {
    if (!(t instanceof TypeHandle)) throw new TypeError(`${routine}: ${arg}: datatypes[${r}] must be an MPI.Datatype, got ${t === null ? 'null' : typeof t}`);
    return t.typeDesc(routine);
  });
  const parts = cs.map((n, r) => {
    const t = ts[r]!;
    const d = ds[r]!;
    if (mem === null) return atAddress(arg, d, n, t, `displs[${r}] = ${d}`);
    const [lo, hi] = packSpan(n, t);
    if (hi > lo && (d + lo < 0 || d + hi > mem.length)) {
      throw new MpiFailure(ERR_BUFFER, `${arg}: block ${r} (${n} ${t.name} at byte ${d}) reaches bytes ${d + lo} to ${d + hi}, the buffer has ${mem.length}`);
    }
    return hi > lo ? stridedMessage(arg, mem, d, n, d, t) : { bytes: mem.subarray(0, 0), count: n, type: t };
  });
  // Every block one dense range of buf: the blocks are views of it, nothing to copy.
  if (mem !== null && parts.every((m) => !m.packed)) {
    const blocks = parts.map((m) => [m.bytes.length === 0 ? 0 : m.bytes.byteOffset - mem.byteOffset, m.bytes.length] as const);
    return { bytes: mem, type: predefined.BYTE, counts: cs, types: ts, blocks };
  }
  let cum = 0;
  const blocks = parts.map((m) => {
    const b = [cum, m.count * m.type.size] as const;
    cum += b[1];
    return b;
  });
  const tmp = new Uint8Array(cum);
  const put = (r: number): void => {
    const m = parts[r]!;
    if (m.packed) pack(m.bytes, m.count, m.type, tmp, m.origin ?? 0, blocks[r]![0]);
    else tmp.set(m.bytes.subarray(0, blocks[r]![1]), blocks[r]![0]);
  };
  return {
    bytes: tmp, type: predefined.BYTE, counts: cs, types: ts, blocks,
    pack: () => { for (let r = 0; r < size; r++) put(r); },
    unpack: (r: number) => {
      const m = parts[r]!;
      const [off, len] = blocks[r]!;
      if (m.packed) unpack(tmp, m.count, m.type, m.bytes, m.origin ?? 0, off);
      else m.bytes.set(tmp.subarray(off, off + len));
    },
  };
}

// ---- the collectives' arguments (mpi4py's _p_msg_cco.for_*) ------------------------------
//
// Each normaliser turns the buffer arguments of one collective into plain
// data: the bytes this rank sends, the bytes or blocks it receives into, and
// `finish`, which moves what arrived into non-contiguous user memory (null
// when there is nothing to move). Failures are MpiFailure, which the public
// method turns into an MPI.Exception naming itself. They run before any
// communication, so a rank that raises has consumed nothing the others wait for.


/** IN_PLACE, or null / undefined, which mean IN_PLACE where MPI accepts it (mpi4py's `is_IN_PLACE`: None too). */
export function isInPlace(x: unknown): boolean {
  return x === IN_PLACE || x === null || x === undefined;
}

/** Whether two messages start at the same byte of the same memory (mpi4py reads sbuf == rbuf as IN_PLACE). */
function sameMemory(a: BufferMessage, b: BufferMessage): boolean {
  return a.bytes.length > 0 && a.bytes.buffer === b.bytes.buffer && a.bytes.byteOffset === b.bytes.byteOffset;
}

/** Write every block of a packed block message back to the user's memory. */
export function unpackAll(m: BlockMessage | null): void {
  if (m?.unpack) for (let r = 0; r < m.counts.length; r++) m.unpack(r);
}

/** This rank's block of a block message, as bytes. */
export function ownBlock(m: BlockMessage, rank: number): Uint8Array {
  const [off, len] = m.blocks[rank]!;
  return m.bytes.subarray(off, off + len);
}

/** What to do once the algorithm has ended: unpack into non-contiguous memory, or nothing (null). */
export type Finish = (() => void) | null;

function finishOf(m: BufferMessage | null, into: Uint8Array): Finish {
  const u = m === null ? null : unpacker(m, into);
  return u === null ? null : () => u(into.length);
}

/*
 * A buffer that does not fit the call on this rank only (its own block of a
 * Gather at the root, its recvbuf of a Reduce...) is a truncation, which MPI
 * reports at the receiver once the collective has moved its data. Refusing
 * the call here instead would leave the other ranks waiting in it, and the
 * communicator's calls out of step. So this rank takes part with a buffer of
 * the size the call needs (`fitted`), keeps what fits, and raises at the end
 * (`failAfter`), where the call's own truncation errors are raised too.
 */

/** `bytes` cut or zero-padded to `length` (`bytes` itself when it has that length). */
function fitted(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, length));
  return out;
}

/** `finish`, then raise `failure`: the end of a call that moved its data but did not fit on this rank. */
function failAfter(finish: Finish, failure: MpiFailure | null): Finish {
  if (failure === null) return finish;
  return () => { finish?.(); throw failure; };
}

/** Bcast: the root sends its buffer, the others receive into theirs. */
export function forBcast(routine: string, buf: unknown, atRoot: boolean): { bytes: Uint8Array; finish: Finish } {
  const m = parseBuffer(routine, 'buf', buf);
  const bytes = atRoot ? outgoing(m) : incoming(m);
  return { bytes, finish: atRoot ? null : finishOf(m, bytes) };
}

/** Gather / Gatherv: recvbuf in `size` blocks at the root; sendbuf IN_PLACE (or null) there means the root's own block. */
export function forGather(routine: string, sendbuf: unknown, recvbuf: unknown, rank: number, size: number, atRoot: boolean, vector: boolean) {
  const recv = atRoot ? (vector ? parseVectorBlocks : parseEqualBlocks)(routine, 'recvbuf', recvbuf, size) : null;
  // null at the root is IN_PLACE (mpi4py's None); off the root it is an empty message.
  const inPlace = sendbuf === IN_PLACE || (atRoot && isInPlace(sendbuf));
  if (inPlace && !atRoot) throw new MpiFailure(ERR_BUFFER, 'IN_PLACE is only valid at the root');
  let send = inPlace ? ownBlock(recv!, rank) : outgoing(parseBuffer(routine, 'sendbuf', sendbuf));
  // At the root, its own block: equal blocks must match it, a vector block must hold it.
  const want = recv?.blocks[rank]![1] ?? send.length;
  const late = vector ? send.length > want : send.length !== want;
  const failure = late ? new MpiFailure(ERR_TRUNCATE, `sendbuf has ${send.length} bytes, ${vector ? "this rank's recvbuf block has" : 'recvbuf blocks have'} ${want}`) : null;
  if (late) send = fitted(send, want);
  if (inPlace) recv?.pack?.();
  return { send, recv, finish: failAfter(recv?.unpack ? () => unpackAll(recv) : null, failure) };
}

/** Scatter / Scatterv: sendbuf in `size` blocks at the root; recvbuf IN_PLACE (or null) there means the root's own block. */
export function forScatter(routine: string, sendbuf: unknown, recvbuf: unknown, rank: number, size: number, atRoot: boolean, vector: boolean) {
  const send = atRoot ? (vector ? parseVectorBlocks : parseEqualBlocks)(routine, 'sendbuf', sendbuf, size) : null;
  const inPlace = recvbuf === IN_PLACE || (atRoot && isInPlace(recvbuf));
  if (inPlace && !atRoot) throw new MpiFailure(ERR_BUFFER, 'IN_PLACE is only valid at the root');
  const rm = inPlace ? null : parseBuffer(routine, 'recvbuf', recvbuf);
  const into = rm === null ? ownBlock(send!, rank) : incoming(rm);
  // At the root, its own block: equal blocks must match recvbuf, a vector block must fit in it.
  const have = send?.blocks[rank]![1] ?? into.length;
  const late = vector ? have > into.length : have !== into.length;
  send?.pack?.();
  if (!late) return { send, recv: into, finish: finishOf(rm, into) };
  const failure = new MpiFailure(ERR_TRUNCATE, `sendbuf ${vector ? "has a block of" : 'blocks have'} ${have} bytes for this rank, recvbuf has ${into.length}`);
  const recv = new Uint8Array(have);
  const finish = finishOf(rm, into);
  return { send, recv, finish: failAfter(() => { into.set(recv.subarray(0, into.length)); finish?.(); }, failure) };
}

/** Allgather / Allgatherv: recvbuf in `size` blocks; sendbuf IN_PLACE (or null) means this rank's block of it. */
export function forAllgather(routine: string, sendbuf: unknown, recvbuf: unknown, rank: number, size: number, vector: boolean) {
  const recv = (vector ? parseVectorBlocks : parseEqualBlocks)(routine, 'recvbuf', recvbuf, size);
  const inPlace = isInPlace(sendbuf);
  if (inPlace) recv.pack?.();
  const send = inPlace ? ownBlock(recv, rank) : outgoing(parseBuffer(routine, 'sendbuf', sendbuf));
  const want = recv.blocks[rank]![1];
  const failure = send.length === want ? null : new MpiFailure(ERR_TRUNCATE, `sendbuf has ${send.length} bytes, this rank's recvbuf block has ${want}`);
  return { send: fitted(send, want), recv, finish: failAfter(recv.unpack ? () => unpackAll(recv) : null, failure) };
}

/** Alltoall / Alltoallv: both buffers in `size` blocks; sendbuf IN_PLACE (or null) sends from a copy of recvbuf. */
export function forAlltoall(routine: string, sendbuf: unknown, recvbuf: unknown, size: number, vector: boolean) {
  const parse = vector ? parseVectorBlocks : parseEqualBlocks;
  const recv = parse(routine, 'recvbuf', recvbuf, size);
  const inPlace = isInPlace(sendbuf);
  if (inPlace) recv.pack?.();
  const send = inPlace ? { ...recv, bytes: recv.bytes.slice() } : parse(routine, 'sendbuf', sendbuf, size);
  if (!inPlace) send.pack?.();
  return { send, recv, finish: recv.unpack ? () => unpackAll(recv) : null };
}

/** Alltoallw: both buffers in `size` general blocks; sendbuf IN_PLACE (or null) sends from a copy of recvbuf's blocks. */
export function forAlltoallw(routine: string, sendbuf: unknown, recvbuf: unknown, size: number) {
  const recv = parseWBlocks(routine, 'recvbuf', recvbuf, size);
  const send = isInPlace(sendbuf) ? recv : parseWBlocks(routine, 'sendbuf', sendbuf, size);
  send.pack?.();
  return { send: send === recv ? { ...recv, bytes: recv.bytes.slice() } : send, recv, finish: recv.unpack ? () => unpackAll(recv) : null };
}

/**
 * Refuse an op that is not defined for the datatype (BAND on DOUBLE) on every
 * rank, before any communication: otherwise only the ranks that happen to
 * combine data would notice, and the others would wait for them.
 */
export function checkOpType(op: ReduceOp, type: TypeDesc): void {
  if (op.name !== 'user') op.combineBuffers(NO_BYTES, NO_BYTES, NO_BYTES, 0, type);
}
const NO_BYTES = new Uint8Array(0);

/**
 * Reduce, Allreduce, Scan, Exscan: the elements to combine (`send`), where
 * the result goes (`recv`, null off the root of Reduce), as packed elements
 * (count * size bytes, see core/reduce.ts). IN_PLACE (or null, or recvbuf's
 * own memory as sendbuf) means the data is in recvbuf. The datatypes must be
 * the same (mpi4py's chk_cro_args, raised at the call), and so must the
 * counts: a smaller recvbuf is a truncation, a larger one a mismatch, both
 * raised after the call.
 */
export function forReduce(routine: string, sendbuf: unknown, recvbuf: unknown, needRecv: boolean, op: ReduceOp) {
  // Off the root of Reduce, recvbuf is not read (mpi4py: for_cro_recv at PROC_NULL), unless it holds the data (IN_PLACE).
  if (!needRecv && !isInPlace(sendbuf)) recvbuf = null;
  const recv = recvbuf === null || recvbuf === undefined || recvbuf === IN_PLACE ? null : parseBuffer(routine, 'recvbuf', recvbuf);
  // sendbuf is read once: a reduction of one element is a few hundred ns, and a second parse was a tenth of it.
  const given = isInPlace(sendbuf) ? null : parseBuffer(routine, 'sendbuf', sendbuf);
  const inPlace = given === null || (recv !== null && sameMemory(given, recv));
  const send = inPlace ? recv : given;
  if (send === null) throw new MpiFailure(ERR_BUFFER, 'IN_PLACE needs recvbuf to hold the data');
  if (recv && recv.type !== send.type) {
    throw new MpiFailure(ERR_TYPE, `mismatch in send and receive datatypes: sendbuf ${send.type.name}, recvbuf ${recv.type.name}`);
  }
  const failure = needRecv && recv === null ? new MpiFailure(ERR_BUFFER, 'recvbuf is required here')
    : recv && recv.count < send.count
      ? new MpiFailure(ERR_TRUNCATE, `recvbuf has ${recv.count} ${recv.type.name}, sendbuf ${send.count} ${send.type.name}`) : null;
  // A recvbuf longer than sendbuf is mpi4py's chk_cro_args ValueError, on this
  // rank alone (the root of Reduce): it takes part with sendbuf's count, the
  // first elements of recvbuf get the result, and it raises at the end (see fitted).
  const longer = recv && recv.count > send.count
    ? new MpiFailure(ERR_COUNT, `mismatch in send count ${send.count} and receive count ${recv.count}`) : null;
  checkOpType(op, send.type);
  // Reductions combine packed elements: non-contiguous buffers are packed before and unpacked after.
  const data = outgoing(send);
  if (failure !== null) {
    // No recvbuf, or one too small (never IN_PLACE: its data is recvbuf): the result goes to a scratch buffer, what fits to recvbuf.
    const work = new Uint8Array(data.length);
    const keep = recv === null ? null
      : recv.packed ? (): void => { unpack(work, recv.count, recv.type, recv.bytes, recv.origin ?? 0); }
      : (): void => { recv.bytes.set(work.subarray(0, recv.count * recv.type.size)); };
    return { send: data, recv: work, count: send.count, type: send.type, finish: failAfter(keep, failure) };
  }
  const work = recv === null ? null
    : recv.packed ? (inPlace ? data : new Uint8Array(send.count * send.type.size))
    : recv.bytes.length === data.length ? recv.bytes : recv.bytes.subarray(0, data.length);
  const finish: Finish = recv?.packed ? (): void => { unpack(work!, send.count, recv.type, recv.bytes, recv.origin ?? 0); } : null;
  return { send: inPlace ? work! : data, recv: work, count: send.count, type: send.type, finish: failAfter(finish, longer) };
}

// ---- intercommunicators: root is ROOT at the root, PROC_NULL at the rest of its group,
// the root's rank in the other group; blocks are per rank of the other group.

/** MPI.ROOT (api/constants.ts) and MPI.PROC_NULL. */
const ROOT = -3;
const PROC_NULL_RANK = PROC_NULL;
const EMPTY_BYTES = new Uint8Array(0);

/** Bcast across: the root sends, its group passes nothing, the other group receives. */
export function forInterBcast(routine: string, buf: unknown, root: number): { bytes: Uint8Array; finish: Finish } {
  if (root === PROC_NULL_RANK) return { bytes: EMPTY_BYTES, finish: null };
  return forBcast(routine, buf, root === ROOT);
}

/** Gather / Gatherv across: recvbuf in blocks of the other group at the root, sendbuf in the other group. */
export function forInterGather(routine: string, sendbuf: unknown, recvbuf: unknown, root: number, remoteSize: number, vector: boolean) {
  const send = root >= 0 ? outgoing(parseBuffer(routine, 'sendbuf', sendbuf)) : EMPTY_BYTES;
  // recvbuf's count, if given, is per rank of the other group (mpi4py's for_cco_recv with blocks).
  const recv = root === ROOT ? (vector ? parseVectorBlocks : parseEqualBlocks)(routine, 'recvbuf', recvbuf, remoteSize) : null;
  return { send, recv, finish: recv?.unpack ? () => unpackAll(recv) : null };
}

/** Scatter / Scatterv across: sendbuf in blocks of the other group at the root, recvbuf in the other group. */
export function forInterScatter(routine: string, sendbuf: unknown, recvbuf: unknown, root: number, remoteSize: number, vector: boolean) {
  const send = root === ROOT ? (vector ? parseVectorBlocks : parseEqualBlocks)(routine, 'sendbuf', sendbuf, remoteSize) : null;
  send?.pack?.();
  const rm = root >= 0 ? parseBuffer(routine, 'recvbuf', recvbuf) : null;
  const recv = rm ? incoming(rm) : EMPTY_BYTES;
  return { send, recv, finish: finishOf(rm, recv) };
}

/**
 * Allgather / Allgatherv across: one block per rank of the other group in
 * recvbuf; its blocks need not have the size of this group's (asymmetric
 * groups), only the size the other group sends.
 */
export function forInterAllgather(routine: string, sendbuf: unknown, recvbuf: unknown, remoteSize: number, vector: boolean) {
  const send = outgoing(parseBuffer(routine, 'sendbuf', sendbuf));
  const recv = (vector ? parseVectorBlocks : parseEqualBlocks)(routine, 'recvbuf', recvbuf, remoteSize);
  return { send, recv, finish: recv.unpack ? () => unpackAll(recv) : null };
}

/** Alltoall / Alltoallv across: both buffers in blocks of the other group. */
export function forInterAlltoall(routine: string, sendbuf: unknown, recvbuf: unknown, remoteSize: number, vector: boolean) {
  const parse = vector ? parseVectorBlocks : parseEqualBlocks;
  const send = parse(routine, 'sendbuf', sendbuf, remoteSize);
  send.pack?.();
  const recv = parse(routine, 'recvbuf', recvbuf, remoteSize);
  return { send, recv, finish: recv.unpack ? () => unpackAll(recv) : null };
}

/** Alltoallw across: both buffers in general blocks of the other group. */
export function forInterAlltoallw(routine: string, sendbuf: unknown, recvbuf: unknown, remoteSize: number) {
  const send = parseWBlocks(routine, 'sendbuf', sendbuf, remoteSize);
  send.pack?.();
  const recv = parseWBlocks(routine, 'recvbuf', recvbuf, remoteSize);
  return { send, recv, finish: recv.unpack ? () => unpackAll(recv) : null };
}

/** Reduce across: the other group's buffers combined into recvbuf at the root; sendbuf in the other group. */
export function forInterReduce(routine: string, sendbuf: unknown, recvbuf: unknown, root: number, op: ReduceOp) {
  if (root === PROC_NULL_RANK) return { send: EMPTY_BYTES, recv: null, count: 0, type: null, finish: null };
  const m = parseBuffer(routine, root === ROOT ? 'recvbuf' : 'sendbuf', root === ROOT ? recvbuf : sendbuf);
  checkOpType(op, m.type);
  if (root === ROOT) {
    const into = incoming(m);
    return { send: EMPTY_BYTES, recv: into, count: m.count, type: m.type, finish: finishOf(m, into) };
  }
  return { send: outgoing(m), recv: null, count: m.count, type: m.type, finish: null };
}

/** Allreduce across: the other group's buffers combined into recvbuf. */
export function forInterAllreduce(routine: string, sendbuf: unknown, recvbuf: unknown, op: ReduceOp) {
  const sm = parseBuffer(routine, 'sendbuf', sendbuf);
  const rm = parseBuffer(routine, 'recvbuf', recvbuf);
  checkOpType(op, sm.type);
  const recv = incoming(rm);
  return { send: outgoing(sm), recv, count: sm.count, type: sm.type, finish: finishOf(rm, recv) };
}

/**
 * Reduce_scatter(_block) across: the other group's buffers reduced, then
 * scattered over this group: `counts` elements to each rank (null: every
 * rank's recvbuf count), or equal blocks of recvbuf's count for `_block`.
 */
export function forInterReduceScatter(routine: string, sendbuf: unknown, recvbuf: unknown, counts: readonly number[] | null,
  block: boolean, op: ReduceOp, rank: number, size: number) {
  const sm = parseBuffer(routine, 'sendbuf', sendbuf);
  const rm = parseBuffer(routine, 'recvbuf', recvbuf);
  checkOpType(op, sm.type);
  const cs = block ? Array<number>(size).fill(rm.count) : counts === null ? null : [...counts];
  if (cs !== null) {
    if (cs.length !== size) throw new MpiFailure(ERR_COUNT, `recvcounts has ${cs.length} entries, the local group has ${size} ranks`);
    cs.forEach((k, i) => { if (!Number.isInteger(k) || k < 0) throw new MpiFailure(ERR_COUNT, `recvcounts[${i}] = ${k} is not a count`); });
  }
  const into = incoming(rm);
  const want = (cs?.[rank] ?? rm.count) * rm.type.size;
  if (want <= into.length) {
    const recv = into.subarray(0, want);
    return { send: outgoing(sm), count: sm.count, type: sm.type, counts: cs, recvCount: rm.count, recv, finish: finishOf(rm, recv) };
  }
  // This rank's block does not fit its recvbuf: a truncation of this rank alone (see fitted).
  const failure = new MpiFailure(ERR_TRUNCATE, `recvbuf has ${rm.count} ${rm.type.name}, this rank's block has ${cs![rank]}`);
  const recv = new Uint8Array(want);
  const finish = finishOf(rm, into);
  const keep = (): void => { into.set(recv.subarray(0, into.length)); finish?.(); };
  return { send: outgoing(sm), count: sm.count, type: sm.type, counts: cs, recvCount: rm.count, recv, finish: failAfter(keep, failure) };
}
