/** Port of mpi4py's test/test_op.py (array.array is Int32Array / Uint8Array here). */
import { MPI } from 'mpi4ts';
import { TestCase, pyEqual } from './unittest.ts';

type Op = InstanceType<typeof MPI.Op>;
type Datatype = InstanceType<typeof MPI.Datatype>;

/** Python's `array.array(typecode, bytes)`: a typed array of `typecode` ('i') over a copy of the data's bytes. */
function asarray(_typecode: 'i', data: ArrayBufferView): Int32Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return new Int32Array(bytes.buffer);
}

function mysum_obj(a: ArrayLike<number>, b: { [i: number]: number; length: number }): typeof b {
  for (let i = 0; i < a.length; i++) b[i] = a[i]! + b[i]!;
  return b;
}

function mysum_buf(a: ArrayBufferView, b: ArrayBufferView, dt: Datatype): void {
  if (!pyEqual(dt, MPI.INT)) throw new Error('assert dt == MPI.INT');
  if (a.byteLength !== b.byteLength) throw new Error('assert len(a) == len(b)');
  const r = mysum_obj(asarray('i', a), asarray('i', b)) as Int32Array;
  new Uint8Array(b.buffer, b.byteOffset, b.byteLength).set(new Uint8Array(r.buffer));
}

// Python's duck typing: objects (two arguments) or buffers and a datatype (three).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function mysum(ba: any, bb: any, dt?: Datatype): unknown {
  if (dt === undefined || dt === null) return mysum_obj(ba, bb);
  return mysum_buf(ba, bb, dt);
}

