/**
 * `--trace out.json` (`MPI4TS_TRACE=<folder>`): the communication timeline.
 * Installed at start-up the way `--check` is (src/api/check.ts), by swapping
 * methods once, so that a run without the flag runs the very same code as
 * before and pays nothing, not even a branch: each public MPI method of the
 * communicator, request, message and file classes is wrapped to record one
 * call (routine, start, end, communicator, root; peer, tag and bytes from
 * the messages it moved), and the transport instance's point-to-point
 * entries (send, isend, recv, irecv, mprobe/improbe/imrecv) are wrapped to
 * record each message with its peer, tag and size. The transport's
 * `noteCall` hook was the other way in: it is an optional call at each use,
 * present only in the collective paths (every point-to-point path would
 * need one), and it sees calls, not the messages and their sizes; the swap
 * sees both and costs nothing when off.
 *
 * The records stay in this rank's memory and are written once, when the
 * rank's thread or process exits, as one part file in the folder; the
 * launcher merges the parts into the Trace Event file (src/core/tracefile.ts).
 * Messages on a collective shadow (the traffic of the collective
 * algorithms) count in the bytes of the call that moved them but are not
 * user messages: they are left out of the message records.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { CommHandle, Operation, MatchedMessage, Transport } from '../transport/spi.js';
import { TRACE_PART_VERSION, type CompactPart } from '../core/tracefile.js';
import { Comm, Intracomm, Intercomm } from './comm.js';
import { Topocomm, Cartcomm, Graphcomm, Distgraphcomm } from './topo.js';
import { Request, Prequest, Grequest } from './request.js';
import { Message } from './message.js';
import { File } from './file.js';

/** Whether `--trace` is on for this process: the folder its part goes to, or null. */
export function traceFolder(): string | null {
  return process.env['MPI4TS_TRACE'] || null;
}

/** Microseconds since the job's common time origin (the same clock on every rank). */
let clockOffset = 0;
const now = (): number => (clockOffset + performance.now()) * 1000;

/**
 * Records in typed columns, not objects: a long run keeps hundreds of
 * thousands of them, and objects that live that long are copied by every
 * young-generation collection they survive (measured: twice the cost per
 * call). Strings (routines, communicators) are numbered. Absent fields are NaN.
 */
