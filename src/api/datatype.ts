import {
  TypeHandle, predefined, pairTypes, contiguousDesc, hvectorDesc, hindexedDesc, structDesc, resizedDesc, subarrayDesc,
  darrayDesc, elementSize, ORDER_C, ORDER_FORTRAN, DISTRIBUTE_BLOCK, DISTRIBUTE_CYCLIC, DISTRIBUTE_NONE, DISTRIBUTE_DFLT_DARG,
  type TypeDesc, type PredefinedName, type PairName,
} from '../core/datatype.js';
import { pack, unpack, packSpan } from '../core/pack.js';
import { ERR_TYPE, ERR_COUNT, ERR_ARG, ERR_BUFFER } from '../core/errorcodes.js';
import { fail } from './errors.js';
import { UNDEFINED } from './constants.js';

export { ORDER_C, ORDER_FORTRAN, DISTRIBUTE_BLOCK, DISTRIBUTE_CYCLIC, DISTRIBUTE_NONE, DISTRIBUTE_DFLT_DARG };
/** Convenience alias of ORDER_FORTRAN (mpi4py). */
export const ORDER_F = ORDER_FORTRAN;

/** Combiners for `Get_envelope` (MPICH's values). */
export const COMBINER_NAMED = 1;
export const COMBINER_DUP = 2;
export const COMBINER_CONTIGUOUS = 3;
export const COMBINER_VECTOR = 4;
export const COMBINER_HVECTOR = 6;
export const COMBINER_INDEXED = 7;
export const COMBINER_HINDEXED = 9;
export const COMBINER_INDEXED_BLOCK = 10;
export const COMBINER_HINDEXED_BLOCK = 11;
export const COMBINER_STRUCT = 13;
export const COMBINER_SUBARRAY = 14;
export const COMBINER_DARRAY = 15;
export const COMBINER_RESIZED = 19;
export const COMBINER_VALUE_INDEX = 20;

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

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return `${typeof x} ${String(x)}`;
}

/** An integer argument (TypeError otherwise); `min`, when given, is enforced with MPI error class `cls`. */
function int(routine: string, what: string, x: unknown, min?: number, cls = ERR_ARG): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new TypeError(`${routine}: ${what} must be an integer, got ${describe(x)}`);
  }
  if (min !== undefined && x < min) {
    fail(routine, cls, `${what} must be ${min === 0 ? 'non-negative' : `at least ${min}`}, got ${x}`);
  }
  return x;
}

