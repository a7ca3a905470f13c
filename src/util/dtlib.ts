/**
 * `mpi4ts/util/dtlib` (mpi4py's `mpi4py.util.dtlib`): MPI datatypes to and
 * from data type descriptions. JavaScript has no NumPy dtype objects, so
 * the descriptions are the plain values NumPy's `dtype()` accepts and
 * mpi4py's `to_numpy_dtype` returns without NumPy: type strings (`'i'`,
 * `'f8'`, `'(3,4)i4'`, `'i4,f8'`), `[spec, shape]` pairs, field lists
 * `[[name, spec], ...]`, and description dicts `{ names, formats, offsets,
 * itemsize, aligned }`; besides them typed arrays and their constructors
 * (`fromTypedArray`, `toTypedArrayConstructor`). Built on the public API.
 */
import { MPI } from '../index.js';

/** A dict description of a structured type, as NumPy's `dtype({...})` takes and mpi4py returns. */
export interface DTypeDict {
  /** The field names, in order. */
  names: string[];
  /** The field types, one per name. */
  formats: DTypeSpec[];
  /** Byte offsets of the fields (default: packed, or aligned when `aligned`). */
  offsets?: number[];
  /** Bytes per element (default: the end of the last field, rounded up to the alignment when `aligned`). */
  itemsize?: number;
  /** C-struct alignment of the fields (NumPy's `align=True`). */
  aligned?: boolean;
}

/** Typed array constructors with an MPI counterpart. */
export type TypedArrayConstructor =
  | Int8ArrayConstructor | Uint8ArrayConstructor | Uint8ClampedArrayConstructor | Int16ArrayConstructor
  | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

/**
 * A data type description (NumPy's dtype argument): a type string, a typed
 * array or its constructor, `[spec, shape]`, `[spec, { align }]`, a field
 * list `[[name, spec], [name, spec, shape], ...]`, or a DTypeDict.
 */
export type DTypeSpec =
  | string
  | TypedArrayConstructor
  | ArrayBufferView
  | DTypeDict
  | readonly [DTypeSpec, number | readonly number[]]
  | readonly [DTypeSpec, {
    /** C-struct alignment of the fields (NumPy's `align=True`). */
    align?: boolean;
  }]
  | ReadonlyArray<readonly [string, DTypeSpec] | readonly [string, DTypeSpec, number | readonly number[]]>;

// ---- typed arrays ----------------------------------------------------------

