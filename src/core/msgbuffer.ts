/**
 * Buffer specs (mpi4py's msgbuffer): turn what the user passed to `Send`,
 * `Recv`, ... into bytes, an element count and a datatype. Accepted forms:
 *
 *   buf                              a typed array, DataView, Buffer or ArrayBuffer
 *   [buf, datatype]                  count inferred from the buffer length
 *   [buf, count, datatype]
 *   [buf, [count, displ], datatype]  displacement in datatype extents
 *   [buf, count, displ, datatype]
 *   null / undefined                 an empty message (mpi4py's None)
 *   [MPI.BOTTOM, count, datatype]    absolute addresses (MPI.Get_address) within one ArrayBuffer
 *
 * `datatype` is an `MPI.Datatype` or a NumPy type code such as 'i' or 'd'.
 */
import { ERR_BUFFER, ERR_COUNT, ERR_TYPE, MpiFailure } from './errorcodes.js';
import { describeValue } from './failures.js';
import { TypeHandle, inferDesc, typecodeDesc, type TypeDesc, type Typecode, predefined } from './datatype.js';
import { stridedMessage, packSpan } from './pack.js';
import { memoryAt } from './address.js';
import { BOTTOM, type BottomType } from './sentinels.js';
import { isReadonly } from './memory.js';


/** Whether `x` is `MPI.BOTTOM`. */
export function isBottom(x: unknown): boolean {
  return x === BOTTOM;
}

/** Memory a buffer spec may name. */
export type BufferLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;
/** A datatype in a buffer spec: an `MPI.Datatype` or a type code (`'i'`, `'d'`, `'f8'`, ...). */
export type DatatypeSpec = TypeHandle | Typecode;
export type { Typecode };
/** Every accepted form of a buffer argument. */
export type BufferSpec =
  | BufferLike
  | readonly [BufferLike, DatatypeSpec]
  | readonly [BufferLike, number]
  | readonly [BufferLike, number, DatatypeSpec]
  | readonly [BufferLike, readonly [number, number], DatatypeSpec]
  | readonly [BufferLike, number, number, DatatypeSpec]
  /** `[MPI.BOTTOM, count, datatype]`: displacements are addresses from MPI.Get_address. */
  | readonly [BottomType, number, DatatypeSpec];

/** A normalised buffer message. */
export interface BufferMessage {
  /** The bytes of the message: `count` elements of `type` starting at the displacement. */
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly type: TypeDesc;
  /**
   * True when the data is not contiguous (a derived type with gaps): `bytes`
   * is then the span of user memory the elements touch, not the message, and
   * `origin` the index in it where element 0 starts. Send `outgoing(m)` and
   * receive through `incoming(m)` / `unpacker(m, into)` (core/pack.ts).
   */
  readonly packed?: boolean;
  readonly origin?: number;
}

const EMPTY: BufferMessage = { bytes: new Uint8Array(0), count: 0, type: predefined.BYTE };

/** The items of a list buffer spec, as mpi4py's message_simple unpacks them; null where not given. */
export interface SpecParts { buf: unknown; count: unknown; displ: unknown; type: unknown }

/**
 * Unpack `[buf, count|[count, displ]|datatype]`, `[buf, count|[count, displ], datatype]`
 * or `[buf, count, displ, datatype]` (mpi4py's message_simple).
 */
export function specParts(routine: string, arg: string, spec: readonly unknown[]): SpecParts {
  let c: unknown = null;
  let d: unknown = null;
  let t: unknown = null;
  switch (spec.length) {
    case 2:
      // A count (number, or [count, displ]) or else a datatype.
      if (typeof spec[1] === 'number' || Array.isArray(spec[1]) || spec[1] === null || spec[1] === undefined) c = spec[1];
      else t = spec[1];
      break;
    case 3:
      [, c, t] = spec;
      break;
    case 4:
      [, c, d, t] = spec;
      break;
    default:
      throw new TypeError(`${routine}: ${arg}: a buffer spec has 2 to 4 items ([buf, count?, displ?, datatype]), got ${spec.length}`);
  }
  if (spec.length < 4 && Array.isArray(c)) {
    if (c.length !== 1 && c.length !== 2) throw new TypeError(`${routine}: ${arg}: expected [count, displacement], got an array of length ${c.length}`);
    [c, d] = c;
  }
  return { buf: spec[0], count: c ?? null, displ: d ?? null, type: t ?? null };
}

