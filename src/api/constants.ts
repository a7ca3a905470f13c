/** Constants of the MPI standard, with mpi4py's names and MPICH's values where they matter. */
export { ANY_SOURCE, ANY_TAG, PROC_NULL } from '../core/matching.js';

/** Root marker of intercommunicator collectives (`MPI_ROOT`). */
export const ROOT = -3;
/** `MPI_UNDEFINED`: e.g. a Split color that yields COMM_NULL. */
export const UNDEFINED = -32766;
/** Attribute keys for `Comm.Get_attr`. */
export const TAG_UB = 0x64400001;
export const HOST = 0x64400003;
export const IO = 0x64400005;
export const WTIME_IS_GLOBAL = 0x64400007;
export const UNIVERSE_SIZE = 0x64400009;
export const LASTUSEDCODE = 0x6440000b;
export const APPNUM = 0x6440000d;
export const KEYVAL_INVALID = 0x24000000;

/** Results of `Comm.Compare` / `Group.Compare`. */
export const IDENT = 0;
export const CONGRUENT = 1;
export const SIMILAR = 2;
export const UNEQUAL = 3;

/** `Comm.Split_type` kinds. */
export const COMM_TYPE_SHARED = 1;
export const COMM_TYPE_HW_GUIDED = 2;
export const COMM_TYPE_HW_UNGUIDED = 3;
/** Split_type by the resource the info's `mpi_hw_resource_type` names (MPI 4.1): `MPI_COMM_TYPE_RESOURCE_GUIDED`. */
export const COMM_TYPE_RESOURCE_GUIDED = 4;

/** Thread support levels: every rank is one thread, so THREAD_MULTIPLE is trivially met per rank. */
export const THREAD_SINGLE = 0;
export const THREAD_FUNNELED = 1;
export const THREAD_SERIALIZED = 2;
export const THREAD_MULTIPLE = 3;

/** The MPI standard version this library follows. */
export const VERSION = 4;
export const SUBVERSION = 0;

/** Marker for in-place collectives (`MPI_IN_PLACE`). */
export const IN_PLACE: unique symbol = Symbol.for('mpi4ts.IN_PLACE');
/** Marker for absolute addresses (`MPI_BOTTOM`); typed memory has none, kept for name compatibility. */
export const BOTTOM: unique symbol = Symbol.for('mpi4ts.BOTTOM');
