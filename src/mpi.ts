/**
 * Everything `MPI` holds, export by export: `import { MPI } from 'mpi4ts'`
 * gives this module as a namespace, like `from mpi4py import MPI`.
 */
import * as fs from 'node:fs';
import { runtime } from './api/runtime.js';
import { Comm, Intracomm, constantComm } from './api/comm.js';
import { installCheck, checkRequested } from './api/check.js';
import { installTrace, traceFolder } from './api/trace.js';
import { Exception } from './api/errors.js';
import { Info } from './api/info.js';
import { ERR_ARG } from './core/errorcodes.js';
import { libraryVersion, ownVendor, vendorOf } from './core/library.js';

export {
  Exception, Get_error_string, Get_error_class, Add_error_class, Add_error_code, Add_error_string,
  Remove_error_class, Remove_error_code, Remove_error_string,
} from './api/errors.js';
export { Info, INFO_NULL, INFO_ENV, MAX_INFO_KEY, MAX_INFO_VAL } from './api/info.js';
export type { InfoItems } from './api/info.js';
export { Errhandler, ERRHANDLER_NULL, ERRORS_ARE_FATAL, ERRORS_RETURN, ERRORS_ABORT } from './api/errhandler.js';
export type { ErrhandlerFunction } from './api/errhandler.js';
export { DO_NOT_COPY } from './api/attributes.js';
export type { CopyFunction, DeleteFunction, KeyvalOptions } from './api/attributes.js';
export * from './core/errorcodes.js';
export {
  ANY_SOURCE, ANY_TAG, PROC_NULL, ROOT, UNDEFINED, TAG_UB, HOST, IO, WTIME_IS_GLOBAL, UNIVERSE_SIZE,
  LASTUSEDCODE, APPNUM, KEYVAL_INVALID, IDENT, CONGRUENT, SIMILAR, UNEQUAL, THREAD_SINGLE, THREAD_FUNNELED,
  THREAD_SERIALIZED, THREAD_MULTIPLE, VERSION, SUBVERSION, IN_PLACE, BOTTOM, InPlaceType, BottomType,
  COMM_TYPE_SHARED, COMM_TYPE_HW_GUIDED, COMM_TYPE_HW_UNGUIDED, COMM_TYPE_RESOURCE_GUIDED,
} from './api/constants.js';
export { Group, GROUP_EMPTY, GROUP_NULL } from './api/group.js';
export * from './api/datatype.js';
export { Status } from './api/status.js';
export { Request, Prequest, Grequest, REQUEST_NULL } from './api/request.js';
export type { RequestList } from './api/request.js';
export { Message, MESSAGE_NULL, MESSAGE_NO_PROC } from './api/message.js';
export {
  Attach_buffer, Detach_buffer, Flush_buffer, Iflush_buffer, BSEND_OVERHEAD, BUFFER_AUTOMATIC, BufferAutomaticType, Alloc_mem, Free_mem, buffer, memory,
} from './api/buffer.js';
export type { AttachableBuffer } from './api/buffer.js';
export { Pickle, pickle } from './api/pickle.js';
export type { DumpsFunction, LoadsFunction } from './api/pickle.js';
export { Comm, Intracomm, Intercomm, COMM_NULL } from './api/comm.js';
export {
  Win, WIN_NULL, WIN_BASE, WIN_SIZE, WIN_DISP_UNIT, WIN_CREATE_FLAVOR, WIN_FLAVOR, WIN_MODEL,
  WIN_FLAVOR_CREATE, WIN_FLAVOR_ALLOCATE, WIN_FLAVOR_DYNAMIC, WIN_FLAVOR_SHARED, WIN_SEPARATE, WIN_UNIFIED,
  MODE_NOCHECK, MODE_NOSTORE, MODE_NOPUT, MODE_NOPRECEDE, MODE_NOSUCCEED, LOCK_EXCLUSIVE, LOCK_SHARED,
} from './api/win.js';
export type { TargetSpec } from './api/win.js';
export { Session, SESSION_NULL, MAX_PSET_NAME_LEN, MAX_STRINGTAG_LEN } from './api/session.js';
export { Open_port, Close_port, Publish_name, Unpublish_name, Lookup_name } from './api/ports.js';
export { Topocomm, Cartcomm, Graphcomm, Distgraphcomm, Compute_dims, CART, GRAPH, DIST_GRAPH, UNWEIGHTED, WEIGHTS_EMPTY } from './api/topo.js';
export type { Weights, VectorSpec } from './api/topo.js';
export {
  File, FILE_NULL, Register_datarep, MODE_RDONLY, MODE_RDWR, MODE_WRONLY, MODE_CREATE, MODE_EXCL, MODE_DELETE_ON_CLOSE,
  MODE_UNIQUE_OPEN, MODE_SEQUENTIAL, MODE_APPEND, SEEK_SET, SEEK_CUR, SEEK_END, DISPLACEMENT_CURRENT, DISP_CUR, MAX_DATAREP_STRING,
} from './api/file.js';
export type { SendOptions, RecvOptions } from './api/comm.js';
export type { BufferSpec, BufferLike, DatatypeSpec, Typecode } from './core/msgbuffer.js';
export type { WBufferSpec } from './core/msgcoll.js';
export { MpiFailure } from './core/errorcodes.js';