function mybor(a: Uint8Array, b: Uint8Array, dt: Datatype): void {
  if (!pyEqual(dt, MPI.BYTE)) throw new Error('assert dt == MPI.BYTE');
  if (a.length !== b.length) throw new Error('assert len(a) == len(b)');
  for (let i = 0; i < a.length; i++) b[i] = a[i]! | b[i]!;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export class TestOp extends TestCase {
  static override skips = {
    testPicklePredefined: 'JavaScript has no pickle module (an Op is a handle of its rank)',
    testPickleUserDefined: 'JavaScript has no pickle module (an Op is a handle of its rank)',
  };

  testConstructor(): void {
    const op = new MPI.Op();
    // Python's `assertFalse(op)` (__bool__: not null): every JavaScript object is truthy, so it is the null check.
    this.assertTrue(op.is_predefined && pyEqual(op, MPI.OP_NULL));
    this.assertEqual(op, MPI.OP_NULL);
  }

  testCreate(): void {
    for (const comm of [MPI.COMM_SELF, MPI.COMM_WORLD]) {
      for (const commute of [true, false]) {
        for (const N of range(4)) {
          const myop = MPI.Op.Create(mysum, commute);
          this.assertFalse(myop.is_predefined);
          try {
            const size = comm.Get_size();
            const rank = comm.Get_rank();
            let a = Int32Array.from(range(N), (i) => i * (rank + 1));
            let b = new Int32Array(a.length);
            comm.Allreduce([a, MPI.INT], [b, MPI.INT], myop);
            const scale = range(size + 1).reduce((x, y) => x + y, 0);
            for (const i of range(N)) this.assertEqual(b[i], scale * i);
            let res = myop(a, b);
            this.assertIs(res, b);
            for (const i of range(N)) this.assertEqual(b[i], a[i]! + scale * i);
            const myop2 = new MPI.Op(myop);
            a = new Int32Array(N).fill(1);
            b = new Int32Array(N).fill(2);
            res = myop2(a, b);
            this.assertIs(res, b);
            for (const i of range(N)) this.assertEqual(b[i], 3);
          } finally {
            myop.Free();
          }
        }
      }
    }
  }

  testCreateMany(): void {
    const MAX_USER_OP = 32; // max user-defined operations
    // create
    let ops: Op[] = [];
    for (const _i of range(MAX_USER_OP)) ops.push(MPI.Op.Create(mysum));
    // mpi4py raises RuntimeError for a 33rd: its table of C callbacks has 32 slots. mpi4ts has no such limit.
    // cleanup
    for (const o of ops) o.Free();
    // another round
    ops = [];
    for (const _i of range(MAX_USER_OP)) ops.push(MPI.Op.Create(mybor as never));
    // local reductions
    this.catchNotImplementedError(() => {
      const b1 = new Uint8Array(3).fill(2);
      const b2 = new Uint8Array(3).fill(4);
      for (const op of ops) {
        const ibuf = [b1, MPI.BYTE] as const;
        const obuf = [b2, MPI.BYTE] as const;
        op.Reduce_local(ibuf as never, obuf as never);
        b1.forEach((c1, k) => {
          this.assertEqual(c1, 2);
          this.assertEqual(b2[k], 6);
        });
      }
    });
    // pickling support: op.__reduce__() and toint/fromint have no JavaScript counterpart (no pickle, no C handles).
    // cleanup
    for (const op of ops) op.Free();
  }

  _test_call(op: Op, args: unknown[], res: unknown): void {
    this.assertEqual((op as (...a: unknown[]) => unknown)(...args), res);
    this.assertEqual((new MPI.Op(op) as (...a: unknown[]) => unknown)(...args), res);
  }

  testCall(): void {
    const opNull = MPI.OP_NULL as (...a: unknown[]) => unknown;
    this.assertRaises(TypeError, opNull);
    this.assertRaises(TypeError, opNull, null);
    // Python's ValueError: RangeError here.
    this.assertRaises(RangeError, opNull, null, null);
    this._test_call(MPI.MIN, [2, 3], 2);
    this._test_call(MPI.MAX, [2, 3], 3);
    this._test_call(MPI.SUM, [2, 3], 5);
    this._test_call(MPI.PROD, [2, 3], 6);
    for (const x of [false, true]) {
      for (const y of [false, true]) {
        this._test_call(MPI.LAND, [x, y], x && y);
        this._test_call(MPI.LOR, [x, y], x || y);
        this._test_call(MPI.LXOR, [x, y], x !== y);
      }
    }
    for (const x of range(5)) {
      for (const y of range(5)) {
        this._test_call(MPI.BAND, [x, y], x & y);
        this._test_call(MPI.BOR, [x, y], x | y);
        this._test_call(MPI.BXOR, [x, y], x ^ y);
      }
    }
    if (!pyEqual(MPI.REPLACE, MPI.OP_NULL)) {
      this._test_call(MPI.REPLACE, [2, 3], 3);
      this._test_call(MPI.REPLACE, [3, 2], 2);
    }
    if (!pyEqual(MPI.NO_OP, MPI.OP_NULL)) {
      this._test_call(MPI.NO_OP, [2, 3], 2);
      this._test_call(MPI.NO_OP, [3, 2], 3);
    }
  }

  testMinMax(): void {
    const x = [1];
    const y = [1];
    let res = MPI.MIN(x, y);
    this.assertEqual(res, x);
    res = MPI.MAX(x, y);
    this.assertEqual(res, x);
  }

  testMinMaxLoc(): void {
    const cases: [unknown, unknown, unknown, unknown][] = [];
    {
      const x = [1]; const i = [2]; const y = [2]; const j = [1];
      const u = [x, i]; const v = [y, j];
      let res = MPI.MINLOC(u, v);
      this.assertIs(res[0], x);
      this.assertIs(res[1], i);
      res = MPI.MINLOC(v, u);
      this.assertIs(res[0], x);
      this.assertIs(res[1], i);
      res = MPI.MAXLOC(u, v);
      this.assertIs(res[0], y);
      this.assertIs(res[1], j);
      res = MPI.MAXLOC(v, u);
      this.assertIs(res[0], y);
      this.assertIs(res[1], j);
    }
    cases.push([[1], 0, [1], 1], [[1], [0], [1], [1]]);
    for (const [x, i, y, j] of cases) {
      const u = [x, i]; const v = [y, j];
      let res = MPI.MINLOC(u, v);
      this.assertIs(res[0], x);
      this.assertIs(res[1], i);
      res = MPI.MAXLOC(u, v);
      this.assertIs(res[0], x);
      this.assertIs(res[1], i);
    }
    for (const [x, i, y, j] of [[[1], 1, [1], 0], [[1], [1], [1], [0]]] as const) {
      const u = [x, i]; const v = [y, j];
      let res = MPI.MINLOC(u, v);
      this.assertIs(res[0], y);
      this.assertIs(res[1], j);
      res = MPI.MAXLOC(u, v);
      this.assertIs(res[0], y);
      this.assertIs(res[1], j);
    }
  }

  testIsCommutative(): void {
    const ops = [MPI.MAX, MPI.MIN, MPI.SUM, MPI.PROD, MPI.LAND, MPI.BAND, MPI.LOR, MPI.BOR, MPI.LXOR, MPI.BXOR, MPI.MAXLOC, MPI.MINLOC];
    for (const op of ops) {
      const flag = op.Is_commutative();
      this.assertEqual(flag, op.is_commutative);
      this.assertTrue(flag);
    }
  }

  testIsCommutativeExtra(): void {
    for (const op of [MPI.REPLACE, MPI.NO_OP]) {
      if (pyEqual(op, MPI.OP_NULL)) continue;
      const flag = op.Is_commutative();
      this.assertEqual(flag, op.is_commutative);
    }
  }

  testIsPredefined(): void {
    this.assertTrue(MPI.OP_NULL.is_predefined);
    const ops = [MPI.MAX, MPI.MIN, MPI.SUM, MPI.PROD, MPI.LAND, MPI.BAND, MPI.LOR, MPI.BOR, MPI.LXOR, MPI.BXOR, MPI.MAXLOC, MPI.MINLOC];
    for (const op of ops) this.assertTrue(op.is_predefined);
  }

  testPicklePredefined(): void {}

  testPickleUserDefined(): void {}
}
