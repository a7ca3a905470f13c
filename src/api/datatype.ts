import {
  TypeHandle, predefined, pairTypes, contiguousDesc, hvectorDesc, hindexedDesc, structDesc, resizedDesc, subarrayDesc,
  darrayDesc, elementSize, ORDER_C, ORDER_FORTRAN, DISTRIBUTE_BLOCK, DISTRIBUTE_CYCLIC, DISTRIBUTE_NONE, DISTRIBUTE_DFLT_DARG,
  basicDesc, unrepresentable, type ElementKind, type TypeDesc, type PredefinedName, type PairName, type UnrepresentableName,
} from '../core/datatype.js';
import { addressOf } from '../core/address.js';
import { BOTTOM } from '../core/sentinels.js';
import { convertExternal32, external32Size as externalBytes, type External32Unit } from '../core/pack.js';
import { pack, unpack, packSpan } from '../core/pack.js';
import { ERR_TYPE, ERR_COUNT, ERR_ARG, ERR_BUFFER, ERR_CONVERSION } from '../core/errorcodes.js';
import { describeValue } from '../core/failures.js';
import { fail } from './errors.js';
import { UNDEFINED } from './constants.js';
import {
  createKeyval, freeKeyval, getAttr, setAttr, deleteAttr, copyAttrs, deleteAll, type AttrMap,
  type CopyFunction, type DeleteFunction, type KeyvalOptions,
} from './attributes.js';

export { ORDER_C, ORDER_FORTRAN, DISTRIBUTE_BLOCK, DISTRIBUTE_CYCLIC, DISTRIBUTE_NONE, DISTRIBUTE_DFLT_DARG };
/** Convenience alias of ORDER_FORTRAN (mpi4py). */
export const ORDER_F = ORDER_FORTRAN;

/** Combiners for `Get_envelope` (MPICH's values). */
export const COMBINER_NAMED = 1;
/** Combiner of a datatype made by `Dup`: `MPI_COMBINER_DUP`. */
export const COMBINER_DUP = 2;
/** Combiner of a datatype made by `Create_contiguous`: `MPI_COMBINER_CONTIGUOUS`. */
export const COMBINER_CONTIGUOUS = 3;
/** Combiner of a datatype made by `Create_vector`: `MPI_COMBINER_VECTOR`. */
export const COMBINER_VECTOR = 4;
/** Combiner of a datatype made by `Create_hvector`: `MPI_COMBINER_HVECTOR`. */
export const COMBINER_HVECTOR = 6;
/** Combiner of a datatype made by `Create_indexed`: `MPI_COMBINER_INDEXED`. */
export const COMBINER_INDEXED = 7;
/** Combiner of a datatype made by `Create_hindexed`: `MPI_COMBINER_HINDEXED`. */
export const COMBINER_HINDEXED = 9;
/** Combiner of a datatype made by `Create_indexed_block`: `MPI_COMBINER_INDEXED_BLOCK`. */
export const COMBINER_INDEXED_BLOCK = 10;
/** Combiner of a datatype made by `Create_hindexed_block`: `MPI_COMBINER_HINDEXED_BLOCK`. */
export const COMBINER_HINDEXED_BLOCK = 11;
/** Combiner of a datatype made by `Create_struct`: `MPI_COMBINER_STRUCT`. */
export const COMBINER_STRUCT = 13;
/** Combiner of a datatype made by `Create_subarray`: `MPI_COMBINER_SUBARRAY`. */
export const COMBINER_SUBARRAY = 14;
/** Combiner of a datatype made by `Create_darray`: `MPI_COMBINER_DARRAY`. */
export const COMBINER_DARRAY = 15;
/** Combiner of a datatype made by `Create_resized`: `MPI_COMBINER_RESIZED`. */
export const COMBINER_RESIZED = 19;
/** Combiner of a datatype made by `Get_value_index` (a value-index pair type): `MPI_COMBINER_VALUE_INDEX`. */
export const COMBINER_VALUE_INDEX = 20;
/** Combiner of a datatype made by `Create_f90_real`: `MPI_COMBINER_F90_REAL`. */
export const COMBINER_F90_REAL = 16;
/** Combiner of a datatype made by `Create_f90_complex`: `MPI_COMBINER_F90_COMPLEX`. */
export const COMBINER_F90_COMPLEX = 17;
/** Combiner of a datatype made by `Create_f90_integer`: `MPI_COMBINER_F90_INTEGER`. */
export const COMBINER_F90_INTEGER = 18;

/** Type classes for `Datatype.Match_size` (MPICH's values; LOGICAL is MPI 5's). */
export const TYPECLASS_REAL = 1;
/** Type class of integer types for `Datatype.Match_size`: `MPI_TYPECLASS_INTEGER`. */
export const TYPECLASS_INTEGER = 2;
/** Type class of complex types for `Datatype.Match_size`: `MPI_TYPECLASS_COMPLEX`. */
export const TYPECLASS_COMPLEX = 3;
/** Type class of logical types for `Datatype.Match_size`: `MPI_TYPECLASS_LOGICAL`. */
export const TYPECLASS_LOGICAL = 4;

/** mpi4py's names of the combiners, as `decode()` returns them. */
const combinerNames: Readonly<Record<number, string>> = {
  [COMBINER_NAMED]: 'NAMED', [COMBINER_DUP]: 'DUP', [COMBINER_CONTIGUOUS]: 'CONTIGUOUS', [COMBINER_VECTOR]: 'VECTOR',
  [COMBINER_HVECTOR]: 'HVECTOR', [COMBINER_INDEXED]: 'INDEXED', [COMBINER_HINDEXED]: 'HINDEXED',
  [COMBINER_INDEXED_BLOCK]: 'INDEXED_BLOCK', [COMBINER_HINDEXED_BLOCK]: 'HINDEXED_BLOCK', [COMBINER_STRUCT]: 'STRUCT',
  [COMBINER_SUBARRAY]: 'SUBARRAY', [COMBINER_DARRAY]: 'DARRAY', [COMBINER_RESIZED]: 'RESIZED',
  [COMBINER_VALUE_INDEX]: 'VALUE_INDEX', [COMBINER_F90_INTEGER]: 'F90_INTEGER', [COMBINER_F90_REAL]: 'F90_REAL',
  [COMBINER_F90_COMPLEX]: 'F90_COMPLEX',
};

/** Python `struct` character code and NumPy type string of each element kind (LP64). */
const kindCodes: Readonly<Record<ElementKind, readonly [string, string]>> = {
  int8: ['b', 'i1'], uint8: ['B', 'u1'], int16: ['h', 'i2'], uint16: ['H', 'u2'], int32: ['i', 'i4'], uint32: ['I', 'u4'],
  int64: ['l', 'i8'], uint64: ['L', 'u8'], float32: ['f', 'f4'], float64: ['d', 'f8'], bool: ['?', 'b1'],
  complex64: ['F', 'c8'], complex128: ['D', 'c16'],
};

/** Character codes of predefined types whose code is not their element kind's. */
const nameCodes: Readonly<Record<string, readonly [string, string]>> = {
  CHAR: ['c', 'S1'], CHARACTER: ['c', 'S1'], WCHAR: ['U', 'U1'], LONG_LONG: ['q', 'i8'], UNSIGNED_LONG_LONG: ['Q', 'u8'],
  AINT: ['p', 'i8'], OFFSET: ['p', 'i8'], COUNT: ['p', 'i8'], BYTE: ['B', 'u1'], PACKED: ['B', 'u1'],
  LONG_DOUBLE: ['g', 'f16'], C_LONG_DOUBLE_COMPLEX: ['G', 'c32'], CXX_LONG_DOUBLE_COMPLEX: ['G', 'c32'],
  FLOAT16_T: ['e', 'f2'], REAL2: ['e', 'f2'], COMPLEX4: ['E', 'c4'], REAL16: ['g', 'f16'], COMPLEX32: ['G', 'c32'],
  INTEGER16: ['V', 'i16'], LOGICAL16: ['V', 'i16'],
};

/** Types whose `tocode()` is their NumPy type string (the fixed-size ones), not their character code. */
const fixedSize = new Set([
  'INT8_T', 'INT16_T', 'INT32_T', 'INT64_T', 'UINT8_T', 'UINT16_T', 'UINT32_T', 'UINT64_T',
  'INTEGER1', 'INTEGER2', 'INTEGER4', 'INTEGER8', 'REAL4', 'REAL8', 'COMPLEX8', 'COMPLEX16',
  'LOGICAL1', 'LOGICAL2', 'LOGICAL4', 'LOGICAL8',
]);

/**
 * Sizes in the external32 representation that differ from this machine's
 * (MPI standard, "External Data Representation"): C long is 4 bytes there,
 * wchar_t 2. Both MPICH and Open MPI pack them so.
 */
const external32Size: Readonly<Record<string, number>> = { LONG: 4, UNSIGNED_LONG: 4, WCHAR: 2 };

/** Equality of handles (mpi4py's `==`): the key under which `MPI.Datatype` and the tests compare handles. */

/** How a datatype was made: what `Get_envelope` / `Get_contents` return. */
interface Contents {
  readonly combiner: number;
  readonly integers: readonly number[];
  readonly addresses: readonly number[];
  readonly datatypes: readonly Datatype[];
}

