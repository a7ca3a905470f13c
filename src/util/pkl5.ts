/**
 * `mpi4ts/util/pkl5` (mpi4py's `mpi4py.util.pkl5`): object messages sent
 * as a header of sizes followed by the serialised bytes and out-of-band
 * buffers as separate buffer messages, so no single message carries a
 * count the library cannot represent. Communicator classes whose object
 * methods (`send`, `recv`, `bcast`, ...) work so, their `Request` and
 * `Message`. Built on the public API only, as mpi4py's pkl5.py.
 *
 * mpi4py serialises with `Pickle.dumps_oob`; mpi4ts's object codec has no
 * 2 GiB limit of its own, the message protocol is what this module keeps.
 * Python's `_comm_lock` is not needed: a rank's blocking calls run to their
 * end on one thread, so two of this rank's messages never interleave.
 */
import { MPI } from '../index.js';

/** Serialisation used by this module (mpi4py's `pkl5.pickle`, a Pickle of its own). */
export const pickle: MPI.Pickle = new MPI.Pickle();

/** mpi4py's `pkl5.Pickle`: the class of `pickle`. */
export const Pickle = MPI.Pickle;
/** The type of a Pickle (mpi4py's `pkl5.Pickle`). */
export type Pickle = MPI.Pickle;

/**
 * Large counts (mpi4py's `_BigMPI`): a buffer longer than `blocksize` bytes
 * goes as one element of a contiguous datatype of its length, freed after
 * the call that used it.
 */
export class BigMPI {
  /** Largest count sent as bytes: the library's count limit (MPI 4: large counts; MPI 3: 2^31-1). */
  blocksize: number = MPI.Get_version()[0] >= 4 ? Number.MAX_SAFE_INTEGER : 2 ** 31 - 1;
  #cache = new Map<number, MPI.Datatype>();

  /** The buffer spec for `buf`: `[buf, count, BYTE]`, or `[buf, 1, contiguous type]` above blocksize. */
  spec(buf: Uint8Array): [Uint8Array, number, MPI.Datatype] {
    const count = buf.byteLength;
    if (count <= this.blocksize) return [buf, count, MPI.BYTE];
    let type = this.#cache.get(count);
    if (type === undefined) {
      type = MPI.BYTE.Create_contiguous(count).Commit();
      this.#cache.set(count, type);
    }
    return [buf, 1, type];
  }

