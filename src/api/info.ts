/**
 * Info objects (`MPI_Info`): ordered string key/value hints, as mpi4py's
 * `MPI.Info`, with its dict-like methods.
 *
 * The contents live in JavaScript, on both transports, and are converted to
 * key/value pairs where a call hands hints to a library (Spawn on the
 * native transport builds an MPI_Info from them). No MPI routine mpi4ts
 * calls keeps an MPI_Info beyond the call, and the hints mpi4ts accepts
 * (communicator, split-type, spawn) change nothing in the embedded runtime,
 * so a native handle would only add a lifetime to manage.
 */
import * as os from 'node:os';
import { ERR_INFO, ERR_INFO_KEY, ERR_INFO_NOKEY, ERR_INFO_VALUE, ERR_ARG } from '../core/errorcodes.js';
import { describeValue } from '../core/failures.js';
import { fail } from './errors.js';
import { runtime } from './runtime.js';

/** MPI_MAX_INFO_KEY and MPI_MAX_INFO_VAL (MPICH's and Open MPI's limits). */
export const MAX_INFO_KEY = 255;
/** Longest info value, in characters: `MPI_MAX_INFO_VAL`. */
export const MAX_INFO_VAL = 1024;

/** The storage one or more Info objects refer to, as MPI handles refer to one object. */
interface InfoStore {
  entries: Map<string, string>;
  freed: boolean;
  /** Predefined (INFO_ENV): Free on it is an error, its handle stays. */
  readonly predefined: boolean;
}

/** What `Info.Create` and `update` accept: another Info, a Map, a plain object, or [key, value] pairs. */
export type InfoItems = Info | ReadonlyMap<string, string> | Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

function key(routine: string, k: unknown): string {
  if (typeof k !== 'string') throw new TypeError(`${routine}: key must be a string, got ${describeValue(k)}`);
  if (k.length === 0 || k.length > MAX_INFO_KEY) fail(routine, ERR_INFO_KEY, `invalid key ${JSON.stringify(k.slice(0, 40))} (keys are 1 to ${MAX_INFO_KEY} characters)`);
  return k;
}

function value(routine: string, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`${routine}: value must be a string, got ${describeValue(v)}`);
  if (v.length > MAX_INFO_VAL) fail(routine, ERR_INFO_VALUE, `value of ${v.length} characters (at most ${MAX_INFO_VAL})`);
  return v;
}

/** The pairs of an InfoItems argument, in order (TypeError for anything else). */
function pairsOf(routine: string, items: unknown): [string, string][] {
  if (items instanceof Info) return items.items();
  if (items instanceof Map) return [...(items as Map<unknown, unknown>).entries()].map(([k, v]) => [k as string, v as string]);
  if (items !== null && typeof items === 'object') {
    if (typeof (items as Iterable<unknown>)[Symbol.iterator] === 'function') {
      return [...(items as Iterable<unknown>)].map((p, i) => {
        if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`${routine}: items[${i}] must be a [key, value] pair, got ${describeValue(p)}`);
        return [p[0] as string, p[1] as string];
      });
    }
    return Object.entries(items as Record<string, string>);
  }
  throw new TypeError(`${routine}: items must be an MPI.Info, a Map, an object of strings or [key, value] pairs, got ${describeValue(items)}`);
}

/**
 * An info object (`MPI_Info`). `new MPI.Info()` is a null handle (equal to
 * INFO_NULL); `new MPI.Info(other)` refers to the same object as `other`.
 * Make one with `MPI.Info.Create()`; iterate it for its keys; `info.length`
 * is mpi4py's `len(info)`.
 */
export class Info implements Iterable<string> {
  #store: InfoStore | null;

  constructor(info: Info | null = null) {
    if (info !== null && info !== undefined && !(info instanceof Info)) throw new TypeError(`Info: expected an MPI.Info, got ${describeValue(info)}`);
    this.#store = info ? info.#store : null;
  }

