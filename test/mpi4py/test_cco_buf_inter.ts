/** Port of mpi4py's test/test_cco_buf_inter.py (arrayimpl's array.array backend as typed arrays). */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, ArrayArray, scalar, range, N, enumerate, type ArrayImpl } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
type Intercomm = InstanceType<typeof MPI.Intercomm>;
type Op = typeof MPI.SUM;

function skip_op(typecode: string, op: Op): boolean {
  if (typecode === '?') return true;
  if ('FDG'.includes(typecode)) {
    if (op === MPI.MAX || op === MPI.MIN) return true;
  }
  return false;
}

function maxvalue(a: ArrayImpl): number {
  if (a.typecode === 'f') return 1e30;
  if (a.typecode === 'd') return 1e300;
  return 2 ** (a.itemsize * 7) - 1;
}

abstract class BaseTestCCOBufInter extends TestCase {
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

  #checkReduced(op: Op, i: number, value: number | bigint, max_val: number, n: number): void {
    if (op === MPI.SUM) {
      if (i * n < max_val) this.assertAlmostEqual(N(value), i * n);
    } else if (op === MPI.PROD) {
      if (i ** n < max_val) this.assertAlmostEqual(N(value), i ** n);
    } else if (op === MPI.MAX) {
      this.assertEqual(value, i);
    } else if (op === MPI.MIN) {
      this.assertEqual(value, i);
    }
  }

  testBarrier(): void {
    this.INTERCOMM.Barrier();
  }

  testBcast(): void {
    const comm = this.INTERCOMM;
    const rank = comm.Get_rank();
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const root of range(size)) {
            if (root === rank) {
              const buf = array(root, typecode, root + color);
              comm.Bcast(buf.as_mpi(), MPI.ROOT);
            } else {
              const buf = MPI.BOTTOM;
              comm.Bcast(buf as never, MPI.PROC_NULL);
            }
          }
        } else {
          for (const root of range(rsize)) {
            const buf = array(-1, typecode, root + color);
            comm.Bcast(buf.as_mpi(), root);
            const check = scalar(root);
            for (const value of buf) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  testGather(): void {
    const comm = this.INTERCOMM;
    const rank = comm.Get_rank();
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const root of range(size)) {
            if (root === rank) {
              const rbuf = array(-1, typecode, [rsize, root + color]);
              comm.Gather(null, rbuf.as_mpi(), MPI.ROOT);
              const check = scalar(root);
              for (const value of rbuf.flat) this.assertEqual(value, check);
            } else {
              comm.Gather(null, null, MPI.PROC_NULL);
            }
          }
        } else {
          for (const root of range(rsize)) {
            const sbuf = array(root, typecode, root + color);
            comm.Gather(sbuf.as_mpi(), null, root);
          }
        }
      }
    }
  }

  testScatter(): void {
    const comm = this.INTERCOMM;
    const rank = comm.Get_rank();
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const root of range(size)) {
            if (root === rank) {
              const sbuf = array(root, typecode, [rsize, root + color]);
              comm.Scatter(sbuf.as_mpi(), null, MPI.ROOT);
            } else {
              comm.Scatter(null, null, MPI.PROC_NULL);
            }
          }
        } else {
          for (const root of range(rsize)) {
            const rbuf = array(root, typecode, root + color);
            comm.Scatter(null, rbuf.as_mpi(), root);
            const check = scalar(root);
            for (const value of rbuf) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  testAllgather(): void {
    const comm = this.INTERCOMM;
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const n of range(size)) {
            const sbuf = array(n, typecode, color);
            const rbuf = array(-1, typecode, [rsize, n + color]);
            comm.Allgather(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        } else {
          for (const n of range(rsize)) {
            const sbuf = array(n, typecode, n + color);
            const rbuf = array(-1, typecode, [rsize, color]);
            comm.Allgather(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  testAlltoall(): void {
    const comm = this.INTERCOMM;
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const n of range(size)) {
            const sbuf = array(n, typecode, [rsize, (n + 1) * color]);
            const rbuf = array(-1, typecode, [rsize, n + 3 * color]);
            comm.Alltoall(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        } else {
          for (const n of range(rsize)) {
            const sbuf = array(n, typecode, [rsize, n + 3 * color]);
            const rbuf = array(-1, typecode, [rsize, (n + 1) * color]);
            comm.Alltoall(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  testReduce(): void {
    const comm = this.INTERCOMM;
    const rank = comm.Get_rank();
    const lsize = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        for (const color of [0, 1]) {
          if (this.COLOR === color) {
            for (const root of range(lsize)) {
              if (root === rank) {
                const rbuf = array(-1, typecode, rsize);
                comm.Reduce(null, rbuf.as_mpi(), op, MPI.ROOT);
                const max_val = maxvalue(rbuf);
                for (const [i, value] of enumerate(rbuf)) this.#checkReduced(op, i, value, max_val, rsize);
              } else {
                comm.Reduce(null, null, op, MPI.PROC_NULL);
              }
            }
          } else {
            for (const root of range(rsize)) {
              const sbuf = array(range(lsize), typecode);
              comm.Reduce(sbuf.as_mpi(), null, op, root);
            }
          }
        }
      }
    }
  }

  testAllreduce(): void {
    const comm = this.INTERCOMM;
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        const sbuf = array(range(5), typecode);
        const rbuf = array([-1, -1, -1, -1, -1], typecode);
        comm.Allreduce(sbuf.as_mpi(), rbuf.as_mpi(), op);
        const max_val = maxvalue(rbuf);
        for (const [i, value] of enumerate(rbuf)) this.#checkReduced(op, i, value, max_val, rsize);
      }
    }
  }

  testReduceScatter(): void {
    const comm = this.INTERCOMM;
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        const rcnt = Array<number>(size).fill(rsize);
        const sbuf = array(Array.from({ length: rsize }, () => range(size)).flat(), typecode);
        const rbuf = array(-1, typecode, rsize);
        comm.Reduce_scatter(sbuf.as_mpi(), rbuf.as_mpi(), rcnt, op);
        const max_val = maxvalue(rbuf);
        for (const [i, value] of enumerate(rbuf)) this.#checkReduced(op, i, value, max_val, rsize);
      }
    }
  }

  testReduceScatterBlock(): void {
    const comm = this.INTERCOMM;
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        const sbuf = array(Array.from({ length: rsize }, () => range(size)).flat(), typecode);
        const rbuf = array(-1, typecode, rsize);
        comm.Reduce_scatter_block(sbuf.as_mpi(), rbuf.as_mpi(), op);
        const max_val = maxvalue(rbuf);
        for (const [i, value] of enumerate(rbuf)) this.#checkReduced(op, i, value, max_val, rsize);
      }
    }
  }
}

export class TestCCOBufInter extends BaseTestCCOBufInter {
  override BASECOMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCOBufInterDup extends TestCCOBufInter {
  override setUp(): void {
    this.BASECOMM = this.BASECOMM.Dup();
    super.setUp();
  }
  override tearDown(): void {
    this.BASECOMM.Free();
    super.tearDown();
  }
}