  /** Free the datatypes made since the last call (mpi4py's `__exit__`). */
  release(): void {
    for (const type of this.#cache.values()) type.Free();
    this.#cache.clear();
  }
}

/** The BigMPI this module uses (mpi4py's `pkl5._bigmpi`; tests lower its blocksize). */
export const bigmpi: BigMPI = new BigMPI();

function withBig<T>(f: (big: BigMPI) => T): T {
  try { return f(bigmpi); } finally { bigmpi.release(); }
}

// ---- the header: sizes of the data and of each out-of-band buffer (int64) ----

const INFO_TYPE = (): MPI.Datatype => MPI.INT64_T;

function infoPack(info: readonly number[]): BigInt64Array {
  return BigInt64Array.from(info, (n) => BigInt(n));
}

function infoUnpack(info: BigInt64Array): number[] {
  return Array.from(info, (n) => Number(n));
}

function bytes(b: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return new Uint8Array(b);
}

type Data = [Uint8Array, Uint8Array[]];

function dumps(obj: unknown): Data {
  const [data, bufs] = pickle.dumps_oob(obj);
  return [bytes(data), bufs.map(bytes)];
}

function loads([data, bufs]: Data): unknown {
  return pickle.loads_oob(data, bufs);
}

/** Sends or starts a send of one buffer spec (a blocking or non-blocking form of Send). */
type SendFn = (comm: MPI.Comm, buf: MPI.BufferSpec, dest: number, tag: number) => void;
type RecvFn = (comm: MPI.Comm, buf: MPI.BufferSpec, source: number, tag: number) => void;

const EMPTY = new Uint8Array(0);

function sendRaw(comm: MPI.Comm, send: SendFn, [data, bufs]: Data, dest: number, tag: number): void {
  const info = [data.byteLength, ...bufs.map((b) => b.byteLength)];
  send(comm, [infoPack(info), INFO_TYPE()], dest, tag);
  withBig((big) => {
    send(comm, big.spec(data), dest, tag);
    for (const b of bufs) send(comm, big.spec(b), dest, tag);
  });
}

function sendObj(comm: MPI.Comm, send: SendFn, obj: unknown, dest: number, tag: number): void {
  if (dest === MPI.PROC_NULL) {
    send(comm, [EMPTY, 0, MPI.BYTE], dest, tag);
    return;
  }
  sendRaw(comm, send, dumps(obj), dest, tag);
}

function isendObj(comm: MPI.Comm, isend: (c: MPI.Comm, buf: MPI.BufferSpec, d: number, t: number) => MPI.Request,
  obj: unknown, dest: number, tag: number): Request {
  const reqs: MPI.Request[] = [];
  sendObj(comm, (c, buf, d, t) => { reqs.push(isend(c, buf, d, t)); }, obj, dest, tag);
  return new Request(reqs);
}

function recvRaw(comm: MPI.Comm, recv: RecvFn, source: number, tag: number, status: MPI.Status | null = null): Data {
  status ??= new MPI.Status();
  comm.Probe(source, tag, status);
  source = status.Get_source();
  tag = status.Get_tag();
  const infosize = status.Get_elements(INFO_TYPE());
  const raw = new BigInt64Array(infosize);
  comm.Recv([raw, INFO_TYPE()], source, tag, status);
  const info = infoUnpack(raw);
  const data = new Uint8Array(info[0]!);
  const bufs = info.slice(1).map((n) => new Uint8Array(n));
  withBig((big) => {
    recv(comm, big.spec(data), source, tag);
    for (const b of bufs) recv(comm, big.spec(b), source, tag);
  });
  status.Set_elements(MPI.BYTE, info.reduce((a, b) => a + b, 0));
  return [data, bufs];
}

const blockingRecv: RecvFn = (c, buf, s, t) => { c.Recv(buf, s, t); };

function recvObj(comm: MPI.Comm, source: number, tag: number, status: MPI.Status | null | undefined): unknown {
  if (source === MPI.PROC_NULL) {
    comm.Recv([EMPTY, 0, MPI.BYTE], source, tag, status);
    return null;
  }
  return loads(recvRaw(comm, blockingRecv, source, tag, status ?? null));
}

function mprobeObj(comm: MPI.Comm, blocking: boolean, source: number, tag: number, status: MPI.Status | null | undefined): Message | null {
  if (source === MPI.PROC_NULL) return new Message([comm.Mprobe(source, tag, status)]);
  const st = status ?? new MPI.Status();
  const first = blocking ? comm.Mprobe(source, tag, st) : comm.Improbe(source, tag, st);
  if (first === null) return null;
  const message = [first];
  source = st.Get_source();
  tag = st.Get_tag();
  const infosize = st.Get_elements(INFO_TYPE());
  let numbytes = 0;
  for (let i = 0; i < infosize; i++) {
    message.push(comm.Mprobe(source, tag, st));
    numbytes += st.Get_elements(MPI.BYTE);
  }
  st.Set_elements(MPI.BYTE, numbytes);
  return new Message(message);
}

type MrecvFn = (msg: MPI.Message, buf: MPI.BufferSpec) => void;

function mrecvInfo(msg: MPI.Message, size: number, status: MPI.Status | null | undefined): number[] {
  const raw = new BigInt64Array(size);
  msg.Recv([raw, INFO_TYPE()], status);
  return infoUnpack(raw);
}

function mrecvData(message: readonly MPI.Message[], mrecv: MrecvFn, status: MPI.Status | null | undefined): Data {
  if (message[0]!.equals(MPI.MESSAGE_NO_PROC)) {
    mrecvInfo(message[0]!, 0, status);
    mrecv(MPI.MESSAGE_NO_PROC, [EMPTY, 0, MPI.BYTE]);
    return dumps(null);
  }
  const info = mrecvInfo(message[0]!, message.length - 1, status);
  const data = new Uint8Array(info[0]!);
  const bufs = info.slice(1).map((n) => new Uint8Array(n));
  withBig((big) => {
    mrecv(message[1]!, big.spec(data));
    bufs.forEach((b, i) => mrecv(message[i + 2]!, big.spec(b)));
  });
  status?.Set_elements(MPI.BYTE, info.reduce((a, b) => a + b, 0));
  return [data, bufs];
}

// ---- collectives: a duplicate communicator and a tag per call, as mpi4py's _commctx ----

interface Context { comm: MPI.Comm; tag: number; local: MPI.Intracomm | null }

/**
 * The attribute key under which a communicator keeps its context, as mpi4py
 * keeps its _commctx: freeing the communicator frees the duplicate (and the
 * local intracommunicator), and a Dup starts without one (no copy_fn).
 */
let contextKey: number | null = null;

function contextOf(comm: MPI.Comm, make: () => Context): Context {
  contextKey ??= MPI.Comm.Create_keyval(null, (_comm: MPI.Comm, _key: number, ctx: Context) => {
    ctx.comm.Free();
    ctx.local?.Free();
  });
  let ctx = comm.Get_attr(contextKey) as Context | null | undefined;
  if (ctx === null || ctx === undefined) {
    ctx = make();
    comm.Set_attr(contextKey, ctx);
  }
  return ctx;
}

function nextTag(ctx: { tag: number }): number {
  const tag = ctx.tag;
  ctx.tag = tag >= (MPI.COMM_WORLD.Get_attr(MPI.TAG_UB) as number) ? 0 : tag + 1;
  return tag;
}

/**
 * `dup` as an object of MPI's own class: Dup keeps the caller's class (as
 * mpi4py's does), and the private duplicate must not be a pkl5 communicator,
 * whose collectives would ask for a duplicate of their own, without end.
 */
function plain<T extends MPI.Comm>(dup: T, kind: abstract new (...a: never[]) => T): T {
  Object.setPrototypeOf(dup, kind.prototype);
  return dup;
}

/** The duplicate (made collectively on first use) and this call's tag: mpi4py's `_commctx_intra`. */
function commctxIntra(comm: MPI.Intracomm): [MPI.Intracomm, number] {
  const ctx = contextOf(comm, () => ({ comm: plain(MPI.Intracomm.prototype.Dup.call(comm), MPI.Intracomm), tag: 0, local: null }));
  return [ctx.comm as MPI.Intracomm, nextTag(ctx)];
}

/** The duplicate, this call's tag and an intracommunicator of the local group: mpi4py's `_commctx_inter`. */
function commctxInter(comm: MPI.Intercomm): [MPI.Intercomm, number, MPI.Intracomm] {
  const ctx = contextOf(comm, () => {
    const dup = plain(MPI.Intercomm.prototype.Dup.call(comm), MPI.Intercomm);
    const merged = dup.Merge(false);
    // The two groups are disjoint, so the lowest merged rank of the other
    // group differs between them: a colour both sides compute alike.
    const remote = dup.allgather(merged.Get_rank()) as number[];
    const local = merged.Split(Math.min(...remote), dup.Get_rank());
    merged.Free();
    return { comm: dup, tag: 0, local };
  });
  return [ctx.comm as MPI.Intercomm, nextTag(ctx), ctx.local!];
}

function rootError(comm: MPI.Comm, routine: string, root: number): never {
  comm.Call_errhandler(MPI.ERR_ROOT);
  throw new MPI.Exception(MPI.ERR_ROOT, `${routine}: invalid root ${root}`);
}

function bcastIntraRaw(comm: MPI.Intracomm, [data, bufs]: Data, root: number): Data {
  if (comm.Get_rank() === root) {
    const info = [data.byteLength, ...bufs.map((b) => b.byteLength)];
    comm.Bcast([infoPack([info.length]), INFO_TYPE()], root);
    comm.Bcast([infoPack(info), INFO_TYPE()], root);
  } else {
    const size = new BigInt64Array(1);
    comm.Bcast([size, INFO_TYPE()], root);
    const raw = new BigInt64Array(Number(size[0]));
    comm.Bcast([raw, INFO_TYPE()], root);
    const info = infoUnpack(raw);
    data = new Uint8Array(info[0]!);
    bufs = info.slice(1).map((n) => new Uint8Array(n));
  }
  withBig((big) => {
    comm.Bcast(big.spec(data), root);
    for (const b of bufs) comm.Bcast(big.spec(b), root);
  });
  return [data, bufs];
}

function bcastObj(comm: MPI.Comm, obj: unknown, root: number): unknown {
  if (!comm.Is_inter()) {
    const intra = comm as MPI.Intracomm;
    const data = dumps(intra.Get_rank() === root ? obj : null);
    return loads(bcastIntraRaw(intra, data, root));
  }
  const inter = comm as MPI.Intercomm;
  const rank = inter.Get_rank();
  const size = inter.Get_remote_size();
  const [dup, tag, local] = commctxInter(inter);
  if (root === MPI.PROC_NULL) return null;
  if (root === MPI.ROOT) {
    sendRaw(dup, (c, b, d, t) => c.Send(b, d, t), dumps(obj), 0, tag);
    return null;
  }
  if (Number.isInteger(root) && root >= 0 && root < size) {
    const data = rank === 0 ? recvRaw(dup, blockingRecv, root, tag) : dumps(null);
    return loads(bcastIntraRaw(local, data, 0));
  }
  return rootError(comm, 'bcast', root);
}

/** Point-to-point backend of the rooted collectives: sends started, receives blocking. */
function p2pBackend(): [MPI.Request[], SendFn, RecvFn] {
  const reqs: MPI.Request[] = [];
  return [reqs, (c, b, d, t) => { reqs.push(c.Isend(b, d, t)); }, blockingRecv];
}

/** [communicator, tag, peers] of a collective: the duplicate, its tag, the (remote) group size. */
function collContext(comm: MPI.Comm): [MPI.Comm, number, number] {
  if (comm.Is_inter()) {
    const [dup, tag] = commctxInter(comm as MPI.Intercomm);
    return [dup, tag, dup.Get_remote_size()];
  }
  const [dup, tag] = commctxIntra(comm as MPI.Intracomm);
  return [dup, tag, dup.Get_size()];
}

/** Which of send/receive a rank does in a rooted collective; ERR_ROOT for a bad root. */
function rootedRoles(comm: MPI.Comm, routine: string, root: number, size: number, toRoot: boolean): [boolean, boolean] {
  if (comm.Is_inter()) {
    if (root === MPI.PROC_NULL) return [false, false];
    if (root === MPI.ROOT) return toRoot ? [false, true] : [true, false];
    if (Number.isInteger(root) && root >= 0 && root < size) return toRoot ? [true, false] : [false, true];
    return rootError(comm, routine, root);
  }
  if (!Number.isInteger(root) || root < 0 || root >= size) return rootError(comm, routine, root);
  const isRoot = root === comm.Get_rank();
  // Intracommunicator: everyone sends to the root (gather) or receives from it (scatter); the root does both.
  return toRoot ? [true, isRoot] : [isRoot, true];
}

function objectList(routine: string, objs: unknown, size: number): unknown[] {
  let list: unknown[];
  if (objs === null || objs === undefined) list = new Array<unknown>(size).fill(null);
  else if (Array.isArray(objs)) list = objs;
  else if (typeof objs === 'object' && Symbol.iterator in objs) list = [...(objs as Iterable<unknown>)];
  else throw new TypeError(`${routine}: expected a sequence of ${size} items, got ${typeof objs}`);
  if (list.length !== size) throw new RangeError(`${routine}: expecting ${size} items, got ${list.length}`);
  return list;
}

function gatherObj(comm: MPI.Comm, obj: unknown, root: number): unknown[] | null {
  const [reqs, send, recv] = p2pBackend();
  const [dup, tag, size] = collContext(comm);
  const [sending, receiving] = rootedRoles(comm, 'gather', root, size, true);
  if (sending) sendRaw(dup, send, dumps(obj), root, tag);
  let objs: unknown[] | null = null;
  if (receiving) {
    objs = [];
    for (let source = 0; source < size; source++) objs.push(loads(recvRaw(dup, recv, source, tag)));
  }
  if (sending) MPI.Request.Waitall(reqs);
  return objs;
}

function scatterObj(comm: MPI.Comm, objs: unknown, root: number): unknown {
  const [reqs, send, recv] = p2pBackend();
  const [dup, tag, size] = collContext(comm);
  const [sending, receiving] = rootedRoles(comm, 'scatter', root, size, false);
  if (sending) objectList('scatter', objs, size).forEach((o, dest) => sendRaw(dup, send, dumps(o), dest, tag));
  let obj: unknown = null;
  if (receiving) obj = loads(recvRaw(dup, recv, root, tag));
  if (sending) MPI.Request.Waitall(reqs);
  return obj;
}

function allgatherObj(comm: MPI.Comm, obj: unknown): unknown[] {
  const [reqs, send, recv] = p2pBackend();
  const [dup, tag, size] = collContext(comm);
  const data = dumps(obj);
  for (let dest = 0; dest < size; dest++) sendRaw(dup, send, data, dest, tag);
  const objs: unknown[] = [];
  for (let source = 0; source < size; source++) objs.push(loads(recvRaw(dup, recv, source, tag)));
  MPI.Request.Waitall(reqs);
  return objs;
}

function alltoallObj(comm: MPI.Comm, sendobj: unknown): unknown[] {
  const [reqs, send, recv] = p2pBackend();
  const [dup, tag, size] = collContext(comm);
  objectList('alltoall', sendobj, size).forEach((o, dest) => sendRaw(dup, send, dumps(o), dest, tag));
  const objs: unknown[] = [];
  for (let source = 0; source < size; source++) objs.push(loads(recvRaw(dup, recv, source, tag)));
  MPI.Request.Waitall(reqs);
  return objs;
}

// ---- Request and Message: several MPI handles acting as one ----

/** A pkl5 request: the requests of one object message's parts (mpi4py's `pkl5.Request`, a tuple). */
export class Request implements Iterable<MPI.Request> {
  /** The MPI requests, in message order. */
  readonly requests: readonly MPI.Request[];
  /** What an Irecv of a matched message receives into, turned into the object at completion. */
  #data: Data | null = null;

