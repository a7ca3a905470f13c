/**
 * A partial counterpart of mpi4py's test/arrayimpl.py for the point-to-point
 * modules: one backend, JavaScript's typed arrays (standing for Python's
 * array.array and numpy), looped over the typecodes mpi4py's loop gives
 * (`b h i l q f d`, and numpy's unsigned `B H I L Q`). `l`/`q`/`L`/`Q`
 * are BigInt64Array/BigUint64Array, whose elements are bigints.
 *
 *   for (const [array, typecode] of loop()) {
 *     const sbuf = array(s, typecode, s);   // s elements, each s
 *     comm.Send(sbuf.as_mpi(), 1);
 *   }
 */
import { MPI } from 'mpi4ts';

type TypedArray =
  | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
type TypedArrayCtor = new (n: number) => TypedArray;
type Datatype = InstanceType<typeof MPI.Datatype>;

const TypeMap: Record<string, [TypedArrayCtor, Datatype]> = {
  b: [Int8Array, MPI.SIGNED_CHAR],
  h: [Int16Array, MPI.SHORT],
  i: [Int32Array, MPI.INT],
  l: [BigInt64Array, MPI.LONG],
  q: [BigInt64Array, MPI.LONG_LONG],
  f: [Float32Array, MPI.FLOAT],
  d: [Float64Array, MPI.DOUBLE],
  B: [Uint8Array, MPI.UNSIGNED_CHAR],
  H: [Uint16Array, MPI.UNSIGNED_SHORT],
  I: [Uint32Array, MPI.UNSIGNED_INT],
  L: [BigUint64Array, MPI.UNSIGNED_LONG],
  Q: [BigUint64Array, MPI.UNSIGNED_LONG_LONG],
};

/** mpi4py's BaseArray over a typed array. */
export class TypedArrayImpl {
  readonly backend = 'typedarray';
  readonly array: TypedArray;
  readonly typecode: string;

  /** `arg` repeated `shape` times (one element if no shape), or the values of `arg`. */
  constructor(arg: number | readonly number[], typecode: string, shape?: number) {
    const [ctor] = TypeMap[typecode]!;
    const values = typeof arg === 'number' ? new Array<number>(shape ?? 1).fill(arg) : arg;
    this.array = new ctor(values.length);
    this.typecode = typecode;
    const big = this.array instanceof BigInt64Array || this.array instanceof BigUint64Array;
    values.forEach((v, i) => { (this.array as unknown as (number | bigint)[])[i] = big ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : v; });
  }

  get length(): number { return this.array.length; }
  get mpidtype(): Datatype { return TypeMap[this.typecode]![1]; }
  get itemsize(): number { return this.array.BYTES_PER_ELEMENT; }
  get size(): number { return this.array.length; }
  get flat(): TypedArray { return this.array; }
  at(i: number): number | bigint { return this.array.at(i)!; }
  /** Python's slicing, `buf[a:b]`. */
  slice(a?: number, b?: number): (number | bigint)[] { return Array.from(this.array as ArrayLike<number | bigint>).slice(a, b); }
  [Symbol.iterator](): Iterator<number | bigint> { return (this.array as Iterable<number | bigint>)[Symbol.iterator](); }

  as_raw(): TypedArray { return this.array; }
  as_mpi(): [TypedArray, Datatype] { return [this.array, this.mpidtype]; }
  as_mpi_c(count: number): [TypedArray, number, Datatype] { return [this.array, count, this.mpidtype]; }
  as_mpi_v(cnt: number, dsp: number): [TypedArray, [number, number], Datatype] { return [this.array, [cnt, dsp], this.mpidtype]; }
}

export type ArrayFactory = (arg: number | readonly number[], typecode: string, shape?: number) => TypedArrayImpl;
const array: ArrayFactory = (arg, typecode, shape) => new TypedArrayImpl(arg, typecode, shape);

let current: string | null = null;

/** mpi4py's arrayimpl.loop(): [array, typecode] for every typecode. */
export function* loop(): Generator<[ArrayFactory, string]> {
  for (const typecode of Object.keys(TypeMap)) {
    current = typecode;
    try {
      yield [array, typecode];
    } finally {
      current = null;
    }
  }
}

/** mpi4py's arrayimpl.scalar(arg): `arg` as an element of the current loop's type. */
export function scalar(arg: number): number | bigint {
  return new TypedArrayImpl(arg, current!, 1).at(0);
}

/** The current loop's typecode, for failure messages (mpi4py's subTest). */
export function typecodeNow(): string | null { return current; }
