/**
 * Object codec for the lowercase messaging calls (`comm.send(obj)` / `comm.recv()`).
 *
 * Semantics follow Node's structured clone. Two wire formats, chosen per message
 * by the leading format byte:
 *
 * - `FMT_FAST` (0x01): a compact tagged binary format for the common cases
 *   (primitives, strings, dense arrays, plain objects, Map, Set, Date, BigInt,
 *   typed arrays, DataView, ArrayBuffer). One tag byte per value:
 *
 *   | tag         | value                        | payload                                  |
 *   |-------------|------------------------------|------------------------------------------|
 *   | 0x01..0x04  | undefined, null, false, true | -                                        |
 *   | 0x05        | int8                         | 1 byte                                   |
 *   | 0x06        | int32                        | 4 bytes LE                               |
 *   | 0x07        | float64 (any other number)   | 8 bytes host order                       |
 *   | 0x08        | string, UTF-8                | u8 byte length, bytes                    |
 *   | 0x09        | string, UTF-8                | u32 LE byte length, bytes                |
 *   | 0x0a        | string with lone surrogates  | varint unit count, UTF-16LE code units   |
 *   | 0x0b        | Array                        | varint length, elements                  |
 *   | 0x0c        | plain object                 | varint count, (string key, value)*       |
 *   | 0x0d / 0x0e | Map / Set                    | varint size, (key, value)* / value*      |
 *   | 0x0f        | Date                         | 8 bytes float64 time value               |
 *   | 0x10        | BigInt in int64 range        | 8 bytes host order                       |
 *   | 0x11        | any other BigInt             | sign byte, varint n, n ASCII hex digits  |
 *   | 0x12        | typed array / DataView       | kind byte, varint byteLength, pad to 8, raw bytes |
 *   | 0x13        | ArrayBuffer                  | varint byteLength, pad to 8, raw bytes   |
 *   | 0x14        | Array of >= 16 int32 numbers | varint length, pad to 8, int32 host order |
 *   | 0x15        | Array of >= 16 numbers       | varint length, pad to 8, float64 host order |
 *   | 0x16 / 0x17 | string, pure ASCII           | u8 / u32 LE length, bytes (decoded as latin1: faster than UTF-8) |
 *   | 0x18        | object, new key set ("shape") | varint n, n string keys, n values; defines shape #k (k-th definition in this message) |
 *   | 0x19        | object with a known shape    | varint k, then its n values              |
 *   | 0x40..0x7f  | string, ASCII, length 0..63  | bytes                                    |
 *   | 0x80..0xff  | integer 0..127               | -                                        |
 *
 *   "pad to 8" means zero bytes up to the next multiple of 8 counted from the
 *   start of the message, so a receiver that places the message 8-byte aligned
 *   can view the payload in place.
 *
 * - `FMT_V8` (0x02): the rest is a V8 ValueSerializer stream (structured clone
 *   proper). Used for the WHOLE value whenever the fast encoder meets something
 *   it does not handle: cycles, shared references (including two views on one
 *   ArrayBuffer), holey arrays, RegExp, Error, boxed primitives, class instances,
 *   resizable buffers, and anything exotic.
 *
 * Known differences from structuredClone, all deliberate:
 * - a typed array arrives with a buffer holding just its own bytes (structured
 *   clone copies the whole underlying ArrayBuffer, e.g. Node's 8 KiB Buffer pool slab),
 *   or, for an owned decode of a payload of 1 KiB or more, as a view into the message;
 * - non-index properties on arrays are not seen by the fast path (detecting them
 *   costs Object.keys over every index) and are dropped;
 * - proxies of plain objects/arrays are read through their traps instead of rejected;
 * - getters may run twice when the fast path gives up half way;
 * - SharedArrayBuffer (and views on one) is rejected: shared memory cannot travel
 *   inside a message to another rank.
 *
 * Multi-byte raw payloads (float64, bigint64, typed arrays) are in host byte order;
 * mixed-endian worlds are not supported. A message is at most 4 GiB (the largest
 * Uint8Array Node 20 can make); beyond that encodeObject throws a RangeError.
 */

import { Buffer, constants as bufferConstants, transcode } from 'node:buffer';
import * as v8 from 'node:v8';
import { types as utilTypes } from 'node:util';

const FMT_FAST = 0x01;
const FMT_V8 = 0x02;

const T_UNDEFINED = 0x01;
const T_NULL = 0x02;
const T_FALSE = 0x03;
const T_TRUE = 0x04;
const T_INT8 = 0x05;
const T_INT32 = 0x06;
const T_FLOAT64 = 0x07;
const T_STR8 = 0x08;
const T_STR32 = 0x09;
const T_STR16 = 0x0a;
const T_ARRAY = 0x0b;
const T_OBJECT = 0x0c;
const T_MAP = 0x0d;
const T_SET = 0x0e;
const T_DATE = 0x0f;
const T_BIGINT64 = 0x10;
const T_BIGINT = 0x11;
const T_TYPED = 0x12;
const T_ARRAYBUFFER = 0x13;
const T_I32_ARRAY = 0x14;
const T_F64_ARRAY = 0x15;
const T_ASCII8 = 0x16;
const T_ASCII32 = 0x17;
const T_SHAPE_DEF = 0x18;
const T_SHAPED = 0x19;
const T_STR_INLINE = 0x40; // 0x40 + byte length (0..63)
const T_SMALLINT = 0x80; // 0x80 + value (0..127)

type ViewCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;
/** Typed-array kinds, indexed by the kind byte. DataView is last; its "element" is one byte. */
const VIEW_CTORS: readonly ViewCtor[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
];
const KIND_DATAVIEW = 11;
const KIND_BY_TAG = new Map<string, number>(VIEW_CTORS.map((c, i) => [c.name, i]));
const VIEW_BPE: readonly number[] = VIEW_CTORS.map((c) => (c as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1);

/** Node's native Buffer string helpers; not in @types/node but present since forever, and they accept any Uint8Array as `this`. */
interface BufferInternals {
  utf8Write(s: string, offset: number, maxBytes: number): number;
  ucs2Write(s: string, offset: number, maxBytes: number): number;
  utf8Slice(this: Uint8Array, start: number, end: number): string;
  latin1Slice(this: Uint8Array, start: number, end: number): string;
  ucs2Slice(this: Uint8Array, start: number, end: number): string;
}
const bufferProto = Buffer.prototype as unknown as BufferInternals;
const utf8Slice = bufferProto.utf8Slice;
const ucs2Slice = bufferProto.ucs2Slice;
const latin1Slice = bufferProto.latin1Slice;
const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

const ObjectProto = Object.prototype;
const ArrayProto = Array.prototype;
const MapProto = Map.prototype;
const SetProto = Set.prototype;
const DateProto = Date.prototype;
const ArrayBufferProto = ArrayBuffer.prototype;

/** 8-byte scratch for moving float64/bigint64 out of input bytes at any offset without a DataView per call. */
const tmpF64 = new Float64Array(1);
const tmpI64 = new BigInt64Array(tmpF64.buffer);
const tmpU8 = new Uint8Array(tmpF64.buffer);
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Thrown (never escapes) when the fast encoder must restart with V8. A plain object: no stack capture. */
const FALLBACK = { fallback: true };

// ---------------------------------------------------------------------------
// Encoder state. One scratch buffer reused across calls: encodeObject returns a
// view into it, so the previous result is clobbered by the next call (documented
// contract; callers that keep a message copy it). Hot functions copy `buf`/`pos`
// into locals: module `let`s are context slots that V8 reloads after every store.

const INITIAL_CAPACITY = 64 * 1024;
/** Scratch larger than this is dropped at the start of the next encode so one huge message does not pin memory forever. */
const KEEP_MAX = 16 * 1024 * 1024;
const MAX_MESSAGE = bufferConstants.MAX_LENGTH;
/** Below this many bytes an owned decode copies anyway: the copy is cheap and a tiny view would pin the whole message buffer. */
const ALIAS_MIN_BYTES = 1024;
const SHORT_STRING = 32;
/**
 * Most UTF-8 bytes V8 decodes: it refuses a UTF-8 buffer longer than its
 * longest string (2^29 - 24) *bytes*, whatever the length of the string it
 * would make, so a string of 2^28 or more non-ASCII characters (2 or 3 bytes
 * each) takes another way (utf8SliceHuge).
 */
const UTF8_SLICE_MAX = bufferConstants.MAX_STRING_LENGTH;
const SEEN_LINEAR_MAX = 32;
/** Arrays at least this long whose elements are all numbers are sent as one raw int32/float64 block. */
const NUMBER_ARRAY_MIN = 16;
const KIND_INT32 = 5;
const KIND_FLOAT64 = 8;

/** Same memory three ways: Buffer for native string writes, plain Uint8Array for byte stores (faster than the Buffer subclass), DataView for scalars. */
let scratchBuf: Buffer = Buffer.alloc(0);
let buf: Uint8Array = new Uint8Array(0);
let dv: DataView = new DataView(new ArrayBuffer(0));
let cap = 0;
let pos = 0;
/** Per-kind typed-array views over the whole scratch, so same-type `.set` is a memcpy with no allocation. Reset with the scratch. */
let kindViews: (Uint8Array | undefined)[] = [];
/** The last result view. Returned again when the next result has the same length: the contract already makes the old view invalid, and this saves an allocation per message in steady send loops. */
let lastOut: Uint8Array = new Uint8Array(0);
let encoding = false;

function setScratch(b: Buffer): void {
  // allocUnsafeSlow: own ArrayBuffer at byteOffset 0, so offsets in `buf` are offsets in the ArrayBuffer (alignment is real).
  scratchBuf = b;
  buf = new Uint8Array(b.buffer, 0, b.length);
  dv = new DataView(b.buffer, 0, b.length);
  cap = b.length;
  kindViews = [];
  lastOut = new Uint8Array(0);
}

function resultView(length: number): Uint8Array {
  if (lastOut.length !== length) lastOut = new Uint8Array(buf.buffer, 0, length);
  return lastOut;
}
setScratch(Buffer.allocUnsafeSlow(INITIAL_CAPACITY));

// Cycle / shared-reference detection: linear scan while small (cheaper than a
// Set for typical messages), a Set beyond. Cleared after every encode so the
// codec never retains user objects.
const seenList: (object | undefined)[] = [];
let seenCount = 0;
const seenSet = new Set<object>();
let seenUsesSet = false;

function markSeen(o: object): void {
  if (!seenUsesSet) {
    const n = seenCount;
    for (let i = 0; i < n; i++) if (seenList[i] === o) throw FALLBACK;
    if (n < SEEN_LINEAR_MAX) {
      seenList[n] = o;
      seenCount = n + 1;
      return;
    }
    for (let i = 0; i < n; i++) seenSet.add(seenList[i] as object);
    seenUsesSet = true;
  }
  const before = seenSet.size;
  seenSet.add(o);
  if (seenSet.size === before) throw FALLBACK;
}

function clearSeen(): void {
  for (let i = 0; i < seenCount; i++) seenList[i] = undefined;
  seenCount = 0;
  if (seenUsesSet) {
    seenSet.clear();
    seenUsesSet = false;
  }
}

function grow(needed: number): void {
  if (needed > MAX_MESSAGE) throw new RangeError(`encoded message would be ${needed} bytes, over the ${MAX_MESSAGE}-byte limit`);
  // Geometric growth, but a single huge write gets its size plus 1/8 headroom rather than a doubling.
  let next = needed > cap * 2 ? needed + Math.floor(needed / 8) : cap * 2;
  next = Math.min(Math.ceil(next / 8) * 8, MAX_MESSAGE);
  const bigger = Buffer.allocUnsafeSlow(next);
  scratchBuf.copy(bigger, 0, 0, pos);
  setScratch(bigger);
}

function ensure(n: number): void {
  if (pos + n > cap) grow(pos + n);
}

/** Caller has ensured 5 bytes. v < 2^32 always (lengths are bounded by MAX_MESSAGE / array length), so >>> is exact. */
function writeVarint(v: number): void {
  const b = buf;
  let p = pos;
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[p++] = v;
  pos = p;
}

function writeNumber(v: number): void {
  if (pos + 9 > cap) grow(pos + 9);
  const p = pos;
  if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
    if (v >= 0 && v < 128) {
      buf[p] = T_SMALLINT | v;
      pos = p + 1;
    } else if (v >= -128 && v < 128) {
      buf[p] = T_INT8;
      buf[p + 1] = v & 0xff;
      pos = p + 2;
    } else {
      buf[p] = T_INT32;
      dv.setInt32(p + 1, v, true);
      pos = p + 5;
    }
    return;
  }
  buf[p] = T_FLOAT64;
  dv.setFloat64(p + 1, v, HOST_LE);
  pos = p + 9;
}

