/**
 * Runtime configuration, as mpi4py's `mpi4py.rc` set by `python -m mpi4py
 * -rc key=value,...`: `mpi4ts -rc key=value,... app.ts` checks the options
 * and hands them to every rank in MPI4TS_RC (which a program started
 * otherwise may set itself); the MPI module reads them when it loads.
 *
 * Effective: `threads` and `thread_level` (what Query_thread and
 * Init_thread report), `errors` (the error handler of COMM_WORLD and
 * COMM_SELF). Accepted for mpi4py command lines, with no effect:
 * `initialize`, `finalize` (MPI is initialised when the module loads),
 * `fast_reduce`, `recv_mprobe`, `irecv_bufsz` (the object layer needs none).
 */

/** The options and their values, as mpi4py.rc documents them. */
export interface RcOptions {
  initialize: boolean;
  threads: boolean;
  thread_level: 'multiple' | 'serialized' | 'funneled' | 'single';
  finalize: boolean | null;
  fast_reduce: boolean;
  recv_mprobe: boolean;
  irecv_bufsz: number;
  errors: 'exception' | 'default' | 'abort' | 'fatal';
}

/** mpi4py's defaults. */
export const RC_DEFAULTS: Readonly<RcOptions> = Object.freeze({
  initialize: true, threads: true, thread_level: 'multiple', finalize: null,
  fast_reduce: true, recv_mprobe: true, irecv_bufsz: 32768, errors: 'exception',
});

/** A bad -rc entry: the message names it and what is allowed. */
export class RcError extends Error {}

const CHOICES = {
  thread_level: ['multiple', 'serialized', 'funneled', 'single'],
  errors: ['exception', 'default', 'abort', 'fatal'],
} as const;

/** A value as Python's literal_eval reads it, else the text itself (as mpi4py's run.py does). */
function literal(text: string): boolean | number | string | null {
  if (text === 'True' || text === 'true') return true;
  if (text === 'False' || text === 'false') return false;
  if (text === 'None') return null;
  if (/^[+-]?\d+$/.test(text)) return Number(text);
  const quoted = /^(['"])(.*)\1$/.exec(text);
  return quoted ? quoted[2]! : text;
}

function checked(key: string, value: boolean | number | string | null): RcOptions[keyof RcOptions] {
  const bad = (what: string): RcError => new RcError(`-rc ${key}=${String(value)}: expected ${what}`);
  switch (key) {
    case 'initialize': case 'threads': case 'fast_reduce': case 'recv_mprobe':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      throw bad('True or False');
    case 'finalize':
      if (value === null || typeof value === 'boolean') return value;
      throw bad('None, True or False');
    case 'irecv_bufsz':
      if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
      throw bad('a positive integer');
    case 'thread_level': case 'errors': {
      const choices: readonly string[] = CHOICES[key];
      if (typeof value === 'string' && choices.includes(value)) return value as RcOptions['errors'];
      throw bad(`one of ${choices.map((c) => `'${c}'`).join(', ')}`);
    }
    default:
      throw new RcError(`-rc ${key}: unknown option (the options are ${Object.keys(RC_DEFAULTS).join(', ')})`);
  }
}

/** Parse `key=value,key=value` (several -rc given join with commas); throws RcError for a bad entry. */
export function parseRc(text: string): Partial<RcOptions> {
  const out: Record<string, unknown> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry.trim() : entry.slice(0, eq).trim();
    const val = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (key === '' || val === '') throw new RcError(`-rc: cannot parse '${entry}' (expected key=value)`);
    out[key] = checked(key, literal(val));
  }
  return out as Partial<RcOptions>;
}

/** The options a rank runs with: MPI4TS_RC over mpi4py's defaults. */
export function rcFromEnv(env: NodeJS.ProcessEnv = process.env): RcOptions {
  const text = env['MPI4TS_RC'];
  if (!text) return { ...RC_DEFAULTS };
  try {
    return { ...RC_DEFAULTS, ...parseRc(text) };
  } catch (e) {
    throw new RcError(`MPI4TS_RC=${text}: ${(e as Error).message}`);
  }
}
