/**
 * Transport-independent description of MPI datatypes: what the message layer
 * needs to turn a buffer spec into bytes. `api/datatype.ts` wraps this in the
 * public `MPI.Datatype` class, which owns naming and the commit/free lifecycle.
 */

/** Element kind of a homogeneous datatype, used to type reductions and to infer types. */
export type ElementKind =
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32'
  | 'int64' | 'uint64' | 'float32' | 'float64' | 'bool'
  /** A pair of float32 / float64 (real, imaginary): the complex types. */
  | 'complex64' | 'complex128';

/** Layout of a datatype: one or more blocks of bytes relative to the start of one element. */
export interface TypeDesc {
  /** Name shown in messages, e.g. `INT`. */
  readonly name: string;
  /** Bytes of data in one element (`MPI_Type_size`). */
  readonly size: number;
  /** Lower bound and extent (`MPI_Type_get_extent`). */
  readonly lb: number;
  readonly extent: number;
  /** True lower bound and extent (`MPI_Type_get_true_extent`). */
  readonly trueLb: number;
  readonly trueExtent: number;
  /** Kind of every basic element when the type is homogeneous, else null. */
  readonly element: ElementKind | null;
  /**
   * For the value-index pair types of MAXLOC/MINLOC (DOUBLE_INT, FLOAT_INT,
   * LONG_INT, SHORT_INT, 2INT): the value's kind; the index is an int32 at
   * byte offset `elementSize[pair]` rounded up to 4. Null for other types.
   */
  readonly pair?: ElementKind | null;
  /** True when one element is `size` contiguous bytes at offset 0 and extent == size. */
  readonly contiguous: boolean;
  /**
   * Byte blocks [offset, length] of one element, in type-map order (for
   * pack/unpack): offsets from the element's start (the buffer origin for
   * element 0), negative where the type reaches below its origin; adjacent
   * blocks merged. Derived types build this list on first access; core code
   * that walks it in loops uses `layoutOf` (typed arrays) instead.
   */
  readonly blocks: ReadonlyArray<readonly [number, number]>;
  /**
   * Alignment in bytes of the most aligned basic element, as a C compiler lays
   * out structs (pads struct extents to it). Absent: the element size (1 when unknown).
   */
  readonly align?: number;
  /**
   * True when lb and extent were set explicitly (`Create_resized`,
   * `Create_subarray`): the MPI standard's lb/ub markers, which then decide
   * the bounds of any type built from this one.
   */
  readonly resized?: boolean;
}

/**
 * Base class of every datatype handle, so that core code (buffer specs) can
 * recognise the API's `MPI.Datatype` without importing the API layer.
 */
export abstract class TypeHandle {
  /** The layout this handle stands for; throws if the handle is not usable (freed, null). */
  abstract typeDesc(routine: string): TypeDesc;
}

/** Size in bytes of each element kind. */
export const elementSize: Readonly<Record<ElementKind, number>> = {
  int8: 1, uint8: 1, bool: 1, int16: 2, uint16: 2, int32: 4, uint32: 4,
  int64: 8, uint64: 8, float32: 4, float64: 8, complex64: 8, complex128: 16,
};

/** A complex datatype: two floats per element, aligned as one float (C's `float _Complex`). */
function complexDesc(name: string, element: 'complex64' | 'complex128'): TypeDesc {
  return { ...basicDesc(name, element, elementSize[element]), align: elementSize[element] / 2 };
}

/** A predefined (basic) datatype layout: `size` contiguous bytes of one element kind. */
export function basicDesc(name: string, element: ElementKind | null, size: number): TypeDesc {
  return {
    name, size, lb: 0, extent: size, trueLb: 0, trueExtent: size,
    element, contiguous: true, blocks: [[0, size]],
  };
}