class Records {
  #rows: Float64Array;
  #n = 0;
  constructor(readonly width: number) { this.#rows = new Float64Array(width * 4096); }
  get length(): number { return this.#n; }
  /** A new row: its first slot's index. */
  add(): number {
    if ((this.#n + 1) * this.width > this.#rows.length) {
      const more = new Float64Array(this.#rows.length * 2);
      more.set(this.#rows);
      this.#rows = more;
    }
    return this.width * this.#n++;
  }
  get rows(): Float64Array { return this.#rows; }
}
const strings: string[] = [];
const stringIds = new Map<string, number>();
function intern(x: string): number {
  let id = stringIds.get(x);
  if (id === undefined) { id = strings.length; strings.push(x); stringIds.set(x, id); }
  return id;
}
/** name, ts, dur, comm, peer, tag, root, bytes */
const calls = new Records(8);
function addCall(name: number, ts: number, dur: number, comm: number, peer: number, tag: number, root: number, bytes: number): void {
  const i = calls.add(), r = calls.rows;
  r[i] = name; r[i + 1] = ts; r[i + 2] = dur; r[i + 3] = comm; r[i + 4] = peer; r[i + 5] = tag; r[i + 6] = root; r[i + 7] = bytes;
}
/** send (1) or receive (0), ts, from, to, tag, bytes, comm */
const messages = new Records(7);
function addMessage(send: boolean, ts: number, from: number, to: number, tag: number, bytes: number, comm: number): void {
  const i = messages.add(), r = messages.rows;
  r[i] = send ? 1 : 0; r[i + 1] = ts; r[i + 2] = from; r[i + 3] = to; r[i + 4] = tag; r[i + 5] = bytes; r[i + 6] = comm;
}
const REQUEST_COMPLETED = intern('Request completed');
const NO_COMM = intern('');

/** The outermost public call running (calls made inside it are part of it), or null; its record is reused. */
let current: { peer: number; tag: number; bytes: number } | null = null;
const openCall = { peer: -1, tag: -1, bytes: 0 };

// ---- transport: the messages ----------------------------------------------------

/** Receives posted and not yet seen complete, with their communicator, to record each once it is. */
const pendingReceives = new Map<Operation, CommHandle>();
let transportDepth = 0;

function installTransport(t: Transport): void {
  /** What the records need of a communicator, worked out at its first message. */
  interface CommInfo {
    /** A name all its members compute alike (interned); -1 for a collective shadow (not user messages). */
    readonly key: number;
    /** Process ids of the ranks messages name (the remote group of an intercommunicator). */
    readonly peers: Int32Array;
  }
  const infos = new WeakMap<CommHandle, CommInfo>();
  const info = (c: CommHandle): CommInfo => {
    let i = infos.get(c);
    if (i === undefined) {
      const remote = t.remoteGroup(c);
      let key = -1;
      if (t.collective(c) !== c) {
        const ctx = (c as { ctx?: unknown }).ctx;
        const local = Array.from(t.group(c)).join(',');
        // Both sides of an intercommunicator name it the same: the two groups in a fixed order.
        key = intern(typeof ctx === 'number' ? `ctx ${ctx}` : remote === null ? local : [local, Array.from(remote).join(',')].sort().join('|'));
      }
      i = { key, peers: remote ?? t.group(c) };
      infos.set(c, i);
    }
    return i;
  };
  const self = t.processId;

  const noteSent = (c: CommHandle, bytes: number, dest: number, tag: number, ts: number): void => {
    if (current !== null) {
      current.bytes += bytes;
      if (current.peer === -1) { current.peer = dest; current.tag = tag; }
    }
    const { key, peers } = info(c);
    if (key < 0 || dest < 0) return;
    addMessage(true, ts, self, peers[dest]!, tag, bytes, key);
  };
  const noteReceived = (op: Operation, c: CommHandle): void => {
    const s = op.status;
    if (s.cancelled || s.source < 0 || op.failure !== null) return;
    const bytes = op.messageBytes;
    if (current !== null) {
      current.bytes += bytes;
      if (current.peer === -1) { current.peer = s.source; current.tag = s.tag; }
    }
    const { key, peers } = info(c);
    if (key < 0) return;
    const ts = now();
    // Completed outside any call (an awaited request): a slice of its own for the arrow to end in.
    if (current === null) addCall(REQUEST_COMPLETED, ts, 0, NO_COMM, s.source, s.tag, NaN, bytes);
    addMessage(false, ts, peers[s.source]!, self, s.tag, bytes, key);
  };
  // Receives that completed since: looked for at the end of every public
  // call, and when an awaited operation resolves (not from a progress hook:
  // one would change how the transport waits, and cost at every step).
  const sweep = (): void => {
    for (const [op, c] of pendingReceives) {
      if (!op.done) continue;
      pendingReceives.delete(op);
      noteReceived(op, c);
    }
  };
  sweepReceives = sweep;
  const posted = (op: Operation, c: CommHandle): void => {
    if (op.done) noteReceived(op, c);
    else pendingReceives.set(op, c);
  };
  // Matched probes: the communicator is known at the probe, the message is received later.
  const probed = new WeakMap<MatchedMessage, CommHandle>();

  // Each entry runs the transport's own method and records at the outermost
  // level only (a transport's blocking send may call its isend: one message,
  // not two). A send is stamped when it starts, so that its arrow never
  // leaves after the receive it reaches ends.
  const send = t.send.bind(t), isend = t.isend.bind(t), recv = t.recv.bind(t), irecv = t.irecv.bind(t);
  const imrecv = t.imrecv.bind(t), mprobe = t.mprobe.bind(t), improbe = t.improbe.bind(t);
  t.send = (c, data, dest, tag, mode) => {
    if (transportDepth > 0) return send(c, data, dest, tag, mode);
    const ts = now();
    transportDepth++;
    try { send(c, data, dest, tag, mode); } finally { transportDepth--; }
    noteSent(c, data.byteLength, dest, tag, ts);
  };
  t.isend = (c, data, dest, tag, mode, borrowed) => {
    if (transportDepth > 0) return isend(c, data, dest, tag, mode, borrowed);
    const ts = now();
    transportDepth++;
    let op: Operation;
    try { op = isend(c, data, dest, tag, mode, borrowed); } finally { transportDepth--; }
    noteSent(c, data.byteLength, dest, tag, ts);
    return op;
  };
  const receiving = (run: (c: CommHandle, into: Uint8Array | null, source: number, tag: number) => Operation) =>
    (c: CommHandle, into: Uint8Array | null, source: number, tag: number): Operation => {
      if (transportDepth > 0) return run(c, into, source, tag);
      transportDepth++;
      let op: Operation;
      try { op = run(c, into, source, tag); } finally { transportDepth--; }
      posted(op, c);
      return op;
    };
  t.recv = receiving(recv);
  t.irecv = receiving(irecv);
  const waitAsync = t.waitAsync.bind(t);
  t.waitAsync = (op) => waitAsync(op).then(() => { if (pendingReceives.size > 0) sweep(); });
  t.mprobe = (c, source, tag) => { const m = mprobe(c, source, tag); probed.set(m, c); return m; };
  t.improbe = (c, source, tag) => { const m = improbe(c, source, tag); if (m !== null) probed.set(m, c); return m; };
  t.imrecv = (m, into) => {
    if (transportDepth > 0) return imrecv(m, into);
    transportDepth++;
    let op: Operation;
    try { op = imrecv(m, into); } finally { transportDepth--; }
    const c = probed.get(m);
    if (c !== undefined) posted(op, c);
    return op;
  };
}

let sweepReceives: () => void = () => {};

// ---- the API: the calls -----------------------------------------------------------

/** Where the root is among a rooted collective's arguments. */
function rootIndex(name: string): number {
  if (/^i?(bcast|scatter|gather)$/.test(name) || /^I?Bcast(_init)?$/.test(name)) return 1;
  if (name === 'reduce' || /^I?(Gather|Gatherv|Scatter|Scatterv)(_init)?$/.test(name)) return 2;
  if (/^I?Reduce(_init)?$/.test(name)) return 3;
  return -1;
}

/** Methods that are not MPI calls (accessors of local state, helpers, the promise protocol). */
const NOT_CALLS = /^(constructor|then|catch|finally|handle|toString|valueOf|toJSON|py2f|f2py|Get_.*|Set_.*|Is_.*|Delete_attr|Call_errhandler|Create_keyval|Free_keyval|Create_errhandler|Compare|equals|neighborhood)$|[a-z][A-Z]/;
/** Static methods that are MPI calls (others are the classes' own factories: `Request.make`, `Message.wrap`). */
const STATIC_CALLS = /^[A-Z]|^(wait|test)(all|any|some)$|^get_status_(all|any|some)$|^i?probe$/;

function commName(obj: unknown): string {
  if (obj instanceof Comm) {
    const name = obj.Get_name();
    if (name !== '') return name;
    try {
      const h = obj.handle('trace') as { ctx?: unknown; size: number };
      return typeof h.ctx === 'number' ? `comm ctx ${h.ctx}` : `comm of ${h.size}`;
    } catch { return 'MPI_COMM_NULL'; }
  }
  return '';
}

function wrapCall(target: object, name: string, owner: string): void {
  const d = Object.getOwnPropertyDescriptor(target, name);
  if (d === undefined || typeof d.value !== 'function' || NOT_CALLS.test(name)) return;
  const method = d.value as (...a: unknown[]) => unknown;
  const rootAt = rootIndex(name);
  const routine = intern(owner === '' ? name : `${owner}.${name}`);
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    if (current !== null) return method.apply(this, args);
    const rec = openCall;
    rec.peer = -1; rec.tag = -1; rec.bytes = 0;
    current = rec;
    const start = now();
    try {
      return method.apply(this, args);
    } finally {
      if (pendingReceives.size > 0) sweepReceives();
      current = null;
      const root = rootAt < 0 ? undefined : args[rootAt] ?? 0;
      addCall(routine, start, Math.max(0, now() - start), intern(commName(this)),
        rec.peer >= 0 ? rec.peer : NaN, rec.peer >= 0 ? rec.tag : NaN, typeof root === 'number' ? root : NaN, rec.bytes);
    }
  };
  Object.defineProperty(traced, 'name', { value: name });
  Object.defineProperty(target, name, { ...d, value: traced });
}

function writePart(folder: string, t: Transport): void {
  sweepReceives();
  const world = t.commWorld;
  // Columns as they are (NaN, absent, becomes null in JSON); core/tracefile.ts expands them.
  const part: CompactPart = {
    version: TRACE_PART_VERSION, pid: t.processId, rank: world.rank, size: world.size,
    spawned: t.spawnedBy !== null || process.env['MPI4TS_SPAWNED'] !== undefined,
    strings, calls: Array.from(calls.rows.subarray(0, calls.length * 8)), messages: Array.from(messages.rows.subarray(0, messages.length * 7)),
  };
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `part-${t.processId}-${process.pid}-${threadId}.json`), JSON.stringify(part));
  } catch (e) {
    process.stderr.write(`mpi4ts: --trace: cannot write this rank's part in ${folder}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

let installed = false;

/** Start recording (done once, at start-up, when MPI4TS_TRACE is set). */
export function installTrace(t: Transport, folder: string): void {
  if (installed) return;
  installed = true;
  clockOffset = performance.timeOrigin - t.job.timeOrigin;
  installTransport(t);
  for (const [cls, owner] of [[Comm, ''], [Intracomm, ''], [Intercomm, ''], [Topocomm, ''], [Cartcomm, ''], [Graphcomm, ''], [Distgraphcomm, ''],
    [Request, 'Request'], [Prequest, 'Prequest'], [Grequest, 'Grequest'], [Message, 'Message'], [File, 'File']] as const) {
    for (const name of Object.getOwnPropertyNames(cls.prototype)) wrapCall(cls.prototype, name, owner);
    for (const name of Object.getOwnPropertyNames(cls)) if (STATIC_CALLS.test(name)) wrapCall(cls, name, owner);
  }
  process.on('exit', () => writePart(folder, t));
}