function writeString(s: string): void {
  const n = s.length;
  if (n < 64) {
    // Hand-rolled ASCII fast path: cheaper than any native call for short strings.
    if (pos + 2 + n * 3 > cap) grow(pos + 2 + n * 3);
    const b = buf;
    const p = pos + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p + i] = c;
    }
    if (i === n) {
      b[p - 1] = T_STR_INLINE + n;
      pos = p + n;
      return;
    }
  }
  writeStringSlow(s);
}

function writeStringSlow(s: string): void {
  const n = s.length;
  // Worst case 3 bytes per UTF-16 unit; for big strings measure exactly rather than over-allocate 3x.
  const maxBytes = n > 65536 ? Buffer.byteLength(s, 'utf8') : n * 3;
  const header = maxBytes <= 255 ? 2 : 5;
  ensure(header + maxBytes);
  const written = (scratchBuf as unknown as BufferInternals).utf8Write(s, pos + header, maxBytes);
  // written === n means pure ASCII, hence well formed; otherwise lone surrogates would be mangled to U+FFFD.
  if (written !== n && !isWellFormed.call(s)) {
    writeUtf16(s);
    return;
  }
  const ascii = written === n;
  if (header === 2) {
    buf[pos] = ascii ? T_ASCII8 : T_STR8;
    buf[pos + 1] = written;
  } else {
    buf[pos] = ascii ? T_ASCII32 : T_STR32;
    dv.setUint32(pos + 1, written, true);
  }
  pos += header + written;
}

function writeUtf16(s: string): void {
  const bytes = s.length * 2;
  ensure(6 + bytes);
  buf[pos++] = T_STR16;
  writeVarint(s.length);
  pos += (scratchBuf as unknown as BufferInternals).ucs2Write(s, pos, bytes);
}

function writeBigInt(v: bigint): void {
  if (v >= -0x8000000000000000n && v <= 0x7fffffffffffffffn) {
    ensure(9);
    buf[pos] = T_BIGINT64;
    dv.setBigInt64(pos + 1, v, HOST_LE);
    pos += 9;
    return;
  }
  const neg = v < 0n;
  const hex = (neg ? -v : v).toString(16);
  ensure(7 + hex.length);
  buf[pos++] = T_BIGINT;
  buf[pos++] = neg ? 1 : 0;
  writeVarint(hex.length);
  pos += scratchBuf.write(hex, pos, 'latin1');
}

/** Caller has ensured 7 spare bytes. Alignment is relative to the message start (scratch offset 0); `& 7` is exact for any integer < 2^53. */
function padTo8(): void {
  while ((pos & 7) !== 0) buf[pos++] = 0;
}

/** A transferred (detached) buffer reads as empty; structured clone rejects it rather than sending nothing. */
function isDetached(ab: ArrayBuffer): boolean {
  try {
    new Uint8Array(ab);
    return false;
  } catch {
    return true;
  }
}

function kindView(kind: number): Uint8Array {
  let view = kindViews[kind];
  if (view === undefined) {
    const ctor = VIEW_CTORS[kind] as ViewCtor;
    view = new ctor(buf.buffer as ArrayBuffer, 0, cap / (VIEW_BPE[kind] as number)) as Uint8Array;
    kindViews[kind] = view;
  }
  return view;
}

function writeView(o: ArrayBufferView): void {
  const buffer = o.buffer;
  // SharedArrayBuffer: cannot travel in a message; V8 reports it, the caller turns that into a TypeError.
  // Resizable buffers: structured clone keeps them resizable, only V8 can do that.
  if (!(buffer instanceof ArrayBuffer) || (buffer as { resizable?: boolean }).resizable === true) throw FALLBACK;
  // Two views on one buffer (or a view plus its buffer) must arrive sharing memory: V8 preserves that, we do not.
  markSeen(buffer);
  const kind = o instanceof DataView ? KIND_DATAVIEW : (KIND_BY_TAG.get((o as Uint8Array)[Symbol.toStringTag]) ?? -1);
  if (kind < 0) throw FALLBACK;
  const byteLength = o.byteLength;
  if (byteLength === 0 && isDetached(buffer)) throw FALLBACK; // V8 raises the proper error
  ensure(18 + byteLength);
  buf[pos++] = T_TYPED;
  buf[pos++] = kind;
  writeVarint(byteLength);
  padTo8();
  if (kind === KIND_DATAVIEW) {
    buf.set(new Uint8Array(buffer, o.byteOffset, byteLength), pos);
  } else {
    // Same-type set over an aligned scratch view is a plain memcpy; pos is 8-aligned so pos / BPE is exact.
    kindView(kind).set(o as Uint8Array, pos / (VIEW_BPE[kind] as number));
  }
  pos += byteLength;
}

function writeArrayBuffer(ab: ArrayBuffer): void {
  if ((ab as { resizable?: boolean }).resizable === true) throw FALLBACK;
  const byteLength = ab.byteLength;
  if (byteLength === 0 && isDetached(ab)) throw FALLBACK;
  ensure(14 + byteLength);
  buf[pos++] = T_ARRAYBUFFER;
  writeVarint(byteLength);
  padTo8();
  buf.set(new Uint8Array(ab), pos);
  pos += byteLength;
}

/** All-number arrays as one raw block: one typed store per element instead of a tagged value. Returns false (nothing written) if any element is not a number. */
function writeNumberArray(a: unknown[], n: number): boolean {
  let allInt = true;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (typeof v !== 'number') return false; // includes holes; the generic path deals with them
    if (allInt && ((v | 0) !== v || (v === 0 && 1 / v < 0))) allInt = false;
  }
  const width = allInt ? 4 : 8;
  ensure(13 + n * width);
  buf[pos++] = allInt ? T_I32_ARRAY : T_F64_ARRAY;
  writeVarint(n);
  padTo8();
  const view = kindView(allInt ? KIND_INT32 : KIND_FLOAT64) as unknown as number[];
  const base = pos / width;
  for (let i = 0; i < n; i++) view[base + i] = a[i] as number;
  pos += n * width;
  return true;
}

