/**
 * Process topologies (MPI chapter 8, mpi4py's `Topocomm`, `Cartcomm`,
 * `Graphcomm`, `Distgraphcomm`): communicators that also know a virtual
 * layout of their processes, and neighbourhood collectives along it.
 *
 * A topology communicator is built like Split/Dup (src/coll/comm.ts) over the
 * parent, in the parent's rank order (`reorder` is accepted and may keep the
 * identity, as MPI allows). The layout lives in the object; the arithmetic is
 * in src/coll/topo.ts. Neighbourhood collectives are point-to-point messages
 * on the communicator's collective context, with the tag of the call.
 *
 * `Intracomm.Create_cart` and friends (src/api/comm.ts) reach the
 * constructors here through `Intracomm.topologies`, installed below: this
 * module extends Intracomm, so comm.ts cannot import it at run time.
 */
import type { CommHandle, Operation } from '../transport/spi.js';
import { SendMode } from '../transport/spi.js';
import { checkInt, describe } from './args.js';
import { Comm, Intracomm, COMM_NULL, nullMethodsOf } from './comm.js';
import { collContext, runBlocking, CollectiveOp, type CollContext, type Schedule } from '../coll/schedule.js';
import { gate } from '../coll/check.js';
import { intraRounds } from '../coll/persistent.js';
import * as commcoll from '../coll/comm.js';
import { allgather, alltoall } from '../coll/object.js';
import { messageCodec, objectItems } from '../core/msgobject.js';
import { parseBuffer, pinSpec, type BufferSpec, type BufferLike } from '../core/msgbuffer.js';
import { parseEqualBlocks, parseVectorBlocks, parseWBlocks, type BlockMessage, type WBufferSpec } from '../core/msgcoll.js';
import { outgoing } from '../core/pack.js';
import { ERR_ARG, ERR_COUNT, ERR_DIMS, ERR_RANK, ERR_TOPOLOGY, ERR_TRUNCATE, MpiFailure } from '../core/errorcodes.js';
import { fail, raise } from './errors.js';
import { Request, Prequest, Kind } from './request.js';
import { runtime } from './runtime.js';
import { PROC_NULL, UNDEFINED } from './constants.js';
import { infoArg, type Info } from './info.js';
import * as topo from '../coll/topo.js';

// ---- constants -------------------------------------------------------------------

/** `MPI_GRAPH`: what Get_topology returns for a Graphcomm. */
export const GRAPH = 1;
/** `MPI_CART`: what Get_topology returns for a Cartcomm. */
export const CART = 2;
/** `MPI_DIST_GRAPH`: what Get_topology returns for a Distgraphcomm. */
export const DIST_GRAPH = 3;
/** `MPI_UNWEIGHTED`: edge weights not given (same as null). */
export const UNWEIGHTED: unique symbol = Symbol.for('mpi4ts.UNWEIGHTED');
/** `MPI_WEIGHTS_EMPTY`: a weighted graph's empty weight list (for a degree of 0). */
export const WEIGHTS_EMPTY: unique symbol = Symbol.for('mpi4ts.WEIGHTS_EMPTY');

/**
 * A buffer of the v-variants: a BufferSpec, or [buf, counts, displs, datatype]
 * and the other forms of core/msgcoll.ts.
 */
export type VectorSpec = BufferSpec | readonly [BufferLike, ...unknown[]];

/** Edge weights argument: integers, or null / UNWEIGHTED, or WEIGHTS_EMPTY. */
export type Weights = readonly number[] | ArrayLike<number> | null | typeof UNWEIGHTED | typeof WEIGHTS_EMPTY;

// ---- argument checks ------------------------------------------------------------

function isList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** An array (or integer typed array) of integers, as plain numbers. */
function intList(routine: string, arg: string, x: unknown): number[] {
  if (!isList(x)) throw new TypeError(`${routine}: ${arg} must be an array of integers, got ${describe(x)}`);
  return Array.from(x, (v, i) => {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new TypeError(`${routine}: ${arg}[${i}] must be an integer, got ${describe(v)}`);
    }
    return n;
  });
}

function truth(routine: string, arg: string, x: unknown): boolean {
  if (typeof x === 'boolean') return x;
  if (typeof x === 'number' && Number.isInteger(x)) return x !== 0;
  throw new TypeError(`${routine}: ${arg} must be a boolean, got ${describe(x)}`);
}

/** `ndims` booleans: from null (all false), one boolean for all, or an array of ndims. */
function boolList(routine: string, arg: string, x: unknown, ndims: number, dflt: boolean | null): boolean[] {
  if ((x === null || x === undefined) && dflt !== null) return new Array<boolean>(ndims).fill(dflt);
  if (typeof x === 'boolean') return new Array<boolean>(ndims).fill(x);
  if (!isList(x)) throw new TypeError(`${routine}: ${arg} must be an array of ${ndims} booleans, got ${describe(x)}`);
  const out = Array.from(x, (v, i) => truth(routine, `${arg}[${i}]`, v));
  if (out.length !== ndims) fail(routine, ERR_DIMS, `${arg} has ${out.length} entries, the grid has ${ndims} dimension(s)`);
  return out;
}

/** Ranks of a communicator of `size` (no PROC_NULL). */
function rankList(routine: string, arg: string, x: unknown, size: number): number[] {
  const out = intList(routine, arg, x);
  out.forEach((r, i) => {
    if (r < 0 || r >= size) fail(routine, ERR_RANK, `${arg}[${i}] = ${r} is not a rank of the communicator (size ${size})`);
  });
  return out;
}

function weightList(routine: string, arg: string, x: unknown, degree: number): number[] | null {
  if (x === null || x === undefined || x === UNWEIGHTED) return null;
  if (x === WEIGHTS_EMPTY) {
    if (degree !== 0) fail(routine, ERR_ARG, `${arg} is WEIGHTS_EMPTY but there are ${degree} edges`);
    return [];
  }
  const w = intList(routine, arg, x);
  if (w.length !== degree) fail(routine, ERR_ARG, `${arg} has ${w.length} weights for ${degree} edges`);
  w.forEach((v, i) => { if (v < 0) fail(routine, ERR_ARG, `${arg}[${i}] = ${v} is negative`); });
  return w;
}

