/**
 * The special buffer constants `MPI.BOTTOM`, `MPI.IN_PLACE` and
 * `MPI.BUFFER_AUTOMATIC`, each the single instance of its class, as in
 * mpi4py (`BottomType`, `InPlaceType`, `BufferAutomaticType`). Calls compare
 * them with `===`. The instances live on `globalThis` under registered
 * symbols, so every copy of this module in a thread (the bundle and the
 * sources) shares them.
 */

function registered<T extends object>(key: string, make: () => T): T {
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  const k = Symbol.for(key);
  return (g[k] ??= make());
}

/** The type of `MPI.BOTTOM` (mpi4py's `BottomType`): `new BottomType()` is `MPI.BOTTOM`. */
export class BottomType {
  /** Type-level only (no field at run time): makes the class nominal, so no other object passes for it. */
  declare private readonly kind: 'BOTTOM';

  constructor() {
    // eslint-disable-next-line no-constructor-return
    return registered('mpi4ts.BOTTOM', () => Object.freeze(Object.create(BottomType.prototype)) as BottomType);
  }

  /** `'BOTTOM'`, as mpi4py's repr. */
  toString(): string { return 'BOTTOM'; }

  /** The address of `MPI.BOTTOM`: 0 (mpi4py's `int(MPI.BOTTOM)`). */
  valueOf(): number { return 0; }
}

/** The type of `MPI.IN_PLACE` (mpi4py's `InPlaceType`): `new InPlaceType()` is `MPI.IN_PLACE`. */
export class InPlaceType {
  /** Type-level only (no field at run time): makes the class nominal, so no other object passes for it. */
  declare private readonly kind: 'IN_PLACE';

  constructor() {
    // eslint-disable-next-line no-constructor-return
    return registered('mpi4ts.IN_PLACE', () => Object.freeze(Object.create(InPlaceType.prototype)) as InPlaceType);
  }

  /** `'IN_PLACE'`, as mpi4py's repr. */
  toString(): string { return 'IN_PLACE'; }
}

/** The type of `MPI.BUFFER_AUTOMATIC` (mpi4py's `BufferAutomaticType`): `new BufferAutomaticType()` is `MPI.BUFFER_AUTOMATIC`. */
export class BufferAutomaticType {
  /** Type-level only (no field at run time): makes the class nominal, so no other object passes for it. */
  declare private readonly kind: 'BUFFER_AUTOMATIC';

  constructor() {
    // eslint-disable-next-line no-constructor-return
    return registered('mpi4ts.BUFFER_AUTOMATIC', () => Object.freeze(Object.create(BufferAutomaticType.prototype)) as BufferAutomaticType);
  }

  /** `'BUFFER_AUTOMATIC'`, as mpi4py's repr. */
  toString(): string { return 'BUFFER_AUTOMATIC'; }
}

/** `MPI_BOTTOM`: the origin of absolute addresses (MPI.Get_address) in a buffer spec. */
export const BOTTOM: BottomType = new BottomType();
/** `MPI_IN_PLACE`: the marker for in-place collectives. */
export const IN_PLACE: InPlaceType = new InPlaceType();
/** `MPI_BUFFER_AUTOMATIC` (MPI-4.1): attached instead of memory, the runtime buffers as much as it needs. */
export const BUFFER_AUTOMATIC: BufferAutomaticType = new BufferAutomaticType();
