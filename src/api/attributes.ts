/**
 * Attribute caching (`MPI_Comm_create_keyval`, `MPI_Type_set_attr`, ...),
 * as mpi4py's `attrimpl.pxi`: keyvals per kind of object (Comm, Datatype;
 * Win has its place here for later), each with an optional copy callback
 * that `Dup` runs and a delete callback that `Free` and `Delete_attr` run.
 *
 * Attributes live in JavaScript on both transports: their values are
 * JavaScript values, and the callbacks are JavaScript functions called
 * during `Dup`/`Free`, which mpi4ts runs itself.
 *
 * A copy callback `copy_fn(obj, keyval, value)` returns the new object's
 * value; returning `MPI.DO_NOT_COPY` (mpi4py's `NotImplemented`) or
 * `undefined` leaves the new object without it. `copy_fn` may also be
 * `true` (copy the same value) or null/false (never copied), as in mpi4py.
 */
import { ERR_KEYVAL, ERR_OTHER } from '../core/errorcodes.js';
import { describeValue } from '../core/failures.js';
import { KEYVAL_INVALID } from './constants.js';
import { Exception, fail } from './errors.js';

/** Returned by a copy callback: do not copy the attribute (mpi4py's `NotImplemented`). */
export const DO_NOT_COPY: unique symbol = Symbol.for('mpi4ts.DO_NOT_COPY');

/** Kinds of objects that carry attributes. */
export type AttrKind = 'Comm' | 'Datatype' | 'Win';

/** A copy callback: the value for the new object, or DO_NOT_COPY. */
export type CopyFunction<T> = (obj: T, keyval: number, attrval: any) => unknown;
/** A delete callback. */
export type DeleteFunction<T> = (obj: T, keyval: number, attrval: any) => void;

/** Keyword form of Create_keyval's arguments (mpi4py's `copy_fn=`, `delete_fn=`, `nopython=`). */
export interface KeyvalOptions<T> {
  /** Called when a handle is duplicated; true copies the value, false/null drops it. */
  copy_fn?: CopyFunction<T> | boolean | null;
  /** Called when the attribute is deleted or its handle freed. */
  delete_fn?: DeleteFunction<T> | boolean | null;
  /** Values are plain integers (C attribute values in mpi4py); copied as they are. */
  nopython?: boolean;
}

interface Keyval {
  readonly kind: AttrKind;
  readonly copy: CopyFunction<unknown> | true | null;
  readonly del: DeleteFunction<unknown> | null;
  readonly nopython: boolean;
}

/** User keyvals of every kind; numbers are never reused. */
const keyvals = new Map<number, Keyval>();
/** First user keyval: apart from KEYVAL_INVALID and the predefined attribute keys. */
let nextKeyval = 0x2a000001;

/** The attributes of one object: keyval -> value, in the order they were set. */
export type AttrMap = Map<number, { readonly keyval: Keyval; value: unknown }>;

/** `Create_keyval(copy_fn, delete_fn, nopython)` or `Create_keyval({ copy_fn, delete_fn, nopython })`. */
export function createKeyval(routine: string, kind: AttrKind, copyFn: unknown, deleteFn: unknown, nopython: unknown): number {
  if (copyFn !== null && typeof copyFn === 'object') {
    const o = copyFn as KeyvalOptions<unknown>;
    for (const k of Object.keys(o)) if (k !== 'copy_fn' && k !== 'delete_fn' && k !== 'nopython') throw new TypeError(`${routine}: unknown option ${k} (copy_fn, delete_fn, nopython)`);
    ({ copy_fn: copyFn = null, delete_fn: deleteFn = null, nopython = false } = o);
  }
  if (copyFn !== null && copyFn !== undefined && typeof copyFn !== 'boolean' && typeof copyFn !== 'function') {
    throw new TypeError(`${routine}: copy_fn must be a function, true, false or null, got ${describeValue(copyFn)}`);
  }
  if (deleteFn !== null && deleteFn !== undefined && typeof deleteFn !== 'boolean' && typeof deleteFn !== 'function') {
    throw new TypeError(`${routine}: delete_fn must be a function or null, got ${describeValue(deleteFn)}`);
  }
  const keyval = nextKeyval++;
  keyvals.set(keyval, {
    kind,
    copy: copyFn === true ? true : typeof copyFn === 'function' ? copyFn as CopyFunction<unknown> : null,
    del: typeof deleteFn === 'function' ? deleteFn as DeleteFunction<unknown> : null,
    nopython: Boolean(nopython),
  });
  return keyval;
}

/** Free a keyval (attributes set with it keep their callbacks until deleted); returns KEYVAL_INVALID. */
export function freeKeyval(routine: string, kind: AttrKind, keyval: unknown): number {
  lookup(routine, kind, keyval);
  keyvals.delete(keyval as number);
  return KEYVAL_INVALID;
}

