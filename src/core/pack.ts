/**
 * Packing: moving `count` elements of a datatype between user memory laid out
 * as the type describes and a contiguous byte array (the wire format of a
 * message, `MPI_Pack`'s output). Transport-independent.
 *
 * User memory is a Uint8Array plus `origin`, the index in it of the buffer
 * spec's origin (element 0 starts there; the type's blocks sit at offsets
 * from it, negative ones included). Element i starts `i * extent` bytes
 * further. Packed bytes are the blocks of element 0 in type-map order, then
 * those of element 1, and so on: `count * type.size` bytes.
 *
 * A type's blocks are compressed into runs (blocks of one length at a
 * constant stride, e.g. a whole vector is one run); each run moves through
 * typed-array views of the widest word its alignment allows, so a vector of
 * doubles copies as doubles, not byte by byte. Long blocks use memmove
 * (`copyBytes`).
 */
import { copyBytes } from './bytes.js';
import { layoutOf, type TypeDesc } from './datatype.js';
import { ERR_BUFFER, ERR_COUNT, MpiFailure } from './errorcodes.js';
import type { BufferMessage } from './msgbuffer.js';

/** Blocks `off + k * stride` (k < n) of `len` bytes each, in type-map order; `at` is the packed offset of the first. */
interface Run {
  readonly off: number;
  readonly len: number;
  readonly n: number;
  readonly stride: number;
  readonly at: number;
}

const plans = new WeakMap<TypeDesc, readonly Run[]>();

/** The runs of one element of `t`, cached per layout. */
function runsOf(t: TypeDesc): readonly Run[] {
  let runs = plans.get(t);
  if (runs !== undefined) return runs;
  const { offsets, lengths } = layoutOf(t);
  const out: Run[] = [];
  let at = 0;
  let i = 0;
  while (i < offsets.length) {
    const off = offsets[i]!;
    const len = lengths[i]!;
    let n = 1;
    let stride = len;
    if (i + 1 < offsets.length && lengths[i + 1] === len) {
      stride = offsets[i + 1]! - off;
      n = 2;
      while (i + n < offsets.length && lengths[i + n] === len && offsets[i + n]! - offsets[i + n - 1]! === stride) n++;
    }
    out.push({ off, len, n, stride, at });
    at += n * len;
    i += n;
  }
  runs = out;
  plans.set(t, runs);
  return runs;
}

/**
 * Bytes of user memory that `count` elements touch, relative to the origin:
 * [lo, hi). [0, 0] for no data.
 */
export function packSpan(count: number, t: TypeDesc): [number, number] {
  if (count <= 0 || t.size === 0) return [0, 0];
  const last = (count - 1) * t.extent;
  return [t.trueLb + Math.min(0, last), t.trueLb + t.trueExtent + Math.max(0, last)];
}

/** Bytes `count` elements of `t` take packed: `MPI_Pack_size`. */
export function packedSize(count: number, t: TypeDesc): number {
  return count * t.size;
}

/**
 * When the data of `count` elements is one contiguous range of user memory
 * (in type-map order), that range relative to the origin; else null.
 */
export function denseRange(count: number, t: TypeDesc): [number, number] | null {
  if (count <= 0 || t.size === 0) return [0, 0];
  const { offsets, lengths } = layoutOf(t);
  if (offsets.length !== 1) return null;
  if (count > 1 && lengths[0] !== t.extent) return null;
  return [offsets[0]!, offsets[0]! + count * t.size];
}

// ---- word moves ----------------------------------------------------------------
// One function per view type keeps each loop monomorphic. Each moves n groups of
// `words` words: group k from s[si + k * ss ...] to d[di + k * ds ...].
// Float64Array moves keep bit patterns (NaN payloads included) on V8; the unit
// tests check it.

function move64(d: Float64Array, di: number, ds: number, s: Float64Array, si: number, ss: number, words: number, n: number): void {
  if (words === 1) {
    for (let k = 0; k < n; k++, di += ds, si += ss) d[di] = s[si]!;
    return;
  }
  for (let k = 0; k < n; k++, di += ds, si += ss) for (let w = 0; w < words; w++) d[di + w] = s[si + w]!;
}

function move32(d: Int32Array, di: number, ds: number, s: Int32Array, si: number, ss: number, words: number, n: number): void {
  if (words === 1) {
    for (let k = 0; k < n; k++, di += ds, si += ss) d[di] = s[si]!;
    return;
  }
  for (let k = 0; k < n; k++, di += ds, si += ss) for (let w = 0; w < words; w++) d[di + w] = s[si + w]!;
}

