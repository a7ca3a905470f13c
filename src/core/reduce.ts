/**
 * Reduction operations (`MPI_Op`), transport-independent: how two operands
 * combine, as JavaScript values (the lower-case `reduce`/`allreduce` family)
 * and element-wise on typed memory (`Reduce`, `Allreduce`, `Reduce_local`).
 *
 * Order: `combine(a, b)` and `combineBuffers(dst, a, b)` take `a` from the
 * lower ranks. Collectives reduce in rank order, so non-commutative user
 * operations give the same result on every run.
 *
 * Buffers are reduced in packed form, the form messages travel in
 * (`outgoing(m)` / `incoming(m)` of core/pack.ts): `count * type.size` bytes,
 * each element's blocks back to back. For contiguous types that is the user's
 * memory itself; non-contiguous data is packed first and unpacked after.
 * Derived types of one element kind reduce element-wise over their basic
 * elements (MPI allows predefined operations on them); pair types
 * (`type.pair`) hold, packed, the value and then its int32 index.
 *
 * Buffers follow C on the element kind: integers wrap around, FLOAT rounds to
 * single precision, MAX/MIN are plain comparisons (`a > b ? a : b`, so a NaN
 * in `b` wins and a NaN in `a` loses, as in MPICH), logical operations give
 * 0/1. Which operation applies to which kind follows the MPI standard:
 * SUM/PROD/MAX/MIN on integers and floats, LAND/LOR/LXOR on integers and
 * booleans, BAND/BOR/BXOR on integers, MAXLOC/MINLOC on value-index pairs,
 * REPLACE/NO_OP on anything. Anything else raises ERR_OP.
 *
 * Objects follow mpi4py, whose operations are Python's operators: SUM is `+`
 * (numbers, BigInts, strings, arrays concatenate like Python lists, typed
 * arrays add element-wise like NumPy arrays), MAX/MIN compare like Python
 * (numbers, strings, arrays lexicographically), LAND/LOR/LXOR give booleans.
 */
import { elementSize, type ElementKind, type TypeDesc } from './datatype.js';
import { ERR_COUNT, ERR_OP, MpiFailure } from './errorcodes.js';

/** A reduction operation, predefined or user-defined. */
export interface ReduceOp {
  /** 'SUM', 'MAX', ... for predefined operations, 'user' for created ones. */
  readonly name: string;
  /** Whether the operation may be applied in any order (MPI's `commute`). */
  readonly commute: boolean;
  /**
   * `a op b` on JavaScript values; `a` comes from the lower ranks. Throws a
   * TypeError naming the operation and the values' types when the operation
   * does not apply (RangeError for typed arrays of different lengths).
   */
  combine(a: unknown, b: unknown): unknown;
  /**
   * Element-wise on `count` elements of `type`: `dst[i] = a[i] op b[i]`.
   * `a`, `b` and `dst` hold the elements packed (`count * type.size` bytes,
   * see above; longer views are fine, bytes past that are not touched), at
   * any alignment; `dst` may be the same memory as `a` or `b` (not a partial
   * overlap). Throws `MpiFailure(ERR_OP)` when the operation is not defined
   * for the type (BAND on DOUBLE, MAXLOC on INT, ...), `MpiFailure(ERR_COUNT)`
   * when a view is too short.
   */
  combineBuffers(dst: Uint8Array, a: Uint8Array, b: Uint8Array, count: number, type: TypeDesc): void;
  /**
   * The kernel behind `combineBuffers` on `type`, for callers that combine
   * the same memory again and again and keep their own views of it (the
   * shared-memory ring of coll/shm.ts): undefined where there is none (user
   * operations, REPLACE, NO_OP, MAXLOC, MINLOC, types of mixed kinds).
   */
  direct?(type: TypeDesc): DirectKernel | undefined;
}

/**
 * `run(d, a, b, n)`: `d = a op b` on the first `n` elements, where `d`, `a`
 * and `b` are views of `array` (as `typedOf` makes them); `d` may be `a`
 * or `b`. `elementBytes`: the bytes of one element.
 */
export interface DirectKernel {
  readonly run: (d: ArrayBufferView, a: ArrayBufferView, b: ArrayBufferView, n: number) => void;
  readonly array: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;
  readonly elementBytes: number;
}

export type PredefinedOpName =
  | 'SUM' | 'PROD' | 'MAX' | 'MIN' | 'LAND' | 'LOR' | 'LXOR' | 'BAND' | 'BOR' | 'BXOR'
  | 'MAXLOC' | 'MINLOC' | 'REPLACE' | 'NO_OP';

/**
 * A user function as `MPI.Op.Create` takes it. On objects it is called as
 * `fn(a, b)` and returns the result. On buffers it is called as
 * `fn(invec, inoutvec, datatype)` with typed views of the element kind
 * (Float64Array for DOUBLE, BigInt64Array for LONG, Uint8Array for C_BOOL
 * and for types without one element kind) over the packed elements, and must
 * leave `invec op inoutvec` in `inoutvec`; its return value is ignored.
 * `invec` holds the lower ranks' operand.
 */
export type UserFunction = (a: any, b: any, datatype?: any) => unknown;

