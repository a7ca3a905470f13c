/** Port of mpi4py's test/test_cco_obj.py. */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { range } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;

const cumsum = (seq: number[]): number => seq.reduce((a, b) => a + b, 0);
const cumprod = (seq: number[]): number => seq.reduce((a, b) => a * b, 1);

// Python's ints beyond 2**53 are bigints here; its complex numbers (1+2j, 2-3j)
// have no JavaScript counterpart and are left out.
const _basic: unknown[] = [
  null,
  true,
  false,
  -7,
  0,
  7,
  2 ** 31,
  -(2n ** 63n) + 1n,
  2n ** 63n - 1n,
  -2.17,
  0.0,
  +1.62,
  'mpi4py',
];
const messages: unknown[] = [
  ..._basic,
  [..._basic],
  [..._basic],
  Object.fromEntries(_basic.map((v, k) => [`k${k}`, v])),
];

abstract class BaseTestCCOObj extends TestCase {
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);

  testBarrier(): void {
    this.COMM.barrier();
  }

  testBcast(): void {
    for (const smess of messages) {
      for (const root of range(this.COMM.Get_size())) {
        const rmess = this.COMM.bcast(smess, root);
        this.assertEqual(smess, rmess);
      }
    }
  }

  testGather(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of [...messages, messages]) {
      for (const root of range(size)) {
        const rmess = this.COMM.gather(smess, root);
        if (rank === root) this.assertEqual(rmess, Array(size).fill(smess));
        else this.assertIsNone(rmess);
      }
    }
  }

  testScatter(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of [...messages, messages]) {
      for (const root of range(size)) {
        const rmess = rank === root ? this.COMM.scatter(Array(size).fill(smess), root) : this.COMM.scatter(null, root);
        this.assertEqual(rmess, smess);
      }
    }
  }

  testAllgather(): void {
    const size = this.COMM.Get_size();
    for (const smess of [...messages, messages]) {
      const rmess = this.COMM.allgather(smess);
      this.assertEqual(rmess, Array(size).fill(smess));
    }
  }

  testAlltoall(): void {
    const size = this.COMM.Get_size();
    for (const smess of [...messages, messages]) {
      const rmess = this.COMM.alltoall(Array(size).fill(smess));
      this.assertEqual(rmess, Array(size).fill(smess));
    }
  }

  testReduce(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const root of range(size)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN, MPI.MAXLOC, MPI.MINLOC, MPI.REPLACE, MPI.NO_OP]) {
        if (op === MPI.OP_NULL) continue;
        const sendobj = op === MPI.MAXLOC || op === MPI.MINLOC ? [rank, rank] : rank;
        const value = this.COMM.reduce(sendobj, op, root) as unknown;
        if (rank !== root) {
          this.assertIsNone(value);
        } else {
          if (op === MPI.SUM) this.assertEqual(value, cumsum(range(size)));
          else if (op === MPI.PROD) this.assertEqual(value, cumprod(range(size)));
          else if (op === MPI.MAX) this.assertEqual(value, size - 1);
          else if (op === MPI.MIN) this.assertEqual(value, 0);
          else if (op === MPI.MAXLOC) {
            this.assertEqual((value as number[])[0], size - 1);
            this.assertEqual((value as number[])[1], size - 1);
          } else if (op === MPI.MINLOC) {
            this.assertEqual((value as number[])[0], 0);
            this.assertEqual((value as number[])[1], 0);
          } else if (op === MPI.REPLACE) this.assertEqual(value, size - 1);
          else if (op === MPI.NO_OP) this.assertEqual(value, 0);
        }
      }
    }
    const badroots = new Set([-size, size]);
    for (const root of badroots) {
      const e = this.assertRaises(MPI.Exception, () => this.COMM.reduce(null, MPI.NO_OP, root)) as InstanceType<typeof MPI.Exception>;
      this.assertEqual(e.Get_error_class(), MPI.ERR_ROOT);
    }
  }

  testAllreduce(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN, MPI.MAXLOC, MPI.MINLOC, MPI.REPLACE, MPI.NO_OP]) {
      if (op === MPI.OP_NULL) continue;
      const sendobj = op === MPI.MAXLOC || op === MPI.MINLOC ? [rank, rank] : rank;
      const value = this.COMM.allreduce(sendobj, op) as unknown;
      if (op === MPI.SUM) this.assertEqual(value, cumsum(range(size)));
      else if (op === MPI.PROD) this.assertEqual(value, cumprod(range(size)));
      else if (op === MPI.MAX) this.assertEqual(value, size - 1);
      else if (op === MPI.MIN) this.assertEqual(value, 0);
      else if (op === MPI.MAXLOC) this.assertEqual((value as number[])[1], size - 1);
      else if (op === MPI.MINLOC) this.assertEqual((value as number[])[1], 0);
      else if (op === MPI.REPLACE) this.assertEqual(value, size - 1);
      else if (op === MPI.NO_OP) this.assertEqual(value, 0);
    }
  }

  testScan(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const sscan = this.COMM.scan(size, MPI.SUM);
    this.assertEqual(sscan, cumsum(Array(rank + 1).fill(size)));
    let rscan = this.COMM.scan(rank, MPI.SUM);
    this.assertEqual(rscan, cumsum(range(rank + 1)));
    const minloc = this.COMM.scan([rank, rank], MPI.MINLOC);
    const maxloc = this.COMM.scan([rank, rank], MPI.MAXLOC);
    this.assertEqual(minloc, [0, 0]);
    this.assertEqual(maxloc, [rank, rank]);
    if (MPI.REPLACE !== MPI.OP_NULL) {
      rscan = this.COMM.scan(rank, MPI.REPLACE);
      this.assertEqual(rscan, rank);
    }
    if (MPI.NO_OP !== MPI.OP_NULL) {
      rscan = this.COMM.scan(rank, MPI.NO_OP);
      this.assertEqual(rscan, 0);
    }
  }

  testExscan(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const sscan = this.COMM.exscan(size, MPI.SUM);
    if (rank === 0) this.assertIsNone(sscan);
    else this.assertEqual(sscan, cumsum(Array(rank).fill(size)));
    let rscan = this.COMM.exscan(rank, MPI.SUM);
    if (rank === 0) this.assertIsNone(sscan);
    else this.assertEqual(rscan, cumsum(range(rank)));
    const minloc = this.COMM.exscan([rank, rank], MPI.MINLOC);
    const maxloc = this.COMM.exscan([rank, rank], MPI.MAXLOC);
    if (rank === 0) {
      this.assertIsNone(minloc);
      this.assertIsNone(maxloc);
    } else {
      this.assertEqual(minloc, [0, 0]);
      this.assertEqual(maxloc, [rank - 1, rank - 1]);
    }
    if (MPI.REPLACE !== MPI.OP_NULL) {
      rscan = this.COMM.exscan(rank, MPI.REPLACE);
      if (rank === 0) this.assertIsNone(rscan);
      else this.assertEqual(rscan, rank - 1);
    }
    if (MPI.NO_OP !== MPI.OP_NULL) {
      rscan = this.COMM.exscan(rank, MPI.NO_OP);
      if (rank === 0) this.assertIsNone(rscan);
      else this.assertEqual(rscan, 0);
    }
  }
}

export class TestCCOObjSelf extends BaseTestCCOObj {
  override COMM: Intracomm = MPI.COMM_SELF;
}

export class TestCCOObjWorld extends BaseTestCCOObj {
  override COMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCOObjSelfDup extends TestCCOObjSelf {
  override setUp(): void { this.COMM = MPI.COMM_SELF.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestCCOObjWorldDup extends TestCCOObjWorld {
  override setUp(): void { this.COMM = MPI.COMM_WORLD.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}
