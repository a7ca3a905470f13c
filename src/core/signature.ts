/**
 * Type signatures (MPI 3.3.1, "type matching"): the sequence of basic types
 * a message carries, whatever the layout. `4 INT` and `1 vector-of-4-INT`
 * have the same signature; `4 INT` and `8 INT`, or `1 DOUBLE` and `2 INT`,
 * do not. `--check` (src/coll/check.ts) compares the signatures of the two
 * ends of every transfer of a collective.
 *
 * A signature of any length is summarised in a few numbers: its length in
 * basic elements, its size in bytes and a polynomial hash of the sequence,
 * computed per datatype once (from the parts it was built of,
 * core/datatype.ts `typeParts`) and for `count` copies by doubling, so a
 * million-element vector costs as much as one INT. Basic types are compared
 * by their representation (INT matches INT32_T and INTEGER, LONG matches
 * INT64_T); BYTE and PACKED are untyped and match any signature of as many
 * bytes, as MPI allows for PACKED and as typed-array users expect of a
 * Uint8Array. Reductions compare strictly (`strict`): their op combines
 * elements of one basic type.
 */
import { elementSize, predefined, typeParts, type ElementKind, type TypeDesc } from './datatype.js';

/** The signature of a message: `count` elements of a datatype, summarised. */
export interface TypeSignature {
  /** Number of basic elements. */
  readonly n: number;
  /** Hash of the sequence of basic types, in two halves below 2^26. */
  readonly h1: number;
  readonly h2: number;
  /** Bytes of data. */
  readonly bytes: number;
  /** Only BYTE and PACKED elements: matches anything of as many bytes. */
  readonly untyped: boolean;
}

const P1 = 67108859;
const P2 = 67108837;
const B1 = 131071;
const B2 = 524287;

/** A sequence summary: hash, length and the base raised to the length (to append to it). */
interface Summary {
  readonly n: number;
  readonly h1: number;
  readonly h2: number;
  readonly w1: number;
  readonly w2: number;
  readonly bytes: number;
  readonly untyped: boolean;
}

const EMPTY: Summary = { n: 0, h1: 0, h2: 0, w1: 1, w2: 1, bytes: 0, untyped: true };

// Products of two values below 2^26 stay below 2^52: exact in a double.
function concat(a: Summary, b: Summary): Summary {
  return {
    n: a.n + b.n,
    h1: ((a.h1 * b.w1) % P1 + b.h1) % P1,
    h2: ((a.h2 * b.w2) % P2 + b.h2) % P2,
    w1: (a.w1 * b.w1) % P1,
    w2: (a.w2 * b.w2) % P2,
    bytes: a.bytes + b.bytes,
    untyped: a.untyped && b.untyped,
  };
}

/** `s` repeated `k` times, by doubling. */
function repeat(s: Summary, k: number): Summary {
  let out = EMPTY;
  let p = s;
  while (k > 0) {
    if (k % 2 === 1) out = concat(out, p);
    k = Math.floor(k / 2);
    if (k > 0) p = concat(p, p);
  }
  return out;
}

/** Codes of the basic types, by representation; 1 is BYTE/PACKED (untyped). */
const UNTYPED = 1;
const kindCode: Readonly<Record<ElementKind, number>> = {
  int8: 2, uint8: 3, int16: 4, uint16: 5, int32: 6, uint32: 7, int64: 8, uint64: 9, float32: 10, float64: 11, bool: 12,
  complex64: 13, complex128: 14,
};
/** Names for the basic types in reports, by representation. */
export const kindName: Readonly<Record<ElementKind, string>> = {
  int8: 'SIGNED_CHAR', uint8: 'UNSIGNED_CHAR', int16: 'SHORT', uint16: 'UNSIGNED_SHORT', int32: 'INT', uint32: 'UNSIGNED',
  int64: 'LONG', uint64: 'UNSIGNED_LONG', float32: 'FLOAT', float64: 'DOUBLE', bool: 'C_BOOL',
  complex64: 'C_FLOAT_COMPLEX', complex128: 'C_DOUBLE_COMPLEX',
};

function basic(code: number, bytes: number): Summary {
  return { n: 1, h1: code, h2: code, w1: B1, w2: B2, bytes, untyped: code === UNTYPED };
}