// Shapes: the key list of a plain object is written once per message (T_SHAPE_DEF) and later objects with
// the same keys in the same order refer to it by number (T_SHAPED). Arrays of records then cost one varint
// per record instead of their keys, and the decoder can build them with a compiled factory (see readShaped).
// Object.keys returns interned property-name strings, so comparing key lists is pointer compares.

/** Key lists defined so far in the message being encoded, by shape number. */
const encShapes: (string[] | undefined)[] = [];
let encShapeCount = 0;
/** How many of the most recent shapes the encoder searches: records in an array hit at once. */
const SHAPE_SCAN = 8;
const SHAPES_PER_MESSAGE = 4096;
const SHAPE_MAX_KEYS = 32;

function clearShapes(): void {
  for (let i = 0; i < encShapeCount; i++) encShapes[i] = undefined;
  encShapeCount = 0;
}

function findShape(keys: string[], n: number): number {
  const k0 = keys[0];
  const stop = encShapeCount > SHAPE_SCAN ? encShapeCount - SHAPE_SCAN : 0;
  for (let j = encShapeCount - 1; j >= stop; j--) {
    const shape = encShapes[j] as string[];
    if (shape.length !== n || shape[0] !== k0) continue;
    let i = 1;
    while (i < n && shape[i] === keys[i]) i++;
    if (i === n) return j;
  }
  return -1;
}

function writePlain(o: object): void {
  const keys = Object.keys(o);
  const n = keys.length;
  ensure(6);
  if (n > 0 && n <= SHAPE_MAX_KEYS) {
    const id = findShape(keys, n);
    if (id >= 0) {
      buf[pos++] = T_SHAPED;
      writeVarint(id);
    } else if (encShapeCount < SHAPES_PER_MESSAGE) {
      encShapes[encShapeCount++] = keys;
      buf[pos++] = T_SHAPE_DEF;
      writeVarint(n);
      for (let i = 0; i < n; i++) writeString(keys[i] as string);
    } else {
      writeKeyedObject(o, keys, n);
      return;
    }
    for (let i = 0; i < n; i++) writeValue((o as Record<string, unknown>)[keys[i] as string]);
    return;
  }
  writeKeyedObject(o, keys, n);
}

/** Keys inline, for objects too big for a shape (or past the per-message shape limit). */
function writeKeyedObject(o: object, keys: string[], n: number): void {
  buf[pos++] = T_OBJECT;
  writeVarint(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    writeString(k);
    writeValue((o as Record<string, unknown>)[k]);
  }
}

function writeArray(a: unknown[]): void {
  const n = a.length;
  if (n >= NUMBER_ARRAY_MIN && typeof a[0] === 'number' && writeNumberArray(a, n)) return;
  ensure(6);
  buf[pos++] = T_ARRAY;
  writeVarint(n);
  for (let i = 0; i < n; i++) {
    const el = a[i];
    if (el === undefined && !(i in a)) throw FALLBACK; // hole: structured clone keeps it, V8 can
    writeValue(el);
  }
}

function writeObject(o: object): void {
  markSeen(o);
  // Classify by `constructor`, an inline-cached prototype-chain load; Object.getPrototypeOf at this
  // polymorphic site is a runtime call costing more than the rest of a small object. Finding Object there
  // means an ordinary object, and for any ordinary object structured clone sends exactly its own enumerable
  // string keys, whatever its prototype: that is writePlain. (An exotic object whose `constructor` was
  // overwritten with Object would be misread; nothing does that by accident.)
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === Object) writePlain(o);
  else if (ctor === Array && Array.isArray(o)) writeArray(o as unknown[]);
  else writeOtherObject(o);
}

function writeOtherObject(o: object): void {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto === ObjectProto || proto === null) {
    writePlain(o); // null prototype, or an own `constructor` property shadowing Object's
  } else if (proto === ArrayProto && Array.isArray(o)) {
    writeArray(o as unknown[]);
  } else if (ArrayBuffer.isView(o)) {
    writeView(o);
  } else if (proto === MapProto) {
    const m = o as Map<unknown, unknown>;
    ensure(6);
    buf[pos++] = T_MAP;
    const size = m.size;
    writeVarint(size);
    let count = 0;
    for (const [k, v] of m) {
      writeValue(k);
      writeValue(v);
      count++;
    }
    if (count !== size) throw FALLBACK; // mutated while we walked it (a getter did it); let V8 take a coherent snapshot
  } else if (proto === SetProto) {
    const s = o as Set<unknown>;
    ensure(6);
    buf[pos++] = T_SET;
    const size = s.size;
    writeVarint(size);
    let count = 0;
    for (const v of s) {
      writeValue(v);
      count++;
    }
    if (count !== size) throw FALLBACK;
  } else if (proto === DateProto) {
    ensure(9);
    buf[pos] = T_DATE;
    dv.setFloat64(pos + 1, (o as Date).getTime(), HOST_LE);
    pos += 9;
  } else if (proto === ArrayBufferProto) {
    writeArrayBuffer(o as ArrayBuffer);
  } else {
    throw FALLBACK;
  }
}

function writeValue(v: unknown): void {
  switch (typeof v) {
    case 'number':
      writeNumber(v);
      return;
    case 'string':
      writeString(v);
      return;
    case 'object':
      if (v === null) {
        ensure(1);
        buf[pos++] = T_NULL;
      } else {
        writeObject(v);
      }
      return;
    case 'boolean':
      ensure(1);
      buf[pos++] = v ? T_TRUE : T_FALSE;
      return;
    case 'undefined':
      ensure(1);
      buf[pos++] = T_UNDEFINED;
      return;
    case 'bigint':
      writeBigInt(v);
      return;
    default:
      // function / symbol: let V8 fail and then locate the culprit for the error message.
      throw FALLBACK;
  }
}

