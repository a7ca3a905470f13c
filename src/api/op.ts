import { predefinedOps, userOp, type ReduceOp, type PredefinedOpName, type UserFunction } from '../core/reduce.js';
import { parseBuffer, type BufferSpec } from '../core/msgbuffer.js';
import { outgoing, unpack } from '../core/pack.js';
import type { TypeDesc } from '../core/datatype.js';
import { ERR_OP } from '../core/errorcodes.js';
import { describe } from './args.js';
import * as DT from './datatype.js';
import { Datatype } from './datatype.js';
import { fail, raise } from './errors.js';

/** What an `Op` handle stands for; copies made with `new Op(op)` share it, as MPI handles do. */
interface OpState {
  core: ReduceOp | null;
  readonly name: string;
  readonly predefined: boolean;
  readonly fn: UserFunction | null;
  freed: boolean;
}

/**
 * Makes instances of subclasses functions: the constructor returns `fn` with
 * the subclass's prototype, so `op(x, y)` works and `op instanceof Op` holds.
 * The prototype chain ends in Function.prototype (call, apply, bind).
 */
class Callable {
  constructor(fn: (x: unknown, y: unknown) => unknown) {
    Object.setPrototypeOf(fn, new.target.prototype);
    return fn;
  }
}
Object.setPrototypeOf(Callable.prototype, Function.prototype);

/** The MPI.Datatype a user function receives for a layout. */
const predefinedHandles = new Map<TypeDesc, Datatype>();
for (const v of Object.values(DT)) {
  if (v instanceof Datatype && v.is_predefined && v !== DT.DATATYPE_NULL) {
    let d: TypeDesc;
    try { d = v.typeDesc('Op'); } catch { continue; } // LONG_DOUBLE & co.: no layout to reduce
    if (!predefinedHandles.has(d)) predefinedHandles.set(d, v);
  }
}
const derivedHandles = new WeakMap<TypeDesc, Datatype>();
function datatypeOf(type: TypeDesc): Datatype {
  let h = predefinedHandles.get(type) ?? derivedHandles.get(type);
  if (h === undefined) {
    h = new Datatype(type, false).Commit();
    derivedHandles.set(type, h);
  }
  return h;
}

function sameLayout(x: TypeDesc, y: TypeDesc): boolean {
  if (x === y) return true;
  if (x.element !== y.element || (x.pair ?? null) !== (y.pair ?? null) || x.size !== y.size || x.extent !== y.extent) return false;
  if (x.blocks.length !== y.blocks.length) return false;
  return x.blocks.every(([o, l], i) => o === y.blocks[i]![0] && l === y.blocks[i]![1]);
}

let makeOp!: (state: OpState) => Op;
/** The state of every null operation. */
const NULL_STATE: OpState = { core: null, name: 'OP_NULL', predefined: true, fn: null, freed: false };
/** The module's operation constants (OP_NULL, SUM, ...), which `free()` leaves alone. */
const constantOps = new WeakSet<Op>();

/** A short hash of a function's source, to compare created operations across ranks. */
function sourceHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** An operation applied as `op(x, y)`, like mpi4py's `MPI.SUM(2, 3)` (typed `Any` there too). */
export interface Op {
  (x: any, y: any): any;
}

/**
 * A reduction operation: `MPI_Op`. The predefined operations (`MPI.SUM`,
 * `MPI.MAX`, ...) and those made with `Op.Create` are functions too, as in
 * mpi4py: `MPI.SUM(2, 3) === 5`, `[1, 2, 3].reduce(MPI.MAX)`.
 */
export class Op extends Callable {
  #state: OpState;