  /** A request of `request` (one MPI.Request or several); none: REQUEST_NULL. */
  constructor(request: MPI.Request | Iterable<MPI.Request> | null = null) {
    if (request === null || request === undefined) this.requests = [MPI.REQUEST_NULL];
    else if (request instanceof MPI.Request) this.requests = [request];
    else if (request instanceof Request) this.requests = request.requests;
    else this.requests = [...request];
  }

  /** @internal */
  static receiving(reqs: MPI.Request[], data: Data): Request {
    const r = new Request(reqs);
    r.#data = data;
    return r;
  }

  /** The MPI requests, in message order (mpi4py's pkl5.Request is a tuple of them). */
  [Symbol.iterator](): Iterator<MPI.Request> { return this.requests[Symbol.iterator](); }

  /** Number of MPI requests (Python's `len`). */
  get length(): number { return this.requests.length; }

  /** True when every part is null: mpi4py's `not request`. */
  get isNull(): boolean { return this.requests.every((r) => r.isNull); }

  /** mpi4py's `==`: the same parts (a pkl5 Request), or every part equal to `other` (an MPI.Request). */
  equals(other: unknown): boolean {
    if (other instanceof Request) {
      return other.requests.length === this.requests.length && this.requests.every((r, i) => r.equals(other.requests[i]));
    }
    if (other instanceof MPI.Request) return this.requests.every((r) => r.equals(other));
    return false;
  }