function v8Serialize(value: unknown): Buffer {
  try {
    // Plain v8.Serializer, not v8.serialize: the latter's DefaultSerializer turns typed arrays into
    // host objects (Buffer stays Buffer, views sharing a buffer stop sharing). Plain V8 is structured clone.
    const ser = new v8.Serializer();
    ser.writeHeader();
    ser.writeValue(value);
    return ser.releaseBuffer();
  } catch (err) {
    throw toCloneError(value, err);
  }
}

function encodeV8(value: unknown): Uint8Array {
  const payload = v8Serialize(value);
  pos = 0;
  ensure(1 + payload.length);
  buf[0] = FMT_V8;
  buf.set(payload, 1);
  pos = 1 + payload.length;
  return resultView(pos);
}

/**
 * Encode any structured-clone-able value. Returns a view into an internal scratch buffer that is
 * valid only until the next encodeObject call (callers copy it if they keep it).
 */
export function encodeObject(value: unknown): Uint8Array {
  if (encoding) {
    // Re-entered from a getter while encoding: the scratch is busy, so give this call its own memory.
    const payload = v8Serialize(value);
    const out = new Uint8Array(1 + payload.length);
    out[0] = FMT_V8;
    out.set(payload, 1);
    return out;
  }
  encoding = true;
  try {
    // After a huge message, start again small. The old (huge) result is never written again, so it stays
    // valid for whoever still holds it and is garbage collected after.
    if (cap > KEEP_MAX) setScratch(Buffer.allocUnsafeSlow(INITIAL_CAPACITY));
    buf[0] = FMT_FAST;
    pos = 1;
    try {
      writeValue(value);
    } catch (err) {
      if (err !== FALLBACK) throw err;
      clearSeen();
      clearShapes();
      return encodeV8(value);
    }
    return resultView(pos);
  } finally {
    clearSeen();
    clearShapes();
    encoding = false;
  }
}

// ---------------------------------------------------------------------------
// Non-serialisable values: find what and where, for a useful TypeError.

interface Culprit {
  what: string;
  path: string;
}

function describeObject(o: object): string {
  if (utilTypes.isProxy(o)) return 'Proxy';
  const tag = Object.prototype.toString.call(o).slice(8, -1);
  const ctorName = (o as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctorName === 'string' && ctorName !== '' ? ctorName : tag;
}

function propPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function v8Accepts(o: unknown): boolean {
  try {
    const ser = new v8.Serializer();
    ser.writeHeader();
    ser.writeValue(o);
    return true;
  } catch {
    return false;
  }
}

function findCulprit(v: unknown, path: string, visited: Set<object>): Culprit | undefined {
  if (typeof v === 'function') return { what: 'function', path };
  if (typeof v === 'symbol') return { what: 'symbol', path };
  if (typeof v !== 'object' || v === null || visited.has(v)) return undefined;
  visited.add(v);
  if (utilTypes.isProxy(v)) return { what: 'Proxy', path };
  if (v instanceof SharedArrayBuffer) return { what: 'SharedArrayBuffer', path };
  if (v instanceof ArrayBuffer) return isDetached(v) ? { what: 'detached ArrayBuffer', path } : undefined;
  if (ArrayBuffer.isView(v)) {
    if (v.buffer instanceof SharedArrayBuffer) return { what: `${describeObject(v)} on a SharedArrayBuffer`, path };
    return isDetached(v.buffer) ? { what: `${describeObject(v)} on a detached ArrayBuffer`, path } : undefined;
  }
  let children: [unknown, string][];
  if (v instanceof Map) {
    children = [];
    let i = 0;
    for (const [k, val] of v) {
      const keyText = typeof k === 'string' || typeof k === 'number' ? JSON.stringify(k) : `<key #${i}>`;
      children.push([k, `${path}.<key #${i}>`], [val, `${path}.get(${keyText})`]);
      i++;
    }
  } else if (v instanceof Set) {
    children = [...v].map((val, i) => [val, `${path}.<entry #${i}>`]);
  } else if (Array.isArray(v)) {
    children = Object.keys(v).map((k) => [v[k as unknown as number], /^\d+$/.test(k) ? `${path}[${k}]` : propPath(path, k)]);
  } else if (v instanceof Error) {
    children = 'cause' in v ? [[v.cause, `${path}.cause`]] : [];
  } else {
    children = Object.keys(v).map((k) => [(v as Record<string, unknown>)[k], propPath(path, k)]);
  }
  for (const [child, childPath] of children) {
    const found = findCulprit(child, childPath, visited);
    if (found !== undefined) return found;
  }
  // Children are fine; the object itself may still be uncloneable (native handle, WeakMap, Promise...).
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === ObjectProto || proto === null || Array.isArray(v) || v instanceof Map || v instanceof Set) return undefined;
  return v8Accepts(v) ? undefined : { what: describeObject(v), path };
}

function toCloneError(value: unknown, err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (!/could not be cloned|host object/i.test(message)) return err; // e.g. a getter threw: propagate as is
  let culprit: Culprit | undefined;
  try {
    culprit = findCulprit(value, 'value', new Set());
  } catch {
    culprit = undefined;
  }
  return culprit !== undefined
    ? new TypeError(`cannot serialise ${culprit.what} at ${culprit.path}`, { cause: err })
    : new TypeError(`cannot serialise value: ${message}`, { cause: err });
}

// ---------------------------------------------------------------------------
// Decoder state (module-level for speed; decodeObject runs no user code, so no re-entry).

const EMPTY = new Uint8Array(0);
let rb: Uint8Array = EMPTY;
let rp = 0;
let rend = 0;
let rOwned = false;
let rSharedChecked = false;
let rNoAlias = false;

/** Short ASCII strings recur (keys, enum-like values): cache them by content to skip allocation. Verified byte by byte on hit. */
const strCache: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);

function corrupt(what: string): RangeError {
  return new RangeError(`corrupt message: ${what} at byte ${rp}`);
}

function need(n: number): void {
  if (n > rend - rp) throw corrupt(`truncated (need ${n} bytes)`);
}

function readByte(): number {
  if (rp >= rend) throw corrupt('truncated');
  return rb[rp++] as number;
}

function readVarint(): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    const b = readByte();
    result += (b & 0x7f) * scale;
    if (b < 0x80) return result;
    scale *= 128;
  }
  throw corrupt('varint too long');
}

/** A count of items each taking at least one byte: bounding it by the bytes left stops corrupt input from allocating or looping wildly. */
function readCount(): number {
  const n = readVarint();
  if (n > rend - rp) throw corrupt(`count ${n} exceeds remaining bytes`);
  return n;
}