/** A sequence of integers (any array-like of numbers); `length`, when given, must match (ERR_ARG). */
function ints(routine: string, what: string, xs: unknown, min?: number, length?: number): number[] {
  if (xs === null || typeof xs !== 'object' || typeof (xs as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${routine}: ${what} must be a sequence of integers, got ${describe(xs)}`);
  }
  const a = Array.from(xs as ArrayLike<unknown>, (x, i) => int(routine, `${what}[${i}]`, x, min));
  if (length !== undefined && a.length !== length) {
    fail(routine, ERR_ARG, `${what} has ${a.length} items, expected ${length}`);
  }
  return a;
}

function bytesOf(routine: string, what: string, m: unknown): Uint8Array {
  if (ArrayBuffer.isView(m)) return new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
  if (m instanceof ArrayBuffer || m instanceof SharedArrayBuffer) return new Uint8Array(m);
  throw new TypeError(`${routine}: ${what} must be a typed array, DataView or ArrayBuffer, got ${describe(m)}`);
}

/** An MPI datatype (`MPI_Datatype`): predefined, or derived and committed before use. */
export class Datatype extends TypeHandle {
  #desc: TypeDesc;
  #name: string;
  #committed: boolean;
  #freed = false;
  readonly #predefined: boolean;
  readonly #contents: Contents;

  /**
   * A null datatype (`new MPI.Datatype()`, as DATATYPE_NULL), or another
   * object for the type of `datatype` (`new MPI.Datatype(datatype)`).
   * Datatypes come from the predefined constants and the `Create_*` constructors.
   */
  constructor(desc: TypeDesc | Datatype | null = null, predefinedType = true, contents: Contents = NAMED) {
    super();
    if (desc instanceof Datatype) {
      this.#desc = desc.#desc;
      this.#name = desc.#name;
      this.#committed = desc.#committed;
      this.#freed = desc.#freed;
      this.#predefined = desc.#predefined;
      this.#contents = desc.#contents;
      return;
    }
    if (desc === null) desc = predefined.DATATYPE_NULL;
    else if (typeof desc !== 'object' || typeof (desc as TypeDesc).extent !== 'number' || typeof (desc as TypeDesc).size !== 'number') {
      throw new TypeError(`Datatype: expected an MPI.Datatype to copy, got ${typeof desc}`);
    }
    this.#desc = desc;
    this.#name = desc.name;
    this.#committed = predefinedType;
    this.#predefined = predefinedType;
    this.#contents = contents;
  }

  /** @internal The layout, checking the handle is usable. */
  override typeDesc(routine: string): TypeDesc {
    this.#live(routine);
    if (!this.#committed) fail(routine, ERR_TYPE, `datatype ${this.#name} is not committed (call Commit() first)`);
    return this.#desc;
  }

  /** Size in bytes of the data in one element: `MPI_Type_size`. */
  Get_size(): number { return this.#live('Get_size').size; }
  get size(): number { return this.Get_size(); }
  /** Lower bound and extent: `MPI_Type_get_extent`. */
  Get_extent(): [number, number] { const d = this.#live('Get_extent'); return [d.lb, d.extent]; }
  get extent(): number { return this.#live('extent').extent; }
  get lb(): number { return this.#live('lb').lb; }
  get ub(): number { const d = this.#live('ub'); return d.lb + d.extent; }
  /** True lower bound and extent: `MPI_Type_get_true_extent`. */
  Get_true_extent(): [number, number] { const d = this.#live('Get_true_extent'); return [d.trueLb, d.trueExtent]; }
  get true_extent(): number { return this.#live('true_extent').trueExtent; }
  get true_lb(): number { return this.#live('true_lb').trueLb; }
  get true_ub(): number { const d = this.#live('true_ub'); return d.trueLb + d.trueExtent; }
  /** Name: `MPI_Type_get_name`. */
  Get_name(): string { return this.#desc === predefined.DATATYPE_NULL ? 'MPI_DATATYPE_NULL' : this.#name; }
  /** Set the name: `MPI_Type_set_name`. */
  Set_name(name: string): void { this.#name = String(name); }
  get name(): string { return this.#name; }
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
  get envelope(): [number, number, number, number, number] { return this.Get_envelope(); }
  get combiner(): number { return this.Get_envelope()[4]; }

  /**
   * The constructor's arguments: `MPI_Type_get_contents`, as mpi4py's
   * `(integers, addresses, counts, datatypes)`. ERR_TYPE for named types.
   */
  Get_contents(): [number[], number[], number[], Datatype[]] {
    this.#live('Get_contents');
    const c = this.#contents;
    if (c.combiner === COMBINER_NAMED) fail('Get_contents', ERR_TYPE, `${this.#name} is a named datatype`);
    return [[...c.integers], [...c.addresses], [], [...c.datatypes]];
  }
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
    if (this.#predefined) fail('Free', ERR_TYPE, `cannot free predefined datatype ${this.#name}`);
    this.#live('Free');
    this.#freed = true;
  }

  /** A copy with the same layout: `MPI_Type_dup` (committed if this one is). */
  Dup(): Datatype {
    const d = new Datatype(this.#live('Dup'), false, this.#made(COMBINER_DUP, [], []));
    d.#committed = this.#committed;
    return d;
  }

  /** mpi4py alias of `Dup`. */
  Create_dup(): Datatype { return this.Dup(); }

  // ---- constructors ------------------------------------------------------

  /** `count` consecutive copies of this datatype: `MPI_Type_contiguous`. */
  Create_contiguous(count: number): Datatype {
    const d = this.#live('Create_contiguous');
    if (!Number.isInteger(count)) throw new TypeError(`Create_contiguous: count must be an integer, got ${describe(count)}`);
    if (count < 0) fail('Create_contiguous', ERR_COUNT, `negative count ${count}`);
    return this.#derived(contiguousDesc(`${this.#name}x${count}`, count, d), COMBINER_CONTIGUOUS, [count], []);
  }

  /** `count` blocks of `blocklength` elements, block starts `stride` elements apart: `MPI_Type_vector`. */
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
      throw new TypeError(`${r}: datatypes must be a sequence of MPI.Datatype, got ${describe(datatypes)}`);
    }
    const types = Array.from(datatypes, (t, i) => {
      if (!(t instanceof Datatype)) throw new TypeError(`${r}: datatypes[${i}] must be an MPI.Datatype, got ${describe(t)}`);
      return t;
    });
    if (types.length !== bl.length) fail(r, ERR_ARG, `datatypes has ${types.length} items, expected ${bl.length}`);
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

  /** The predefined pair type of `value` and `index` (INT) for MAXLOC/MINLOC: `MPI_Type_get_value_index`. DATATYPE_NULL if there is none. */
  static Get_value_index(value: Datatype, index: Datatype): Datatype {
    if (!(value instanceof Datatype) || !(index instanceof Datatype)) {
      throw new TypeError('Get_value_index: value and index must be MPI.Datatype');
    }
    if (index.#desc !== predefined.INT) return DATATYPE_NULL;
    const pairs: [TypeDesc, Datatype][] = [
      [predefined.SHORT, SHORT_INT], [predefined.INT, INT_INT], [predefined.LONG, LONG_INT],
      [predefined.FLOAT, FLOAT_INT], [predefined.DOUBLE, DOUBLE_INT],
    ];
    return pairs.find(([v]) => v === value.#desc)?.[1] ?? DATATYPE_NULL;
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
    if (this.#basicRuns !== null) return this.#basicRuns;
    const c = this.#contents;
    const ints = c.integers;
    const child = (): readonly (readonly [number, number])[] => c.datatypes[0]!.#basics();
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    let runs: [number, number][];
    switch (c.combiner) {
      case COMBINER_NAMED: {
        const d = this.#desc;
        runs = d.pair ? [[elementSize[d.pair], 1], [4, 1]] : [[d.element ? elementSize[d.element] : d.size, d.element ? d.size / elementSize[d.element] : 1]];
        break;
      }
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
        c.datatypes.forEach((t, i) => { for (const r of repeat(t.#basics(), ints[1 + i]!)) pushRun(runs, r[0], r[1]); });
        break;
      }
      default: runs = [[this.#desc.size, 1]];
    }
    this.#basicRuns = runs;
    return runs;
  }
  #basicRuns: readonly (readonly [number, number])[] | null = null;

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
    if (this.#freed) fail(routine, ERR_TYPE, `datatype ${this.#name} was freed`);
    if (this.#desc.size === 0 && this.#desc.name === 'DATATYPE_NULL') fail(routine, ERR_TYPE, 'DATATYPE_NULL is not a datatype');
    return this.#desc;
  }

  override toString(): string { return `MPI.${this.#name}`; }
}

/** Append `n` basic elements of `size` bytes, merging with the last run. */
function pushRun(runs: [number, number][], size: number, n: number): void {
  if (n <= 0) return;
  const last = runs[runs.length - 1];
  if (last && last[0] === size) last[1] += n;
  else runs.push([size, n]);
}

/** `runs` repeated `times` times. */
function repeat(runs: readonly (readonly [number, number])[], times: number): [number, number][] {
  if (runs.length === 1) return times > 0 ? [[runs[0]![0], runs[0]![1] * times]] : [];
  const out: [number, number][] = [];
  for (let i = 0; i < times; i++) for (const [s, n] of runs) pushRun(out, s, n);
  return out;
}

function make(name: PredefinedName): Datatype {
  return new Datatype(predefined[name], true);
}

function makePair(name: PairName): Datatype {
  return new Datatype(pairTypes[name], true);
}

export const DATATYPE_NULL = make('DATATYPE_NULL');
export const PACKED = make('PACKED');
export const BYTE = make('BYTE');
export const AINT = make('AINT');
export const OFFSET = make('OFFSET');
export const COUNT = make('COUNT');
export const CHAR = make('CHAR');
export const WCHAR = make('WCHAR');
export const SIGNED_CHAR = make('SIGNED_CHAR');
export const SHORT = make('SHORT');
export const INT = make('INT');
export const LONG = make('LONG');
export const LONG_LONG = make('LONG_LONG');
export const UNSIGNED_CHAR = make('UNSIGNED_CHAR');
export const UNSIGNED_SHORT = make('UNSIGNED_SHORT');
export const UNSIGNED = make('UNSIGNED');
export const UNSIGNED_LONG = make('UNSIGNED_LONG');
export const UNSIGNED_LONG_LONG = make('UNSIGNED_LONG_LONG');
export const FLOAT = make('FLOAT');
export const DOUBLE = make('DOUBLE');
export const C_BOOL = make('C_BOOL');
export const INT8_T = make('INT8_T');
export const INT16_T = make('INT16_T');
export const INT32_T = make('INT32_T');
export const INT64_T = make('INT64_T');
export const UINT8_T = make('UINT8_T');
export const UINT16_T = make('UINT16_T');
export const UINT32_T = make('UINT32_T');
export const UINT64_T = make('UINT64_T');
export const CHARACTER = make('CHARACTER');
export const LOGICAL = make('LOGICAL');
export const INTEGER = make('INTEGER');
export const REAL = make('REAL');
export const DOUBLE_PRECISION = make('DOUBLE_PRECISION');
/** Aliases mpi4py also exports. */
export const SIGNED_SHORT = SHORT;
export const SIGNED_INT = INT;
export const SIGNED_LONG = LONG;
export const SIGNED_LONG_LONG = LONG_LONG;
export const UNSIGNED_INT = UNSIGNED;
export const BOOL = C_BOOL;
/** Value-index pairs for MAXLOC/MINLOC: C structs `{ value; int index; }`. */
export const SHORT_INT = makePair('SHORT_INT');
export const INT_INT = makePair('INT_INT');
export const LONG_INT = makePair('LONG_INT');
export const FLOAT_INT = makePair('FLOAT_INT');
export const DOUBLE_INT = makePair('DOUBLE_INT');
/** `MPI_2INT`. */
export const TWOINT = INT_INT;