const NAMED: Contents = { combiner: COMBINER_NAMED, integers: [], addresses: [], datatypes: [] };

/** Memory a `Pack`/`Unpack` argument may name. */
type Memory = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** An integer argument (TypeError otherwise); `min`, when given, is enforced with MPI error class `cls`. */
function int(routine: string, what: string, x: unknown, min?: number, cls = ERR_ARG): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new TypeError(`${routine}: ${what} must be an integer, got ${describeValue(x)}`);
  }
  if (min !== undefined && x < min) {
    fail(routine, cls, `${what} must be ${min === 0 ? 'non-negative' : `at least ${min}`}, got ${x}`);
  }
  return x;
}

/** A sequence of integers (any array-like of numbers); `length`, when given, must match (ERR_ARG). */
function ints(routine: string, what: string, xs: unknown, min?: number, length?: number): number[] {
  if (xs === null || typeof xs !== 'object' || typeof (xs as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${routine}: ${what} must be a sequence of integers, got ${describeValue(xs)}`);
  }
  const a = Array.from(xs as ArrayLike<unknown>, (x, i) => int(routine, `${what}[${i}]`, x, min));
  if (length !== undefined && a.length !== length) {
    // mpi4py raises ValueError ("expecting n items") for sequences of the wrong length.
    throw new RangeError(`${routine}: ${what} has ${a.length} items, expected ${length}`);
  }
  return a;
}

function bytesOf(routine: string, what: string, m: unknown): Uint8Array {
  if (ArrayBuffer.isView(m)) return new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
  if (m instanceof ArrayBuffer || m instanceof SharedArrayBuffer) return new Uint8Array(m);
  throw new TypeError(`${routine}: ${what} must be a typed array, DataView or ArrayBuffer, got ${describeValue(m)}`);
}

/** An MPI datatype (`MPI_Datatype`): predefined, or derived and committed before use. */
export class Datatype extends TypeHandle {
  #desc: TypeDesc;
  #name: string;
  #committed: boolean;
  #freed = false;
  #predefined: boolean;
  /** A module constant (MPI.INT, ...), which `free()` leaves alone; copies are not. */
  #constant = false;
  #contents: Contents;
  /** What `==` compares: copies made by `new MPI.Datatype(t)` share it, as they share the MPI handle. */
  #identity: object;
  /** Why a predefined type cannot be used (LONG_DOUBLE, ...), or null. */
  #refused: string | null = null;
  /** User attributes (Set_attr). */
  #attrs: AttrMap | null = null;

  /**
   * `new MPI.Datatype()` is a null handle (equal to DATATYPE_NULL, not
   * identical); `new MPI.Datatype(t)` another handle object for the same
   * datatype, as mpi4py's `MPI.Datatype(t)`. The other forms are internal.
   */
  constructor(datatype?: Datatype | null);
  /** @internal Use the predefined constants or the `Create_*` constructors. */
  constructor(desc: TypeDesc, predefinedType: boolean, contents?: Contents);
  constructor(desc?: TypeDesc | Datatype | null, predefinedType?: boolean, contents: Contents = NAMED) {
    super();
    if (typeof predefinedType !== 'boolean') {
      if (desc !== undefined && desc !== null && !(desc instanceof Datatype)) {
        throw new TypeError(`MPI.Datatype: expected an MPI.Datatype or nothing, got ${describeValue(desc)}`);
      }
      const other = desc ?? DATATYPE_NULL;
      this.#desc = other.#desc;
      this.#name = other.#name;
      this.#committed = other.#committed;
      this.#freed = other.#freed;
      this.#predefined = other.#predefined;
      this.#contents = other.#contents;
      this.#identity = other.#identity;
      this.#refused = other.#refused;
      return;
    }
    this.#desc = desc as TypeDesc;
    this.#name = (desc as TypeDesc).name;
    this.#committed = predefinedType;
    this.#predefined = predefinedType;
    this.#contents = contents;
    this.#identity = predefinedType ? desc as TypeDesc : {};
  }

  /** @internal A predefined type JavaScript cannot represent: every use raises ERR_TYPE. */
  static refused(name: string, size: number, reason: string): Datatype {
    const d = new Datatype(basicDesc(name, null, size), true);
    d.#refused = reason;
    return Datatype.constant(d);
  }

  /** @internal Mark a module constant: `free()` leaves it alone. */
  static constant(d: Datatype): Datatype {
    d.#constant = true;
    return d;
  }

  /** @hidden The layout, checking the handle is usable (in the declarations: it implements TypeHandle's abstract member). */
  override typeDesc(routine: string): TypeDesc {
    this.#live(routine);
    if (!this.#committed) fail(routine, ERR_TYPE, `datatype ${this.#name} is not committed (call Commit() first)`);
    return this.#desc;
  }

  /** Size in bytes of the data in one element: `MPI_Type_size`. */
  Get_size(): number { return this.#live('Get_size').size; }
  /** As Get_size (mpi4py property `size`). */
  get size(): number { return this.Get_size(); }
  /** Lower bound and extent: `MPI_Type_get_extent`. */
  Get_extent(): [number, number] { const d = this.#live('Get_extent'); return [d.lb, d.extent]; }
  /** As Get_extent()[1] (mpi4py property `extent`). */
  get extent(): number { return this.#live('extent').extent; }
  /** As Get_extent()[0] (mpi4py property `lb`). */
  get lb(): number { return this.#live('lb').lb; }
  /** As lb + extent (mpi4py property `ub`). */
  get ub(): number { const d = this.#live('ub'); return d.lb + d.extent; }
  /** True lower bound and extent: `MPI_Type_get_true_extent`. */
  Get_true_extent(): [number, number] { const d = this.#live('Get_true_extent'); return [d.trueLb, d.trueExtent]; }
  /** As Get_true_extent()[1] (mpi4py property `true_extent`). */
  get true_extent(): number { return this.#live('true_extent').trueExtent; }
  /** As Get_true_extent()[0] (mpi4py property `true_lb`). */
  get true_lb(): number { return this.#live('true_lb').trueLb; }
  /** As true_lb + true_extent (mpi4py property `true_ub`). */
  get true_ub(): number { const d = this.#live('true_ub'); return d.trueLb + d.trueExtent; }
  /** Name: `MPI_Type_get_name`. */
  Get_name(): string { return this.#identity === predefined.DATATYPE_NULL ? 'MPI_DATATYPE_NULL' : this.#name; }
  /** Set the name: `MPI_Type_set_name`. */
  Set_name(name: string): void { this.#name = String(name); }
  /** As Get_name (mpi4py property `name`). */
  get name(): string { return this.Get_name(); }
  /** As Set_name. */
  set name(name: string) { this.Set_name(name); }
  /** True for predefined datatypes. */
  get is_predefined(): boolean { return this.#predefined; }
  /** True for named (predefined) datatypes. */
  get is_named(): boolean { return this.#contents.combiner === COMBINER_NAMED; }

  // ---- decoding ----------------------------------------------------------

  /**
   * Number of integers, addresses, large counts and datatypes the constructor
   * took, and the combiner: `MPI_Type_get_envelope` (mpi4py's 5-tuple; large
   * counts are always 0 here).
   */
  Get_envelope(): [number, number, number, number, number] {
    this.#live('Get_envelope');
    const c = this.#contents;
    return [c.integers.length, c.addresses.length, 0, c.datatypes.length, c.combiner];
  }
  /** As Get_envelope (mpi4py property `envelope`). */
  get envelope(): [number, number, number, number, number] { return this.Get_envelope(); }
  /** The combiner, as Get_envelope()[4] (mpi4py property `combiner`). */
  get combiner(): number { return this.Get_envelope()[4]; }

  /**
   * The constructor's arguments: `MPI_Type_get_contents`, as mpi4py's
   * `(integers, addresses, counts, datatypes)`. ERR_TYPE for named types.
   */
  Get_contents(): [number[], number[], number[], Datatype[]] {
    this.#live('Get_contents');
    const c = this.#contents;
    if (c.combiner === COMBINER_NAMED) fail('Get_contents', ERR_TYPE, `${this.#name} is a named datatype`);
    // Fresh handles each time: the caller may free them (mpi4py's tests do).
    return [[...c.integers], [...c.addresses], [], c.datatypes.map((t) => t.#ref())];
  }
  /** As Get_contents (mpi4py property `contents`). */
  get contents(): [number[], number[], number[], Datatype[]] { return this.Get_contents(); }

  // ---- lifecycle ---------------------------------------------------------

  /** Make the datatype usable in communication: `MPI_Type_commit`. Returns this datatype. */
  Commit(): this {
    this.#live('Commit');
    this.#committed = true;
    return this;
  }

  /** Release the datatype: `MPI_Type_free`. Predefined datatypes cannot be freed. */
  Free(): void {
    if (this.#predefined) fail('Free', ERR_TYPE, `cannot free predefined datatype ${this.Get_name()}`);
    this.#live('Free');
    deleteAll('Free', this, this.#attrs);
    this.#freed = true;
  }

  /** A copy with the same layout (and attributes, through their copy callbacks): `MPI_Type_dup` (committed if this one is). */
  Dup(): Datatype {
    const d = new Datatype(this.#live('Dup'), false, this.#made(COMBINER_DUP, [], []));
    d.#committed = this.#committed;
    d.#attrs = copyAttrs('Dup', this, this.#attrs);
    return d;
  }

  // ---- attributes ----------------------------------------------------------

  /** Value of an attribute set with Set_attr, or null: `MPI_Type_get_attr`. */
  Get_attr(keyval: number): any {
    this.#handle('Get_attr');
    return getAttr('Get_attr', 'Datatype', this.#attrs, keyval);
  }

  /** Store `attrval` under a keyval from Create_keyval: `MPI_Type_set_attr`. */
  Set_attr(keyval: number, attrval: unknown): void {
    this.#handle('Set_attr');
    this.#attrs = setAttr('Set_attr', 'Datatype', this, this.#attrs, keyval, attrval);
  }

  /** Remove an attribute through its keyval's delete callback: `MPI_Type_delete_attr`. */
  Delete_attr(keyval: number): void {
    this.#handle('Delete_attr');
    deleteAttr('Delete_attr', 'Datatype', this, this.#attrs, keyval);
  }

  /** A new attribute key for datatypes (see Comm.Create_keyval): `MPI_Type_create_keyval`. */
  static Create_keyval(copy_fn: CopyFunction<Datatype> | boolean | KeyvalOptions<Datatype> | null = null,
    delete_fn: DeleteFunction<Datatype> | boolean | null = null, nopython = false): number {
    return createKeyval('Create_keyval', 'Datatype', copy_fn, delete_fn, nopython);
  }

  /** Free an attribute key; returns KEYVAL_INVALID: `MPI_Type_free_keyval`. */
  static Free_keyval(keyval: number): number {
    return freeKeyval('Free_keyval', 'Datatype', keyval);
  }

  /** True for DATATYPE_NULL and freed datatypes. */
  get isNull(): boolean {
    return this.#freed || (this.#desc.size === 0 && this.#desc.name === 'DATATYPE_NULL');
  }

  /**
   * mpi4py's `==`: the same datatype handle — the same object, a copy made
   * by `new MPI.Datatype(t)` (copies share the handle), or both null
   * (DATATYPE_NULL, `new MPI.Datatype()`, freed).
   */
  equals(other: unknown): boolean {
    return other === this || (other instanceof Datatype && (other.#identity === this.#identity || (this.isNull && other.isNull)));
  }

  /** mpi4py alias of `Dup`. */
  Create_dup(): Datatype { return this.Dup(); }

  // ---- constructors ------------------------------------------------------

  /** `count` consecutive copies of this datatype: `MPI_Type_contiguous`. */
  Create_contiguous(count: number): Datatype {
    const d = this.#live('Create_contiguous');
    if (!Number.isInteger(count)) throw new TypeError(`Create_contiguous: count must be an integer, got ${describeValue(count)}`);
    if (count < 0) fail('Create_contiguous', ERR_COUNT, `negative count ${count}`);
    return this.#derived(contiguousDesc(`${this.#name}x${count}`, count, d), COMBINER_CONTIGUOUS, [count], []);
  }

  /**
   * `count` blocks of `blocklength` elements, block starts `stride` elements apart: `MPI_Type_vector`.
   * Commit it before use, free it after.
   * @example
   * ```ts
   * const column = MPI.DOUBLE.Create_vector(4, 1, 4).Commit(); // a column of a 4x4 row-major matrix
   * const m = Float64Array.from({ length: 16 }, (_, i) => i);
   * if (comm.rank === 0) comm.Send([m, 1, column], 1);  // sends 0, 4, 8, 12
   * column.Free();
   * ```
   */
  Create_vector(count: number, blocklength: number, stride: number): Datatype {
    const r = 'Create_vector';
    const d = this.#live(r);
    const [n, bl, st] = [int(r, 'count', count, 0, ERR_COUNT), int(r, 'blocklength', blocklength, 0), int(r, 'stride', stride)];
    return this.#derived(hvectorDesc(`${this.#name}.vector(${n},${bl},${st})`, n, bl, st * d.extent, d),
      COMBINER_VECTOR, [n, bl, st], []);
  }

  /** As `Create_vector`, with the stride in bytes: `MPI_Type_create_hvector`. */
  Create_hvector(count: number, blocklength: number, stride: number): Datatype {
    const r = 'Create_hvector';
    const d = this.#live(r);
    const [n, bl, st] = [int(r, 'count', count, 0, ERR_COUNT), int(r, 'blocklength', blocklength, 0), int(r, 'stride', stride)];
    return this.#derived(hvectorDesc(`${this.#name}.hvector(${n},${bl},${st})`, n, bl, st, d),
      COMBINER_HVECTOR, [n, bl], [st]);
  }

  /** Blocks of `blocklengths[i]` elements at `displacements[i]` extents: `MPI_Type_indexed`. */
  Create_indexed(blocklengths: ArrayLike<number>, displacements: ArrayLike<number>): Datatype {
    const r = 'Create_indexed';
    const d = this.#live(r);
    const bl = ints(r, 'blocklengths', blocklengths, 0);
    const dp = ints(r, 'displacements', displacements, undefined, bl.length);
    return this.#derived(hindexedDesc(`${this.#name}.indexed(${bl.length} blocks)`, bl, dp.map((x) => x * d.extent), d),
      COMBINER_INDEXED, [bl.length, ...bl, ...dp], []);
  }

  /** As `Create_indexed`, with displacements in bytes: `MPI_Type_create_hindexed`. */
  Create_hindexed(blocklengths: ArrayLike<number>, displacements: ArrayLike<number>): Datatype {
    const r = 'Create_hindexed';
    const d = this.#live(r);
    const bl = ints(r, 'blocklengths', blocklengths, 0);
    const dp = ints(r, 'displacements', displacements, undefined, bl.length);
    return this.#derived(hindexedDesc(`${this.#name}.hindexed(${bl.length} blocks)`, bl, dp, d),
      COMBINER_HINDEXED, [bl.length, ...bl], dp);
  }

  /** Blocks of `blocklength` elements at `displacements[i]` extents: `MPI_Type_create_indexed_block`. */
  Create_indexed_block(blocklength: number, displacements: ArrayLike<number>): Datatype {
    const r = 'Create_indexed_block';
    const d = this.#live(r);
    const bl = int(r, 'blocklength', blocklength, 0);
    const dp = ints(r, 'displacements', displacements);
    return this.#derived(hindexedDesc(`${this.#name}.indexed_block(${bl},${dp.length} blocks)`, dp.map(() => bl), dp.map((x) => x * d.extent), d),
      COMBINER_INDEXED_BLOCK, [dp.length, bl, ...dp], []);
  }

  /** As `Create_indexed_block`, with displacements in bytes: `MPI_Type_create_hindexed_block`. */
  Create_hindexed_block(blocklength: number, displacements: ArrayLike<number>): Datatype {
    const r = 'Create_hindexed_block';
    const d = this.#live(r);
    const bl = int(r, 'blocklength', blocklength, 0);
    const dp = ints(r, 'displacements', displacements);
    return this.#derived(hindexedDesc(`${this.#name}.hindexed_block(${bl},${dp.length} blocks)`, dp.map(() => bl), dp, d),
      COMBINER_HINDEXED_BLOCK, [dp.length, bl], dp);
  }

  /**
   * A block of a multidimensional array: `MPI_Type_create_subarray`. The
   * extent is that of the whole array, so `count` > 1 steps over whole arrays.
   * Out-of-range sizes, subsizes or starts are ERR_ARG.
   */
  Create_subarray(sizes: ArrayLike<number>, subsizes: ArrayLike<number>, starts: ArrayLike<number>, order: number = ORDER_C): Datatype {
    const r = 'Create_subarray';
    const d = this.#live(r);
    const sz = ints(r, 'sizes', sizes, 1);
    if (sz.length === 0) fail(r, ERR_ARG, 'sizes is empty (at least one dimension)');
    const sub = ints(r, 'subsizes', subsizes, 1, sz.length);
    const st = ints(r, 'starts', starts, 0, sz.length);
    int(r, 'order', order);
    if (order !== ORDER_C && order !== ORDER_FORTRAN) fail(r, ERR_ARG, `order must be ORDER_C or ORDER_FORTRAN, got ${order}`);
    sz.forEach((n, i) => {
      if (sub[i]! > n) fail(r, ERR_ARG, `subsizes[${i}] = ${sub[i]} exceeds sizes[${i}] = ${n}`);
      if (st[i]! + sub[i]! > n) fail(r, ERR_ARG, `starts[${i}] + subsizes[${i}] = ${st[i]! + sub[i]!} exceeds sizes[${i}] = ${n}`);
    });
    const name = `${this.#name}.subarray([${sz}],[${sub}],[${st}]${order === ORDER_C ? '' : ',F'})`;
    return this.#derived(subarrayDesc(name, sz, sub, st, order, d),
      COMBINER_SUBARRAY, [sz.length, ...sz, ...sub, ...st, order], []);
  }

  /**
   * Blocks of several datatypes at byte displacements: `MPI_Type_create_struct`.
   * Works on any typed memory (a byte array, DataView, ArrayBuffer or typed
   * array describes the bytes); the extent is padded to the strictest
   * alignment of the members, as a C struct is.
   */
  static Create_struct(blocklengths: ArrayLike<number>, displacements: ArrayLike<number>, datatypes: ArrayLike<Datatype>): Datatype {
    const r = 'Create_struct';
    const bl = ints(r, 'blocklengths', blocklengths, 0);
    const dp = ints(r, 'displacements', displacements, undefined, bl.length);
    if (datatypes === null || typeof datatypes !== 'object' || typeof datatypes.length !== 'number') {
      throw new TypeError(`${r}: datatypes must be a sequence of MPI.Datatype, got ${describeValue(datatypes)}`);
    }
    const types = Array.from(datatypes, (t, i) => {
      if (!(t instanceof Datatype)) throw new TypeError(`${r}: datatypes[${i}] must be an MPI.Datatype, got ${describeValue(t)}`);
      return t;
    });
    if (types.length !== bl.length) throw new RangeError(`${r}: datatypes has ${types.length} items, expected ${bl.length}`);
    const descs = types.map((t) => t.#live(r));
    const name = `struct(${types.map((t) => t.#name).join(',')})`;
    const t = new Datatype(structDesc(name, bl, dp, descs), false,
      { combiner: COMBINER_STRUCT, integers: [bl.length, ...bl], addresses: dp, datatypes: types.map((x) => x.#ref()) });
    return t;
  }

  /**
   * The part of a global array that process `rank` of `size` owns when the
   * array of `gsizes` elements is distributed over a process grid `psizes`
   * (row-major ranks), dimension i by `distribs[i]` (DISTRIBUTE_BLOCK,
   * DISTRIBUTE_CYCLIC or DISTRIBUTE_NONE) with argument `dargs[i]` (a block
   * size, or DISTRIBUTE_DFLT_DARG): `MPI_Type_create_darray`. The extent is
   * that of the whole array, the elements in its storage `order`.
   */
  Create_darray(size: number, rank: number, gsizes: ArrayLike<number>, distribs: ArrayLike<number>,
    dargs: ArrayLike<number>, psizes: ArrayLike<number>, order: number = ORDER_C): Datatype {
    const r = 'Create_darray';
    const d = this.#live(r);
    const n = int(r, 'size', size, 1);
    const me = int(r, 'rank', rank, 0);
    if (me >= n) fail(r, ERR_ARG, `rank ${me} is not below size ${n}`);
    const gs = ints(r, 'gsizes', gsizes, 1);
    if (gs.length === 0) fail(r, ERR_ARG, 'gsizes is empty (at least one dimension)');
    const dist = ints(r, 'distribs', distribs, undefined, gs.length);
    const da = ints(r, 'dargs', dargs, undefined, gs.length);
    const ps = ints(r, 'psizes', psizes, 1, gs.length);
    int(r, 'order', order);
    if (order !== ORDER_C && order !== ORDER_FORTRAN) fail(r, ERR_ARG, `order must be ORDER_C or ORDER_FORTRAN, got ${order}`);
    const grid = ps.reduce((a, b) => a * b, 1);
    if (grid !== n) fail(r, ERR_ARG, `psizes [${ps}] make a grid of ${grid} processes, size is ${n}`);
    gs.forEach((g, i) => {
      const [kind, arg, p] = [dist[i]!, da[i]!, ps[i]!];
      if (kind !== DISTRIBUTE_BLOCK && kind !== DISTRIBUTE_CYCLIC && kind !== DISTRIBUTE_NONE) {
        fail(r, ERR_ARG, `distribs[${i}] = ${kind} is not DISTRIBUTE_BLOCK, DISTRIBUTE_CYCLIC or DISTRIBUTE_NONE`);
      }
      if (arg !== DISTRIBUTE_DFLT_DARG && arg < 1) fail(r, ERR_ARG, `dargs[${i}] = ${arg} must be positive or DISTRIBUTE_DFLT_DARG`);
      if (kind === DISTRIBUTE_NONE && p !== 1) fail(r, ERR_ARG, `distribs[${i}] is DISTRIBUTE_NONE but psizes[${i}] = ${p} (must be 1)`);
      if (kind === DISTRIBUTE_BLOCK && arg !== DISTRIBUTE_DFLT_DARG && arg * p < g) {
        fail(r, ERR_ARG, `dargs[${i}] * psizes[${i}] = ${arg * p} does not cover gsizes[${i}] = ${g} with DISTRIBUTE_BLOCK`);
      }
    });
    const name = `${this.#name}.darray(${n},${me},[${gs}]${order === ORDER_C ? '' : ',F'})`;
    return this.#derived(darrayDesc(name, me, gs, dist, da, ps, order, d),
      COMBINER_DARRAY, [n, me, gs.length, ...gs, ...dist, ...da, ...ps, order], []);
  }

  /** The same data with a new lower bound and extent (bytes): `MPI_Type_create_resized`. */
  Create_resized(lb: number, extent: number): Datatype {
    const r = 'Create_resized';
    const d = this.#live(r);
    const [l, e] = [int(r, 'lb', lb), int(r, 'extent', extent)];
    return this.#derived(resizedDesc(`${this.#name}.resized(${l},${e})`, d, l, e), COMBINER_RESIZED, [], [l, e]);
  }

  /** mpi4py alias of `Create_resized`. */
  Resized(lb: number, extent: number): Datatype { return this.Create_resized(lb, extent); }

  /**
   * The predefined pair type of `value` and `index` for MAXLOC/MINLOC:
   * `MPI_Type_get_value_index`. DATATYPE_NULL when there is none (an index
   * other than INT); ERR_TYPE for DATATYPE_NULL arguments.
   */
  static Get_value_index(value: Datatype, index: Datatype): Datatype {
    const r = 'Get_value_index';
    if (!(value instanceof Datatype)) throw new TypeError(`${r}: value must be an MPI.Datatype, got ${describeValue(value)}`);
    if (!(index instanceof Datatype)) throw new TypeError(`${r}: index must be an MPI.Datatype, got ${describeValue(index)}`);
    for (const [what, t] of [['value', value], ['index', index]] as const) {
      if (t.#identity === predefined.DATATYPE_NULL) fail(r, ERR_TYPE, `${what} is DATATYPE_NULL`);
    }
    if (index.#identity !== predefined.INT) return DATATYPE_NULL;
    const pairs: [Datatype, Datatype][] = [
      [SHORT, SHORT_INT], [INT, INT_INT], [LONG, LONG_INT], [FLOAT, FLOAT_INT], [DOUBLE, DOUBLE_INT],
      [LONG_DOUBLE, LONG_DOUBLE_INT],
    ];
    return pairs.find(([v]) => v.#identity === value.#identity)?.[1] ?? DATATYPE_NULL;
  }

  /**
   * The predefined type of `typeclass` (TYPECLASS_INTEGER, TYPECLASS_REAL,
   * TYPECLASS_COMPLEX, TYPECLASS_LOGICAL) and `size` bytes:
   * `MPI_Type_match_size` (INTEGER4, REAL8, COMPLEX16, LOGICAL1, ...).
   * ERR_ARG when there is none JavaScript can represent.
   */
  static Match_size(typeclass: number, size: number): Datatype {
    const r = 'Match_size';
    int(r, 'typeclass', typeclass);
    int(r, 'size', size);
    const table: Record<number, Record<number, Datatype>> = {
      [TYPECLASS_INTEGER]: { 1: INTEGER1, 2: INTEGER2, 4: INTEGER4, 8: INTEGER8 },
      [TYPECLASS_REAL]: { 4: REAL4, 8: REAL8 },
      [TYPECLASS_COMPLEX]: { 8: COMPLEX8, 16: COMPLEX16 },
      [TYPECLASS_LOGICAL]: { 1: LOGICAL1, 2: LOGICAL2, 4: LOGICAL4, 8: LOGICAL8 },
    };
    const byClass = table[typeclass];
    if (byClass === undefined) fail(r, ERR_ARG, `invalid typeclass ${typeclass}`);
    const t = byClass[size];
    if (t === undefined) fail(r, ERR_ARG, `no type of class ${typeclass} has ${size} bytes (sizes: ${Object.keys(byClass).join(', ')})`);
    return t;
  }

  /** The Fortran INTEGER kind with decimal range `r`: `MPI_Type_create_f90_integer` (INTEGER1 to INTEGER8). */
  static Create_f90_integer(r: number): Datatype {
    const range = int('Create_f90_integer', 'r', r);
    const base = range <= 2 ? INTEGER1 : range <= 4 ? INTEGER2 : range <= 9 ? INTEGER4 : range <= 18 ? INTEGER8 : null;
    if (base === null) fail('Create_f90_integer', ERR_ARG, `no integer kind has a decimal range of ${range} digits (at most 18)`);
    return f90(base, COMBINER_F90_INTEGER, [range]);
  }

  /** The Fortran REAL kind with precision `p` and exponent range `r`: `MPI_Type_create_f90_real` (REAL4 or REAL8). */
  static Create_f90_real(p: number, r: number): Datatype {
    const base = f90Real('Create_f90_real', p, r, REAL4, REAL8);
    return f90(base, COMBINER_F90_REAL, [p, r]);
  }

  /** The Fortran COMPLEX kind with precision `p` and exponent range `r`: `MPI_Type_create_f90_complex` (COMPLEX8 or COMPLEX16). */
  static Create_f90_complex(p: number, r: number): Datatype {
    const base = f90Real('Create_f90_complex', p, r, COMPLEX8, COMPLEX16);
    return f90(base, COMBINER_F90_COMPLEX, [p, r]);
  }

  /** @internal A predefined Fortran 90 parameterised type over `base`'s layout. */
  static f90(base: Datatype, combiner: number, integers: number[]): Datatype {
    const d = new Datatype({ ...base.#desc }, true, { combiner, integers, addresses: [], datatypes: [] });
    d.#name = base.#name;
    return d;
  }

  // ---- decoding: mpi4py's decode, tocode, typechar, typestr ----------------

  /**
   * How this datatype was made, as mpi4py's `decode()`: `[oldtype,
   * combiner name, params]`, params named as the constructor's arguments
   * (`{ count, blocklength, stride }` for VECTOR, ...), in its positional
   * order; a named type gives `[this, 'NAMED', {}]`.
   */
  decode(): [Datatype, string, Record<string, unknown>] {
    this.#live('decode');
    const c = this.#contents;
    const name = combinerNames[c.combiner]!;
    if (c.combiner === COMBINER_NAMED) return [this, name, {}];
    const i = c.integers;
    const a = c.addresses;
    const types = c.datatypes.map((t) => t.#ref());
    const oldtype = types.length === 1 ? types[0]! : DATATYPE_NULL;
    const n = i[0] ?? 0;
    let params: Record<string, unknown>;
    switch (c.combiner) {
      case COMBINER_DUP: params = {}; break;
      case COMBINER_CONTIGUOUS: params = { count: i[0] }; break;
      case COMBINER_VECTOR: params = { count: i[0], blocklength: i[1], stride: i[2] }; break;
      case COMBINER_HVECTOR: params = { count: i[0], blocklength: i[1], stride: a[0] }; break;
      case COMBINER_INDEXED: params = { blocklengths: i.slice(1, 1 + n), displacements: i.slice(1 + n, 1 + 2 * n) }; break;
      case COMBINER_HINDEXED: params = { blocklengths: i.slice(1, 1 + n), displacements: [...a] }; break;
      case COMBINER_INDEXED_BLOCK: params = { blocklength: i[1], displacements: i.slice(2, 2 + n) }; break;
      case COMBINER_HINDEXED_BLOCK: params = { blocklength: i[1], displacements: [...a] }; break;
      case COMBINER_STRUCT: params = { blocklengths: i.slice(1, 1 + n), displacements: [...a], datatypes: types }; break;
      case COMBINER_SUBARRAY:
        params = { sizes: i.slice(1, 1 + n), subsizes: i.slice(1 + n, 1 + 2 * n), starts: i.slice(1 + 2 * n, 1 + 3 * n), order: i[1 + 3 * n] };
        break;
      case COMBINER_DARRAY: {
        const nd = i[2]!;
        params = {
          size: i[0], rank: i[1], gsizes: i.slice(3, 3 + nd), distribs: i.slice(3 + nd, 3 + 2 * nd),
          dargs: i.slice(3 + 2 * nd, 3 + 3 * nd), psizes: i.slice(3 + 3 * nd, 3 + 4 * nd), order: i[3 + 4 * nd],
        };
        break;
      }
      case COMBINER_RESIZED: params = { lb: a[0], extent: a[1] }; break;
      case COMBINER_F90_INTEGER: params = { r: i[0] }; break;
      case COMBINER_F90_REAL: case COMBINER_F90_COMPLEX: params = { p: i[0], r: i[1] }; break;
      default: params = {};
    }
    return [c.combiner === COMBINER_STRUCT && types.length !== 1 ? DATATYPE_NULL : oldtype, name, params];
  }

  /** [character code, type string] of a named type (or a Dup of one), null for others. */
  #codes(): readonly [string, string] | null {
    const c = this.#contents;
    if (c.combiner === COMBINER_DUP) return c.datatypes[0]!.#codes();
    if (c.combiner !== COMBINER_NAMED && c.combiner !== COMBINER_F90_INTEGER && c.combiner !== COMBINER_F90_REAL
      && c.combiner !== COMBINER_F90_COMPLEX) return null;
    const d = this.#desc;
    if (d.pair) return null;
    const byName = nameCodes[d.name];
    if (byName) return byName;
    return d.element ? kindCodes[d.element] : null;
  }

  /** Python `struct` character code of the type (`'i'`, `'d'`, `'F'`, ...), `'V'` for other types, `''` for DATATYPE_NULL. */
  get typechar(): string {
    if (this.#identity === predefined.DATATYPE_NULL) return '';
    return this.#codes()?.[0] ?? 'V';
  }

  /** NumPy type string of the type (`'i4'`, `'f8'`, `'c16'`, ...), `'V<extent>'` for other types, `''` for DATATYPE_NULL. */
  get typestr(): string {
    if (this.#identity === predefined.DATATYPE_NULL) return '';
    return this.#codes()?.[1] ?? `V${this.#desc.extent}`;
  }

  /** The character code or type string `fromcode` maps back to this type's kind. RangeError (Python's ValueError) if there is none. */
  tocode(): string {
    const codes = this.#identity === predefined.DATATYPE_NULL ? null : this.#codes();
    if (codes === null) throw new RangeError(`tocode: cannot map ${this.Get_name()} to a character code or type string`);
    let t: Datatype = this;
    while (t.#contents.combiner === COMBINER_DUP) t = t.#contents.datatypes[0]!;
    return fixedSize.has(t.#desc.name) ? codes[1] : codes[0];
  }

  /** The predefined type of a character code or type string (`'i'`, `'f8'`, `'Zd'`, ...). RangeError (Python's ValueError) for unknown codes. */
  static fromcode(code: string): Datatype {
    const t = typeof code === 'string' ? typeDict().get(code) : undefined;
    if (t === undefined) throw new RangeError(`fromcode: cannot map code ${JSON.stringify(code)} to an MPI datatype`);
    return t;
  }

  /**
   * Free it unless it is null or predefined (mpi4py 4's `free`): the module
   * constants (MPI.INT, ...) stay as they are, another object for a
   * predefined datatype becomes null, a derived one is freed (its
   * attributes deleted through their callbacks).
   */
  free(): void {
    if (this.isNull || this.#constant) return;
    if (this.#predefined) this.#freed = true;
    else this.Free();
  }

    // ---- packing -------------------------------------------------------------

  /** Bytes needed to pack `count` elements: `MPI_Pack_size` (`comm` is accepted for mpi4py compatibility). */
  Pack_size(count: number, _comm?: unknown): number {
    const d = this.#live('Pack_size');
    return int('Pack_size', 'count', count, 0, ERR_COUNT) * d.size;
  }

  /**
   * Pack as many whole elements as `inbuf` holds (its length over the extent)
   * into `outbuf` at byte `position`; returns the new position: `MPI_Pack`.
   */
  Pack(inbuf: Memory, outbuf: Memory, position: number, _comm?: unknown): number {
    const r = 'Pack';
    const d = this.typeDesc(r);
    const src = bytesOf(r, 'inbuf', inbuf);
    const dst = bytesOf(r, 'outbuf', outbuf);
    const pos = int(r, 'position', position, 0);
    const count = d.extent > 0 ? Math.floor(src.length / d.extent) : 0;
    const [lo, hi] = packSpan(count, d);
    if (lo < 0 || hi > src.length) fail(r, ERR_BUFFER, `${count} ${this.#name} need bytes ${lo} to ${hi} of inbuf, which has ${src.length}`);
    if (pos + count * d.size > dst.length) fail(r, ERR_BUFFER, `outbuf of ${dst.length} bytes has no room for ${count * d.size} bytes at position ${pos}`);
    return pack(src, count, d, dst, 0, pos);
  }

  /**
   * Unpack from `inbuf` at byte `position` as many whole elements as `outbuf`
   * holds (its length over the extent); returns the new position: `MPI_Unpack`.
   */
  Unpack(inbuf: Memory, position: number, outbuf: Memory, _comm?: unknown): number {
    const r = 'Unpack';
    const d = this.typeDesc(r);
    const src = bytesOf(r, 'inbuf', inbuf);
    const dst = bytesOf(r, 'outbuf', outbuf);
    const pos = int(r, 'position', position, 0);
    const count = d.extent > 0 ? Math.floor(dst.length / d.extent) : 0;
    const [lo, hi] = packSpan(count, d);
    if (lo < 0 || hi > dst.length) fail(r, ERR_BUFFER, `${count} ${this.#name} need bytes ${lo} to ${hi} of outbuf, which has ${dst.length}`);
    if (pos + count * d.size > src.length) fail(r, ERR_BUFFER, `inbuf of ${src.length} bytes holds no ${count * d.size} bytes at position ${pos}`);
    return unpack(src, count, d, dst, 0, pos);
  }

  /** Bytes `count` elements take in `datarep` ("external32"): `MPI_Pack_external_size`. */
  Pack_external_size(datarep: string, count: number): number {
    const r = 'Pack_external_size';
    external32(r, datarep);
    this.#live(r);
    return externalBytes(this.#units(), int(r, 'count', count, 0, ERR_COUNT));
  }

  /**
   * Pack as many whole elements as `inbuf` holds into `outbuf` at byte
   * `position` in the portable "external32" representation (big-endian, the
   * MPI standard's sizes); returns the new position: `MPI_Pack_external`.
   */
  Pack_external(datarep: string, inbuf: Memory, outbuf: Memory, position: number): number {
    const r = 'Pack_external';
    external32(r, datarep);
    const d = this.typeDesc(r);
    const src = bytesOf(r, 'inbuf', inbuf);
    const dst = bytesOf(r, 'outbuf', outbuf);
    const pos = int(r, 'position', position, 0);
    const count = d.extent > 0 ? Math.floor(src.length / d.extent) : 0;
    const [lo, hi] = packSpan(count, d);
    if (lo < 0 || hi > src.length) fail(r, ERR_BUFFER, `${count} ${this.#name} need bytes ${lo} to ${hi} of inbuf, which has ${src.length}`);
    const units = this.#units();
    const need = externalBytes(units, count);
    if (pos + need > dst.length) fail(r, ERR_BUFFER, `outbuf of ${dst.length} bytes has no room for ${need} bytes at position ${pos}`);
    const native = new Uint8Array(count * d.size);
    pack(src, count, d, native, 0, 0);
    convertExternal32(units, count, native, 0, dst, pos, true, (x, bytes) =>
      fail(r, ERR_CONVERSION, `value ${x} of ${this.#name} does not fit the ${bytes} bytes external32 gives it`));
    return pos + need;
  }

  /**
   * Unpack from `inbuf` at byte `position`, in the "external32"
   * representation, as many whole elements as `outbuf` holds; returns the
   * new position: `MPI_Unpack_external`.
   */
  Unpack_external(datarep: string, inbuf: Memory, position: number, outbuf: Memory): number {
    const r = 'Unpack_external';
    external32(r, datarep);
    const d = this.typeDesc(r);
    const src = bytesOf(r, 'inbuf', inbuf);
    const dst = bytesOf(r, 'outbuf', outbuf);
    const pos = int(r, 'position', position, 0);
    const count = d.extent > 0 ? Math.floor(dst.length / d.extent) : 0;
    const [lo, hi] = packSpan(count, d);
    if (lo < 0 || hi > dst.length) fail(r, ERR_BUFFER, `${count} ${this.#name} need bytes ${lo} to ${hi} of outbuf, which has ${dst.length}`);
    const units = this.#units();
    const need = externalBytes(units, count);
    if (pos + need > src.length) fail(r, ERR_BUFFER, `inbuf of ${src.length} bytes holds no ${need} bytes at position ${pos}`);
    const native = new Uint8Array(count * d.size);
    convertExternal32(units, count, src, pos, native, 0, false, () => { throw new Error('unreachable'); });
    unpack(native, count, d, dst, 0, 0);
    return pos + need;
  }

  /**
   * @internal Number of basic elements in the first `bytes` bytes of packed
   * data of this type (`MPI_Get_elements`): whole elements of the type count
   * all their basic elements, a partial one those it holds completely;
   * UNDEFINED when `bytes` ends inside a basic element.
   */
  basicElements(bytes: number): number {
    const d = this.#live('Get_elements');
    if (bytes === 0) return 0;
    if (d.size === 0) return UNDEFINED;
    if (d.element !== null && d.pair == null) {
      const s = elementSize[d.element];
      return bytes % s === 0 ? bytes / s : UNDEFINED;
    }
    const runs = this.#basics();
    let perElement = 0;
    for (const [, n] of runs) perElement += n;
    let rest = bytes % d.size;
    let count = Math.floor(bytes / d.size) * perElement;
    for (const [s, n] of runs) {
      if (rest === 0) break;
      const k = Math.min(n, Math.floor(rest / s));
      count += k;
      rest -= k * s;
      if (k < n) break;
    }
    return rest === 0 ? count : UNDEFINED;
  }

  /** @internal Bytes of packed data that hold the first `n` basic elements (the inverse of basicElements). */
  bytesOfElements(n: number): number {
    const d = this.#live('Set_elements');
    if (n === 0 || d.size === 0) return 0;
    if (d.element !== null && d.pair == null) return n * elementSize[d.element];
    const runs = this.#basics();
    let perElement = 0;
    for (const [, k] of runs) perElement += k;
    let bytes = Math.floor(n / perElement) * d.size;
    let rest = n % perElement;
    for (const [s, k] of runs) {
      if (rest === 0) break;
      const take = Math.min(k, rest);
      bytes += take * s;
      rest -= take;
    }
    return bytes;
  }

  /** Sizes of the basic elements of one element in type-map order, as runs [size, count]. */
  #basics(): readonly (readonly [number, number])[] {
    return this.#runsOf(basicRuns, (d) => (d.pair ? [[elementSize[d.pair], 1], [4, 1]]
      : [[d.element ? elementSize[d.element] : d.size, d.element ? d.size / elementSize[d.element] : 1]]));
  }

  /** The basic elements of one element as external32 conversion units, in type-map order. */
  #units(): readonly (readonly [External32Unit, number])[] {
    return this.#runsOf(unitRuns, (d, name) => {
      if (d.pair) return [[unitOf(d.pair, name === 'LONG_INT' ? 'LONG' : ''), 1], [unitOf('int32', ''), 1]];
      if (d.element === null) return [[unitOf('uint8', ''), d.size]];
      return [[unitOf(d.element, name), d.size / elementSize[d.element]]];
    });
  }

  /**
   * Runs [basic element, count] of one element in type-map order, from the
   * constructor's arguments: `leaf` gives those of a named type.
   */
  #runsOf<T>(memo: WeakMap<Datatype, readonly (readonly [T, number])[]>, leaf: (d: TypeDesc, name: string) => [T, number][]): readonly (readonly [T, number])[] {
    const known = memo.get(this);
    if (known !== undefined) return known;
    const c = this.#contents;
    const ints = c.integers;
    const child = (): readonly (readonly [T, number])[] => c.datatypes[0]!.#runsOf(memo, leaf);
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    let runs: [T, number][];
    switch (c.combiner) {
      case COMBINER_NAMED: case COMBINER_F90_INTEGER: case COMBINER_F90_REAL: case COMBINER_F90_COMPLEX:
        runs = leaf(this.#desc, (this.#identity as TypeDesc).name ?? this.#desc.name);
        break;
      case COMBINER_DUP: case COMBINER_RESIZED: runs = repeat(child(), 1); break;
      case COMBINER_CONTIGUOUS: runs = repeat(child(), ints[0]!); break;
      case COMBINER_VECTOR: case COMBINER_HVECTOR: runs = repeat(child(), ints[0]! * ints[1]!); break;
      case COMBINER_INDEXED: case COMBINER_HINDEXED: runs = repeat(child(), sum(ints.slice(1, 1 + ints[0]!))); break;
      case COMBINER_INDEXED_BLOCK: case COMBINER_HINDEXED_BLOCK: runs = repeat(child(), ints[0]! * ints[1]!); break;
      case COMBINER_SUBARRAY: {
        const nd = ints[0]!;
        runs = repeat(child(), ints.slice(1 + nd, 1 + 2 * nd).reduce((a, b) => a * b, 1));
        break;
      }
      case COMBINER_DARRAY: {
        const base = c.datatypes[0]!.#desc.size;
        runs = repeat(child(), base === 0 ? 0 : this.#desc.size / base);
        break;
      }
      case COMBINER_STRUCT: {
        runs = [];
        c.datatypes.forEach((t, i) => { for (const r of repeat(t.#runsOf(memo, leaf), ints[1 + i]!)) pushRun(runs, r[0], r[1]); });
        break;
      }
      default: runs = leaf(this.#desc, this.#desc.name);
    }
    memo.set(this, runs);
    return runs;
  }

  // ---- internals -----------------------------------------------------------

  /** A new derived datatype built from this one. */
  #derived(desc: TypeDesc, combiner: number, integers: number[], addresses: number[]): Datatype {
    return new Datatype(desc, false, this.#made(combiner, integers, addresses));
  }

  #made(combiner: number, integers: number[], addresses: number[]): Contents {
    return { combiner, integers, addresses, datatypes: [this.#ref()] };
  }

  /**
   * This datatype as `Get_contents` returns it: predefined ones themselves,
   * derived ones a new (uncommitted) handle of the same layout, unaffected
   * if this one is freed.
   */
  #ref(): Datatype {
    if (this.#predefined) return this;
    const d = new Datatype(this.#desc, false, this.#contents);
    d.#name = this.#name;
    return d;
  }

  #live(routine: string): TypeDesc {
    if (this.#refused !== null) fail(routine, ERR_TYPE, `${this.#name}: ${this.#refused}`);
    return this.#handle(routine);
  }

  /** A valid handle, for calls that touch no data (attributes): a refused type like LONG_DOUBLE has them too. */
  #handle(routine: string): TypeDesc {
    if (this.#freed) fail(routine, ERR_TYPE, `datatype ${this.#name} was freed`);
    if (this.#desc.size === 0 && this.#desc.name === 'DATATYPE_NULL') fail(routine, ERR_TYPE, 'DATATYPE_NULL is not a datatype');
    return this.#desc;
  }

  override toString(): string { return `MPI.${this.#name}`; }
}

/** The only data representation here: "external32" (ERR_ARG for others; "native" is MPI_Pack's). */
function external32(routine: string, datarep: unknown): void {
  if (datarep !== 'external32') fail(routine, ERR_ARG, `unsupported data representation ${JSON.stringify(datarep)} (only "external32")`);
}

const f90Cache = new Map<string, Datatype>();
/** One handle per Fortran 90 type and parameters, as MPI returns the same predefined handle each time. */
function f90(base: Datatype, combiner: number, integers: number[]): Datatype {
  const key = `${combiner}/${integers.join(',')}`;
  let t = f90Cache.get(key);
  if (t === undefined) f90Cache.set(key, (t = Datatype.f90(base, combiner, integers)));
  return t;
}

function f90Real(routine: string, p: number, r: number, single: Datatype, double: Datatype): Datatype {
  int(routine, 'p', p);
  int(routine, 'r', r);
  if (p <= 6 && r <= 37) return single;
  if (p <= 15 && r <= 307) return double;
  return fail(routine, ERR_ARG, `no real kind has precision ${p} and exponent range ${r} (at most 15 and 307)`);
}

let typeDictCache: Map<string, Datatype> | null = null;
/** mpi4py's `_typedict`: character codes and type strings to predefined types. */
function typeDict(): Map<string, Datatype> {
  if (typeDictCache !== null) return typeDictCache;
  const m = new Map<string, Datatype>(Object.entries({
    '?': C_BOOL, b1: C_BOOL, c: CHAR, S1: CHAR, U: WCHAR, U1: WCHAR, p: AINT,
    b: SIGNED_CHAR, h: SHORT, i: INT, l: LONG, q: LONG_LONG,
    B: UNSIGNED_CHAR, H: UNSIGNED_SHORT, I: UNSIGNED, L: UNSIGNED_LONG, Q: UNSIGNED_LONG_LONG,
    e: FLOAT16_T, f: FLOAT, d: DOUBLE, g: LONG_DOUBLE,
    E: COMPLEX4, F: C_FLOAT_COMPLEX, D: C_DOUBLE_COMPLEX, G: C_LONG_DOUBLE_COMPLEX,
    Zf: C_FLOAT_COMPLEX, Zd: C_DOUBLE_COMPLEX, Zg: C_LONG_DOUBLE_COMPLEX,
    i1: INT8_T, i2: INT16_T, i4: INT32_T, i8: INT64_T, u1: UINT8_T, u2: UINT16_T, u4: UINT32_T, u8: UINT64_T,
    i16: INTEGER16, f2: REAL2, f4: FLOAT, f8: DOUBLE, f16: REAL16, c4: COMPLEX4, c8: C_FLOAT_COMPLEX, c16: C_DOUBLE_COMPLEX, c32: COMPLEX32,
  }));
  typeDictCache = m;
  return m;
}

const basicRuns = new WeakMap<Datatype, readonly (readonly [number, number])[]>();
const unitRuns = new WeakMap<Datatype, readonly (readonly [External32Unit, number])[]>();
const units = new Map<string, External32Unit>();

/** The external32 conversion unit of one basic element of `kind` in a type named `name` (interned). */
function unitOf(kind: ElementKind, name: string): External32Unit {
  const size = elementSize[kind];
  const ext = external32Size[name] ?? size;
  const word = kind === 'complex64' || kind === 'complex128' ? size / 2 : size;
  // wchar_t holds code units (0 to 0xFFFF fit external32's 2 bytes), not signed numbers.
  const signed = kind.startsWith('int') && name !== 'WCHAR';
  const key = `${size}/${ext}/${word}/${signed}`;
  let u = units.get(key);
  if (u === undefined) units.set(key, (u = Object.freeze({ size, ext, word, signed })));
  return u;
}

/** Append `n` basic elements `b`, merging with the last run. */
function pushRun<T>(runs: [T, number][], b: T, n: number): void {
  if (n <= 0) return;
  const last = runs[runs.length - 1];
  if (last && last[0] === b) last[1] += n;
  else runs.push([b, n]);
}

/** `runs` repeated `times` times. */
function repeat<T>(runs: readonly (readonly [T, number])[], times: number): [T, number][] {
  if (runs.length === 1) return times > 0 ? [[runs[0]![0], runs[0]![1] * times]] : [];
  const out: [T, number][] = [];
  for (let i = 0; i < times; i++) for (const [s, n] of runs) pushRun(out, s, n);
  return out;
}

function make(name: PredefinedName): Datatype {
  return Datatype.constant(new Datatype(predefined[name], true));
}

function makePair(name: PairName): Datatype {
  return Datatype.constant(new Datatype(pairTypes[name], true));
}

/** The null datatype handle: `MPI_DATATYPE_NULL`. */
export const DATATYPE_NULL = make('DATATYPE_NULL');
/** Data packed by `Datatype.Pack`: `MPI_PACKED`. */
export const PACKED = make('PACKED');
/** Uninterpreted 8-bit bytes (Uint8Array): `MPI_BYTE`. */
export const BYTE = make('BYTE');
/** Address-sized integer (64-bit; BigInt64Array): `MPI_AINT`. */
export const AINT = make('AINT');
/** File offset integer (64-bit; BigInt64Array): `MPI_OFFSET`. */
export const OFFSET = make('OFFSET');
/** Large count integer (64-bit; BigInt64Array): `MPI_COUNT`. */
export const COUNT = make('COUNT');
/** C `char` (8-bit; Int8Array or Uint8Array): `MPI_CHAR`. */
export const CHAR = make('CHAR');
/** C `wchar_t` (32-bit on LP64): `MPI_WCHAR`. */
export const WCHAR = make('WCHAR');
/** C `signed char` (Int8Array): `MPI_SIGNED_CHAR`. */
export const SIGNED_CHAR = make('SIGNED_CHAR');
/** C `short` (Int16Array): `MPI_SHORT`. */
export const SHORT = make('SHORT');
/** C `int` (Int32Array): `MPI_INT`. */
export const INT = make('INT');
/** C `long` (64-bit on LP64; BigInt64Array): `MPI_LONG`. */
export const LONG = make('LONG');
/** C `long long` (BigInt64Array): `MPI_LONG_LONG`. */
export const LONG_LONG = make('LONG_LONG');
/** C `unsigned char` (Uint8Array): `MPI_UNSIGNED_CHAR`. */
export const UNSIGNED_CHAR = make('UNSIGNED_CHAR');
/** C `unsigned short` (Uint16Array): `MPI_UNSIGNED_SHORT`. */
export const UNSIGNED_SHORT = make('UNSIGNED_SHORT');
/** C `unsigned int` (Uint32Array): `MPI_UNSIGNED`. */
export const UNSIGNED = make('UNSIGNED');
/** C `unsigned long` (64-bit on LP64; BigUint64Array): `MPI_UNSIGNED_LONG`. */
export const UNSIGNED_LONG = make('UNSIGNED_LONG');
/** C `unsigned long long` (BigUint64Array): `MPI_UNSIGNED_LONG_LONG`. */
export const UNSIGNED_LONG_LONG = make('UNSIGNED_LONG_LONG');
/** C `float` (Float32Array): `MPI_FLOAT`. */
export const FLOAT = make('FLOAT');
/** C `double` (Float64Array): `MPI_DOUBLE`. */
export const DOUBLE = make('DOUBLE');
/** C `_Bool` (one byte; Uint8Array): `MPI_C_BOOL`. */
export const C_BOOL = make('C_BOOL');
/** C `int8_t` (Int8Array): `MPI_INT8_T`. */
export const INT8_T = make('INT8_T');
/** C `int16_t` (Int16Array): `MPI_INT16_T`. */
export const INT16_T = make('INT16_T');
/** C `int32_t` (Int32Array): `MPI_INT32_T`. */
export const INT32_T = make('INT32_T');
/** C `int64_t` (BigInt64Array): `MPI_INT64_T`. */
export const INT64_T = make('INT64_T');
/** C `uint8_t` (Uint8Array): `MPI_UINT8_T`. */
export const UINT8_T = make('UINT8_T');
/** C `uint16_t` (Uint16Array): `MPI_UINT16_T`. */
export const UINT16_T = make('UINT16_T');
/** C `uint32_t` (Uint32Array): `MPI_UINT32_T`. */
export const UINT32_T = make('UINT32_T');
/** C `uint64_t` (BigUint64Array): `MPI_UINT64_T`. */
export const UINT64_T = make('UINT64_T');
/** Fortran `CHARACTER` (one byte): `MPI_CHARACTER`. */
export const CHARACTER = make('CHARACTER');
/** Fortran `LOGICAL` (4 bytes): `MPI_LOGICAL`. */
export const LOGICAL = make('LOGICAL');
/** Fortran `INTEGER` (4 bytes; Int32Array): `MPI_INTEGER`. */
export const INTEGER = make('INTEGER');
/** Fortran `REAL` (Float32Array): `MPI_REAL`. */
export const REAL = make('REAL');
/** Fortran `DOUBLE PRECISION` (Float64Array): `MPI_DOUBLE_PRECISION`. */
export const DOUBLE_PRECISION = make('DOUBLE_PRECISION');
/** Aliases mpi4py also exports. */
export const SIGNED_SHORT = SHORT;
/** Alias of INT (mpi4py `MPI.SIGNED_INT`). */
export const SIGNED_INT = INT;
/** Alias of LONG (mpi4py `MPI.SIGNED_LONG`). */
export const SIGNED_LONG = LONG;
/** Alias of LONG_LONG (mpi4py `MPI.SIGNED_LONG_LONG`). */
export const SIGNED_LONG_LONG = LONG_LONG;
/** Alias of UNSIGNED (mpi4py `MPI.UNSIGNED_INT`). */
export const UNSIGNED_INT = UNSIGNED;
/** Alias of C_BOOL (mpi4py `MPI.BOOL`). */
export const BOOL = C_BOOL;
/** Value-index pairs for MAXLOC/MINLOC: C structs `{ value; int index; }`. */
export const SHORT_INT = makePair('SHORT_INT');
/** Pair of C `int`s, for MINLOC/MAXLOC: `MPI_2INT`. */
export const INT_INT = makePair('INT_INT');
/** `long` value and `int` index, for MINLOC/MAXLOC: `MPI_LONG_INT`. */
export const LONG_INT = makePair('LONG_INT');
/** `float` value and `int` index, for MINLOC/MAXLOC: `MPI_FLOAT_INT`. */
export const FLOAT_INT = makePair('FLOAT_INT');
/** `double` value and `int` index, for MINLOC/MAXLOC: `MPI_DOUBLE_INT`. */
export const DOUBLE_INT = makePair('DOUBLE_INT');
/** `MPI_2INT`. */
export const TWOINT = INT_INT;
/** Fortran `COMPLEX` (two float32s): `MPI_COMPLEX`. */
export const COMPLEX = make('COMPLEX');
/** Fortran `DOUBLE COMPLEX` (two float64s): `MPI_DOUBLE_COMPLEX`. */
export const DOUBLE_COMPLEX = make('DOUBLE_COMPLEX');
/** Complex types: a (real, imaginary) pair of floats per element, over Float32Array / Float64Array. */
export const C_FLOAT_COMPLEX = make('C_FLOAT_COMPLEX');
/** C `double _Complex` (two float64s): `MPI_C_DOUBLE_COMPLEX`. */
export const C_DOUBLE_COMPLEX = make('C_DOUBLE_COMPLEX');
/** Alias of C_FLOAT_COMPLEX (mpi4py `MPI.C_COMPLEX`). */
export const C_COMPLEX = C_FLOAT_COMPLEX;
/** C++ `bool` (one byte): `MPI_CXX_BOOL`. */
export const CXX_BOOL = make('CXX_BOOL');
/** C++ `std::complex<float>` (two float32s): `MPI_CXX_FLOAT_COMPLEX`. */
export const CXX_FLOAT_COMPLEX = make('CXX_FLOAT_COMPLEX');
/** C++ `std::complex<double>` (two float64s): `MPI_CXX_DOUBLE_COMPLEX`. */
export const CXX_DOUBLE_COMPLEX = make('CXX_DOUBLE_COMPLEX');
/** Fortran 90 fixed-size types. */
export const LOGICAL1 = make('LOGICAL1');
/** Fortran `LOGICAL*2`: `MPI_LOGICAL2`. */
export const LOGICAL2 = make('LOGICAL2');
/** Fortran `LOGICAL*4`: `MPI_LOGICAL4`. */
export const LOGICAL4 = make('LOGICAL4');
/** Fortran `LOGICAL*8`: `MPI_LOGICAL8`. */
export const LOGICAL8 = make('LOGICAL8');
/** Fortran `INTEGER*1`: `MPI_INTEGER1`. */
export const INTEGER1 = make('INTEGER1');
/** Fortran `INTEGER*2`: `MPI_INTEGER2`. */
export const INTEGER2 = make('INTEGER2');
/** Fortran `INTEGER*4`: `MPI_INTEGER4`. */
export const INTEGER4 = make('INTEGER4');
/** Fortran `INTEGER*8`: `MPI_INTEGER8`. */
export const INTEGER8 = make('INTEGER8');
/** Fortran `REAL*4` (Float32Array): `MPI_REAL4`. */
export const REAL4 = make('REAL4');
/** Fortran `REAL*8` (Float64Array): `MPI_REAL8`. */
export const REAL8 = make('REAL8');
/** Fortran `COMPLEX*8` (two float32s): `MPI_COMPLEX8`. */
export const COMPLEX8 = make('COMPLEX8');
/** Fortran `COMPLEX*16` (two float64s): `MPI_COMPLEX16`. */
export const COMPLEX16 = make('COMPLEX16');
/** mpi4py's aliases of the fixed-size and Fortran types. */
export const SINT8_T = INT8_T;
/** Alias of INT16_T (mpi4py `MPI.SINT16_T`). */
export const SINT16_T = INT16_T;
/** Alias of INT32_T (mpi4py `MPI.SINT32_T`). */
export const SINT32_T = INT32_T;
/** Alias of INT64_T (mpi4py `MPI.SINT64_T`). */
export const SINT64_T = INT64_T;
/** Alias of FLOAT (mpi4py `MPI.FLOAT32_T`). */
export const FLOAT32_T = FLOAT;
/** Alias of DOUBLE (mpi4py `MPI.FLOAT64_T`). */
export const FLOAT64_T = DOUBLE;
/** Alias of LOGICAL (mpi4py `MPI.F_BOOL`). */
export const F_BOOL = LOGICAL;
/** Alias of INTEGER (mpi4py `MPI.F_INT`). */
export const F_INT = INTEGER;
/** Alias of REAL (mpi4py `MPI.F_FLOAT`). */
export const F_FLOAT = REAL;
/** Alias of DOUBLE_PRECISION (mpi4py `MPI.F_DOUBLE`). */
export const F_DOUBLE = DOUBLE_PRECISION;
/** Alias of COMPLEX (mpi4py `MPI.F_COMPLEX`). */
export const F_COMPLEX = COMPLEX;
/** Alias of COMPLEX (mpi4py `MPI.F_FLOAT_COMPLEX`). */
export const F_FLOAT_COMPLEX = COMPLEX;
/** Alias of DOUBLE_COMPLEX (mpi4py `MPI.F_DOUBLE_COMPLEX`). */
export const F_DOUBLE_COMPLEX = DOUBLE_COMPLEX;

function refuse(name: UnrepresentableName): Datatype {
  const [size, reason] = unrepresentable[name];
  return Datatype.refused(name, size, reason);
}
/**
 * Types JavaScript has no representation for: the names exist, as in mpi4py;
 * every use raises ERR_TYPE saying why (`LONG_DOUBLE: long double (80-bit
 * extended precision) has no JavaScript representation`).
 */
export const LONG_DOUBLE = refuse('LONG_DOUBLE');
/** `MPI_C_LONG_DOUBLE_COMPLEX`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const C_LONG_DOUBLE_COMPLEX = refuse('C_LONG_DOUBLE_COMPLEX');
/** `MPI_CXX_LONG_DOUBLE_COMPLEX`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const CXX_LONG_DOUBLE_COMPLEX = refuse('CXX_LONG_DOUBLE_COMPLEX');
/** `MPI_LONG_DOUBLE_INT`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const LONG_DOUBLE_INT = refuse('LONG_DOUBLE_INT');
/** `MPI_FLOAT16_T`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const FLOAT16_T = refuse('FLOAT16_T');
/** `MPI_BFLOAT16_T`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const BFLOAT16_T = refuse('BFLOAT16_T');
/** `MPI_REAL2`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const REAL2 = refuse('REAL2');
/** `MPI_COMPLEX4`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const COMPLEX4 = refuse('COMPLEX4');
/** `MPI_REAL16`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const REAL16 = refuse('REAL16');
/** `MPI_COMPLEX32`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const COMPLEX32 = refuse('COMPLEX32');
/** `MPI_INTEGER16`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const INTEGER16 = refuse('INTEGER16');
/** `MPI_LOGICAL16`: the name exists, but JavaScript has no typed array for it, so every use raises ERR_TYPE. */
export const LOGICAL16 = refuse('LOGICAL16');

// ---- addresses ---------------------------------------------------------------

/**
 * The address of a location: `MPI_Get_address`. `MPI.BOTTOM` and `null` are
 * 0; a typed array, DataView or ArrayBuffer gives a synthetic address (see
 * core/address.ts) whose differences within one ArrayBuffer are byte
 * distances: displacements for derived datatypes, usable at `MPI.BOTTOM`
 * when they all fall within one ArrayBuffer.
 */
export function Get_address(location: unknown): number {
  if (location === null || location === undefined || location === BOTTOM) return 0;
  if (ArrayBuffer.isView(location)) return addressOf(location.buffer, location.byteOffset);
  if (location instanceof ArrayBuffer || location instanceof SharedArrayBuffer) return addressOf(location, 0);
  throw new TypeError(`Get_address: location must be a typed array, DataView, ArrayBuffer or MPI.BOTTOM, got ${describeValue(location)}`);
}

function aint(routine: string, what: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new TypeError(`${routine}: ${what} must be an integer, got ${describeValue(x)}`);
  return x;
}

/** `base + disp`: `MPI_Aint_add`. */
export function Aint_add(base: number, disp: number): number {
  return aint('Aint_add', 'base', base) + aint('Aint_add', 'disp', disp);
}

/** `addr1 - addr2`: `MPI_Aint_diff`. */
export function Aint_diff(addr1: number, addr2: number): number {
  return aint('Aint_diff', 'addr1', addr1) - aint('Aint_diff', 'addr2', addr2);
}