function show(xs: readonly unknown[]): string {
  return `[${xs.join(', ')}]`;
}

// ---- construction -------------------------------------------------------------------

/** Run a construction schedule over `parent`, failures as MPI.Exception of `routine`. */
function construct<T>(routine: string, parent: Intracomm, algorithm: (c: CollContext, h: CommHandle) => Schedule<T>): T {
  const h = parent.collHandle(routine);
  const t = runtime.transport;
  try { return runBlocking(t, algorithm(collContext(t, h), h)); } catch (e) { raise(routine, e); }
}

/** The first `n` ranks of `parent`, in its order (the others get null: COMM_NULL). */
function firstRanks(routine: string, parent: Intracomm, n: number): CommHandle | null {
  return construct(routine, parent, (c, h) => commcoll.split(c, h, h.rank < n ? 0 : UNDEFINED, h.rank, UNDEFINED));
}

function dupHandle(routine: string, comm: Intracomm): CommHandle {
  return construct(routine, comm, (c, h) => commcoll.dup(c, h));
}

/** `MPI_Dims_create` (mpi4py `Compute_dims`): a balanced grid of `nnodes` processes. */
export function Compute_dims(nnodes: number, dims: number | ArrayLike<number>): number[] {
  const n = checkInt('Compute_dims', 'nnodes', nnodes);
  let d: number[];
  if (typeof dims === 'number') {
    const k = checkInt('Compute_dims', 'dims', dims);
    if (k < 0) fail('Compute_dims', ERR_DIMS, `dims must be >= 0 dimensions, got ${k}`);
    d = new Array<number>(k).fill(0);
  } else {
    d = intList('Compute_dims', 'dims', dims);
    d.forEach((v, i) => { if (v < 0) fail('Compute_dims', ERR_DIMS, `dims[${i}] = ${v} is negative`); });
  }
  if (n < 1) fail('Compute_dims', ERR_ARG, `nnodes must be positive, got ${n}`);
  const out = topo.computeDims(n, d);
  if (out === null) {
    const fixed = topo.product(d.filter((v) => v > 0));
    fail('Compute_dims', ERR_DIMS, d.includes(0)
      ? `cannot fill dims ${show(d)} for ${n} processes: the fixed dimensions (product ${fixed}) do not divide ${n}`
      : `dims ${show(d)} make ${fixed} processes, not ${n}`);
  }
  return out;
}

/** Dims and periods of a Cartesian grid over `parent`, checked: [dims, periods, processes]. */
function cartArgs(routine: string, parent: Intracomm, dims: unknown, periods: unknown): [number[], boolean[], number] {
  const size = parent.handle(routine).size;
  const d = intList(routine, 'dims', dims);
  d.forEach((v, i) => { if (v <= 0) fail(routine, ERR_DIMS, `dims[${i}] = ${v} must be positive`); });
  const p = boolList(routine, 'periods', periods, d.length, false);
  const n = topo.product(d);
  if (n > size) fail(routine, ERR_DIMS, `dims ${show(d)} make a grid of ${n} processes, the communicator has ${size}`);
  return [d, p, n];
}

function createCart(parent: Intracomm, dims: unknown, periods: unknown, reorder: unknown): Cartcomm {
  const routine = 'Create_cart';
  const [d, p, n] = cartArgs(routine, parent, dims, periods);
  truth(routine, 'reorder', reorder);
  const h = firstRanks(routine, parent, n);
  return h === null ? COMM_NULL as Cartcomm : new Cartcomm(h, d, p);
}

/**
 * `MPI_Cart_map`: this process's rank in a grid of `dims` over `parent`
 * (UNDEFINED if it is not in the grid). The grid keeps the parent's order,
 * as Create_cart does.
 */
function cartMap(parent: Intracomm, dims: unknown, periods: unknown): number {
  const [, , n] = cartArgs('Cart_map', parent, dims, periods);
  const r = parent.handle('Cart_map').rank;
  return r < n ? r : UNDEFINED;
}

/** Index (MPI's form) and edges of a graph over `parent`, checked. */
function graphArgs(routine: string, parent: Intracomm, index: unknown, edges: unknown): [number[], number[]] {
  const size = parent.handle(routine).size;
  const e = intList(routine, 'edges', edges);
  const ix = topo.graphIndex(intList(routine, 'index', index), e.length);
  const nnodes = ix.length;
  if (nnodes > size) fail(routine, ERR_ARG, `index describes ${nnodes} nodes, the communicator has ${size} processes`);
  ix.forEach((v, i) => {
    const prev = i === 0 ? 0 : ix[i - 1]!;
    if (v < prev) fail(routine, ERR_ARG, `index must be non-decreasing and >= 0, got index[${i}] = ${v} after ${prev}`);
  });
  const total = nnodes === 0 ? 0 : ix[nnodes - 1]!;
  if (total !== e.length) fail(routine, ERR_ARG, `index counts ${total} edges, edges has ${e.length}`);
  e.forEach((v, i) => {
    if (v < 0 || v >= nnodes) fail(routine, ERR_RANK, `edges[${i}] = ${v} is not a node of the graph (0 to ${nnodes - 1})`);
  });
  return [ix, e];
}

function createGraph(parent: Intracomm, index: unknown, edges: unknown, reorder: unknown): Graphcomm {
  const routine = 'Create_graph';
  const [ix, e] = graphArgs(routine, parent, index, edges);
  truth(routine, 'reorder', reorder);
  const h = firstRanks(routine, parent, ix.length);
  return h === null ? COMM_NULL as Graphcomm : new Graphcomm(h, ix, e);
}

/** `MPI_Graph_map`: this process's node in the graph over `parent` (UNDEFINED if none), in the parent's order. */
function graphMap(parent: Intracomm, index: unknown, edges: unknown): number {
  const [ix] = graphArgs('Graph_map', parent, index, edges);
  const r = parent.handle('Graph_map').rank;
  return r < ix.length ? r : UNDEFINED;
}

