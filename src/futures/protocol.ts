/**
 * What the driver (the process holding the executor) and its workers say to
 * each other over their intercommunicator. The driver is alone in its local
 * group; the workers are the remote group. Every message of one executor
 * carries that executor's tag, so several executors can share one pool of
 * workers (the launcher's `--futures` mode), as mpi4py's shared pool does.
 *
 *   driver -> worker   [SETUP, Setup]            once per executor, first
 *                      [TASK, id, ref, args]     call ref(...args)
 *                      [CHUNK, id, ref, argss]   call ref(...a) for each a
 *                      [STOP]                    this executor is done
 *                      [EXIT]                    the shared pool is done
 *   worker -> driver   [READY, failure|null]     answer to SETUP
 *                      [RESULT, id, ok, value, ms]   value or a FailureInfo; ms the call's time
 */

export const SETUP = 1;
export const TASK = 2;
export const CHUNK = 3;
export const STOP = 4;
export const EXIT = 5;
export const READY = 6;
export const RESULT = 7;

/** Where a worker finds a task function: module URL (null: the driver's main script) and export name. */
export type FunctionRef = readonly [module: string | null, name: string];

/** What a worker needs before it runs tasks (mpi4py's options sync + initializer). */
export interface Setup {
  /** file: URL of the driver's main script, imported to find task functions; null when there is none to import. */
  readonly main: string | null;
  /** Further modules (URLs or bare specifiers) searched for task functions, in order. */
  readonly modules: readonly string[];
  /** Set on `globalThis` before the main script is imported (mpi4py's `globals`). */
  readonly globals: Readonly<Record<string, unknown>> | null;
  /** Merged into `process.env` before the main script is imported (mpi4py's `env`). */
  readonly env: Readonly<Record<string, string>> | null;
  readonly initializer: FunctionRef | null;
  readonly initargs: readonly unknown[];
}

/** An error thrown in a worker, as it travels to the driver. */
export interface FailureInfo {
  readonly error: true;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** The thrown value itself when it was not an Error (and could travel). */
  readonly value?: unknown;
  readonly isError: boolean;
}

/** Describe a thrown value so that it survives the trip to the driver. */
export function describeFailure(e: unknown): FailureInfo {
  if (e instanceof Error) {
    return { error: true, isError: true, name: e.name, message: e.message, stack: e.stack };
  }
  let value: unknown;
  try { value = structuredClone(e); } catch { value = String(e); }
  return { error: true, isError: false, name: 'Error', message: String(e), stack: undefined, value };
}

const BUILTIN: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/**
 * The driver's copy of a worker's error: the same class for built-in errors
 * (name kept for others), the worker's message, and the worker's stack.
 */
export function reviveFailure(f: FailureInfo, where: string): unknown {
  if (!f.isError) return f.value;
  const Ctor = BUILTIN[f.name] ?? Error;
  const e = new Ctor(f.message);
  if (e.name !== f.name) {
    Object.defineProperty(e, 'name', { value: f.name, configurable: true, writable: true, enumerable: false });
  }
  e.stack = f.stack ? `${f.stack}\n    at <${where}>` : `${f.name}: ${f.message}\n    at <${where}>`;
  return e;
}