const typedArrayCodes: ReadonlyArray<readonly [TypedArrayConstructor, string]> = [
  [Int8Array, 'i1'], [Uint8Array, 'u1'], [Uint8ClampedArray, 'u1'], [Int16Array, 'i2'], [Uint16Array, 'u2'],
  [Int32Array, 'i4'], [Uint32Array, 'u4'], [BigInt64Array, 'i8'], [BigUint64Array, 'u8'],
  [Float32Array, 'f4'], [Float64Array, 'f8'],
];

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'function') return `function ${x.name}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return `${typeof x} ${JSON.stringify(x)}`;
}

function typedArrayCode(x: unknown): string | null {
  for (const [ctor, code] of typedArrayCodes) {
    if (x === ctor || x instanceof ctor) return code;
  }
  return null;
}

/** The MPI datatype of a typed array's elements (or of a typed array constructor): a new handle (Free it). */
export function fromTypedArray(arrayOrConstructor: ArrayBufferView | TypedArrayConstructor): MPI.Datatype {
  const code = typedArrayCode(arrayOrConstructor);
  if (code === null) throw new TypeError(`fromTypedArray: expected a typed array or typed array constructor, got ${describe(arrayOrConstructor)}`);
  return MPI.Datatype.fromcode(numpyChar(code)).Dup();
}

/**
 * The typed array constructor for elements of `datatype` (a named type or a
 * Dup of one); complex types map to their real parts' array (two elements
 * each). RangeError if there is none (e.g. half floats, long double).
 */
export function toTypedArrayConstructor(datatype: MPI.Datatype): TypedArrayConstructor {
  let code = datatype.combiner === MPI.COMBINER_NAMED || datatype.combiner === MPI.COMBINER_DUP ? datatype.typestr : '';
  if (/^c(8|16)$/.test(code)) code = `f${Number(code.slice(1)) / 2}`;
  if (code === 'b1' || code === 'S1') code = 'u1';
  if (code === 'U1') code = 'u4';
  const hit = typedArrayCodes.find(([ctor, c]) => c === code && ctor !== Uint8ClampedArray);
  if (hit === undefined) throw new RangeError(`toTypedArrayConstructor: no typed array holds elements of ${datatype.Get_name() || 'this datatype'}`);
  return hit[0];
}

// ---- alignment ---------------------------------------------------------------

/** Alignment of a predefined type (mpi4py's `MPI._typealign`): its size, half for complex, the larger for pairs; null for others. */
export function typealign(datatype: MPI.Datatype): number | null {
  if (!datatype.is_predefined || datatype.equals(MPI.DATATYPE_NULL)) return null;
  const pairs: ReadonlyArray<readonly [MPI.Datatype, MPI.Datatype]> = [
    [MPI.SHORT_INT, MPI.SHORT], [MPI.INT_INT, MPI.INT], [MPI.LONG_INT, MPI.LONG], [MPI.FLOAT_INT, MPI.FLOAT],
    [MPI.DOUBLE_INT, MPI.DOUBLE], [MPI.LONG_DOUBLE_INT, MPI.LONG_DOUBLE],
  ];
  const pair = pairs.find(([p]) => p.equals(datatype));
  if (pair) return Math.max(typealign(pair[1])!, typealign(MPI.INT)!);
  const m = /^([a-zA-Z])(\d+)$/.exec(datatype.typestr);
  if (m === null) return datatype.Get_size() || null;
  const size = Number(m[2]);
  if (m[1] === 'c') return size / 2;
  if (m[1] === 'U') return 4;
  return Math.min(size, 16);
}

function freeAll(types: readonly MPI.Datatype[]): void {
  for (const t of types) if (!t.is_predefined) t.Free();
}

/** Whether every basic element of `datatype` placed at `offset` is aligned (mpi4py's `_is_aligned`). */
function isAligned(datatype: MPI.Datatype, offset = 0): boolean {
  if (datatype.is_predefined) {
    if (offset === 0) return true;
    const alignment = typealign(datatype) ?? 0;
    return alignment !== 0 && offset % alignment === 0;
  }
  const combiner = datatype.combiner;
  const [basetype, , info] = datatype.decode();
  let types = [basetype];
  let disps = [0];
  try {
    if (combiner === MPI.COMBINER_RESIZED) disps = [info['extent'] as number];
    if (combiner === MPI.COMBINER_STRUCT) {
      types = info['datatypes'] as MPI.Datatype[];
      disps = info['displacements'] as number[];
    }
    if (combiner === MPI.COMBINER_HVECTOR) disps = [(info['count'] as number) > 1 ? info['stride'] as number : 0];
    if (combiner === MPI.COMBINER_HINDEXED || combiner === MPI.COMBINER_HINDEXED_BLOCK) disps = info['displacements'] as number[];
    return types.every((t, i) => i >= disps.length || isAligned(t, offset + disps[i]!));
  } finally {
    freeAll(types);
  }
}

// ---- descriptions to MPI datatypes -------------------------------------------

function shapeOf(routine: string, shape: unknown): number[] {
  const s = typeof shape === 'number' ? [shape] : Array.isArray(shape) ? shape : null;
  if (s === null || !s.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
    throw new TypeError(`${routine}: a shape must be a non-negative integer or an array of them, got ${describe(shape)}`);
  }
  return s as number[];
}

/** Split a type string at its top-level commas ("(2,3)i4,f8" has two fields). */
function splitFields(spec: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) { out.push(spec.slice(start, i)); start = i + 1; }
  }
  out.push(spec.slice(start));
  return out.map((s) => s.trim());
}

function fromString(routine: string, spec: string, align: boolean): MPI.Datatype {
  const fields = splitFields(spec);
  if (fields.length > 1 || spec.trim().endsWith(',')) {
    const list = fields.filter((f) => f !== '').map((f, i) => [`f${i}`, f] as const);
    return fromFields(routine, list, align);
  }
  const m = /^(?:\(([\d\s,]*)\)|(\d+))?\s*(.*)$/.exec(spec.trim())!;
  if (m[1] !== undefined || m[2] !== undefined) {
    const shape = m[1] !== undefined ? m[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number) : [Number(m[2])];
    return fromSubarray(routine, m[3]!, shape);
  }
  let code = m[3]!;
  if (code.startsWith('>') || code.startsWith('!')) {
    throw new RangeError(`${routine}: data type ${JSON.stringify(spec)} has non-native byte order`);
  }
  if (code.startsWith('<') || code.startsWith('=') || code.startsWith('|')) code = code.slice(1);
  if (code === 'O') throw new RangeError(`${routine}: data type ${JSON.stringify(spec)} has object entries`);
  return MPI.Datatype.fromcode(numpyChar(code)).Dup();
}

/** NumPy's character codes, in the order NumPy prefers one for a type string ('i8' is 'l' on LP64). */
const NUMPY_CHARS = [...'?bBhHiIlLqQefdgFDG'];

/**
 * The character code NumPy gives a type string (`dtype('i4').char` is
 * 'i'), as mpi4py's from_numpy_dtype maps `dtype.char`: 'i4' is MPI.INT,
 * not INT32_T. Codes without a character (S1, U1...) stay as they are.
 */
function numpyChar(code: string): string {
  const typestr = MPI.Datatype.fromcode(code).typestr;
  for (const c of NUMPY_CHARS) {
    let t: MPI.Datatype;
    try { t = MPI.Datatype.fromcode(c); } catch { continue; }
    if (t.typestr === typestr) return c;
  }
  return code;
}

function fromSubarray(routine: string, base: DTypeSpec, shape: readonly number[]): MPI.Datatype {
  const datatype = fromSpec(routine, base, false);
  try {
    if (shape.length === 0) return datatype.Dup();
    if (shape.length === 1) return datatype.Create_contiguous(shape[0]!);
    return datatype.Create_subarray(shape, shape, shape.map(() => 0));
  } finally {
    datatype.Free();
  }
}

function fromFields(routine: string, fields: ReadonlyArray<readonly unknown[]>, align: boolean): MPI.Datatype {
  const names: string[] = [];
  const formats: DTypeSpec[] = [];
  for (const f of fields) {
    if (!Array.isArray(f) || f.length < 2 || f.length > 3 || typeof f[0] !== 'string') {
      throw new TypeError(`${routine}: a field must be [name, spec] or [name, spec, shape], got ${describe(f)}`);
    }
    names.push(f[0] === '' ? `f${names.length}` : f[0]);
    formats.push(f.length === 3 ? [f[1] as DTypeSpec, shapeOf(routine, f[2])] : f[1] as DTypeSpec);
  }
  return fromDict(routine, { names, formats, aligned: align });
}

function fromDict(routine: string, dict: DTypeDict, alignDefault: boolean): MPI.Datatype;
function fromDict(routine: string, dict: DTypeDict): MPI.Datatype;
function fromDict(routine: string, dict: DTypeDict, alignDefault = false): MPI.Datatype {
  const { names, formats } = dict;
  if (!Array.isArray(names) || !Array.isArray(formats) || names.length !== formats.length) {
    throw new TypeError(`${routine}: a description dict needs names and formats of the same length, got ${describe(names)} and ${describe(formats)}`);
  }
  const aligned = dict.aligned ?? alignDefault;
  const datatypes: MPI.Datatype[] = [];
  try {
    for (const f of formats) datatypes.push(fromSpec(routine, f, false));
    let offsets = dict.offsets;
    let maxAlign = 1;
    const alignOf = (t: MPI.Datatype): number => structAlign(t);
    if (aligned) for (const t of datatypes) maxAlign = Math.max(maxAlign, alignOf(t));
    if (offsets === undefined) {
      let at = 0;
      offsets = datatypes.map((t) => {
        if (aligned) at = Math.ceil(at / alignOf(t)) * alignOf(t);
        const off = at;
        at += t.extent;
        return off;
      });
    } else if (!Array.isArray(offsets) || offsets.length !== names.length) {
      throw new TypeError(`${routine}: offsets must be an array of ${names.length} integers, got ${describe(offsets)}`);
    }
    let itemsize = dict.itemsize;
    if (itemsize === undefined) {
      const end = datatypes.reduce((e, t, i) => Math.max(e, offsets[i]! + t.extent), 0);
      itemsize = aligned ? Math.ceil(end / maxAlign) * maxAlign : end;
    }
    const struct = MPI.Datatype.Create_struct(datatypes.map(() => 1), offsets, datatypes);
    try {
      return struct.Create_resized(0, itemsize);
    } finally {
      struct.Free();
    }
  } finally {
    freeAll(datatypes);
  }
}

/** The alignment a field of `datatype` gets in an aligned struct: its largest basic alignment. */
function structAlign(datatype: MPI.Datatype): number {
  if (datatype.is_predefined) return typealign(datatype) ?? 1;
  const [basetype, , info] = datatype.decode();
  const types = datatype.combiner === MPI.COMBINER_STRUCT ? info['datatypes'] as MPI.Datatype[] : [basetype];
  try {
    return Math.max(1, ...types.map(structAlign));
  } finally {
    freeAll(types);
  }
}

function fromSpec(routine: string, spec: unknown, align: boolean): MPI.Datatype {
  if (typeof spec === 'string') return fromString(routine, spec, align);
  const code = typedArrayCode(spec);
  if (code !== null) return MPI.Datatype.fromcode(numpyChar(code)).Dup();
  if (Array.isArray(spec)) {
    if (spec.length === 2 && typeof spec[1] === 'object' && spec[1] !== null && !Array.isArray(spec[1])) {
      return fromSpec(routine, spec[0], Boolean((spec[1] as { align?: boolean }).align));
    }
    if (spec.length === 2 && !Array.isArray(spec[0]) && (typeof spec[1] === 'number' || Array.isArray(spec[1]))) {
      return fromSubarray(routine, spec[0] as DTypeSpec, shapeOf(routine, spec[1]));
    }
    return fromFields(routine, spec as readonly unknown[][], align);
  }
  if (typeof spec === 'object' && spec !== null && 'names' in spec && 'formats' in spec) {
    return fromDict(routine, spec as DTypeDict, align);
  }
  throw new TypeError(`${routine}: expected a data type description (type string, typed array, [spec, shape], field list or dict), got ${describe(spec)}`);
}

/**
 * The MPI datatype of a data type description (mpi4py's
 * `from_numpy_dtype`): a new handle, to Free. Structured types become a
 * struct resized to the item size, sub-arrays contiguous or subarray types.
 */
export function from_numpy_dtype(dtype: DTypeSpec): MPI.Datatype {
  return fromSpec('from_numpy_dtype', dtype, false);
}

// ---- MPI datatypes to descriptions -------------------------------------------

/**
 * The data type description of an MPI datatype (mpi4py's `to_numpy_dtype`,
 * as it answers without NumPy): a type string for named types, `[spec,
 * shape]` for contiguous and full subarray types, a DTypeDict for struct,
 * vector and indexed types, `['v,i', { align: true }]` for pair types.
 * RangeError (Python's ValueError) for types NumPy cannot describe.
 */
export function to_numpy_dtype(datatype: MPI.Datatype): DTypeSpec {
  if (!(datatype instanceof MPI.Datatype)) throw new TypeError(`to_numpy_dtype: expected an MPI.Datatype, got ${describe(datatype)}`);
  if (datatype.equals(MPI.DATATYPE_NULL)) throw new RangeError('to_numpy_dtype: cannot convert null MPI datatype to NumPy');
  let combiner = datatype.combiner;

  const mpi2npy = (t: MPI.Datatype, count: number): DTypeSpec => {
    const d = to_numpy_dtype(t);
    return count === 1 ? d : [d, count];
  };

  if (combiner === MPI.COMBINER_NAMED) {
    const code = typecode(datatype);
    if (code !== null) return code;
    const names = ['SHORT', 'INT', 'LONG', 'FLOAT', 'DOUBLE', 'LONG_DOUBLE'] as const;
    const pairs = [MPI.SHORT_INT, MPI.INT_INT, MPI.LONG_INT, MPI.FLOAT_INT, MPI.DOUBLE_INT, MPI.LONG_DOUBLE_INT];
    const i = pairs.findIndex((p) => p.equals(datatype));
    if (i < 0) throw new RangeError(`to_numpy_dtype: cannot convert ${datatype.Get_name()} to NumPy`);
    return [`${typecode(MPI[names[i]!])},i`, { align: true }];
  }

  const [basetype, , decoded] = datatype.decode();
  let info = decoded;
  let datatypes: MPI.Datatype[] = [basetype];
  try {
    if (combiner === MPI.COMBINER_DUP) return to_numpy_dtype(basetype);

    if (combiner === MPI.COMBINER_CONTIGUOUS) return [to_numpy_dtype(basetype), [info['count'] as number]];

    if (combiner === MPI.COMBINER_SUBARRAY) {
      let sizes = info['sizes'] as number[];
      const subsizes = info['subsizes'] as number[];
      const starts = info['starts'] as number[];
      if (sizes.every((s, i) => s === subsizes[i]) && starts.every((s) => s === 0)) {
        if (info['order'] === MPI.ORDER_FORTRAN) sizes = [...sizes].reverse();
        return [to_numpy_dtype(basetype), sizes];
      }
      throw new RangeError('to_numpy_dtype: cannot convert subarray MPI datatype to NumPy');
    }

    if (combiner === MPI.COMBINER_VALUE_INDEX) {
      const value = to_numpy_dtype(info['value'] as MPI.Datatype);
      const index = to_numpy_dtype(info['index'] as MPI.Datatype);
      return [[['f0', value], ['f1', index]], { align: true }];
    }

    let aligned = true;
    if (combiner === MPI.COMBINER_RESIZED && basetype.combiner === MPI.COMBINER_STRUCT) {
      aligned = isAligned(basetype, info['extent'] as number);
      combiner = MPI.COMBINER_STRUCT;
      info = basetype.decode()[2];
      freeAll(datatypes.splice(0));
    }
    if (combiner === MPI.COMBINER_STRUCT) {
      datatypes = info['datatypes'] as MPI.Datatype[];
      const blocklengths = info['blocklengths'] as number[];
      const offsets = info['displacements'] as number[];
      return {
        names: datatypes.map((_, i) => `f${i}`),
        formats: datatypes.map((t, i) => mpi2npy(t, blocklengths[i]!)),
        offsets: [...offsets],
        itemsize: datatype.extent,
        aligned: aligned && datatypes.every((t, i) => isAligned(t, offsets[i])),
      };
    }

    if (combiner === MPI.COMBINER_VECTOR || combiner === MPI.COMBINER_HVECTOR) {
      const dtype = to_numpy_dtype(basetype);
      const count = info['count'] as number;
      const blocklength = info['blocklength'] as number;
      let stride = info['stride'] as number;
      if (combiner === MPI.COMBINER_VECTOR) {
        stride *= basetype.extent;
        aligned = isAligned(basetype);
      } else {
        stride = count > 1 ? stride : 0;
        aligned = isAligned(basetype, stride);
      }
      return {
        names: Array.from({ length: count }, (_, i) => `f${i}`),
        formats: Array.from({ length: count }, () => [dtype, [blocklength]] as const),
        offsets: Array.from({ length: count }, (_, i) => stride * i),
        itemsize: datatype.extent,
        aligned,
      };
    }

    const indexed = [MPI.COMBINER_INDEXED, MPI.COMBINER_HINDEXED, MPI.COMBINER_INDEXED_BLOCK, MPI.COMBINER_HINDEXED_BLOCK];
    if (indexed.includes(combiner)) {
      const dtype = to_numpy_dtype(basetype);
      const displacements = info['displacements'] as number[];
      const blocklengths = combiner === MPI.COMBINER_INDEXED || combiner === MPI.COMBINER_HINDEXED
        ? info['blocklengths'] as number[] : displacements.map(() => info['blocklength'] as number);
      const byElement = combiner === MPI.COMBINER_INDEXED || combiner === MPI.COMBINER_INDEXED_BLOCK;
      const stride = byElement ? basetype.extent : 1;
      aligned = isAligned(basetype) && (byElement || displacements.every((d) => isAligned(basetype, d)));
      return {
        names: displacements.map((_, i) => `f${i}`),
        formats: blocklengths.map((b) => [dtype, [b]] as const),
        offsets: displacements.map((d) => d * stride),
        aligned,
      };
    }

    if (combiner === MPI.COMBINER_F90_INTEGER || combiner === MPI.COMBINER_F90_REAL || combiner === MPI.COMBINER_F90_COMPLEX) {
      const code = typecode(datatype);
      if (code !== null) return code;
    }

    throw new RangeError(`to_numpy_dtype: cannot convert MPI datatype ${datatype.Get_name() || '(derived)'} to NumPy`);
  } finally {
    freeAll(datatypes);
  }
}

/** mpi4py's `MPI._typecode`: the character code or type string of a named type, else null. */
function typecode(datatype: MPI.Datatype): string | null {
  try { return datatype.tocode(); } catch { return null; }
}