function createDistGraphAdjacent(parent: Intracomm, sources: unknown, destinations: unknown,
  sourceweights: unknown, destweights: unknown, _info: unknown, reorder: unknown): Distgraphcomm {
  const routine = 'Create_dist_graph_adjacent';
  const size = parent.handle(routine).size;
  // null sources or destinations: none (mpi4py's None).
  const src = sources === null || sources === undefined ? [] : rankList(routine, 'sources', sources, size);
  const dst = destinations === null || destinations === undefined ? [] : rankList(routine, 'destinations', destinations, size);
  let sw = weightList(routine, 'sourceweights', sourceweights, src.length);
  let dw = weightList(routine, 'destweights', destweights, dst.length);
  truth(routine, 'reorder', reorder);
  if ((sw === null) !== (dw === null)) {
    // One side unweighted: fine only where that side has no edges.
    if (sw === null && src.length === 0) sw = [];
    else if (dw === null && dst.length === 0) dw = [];
    else fail(routine, ERR_ARG, `give both sourceweights and destweights, or neither (got ${sw === null ? 'only destweights' : 'only sourceweights'})`);
  }
  const weighted = sw !== null;
  let bad: string | null = null;
  const h = construct(routine, parent, function* (c, parentHandle): Schedule<CommHandle> {
    // One allgather agrees on the context id and checks the edges against each other,
    // so a mismatch fails here on every rank instead of hanging a neighbour collective.
    const all = (yield* allgather(c, [c.t.nextContext(), src, dst, weighted])) as [number, number[], number[], boolean][];
    const ctx = Math.max(...all.map((a) => a[0]));
    c.t.claimContext(ctx);
    const mixed = all.findIndex((a) => a[3] !== all[0]![3]);
    if (mixed >= 0) {
      throw new MpiFailure(ERR_TOPOLOGY, `rank ${all[0]![3] ? mixed : 0} gave no weights, rank ${all[0]![3] ? 0 : mixed} did: weights must be given on all ranks or none`);
    }
    // An inconsistent graph is accepted, as MPI libraries accept it, and
    // refused on every rank by the first neighbourhood collective (which would hang).
    bad = topo.distGraphMismatch(all.map((a) => [a[1], a[2]] as const));
    return c.t.makeComm(ctx, c.t.group(parentHandle), null, parentHandle);
  });
  const g = new Distgraphcomm(h, src, dst, sw, dw);
  if (bad !== null) inconsistentGraphs.set(g, `inconsistent graph: ${bad}`);
  return g;
}

/** Distributed graphs whose edges do not pair up (every rank knows the same): what is wrong with them. */
const inconsistentGraphs = new WeakMap<object, string>();

/**
 * `MPI_Dist_graph_create`: this process names edges of any processes:
 * `degrees[i]` edges from `sources[i]` to the next entries of `destinations`
 * (with `weights`). One all-to-all takes each edge to its two ends; every
 * process lists its in- and out-edges in one order (by the rank that named
 * the edge, then the order it named them), so repeated edges between two
 * processes pair up in neighbourhood collectives.
 */
function createDistGraph(parent: Intracomm, sources: unknown, degrees: unknown, destinations: unknown,
  weights: unknown, _info: unknown, reorder: unknown): Distgraphcomm {
  const routine = 'Create_dist_graph';
  const size = parent.handle(routine).size;
  const src = rankList(routine, 'sources', sources, size);
  const deg = intList(routine, 'degrees', degrees);
  if (deg.length !== src.length) fail(routine, ERR_ARG, `degrees has ${deg.length} entries, sources has ${src.length}`);
  deg.forEach((d, i) => { if (d < 0) fail(routine, ERR_ARG, `degrees[${i}] = ${d} is negative`); });
  const total = deg.reduce((a, b) => a + b, 0);
  const dst = rankList(routine, 'destinations', destinations, size);
  if (dst.length !== total) fail(routine, ERR_ARG, `destinations has ${dst.length} entries, degrees add up to ${total}`);
  const w = weightList(routine, 'weights', weights, total);
  truth(routine, 'reorder', reorder);
  // Weighted (true), unweighted (false), or no edges and no weights (null): fits either.
  const weighted: boolean | null = w !== null ? true : total === 0 ? null : false;
  let result: [number[], number[], number[] | null, number[] | null] = [[], [], null, null];
  const h = construct(routine, parent, function* (c, parentHandle): Schedule<CommHandle> {
    // Item j: [weighted, flat (source, destination, weight) triples of the edges that touch j].
    const items: [boolean | null, number[]][] = Array.from({ length: c.size }, () => [weighted, []]);
    let k = 0;
    src.forEach((s, i) => {
      for (let e = 0; e < deg[i]!; e++, k++) {
        const d = dst[k]!;
        const triple = [s, d, w === null ? 1 : w[k]!];
        items[s]![1].push(...triple);
        if (d !== s) items[d]![1].push(...triple);
      }
    });
    const got = (yield* alltoall(c, items)) as [boolean | null, number[]][];
    const ctx = yield* commcoll.agreeContext(c);
    const yes = got.findIndex((g) => g[0] === true);
    const no = got.findIndex((g) => g[0] === false);
    if (yes >= 0 && no >= 0) {
      throw new MpiFailure(ERR_TOPOLOGY, `rank ${no} gave edges without weights, rank ${yes} gave weights: weights must be given on all ranks or none`);
    }
    const me = c.rank;
    const [ins, outs, inW, outW] = [[], [], [], []] as number[][];
    for (const [, flat] of got) {
      for (let t = 0; t < flat.length; t += 3) {
        const [s, d, wt] = [flat[t]!, flat[t + 1]!, flat[t + 2]!];
        if (d === me) { ins!.push(s); inW!.push(wt); }
        if (s === me) { outs!.push(d); outW!.push(wt); }
      }
    }
    result = [ins!, outs!, yes >= 0 ? inW! : null, yes >= 0 ? outW! : null];
    return c.t.makeComm(ctx, c.t.group(parentHandle), null, parentHandle);
  });
  return new Distgraphcomm(h, ...result);
}

/** What src/api/comm.ts calls for `Intracomm.Create_cart` and the graph constructors. */
export interface TopologyConstructors {
  cart(parent: Intracomm, dims: unknown, periods: unknown, reorder: unknown): Cartcomm;
  graph(parent: Intracomm, index: unknown, edges: unknown, reorder: unknown): Graphcomm;
  distGraphAdjacent(parent: Intracomm, sources: unknown, destinations: unknown, sourceweights: unknown,
    destweights: unknown, info: unknown, reorder: unknown): Distgraphcomm;
  distGraph(parent: Intracomm, sources: unknown, degrees: unknown, destinations: unknown, weights: unknown,
    info: unknown, reorder: unknown): Distgraphcomm;
  cartMap(parent: Intracomm, dims: unknown, periods: unknown): number;
  graphMap(parent: Intracomm, index: unknown, edges: unknown): number;
}