  /** @internal An Info over fresh storage. */
  static #make<T extends Info>(cls: new () => T, entries: Map<string, string>, predefined = false): T {
    const info = new cls();
    info.#store = { entries, freed: false, predefined };
    return info;
  }

  /** @internal INFO_ENV's storage. */
  static makePredefined(entries: Map<string, string>): Info { return Info.#make(Info, entries, true); }

  #live(routine: string): Map<string, string> {
    const s = this.#store;
    if (s === null) fail(routine, ERR_INFO, 'invalid info object (INFO_NULL)');
    if (s.freed) fail(routine, ERR_INFO, 'the info object was freed');
    return s.entries;
  }

  /** True unless this is INFO_NULL (mpi4py's `bool(info)`). */
  get isNull(): boolean { return this.#store === null || this.#store.freed; }
  /** Same MPI object (mpi4py's `==` on handles). */
  equals(other: unknown): boolean {
    return other instanceof Info && (this.#store === other.#store || (this.isNull && other.isNull));
  }

  // ---- the Info object ---------------------------------------------------------

  /** A new info object, optionally filled from `items`: `MPI_Info_create` (+ `MPI_Info_set`). */
  static Create<T extends Info>(this: new () => T, items: InfoItems | null = null): T {
    const info = Info.#make(this, new Map());
    if (items !== null && items !== undefined) {
      for (const [k, v] of pairsOf('Create', items)) info.Set(k, v);
    }
    return info;
  }

  /**
   * A new info object with the environment the process was started with
   * (`command`, `argv`, `maxprocs`, `soft`, `host`, `arch`, `wdir`,
   * `thread_level`): `MPI_Info_create_env`. `args` replaces the command line.
   */
  static Create_env<T extends Info>(this: new () => T, args: readonly string[] | string | null = null): T {
    if (args !== null && args !== undefined && typeof args !== 'string' && !Array.isArray(args)) {
      throw new TypeError(`Create_env: args must be a list of strings, got ${describeValue(args)}`);
    }
    return Info.#make(this, environment(typeof args === 'string' ? [args] : args));
  }

  /** Release the info object; this handle becomes INFO_NULL: `MPI_Info_free`. */
  Free(): void {
    this.#live('Free');
    if (this.#store!.predefined) fail('Free', ERR_INFO, 'cannot free the predefined INFO_ENV');
    this.#store!.freed = true;
    this.#store = null;
  }

  /** A new info object with the same pairs: `MPI_Info_dup`. */
  Dup(): this {
    const entries = this.#live('Dup');
    return Info.#make(this.constructor as new () => this, new Map(entries));
  }

  /** The value of `key`, or null when it is not set: `MPI_Info_get_string`. */
  Get(k: string): string | null {
    const entries = this.#live('Get');
    return entries.get(key('Get', k)) ?? null;
  }

  /** Set `key` to `value`: `MPI_Info_set`. */
  Set(k: string, v: string): void {
    const entries = this.#live('Set');
    entries.set(key('Set', k), value('Set', v));
  }

  /** Remove `key` (ERR_INFO_NOKEY when it is not set): `MPI_Info_delete`. */
  Delete(k: string): void {
    const entries = this.#live('Delete');
    if (!entries.delete(key('Delete', k))) fail('Delete', ERR_INFO_NOKEY, `key ${JSON.stringify(k)} is not set`);
  }

  /** Number of keys: `MPI_Info_get_nkeys`. */
  Get_nkeys(): number { return this.#live('Get_nkeys').size; }

  /** The n-th key, in the order they were set: `MPI_Info_get_nthkey`. */
  Get_nthkey(n: number): string {
    const entries = this.#live('Get_nthkey');
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`Get_nthkey: n must be an integer, got ${describeValue(n)}`);
    if (n < 0 || n >= entries.size) fail('Get_nthkey', n < 0 ? ERR_ARG : ERR_INFO_KEY, `no key number ${n} (the info object has ${entries.size})`);
    let i = 0;
    for (const k of entries.keys()) if (i++ === n) return k;
    /* c8 ignore next */
    throw new Error('unreachable');
  }

  // ---- mpi4py's mapping methods ----------------------------------------------------

  /** Number of keys; 0 for INFO_NULL (mpi4py's `len(info)`). */
  get length(): number { return this.isNull ? 0 : this.Get_nkeys(); }

  /** Whether `key` is set (mpi4py's `key in info`). */
  has(k: string): boolean { return !this.isNull && this.#live('has').has(key('has', k)); }

  /** Keys, in order (mpi4py's `iter(info)`). */
  [Symbol.iterator](): Iterator<string> { return this.keys()[Symbol.iterator](); }

  /** The value of `key`, else `default` (mpi4py's `info.get`). */
  get(k: string, default_: string | null = null): string | null {
    if (this.isNull) return default_;
    return this.Get(k) ?? default_;
  }

  /** The value of `key`; a KeyError-like RangeError when it is not set (mpi4py's `info[key]`). */
  getitem(k: string): string {
    const v = this.isNull ? null : this.Get(k);
    if (v === null) throw keyError(k);
    return v;
  }

  /** Set `key` (mpi4py's `info[key] = value`; on INFO_NULL a KeyError). */
  setitem(k: string, v: string): void {
    if (this.isNull) throw keyError(k);
    this.Set(k, v);
  }

  /** Remove `key` (mpi4py's `del info[key]`; a KeyError when it is not set). */
  delitem(k: string): void {
    if (this.isNull || !this.has(k)) throw keyError(k);
    this.Delete(k);
  }

  /** The keys, in order. */
  keys(): string[] { return this.isNull ? [] : [...this.#live('keys').keys()]; }
  /** The values, in key order. */
  values(): string[] { return this.isNull ? [] : [...this.#live('values').values()]; }
  /** The [key, value] pairs, in order. */
  items(): [string, string][] { return this.isNull ? [] : [...this.#live('items').entries()]; }

  /** Set every pair of `items`, then of `kwds` (mpi4py's `info.update(items, **kwds)`; on INFO_NULL a KeyError). */
  update(items: InfoItems = [], kwds: Readonly<Record<string, string>> = {}): void {
    if (this.isNull) throw keyError(undefined);
    for (const [k, v] of pairsOf('update', items)) this.Set(k, v);
    for (const [k, v] of Object.entries(kwds)) this.Set(k, v);
  }

  /** Remove `key` and return its value; else return `default` when given, else a KeyError (mpi4py's `info.pop`). */
  pop(k: string, ...default_: [string | null] | []): string | null {
    const v = this.isNull ? null : this.Get(k);
    if (v !== null) {
      this.Delete(k);
      return v;
    }
    if (default_.length > 0) return default_[0]!;
    throw keyError(k);
  }

  /** Remove and return the last pair (mpi4py's `info.popitem`; a KeyError when empty). */
  popitem(): [string, string] {
    if (this.isNull) throw keyError(undefined);
    const n = this.Get_nkeys();
    if (n === 0) throw keyError(undefined);
    const k = this.Get_nthkey(n - 1);
    const v = this.Get(k)!;
    this.Delete(k);
    return [k, v];
  }

  /** A new info object with the same pairs (INFO_NULL gives a null handle): mpi4py's `info.copy`. */
  copy(): this {
    if (this.isNull) return new (this.constructor as new () => this)();
    return this.Dup();
  }

  /** Remove every pair (nothing on INFO_NULL). */
  clear(): void {
    if (!this.isNull) this.#live('clear').clear();
  }

  /**
   * Free it unless null or predefined (mpi4py 4's `free`, and `using`
   * blocks): INFO_ENV stays as it is, another object for it becomes INFO_NULL.
   */
  free(): void {
    if (this.isNull || this === INFO_ENV) return;
    if (this.#store!.predefined) this.#store = null;
    else this.Free();
  }
  /** Free the handle at the end of a `using` block, as free(). */
  [Symbol.dispose](): void { this.free(); }

  /** @internal The pairs to hand to a library, [] for INFO_NULL. */
  hints(): [string, string][] { return this.items(); }

  /** A readable form, `<MPI.Info ...>`. */
  toString(): string {
    return this === INFO_NULL ? '<MPI.Info INFO_NULL>' : this === INFO_ENV ? '<MPI.Info INFO_ENV>' : `<MPI.Info ${this.isNull ? 'null' : JSON.stringify(Object.fromEntries(this.items()))}>`;
  }
}

/** Python's KeyError, as the RangeError a missing key is here (its `key` says which). */
function keyError(k: string | undefined): RangeError {
  const e = new RangeError(k === undefined ? 'KeyError: the info object is empty or null' : `KeyError: ${JSON.stringify(k)}`);
  e.name = 'KeyError';
  return e;
}

/** The environment keys MPI 4 defines for MPI_INFO_ENV, for this process. */
function environment(args: readonly string[] | null): Map<string, string> {
  const argv = args ?? process.argv.slice(1);
  const env = new Map<string, string>();
  env.set('command', argv[0] ?? process.argv0);
  if (argv.length > 1) env.set('argv', argv.slice(1).join(' '));
  env.set('maxprocs', String(runtime.transport.commWorld.size));
  env.set('host', os.hostname());
  env.set('arch', `${os.platform()}-${os.arch()}`);
  env.set('wdir', process.cwd());
  env.set('thread_level', 'MPI_THREAD_MULTIPLE');
  return env;
}

/** The null info object: `MPI_INFO_NULL`. Calls on it raise ERR_INFO; the mapping methods see it empty. */
export const INFO_NULL: Info = new Info();
/** The environment of this process: `MPI_INFO_ENV` (predefined: Free on it is an error). */
export const INFO_ENV: Info = Info.makePredefined(environment(null));

/**
 * An `info` argument: INFO_NULL (or null) and Info objects; a plain object or
 * Map of string hints is accepted too. Returns its pairs.
 */
export function infoArg(routine: string, info: unknown, label = 'info'): [string, string][] {
  if (info === null || info === undefined) return [];
  if (info instanceof Info) {
    if (info.isNull) return [];
    return info.items();
  }
  if (info instanceof Map || (typeof info === 'object' && !Array.isArray(info))) return pairsOf(routine, info);
  throw new TypeError(`${routine}: ${label} must be an MPI.Info (or MPI.INFO_NULL), got ${describeValue(info)}`);
}