  /** Free every part: `MPI_Request_free`. */
  Free(): void { for (const r of this.requests) r.Free(); }
  /** Free every part that is not null (mpi4py's `free()`). */
  free(): void { for (const r of this.requests) r.free(); }
  /** Cancel every part: `MPI_Cancel`. */
  cancel(): void { for (const r of this.requests) r.Cancel(); }

  /** Whether every part completed, without completing them (`status`: the first part's). */
  get_status(status: MPI.Status | null = null): boolean {
    return this.requests.map((r, i) => r.Get_status(i === 0 ? status : null)).every(Boolean);
  }

  /** The object, once complete: [true, object] or [false, undefined] (a send's object is undefined). */
  test<T = unknown>(status: MPI.Status | null = null): [boolean, T | undefined] {
    const flag = MPI.Request.Testall(this.requests, status === null ? null : [status]);
    return flag ? [true, this.#load() as T] : [false, undefined];
  }

  /** Wait for completion and return the object (a send's is undefined). */
  wait<T = unknown>(status: MPI.Status | null = null): T {
    MPI.Request.Waitall(this.requests, status === null ? null : [status]);
    return this.#load() as T;
  }

  #load(): unknown {
    const data = this.#data;
    if (data === null) return undefined;
    if (this.isNull) this.#data = null;
    return loads(data);
  }

