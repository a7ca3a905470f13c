/**
 * `--check` (`MPI4TS_CHECK=1`): the collective-signature checker, installed
 * the way MUST and other PMPI tools sit in front of an MPI library. When the
 * variable is set, `installCheck` wraps each collective method of Intracomm,
 * Intercomm and Topocomm: the wrapper reads the call's arguments into a
 * `CallRecord` (routine, root, op, type signatures of every transfer), has
 * the ranks compare their records (src/coll/check.ts), and only then calls
 * the method. A non-blocking call arms its comparison, and the method's
 * schedule runs it first (`gate`), so the call returns at once as before.
 * Without the variable nothing is wrapped and nothing costs.
 */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import type { CommHandle } from '../transport/spi.js';
import type { TypeDesc } from '../core/datatype.js';
import { parseBuffer } from '../core/msgbuffer.js';
import { parseEqualBlocks, parseVectorBlocks, parseWBlocks, type BlockMessage } from '../core/msgcoll.js';
import { signatureOf, describeMessage } from '../core/signature.js';
import { collContext, runBlocking } from '../coll/schedule.js';
import { cartSendOrder } from '../coll/topo.js';
import { verify, verifyInter, arm, NO_ROOT, type CallRecord, type CallText, type CheckedCall, type Transfer } from '../coll/check.js';
import { Comm, Intracomm, Intercomm } from './comm.js';
import { Topocomm, Cartcomm } from './topo.js';
import { Op } from './op.js';
import { runtime } from './runtime.js';
import { IN_PLACE, PROC_NULL, ROOT } from './constants.js';
import { raise } from './errors.js';

/** `count` elements of `type`: one end of a transfer, or a buffer that must agree. */
interface Msg { readonly type: TypeDesc; readonly count: number }

/** A transfer before it is summarised: the message itself, for the report. */
interface Leg { readonly peer: number; readonly remote: boolean; readonly msg: Msg }

/** What a method's arguments say, read by its entry in the tables below. */
interface Reading {
  root?: number;
  op?: string;
  /** The buffer all ranks must agree on, and whether by basic type (reductions). */
  uniform?: Msg | null;
  strict?: boolean;
  agree?: readonly [name: string, value: string];
  sends?: Leg[];
  recvs?: Leg[];
  /** The arguments in words: `buf: 4 INT`, `root 0`. */
  show: () => string[];
}

/** Reads the arguments of a call on `comm`. Throws when they are bad. */
type Reader = (comm: Comm, a: readonly unknown[], routine: string) => Reading;

// ---- argument readers -------------------------------------------------------------

function msg(routine: string, arg: string, spec: unknown): Msg {
  const m = parseBuffer(routine, arg, spec);
  return { type: m.type, count: m.count };
}

/** How a buffer argument is cut into blocks: equal, vector (counts, displs) or general (Alltoallw: counts, byte displs, datatypes). */
type Kind = boolean | 'w';

function blocks(routine: string, arg: string, spec: unknown, n: number, vector: Kind): BlockMessage {
  if (vector === 'w') return parseWBlocks(routine, arg, spec, n);
  return (vector ? parseVectorBlocks : parseEqualBlocks)(routine, arg, spec, n);
}

const block = (b: BlockMessage, i: number): Msg => ({ type: b.types?.[i] ?? b.type, count: b.counts[i]! });
const text = (m: Msg): string => describeMessage(m.type, m.count);
function showBlocks(b: BlockMessage): string {
  if (b.types) return `blocks [${b.counts.map((_, i) => text(block(b, i))).join(', ')}]`;
  const same = b.counts.every((k) => k === b.counts[0]);
  return same ? `${b.counts.length} blocks of ${b.counts[0] ?? 0} ${b.type.name}` : `counts [${b.counts.join(', ')}] of ${b.type.name}`;
}

function rootArg(x: unknown): number {
  const r = x === undefined ? 0 : x;
  if (typeof r !== 'number' || !Number.isInteger(r)) throw new TypeError('root');
  return r;
}

function intraRoot(comm: Comm, x: unknown): number {
  const r = rootArg(x);
  if (r < 0 || r >= comm.size) throw new RangeError('root');
  return r;
}