/** Layouts of the predefined datatypes, by mpi4py name. */
export const predefined = {
  DATATYPE_NULL: basicDesc('DATATYPE_NULL', null, 0),
  PACKED: basicDesc('PACKED', 'uint8', 1),
  BYTE: basicDesc('BYTE', 'uint8', 1),
  AINT: basicDesc('AINT', 'int64', 8),
  OFFSET: basicDesc('OFFSET', 'int64', 8),
  COUNT: basicDesc('COUNT', 'int64', 8),
  CHAR: basicDesc('CHAR', 'int8', 1),
  WCHAR: basicDesc('WCHAR', 'int32', 4),
  SIGNED_CHAR: basicDesc('SIGNED_CHAR', 'int8', 1),
  SHORT: basicDesc('SHORT', 'int16', 2),
  INT: basicDesc('INT', 'int32', 4),
  LONG: basicDesc('LONG', 'int64', 8),
  LONG_LONG: basicDesc('LONG_LONG', 'int64', 8),
  UNSIGNED_CHAR: basicDesc('UNSIGNED_CHAR', 'uint8', 1),
  UNSIGNED_SHORT: basicDesc('UNSIGNED_SHORT', 'uint16', 2),
  UNSIGNED: basicDesc('UNSIGNED', 'uint32', 4),
  UNSIGNED_LONG: basicDesc('UNSIGNED_LONG', 'uint64', 8),
  UNSIGNED_LONG_LONG: basicDesc('UNSIGNED_LONG_LONG', 'uint64', 8),
  FLOAT: basicDesc('FLOAT', 'float32', 4),
  DOUBLE: basicDesc('DOUBLE', 'float64', 8),
  C_BOOL: basicDesc('C_BOOL', 'bool', 1),
  INT8_T: basicDesc('INT8_T', 'int8', 1),
  INT16_T: basicDesc('INT16_T', 'int16', 2),
  INT32_T: basicDesc('INT32_T', 'int32', 4),
  INT64_T: basicDesc('INT64_T', 'int64', 8),
  UINT8_T: basicDesc('UINT8_T', 'uint8', 1),
  UINT16_T: basicDesc('UINT16_T', 'uint16', 2),
  UINT32_T: basicDesc('UINT32_T', 'uint32', 4),
  UINT64_T: basicDesc('UINT64_T', 'uint64', 8),
  // Fortran names, as mpi4py exposes them.
  CHARACTER: basicDesc('CHARACTER', 'int8', 1),
  LOGICAL: basicDesc('LOGICAL', 'int32', 4),
  INTEGER: basicDesc('INTEGER', 'int32', 4),
  REAL: basicDesc('REAL', 'float32', 4),
  DOUBLE_PRECISION: basicDesc('DOUBLE_PRECISION', 'float64', 8),
  COMPLEX: complexDesc('COMPLEX', 'complex64'),
  DOUBLE_COMPLEX: complexDesc('DOUBLE_COMPLEX', 'complex128'),
  // Complex types: pairs of floats (real, imaginary) over Float32Array / Float64Array.
  C_FLOAT_COMPLEX: complexDesc('C_FLOAT_COMPLEX', 'complex64'),
  C_DOUBLE_COMPLEX: complexDesc('C_DOUBLE_COMPLEX', 'complex128'),
  CXX_BOOL: basicDesc('CXX_BOOL', 'bool', 1),
  CXX_FLOAT_COMPLEX: complexDesc('CXX_FLOAT_COMPLEX', 'complex64'),
  CXX_DOUBLE_COMPLEX: complexDesc('CXX_DOUBLE_COMPLEX', 'complex128'),
  // Fortran 90 fixed-size names.
  LOGICAL1: basicDesc('LOGICAL1', 'bool', 1),
  LOGICAL2: basicDesc('LOGICAL2', 'int16', 2),
  LOGICAL4: basicDesc('LOGICAL4', 'int32', 4),
  LOGICAL8: basicDesc('LOGICAL8', 'int64', 8),
  INTEGER1: basicDesc('INTEGER1', 'int8', 1),
  INTEGER2: basicDesc('INTEGER2', 'int16', 2),
  INTEGER4: basicDesc('INTEGER4', 'int32', 4),
  INTEGER8: basicDesc('INTEGER8', 'int64', 8),
  REAL4: basicDesc('REAL4', 'float32', 4),
  REAL8: basicDesc('REAL8', 'float64', 8),
  COMPLEX8: complexDesc('COMPLEX8', 'complex64'),
  COMPLEX16: complexDesc('COMPLEX16', 'complex128'),
} as const;

