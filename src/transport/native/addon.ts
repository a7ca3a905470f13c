/**
 * Finding and loading the native addon (native/mpi4ts_native.c), built by
 * native/build.mjs at `npm install` into one folder per MPI library:
 * native/build-openmpi/, native/build-mpich/.
 *
 * Which library a process binds: MPI4TS_MPI=openmpi|mpich if set; otherwise
 * the one whose launcher started the process (Open MPI's mpiexec sets
 * OMPI_COMM_WORLD_SIZE, MPICH's Hydra sets PMI_RANK/PMI_SIZE); otherwise the
 * first one built.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions of the addon (see native/mpi4ts_native.c for each). */
export interface NativeAddon {
  init(status: Int32Array): [rank: number, size: number, tagUb: number, universeSize: number, appnum: number, provided: number];
  finalize(): void;
  abort(comm: number, code: number): never;
  libraryVersion(): string;
  /** False where the library has no ports (MPI_Open_port, MPI_Comm_join): MPICH over UCX. */
  portsSupported(): boolean;
  /** [MPI_VERSION, MPI_SUBVERSION] of the library: MPI_Get_version. */
  version(): [number, number];
  processorName(): string;
  /** [MPI_MAX_PROCESSOR_NAME, MPI_MAX_PORT_NAME, MPI_MAX_OBJECT_NAME, MPI_MAX_PSET_NAME_LEN, MPI_MAX_STRINGTAG_LEN]; 0 where mpi.h has none. */
  limits(): [number, number, number, number, number];
  commDup(comm: number): number;
  commCreateGroup(comm: number, ranks: Int32Array, tag: number): number;
  /** MPI_Comm_split; color < 0 is MPI_UNDEFINED; -1 for MPI_COMM_NULL. */
  commSplit(comm: number, color: number, key: number): number;
  /**
   * Rank in `other`'s local (otherRemote 0) or remote group of each process
   * of `comm`'s local (remote 0) or remote group; -1 where absent. `other` 0
   * is MPI_COMM_WORLD: -1 then marks another world's processes.
   */
  groupRanks(comm: number, remote: number, other: number, otherRemote: number): Int32Array;
  intercommCreate(local: number, localLeader: number, peer: number, remoteLeader: number, tag: number): number;
  commInfo(comm: number): [rank: number, size: number, remoteSize: number];
  commFree(comm: number): void;
  /** MPI_Comm_spawn_multiple; commands [program, argv, maxprocs, info pairs] at the root, null elsewhere. Returns [intercomm, ...errcodes]. */
  commSpawn(comm: number, root: number, commands: [string, string[], number, (readonly [string, string])[]][] | null): number[];
  /** MPI_Open_port with the hints; the port name. */
  openPort(hints: readonly (readonly [string, string])[]): string;
  closePort(port: string): void;
  /** op 0 MPI_Publish_name, 1 MPI_Unpublish_name, 2 MPI_Lookup_name (returns the port name). */
  nameService(op: number, service: string, port: string | null, hints: readonly (readonly [string, string])[]): string | undefined;
  /** MPI_Comm_accept (accept 1) or MPI_Comm_connect; the port counts at the root only. */
  commConnect(comm: number, port: string | null, hints: readonly (readonly [string, string])[], root: number, accept: number): number;
  /** MPI_Comm_join over the socket `fd`: -1 for MPI_COMM_NULL. */
  commJoin(fd: number): number;
  /** MPI_Comm_get_parent: -1 for none. */
  commGetParent(): number;
  commDisconnect(comm: number): void;
  intercommMerge(comm: number, high: number): number;
  send(comm: number, buf: Uint8Array, dest: number, tag: number, sync: number): void;
  isend(comm: number, buf: Uint8Array, dest: number, tag: number, sync: number): number;
  recv(comm: number, buf: Uint8Array, source: number, tag: number): void;
  irecv(comm: number, buf: Uint8Array, source: number, tag: number): number;
  iprobe(comm: number, source: number, tag: number): boolean;
  probe(comm: number, source: number, tag: number): void;
  mprobe(comm: number, source: number, tag: number): number;
  improbe(comm: number, source: number, tag: number): number;
  mrecv(message: number, buf: Uint8Array): void;
  imrecv(message: number, buf: Uint8Array): number;
  /** Blocking receive in one call: -1 (received into buf), a matched message too large for buf, or the ArrayBuffer of an object receive (buf null). */
  precv(comm: number, buf: Uint8Array | null, source: number, tag: number): number | ArrayBuffer;
  /** Blocking receive of a buffer up to recvLimit() bytes: one MPI_Recv; the message's size is in the status (past buf's length: truncated). */
  recvSmall(comm: number, buf: Uint8Array, source: number, tag: number): void;
  /** The largest buffer recvSmall takes; 0 when it cannot be used. */
  recvLimit(): number;
  test(request: number): boolean;
  wait(request: number): void;
  waitany(requests: Int32Array): number;
  cancel(request: number): void;
  wtime(): number;
  /** blocking (1): MPI_Barrier, returns -1; else MPI_Ibarrier's request. Likewise below. */
  ibarrier(comm: number, blocking: number): number;
  ibcast(comm: number, buf: Uint8Array, root: number, blocking: number): number;
  /**
   * root -1: allreduce; -3 and -2 (across an intercommunicator): MPI_ROOT and
   * MPI_PROC_NULL, as for ibcast. `type` and `op` are indices into ELEMENT_CODES and OP_CODES.
   */
  ireduce(comm: number, send: Uint8Array, result: Uint8Array | null, count: number, type: number, op: number, root: number, blocking: number): number;
  /** MPI_Win_create (kind 0, over `memory`), _allocate (1), _allocate_shared (2), _create_dynamic (3), disp_unit 1: [window, library memory or null]. */
  winCreate(comm: number, kind: number, memory: Uint8Array | null, size: number): [number, ArrayBuffer | null];
  winSharedQuery(win: number, rank: number): ArrayBuffer;
  winFree(win: number): void;
  /** MPI_Put (get 0) or MPI_Get (get 1) of `data`'s bytes at byte `disp` of `target`'s window. */
  winPut(win: number, data: Uint8Array, target: number, disp: number, get: number): void;
  winAccumulate(win: number, origin: Uint8Array | null, result: Uint8Array | null, compare: Uint8Array | null,
    target: number, disp: number, type: number, op: number, bytes: number): void;
  winSync(win: number, what: number, rank: number, assertion: number, ranks: readonly number[] | null): boolean;
}