/** A datatype as a persistent request holds it: the layout taken at its _init, still usable once the user frees the handle (as MPI's). */
class PinnedType extends TypeHandle {
  readonly #desc: TypeDesc;
  constructor(desc: TypeDesc) {
    super();
    this.#desc = desc;
  }
  typeDesc(): TypeDesc { return this.#desc; }
}

/**
 * A buffer argument as a persistent collective keeps it from its _init
 * call: arrays copied (counts and displacements as they were then),
 * datatypes pinned to their layout, the memory itself not copied (each
 * Start reads it as it is then).
 */
export function pinSpec<T>(routine: string, spec: T): T {
  if (spec instanceof TypeHandle) return new PinnedType(spec.typeDesc(routine)) as T;
  if (Array.isArray(spec)) return spec.map((x: unknown) => pinSpec(routine, x)) as T;
  return spec;
}

/** A datatype in a spec position (mpi4py's is_datatype): an MPI.Datatype or a type code. */
export function isDatatypeSpec(x: unknown): boolean {
  return x instanceof TypeHandle || typeof x === 'string';
}

function isMemory(x: unknown): x is BufferLike {
  return ArrayBuffer.isView(x) || x instanceof ArrayBuffer || x instanceof SharedArrayBuffer;
}

function toDesc(routine: string, arg: string, t: unknown): TypeDesc {
  if (t instanceof TypeHandle) return t.typeDesc(routine);
  if (typeof t === 'string') {
    const d = typecodeDesc(t);
    if (d) return d;
    throw new MpiFailure(ERR_TYPE, `${arg}: unknown type code '${t}'`);
  }
  throw new TypeError(`${routine}: ${arg}: expected an MPI.Datatype or a type code, got ${describeValue(t)}`);
}

function checkCount(routine: string, arg: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TypeError(`${routine}: ${arg}: ${name} must be an integer, got ${describeValue(n)}`);
  }
  if (n < 0) throw new MpiFailure(ERR_COUNT, `${arg}: negative ${name} ${n}`);
  return n;
}

/**
 * Normalise a buffer argument. `routine` and `arg` name the call and argument
 * in error messages ("Send: buf: ..."). `writable`: the call writes the
 * memory (a receive buffer; any `recvbuf` is), so a read-only MPI.buffer is
 * refused (mpi4py's BufferError).
 */
export function parseBuffer(routine: string, arg: string, spec: unknown, writable = arg === 'recvbuf'): BufferMessage {
  if (writable && isReadonly(Array.isArray(spec) ? spec[0] : spec)) {
    throw new TypeError(`${routine}: ${arg}: the MPI.buffer is read-only, a receive buffer must be writable`);
  }
  // Hot path: a bare typed array, as in `comm.Send(buf, 1)`.
  if (spec instanceof Uint8Array && spec.length > 0) return { bytes: spec, count: spec.length, type: inferDesc(spec) };
  if (ArrayBuffer.isView(spec) && !(spec instanceof DataView) && spec.byteLength > 0) {
    const type = inferDesc(spec);
    return { bytes: byteView(spec), count: spec.byteLength / type.size, type };
  }
  if (spec === null || spec === undefined) return EMPTY;
  let mem: unknown;
  let count: number | undefined;
  let displ = 0;
  let type: TypeDesc | undefined;
  if (isMemory(spec)) {
    mem = spec;
  } else if (Array.isArray(spec)) {
    const parts = specParts(routine, arg, spec);
    mem = parts.buf;
    const { count: c, displ: d, type: t } = parts;
    if (c !== null && c !== undefined) count = checkCount(routine, arg, 'count', c);
    if (d !== null && d !== undefined) displ = checkCount(routine, arg, 'displacement', d);
    if (t !== null && t !== undefined) type = toDesc(routine, arg, t);
    if (mem === BOTTOM) return bottomMessage(routine, arg, count, displ, type);
    if (mem === null || mem === undefined) {
      if (!count) return EMPTY;
      throw new MpiFailure(ERR_BUFFER, `${arg}: null buffer with count ${count}`);
    }
  } else if (spec === BOTTOM) {
    return bottomMessage(routine, arg, undefined, 0, undefined);
  } else {
    throw new TypeError(`${routine}: ${arg} must be a typed array or a buffer spec [buf, count?, datatype], got ${describeValue(spec)}`);
  }
  if (!isMemory(mem)) {
    throw new TypeError(`${routine}: ${arg}: buffer must be a typed array, DataView or ArrayBuffer, got ${describeValue(mem)}`);
  }
  // A transferred ArrayBuffer is detached: its views read as empty. Say so
  // instead of sending nothing (only empty views need the check).
  if ((ArrayBuffer.isView(mem) ? mem.byteLength : mem.byteLength) === 0 && isDetached(mem)) {
    throw new MpiFailure(ERR_BUFFER, `${arg}: the buffer's ArrayBuffer is detached (it was transferred)`);
  }
  const bytes = ArrayBuffer.isView(mem) ? byteView(mem) : new Uint8Array(mem);
  type ??= ArrayBuffer.isView(mem) ? inferDesc(mem) : predefined.BYTE;
  const extent = type.extent;
  // A datatype without data (an empty darray piece, a zero-count contiguous)
  // makes an empty message whatever the count, as MPI allows.
  if (type.size === 0) return { bytes: bytes.subarray(0, 0), count: count ?? 0, type };
  if (extent <= 0 && count === undefined) {
    throw new MpiFailure(ERR_TYPE, `${arg}: datatype ${type.name} has extent ${extent}: give a count`);
  }
  if (displ > 0 && extent <= 0) {
    throw new MpiFailure(ERR_TYPE, `${arg}: cannot handle displacement ${displ}: datatype ${type.name} has extent ${extent}`);
  }
  const start = displ * extent;
  if (start > bytes.length) {
    throw new MpiFailure(ERR_COUNT, `${arg}: displacement ${displ} out of bounds, the buffer holds ${Math.floor(bytes.length / extent)} ${type.name}`);
  }
  if (count === undefined) {
    const avail = bytes.length - start;
    if (avail % extent !== 0) {
      throw new MpiFailure(ERR_COUNT, `${arg}: buffer of ${bytes.length} bytes is not a whole number of ${type.name} (extent ${extent})`);
    }
    count = avail / extent;
  }
  if (!type.contiguous) return stridedMessage(arg, bytes, start, count, displ, type);
  const span = count === 0 ? 0 : (count - 1) * extent + type.trueLb + type.trueExtent;
  if (start + span > bytes.length) {
    throw new MpiFailure(ERR_COUNT, `${arg}: ${count} ${type.name} at displacement ${displ} need ${start + span} bytes, buffer has ${bytes.length}`);
  }
  const end = start + count * extent;
  return { bytes: start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), count, type };
}