/**
 * Predefined datatypes that JavaScript has no memory representation for: the
 * name exists (as in mpi4py), every use raises ERR_TYPE with this reason.
 * Sizes are those of the C/Fortran types (x86-64).
 */
export const unrepresentable = {
  LONG_DOUBLE: [16, 'long double (80-bit extended precision) has no JavaScript representation'],
  C_LONG_DOUBLE_COMPLEX: [32, 'long double _Complex has no JavaScript representation'],
  CXX_LONG_DOUBLE_COMPLEX: [32, 'std::complex<long double> has no JavaScript representation'],
  LONG_DOUBLE_INT: [32, 'its long double value has no JavaScript representation'],
  FLOAT16_T: [2, 'half precision floats have no typed array in Node.js 20 (no Float16Array)'],
  BFLOAT16_T: [2, 'bfloat16 has no typed array in JavaScript'],
  REAL2: [2, 'half precision floats have no typed array in Node.js 20 (no Float16Array)'],
  COMPLEX4: [4, 'half precision complex has no typed array in JavaScript'],
  REAL16: [16, 'quadruple precision floats have no JavaScript representation'],
  COMPLEX32: [32, 'quadruple precision complex has no JavaScript representation'],
  INTEGER16: [16, '128-bit integers have no typed array in JavaScript'],
  LOGICAL16: [16, '128-bit logicals have no typed array in JavaScript'],
} as const satisfies Record<string, readonly [number, string]>;

export type UnrepresentableName = keyof typeof unrepresentable;

export type PredefinedName = keyof typeof predefined;

/** Python/NumPy type codes accepted in buffer specs, as mpi4py does (`[buf, 'i']`). */
export const typecodes = {
  c: predefined.CHAR, b: predefined.SIGNED_CHAR, B: predefined.UNSIGNED_CHAR,
  h: predefined.SHORT, H: predefined.UNSIGNED_SHORT, i: predefined.INT, I: predefined.UNSIGNED,
  l: predefined.LONG, L: predefined.UNSIGNED_LONG, q: predefined.LONG_LONG, Q: predefined.UNSIGNED_LONG_LONG,
  f: predefined.FLOAT, d: predefined.DOUBLE, '?': predefined.C_BOOL,
  i1: predefined.INT8_T, i2: predefined.INT16_T, i4: predefined.INT32_T, i8: predefined.INT64_T,
  u1: predefined.UINT8_T, u2: predefined.UINT16_T, u4: predefined.UINT32_T, u8: predefined.UINT64_T,
  f4: predefined.FLOAT, f8: predefined.DOUBLE,
  F: predefined.C_FLOAT_COMPLEX, D: predefined.C_DOUBLE_COMPLEX, c8: predefined.C_FLOAT_COMPLEX, c16: predefined.C_DOUBLE_COMPLEX,
} as const satisfies Readonly<Record<string, TypeDesc>>;

/** A type code mpi4ts accepts in a buffer spec (`'i'`, `'d'`, `'f8'`, ...): a key of `typecodes`. */
export type Typecode = keyof typeof typecodes;

/** The datatype of type code `code`, or undefined if it is not one (own keys only: 'toString' is no type code). */
export function typecodeDesc(code: string): TypeDesc | undefined {
  return Object.hasOwn(typecodes, code) ? typecodes[code as Typecode] : undefined;
}

/** The datatype a typed array implies when the buffer spec names none. */
export function inferDesc(view: ArrayBufferView): TypeDesc {
  if (view instanceof Float64Array) return predefined.DOUBLE;
  if (view instanceof Int32Array) return predefined.INT;
  if (view instanceof Uint8Array || view instanceof Uint8ClampedArray || view instanceof DataView) return predefined.BYTE;
  if (view instanceof Float32Array) return predefined.FLOAT;
  if (view instanceof Uint32Array) return predefined.UNSIGNED;
  if (view instanceof Int16Array) return predefined.SHORT;
  if (view instanceof Uint16Array) return predefined.UNSIGNED_SHORT;
  if (view instanceof Int8Array) return predefined.SIGNED_CHAR;
  if (view instanceof BigInt64Array) return predefined.INT64_T;
  if (view instanceof BigUint64Array) return predefined.UINT64_T;
  return predefined.BYTE;
}