  /** Whether all requests completed, without completing them; `statuses` is extended to one per request. */
  static get_status_all(requests: readonly Request[], statuses: MPI.Status[] | null = null): boolean {
    if (statuses !== null) while (statuses.length < requests.length) statuses.push(new MPI.Status());
    return requests.map((r, i) => r.get_status(statuses?.[i] ?? null)).every(Boolean);
  }

  /** [true, objects] once all completed, else [false, undefined]. */
  static testall<T = unknown>(requests: readonly Request[], statuses: MPI.Status[] | null = null): [boolean, T[] | undefined] {
    return Request.#all(requests, statuses, (reqs, sts) => MPI.Request.Testall(reqs, sts)) as [boolean, T[] | undefined];
  }

  /** Wait for all and return their objects. */
  static waitall<T = unknown>(requests: readonly Request[], statuses: MPI.Status[] | null = null): T[] {
    return Request.#all(requests, statuses, (reqs, sts) => MPI.Request.Waitall(reqs, sts))[1] as T[];
  }

  static #all(requests: readonly Request[], statuses: MPI.Status[] | null,
    complete: (reqs: MPI.Request[], sts: MPI.Status[] | null) => boolean): [boolean, unknown[] | undefined] {
    if (statuses !== null) while (statuses.length < requests.length) statuses.push(new MPI.Status());
    const reqs = requests.flatMap((r) => [...r.requests]);
    const sts = statuses === null ? null : requests.flatMap((r, i) => r.requests.map(() => statuses[i]!));
    if (!complete(reqs, sts)) return [false, undefined];
    return [true, requests.map((r) => r.#load())];
  }
}

/** A pkl5 matched message: the matched parts of one object message (mpi4py's `pkl5.Message`). */
export class Message implements Iterable<MPI.Message> {
  /** The MPI messages, in order. */
  readonly messages: readonly MPI.Message[];

  /** A message of `message` (one MPI.Message or several); none: MESSAGE_NULL. */
  constructor(message: MPI.Message | Iterable<MPI.Message> | null = null) {
    if (message === null || message === undefined) this.messages = [MPI.MESSAGE_NULL];
    else if (message instanceof MPI.Message) this.messages = [message];
    else if (message instanceof Message) this.messages = message.messages;
    else this.messages = [...message];
  }

  /** The MPI messages, in order (mpi4py's pkl5.Message is a list of them). */
  [Symbol.iterator](): Iterator<MPI.Message> { return this.messages[Symbol.iterator](); }

  /** Number of MPI messages. */
  get length(): number { return this.messages.length; }

  /** True when every part is null (MESSAGE_NULL, or received): mpi4py's `not message`. */
  get isNull(): boolean { return this.messages.every((m) => m.isNull); }

  /** mpi4py's `==`: the same parts (a pkl5 Message), or every part equal to `other` (an MPI.Message). */
  equals(other: unknown): boolean {
    if (other instanceof Message) {
      return other.messages.length === this.messages.length && this.messages.every((m, i) => m.equals(other.messages[i]));
    }
    if (other instanceof MPI.Message) return this.messages.every((m) => m.equals(other));
    return false;
  }

  /** Make every part null (mpi4py's `free()`). */
  free(): void { for (const m of this.messages) m.free(); }

  /** Receive the object (blocking): `MPI_Mrecv` of each part. */
  recv<T = unknown>(status: MPI.Status | null = null): T {
    return loads(mrecvData(this.messages, (m, b) => m.Recv(b), status)) as T;
  }

  /** Start receiving the object: `MPI_Imrecv` of each part; the request's wait returns it. */
  irecv(): Request {
    const reqs: MPI.Request[] = [];
    const data = mrecvData(this.messages, (m, b) => { reqs.push(m.Irecv(b)); }, null);
    return Request.receiving(reqs, data);
  }

  /** Blocking matched probe of an object message on `comm`. */
  static probe(comm: MPI.Comm, source: number = MPI.ANY_SOURCE, tag: number = MPI.ANY_TAG, status: MPI.Status | null = null): Message {
    return mprobeObj(comm, true, source, tag, status)!;
  }

  /** Non-blocking matched probe of an object message on `comm`; null if none. */
  static iprobe(comm: MPI.Comm, source: number = MPI.ANY_SOURCE, tag: number = MPI.ANY_TAG, status: MPI.Status | null = null): Message | null {
    return mprobeObj(comm, false, source, tag, status);
  }
}

// ---- the communicators ----

/** The methods pkl5 communicators replace (their types differ from MPI.Comm's). */
type Replaced = 'send' | 'bsend' | 'ssend' | 'isend' | 'ibsend' | 'issend' | 'recv' | 'irecv' | 'sendrecv'
  | 'mprobe' | 'improbe' | 'bcast' | 'gather' | 'scatter' | 'allgather' | 'alltoall' | 'Dup' | 'Clone' | 'Dup_with_info';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type BaseOf<C> = new (...args: any[]) => Omit<C, Replaced>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withPkl5<B extends new (...args: any[]) => object>(Base: B) {
  return class extends Base {
    /** Send an object (blocking, standard mode): mpi4py `Comm.send`. */
    send(obj: unknown, dest: number, tag = 0): void {
      sendObj(self(this), (c, b, d, t) => c.Send(b, d, t), obj, dest, tag);
    }

    /** Send an object in buffered mode: mpi4py `Comm.bsend`. */
    bsend(obj: unknown, dest: number, tag = 0): void {
      sendObj(self(this), (c, b, d, t) => c.Bsend(b, d, t), obj, dest, tag);
    }

    /** Send an object in synchronous mode: mpi4py `Comm.ssend`. */
    ssend(obj: unknown, dest: number, tag = 0): void {
      MPI.Request.Waitall(isendObj(self(this), (c, b, d, t) => c.Issend(b, d, t), obj, dest, tag).requests);
    }

    /** Start sending an object: mpi4py `Comm.isend`. */
    isend(obj: unknown, dest: number, tag = 0): Request {
      return isendObj(self(this), (c, b, d, t) => c.Isend(b, d, t), obj, dest, tag);
    }

    /** Start sending an object in buffered mode: mpi4py `Comm.ibsend`. */
    ibsend(obj: unknown, dest: number, tag = 0): Request {
      return isendObj(self(this), (c, b, d, t) => c.Ibsend(b, d, t), obj, dest, tag);
    }

    /** Start sending an object in synchronous mode: mpi4py `Comm.issend`. */
    issend(obj: unknown, dest: number, tag = 0): Request {
      return isendObj(self(this), (c, b, d, t) => c.Issend(b, d, t), obj, dest, tag);
    }

    /** Receive an object (blocking): mpi4py `Comm.recv` (as mpi4ts's recv, without a buffer argument). */
    recv<T = unknown>(source: number = MPI.ANY_SOURCE, tag: number = MPI.ANY_TAG, status: MPI.Status | null = null): T {
      return recvObj(self(this), source, tag, status) as T;
    }

    /** Not supported, as in mpi4py (the size of the message is not known before it arrives): use mprobe + irecv. */
    irecv(_source: number = MPI.ANY_SOURCE, _tag: number = MPI.ANY_TAG): never {
      throw new Error('irecv: unsupported by pkl5 communicators (use mprobe(...).irecv())');
    }

    /** Send an object and receive one: mpi4py `Comm.sendrecv`. */
    sendrecv<T = unknown>(sendobj: unknown, dest: number, sendtag = 0, source: number = MPI.ANY_SOURCE,
      recvtag: number = MPI.ANY_TAG, status: MPI.Status | null = null): T {
      const comm = self(this);
      const sreq = isendObj(comm, (c, b, d, t) => c.Isend(b, d, t), sendobj, dest, sendtag);
      const robj = recvObj(comm, source, recvtag, status);
      MPI.Request.Waitall(sreq.requests);
      return robj as T;
    }

    /** Blocking matched probe of an object message: mpi4py `Comm.mprobe`. */
    mprobe(source: number = MPI.ANY_SOURCE, tag: number = MPI.ANY_TAG, status: MPI.Status | null = null): Message {
      return mprobeObj(self(this), true, source, tag, status)!;
    }

    /** Non-blocking matched probe of an object message (null if none): mpi4py `Comm.improbe`. */
    improbe(source: number = MPI.ANY_SOURCE, tag: number = MPI.ANY_TAG, status: MPI.Status | null = null): Message | null {
      return mprobeObj(self(this), false, source, tag, status);
    }

    /** Broadcast an object: mpi4py `Comm.bcast`. */
    bcast<T = unknown>(obj: T, root = 0): T {
      return bcastObj(self(this), obj, root) as T;
    }

    /** Gather objects to `root` (an array there, null elsewhere): mpi4py `Comm.gather`. */
    gather<T = unknown>(sendobj: T, root = 0): T[] | null {
      return gatherObj(self(this), sendobj, root) as T[] | null;
    }

    /** Scatter one object of `sendobj` (an iterable at `root`) to each rank: mpi4py `Comm.scatter`. */
    scatter<T = unknown>(sendobj: Iterable<T> | null, root = 0): T {
      return scatterObj(self(this), sendobj, root) as T;
    }

    /** Gather objects to every rank: mpi4py `Comm.allgather`. */
    allgather<T = unknown>(sendobj: T): T[] {
      return allgatherObj(self(this), sendobj) as T[];
    }

    /** Send one object of `sendobj` to each rank and receive one from each: mpi4py `Comm.alltoall`. */
    alltoall<T = unknown>(sendobj: Iterable<T> | null): T[] {
      return alltoallObj(self(this), sendobj) as T[];
    }
  };
}

function self(x: object): MPI.Comm { return x as MPI.Comm; }

/** A duplicate of an intra- or intercommunicator (MPI.Comm itself has no Dup). */
function dupOf(comm: object, info: MPI.Info | null): MPI.Comm {
  const c = self(comm);
  return c.Is_inter() ? MPI.Intercomm.prototype.Dup.call(c as MPI.Intercomm, info) : MPI.Intracomm.prototype.Dup.call(c as MPI.Intracomm, info);
}

// MPI.Comm's constructor types, with the replaced methods left out so the pkl5 forms can differ.
const CommBase = MPI.Comm as unknown as BaseOf<MPI.Comm>;
const IntracommBase = MPI.Intracomm as unknown as BaseOf<MPI.Intracomm>;
const IntercommBase = MPI.Intercomm as unknown as BaseOf<MPI.Intercomm>;

/** A communicator whose object messages go as pkl5 messages (mpi4py's `pkl5.Comm`); `new Comm(comm)` wraps `comm`'s handle. */
export class Comm extends withPkl5(CommBase) {
  /** Another object for `comm` (none: COMM_NULL), with pkl5 object messages. */
  constructor(comm: MPI.Comm | null = null) { super(comm); }

  /** pkl5 Intracomm and Intercomm are pkl5 Comms too, as in mpi4py. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    const is = Function.prototype[Symbol.hasInstance];
    return is.call(Comm, x) || is.call(Intracomm, x) || is.call(Intercomm, x);
  }

  /** A duplicate, itself a pkl5 communicator: `MPI_Comm_dup`. */
  Dup(info: MPI.Info | null = null): Comm { return new Comm(dupOf(this, info)); }
  /** Same as Dup (mpi4py `Clone`). */
  Clone(): Comm { return this.Dup(); }
  /** A duplicate with the hints of `info`: `MPI_Comm_dup_with_info`. */
  Dup_with_info(info: MPI.Info): Comm { return new Comm(dupOf(this, info)); }
}

/** An intracommunicator with pkl5 object messages (mpi4py's `pkl5.Intracomm`). */
export class Intracomm extends withPkl5(IntracommBase) {
  /** Another object for the intracommunicator `comm` (none: COMM_NULL), with pkl5 object messages. */
  constructor(comm: MPI.Comm | null = null) { super(comm); }

  /** A duplicate, itself a pkl5 intracommunicator: `MPI_Comm_dup`. */
  Dup(info: MPI.Info | null = null): Intracomm { return new Intracomm(MPI.Intracomm.prototype.Dup.call(this, info)); }
  /** Same as Dup (mpi4py `Clone`). */
  Clone(): Intracomm { return this.Dup(); }
  /** A duplicate with the hints of `info`: `MPI_Comm_dup_with_info`. */
  Dup_with_info(info: MPI.Info): Intracomm { return new Intracomm(MPI.Intracomm.prototype.Dup_with_info.call(this, info)); }
}

/** An intercommunicator with pkl5 object messages (mpi4py's `pkl5.Intercomm`). */
export class Intercomm extends withPkl5(IntercommBase) {
  /** Another object for the intercommunicator `comm` (none: COMM_NULL), with pkl5 object messages. */
  constructor(comm: MPI.Comm | null = null) { super(comm); }

  /** A duplicate, itself a pkl5 intercommunicator: `MPI_Comm_dup`. */
  Dup(info: MPI.Info | null = null): Intercomm { return new Intercomm(MPI.Intercomm.prototype.Dup.call(this, info)); }
  /** Same as Dup (mpi4py `Clone`). */
  Clone(): Intercomm { return this.Dup(); }
  /** A duplicate with the hints of `info`: `MPI_Comm_dup_with_info`. */
  Dup_with_info(info: MPI.Info): Intercomm { return new Intercomm(MPI.Intercomm.prototype.Dup_with_info.call(this, info)); }
}
