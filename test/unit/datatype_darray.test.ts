/**
 * Unit tests for `Datatype.Create_darray` (MPI_Type_create_darray) and
 * `Status.Get_elements` on derived datatypes (issue #3).
 *
 * Run: node --import tsx --test test/unit/datatype_darray.test.ts
 *
 * Expected element lists are worked by hand from the MPI standard's
 * definition (section 5.1.4): the process grid is row-major, BLOCK gives
 * block ceil(g/p) (or darg) at coord * block, CYCLIC deals blocks of darg
 * round robin, and the type map lists the owned elements in the array's
 * storage order at their offsets in the whole array.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as DT from '../../src/api/datatype.ts';
import { Datatype } from '../../src/api/datatype.ts';
import { Status } from '../../src/api/status.ts';
import { Exception } from '../../src/api/errors.ts';
import { ERR_ARG } from '../../src/core/errorcodes.ts';

const { DISTRIBUTE_BLOCK: BLOCK, DISTRIBUTE_CYCLIC: CYCLIC, DISTRIBUTE_NONE: NONE, DISTRIBUTE_DFLT_DARG: DFLT } = DT;
const UNDEFINED = -32766;

/** Indices (in INT elements from the origin) of the data of one element of `t`, in type-map order. */
function indices(t: Datatype, total: number): number[] {
  const src = Int32Array.from({ length: total }, (_, i) => i);
  const out = new Int32Array(t.Get_size() / 4);
  t.Pack(src, out, 0);
  return Array.from(out);
}

function darray(size: number, rank: number, gsizes: number[], distribs: number[], dargs: number[], psizes: number[], order = DT.ORDER_C): Datatype {
  return DT.INT.Create_darray(size, rank, gsizes, distribs, dargs, psizes, order).Commit();
}

const prod = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);

