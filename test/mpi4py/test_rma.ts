/**
 * Port of mpi4py's test/test_rma.py, over typed arrays (arrayimpl.ts).
 * Python's context managers win_lock/win_lock_all are functions taking a
 * body; `bytearray(n)` is a Uint8Array; mpi4py's ValueError for
 * Fetch_and_op/Compare_and_swap arguments of other than one element is a
 * RangeError. The window memory comes from MPI.Alloc_mem, as mpi4py's
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

function winLockAll(win: Win, body: () => void): void {
  win.Lock_all();
  try { body(); } finally { win.Unlock_all(); }
}

const typemap = (typecode: string): InstanceType<typeof MPI.Datatype> => MPI.Datatype.fromcode(typecode);

abstract class BaseTestRMA extends TestCase {
  static override skips: Record<string, string> = {
    testFetchAndOpProcNull: 'mpi-fao-proc_null (mpi4py skips it)',
    testCompareAndSwapProcNull: 'mpi-cas-proc_null (mpi4py skips it)',
  };
  COMM: MPI.Intracomm = MPI.COMM_WORLD;
  INFO: MPI.Info = MPI.INFO_NULL;
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
            let sbuf = array(range(count), typecode);
            let rbuf = array(-1, typecode, count + 1);
            this.WIN.Fence();
            this.WIN.Put(sbuf.as_mpi(), rank);
            this.WIN.Fence();
            this.WIN.Get(rbuf.as_mpi_c(count), rank);
            this.WIN.Fence();
            for (const i of range(count)) {
              this.assertEqual(sbuf.at(i), scalar(i));
              this.assertEqual(rbuf.at(i), scalar(i));
            }
            this.assertEqual(rbuf.at(-1), scalar(-1));
            //
            sbuf = array(range(count), typecode);
            rbuf = array(-1, typecode, count + 1);
            let target: number | [number, number, unknown] = sbuf.itemsize;
            this.WIN.Fence();
            this.WIN.Put(sbuf.as_mpi(), rank, target);
            this.WIN.Fence();
            this.WIN.Get(rbuf.as_mpi_c(count), rank, target);
            this.WIN.Fence();
            for (const i of range(count)) {
              this.assertEqual(sbuf.at(i), scalar(i));
              this.assertEqual(rbuf.at(i), scalar(i));
            }
            this.assertEqual(rbuf.at(-1), scalar(-1));
            //
            sbuf = array(range(count), typecode);
            rbuf = array(-1, typecode, count + 1);
            const datatype = typemap(typecode);
            target = [sbuf.itemsize, count, datatype];
            this.WIN.Fence();
            this.WIN.Put(sbuf.as_mpi(), rank, target);
            this.WIN.Fence();
            this.WIN.Get(rbuf.as_mpi_c(count), rank, target);
            this.WIN.Fence();
            for (const i of range(count)) {
              this.assertEqual(sbuf.at(i), scalar(i));
              this.assertEqual(rbuf.at(i), scalar(i));
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
            const sbuf = array(range(count), typecode);
            const rbuf = array(-1, typecode, count + 1);
            for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN]) {
              this.WIN.Fence();
              this.WIN.Accumulate(sbuf.as_mpi(), rank, null, op);
              this.WIN.Fence();
              this.WIN.Get(rbuf.as_mpi_c(count), rank);
              this.WIN.Fence();
              for (const i of range(count)) {
                this.assertEqual(sbuf.at(i), scalar(i));
                this.assertNotEqual(rbuf.at(i), scalar(-1));
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
    let size = group.Get_size();
    let rank = group.Get_rank();
    group.Free();
    this.WIN.Fence();
    const obuf = MPI.Alloc_mem(1);
    memzero(obuf);
    const rbuf0 = MPI.Alloc_mem(1);
    memzero(rbuf0);
    try {
      this.WIN.Get_accumulate([obuf, 0, MPI.BYTE], [rbuf0, 0, MPI.BYTE], rank);
      this.WIN.Fence();
    } finally {
      MPI.Free_mem(obuf);
      MPI.Free_mem(rbuf0);
    }
    this.WIN.Fence();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const count of range(10)) {
        for (rank of range(size)) {
          subTest({ typecode, rank, count }, () => {
            const ones = array(new Array<number>(count).fill(1), typecode);
            const sbuf = array(range(count), typecode);
            const rbuf = array(-1, typecode, count + 1);
            const gbuf = array(-1, typecode, count + 1);
            for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN, MPI.REPLACE, MPI.NO_OP]) {
              winLock(this.WIN, rank, () => {
                this.WIN.Put(ones.as_mpi(), rank);
                this.WIN.Flush(rank);
                this.WIN.Get_accumulate(sbuf.as_mpi(), rbuf.as_mpi_c(count), rank, null, op);
                this.WIN.Flush(rank);
                this.WIN.Get(gbuf.as_mpi_c(count), rank);
                this.WIN.Flush(rank);
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
    size = 0;
  }

  testFetchAndOp(): void {
    const group = this.WIN.Get_group();
    const size = group.Get_size();
    let rank = group.Get_rank();
    group.Free();
    this.WIN.Fence();
    const blen = MPI.INT.Get_size();
    let obuf0 = MPI.Alloc_mem(blen);
    memzero(obuf0);
    let rbuf0 = MPI.Alloc_mem(blen);
    memzero(rbuf0);
    try {
      this.WIN.Fetch_and_op([obuf0, 1, MPI.INT], [rbuf0, 1, MPI.INT], rank);
      this.WIN.Fence();
    } finally {
      MPI.Free_mem(obuf0);
      MPI.Free_mem(rbuf0);
    }
    this.WIN.Fence();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      const obuf = array(+1, typecode);
      const rbuf = array(-1, typecode, 2);
      const datatype = typemap(typecode);
      for (const op of [MPI.SUM, MPI.PROD, MPI.MAX, MPI.MIN, MPI.REPLACE, MPI.NO_OP]) {
        for (rank of range(size)) {
          for (const disp of range(3)) {
            subTest({ typecode, disp, rank }, () => {
              winLock(this.WIN, rank, () => {
                this.WIN.Fetch_and_op(obuf.as_mpi(), rbuf.as_mpi_c(1), rank, disp * datatype.size, op);
              });
              this.assertEqual(rbuf.at(1), scalar(-1));
            });
          }
        }
      }
    }
    const big = new Uint8Array(MPI.INT.Get_size());
    const buf1 = new Uint8Array(1);
    const buf2 = new Uint8Array(1);
    winLock(this.WIN, rank, () => this.WIN.Fetch_and_op(buf1, buf2, rank, 0, MPI.NO_OP));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Fetch_and_op(big, buf2, rank, 0, MPI.NO_OP)));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Fetch_and_op(buf1, big, rank, 0, MPI.NO_OP)));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Fetch_and_op(buf1, [big, MPI.INT], rank, 0, MPI.NO_OP)));
    obuf0 = rbuf0 = new Uint8Array(0);
  }

  testCompareAndSwap(): void {
    const group = this.WIN.Get_group();
    const size = group.Get_size();
    let rank = group.Get_rank();
    group.Free();
    this.WIN.Fence();
    const obuf0 = MPI.Alloc_mem(1);
    memzero(obuf0);
    const cbuf0 = MPI.Alloc_mem(1);
    memzero(cbuf0);
    const rbuf0 = MPI.Alloc_mem(1);
    memzero(rbuf0);
    try {
      this.WIN.Compare_and_swap([obuf0, 1, MPI.BYTE], [cbuf0, 1, MPI.BYTE], [rbuf0, 1, MPI.BYTE], rank, 0);
      this.WIN.Fence();
    } finally {
      MPI.Free_mem(obuf0);
      MPI.Free_mem(cbuf0);
      MPI.Free_mem(rbuf0);
    }
    this.WIN.Fence();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      if ('fdg'.includes(typecode)) continue;
      const obuf = array(+1, typecode);
      const cbuf = array(0, typecode);
      const rbuf = array(-1, typecode, 2);
      const datatype = typemap(typecode);
      for (rank of range(size)) {
        for (const disp of range(3)) {
          subTest({ typecode, disp, rank }, () => {
            winLock(this.WIN, rank, () => {
              this.WIN.Compare_and_swap(obuf.as_mpi(), cbuf.as_mpi(), rbuf.as_mpi_c(1), rank, disp * datatype.size);
            });
            this.assertEqual(rbuf.at(1), scalar(-1));
          });
        }
      }
    }
    const big = new Uint8Array(MPI.INT.Get_size());
    const buf1 = new Uint8Array(1);
    const buf2 = new Uint8Array(1);
    const buf3 = new Uint8Array(1);
    winLock(this.WIN, rank, () => this.WIN.Compare_and_swap(buf1, buf2, buf3, rank));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Compare_and_swap(big, buf2, buf3, rank)));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Compare_and_swap(buf1, big, buf3, rank)));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Compare_and_swap(buf1, buf2, big, rank)));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Compare_and_swap(buf1, [big, MPI.INT], buf3, rank)));
    this.assertRaises(RangeError, () => winLock(this.WIN, rank, () => this.WIN.Compare_and_swap(buf1, buf2, [big, MPI.INT], rank)));
  }

  testPutProcNull(): void {
    this.WIN.Fence();
    this.WIN.Put(null as never, MPI.PROC_NULL, null);
    this.WIN.Fence();
  }

  testGetProcNull(): void {
    this.WIN.Fence();
    this.WIN.Get(null as never, MPI.PROC_NULL, null);
    this.WIN.Fence();
  }

  testAccumulateProcNullReplace(): void {
    this.WIN.Fence();
    const zeros = mkzeros(8);
    const empty = null;
    this.WIN.Fence();
    this.WIN.Accumulate([zeros, MPI.INT], MPI.PROC_NULL, null, MPI.REPLACE);
    this.WIN.Fence();
    this.WIN.Accumulate([empty, MPI.INT] as never, MPI.PROC_NULL, null, MPI.REPLACE);
    this.WIN.Fence();
  }

  testAccumulateProcNullSum(): void {
    this.WIN.Fence();
    const zeros = mkzeros(8);
    const empty = null;
    this.WIN.Fence();
    this.WIN.Accumulate([zeros, MPI.INT], MPI.PROC_NULL, null, MPI.SUM);
    this.WIN.Fence();
    this.WIN.Accumulate([empty, MPI.INT] as never, MPI.PROC_NULL, null, MPI.SUM);
    this.WIN.Fence();
  }

  testGetAccumulateProcNull(): void {
    const obuf = [mkzeros(8), 0, MPI.INT] as const;
    const rbuf = [mkzeros(8), 0, MPI.INT] as const;
    this.WIN.Fence();
    this.WIN.Get_accumulate(obuf, rbuf, MPI.PROC_NULL);
    this.WIN.Fence();
  }

  testFetchAndOpProcNull(): void {
    this.WIN.Fence();
    this.WIN.Fetch_and_op(null, null as never, MPI.PROC_NULL, 0);
    this.WIN.Fence();
  }

  testCompareAndSwapProcNull(): void {
    this.WIN.Fence();
    this.WIN.Compare_and_swap(null as never, null as never, null as never, MPI.PROC_NULL, 0);
    this.WIN.Fence();
  }

  testFence(): void {
    const win = this.WIN;
    const LMODE = [0, MPI.MODE_NOSTORE, MPI.MODE_NOPUT, MPI.MODE_NOSTORE | MPI.MODE_NOPUT];
    const GMODE = [0, MPI.MODE_NOPRECEDE, MPI.MODE_NOSUCCEED];
    win.Fence();
    for (const lmode of LMODE) {
      for (const gmode of GMODE) {
        const assertion = lmode | gmode;
        win.Fence(assertion);
      }
    }
    win.Fence();
  }

  testFenceAll(): void {
    const win = this.WIN;
    let assertion = 0;
    const modes = [0, MPI.MODE_NOSTORE, MPI.MODE_NOPUT, MPI.MODE_NOPRECEDE, MPI.MODE_NOSUCCEED];
    win.Fence();
    for (const mode of modes) {
      win.Fence(mode);
      assertion |= mode;
      win.Fence(assertion);
    }
    win.Fence();
  }

  testStartComplete(): void {
    this.WIN.Start(MPI.GROUP_EMPTY);
    this.WIN.Complete();
  }

  testPostWait(): void {
    this.WIN.Post(MPI.GROUP_EMPTY);
    this.WIN.Wait();
  }

  testStartCompletePostWait(): void {
    const win = this.WIN;
    const wingroup = win.Get_group();
    const size = wingroup.Get_size();
    const rank = wingroup.Get_rank();
    if (size < 2) { wingroup.Free(); return; }
    if (rank === 0) {
      const group = wingroup.Excl([0]);
      win.Start(group);
      win.Complete();
      win.Post(group);
      win.Wait();
      group.Free();
    } else {
      const group = wingroup.Incl([0]);
      win.Post(group);
      win.Wait();
      win.Start(group);
      win.Complete();
      group.Free();
    }
    wingroup.Free();
  }

  testStartCompletePostTest(): void {
    const comm = this.COMM;
    const win = this.WIN;
    const wingroup = win.Get_group();
    const size = wingroup.Get_size();
    const rank = wingroup.Get_rank();
    if (size < 2) { wingroup.Free(); return; }
    if (rank === 0) {
      const group = wingroup.Excl([0]);
      win.Start(group);
      comm.Barrier();
      win.Complete();
      comm.Barrier();
      group.Free();
    } else {
      const group = wingroup.Incl([0]);
      win.Post(group);
      let flag = win.Test();
      this.assertFalse(flag);
      comm.Barrier();
      comm.Barrier();
      while (!flag) flag = win.Test();
      this.assertTrue(flag);
      group.Free();
    }
    wingroup.Free();
  }

  testSync(): void {
    const win = this.WIN;
    const comm = this.COMM;
    const rank = comm.Get_rank();
    winLock(win, rank, () => win.Sync());
    comm.Barrier();
  }

  testFlush(): void {
    const win = this.WIN;
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    for (const i of range(size)) winLock(win, i, () => win.Flush(i));
    comm.Barrier();
    for (const i of range(size)) {
      if (i === rank) winLockAll(win, () => win.Flush_all());
      comm.Barrier();
    }
    for (const i of range(size)) winLock(win, i, () => win.Flush_local(i));
    comm.Barrier();
    for (const i of range(size)) {
      if (i === rank) winLockAll(win, () => win.Flush_local_all());
      comm.Barrier();
    }
  }
}

export class TestRMASelf extends BaseTestRMA { override COMM = MPI.COMM_SELF; }
export class TestRMAWorld extends BaseTestRMA { override COMM = MPI.COMM_WORLD; }
