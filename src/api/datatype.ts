import { TypeHandle, predefined, basicDesc, type TypeDesc, type PredefinedName } from '../core/datatype.js';
import { ERR_TYPE, ERR_COUNT } from '../core/errorcodes.js';
import { fail } from './errors.js';

/** An MPI datatype (`MPI_Datatype`): predefined, or derived and committed before use. */
export class Datatype extends TypeHandle {
  #desc: TypeDesc;
  #name: string;
  #committed: boolean;
  #freed = false;
  readonly #predefined: boolean;

  /** @internal Use the predefined constants or the `Create_*` constructors. */
  constructor(desc: TypeDesc, predefinedType: boolean) {
    super();
    this.#desc = desc;
    this.#name = desc.name;
    this.#committed = predefinedType;
    this.#predefined = predefinedType;
  }

  /** @internal The layout, checking the handle is usable. */
  override typeDesc(routine: string): TypeDesc {
    this.#live(routine);
    if (!this.#committed) fail(routine, ERR_TYPE, `datatype ${this.#name} is not committed (call Commit() first)`);
    return this.#desc;
  }

  /** Size in bytes of the data in one element: `MPI_Type_size`. */
  Get_size(): number { return this.#live('Get_size').size; }
  get size(): number { return this.Get_size(); }
  /** Lower bound and extent: `MPI_Type_get_extent`. */
  Get_extent(): [number, number] { const d = this.#live('Get_extent'); return [d.lb, d.extent]; }
  get extent(): number { return this.#live('extent').extent; }
  get lb(): number { return this.#live('lb').lb; }
  get ub(): number { const d = this.#live('ub'); return d.lb + d.extent; }
  /** True lower bound and extent: `MPI_Type_get_true_extent`. */
  Get_true_extent(): [number, number] { const d = this.#live('Get_true_extent'); return [d.trueLb, d.trueExtent]; }
  /** Name: `MPI_Type_get_name`. */
  Get_name(): string { return this.#desc === DATATYPE_NULL.#desc ? 'DATATYPE_NULL' : this.#name; }
  /** Set the name: `MPI_Type_set_name`. */
  Set_name(name: string): void { this.#name = String(name); }
  get name(): string { return this.#name; }
  /** True for predefined datatypes. */
  get is_predefined(): boolean { return this.#predefined; }

  /** Make the datatype usable in communication: `MPI_Type_commit`. Returns this datatype. */
  Commit(): this {
    this.#live('Commit');
    this.#committed = true;
    return this;
  }

  /** Release the datatype: `MPI_Type_free`. Predefined datatypes cannot be freed. */
  Free(): void {
    if (this.#predefined) fail('Free', ERR_TYPE, `cannot free predefined datatype ${this.#name}`);
    this.#live('Free');
    this.#freed = true;
  }

  /** A copy with the same layout: `MPI_Type_dup` (committed if this one is). */
  Dup(): Datatype {
    const d = new Datatype(this.#live('Dup'), false);
    d.#committed = this.#committed;
    return d;
  }

  /** `count` consecutive copies of this datatype: `MPI_Type_contiguous`. */
  Create_contiguous(count: number): Datatype {
    const d = this.#live('Create_contiguous');
    if (!Number.isInteger(count)) throw new TypeError(`Create_contiguous: count must be an integer, got ${count}`);
    if (count < 0) fail('Create_contiguous', ERR_COUNT, `negative count ${count}`);
    const blocks: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      for (const [off, len] of d.blocks) {
        const o = i * d.extent + off;
        const last = blocks[blocks.length - 1];
        if (last && last[0] + last[1] === o) last[1] += len;
        else blocks.push([o, len]);
      }
    }
    const contiguous = d.contiguous;
    const desc: TypeDesc = contiguous
      ? { ...basicDesc(`${this.#name}x${count}`, d.element, d.size * count) }
      : {
        name: `${this.#name}x${count}`, size: d.size * count, lb: d.lb, extent: d.extent * count,
        trueLb: d.trueLb, trueExtent: count === 0 ? 0 : (count - 1) * d.extent + d.trueExtent,
        element: d.element, contiguous: false, blocks,
      };
    return new Datatype(desc, false);
  }

  #live(routine: string): TypeDesc {
    if (this.#freed) fail(routine, ERR_TYPE, `datatype ${this.#name} was freed`);
    if (this.#desc.size === 0 && this.#desc.name === 'DATATYPE_NULL') fail(routine, ERR_TYPE, 'DATATYPE_NULL is not a datatype');
    return this.#desc;
  }

  override toString(): string { return `MPI.${this.#name}`; }
}

function make(name: PredefinedName): Datatype {
  return new Datatype(predefined[name], true);
}

export const DATATYPE_NULL = make('DATATYPE_NULL');
export const PACKED = make('PACKED');
export const BYTE = make('BYTE');
export const AINT = make('AINT');
export const OFFSET = make('OFFSET');
export const COUNT = make('COUNT');
export const CHAR = make('CHAR');
export const WCHAR = make('WCHAR');
export const SIGNED_CHAR = make('SIGNED_CHAR');
export const SHORT = make('SHORT');
export const INT = make('INT');
export const LONG = make('LONG');
export const LONG_LONG = make('LONG_LONG');
export const UNSIGNED_CHAR = make('UNSIGNED_CHAR');
export const UNSIGNED_SHORT = make('UNSIGNED_SHORT');
export const UNSIGNED = make('UNSIGNED');
export const UNSIGNED_LONG = make('UNSIGNED_LONG');
export const UNSIGNED_LONG_LONG = make('UNSIGNED_LONG_LONG');
export const FLOAT = make('FLOAT');
export const DOUBLE = make('DOUBLE');
export const C_BOOL = make('C_BOOL');
export const INT8_T = make('INT8_T');
export const INT16_T = make('INT16_T');
export const INT32_T = make('INT32_T');
export const INT64_T = make('INT64_T');
export const UINT8_T = make('UINT8_T');
export const UINT16_T = make('UINT16_T');
export const UINT32_T = make('UINT32_T');
export const UINT64_T = make('UINT64_T');
export const CHARACTER = make('CHARACTER');
export const LOGICAL = make('LOGICAL');
export const INTEGER = make('INTEGER');
export const REAL = make('REAL');
export const DOUBLE_PRECISION = make('DOUBLE_PRECISION');
/** Aliases mpi4py also exports. */
export const SIGNED_SHORT = SHORT;
export const SIGNED_INT = INT;
export const SIGNED_LONG = LONG;
export const SIGNED_LONG_LONG = LONG_LONG;
export const UNSIGNED_INT = UNSIGNED;
export const BOOL = C_BOOL;