const summaries = new WeakMap<TypeDesc, Summary>();

/** The signature summary of one element of `t`, cached per datatype. */
function summaryOf(t: TypeDesc): Summary {
  let s = summaries.get(t);
  if (s !== undefined) return s;
  const parts = typeParts(t);
  if (parts !== undefined) {
    s = EMPTY;
    for (const p of parts) if (p.count > 0) s = concat(s, repeat(summaryOf(p.type), p.count));
  } else if (t.size === 0) {
    s = EMPTY;
  } else if (t === predefined.BYTE || t === predefined.PACKED) {
    s = basic(UNTYPED, 1);
  } else if (t.pair) {
    // MAXLOC/MINLOC pairs: the value, then an int32 index.
    s = concat(basic(kindCode[t.pair], elementSize[t.pair]), basic(kindCode.int32, 4));
  } else if (t.element !== null) {
    s = repeat(basic(kindCode[t.element], elementSize[t.element]), t.size / elementSize[t.element]);
  } else {
    // Not expected (every derived type records its parts): its bytes, untyped.
    s = repeat(basic(UNTYPED, 1), t.size);
  }
  summaries.set(t, s);
  return s;
}

/** The signature of `count` elements of `type`. */
export function signatureOf(type: TypeDesc, count: number): TypeSignature {
  const s = count === 1 ? summaryOf(type) : repeat(summaryOf(type), count);
  return { n: s.n, h1: s.h1, h2: s.h2, bytes: s.bytes, untyped: s.untyped };
}

/** Whether messages of signatures `a` and `b` match; `strict`: untyped bytes match only untyped bytes. */
export function signaturesMatch(a: TypeSignature, b: TypeSignature, strict = false): boolean {
  if (!strict && (a.untyped || b.untyped)) return a.bytes === b.bytes;
  return a.n === b.n && a.h1 === b.h1 && a.h2 === b.h2 && a.untyped === b.untyped;
}

/**
 * `count` elements of `type` for a report: `4 INT`, and for a derived type
 * also its basic content (`1 INTx4 (4 INT)`, `2 point (4 DOUBLE, 2 INT)` when
 * its parts are few).
 */
export function describeMessage(type: TypeDesc, count: number): string {
  const own = `${count} ${type.name}`;
  if (typeParts(type) === undefined) return own;
  const runs = basicRuns(type, count, 4);
  return runs === null ? `${own} (${signatureOf(type, count).n} basic elements, ${count * type.size} bytes)` : `${own} (${runs || 'empty'})`;
}

/** The basic types of `count` elements of `type` as runs (`4 DOUBLE, 2 INT`), or null past `max` runs. */
function basicRuns(type: TypeDesc, count: number, max: number): string | null {
  const runs: [string, number][] = [];
  const add = (name: string, k: number): boolean => {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === name) last[1] += k;
    else runs.push([name, k]);
    return runs.length <= max;
  };
  const walk = (t: TypeDesc, k: number): boolean => {
    if (k === 0) return true;
    const parts = typeParts(t);
    if (parts !== undefined) {
      // One homogeneous part or element kind: no need to walk the copies.
      if (t.element !== null && !t.pair && t.size > 0 && !hasUntyped(t)) return add(kindName[t.element], k * t.size / elementSize[t.element]);
      for (let i = 0; i < k; i++) for (const p of parts) if (!walk(p.type, p.count)) return false;
      return true;
    }
    if (t.size === 0) return true;
    if (t === predefined.BYTE || t === predefined.PACKED) return add(t.name, k);
    if (t.pair) {
      for (let i = 0; i < k; i++) if (!add(kindName[t.pair], 1) || !add('INT', 1)) return false;
      return true;
    }
    if (t.element !== null) return add(kindName[t.element], k * t.size / elementSize[t.element]);
    return add('BYTE', k * t.size);
  };
  if (!walk(type, count)) return null;
  return runs.map(([name, k]) => `${k} ${name}`).join(', ');
}

function hasUntyped(t: TypeDesc): boolean {
  const parts = typeParts(t);
  if (parts === undefined) return t === predefined.BYTE || t === predefined.PACKED;
  return parts.some((p) => hasUntyped(p.type));
}
