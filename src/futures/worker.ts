/**
 * The worker side of a pool: receive calls from the driver, run them, send
 * back results or errors (mpi4py `server_exec`). A worker is a rank like any
 * other; it waits for work in a blocking receive (spinning briefly, then
 * parked on its doorbell), and yields to its event loop only while a task it
 * runs is asynchronous.
 */
import { MPI } from '../index.js';
import {
  SETUP, TASK, CHUNK, STOP, EXIT, READY, RESULT, describeFailure,
  type FunctionRef, type Setup, type FailureInfo,
} from './protocol.js';
import { moduleSpecifier } from '../loader/entry.js';

type Task = (...args: unknown[]) => unknown;
type Namespace = Record<string, unknown>;

/** How a worker finds the functions the driver names. */
export interface ServeOptions {
  /** Several executors share these workers; only EXIT ends serving (else STOP does). */
  readonly shared: boolean;
  /**
   * Functions by name, already in this rank's memory (MPICommExecutor: the
   * workers run the same script as the driver, mid-way, so they cannot
   * import it).
   */
  readonly tasks?: Readonly<Record<string, Task>> | null;
  /**
   * True when the main script is being evaluated by this very rank (the
   * MPICommExecutor workers): importing it would wait for its own top-level
   * await, so a stalled import is reported instead of hanging.
   */
  readonly mainIsRunning?: boolean;
}

/** Seconds a worker waits for its own, still running, main script before it reports the stall. */
const SELF_IMPORT_PATIENCE_MS = 3000;

class TaskTable {
  readonly #opts: ServeOptions;
  readonly #setups = new Map<number, Setup>();
  readonly #modules = new Map<string, Promise<Namespace>>();
  readonly #found = new Map<string, Task>();

