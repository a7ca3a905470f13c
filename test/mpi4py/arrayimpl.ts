/**
 * Counterpart of mpi4py's test/arrayimpl.py for the ported test modules:
 * JavaScript's typed arrays stand for Python's array.array and NumPy. Two
 * backends, as arrayimpl's first two:
 *
 *   ArrayArray  ('array')  array.array's typecodes: b h i l q f d
 *   ArrayNumPy  ('numpy')  NumPy's: ? b h i l q B H I L Q f d F D
 *
 * `l q L Q` are BigInt64Array / BigUint64Array (C long is 64-bit, as on
 * Linux x86-64), whose elements are bigints; a complex element (F, D) is a
 * (real, imaginary) pair in a Float32Array / Float64Array; `?` is a
 * Uint8Array of 0 and 1. Long double (g, G) has no typed array, so it is
 * left out, as arrayimpl drops it where a backend lacks it.
 *
 *   for (const [array, typecode] of loop(ArrayArray)) {
 *     const sbuf = array(s, typecode, s);   // s elements, each s (`new array(...)` too)
 *     comm.Send(sbuf.as_mpi(), 1);
 *   }
 *
 * `loop()` visits every backend, like arrayimpl.loop(); a module passes the
 * backends it covers. Below the backends: the Python builtins the modules
 * need (range, sum, enumerate...) and array.array's own constructor.
 */
import { MPI } from 'mpi4ts';

type Datatype = InstanceType<typeof MPI.Datatype>;

export type TypedArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

type Ctor = { new (n: number): TypedArray; readonly BYTES_PER_ELEMENT: number };

// ---- arrayimpl's typemaps --------------------------------------------------------

/** arrayimpl.TypeMap (array.array's typecodes; no 'g'). */
export const TypeMap: Readonly<Record<string, Datatype>> = {
  b: MPI.SIGNED_CHAR, h: MPI.SHORT, i: MPI.INT, l: MPI.LONG, q: MPI.LONG_LONG, f: MPI.FLOAT, d: MPI.DOUBLE,
};
/** arrayimpl.TypeMapBool. */
export const TypeMapBool: Readonly<Record<string, Datatype>> = { '?': MPI.C_BOOL };
/** arrayimpl.TypeMapInteger. */
export const TypeMapInteger: Readonly<Record<string, Datatype>> = {
  b: MPI.SIGNED_CHAR, h: MPI.SHORT, i: MPI.INT, l: MPI.LONG, q: MPI.LONG_LONG,
};
/** arrayimpl.TypeMapUnsigned. */
export const TypeMapUnsigned: Readonly<Record<string, Datatype>> = {
  B: MPI.UNSIGNED_CHAR, H: MPI.UNSIGNED_SHORT, I: MPI.UNSIGNED_INT, L: MPI.UNSIGNED_LONG, Q: MPI.UNSIGNED_LONG_LONG,
};
/** arrayimpl.TypeMapFloat (no 'g'). */
export const TypeMapFloat: Readonly<Record<string, Datatype>> = { f: MPI.FLOAT, d: MPI.DOUBLE };
/** arrayimpl.TypeMapComplex (no 'G'). */
export const TypeMapComplex: Readonly<Record<string, Datatype>> = { F: MPI.C_FLOAT_COMPLEX, D: MPI.C_DOUBLE_COMPLEX };

/** Typecode -> [typed array class, numbers per element]. */
const STORAGE: Readonly<Record<string, readonly [Ctor, number]>> = {
  '?': [Uint8Array, 1],
  b: [Int8Array, 1], h: [Int16Array, 1], i: [Int32Array, 1], l: [BigInt64Array, 1], q: [BigInt64Array, 1],
  B: [Uint8Array, 1], H: [Uint16Array, 1], I: [Uint32Array, 1], L: [BigUint64Array, 1], Q: [BigUint64Array, 1],
  f: [Float32Array, 1], d: [Float64Array, 1],
  F: [Float32Array, 2], D: [Float64Array, 2],
};