// ---------------------------------------------------------------------------
// Memory helpers

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the low and high 32-bit word of a 64-bit integer in a Uint32Array. */
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/** A kernel: `d[i] = a[i] op b[i]` for `n` elements, on views of the kind's kernel array. */
type Kernel = (d: ArrayBufferView, a: ArrayBufferView, b: ArrayBufferView, n: number) => void;

type KernelArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

/** The typed array a kernel works on, and how many of its items make one element. */
const kernelArray: Readonly<Record<ElementKind, readonly [KernelArrayCtor, number]>> = {
  int8: [Int8Array, 1], uint8: [Uint8Array, 1], bool: [Uint8Array, 1],
  int16: [Int16Array, 1], uint16: [Uint16Array, 1], int32: [Int32Array, 1], uint32: [Uint32Array, 1],
  // 64-bit integers as pairs of 32-bit words: no BigInt allocation per element.
  int64: [Uint32Array, 2], uint64: [Uint32Array, 2],
  float32: [Float32Array, 1], float64: [Float64Array, 1],
  // Complex: (real, imaginary) pairs of floats.
  complex64: [Float32Array, 2], complex128: [Float64Array, 2],
};

/** The typed array user functions see for each kind. */
const userArray: Readonly<Record<ElementKind, KernelArrayCtor>> = {
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  float32: Float32Array, float64: Float64Array, complex64: Float32Array, complex128: Float64Array,
};

function sameMemory(x: Uint8Array, y: Uint8Array): boolean {
  return x.buffer === y.buffer && x.byteOffset === y.byteOffset;
}

/** A view of `length` items of `ctor` over `bytes`, or null when `bytes` is misaligned for it. */
function viewOf(ctor: KernelArrayCtor & { BYTES_PER_ELEMENT?: number }, bytes: Uint8Array, length: number): ArrayBufferView | null {
  const align = (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes.byteOffset % align !== 0) return null;
  return new ctor(bytes.buffer, bytes.byteOffset, length);
}

/** A copy of `bytes` in fresh (aligned) memory. */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}

function checkArgs(op: string, dst: Uint8Array, a: Uint8Array, b: Uint8Array, count: number, type: TypeDesc): number {
  if (!Number.isInteger(count) || count < 0) throw new MpiFailure(ERR_COUNT, `${op}: invalid count ${count}`);
  const bytes = count * type.size;
  if (dst.length < bytes || a.length < bytes || b.length < bytes) {
    const [name, v] = dst.length < bytes ? ['dst', dst] : a.length < bytes ? ['a', a] : ['b', b];
    throw new MpiFailure(ERR_COUNT, `${op} on ${count} ${type.name} needs ${bytes} bytes, ${name} has ${v.length}`);
  }
  return bytes;
}

// ---------------------------------------------------------------------------
// Kernels. Each (operation, kind) pair is its own compiled function, so every
// loop sees one typed-array class and V8 keeps it monomorphic: SUM of doubles
// runs at memory speed.

/** Element-wise expressions on `x` (from a) and `y` (from b), for kinds up to 32 bits and floats. */
const EXPR = {
  SUM: 'x + y',
  PROD: 'x * y',
  PROD_INT: 'Math.imul(x, y)', // exact low 32 bits; the store wraps to the kind
  MAX: 'x > y ? x : y',
  MIN: 'x < y ? x : y',
  LAND: '(x !== 0 && y !== 0) ? 1 : 0',
  LOR: '(x !== 0 || y !== 0) ? 1 : 0',
  LXOR: '((x !== 0) !== (y !== 0)) ? 1 : 0',
  BAND: 'x & y',
  BOR: 'x | y',
  BXOR: 'x ^ y',
} as const;

/**
 * A kernel from source. `label` makes every source text unique: V8 caches
 * compiled code by source text, type feedback included, and kernels of
 * different kinds sharing it would turn megamorphic (a hundred times slower).
 */
function compile(label: string, body: string): Kernel {
  return new Function('d', 'a', 'b', 'n', `'use strict'; // mpi4ts reduction kernel: ${label}\n${body}`) as Kernel;
}

/** Unrolled by 8: twice as fast as the plain loop on V8 (fewer loop checks, more loads in flight). */
function elementwise(label: string, expr: string): Kernel {
  const step = (k: number) => `{ const x = a[i + ${k}], y = b[i + ${k}]; d[i + ${k}] = ${expr}; }`;
  return compile(label, `let i = 0;
for (; i + 8 <= n; i += 8) {
  ${[0, 1, 2, 3, 4, 5, 6, 7].map(step).join('\n  ')}
}
for (; i < n; i++) ${step(0)}`);
}

/**
 * 64-bit integer kernels on pairs of 32-bit words (Uint32Array views, word
 * LO/HI of element i at 2i+LO, 2i+HI). `body` reads al, ah, bl, bh (unsigned
 * words) and assigns rl, rh; stores wrap modulo 2^32.
 */
function wide(label: string, body: string): Kernel {
  return compile(label, `for (let i = 0, k = 0; i < n; i++, k += 2) {
  const al = a[k + ${LO}], ah = a[k + ${HI}], bl = b[k + ${LO}], bh = b[k + ${HI}];
  let rl, rh;
  ${body}
  d[k + ${LO}] = rl; d[k + ${HI}] = rh;
}`);
}

