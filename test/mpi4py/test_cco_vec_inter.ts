/** Port of mpi4py's test/test_cco_vec_inter.py (arrayimpl's array.array backend as typed arrays). */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, ArrayArray, scalar, range } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
type Intercomm = InstanceType<typeof MPI.Intercomm>;
const rep = <T>(v: T, n: number): T[] => Array<T>(n).fill(v);

abstract class BaseTestCCOVecInter extends TestCase {
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
    const intercomm = MPI.Intracomm.prototype.Create_intercomm.call(this.INTRACOMM, this.LOCAL_LEADER, this.BASECOMM, this.REMOTE_LEADER);
    this.INTERCOMM = new MPI.Intercomm(intercomm);
  }

  override tearDown(): void {
    this.INTRACOMM.Free();
    this.INTERCOMM.Free();
  }

  testGatherv(): void {
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
              comm.Gatherv(null, rbuf.as_mpi(), MPI.ROOT);
              const check = scalar(root);
              for (const value of rbuf.flat) this.assertEqual(value, check);
            } else {
              comm.Gatherv(null, null, MPI.PROC_NULL);
            }
          }
        } else {
          for (const root of range(rsize)) {
            const sbuf = array(root, typecode, root + color);
            comm.Gatherv(sbuf.as_mpi(), null, root);
          }
        }
      }
    }
  }

  testScatterv(): void {
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
              comm.Scatterv(sbuf.as_mpi(), null, MPI.ROOT);
            } else {
              comm.Scatterv(null, null, MPI.PROC_NULL);
            }
          }
        } else {
          for (const root of range(rsize)) {
            const rbuf = array(root, typecode, root + color);
            comm.Scatterv(null, rbuf.as_mpi(), root);
            const check = scalar(root);
            for (const value of rbuf) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  testAllgatherv(): void {
    const comm = this.INTERCOMM;
    comm.Get_rank();
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const n of range(size)) {
            const sbuf = array(n, typecode, color);
            const rbuf = array(-1, typecode, [rsize, n + color]);
            comm.Allgatherv(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        } else {
          for (const n of range(rsize)) {
            const sbuf = array(n, typecode, n + color);
            const rbuf = array(-1, typecode, [rsize, color]);
            comm.Allgatherv(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  testAlltoallv(): void {
    const comm = this.INTERCOMM;
    comm.Get_rank();
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const n of range(size)) {
            const sbuf = array(n, typecode, [rsize, (n + 1) * color]);
            const rbuf = array(-1, typecode, [rsize, n + 3 * color]);
            comm.Alltoallv(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        } else {
          for (const n of range(rsize)) {
            const sbuf = array(n, typecode, [rsize, n + 3 * color]);
            const rbuf = array(-1, typecode, [rsize, (n + 1) * color]);
            comm.Alltoallv(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  /** mpi4py's testAlltoallw1 calls Alltoallv, as here. */
  testAlltoallw1(): void {
    const comm = this.INTERCOMM;
    comm.Get_rank();
    const size = comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const color of [0, 1]) {
        if (this.COLOR === color) {
          for (const n of range(size)) {
            const sbuf = array(n, typecode, [rsize, (n + 1) * color]);
            const rbuf = array(-1, typecode, [rsize, n + 3 * color]);
            comm.Alltoallv(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        } else {
          for (const n of range(rsize)) {
            const sbuf = array(n, typecode, [rsize, n + 3 * color]);
            const rbuf = array(-1, typecode, [rsize, (n + 1) * color]);
            comm.Alltoallv(sbuf.as_mpi(), rbuf.as_mpi());
            const check = scalar(n);
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        }
      }
    }
  }

  testAlltoallw2(): void {
    const comm = this.INTERCOMM;
    comm.Get_size();
    const rsize = comm.Get_remote_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const n of range(5)) {
        const check = scalar(n);
        const sbuf = array(n, typecode, [rsize, n]);
        const rbuf = array(-1, typecode, [rsize, n]);
        const [sdt, rdt] = [sbuf.mpidtype, rbuf.mpidtype];
        const [sex, rex] = [sdt.extent, rdt.extent];
        const sdsp = range(rsize).map((i) => i * n * sex);
        const rdsp = range(rsize).map((i) => i * n * rex);
        const smsg = [sbuf.as_raw(), [rep(n, rsize), sdsp], rep(sdt, rsize)] as const;
        const rmsg = [rbuf.as_raw(), [rep(n, rsize), rdsp], rep(rdt, rsize)] as const;
        comm.Alltoallw(smsg, rmsg);
        for (const value of rbuf.flat) this.assertEqual(value, check);
      }
    }
  }
}

export class TestCCOVecInter extends BaseTestCCOVecInter {
  override BASECOMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCOVecInterDup extends TestCCOVecInter {
  override setUp(): void {
    this.BASECOMM = this.BASECOMM.Dup();
    super.setUp();
  }
  override tearDown(): void {
    this.BASECOMM.Free();
    super.tearDown();
  }
}
