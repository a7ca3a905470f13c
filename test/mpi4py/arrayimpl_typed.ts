/**
 * A partial counterpart of mpi4py's test/arrayimpl.py for the datatype
 * modules (test_pack, ...): typed arrays stand for NumPy arrays. `loop()`
 * yields one backend (typed arrays) with NumPy's typecodes: bool, signed and
 * unsigned integers, floats and complex (a complex element is a (real,
 * imaginary) pair in a Float32Array / Float64Array). LONG_DOUBLE ('g', 'G')
 * has no typed array, as arrayimpl drops it where the backend lacks it.
 */
import { MPI } from 'mpi4ts';

type Typed =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

type Ctor = new (n: number) => Typed;

/** Typecode -> [MPI datatype, typed array class, numbers per element]. */
const KINDS: Record<string, [InstanceType<typeof MPI.Datatype>, Ctor, number]> = {
  '?': [MPI.C_BOOL, Uint8Array, 1],
  b: [MPI.SIGNED_CHAR, Int8Array, 1], h: [MPI.SHORT, Int16Array, 1], i: [MPI.INT, Int32Array, 1],
  l: [MPI.LONG, BigInt64Array, 1], q: [MPI.LONG_LONG, BigInt64Array, 1],
  B: [MPI.UNSIGNED_CHAR, Uint8Array, 1], H: [MPI.UNSIGNED_SHORT, Uint16Array, 1], I: [MPI.UNSIGNED_INT, Uint32Array, 1],
  L: [MPI.UNSIGNED_LONG, BigUint64Array, 1], Q: [MPI.UNSIGNED_LONG_LONG, BigUint64Array, 1],
  f: [MPI.FLOAT, Float32Array, 1], d: [MPI.DOUBLE, Float64Array, 1],
  F: [MPI.C_FLOAT_COMPLEX, Float32Array, 2], D: [MPI.C_DOUBLE_COMPLEX, Float64Array, 2],
};

/** An array of `typecode` elements over a typed array (`as_raw()` is the memory, as mpi4py's arrays). */
export class TypedArrayImpl {
  /** mpi4py's `array.TypeMap`: typecode -> MPI datatype. */
  static readonly TypeMap: Record<string, InstanceType<typeof MPI.Datatype>> =
    Object.fromEntries(Object.entries(KINDS).map(([k, [dt]]) => [k, dt]));

  readonly typecode: string;
  readonly raw: Typed;

  /**
   * arrayimpl's `array(arg, typecode, shape)`: `arg` a number (every element
   * that value, `count` of them) or an iterable of numbers (the elements).
   */
  constructor(arg: number | Iterable<number>, typecode: string, count?: number) {
    const kind = KINDS[typecode];
    if (!kind) throw new Error(`unknown typecode ${typecode}`);
    const [, ctor, per] = kind;
    const values = typeof arg === 'number' ? new Array<number>(count ?? 1).fill(arg) : [...arg];
    this.typecode = typecode;
    this.raw = new ctor(values.length * per);
    values.forEach((v, i) => this.#set(i * per, typecode === '?' ? Number(Boolean(v)) : v));
  }

  #set(k: number, v: number): void {
    if (this.raw instanceof BigInt64Array || this.raw instanceof BigUint64Array) this.raw[k] = BigInt(v);
    else this.raw[k] = v;
  }

  /** Number of elements (a complex element counts once). */
  get length(): number {
    return this.raw.length / KINDS[this.typecode]![2];
  }

  /** The memory to hand to MPI calls. */
  as_raw(): Typed {
    return this.raw;
  }

  /** The elements as numbers (a complex element as its real and imaginary parts in turn). */
  values(): number[] {
    return Array.from(this.raw as ArrayLike<number | bigint>, Number);
  }
}

/** arrayimpl.loop(): [array class, typecode] for every typecode of every backend (one backend here). */
export function* loop(): Generator<[typeof TypedArrayImpl, string]> {
  for (const typecode of Object.keys(TypedArrayImpl.TypeMap)) yield [TypedArrayImpl, typecode];
}
