/**
 * Typed arrays in place of mpi4py's `arrayimpl` (array.array / numpy) for
 * the ported test modules of issue 14's conformance branch: a typecode names
 * a typed-array class and the MPI datatype mpi4py's typemap gives it. Partial
 * (no numpy-only protocols); another branch may bring a fuller arrayimpl.ts.
 */
import { MPI } from 'mpi4ts';

export type TypedArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

type Ctor = { new (n: number): TypedArray; from(a: ArrayLike<number | bigint>): TypedArray; readonly name: string };

/** Typecode -> typed-array class (C `long` is 64-bit here, as on Linux x86-64). */
export const arrayTypes: Readonly<Record<string, Ctor>> = {
  b: Int8Array, h: Int16Array, i: Int32Array, l: BigInt64Array,
  B: Uint8Array, H: Uint16Array, I: Uint32Array, L: BigUint64Array,
  f: Float32Array, d: Float64Array,
} as Record<string, Ctor>;

/** Typecode -> MPI datatype (mpi4py's `MPI.Datatype.fromcode` / `typemap`). */
export function typemap(typecode: string): InstanceType<typeof MPI.Datatype> {
  const t = ({
    b: MPI.SIGNED_CHAR, h: MPI.SHORT, i: MPI.INT, l: MPI.LONG,
    B: MPI.UNSIGNED_CHAR, H: MPI.UNSIGNED_SHORT, I: MPI.UNSIGNED, L: MPI.UNSIGNED_LONG,
    f: MPI.FLOAT, d: MPI.DOUBLE, c: MPI.CHAR,
  } as Record<string, InstanceType<typeof MPI.Datatype>>)[typecode];
  if (t === undefined) throw new Error(`typemap: no datatype for typecode ${typecode}`);
  return t;
}

/** `array.array(typecode, initializer)`: a typed array of the typecode holding `init` (a list, or a length filled with `fill`). */
export function array(typecode: string, init: ArrayLike<number> | number, fill = 0): TypedArray {
  const C = arrayTypes[typecode];
  if (C === undefined) throw new Error(`array: unknown typecode ${typecode}`);
  const big = C === BigInt64Array || C === BigUint64Array;
  const values = typeof init === 'number' ? Array<number>(init).fill(fill) : Array.from(init);
  return C.from(big ? values.map((v) => BigInt(v)) : values);
}

/** Element i as a number (bigints converted), for comparisons with plain numbers. */
export function num(a: TypedArray, i: number): number {
  return Number(a[i]!);
}

/** The typecodes mpi4py's arrayimpl.loop() visits for array.array, without the complex ones. */
export const TYPECODES = 'bhil' + 'BHIL' + 'fd';

// ---- arrayimpl's array backends and loop() -------------------------------------------

/** Typecodes of arrayimpl's BaseArray.TypeMap (b h i l q f d; 'g', long double, has no typed array). */
export const LOOP_TYPECODES = ['b', 'h', 'i', 'l', 'q', 'f', 'd'] as const;

const loopTypes: Record<string, Ctor> = { ...arrayTypes, q: BigInt64Array as unknown as Ctor };
const loopDatatypes = (): Record<string, InstanceType<typeof MPI.Datatype>> => ({
  b: MPI.SIGNED_CHAR, h: MPI.SHORT, i: MPI.INT, l: MPI.LONG, q: MPI.LONG_LONG, f: MPI.FLOAT, d: MPI.DOUBLE,
});

/** Convert a number to the element type of a typecode (bigint for the 64-bit integers). */
function elem(typecode: string, v: number | bigint): number | bigint {
  const C = loopTypes[typecode]!;
  return C === BigInt64Array || C === BigUint64Array ? BigInt(v) : Number(v);
}

/**
 * arrayimpl's ArrayArray: `new ArrayImpl(arg, typecode, shape)` where arg
 * is a value repeated over `shape` (a length or a tuple of lengths) or a
 * list of values; iterates over its elements like array.array.
 */