/** A number as an element of `typecode`: bigint for the 64-bit integers, 0/1 for bool. */
function element(typecode: string, v: number | bigint): number | bigint {
  const [ctor] = STORAGE[typecode]!;
  if (ctor === BigInt64Array || ctor === BigUint64Array) return typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  if (typecode === '?') return Number(Boolean(v));
  return Number(v);
}

// ---- arrays --------------------------------------------------------------------

/**
 * arrayimpl's BaseArray over a typed array: `arg` a value repeated over
 * `shape` (a length or a tuple of lengths; one element without it), or the
 * values themselves.
 */
export class ArrayImpl implements Iterable<number | bigint> {
  /** The backend's name (arrayimpl's `backend`). */
  readonly backend: string;
  readonly typecode: string;
  /** The typed array itself (arrayimpl's `array`). */
  readonly array: TypedArray;
  readonly #typemap: Readonly<Record<string, Datatype>>;

  constructor(arg: number | Iterable<number> | ArrayLike<number>, typecode: string, shape?: number | readonly number[],
    backend = 'array', typemap: Readonly<Record<string, Datatype>> = TypeMap) {
    const storage = STORAGE[typecode];
    if (storage === undefined) throw new Error(`arrayimpl: unknown typecode ${typecode}`);
    const [ctor, per] = storage;
    let values: number[];
    if (typeof arg === 'number') {
      const dims = shape === undefined ? [1] : typeof shape === 'number' ? [shape] : shape;
      values = Array<number>(dims.reduce((a, b) => a * b, 1)).fill(arg);
    } else {
      values = Array.from(arg as Iterable<number>);
    }
    this.backend = backend;
    this.typecode = typecode;
    this.#typemap = typemap;
    this.array = new ctor(values.length * per);
    // A complex element from a number is (value, 0).
    values.forEach((v, i) => this.#put(i * per, v));
  }

  #put(k: number, v: number | bigint): void {
    (this.array as unknown as (number | bigint)[])[k] = element(this.typecode, v);
  }

  #per(): number { return STORAGE[this.typecode]![1]; }

