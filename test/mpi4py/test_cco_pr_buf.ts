/** Port of mpi4py's test/test_cco_pr_buf.py (persistent collectives; arrayimpl's array.array backend as typed arrays). */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, ArrayArray, scalar, range, sum, prod, N, repeat, enumerate, type ArrayImpl } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
type Op = typeof MPI.SUM;
type Prequest = InstanceType<typeof MPI.Prequest>;

function StartWaitFree(request: Prequest): void {
  request.Start();
  request.Wait();
  request.Free();
}

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

abstract class BaseTestCCOBuf extends TestCase {
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);

  testBarrier(): void {
    StartWaitFree(this.COMM.Barrier_init());
  }

  testBcast(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        const buf = rank === root ? array(root, typecode, root) : array(-1, typecode, root);
        StartWaitFree(this.COMM.Bcast_init(buf.as_mpi(), root));
        for (const value of buf) this.assertEqual(value, check);
      }
    }
  }

  testGather(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        const sbuf = array(root, typecode, root + 1);
        const rbuf = rank === root ? array(-1, typecode, [size, root + 1]) : array([], typecode);
        StartWaitFree(this.COMM.Gather_init(sbuf.as_mpi(), rbuf.as_mpi(), root));
        if (rank === root) for (const value of rbuf.flat) this.assertEqual(value, check);
      }
    }
  }

  testScatter(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        const rbuf = array(-1, typecode, size);
        const sbuf = rank === root ? array(root, typecode, [size, size]) : array([], typecode);
        StartWaitFree(this.COMM.Scatter_init(sbuf.as_mpi(), rbuf.as_mpi(), root));
        for (const value of rbuf) this.assertEqual(value, check);
      }
    }
  }

  testAllgather(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        const sbuf = array(root, typecode, root + 1);
        const rbuf = array(-1, typecode, [size, root + 1]);
        StartWaitFree(this.COMM.Allgather_init(sbuf.as_mpi(), rbuf.as_mpi()));
        for (const value of rbuf.flat) this.assertEqual(value, check);
      }
    }
  }

  testAlltoall(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        const sbuf = array(root, typecode, [size, root + 1]);
        const rbuf = array(-1, typecode, [size, root + 1]);
        StartWaitFree(this.COMM.Alltoall_init(sbuf.as_mpi(), rbuf.as_mpi_c(root + 1)));
        for (const value of rbuf.flat) this.assertEqual(value, check);
      }
    }
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

  testReduce(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        for (const root of range(size)) {
          const sbuf = array(range(size), typecode);
          const rbuf = array(-1, typecode, size);
          StartWaitFree(this.COMM.Reduce_init(sbuf.as_mpi(), rbuf.as_mpi(), op, root));
          const max_val = maxvalue(rbuf);
          for (const [i, value] of enumerate(rbuf)) {
            if (rank !== root) {
              this.assertEqual(value, scalar(-1));
              continue;
            }
            this.#checkReduced(op, i, value, max_val, size);
          }
        }
      }
    }
  }

  testAllreduce(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        const sbuf = array(range(size), typecode);
        const rbuf = array(0, typecode, size);
        StartWaitFree(this.COMM.Allreduce_init(sbuf.as_mpi(), rbuf.as_mpi(), op));
        const max_val = maxvalue(rbuf);
        for (const [i, value] of enumerate(rbuf)) this.#checkReduced(op, i, value, max_val, size);
      }
    }
  }

  testReduceScatter(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        const rcnt = range(1, size + 1);
        const sbuf = array(repeat(rank + 1, sum(rcnt)), typecode);
        for (const counts of [null, rcnt]) {
          const rbuf = array(-1, typecode, rank + 1);
          StartWaitFree(this.COMM.Reduce_scatter_init(sbuf.as_mpi(), rbuf.as_mpi(), counts, op));
          const max_val = maxvalue(rbuf);
          for (const value of rbuf) {
            if (op === MPI.SUM) {
              const redval = sum(range(size)) + size;
              if (redval < max_val) this.assertAlmostEqual(N(value), redval);
            } else if (op === MPI.PROD) {
              const redval = prod(range(1, size + 1));
              if (redval < max_val) this.assertAlmostEqual(N(value), redval);
            } else if (op === MPI.MAX) {
              this.assertEqual(value, size);
            } else if (op === MPI.MIN) {
              this.assertEqual(value, 1);
            }
          }
        }
      }
    }
  }

  testReduceScatterBlock(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        for (const rcnt of range(1, size + 1)) {
          const sbuf = op === MPI.PROD ? array(repeat(rank + 1, rcnt * size), typecode) : array(repeat(rank, rcnt * size), typecode);
          const rbuf = array(-1, typecode, rcnt);
          StartWaitFree(this.COMM.Reduce_scatter_block_init(sbuf.as_mpi(), rbuf.as_mpi(), op));
          const max_val = maxvalue(rbuf);
          const v_sum = (size * (size - 1)) / 2;
          const v_prod = prod(range(1, size + 1));
          const v_max = size - 1;
          const v_min = 0;
          for (const value of rbuf) {
            if (op === MPI.SUM) {
              if (v_sum <= max_val) this.assertAlmostEqual(N(value), v_sum);
            } else if (op === MPI.PROD) {
              if (v_prod <= max_val) this.assertAlmostEqual(N(value), v_prod);
            } else if (op === MPI.MAX) {
              this.assertEqual(value, v_max);
            } else if (op === MPI.MIN) {
              this.assertEqual(value, v_min);
            }
          }
        }
      }
    }
  }

  testScan(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        const sbuf = array(range(size), typecode);
        const rbuf = array(0, typecode, size);
        StartWaitFree(this.COMM.Scan_init(sbuf.as_mpi(), rbuf.as_mpi(), op));
        const max_val = maxvalue(rbuf);
        for (const [i, value] of enumerate(rbuf)) this.#checkReduced(op, i, value, max_val, rank + 1);
      }
    }
  }

  testExscan(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        const sbuf = array(range(size), typecode);
        const rbuf = array(0, typecode, size);
        StartWaitFree(this.COMM.Exscan_init(sbuf.as_mpi(), rbuf.as_mpi(), op));
        if (rank === 1) {
          for (const [i, value] of enumerate(rbuf)) this.assertEqual(value, i);
        } else if (rank > 1) {
          const max_val = maxvalue(rbuf);
          for (const [i, value] of enumerate(rbuf)) this.#checkReduced(op, i, value, max_val, rank);
        }
      }
    }
  }

  testBcastTypeIndexed(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      const datatype = array.TypeMap[typecode]!;
      for (const root of range(size)) {
        for (const [first, kept] of [[0, (i: number) => i % 2 === 0], [1, (i: number) => i % 2 !== 0]] as const) {
          const buf = rank === root ? array(range(10), typecode).as_raw() : array(-1, typecode, 10).as_raw();
          const indices = range(first, buf.length).filter((i) => (i - first) % 2 === 0);
          const newtype = datatype.Create_indexed_block(1, indices);
          newtype.Commit();
          StartWaitFree(this.COMM.Bcast_init([buf, 1, newtype], root));
          newtype.Free();
          if (rank !== root) {
            for (const [i, value] of enumerate(buf as Iterable<number | bigint>)) {
              this.assertEqual(value, scalar(kept(i) ? i : -1));
            }
          }
        }
      }
    }
  }
}