  /** A null operation (OP_NULL), or another handle to the same operation as `op`. */
  constructor(op?: Op) {
    const f = function (...args: unknown[]): unknown {
      // Python's __call__(x, y): fewer arguments are a TypeError (more are allowed: `[1, 2].reduce(MPI.MAX)` passes four).
      if (args.length < 2) throw new TypeError(`${String(f)}(x, y) takes 2 arguments, got ${args.length}`);
      return (f as unknown as Op).#call(args[0], args[1]);
    };
    super(f);
    if (op === undefined || op === null) {
      this.#state = NULL_STATE;
    } else if (op instanceof Op) {
      this.#state = op.#state;
    } else {
      throw new TypeError(`Op: op must be an MPI.Op, got ${describe(op)}`);
    }
    Object.defineProperty(this, 'name', { value: this.#state.name, configurable: true });
  }

  static {
    makeOp = (state: OpState): Op => {
      const op = new Op();
      op.#state = state;
      Object.defineProperty(op, 'name', { value: state.name, configurable: true });
      return op;
    };
  }

  /**
   * A user-defined operation: `MPI_Op_create`. On objects, `fn(a, b)` returns
   * the result. On buffers, `fn(invec, inoutvec, datatype)` gets typed views
   * of the element kind (Float64Array for DOUBLE, BigInt64Array for LONG,
   * Uint8Array for types without one element kind) and must leave
   * `invec op inoutvec` in `inoutvec`. `invec` is the lower ranks' operand;
   * with `commute = false` reductions apply the function in rank order.
   */
  static Create(fn: UserFunction | Op, commute: boolean = false): Op {
    if (typeof fn !== 'function') throw new TypeError(`Op.Create: function must be a function, got ${describe(fn)}`);
    if (typeof commute !== 'boolean') throw new TypeError(`Op.Create: commute must be a boolean, got ${describe(commute)}`);
    let core: ReduceOp;
    if (fn instanceof Op) {
      // An existing operation used as the function: apply it, with this commute flag.
      const inner = fn.reduceOp('Op.Create');
      core = Object.freeze({ name: 'user', commute, combine: inner.combine, combineBuffers: inner.combineBuffers });
    } else {
      core = userOp(fn, commute, datatypeOf);
    }
    return makeOp({ core, name: 'user', predefined: false, fn: fn as UserFunction, freed: false });
  }

  /** @internal The core operation; raises ERR_OP for OP_NULL and freed operations. */
  reduceOp(routine: string): ReduceOp {
    const s = this.#state;
    if (s.freed) fail(routine, ERR_OP, 'operation was freed');
    if (s.core === null) fail(routine, ERR_OP, 'OP_NULL is not an operation');
    return s.core;
  }

  #call(x: unknown, y: unknown): unknown {
    const s = this.#state;
    // mpi4py raises ValueError when OP_NULL is called.
    if (s.core === null && !s.freed) throw new RangeError(`${this.toString()}(x, y): OP_NULL is not an operation`);
    if (s.core === null || s.freed) this.reduceOp(`${this.toString()}(x, y)`);
    return s.core!.combine(x, y);
  }

  /** Release a user-defined operation: `MPI_Op_free`. Predefined operations cannot be freed. */
  Free(): void {
    const s = this.#state;
    if (s.core === null) fail('Op.Free', ERR_OP, 'OP_NULL is not an operation');
    if (s.predefined) fail('Op.Free', ERR_OP, `cannot free predefined operation MPI.${s.name}`);
    if (s.freed) fail('Op.Free', ERR_OP, 'operation was freed');
    s.freed = true;
  }

  /**
   * Free it unless it is null or predefined (mpi4py 4's `free`): the module
   * constants (MPI.SUM, ...) stay as they are, another object for a
   * predefined operation becomes OP_NULL, a created one is freed.
   */
  free(): void {
    const s = this.#state;
    if (s.core === null || s.freed || constantOps.has(this)) return;
    if (s.predefined) this.#state = NULL_STATE;
    else this.Free();
  }

  /** True for OP_NULL and freed operations (mpi4py's `not op`). */
  get isNull(): boolean { return this.#state.core === null || this.#state.freed; }

  /** Whether the operation is commutative: `MPI_Op_commutative`. */
  Is_commutative(): boolean {
    return this.reduceOp('Op.Is_commutative').commute;
  }
  /** As Is_commutative (mpi4py property `is_commutative`). */
  get is_commutative(): boolean { return this.Is_commutative(); }

  /** True for predefined operations and OP_NULL (a freed operation is OP_NULL). */
  get is_predefined(): boolean {
    return this.#state.predefined || this.#state.freed;
  }

  /**
   * Apply the operation to local buffers: `MPI_Reduce_local`,
   * `inoutbuf[i] = inbuf[i] op inoutbuf[i]`.
   */
  Reduce_local(inbuf: BufferSpec, inoutbuf: BufferSpec): void {
    const routine = 'Reduce_local';
    const core = this.reduceOp(routine);
    let a, d;
    try {
      a = parseBuffer(routine, 'inbuf', inbuf);
      d = parseBuffer(routine, 'inoutbuf', inoutbuf, true);
    } catch (e) { raise(routine, e); }
    if (a.count !== d.count) {
      throw new RangeError(`${routine}: mismatch in inbuf count ${a.count} and inoutbuf count ${d.count}`);
    }
    if (!sameLayout(a.type, d.type)) {
      throw new RangeError(`${routine}: mismatch in inbuf and inoutbuf datatypes (${a.type.name} and ${d.type.name})`);
    }
    try {
      // Reduce packed data: non-contiguous buffers are packed first, inoutbuf unpacked after.
      const inv = outgoing(a);
      if (!d.packed) {
        core.combineBuffers(d.bytes, inv, d.bytes, d.count, d.type);
      } else {
        const io = outgoing(d);
        core.combineBuffers(io, inv, io, d.count, d.type);
        unpack(io, d.count, d.type, d.bytes, d.origin ?? 0);
      }
    } catch (e) { raise(routine, e); }
  }

  /**
   * @internal How `--check` tells operations apart across ranks: the name of
   * a predefined one; for a created one also its function's source, so two
   * different anonymous functions differ.
   */
  get signature(): string {
    const s = this.#state;
    return s.fn === null || s.freed ? this.toString() : `${this.toString()} [source ${sourceHash(String(s.fn))}]`;
  }

  override toString(): string {
    const s = this.#state;
    if (s.freed) return 'MPI.Op(freed)';
    if (s.predefined) return `MPI.${s.name}`;
    const fname = s.fn?.name || 'anonymous';
    return `MPI.Op(${fname}${s.core!.commute ? ', commute=true' : ''})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** mpi4py's `==`: the same operation handle (`MPI.Op(op) == op`). */
  equals(other: unknown): boolean {
    if (!(other instanceof Op)) return false;
    // OP_NULL, `new MPI.Op()` and freed operations are all the null handle.
    const isNull = (s: OpState): boolean => s.core === null || s.freed;
    return other.#state === this.#state || (isNull(other.#state) && isNull(this.#state));
  }
}

/**
 * @internal The core operation of an `op` argument, for collectives: a
 * TypeError when it is not an MPI.Op, MPI.Exception(ERR_OP) for OP_NULL and
 * freed operations.
 */
export function toReduceOp(routine: string, op: unknown): ReduceOp {
  if (!(op instanceof Op)) throw new TypeError(`${routine}: op must be an MPI.Op, got ${describe(op)}`);
  return op.reduceOp(routine);
}

function predefinedOp(name: PredefinedOpName): Op {
  const op = makeOp({ core: predefinedOps[name], name, predefined: true, fn: null, freed: false });
  constantOps.add(op);
  return op;
}

/** The null operation: `MPI_OP_NULL`. */
export const OP_NULL: Op = new Op();
/** Sum: numbers, BigInts; on objects also strings and arrays (concatenated) and typed arrays (element-wise). */
export const SUM: Op = predefinedOp('SUM');
/** Product. */
export const PROD: Op = predefinedOp('PROD');
/** Maximum. */
export const MAX: Op = predefinedOp('MAX');
/** Minimum. */
export const MIN: Op = predefinedOp('MIN');
/** Logical and. */
export const LAND: Op = predefinedOp('LAND');
/** Logical or. */
export const LOR: Op = predefinedOp('LOR');
/** Logical exclusive or. */
export const LXOR: Op = predefinedOp('LXOR');
/** Bit-wise and. */
export const BAND: Op = predefinedOp('BAND');
/** Bit-wise or. */
export const BOR: Op = predefinedOp('BOR');
/** Bit-wise exclusive or. */
export const BXOR: Op = predefinedOp('BXOR');
/** Maximum and its location: on `[value, index]` pairs, the lower index on ties. */
export const MAXLOC: Op = predefinedOp('MAXLOC');
/** Minimum and its location: on `[value, index]` pairs, the lower index on ties. */
export const MINLOC: Op = predefinedOp('MINLOC');
/** Replace: `(x, y) => y`. */
export const REPLACE: Op = predefinedOp('REPLACE');
/** No operation: `(x, y) => x`. */
export const NO_OP: Op = predefinedOp('NO_OP');
