import { ERR_ARG, ERR_GROUP, ERR_RANK } from '../core/errorcodes.js';
import { fail } from './errors.js';
import { IDENT, SIMILAR, UNEQUAL, UNDEFINED, PROC_NULL } from './constants.js';
import { runtime } from './runtime.js';
import { Session } from './session.js';

function checkRanks(routine: string, g: Group, ranks: unknown): number[] {
  if (!Array.isArray(ranks)) throw new TypeError(`${routine}: ranks must be an array of integers, got ${typeof ranks}`);
  const seen = new Set<number>();
  for (const r of ranks) {
    if (typeof r !== 'number' || !Number.isInteger(r)) throw new TypeError(`${routine}: ranks must be integers, got ${String(r)}`);
    if (r < 0 || r >= g.Get_size()) fail(routine, ERR_RANK, `rank ${r} is not in a group of size ${g.Get_size()}`);
    if (seen.has(r)) fail(routine, ERR_RANK, `rank ${r} appears twice`);
    seen.add(r);
  }
  return ranks as number[];
}

/** Ranks to translate: integers in the group, or PROC_NULL; repeats allowed (MPI_Group_translate_ranks). */
function translatable(routine: string, g: Group, ranks: unknown): number[] {
  if (!Array.isArray(ranks) && !(ArrayBuffer.isView(ranks) && !(ranks instanceof DataView))) {
    throw new TypeError(`${routine}: ranks must be an array of integers, got ${typeof ranks}`);
  }
  const rs = Array.from(ranks as ArrayLike<number>, Number);
  for (const r of rs) {
    if (!Number.isInteger(r)) throw new TypeError(`${routine}: ranks must be integers, got ${String(r)}`);
    if ((r < 0 || r >= g.Get_size()) && r !== PROC_NULL) fail(routine, ERR_RANK, `rank ${r} is not in a group of size ${g.Get_size()}`);
  }
  return rs;
}

function expandRanges(routine: string, g: Group, ranges: unknown): number[] {
  if (!Array.isArray(ranges)) throw new TypeError(`${routine}: ranges must be an array of [first, last, stride] triples`);
  const out: number[] = [];
  for (const t of ranges) {
    if (!Array.isArray(t) || t.length !== 3 || !t.every((x) => Number.isInteger(x))) {
      throw new TypeError(`${routine}: each range must be [first, last, stride] integers, got ${JSON.stringify(t)}`);
    }
    const [first, last, stride] = t as [number, number, number];
    if (stride === 0) fail(routine, ERR_ARG, `range [${first}, ${last}, 0] has stride 0`);
    for (let r = first; stride > 0 ? r <= last : r >= last; r += stride) out.push(r);
  }
  return checkRanks(routine, g, out);
}

/**
 * An ordered set of processes: `MPI_Group`. Local objects; creating a
 * communicator from one (`comm.Create(group)`) is the collective step.
 */
export class Group {
  /** @internal Process ids in rank order. */
  readonly ids: Int32Array;
  /**
   * @internal The record of the session whose process set this group comes
   * from (kept by the groups made from it): a communicator made from the
   * group with Create_from_group uses that session's attached buffer.
   */
  session: object | null = null;
  #freed = false;

  /**
   * A null group (`new MPI.Group()`, GROUP_NULL), or another object for the
   * processes of `group` (`new MPI.Group(group)`). Groups come from
   * `comm.Get_group()` and the set operations.
   */
  constructor(ids: Int32Array | Group | null = null) {
    if (ids instanceof Group) {
      this.ids = ids.ids;
      this.session = ids.session;
      this.#freed = ids.#freed;
    } else if (ids === null) {
      this.ids = new Int32Array(0);
      this.#freed = true;
    } else if (ids instanceof Int32Array) {
      this.ids = ids;
    } else {
      throw new TypeError(`Group: expected an MPI.Group to copy, got ${typeof ids}`);
    }
  }