function read8Raw(): void {
  need(8);
  for (let i = 0; i < 8; i++) tmpU8[i] = rb[rp + i] as number;
  rp += 8;
}

function readUtf8(len: number): string {
  need(len);
  const b = rb; // locals: module `let`s are reloaded on every access in the loops below
  const start = rp;
  const end = start + len;
  rp = end;
  if (len > SHORT_STRING) return len > UTF8_SLICE_MAX ? utf8SliceHuge(b, start, end) : utf8Slice.call(b, start, end);
  let h = len;
  for (let i = start; i < end; i++) {
    const c = b[i] as number;
    if (c >= 0x80) return utf8Slice.call(b, start, end);
    h = (Math.imul(h, 31) + c) | 0;
  }
  const slot = (h ^ (h >>> 12)) & 4095;
  const cached = strCache[slot];
  if (cached !== undefined && cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === b[start + i]) i++;
    if (i === len) {
      lastStrSlot = slot;
      return cached;
    }
  }
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number);
  strCache[slot] = s;
  lastStrSlot = slot;
  return s;
}

/**
 * UTF-8 bytes b[start, end) beyond UTF8_SLICE_MAX as a string: transcoded to
 * UTF-16 first, which V8 takes by its length in code units (at most the
 * longest string for any message made from a string; a longer one, from a
 * corrupt message, throws RangeError). Also several times faster than V8's
 * own UTF-8 decoding of non-ASCII text (1 GiB: seconds instead of tens).
 */
function utf8SliceHuge(b: Uint8Array, start: number, end: number): string {
  // transcode is undefined in a Node.js built without ICU: decode in pieces there.
  if (typeof transcode !== 'function') return utf8SliceInPieces(b, start, end);
  const utf16 = transcode(b.subarray(start, end), 'utf8', 'ucs2');
  return ucs2Slice.call(utf16, 0, utf16.length);
}

/** The same, decoding at most UTF8_SLICE_MAX bytes at a time and joining the pieces. */
function utf8SliceInPieces(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let at = start; at < end;) {
    let cut = Math.min(end, at + UTF8_SLICE_MAX);
    // Cut before a character's first byte, never inside it: back over continuation bytes (10xxxxxx, at most 3).
    if (cut < end) {
      const floor = cut - 3;
      while (cut > floor && ((b[cut] as number) & 0xc0) === 0x80) cut--;
    }
    s += utf8Slice.call(b, at, cut);
    at = cut;
  }
  return s;
}

function readU32(): number {
  need(4);
  const v = ((rb[rp] as number) | ((rb[rp + 1] as number) << 8) | ((rb[rp + 2] as number) << 16)) + (rb[rp + 3] as number) * 0x1000000;
  rp += 4;
  return v;
}

function readAscii(len: number): string {
  if (len <= SHORT_STRING) return readUtf8(len);
  need(len);
  const start = rp;
  rp += len;
  return latin1Slice.call(rb, start, rp);
}

function readStringWithTag(tag: number): string {
  if (tag >= T_STR_INLINE && tag < T_SMALLINT) return readUtf8(tag - T_STR_INLINE);
  switch (tag) {
    case T_STR8:
      return readUtf8(readByte());
    case T_STR32:
      return readUtf8(readU32());
    case T_ASCII8:
      return readAscii(readByte());
    case T_ASCII32:
      return readAscii(readU32());
    case T_STR16: {
      const units = readVarint();
      need(units * 2);
      const start = rp;
      rp += units * 2;
      return ucs2Slice.call(rb, start, rp);
    }
    default:
      throw corrupt(`expected a string, found tag 0x${tag.toString(16)}`);
  }
}

/** A private ArrayBuffer holding exactly rb[start, start + length). */
function copyOut(start: number, length: number): ArrayBuffer {
  // Uninitialised memory is fine (every byte is overwritten at once) and skips calloc's zeroing, a large share of
  // the cost for big payloads. allocUnsafeSlow, not allocUnsafe: never a slice of Node's shared pool.
  const ab = length >= 4096 ? (Buffer.allocUnsafeSlow(length).buffer as ArrayBuffer) : new ArrayBuffer(length);
  new Uint8Array(ab).set(rb.subarray(start, start + length));
  return ab;
}

function canAlias(): boolean {
  // Never alias shared memory, even if the caller claims ownership: another thread could change it under us.
  // Nor the encoder's scratch (decodeObject(encodeObject(x), true) is a plausible slip): the next encode would
  // overwrite the decoded arrays.
  if (!rSharedChecked) {
    const backing = rb.buffer;
    rNoAlias = !(backing instanceof ArrayBuffer) || backing === buf.buffer;
    rSharedChecked = true;
  }
  return !rNoAlias;
}

function readView(): ArrayBufferView {
  const kind = readByte();
  const ctor = VIEW_CTORS[kind];
  if (ctor === undefined) throw corrupt(`bad typed array kind ${kind}`);
  const byteLength = readVarint();
  rp += (-rp) & 7; // skip padding to 8, relative to message start (mirrors padTo8)
  if (rp > rend) throw corrupt('truncated');
  need(byteLength);
  const bpe = VIEW_BPE[kind] as number;
  if (byteLength % bpe !== 0) throw corrupt('typed array length not a multiple of its element size');
  const start = rp;
  rp += byteLength;
  const absolute = rb.byteOffset + start;
  if (rOwned && byteLength >= ALIAS_MIN_BYTES && absolute % bpe === 0 && canAlias()) {
    // Zero-copy: the caller gave up the bytes, and the payload is aligned for this element type.
    return new ctor(rb.buffer as ArrayBuffer, absolute, kind === KIND_DATAVIEW ? byteLength : byteLength / bpe);
  }
  return new ctor(copyOut(start, byteLength), 0, kind === KIND_DATAVIEW ? byteLength : byteLength / bpe);
}

