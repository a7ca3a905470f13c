/**
 * Port of mpi4py's test/test_rma_nb.py (request-based RMA), over typed arrays (arrayimpl.ts).
 * Python's context managers win_lock/win_lock_all are functions taking a
 * body; `bytearray(n)` is a Uint8Array; mpi4py's ValueError for
 * The window memory comes from MPI.Alloc_mem, as mpi4py's
 * setUp takes it (over more than one process, mpi4ts needs it
 * SharedArrayBuffer-backed). The GPU-array skips (is_mpi_gpu) have no
 * counterpart; typecodes "?" and "FDG" are not in the typed-array loop.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

import { loop, scalar, ArrayArray, ArrayNumPyUnsigned } from './arrayimpl.ts';

type Win = InstanceType<typeof MPI.Win>;
type Op = InstanceType<typeof MPI.Op>;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const mkzeros = (n: number): Uint8Array => new Uint8Array(n);
const memzero = (m: Uint8Array): void => { m.fill(0); };

/** mpi4py's `op(a, b)` on Python numbers, for the predefined operations the module uses. */
function apply(op: Op, a: number, b: number): number {
  if (op === MPI.SUM) return a + b;
  if (op === MPI.PROD) return a * b;
  if (op === MPI.MAX) return Math.max(a, b);
  if (op === MPI.MIN) return Math.min(a, b);
  if (op === MPI.REPLACE) return b;
  return a; // NO_OP
}

/** unittest's subTest: a failure inside names the parameters. */
function subTest(params: Record<string, unknown>, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) e.message = `${e.message} [${Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}]`;
    throw e;
  }
}

function winLock(win: Win, rank: number, body: () => void): void {
  win.Lock(rank);
  try { body(); } finally { win.Unlock(rank); }
}


abstract class BaseTestRMA extends TestCase {
  COMM: MPI.Intracomm = MPI.COMM_WORLD;
  INFO: MPI.Info = MPI.INFO_NULL;
  COUNT_MIN = 0;
  WIN!: Win;
  memory!: Uint8Array;
  mpi_memory: Uint8Array | null = null;

  override setUp(): void {
    const nbytes = 100 * MPI.DOUBLE.size;
    this.mpi_memory = MPI.Alloc_mem(nbytes);
    this.memory = this.mpi_memory;
    memzero(this.memory);
    this.WIN = MPI.Win.Create(this.memory, 1, this.INFO, this.COMM);
  }

  override tearDown(): void {
    this.WIN.Free();
    if (this.mpi_memory) MPI.Free_mem(this.mpi_memory);
  }

