/** Port of mpi4py's test/test_cco_vec.py (arrayimpl's array.array backend as typed arrays). */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, ArrayArray, scalar, range, type TypedArray } from './arrayimpl.ts';

type Comm = InstanceType<typeof MPI.Intracomm>;
const rep = (v: number, n: number): number[] => Array<number>(n).fill(v);

/** Python's range(start, stop, step). */
function srange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

interface Alltoallw { Alltoallw(s: unknown, r: unknown): void }

abstract class BaseTestCCOVec extends TestCase {
  COMM: Comm = MPI.COMM_NULL as Comm;

  /** Rows of `size` elements: the first `count` hold a, the rest b. */
  checkRows(rbuf: TypedArray, size: number, count: number, a: unknown, b: unknown): void {
    for (let i = 0; i < size; i++) {
      const row = rbuf.subarray(i * size, (i + 1) * size);
      for (const va of row.subarray(0, count)) this.assertEqual(va, a);
      for (const vb of row.subarray(count)) this.assertEqual(vb, b);
    }
  }

  testGatherv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check_a = scalar(root);
        const check_b = scalar(-1);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, count);
          const rbuf = array(-1, typecode, size * size);
          const counts = rep(count, size);
          const displs = srange(0, size * size, size);
          let recvbuf: unknown = rbuf.as_mpi_v(counts, displs);
          if (rank !== root) recvbuf = null;
          this.COMM.Barrier();
          this.COMM.Gatherv(sbuf.as_mpi(), recvbuf as never, root);
          this.COMM.Barrier();
          if (recvbuf !== null) this.checkRows(rbuf.array, size, count, check_a, check_b);
        }
      }
    }
  }

  testGatherv2(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check_a = scalar(root);
        const check_b = scalar(-1);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, size);
          const rbuf = array(-1, typecode, size * size);
          const sendbuf = sbuf.as_mpi_c(count);
          let recvbuf: unknown = rbuf.as_mpi_v(count, size);
          if (rank !== root) recvbuf = null;
          this.COMM.Barrier();
          this.COMM.Gatherv(sendbuf, recvbuf as never, root);
          this.COMM.Barrier();
          if (recvbuf !== null) this.checkRows(rbuf.array, size, count, check_a, check_b);
        }
      }
    }
  }

  testGatherv3(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        for (const count of range(size + 1)) {
          let sbuf = array(root, typecode, count).as_raw();
          let rbuf: TypedArray | null = array(-1, typecode, count * size).as_raw();
          let recvbuf: unknown = [rbuf, count];
          if (rank !== root) recvbuf = null;
          this.COMM.Barrier();
          this.COMM.Gatherv(sbuf, recvbuf as never, root);
          this.COMM.Barrier();
          if (recvbuf !== null) for (const v of rbuf) this.assertEqual(v, check);
          //
          sbuf = array(root, typecode, count).as_raw();
          rbuf = rank === root ? array(-1, typecode, count * size).as_raw() : null;
          this.COMM.Gatherv(sbuf, rbuf, root);
          this.COMM.Barrier();
          if (rank === root) for (const v of rbuf!) this.assertEqual(v, check);
        }
      }
    }
  }

  testScatterv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, size * size);
          const rbuf = array(-1, typecode, count);
          const counts = rep(count, size);
          const displs = srange(0, size * size, size);
          let sendbuf: unknown = sbuf.as_mpi_v(counts, displs);
          if (rank !== root) sendbuf = null;
          this.COMM.Scatterv(sendbuf as never, rbuf.as_mpi(), root);
          for (const vr of rbuf) this.assertEqual(vr, check);
        }
      }
    }
  }

  testScatterv2(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check_a = scalar(root);
        const check_b = scalar(-1);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, size * size);
          const rbuf = array(-1, typecode, size);
          let sendbuf: unknown = sbuf.as_mpi_v(count, size);
          const recvbuf = rbuf.as_mpi_c(count);
          if (rank !== root) sendbuf = null;
          this.COMM.Scatterv(sendbuf as never, recvbuf, root);
          for (const va of rbuf.array.subarray(0, count)) this.assertEqual(va, check_a);
          for (const vb of rbuf.array.subarray(count)) this.assertEqual(vb, check_b);
        }
      }
    }
  }

  testScatterv3(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        for (const count of range(size + 1)) {
          let sbuf: TypedArray | null = array(root, typecode, count * size).as_raw();
          let rbuf = array(-1, typecode, count).as_raw();
          let sendbuf: unknown = [sbuf, count];
          if (rank !== root) sendbuf = null;
          this.COMM.Scatterv(sendbuf as never, rbuf, root);
          for (const v of rbuf) this.assertEqual(v, check);
          //
          sbuf = rank === root ? array(root, typecode, count * size).as_raw() : null;
          rbuf = array(-1, typecode, count).as_raw();
          this.COMM.Scatterv(sbuf, rbuf, root);
          for (const v of rbuf) this.assertEqual(v, check);
        }
      }
    }
  }

  testAllgatherv(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check_a = scalar(root);
        const check_b = scalar(-1);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, count);
          const rbuf = array(-1, typecode, size * size);
          const counts = rep(count, size);
          const displs = srange(0, size * size, size);
          this.COMM.Allgatherv(sbuf.as_mpi(), rbuf.as_mpi_v(counts, displs) as never);
          this.checkRows(rbuf.array, size, count, check_a, check_b);
        }
      }
    }
  }

  testAllgatherv2(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check_a = scalar(root);
        const check_b = scalar(-1);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, size);
          const rbuf = array(-1, typecode, size * size);
          this.COMM.Allgatherv(sbuf.as_mpi_c(count), rbuf.as_mpi_v(count, size) as never);
          this.checkRows(rbuf.array, size, count, check_a, check_b);
        }
      }
    }
  }

  testAllgatherv3(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        for (const count of range(size + 1)) {
          let sbuf = array(root, typecode, count).as_raw();
          let rbuf = array(-1, typecode, count * size).as_raw();
          this.COMM.Allgatherv(sbuf, [rbuf, count] as never);
          for (const v of rbuf) this.assertEqual(v, check);
          //
          sbuf = array(root, typecode, count).as_raw();
          rbuf = array(-1, typecode, count * size).as_raw();
          this.COMM.Allgatherv(sbuf, rbuf);
          for (const v of rbuf) this.assertEqual(v, check);
        }
      }
    }
  }

  testAlltoallv(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check_a = scalar(root);
        const check_b = scalar(-1);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, size * size);
          const rbuf = array(-1, typecode, size * size);
          const counts = rep(count, size);
          const displs = srange(0, size * size, size);
          this.COMM.Alltoallv(sbuf.as_mpi_v(counts, displs) as never, rbuf.as_mpi_v(counts, displs) as never);
          this.checkRows(rbuf.array, size, count, check_a, check_b);
        }
      }
    }
  }

  testAlltoallv2(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check_a = scalar(root);
        const check_b = scalar(-1);
        for (const count of range(size)) {
          const sbuf = array(root, typecode, size * size);
          const rbuf = array(-1, typecode, size * size);
          this.COMM.Alltoallv(sbuf.as_mpi_v(count, size) as never, rbuf.as_mpi_v(count, size) as never);
          this.checkRows(rbuf.array, size, count, check_a, check_b);
        }
      }
    }
  }

  testAlltoallv3(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        for (const count of range(size + 1)) {
          let sbuf = array(root, typecode, count * size).as_raw();
          let rbuf = array(-1, typecode, count * size).as_raw();
          this.COMM.Alltoallv([sbuf, count] as never, [rbuf, count] as never);
          for (const v of rbuf) this.assertEqual(v, check);
          //
          sbuf = array(root, typecode, count * size).as_raw();
          rbuf = array(-1, typecode, count * size).as_raw();
          this.COMM.Alltoallv(sbuf, rbuf);
          for (const v of rbuf) this.assertEqual(v, check);
        }
      }
    }
  }

  testAlltoallw(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const n of range(1, size + 1)) {
        const check = scalar(n);
        const sbuf = array(n, typecode, [size, n]);
        const rbuf = array(-1, typecode, [size, n]);
        const [sdt, rdt] = [sbuf.mpidtype, rbuf.mpidtype];
        const sdsp = srange(0, size * n * sdt.extent, n * sdt.extent);
        const rdsp = srange(0, size * n * rdt.extent, n * rdt.extent);
        const smsg = [sbuf.as_raw(), [rep(n, size), sdsp], Array(size).fill(sdt)];
        const rmsg = [rbuf.as_raw(), [rep(n, size), rdsp], Array(size).fill(rdt)];
        (this.COMM as unknown as Alltoallw).Alltoallw(smsg, rmsg);
        for (const value of rbuf.flat) this.assertEqual(value, check);
      }
    }
  }

  testAlltoallwBottom(): void {
    const size = this.COMM.Get_size();
    const M = MPI as unknown as { Get_address(b: unknown): number };
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const n of range(1, size + 1)) {
        const check = scalar(n);
        const sbuf = array(n, typecode, [size, n]);
        const rbuf = array(-1, typecode, [size, n]);
        const saddr = M.Get_address(sbuf.as_raw());
        const raddr = M.Get_address(rbuf.as_raw());
        const [sdt, rdt] = [sbuf.mpidtype, rbuf.mpidtype];
        const stypes = srange(0, size * n * sdt.extent, n * sdt.extent).map((d) => MPI.Datatype.Create_struct([n], [saddr + d], [sdt]).Commit());
        const rtypes = srange(0, size * n * rdt.extent, n * rdt.extent).map((d) => MPI.Datatype.Create_struct([n], [raddr + d], [sdt]).Commit());
        const smsg = [MPI.BOTTOM, [rep(1, size), rep(0, size)], stypes];
        const rmsg = [MPI.BOTTOM, [rep(1, size), rep(0, size)], rtypes];
        try {
          (this.COMM as unknown as Alltoallw).Alltoallw(smsg, rmsg);
        } finally {
          for (const t of stypes) t.Free();
          for (const t of rtypes) t.Free();
        }
        for (const value of rbuf.flat) this.assertEqual(value, check);
      }
    }
  }
}