// ---- value-index pairs (MAXLOC / MINLOC) -------------------------------------

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * The C struct `{ value; int index; }` as a pair type: the index at the value's
 * size rounded up to 4, the extent padded to the struct's alignment (LP64):
 * SHORT_INT 6/8, INT_INT 8/8, LONG_INT 12/16, FLOAT_INT 8/8, DOUBLE_INT 12/16
 * (size/extent).
 */
function pairDesc(name: string, value: ElementKind): TypeDesc {
  const vs = elementSize[value];
  const at = roundUp(vs, 4);
  const align = Math.max(vs, 4);
  const size = vs + 4;
  const extent = roundUp(at + 4, align);
  const blocks: [number, number][] = at === vs ? [[0, size]] : [[0, vs], [at, 4]];
  return {
    name, size, lb: 0, extent, trueLb: 0, trueExtent: at + 4,
    element: value === 'int32' ? 'int32' : null, pair: value,
    contiguous: blocks.length === 1 && extent === size, blocks, align,
  };
}

/** Layouts of the predefined value-index pair types, by mpi4py name (INT_INT is MPI_2INT). */
export const pairTypes = {
  SHORT_INT: pairDesc('SHORT_INT', 'int16'),
  INT_INT: pairDesc('INT_INT', 'int32'),
  LONG_INT: pairDesc('LONG_INT', 'int64'),
  FLOAT_INT: pairDesc('FLOAT_INT', 'float32'),
  DOUBLE_INT: pairDesc('DOUBLE_INT', 'float64'),
} as const;

export type PairName = keyof typeof pairTypes;

// ---- flattened layouts -------------------------------------------------------

/** The blocks of one element as typed arrays: what pack/unpack loops over. */
export interface Layout {
  /** Byte offset of each block from the element's start (may be negative). */
  readonly offsets: Float64Array;
  /** Length in bytes of each block (> 0). */
  readonly lengths: Float64Array;
}

const layouts = new WeakMap<TypeDesc, Layout>();

/** The typed-array form of `t.blocks` (zero-length blocks dropped), cached per layout. */
export function layoutOf(t: TypeDesc): Layout {
  let l = layouts.get(t);
  if (l === undefined) {
    const b = t.blocks.filter(([, len]) => len > 0);
    l = { offsets: Float64Array.from(b, (x) => x[0]), lengths: Float64Array.from(b, (x) => x[1]) };
    layouts.set(t, l);
  }
  return l;
}

/** Appends blocks, merging one that starts where the previous one ends. */
class BlockList {
  offs: number[] = [];
  lens: number[] = [];

  push(off: number, len: number): void {
    if (len <= 0) return;
    const n = this.offs.length;
    if (n > 0 && this.offs[n - 1]! + this.lens[n - 1]! === off) this.lens[n - 1]! += len;
    else {
      this.offs.push(off);
      this.lens.push(len);
    }
  }

  /** `count` copies of the layout `l`, `step` bytes apart, the first at `disp`. */
  pushCopies(l: Layout, disp: number, count: number, step: number): void {
    const { offsets, lengths } = l;
    const n = offsets.length;
    if (n === 0) return;
    // One block filling the whole step: the copies are one run of bytes.
    if (n === 1 && lengths[0] === step) {
      this.push(disp + offsets[0]!, count * step);
      return;
    }
    for (let j = 0; j < count; j++) {
      const base = disp + j * step;
      for (let k = 0; k < n; k++) this.push(base + offsets[k]!, lengths[k]!);
    }
  }

  layout(): Layout {
    return { offsets: Float64Array.from(this.offs), lengths: Float64Array.from(this.lens) };
  }
}

/** A layout as TypeDesc.blocks tuples. */
function tuples(l: Layout): [number, number][] {
  return Array.from(l.offsets, (o, i) => [o, l.lengths[i]!] as [number, number]);
}