const WIDE = {
  SUM: 'rl = al + bl; rh = ah + bh + (rl > 0xffffffff ? 1 : 0);',
  // (ah:al) * (bh:bl) mod 2^64: the full 64-bit product al*bl from 16-bit
  // halves, plus the low words of the cross products in the high word.
  PROD: `const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (mid & 0xffff) * 65536 + (p00 & 0xffff);
  rh = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh);`,
  MAX_S: 'const t = (ah | 0) > (bh | 0) || (ah === bh && al > bl); rl = t ? al : bl; rh = t ? ah : bh;',
  MIN_S: 'const t = (ah | 0) < (bh | 0) || (ah === bh && al < bl); rl = t ? al : bl; rh = t ? ah : bh;',
  MAX_U: 'const t = ah > bh || (ah === bh && al > bl); rl = t ? al : bl; rh = t ? ah : bh;',
  MIN_U: 'const t = ah < bh || (ah === bh && al < bl); rl = t ? al : bl; rh = t ? ah : bh;',
  LAND: 'rl = ((al | ah) !== 0 && (bl | bh) !== 0) ? 1 : 0; rh = 0;',
  LOR: 'rl = ((al | ah) !== 0 || (bl | bh) !== 0) ? 1 : 0; rh = 0;',
  LXOR: 'rl = (((al | ah) !== 0) !== ((bl | bh) !== 0)) ? 1 : 0; rh = 0;',
  BAND: 'rl = al & bl; rh = ah & bh;',
  BOR: 'rl = al | bl; rh = ah | bh;',
  BXOR: 'rl = al ^ bl; rh = ah ^ bh;',
} as const;

type ElementwiseOp = 'SUM' | 'PROD' | 'MAX' | 'MIN' | 'LAND' | 'LOR' | 'LXOR' | 'BAND' | 'BOR' | 'BXOR';

/** Whether `op` applies to `kind` (the MPI standard's groups of types). */
function applies(op: ElementwiseOp, kind: ElementKind): boolean {
  if (kind === 'bool') return op === 'LAND' || op === 'LOR' || op === 'LXOR';
  if (kind === 'float32' || kind === 'float64') return op === 'SUM' || op === 'PROD' || op === 'MAX' || op === 'MIN';
  // Complex numbers have no order: the arithmetic operations only.
  if (kind === 'complex64' || kind === 'complex128') return op === 'SUM' || op === 'PROD';
  return true;
}

const kernelCache = new Map<string, Kernel>();
/** Kernels by operation and kind, without building the label on every call. */
const kernelTable = new Map<ElementwiseOp, Map<ElementKind, Kernel | undefined>>();

/** The kernel of `op` on `kind`, compiled on first use; undefined when `op` does not apply. */
function kernelFor(op: ElementwiseOp, kind: ElementKind): Kernel | undefined {
  let byKind = kernelTable.get(op);
  if (byKind === undefined) kernelTable.set(op, (byKind = new Map()));
  if (byKind.has(kind)) return byKind.get(kind);
  const js = makeKernel(op, kind);
  const k = js !== undefined && nativeCombine !== null ? withNative(op, kind, js, nativeCombine) : js;
  byKind.set(kind, k);
  return k;
}

/**
 * Element-wise combines in native code (the embedded runtime's addon,
 * native/sched `combine`): `d = a op b` on `n` elements of kind
 * NATIVE_KINDS[kind] with operation NATIVE_OPS[op], true when done, false
 * when it declines (memory not aligned to the element, an operation the
 * kind lacks). GCC's vectorised loops run at memory speed where V8's run at
 * about a third of it: SUM of 131072 doubles 36 us against 110, of 256
 * 106 ns against 208, of 64 83 ns against 57 (the call costs ~60 ns), so
 * from NATIVE_COMBINE_MIN elements on (`node bench/micro/native-kernels.mjs`).
 */
type NativeCombine = (op: number, kind: number, d: ArrayBufferView, a: ArrayBufferView, b: ArrayBufferView, n: number) => boolean;
let nativeCombine: NativeCombine | null = null;
const NATIVE_COMBINE_MIN = 128;
/** The addon's numbering of operations and kinds (sched.cc `Op`, `Kind`); bool is uint8, complex stays in JavaScript. */
const NATIVE_OPS: readonly ElementwiseOp[] = ['SUM', 'PROD', 'MAX', 'MIN', 'LAND', 'LOR', 'LXOR', 'BAND', 'BOR', 'BXOR'];
const NATIVE_KINDS: Partial<Record<ElementKind, number>> = {
  int8: 0, uint8: 1, bool: 1, int16: 2, uint16: 3, int32: 4, uint32: 5, int64: 6, uint64: 7, float32: 8, float64: 9,
};

/** Combine with `combine` from now on, for kernels made after this call (the transport calls it before any reduction). */
export function useNativeCombine(combine: NativeCombine | null): void {
  nativeCombine = combine;
  kernelTable.clear();
}

/**
 * `js` with large calls sent to the native combine. Compiled like the
 * kernels, one source text per operation and kind, so that each wrapper's
 * call of its `js` stays monomorphic.
 */