  /** A group of `ids` from the same session as `this`. */
  #derived(ids: Int32Array): Group {
    const g = new Group(ids);
    g.session = this.session;
    return g;
  }

  #live(routine: string): Int32Array {
    if (this.#freed) fail(routine, ERR_GROUP, this === GROUP_NULL ? 'invalid group (GROUP_NULL)' : 'invalid group (freed or null)');
    return this.ids;
  }

  /** True for GROUP_NULL and freed groups. */
  get isNull(): boolean { return this.#freed; }

  /** Same group handle (mpi4py's `==`): a copy made by `new MPI.Group(g)`, or both null. */
  equals(other: unknown): boolean {
    return other instanceof Group && (other.#freed || this.#freed ? other.#freed && this.#freed : other.ids === this.ids);
  }

  /** Number of processes: `MPI_Group_size`. */
  Get_size(): number { return this.#live('Get_size').length; }
  /** As Get_size (mpi4py property `size`). */
  get size(): number { return this.Get_size(); }
  /** This process's rank in the group, or UNDEFINED: `MPI_Group_rank`. */
  Get_rank(): number {
    const i = this.#live('Get_rank').indexOf(runtime.transport.processId);
    return i < 0 ? UNDEFINED : i;
  }
  /** As Get_rank (mpi4py property `rank`). */
  get rank(): number { return this.Get_rank(); }

  /** The processes at `ranks`, in that order: `MPI_Group_incl`. */
  Incl(ranks: readonly number[]): Group {
    const ids = this.#live('Incl');
    return this.#derived(Int32Array.from(checkRanks('Incl', this, ranks), (r) => ids[r]!));
  }
  /** All processes but those at `ranks`: `MPI_Group_excl`. */
  Excl(ranks: readonly number[]): Group {
    const ids = this.#live('Excl');
    const drop = new Set(checkRanks('Excl', this, ranks));
    return this.#derived(ids.filter((_, r) => !drop.has(r)));
  }
  /** Processes in [first, last, stride] ranges: `MPI_Group_range_incl`. */
  Range_incl(ranges: readonly (readonly [number, number, number])[]): Group {
    return this.Incl(expandRanges('Range_incl', this, ranges));
  }
  /** All but the processes in the ranges: `MPI_Group_range_excl`. */
  Range_excl(ranges: readonly (readonly [number, number, number])[]): Group {
    return this.Excl(expandRanges('Range_excl', this, ranges));
  }

  /** Processes of a, then those of b not in a: `MPI_Group_union`. */
  static Union(a: Group, b: Group): Group {
    const ids = [...a.#live('Union')];
    const have = new Set(ids);
    for (const p of b.#live('Union')) if (!have.has(p)) ids.push(p);
    return a.#derived(Int32Array.from(ids));
  }
  /** Processes of a that are also in b, in a's order: `MPI_Group_intersection`. */
  static Intersection(a: Group, b: Group): Group {
    const inB = new Set(b.#live('Intersection'));
    return a.#derived(a.#live('Intersection').filter((p) => inB.has(p)));
  }
  /** Processes of a that are not in b: `MPI_Group_difference`. */
  static Difference(a: Group, b: Group): Group {
    const inB = new Set(b.#live('Difference'));
    return a.#derived(a.#live('Difference').filter((p) => !inB.has(p)));
  }
  /** mpi4py 4's alias of Intersection: `MPI_Group_intersection`. */
  static Intersect(a: Group, b: Group): Group { return Group.Intersection(a, b); }
  /** As Group.Intersect(this, other). */
  Intersect(other: Group): Group { return Group.Intersection(this, other); }
  /** As Group.Union(this, other). */
  Union(other: Group): Group { return Group.Union(this, other); }
  /** As Group.Intersection(this, other). */
  Intersection(other: Group): Group { return Group.Intersection(this, other); }
  /** As Group.Difference(this, other). */
  Difference(other: Group): Group { return Group.Difference(this, other); }

  /** Ranks in `other` of the processes at `ranks` here (UNDEFINED where absent): `MPI_Group_translate_ranks`. */
  static Translate_ranks(a: Group, ranks: readonly number[] | null = null, b: Group | null = null): number[] {
    const ids = a.#live('Translate_ranks');
    if (b !== null && !(b instanceof Group)) throw new TypeError(`Translate_ranks: group must be an MPI.Group or null, got ${typeof b}`);
    // No second group: COMM_WORLD's (mpi4py's default).
    const target = b === null ? runtime.transport.group(runtime.transport.commWorld) : b.#live('Translate_ranks');
    const rs = ranks === null || ranks === undefined ? [...ids.keys()] : translatable('Translate_ranks', a, ranks);
    return rs.map((r) => {
      if (r === PROC_NULL) return PROC_NULL;
      const i = target.indexOf(ids[r]!);
      return i < 0 ? UNDEFINED : i;
    });
  }
  /** Ranks in `group` (COMM_WORLD's by default) of the processes at `ranks` here: `MPI_Group_translate_ranks`. */
  Translate_ranks(ranks: readonly number[] | null = null, group: Group | null = null): number[] { return Group.Translate_ranks(this, ranks, group); }

  /** IDENT (same processes, same order), SIMILAR (same processes), or UNEQUAL: `MPI_Group_compare`. */
  static Compare(a: Group, b: Group): number {
    const x = a.#live('Compare');
    const y = b.#live('Compare');
    if (x.length !== y.length) return UNEQUAL;
    if (x.every((p, i) => p === y[i])) return IDENT;
    const s = new Set(x);
    return y.every((p) => s.has(p)) ? SIMILAR : UNEQUAL;
  }
  /** As Group.Compare(this, other). */
  Compare(other: Group): number { return Group.Compare(this, other); }

  /** A copy: `MPI_Group_dup`. */
  Dup(): Group { return this.#derived(this.#live('Dup').slice()); }

  /** The group of process set `pset_name` of `session` (as `session.Create_group`): `MPI_Group_from_session_pset`. */
  static Create_from_session_pset(session: Session, pset_name: string): Group {
    if (!(session instanceof Session)) {
      throw new TypeError(`Create_from_session_pset: session must be an MPI.Session, got ${session === null ? 'null' : typeof session}`);
    }
    return session.groupOf('Create_from_session_pset', pset_name);
  }
  /** Release the group: `MPI_Group_free`. */
  Free(): void {
    this.#live('Free');
    if (this === GROUP_EMPTY) fail('Free', ERR_GROUP, 'cannot free GROUP_EMPTY');
    this.#freed = true;
  }

  /**
   * Free it unless it is null or predefined (mpi4py 4's `free`): GROUP_EMPTY
   * stays as it is, another object for the empty group becomes null.
   */
  free(): void {
    if (this.#freed || this === GROUP_EMPTY) return;
    if (this.ids === GROUP_EMPTY.ids) this.#freed = true;
    else this.Free();
  }
}

/** The group with no processes: `MPI_GROUP_EMPTY`. */
export const GROUP_EMPTY = new Group(new Int32Array(0));

/** The null group: `MPI_GROUP_NULL`. Calls on it raise ERR_GROUP. */
export const GROUP_NULL = new Group(null);
