/**
 * Transport-independent description of MPI datatypes: what the message layer
 * needs to turn a buffer spec into bytes. `api/datatype.ts` wraps this in the
 * public `MPI.Datatype` class, which owns naming and the commit/free lifecycle.
 */

/** Element kind of a homogeneous datatype, used to type reductions and to infer types. */
export type ElementKind =
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32'
  | 'int64' | 'uint64' | 'float32' | 'float64' | 'bool';

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
  /** Byte blocks [offset, length] of one element, in type-map order (for pack/unpack). */
  readonly blocks: ReadonlyArray<readonly [number, number]>;
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
  int64: 8, uint64: 8, float32: 4, float64: 8,
};

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
} as const;

export type PredefinedName = keyof typeof predefined;

/** Python/NumPy type codes accepted in buffer specs, as mpi4py does (`[buf, 'i']`). */
export const typecodes: Readonly<Record<string, TypeDesc>> = {
  c: predefined.CHAR, b: predefined.SIGNED_CHAR, B: predefined.UNSIGNED_CHAR,
  h: predefined.SHORT, H: predefined.UNSIGNED_SHORT, i: predefined.INT, I: predefined.UNSIGNED,
  l: predefined.LONG, L: predefined.UNSIGNED_LONG, q: predefined.LONG_LONG, Q: predefined.UNSIGNED_LONG_LONG,
  f: predefined.FLOAT, d: predefined.DOUBLE, '?': predefined.C_BOOL,
  i1: predefined.INT8_T, i2: predefined.INT16_T, i4: predefined.INT32_T, i8: predefined.INT64_T,
  u1: predefined.UINT8_T, u2: predefined.UINT16_T, u4: predefined.UINT32_T, u8: predefined.UINT64_T,
  f4: predefined.FLOAT, f8: predefined.DOUBLE,
};

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