import { THREAD_FUNNELED, THREAD_MULTIPLE, THREAD_SERIALIZED, THREAD_SINGLE, VERSION, SUBVERSION } from './api/constants.js';
import { ERRORS_ABORT, ERRORS_ARE_FATAL } from './api/errhandler.js';
import { rcFromEnv } from './core/rc.js';

/** Runtime configuration (`mpi4ts -rc key=value`, MPI4TS_RC; mpi4py.rc): see core/rc.ts. */
const rc = rcFromEnv();
/** The thread level reported: the one rc asks for (THREAD_SINGLE with threads=False, as MPI_Init). */
const THREAD_LEVEL: number = rc.threads
  ? { multiple: THREAD_MULTIPLE, serialized: THREAD_SERIALIZED, funneled: THREAD_FUNNELED, single: THREAD_SINGLE }[rc.thread_level]
  : THREAD_SINGLE;

// `--check`: collectives compare their calls across the ranks first (src/api/check.ts).
if (checkRequested()) installCheck();
// `--trace`: public calls and messages are recorded for the timeline (src/api/trace.ts).
const traceTo = traceFolder();
if (traceTo !== null) installTrace(runtime.transport, traceTo);

/** All processes started together: `MPI_COMM_WORLD`. */
export const COMM_WORLD: Intracomm = constantComm(new Intracomm(runtime.transport.commWorld, 'MPI_COMM_WORLD'));
/** This process alone: `MPI_COMM_SELF`. */
export const COMM_SELF: Intracomm = constantComm(new Intracomm(runtime.transport.commSelf, 'MPI_COMM_SELF'));

// rc errors: 'exception' keeps ERRORS_RETURN (exceptions); 'default' is MPI's default, ERRORS_ARE_FATAL.
if (rc.errors !== 'exception') {
  const eh = rc.errors === 'abort' ? ERRORS_ABORT : ERRORS_ARE_FATAL;
  COMM_WORLD.Set_errhandler(eh);
  COMM_SELF.Set_errhandler(eh);
}

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

/**
 * Profiling control (level 0 off, 1 on, 2 flush): `MPI_Pcontrol`. mpi4ts has
 * no profiling layer to control, so a valid level does nothing.
 */
export function Pcontrol(level: number): void {
  if (typeof level !== 'number' || !Number.isInteger(level)) throw new TypeError(`Pcontrol: level must be an integer, got ${typeof level}`);
  if (level < 0 || level > 2) throw new Exception(ERR_ARG, `Pcontrol: level must be 0, 1 or 2, got ${level}`);
}

/**
 * The hardware resources this process can split on, as a new Info (the
 * caller frees it): `MPI_Get_hw_resource_info` (MPI 4.1). mpi4ts knows one
 * level, the shared memory of the machine (`mpi_hw_resource_type` =
 * `mpi_shared_memory`, what Split_type with COMM_TYPE_HW_GUIDED accepts).
 */
export function Get_hw_resource_info(): Info {
  return Info.Create({ mpi_hw_resource_type: 'mpi_shared_memory' });
}

/** Name of the host this rank runs on: `MPI_Get_processor_name`. */
export function Get_processor_name(): string {
  return runtime.transport.processorName();
}

