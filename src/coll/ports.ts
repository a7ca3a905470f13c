/**
 * Connecting groups that exist already (MPI_Comm_accept, _connect and
 * MPI_Comm_join), written on the transport's ports and point-to-point.
 *
 * Accept and Connect: each group agrees on the lowest context free on all
 * of its members; the roots meet at the port (the transport's `meet`),
 * trading their groups' process ids and contexts, and take the larger
 * context, free on both groups; each root broadcasts the outcome to its
 * group, so that an error (ERR_PORT) reaches every rank rather than
 * leaving the others waiting. Then every member makes the intercommunicator
 * (`ctx`) and its local side (`ctx + 2`), as a spawn does.
 *
 * Join: the two processes trade the same over the socket itself.
 */
import * as fs from 'node:fs';
import type { Hints, PortService, Transport } from '../transport/spi.js';
import { ERR_ARG, ERR_OTHER, ERR_UNSUPPORTED_OPERATION, MpiFailure } from '../core/errorcodes.js';
import type { CollContext, Schedule } from './schedule.js';
import * as obj from './object.js';
import type { InterComm } from './inter.js';
import { describe, rethrow, type Outcome } from './spawn.js';

/**
 * MPI_Comm_accept (`accept`) or MPI_Comm_connect over the intracommunicator
 * of `c`. Only the root's `port` (a function: it checks the root's
 * argument) counts.
 */
export function* connect(c: CollContext, ports: PortService, root: number, accept: boolean, port: () => string, info: Hints): Schedule<InterComm> {
  const t = c.t;
  if (ports.connectComm) return yield* libraryConnect(c, ports, root, accept, port, info);
  const all = (yield* obj.allgather(c, t.nextContext())) as number[];
  const group = t.group(c.comm);
  let outcome: Outcome<{ remote: number[]; ctx: number }> | null = null;
  if (c.rank === root) {
    try {
      const met = ports.meet!(port(), accept, group, Math.max(...all));
      outcome = { ok: true, remote: Array.from(met.remote), ctx: met.ctx };
    } catch (e) {
      outcome = describe(e);
    }
  }
  if (c.size > 1) outcome = (yield* obj.bcast(c, outcome, root)) as typeof outcome;
  const o = outcome!;
  rethrow(o);
  return pair(t, o.ctx, group, Int32Array.from(o.remote));
}

/**
 * The same through a library's ports: the root's port argument is checked
 * first and the verdict broadcast, so that either every rank enters the
 * library's collective call or none does.
 */
function* libraryConnect(c: CollContext, ports: PortService, root: number, accept: boolean, port: () => string, info: Hints): Schedule<InterComm> {
  let name: string | null = null;
  let outcome: Outcome<object> | null = null;
  if (c.rank === root) {
    try {
      name = port();
      ports.checkPort?.(name);
      outcome = { ok: true };
    } catch (e) {
      outcome = describe(e);
    }
  }
  if (c.size > 1) outcome = (yield* obj.bcast(c, outcome, root)) as typeof outcome;
  rethrow(outcome!);
  return ports.connectComm!(c.comm, name, info, root, accept);
}

/** The intercommunicator at `ctx` and its local side at `ctx + 2`, both claimed now. */
function pair(t: Transport, ctx: number, group: Int32Array, remote: Int32Array): InterComm {
  t.claimContext(ctx);
  t.claimContext(ctx + 2);
  return { inter: t.makeComm(ctx, group, remote), local: t.makeComm(ctx + 2, group, null) };
}

/** What each side of MPI_Comm_join writes to the socket: one line of JSON. */
interface JoinRecord {
  readonly mpi4ts: 1;
  readonly universe: string;
  readonly id: number;
  readonly ctx: number;
}

/** A failure of the socket, as MPI_Comm_join reports it. */
function socketFailure(what: string, e: unknown): MpiFailure {
  const code = (e as { code?: unknown })?.code;
  return new MpiFailure(ERR_OTHER, `cannot ${what} the socket: ${typeof code === 'string' ? code : e instanceof Error ? e.message : String(e)}`);
}

/**
 * MPI_Comm_join over the connected socket `fd`: both processes write their
 * record and read the other's, then make the intercommunicator of the two.
 * The descriptor may be non-blocking (Node.js makes sockets so): the reads
 * and writes wait and retry. Only this call may read the socket meanwhile;
 * it reads no byte past the other's record.
 */
export function join(t: Transport, ports: PortService, fd: number): InterComm {
  // Not a socket: nothing would ever answer (Open MPI's MPI_Comm_join waits forever on /dev/null).
  let socket = false;
  try {
    socket = fs.fstatSync(fd).isSocket();
  } catch (e) {
    throw new MpiFailure(ERR_ARG, `fd ${fd} is not an open file descriptor (${(e as { code?: string }).code ?? String(e)})`);
  }
  if (!socket) throw new MpiFailure(ERR_ARG, `fd ${fd} is not a socket`);
  if (ports.joinComm) return ports.joinComm(fd);
  if (ports.universe === undefined) throw new MpiFailure(ERR_UNSUPPORTED_OPERATION, 'this transport cannot join processes over a socket');
  const mine: JoinRecord = { mpi4ts: 1, universe: ports.universe, id: t.processId, ctx: t.nextContext() };
  const out = Buffer.from(`${JSON.stringify(mine)}\n`);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let at = 0; at < out.length;) {
    try {
      at += fs.writeSync(fd, out, at, out.length - at);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EAGAIN') throw socketFailure('write to', e);
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  const line: number[] = [];
  const one = Buffer.alloc(1);
  while (line.length < 4096) {
    let n: number;
    try {
      n = fs.readSync(fd, one, 0, 1, null);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EAGAIN') throw socketFailure('read from', e);
      Atomics.wait(pause, 0, 0, 1);
      continue;
    }
    if (n === 0) throw new MpiFailure(ERR_OTHER, 'the socket was closed before the other process joined');
    if (one[0] === 0x0a) break;
    line.push(one[0]!);
  }
  let theirs: JoinRecord | null = null;
  try {
    theirs = JSON.parse(Buffer.from(line).toString()) as JoinRecord;
  } catch { /* reported below */ }
  if (theirs === null || theirs.mpi4ts !== 1 || typeof theirs.universe !== 'string' || !Number.isInteger(theirs.id) || !Number.isInteger(theirs.ctx)) {
    throw new MpiFailure(ERR_OTHER, 'the other end of the socket is not an mpi4ts process calling Join');
  }
  if (theirs.universe !== mine.universe) {
    throw new MpiFailure(ERR_UNSUPPORTED_OPERATION, `the other process belongs to another mpi4ts job (${theirs.universe}, this one is ${mine.universe}): Join connects processes of one job only`);
  }
  return pair(t, Math.max(mine.ctx, theirs.ctx), Int32Array.of(t.processId), Int32Array.of(theirs.id));
}