function withNative(op: ElementwiseOp, kind: ElementKind, js: Kernel, native: NativeCombine): Kernel {
  const o = NATIVE_OPS.indexOf(op);
  const t = NATIVE_KINDS[kind];
  if (o < 0 || t === undefined) return js;
  try {
    return new Function('js', 'native', `'use strict'; // mpi4ts reduction kernel, native above ${NATIVE_COMBINE_MIN}: ${op} ${kind}
return function (d, a, b, n) { if (n < ${NATIVE_COMBINE_MIN} || !native(${o}, ${t}, d, a, b, n)) js(d, a, b, n); };`)(js, native) as Kernel;
  } catch {
    // Code generation from strings disallowed: a closure (its call of js is shared by every kernel).
    return (d, a, b, n) => { if (n < NATIVE_COMBINE_MIN || !native(o, t, d, a, b, n)) js(d, a, b, n); };
  }
}

function makeKernel(op: ElementwiseOp, kind: ElementKind): Kernel | undefined {
  if (!applies(op, kind)) return undefined;
  const wideKind = kind === 'int64' || kind === 'uint64';
  // int64 and uint64 share a kernel (the same words) except for comparisons.
  const label = wideKind && op !== 'MAX' && op !== 'MIN' ? `${op} int64/uint64` : `${op} ${kind}`;
  let k = kernelCache.get(label);
  if (k === undefined && (kind === 'complex64' || kind === 'complex128')) {
    k = complexKernel(label, op as 'SUM' | 'PROD');
    kernelCache.set(label, k);
  }
  if (k === undefined) {
    try {
      if (!wideKind) k = elementwise(label, op === 'PROD' && kind !== 'float32' && kind !== 'float64' ? EXPR.PROD_INT : EXPR[op]);
      else k = wide(label, op === 'MAX' || op === 'MIN' ? WIDE[`${op}_${kind === 'int64' ? 'S' : 'U'}`] : WIDE[op]);
    } catch {
      // Code generation from strings disallowed (--disallow-code-generation-from-strings): slower closures.
      k = wideKind ? wideFallback(op, kind === 'int64') : smallFallback(op, kind);
    }
    kernelCache.set(label, k);
  }
  return k;
}

/**
 * Complex SUM and PROD on `n` (real, imaginary) pairs: views hold 2n floats.
 * The products are computed in double precision and stored in the view's
 * precision, as C computes `float _Complex` products on x86-64.
 */
function complexKernel(label: string, op: 'SUM' | 'PROD'): Kernel {
  const body = op === 'SUM'
    ? 'for (let i = 0, e = 2 * n; i < e; i++) d[i] = a[i] + b[i];'
    : `for (let k = 0, e = 2 * n; k < e; k += 2) {
  const ar = a[k], ai = a[k + 1], br = b[k], bi = b[k + 1];
  d[k] = ar * br - ai * bi; d[k + 1] = ar * bi + ai * br;
}`;
  try {
    return compile(label, body);
  } catch {
    return op === 'SUM'
      ? (d, a, b, n) => { const [dd, aa, bb] = [d, a, b] as unknown as number[][]; for (let i = 0; i < 2 * n; i++) dd[i] = aa[i]! + bb[i]!; }
      : (d, a, b, n) => {
        const [dd, aa, bb] = [d, a, b] as unknown as number[][];
        for (let k = 0; k < 2 * n; k += 2) {
          const ar = aa[k]!, ai = aa[k + 1]!, br = bb[k]!, bi = bb[k + 1]!;
          dd[k] = ar * br - ai * bi; dd[k + 1] = ar * bi + ai * br;
        }
      };
  }
}

type Num = (x: number, y: number) => number;
const SMALL_FN: Readonly<Record<ElementwiseOp, Num>> = {
  SUM: (x, y) => x + y, PROD: (x, y) => x * y, MAX: (x, y) => (x > y ? x : y), MIN: (x, y) => (x < y ? x : y),
  LAND: (x, y) => (x !== 0 && y !== 0 ? 1 : 0), LOR: (x, y) => (x !== 0 || y !== 0 ? 1 : 0),
  LXOR: (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0), BAND: (x, y) => x & y, BOR: (x, y) => x | y, BXOR: (x, y) => x ^ y,
};

function smallFallback(op: ElementwiseOp, kind: ElementKind): Kernel {
  const f = op === 'PROD' && kind !== 'float32' && kind !== 'float64' ? Math.imul : SMALL_FN[op];
  return (d, a, b, n) => {
    const [dd, aa, bb] = [d, a, b] as unknown as number[][];
    for (let i = 0; i < n; i++) dd[i] = f(aa[i]!, bb[i]!);
  };
}

type Big = (x: bigint, y: bigint) => bigint;
const BIG_FN: Readonly<Record<ElementwiseOp, Big>> = {
  SUM: (x, y) => x + y, PROD: (x, y) => x * y, MAX: (x, y) => (x > y ? x : y), MIN: (x, y) => (x < y ? x : y),
  LAND: (x, y) => (x !== 0n && y !== 0n ? 1n : 0n), LOR: (x, y) => (x !== 0n || y !== 0n ? 1n : 0n),
  LXOR: (x, y) => ((x !== 0n) !== (y !== 0n) ? 1n : 0n), BAND: (x, y) => x & y, BOR: (x, y) => x | y, BXOR: (x, y) => x ^ y,
};