function throwsArg(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof Exception, `expected MPI.Exception, got ${String(e)}`);
    assert.equal(e.Get_error_class(), ERR_ARG);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('Create_darray', () => {
  test('constants have MPICH values', () => {
    assert.deepEqual([BLOCK, CYCLIC, NONE, DFLT], [121, 122, 123, -49767]);
  });

  test('1-D BLOCK with the default block: ceil(10/3) = 4 per process, the last one short', () => {
    assert.deepEqual([0, 1, 2].map((r) => indices(darray(3, r, [10], [BLOCK], [DFLT], [3]), 10)),
      [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const t = darray(3, 2, [10], [BLOCK], [DFLT], [3]);
    assert.deepEqual([t.Get_size(), ...t.Get_extent()], [8, 0, 40], 'size 2 INT, lb 0, extent the whole array');
  });

  test('1-D BLOCK with darg 3 over 4 processes of 10: the last block is short, none empty', () => {
    assert.deepEqual([0, 1, 2, 3].map((r) => indices(darray(4, r, [10], [BLOCK], [3], [4]), 10)),
      [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  });

  test('1-D BLOCK with darg 5 over 3 processes of 8: the third process owns nothing', () => {
    const t = darray(3, 2, [8], [BLOCK], [5], [3]);
    assert.deepEqual([t.Get_size(), t.Get_extent()[1]], [0, 32]);
    assert.deepEqual(indices(darray(3, 1, [8], [BLOCK], [5], [3]), 8), [5, 6, 7]);
  });

  test('1-D CYCLIC: default darg 1 deals elements round robin, darg 2 deals pairs', () => {
    assert.deepEqual([0, 1, 2].map((r) => indices(darray(3, r, [10], [CYCLIC], [DFLT], [3]), 10)),
      [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
    assert.deepEqual([0, 1, 2].map((r) => indices(darray(3, r, [10], [CYCLIC], [2], [3]), 10)),
      [[0, 1, 6, 7], [2, 3, 8, 9], [4, 5]]);
  });

  test('2-D BLOCK x BLOCK, C order: rank 4 of a 2 x 3 grid owns rows 2-3, columns 2-3 of 4 x 6', () => {
    // Grid coords of rank 4: (1, 1), row-major.
    assert.deepEqual(indices(darray(6, 4, [4, 6], [BLOCK, BLOCK], [DFLT, DFLT], [2, 3]), 24), [14, 15, 20, 21]);
    assert.deepEqual(indices(darray(6, 2, [4, 6], [BLOCK, BLOCK], [DFLT, DFLT], [2, 3]), 24), [4, 5, 10, 11]);
  });

  test('2-D BLOCK x BLOCK, Fortran order: the first index varies fastest', () => {
    // Element (i, j) of a 4 x 6 Fortran array is at i + 4 j; rank 4 owns i in 2..3, j in 2..3.
    assert.deepEqual(indices(darray(6, 4, [4, 6], [BLOCK, BLOCK], [DFLT, DFLT], [2, 3], DT.ORDER_FORTRAN), 24), [10, 11, 14, 15]);
  });

  test('2-D NONE x CYCLIC(2), C order: whole rows, pairs of columns', () => {
    assert.deepEqual(indices(darray(2, 1, [3, 5], [NONE, CYCLIC], [DFLT, 2], [1, 2]), 15), [2, 3, 7, 8, 12, 13]);
    assert.deepEqual(indices(darray(2, 0, [3, 5], [NONE, CYCLIC], [DFLT, 2], [1, 2]), 15), [0, 1, 4, 5, 6, 9, 10, 11, 14]);
  });

  test('3-D mixed distributions, both orders: the processes partition the array', () => {
    const cases: [number[], number[], number[], number[]][] = [
      [[5, 4, 3], [BLOCK, CYCLIC, NONE], [DFLT, DFLT, DFLT], [3, 2, 1]],
      [[7, 2, 5], [CYCLIC, BLOCK, CYCLIC], [2, 1, 3], [2, 2, 2]],
      [[6, 6], [CYCLIC, CYCLIC], [1, 4], [5, 1]],
    ];
    for (const [gs, dist, dargs, ps] of cases) {
      for (const order of [DT.ORDER_C, DT.ORDER_FORTRAN]) {
        const n = prod(ps);
        const total = prod(gs);
        const seen = new Array<number>(total).fill(0);
        for (let r = 0; r < n; r++) {
          const idx = indices(darray(n, r, gs, dist, dargs, ps, order), total);
          assert.deepEqual(idx, [...idx].sort((a, b) => a - b), `storage order, rank ${r}`);
          for (const i of idx) seen[i]!++;
          assert.equal(darray(n, r, gs, dist, dargs, ps, order).Get_extent()[1], total * 4);
        }
        assert.deepEqual(seen, new Array<number>(total).fill(1), `each element owned once: ${JSON.stringify([gs, dist, dargs, ps, order])}`);
      }
    }
  });

  test('of a derived old type: a darray of DOUBLE pairs', () => {
    const pair = DT.DOUBLE.Create_contiguous(2).Commit();
    const t = pair.Create_darray(2, 1, [4], [BLOCK], [DFLT], [2]).Commit();
    assert.deepEqual([t.Get_size(), ...t.Get_extent()], [32, 0, 64]);
    const src = Float64Array.from({ length: 8 }, (_, i) => i);
    const out = new Float64Array(4);
    t.Pack(src, out, 0);
    assert.deepEqual(Array.from(out), [4, 5, 6, 7]);
  });

  test('Get_envelope / Get_contents give the constructor arguments', () => {
    const t = darray(6, 4, [4, 6], [BLOCK, CYCLIC], [DFLT, 2], [2, 3]);
    assert.equal(t.Get_envelope()[4], DT.COMBINER_DARRAY);
    assert.deepEqual(t.Get_contents()[0], [6, 4, 2, 4, 6, BLOCK, CYCLIC, DFLT, 2, 2, 3, DT.ORDER_C]);
    assert.equal(t.Get_contents()[3][0], DT.INT);
  });

  test('bad arguments are ERR_ARG naming the argument and value, TypeError for non-integers', () => {
    throwsArg(() => DT.INT.Create_darray(4, 0, [8], [BLOCK], [DFLT], [3]), /psizes \[3\] make a grid of 3 processes, size is 4/);
    throwsArg(() => DT.INT.Create_darray(2, 2, [8], [BLOCK], [DFLT], [2]), /rank 2 is not below size 2/);
    throwsArg(() => DT.INT.Create_darray(2, 0, [8], [NONE], [DFLT], [2]), /distribs\[0\] is DISTRIBUTE_NONE but psizes\[0\] = 2/);
    throwsArg(() => DT.INT.Create_darray(2, 0, [8], [BLOCK], [3], [2]), /dargs\[0\] \* psizes\[0\] = 6 does not cover gsizes\[0\] = 8/);
    throwsArg(() => DT.INT.Create_darray(2, 0, [8], [7], [DFLT], [2]), /distribs\[0\] = 7 is not/);
    throwsArg(() => DT.INT.Create_darray(2, 0, [8], [CYCLIC], [0], [2]), /dargs\[0\] = 0 must be positive/);
    // Sequences of the wrong length: mpi4py's ValueError, RangeError here.
    assert.throws(() => DT.INT.Create_darray(2, 0, [8, 2], [CYCLIC], [1], [2]), { name: 'RangeError', message: /distribs has 1 items, expected 2/ });
    throwsArg(() => DT.INT.Create_darray(1, 0, [8], [BLOCK], [DFLT], [1], 3), /order must be ORDER_C or ORDER_FORTRAN, got 3/);
    assert.throws(() => DT.INT.Create_darray(2, 0.5, [8], [BLOCK], [DFLT], [2]), TypeError);
  });
});

describe('Status.Get_elements and Get_count', () => {
  function status(bytes: number): Status {
    const st = new Status();
    st.Set_elements(DT.BYTE, bytes);
    return st;
  }

  test('predefined types: whole elements, UNDEFINED inside one', () => {
    assert.deepEqual([status(12).Get_elements(DT.INT), status(12).Get_count(DT.INT)], [3, 3]);
    assert.deepEqual([status(10).Get_elements(DT.INT), status(10).Get_count(DT.INT)], [UNDEFINED, UNDEFINED]);
    assert.equal(status(12).Get_elements(DT.DOUBLE_INT), 2, 'one DOUBLE_INT is a double and an int (12 bytes of data)');
    assert.deepEqual([status(24).Get_elements(DT.DOUBLE_INT), status(20).Get_elements(DT.DOUBLE_INT)], [4, 3]);
    assert.equal(status(16).Get_elements(DT.DOUBLE_INT), UNDEFINED, 'ends inside the second double');
    assert.equal(status(8).Get_elements(DT.DOUBLE_INT), 1, 'the double of a partial pair');
    assert.equal(status(16).Get_elements(DT.INT_INT), 4);
  });

  test('a vector of 3 blocks of 2 INT counts 6 basic elements per element', () => {
    const v = DT.INT.Create_vector(3, 2, 4).Commit();
    assert.deepEqual([status(24).Get_elements(v), status(24).Get_count(v)], [6, 1]);
    assert.deepEqual([status(48).Get_elements(v), status(48).Get_count(v)], [12, 2]);
    assert.deepEqual([status(12).Get_elements(v), status(12).Get_count(v)], [3, UNDEFINED], 'half an element: 3 INT, no whole count');
    assert.deepEqual([status(14).Get_elements(v), status(14).Get_count(v)], [UNDEFINED, UNDEFINED]);
    assert.equal(status(0).Get_elements(v), 0);
  });

  test('a struct { int; double; double } counts its members in type-map order', () => {
    const s = Datatype.Create_struct([1, 2], [0, 8], [DT.INT, DT.DOUBLE]).Commit(); // size 20
    assert.equal(s.Get_size(), 20);
    assert.deepEqual([status(20).Get_elements(s), status(40).Get_elements(s)], [3, 6]);
    assert.deepEqual([status(24).Get_elements(s), status(32).Get_elements(s)], [4, 5], 'a partial element: the int, then a double');
    assert.equal(status(28).Get_elements(s), UNDEFINED, 'ends inside a double');
    assert.equal(status(28).Get_count(s), UNDEFINED);
    // Nested: a contiguous pair of the struct, resized, duplicated.
    const c = s.Create_contiguous(2).Create_resized(0, 64).Dup().Commit();
    assert.deepEqual([status(40).Get_elements(c), status(44).Get_elements(c), status(44).Get_count(c)], [6, 7, UNDEFINED]);
  });

  test('subarray, indexed and darray types count their basic elements', () => {
    const sub = DT.DOUBLE.Create_subarray([4, 4], [2, 3], [1, 1]).Commit();
    assert.equal(status(sub.Get_size()).Get_elements(sub), 6);
    const ix = DT.SHORT.Create_indexed([1, 3], [0, 5]).Commit();
    assert.equal(status(2 * ix.Get_size()).Get_elements(ix), 8);
    const d = darray(3, 0, [10], [CYCLIC], [DFLT], [3]);
    assert.deepEqual([status(d.Get_size()).Get_elements(d), status(d.Get_size()).Get_count(d)], [4, 1]);
  });

  test('Set_elements sets basic elements: Get_elements gives them back', () => {
    const v = DT.INT.Create_vector(3, 2, 4).Commit();
    const st = new Status();
    st.Set_elements(v, 6);
    assert.deepEqual([st.Get_elements(v), st.Get_count(v), st.Get_count(DT.BYTE)], [6, 1, 24]);
    st.Set_elements(v, 3);
    assert.deepEqual([st.Get_elements(v), st.Get_count(v)], [3, UNDEFINED]);
    const s = Datatype.Create_struct([1, 2], [0, 8], [DT.INT, DT.DOUBLE]).Commit();
    st.Set_elements(s, 4);
    assert.deepEqual([st.Get_elements(s), st.Get_count(DT.BYTE)], [4, 24], 'one struct (20 bytes) and its int');
    st.Set_elements(DT.INT, 5);
    assert.deepEqual([st.Get_elements(DT.INT), st.Get_count(DT.INT), st.count], [5, 5, 20]);
    assert.throws(() => st.Set_elements(DT.INT, -1), RangeError);
  });

  test('datatype is required and must be a Datatype', () => {
    assert.throws(() => (status(4).Get_elements as (d: unknown) => number)(null), TypeError);
  });
});