abstract class BaseTestCCOBufInplace extends TestCase {
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);

  testGather(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        const count = root + 3;
        let buf: ArrayImpl;
        let sbuf: unknown;
        let rbuf: unknown;
        if (rank === root) {
          sbuf = MPI.IN_PLACE;
          buf = array(-1, typecode, [size, count]);
          for (let i = rank * count; i < (rank + 1) * count; i++) buf.set(i, check);
          rbuf = buf.as_mpi();
        } else {
          buf = array(root, typecode, count);
          sbuf = buf.as_mpi();
          rbuf = null;
        }
        StartWaitFree(this.COMM.Gather_init(sbuf as never, rbuf as never, root));
        for (const value of buf.flat) this.assertEqual(value, check);
        if (rank === root) sbuf = null;
        StartWaitFree(this.COMM.Gather_init(sbuf as never, rbuf as never, root));
        for (const value of buf.flat) this.assertEqual(value, check);
      }
    }
  }

  testScatter(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        for (const count of range(1, 10)) {
          let buf: ArrayImpl;
          let sbuf: unknown;
          let rbuf: unknown;
          if (rank === root) {
            buf = array(root, typecode, [size, count]);
            sbuf = buf.as_mpi();
            rbuf = MPI.IN_PLACE;
          } else {
            buf = array(-1, typecode, count);
            sbuf = null;
            rbuf = buf.as_mpi();
          }
          StartWaitFree(this.COMM.Scatter_init(sbuf as never, rbuf as never, root));
          for (const value of buf.flat) this.assertEqual(value, check);
          if (rank === root) rbuf = null;
          StartWaitFree(this.COMM.Scatter_init(sbuf as never, rbuf as never, root));
          for (const value of buf.flat) this.assertEqual(value, check);
        }
      }
    }
  }

  testAllgather(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const count of range(1, 10)) {
        const check = scalar(count);
        const buf = array(-1, typecode, [size, count]);
        for (let i = rank * count; i < (rank + 1) * count; i++) buf.set(i, check);
        StartWaitFree(this.COMM.Allgather_init(MPI.IN_PLACE, buf.as_mpi()));
        for (const value of buf.flat) this.assertEqual(value, check);
        StartWaitFree(this.COMM.Allgather_init(null as never, buf.as_mpi()));
        for (const value of buf.flat) this.assertEqual(value, check);
      }
    }
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

  #checkScattered(op: Op, i: number, value: number | bigint, max_val: number, mine: number, rank: number, size: number): void {
    if (i >= mine) {
      this.assertEqual(value, op === MPI.PROD ? rank + 1 : rank);
    } else if (op === MPI.SUM) {
      const redval = sum(range(size));
      if (redval < max_val) this.assertAlmostEqual(N(value), redval);
    } else if (op === MPI.PROD) {
      const redval = prod(range(1, size + 1));
      if (redval < max_val) this.assertAlmostEqual(N(value), redval);
    } else if (op === MPI.MAX) {
      this.assertEqual(value, size - 1);
    } else if (op === MPI.MIN) {
      this.assertEqual(value, 0);
    }
  }

  testReduce(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        for (const root of range(size)) {
          let buf: ArrayImpl;
          let sbuf: unknown;
          let rbuf: unknown;
          if (rank === root) {
            buf = array(range(size), typecode);
            sbuf = MPI.IN_PLACE;
            rbuf = buf.as_mpi();
          } else {
            buf = array(range(size), typecode);
            sbuf = buf.as_mpi();
            rbuf = null;
          }
          StartWaitFree(this.COMM.Reduce_init(sbuf as never, rbuf as never, op, root));
          if (rank === root) {
            const max_val = maxvalue(buf);
            for (const [i, value] of enumerate(buf)) this.#checkReduced(op, i, value, max_val, size);
          }
        }
      }
    }
  }

  testAllreduce(): void {
    const size = this.COMM.Get_size();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        const buf = array(range(size), typecode);
        StartWaitFree(this.COMM.Allreduce_init(MPI.IN_PLACE, buf.as_mpi(), op));
        const max_val = maxvalue(buf);
        for (const [i, value] of enumerate(buf)) this.#checkReduced(op, i, value, max_val, size);
      }
    }
  }

  testReduceScatterBlock(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        for (const rcnt of range(size)) {
          const rbuf = op === MPI.PROD ? array(repeat(rank + 1, rcnt * size), typecode) : array(repeat(rank, rcnt * size), typecode);
          StartWaitFree(this.COMM.Reduce_scatter_block_init(MPI.IN_PLACE, rbuf.as_mpi(), op));
          const max_val = maxvalue(rbuf);
          for (const [i, value] of enumerate(rbuf)) this.#checkScattered(op, i, value, max_val, rcnt, rank, size);
        }
      }
    }
  }

  testReduceScatter(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        const rcnt = range(1, size + 1);
        const rbuf = op === MPI.PROD ? array(repeat(rank + 1, sum(rcnt)), typecode) : array(repeat(rank, sum(rcnt)), typecode);
        StartWaitFree(this.COMM.Reduce_scatter_init(MPI.IN_PLACE, rbuf.as_mpi(), rcnt, op));
        const max_val = maxvalue(rbuf);
        for (const [i, value] of enumerate(rbuf)) this.#checkScattered(op, i, value, max_val, rcnt[rank]!, rank, size);
      }
    }
  }

  testScan(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        const buf = array(range(size), typecode);
        StartWaitFree(this.COMM.Scan_init(MPI.IN_PLACE, buf.as_mpi(), op));
        const max_val = maxvalue(buf);
        for (const [i, value] of enumerate(buf)) this.#checkReduced(op, i, value, max_val, rank + 1);
      }
    }
  }

  testExscan(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        const buf = array(range(size), typecode);
        StartWaitFree(this.COMM.Exscan_init(MPI.IN_PLACE, buf.as_mpi(), op));
        if (rank === 1) {
          for (const [i, value] of enumerate(buf)) this.assertEqual(value, i);
        } else if (rank > 1) {
          const max_val = maxvalue(buf);
          for (const [i, value] of enumerate(buf)) this.#checkReduced(op, i, value, max_val, rank);
        }
      }
    }
  }
}

export class TestCCOBufSelf extends BaseTestCCOBuf {
  override COMM: Intracomm = MPI.COMM_SELF;
}

export class TestCCOBufWorld extends BaseTestCCOBuf {
  override COMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCOBufInplaceSelf extends BaseTestCCOBufInplace {
  override COMM: Intracomm = MPI.COMM_SELF;
}

export class TestCCOBufInplaceWorld extends BaseTestCCOBufInplace {
  override COMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCOBufSelfDup extends TestCCOBufSelf {
  override setUp(): void { this.COMM = MPI.COMM_SELF.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestCCOBufWorldDup extends TestCCOBufWorld {
  override setUp(): void { this.COMM = MPI.COMM_WORLD.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}
