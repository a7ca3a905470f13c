/** Port of mpi4py's test/test_cco_buf.py (arrayimpl's array.array backend as typed arrays). */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, ArrayArray, scalar, range, sum, prod, N, repeat, enumerate, type ArrayImpl } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
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

abstract class BaseTestCCOBuf extends TestCase {
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);

  testBarrier(): void {
    this.COMM.Barrier();
  }

  testBcast(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const root of range(size)) {
        const check = scalar(root);
        const buf = rank === root ? array(root, typecode, root) : array(-1, typecode, root);
        this.COMM.Bcast(buf.as_mpi(), root);
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
        this.COMM.Gather(sbuf.as_mpi(), rbuf.as_mpi(), root);
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
        this.COMM.Scatter(sbuf.as_mpi(), rbuf.as_mpi(), root);
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
        this.COMM.Allgather(sbuf.as_mpi(), rbuf.as_mpi());
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
        this.COMM.Alltoall(sbuf.as_mpi(), rbuf.as_mpi_c(root + 1));
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
          this.COMM.Reduce(sbuf.as_mpi(), rbuf.as_mpi(), op, root);
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
        this.COMM.Allreduce(sbuf.as_mpi(), rbuf.as_mpi(), op);
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
          this.COMM.Reduce_scatter(sbuf.as_mpi(), rbuf.as_mpi(), counts, op);
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
          this.COMM.Reduce_scatter_block(sbuf.as_mpi(), rbuf.as_mpi(), op);
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
        this.COMM.Scan(sbuf.as_mpi(), rbuf.as_mpi(), op);
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
        this.COMM.Exscan(sbuf.as_mpi(), rbuf.as_mpi(), op);
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
          this.COMM.Bcast([buf, 1, newtype], root);
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
      for (const mode of range(2)) for (const root of range(size)) for (const count of range(1, 10)) {
        const check = scalar(root);
        let buf: ArrayImpl;
        let sbuf: unknown;
        let rbuf: unknown;
        if (rank === root) {
          buf = array(-1, typecode, [size, count]);
          for (let i = rank * count; i < (rank + 1) * count; i++) buf.set(i, check);
          rbuf = buf.as_mpi();
          sbuf = [MPI.IN_PLACE, null][mode];
        } else {
          buf = array(root, typecode, count);
          sbuf = buf.as_mpi();
          rbuf = null;
        }
        this.COMM.Gather(sbuf as never, rbuf as never, root);
        for (const value of buf.flat) this.assertEqual(value, check);
      }
    }
  }

  testScatter(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const mode of range(2)) for (const root of range(size)) for (const count of range(1, 10)) {
        const check = scalar(root);
        let buf: ArrayImpl;
        let sbuf: unknown;
        let rbuf: unknown;
        if (rank === root) {
          buf = array(root, typecode, [size, count]);
          sbuf = buf.as_mpi();
          rbuf = [MPI.IN_PLACE, null][mode];
        } else {
          buf = array(-1, typecode, count);
          sbuf = null;
          rbuf = buf.as_mpi();
        }
        this.COMM.Scatter(sbuf as never, rbuf as never, root);
        for (const value of buf.flat) this.assertEqual(value, check);
      }
    }
  }

  testAllgather(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const mode of range(2)) for (const count of range(1, 10)) {
        const check = scalar(count);
        const buf = array(-1, typecode, [size, count]);
        for (let i = rank * count; i < (rank + 1) * count; i++) buf.set(i, check);
        const sbuf = [MPI.IN_PLACE, null][mode];
        this.COMM.Allgather(sbuf as never, buf.as_mpi());
        for (const value of buf.flat) this.assertEqual(value, check);
      }
    }
  }

  testAlltoall(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const mode of range(2)) for (const count of range(1, 10)) {
        const buf = array(rank, typecode, [size, count]);
        const rbuf = buf.as_mpi();
        const sbuf = [MPI.IN_PLACE, null][mode];
        this.COMM.Alltoall(sbuf as never, rbuf);
        for (const [i, value] of enumerate(buf.flat as Iterable<number | bigint>)) {
          this.assertEqual(value, scalar(Math.floor(i / count)));
        }
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
        for (const mode of range(3)) for (const root of range(size)) {
          let buf: ArrayImpl;
          let sbuf: unknown;
          let rbuf: unknown;
          if (rank === root) {
            buf = array(range(size), typecode);
            rbuf = buf.as_mpi();
            sbuf = [MPI.IN_PLACE, null, rbuf][mode];
          } else {
            buf = array(range(size), typecode);
            const buf2 = array(range(size), typecode);
            sbuf = buf.as_mpi();
            rbuf = buf2.as_mpi();
          }
          this.COMM.Reduce(sbuf as never, rbuf as never, op, root);
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
        for (const mode of range(3)) {
          const buf = array(range(size), typecode);
          const rbuf = buf.as_mpi();
          const sbuf = [MPI.IN_PLACE, null, rbuf][mode];
          this.COMM.Allreduce(sbuf as never, rbuf, op);
          const max_val = maxvalue(buf);
          for (const [i, value] of enumerate(buf)) this.#checkReduced(op, i, value, max_val, size);
        }
      }
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

  testReduceScatterBlock(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.MAX, MPI.MIN, MPI.PROD]) {
        if (skip_op(typecode, op)) continue;
        for (const mode of range(2)) for (const rcnt of range(size)) {
          const buf = op === MPI.PROD ? array(repeat(rank + 1, rcnt * size), typecode) : array(repeat(rank, rcnt * size), typecode);
          const rbuf = buf.as_mpi();
          const sbuf = [MPI.IN_PLACE, null, rbuf][mode];
          this.COMM.Reduce_scatter_block(sbuf as never, rbuf, op);
          const max_val = maxvalue(buf);
          for (const [i, value] of enumerate(buf)) this.#checkScattered(op, i, value, max_val, rcnt, rank, size);
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
        for (const mode of range(3)) {
          const rcnt = range(1, size + 1);
          const buf = op === MPI.PROD ? array(repeat(rank + 1, sum(rcnt)), typecode) : array(repeat(rank, sum(rcnt)), typecode);
          const rbuf = buf.as_mpi();
          const sbuf = [MPI.IN_PLACE, null, rbuf][mode];
          this.COMM.Reduce_scatter(sbuf as never, rbuf, rcnt, op);
          const max_val = maxvalue(buf);
          for (const [i, value] of enumerate(buf)) this.#checkScattered(op, i, value, max_val, rcnt[rank]!, rank, size);
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
        for (const mode of range(3)) {
          const buf = array(range(size), typecode);
          const rbuf = buf.as_mpi();
          const sbuf = [MPI.IN_PLACE, null, rbuf][mode];
          this.COMM.Scan(sbuf as never, rbuf, op);
          const max_val = maxvalue(buf);
          for (const [i, value] of enumerate(buf)) this.#checkReduced(op, i, value, max_val, rank + 1);
        }
      }
    }
  }

  testExscan(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        for (const mode of range(3)) {
          const buf = array(range(size), typecode);
          const rbuf = buf.as_mpi();
          const sbuf = [MPI.IN_PLACE, null, rbuf][mode];
          this.COMM.Exscan(sbuf as never, rbuf, op);
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
}

export class TestReduceLocal extends TestCase {
  testReduceLocal(): void {
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        if (skip_op(typecode, op)) continue;
        const size = 5;
        const sbuf = array(range(1, size + 1), typecode);
        const rbuf = array(range(size + 0), typecode);
        op.Reduce_local(sbuf.as_mpi(), rbuf.as_mpi());
        for (const [i, value] of enumerate(rbuf)) {
          this.assertEqual(sbuf.get(i), i + 1);
          if (op === MPI.SUM) this.assertAlmostEqual(N(value), i + (i + 1));
          else if (op === MPI.PROD) this.assertAlmostEqual(N(value), i * (i + 1));
          else if (op === MPI.MAX) this.assertEqual(value, i + 1);
          else if (op === MPI.MIN) this.assertEqual(value, i);
        }
      }
    }
  }

  testReduceLocalBadCount(): void {
    const ValueError = [MPI.Exception, RangeError, TypeError];
    for (const [array, typecode] of loop(ArrayArray)) {
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
        const sbuf = array(range(3), typecode);
        const rbuf = array(range(3), typecode);
        let s: unknown = sbuf.as_mpi_c(2);
        let r: unknown = rbuf.as_mpi_c(3);
        this.assertRaises(ValueError, () => op.Reduce_local(s as never, r as never));
        s = [sbuf.as_raw(), 1, MPI.INT];
        r = [rbuf.as_raw(), 1, MPI.SHORT];
        this.assertRaises(ValueError, () => op.Reduce_local(s as never, r as never));
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