export class ArrayImpl implements Iterable<number | bigint> {
  readonly array: TypedArray;
  readonly typecode: string;
  static TypeMap = loopDatatypes();

  constructor(arg: number | Iterable<number> | ArrayLike<number>, typecode: string, shape?: number | readonly number[]) {
    const C = loopTypes[typecode];
    if (C === undefined) throw new Error(`arrayimpl: unknown typecode ${typecode}`);
    this.typecode = typecode;
    let values: (number | bigint)[];
    if (typeof arg === 'number') {
      const dims = shape === undefined ? [] : typeof shape === 'number' ? [shape] : shape;
      const size = dims.reduce((a, b) => a * b, 1);
      values = Array<number>(size).fill(arg);
    } else {
      values = Array.from(arg as Iterable<number>);
    }
    this.array = C.from(values.map((v) => elem(typecode, v)) as never);
  }

  get length(): number { return this.array.length; }
  get flat(): TypedArray { return this.array; }
  get size(): number { return this.array.length; }
  get itemsize(): number { return this.array.BYTES_PER_ELEMENT; }
  get mpidtype(): InstanceType<typeof MPI.Datatype> { return ArrayImpl.TypeMap[this.typecode] ?? MPI.DATATYPE_NULL; }
  [Symbol.iterator](): Iterator<number | bigint> { return (this.array as Iterable<number | bigint>)[Symbol.iterator](); }
  get(i: number): number | bigint { return this.array[i]!; }
  set(i: number, v: number | bigint): void { (this.array as unknown as (number | bigint)[])[i] = elem(this.typecode, v); }

  as_raw(): TypedArray { return this.array; }
  as_mpi(): [TypedArray, InstanceType<typeof MPI.Datatype>] { return [this.array, this.mpidtype]; }
  as_mpi_c(count: number): [TypedArray, number, InstanceType<typeof MPI.Datatype>] { return [this.array, count, this.mpidtype]; }
  as_mpi_v(cnt: unknown, dsp: unknown): [TypedArray, [unknown, unknown], InstanceType<typeof MPI.Datatype>] {
    return [this.array, [cnt, dsp], this.mpidtype];
  }
}

export type ArrayFactory = (arg: number | Iterable<number> | ArrayLike<number>, typecode: string, shape?: number | readonly number[]) => ArrayImpl;
const factory: ArrayFactory & { TypeMap: Record<string, InstanceType<typeof MPI.Datatype>> } =
  Object.assign((arg: number | Iterable<number> | ArrayLike<number>, typecode: string, shape?: number | readonly number[]) => new ArrayImpl(arg, typecode, shape),
    { TypeMap: ArrayImpl.TypeMap });

let current: string | null = null;

/** arrayimpl.loop(): [array factory, typecode] for every typecode of the (one) typed-array backend. */
export function* loop(): Generator<[typeof factory, string]> {
  for (const t of LOOP_TYPECODES) {
    current = t;
    yield [factory, t];
  }
  current = null;
}

/** arrayimpl.scalar(arg): arg as an element of the current loop's typecode. */
export function scalar(arg: number): number | bigint {
  return new ArrayImpl(arg, current!, 1).get(0);
}

/** Python's range(n) / range(a, b). */
export function range(a: number, b?: number): number[] {
  const [lo, hi] = b === undefined ? [0, a] : [a, b];
  return Array.from({ length: Math.max(0, hi - lo) }, (_, i) => lo + i);
}

/** Python's sum() and math.prod() over numbers. */
export const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
export const prod = (a: number[]): number => a.reduce((x, y) => x * y, 1);
/** An element (number or bigint) as a number, for arithmetic on results. */
export const N = (v: number | bigint | undefined): number => Number(v);
/** Python's `[v] * n`. */
export const repeat = (v: number, n: number): number[] => Array<number>(Math.max(0, n)).fill(v);

/** Python's enumerate(). */
export function* enumerate<T>(it: Iterable<T>): Generator<[number, T]> {
  let i = 0;
  for (const v of it) yield [i++, v];
}