/** Element kinds the library reduces, in the addon's numbering (native/mpi4ts_native.c type_of). */
export const ELEMENT_CODES: Readonly<Record<string, [code: number, bytes: number]>> = {
  int8: [0, 1], uint8: [1, 1], int16: [2, 2], uint16: [3, 2], int32: [4, 4], uint32: [5, 4],
  int64: [6, 8], uint64: [7, 8], float32: [8, 4], float64: [9, 8], byte: [10, 1],
};

/** Predefined operations the library applies, in the addon's numbering (op_of). */
export const OP_CODES: Readonly<Record<string, number>> = {
  SUM: 0, PROD: 1, MAX: 2, MIN: 3, LAND: 4, LOR: 5, LXOR: 6, BAND: 7, BOR: 8, BXOR: 9, REPLACE: 10, NO_OP: 11,
};

/** Slots of the status array the addon writes. */
export const ST_SOURCE = 0;
export const ST_TAG = 1;
export const ST_COUNT = 2;
export const ST_ERROR = 3;
export const ST_CANCELLED = 4;
/** Bytes beyond 2^32 - 1 (a status count is ST_COUNT + 2^32 * ST_COUNT_HI): see `statusCount`. */
export const ST_COUNT_HI = 5;
export const ST_SLOTS = 6;

/** The byte count of the status the addon wrote (messages may exceed 2 GiB). */
export function statusCount(st: Int32Array): number {
  return (st[ST_COUNT]! >>> 0) + st[ST_COUNT_HI]! * 2 ** 32;
}

/** The repository's (or installed package's) native/ folder. */
export const nativeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native');

interface BuildRecord { ok: boolean; path?: string; reason?: string; compiler?: string }
interface BuildStatus { built: Record<string, BuildRecord>; skipped: string | null }

function readStatus(): BuildStatus | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(nativeDir, 'build-status.json'), 'utf8')) as BuildStatus;
  } catch {
    return null;
  }
}

/** Libraries with a built addon, e.g. ['openmpi', 'mpich']. */
export function builtLibraries(): string[] {
  return ['openmpi', 'mpich', 'mpi'].filter((k) => fs.existsSync(path.join(nativeDir, `build-${k}`, 'mpi4ts_native.node')));
}

/** Which library's mpiexec started this process, from its environment; null if none did. */
export function launcherLibrary(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env['OMPI_COMM_WORLD_SIZE'] !== undefined) return 'openmpi';
  if (env['PMI_RANK'] !== undefined || env['PMI_SIZE'] !== undefined || env['HYDRA_CONTROL_FD'] !== undefined) return 'mpich';
  if (env['PMIX_RANK'] !== undefined) return 'openmpi';
  return null;
}