  constructor(opts: ServeOptions) { this.#opts = opts; }

  async setup(tag: number, s: Setup): Promise<void> {
    this.#setups.set(tag, s);
    if (s.env) Object.assign(process.env, s.env);
    if (s.globals) Object.assign(globalThis, s.globals);
    if (s.main !== null && !this.#opts.mainIsRunning) await this.#import(s.main);
    if (s.initializer) {
      const init = await this.find(tag, s.initializer, 'initializer');
      const r = init(...s.initargs);
      if (isThenable(r)) await r;
    }
  }

  drop(tag: number): void { this.#setups.delete(tag); }

  #import(specifier: string): Promise<Namespace> {
    let p = this.#modules.get(specifier);
    if (p === undefined) {
      // A TypeScript module as its compiled JavaScript (src/loader/).
      p = moduleSpecifier(specifier).then((s) => import(s) as Promise<Namespace>);
      this.#modules.set(specifier, p);
    }
    return p;
  }

  /** The function `ref` names, for the executor with this tag. */
  async find(tag: number, ref: FunctionRef, role = 'task'): Promise<Task> {
    const s = this.#setups.get(tag);
    const [module, name] = ref;
    const key = `${tag}\0${module ?? ''}\0${name}`;
    const hit = this.#found.get(key);
    if (hit !== undefined) return hit;
    const registry = this.#opts.tasks;
    if (module === null && registry && typeof registry[name] === 'function') {
      this.#found.set(key, registry[name]!);
      return registry[name]!;
    }
    const places = module !== null ? [module] : [...(s?.main ? [s.main] : []), ...(s?.modules ?? [])];
    for (const place of places) {
      const ns = await this.#namespace(place, name, role, place === s?.main);
      const fn = pick(ns, name);
      if (fn !== undefined) {
        this.#found.set(key, fn);
        return fn;
      }
    }
    throw new ReferenceError(notFound(role, name, places, registry));
  }

  async #namespace(place: string, name: string, role: string, isMainScript: boolean): Promise<Namespace> {
    if (!this.#opts.mainIsRunning || !isMainScript) return this.#import(place);
    // MPICommExecutor: our own main script is still running (we are inside
    // its top-level code). If it awaits us at top level, its namespace is not
    // ready until the pool ends: say so instead of waiting forever.
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReferenceError(
        `${role} function '${name}' cannot be looked up: the workers of an MPICommExecutor are still running the ` +
        'top-level code of the main script (entered with top-level await), so they cannot import it. ' +
        `List the task functions when you create the executor: new MPICommExecutor(comm, root, { tasks: { ${name} } }).`)),
      SELF_IMPORT_PATIENCE_MS);
    });
    try {
      return await Promise.race([this.#import(place), stalled]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function pick(ns: Namespace, name: string): Task | undefined {
  const direct = ns[name];
  if (typeof direct === 'function') return direct as Task;
  // `export default function name() {}` and renamed exports: match the function's own name.
  for (const v of Object.values(ns)) if (typeof v === 'function' && v.name === name) return v as Task;
  return undefined;
}

function notFound(role: string, name: string, places: readonly string[], registry: ServeOptions['tasks']): string {
  const where = places.length ? places.map((p) => `'${p}'`).join(', ') : 'no module (the driver has no main script)';
  return `${role} function '${name}' was not found in the worker: it is not exported by ${where}` +
    `${registry ? ' nor listed in the executor\'s tasks' : ''}. Workers import the driver's main script to find ` +
    `tasks by name, as mpi4py's workers do: define '${name}' at the top level of the script and export it ` +
    `(export function ${name}(...) {...}), keep the driver part under if (isMain(import.meta)) { ... }, ` +
    'and name other modules holding tasks in the executor\'s modules option.';
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * Serve the driver at rank 0 of the remote group of `comm` until it says
 * STOP (or EXIT for a shared pool).
 */
export async function serve(comm: MPI.Intercomm, opts: ServeOptions): Promise<void> {
  const table = new TaskTable(opts);
  const status = new MPI.Status();
  let sends: MPI.Request[] = [];
  const reply = (msg: unknown, tag: number): void => {
    let req: MPI.Request;
    try {
      req = comm.isend(msg, 0, tag);
    } catch (e) {
      // The result could not be serialised: send why instead.
      const [kind, id] = msg as [number, number];
      const f = describeFailure(e);
      req = comm.isend(kind === READY ? [READY, f] : [RESULT, id, false, f, (msg as unknown[])[4]], 0, tag);
    }
    sends.push(req);
    if (sends.length >= 64) sends = sends.filter((r) => !r.Test());
  };

  for (;;) {
    const msg = comm.recv<unknown[]>(0, MPI.ANY_TAG, status);
    const tag = status.tag;
    const kind = msg[0] as number;
    if (kind === TASK) {
      const [, id, ref, args] = msg as [number, number, FunctionRef, unknown[]];
      let out: unknown[];
      const t0 = performance.now();
      try {
        const fn = await table.find(tag, ref);
        let value = fn(...args);
        if (isThenable(value)) value = await value;
        out = [RESULT, id, true, value, performance.now() - t0];
      } catch (e) {
        out = [RESULT, id, false, describeFailure(e), performance.now() - t0];
      }
      reply(out, tag);
    } else if (kind === CHUNK) {
      const [, id, ref, argss] = msg as [number, number, FunctionRef, unknown[][]];
      let out: unknown[];
      const t0 = performance.now();
      try {
        const fn = await table.find(tag, ref);
        const values = new Array<unknown>(argss.length);
        for (let i = 0; i < argss.length; i++) {
          let v = fn(...argss[i]!);
          if (isThenable(v)) v = await v;
          values[i] = v;
        }
        out = [RESULT, id, true, values, performance.now() - t0];
      } catch (e) {
        out = [RESULT, id, false, describeFailure(e), performance.now() - t0];
      }
      reply(out, tag);
    } else if (kind === SETUP) {
      let failure: FailureInfo | null = null;
      try { await table.setup(tag, msg[1] as Setup); } catch (e) { failure = describeFailure(e); }
      reply([READY, failure], tag);
    } else if (kind === STOP) {
      table.drop(tag);
      if (!opts.shared) break;
    } else if (kind === EXIT) {
      break;
    }
  }
  // Results still on their way out must leave before the rank moves on.
  MPI.Request.Waitall(sends);
}