function interRoot(comm: Intercomm, x: unknown): number {
  const r = rootArg(x);
  if (r !== ROOT && r !== PROC_NULL && (r < 0 || r >= comm.remote_size)) throw new RangeError('root');
  return r;
}

const rootText = (r: number): string => (r === ROOT ? 'root ROOT' : r === PROC_NULL ? 'root PROC_NULL' : `root ${r}`);

/** An op argument by name: predefined ones by theirs, created ones (and plain functions) by function name and source. */
function opArg(x: unknown): string {
  if (x === undefined) return 'MPI.SUM';
  if (x instanceof Op) return x.signature;
  if (typeof x === 'function') return `function ${x.name || 'anonymous'} [source ${hashText(String(x))}]`;
  throw new TypeError('op');
}

function hashText(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}

function showValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `array of ${x.length}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  if (typeof x === 'string') return x.length > 20 ? 'string' : JSON.stringify(x);
  return typeof x === 'function' ? 'function' : String(x);
}

const none: Reader = () => ({ show: () => [] });
/** Object collectives with a root: `bcast(obj, root)`, `scatter`, `gather`. */
const objRooted: Reader = (comm, a) => {
  const root = comm instanceof Intercomm ? interRoot(comm, a[1]) : intraRoot(comm, a[1]);
  return { root, show: () => [rootText(root)] };
};
const objReduce: Reader = (comm, a) => {
  const root = comm instanceof Intercomm ? interRoot(comm, a[2]) : intraRoot(comm, a[2]);
  const op = opArg(a[1]);
  return { root, op, show: () => [`op ${op}`, rootText(root)] };
};
const objOp: Reader = (_, a) => {
  const op = opArg(a[1]);
  return { op, show: () => [`op ${op}`] };
};

// ---- intracommunicators

const Bcast: Reader = (comm, a, routine) => {
  const root = intraRoot(comm, a[1]);
  const buf = msg(routine, 'buf', a[0]);
  return { root, uniform: buf, show: () => [`buf: ${text(buf)}`, rootText(root)] };
};

/** IN_PLACE as the call reads it: `null` (mpi4py's None) in a place that accepts IN_PLACE means it too. */
function isInPlace(x: unknown): boolean {
  return x === IN_PLACE || x === null || x === undefined;
}

function gatherLike(vector: boolean): Reader {
  return (comm, a, routine) => {
    const n = comm.size, me = comm.rank;
    const root = intraRoot(comm, a[2]);
    const inPlace = me === root && isInPlace(a[0]);
    const send = inPlace ? null : msg(routine, 'sendbuf', a[0]);
    const recv = me === root ? blocks(routine, 'recvbuf', a[1], n, vector) : null;
    const recvs: Leg[] = [];
    if (recv) for (let i = 0; i < n; i++) if (!(inPlace && i === me)) recvs.push({ peer: i, remote: false, msg: block(recv, i) });
    return {
      root, sends: send ? [{ peer: root, remote: false, msg: send }] : [], recvs,
      show: () => [`sendbuf: ${send ? text(send) : 'IN_PLACE'}`, ...(recv ? [`recvbuf: ${showBlocks(recv)}`] : []), rootText(root)],
    };
  };
}

function scatterLike(vector: boolean): Reader {
  return (comm, a, routine) => {
    const n = comm.size, me = comm.rank;
    const root = intraRoot(comm, a[2]);
    const inPlace = me === root && isInPlace(a[1]);
    const send = me === root ? blocks(routine, 'sendbuf', a[0], n, vector) : null;
    const recv = inPlace ? null : msg(routine, 'recvbuf', a[1]);
    const sends: Leg[] = [];
    if (send) for (let j = 0; j < n; j++) if (!(inPlace && j === me)) sends.push({ peer: j, remote: false, msg: block(send, j) });
    return {
      root, sends, recvs: recv ? [{ peer: root, remote: false, msg: recv }] : [],
      show: () => [...(send ? [`sendbuf: ${showBlocks(send)}`] : []), `recvbuf: ${recv ? text(recv) : 'IN_PLACE'}`, rootText(root)],
    };
  };
}

function allgatherLike(vector: boolean): Reader {
  return (comm, a, routine) => {
    const n = comm.size, me = comm.rank;
    const inPlace = isInPlace(a[0]);
    const recv = blocks(routine, 'recvbuf', a[1], n, vector);
    const send = inPlace ? block(recv, me) : msg(routine, 'sendbuf', a[0]);
    const sends: Leg[] = [];
    const recvs: Leg[] = [];
    for (let j = 0; j < n; j++) {
      if (inPlace && j === me) continue;
      sends.push({ peer: j, remote: false, msg: send });
      recvs.push({ peer: j, remote: false, msg: block(recv, j) });
    }
    return { sends, recvs, show: () => [`sendbuf: ${inPlace ? 'IN_PLACE' : text(send)}`, `recvbuf: ${showBlocks(recv)}`] };
  };
}

function alltoallLike(vector: Kind): Reader {
  return (comm, a, routine) => {
    const n = comm.size;
    const recv = blocks(routine, 'recvbuf', a[1], n, vector);
    const send = isInPlace(a[0]) ? recv : blocks(routine, 'sendbuf', a[0], n, vector);
    const sends = recv.counts.map((_, j) => ({ peer: j, remote: false, msg: block(send, j) }));
    const recvs = recv.counts.map((_, i) => ({ peer: i, remote: false, msg: block(recv, i) }));
    return { sends, recvs, show: () => [`sendbuf: ${isInPlace(a[0]) ? 'IN_PLACE' : showBlocks(send)}`, `recvbuf: ${showBlocks(recv)}`] };
  };
}

/** Reductions: the same op, and the same count and basic type everywhere (IN_PLACE: recvbuf holds the data). */
function reduceLike(rooted: boolean): Reader {
  return (comm, a, routine) => {
    const root = rooted ? intraRoot(comm, a[3]) : undefined;
    const op = opArg(a[2]);
    const data = isInPlace(a[0]) ? msg(routine, 'recvbuf', a[1]) : msg(routine, 'sendbuf', a[0]);
    return {
      ...(root === undefined ? {} : { root }), op, uniform: data, strict: true,
      show: () => [`${isInPlace(a[0]) ? 'sendbuf: IN_PLACE, recvbuf' : 'sendbuf'}: ${text(data)}`, `op ${op}`, ...(root === undefined ? [] : [rootText(root)])],
    };
  };
}

const reduceScatterBlock: Reader = (comm, a, routine) => {
  const op = opArg(a[2]);
  const recv = msg(routine, 'recvbuf', a[1]);
  const each = isInPlace(a[0]) ? { type: recv.type, count: recv.count / comm.size } : recv;
  return { op, uniform: each, strict: true, show: () => [`recvcount: ${text(each)}`, `op ${op}`] };
};

const reduceScatter: Reader = (_, a, routine) => {
  const op = opArg(a[3]);
  const data = isInPlace(a[0]) ? msg(routine, 'recvbuf', a[1]) : msg(routine, 'sendbuf', a[0]);
  const counts = a[2] === null || a[2] === undefined ? null : Array.from(a[2] as ArrayLike<number>, Number);
  // Without recvcounts each rank's recvbuf gives its count: only the datatype must agree.
  const uniform = { type: data.type, count: counts === null ? 1 : counts.reduce((x, y) => x + y, 0) };
  return {
    op, uniform, strict: true, ...(counts === null ? {} : { agree: ['recvcounts', `[${counts.join(', ')}]`] as const }),
    show: () => [`sendbuf: ${text(data)}`, `recvcounts ${counts === null ? 'null' : `[${counts.join(', ')}]`}`, `op ${op}`],
  };
};

/** Spawn(command, args | options, maxprocs, info, root): only the root must agree. */
const spawnLike: Reader = (comm, a) => {
  const o = a[1] !== null && typeof a[1] === 'object' && !Array.isArray(a[1]) ? a[1] as { root?: unknown } : null;
  const root = intraRoot(comm, o ? o.root : a[4]);
  return { root, show: () => [rootText(root)] };
};

const agreeing = (name: string, n: number): Reader => (_, a) => {
  const value = JSON.stringify(a.slice(0, n));
  return { agree: [name, value], show: () => [`${name} ${value}`] };
};

/** Create_cart(dims, periods): periods null or one boolean stand for one per dimension. */
const cartArgs: Reader = (_, a) => {
  const dims = Array.from(a[0] as ArrayLike<number>, Number);
  const p = a[1];
  const periods = p === null || p === undefined || typeof p === 'boolean' ? dims.map(() => Boolean(p)) : Array.from(p as ArrayLike<boolean>, Boolean);
  const value = `dims [${dims.join(', ')}], periods [${periods.join(', ')}]`;
  return { agree: ['dims and periods', value], show: () => [value] };
};

const intraReaders: Record<string, Reader> = {
  barrier: none, ibarrier: none, Barrier: none, Ibarrier: none,
  bcast: objRooted, ibcast: objRooted, scatter: objRooted, gather: objRooted,
  reduce: objReduce, allreduce: objOp, scan: objOp, exscan: objOp, allgather: none, alltoall: none,
  Bcast, Ibcast: Bcast,
  Gather: gatherLike(false), Igather: gatherLike(false), Gatherv: gatherLike(true), Igatherv: gatherLike(true),
  Scatter: scatterLike(false), Iscatter: scatterLike(false), Scatterv: scatterLike(true), Iscatterv: scatterLike(true),
  Allgather: allgatherLike(false), Iallgather: allgatherLike(false), Allgatherv: allgatherLike(true), Iallgatherv: allgatherLike(true),
  Alltoall: alltoallLike(false), Ialltoall: alltoallLike(false), Alltoallv: alltoallLike(true), Ialltoallv: alltoallLike(true),
  Alltoallw: alltoallLike('w'), Ialltoallw: alltoallLike('w'),
  Reduce: reduceLike(true), Ireduce: reduceLike(true),
  Allreduce: reduceLike(false), Iallreduce: reduceLike(false), Scan: reduceLike(false), Iscan: reduceLike(false),
  Exscan: reduceLike(false), Iexscan: reduceLike(false),
  Reduce_scatter_block: reduceScatterBlock, Ireduce_scatter_block: reduceScatterBlock,
  Reduce_scatter: reduceScatter, Ireduce_scatter: reduceScatter,
  Dup: none, Clone: none, Split: none, Split_type: none, Create: none, Disconnect: none,
  Spawn: spawnLike, Spawn_multiple: spawnLike,
  Create_cart: cartArgs, Create_graph: agreeing('index and edges', 2),
  Create_dist_graph: none, Create_dist_graph_adjacent: none,
};

// ---- intercommunicators: ROOT at the root, PROC_NULL beside it, the root's rank across

const interBcast: Reader = (comm, a, routine) => {
  const root = interRoot(comm as Intercomm, a[1]);
  const buf = root === PROC_NULL ? null : msg(routine, 'buf', a[0]);
  return { root, uniform: buf, show: () => [...(buf ? [`buf: ${text(buf)}`] : []), rootText(root)] };
};

const interReduce: Reader = (comm, a, routine) => {
  const root = interRoot(comm as Intercomm, a[3]);
  const op = opArg(a[2]);
  const data = root === PROC_NULL ? null : root === ROOT ? msg(routine, 'recvbuf', a[1]) : msg(routine, 'sendbuf', a[0]);
  return {
    root, op, uniform: data, strict: true,
    show: () => [...(data ? [`${root === ROOT ? 'recvbuf' : 'sendbuf'}: ${text(data)}`] : []), `op ${op}`, rootText(root)],
  };
};

function interGather(vector: boolean): Reader {
  return (comm, a, routine) => {
    const root = interRoot(comm as Intercomm, a[2]);
    const rn = (comm as Intercomm).remote_size;
    if (root === ROOT) {
      const recv = blocks(routine, 'recvbuf', a[1], rn, vector);
      const recvs = recv.counts.map((_, j) => ({ peer: j, remote: true, msg: block(recv, j) }));
      return { root, recvs, show: () => [`recvbuf: ${showBlocks(recv)}`, rootText(root)] };
    }
    if (root === PROC_NULL) return { root, show: () => [rootText(root)] };
    const send = msg(routine, 'sendbuf', a[0]);
    return { root, sends: [{ peer: root, remote: true, msg: send }], show: () => [`sendbuf: ${text(send)}`, rootText(root)] };
  };
}

function interScatter(vector: boolean): Reader {
  return (comm, a, routine) => {
    const root = interRoot(comm as Intercomm, a[2]);
    const rn = (comm as Intercomm).remote_size;
    if (root === ROOT) {
      const send = blocks(routine, 'sendbuf', a[0], rn, vector);
      const sends = send.counts.map((_, j) => ({ peer: j, remote: true, msg: block(send, j) }));
      return { root, sends, show: () => [`sendbuf: ${showBlocks(send)}`, rootText(root)] };
    }
    if (root === PROC_NULL) return { root, show: () => [rootText(root)] };
    const recv = msg(routine, 'recvbuf', a[1]);
    return { root, recvs: [{ peer: root, remote: true, msg: recv }], show: () => [`recvbuf: ${text(recv)}`, rootText(root)] };
  };
}

function interAllgather(vector: boolean): Reader {
  return (comm, a, routine) => {
    const rn = (comm as Intercomm).remote_size;
    const send = msg(routine, 'sendbuf', a[0]);
    const recv = blocks(routine, 'recvbuf', a[1], rn, vector);
    const sends = recv.counts.map((_, j) => ({ peer: j, remote: true, msg: send }));
    const recvs = recv.counts.map((_, i) => ({ peer: i, remote: true, msg: block(recv, i) }));
    return { sends, recvs, show: () => [`sendbuf: ${text(send)}`, `recvbuf: ${showBlocks(recv)}`] };
  };
}

function interAlltoall(vector: Kind): Reader {
  return (comm, a, routine) => {
    const rn = (comm as Intercomm).remote_size;
    const send = blocks(routine, 'sendbuf', a[0], rn, vector);
    const recv = blocks(routine, 'recvbuf', a[1], rn, vector);
    const sends = send.counts.map((_, j) => ({ peer: j, remote: true, msg: block(send, j) }));
    const recvs = recv.counts.map((_, i) => ({ peer: i, remote: true, msg: block(recv, i) }));
    return { sends, recvs, show: () => [`sendbuf: ${showBlocks(send)}`, `recvbuf: ${showBlocks(recv)}`] };
  };
}

const interAllreduce: Reader = (_, a, routine) => {
  const op = opArg(a[2]);
  const data = msg(routine, 'sendbuf', a[0]);
  return { op, uniform: data, strict: true, show: () => [`sendbuf: ${text(data)}`, `op ${op}`] };
};

/** Inter Reduce_scatter(_block): the op and the datatype must agree. */
const interReduceScatter = (opAt: number): Reader => (_, a, routine) => {
  const op = opArg(a[opAt]);
  const data = msg(routine, 'sendbuf', a[0]);
  return { op, uniform: { type: data.type, count: 1 }, strict: true, show: () => [`sendbuf: ${text(data)}`, `op ${op}`] };
};

const interReaders: Record<string, Reader> = {
  barrier: none, Barrier: none, ibarrier: none, Ibarrier: none,
  bcast: objRooted, gather: objRooted, scatter: objRooted, reduce: objReduce, allreduce: objOp, allgather: none, alltoall: none,
  Bcast: interBcast, Ibcast: interBcast, Reduce: interReduce, Ireduce: interReduce,
  Gather: interGather(false), Igather: interGather(false), Gatherv: interGather(true), Igatherv: interGather(true),
  Scatter: interScatter(false), Iscatter: interScatter(false), Scatterv: interScatter(true), Iscatterv: interScatter(true),
  Allgather: interAllgather(false), Iallgather: interAllgather(false), Allgatherv: interAllgather(true), Iallgatherv: interAllgather(true),
  Alltoall: interAlltoall(false), Ialltoall: interAlltoall(false), Alltoallv: interAlltoall(true), Ialltoallv: interAlltoall(true),
  Alltoallw: interAlltoall('w'), Ialltoallw: interAlltoall('w'),
  Allreduce: interAllreduce, Iallreduce: interAllreduce,
  Reduce_scatter_block: interReduceScatter(2), Reduce_scatter: interReduceScatter(3),
  Disconnect: none, Merge: none, Dup: none, Clone: none, Split: none,
};

// ---- neighbourhood collectives: send j goes to destination j, in the order the algorithm posts them

function neighbors(comm: Topocomm): { sources: number[]; destinations: number[]; order: number[] } {
  const [sources, destinations] = comm.inoutedges;
  const order = comm instanceof Cartcomm ? cartSendOrder(comm.ndim) : destinations.map((_, j) => j);
  return { sources, destinations, order };
}

function neighborLike(all: boolean, vector: Kind): Reader {
  return (comm, a, routine) => {
    const { sources, destinations, order } = neighbors(comm as Topocomm);
    const one = all ? msg(routine, 'sendbuf', a[0]) : null;
    const send = all || destinations.length === 0 ? null : blocks(routine, 'sendbuf', a[0], destinations.length, vector);
    const recv = sources.length === 0 ? null : blocks(routine, 'recvbuf', a[1], sources.length, vector);
    const sends: Leg[] = [];
    for (const j of order) {
      const d = destinations[j]!;
      if (d !== PROC_NULL) sends.push({ peer: d, remote: false, msg: one ?? block(send!, j) });
    }
    const recvs: Leg[] = [];
    sources.forEach((s, i) => { if (s !== PROC_NULL) recvs.push({ peer: s, remote: false, msg: block(recv!, i) }); });
    return {
      sends, recvs,
      show: () => [`sendbuf: ${one ? text(one) : send ? showBlocks(send) : 'none'}`, `recvbuf: ${recv ? showBlocks(recv) : 'none'}`],
    };
  };
}

const topoReaders: Record<string, Reader> = {
  neighbor_allgather: none, neighbor_alltoall: none,
  Neighbor_allgather: neighborLike(true, false), Ineighbor_allgather: neighborLike(true, false),
  Neighbor_allgatherv: neighborLike(true, true), Ineighbor_allgatherv: neighborLike(true, true),
  Neighbor_alltoall: neighborLike(false, false), Ineighbor_alltoall: neighborLike(false, false),
  Neighbor_alltoallv: neighborLike(false, true), Ineighbor_alltoallv: neighborLike(false, true),
  Neighbor_alltoallw: neighborLike(false, 'w'), Ineighbor_alltoallw: neighborLike(false, 'w'),
};

// ---- the wrappers -------------------------------------------------------------------

/** Inside a checked call: collectives it makes itself (Split_type's Split) are not checked again. */
let inside = false;

/** Non-blocking calls, and the persistent ones (`Bcast_init`), whose verification runs before their first round. */
const NON_BLOCKING = /^I[a-z]|^ibarrier$|^ibcast$|_init$/;

/** Whether this process's group is group A of an intercommunicator's reports: the one with the lowest process id. */
const firstGroup = new WeakMap<CommHandle, boolean>();
function isFirst(h: CommHandle): boolean {
  let f = firstGroup.get(h);
  if (f === undefined) {
    const t = runtime.transport;
    const low = (g: Int32Array | null): number => (g === null || g.length === 0 ? Infinity : Math.min(...g));
    f = low(t.group(h)) < low(t.remoteGroup(h));
    firstGroup.set(h, f);
  }
  return f;
}

/** This package's own files: frames there are not the user's call. */
const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The first frame of `stack` outside this package: `file:line:column`. */
function callSite(stack: string | undefined): string {
  const frames = (stack ?? '').split('\n').slice(1).map((l) => /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?\s*$/.exec(l.trim())?.[1]).filter((f): f is string => f !== undefined)
    .map((f) => (f.startsWith('file://') ? fileURLToPath(f.replace(/:\d+:\d+$/, '')) + f.match(/:\d+:\d+$/)![0] : f));
  return frames.find((f) => !f.startsWith(packageDir + path.sep) && !f.startsWith('node:')) ?? frames[0] ?? '';
}

function record(routine: string, r: Reading): CallRecord {
  const leg = (l: Leg): Transfer => ({ peer: l.peer, remote: l.remote, sig: signatureOf(l.msg.type, l.msg.count) });
  return {
    routine, root: r.root ?? NO_ROOT, op: r.op ?? null,
    uniform: r.uniform ? signatureOf(r.uniform.type, r.uniform.count) : null, strict: r.strict ?? false,
    agree: r.agree?.[1] ?? null, agreeName: r.agree?.[0] ?? null,
    sends: (r.sends ?? []).map(leg), recvs: (r.recvs ?? []).map(leg),
  };
}

function commName(comm: Comm): string {
  const name = comm.Get_name();
  if (name === '') return comm instanceof Intercomm ? 'an intercommunicator' : `a communicator of ${comm.size} ranks`;
  return name.replace(/^MPI_/, '');
}

/** Wrap `proto[name]` so that the ranks compare their calls before it runs. */
function wrap(proto: object, name: string, read: Reader, inter: boolean): void {
  const original = (proto as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  const nonBlocking = NON_BLOCKING.test(name);
  const checked = function (this: Comm, ...args: unknown[]): unknown {
    if (inside || this.isNull) return original.apply(this, args);
    const t = runtime.transport;
    const h = this.handle(name);
    if (inter && t.libraryComms?.foreignGroup(h) != null) return original.apply(this, args);
    // Where the user called from: captured now for a non-blocking call (the
    // report comes later), when the report is made for a blocking one (the call is still on the stack).
    const holder: { stack?: string } = {};
    const capture = (): void => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 20;
      Error.captureStackTrace(holder, checked);
      Error.stackTraceLimit = limit;
    };
    if (nonBlocking) capture();
    let reading: Reading | null;
    try { reading = read(this, args, name); } catch { reading = null; }
    const rec = reading ? record(name, reading) : { ...record(name, { show: () => [] }), wild: true };
    const comm = this;
    const call: CheckedCall = {
      record: rec,
      get comm() { return commName(comm); },
      text: (): CallText => {
        if (holder.stack === undefined) capture();
        const r = reading;
        const legs = (ls: Leg[] | undefined): string[] => (ls ?? []).map((l) => text(l.msg));
        return {
          routine: name, op: rec.op, agree: rec.agree, agreeName: rec.agreeName,
          call: `${name}(${r ? r.show().join(', ') : 'arguments not understood'})`, at: callSite(holder.stack),
          uniform: r?.uniform ? text(r.uniform) : null, sends: legs(r?.sends), recvs: legs(r?.recvs),
        };
      },
    };
    const c = collContext(t, h);
    const verification = inter ? verifyInter(c, call, isFirst(h)) : verify(c, call);
    inside = true;
    try {
      if (nonBlocking) {
        arm(verification);
        return original.apply(this, args);
      }
      // For deadlock reports: a rank waiting here waits in this collective.
      t.callWatch?.noteCall(name, rec.root, c.comm, c.tag, -1);
      try { runBlocking(t, verification); } catch (e) { raise(name, e); } finally { t.callWatch?.noteCall(null, -1); }
      return original.apply(this, args);
    } finally {
      inside = false;
      arm(null);
    }
  };
  Object.defineProperty(checked, 'name', { value: name });
  (proto as Record<string, unknown>)[name] = checked;
}

/**
 * The persistent collectives (`Bcast_init`, MPI-4) of `names`: read as
 * their blocking forms, whose arguments they take in the same places (their
 * trailing info aside).
 */
function persistentForms(readers: Record<string, Reader>, names: readonly string[]): Record<string, Reader> {
  return Object.fromEntries(names.map((n) => [`${n}_init`, readers[n]!]));
}
const COMM_PERSISTENT = ['Barrier', 'Bcast', 'Gather', 'Gatherv', 'Scatter', 'Scatterv', 'Allgather', 'Allgatherv', 'Alltoall', 'Alltoallv',
  'Alltoallw', 'Reduce', 'Allreduce', 'Reduce_scatter_block', 'Reduce_scatter'];
Object.assign(intraReaders, persistentForms(intraReaders, [...COMM_PERSISTENT, 'Scan', 'Exscan']));
Object.assign(interReaders, persistentForms(interReaders, COMM_PERSISTENT));
Object.assign(topoReaders, persistentForms(topoReaders, ['Neighbor_allgather', 'Neighbor_allgatherv', 'Neighbor_alltoall', 'Neighbor_alltoallv', 'Neighbor_alltoallw']));

let installed = false;

/** Wrap every collective method (done once, when MPI4TS_CHECK=1). */
export function installCheck(): void {
  if (installed) return;
  installed = true;
  for (const [name, read] of Object.entries(intraReaders)) wrap(Intracomm.prototype, name, read, false);
  for (const [name, read] of Object.entries(interReaders)) wrap(Intercomm.prototype, name, read, true);
  for (const [name, read] of Object.entries(topoReaders)) wrap(Topocomm.prototype, name, read, false);
}

/** Whether `--check` is on for this process. */
export function checkRequested(): boolean {
  return process.env['MPI4TS_CHECK'] === '1';
}