/** Availability of the native transport, for `mpi4ts info`: [available, detail]. */
export function nativeAvailability(): [boolean, string] {
  const built = builtLibraries();
  if (built.length > 0) {
    return [true, `binding to a system MPI library: addon built for ${built.join(', ')} (choose with MPI4TS_MPI; started by mpiexec or MPI4TS_TRANSPORT=native)`];
  }
  const st = readStatus();
  if (st === null) return [false, 'the addon was not built (no native/build-status.json: run `node native/build.mjs`)'];
  if (st.skipped) return [false, `the addon was not built: ${st.skipped}`];
  const reasons = Object.entries(st.built).map(([k, r]) => `${k}: ${r.reason ?? 'failed'}`);
  return [false, `the addon failed to build (${reasons.join('; ') || 'no MPI library found'})`];
}

/** The message for a library without a built addon. */
function noAddon(library: string, built: string[]): string {
  return `the native transport has no addon for '${library}' (built: ${built.join(', ') || 'none'})`;
}

/** The settings UCX reads when the library loads (see loadAddon). */
const UCX_SETTINGS = [['UCX_MEM_MALLOC_HOOKS', 'no'], ['UCX_MEM_EVENTS', 'no'], ['UCX_MEM_MMAP_HOOK_MODE', 'none']] as const;

/** What a built library says of itself: MPI_Get_version and MPI_Get_library_version, or why it could not. */
export type LibraryDescription = { library: string; version: [number, number]; text: string } | { library: string; error: string };

/**
 * Ask each built addon's library (or `only` that one) its versions
 * (`mpi4ts info`). Both may be
 * called before MPI_Init; each library is asked in a child process of its
 * own, since Open MPI and MPICH define the same symbols and one process
 * should not load both (about 90 ms each).
 */
export function describeLibraries(only?: string): LibraryDescription[] {
  const env = { ...process.env };
  for (const [k, v] of UCX_SETTINGS) env[k] ??= v;
  const built = builtLibraries();
  if (only !== undefined && !built.includes(only)) {
    return [{ library: only, error: noAddon(only, built) }];
  }
  return (only !== undefined ? [only] : built).map((library) => {
    const file = path.join(nativeDir, `build-${library}`, 'mpi4ts_native.node');
    const r = spawnSync(process.execPath, ['-e',
      'const a = require(process.argv[1]); process.stdout.write(JSON.stringify([a.version(), a.libraryVersion()]));', file],
    { env, encoding: 'utf8', timeout: 10_000 });
    try {
      if (r.status !== 0) throw new Error();
      const [version, text] = JSON.parse(r.stdout) as [[number, number], string];
      return { library, version, text };
    } catch {
      const why = r.error?.message ?? (r.signal !== null ? `killed by ${r.signal}` : (r.stderr.trim().split('\n').at(-1) || `exit ${r.status}`));
      return { library, error: `could not ask the library its version: ${why}` };
    }
  });
}

/** Load the addon for `library` (or the one chosen as above). Throws with the reason when it cannot. */
export function loadAddon(library?: string): { addon: NativeAddon; library: string } {
  const built = builtLibraries();
  const wanted = library ?? process.env['MPI4TS_MPI'] ?? launcherLibrary() ?? built[0];
  if (wanted === undefined) throw new Error(`the native transport is unavailable: ${nativeAvailability()[1]}`);
  const file = path.join(nativeDir, `build-${wanted}`, 'mpi4ts_native.node');
  if (!fs.existsSync(file)) {
    throw new Error(`${noAddon(wanted, built)}; ${nativeAvailability()[1]}`);
  }
  // UCX (under MPICH's ch4:ucx) patches malloc and mmap to track memory it
  // registers; it reads these settings when the library loads, so they are
  // set before: under V8 the hooks have crashed Node (heap corruption, seen
  // as segfaults in V8 and libuv). Shared memory and TCP do not need them.
  // Settings of the user's own win.
  for (const [k, v] of UCX_SETTINGS) process.env[k] ??= v;
  const require = createRequire(import.meta.url);
  return { addon: require(file) as NativeAddon, library: wanted };
}

/**
 * Before MPI_Abort: give the launcher time to forward what this rank just
 * wrote to stderr. Hydra (MPICH's mpiexec) kills the job on an abort and
 * dropped the failing rank's message in 2 of 5 runs of
 * `MPI4TS_TRANSPORT=native MPI4TS_MPI=mpich node --import tsx --test test/spmd/cco_errors.test.ts`.
 */
export function lastWords(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
}