abstract class BaseTestCCOVecInplace extends TestCase {
  COMM: Comm = MPI.COMM_NULL as Comm;

  #fill(rbuf: { set(i: number, v: number): void }, size: number, count: number, rank: number): void {
    for (let i = 0; i < size; i++) for (let j = 0; j < count; j++) rbuf.set(i * size + j, rank);
  }

  #checkRows(rbuf: TypedArray, size: number, count: number): void {
    for (let i = 0; i < size; i++) {
      const row = rbuf.subarray(i * size, (i + 1) * size);
      for (const va of row.subarray(0, count)) this.assertEqual(va, scalar(i));
      for (const vb of row.subarray(count)) this.assertEqual(vb, scalar(-1));
    }
  }

  testAlltoallv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const count of range(size)) {
        const rbuf = array(-1, typecode, size * size);
        const counts = rep(count, size);
        const displs = srange(0, size * size, size);
        this.#fill(rbuf, size, count, rank);
        const recvbuf = rbuf.as_mpi_v(counts, displs);
        this.COMM.Alltoallv(MPI.IN_PLACE, recvbuf as never);
        this.#checkRows(rbuf.array, size, count);
      }
    }
  }

  testAlltoallw(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const count of range(size)) {
        const rbuf = array(-1, typecode, size * size);
        this.#fill(rbuf, size, count, rank);
        const rdt = rbuf.mpidtype;
        const rdsp = srange(0, size * size * rdt.extent, size * rdt.extent);
        const rmsg = [rbuf.as_raw(), [rep(count, size), rdsp], Array(size).fill(rdt)];
        (this.COMM as unknown as Alltoallw).Alltoallw(MPI.IN_PLACE, rmsg);
        this.#checkRows(rbuf.array, size, count);
      }
    }
  }

  testAlltoallw2(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const count of range(size)) {
        const rbuf = array(-1, typecode, size * size);
        this.#fill(rbuf, size, count, rank);
        const rdt = rbuf.mpidtype;
        const rdsp = srange(0, size * size * rdt.extent, size * rdt.extent);
        const rmsg = [rbuf.as_raw(), rep(count, size), rdsp, Array(size).fill(rdt)];
        (this.COMM as unknown as Alltoallw).Alltoallw(MPI.IN_PLACE, rmsg);
        this.#checkRows(rbuf.array, size, count);
      }
    }
  }
}

export class TestCCOVecSelf extends BaseTestCCOVec {
  override COMM: Comm = MPI.COMM_SELF;
}

export class TestCCOVecWorld extends BaseTestCCOVec {
  override COMM: Comm = MPI.COMM_WORLD;
}

export class TestCCOVecSelfDup extends TestCCOVecSelf {
  override setUp(): void { this.COMM = MPI.COMM_SELF.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestCCOVecWorldDup extends TestCCOVecWorld {
  override setUp(): void { this.COMM = MPI.COMM_WORLD.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestCCOVecInplaceSelf extends BaseTestCCOVecInplace {
  override COMM: Comm = MPI.COMM_SELF;
}

export class TestCCOVecInplaceWorld extends BaseTestCCOVecInplace {
  override COMM: Comm = MPI.COMM_WORLD;
}