function readNumberArray(width: 4 | 8): number[] {
  const n = readVarint();
  rp += (-rp) & 7;
  if (rp > rend) throw corrupt('truncated');
  need(n * width);
  const start = rp;
  rp += n * width;
  const a = new Array<number>(n); // filled below; preallocating beats push by ~3x
  const absolute = rb.byteOffset + start;
  if (absolute % width === 0) {
    const view = width === 4 ? new Int32Array(rb.buffer, absolute, n) : new Float64Array(rb.buffer, absolute, n);
    for (let i = 0; i < n; i++) a[i] = view[i] as number;
  } else {
    // Misaligned (message not placed 8-aligned by the caller): DataView reads any offset.
    const d = new DataView(rb.buffer, absolute, n * width);
    if (width === 4) for (let i = 0; i < n; i++) a[i] = d.getInt32(i * 4, HOST_LE);
    else for (let i = 0; i < n; i++) a[i] = d.getFloat64(i * 8, HOST_LE);
  }
  return a;
}

// Objects. Adding properties one by one with computed keys goes through V8's megamorphic store path
// (~20-30 ns a property). For key sets that recur (records, the same message type sent in a loop) we
// compile a factory `(s, b) => ({"k0": s[b], "k1": s[b + 1], ...})` that allocates the object with its
// final layout at once: 2x faster for two keys, 4x for ten. Shapes are kept across messages, found
// through the string-cache slot of their first key, and compiled only after SHAPE_COMPILE_AFTER objects
// (compiling costs tens of microseconds), with a global cap so one-off key sets cannot grow it unbounded.

interface Shape {
  keys: string[];
  hits: number;
  make: ((s: unknown[], b: number) => object) | undefined;
}

const SHAPE_COMPILE_AFTER = 8;
const SHAPE_MAX = 2048;
const SHAPES_PER_SLOT = 8;
const shapesBySlot: (Shape[] | undefined)[] = new Array<Shape[] | undefined>(4096).fill(undefined);
let shapeCount = 0;
/** False once `new Function` is refused (--disallow-code-generation-from-strings); objects are then built key by key. */
let shapesEnabled = true;
/** Cache slot of the string readUtf8 just returned, or -1: lets readShapeDef find shapes without hashing again. */
let lastStrSlot = -1;
/** Shapes defined so far in the message being decoded, by shape number. */
const decShapes: (Shape | undefined)[] = [];
let decShapeCount = 0;
/** Values of objects being decoded, nested objects stacked above their parents; cleared after use so nothing is retained. */
const valueStack: unknown[] = [];
let stackTop = 0;

function compileShape(keys: string[]): Shape['make'] {
  if (keys.includes('__proto__')) return undefined; // in a literal it would set the prototype
  try {
    const body = keys.map((k, i) => `${JSON.stringify(k)}: s[b + ${i}]`).join(', ');
    return new Function('s', 'b', `return { ${body} };`) as Shape['make'];
  } catch {
    shapesEnabled = false;
    return undefined;
  }
}

/** Keys of the shape definition being read (keys are strings, so definitions never nest). */
const keyScratch: string[] = [];

/** The long-lived Shape for keyScratch[0, n): an existing one, a new registered one, or (cache full / uncacheable) a throwaway that is never compiled. */
function internShape(n: number, slot: number): Shape {
  const keys = keyScratch;
  const list = slot >= 0 ? shapesBySlot[slot] : undefined;
  if (list !== undefined) {
    for (let j = 0; j < list.length; j++) {
      const shape = list[j] as Shape;
      const known = shape.keys;
      if (known.length !== n) continue;
      let i = 0;
      while (i < n && known[i] === keys[i]) i++;
      if (i === n) return shape;
    }
  }
  if (slot < 0 || shapeCount >= SHAPE_MAX || (list !== undefined && list.length >= SHAPES_PER_SLOT)) {
    return { keys: keys.slice(0, n), hits: -Infinity, make: undefined };
  }
  const shape: Shape = { keys: keys.slice(0, n), hits: 0, make: undefined };
  if (list === undefined) shapesBySlot[slot] = [shape];
  else list.push(shape);
  shapeCount++;
  return shape;
}

function readShapeDef(): object {
  const n = readCount();
  if (n === 0) throw corrupt('empty shape');
  if (n > SHAPE_MAX_KEYS) throw corrupt(`shape of ${n} keys`);
  let slot = -1;
  for (let i = 0; i < n; i++) {
    const t = readByte();
    lastStrSlot = -1;
    keyScratch[i] = t >= T_STR_INLINE && t < T_SMALLINT ? readUtf8(t - T_STR_INLINE) : readStringWithTag(t);
    if (i === 0) slot = lastStrSlot;
  }
  const shape = internShape(n, slot);
  decShapes[decShapeCount++] = shape;
  return readShaped(shape);
}

function readShaped(shape: Shape): object {
  const keys = shape.keys;
  const n = keys.length;
  const base = stackTop;
  const top = base + n;
  while (valueStack.length < top) valueStack.push(undefined);
  stackTop = top; // nested objects stack above this one
  for (let i = base; i < top; i++) valueStack[i] = readValue();
  let o: object;
  if (shape.make !== undefined) {
    o = shape.make(valueStack, base);
  } else {
    if (++shape.hits === SHAPE_COMPILE_AFTER && shapesEnabled) shape.make = compileShape(keys);
    const plain: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) setOwn(plain, keys[i] as string, valueStack[base + i]);
    o = plain;
  }
  for (let i = base; i < top; i++) valueStack[i] = undefined;
  stackTop = base;
  return o;
}

function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  // An own "__proto__" key (e.g. from JSON.parse) must stay a property, not become the prototype.
  // (Plain assignment would also run a setter someone put on Object.prototype; defineProperty for every
  // key to rule that out costs ~5x, and compiled shapes, which use literals, are immune anyway.)
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

function readKeyedObject(): object {
  const n = readCount();
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const t = readByte();
    const key = t >= T_STR_INLINE && t < T_SMALLINT ? readUtf8(t - T_STR_INLINE) : readStringWithTag(t);
    setOwn(o, key, readValue());
  }
  return o;
}

