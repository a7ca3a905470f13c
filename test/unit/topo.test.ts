/**
 * Unit tests of the topology arithmetic (src/coll/topo.ts) and of
 * MPI.Compute_dims (src/api/topo.ts), no ranks needed.
 *
 * Run: node --import tsx --test test/unit/topo.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as topo from '../../src/coll/topo.ts';
import { Compute_dims } from '../../src/api/topo.ts';
import { Exception } from '../../src/api/errors.ts';
import { ERR_ARG, ERR_DIMS } from '../../src/core/errorcodes.ts';
import { PROC_NULL } from '../../src/core/matching.ts';

function expectMpi(cls: number, fn: () => unknown, mentions?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Exception, `expected MPI.Exception, got ${String(e)}`);
    assert.equal(e.Get_error_class(), cls, e.message);
    if (mentions) assert.ok(e.message.includes(mentions), `'${e.message}' should mention '${mentions}'`);
    return true;
  });
}

/** All non-increasing k-tuples of positive integers with product m (brute force). */
function allFactorings(m: number, k: number, cap = m): number[][] {
  if (k === 0) return m === 1 ? [[]] : [];
  const out: number[][] = [];
  for (let d = 1; d <= Math.min(m, cap); d++) {
    if (m % d) continue;
    for (const rest of allFactorings(m / d, k - 1, d)) out.push([d, ...rest]);
  }
  return out;
}

describe('Compute_dims (MPI_Dims_create)', () => {
  const table: [number, number | number[], number[]][] = [
    [6, 2, [3, 2]],
    [7, 2, [7, 1]],
    [12, 3, [3, 2, 2]],
    [6, [0, 3, 0], [2, 3, 1]],
    [1, 1, [1]],
    [1, 3, [1, 1, 1]],
    [4, 2, [2, 2]],
    [8, 3, [2, 2, 2]],
    [16, 2, [4, 4]],
    [16, 3, [4, 2, 2]],
    [24, 2, [6, 4]],
    [30, 3, [5, 3, 2]],
    [36, 3, [4, 3, 3]],
    [40, 3, [5, 4, 2]],
    [64, 4, [4, 4, 2, 2]],
    [1024, 10, Array(10).fill(2)],
    [12, [0, 2], [6, 2]],
    [12, [2, 0, 0], [2, 3, 2]],
    [8, [2, 0, 0], [2, 2, 2]],
    [6, [2, 3], [2, 3]],
    [5, [0, 1, 0], [5, 1, 1]],
    [1, 0, []],
    [1, [], []],
    [2147483647, 2, [2147483647, 1]],
  ];
  for (const [n, dims, want] of table) {
    test(`(${n}, ${JSON.stringify(dims)}) -> ${JSON.stringify(want)}`, () => {
      assert.deepEqual(Compute_dims(n, dims), want);
    });
  }

  test('the input array is not modified', () => {
    const dims = [0, 3, 0];
    Compute_dims(6, dims);
    assert.deepEqual(dims, [0, 3, 0]);
  });

  test('optimal balance: no factoring of n has a smaller spread (n <= 96, up to 4 dimensions)', () => {
    for (let n = 1; n <= 96; n++) {
      for (let k = 1; k <= 4; k++) {
        const got = Compute_dims(n, k);
        assert.equal(got.length, k);
        assert.equal(topo.product(got), n, `(${n}, ${k}) -> ${got}`);
        for (let i = 1; i < k; i++) assert.ok(got[i - 1]! >= got[i]!, `(${n}, ${k}) -> ${got} is not non-increasing`);
        const spreads = allFactorings(n, k).map((f) => f[0]! - f[k - 1]!);
        assert.equal(got[0]! - got[k - 1]!, Math.min(...spreads), `(${n}, ${k}) -> ${got} is not the most balanced`);
      }
    }
  });

  test('large inputs finish quickly', () => {
    const t0 = performance.now();
    assert.deepEqual(Compute_dims(2 ** 30, 30), Array(30).fill(2));
    assert.equal(topo.product(Compute_dims(720720, 6)), 720720);
    assert.equal(topo.product(Compute_dims(1_102_701_600, 8)), 1_102_701_600);
    assert.deepEqual(Compute_dims(1 << 20, 2), [1024, 1024]);
    assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
  });

  test('impossible constraints: ERR_DIMS naming the values', () => {
    expectMpi(ERR_DIMS, () => Compute_dims(7, [2, 0]), '[2, 0]');
    expectMpi(ERR_DIMS, () => Compute_dims(6, [4]), '[4]');
    expectMpi(ERR_DIMS, () => Compute_dims(6, [2, 2]));
    expectMpi(ERR_DIMS, () => Compute_dims(6, 0));
    expectMpi(ERR_DIMS, () => Compute_dims(6, [-1, 0]), 'dims[0] = -1');
    expectMpi(ERR_DIMS, () => Compute_dims(6, -2), '-2');
    expectMpi(ERR_ARG, () => Compute_dims(0, 2), 'nnodes');
    expectMpi(ERR_ARG, () => Compute_dims(-4, 2), '-4');
  });

  test('wrong types: TypeError', () => {
    assert.throws(() => Compute_dims('6' as unknown as number, 2), TypeError);
    assert.throws(() => Compute_dims(6.5, 2), TypeError);
    assert.throws(() => Compute_dims(6, 'x' as unknown as number), TypeError);
    assert.throws(() => Compute_dims(6, [1.5, 0]), TypeError);
    assert.throws(() => Compute_dims(6, null as unknown as number), TypeError);
  });

  test('typed arrays are accepted for dims', () => {
    assert.deepEqual(Compute_dims(12, new Int32Array([0, 0])), [4, 3]);
  });
});