function move16(d: Uint16Array, di: number, ds: number, s: Uint16Array, si: number, ss: number, words: number, n: number): void {
  for (let k = 0; k < n; k++, di += ds, si += ss) for (let w = 0; w < words; w++) d[di + w] = s[si + w]!;
}

function move8(d: Uint8Array, di: number, ds: number, s: Uint8Array, si: number, ss: number, words: number, n: number): void {
  for (let k = 0; k < n; k++, di += ds, si += ss) for (let w = 0; w < words; w++) d[di + w] = s[si + w]!;
}

/** Blocks at least this long move with memmove, one call each. */
const LONG_BLOCK = 64;

/** Typed views over whole ArrayBuffers, made once per pack/unpack call. */
class Views {
  #f64: Float64Array | null = null;
  #i32: Int32Array | null = null;
  #u16: Uint16Array | null = null;
  #u8: Uint8Array | null = null;
  constructor(readonly bytes: Uint8Array) {}
  get buffer(): ArrayBufferLike { return this.bytes.buffer; }
  get f64(): Float64Array { return (this.#f64 ??= new Float64Array(this.buffer, 0, this.buffer.byteLength >>> 3)); }
  get i32(): Int32Array { return (this.#i32 ??= new Int32Array(this.buffer, 0, this.buffer.byteLength >>> 2)); }
  get u16(): Uint16Array { return (this.#u16 ??= new Uint16Array(this.buffer, 0, this.buffer.byteLength >>> 1)); }
  get u8(): Uint8Array { return (this.#u8 ??= new Uint8Array(this.buffer)); }
}

/**
 * Move `n` blocks of `len` bytes from absolute byte address `sa` (step `ss`)
 * of `s`'s buffer to address `da` (step `ds`) of `d`'s buffer.
 */
function moveBlocks(d: Views, da: number, ds: number, s: Views, sa: number, ss: number, len: number, n: number): void {
  if (n === 1 || len >= LONG_BLOCK) {
    const db = d.bytes; const sb = s.bytes;
    const d0 = db.byteOffset; const s0 = sb.byteOffset;
    for (let k = 0; k < n; k++) copyBytes(db, da + k * ds - d0, sb, sa + k * ss - s0, len);
    return;
  }
  // Low bits survive the int32 conversion of `|`, so this tests alignment at any size.
  const a = da | sa | ds | ss | len;
  if ((a & 7) === 0) move64(d.f64, da / 8, ds / 8, s.f64, sa / 8, ss / 8, len / 8, n);
  else if ((a & 3) === 0) move32(d.i32, da / 4, ds / 4, s.i32, sa / 4, ss / 4, len / 4, n);
  else if ((a & 1) === 0) move16(d.u16, da / 2, ds / 2, s.u16, sa / 2, ss / 2, len / 2, n);
  else move8(d.u8, da, ds, s.u8, sa, ss, len, n);
}

/**
 * The moves of `count` elements: calls `each(memOff, packedOff, len, n, memStep, packedStep)`
 * with offsets relative to the origin and to the packed start.
 */
function walk(count: number, t: TypeDesc,
  each: (mem: number, packed: number, len: number, n: number, memStep: number, packedStep: number) => void): void {
  const runs = runsOf(t);
  const ext = t.extent;
  const size = t.size;
  if (runs.length === 1) {
    const r = runs[0]!;
    // The whole message is one run when element i+1's blocks continue element i's stride.
    if (r.n === 1) { each(r.off, r.at, r.len, count, ext, size); return; }
    if (r.n * r.stride === ext) { each(r.off, r.at, r.len, count * r.n, r.stride, r.len); return; }
  }
  // Few elements of many runs: run by run per element. Many elements of few runs: element by element per run.
  if (count > runs.length) {
    for (const r of runs) {
      if (r.n === 1) each(r.off, r.at, r.len, count, ext, size);
      else for (let k = 0; k < r.n; k++) each(r.off + k * r.stride, r.at + k * r.len, r.len, count, ext, size);
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    for (const r of runs) each(i * ext + r.off, i * size + r.at, r.len, r.n, r.stride, r.len);
  }
}

function checkArgs(what: string, mem: Uint8Array, origin: number, count: number, t: TypeDesc, packed: Uint8Array, position: number, bytes: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`${what}: bad count ${count}`);
  const [lo, hi] = packSpan(count, t);
  if (count > 0 && t.size > 0 && (origin + lo < 0 || origin + hi > mem.length)) {
    throw new RangeError(`${what}: ${count} ${t.name} at origin ${origin} reach bytes ${origin + lo} to ${origin + hi} of memory of ${mem.length}`);
  }
  if (position < 0 || position + bytes > packed.length) {
    throw new RangeError(`${what}: ${bytes} packed bytes at position ${position} exceed ${packed.length}`);
  }
}

/**
 * Pack `count` elements of `t` from user memory `src` (origin at index
 * `origin`) into `dst` at `position`; returns the position after them.
 */
export function pack(src: Uint8Array, count: number, t: TypeDesc, dst: Uint8Array, origin = 0, position = 0): number {
  const bytes = count * t.size;
  checkArgs('pack', src, origin, count, t, dst, position, bytes);
  if (bytes === 0) return position;
  const dense = denseRange(count, t);
  if (dense !== null) {
    copyBytes(dst, position, src, origin + dense[0], bytes);
    return position + bytes;
  }
  const s = new Views(src);
  const d = new Views(dst);
  const sa = src.byteOffset + origin;
  const da = dst.byteOffset + position;
  walk(count, t, (mem, pk, len, n, memStep, pkStep) => moveBlocks(d, da + pk, pkStep, s, sa + mem, memStep, len, n));
  return position + bytes;
}

/**
 * Unpack `count` elements of `t` from `src` at `position` into user memory
 * `dst` (origin at index `origin`); returns the position after them. With
 * `limit` (bytes of `src` from `position`), stops there, possibly inside an
 * element or a block: what a receive of a shorter message fills.
 */
export function unpack(src: Uint8Array, count: number, t: TypeDesc, dst: Uint8Array, origin = 0, position = 0,
  limit: number = count * t.size): number {
  const full = count * t.size;
  checkArgs('unpack', dst, origin, count, t, src, position, Math.min(full, limit));
  const bytes = Math.min(full, Math.max(0, limit));
  if (bytes === 0) return position;
  const dense = denseRange(count, t);
  if (dense !== null) {
    copyBytes(dst, origin + dense[0], src, position, bytes);
    return position + bytes;
  }
  const whole = Math.floor(bytes / t.size);
  const s = new Views(src);
  const d = new Views(dst);
  const sa = src.byteOffset + position;
  const da = dst.byteOffset + origin;
  if (whole > 0) walk(whole, t, (mem, pk, len, n, memStep, pkStep) => moveBlocks(d, da + mem, memStep, s, sa + pk, pkStep, len, n));
  // The part of one more element that arrived.
  let left = bytes - whole * t.size;
  if (left > 0) {
    const { offsets, lengths } = layoutOf(t);
    let from = position + whole * t.size;
    const base = origin + whole * t.extent;
    for (let k = 0; left > 0; k++) {
      const len = Math.min(lengths[k]!, left);
      copyBytes(dst, base + offsets[k]!, src, from, len);
      from += len;
      left -= len;
    }
  }
  return position + bytes;
}

// ---- buffer messages -----------------------------------------------------------

/**
 * A buffer message over non-contiguous data: `bytes` is the span of user memory
 * the elements touch and `origin` the index in it of element 0's start (see
 * `BufferMessage.packed`). Called by parseBuffer after the count is known;
 * `start` is the displacement in bytes into `mem`.
 */
export function stridedMessage(arg: string, mem: Uint8Array, start: number, count: number, displ: number, type: TypeDesc): BufferMessage {
  if (count === 0) {
    if (start > mem.length) {
      throw new MpiFailure(ERR_COUNT, `${arg}: displacement ${displ} of ${type.name} is ${start} bytes, buffer has ${mem.length}`);
    }
    return { bytes: mem.subarray(0, 0), count, type };
  }
  const [lo, hi] = packSpan(count, type);
  if (start + lo < 0) {
    throw new MpiFailure(ERR_BUFFER, `${arg}: ${count} ${type.name} at displacement ${displ} reach ${-(start + lo)} bytes before the start of the buffer`);
  }
  if (start + hi > mem.length) {
    throw new MpiFailure(ERR_COUNT, `${arg}: ${count} ${type.name} at displacement ${displ} need ${start + hi} bytes, buffer has ${mem.length}`);
  }
  const dense = denseRange(count, type);
  if (dense !== null) return { bytes: mem.subarray(start + dense[0], start + dense[1]), count, type };
  return { bytes: mem.subarray(start + lo, start + hi), count, type, packed: true, origin: 0 - lo };
}

/** The bytes to send for `m`: `m.bytes` itself, or a new packed copy of non-contiguous data. */
export function outgoing(m: BufferMessage): Uint8Array {
  if (!m.packed) return m.bytes;
  const out = new Uint8Array(m.count * m.type.size);
  pack(m.bytes, m.count, m.type, out, m.origin ?? 0);
  return out;
}

/** Where to receive `m`: `m.bytes` itself, or a new array to unpack from (see `unpacker`). */
export function incoming(m: BufferMessage): Uint8Array {
  return m.packed ? new Uint8Array(m.count * m.type.size) : m.bytes;
}

/**
 * For a non-contiguous receive into `into` (from `incoming(m)`), the function
 * that unpacks the bytes that arrived into the user's memory; null when the
 * message lands in place.
 */
export function unpacker(m: BufferMessage, into: Uint8Array): ((received: number) => void) | null {
  if (!m.packed) return null;
  return (received) => { unpack(into, m.count, m.type, m.bytes, m.origin ?? 0, 0, received); };
}

// ---- external32 ------------------------------------------------------------

/**
 * One basic element as the external32 representation converts it: `size`
 * bytes here, `ext` bytes there (C long: 8 here, 4 there), big-endian in
 * words of `word` bytes (a complex number is two floats); `signed` says how
 * a narrowed integer is range-checked and widened back.
 */
export interface External32Unit {
  readonly size: number;
  readonly ext: number;
  readonly word: number;
  readonly signed: boolean;
}

/** Basic elements of one element of a type, in type-map order: runs [unit, count]. */
export type External32Units = readonly (readonly [External32Unit, number])[];

const NATIVE_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes `count` elements take in external32: `MPI_Pack_external_size`. */
export function external32Size(units: External32Units, count: number): number {
  let per = 0;
  for (const [u, n] of units) per += u.ext * n;
  return per * count;
}

/** An integer of `bytes` bytes at `p` in `v` (little-endian when `le`), as a BigInt. */
function readInt(v: DataView, p: number, bytes: number, signed: boolean, le: boolean): bigint {
  switch (bytes) {
    case 1: return BigInt(signed ? v.getInt8(p) : v.getUint8(p));
    case 2: return BigInt(signed ? v.getInt16(p, le) : v.getUint16(p, le));
    case 4: return BigInt(signed ? v.getInt32(p, le) : v.getUint32(p, le));
    default: return signed ? v.getBigInt64(p, le) : v.getBigUint64(p, le);
  }
}

function writeInt(v: DataView, p: number, bytes: number, x: bigint, le: boolean): void {
  switch (bytes) {
    case 1: v.setUint8(p, Number(BigInt.asUintN(8, x))); break;
    case 2: v.setUint16(p, Number(BigInt.asUintN(16, x)), le); break;
    case 4: v.setUint32(p, Number(BigInt.asUintN(32, x)), le); break;
    default: v.setBigUint64(p, BigInt.asUintN(64, x), le);
  }
}

/**
 * Convert `count` elements between this machine's packed form (`MPI_Pack`'s:
 * the basic elements back to back, native byte order) and external32
 * (big-endian, the standard's sizes). `toExternal` picks the direction; the
 * caller has checked both ranges fit. A value that does not fit the narrower
 * external32 integer (a C long beyond 32 bits) raises ERR_CONVERSION.
 */
export function convertExternal32(units: External32Units, count: number, from: Uint8Array, fromAt: number,
  to: Uint8Array, toAt: number, toExternal: boolean, onOverflow: (value: bigint, bytes: number) => never): void {
  const src = new DataView(from.buffer, from.byteOffset, from.byteLength);
  const dst = new DataView(to.buffer, to.byteOffset, to.byteLength);
  let p = fromAt;
  let q = toAt;
  for (let e = 0; e < count; e++) {
    for (const [u, n] of units) {
      const inBytes = toExternal ? u.size : u.ext;
      const outBytes = toExternal ? u.ext : u.size;
      if (u.size === u.ext) {
        const bytes = n * u.size;
        if (u.word === 1 || !NATIVE_LE) {
          to.set(from.subarray(p, p + bytes), q);
        } else {
          for (let k = 0; k < bytes; k += u.word) {
            for (let b = 0; b < u.word; b++) to[q + k + b] = from[p + k + u.word - 1 - b]!;
          }
        }
        p += bytes;
        q += bytes;
        continue;
      }
      for (let k = 0; k < n; k++) {
        const x = readInt(src, p, inBytes, u.signed, toExternal ? NATIVE_LE : false);
        if (toExternal) {
          const bits = BigInt(8 * outBytes);
          const fits = u.signed ? BigInt.asIntN(Number(bits), x) === x : BigInt.asUintN(Number(bits), x) === x;
          if (!fits) onOverflow(x, outBytes);
        }
        writeInt(dst, q, outBytes, x, toExternal ? false : NATIVE_LE);
        p += inBytes;
        q += outBytes;
      }
    }
  }
}
