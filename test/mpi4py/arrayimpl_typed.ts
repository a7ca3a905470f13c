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