function alignOf(t: TypeDesc): number {
  return t.align ?? (t.element !== null ? elementSize[t.element] : 1);
}

type Fields = Omit<TypeDesc, 'blocks' | 'contiguous'>;

/** A TypeDesc over `layout`, its `blocks` tuples built only if someone reads them. */
function withLayout(fields: Fields, layout: Layout): TypeDesc {
  const n = layout.offsets.length;
  const contiguous = fields.lb === 0 && fields.extent === fields.size
    && (n === 0 ? fields.size === 0 : n === 1 && layout.offsets[0] === 0 && layout.lengths[0] === fields.size);
  let blocks: [number, number][] | null = null;
  const desc: TypeDesc = {
    ...fields,
    contiguous,
    get blocks() { return (blocks ??= tuples(layout)); },
  };
  layouts.set(desc, layout);
  return desc;
}

/** `count` consecutive copies of `type` starting at byte `disp`: one piece of a type map. */
export interface Part {
  readonly type: TypeDesc;
  readonly disp: number;
  readonly count: number;
}

/**
 * What each derived type was built from, in type-map order: the sequence of
 * basic types (its type signature, which `--check` compares; see
 * core/signature.ts) follows from it. Layouts keep only bytes.
 */
const partsOfType = new WeakMap<TypeDesc, readonly Part[]>();

/** The parts a derived type was made of; undefined for predefined types. */
export function typeParts(t: TypeDesc): readonly Part[] | undefined {
  return partsOfType.get(t);
}

/**
 * The type whose type map is the concatenation of `parts` (the general
 * constructor behind all the MPI ones). Bounds follow the MPI standard:
 * lb/ub are the extremes of the parts' bounds, or only of those set
 * explicitly (resized) when any part has them; `struct` adds the padding of
 * MPI_Type_create_struct, rounding the extent up to the strictest alignment
 * (as MPICH does, and as a C compiler pads the struct).
 */
export function derive(name: string, parts: readonly Part[], struct = false): TypeDesc {
  const blocks = new BlockList();
  for (const { type: t, disp, count } of parts) {
    if (count > 0 && t.size > 0) blocks.pushCopies(layoutOf(t), disp, count, t.extent);
  }
  const desc = withLayout(summarize(name, parts, struct), blocks.layout());
  partsOfType.set(desc, parts);
  return desc;
}

/** Everything of `derive`'s type but the layout. */
function summarize(name: string, parts: readonly Part[], struct: boolean): Fields {
  let size = 0;
  let element: ElementKind | null | undefined;
  let align = 1;
  let lb = Infinity; let ub = -Infinity;
  let xlb = Infinity; let xub = -Infinity;
  let tlb = Infinity; let tub = -Infinity;
  for (const { type: t, disp, count } of parts) {
    if (count <= 0) continue;
    const last = disp + (count - 1) * t.extent;
    const lo = Math.min(disp, last);
    const hi = Math.max(disp, last);
    if (t.resized) {
      xlb = Math.min(xlb, lo + t.lb);
      xub = Math.max(xub, hi + t.lb + t.extent);
    }
    if (t.size === 0) continue;
    lb = Math.min(lb, lo + t.lb);
    ub = Math.max(ub, hi + t.lb + t.extent);
    tlb = Math.min(tlb, lo + t.trueLb);
    tub = Math.max(tub, hi + t.trueLb + t.trueExtent);
    size += count * t.size;
    element = element === undefined || element === t.element ? t.element : null;
    align = Math.max(align, alignOf(t));
  }
  const resized = xlb !== Infinity;
  if (resized) { lb = xlb; ub = xub; }
  if (lb === Infinity) { lb = 0; ub = 0; }
  if (tlb === Infinity) { tlb = 0; tub = 0; }
  let extent = ub - lb;
  if (struct && !resized && extent % align !== 0) extent += align - (extent % align);
  if (element === undefined) element = parts[0]?.type.element ?? null;
  return {
    name, size, lb, extent, trueLb: tlb, trueExtent: tub - tlb, element, pair: null, align,
    ...(resized ? { resized } : {}),
  };
}

