/**
 * Unit tests for derived datatypes (issue #3): the constructors of
 * src/api/datatype.ts, the layouts of src/core/datatype.ts, packing in
 * src/core/pack.ts and the non-contiguous buffer messages of parseBuffer.
 *
 * Run: node --import tsx --test test/unit/datatype_derived.test.ts
 *
 * Expected sizes and extents come from the MPI standard's examples (MPI-4.1
 * section 5.1) worked by hand; pack results are checked against a byte-by-byte
 * reference packer that reads nothing but `TypeDesc.blocks`. The last suite
 * imports the whole API (a singleton world of one rank).
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as DT from '../../src/api/datatype.ts';
import { Datatype } from '../../src/api/datatype.ts';
import { Exception } from '../../src/api/errors.ts';
import { layoutOf, pairTypes, type TypeDesc } from '../../src/core/datatype.ts';
import { pack, unpack, packedSize, packSpan, outgoing, incoming, unpacker } from '../../src/core/pack.ts';
import { parseBuffer } from '../../src/core/msgbuffer.ts';
import { ERR_TYPE, ERR_COUNT, ERR_ARG, ERR_BUFFER, MpiFailure } from '../../src/core/errorcodes.ts';

/** assert.throws for an MPI.Exception (or core MpiFailure) of `errorClass` whose message matches every pattern. */
function throwsMpi(f: () => unknown, errorClass: number, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    if (e instanceof Exception) assert.equal(e.Get_error_class(), errorClass, `error class of: ${e.message}`);
    else if (e instanceof MpiFailure) assert.equal(e.errorClass, errorClass, `error class of: ${e.message}`);
    else assert.fail(`expected MPI.Exception, got ${String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

/** Reference packer: byte loops over `blocks` only. */
function refPack(src: Uint8Array, origin: number, count: number, t: TypeDesc): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    for (const [o, l] of t.blocks) for (let b = 0; b < l; b++) out.push(src[origin + i * t.extent + o + b]!);
  }
  return Uint8Array.from(out);
}

function refUnpack(packed: Uint8Array, dst: Uint8Array, origin: number, count: number, t: TypeDesc): void {
  let p = 0;
  for (let i = 0; i < count; i++) {
    for (const [o, l] of t.blocks) for (let b = 0; b < l; b++) dst[origin + i * t.extent + o + b] = packed[p++]!;
  }
}

/** Memory of `n` bytes holding 1, 2, 3, ... (mod 251, never 0). */
function pattern(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i % 251) + 1);
}

/** Pack `count` elements of `t` at `origin` of pattern memory; compare with the reference, unpack back and compare. */
function roundTrip(t: TypeDesc, count: number, origin = Math.max(0, -packSpan(count, t)[0]), memBytes?: number): Uint8Array {
  const [, hi] = packSpan(count, t);
  const mem = pattern(memBytes ?? origin + hi);
  const want = refPack(mem, origin, count, t);
  const got = new Uint8Array(packedSize(count, t));
  assert.equal(pack(mem, count, t, got, origin), got.length, 'pack returns the end position');
  assert.deepEqual(got, want, `pack of ${count} ${t.name}`);
  const back = new Uint8Array(mem.length);
  const ref = new Uint8Array(mem.length);
  assert.equal(unpack(got, count, t, back, origin), got.length, 'unpack returns the end position');
  refUnpack(want, ref, origin, count, t);
  assert.deepEqual(back, ref, `unpack of ${count} ${t.name}`);
  return got;
}

/** The standard's example old type {(double, 0), (char, 8)}, extent 16. */
function dc(): Datatype {
  return Datatype.Create_struct([1, 1], [0, 8], [DT.DOUBLE, DT.CHAR]);
}

const desc = (t: Datatype): TypeDesc => t.Dup().Commit().typeDesc('test');

describe('sizes and extents (MPI standard examples)', () => {
  test('the struct {double, char}: size 9, extent 16 (padded), true extent 9', () => {
    const t = dc();
    assert.equal(t.Get_size(), 9);
    assert.deepEqual(t.Get_extent(), [0, 16]);
    assert.deepEqual(t.Get_true_extent(), [0, 9]);
    assert.deepEqual(desc(t).blocks, [[0, 9]]);
    assert.equal(desc(t).element, null);
  });

  test('vector(2, 3, 4) of DOUBLE: size 48, extent 56', () => {
    const t = DT.DOUBLE.Create_vector(2, 3, 4);
    assert.equal(t.Get_size(), 48);
    assert.deepEqual(t.Get_extent(), [0, 56]);
    assert.deepEqual(t.Get_true_extent(), [0, 56]);
    assert.deepEqual(desc(t).blocks, [[0, 24], [32, 24]]);
    assert.equal(desc(t).element, 'float64');
    assert.equal(desc(t).contiguous, false);
  });

  test('contiguous(3) of {double, char} (example 5.5): extent 48', () => {
    const t = dc().Create_contiguous(3);
    assert.equal(t.Get_size(), 27);
    assert.deepEqual(t.Get_extent(), [0, 48]);
    assert.deepEqual(t.Get_true_extent(), [0, 41]);
    assert.deepEqual(desc(t).blocks, [[0, 9], [16, 9], [32, 9]]);
  });

  test('vector(2, 3, 4) of {double, char} (example 5.7): size 54, extent 112', () => {
    const t = dc().Create_vector(2, 3, 4);
    assert.equal(t.Get_size(), 54);
    assert.deepEqual(t.Get_extent(), [0, 112]);
    assert.deepEqual(t.Get_true_extent(), [0, 105]);
    assert.deepEqual(desc(t).blocks, [[0, 9], [16, 9], [32, 9], [64, 9], [80, 9], [96, 9]]);
  });

  test('vector(3, 1, -2) of {double, char} (example 5.7, negative stride)', () => {
    const t = dc().Create_vector(3, 1, -2);
    assert.deepEqual(desc(t).blocks, [[0, 9], [-32, 9], [-64, 9]]);
    assert.deepEqual(t.Get_extent(), [-64, 80]);
    assert.deepEqual(t.Get_true_extent(), [-64, 73]);
  });

  test('hvector(2, 3, 4) of {double, char} (example 5.8): extent 52', () => {
    const t = dc().Create_hvector(2, 3, 4);
    assert.equal(t.Get_size(), 54);
    assert.deepEqual(t.Get_extent(), [0, 52]);
    assert.deepEqual(desc(t).blocks, [[0, 9], [16, 9], [32, 9], [4, 9], [20, 9], [36, 9]]);
  });

  test('indexed([3, 1], [4, 0]) of {double, char} (example 5.9): extent 112, type-map order kept', () => {
    const t = dc().Create_indexed([3, 1], [4, 0]);
    assert.equal(t.Get_size(), 36);
    assert.deepEqual(t.Get_extent(), [0, 112]);
    assert.deepEqual(t.Get_true_extent(), [0, 105]);
    assert.deepEqual(desc(t).blocks, [[64, 9], [80, 9], [96, 9], [0, 9]]);
  });

  test('struct([2, 1, 3], [0, 16, 26], [FLOAT, {double, char}, CHAR]) (example 5.11): extent 32', () => {
    const t = Datatype.Create_struct([2, 1, 3], [0, 16, 26], [DT.FLOAT, dc(), DT.CHAR]);
    assert.equal(t.Get_size(), 20);
    assert.deepEqual(t.Get_extent(), [0, 32]);
    assert.deepEqual(t.Get_true_extent(), [0, 29]);
    assert.deepEqual(desc(t).blocks, [[0, 8], [16, 9], [26, 3]]);
  });

  test('hindexed, indexed_block, hindexed_block', () => {
    const a = DT.INT.Create_hindexed([2, 1], [12, 0]);
    assert.deepEqual(desc(a).blocks, [[12, 8], [0, 4]]);
    assert.deepEqual(a.Get_extent(), [0, 20]);
    const b = DT.SHORT.Create_indexed_block(2, [5, 0, 2]);
    assert.deepEqual(desc(b).blocks, [[10, 4], [0, 8]], 'blocks [10,14) [0,4) [4,8): the last two merge');
    assert.equal(b.Get_size(), 12);
    assert.deepEqual(b.Get_extent(), [0, 14]);
    const c = DT.DOUBLE.Create_hindexed_block(1, [16, 0]);
    assert.deepEqual(desc(c).blocks, [[16, 8], [0, 8]]);
    assert.deepEqual(c.Get_extent(), [0, 24]);
  });

  test('resized: lb and extent replace, true extent stays; resized types set the bounds of types built on them', () => {
    const r = DT.DOUBLE.Create_resized(-8, 32);
    assert.deepEqual(r.Get_extent(), [-8, 32]);
    assert.deepEqual(r.Get_true_extent(), [0, 8]);
    assert.equal(r.lb, -8);
    assert.equal(r.ub, 24);
    const c = r.Create_contiguous(3);
    assert.deepEqual(c.Get_extent(), [-8, 96]);
    assert.deepEqual(desc(c).blocks, [[0, 8], [32, 8], [64, 8]]);
    // Explicit bounds win in a struct: the INT at 100 lies beyond ub, and no alignment padding.
    const s = Datatype.Create_struct([1, 1], [0, 100], [DT.INT.Create_resized(0, 6), DT.INT]);
    assert.deepEqual(s.Get_extent(), [0, 6]);
    assert.deepEqual(s.Get_true_extent(), [0, 104]);
  });

  test('empty types: count 0 and zero blocklengths', () => {
    for (const t of [DT.DOUBLE.Create_vector(0, 1, 2), DT.DOUBLE.Create_indexed([], []), DT.INT.Create_hvector(3, 0, 8)]) {
      assert.equal(t.Get_size(), 0);
      assert.deepEqual(t.Get_extent(), [0, 0]);
      assert.deepEqual(t.Get_true_extent(), [0, 0]);
    }
  });

  test('C struct layouts: {int, double, short} has size 14, extent 24; {char, short} 3/4; {int, int} keeps the element kind', () => {
    const s = Datatype.Create_struct([1, 1, 1], [0, 8, 16], [DT.INT, DT.DOUBLE, DT.SHORT]);
    assert.equal(s.Get_size(), 14);
    assert.deepEqual(s.Get_extent(), [0, 24]);
    assert.equal(desc(s).element, null);
    assert.equal(desc(s).align, 8);
    const cs = Datatype.Create_struct([1, 1], [0, 2], [DT.CHAR, DT.SHORT]);
    assert.deepEqual(cs.Get_extent(), [0, 4]);
    const ii = Datatype.Create_struct([1, 2], [0, 4], [DT.INT, DT.INT32_T]);
    assert.equal(desc(ii).element, 'int32');
    assert.equal(desc(ii).contiguous, true, '{int, int[2]} with no gaps is contiguous');
  });

  test('derived types keep the element kind when every basic element shares it', () => {
    assert.equal(desc(DT.FLOAT.Create_vector(3, 2, 5)).element, 'float32');
    assert.equal(desc(DT.DOUBLE.Create_subarray([4, 4], [2, 2], [1, 1])).element, 'float64');
    assert.equal(desc(DT.INT.Create_resized(0, 16)).element, 'int32');
    assert.equal(desc(Datatype.Create_struct([1, 1], [0, 8], [DT.DOUBLE, DT.FLOAT])).element, null);
  });
});

describe('value-index pair types (MAXLOC/MINLOC)', () => {
  test('C layouts of {value; int index;}', () => {
    const want: [Datatype, string, number, number, string, [number, number][]][] = [
      [DT.SHORT_INT, 'SHORT_INT', 6, 8, 'int16', [[0, 2], [4, 4]]],
      [DT.INT_INT, 'INT_INT', 8, 8, 'int32', [[0, 8]]],
      [DT.LONG_INT, 'LONG_INT', 12, 16, 'int64', [[0, 12]]],
      [DT.FLOAT_INT, 'FLOAT_INT', 8, 8, 'float32', [[0, 8]]],
      [DT.DOUBLE_INT, 'DOUBLE_INT', 12, 16, 'float64', [[0, 12]]],
    ];
    for (const [t, name, size, extent, pair, blocks] of want) {
      assert.equal(t.Get_name(), name);
      assert.equal(t.Get_size(), size, `${name} size`);
      assert.deepEqual(t.Get_extent(), [0, extent], `${name} extent`);
      assert.equal(t.is_predefined, true);
      const d = t.typeDesc('test');
      assert.equal(d, pairTypes[name as keyof typeof pairTypes]);
      assert.equal(d.pair, pair);
      assert.deepEqual(d.blocks, blocks);
      throwsMpi(() => t.Free(), ERR_TYPE, /predefined/);
    }
    assert.equal(DT.TWOINT, DT.INT_INT);
    assert.equal(DT.INT_INT.typeDesc('t').element, 'int32');
    assert.equal(DT.DOUBLE_INT.typeDesc('t').element, null);
    assert.equal(DT.DOUBLE_INT.typeDesc('t').contiguous, false);
    assert.deepEqual(DT.DOUBLE_INT.Get_true_extent(), [0, 12]);
  });

  test('Get_value_index', () => {
    assert.equal(Datatype.Get_value_index(DT.DOUBLE, DT.INT), DT.DOUBLE_INT);
    assert.equal(Datatype.Get_value_index(DT.SHORT, DT.INT), DT.SHORT_INT);
    assert.equal(Datatype.Get_value_index(DT.INT, DT.INT), DT.INT_INT);
    assert.equal(Datatype.Get_value_index(DT.BYTE, DT.INT), DT.DATATYPE_NULL);
    assert.equal(Datatype.Get_value_index(DT.DOUBLE, DT.SHORT), DT.DATATYPE_NULL);
  });

  test('an array of DOUBLE_INT sends 12 of every 16 bytes', () => {
    const mem = new DataView(new ArrayBuffer(32));
    mem.setFloat64(0, 1.5, true); mem.setInt32(8, 7, true);
    mem.setFloat64(16, -2.5, true); mem.setInt32(24, 9, true);
    const m = parseBuffer('Send', 'buf', [mem, DT.DOUBLE_INT]);
    assert.equal(m.count, 2);
    assert.equal(m.packed, true);
    const out = new DataView(outgoing(m).buffer);
    assert.equal(out.byteLength, 24);
    assert.deepEqual([out.getFloat64(0, true), out.getInt32(8, true), out.getFloat64(12, true), out.getInt32(20, true)], [1.5, 7, -2.5, 9]);
  });
});

describe('subarrays', () => {
  const a = Int32Array.from({ length: 20 }, (_, i) => i); // 4 x 5 in C order

  function take(t: Datatype, mem: ArrayBufferView, count = 1): number[] {
    const m = parseBuffer('Send', 'buf', [mem, count, t.Commit()]);
    return [...new Int32Array(outgoing(m).slice().buffer)];
  }

  test('C order: rows 1-2, columns 1-3 of a 4 x 5 INT array', () => {
    const t = DT.INT.Create_subarray([4, 5], [2, 3], [1, 1]);
    assert.equal(t.Get_size(), 24);
    assert.deepEqual(t.Get_extent(), [0, 80]);
    assert.deepEqual(t.Get_true_extent(), [24, 32]);
    assert.deepEqual(take(t, a), [6, 7, 8, 11, 12, 13]);
    assert.equal(t.Get_contents()[0].at(-1), DT.ORDER_C);
  });

  test('Fortran order: the first index varies fastest', () => {
    const t = DT.INT.Create_subarray([4, 5], [2, 3], [1, 1], DT.ORDER_FORTRAN);
    assert.deepEqual(t.Get_extent(), [0, 80]);
    assert.deepEqual(t.Get_true_extent(), [20, 40]);
    assert.deepEqual(take(t, a), [5, 6, 9, 10, 13, 14]);
    assert.equal(DT.ORDER_F, DT.ORDER_FORTRAN);
  });

  test('3-D, C order, and count 2 steps over whole arrays', () => {
    const big = Int32Array.from({ length: 2 * 24 }, (_, i) => i); // two 2 x 3 x 4 arrays
    const t = DT.INT.Create_subarray([2, 3, 4], [1, 2, 2], [1, 0, 2]);
    const one = [14, 15, 18, 19];
    assert.deepEqual(take(t, big, 2), [...one, ...one.map((x) => x + 24)]);
  });

  test('the whole array is contiguous and needs no packing', () => {
    const t = DT.DOUBLE.Create_subarray([3, 4], [3, 4], [0, 0]).Commit();
    const m = parseBuffer('Send', 'buf', [new Float64Array(12), t]);
    assert.equal(m.packed, undefined);
    assert.equal(m.bytes.length, 96);
  });

  test('out-of-range and malformed arguments are ERR_ARG', () => {
    throwsMpi(() => DT.INT.Create_subarray([4, 5], [2, 3], [3, 1]), ERR_ARG, /starts\[0\] \+ subsizes\[0\] = 5 exceeds sizes\[0\] = 4/);
    throwsMpi(() => DT.INT.Create_subarray([4, 5], [5, 3], [0, 0]), ERR_ARG, /subsizes\[0\]/);
    throwsMpi(() => DT.INT.Create_subarray([4, 5], [2, 3], [-1, 0]), ERR_ARG, /starts\[0\]/);
    throwsMpi(() => DT.INT.Create_subarray([4, 0], [2, 0], [0, 0]), ERR_ARG, /sizes\[1\]/);
    throwsMpi(() => DT.INT.Create_subarray([4, 5], [0, 3], [0, 0]), ERR_ARG, /subsizes\[0\]/);
    // Sequences of the wrong length: mpi4py's ValueError, RangeError here.
    assert.throws(() => DT.INT.Create_subarray([4, 5], [2], [0, 0]), { name: 'RangeError', message: /subsizes has 1 items, expected 2/ });
    throwsMpi(() => DT.INT.Create_subarray([], [], []), ERR_ARG, /empty/);
    throwsMpi(() => DT.INT.Create_subarray([4], [2], [0], 3), ERR_ARG, /order/);
    assert.throws(() => DT.INT.Create_subarray([4.5], [2], [0]), TypeError);
  });
});

describe('pack and unpack', () => {
  test('every constructor round-trips against the reference', () => {
    const types: Datatype[] = [
      DT.DOUBLE.Create_vector(5, 1, 2), DT.DOUBLE.Create_vector(4, 3, 5), DT.INT.Create_vector(3, 2, -4),
      DT.SHORT.Create_hvector(4, 3, 11), DT.DOUBLE.Create_hvector(3, 2, 20), DT.BYTE.Create_hvector(7, 3, 5),
      DT.FLOAT.Create_indexed([2, 0, 3, 1], [6, 1, 0, 12]), DT.INT.Create_hindexed([1, 2], [-12, 5]),
      DT.DOUBLE.Create_indexed_block(2, [4, 0, 9]), DT.INT.Create_hindexed_block(2, [20, -4, 7]),
      DT.INT.Create_subarray([5, 6, 7], [2, 3, 4], [1, 2, 3]), DT.SHORT.Create_subarray([5, 6], [3, 2], [1, 4], DT.ORDER_F),
      Datatype.Create_struct([1, 2, 3], [0, 8, 17], [DT.DOUBLE, DT.INT, DT.CHAR]),
      Datatype.Create_struct([2, 1], [-16, 4], [DT.DOUBLE, DT.SHORT_INT]),
      DT.DOUBLE.Create_resized(-8, 24), DT.INT.Create_vector(2, 1, 3).Create_resized(4, 40),
      dc().Create_vector(2, 3, 4), dc().Create_indexed([3, 1], [4, 0]), DT.DOUBLE_INT, DT.SHORT_INT,
      DT.DOUBLE.Create_vector(3, 1, 2).Create_contiguous(4), DT.DOUBLE.Create_vector(2, 1, 3).Create_vector(3, 2, 4),
    ];
    for (const t of types) {
      const d = t.Dup().Commit().typeDesc('test');
      for (const count of [0, 1, 2, 3, 17]) roundTrip(d, count);
    }
  });

  test('vector(5, 1, 2) of DOUBLE takes every other element', () => {
    const a = Float64Array.from({ length: 10 }, (_, i) => i * 1.5);
    const t = DT.DOUBLE.Create_vector(5, 1, 2).Commit();
    const m = parseBuffer('Send', 'buf', [a, 1, t]);
    assert.equal(m.packed, true);
    assert.equal(m.origin, 0);
    assert.equal(m.bytes.length, 72);
    assert.deepEqual([...new Float64Array(outgoing(m).buffer)], [0, 3, 6, 9, 12]);
    // And scatters back into every other slot, leaving the rest.
    const into = new Float64Array(10).fill(-1);
    const r = parseBuffer('Recv', 'buf', [into, 1, t]);
    const tmp = incoming(r);
    assert.equal(tmp.length, 40);
    tmp.set(new Uint8Array(Float64Array.of(10, 20, 30, 40, 50).buffer));
    unpacker(r, tmp)!(40);
    assert.deepEqual([...into], [10, -1, 20, -1, 30, -1, 40, -1, 50, -1]);
  });

  test('negative displacements: the origin sits inside the span', () => {
    const t = DT.INT.Create_indexed([1, 1, 1], [-2, 0, 3]).Commit();
    assert.deepEqual(t.Get_extent(), [-8, 24]);
    const a = Int32Array.from({ length: 16 }, (_, i) => i * 10);
    const m = parseBuffer('Send', 'buf', [a, 2, 1, t]); // origin at byte 24 (index 6); elements at indices 4, 6, 9 and 10, 12, 15
    assert.equal(m.origin, 8);
    assert.equal(m.bytes.byteOffset, 16);
    assert.equal(m.bytes.length, 48);
    assert.deepEqual([...new Int32Array(outgoing(m).buffer)], [40, 60, 90, 100, 120, 150]);
    throwsMpi(() => parseBuffer('Send', 'buf', [a, 1, 0, t]), ERR_BUFFER, /reach 8 bytes before the start/);
    throwsMpi(() => parseBuffer('Send', 'buf', [a, 3, 1, t]), ERR_COUNT, /need 88 bytes, buffer has 64/);
  });

  test('resized types: elements step by the new extent', () => {
    const t = DT.DOUBLE.Create_resized(0, 24).Commit();
    const a = Float64Array.from({ length: 9 }, (_, i) => i);
    const m = parseBuffer('Send', 'buf', [a, 3, t]);
    assert.deepEqual([...new Float64Array(outgoing(m).buffer)], [0, 3, 6]);
    // Count inferred from the buffer: 72 bytes / 24.
    assert.equal(parseBuffer('Send', 'buf', [a, t]).count, 3);
    // Negative lb: the data sits at the end of each extent.
    const u = DT.INT.Create_resized(-12, 16).Commit();
    const b = Int32Array.from({ length: 8 }, (_, i) => i);
    const mu = parseBuffer('Send', 'buf', [b, 2, u]);
    assert.deepEqual([...new Int32Array(outgoing(mu).buffer)], [0, 4]);
  });

  test('a single-block type with padding is sent in place for count 1, packed for more', () => {
    const t = DT.INT.Create_hindexed([2], [8]).Create_resized(0, 24).Commit();
    const a = new Int32Array(12);
    const one = parseBuffer('Send', 'buf', [a, 1, t]);
    assert.equal(one.packed, undefined);
    assert.equal(one.bytes.byteOffset, 8);
    assert.equal(one.bytes.length, 8);
    assert.equal(outgoing(one), one.bytes);
    const two = parseBuffer('Send', 'buf', [a, 2, t]);
    assert.equal(two.packed, true);
    assert.equal(outgoing(two).length, 16);
  });

  test('struct over a DataView with mixed types and padding', () => {
    // struct { int32 a; double b; int16 c; } x 3, C layout: 0, 8, 16; extent 24.
    const t = Datatype.Create_struct([1, 1, 1], [0, 8, 16], [DT.INT, DT.DOUBLE, DT.SHORT]).Commit();
    const dv = new DataView(new ArrayBuffer(72));
    for (let i = 0; i < 3; i++) {
      dv.setInt32(i * 24, 100 + i, true);
      dv.setFloat64(i * 24 + 8, i + 0.25, true);
      dv.setInt16(i * 24 + 16, -i, true);
      dv.setUint8(i * 24 + 4, 0xee); // padding: not sent
    }
    const m = parseBuffer('Send', 'buf', [dv, t]);
    assert.equal(m.count, 3);
    const out = outgoing(m);
    assert.equal(out.length, 42);
    const o = new DataView(out.buffer);
    for (let i = 0; i < 3; i++) {
      assert.equal(o.getInt32(i * 14, true), 100 + i);
      assert.equal(o.getFloat64(i * 14 + 4, true), i + 0.25);
      assert.equal(o.getInt16(i * 14 + 12, true), 0 - i);
    }
    // Into a Uint8Array and a Float64Array of the same bytes: any typed memory works.
    const back = new Uint8Array(72);
    const r = parseBuffer('Recv', 'buf', [back, t]);
    const into = incoming(r);
    into.set(out);
    unpacker(r, into)!(out.length);
    const bv = new DataView(back.buffer);
    assert.equal(bv.getFloat64(32, true), 1.25);
    assert.equal(bv.getUint8(4), 0, 'padding untouched');
    assert.equal(parseBuffer('Send', 'buf', [new Float64Array(9), t]).count, 3);
  });

  test('a receive of a shorter message unpacks only what arrived, stopping inside a block', () => {
    const t = DT.INT.Create_vector(3, 2, 3).Commit(); // blocks of 8 bytes at 0, 12, 24
    const into = new Int32Array(16).fill(-1);
    const r = parseBuffer('Recv', 'buf', [into, 2, t]);
    const tmp = incoming(r);
    tmp.set(new Uint8Array(Int32Array.from({ length: 12 }, (_, i) => i + 1).buffer));
    unpacker(r, tmp)!(8 * 4 + 4); // one element (24 bytes) and 12 more: 1.5 blocks
    assert.deepEqual([...into], [1, 2, -1, 3, 4, -1, 5, 6, 7, 8, -1, 9, -1, -1, -1, -1]);
  });

  test('fast paths keep bit patterns: NaN payloads and int64 through vectors of doubles', () => {
    const n = 4096;
    const words = new Uint32Array(n * 4);
    for (let i = 0; i < words.length; i += 2) { words[i] = (i * 2654435761) >>> 0; words[i + 1] = 0x7ff00000 | (i & 0xfffff); }
    const mem = new Uint8Array(words.buffer);
    const t = DT.DOUBLE.Create_vector(n, 1, 2).Commit().typeDesc('t');
    for (let rep = 0; rep < 50; rep++) { // warm the loops up to optimised code
      const out = new Uint8Array(n * 8);
      pack(mem, 1, t, out);
      const o = new Uint32Array(out.buffer);
      if (rep % 10 === 0 || rep === 49) {
        for (let i = 0; i < n; i++) {
          if (o[2 * i] !== words[4 * i] || o[2 * i + 1] !== words[4 * i + 1]) assert.fail(`word ${i} changed on rep ${rep}`);
        }
        const back = new Uint8Array(mem.length);
        unpack(out, 1, t, back);
        const b = new Uint32Array(back.buffer);
        for (let i = 0; i < n; i++) {
          if (b[4 * i] !== words[4 * i] || b[4 * i + 1] !== words[4 * i + 1] || b[4 * i + 2] !== 0) assert.fail(`unpack word ${i} on rep ${rep}`);
        }
      }
    }
  });

  test('random nested types at random alignments match the reference', () => {
    let seed = 12345;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
    const bases = [DT.BYTE, DT.SHORT, DT.INT, DT.FLOAT, DT.DOUBLE, DT.DOUBLE_INT, DT.SHORT_INT];
    const build = (depth: number): Datatype => {
      const b = depth === 0 ? bases[rnd(bases.length)]! : build(depth - 1);
      switch (rnd(7)) {
        case 0: return b.Create_contiguous(1 + rnd(4));
        case 1: return b.Create_vector(1 + rnd(5), 1 + rnd(3), rnd(9) - 2);
        case 2: return b.Create_hvector(1 + rnd(4), 1 + rnd(3), rnd(64) - 16);
        case 3: return b.Create_indexed([1 + rnd(3), rnd(3), 1 + rnd(2)], [rnd(10) - 3, rnd(10), rnd(10)]);
        case 4: return b.Create_hindexed_block(1 + rnd(2), [rnd(40), rnd(40) - 20]);
        case 5: return b.Create_resized(rnd(16) - 8, 1 + rnd(64));
        default: return Datatype.Create_struct([1 + rnd(2), 1], [0, 8 * rnd(6) + rnd(3)], [b, bases[rnd(bases.length)]!]);
      }
    };
    for (let k = 0; k < 300; k++) {
      const d = build(rnd(3)).Commit().typeDesc('t');
      if (d.size === 0) continue;
      const count = rnd(6);
      const [lo, hi] = packSpan(count, d);
      const origin = -lo + rnd(8);
      roundTrip(d, count, origin, origin + hi + rnd(8));
    }
  });

  test('pack and unpack check their bounds', () => {
    const t = DT.DOUBLE.Create_vector(2, 1, 2).Commit().typeDesc('t');
    assert.throws(() => pack(new Uint8Array(16), 1, t, new Uint8Array(16)), RangeError);
    assert.throws(() => pack(new Uint8Array(24), 1, t, new Uint8Array(15)), RangeError);
    assert.throws(() => unpack(new Uint8Array(16), 1, t, new Uint8Array(23)), RangeError);
    assert.equal(pack(new Uint8Array(24), 1, t, new Uint8Array(20), 0, 4), 20);
  });

  test('layouts are typed arrays; blocks are built on demand and merged', () => {
    const t = DT.DOUBLE.Create_vector(100000, 1, 2).Commit().typeDesc('t');
    const l = layoutOf(t);
    assert.equal(l.offsets.length, 100000);
    assert.equal(l.offsets[99999], 1599984);
    assert.deepEqual(t.blocks.slice(0, 2), [[0, 8], [16, 8]]);
    const c = DT.DOUBLE.Create_vector(100000, 2, 2).Commit().typeDesc('t');
    assert.deepEqual(c.blocks, [[0, 1600000]]);
    assert.equal(c.contiguous, true);
  });
});

describe('Datatype API: arguments, lifecycle, decoding', () => {
  test('negative counts are ERR_COUNT, negative blocklengths ERR_ARG, non-integers TypeError', () => {
    throwsMpi(() => DT.INT.Create_vector(-1, 1, 1), ERR_COUNT, /^Create_vector: count must be non-negative, got -1/);
    throwsMpi(() => DT.INT.Create_hvector(-2, 1, 1), ERR_COUNT);
    throwsMpi(() => DT.INT.Create_vector(2, -1, 1), ERR_ARG, /blocklength/);
    throwsMpi(() => DT.INT.Create_indexed([1, -1], [0, 4]), ERR_ARG, /blocklengths\[1\]/);
    throwsMpi(() => DT.INT.Create_hindexed([-1], [0]), ERR_ARG);
    throwsMpi(() => DT.INT.Create_indexed_block(-1, [0]), ERR_ARG);
    throwsMpi(() => DT.INT.Create_hindexed_block(-3, [0]), ERR_ARG);
    throwsMpi(() => Datatype.Create_struct([-1], [0], [DT.INT]), ERR_ARG);
    // Sequences of the wrong length: mpi4py's ValueError, RangeError here.
    assert.throws(() => DT.INT.Create_indexed([1, 1], [0]), { name: 'RangeError', message: /displacements has 1 items, expected 2/ });
    assert.throws(() => Datatype.Create_struct([1, 1], [0, 4], [DT.INT]), { name: 'RangeError', message: /datatypes has 1 items/ });
    assert.throws(() => DT.INT.Create_vector(1.5, 1, 1), TypeError);
    assert.throws(() => DT.INT.Create_resized(0, Number.NaN), TypeError);
    assert.throws(() => DT.INT.Create_indexed([1], 0 as unknown as number[]), TypeError);
    assert.throws(() => Datatype.Create_struct([1], [0], ['i' as unknown as Datatype]), TypeError);
  });

  test('constructors on DATATYPE_NULL or a freed type are ERR_TYPE; building on an uncommitted one is fine', () => {
    const freed = DT.INT.Create_contiguous(2);
    freed.Free();
    for (const t of [DT.DATATYPE_NULL, freed]) {
      throwsMpi(() => t.Create_vector(1, 1, 1), ERR_TYPE, /^Create_vector: /);
      throwsMpi(() => t.Create_hvector(1, 1, 1), ERR_TYPE);
      throwsMpi(() => t.Create_indexed([1], [0]), ERR_TYPE);
      throwsMpi(() => t.Create_hindexed([1], [0]), ERR_TYPE);
      throwsMpi(() => t.Create_indexed_block(1, [0]), ERR_TYPE);
      throwsMpi(() => t.Create_hindexed_block(1, [0]), ERR_TYPE);
      throwsMpi(() => t.Create_subarray([2], [1], [0]), ERR_TYPE);
      throwsMpi(() => t.Create_resized(0, 4), ERR_TYPE);
      throwsMpi(() => t.Commit(), ERR_TYPE);
      throwsMpi(() => Datatype.Create_struct([1], [0], [t]), ERR_TYPE, /^Create_struct: /);
    }
    const u = DT.INT.Create_vector(2, 1, 2);
    const v = u.Create_contiguous(2).Commit();
    assert.equal(v.Get_size(), 16);
  });

  test('an uncommitted or freed derived type cannot describe a buffer: ERR_TYPE', () => {
    const t = DT.DOUBLE.Create_vector(2, 1, 2);
    throwsMpi(() => parseBuffer('Send', 'buf', [new Float64Array(4), 1, t]), ERR_TYPE, /not committed/);
    t.Commit();
    assert.equal(parseBuffer('Send', 'buf', [new Float64Array(4), 1, t]).packed, true);
    t.Free();
    throwsMpi(() => parseBuffer('Send', 'buf', [new Float64Array(4), 1, t]), ERR_TYPE, /freed/);
  });

  test('count inference needs whole extents', () => {
    const t = DT.DOUBLE.Create_vector(5, 1, 2).Commit(); // extent 72
    throwsMpi(() => parseBuffer('Send', 'buf', [new Float64Array(10), t]), ERR_COUNT, /not a whole number/);
    assert.equal(parseBuffer('Send', 'buf', [new Float64Array(18), t]).count, 2);
    const z = DT.INT.Create_resized(0, 0).Commit();
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int32Array(2), z]), ERR_TYPE, /extent 0: give a count/);
    const m = parseBuffer('Send', 'buf', [new Int32Array(2), 3, z]);
    assert.deepEqual([...outgoing(m)].length, 12, 'extent 0: the same element three times');
  });

  test('Dup keeps the layout (and pair kind); Get_envelope / Get_contents', () => {
    const d = DT.DOUBLE_INT.Dup();
    assert.equal(d.typeDesc('t').pair, 'float64');
    assert.deepEqual(d.Get_envelope(), [0, 0, 0, 1, DT.COMBINER_DUP]);
    assert.equal(d.Get_contents()[3][0], DT.DOUBLE_INT);
    assert.deepEqual(DT.INT.Get_envelope(), [0, 0, 0, 0, DT.COMBINER_NAMED]);
    assert.equal(DT.INT.is_named, true);
    throwsMpi(() => DT.INT.Get_contents(), ERR_TYPE, /named/);
    const v = DT.DOUBLE.Create_vector(5, 1, 2);
    assert.equal(v.combiner, DT.COMBINER_VECTOR);
    assert.deepEqual(v.Get_contents(), [[5, 1, 2], [], [], [DT.DOUBLE]]);
    const h = v.Create_hvector(2, 1, 100);
    const [ints, addrs, , types] = h.Get_contents();
    assert.deepEqual([ints, addrs], [[2, 1], [100]]);
    assert.equal(types[0]!.Get_size(), 40);
    assert.notEqual(types[0], v, 'derived members come back as new handles');
    v.Free();
    assert.equal(types[0]!.Get_size(), 40, 'unaffected by freeing the original');
    const s = Datatype.Create_struct([1, 2], [0, 8], [DT.DOUBLE, DT.INT]);
    assert.deepEqual(s.Get_envelope(), [3, 2, 0, 2, DT.COMBINER_STRUCT]);
    assert.deepEqual(s.Get_contents().slice(0, 3), [[2, 1, 2], [0, 8], []]);
    assert.deepEqual(DT.INT.Create_indexed([2, 1], [3, 0]).Get_contents()[0], [2, 2, 1, 3, 0]);
    assert.deepEqual(DT.INT.Create_indexed_block(2, [3, 0]).Get_contents()[0], [2, 2, 3, 0]);
    assert.deepEqual(DT.INT.Create_resized(-4, 12).Get_contents().slice(0, 2), [[], [-4, 12]]);
    assert.equal(DT.INT.Create_subarray([4], [2], [1]).combiner, DT.COMBINER_SUBARRAY);
  });

  test('true bounds, Pack_size, Pack and Unpack', () => {
    const t = DT.INT.Create_indexed([1, 1], [1, 3]).Create_resized(0, 16).Commit();
    assert.equal(DT.INT.Create_indexed([1, 1], [1, 3]).Get_extent()[1], 12, 'lb is the lowest displacement');
    assert.equal(t.true_lb, 4);
    assert.equal(t.true_ub, 16);
    assert.equal(t.true_extent, 12);
    assert.equal(t.Pack_size(3), 24);
    const a = Int32Array.from({ length: 8 }, (_, i) => i); // 2 elements of extent 16
    const out = new Int32Array(6).fill(-1);
    assert.equal(t.Pack(a, out, 4), 20);
    assert.deepEqual([...out], [-1, 1, 3, 5, 7, -1]);
    const back = new Int32Array(8).fill(0);
    assert.equal(t.Unpack(out, 4, back), 20);
    assert.deepEqual([...back], [0, 1, 0, 3, 0, 5, 0, 7]);
    throwsMpi(() => t.Pack(a, new Int32Array(3), 0), ERR_BUFFER, /no room/);
  });
});

describe('derived types through the public API (singleton world)', () => {
  test('Send/Recv/Irecv/Sendrecv_replace with vectors on COMM_SELF, Get_count and truncation in elements', async () => {
    const { MPI } = await import('../../src/index.ts');
    const self = MPI.COMM_SELF;
    const v = MPI.DOUBLE.Create_vector(5, 1, 2).Commit();
    const a = Float64Array.from({ length: 10 }, (_, i) => i);

    // vector -> contiguous
    const five = new Float64Array(5);
    const req = self.Irecv(five, 0, 1);
    self.Send([a, 1, v], 0, 1);
    req.Wait();
    assert.deepEqual([...five], [0, 2, 4, 6, 8]);

    // contiguous -> vector, through Irecv: unpacked when the request completes
    const into = new Float64Array(10).fill(-1);
    const st = new MPI.Status();
    const r2 = self.Irecv([into, 1, v], 0, 2);
    self.Send(Float64Array.of(10, 20, 30, 40, 50), 0, 2);
    assert.deepEqual([...into], Array(10).fill(-1), 'nothing lands before completion');
    r2.Wait(st);
    assert.deepEqual([...into], [10, -1, 20, -1, 30, -1, 40, -1, 50, -1]);
    assert.equal(st.Get_count(v), 1);
    assert.equal(st.Get_count(MPI.DOUBLE), 5);

    // Sendrecv_replace: the vector's slots swap in place
    const b = Float64Array.from({ length: 10 }, (_, i) => i);
    self.Sendrecv_replace([b, 1, v], 0, 3, 0, 3);
    assert.deepEqual([...b], Array.from({ length: 10 }, (_, i) => i));

    // Truncation: 2 vectors into room for 1 reports elements of the type, and the part that fits lands.
    const big = Float64Array.from({ length: 20 }, (_, i) => 100 + i);
    const small = new Float64Array(10).fill(-1);
    self.Isend([big, 2, MPI.DOUBLE.Create_vector(5, 1, 2).Create_resized(0, 80).Commit()], 0, 4);
    assert.throws(() => self.Recv([small, 1, v], 0, 4), (e: unknown) => {
      assert.ok(e instanceof MPI.Exception);
      assert.equal(e.Get_error_class(), MPI.ERR_TRUNCATE);
      assert.match(e.message, /message of 2 .* truncated into buffer of 1/);
      return true;
    });
    assert.deepEqual([...small], [100, -1, 102, -1, 104, -1, 106, -1, 108, -1]);
    v.Free();
  });
});
