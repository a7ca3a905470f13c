/**
 * Parallel I/O (`MPI_File`), as mpi4py's `MPI.File`, on both transports.
 *
 * Built on node:fs the way ROMIO's POSIX driver is built on POSIX: every
 * process of the group opens the file and reads or writes its own bytes at
 * offsets (positioned reads and writes), through its file view
 * (core/fileview.ts). Collective calls synchronise through a duplicate of the
 * communicator only where MPI's semantics need it (Open, Close, Set_size,
 * Preallocate, Set_view, Seek_shared, the ordered calls). A contiguous view
 * moves a rank's data with one positioned call, in place. Independent reads
 * of many short runs close together are sieved (one read of the span,
 * copied out); writes are one positioned write per run, except in atomic
 * mode, where every access holds the lock and writes sieve too (the span
 * read, patched and written back). The blocking
 * collective data calls (Read_all, Write_at_all, ...) aggregate where the
 * ranks share memory (the embedded transport), atomic mode is off and some
 * rank's view has holes between short runs (Set_view tells): the ranks
 * agree on their checks and extents, and interleaved accesses go through
 * two-phase I/O (#twoPhase, ROMIO's: one file domain per rank, moved with
 * one call per round through a shared window). Otherwise, and for the
 * non-blocking and split forms (which complete at once), the collective
 * calls are the independent ones, as MPI allows. The shared
 * file pointer is a hidden file under an O_EXCL lock (core/sharedfp.ts).
 * The control calls (Open, Close, Set_view, ...) first agree on every
 * rank's argument checks, so an error on one rank raises on all of them.
 *
 * Only the "native" data representation (and "internal", the same here) is
 * supported; "external32" and user representations raise
 * ERR_UNSUPPORTED_DATAREP.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ERR_ACCESS, ERR_AMODE, ERR_ARG, ERR_BAD_FILE, ERR_COMM, ERR_DUP_DATAREP, ERR_FILE, ERR_FILE_EXISTS, ERR_IO, ERR_NO_SPACE,
  ERR_NO_SUCH_FILE, ERR_NOT_SAME, ERR_OTHER, ERR_QUOTA, ERR_READ_ONLY, ERR_TYPE, ERR_UNSUPPORTED_DATAREP, ERR_UNSUPPORTED_OPERATION,
  MpiFailure, SUCCESS,
} from '../core/errorcodes.js';
import { commNull, readOnlyFile, splitCollectivePending } from '../core/failures.js';
import { parseBuffer, type BufferSpec, type BufferMessage } from '../core/msgbuffer.js';
import { outgoing, incoming, unpacker } from '../core/pack.js';
import type { TypeDesc } from '../core/datatype.js';
import { checkView, fileRuns, byteOffset, endOffset, fileDomains, firstRunAfter, meanRun, runStarts, type FileRuns, type FileView } from '../core/fileview.js';
import { SharedPointer } from '../core/sharedfp.js';
import { ANY_SOURCE, ANY_TAG } from './constants.js';
import { describe, checkInt } from './args.js';
import { Exception, fail, raise } from './errors.js';
import { Comm, Intracomm } from './comm.js';
import { Datatype, BYTE } from './datatype.js';
import type { Group } from './group.js';
import { Info, infoArg } from './info.js';
import { Status } from './status.js';
import { Request, Kind } from './request.js';
import { runtime } from './runtime.js';
import { Win } from './win.js';
import {
  Errhandler, createErrhandler, errhandlerArg, guard, invoke, defaultErrhandler, type ErrhandlerFunction, type ErrhandlerRecord,
} from './errhandler.js';

// ---- constants (MPICH's values) ---------------------------------------------

/** Open for reading only: `MPI_MODE_RDONLY`. */
export const MODE_RDONLY = 2;
/** Open for reading and writing: `MPI_MODE_RDWR`. */
export const MODE_RDWR = 8;
/** Open for writing only: `MPI_MODE_WRONLY`. */
export const MODE_WRONLY = 4;
/** Create the file if it does not exist: `MPI_MODE_CREATE`. */
export const MODE_CREATE = 1;
/** With MODE_CREATE, fail if the file exists: `MPI_MODE_EXCL`. */
export const MODE_EXCL = 64;
/** Delete the file when it is closed: `MPI_MODE_DELETE_ON_CLOSE`. */
export const MODE_DELETE_ON_CLOSE = 16;
/** The file is not opened concurrently elsewhere: `MPI_MODE_UNIQUE_OPEN`. */
export const MODE_UNIQUE_OPEN = 32;
/** The file is accessed sequentially only (shared pointer calls): `MPI_MODE_SEQUENTIAL`. */
export const MODE_SEQUENTIAL = 256;
/** Set the initial file pointers to the end of the file: `MPI_MODE_APPEND`. */
export const MODE_APPEND = 128;
/** Seek to `offset`: `MPI_SEEK_SET`. */
export const SEEK_SET = 600;
/** Seek relative to the current position: `MPI_SEEK_CUR`. */
export const SEEK_CUR = 602;
/** Seek relative to the end of the file: `MPI_SEEK_END`. */
export const SEEK_END = 604;
/** Set_view's displacement for "the current position" (MODE_SEQUENTIAL files): `MPI_DISPLACEMENT_CURRENT`. */
export const DISPLACEMENT_CURRENT = -54278278;
/** mpi4py's short name for DISPLACEMENT_CURRENT. */
export const DISP_CUR = DISPLACEMENT_CURRENT;
/** Longest data representation name: `MPI_MAX_DATAREP_STRING`. */
export const MAX_DATAREP_STRING = 128;

const ACCESS_MODES = MODE_RDONLY | MODE_RDWR | MODE_WRONLY;
const ALL_MODES = ACCESS_MODES | MODE_CREATE | MODE_EXCL | MODE_DELETE_ON_CLOSE | MODE_UNIQUE_OPEN | MODE_SEQUENTIAL | MODE_APPEND;

// ---- data representations ----------------------------------------------------

/** Representations mpi4ts reads and writes (the bytes in memory are the bytes in the file). */
const NATIVE_DATAREPS = new Set(['native', 'internal']);
/** Names known to MPI: the predefined ones and those registered. */
const datareps = new Set(['native', 'internal', 'external32']);

/**
 * Register a data representation: `MPI_Register_datarep`. The name is
 * reserved (a second registration raises ERR_DUP_DATAREP), but mpi4ts
 * converts only the "native" representation: a view with a registered one
 * raises ERR_UNSUPPORTED_DATAREP.
 */
export function Register_datarep(datarep: string, read_fn: unknown, write_fn: unknown, extent_fn: unknown): void {
  const routine = 'Register_datarep';
  if (typeof datarep !== 'string') throw new TypeError(`${routine}: datarep must be a string, got ${describe(datarep)}`);
  for (const [name, fn] of [['read_fn', read_fn], ['write_fn', write_fn]] as const) {
    if (fn !== null && fn !== undefined && typeof fn !== 'function') throw new TypeError(`${routine}: ${name} must be a function or null, got ${describe(fn)}`);
  }
  if (typeof extent_fn !== 'function') throw new TypeError(`${routine}: extent_fn must be a function, got ${describe(extent_fn)}`);
  if (datarep.length === 0 || datarep.length >= MAX_DATAREP_STRING) {
    fail(routine, ERR_ARG, `datarep must be 1 to ${MAX_DATAREP_STRING - 1} characters, got ${datarep.length}`);
  }
  if (datareps.has(datarep)) fail(routine, ERR_DUP_DATAREP, `data representation '${datarep}' is already defined`);
  datareps.add(datarep);
}

// ---- helpers ---------------------------------------------------------------------

/** The MPI error class of a failed file-system call. */
function ioClass(e: unknown): number {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT': case 'ENOTDIR': return ERR_NO_SUCH_FILE;
    case 'EEXIST': return ERR_FILE_EXISTS;
    case 'EACCES': case 'EPERM': return ERR_ACCESS;
    case 'EROFS': return ERR_READ_ONLY;
    case 'ENOSPC': case 'EFBIG': return ERR_NO_SPACE;
    case 'EDQUOT': return ERR_QUOTA;
    case 'EISDIR': case 'ENAMETOOLONG': case 'ELOOP': case 'EINVAL': return ERR_BAD_FILE;
    default: return ERR_IO;
  }
}

/** A failed file-system call as an MpiFailure naming what was done. */
function ioFailure(e: unknown, what: string): MpiFailure {
  if (e instanceof MpiFailure) return e;
  return new MpiFailure(ioClass(e), `${what}: ${(e as Error).message}`);
}