/** MPI_Type_contiguous. */
export function contiguousDesc(name: string, count: number, t: TypeDesc): TypeDesc {
  return derive(name, [{ type: t, disp: 0, count }]);
}

/** MPI_Type_create_hvector: `count` blocks of `blocklength` copies, `stride` bytes apart. */
export function hvectorDesc(name: string, count: number, blocklength: number, stride: number, t: TypeDesc): TypeDesc {
  const desc = hvectorLayout(name, count, blocklength, stride, t);
  partsOfType.set(desc, [{ type: t, disp: 0, count: count * blocklength }]);
  return desc;
}

function hvectorLayout(name: string, count: number, blocklength: number, stride: number, t: TypeDesc): TypeDesc {
  if (count === 0 || blocklength === 0 || t.size === 0) return derive(name, [{ type: t, disp: 0, count: 0 }]);
  // The bounds are those of the first and last blocks; the layout is built in one loop.
  const ends: Part[] = [{ type: t, disp: 0, count: blocklength }, { type: t, disp: (count - 1) * stride, count: blocklength }];
  const fields = { ...summarize(name, ends, false), size: count * blocklength * t.size };
  const l = layoutOf(t);
  if (l.offsets.length === 1 && (blocklength === 1 || l.lengths[0] === t.extent)) {
    // Each block of the vector is one run of bytes (the common case: a vector of a basic type).
    const len = blocklength === 1 ? l.lengths[0]! : blocklength * t.extent;
    const off = l.offsets[0]!;
    if (stride === len) return withLayout(fields, { offsets: Float64Array.of(off), lengths: Float64Array.of(count * len) });
    const offsets = new Float64Array(count);
    for (let i = 0; i < count; i++) offsets[i] = off + i * stride;
    return withLayout(fields, { offsets, lengths: new Float64Array(count).fill(len) });
  }
  const blocks = new BlockList();
  for (let i = 0; i < count; i++) blocks.pushCopies(l, i * stride, blocklength, t.extent);
  return withLayout(fields, blocks.layout());
}

/** MPI_Type_create_hindexed: blocks of `blocklengths[i]` copies at byte displacements. */
export function hindexedDesc(name: string, blocklengths: readonly number[], displacements: readonly number[], t: TypeDesc): TypeDesc {
  return derive(name, blocklengths.map((count, i) => ({ type: t, disp: displacements[i]!, count })));
}

/** MPI_Type_create_struct: blocks of possibly different types at byte displacements. */
export function structDesc(name: string, blocklengths: readonly number[], displacements: readonly number[], types: readonly TypeDesc[]): TypeDesc {
  return derive(name, blocklengths.map((count, i) => ({ type: types[i]!, disp: displacements[i]!, count })), true);
}

/** MPI_Type_create_resized: the same data with lower bound `lb` and extent `extent`. */
export function resizedDesc(name: string, t: TypeDesc, lb: number, extent: number): TypeDesc {
  const desc = withLayout({
    name, size: t.size, lb, extent, trueLb: t.trueLb, trueExtent: t.trueExtent,
    element: t.element, pair: null, align: alignOf(t), resized: true,
  }, layoutOf(t));
  partsOfType.set(desc, [{ type: t, disp: 0, count: 1 }]);
  return desc;
}

/** `MPI_ORDER_C` and `MPI_ORDER_FORTRAN`, with MPICH's values. */
export const ORDER_C = 56;
/** Column-major array order for Create_subarray/Create_darray: `MPI_ORDER_FORTRAN`. */
export const ORDER_FORTRAN = 57;

/**
 * MPI_Type_create_subarray, as the standard defines it: nested hvectors over
 * the dimensions (the last one varies fastest in C order, the first in
 * Fortran order), shifted to the start corner, resized to lb 0 and the
 * extent of the whole array. Arguments must be checked by the caller.
 */