/** Initialise MPI (already done on import; kept for mpi4py compatibility): `MPI_Init`. */
export function Init(): void {
  void runtime.transport;
}

/** Initialise with a thread level; returns the level provided (THREAD_MULTIPLE unless `-rc thread_level` says otherwise): `MPI_Init_thread`. */
export function Init_thread(_required: number = THREAD_MULTIPLE): number {
  void runtime.transport;
  return THREAD_LEVEL;
}

/** Finalise MPI: `MPI_Finalize`. Communication afterwards is an error. */
export function Finalize(): void {
  // As MPI_Finalize: COMM_SELF's attributes are deleted first, newest first,
  // so that their delete callbacks can clean up while MPI still works.
  if (!runtime.finalized) COMM_SELF.releaseAttributes('Finalize');
  runtime.finalized = true;
}

/** `MPI_Initialized`. */
export function Is_initialized(): boolean { return runtime.initialized; }
/** `MPI_Finalized`. */
export function Is_finalized(): boolean { return runtime.finalized; }
/** Thread support level (THREAD_MULTIPLE unless `-rc thread_level` says otherwise): `MPI_Query_thread`. */
export function Query_thread(): number { return THREAD_LEVEL; }
/** Whether this is the main thread of its rank: `MPI_Is_thread_main`. */
export function Is_thread_main(): boolean { return true; }
/** Longest error string (`MPI_MAX_ERROR_STRING`, MPICH's value). */
export const MAX_ERROR_STRING = 1024;
/** Longest library version string (`MPI_MAX_LIBRARY_VERSION_STRING`, MPICH's value). */
export const MAX_LIBRARY_VERSION_STRING = 8192;

/** The native library's string limits; the embedded runtime takes MPICH's. */
const limits = runtime.transport.library?.limits;
/** Longest processor name (`MPI_MAX_PROCESSOR_NAME`): the library's natively, else MPICH's 128. */
export const MAX_PROCESSOR_NAME: number = limits?.processorName ?? 128;
/** Longest port name (`MPI_MAX_PORT_NAME`): the library's natively, else MPICH's 256. */
export const MAX_PORT_NAME: number = limits?.portName ?? 256;
/** Longest object name (`MPI_MAX_OBJECT_NAME`, Comm.Set_name and kin): the library's natively, else MPICH's 128. */
export const MAX_OBJECT_NAME: number = limits?.objectName ?? 128;

/** mpi4ts's own version (package.json, one folder up from src/ and dist/). */
const MPI4TS_VERSION: string = (() => {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/**
 * Version of the MPI standard: `MPI_Get_version`. On the native transport,
 * the library's own (Open MPI 4.1 says 3.1, MPICH 4.0 says 4.0); on the
 * embedded runtime, the standard mpi4ts follows (MPI.VERSION,
 * MPI.SUBVERSION: 4.0 — it implements a subset of MPI 4.0, without
 * one-sided communication so far).
 */
export function Get_version(): [number, number] {
  const lib = runtime.transport.library;
  return lib ? [lib.version[0], lib.version[1]] : [VERSION, SUBVERSION];
}

/**
 * Description of the library: `MPI_Get_library_version`. Native: the
 * library's own (first line), then `; ` and mpi4ts's; embedded: mpi4ts,
 * its transport and the Node.js it runs on.
 */
export function Get_library_version(): string {
  return libraryVersion(runtime.transport.name, runtime.transport.library?.description ?? null);
}

/**
 * Name and version of the MPI implementation underneath, as mpi4py's
 * `get_vendor()`: ["Open MPI", [4, 1, 6]] or ["MPICH", [4, 0, 2]] on the
 * native transport; ["mpi4ts", [0, 1, 0]] on the embedded runtime.
 */
export function get_vendor(): [string, [number, number, number]] {
  const lib = runtime.transport.library;
  return lib ? vendorOf(lib.description) : ownVendor(MPI4TS_VERSION);
}
export {
  Op, OP_NULL, SUM, PROD, MAX, MIN, LAND, LOR, LXOR, BAND, BOR, BXOR, MAXLOC, MINLOC, REPLACE, NO_OP,
} from './api/op.js';