/** A filename argument (string, Buffer/Uint8Array or file: URL, as mpi4py takes str, bytes or a path) as a path. */
function filenameArg(routine: string, filename: unknown): string {
  if (typeof filename === 'string') {
    if (filename.length === 0) fail(routine, ERR_BAD_FILE, 'filename is empty');
    return filename;
  }
  if (filename instanceof Uint8Array) return filenameArg(routine, Buffer.from(filename.buffer, filename.byteOffset, filename.byteLength).toString());
  if (filename instanceof URL) {
    try {
      return fileURLToPath(filename);
    } catch (e) {
      fail(routine, ERR_BAD_FILE, `filename ${filename.href}: ${(e as Error).message}`);
    }
  }
  throw new TypeError(`${routine}: filename must be a string, a Buffer or a file: URL, got ${describe(filename)}`);
}

function amodeArg(routine: string, amode: unknown): number {
  const a = checkInt(routine, 'amode', amode);
  const access = a & ACCESS_MODES;
  if ((a & ~ALL_MODES) !== 0) fail(routine, ERR_AMODE, `amode ${a} has bits no MODE_* constant has`);
  if (access !== MODE_RDONLY && access !== MODE_RDWR && access !== MODE_WRONLY) {
    fail(routine, ERR_AMODE, `amode ${a} must have exactly one of MODE_RDONLY, MODE_RDWR, MODE_WRONLY`);
  }
  if (access === MODE_RDONLY && (a & (MODE_CREATE | MODE_EXCL)) !== 0) fail(routine, ERR_AMODE, 'MODE_RDONLY cannot go with MODE_CREATE or MODE_EXCL');
  if (access === MODE_RDWR && (a & MODE_SEQUENTIAL) !== 0) fail(routine, ERR_AMODE, 'MODE_RDWR cannot go with MODE_SEQUENTIAL');
  return a;
}

function openFlags(amode: number, excl: boolean): number {
  const c = fs.constants;
  let f = (amode & MODE_RDONLY) ? c.O_RDONLY : (amode & MODE_WRONLY) ? c.O_WRONLY : c.O_RDWR;
  if (amode & MODE_CREATE) f |= c.O_CREAT;
  if (excl && (amode & MODE_EXCL)) f |= c.O_EXCL;
  // Not O_APPEND: positioned writes must land where the view says (Linux
  // appends pwrite on O_APPEND descriptors); MODE_APPEND moves the pointers.
  return f;
}

function offsetArg(routine: string, offset: unknown): number {
  const o = checkInt(routine, 'offset', offset);
  if (o < 0) fail(routine, ERR_ARG, `offset ${o} is negative`);
  return o;
}

function whenceArg(routine: string, whence: unknown): number {
  const w = checkInt(routine, 'whence', whence);
  if (w !== SEEK_SET && w !== SEEK_CUR && w !== SEEK_END) fail(routine, ERR_ARG, `whence ${w} is not SEEK_SET, SEEK_CUR or SEEK_END`);
  return w;
}

function datatypeArg(routine: string, arg: string, t: unknown): Datatype {
  if (!(t instanceof Datatype)) throw new TypeError(`${routine}: ${arg} must be an MPI.Datatype, got ${describe(t)}`);
  return t;
}

/** A completed file operation, as the transports' operations look once done. */
function doneOperation(bytes: number) {
  return {
    done: true,
    status: { source: ANY_SOURCE, tag: ANY_TAG, count: bytes, error: SUCCESS, cancelled: false },
    data: null,
    failure: null,
    messageBytes: bytes,
  };
}

/** What a rank tells the others of a failed check in a collective call: its error class and message. */
function failureOf(e: unknown): [number, string] {
  if (e instanceof Exception) return [e.Get_error_class(), e.message];
  return [ERR_ARG, e instanceof Error ? e.message : String(e)];
}

function fillStatus(status: Status | null | undefined, bytes: number): void {
  Status.fill(status, { source: ANY_SOURCE, tag: ANY_TAG, count: bytes, error: SUCCESS, cancelled: false });
}

// ---- the file object ---------------------------------------------------------

/** Largest read or write handed to node:fs at once. */
const MAX_CALL_BYTES = 1 << 30;

/** Data sieving: a span read at once holds at most this many bytes ... */
const SIEVE_SPAN = 4 << 20;
/** ... of runs shorter than this, with gaps no larger than this between them (the break-even: bench/micro/io-sieve.mjs, bench/results/io-sieve.md). */
const SIEVE_RUN = 2 << 10;

/**
 * The last run, from run `i`, of a group of short runs with short gaps
 * that one read of their span covers at a saving (i itself when none).
 */
function sieveEnd(offsets: number[], lengths: number[], i: number): number {
  if (lengths[i]! >= SIEVE_RUN) return i;
  const start = offsets[i]!;
  let k = i;
  while (k + 1 < offsets.length) {
    const gap = offsets[k + 1]! - (offsets[k]! + lengths[k]!);
    const end = offsets[k + 1]! + lengths[k + 1]!;
    if (lengths[k + 1]! >= SIEVE_RUN || gap > SIEVE_RUN || end - start > SIEVE_SPAN) break;
    k++;
  }
  return k;
}

/**
 * Two-phase I/O: collective writes aggregate where the ranks' runs average
 * less than this, reads where they average less than the second (below,
 * one call per run costs more than the copies through the aggregators:
 * bench/micro/io-sieve.mjs, bench/results/io-sieve.md) ...
 *
 * Writes at 16 KiB, not the single thread's 8 KiB crossing: four ranks
 * writing one file take turns on its inode lock at every call. `BENCH_CASES=
 * write-strided npx mpi4ts -n 4 bench/io.ts`, a 2 x 2 grid of doubles, MB/s
 * with the limit at 8 or 16 KiB: runs of 11.6 KB 1354-1453 (one call each)
 * against 1692-2019 (two-phase; mpi4py on Open MPI 1899-2029); at
 * BENCH_SCALE=4, runs of 23 KB, limit 16 or 32 KiB: 3173-3328 (one call
 * each) against 2327-2527 (two-phase).
 */
const TWO_PHASE_WRITE_RUN = 16 << 10;
const TWO_PHASE_READ_RUN = 2 << 10;
/** ... in buffers of at most this many bytes per rank (ROMIO's cb_buffer_size) ... */
const COLL_BUFFER = 16 << 20;
/** ... over file domains cut on multiples of this (whole pages). */
const DOMAIN_ALIGN = 4096;
/** Pieces this short are copied byte by byte (cheaper than a subarray and a set). */
const SMALL_COPY = 32;

/** What each rank tells the others of a collective access: [first byte, end, data bytes, runs, file size, buffer bytes, CB_* mode]. */
type Reach = [number, number, number, number, number, number, number];

/** The "romio_cb_read" / "romio_cb_write" hints (ROMIO's): aggregate by the thresholds, always (where the view allows), or never. */
const CB_AUTOMATIC = 0;
const CB_ENABLE = 1;
const CB_DISABLE = 2;

function cbMode(info: Map<string, string>, write: boolean): number {
  const hint = info.get(write ? 'romio_cb_write' : 'romio_cb_read');
  return hint === 'enable' ? CB_ENABLE : hint === 'disable' ? CB_DISABLE : CB_AUTOMATIC;
}

/** The two-phase buffer size per rank: the file's "cb_buffer_size" hint (ROMIO's) when it is a positive whole number, else COLL_BUFFER. */
function collBuffer(info: Map<string, string>): number {
  const hint = Number(info.get('cb_buffer_size'));
  return Number.isSafeInteger(hint) && hint > 0 ? hint : COLL_BUFFER;
}

/** Whether collective accesses aggregate: some ranks' spans overlap, and their runs average less than `run` bytes. */
function interleaved(reach: Reach[], run: number): boolean {
  const live = reach.filter(([, , bytes]) => bytes > 0).sort((x, y) => x[0] - y[0]);
  let end = 0;
  let overlap = false;
  let bytes = 0;
  let runs = 0;
  for (let i = 0; i < live.length; i++) {
    const [lo, hi, b, r] = live[i]!;
    if (i > 0 && lo < end) overlap = true;
    end = Math.max(end, hi);
    bytes += b;
    runs += r;
  }
  return overlap && bytes < runs * run;
}

/** Holes of a two-phase stretch: up to this many are read one by one, more as one span. */
const HOLE_READS = 8;

/**
 * The holes of file bytes [a, b) that no rank's runs cover, as start, end
 * pairs: `metas[r]` holds rank r's `reach[r][3]` runs as offset, length
 * pairs at increasing offsets (a merge of the ranks' lists, in file order).
 */