// ---- neighbourhood exchange ------------------------------------------------------------

/** Who a process talks to in a neighbourhood collective, in MPI's slot order. */
interface Neighborhood {
  readonly sources: readonly number[];
  readonly destinations: readonly number[];
  /** Order in which to post the sends (slot indices); see topo.cartSendOrder. */
  readonly sendOrder: readonly number[];
}

const identity = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Receive one message from each source and send `payload(j)` to destination
 * j (PROC_NULL skipped): receives posted in slot order, sends in `sendOrder`,
 * so messages between one pair of processes match slot for slot.
 */
function* exchange(c: CollContext, nb: Neighborhood, payload: (j: number) => Uint8Array,
  into: ((i: number) => Uint8Array) | null): Schedule<(Operation | null)[]> {
  const recvs = nb.sources.map((s, i) => (s === PROC_NULL ? null : c.t.irecv(c.comm, into ? into(i) : null, s, c.tag)));
  const ops: Operation[] = recvs.filter((op): op is Operation => op !== null);
  for (const j of nb.sendOrder) {
    const d = nb.destinations[j]!;
    if (d !== PROC_NULL) ops.push(c.t.isend(c.comm, payload(j), d, c.tag, SendMode.Standard, false));
  }
  yield ops;
  for (const op of recvs) {
    if (op !== null && op.status.error !== 0) throw new MpiFailure(op.status.error, op.failure ?? 'receive failed');
  }
  return recvs;
}

function* objectExchange(c: CollContext, nb: Neighborhood, payload: (j: number) => Uint8Array): Schedule<unknown[]> {
  const recvs = yield* exchange(c, nb, payload, null);
  return recvs.map((op) => (op === null ? null : messageCodec().loads(op.data ?? new Uint8Array(0), true)));
}

/**
 * Blocks of a buffer argument for `n` neighbours (none for n = 0, where MPI's
 * counts do not matter). For datatypes with gaps the blocks are a packed
 * copy: `pack` fills it before sending, `unpack(i)` writes block i back.
 * General blocks are always such a copy.
 */
function neighborBlocks(routine: string, arg: string, spec: unknown, n: number, kind: BlockKind): BlockMessage | NoBlocks {
  if (kind === 'w') return parseWBlocks(routine, arg, spec, n);
  if (n === 0) {
    parseBuffer(routine, arg, spec);
    return { bytes: new Uint8Array(0), blocks: [] };
  }
  return (kind === 'vector' ? parseVectorBlocks : parseEqualBlocks)(routine, arg, spec, n);
}
/** How a buffer argument is cut into blocks: equal, vector (counts, displs) or general (counts, byte displs, datatypes). */
type BlockKind = 'equal' | 'vector' | 'w';
interface NoBlocks { bytes: Uint8Array; blocks: readonly (readonly [number, number])[]; pack?: undefined; unpack?: undefined }

const block = (bytes: Uint8Array, [off, len]: readonly [number, number]): Uint8Array => bytes.subarray(off, off + len);

/** Write the blocks that arrived (not those of PROC_NULL neighbours) back into non-contiguous user memory. */
function unpackReceived(recv: BlockMessage | NoBlocks, recvs: readonly (Operation | null)[]): void {
  if (recv.unpack) recvs.forEach((op, i) => { if (op !== null) recv.unpack!(i); });
}

/**
 * A communicator with a topology: neighbourhood collectives and the degrees
 * of this process (mpi4py `Topocomm`).
 */
export abstract class Topocomm extends Intracomm {
  /** `new MPI.Topocomm(comm)` (and the subclasses'): only a null communicator or one of the class's own topology; else TypeError. */
  constructor(handle: CommHandle | Comm | null = null, name = '') {
    // The topology class (Cartcomm, Graphcomm, Distgraphcomm) new.target is or extends.
    let topology: abstract new (...args: never[]) => Topocomm = new.target;
    while (Object.getPrototypeOf(topology) !== Topocomm) topology = Object.getPrototypeOf(topology) as typeof topology;
    if (handle instanceof Comm && !handle.isNull && !(handle instanceof topology)) {
      throw new TypeError(`${new.target.name}: expected an MPI.${topology.name} or COMM_NULL, got ${handle.constructor.name}`);
    }
    super(handle, name);
  }

  /** @internal Sources and destinations of this process, in MPI's order. */
  protected abstract neighborhood(routine: string): Neighborhood;

  /** [indegree, outdegree]. */
  get degrees(): [number, number] {
    const nb = this.neighborhood('degrees');
    return [nb.sources.length, nb.destinations.length];
  }
  /** Number of processes this one receives from in neighbourhood collectives. */
  get indegree(): number { return this.degrees[0]; }
  /** Number of processes this one sends to in neighbourhood collectives. */
  get outdegree(): number { return this.degrees[1]; }
  /** [sources, destinations] (PROC_NULL where a Cartesian neighbour is missing). */
  get inoutedges(): [number[], number[]] {
    const nb = this.neighborhood('inoutedges');
    return [[...nb.sources], [...nb.destinations]];
  }
  /** Ranks this process receives from, as inoutedges[0] (mpi4py property `inedges`). */
  get inedges(): number[] { return this.inoutedges[0]; }
  /** Ranks this process sends to, as inoutedges[1] (mpi4py property `outedges`). */
  get outedges(): number[] { return this.inoutedges[1]; }