export function subarrayDesc(name: string, sizes: readonly number[], subsizes: readonly number[], starts: readonly number[],
  order: number, t: TypeDesc): TypeDesc {
  const nd = sizes.length;
  const dims = Array.from({ length: nd }, (_, i) => (order === ORDER_C ? nd - 1 - i : i)); // fastest first
  let stride = t.extent;
  let shift = 0;
  let inner: TypeDesc | null = null;
  for (const d of dims) {
    inner = inner === null
      ? contiguousDesc(name, subsizes[d]!, t)
      : hvectorDesc(name, subsizes[d]!, 1, stride, inner);
    shift += starts[d]! * stride;
    stride *= sizes[d]!;
  }
  const placed = derive(name, [{ type: inner!, disp: shift, count: 1 }]);
  return resizedDesc(name, placed, 0, stride);
}

/** `MPI_DISTRIBUTE_*` and `MPI_DISTRIBUTE_DFLT_DARG`, with MPICH's values. */
export const DISTRIBUTE_BLOCK = 121;
/** Cyclic distribution of a dimension in Create_darray: `MPI_DISTRIBUTE_CYCLIC`. */
export const DISTRIBUTE_CYCLIC = 122;
/** Dimension not distributed in Create_darray: `MPI_DISTRIBUTE_NONE`. */
export const DISTRIBUTE_NONE = 123;
/** Default distribution argument in Create_darray: `MPI_DISTRIBUTE_DFLT_DARG`. */
export const DISTRIBUTE_DFLT_DARG = -49767;

/**
 * Indices of one dimension of `gsize` elements that process coordinate `coord`
 * of `psize` owns, as runs [start, length] in increasing order: all of them
 * (NONE), one block of `darg` (default ceil(gsize / psize)) at coord * darg
 * (BLOCK), or blocks of `darg` (default 1) dealt round robin (CYCLIC).
 * Arguments must be checked by the caller.
 */
export function darrayRuns(gsize: number, distrib: number, darg: number, psize: number, coord: number): [number, number][] {
  if (distrib === DISTRIBUTE_NONE) return [[0, gsize]];
  if (distrib === DISTRIBUTE_BLOCK) {
    const b = darg === DISTRIBUTE_DFLT_DARG ? Math.ceil(gsize / psize) : darg;
    const start = coord * b;
    const n = Math.max(0, Math.min(b, gsize - start));
    return n > 0 ? [[start, n]] : [];
  }
  const b = darg === DISTRIBUTE_DFLT_DARG ? 1 : darg;
  const runs: [number, number][] = [];
  for (let start = coord * b; start < gsize; start += psize * b) runs.push([start, Math.min(b, gsize - start)]);
  return runs;
}

/**
 * MPI_Type_create_darray: the part of a global array of `gsizes` elements
 * that process `rank` of a row-major process grid `psizes` owns. The type map
 * lists the owned elements in the array's storage order (C: the last index
 * varies fastest; Fortran: the first), at their offsets in the whole array;
 * lb 0 and the extent of the whole array, as the standard's construction from
 * cyclic(darg) pieces gives. Arguments must be checked by the caller.
 */
export function darrayDesc(name: string, rank: number, gsizes: readonly number[], distribs: readonly number[],
  dargs: readonly number[], psizes: readonly number[], order: number, t: TypeDesc): TypeDesc {
  const nd = gsizes.length;
  // Process coordinates: row-major in the grid, whatever the array order.
  const coords = new Array<number>(nd);
  let rest = rank;
  for (let i = nd - 1; i >= 0; i--) {
    coords[i] = rest % psizes[i]!;
    rest = Math.floor(rest / psizes[i]!);
  }
  const dims = Array.from({ length: nd }, (_, i) => (order === ORDER_C ? nd - 1 - i : i)); // fastest first
  let stride = t.extent;
  let inner = t;
  for (const d of dims) {
    const runs = darrayRuns(gsizes[d]!, distribs[d]!, dargs[d]!, psizes[d]!, coords[d]!);
    // Each level steps over whole rows of the inner dimensions: resize the inner type to one row.
    const step = inner === t ? t : resizedDesc(name, inner, 0, stride);
    inner = derive(name, runs.map(([start, n]) => ({ type: step, disp: start * stride, count: n })));
    stride *= gsizes[d]!;
  }
  return resizedDesc(name, inner, 0, stride);
}