function readValue(): unknown {
  const tag = readByte();
  if (tag >= T_SMALLINT) return tag - T_SMALLINT;
  if (tag >= T_STR_INLINE) return readUtf8(tag - T_STR_INLINE);
  switch (tag) {
    case T_UNDEFINED:
      return undefined;
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_INT8:
      return (readByte() << 24) >> 24;
    case T_INT32: {
      need(4);
      const v = (rb[rp] as number) | ((rb[rp + 1] as number) << 8) | ((rb[rp + 2] as number) << 16) | ((rb[rp + 3] as number) << 24);
      rp += 4;
      return v;
    }
    case T_FLOAT64:
      read8Raw();
      return tmpF64[0];
    case T_STR8:
    case T_STR32:
    case T_STR16:
    case T_ASCII8:
    case T_ASCII32:
      return readStringWithTag(tag);
    case T_ARRAY: {
      const n = readCount();
      const a = new Array<unknown>(n); // preallocate and fill: ~3x faster than push
      for (let i = 0; i < n; i++) a[i] = readValue();
      return a;
    }
    case T_OBJECT:
      return readKeyedObject();
    case T_SHAPE_DEF:
      return readShapeDef();
    case T_SHAPED: {
      const id = readVarint();
      if (id >= decShapeCount) throw corrupt(`unknown shape #${id}`);
      return readShaped(decShapes[id] as Shape);
    }
    case T_MAP: {
      const n = readCount();
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) {
        const k = readValue();
        m.set(k, readValue());
      }
      return m;
    }
    case T_SET: {
      const n = readCount();
      const s = new Set<unknown>();
      for (let i = 0; i < n; i++) s.add(readValue());
      return s;
    }
    case T_DATE:
      read8Raw();
      return new Date(tmpF64[0] as number);
    case T_BIGINT64:
      read8Raw();
      return tmpI64[0];
    case T_BIGINT: {
      const neg = readByte();
      const n = readVarint();
      need(n);
      const hex = utf8Slice.call(rb, rp, rp + n);
      rp += n;
      if (neg > 1 || !/^[0-9a-f]+$/.test(hex)) throw corrupt('bad bigint');
      const big = BigInt(`0x${hex}`);
      return neg === 1 ? -big : big;
    }
    case T_TYPED:
      return readView();
    case T_I32_ARRAY:
      return readNumberArray(4);
    case T_F64_ARRAY:
      return readNumberArray(8);
    case T_ARRAYBUFFER: {
      const byteLength = readVarint();
      rp += (-rp) & 7;
      if (rp > rend) throw corrupt('truncated');
      need(byteLength);
      const ab = copyOut(rp, byteLength); // always a copy: an ArrayBuffer cannot be a window on another
      rp += byteLength;
      return ab;
    }
    default:
      throw corrupt(`unknown tag 0x${tag.toString(16)}`);
  }
}

function decodeV8(bytes: Uint8Array): unknown {
  try {
    // Plain V8 deserialisation copies every ArrayBuffer it creates, so the result never aliases `bytes`.
    const des = new v8.Deserializer(bytes.subarray(1));
    des.readHeader();
    return des.readValue();
  } catch (err) {
    throw new RangeError(`corrupt message: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Decode bytes produced by encodeObject. `bytes` may be a view on SharedArrayBuffer memory or at any
 * byteOffset. If `owned` is true the caller gives up the bytes (private, non-shared memory) and decoded
 * typed arrays MAY be views into bytes.buffer (no copy) when alignment allows; if false the result must
 * never alias `bytes`.
 */
export function decodeObject(bytes: Uint8Array, owned = false): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeObject expects a Uint8Array');
  const format = bytes.length > 0 ? bytes[0] : undefined;
  if (format === FMT_V8) return decodeV8(bytes);
  if (format !== FMT_FAST) throw new RangeError(`corrupt message: ${format === undefined ? 'empty' : `unknown format byte 0x${format.toString(16)}`}`);
  // Normalise Buffer to a plain Uint8Array: Buffer overrides slice/subarray semantics and species.
  rb = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  rp = 1;
  rend = bytes.length;
  rOwned = owned;
  rSharedChecked = false;
  stackTop = 0;
  decShapeCount = 0;
  try {
    const value = readValue();
    if (rp !== rend) throw corrupt(`${rend - rp} trailing bytes`);
    return value;
  } catch (err) {
    valueStack.fill(undefined); // an aborted decode leaves values on the stack: drop them
    if (err instanceof RangeError) throw err;
    throw new RangeError(`corrupt message: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    rb = EMPTY; // do not keep the caller's (possibly huge) message alive
    for (let i = 0; i < decShapeCount; i++) decShapes[i] = undefined;
  }
}


// ---- the codec of object messages (MPI.pickle) -------------------------------

/**
 * How object messages turn values into bytes and back. `dumps` may return a
 * scratch view (callers copy what they keep, as for encodeObject); `loads`
 * must not keep `bytes` unless `owned` (as for decodeObject).
 */
export interface ObjectCodec {
  dumps(value: unknown): Uint8Array;
  loads(bytes: Uint8Array, owned: boolean): unknown;
}

/** This module's codec: what internal messages always use, and object messages by default. */
export const builtinCodec: ObjectCodec = { dumps: encodeObject, loads: decodeObject };

let current: ObjectCodec = builtinCodec;

/**
 * The items of an object message with one item per process (`scatter` at
 * the root, `alltoall`, `neighbor_alltoall`), read as mpi4py's pickle_dumpv:
 * null or undefined is `n` nulls (Python's `[None] * n`), any other iterable
 * gives its items (Python's `list(obj)`); a count other than `n` is a
 * RangeError (Python's ValueError), anything not iterable a TypeError.
 */
export function objectItems(routine: string, arg: string, obj: unknown, n: number): unknown[] {
  if (obj === null || obj === undefined) return new Array<unknown>(n).fill(null);
  if (typeof (Object(obj) as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError(`${routine}: ${arg} must be an iterable of ${n} items (or null), got ${typeof obj === 'object' ? describeObject(obj) : typeof obj}`);
  }
  const items = Array.from(obj as Iterable<unknown>);
  if (items.length !== n) throw new RangeError(`${routine}: expecting ${n} items in ${arg}, got ${items.length}`);
  return items;
}

/** Install `codec` for this thread's object messages (api/pickle.ts: `MPI.pickle.__init__(dumps, loads)`). */
export function setMessageCodec(codec: ObjectCodec): void {
  current = codec;
}

/** The codec user object messages (`comm.send(obj)`, `bcast`, ...) use now: MPI.pickle's. */
export function messageCodec(): ObjectCodec {
  return current;
}
