/**
 * Ports and the name service of the embedded runtime, kept by the launcher
 * (MPI_Open_port, _Close_port, _Publish_name, _Unpublish_name,
 * _Lookup_name, and the meeting of MPI_Comm_accept with MPI_Comm_connect).
 * Every process of the job, spawned ones included, asks the launcher over
 * its control port, so ports and names reach across the job's worlds (a
 * parent and the children it spawned are different MPI jobs). The rank
 * side is in engine.ts (`ports`); the launcher answers here.
 */
import { ERR_NAME, ERR_PORT, ERR_SERVICE, type MpiFailure } from '../../core/errorcodes.js';
import { noOpenPort } from '../../core/failures.js';

/** What a rank asks of the launcher's port registry. */
export type PortRequest =
  | { op: 'open' }
  | { op: 'close'; port: string }
  | { op: 'publish'; service: string; port: string }
  | { op: 'unpublish'; service: string; port: string }
  | { op: 'lookup'; service: string }
  | { op: 'meet'; port: string; accept: boolean; group: number[]; ctx: number };

/** The launcher's answer, on the rank's control port. */
export type PortReply =
  | { type: 'ported'; value: string | { remote: number[]; ctx: number } }
  | { type: 'ported'; errorClass: number; error: string };

/** A root waiting in Accept or Connect for the other side. */
interface Waiting {
  readonly gpid: number;
  readonly group: number[];
  readonly ctx: number;
}

/** The launcher's ports (open, with the roots waiting at each) and published names. */
export class PortRegistry {
  readonly #ports = new Map<string, { accepts: Waiting[]; connects: Waiting[] }>();
  readonly #names = new Map<string, string>();
  #opened = 0;

  /** `reply(gpid, answer)` hands an answer to the rank `gpid`. */
  constructor(readonly prefix: string, readonly reply: (gpid: number, r: PortReply) => void) {}

  handle(gpid: number, r: PortRequest): void {
    const ok = (value: string): void => this.reply(gpid, { type: 'ported', value });
    const fail = (errorClass: number, error: string): void => this.reply(gpid, { type: 'ported', errorClass, error });
    const refuse = (e: MpiFailure): void => fail(e.errorClass, e.message);
    switch (r.op) {
      case 'open': {
        const port = `${this.prefix}${++this.#opened}`;
        this.#ports.set(port, { accepts: [], connects: [] });
        return ok(port);
      }
      case 'close': {
        const p = this.#ports.get(r.port);
        if (p === undefined) return refuse(noOpenPort(r.port, 'job'));
        this.#ports.delete(r.port);
        // Roots still waiting at it would wait forever.
        for (const w of [...p.accepts, ...p.connects]) {
          this.reply(w.gpid, { type: 'ported', errorClass: ERR_PORT, error: `port '${r.port}' was closed while waiting at it` });
        }
        return ok('');
      }
      case 'publish': {
        const had = this.#names.get(r.service);
        if (had !== undefined) return fail(ERR_SERVICE, `service name '${r.service}' is already published (port '${had}')`);
        this.#names.set(r.service, r.port);
        return ok('');
      }
      case 'unpublish': {
        const had = this.#names.get(r.service);
        if (had === undefined) return fail(ERR_SERVICE, `service name '${r.service}' is not published`);
        if (had !== r.port) return fail(ERR_SERVICE, `service name '${r.service}' is published with port '${had}', not '${r.port}'`);
        this.#names.delete(r.service);
        return ok('');
      }
      case 'lookup': {
        const port = this.#names.get(r.service);
        if (port === undefined) return fail(ERR_NAME, `service name '${r.service}' is not published`);
        return ok(port);
      }
      case 'meet': {
        const p = this.#ports.get(r.port);
        if (p === undefined) return refuse(noOpenPort(r.port, 'job'));
        const me: Waiting = { gpid, group: r.group, ctx: r.ctx };
        const other = (r.accept ? p.connects : p.accepts).shift();
        if (other === undefined) {
          (r.accept ? p.accepts : p.connects).push(me);
          return;
        }
        // Both sides take the larger context: free on every member of both groups.
        const ctx = Math.max(me.ctx, other.ctx);
        this.reply(gpid, { type: 'ported', value: { remote: other.group, ctx } });
        this.reply(other.gpid, { type: 'ported', value: { remote: me.group, ctx } });
      }
    }
  }
}
