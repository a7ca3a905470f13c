/** Port of mpi4py's test/test_msgzero.py. */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

/** Open MPI as the library under the native transport (mpiunittest's skipMPI("openmpi")). */
const openmpi = MPI.Get_library_version().includes('native') && process.env['MPI4TS_MPI'] === 'openmpi';

abstract class BaseTestMessageZero extends TestCase {
  abstract COMM: InstanceType<typeof MPI.Intracomm>;
  null_b = [null, MPI.INT] as const;
  null_v = [null, [0, null], MPI.INT] as const;

  testPointToPoint(): void {
    const comm = this.COMM;
    comm.Sendrecv(this.null_b as never, comm.rank, 0, this.null_b as never, comm.rank);
    const r2 = comm.Irecv(this.null_b as never, comm.rank);
    const r1 = comm.Isend(this.null_b as never, comm.rank);
    MPI.Request.Waitall([r1, r2]);
  }

  testCollectivesBlock(): void {
    const comm = this.COMM;
    const b = this.null_b as never;
    comm.Bcast(b);
    comm.Gather(b, b);
    comm.Scatter(b, b);
    comm.Allgather(b, b);
    comm.Alltoall(b, b);
  }

  testCollectivesVector(): void {
    const comm = this.COMM;
    const b = this.null_b as never;
    const v = this.null_v as never;
    comm.Gatherv(b, v);
    comm.Scatterv(v, b);
    comm.Allgatherv(b, v);
    comm.Alltoallv(v, v);
  }

  testReductions(): void {
    const comm = this.COMM;
    const b = this.null_b as never;
    comm.Reduce(b, b);
    comm.Allreduce(b, b);
    comm.Reduce_scatter_block(b, b);
    const rcnt = Array<number>(comm.Get_size()).fill(0);
    comm.Reduce_scatter(b, b, rcnt);
    this.catchNotImplementedError(() => comm.Scan(b, b));
    this.catchNotImplementedError(() => comm.Exscan(b, b));
  }
}

const skips = openmpi ? { testReductions: 'mpiunittest.skipMPI("openmpi")' } : {};

export class TestMessageZeroSelf extends BaseTestMessageZero {
  static override skips = skips;
  COMM = MPI.COMM_SELF;
}

export class TestMessageZeroWorld extends BaseTestMessageZero {
  static override skips = skips;
  COMM = MPI.COMM_WORLD;
}