function wideFallback(op: ElementwiseOp, signed: boolean): Kernel {
  const f = BIG_FN[op];
  return (d, a, b, n) => {
    const [dd, aa, bb] = [d, a, b] as unknown as Uint32Array[];
    const get = (w: Uint32Array, k: number): bigint => {
      const v = (BigInt(w[k + HI]!) << 32n) | BigInt(w[k + LO]!);
      return signed ? BigInt.asIntN(64, v) : v;
    };
    for (let i = 0, k = 0; i < n; i++, k += 2) {
      const r = BigInt.asUintN(64, f(get(aa, k), get(bb, k)));
      dd[k + LO] = Number(r & 0xffffffffn);
      dd[k + HI] = Number(r >> 32n);
    }
  };
}

/** Run `kernel` on `n` elements of `kind` held densely in d, a, b (any alignment). */
function runKernel(kernel: Kernel, kind: ElementKind, d: Uint8Array, a: Uint8Array, b: Uint8Array, n: number): void {
  const ctor = kernelArray[kind][0];
  const bytes = n * elementSize[kind];
  const va = typedOf(ctor, a) ?? typedOf(ctor, aligned(a.subarray(0, bytes)))!;
  const vb = sameMemory(a, b) ? va : typedOf(ctor, b) ?? typedOf(ctor, aligned(b.subarray(0, bytes)))!;
  const vd = typedOf(ctor, d);
  if (vd !== null) {
    kernel(vd, va, vb, n);
  } else {
    const tmp = new Uint8Array(bytes);
    kernel(typedOf(ctor, tmp)!, va, vb, n);
    d.set(tmp);
  }
}

/**
 * A view of the whole of `bytes` as `ctor` (the kernels take the element
 * count, longer views are fine), or null when `bytes` is misaligned for it.
 * Cached per byte array: programs reduce the same arrays again and again,
 * and making a view costs more than combining a few elements.
 */