function lookup(routine: string, kind: AttrKind, keyval: unknown): Keyval {
  if (typeof keyval !== 'number' || !Number.isInteger(keyval)) throw new TypeError(`${routine}: keyval must be an integer, got ${describeValue(keyval)}`);
  if (keyval === KEYVAL_INVALID) fail(routine, ERR_KEYVAL, 'invalid keyval (KEYVAL_INVALID)');
  const k = keyvals.get(keyval);
  if (k === undefined) fail(routine, ERR_KEYVAL, `invalid keyval ${keyval} (not created, or freed)`);
  if (k.kind !== kind) fail(routine, ERR_KEYVAL, `keyval ${keyval} was created for ${k.kind} objects, not ${kind}`);
  return k;
}

/** The value of a user attribute, or null when not set. */
export function getAttr(routine: string, kind: AttrKind, attrs: AttrMap | null, keyval: unknown): unknown {
  lookup(routine, kind, keyval);
  const a = attrs?.get(keyval as number);
  return a === undefined ? null : a.value;
}

/** Set a user attribute (an old value is deleted first, through the delete callback). Returns the map, made if needed. */
export function setAttr(routine: string, kind: AttrKind, obj: unknown, attrs: AttrMap | null, keyval: unknown, value: unknown): AttrMap {
  const k = lookup(routine, kind, keyval);
  if (k.nopython && !(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))) {
    throw new TypeError(`${routine}: keyval ${keyval as number} was created with nopython: its values are integers, got ${describeValue(value)}`);
  }
  const map: AttrMap = attrs ?? new Map();
  const old = map.get(keyval as number);
  if (old !== undefined) {
    map.delete(keyval as number);
    runDelete(routine, obj, keyval as number, old.keyval, old.value, true);
  }
  map.set(keyval as number, { keyval: k, value });
  return map;
}

/** Delete a user attribute through its delete callback (ERR_KEYVAL when it is not set on the object). */
export function deleteAttr(routine: string, kind: AttrKind, obj: unknown, attrs: AttrMap | null, keyval: unknown): void {
  lookup(routine, kind, keyval);
  const a = attrs?.get(keyval as number);
  if (a === undefined) fail(routine, ERR_KEYVAL, `no attribute with keyval ${keyval as number} on this object`);
  attrs!.delete(keyval as number);
  runDelete(routine, obj, keyval as number, a.keyval, a.value, true);
}

/**
 * The attributes a duplicate of `obj` gets, through the copy callbacks
 * (MPI_Comm_dup, MPI_Type_dup). A callback that throws makes the Dup fail
 * with ERR_OTHER (mpi4py prints the Python error and MPI returns it).
 */
export function copyAttrs(routine: string, obj: unknown, attrs: AttrMap | null): AttrMap | null {
  if (attrs === null || attrs.size === 0) return null;
  const out: AttrMap = new Map();
  for (const [keyval, a] of attrs) {
    const copy = a.keyval.copy;
    if (copy === null) continue;
    let value: unknown = a.value;
    if (copy !== true) {
      try {
        value = copy(obj, keyval, a.value);
      } catch (e) {
        report(routine, 'copy', keyval, e);
        throw new Exception(e instanceof Exception ? e.Get_error_code() : ERR_OTHER, `${routine}: the copy callback of keyval ${keyval} threw ${errorText(e)}`);
      }
      if (value === DO_NOT_COPY || value === undefined) continue;
    }
    out.set(keyval, { keyval: a.keyval, value });
  }
  return out;
}

/**
 * Delete every attribute of an object being freed, newest first (MPICH's
 * order), through the delete callbacks. An error in a callback is printed
 * and the object is freed all the same, as in mpi4py.
 */
export function deleteAll(routine: string, obj: unknown, attrs: AttrMap | null): void {
  if (attrs === null) return;
  const entries = [...attrs].reverse();
  attrs.clear();
  for (const [keyval, a] of entries) runDelete(routine, obj, keyval, a.keyval, a.value, false);
}

function runDelete(routine: string, obj: unknown, keyval: number, k: Keyval, value: unknown, raiseErrors: boolean): void {
  if (k.del === null) return;
  try {
    k.del(obj, keyval, value);
  } catch (e) {
    report(routine, 'delete', keyval, e);
    if (raiseErrors) throw new Exception(e instanceof Exception ? e.Get_error_code() : ERR_OTHER, `${routine}: the delete callback of keyval ${keyval} threw ${errorText(e)}`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** What mpi4py's PyMPI_HandleException does: show the callback's error on stderr. */
function report(routine: string, which: string, keyval: number, e: unknown): void {
  process.stderr.write(`mpi4ts: ${routine}: the ${which} callback of attribute keyval ${keyval} threw:\n${e instanceof Error ? e.stack ?? errorText(e) : String(e)}\n`);
}

/** @internal Check a keyval argument is an integer (for the predefined keys). */
export function keyvalArg(routine: string, keyval: unknown): number {
  if (typeof keyval !== 'number' || !Number.isInteger(keyval)) throw new TypeError(`${routine}: keyval must be an integer, got ${describeValue(keyval)}`);
  if (keyval === KEYVAL_INVALID) fail(routine, ERR_KEYVAL, 'invalid keyval (KEYVAL_INVALID)');
  return keyval;
}
