/**
 * Everything `MPI` holds, export by export: `import { MPI } from 'mpi4ts'`
 * gives this module as a namespace, like `from mpi4py import MPI`.
 */
import * as os from 'node:os';
import { runtime } from './api/runtime.js';
import { Intracomm } from './api/comm.js';

export { Exception, Get_error_string } from './api/errors.js';
export * from './core/errorcodes.js';
export {
  ANY_SOURCE, ANY_TAG, PROC_NULL, ROOT, UNDEFINED, TAG_UB, HOST, IO, WTIME_IS_GLOBAL, UNIVERSE_SIZE,
  LASTUSEDCODE, APPNUM, KEYVAL_INVALID, IDENT, CONGRUENT, SIMILAR, UNEQUAL, THREAD_SINGLE, THREAD_FUNNELED,
  THREAD_SERIALIZED, THREAD_MULTIPLE, VERSION, SUBVERSION, IN_PLACE, BOTTOM, INFO_NULL,
  COMM_TYPE_SHARED, COMM_TYPE_HW_GUIDED, COMM_TYPE_HW_UNGUIDED,
} from './api/constants.js';
export { Group, GROUP_EMPTY, GROUP_NULL } from './api/group.js';
export * from './api/datatype.js';
export { Status } from './api/status.js';
export { Request, REQUEST_NULL } from './api/request.js';
export { Comm, Intracomm, Intercomm, COMM_NULL } from './api/comm.js';
export { Topocomm, Cartcomm, Graphcomm, Distgraphcomm, Compute_dims, CART, GRAPH, DIST_GRAPH, UNWEIGHTED, WEIGHTS_EMPTY } from './api/topo.js';
export type { Weights, VectorSpec } from './api/topo.js';
export type { SendOptions, RecvOptions } from './api/comm.js';
export type { BufferSpec, BufferLike, DatatypeSpec } from './core/msgbuffer.js';
export { MpiFailure } from './core/errorcodes.js';

import { THREAD_MULTIPLE, VERSION, SUBVERSION } from './api/constants.js';

/** All processes started together: `MPI_COMM_WORLD`. */
export const COMM_WORLD: Intracomm = new Intracomm(runtime.transport.commWorld, 'MPI_COMM_WORLD');
/** This process alone: `MPI_COMM_SELF`. */
export const COMM_SELF: Intracomm = new Intracomm(runtime.transport.commSelf, 'MPI_COMM_SELF');

/** Offset of this thread's clock from the job's common origin, in milliseconds. */
const clockOffset = performance.timeOrigin - runtime.transport.job.timeOrigin;

/**
 * Elapsed time in seconds: `MPI_Wtime`. Counted from the start of the job on
 * one monotonic clock shared by all ranks (so MPI.WTIME_IS_GLOBAL holds), and
 * small enough in magnitude to keep sub-microsecond resolution.
 */
export function Wtime(): number {
  return (clockOffset + performance.now()) / 1000;
}

/** Resolution of Wtime in seconds: `MPI_Wtick`. */
export function Wtick(): number {
  return 1e-9;
}

/** Name of the host this rank runs on: `MPI_Get_processor_name`. */
export function Get_processor_name(): string {
  return runtime.transport.processorName();
}

/** Initialise MPI (already done on import; kept for mpi4py compatibility): `MPI_Init`. */
export function Init(): void {
  void runtime.transport;
}

/** Initialise with a thread level; returns the level provided: `MPI_Init_thread`. */
export function Init_thread(_required: number = THREAD_MULTIPLE): number {
  void runtime.transport;
  return THREAD_MULTIPLE;
}

/** Finalise MPI: `MPI_Finalize`. Communication afterwards is an error. */
export function Finalize(): void {
  runtime.finalized = true;
}

/** `MPI_Initialized`. */
export function Is_initialized(): boolean { return runtime.initialized; }
/** `MPI_Finalized`. */
export function Is_finalized(): boolean { return runtime.finalized; }
/** Thread support level: `MPI_Query_thread`. */
export function Query_thread(): number { return THREAD_MULTIPLE; }
/** Whether this is the main thread of its rank: `MPI_Is_thread_main`. */
export function Is_thread_main(): boolean { return true; }
/** Version of the MPI standard: `MPI_Get_version`. */
export function Get_version(): [number, number] { return [VERSION, SUBVERSION]; }
/** Description of the library: `MPI_Get_library_version`. */
export function Get_library_version(): string {
  return `mpi4ts (transport ${runtime.transport.name}, Node.js ${process.version}, ${os.platform()}-${os.arch()})`;
}
export {
  Op, OP_NULL, SUM, PROD, MAX, MIN, LAND, LOR, LXOR, BAND, BOR, BXOR, MAXLOC, MINLOC, REPLACE, NO_OP,
} from './api/op.js';