const typedViews = new WeakMap<Uint8Array, ArrayBufferView>();
export function typedOf(ctor: KernelArrayCtor, bytes: Uint8Array): ArrayBufferView | null {
  const v = typedViews.get(bytes);
  const per = (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const length = Math.floor(bytes.byteLength / per);
  if (v !== undefined && v.constructor === ctor && (v as Uint8Array).length === length) return v;
  if (bytes.byteOffset % per !== 0) return null;
  const nv = new ctor(bytes.buffer, bytes.byteOffset, length);
  typedViews.set(bytes, nv);
  return nv;
}

// ---------------------------------------------------------------------------
// MAXLOC / MINLOC on value-index pair types

/** Compare the values at byte offsets p (in x) and q (in y): 1, -1, 0, or NaN when unordered. */
type PairCompare = (x: DataView, p: number, y: DataView, q: number) => number;

function cmp(u: number, v: number): number {
  return u > v ? 1 : u < v ? -1 : u === v ? 0 : NaN;
}

const LE = LITTLE_ENDIAN;
const pairCompare: Readonly<Record<ElementKind, PairCompare>> = {
  int8: (x, p, y, q) => cmp(x.getInt8(p), y.getInt8(q)),
  uint8: (x, p, y, q) => cmp(x.getUint8(p), y.getUint8(q)),
  bool: (x, p, y, q) => cmp(x.getUint8(p) !== 0 ? 1 : 0, y.getUint8(q) !== 0 ? 1 : 0),
  int16: (x, p, y, q) => cmp(x.getInt16(p, LE), y.getInt16(q, LE)),
  uint16: (x, p, y, q) => cmp(x.getUint16(p, LE), y.getUint16(q, LE)),
  int32: (x, p, y, q) => cmp(x.getInt32(p, LE), y.getInt32(q, LE)),
  uint32: (x, p, y, q) => cmp(x.getUint32(p, LE), y.getUint32(q, LE)),
  float32: (x, p, y, q) => cmp(x.getFloat32(p, LE), y.getFloat32(q, LE)),
  float64: (x, p, y, q) => cmp(x.getFloat64(p, LE), y.getFloat64(q, LE)),
  // No pair type holds a complex value (complex numbers are unordered).
  complex64: () => NaN,
  complex128: () => NaN,
  int64: (x, p, y, q) => {
    const c = cmp(x.getInt32(p + 4 * HI, LE), y.getInt32(q + 4 * HI, LE));
    return c !== 0 ? c : cmp(x.getUint32(p + 4 * LO, LE), y.getUint32(q + 4 * LO, LE));
  },
  uint64: (x, p, y, q) => {
    const c = cmp(x.getUint32(p + 4 * HI, LE), y.getUint32(q + 4 * HI, LE));
    return c !== 0 ? c : cmp(x.getUint32(p + 4 * LO, LE), y.getUint32(q + 4 * LO, LE));
  },
};

function dataView(x: Uint8Array): DataView {
  return new DataView(x.buffer, x.byteOffset, x.byteLength);
}

/**
 * MAXLOC (sign 1) or MINLOC (sign -1) on packed pairs (the value, then its
 * int32 index right after it: `type.size` bytes per pair), as MPICH: when
 * a's value is greater (smaller) the pair comes from a; when equal, b's value
 * with the lower index; otherwise (b better, or unordered NaN) from b.
 */
function locLoop(sign: 1 | -1, dst: Uint8Array, a: Uint8Array, b: Uint8Array, count: number, type: TypeDesc): void {
  const kind = type.pair!;
  const valueSize = elementSize[kind];
  const indexOffset = valueSize;
  const compare = pairCompare[kind];
  const va = dataView(a), vb = dataView(b), vd = dataView(dst);
  const stride = type.size;
  for (let i = 0, p = 0; i < count; i++, p += stride) {
    const c = compare(va, p, vb, p) * sign;
    const ia = va.getInt32(p + indexOffset, LE), ib = vb.getInt32(p + indexOffset, LE);
    let src: Uint8Array, index: number;
    if (c > 0) { src = a; index = ia; } else if (c === 0) { src = b; index = ia < ib ? ia : ib; } else { src = b; index = ib; }
    if (!sameMemory(src, dst)) for (let k = p, e = p + valueSize; k < e; k++) dst[k] = src[k];
    vd.setInt32(p + indexOffset, index, LE);
  }
}

// ---------------------------------------------------------------------------
// Objects: Python's operators, as mpi4py applies them

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'Array';
  if (typeof x === 'object' || typeof x === 'function') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

function unsupported(op: string, a: unknown, b: unknown, what: string): TypeError {
  return new TypeError(`MPI.${op}: ${what} (got ${typeName(a)} and ${typeName(b)})`);
}

type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** Element kind of a typed array's items (null for Uint8ClampedArray, which clamps instead of wrapping). */
function arrayKind(x: TypedArray): ElementKind | null {
  if (x instanceof Float64Array) return 'float64';
  if (x instanceof Float32Array) return 'float32';
  if (x instanceof Int32Array) return 'int32';
  if (x instanceof Uint32Array) return 'uint32';
  if (x instanceof Int16Array) return 'int16';
  if (x instanceof Uint16Array) return 'uint16';
  if (x instanceof Int8Array) return 'int8';
  if (x instanceof Uint8ClampedArray) return null;
  if (x instanceof Uint8Array) return 'uint8';
  if (x instanceof BigInt64Array) return 'int64';
  if (x instanceof BigUint64Array) return 'uint64';
  return null;
}

const clampedExpr: Partial<Record<ElementwiseOp, (x: number, y: number) => number>> = {
  SUM: (x, y) => x + y, PROD: (x, y) => x * y, BAND: (x, y) => x & y, BOR: (x, y) => x | y, BXOR: (x, y) => x ^ y,
};

/** NumPy-style element-wise `a op b` on two typed arrays of the same class and length, into a new array. */
function typedElementwise(op: ElementwiseOp, a: TypedArray, b: TypedArray): TypedArray {
  if (a.constructor !== b.constructor) {
    throw unsupported(op, a, b, 'typed arrays of different classes');
  }
  if (a.length !== b.length) {
    throw new RangeError(`MPI.${op}: typed arrays of different lengths (${a.length} and ${b.length})`);
  }
  const kind = arrayKind(a);
  if (kind === null) {
    const f = clampedExpr[op];
    if (!f) throw unsupported(op, a, b, 'operation not defined on typed arrays');
    const r = new Uint8ClampedArray(a.length);
    for (let i = 0; i < r.length; i++) r[i] = f(a[i] as number, b[i] as number);
    return r;
  }
  const kernel = kernelFor(op, kind);
  if (!kernel) throw unsupported(op, a, b, `operation not defined on ${kind} elements`);
  const ctor = userArray[kind] as unknown as new (n: number) => TypedArray;
  const r = new ctor(a.length);
  const bytes = (x: TypedArray) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  runKernel(kernel, kind, bytes(r), bytes(a), bytes(b), a.length);
  return r;
}

/** Python's truth value, on JavaScript values: primitives as JavaScript, empty containers false. */
export function truthy(x: unknown): boolean {
  if (x === null || typeof x !== 'object') return Boolean(x);
  if (Array.isArray(x)) return x.length > 0;
  if (isTypedArray(x)) return x.length > 0;
  if (x instanceof Map || x instanceof Set) return x.size > 0;
  const proto = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    for (const _ in x) return true;
    return false;
  }
  return true;
}

type Scalar = number | bigint | boolean;
function isScalar(x: unknown): x is Scalar {
  const t = typeof x;
  return t === 'number' || t === 'bigint' || t === 'boolean';
}

/** Python's `==` on the values `lessThan` orders. */
function equal(x: unknown, y: unknown): boolean {
  if (isScalar(x) && isScalar(y)) return x == y; // loose: 1 == 1n, true == 1, as Python
  if (Array.isArray(x) && Array.isArray(y)) {
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equal(x[i], y[i])) return false;
    return true;
  }
  if (x instanceof Date && y instanceof Date) return x.getTime() === y.getTime();
  return x === y;
}

/**
 * Python's `x < y`: numbers, BigInts and booleans among themselves, strings
 * with strings, Dates with Dates, arrays lexicographically. Throws a
 * TypeError for anything else.
 */