/**
 * The bytes of a non-empty typed array (not a DataView), the view
 * parseBuffer's hot path gives it; null for any other argument (the caller
 * then takes parseBuffer's general path, which checks and raises). For the
 * one-sided fast paths (api/win.ts). A detached or out-of-bounds array has
 * no bytes: null.
 */
export function typedBytes(spec: unknown): Uint8Array | null {
  if (!ArrayBuffer.isView(spec) || spec instanceof DataView || spec.byteLength === 0) return null;
  return byteView(spec);
}

/**
 * A spec at `MPI.BOTTOM`: the datatype's displacements are addresses from
 * `MPI.Get_address`. They are resolved to the one ArrayBuffer they fall in,
 * bounds checked; ERR_BUFFER when they are not all within one buffer that
 * Get_address has seen (JavaScript cannot name memory by address).
 */
function bottomMessage(routine: string, arg: string, count: number | undefined, displ: number, type: TypeDesc | undefined): BufferMessage {
  if (type === undefined) {
    throw new MpiFailure(ERR_BUFFER, `${arg}: MPI.BOTTOM needs a datatype ([MPI.BOTTOM, count, datatype])`);
  }
  void routine;
  // Without a count the buffer at BOTTOM is empty (mpi4py: a zero-length buffer at MPI_BOTTOM).
  return atAddress(arg, displ * type.extent, count ?? 0, type, `displacement ${displ}`);
}

/**
 * `count` elements of `type` whose origin is the absolute address `start`
 * (displacements from MPI.Get_address): resolved to the one ArrayBuffer they
 * fall in, bounds checked; ERR_BUFFER when they are not all within one
 * buffer that Get_address has seen (JavaScript cannot name memory by
 * address). `where` names the origin in the error message.
 */
export function atAddress(arg: string, start: number, count: number, type: TypeDesc, where: string): BufferMessage {
  const [lo, hi] = packSpan(count, type);
  if (hi <= lo) return { bytes: new Uint8Array(0), count, type };
  const at = memoryAt(start + lo, start + hi);
  if (at === null) {
    throw new MpiFailure(ERR_BUFFER, `${arg}: at MPI.BOTTOM, ${count} ${type.name} at ${where} reach addresses ${start + lo} to ${start + hi}, `
      + 'which are not within one ArrayBuffer whose address MPI.Get_address gave (mpi4ts resolves absolute addresses in one buffer)');
  }
  return stridedMessage(arg, new Uint8Array(at.buffer), start - at.base, count, 0, type);
}

function isDetached(mem: BufferLike): boolean {
  try {
    new Uint8Array(ArrayBuffer.isView(mem) ? mem.buffer : mem);
    return false;
  } catch {
    return true;
  }
}

/**
 * Bytes of a typed array. Views are cached per array: creating a view costs
 * more than the rest of a small send, and programs send the same arrays again
 * and again. A cached view is checked against the array's current extent
 * (a transferred buffer detaches and shrinks to zero; a resizable one may
 * grow); its buffer is the array's for good (a view's buffer never changes).
 */
const views = new WeakMap<ArrayBufferView, Uint8Array>();

function byteView(a: ArrayBufferView): Uint8Array {
  if (a instanceof Uint8Array) return a;
  let v = views.get(a);
  if (v === undefined || v.byteLength !== a.byteLength) {
    v = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    views.set(a, v);
  }
  return v;
}
