/** Constants of the MPI standard, with mpi4py's names and MPICH's values where they matter. */
export { ANY_SOURCE, ANY_TAG, PROC_NULL } from '../core/matching.js';

/** Root marker of intercommunicator collectives (`MPI_ROOT`). */
export const ROOT = -3;
/** `MPI_UNDEFINED`: e.g. a Split color that yields COMM_NULL. */
export const UNDEFINED = -32766;
/** Attribute keys for `Comm.Get_attr`. */
export const TAG_UB = 0x64400001;
/** Attribute key: the host rank, or PROC_NULL (`MPI_HOST`). */
export const HOST = 0x64400003;
/** Attribute key: a rank that can do I/O (`MPI_IO`). */
export const IO = 0x64400005;
/** Attribute key: whether Wtime is synchronised across ranks (`MPI_WTIME_IS_GLOBAL`). */
export const WTIME_IS_GLOBAL = 0x64400007;
/** Attribute key: how many processes may run in all (`MPI_UNIVERSE_SIZE`). */
export const UNIVERSE_SIZE = 0x64400009;
/** Attribute key: the last error code in use (`MPI_LASTUSEDCODE`). */
export const LASTUSEDCODE = 0x6440000b;
/** Attribute key: the application number in an MPMD launch (`MPI_APPNUM`). */
export const APPNUM = 0x6440000d;
/** The invalid attribute key (`MPI_KEYVAL_INVALID`). */
export const KEYVAL_INVALID = 0x24000000;

/** Results of `Comm.Compare` / `Group.Compare`. */
export const IDENT = 0;
/** Same processes, same order, different context (`MPI_CONGRUENT`). */
export const CONGRUENT = 1;
/** Same processes in another order (`MPI_SIMILAR`). */
export const SIMILAR = 2;
/** Different processes (`MPI_UNEQUAL`). */
export const UNEQUAL = 3;

/** `Comm.Split_type` kinds. */
export const COMM_TYPE_SHARED = 1;
/** Split by the hardware level named in the info key "mpi_hw_resource_type" (`MPI_COMM_TYPE_HW_GUIDED`). */
export const COMM_TYPE_HW_GUIDED = 2;
/** Split into a smaller hardware level of the library's choice (`MPI_COMM_TYPE_HW_UNGUIDED`). */
export const COMM_TYPE_HW_UNGUIDED = 3;
/** Split_type by the resource the info's `mpi_hw_resource_type` names (MPI 4.1): `MPI_COMM_TYPE_RESOURCE_GUIDED`. */
export const COMM_TYPE_RESOURCE_GUIDED = 4;

/** Thread support levels: every rank is one thread, so THREAD_MULTIPLE is trivially met per rank. */
export const THREAD_SINGLE = 0;
/** Only the main thread makes MPI calls (`MPI_THREAD_FUNNELED`). */
export const THREAD_FUNNELED = 1;
/** Any thread, one at a time (`MPI_THREAD_SERIALIZED`). */
export const THREAD_SERIALIZED = 2;
/** Any thread, at any time (`MPI_THREAD_MULTIPLE`). */
export const THREAD_MULTIPLE = 3;

/** The MPI standard version this library follows. */
export const VERSION = 4;
/** The minor version of the MPI standard followed (`MPI_SUBVERSION`). */
export const SUBVERSION = 0;

export { IN_PLACE, BOTTOM, InPlaceType, BottomType } from '../core/sentinels.js';
