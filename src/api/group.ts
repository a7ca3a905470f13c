import { ERR_ARG, ERR_GROUP, ERR_RANK } from '../core/errorcodes.js';
import { fail } from './errors.js';
import { IDENT, SIMILAR, UNEQUAL, UNDEFINED } from './constants.js';
import { runtime } from './runtime.js';

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
  #freed = false;

  /** @internal Groups come from `comm.Get_group()` and the set operations. */
  constructor(ids: Int32Array) {
    this.ids = ids;
  }

  #live(routine: string): Int32Array {
    if (this.#freed) fail(routine, ERR_GROUP, 'group was freed');
    return this.ids;
  }

  /** Number of processes: `MPI_Group_size`. */
  Get_size(): number { return this.#live('Get_size').length; }
  get size(): number { return this.Get_size(); }
  /** This process's rank in the group, or UNDEFINED: `MPI_Group_rank`. */
  Get_rank(): number {
    const i = this.#live('Get_rank').indexOf(runtime.transport.processId);
    return i < 0 ? UNDEFINED : i;
  }
  get rank(): number { return this.Get_rank(); }

  /** The processes at `ranks`, in that order: `MPI_Group_incl`. */
  Incl(ranks: readonly number[]): Group {
    const ids = this.#live('Incl');
    return new Group(Int32Array.from(checkRanks('Incl', this, ranks), (r) => ids[r]!));
  }
  /** All processes but those at `ranks`: `MPI_Group_excl`. */
  Excl(ranks: readonly number[]): Group {
    const ids = this.#live('Excl');
    const drop = new Set(checkRanks('Excl', this, ranks));
    return new Group(ids.filter((_, r) => !drop.has(r)));
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
    return new Group(Int32Array.from(ids));
  }
  /** Processes of a that are also in b, in a's order: `MPI_Group_intersection`. */
  static Intersection(a: Group, b: Group): Group {
    const inB = new Set(b.#live('Intersection'));
    return new Group(a.#live('Intersection').filter((p) => inB.has(p)));
  }
  /** Processes of a that are not in b: `MPI_Group_difference`. */
  static Difference(a: Group, b: Group): Group {
    const inB = new Set(b.#live('Difference'));
    return new Group(a.#live('Difference').filter((p) => !inB.has(p)));
  }
  Union(other: Group): Group { return Group.Union(this, other); }
  Intersection(other: Group): Group { return Group.Intersection(this, other); }
  Difference(other: Group): Group { return Group.Difference(this, other); }

  /** Ranks in `other` of the processes at `ranks` here (UNDEFINED where absent): `MPI_Group_translate_ranks`. */
  static Translate_ranks(a: Group, ranks: readonly number[] | null, b: Group): number[] {
    const ids = a.#live('Translate_ranks');
    const target = b.#live('Translate_ranks');
    const rs = ranks === null ? [...ids.keys()] : checkRanks('Translate_ranks', a, ranks);
    return rs.map((r) => {
      const i = target.indexOf(ids[r]!);
      return i < 0 ? UNDEFINED : i;
    });
  }
  Translate_ranks(ranks: readonly number[] | null, other: Group): number[] { return Group.Translate_ranks(this, ranks, other); }

  /** IDENT (same processes, same order), SIMILAR (same processes), or UNEQUAL: `MPI_Group_compare`. */
  static Compare(a: Group, b: Group): number {
    const x = a.#live('Compare');
    const y = b.#live('Compare');
    if (x.length !== y.length) return UNEQUAL;
    if (x.every((p, i) => p === y[i])) return IDENT;
    const s = new Set(x);
    return y.every((p) => s.has(p)) ? SIMILAR : UNEQUAL;
  }
  Compare(other: Group): number { return Group.Compare(this, other); }

  /** A copy: `MPI_Group_dup`. */
  Dup(): Group { return new Group(this.#live('Dup').slice()); }
  /** Release the group: `MPI_Group_free`. */
  Free(): void {
    if (this === GROUP_EMPTY) fail('Free', ERR_GROUP, 'cannot free GROUP_EMPTY');
    this.#freed = true;
  }
}

/** The group with no processes: `MPI_GROUP_EMPTY`. */
export const GROUP_EMPTY = new Group(new Int32Array(0));