describe('Cartesian coordinates and ranks (row-major)', () => {
  test('coordinates of a 2 x 3 grid', () => {
    const dims = [2, 3];
    const want = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]];
    want.forEach((c, r) => {
      assert.deepEqual(topo.cartCoords(r, dims), c);
      assert.equal(topo.cartRank(c, dims, [false, false]), r);
    });
  });

  test('round trip on grids of 1 to 4 dimensions', () => {
    for (const dims of [[5], [3, 4], [2, 3, 4], [2, 1, 3, 2], [1, 1]]) {
      const n = topo.product(dims);
      for (let r = 0; r < n; r++) {
        const c = topo.cartCoords(r, dims);
        assert.equal(c.length, dims.length);
        c.forEach((x, i) => assert.ok(x >= 0 && x < dims[i]!));
        assert.equal(topo.cartRank(c, dims, dims.map(() => false)), r);
      }
    }
  });

  test('zero dimensions: one process at []', () => {
    assert.deepEqual(topo.cartCoords(0, []), []);
    assert.equal(topo.cartRank([], [], []), 0);
  });

  test('periodic dimensions wrap, non-periodic ones do not', () => {
    const dims = [3, 4];
    assert.equal(topo.cartRank([-1, 0], dims, [true, false]), 8);
    assert.equal(topo.cartRank([3, 0], dims, [true, false]), 0);
    assert.equal(topo.cartRank([-7, 2], dims, [true, false]), 2 * 4 + 2);
    assert.equal(topo.cartRank([0, 4], dims, [true, false]), null);
    assert.equal(topo.cartRank([0, -1], dims, [true, false]), null);
    assert.equal(topo.cartRank([0, -1], dims, [true, true]), 3);
  });
});