  #run<T>(routine: string, algorithm: (c: CollContext, nb: Neighborhood) => Schedule<T>): T {
    const nb = this.neighborhood(routine);
    const c = collContext(runtime.transport, this.collHandle(routine));
    try { return runBlocking(runtime.transport, algorithm(c, nb)); } catch (e) { raise(routine, e); }
  }

  #start(routine: string, algorithm: (c: CollContext, nb: Neighborhood) => Schedule<unknown>): Request {
    const nb = this.neighborhood(routine);
    const c = collContext(runtime.transport, this.collHandle(routine));
    try {
      return Request.collective(new CollectiveOp(runtime.transport, gate(c, (cc) => algorithm(cc, nb))), routine);
    } catch (e) { raise(routine, e); }
  }

  /**
   * A persistent neighbourhood collective (`MPI_Neighbor_*_init`), inactive
   * until Start; `build` normalises the arguments now and again at each
   * Start (so each round reads the buffers as they are then), and every
   * round runs under the tag taken here (src/coll/persistent.ts).
   */
  #persistent(routine: string, info: unknown, build: () => (c: CollContext, nb: Neighborhood) => Schedule<unknown>): Prequest {
    const nb = this.neighborhood(routine);
    const h = this.handle(routine);
    infoArg(routine, info);
    build();
    const rounds = intraRounds(runtime.transport, h);
    const start = (): Operation => {
      const algorithm = build();
      return rounds.start((c) => algorithm(c, nb)) as CollectiveOp<unknown>;
    };
    return Prequest.persistent(start, Kind.Collective, routine);
  }

  /**
   * Send `sendobj` to every destination and collect one object from each
   * source, in neighbour order (null for PROC_NULL neighbours): mpi4py
   * `neighbor_allgather`.
   */
  neighbor_allgather<T = unknown>(sendobj: T): (T | null)[] {
    let bytes: Uint8Array;
    try { bytes = messageCodec().dumps(sendobj).slice(); } catch (e) { throw new TypeError(`neighbor_allgather: ${(e as Error).message}`); }
    return this.#run('neighbor_allgather', (c, nb) => objectExchange(c, nb, () => bytes)) as (T | null)[];
  }

  /**
   * Send item j of `sendobj` to destination j and receive one object from
   * each source (null for PROC_NULL neighbours): mpi4py `neighbor_alltoall`.
   */
  neighbor_alltoall<T = unknown>(sendobj: readonly T[]): (T | null)[] {
    const nb = this.neighborhood('neighbor_alltoall');
    const items = objectItems('neighbor_alltoall', 'sendobj', sendobj, nb.destinations.length);
    let payloads: Uint8Array[];
    try { payloads = items.map((x) => messageCodec().dumps(x).slice()); } catch (e) { throw new TypeError(`neighbor_alltoall: ${(e as Error).message}`); }
    return this.#run('neighbor_alltoall', (c, n) => objectExchange(c, n, (j) => payloads[j]!)) as (T | null)[];
  }

  #allgatherArgs(routine: string, sendbuf: BufferSpec, recvbuf: VectorSpec | null, vector: boolean) {
    const nb = this.neighborhood(routine);
    try {
      const send = outgoing(parseBuffer(routine, 'sendbuf', sendbuf));
      const recv = neighborBlocks(routine, 'recvbuf', recvbuf, nb.sources.length, vector ? 'vector' : 'equal');
      // Blocks that differ from sendbuf are this rank's mismatch: it still
      // exchanges (its neighbours wait for it), then raises.
      const mismatch = !vector && recv.blocks.length > 0 && send.length !== recv.blocks[0]![1]
        ? new MpiFailure(ERR_TRUNCATE, `sendbuf has ${send.length} bytes, recvbuf blocks have ${recv.blocks[0]![1]}`) : null;
      return (c: CollContext, n: Neighborhood): Schedule<void> => (function* () {
        const recvs = yield* exchange(c, n, () => send, (i) => block(recv.bytes, recv.blocks[i]!));
        unpackReceived(recv, recvs);
        if (mismatch) throw mismatch;
      })();
    } catch (e) { raise(routine, e); }
  }

  /** Send one block to every destination, receive one block from each source: `MPI_Neighbor_allgather`. */
  Neighbor_allgather(sendbuf: BufferSpec, recvbuf: BufferSpec | null): void {
    this.#run('Neighbor_allgather', this.#allgatherArgs('Neighbor_allgather', sendbuf, recvbuf, false));
  }
  /** Start a neighbour allgather: `MPI_Ineighbor_allgather`. */
  Ineighbor_allgather(sendbuf: BufferSpec, recvbuf: BufferSpec | null): Request {
    return this.#start('Ineighbor_allgather', this.#allgatherArgs('Ineighbor_allgather', sendbuf, recvbuf, false));
  }
  /** Neighbour allgather into blocks of any size (recvbuf `[buf, counts, displs, datatype]`): `MPI_Neighbor_allgatherv`. */
  Neighbor_allgatherv(sendbuf: BufferSpec, recvbuf: VectorSpec | null): void {
    this.#run('Neighbor_allgatherv', this.#allgatherArgs('Neighbor_allgatherv', sendbuf, recvbuf, true));
  }
  /** Start a neighbour allgatherv: `MPI_Ineighbor_allgatherv`. */
  Ineighbor_allgatherv(sendbuf: BufferSpec, recvbuf: VectorSpec | null): Request {
    return this.#start('Ineighbor_allgatherv', this.#allgatherArgs('Ineighbor_allgatherv', sendbuf, recvbuf, true));
  }

  #alltoallArgs(routine: string, sendbuf: unknown, recvbuf: unknown, kind: BlockKind) {
    const nb = this.neighborhood(routine);
    try {
      const send = neighborBlocks(routine, 'sendbuf', sendbuf, nb.destinations.length, kind);
      const recv = neighborBlocks(routine, 'recvbuf', recvbuf, nb.sources.length, kind);
      send.pack?.();
      return (c: CollContext, n: Neighborhood): Schedule<void> => (function* () {
        const recvs = yield* exchange(c, n, (j) => block(send.bytes, send.blocks[j]!), (i) => block(recv.bytes, recv.blocks[i]!));
        unpackReceived(recv, recvs);
      })();
    } catch (e) { raise(routine, e); }
  }

  /** Send block j to destination j, receive block i from source i: `MPI_Neighbor_alltoall`. */
  Neighbor_alltoall(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null): void {
    this.#run('Neighbor_alltoall', this.#alltoallArgs('Neighbor_alltoall', sendbuf, recvbuf, 'equal'));
  }
  /** Start a neighbour all-to-all: `MPI_Ineighbor_alltoall`. */
  Ineighbor_alltoall(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null): Request {
    return this.#start('Ineighbor_alltoall', this.#alltoallArgs('Ineighbor_alltoall', sendbuf, recvbuf, 'equal'));
  }
  /** Neighbour all-to-all with blocks of any size: `MPI_Neighbor_alltoallv`. */
  Neighbor_alltoallv(sendbuf: VectorSpec | null, recvbuf: VectorSpec | null): void {
    this.#run('Neighbor_alltoallv', this.#alltoallArgs('Neighbor_alltoallv', sendbuf, recvbuf, 'vector'));
  }
  /** Start a neighbour all-to-all with blocks of any size: `MPI_Ineighbor_alltoallv`. */
  Ineighbor_alltoallv(sendbuf: VectorSpec | null, recvbuf: VectorSpec | null): Request {
    return this.#start('Ineighbor_alltoallv', this.#alltoallArgs('Ineighbor_alltoallv', sendbuf, recvbuf, 'vector'));
  }
  /**
   * Neighbour all-to-all with a count, byte displacement and datatype per
   * block (`[buf, counts, displs, datatypes]`, buf may be MPI.BOTTOM): `MPI_Neighbor_alltoallw`.
   */
  Neighbor_alltoallw(sendbuf: WBufferSpec, recvbuf: WBufferSpec): void {
    this.#run('Neighbor_alltoallw', this.#alltoallArgs('Neighbor_alltoallw', sendbuf, recvbuf, 'w'));
  }
  /** Start a neighbour all-to-all with general blocks: `MPI_Ineighbor_alltoallw`. */
  Ineighbor_alltoallw(sendbuf: WBufferSpec, recvbuf: WBufferSpec): Request {
    return this.#start('Ineighbor_alltoallw', this.#alltoallArgs('Ineighbor_alltoallw', sendbuf, recvbuf, 'w'));
  }

  /** A persistent neighbour allgather: `MPI_Neighbor_allgather_init`. */
  Neighbor_allgather_init(sendbuf: BufferSpec, recvbuf: BufferSpec | null, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Neighbor_allgather_init', sendbuf);
    recvbuf = pinSpec('Neighbor_allgather_init', recvbuf);
    return this.#persistent('Neighbor_allgather_init', info, () => this.#allgatherArgs('Neighbor_allgather_init', sendbuf, recvbuf, false));
  }
  /** A persistent neighbour allgatherv: `MPI_Neighbor_allgatherv_init`. */
  Neighbor_allgatherv_init(sendbuf: BufferSpec, recvbuf: VectorSpec | null, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Neighbor_allgatherv_init', sendbuf);
    recvbuf = pinSpec('Neighbor_allgatherv_init', recvbuf);
    return this.#persistent('Neighbor_allgatherv_init', info, () => this.#allgatherArgs('Neighbor_allgatherv_init', sendbuf, recvbuf, true));
  }
  /** A persistent neighbour all-to-all: `MPI_Neighbor_alltoall_init`. */
  Neighbor_alltoall_init(sendbuf: BufferSpec | null, recvbuf: BufferSpec | null, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Neighbor_alltoall_init', sendbuf);
    recvbuf = pinSpec('Neighbor_alltoall_init', recvbuf);
    return this.#persistent('Neighbor_alltoall_init', info, () => this.#alltoallArgs('Neighbor_alltoall_init', sendbuf, recvbuf, 'equal'));
  }
  /** A persistent neighbour all-to-all with blocks of any size: `MPI_Neighbor_alltoallv_init`. */
  Neighbor_alltoallv_init(sendbuf: VectorSpec | null, recvbuf: VectorSpec | null, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Neighbor_alltoallv_init', sendbuf);
    recvbuf = pinSpec('Neighbor_alltoallv_init', recvbuf);
    return this.#persistent('Neighbor_alltoallv_init', info, () => this.#alltoallArgs('Neighbor_alltoallv_init', sendbuf, recvbuf, 'vector'));
  }
  /** A persistent neighbour all-to-all with general blocks: `MPI_Neighbor_alltoallw_init`. */
  Neighbor_alltoallw_init(sendbuf: WBufferSpec, recvbuf: WBufferSpec, info: Info | null = null): Prequest {
    sendbuf = pinSpec('Neighbor_alltoallw_init', sendbuf) as WBufferSpec;
    recvbuf = pinSpec('Neighbor_alltoallw_init', recvbuf) as WBufferSpec;
    return this.#persistent('Neighbor_alltoallw_init', info, () => this.#alltoallArgs('Neighbor_alltoallw_init', sendbuf, recvbuf, 'w'));
  }
}

