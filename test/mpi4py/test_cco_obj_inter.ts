/** Port of mpi4py's test/test_cco_obj_inter.py. */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { range } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
type Intercomm = InstanceType<typeof MPI.Intercomm>;

const cumsum = (seq: number[]): number => seq.reduce((a, b) => a + b, 0);
const cumprod = (seq: number[]): number => seq.reduce((a, b) => a * b, 1);

// Python's ints beyond 2**53 are bigints here; its complex numbers (1+2j, 2-3j)
// have no JavaScript counterpart and are left out.
const _basic: unknown[] = [null, true, false, -7, 0, 7, 2 ** 31, -(2n ** 63n) + 1n, 2n ** 63n - 1n, -2.17, 0.0, +1.62, 'mpi4py'];
const messages: unknown[] = [
  ..._basic,
  [..._basic],
  [..._basic],
  Object.fromEntries(_basic.map((v, k) => [`k${k}`, v])),
];

abstract class BaseTestCCOObjInter extends TestCase {
  static override skip: string | null = MPI.COMM_WORLD.Get_size() < 2 ? 'mpi-world-size<2' : null;
  BASECOMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);
  INTRACOMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);
  INTERCOMM: Intercomm = new MPI.Intercomm(MPI.COMM_NULL);
  COLOR = 0;
  LOCAL_LEADER = 0;
  REMOTE_LEADER = 0;

  override setUp(): void {
    const size = this.BASECOMM.Get_size();
    const rank = this.BASECOMM.Get_rank();
    if (rank < Math.floor(size / 2)) {
      this.COLOR = 0;
      this.LOCAL_LEADER = 0;
      this.REMOTE_LEADER = Math.floor(size / 2);
    } else {
      this.COLOR = 1;
      this.LOCAL_LEADER = 0;
      this.REMOTE_LEADER = 0;
    }
    const intracomm = this.BASECOMM.Split(this.COLOR, 0);
    this.INTRACOMM = new MPI.Intracomm(intracomm);
    this.INTERCOMM = MPI.Intracomm.prototype.Create_intercomm.call(this.INTRACOMM, this.LOCAL_LEADER, this.BASECOMM, this.REMOTE_LEADER);
  }

  override tearDown(): void {
    this.INTRACOMM.Free();
    this.INTERCOMM.Free();
  }

  testBarrier(): void {
    this.INTERCOMM.barrier();
  }

  testBcast(): void {
    const rank = this.INTERCOMM.Get_rank();
    const size = this.INTERCOMM.Get_size();
    const rsize = this.INTERCOMM.Get_remote_size();
    for (const smess of [...messages, messages]) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const root of range(size)) {
            const rmess = root === rank ? this.INTERCOMM.bcast(smess, MPI.ROOT) : this.INTERCOMM.bcast(null, MPI.PROC_NULL);
            this.assertIsNone(rmess);
          }
        } else {
          for (const root of range(rsize)) {
            const rmess = this.INTERCOMM.bcast(null, root);
            this.assertEqual(rmess, smess);
          }
        }
      }
    }
  }

  testGather(): void {
    const rank = this.INTERCOMM.Get_rank();
    const size = this.INTERCOMM.Get_size();
    const rsize = this.INTERCOMM.Get_remote_size();
    for (const smess of [...messages, messages]) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const root of range(size)) {
            if (root === rank) {
              const rmess = this.INTERCOMM.gather(smess, MPI.ROOT);
              this.assertEqual(rmess, Array(rsize).fill(smess));
            } else {
              const rmess = this.INTERCOMM.gather(null, MPI.PROC_NULL);
              this.assertIsNone(rmess);
            }
          }
        } else {
          for (const root of range(rsize)) {
            const rmess = this.INTERCOMM.gather(smess, root);
            this.assertIsNone(rmess);
          }
        }
      }
    }
  }

  testScatter(): void {
    const rank = this.INTERCOMM.Get_rank();
    const size = this.INTERCOMM.Get_size();
    const rsize = this.INTERCOMM.Get_remote_size();
    for (const smess of [...messages, messages]) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const root of range(size)) {
            const rmess = root === rank
              ? this.INTERCOMM.scatter(Array(rsize).fill(smess), MPI.ROOT)
              : this.INTERCOMM.scatter(null, MPI.PROC_NULL);
            this.assertIsNone(rmess);
          }
        } else {
          for (const root of range(rsize)) {
            const rmess = this.INTERCOMM.scatter(null, root);
            this.assertEqual(rmess, smess);
          }
        }
      }
    }
  }

  testAllgather(): void {
    const rsize = this.INTERCOMM.Get_remote_size();
    for (const smess of [...messages, messages]) {
      const rmess = this.INTERCOMM.allgather(smess);
      this.assertEqual(rmess, Array(rsize).fill(smess));
    }
  }

  testAlltoall(): void {
    const rsize = this.INTERCOMM.Get_remote_size();
    for (const smess of [...messages, messages]) {
      const rmess = this.INTERCOMM.alltoall(Array(rsize).fill(smess));
      this.assertEqual(rmess, Array(rsize).fill(smess));
    }
  }

  testReduce(): void {
    const rank = this.INTERCOMM.Get_rank();
    const size = this.INTERCOMM.Get_size();
    const rsize = this.INTERCOMM.Get_remote_size();
    for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const root of range(size)) {
            if (root === rank) {
              const value = this.INTERCOMM.reduce(null, op, MPI.ROOT);
              if (op === MPI.SUM) this.assertEqual(value, cumsum(range(rsize)));
              else if (op === MPI.PROD) this.assertEqual(value, cumprod(range(rsize)));
              else if (op === MPI.MAX) this.assertEqual(value, rsize - 1);
              else if (op === MPI.MIN) this.assertEqual(value, 0);
            } else {
              const value = this.INTERCOMM.reduce(null, op, MPI.PROC_NULL);
              this.assertIsNone(value);
            }
          }
        } else {
          for (const root of range(rsize)) {
            const value = this.INTERCOMM.reduce(rank, op, root);
            this.assertIsNone(value);
          }
        }
      }
    }
    const badroots = [...new Set([-3, -2, -1, rsize])].filter((r) => r !== MPI.ROOT && r !== MPI.PROC_NULL);
    for (const root of badroots) {
      const e = this.assertRaises(MPI.Exception, () => this.INTERCOMM.reduce(null, MPI.NO_OP, root)) as InstanceType<typeof MPI.Exception>;
      this.assertEqual(e.Get_error_class(), MPI.ERR_ROOT);
    }
  }

  testAllreduce(): void {
    const rank = this.INTERCOMM.Get_rank();
    const rsize = this.INTERCOMM.Get_remote_size();
    for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
      const value = this.INTERCOMM.allreduce(rank, op);
      if (op === MPI.SUM) this.assertEqual(value, cumsum(range(rsize)));
      else if (op === MPI.PROD) this.assertEqual(value, cumprod(range(rsize)));
      else if (op === MPI.MAX) this.assertEqual(value, rsize - 1);
      else if (op === MPI.MIN) this.assertEqual(value, 0);
    }
  }
}

export class TestCCOObjInter extends BaseTestCCOObjInter {
  override BASECOMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCOObjInterDup extends TestCCOObjInter {
  override setUp(): void {
    this.BASECOMM = this.BASECOMM.Dup();
    super.setUp();
  }
  override tearDown(): void {
    this.BASECOMM.Free();
    super.tearDown();
  }
}

export class TestCCOObjInterDupDup extends TestCCOObjInterDup {
  override BASECOMM: Intracomm = MPI.COMM_WORLD;
  INTERCOMM_ORIG: Intercomm = MPI.COMM_NULL as Intercomm;
  override setUp(): void {
    super.setUp();
    this.INTERCOMM_ORIG = this.INTERCOMM;
    this.INTERCOMM = this.INTERCOMM.Dup();
  }
  override tearDown(): void {
    super.tearDown();
    this.INTERCOMM_ORIG.Free();
  }
}