function gapsIn(metas: Float64Array[], reach: Reach[], a: number, b: number): number[] {
  const n = metas.length;
  const next = new Array<number>(n);
  for (let r = 0; r < n; r++) {
    const m = metas[r]!;
    let lo = 0;
    let hi = reach[r]![3];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[2 * mid]! + m[2 * mid + 1]! <= a) lo = mid + 1;
      else hi = mid;
    }
    next[r] = lo;
  }
  const gaps: number[] = [];
  let at = a;
  for (;;) {
    // The rank whose next run starts first.
    let best = -1;
    let start = b;
    for (let r = 0; r < n; r++) {
      if (next[r]! < reach[r]![3] && metas[r]![2 * next[r]!]! < start) {
        best = r;
        start = metas[r]![2 * next[r]!]!;
      }
    }
    if (best < 0) break;
    const end = start + metas[best]![2 * next[best]! + 1]!;
    next[best]!++;
    if (start > at) gaps.push(at, start);
    if (end > at) at = end;
    if (at >= b) break;
  }
  if (at < b) gaps.push(at, b);
  return gaps;
}

/**
 * Copy the data of `runs` (data-stream positions `starts`) that lies in file
 * bytes [a, b) between the data `data` and `mem`, which holds file byte `a`
 * at index 0: into `mem` (`toMem`) or out of it.
 */
function copyPieces(runs: FileRuns, starts: Float64Array, data: Uint8Array, mem: Uint8Array, a: number, b: number, toMem: boolean): void {
  const { offsets, lengths } = runs;
  for (let i = firstRunAfter(runs, a); i < offsets.length && offsets[i]! < b; i++) {
    const from = Math.max(offsets[i]!, a);
    const n = Math.min(offsets[i]! + lengths[i]!, b) - from;
    const at = starts[i]! + from - offsets[i]!;
    const to = from - a;
    if (n <= SMALL_COPY) {
      if (toMem) for (let j = 0; j < n; j++) mem[to + j] = data[at + j]!;
      else for (let j = 0; j < n; j++) data[at + j] = mem[to + j]!;
    } else if (toMem) mem.set(data.subarray(at, at + n), to);
    else data.set(mem.subarray(to, to + n), at);
  }
}

/** Read or write `len` bytes of `data` from index `at` at file byte `pos`; returns the bytes moved (short at the end of the file). */
function transfer(routine: string, s: { fd: number; path: string }, write: boolean, data: Uint8Array, at: number, len: number, pos: number): number {
  let got = 0;
  try {
    // A run may need more than one call (short reads and writes; node:fs takes at most 2 GiB a call).
    while (got < len) {
      const chunk = Math.min(len - got, MAX_CALL_BYTES);
      const n = write ? fs.writeSync(s.fd, data, at + got, chunk, pos + got) : fs.readSync(s.fd, data, at + got, chunk, pos + got);
      if (n === 0) break;
      got += n;
    }
  } catch (e) {
    raise(routine, ioFailure(e, `${write ? 'writing' : 'reading'} ${s.path} at byte ${pos + got}`));
  }
  return got;
}

/** Which pointer a data access uses. */
const enum At { Explicit, Individual, Shared }

interface View extends FileView {
  readonly etypeHandle: Datatype;
  readonly filetypeHandle: Datatype;
  readonly datarep: string;
  /** Whether the collective data calls may aggregate: some rank's view (Set_view is collective) has holes between short runs. */
  readonly aggregate: boolean;
}

/** The state of an open file, shared by copies of its handle. */
interface FileState {
  fd: number;
  readonly path: string;
  readonly amode: number;
  /** A duplicate of the communicator Open was given: the file's collectives never meet the program's messages. */
  readonly comm: Intracomm;
  readonly shared: SharedPointer;
  info: Map<string, string>;
  view: View;
  /** Individual file pointer, in etypes of the view. */
  position: number;
  atomic: boolean;
  errhandler: ErrhandlerRecord;
  /** The split collective begun and not yet ended: its routine and bytes moved. */
  split: { routine: string; bytes: number } | null;
  /** Two-phase I/O's buffers (made at the first collective call that aggregates): a window of `bytes` per rank that all ranks load and store. */
  agg: { win: Win; bytes: number; mems: Uint8Array[] } | null;
  /** Data sieving's buffer, kept between calls (fresh memory costs page faults on every call). */
  sieve: Uint8Array | null;
  /** Set by Close: copies of the handle (`new MPI.File(f)`) must not use the descriptor, which the system may give to another file. */
  closed: boolean;
}

const VIEW_BYTES: View = {
  disp: 0, etype: BYTE.typeDesc('File'), filetype: BYTE.typeDesc('File'), etypeHandle: BYTE, filetypeHandle: BYTE, datarep: 'native', aggregate: false,
};

/** Error handler new files get: the one set on FILE_NULL (ERRORS_RETURN unless changed), as MPI specifies. */
let defaultFileErrhandler: ErrhandlerRecord = defaultErrhandler;

/**
 * A file opened by a group of processes: `MPI_File`. `new MPI.File()` is
 * FILE_NULL; `MPI.File.Open(comm, filename, amode, info)` opens one.
 */
export class File {
  #s: FileState | null;

  /** A null file handle, or a copy of `file`'s handle (both name the same file). */
  constructor(file: File | null = null) {
    if (file !== null && file !== undefined && !(file instanceof File)) throw new TypeError(`File: expected an MPI.File, got ${describe(file)}`);
    this.#s = file ? file.#s : null;
  }

  /** The open file's state; ERR_FILE for FILE_NULL or a closed file. */
  #state(routine: string): FileState {
    if (this.#s === null || this.#s.closed) fail(routine, ERR_FILE, 'invalid file (FILE_NULL or closed)');
    return this.#s;
  }