// ---- Cartesian ---------------------------------------------------------------------------

/**
 * A communicator on a Cartesian grid (`MPI_Cart_create`), ranks in row-major
 * order of the coordinates (mpi4py `Cartcomm`).
 */
export class Cartcomm extends Topocomm {
  readonly #dims: readonly number[];
  readonly #periods: readonly boolean[];
  #coords: readonly number[] | null = null;
  #nb: Neighborhood | null = null;

  /** @internal Cartesian communicators come from `Create_cart`, `Sub` and `Dup`. */
  constructor(handle: CommHandle | Comm | null = null, dims: readonly number[] = [], periods: readonly boolean[] = []) {
    super(handle, handle === null ? 'MPI_COMM_NULL' : '');
    // new MPI.Cartcomm(cart): the same grid.
    const from = handle instanceof Cartcomm && !handle.isNull ? handle : null;
    this.#dims = from ? from.#dims : dims;
    this.#periods = from ? from.#periods : periods;
  }

  #myCoords(routine: string): readonly number[] {
    const h = this.handle(routine);
    return (this.#coords ??= topo.cartCoords(h.rank, this.#dims));
  }

  /** @internal */
  protected override neighborhood(routine: string): Neighborhood {
    const coords = this.#myCoords(routine);
    if (this.#nb === null) {
      const ranks = topo.cartNeighbors(coords, this.#dims, this.#periods);
      this.#nb = { sources: ranks, destinations: ranks, sendOrder: topo.cartSendOrder(this.#dims.length) };
    }
    return this.#nb;
  }

  /** CART: `MPI_Topo_test`. */
  override Get_topology(): number { this.handle('Get_topology'); return CART; }

  /** Number of dimensions: `MPI_Cartdim_get`. */
  Get_dim(): number { this.handle('Get_dim'); return this.#dims.length; }
  /** Number of dimensions, as Get_dim (mpi4py property `dim`). */
  get dim(): number { return this.Get_dim(); }
  /** Number of dimensions, as Get_dim (mpi4py property `ndim`). */
  get ndim(): number { return this.Get_dim(); }

  /** [dims, periods, coords of this process]: `MPI_Cart_get`. */
  Get_topo(): [number[], boolean[], number[]] {
    const coords = this.#myCoords('Get_topo');
    return [[...this.#dims], [...this.#periods], [...coords]];
  }
  /** As Get_topo: [dims, periods, coords] (mpi4py property `topo`). */
  get topo(): [number[], boolean[], number[]] { return this.Get_topo(); }
  /** Extent of each dimension (mpi4py property `dims`). */
  get dims(): number[] { this.handle('dims'); return [...this.#dims]; }
  /** Whether each dimension is periodic (mpi4py property `periods`). */
  get periods(): boolean[] { this.handle('periods'); return [...this.#periods]; }
  /** This process's coordinates, as Get_coords(rank) (mpi4py property `coords`). */
  get coords(): number[] { return [...this.#myCoords('coords')]; }

  /** Coordinates of `rank`: `MPI_Cart_coords`. */
  Get_coords(rank: number): number[] {
    const h = this.handle('Get_coords');
    const r = checkInt('Get_coords', 'rank', rank);
    if (r < 0 || r >= h.size) fail('Get_coords', ERR_RANK, `rank ${r} is not in the grid (size ${h.size})`);
    return topo.cartCoords(r, this.#dims);
  }

  /**
   * Rank at `coords`: `MPI_Cart_rank`. Coordinates wrap on periodic
   * dimensions; outside a non-periodic one is an error (ERR_RANK).
   */
  Get_cart_rank(coords: readonly number[]): number {
    this.handle('Get_cart_rank');
    const c = intList('Get_cart_rank', 'coords', coords);
    if (c.length !== this.#dims.length) {
      fail('Get_cart_rank', ERR_DIMS, `coords has ${c.length} entries, the grid has ${this.#dims.length} dimension(s)`);
    }
    const r = topo.cartRank(c, this.#dims, this.#periods);
    if (r === null) {
      const i = c.findIndex((x, k) => topo.wrapCoord(x, this.#dims[k]!, this.#periods[k]!) === null);
      fail('Get_cart_rank', ERR_RANK, `coords[${i}] = ${c[i]} is outside non-periodic dimension ${i} of size ${this.#dims[i]}`);
    }
    return r;
  }

  /**
   * `[source, dest]`: the ranks `disp` steps back and forward along dimension
   * `direction` (PROC_NULL past a non-periodic edge): `MPI_Cart_shift`.
   */
  Shift(direction: number, disp: number): [number, number] {
    const coords = this.#myCoords('Shift');
    const d = checkInt('Shift', 'direction', direction);
    const s = checkInt('Shift', 'disp', disp);
    if (d < 0 || d >= this.#dims.length) {
      fail('Shift', ERR_DIMS, `direction ${d} is not a dimension of the grid (0 to ${this.#dims.length - 1})`);
    }
    return topo.cartShift(coords, this.#dims, this.#periods, d, s);
  }

  /**
   * The sub-grids keeping the dimensions where `remain_dims` is true, one
   * per value of the other coordinates (collective): `MPI_Cart_sub`.
   */
  Sub(remain_dims: readonly boolean[]): Cartcomm {
    const coords = this.#myCoords('Sub');
    const remain = boolList('Sub', 'remain_dims', remain_dims, this.#dims.length, null);
    const { color, keep } = topo.cartSub(coords, this.#dims, remain);
    const h = construct('Sub', this, (c, parent) => commcoll.split(c, parent, color, parent.rank, UNDEFINED));
    return new Cartcomm(h, keep.map((i) => this.#dims[i]!), keep.map((i) => this.#periods[i]!));
  }

  /** A Cartesian communicator with the same grid and a new context: `MPI_Comm_dup`. */
  override Dup(info: Info | null = null): Cartcomm {
    return new Cartcomm(dupHandle('Dup', this), this.#dims, this.#periods).adoptDup('Dup', this, info);
  }
  override Clone(): Cartcomm { return this.Dup(); }
  /** @internal Idup's result keeps the topology. */
  override idupShell(): Cartcomm {
    const c = new Cartcomm(null, this.#dims, this.#periods);
    c.Set_name('');
    return c;
  }

  /** A readable form, `<MPI.Cartcomm name>`. */
  override toString(): string { return `<MPI.Cartcomm ${this.name}>`; }
}

// ---- graphs ----------------------------------------------------------------------------------

/** A communicator with a graph topology (`MPI_Graph_create`; mpi4py `Graphcomm`). */
export class Graphcomm extends Topocomm {
  readonly #index: readonly number[];
  readonly #edges: readonly number[];
  #nb: Neighborhood | null = null;

  /** @internal Graph communicators come from `Create_graph` and `Dup`. `index` in MPI's form. */
  constructor(handle: CommHandle | Comm | null = null, index: readonly number[] = [], edges: readonly number[] = []) {
    super(handle, handle === null ? 'MPI_COMM_NULL' : '');
    const from = handle instanceof Graphcomm && !handle.isNull ? handle : null;
    this.#index = from ? from.#index : index;
    this.#edges = from ? from.#edges : edges;
  }

  /** @internal */
  protected override neighborhood(routine: string): Neighborhood {
    const h = this.handle(routine);
    if (this.#nb === null) {
      const ranks = topo.graphNeighbors(this.#index, this.#edges, h.rank);
      this.#nb = { sources: ranks, destinations: ranks, sendOrder: identity(ranks.length) };
    }
    return this.#nb;
  }

  /** GRAPH: `MPI_Topo_test`. */
  override Get_topology(): number { this.handle('Get_topology'); return GRAPH; }

  /** [nnodes, nedges]: `MPI_Graphdims_get`. */
  Get_dims(): [number, number] { this.handle('Get_dims'); return [this.#index.length, this.#edges.length]; }
  /** As Get_dims: [nnodes, nedges] (mpi4py property `dims`). */
  get dims(): [number, number] { return this.Get_dims(); }
  /** Number of nodes (mpi4py property `nnodes`). */
  get nnodes(): number { return this.Get_dims()[0]; }
  /** Number of edges (mpi4py property `nedges`). */
  get nedges(): number { return this.Get_dims()[1]; }

  /** [index, edges] (index in MPI's form: index[i] counts the edges of nodes 0..i): `MPI_Graph_get`. */
  Get_topo(): [number[], number[]] { this.handle('Get_topo'); return [[...this.#index], [...this.#edges]]; }
  /** As Get_topo: [index, edges] (mpi4py property `topo`). */
  get topo(): [number[], number[]] { return this.Get_topo(); }
  /** The index array of Get_topo (mpi4py property `index`). */
  get index(): number[] { return this.Get_topo()[0]; }
  /** The edges array of Get_topo (mpi4py property `edges`). */
  get edges(): number[] { return this.Get_topo()[1]; }

  #node(routine: string, rank: unknown): number {
    this.handle(routine);
    const r = checkInt(routine, 'rank', rank);
    if (r < 0 || r >= this.#index.length) fail(routine, ERR_RANK, `rank ${r} is not a node of the graph (0 to ${this.#index.length - 1})`);
    return r;
  }
  /** Number of neighbours of `rank`: `MPI_Graph_neighbors_count`. */
  Get_neighbors_count(rank: number): number {
    return topo.graphNeighbors(this.#index, this.#edges, this.#node('Get_neighbors_count', rank)).length;
  }
  /** Neighbours of `rank`: `MPI_Graph_neighbors`. */
  Get_neighbors(rank: number): number[] {
    return topo.graphNeighbors(this.#index, this.#edges, this.#node('Get_neighbors', rank));
  }
  /** Number of neighbours of this process. */
  get nneighbors(): number { return this.Get_neighbors_count(this.rank); }
  /** Neighbours of this process. */
  get neighbors(): number[] { return this.Get_neighbors(this.rank); }

  /** A graph communicator with the same graph and a new context: `MPI_Comm_dup`. */
  override Dup(info: Info | null = null): Graphcomm {
    return new Graphcomm(dupHandle('Dup', this), this.#index, this.#edges).adoptDup('Dup', this, info);
  }
  override Clone(): Graphcomm { return this.Dup(); }
  /** @internal Idup's result keeps the topology. */
  override idupShell(): Graphcomm {
    const c = new Graphcomm(null, this.#index, this.#edges);
    c.Set_name('');
    return c;
  }

  /** A readable form, `<MPI.Graphcomm name>`. */
  override toString(): string { return `<MPI.Graphcomm ${this.name}>`; }
}

/**
 * A communicator with a distributed graph topology, each process knowing
 * its own edges (`MPI_Dist_graph_create_adjacent`; mpi4py `Distgraphcomm`).
 */
export class Distgraphcomm extends Topocomm {
  readonly #nb: Neighborhood;
  readonly #sw: readonly number[] | null;
  readonly #dw: readonly number[] | null;

  /** @internal Distributed graph communicators come from `Create_dist_graph(_adjacent)` and `Dup`. */
  constructor(handle: CommHandle | Comm | null = null, sources: readonly number[] = [], destinations: readonly number[] = [],
    sourceweights: readonly number[] | null = null, destweights: readonly number[] | null = null) {
    super(handle, handle === null ? 'MPI_COMM_NULL' : '');
    const from = handle instanceof Distgraphcomm && !handle.isNull ? handle : null;
    this.#nb = from ? from.#nb : { sources, destinations, sendOrder: identity(destinations.length) };
    this.#sw = from ? from.#sw : sourceweights;
    this.#dw = from ? from.#dw : destweights;
  }

  /** @internal */
  protected override neighborhood(routine: string): Neighborhood {
    this.handle(routine);
    const bad = /eighbor_/.test(routine) ? inconsistentGraphs.get(this) : undefined;
    if (bad !== undefined) fail(routine, ERR_TOPOLOGY, bad);
    return this.#nb;
  }

  /** DIST_GRAPH: `MPI_Topo_test`. */
  override Get_topology(): number { this.handle('Get_topology'); return DIST_GRAPH; }

  /** [indegree, outdegree, weighted]: `MPI_Dist_graph_neighbors_count`. */
  Get_dist_neighbors_count(): [number, number, boolean] {
    this.handle('Get_dist_neighbors_count');
    return [this.#nb.sources.length, this.#nb.destinations.length, this.#sw !== null];
  }

  /**
   * `[sources, destinations, weights]`: weights is [sourceweights,
   * destweights], or null when the graph is unweighted: `MPI_Dist_graph_neighbors`.
   */
  Get_dist_neighbors(): [number[], number[], [number[], number[]] | null] {
    this.handle('Get_dist_neighbors');
    const w: [number[], number[]] | null = this.#sw === null ? null : [[...this.#sw], [...this.#dw!]];
    return [[...this.#nb.sources], [...this.#nb.destinations], w];
  }

  /** A distributed graph communicator with the same edges and a new context: `MPI_Comm_dup`. */
  override Dup(info: Info | null = null): Distgraphcomm {
    const g = new Distgraphcomm(dupHandle('Dup', this), this.#nb.sources, this.#nb.destinations, this.#sw, this.#dw).adoptDup('Dup', this, info);
    const bad = inconsistentGraphs.get(this);
    if (bad !== undefined) inconsistentGraphs.set(g, bad);
    return g;
  }
  override Clone(): Distgraphcomm { return this.Dup(); }
  /** @internal Idup's result keeps the topology. */
  override idupShell(): Distgraphcomm {
    const c = new Distgraphcomm(null, this.#nb.sources, this.#nb.destinations, this.#sw, this.#dw);
    c.Set_name('');
    return c;
  }

  /** A readable form, `<MPI.Distgraphcomm name>`. */
  override toString(): string { return `<MPI.Distgraphcomm ${this.name}>`; }
}

Intracomm.topologies = {
  cart: createCart,
  graph: createGraph,
  distGraphAdjacent: createDistGraphAdjacent,
  distGraph: createDistGraph,
  cartMap,
  graphMap,
};

// COMM_NULL (what Create_cart gives ranks beyond the grid) answers the
// topology classes' methods with ERR_COMM, as its other methods.
for (const cls of [Topocomm, Cartcomm, Graphcomm, Distgraphcomm]) nullMethodsOf(cls.prototype);