describe('Shift', () => {
  test('1-D, periodic and not', () => {
    const dims = [4];
    assert.deepEqual(topo.cartShift([0], dims, [true], 0, 1), [3, 1]);
    assert.deepEqual(topo.cartShift([3], dims, [true], 0, 1), [2, 0]);
    assert.deepEqual(topo.cartShift([0], dims, [false], 0, 1), [PROC_NULL, 1]);
    assert.deepEqual(topo.cartShift([3], dims, [false], 0, 1), [2, PROC_NULL]);
    assert.deepEqual(topo.cartShift([1], dims, [false], 0, 2), [PROC_NULL, 3]);
    assert.deepEqual(topo.cartShift([1], dims, [true], 0, 5), [0, 2]);
    assert.deepEqual(topo.cartShift([1], dims, [true], 0, -1), [2, 0]);
    assert.deepEqual(topo.cartShift([2], dims, [false], 0, 0), [2, 2]);
    assert.deepEqual(topo.cartShift([2], dims, [false], 0, 4), [PROC_NULL, PROC_NULL]);
  });

  test('2-D: only the shifted coordinate moves', () => {
    const dims = [3, 2];
    const periods = [true, false];
    // (1, 0) is rank 2.
    assert.deepEqual(topo.cartShift([1, 0], dims, periods, 0, 1), [0, 4]);
    assert.deepEqual(topo.cartShift([1, 0], dims, periods, 1, 1), [PROC_NULL, 3]);
    assert.deepEqual(topo.cartShift([0, 1], dims, periods, 0, 1), [5, 3]);
    assert.deepEqual(topo.cartShift([0, 1], dims, periods, 1, 1), [0, PROC_NULL]);
  });

  test('a periodic dimension of size 1 or 2 gives the same neighbour both ways', () => {
    assert.deepEqual(topo.cartShift([0], [1], [true], 0, 1), [0, 0]);
    assert.deepEqual(topo.cartShift([0], [2], [true], 0, 1), [1, 1]);
    assert.deepEqual(topo.cartShift([0], [1], [false], 0, 1), [PROC_NULL, PROC_NULL]);
  });

  test('neighbour order: per dimension -1 then +1; sends +1 before -1', () => {
    // (1, 1) in a 3 x 3 grid is rank 4.
    assert.deepEqual(topo.cartNeighbors([1, 1], [3, 3], [false, false]), [1, 7, 3, 5]);
    assert.deepEqual(topo.cartNeighbors([0, 0], [3, 3], [false, true]), [PROC_NULL, 3, 2, 1]);
    assert.deepEqual(topo.cartSendOrder(3), [1, 0, 3, 2, 5, 4]);
    assert.deepEqual(topo.cartSendOrder(0), []);
  });
});

describe('Sub', () => {
  test('colour is the row-major index of the dropped coordinates', () => {
    const dims = [2, 3, 4];
    assert.deepEqual(topo.cartSub([1, 2, 3], dims, [true, false, false]), { color: 2 * 4 + 3, keep: [0] });
    assert.deepEqual(topo.cartSub([1, 2, 3], dims, [false, true, false]), { color: 1 * 4 + 3, keep: [1] });
    assert.deepEqual(topo.cartSub([1, 2, 3], dims, [true, true, true]), { color: 0, keep: [0, 1, 2] });
    assert.deepEqual(topo.cartSub([1, 2, 3], dims, [false, false, false]), { color: 1 * 12 + 2 * 4 + 3, keep: [] });
  });

  test('processes of one colour, in rank order, are row-major in the kept coordinates', () => {
    const dims = [3, 2, 2];
    const remain = [true, false, true];
    const groups = new Map<number, number[]>();
    for (let r = 0; r < 12; r++) {
      const { color } = topo.cartSub(topo.cartCoords(r, dims), dims, remain);
      (groups.get(color) ?? groups.set(color, []).get(color)!).push(r);
    }
    assert.equal(groups.size, 2);
    for (const members of groups.values()) {
      members.forEach((r, newRank) => {
        const c = topo.cartCoords(r, dims);
        assert.deepEqual(topo.cartCoords(newRank, [3, 2]), [c[0], c[2]]);
      });
    }
  });
});

describe('graphs', () => {
  test('index in MPI form or CSR form', () => {
    assert.deepEqual(topo.graphIndex([2, 3, 4], 4), [2, 3, 4]);
    assert.deepEqual(topo.graphIndex([0, 2, 3, 4], 4), [2, 3, 4]);
    assert.deepEqual(topo.graphIndex([], 0), []);
    assert.deepEqual(topo.graphIndex([0], 0), [0]);
  });

  test('neighbours of each node', () => {
    const index = [2, 3, 4, 6];
    const edges = [1, 3, 0, 3, 0, 2];
    assert.deepEqual(topo.graphNeighbors(index, edges, 0), [1, 3]);
    assert.deepEqual(topo.graphNeighbors(index, edges, 1), [0]);
    assert.deepEqual(topo.graphNeighbors(index, edges, 2), [3]);
    assert.deepEqual(topo.graphNeighbors(index, edges, 3), [0, 2]);
  });

  test('distributed graph consistency', () => {
    assert.equal(topo.distGraphMismatch([[[1], [1]], [[0], [0]]]), null);
    assert.equal(topo.distGraphMismatch([[[0, 0], [0, 0]]]), null);
    assert.match(topo.distGraphMismatch([[[], [1]], [[], []]])!, /rank 0 lists 1 as a destination/);
    assert.match(topo.distGraphMismatch([[[], []], [[0], []]])!, /rank 1 lists 0 as a source/);
    assert.match(topo.distGraphMismatch([[[], [1, 1]], [[0], []]])!, /1 more time/);
  });
});