  /**
   * A collective call's checks, agreed on: every rank runs `check` (its
   * argument checks) and the ranks exchange the outcomes with the payloads
   * it returns, so that when any rank's check fails every rank raises (the
   * failing rank its own error, the others one naming it) instead of some
   * waiting for it forever. The exchange also orders the call after every
   * rank's earlier accesses (a barrier).
   */
  #agree<T, S = number>(routine: string, s: FileState, check: () => T, share: ((t: T) => S) | null = null): { mine: T; shared: S[] } {
    let payload: T | undefined;
    let mine: unknown = null;
    try {
      payload = check();
    } catch (e) {
      mine = e;
    }
    if (s.comm.Get_size() === 1) {
      if (mine !== null) throw mine;
      return { mine: payload!, shared: share === null ? [] : [share(payload!)] };
    }
    const own: [[number, string] | null, S | 0] = [mine === null ? null : failureOf(mine), mine === null && share !== null ? share(payload!) : 0];
    const all = s.comm.allgather(own);
    if (mine !== null) throw mine;
    const bad = all.findIndex(([f]) => f !== null);
    if (bad >= 0) fail(routine, all[bad]![0]![0], `rank ${bad} of the file's group failed the call: ${all[bad]![0]![1]}`);
    return { mine: payload!, shared: all.map(([, n]) => n as S) };
  }

  /** True for FILE_NULL (and a handle once closed): mpi4py's `not file`. */
  get isNull(): boolean { return this.#s === null; }
  /** Same file (mpi4py's `==` on handles). */
  equals(other: unknown): boolean { return other instanceof File && other.#s === this.#s; }
  /** A short description for logs: the file's path. */
  toString(): string { return this.#s === null ? '<MPI.File MPI_FILE_NULL>' : `<MPI.File ${this.#s.path}>`; }

  // ---- opening and closing ---------------------------------------------------

  /**
   * Open `filename` on every process of `comm` (collective): `MPI_File_open`.
   * `amode` combines one of MODE_RDONLY, MODE_RDWR, MODE_WRONLY with the
   * other MODE_* flags; the view starts as bytes from offset 0.
   */
  static Open(comm: Intracomm, filename: string | Uint8Array | URL, amode: number = MODE_RDONLY, info: Info | null = null): File {
    const routine = 'File.Open';
    if (!(comm instanceof Comm)) throw new TypeError(`${routine}: comm must be an MPI.Intracomm, got ${describe(comm)}`);
    if (comm.isNull) raise(routine, commNull());
    if (comm.Is_inter()) fail(routine, ERR_COMM, 'files are opened on intracommunicators, not intercommunicators');
    let args: { path: string; mode: number; hints: [string, string][] } | null = null;
    let argError: unknown = null;
    try {
      args = {
        path: filenameArg(routine, filename),
        mode: amodeArg(routine, amode),
        hints: info === null || info === undefined ? [] : infoArg(routine, info),
      };
    } catch (e) {
      argError = e;
    }
    const icomm = (comm as Intracomm).Dup();
    const rank = icomm.Get_rank();
    const size = icomm.Get_size();
    // The ranks agree on the arguments before any touches the file (MPI: the same amode everywhere).
    if (size > 1) {
      const all = icomm.allgather<[[number, string] | null, number]>([argError === null ? null : failureOf(argError), args?.mode ?? 0]);
      const bad = all.findIndex(([f]) => f !== null);
      const modes = new Set(all.map(([, m]) => m));
      if (argError === null && bad >= 0) argError = new Exception(all[bad]![0]![0], `${routine}: rank ${bad} of the group failed the call: ${all[bad]![0]![1]}`);
      if (argError === null && modes.size > 1) argError = new Exception(ERR_NOT_SAME, `${routine}: the ranks gave different amodes (${all.map(([, m]) => m).join(', ')})`);
    }
    if (argError !== null) {
      icomm.Free();
      throw argError;
    }
    const { path, mode, hints } = args!;
    // The first rank creates (and alone applies MODE_EXCL), then the others open.
    let fd = -1;
    let error: [number, string] | null = null;
    const tryOpen = (excl: boolean): void => {
      try {
        fd = fs.openSync(path, openFlags(mode, excl), 0o666);
      } catch (e) {
        error = [ioClass(e), `cannot open ${path}: ${(e as Error).message}`];
      }
    };
    if (rank === 0) tryOpen(true);
    const first = size > 1 ? icomm.bcast(error, 0) : error;
    if (first === null && rank !== 0) tryOpen(false);
    let sharedFile: string | null = null;
    if (rank === 0 && fd >= 0 && size > 1) {
      try {
        sharedFile = SharedPointer.create(path);
      } catch (e) {
        error = [ERR_IO, (e as Error).message];
      }
    }
    const errors = size > 1 ? icomm.allgather(error) : [error];
    const failed = errors.find((x) => x !== null) ?? null;
    if (failed !== null) {
      if (fd >= 0) fs.closeSync(fd);
      if (sharedFile !== null) new SharedPointer(sharedFile).remove();
      icomm.Free();
      throw new Exception(failed[0], `${routine}: ${failed[1]}`);
    }
    if (size > 1) sharedFile = icomm.bcast(sharedFile, 0);
    const f = new File();
    f.#s = {
      fd, path, amode: mode, comm: icomm, shared: new SharedPointer(sharedFile), info: new Map(hints),
      view: VIEW_BYTES, position: 0, atomic: false, errhandler: defaultFileErrhandler, split: null, agg: null, sieve: null, closed: false,
    };
    if (mode & MODE_APPEND) {
      const end = fs.fstatSync(fd).size;
      f.#s.position = end;
      if (rank === 0) f.#s.shared.set(end);
      if (size > 1) icomm.Barrier();
    }
    if (defaultFileErrhandler !== defaultErrhandler) guard(f, true);
    return f;
  }

  /** Close the file (collective); the handle becomes FILE_NULL: `MPI_File_close`. */
  Close(): void {
    const routine = 'Close';
    const s = this.#state(routine);
    // Everyone's accesses are done before the first rank deletes anything (the exchange).
    this.#agree(routine, s, () => {
      if (s.split !== null) raise(routine, splitCollectivePending(s.split.routine));
    });
    const rank = s.comm.Get_rank();
    let error: [number, string] | null = null;
    // Collective, like the exchange above: every rank made the window in the same call.
    s.agg?.win.Free();
    s.agg = null;
    s.sieve = null;
    s.closed = true;
    try {
      fs.closeSync(s.fd);
    } catch (e) {
      error = [ioClass(e), `closing ${s.path}: ${(e as Error).message}`];
    }
    if (rank === 0) {
      s.shared.remove();
      if (s.amode & MODE_DELETE_ON_CLOSE) {
        try {
          fs.rmSync(s.path, { force: true });
        } catch (e) {
          error ??= [ioClass(e), `deleting ${s.path} on close: ${(e as Error).message}`];
        }
      }
    }
    s.comm.Barrier();
    s.comm.Free();
    this.#s = null;
    guard(this, false);
    if (error !== null) throw new Exception(error[0], `${routine}: ${error[1]}`);
  }

  /** Close unless null (mpi4py's `free`, and `using` blocks). */
  free(): void { if (this.#s !== null) this.Close(); }
  /** Close the file at the end of a `using` block (mpi4py's context manager). */
  [Symbol.dispose](): void { this.free(); }

  /** Delete a file (not open anywhere): `MPI_File_delete`. ERR_NO_SUCH_FILE if it does not exist. */
  static Delete(filename: string | Uint8Array | URL, info: Info | null = null): void {
    const routine = 'File.Delete';
    const path = filenameArg(routine, filename);
    if (info !== null && info !== undefined) infoArg(routine, info);
    try {
      fs.unlinkSync(path);
    } catch (e) {
      raise(routine, ioFailure(e, `cannot delete ${path}`));
    }
  }

  // ---- size, mode, group, info -------------------------------------------------

  /** Size of the file in bytes: `MPI_File_get_size`. */
  Get_size(): number {
    const s = this.#state('Get_size');
    try {
      return fs.fstatSync(s.fd).size;
    } catch (e) {
      raise('Get_size', ioFailure(e, s.path));
    }
  }
  /** The size, as Get_size. */
  get size(): number { return this.Get_size(); }

  /** The first rank resizes while the others wait for its result (collective). */
  #resize(routine: string, size: unknown, grow: boolean): void {
    const s = this.#state(routine);
    const { mine: n } = this.#agree(routine, s, () => {
      const n = checkInt(routine, 'size', size);
      if (n < 0) fail(routine, ERR_ARG, `size ${n} is negative`);
      if ((s.amode & MODE_RDONLY) !== 0) raise(routine, readOnlyFile(s.path));
      if ((s.amode & MODE_SEQUENTIAL) !== 0) fail(routine, ERR_UNSUPPORTED_OPERATION, `${s.path} is open MODE_SEQUENTIAL`);
      return n;
    });
    let error: [number, string] | null = null;
    if (s.comm.Get_rank() === 0) {
      try {
        if (!grow || fs.fstatSync(s.fd).size < n) fs.ftruncateSync(s.fd, n);
      } catch (e) {
        error = [ioClass(e), `resizing ${s.path} to ${n} bytes: ${(e as Error).message}`];
      }
    }
    // The others wait for the result: none writes before the file is cut.
    if (s.comm.Get_size() > 1) error = s.comm.bcast(error, 0);
    if (error !== null) throw new Exception(error[0], `${routine}: ${error[1]}`);
  }

  /** Truncate or extend the file to `size` bytes (collective): `MPI_File_set_size`. */
  Set_size(size: number): void { this.#resize('Set_size', size, false); }

  /** Make the file at least `size` bytes (collective): `MPI_File_preallocate`. */
  Preallocate(size: number): void { this.#resize('Preallocate', size, true); }

  /** The access mode the file was opened with: `MPI_File_get_amode`. */
  Get_amode(): number { return this.#state('Get_amode').amode; }
  /** The access mode, as Get_amode. */
  get amode(): number { return this.Get_amode(); }

  /** The group of processes that opened the file (a new Group; free it): `MPI_File_get_group`. */
  Get_group(): Group { return this.#state('Get_group').comm.Get_group(); }
  /** The group, as Get_group. */
  get group(): Group { return this.Get_group(); }
  /** Number of processes that opened the file. */
  get group_size(): number { return this.#state('group_size').comm.Get_size(); }
  /** This process's rank in the file's group. */
  get group_rank(): number { return this.#state('group_rank').comm.Get_rank(); }

  /** Set hints (collective; mpi4ts acts on none, Get_info returns them): `MPI_File_set_info`. */
  Set_info(info: Info): void {
    const s = this.#state('Set_info');
    if (!(info instanceof Info)) throw new TypeError(`Set_info: info must be an MPI.Info, got ${describe(info)}`);
    for (const [k, v] of infoArg('Set_info', info)) s.info.set(k, v);
  }
  /** A new Info with the file's hints (the caller frees it): `MPI_File_get_info`. */
  Get_info(): Info { return Info.Create(this.#state('Get_info').info); }
  /** The hints, as Get_info / Set_info. */
  get info(): Info { return this.Get_info(); }
  /** Set the file's hints (Set_info). */
  set info(info: Info) { this.Set_info(info); }

  // ---- views -------------------------------------------------------------------

  /**
   * Set the view (collective): data is `etype` elements laid out in the file
   * as copies of `filetype` (default: etype) from byte `disp`; both file
   * pointers go back to 0: `MPI_File_set_view`.
   */
  Set_view(disp: number = 0, etype: Datatype = BYTE, filetype: Datatype | null = null, datarep = 'native', info: Info | null = null): void {
    const routine = 'Set_view';
    const s = this.#state(routine);
    const { mine: view, shared: short } = this.#agree(routine, s, () => {
      const d = checkInt(routine, 'disp', disp);
      const et = datatypeArg(routine, 'etype', etype);
      const ft = filetype === null || filetype === undefined ? et : datatypeArg(routine, 'filetype', filetype);
      if (typeof datarep !== 'string') throw new TypeError(`${routine}: datarep must be a string, got ${describe(datarep)}`);
      if (!NATIVE_DATAREPS.has(datarep)) {
        fail(routine, ERR_UNSUPPORTED_DATAREP, datareps.has(datarep)
          ? `data representation '${datarep}' is not supported (mpi4ts reads and writes 'native' and 'internal' only)`
          : `unknown data representation '${datarep}'`);
      }
      if (info !== null && info !== undefined) infoArg(routine, info);
      if (s.split !== null) raise(routine, splitCollectivePending(s.split.routine));
      const etDesc = et.typeDesc(routine);
      const ftDesc = ft.typeDesc(routine);
      try {
        checkView(etDesc, ftDesc);
      } catch (e) {
        raise(routine, e);
      }
      if (d === DISPLACEMENT_CURRENT) {
        if ((s.amode & MODE_SEQUENTIAL) === 0) fail(routine, ERR_ARG, 'DISPLACEMENT_CURRENT needs a file opened MODE_SEQUENTIAL');
      } else if (d < 0) {
        fail(routine, ERR_ARG, `disp ${d} is negative`);
      }
      return { d, et, ft, etDesc, ftDesc };
    }, (v) => Number(meanRun(v.ftDesc) < TWO_PHASE_WRITE_RUN));
    // Past the exchange every rank's earlier shared-pointer accesses are done.
    const { et, ft, etDesc, ftDesc } = view;
    const d = view.d === DISPLACEMENT_CURRENT ? byteOffset(s.view, s.shared.get()) : view.d;
    const keep = (t: Datatype): Datatype => (t.is_predefined ? t : t.Dup());
    const aggregate = short.some((f) => f === 1);
    s.view = { disp: d, etype: etDesc, filetype: ftDesc, etypeHandle: keep(et), filetypeHandle: keep(ft), datarep, aggregate };
    s.position = 0;
    if (s.comm.Get_rank() === 0) s.shared.set(0);
    // Nobody uses the shared pointer before rank 0 has reset it.
    if (s.comm.Get_size() > 1) s.comm.Barrier();
  }

  /** The view: [disp, etype, filetype, datarep] (derived types as new handles; free them): `MPI_File_get_view`. */
  Get_view(): [number, Datatype, Datatype, string] {
    const v = this.#state('Get_view').view;
    const give = (t: Datatype): Datatype => (t.is_predefined ? t : t.Dup());
    return [v.disp, give(v.etypeHandle), give(v.filetypeHandle), v.datarep];
  }

  /** Extent in the file of `datatype` (native representation: its extent): `MPI_File_get_type_extent`. */
  Get_type_extent(datatype: Datatype): number {
    this.#state('Get_type_extent');
    return datatypeArg('Get_type_extent', 'datatype', datatype).Get_extent()[1];
  }

  // ---- the data path -----------------------------------------------------------

  /**
   * Move the data of `buf` to or from the view's data stream at etype
   * `offset`; returns the bytes moved (a read stops at the end of the file).
   */
  #access(routine: string, s: FileState, write: boolean, offset: number, data: Uint8Array, locked: boolean): number {
    const view = s.view;
    // Writes sieve only under the lock every access of the group holds in atomic mode: elsewhere another
    // rank's write into the holes of a span could fall between its read and its write, and be lost.
    const atomic = s.atomic && !locked && s.comm.Get_size() > 1;
    const sieveWrites = write && (atomic || locked) && (s.amode & MODE_WRONLY) === 0;
    const run = (): number => {
      const { offsets, lengths } = fileRuns(view, offset * view.etype.size, data.length);
      let done = 0;
      for (let i = 0; i < offsets.length;) {
        // Data sieving (ROMIO's): many short runs close together are read as one span and copied out (a
        // write copies them in and writes the span back; the holes keep what the file holds, zeros past its end).
        const last = write && !sieveWrites ? i : sieveEnd(offsets, lengths, i);
        if (last > i) {
          const start = offsets[i]!;
          const span = offsets[last]! + lengths[last]! - start;
          if (s.sieve === null || s.sieve.length < span) s.sieve = new Uint8Array(Math.min(SIEVE_SPAN, 2 ** Math.ceil(Math.log2(span))));
          const scratch = s.sieve;
          const got = transfer(routine, s, false, scratch, 0, span, start);
          if (write) {
            scratch.fill(0, got, span);
            for (let k = i; k <= last; k++) {
              scratch.set(data.subarray(done, done + lengths[k]!), offsets[k]! - start);
              done += lengths[k]!;
            }
            const put = transfer(routine, s, true, scratch, 0, span, start);
            if (put < span) return Math.max(0, done - (span - put));
            i = last + 1;
            continue;
          }
          for (let k = i; k <= last; k++) {
            const at = offsets[k]! - start;
            const n = Math.max(0, Math.min(lengths[k]!, got - at));
            data.set(scratch.subarray(at, at + n), done);
            done += n;
            if (n < lengths[k]!) return done;
          }
          i = last + 1;
          continue;
        }
        const len = lengths[i]!;
        const got = transfer(routine, s, write, data, done, len, offsets[i]!);
        done += got;
        if (got < len) break;
        i++;
      }
      return done;
    };
    let moved: number;
    try {
      moved = atomic ? s.shared.locked(run) : run();
    } catch (e) {
      raise(routine, e);
    }
    return moved;
  }

  /** The checks of a data call (access mode, offset, buffer) and what it moves: the data, at etype `offset` of the view (0 for the shared pointer). */
  #checked(routine: string, s: FileState, write: boolean, at: At, offsetArgValue: unknown, buf: BufferSpec): { m: BufferMessage; offset: number; count: number; data: Uint8Array } {
    if (write && (s.amode & MODE_RDONLY)) raise(routine, readOnlyFile(s.path));
    if (!write && (s.amode & MODE_WRONLY)) fail(routine, ERR_ACCESS, `${s.path} is open MODE_WRONLY`);
    if (at !== At.Shared && (s.amode & MODE_SEQUENTIAL)) {
      fail(routine, ERR_UNSUPPORTED_OPERATION, `${s.path} is open MODE_SEQUENTIAL: only shared file pointer calls are allowed`);
    }
    const offset = at === At.Explicit ? offsetArg(routine, offsetArgValue) : at === At.Individual ? s.position : 0;
    let m: BufferMessage;
    try {
      m = parseBuffer(routine, 'buf', buf);
    } catch (e) {
      raise(routine, e);
    }
    const bytes = m.count * m.type.size;
    const esize = s.view.etype.size;
    if (bytes % esize !== 0) {
      fail(routine, ERR_TYPE, `buf holds ${bytes} bytes (${m.count} ${m.type.name}), not a whole number of etype ${s.view.etype.name} (${esize} bytes)`);
    }
    return { m, offset, count: bytes / esize, data: write ? outgoing(m) : incoming(m) };
  }

  /** Check access and buffer, then read or write at the pointer `at` says; returns bytes moved. */
  #io(routine: string, write: boolean, at: At, offsetArgValue: unknown, buf: BufferSpec): number {
    const s = this.#state(routine);
    const { m, offset, count, data } = this.#checked(routine, s, write, at, offsetArgValue, buf);
    let moved: number;
    if (at === At.Explicit) {
      moved = this.#access(routine, s, write, offset, data, false);
    } else if (at === At.Individual) {
      moved = this.#access(routine, s, write, offset, data, false);
      // The pointer moves past what was asked for, as MPI says, even at the end of the file.
      s.position += count;
    } else {
      // The pointer is claimed and advanced under its lock; in atomic mode the access happens under it too.
      const atomic = s.atomic;
      let inside = 0;
      let start = 0;
      try {
        start = s.shared.fetchAdd(count, atomic ? (p) => { inside = this.#access(routine, s, write, p, data, true); } : null);
      } catch (e) {
        raise(routine, e);
      }
      moved = atomic ? inside : this.#access(routine, s, write, start, data, false);
    }
    if (!write && moved > 0) unpacker(m, data)?.(moved - (moved % m.type.size));
    return moved;
  }

  /**
   * The blocking collective data calls (Read_all, Write_at_all, ...). Where
   * the ranks share memory (the embedded transport) and atomic mode is off,
   * they first agree on their checks and on where their accesses lie (an
   * error on one rank raises on all); when the accesses interleave in short
   * runs, the call does two-phase I/O (#twoPhase), otherwise each rank reads
   * or writes its own runs (a contiguous view: one call, in place).
   */
  #ioAll(routine: string, write: boolean, at: At.Explicit | At.Individual, offsetArgValue: unknown, buf: BufferSpec): number {
    const s = this.#state(routine);
    if (!s.view.aggregate || s.atomic || s.comm.Get_size() === 1 || runtime.transport.rma === undefined) return this.#io(routine, write, at, offsetArgValue, buf);
    const { mine: req, shared: reach } = this.#agree(routine, s, () => {
      const req = this.#checked(routine, s, write, at, offsetArgValue, buf);
      const runs = fileRuns(s.view, req.offset * s.view.etype.size, req.data.length);
      let size = 0;
      try {
        size = fs.fstatSync(s.fd).size;
      } catch (e) {
        raise(routine, ioFailure(e, `reading the size of ${s.path}`));
      }
      return { ...req, runs, size };
    }, (r): Reach => {
      const n = r.runs.offsets.length;
      const cb = collBuffer(s.info);
      const mode = cbMode(s.info, write);
      return n === 0 ? [0, 0, 0, 0, r.size, cb, mode] : [r.runs.offsets[0]!, r.runs.offsets[n - 1]! + r.runs.lengths[n - 1]!, r.data.length, n, r.size, cb, mode];
    });
    const { m, offset, count, data, runs } = req;
    // Rank 0's hint decides, so that every rank takes the same path.
    const mode = reach[0]![6];
    const aggregate = mode === CB_AUTOMATIC ? interleaved(reach, write ? TWO_PHASE_WRITE_RUN : TWO_PHASE_READ_RUN) : mode === CB_ENABLE && interleaved(reach, Infinity);
    const moved = aggregate ? this.#twoPhase(routine, s, write, runs, data, reach) : this.#access(routine, s, write, offset, data, false);
    if (at === At.Individual) s.position += count;
    if (!write && moved > 0) unpacker(m, data)?.(moved - (moved % m.type.size));
    return moved;
  }

  /** The two-phase buffers, one of at least `bytes` per rank (collective: every rank asks for the same size). */
  #aggMemory(s: FileState, bytes: number): Uint8Array[] {
    if (s.agg !== null && s.agg.bytes >= bytes) return s.agg.mems;
    s.agg?.win.Free();
    s.agg = null;
    const size = Math.ceil(bytes / 65536) * 65536;
    const win = Win.Allocate_shared(size, 1, null, s.comm);
    const mems: Uint8Array[] = [];
    for (let r = 0; r < s.comm.Get_size(); r++) mems.push(win.Shared_query(r)[0]);
    s.agg = { win, bytes: size, mems };
    return mems;
  }

  /**
   * Fill the holes `gaps` (start, end pairs) of the stretch [a, b) in `own`
   * (file byte `a` at index 0) with what the file holds there, zeros past
   * its end (`size`). Few holes are read one by one; many are read as one
   * span into the sieve buffer and copied out. Raises an I/O error.
   */
  #fillHoles(routine: string, s: FileState, own: Uint8Array, a: number, b: number, size: number, gaps: number[]): void {
    if (gaps.length === 0) return;
    const top = Math.min(b, size);
    if (gaps.length > 2 * HOLE_READS && top > a) {
      if (s.sieve === null || s.sieve.length < top - a) s.sieve = new Uint8Array(2 ** Math.ceil(Math.log2(top - a)));
      const got = transfer(routine, s, false, s.sieve, 0, top - a, a);
      s.sieve.fill(0, got, top - a);
      for (let g = 0; g < gaps.length; g += 2) own.set(s.sieve.subarray(Math.min(gaps[g]!, top) - a, Math.min(gaps[g + 1]!, top) - a), gaps[g]! - a);
    } else {
      for (let g = 0; g < gaps.length; g += 2) {
        const end = Math.min(gaps[g + 1]!, top);
        if (end <= gaps[g]!) continue;
        const got = transfer(routine, s, false, own, gaps[g]! - a, end - gaps[g]!, gaps[g]!);
        own.fill(0, gaps[g]! - a + got, end - a);
      }
    }
    for (let g = 0; g < gaps.length; g += 2) if (gaps[g + 1]! > top) own.fill(0, Math.max(gaps[g]!, top) - a, gaps[g + 1]! - a);
  }

  /**
   * Two-phase collective I/O (ROMIO's): the bytes the ranks' accesses span
   * are cut into one file domain per rank; in rounds of at most COLL_BUFFER
   * bytes (the "cb_buffer_size" hint) of each domain, its rank (the
   * aggregator) moves its stretch of the file with one call, and every rank
   * copies its pieces of every stretch between its data and the
   * aggregators' shared buffers. For a write the ranks also share their
   * runs, from which each aggregator finds the holes of its stretch and
   * reads what the file holds there (few holes one by one, many as one
   * span), so the bytes no rank writes keep their contents; the call ends
   * when every aggregator has written. A read moves the data-stream bytes before the end of the file
   * (its size when the call began). An I/O error on one aggregator raises
   * on every rank.
   */
  #twoPhase(routine: string, s: FileState, write: boolean, runs: FileRuns, data: Uint8Array, reach: Reach[]): number {
    const n = s.comm.Get_size();
    const rank = s.comm.Get_rank();
    let lo = Infinity;
    let hi = 0;
    for (const [l, h, bytes] of reach) {
      if (bytes === 0) continue;
      lo = Math.min(lo, l);
      hi = Math.max(hi, h);
    }
    // Rank 0's figures, so that every rank cuts the same stretches.
    const size = reach[0]![4];
    const buffer = reach[0]![5];
    const bounds = fileDomains(lo, hi, n, DOMAIN_ALIGN);
    let longest = 0;
    for (let d = 0; d < n; d++) longest = Math.max(longest, bounds[d + 1]! - bounds[d]!);
    const chunk = Math.min(longest, buffer);
    // A write also shares every rank's runs (offset, length pairs after the buffer), where the aggregators find the holes.
    const metaAt = Math.ceil(chunk / 8) * 8;
    const mems = this.#aggMemory(s, write ? metaAt + 16 * Math.max(...reach.map((r) => r[3])) : chunk);
    const metas = write ? mems.map((m, r) => new Float64Array(m.buffer, m.byteOffset + metaAt, 2 * reach[r]![3])) : [];
    if (write) {
      const mine = metas[rank]!;
      for (let i = 0; i < runs.offsets.length; i++) {
        mine[2 * i] = runs.offsets[i]!;
        mine[2 * i + 1] = runs.lengths[i]!;
      }
    }
    const rounds = Math.ceil(longest / chunk);
    const starts = runStarts(runs);
    const own = mems[rank]!;
    /** Stretch [a, b) of domain `d` in round `k`. */
    const stretch = (d: number, k: number): [number, number] => {
      const a = Math.min(bounds[d]! + k * chunk, bounds[d + 1]!);
      return [a, Math.min(a + chunk, bounds[d + 1]!)];
    };
    let caught: unknown = null;
    const io = (w: boolean, a: number, len: number): number => {
      try {
        return transfer(routine, s, w, own, 0, len, a);
      } catch (e) {
        caught ??= e;
        return 0;
      }
    };
    const agreed = (): void => {
      const errors = s.comm.allgather(caught === null ? null : failureOf(caught));
      const bad = errors.findIndex((x) => x !== null);
      if (caught !== null) throw caught;
      if (bad >= 0) fail(routine, errors[bad]![0], `rank ${bad} of the file's group failed the call: ${errors[bad]![1]}`);
    };
    for (let k = 0; k < rounds; k++) {
      const [a, b] = stretch(rank, k);
      if (write) {
        // Every rank copies its pieces into the aggregators' buffers (once the last round's are written) ...
        if (k > 0) s.comm.Barrier();
        for (let d = 0; d < n; d++) {
          const [da, db] = stretch(d, k);
          if (db > da) copyPieces(runs, starts, data, mems[d]!, da, db, true);
        }
        s.comm.Barrier();
        // ... and each fills the holes of its stretch with what the file holds there (zeros past its end), then writes it at once.
        if (b > a && caught === null) {
          try {
            this.#fillHoles(routine, s, own, a, b, size, gapsIn(metas, reach, a, b));
          } catch (e) {
            caught = e;
          }
          if (caught === null) io(true, a, b - a);
        }
      } else {
        if (b > a && a < size) {
          const got = io(false, a, Math.min(b, size) - a);
          own.fill(0, got, b - a);
        }
        agreed();
        for (let d = 0; d < n; d++) {
          const [da, db] = stretch(d, k);
          const end = Math.min(db, size);
          if (end > da) copyPieces(runs, starts, data, mems[d]!, da, end, false);
        }
        // The next call's exchange keeps the buffers until every rank has copied out of the last round.
        if (k + 1 < rounds) s.comm.Barrier();
      }
    }
    if (write) {
      agreed();
      return data.length;
    }
    const i = firstRunAfter(runs, size);
    return i === runs.offsets.length ? data.length : starts[i]! + Math.max(0, size - runs.offsets[i]!);
  }

  /** A collective access through the shared pointer, in rank order (Read_ordered, Write_ordered). */
  #ordered(routine: string, write: boolean, buf: BufferSpec): number {
    const s = this.#state(routine);
    const esize = s.view.etype.size;
    const { mine: m, shared: counts } = this.#agree(routine, s, () => {
      if (write && (s.amode & MODE_RDONLY)) raise(routine, readOnlyFile(s.path));
      if (!write && (s.amode & MODE_WRONLY)) fail(routine, ERR_ACCESS, `${s.path} is open MODE_WRONLY`);
      let m: BufferMessage;
      try {
        m = parseBuffer(routine, 'buf', buf);
      } catch (e) {
        raise(routine, e);
      }
      const bytes = m.count * m.type.size;
      if (bytes % esize !== 0) {
        fail(routine, ERR_TYPE, `buf holds ${bytes} bytes (${m.count} ${m.type.name}), not a whole number of etype ${s.view.etype.name} (${esize} bytes)`);
      }
      return m;
    }, (m) => (m.count * m.type.size) / esize);
    const rank = s.comm.Get_rank();
    const total = counts.reduce((a, b) => a + b, 0);
    let base = 0;
    let error: string | null = null;
    if (rank === 0) {
      try {
        base = s.shared.fetchAdd(total);
      } catch (e) {
        error = (e as Error).message;
      }
    }
    if (s.comm.Get_size() > 1) [base, error] = s.comm.bcast([base, error], 0);
    if (error !== null) fail(routine, ERR_IO, error);
    let before = 0;
    for (let r = 0; r < rank; r++) before += counts[r]!;
    const data = write ? outgoing(m) : incoming(m);
    const moved = this.#access(routine, s, write, base + before, data, false);
    if (!write && moved > 0) unpacker(m, data)?.(moved - (moved % m.type.size));
    return moved;
  }

  #request(routine: string, write: boolean, at: At, offset: unknown, buf: BufferSpec): Request {
    return Request.make(doneOperation(this.#io(routine, write, at, offset, buf)), Kind.Send, routine);
  }

  #begin(routine: string, bytes: () => number): void {
    const s = this.#state(routine);
    if (s.split !== null) raise(routine, splitCollectivePending(s.split.routine));
    s.split = { routine, bytes: bytes() };
  }

  #end(routine: string, begun: string, buf: BufferSpec, status: Status | null | undefined): void {
    const s = this.#state(routine);
    if (s.split === null || s.split.routine !== begun) {
      fail(routine, ERR_OTHER, s.split === null ? `no ${begun} was begun` : `the split collective begun is ${s.split.routine}, not ${begun}`);
    }
    try {
      parseBuffer(routine, 'buf', buf);
    } catch (e) {
      raise(routine, e);
    }
    const bytes = s.split.bytes;
    s.split = null;
    fillStatus(status, bytes);
  }

  /** Read at etype `offset` of the view: `MPI_File_read_at`. */
  Read_at(offset: number, buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#io('Read_at', false, At.Explicit, offset, buf)); }
  /** Read at `offset` (collective): `MPI_File_read_at_all`. */
  Read_at_all(offset: number, buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#ioAll('Read_at_all', false, At.Explicit, offset, buf)); }
  /** Write at etype `offset` of the view: `MPI_File_write_at`. */
  Write_at(offset: number, buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#io('Write_at', true, At.Explicit, offset, buf)); }
  /** Write at `offset` (collective): `MPI_File_write_at_all`. */
  Write_at_all(offset: number, buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#ioAll('Write_at_all', true, At.Explicit, offset, buf)); }
  /** Non-blocking Read_at: `MPI_File_iread_at`. */
  Iread_at(offset: number, buf: BufferSpec): Request { return this.#request('Iread_at', false, At.Explicit, offset, buf); }
  /** Non-blocking Read_at_all: `MPI_File_iread_at_all`. */
  Iread_at_all(offset: number, buf: BufferSpec): Request { return this.#request('Iread_at_all', false, At.Explicit, offset, buf); }
  /** Non-blocking Write_at: `MPI_File_iwrite_at`. */
  Iwrite_at(offset: number, buf: BufferSpec): Request { return this.#request('Iwrite_at', true, At.Explicit, offset, buf); }
  /** Non-blocking Write_at_all: `MPI_File_iwrite_at_all`. */
  Iwrite_at_all(offset: number, buf: BufferSpec): Request { return this.#request('Iwrite_at_all', true, At.Explicit, offset, buf); }

  /** Read at the individual file pointer, which advances: `MPI_File_read`. */
  Read(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#io('Read', false, At.Individual, 0, buf)); }
  /** Read at the individual pointer (collective): `MPI_File_read_all`. */
  Read_all(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#ioAll('Read_all', false, At.Individual, 0, buf)); }
  /** Write at the individual file pointer, which advances: `MPI_File_write`. */
  Write(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#io('Write', true, At.Individual, 0, buf)); }
  /** Write at the individual pointer (collective): `MPI_File_write_all`. */
  Write_all(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#ioAll('Write_all', true, At.Individual, 0, buf)); }
  /** Non-blocking Read: `MPI_File_iread`. */
  Iread(buf: BufferSpec): Request { return this.#request('Iread', false, At.Individual, 0, buf); }
  /** Non-blocking Read_all: `MPI_File_iread_all`. */
  Iread_all(buf: BufferSpec): Request { return this.#request('Iread_all', false, At.Individual, 0, buf); }
  /** Non-blocking Write: `MPI_File_iwrite`. */
  Iwrite(buf: BufferSpec): Request { return this.#request('Iwrite', true, At.Individual, 0, buf); }
  /** Non-blocking Write_all: `MPI_File_iwrite_all`. */
  Iwrite_all(buf: BufferSpec): Request { return this.#request('Iwrite_all', true, At.Individual, 0, buf); }

  /** Move the individual file pointer (in etypes of the view): `MPI_File_seek`. */
  Seek(offset: number, whence: number = SEEK_SET): void {
    const routine = 'Seek';
    const s = this.#state(routine);
    const o = checkInt(routine, 'offset', offset);
    const w = whenceArg(routine, whence);
    if (s.amode & MODE_SEQUENTIAL) fail(routine, ERR_UNSUPPORTED_OPERATION, `${s.path} is open MODE_SEQUENTIAL`);
    const base = w === SEEK_SET ? 0 : w === SEEK_CUR ? s.position : endOffset(s.view, this.Get_size());
    if (base + o < 0) fail(routine, ERR_ARG, `the position would be ${base + o}, before the start of the view`);
    s.position = base + o;
  }

  /** The individual file pointer, in etypes of the view: `MPI_File_get_position`. */
  Get_position(): number { return this.#state('Get_position').position; }

  /** Absolute byte in the file of etype `offset` of the view: `MPI_File_get_byte_offset`. */
  Get_byte_offset(offset: number): number {
    const s = this.#state('Get_byte_offset');
    const o = offsetArg('Get_byte_offset', offset);
    return byteOffset(s.view, o);
  }

  /** Read at the shared file pointer, which advances for everyone: `MPI_File_read_shared`. */
  Read_shared(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#io('Read_shared', false, At.Shared, 0, buf)); }
  /** Write at the shared file pointer: `MPI_File_write_shared`. */
  Write_shared(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#io('Write_shared', true, At.Shared, 0, buf)); }
  /** Non-blocking Read_shared: `MPI_File_iread_shared`. */
  Iread_shared(buf: BufferSpec): Request { return this.#request('Iread_shared', false, At.Shared, 0, buf); }
  /** Non-blocking Write_shared: `MPI_File_iwrite_shared`. */
  Iwrite_shared(buf: BufferSpec): Request { return this.#request('Iwrite_shared', true, At.Shared, 0, buf); }
  /** Read at the shared pointer in rank order (collective): `MPI_File_read_ordered`. */
  Read_ordered(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#ordered('Read_ordered', false, buf)); }
  /** Write at the shared pointer in rank order (collective): `MPI_File_write_ordered`. */
  Write_ordered(buf: BufferSpec, status: Status | null = null): void { fillStatus(status, this.#ordered('Write_ordered', true, buf)); }

  /** Move the shared file pointer (collective; same arguments everywhere): `MPI_File_seek_shared`. */
  Seek_shared(offset: number, whence: number = SEEK_SET): void {
    const routine = 'Seek_shared';
    const s = this.#state(routine);
    // Everyone's earlier shared accesses are done before the pointer moves (the exchange), and it has moved before anyone goes on (the bcast).
    const { mine: [o, w] } = this.#agree(routine, s, () => [checkInt(routine, 'offset', offset), whenceArg(routine, whence)] as const);
    let error: string | null = null;
    if (s.comm.Get_rank() === 0) {
      try {
        const base = w === SEEK_SET ? 0 : w === SEEK_CUR ? s.shared.get() : endOffset(s.view, fs.fstatSync(s.fd).size);
        if (base + o < 0) error = `the position would be ${base + o}, before the start of the view`;
        else s.shared.set(base + o);
      } catch (e) {
        error = (e as Error).message;
      }
    }
    if (s.comm.Get_size() > 1) error = s.comm.bcast(error, 0);
    if (error !== null) fail(routine, ERR_ARG, error);
  }

  /** The shared file pointer, in etypes of the view: `MPI_File_get_position_shared`. */
  Get_position_shared(): number {
    const s = this.#state('Get_position_shared');
    try {
      return s.shared.get();
    } catch (e) {
      raise('Get_position_shared', e);
    }
  }

  // ---- split collectives -----------------------------------------------------------

  /** Begin a split Read_at_all: `MPI_File_read_at_all_begin`. */
  Read_at_all_begin(offset: number, buf: BufferSpec): void { this.#begin('Read_at_all_begin', () => this.#io('Read_at_all_begin', false, At.Explicit, offset, buf)); }
  /** End it: `MPI_File_read_at_all_end`. */
  Read_at_all_end(buf: BufferSpec, status: Status | null = null): void { this.#end('Read_at_all_end', 'Read_at_all_begin', buf, status); }
  /** Begin a split Write_at_all: `MPI_File_write_at_all_begin`. */
  Write_at_all_begin(offset: number, buf: BufferSpec): void { this.#begin('Write_at_all_begin', () => this.#io('Write_at_all_begin', true, At.Explicit, offset, buf)); }
  /** End it: `MPI_File_write_at_all_end`. */
  Write_at_all_end(buf: BufferSpec, status: Status | null = null): void { this.#end('Write_at_all_end', 'Write_at_all_begin', buf, status); }
  /** Begin a split Read_all: `MPI_File_read_all_begin`. */
  Read_all_begin(buf: BufferSpec): void { this.#begin('Read_all_begin', () => this.#io('Read_all_begin', false, At.Individual, 0, buf)); }
  /** End it: `MPI_File_read_all_end`. */
  Read_all_end(buf: BufferSpec, status: Status | null = null): void { this.#end('Read_all_end', 'Read_all_begin', buf, status); }
  /** Begin a split Write_all: `MPI_File_write_all_begin`. */
  Write_all_begin(buf: BufferSpec): void { this.#begin('Write_all_begin', () => this.#io('Write_all_begin', true, At.Individual, 0, buf)); }
  /** End it: `MPI_File_write_all_end`. */
  Write_all_end(buf: BufferSpec, status: Status | null = null): void { this.#end('Write_all_end', 'Write_all_begin', buf, status); }
  /** Begin a split Read_ordered: `MPI_File_read_ordered_begin`. */
  Read_ordered_begin(buf: BufferSpec): void { this.#begin('Read_ordered_begin', () => this.#ordered('Read_ordered_begin', false, buf)); }
  /** End it: `MPI_File_read_ordered_end`. */
  Read_ordered_end(buf: BufferSpec, status: Status | null = null): void { this.#end('Read_ordered_end', 'Read_ordered_begin', buf, status); }
  /** Begin a split Write_ordered: `MPI_File_write_ordered_begin`. */
  Write_ordered_begin(buf: BufferSpec): void { this.#begin('Write_ordered_begin', () => this.#ordered('Write_ordered_begin', true, buf)); }
  /** End it: `MPI_File_write_ordered_end`. */
  Write_ordered_end(buf: BufferSpec, status: Status | null = null): void { this.#end('Write_ordered_end', 'Write_ordered_begin', buf, status); }

  // ---- consistency ---------------------------------------------------------------

  /**
   * Atomic mode (collective): when on, each access of a process is done
   * whole before another process's access to the file starts (they take
   * the shared pointer's lock): `MPI_File_set_atomicity`.
   */
  Set_atomicity(flag: boolean): void {
    const routine = 'Set_atomicity';
    const s = this.#state(routine);
    const { shared } = this.#agree(routine, s, () => Boolean(flag), (f) => Number(f));
    if (shared.some((f) => f !== shared[0])) fail(routine, ERR_NOT_SAME, `the ranks gave different flags (${shared.map(Boolean).join(', ')})`);
    s.atomic = Boolean(flag);
  }
  /** Whether atomic mode is on: `MPI_File_get_atomicity`. */
  Get_atomicity(): boolean { return this.#state('Get_atomicity').atomic; }
  /** Atomic mode, as Get_atomicity / Set_atomicity. */
  get atomicity(): boolean { return this.Get_atomicity(); }
  /** Set atomic mode (Set_atomicity, collective). */
  set atomicity(flag: boolean) { this.Set_atomicity(flag); }

  /** Write this process's data through to the storage device (collective): `MPI_File_sync`. */
  Sync(): void {
    const s = this.#state('Sync');
    if (s.amode & MODE_RDONLY) return;
    try {
      fs.fdatasyncSync(s.fd);
    } catch (e) {
      raise('Sync', ioFailure(e, `syncing ${s.path}`));
    }
  }

  // ---- error handlers -----------------------------------------------------------

  /** A new error handler for files, calling `errhandler_fn(file, errorcode)`: `MPI_File_create_errhandler`. */
  static Create_errhandler(errhandler_fn: ErrhandlerFunction<File>): Errhandler {
    return createErrhandler('File.Create_errhandler', 'File', errhandler_fn);
  }

  /**
   * The file's error handler (a new handle; free it); on FILE_NULL, the one
   * new files get (ERRORS_RETURN unless set): `MPI_File_get_errhandler`.
   */
  Get_errhandler(): Errhandler {
    return Errhandler.of(this.#s === null ? defaultFileErrhandler : this.#s.errhandler);
  }

  /**
   * Set the error handler; on FILE_NULL, the one files opened afterwards
   * get: `MPI_File_set_errhandler`. Files default to ERRORS_RETURN (errors
   * raise MPI.Exception), as MPI specifies for files.
   */
  Set_errhandler(errhandler: Errhandler): void {
    const rec = errhandlerArg('Set_errhandler', 'File', errhandler);
    if (this.#s === null) {
      defaultFileErrhandler = rec;
      return;
    }
    this.#s.errhandler = rec;
    guard(this, rec !== defaultErrhandler);
  }

  /** Run the file's error handler for `errorcode`: `MPI_File_call_errhandler`. */
  Call_errhandler(errorcode: number): void {
    const code = checkInt('Call_errhandler', 'errorcode', errorcode);
    const rec = this.#s === null ? defaultFileErrhandler : this.#s.errhandler;
    invoke(rec, this, code, `Call_errhandler(${code})`, this.#s?.path ?? 'MPI_FILE_NULL');
  }

  /** @internal For the dispatch of errors to the handler (api/errhandler.ts). */
  errhandlerRecord(): ErrhandlerRecord { return this.#s?.errhandler ?? defaultFileErrhandler; }
  /** @internal */
  errhandlerObjectName(): string { return this.#s?.path ?? 'MPI_FILE_NULL'; }
}

/** The null file handle: `MPI_FILE_NULL`. */
export const FILE_NULL: File = new File();