  /** Number of elements (a complex element counts once). */
  get length(): number { return this.array.length / this.#per(); }
  get size(): number { return this.length; }
  get itemsize(): number { return this.array.BYTES_PER_ELEMENT * this.#per(); }
  get flat(): TypedArray { return this.array; }
  /** The typed array (TypedArrayImpl's name for it). */
  get raw(): TypedArray { return this.array; }
  /** arrayimpl's `mpidtype`: the typecode's datatype, DATATYPE_NULL if the backend has none. */
  get mpidtype(): Datatype { return this.#typemap[this.typecode] ?? MPI.DATATYPE_NULL; }

  /** `a[i]`. */
  get(i: number): number | bigint { return this.array[i]!; }
  /** `a[i]`, counting from the end for negative i. */
  at(i: number): number | bigint { return this.array.at(i)!; }
  /** `a[i] = v`. */
  set(i: number, v: number | bigint): void { this.#put(i, v); }
  /** Python's slicing, `a[lo:hi]`, as a list. */
  slice(lo?: number, hi?: number): (number | bigint)[] { return Array.from(this.array as ArrayLike<number | bigint>).slice(lo, hi); }
  /** The elements as numbers (a complex element as its real and imaginary parts in turn). */
  values(): number[] { return Array.from(this.array as ArrayLike<number | bigint>, Number); }
  [Symbol.iterator](): Iterator<number | bigint> { return (this.array as Iterable<number | bigint>)[Symbol.iterator](); }

  as_raw(): TypedArray { return this.array; }
  as_mpi(): [TypedArray, Datatype] { return [this.array, this.mpidtype]; }
  as_mpi_c(count: number): [TypedArray, number, Datatype] { return [this.array, count, this.mpidtype]; }
  as_mpi_v(cnt: unknown, dsp: unknown): [TypedArray, [unknown, unknown], Datatype] { return [this.array, [cnt, dsp], this.mpidtype]; }
}

/**
 * An array backend: called (or `new`-ed, as Python calls its class)
 * `array(arg, typecode, shape)` gives an ArrayImpl; `TypeMap` its typecodes.
 */
export interface Backend {
  (arg: number | Iterable<number> | ArrayLike<number>, typecode: string, shape?: number | readonly number[]): ArrayImpl;
  new (arg: number | Iterable<number> | ArrayLike<number>, typecode: string, shape?: number | readonly number[]): ArrayImpl;
  readonly backend: string;
  readonly TypeMap: Readonly<Record<string, Datatype>>;
}

/** A backend named `name` over the typecodes of `typemap`. */
export function backend(name: string, typemap: Readonly<Record<string, Datatype>>): Backend {
  // A plain function: `new` on it returns the object it returns.
  function make(arg: number | Iterable<number> | ArrayLike<number>, typecode: string, shape?: number | readonly number[]): ArrayImpl {
    return new ArrayImpl(arg, typecode, shape, name, typemap);
  }
  return Object.assign(make, { backend: name, TypeMap: typemap }) as unknown as Backend;
}

/** arrayimpl's ArrayArray: array.array's typecodes. */
export const ArrayArray = backend('array', TypeMap);
/** arrayimpl's ArrayNumPy, over typed arrays: bool, integers, unsigned, floats, complex. */
export const ArrayNumPy = backend('numpy', { ...TypeMapBool, ...TypeMapInteger, ...TypeMapUnsigned, ...TypeMapFloat, ...TypeMapComplex });
/**
 * NumPy's unsigned typecodes alone: what the point-to-point ports loop over
 * beside ArrayArray (their element-wise checks read a complex element as two
 * numbers and a bool as 0/1, so NumPy's `?`, F and D are left out there).
 */
export const ArrayNumPyUnsigned = backend('numpy', TypeMapUnsigned);
/** arrayimpl.ArrayBackends. */
export const ArrayBackends: readonly Backend[] = [ArrayArray, ArrayNumPy];

let current: { array: Backend; typecode: string } | null = null;

/** arrayimpl.loop(): [backend, typecode] for every typecode of each backend given (all by default). */
export function* loop(...backends: Backend[]): Generator<[Backend, string]> {
  for (const array of backends.length > 0 ? backends : ArrayBackends) {
    for (const typecode of Object.keys(array.TypeMap)) {
      current = { array, typecode };
      try {
        yield [array, typecode];
      } finally {
        current = null;
      }
    }
  }
}

/** arrayimpl.scalar(arg): `arg` as an element of the current loop's backend and typecode. */
export function scalar(arg: number): number | bigint {
  if (current === null) throw new Error('arrayimpl.scalar: not inside loop()');
  return current.array(arg, current.typecode, 1).get(0);
}

/** The current loop's typecode, for failure messages (arrayimpl.test's subTest). */
export function typecodeNow(): string | null { return current?.typecode ?? null; }

// ---- array.array's constructor (test_msgspec) ---------------------------------------

/** array.array's typecodes test_msgspec loops over (no complex ones). */
export const TYPECODES = 'bhil' + 'BHIL' + 'fd';

/** Typecode -> MPI datatype for array.array (mpi4py's typemap; 'c' is CHAR). */
export function typemap(typecode: string): Datatype {
  const t = ({ ...TypeMapInteger, ...TypeMapUnsigned, ...TypeMapFloat, c: MPI.CHAR } as Record<string, Datatype>)[typecode];
  if (t === undefined) throw new Error(`typemap: no datatype for typecode ${typecode}`);
  return t;
}

/** `array.array(typecode, initializer)`: a typed array holding `init` (a list, or a length filled with `fill`). */
export function array(typecode: string, init: ArrayLike<number> | number, fill = 0): TypedArray {
  const values = typeof init === 'number' ? Array<number>(init).fill(fill) : Array.from(init);
  return new ArrayImpl(values, typecode).array;
}

/** Element i as a number (bigints converted), for comparisons with plain numbers. */
export function num(a: TypedArray, i: number): number {
  return Number(a[i]!);
}

// ---- Python builtins the modules use ---------------------------------------------------

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