function lessThan(op: string, x: unknown, y: unknown): boolean {
  if (isScalar(x) && isScalar(y)) return x < y;
  if (typeof x === 'string' && typeof y === 'string') return x < y;
  if (Array.isArray(x) && Array.isArray(y)) {
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      if (!equal(x[i], y[i])) return lessThan(op, x[i], y[i]);
    }
    return x.length < y.length;
  }
  if (x instanceof Date && y instanceof Date) return x.getTime() < y.getTime();
  throw unsupported(op, x, y, 'values cannot be ordered');
}

function numeric(x: unknown): number | null {
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  return null;
}

function sum(a: unknown, b: unknown): unknown {
  const x = numeric(a), y = numeric(b);
  if (x !== null && y !== null) return x + y;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  if (isTypedArray(a) && isTypedArray(b)) return typedElementwise('SUM', a, b);
  throw unsupported('SUM', a, b, 'cannot add');
}

function prod(a: unknown, b: unknown): unknown {
  const x = numeric(a), y = numeric(b);
  if (x !== null && y !== null) return x * y;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a * b;
  if (isTypedArray(a) && isTypedArray(b)) return typedElementwise('PROD', a, b);
  throw unsupported('PROD', a, b, 'cannot multiply');
}

/** BAND/BOR/BXOR: booleans give a boolean, integers (safe integers or BigInts) an integer. */
function bitwise(op: 'BAND' | 'BOR' | 'BXOR', a: unknown, b: unknown): unknown {
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    return op === 'BAND' ? a && b : op === 'BOR' ? a || b : a !== b;
  }
  const x = numeric(a), y = numeric(b);
  if (x !== null && y !== null && Number.isSafeInteger(x) && Number.isSafeInteger(y)) {
    if ((x | 0) === x && (y | 0) === y) return op === 'BAND' ? x & y : op === 'BOR' ? x | y : x ^ y;
    const u = BigInt(x), v = BigInt(y);
    return Number(op === 'BAND' ? u & v : op === 'BOR' ? u | v : u ^ v);
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return op === 'BAND' ? a & b : op === 'BOR' ? a | b : a ^ b;
  if (isTypedArray(a) && isTypedArray(b)) return typedElementwise(op, a, b);
  throw unsupported(op, a, b, 'bit-wise operations need two integers (safe integers or BigInts), two booleans or two integer typed arrays');
}

function pairOf(op: string, p: unknown, other: unknown): readonly [unknown, unknown] {
  if ((Array.isArray(p) || isTypedArray(p)) && p.length === 2) return [p[0], p[1]];
  throw new TypeError(`MPI.${op}: operands must be [value, index] pairs (got ${typeName(p)}${Array.isArray(p) ? ` of length ${p.length}` : ''} and ${typeName(other)})`);
}

/** mpi4py's MAXLOC/MINLOC: the better value with its index; on ties the lower index. */
function loc(op: 'MAXLOC' | 'MINLOC', a: unknown, b: unknown): [unknown, unknown] {
  const [u, i] = pairOf(op, a, b);
  const [v, j] = pairOf(op, b, a);
  const better = op === 'MAXLOC' ? (p: unknown, q: unknown) => lessThan(op, q, p) : (p: unknown, q: unknown) => lessThan(op, p, q);
  if (better(u, v)) return [u, i];
  if (better(v, u)) return [v, j];
  if (lessThan(op, j, i)) return [v, j];
  return [u, i];
}

const objectCombine: Readonly<Record<PredefinedOpName, (a: unknown, b: unknown) => unknown>> = {
  SUM: sum,
  PROD: prod,
  MAX: (a, b) => (lessThan('MAX', a, b) ? b : a),
  MIN: (a, b) => (lessThan('MIN', b, a) ? b : a),
  LAND: (a, b) => truthy(a) && truthy(b),
  LOR: (a, b) => truthy(a) || truthy(b),
  LXOR: (a, b) => truthy(a) !== truthy(b),
  BAND: (a, b) => bitwise('BAND', a, b),
  BOR: (a, b) => bitwise('BOR', a, b),
  BXOR: (a, b) => bitwise('BXOR', a, b),
  MAXLOC: (a, b) => loc('MAXLOC', a, b),
  MINLOC: (a, b) => loc('MINLOC', a, b),
  REPLACE: (_a, b) => b,
  NO_OP: (a) => a,
};

// ---------------------------------------------------------------------------
// Predefined operations

function notDefined(op: string, type: TypeDesc): MpiFailure {
  const kind = type.element ? ` (${type.element} elements)` : '';
  return new MpiFailure(ERR_OP, `MPI.${op} is not defined for datatype ${type.name}${kind}`);
}

function elementwiseBuffers(op: ElementwiseOp, dst: Uint8Array, a: Uint8Array, b: Uint8Array, count: number, type: TypeDesc): void {
  const kind = type.element;
  const kernel = kind ? kernelFor(op, kind) : undefined;
  if (!kind || !kernel) throw notDefined(op, type);
  const bytes = checkArgs(op, dst, a, b, count, type);
  if (bytes === 0) return;
  runKernel(kernel, kind, dst, a, b, bytes / elementSize[kind]);
}