  testPutGet(): void {
    const group = this.WIN.Get_group();
    const size = group.Get_size();
    group.Free();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const count of range(10)) {
        for (const rank of range(size)) {
          subTest({ typecode, rank, count }, () => {
            const sbuf = array(new Array<number>(count).fill(rank), typecode);
            const rbuf = array(-1, typecode, count + 1);
            this.WIN.Fence();
            winLock(this.WIN, rank, () => {
              let r = this.WIN.Rput(sbuf.as_mpi(), rank);
              r.Wait();
              this.WIN.Flush(rank);
              r = this.WIN.Rget(rbuf.as_mpi_c(count), rank);
              r.Wait();
            });
            for (const i of range(count)) {
              this.assertEqual(sbuf.at(i), scalar(rank));
              this.assertEqual(rbuf.at(i), scalar(rank));
            }
            this.assertEqual(rbuf.at(-1), scalar(-1));
          });
        }
      }
    }
  }

  testAccumulate(): void {
    const group = this.WIN.Get_group();
    const size = group.Get_size();
    group.Free();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const count of range(10)) {
        for (const rank of range(size)) {
          subTest({ typecode, rank, count }, () => {
            const ones = array(new Array<number>(count).fill(1), typecode);
            const sbuf = array(range(count), typecode);
            const rbuf = array(-1, typecode, count + 1);
            for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN, MPI.REPLACE]) {
              winLock(this.WIN, rank, () => {
                this.WIN.Put(ones.as_mpi(), rank);
                this.WIN.Flush(rank);
                let r = this.WIN.Raccumulate(sbuf.as_mpi(), rank, null, op);
                r.Wait();
                this.WIN.Flush(rank);
                r = this.WIN.Rget(rbuf.as_mpi_c(count), rank);
                r.Wait();
              });
              for (const i of range(count)) {
                this.assertEqual(sbuf.at(i), scalar(i));
                this.assertEqual(rbuf.at(i), scalar(apply(op, 1, i)));
              }
              this.assertEqual(rbuf.at(-1), scalar(-1));
            }
          });
        }
      }
    }
  }

  testGetAccumulate(): void {
    const group = this.WIN.Get_group();
    const size = group.Get_size();
    group.Free();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const count of range(10)) {
        for (const rank of range(size)) {
          subTest({ typecode, rank, count }, () => {
            const ones = array(new Array<number>(count).fill(1), typecode);
            const sbuf = array(range(count), typecode);
            const rbuf = array(-1, typecode, count + 1);
            const gbuf = array(-1, typecode, count + 1);
            for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN, MPI.REPLACE, MPI.NO_OP]) {
              winLock(this.WIN, rank, () => {
                this.WIN.Put(ones.as_mpi(), rank);
                this.WIN.Flush(rank);
                let r = this.WIN.Rget_accumulate(sbuf.as_mpi(), rbuf.as_mpi_c(count), rank, null, op);
                r.Wait();
                this.WIN.Flush(rank);
                r = this.WIN.Rget(gbuf.as_mpi_c(count), rank);
                r.Wait();
              });
              for (const i of range(count)) {
                this.assertEqual(sbuf.at(i), scalar(i));
                this.assertEqual(rbuf.at(i), scalar(1));
                this.assertEqual(gbuf.at(i), scalar(apply(op, 1, i)));
              }
              this.assertEqual(rbuf.at(-1), scalar(-1));
              this.assertEqual(gbuf.at(-1), scalar(-1));
            }
          });
        }
      }
    }
  }

  testPutProcNull(): void {
    const rank = this.COMM.Get_rank();
    winLock(this.WIN, rank, () => {
      const r = this.WIN.Rput(MPI.BOTTOM as never, MPI.PROC_NULL, null);
      r.Wait();
    });
  }

  testGetProcNull(): void {
    const rank = this.COMM.Get_rank();
    winLock(this.WIN, rank, () => {
      const r = this.WIN.Rget(MPI.BOTTOM as never, MPI.PROC_NULL, null);
      r.Wait();
    });
  }

  testAccumulateProcNullReplace(): void {
    const rank = this.COMM.Get_rank();
    const zeros = mkzeros(8);
    winLock(this.WIN, rank, () => {
      let r = this.WIN.Raccumulate([zeros, MPI.INT], MPI.PROC_NULL, null, MPI.REPLACE);
      r.Wait();
      r = this.WIN.Raccumulate([zeros, MPI.INT], MPI.PROC_NULL, null, MPI.REPLACE);
      r.Wait();
    });
  }

  testAccumulateProcNullSum(): void {
    const rank = this.COMM.Get_rank();
    const zeros = mkzeros(8);
    winLock(this.WIN, rank, () => {
      let r = this.WIN.Raccumulate([zeros, MPI.INT], MPI.PROC_NULL, null, MPI.SUM);
      r.Wait();
      r = this.WIN.Raccumulate([null, MPI.INT] as never, MPI.PROC_NULL, null, MPI.SUM);
      r.Wait();
    });
  }
}

export class TestRMASelf extends BaseTestRMA { override COMM = MPI.COMM_SELF; }
export class TestRMAWorld extends BaseTestRMA { override COMM = MPI.COMM_WORLD; }