/** dst = src on `bytes` bytes (nothing to do when they are the same memory). */
function copyBytes(dst: Uint8Array, src: Uint8Array, bytes: number): void {
  if (bytes > 0 && !sameMemory(dst, src)) dst.set(src.length === bytes ? src : src.subarray(0, bytes));
}

function makePredefined(name: PredefinedOpName): ReduceOp {
  const combine = objectCombine[name];
  let combineBuffers: ReduceOp['combineBuffers'];
  switch (name) {
    case 'REPLACE':
    case 'NO_OP':
      combineBuffers = (dst, a, b, count, type) => {
        copyBytes(dst, name === 'REPLACE' ? b : a, checkArgs(name, dst, a, b, count, type));
      };
      break;
    case 'MAXLOC':
    case 'MINLOC':
      combineBuffers = (dst, a, b, count, type) => {
        if (!type.pair) throw notDefined(name, type);
        if (checkArgs(name, dst, a, b, count, type) === 0) return;
        locLoop(name === 'MAXLOC' ? 1 : -1, dst, a, b, count, type);
      };
      break;
    default:
      combineBuffers = (dst, a, b, count, type) => elementwiseBuffers(name, dst, a, b, count, type);
  }
  // REPLACE and NO_OP keep one operand: the order of application matters.
  const commute = name !== 'REPLACE' && name !== 'NO_OP';
  if (name === 'REPLACE' || name === 'NO_OP' || name === 'MAXLOC' || name === 'MINLOC') {
    return Object.freeze({ name, commute, combine, combineBuffers });
  }
  // The last type asked about and its kernel: a program reduces one type again and again.
  let lastType: TypeDesc | null = null;
  let lastDirect: DirectKernel | undefined;
  const direct = (type: TypeDesc): DirectKernel | undefined => {
    if (type === lastType) return lastDirect;
    const kind = type.element;
    const run = kind ? kernelFor(name, kind) : undefined;
    lastType = type;
    lastDirect = kind && run ? Object.freeze({ run, array: kernelArray[kind][0], elementBytes: elementSize[kind] }) : undefined;
    return lastDirect;
  };
  return Object.freeze({ name, commute, combine, combineBuffers, direct });
}

/** The predefined operations, by mpi4py name. */
export const predefinedOps: Readonly<Record<PredefinedOpName, ReduceOp>> = Object.freeze({
  SUM: makePredefined('SUM'),
  PROD: makePredefined('PROD'),
  MAX: makePredefined('MAX'),
  MIN: makePredefined('MIN'),
  LAND: makePredefined('LAND'),
  LOR: makePredefined('LOR'),
  LXOR: makePredefined('LXOR'),
  BAND: makePredefined('BAND'),
  BOR: makePredefined('BOR'),
  BXOR: makePredefined('BXOR'),
  MAXLOC: makePredefined('MAXLOC'),
  MINLOC: makePredefined('MINLOC'),
  REPLACE: makePredefined('REPLACE'),
  NO_OP: makePredefined('NO_OP'),
});

// ---------------------------------------------------------------------------
// User-defined operations

/**
 * The typed array a user function sees for `type` over packed `bytes`: the
 * element kind's array, or the bytes themselves for types without a single
 * element kind (pair types, structs) and for bytes and booleans. Null when
 * `bytes` is misaligned for the array.
 */
function userView(type: TypeDesc, bytes: Uint8Array): ArrayBufferView | null {
  const kind = type.element;
  if (kind === null || kind === 'bool' || kind === 'uint8') return bytes;
  const ctor = userArray[kind];
  return viewOf(ctor, bytes, Math.floor(bytes.length / (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT));
}

/**
 * A user-defined operation (`MPI.Op.Create`). `datatypeOf` turns a layout
 * into the datatype argument user functions receive on buffers (the API
 * passes its `MPI.Datatype`); by default they receive the TypeDesc.
 */
export function userOp(fn: UserFunction, commute = false, datatypeOf?: (type: TypeDesc) => unknown): ReduceOp {
  if (typeof fn !== 'function') throw new TypeError(`user operation must be a function, got ${typeName(fn)}`);
  const combine = (a: unknown, b: unknown): unknown => fn(a, b);
  const combineBuffers = (dst: Uint8Array, a: Uint8Array, b: Uint8Array, count: number, type: TypeDesc): void => {
    const len = checkArgs('user operation', dst, a, b, count, type);
    if (len === 0) return;
    const d = dst.subarray(0, len);
    // inoutvec starts as b; when it overwrites a, keep a copy of a first.
    const inv = sameMemory(d, a) && !sameMemory(d, b) ? a.slice(0, len) : a.subarray(0, len);
    copyBytes(d, b, len);
    const dt = datatypeOf ? datatypeOf(type) : type;
    const vin = userView(type, inv) ?? userView(type, aligned(inv))!;
    const vout = userView(type, d);
    if (vout !== null) {
      fn(vin, vout, dt);
    } else {
      const tmp = aligned(d);
      fn(vin, userView(type, tmp)!, dt);
      d.set(tmp);
    }
  };
  return Object.freeze({ name: 'user', commute: Boolean(commute), combine, combineBuffers });
}
