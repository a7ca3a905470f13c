/**
 * Port of mpi4py's test/test_p2p_buf_part.py (partitioned communication),
 * over typed arrays (arrayimpl.ts). mpi4py's have_feature() probe
 * (which disables the module where the library lacks MPI_Psend_init) is
 * not needed: mpi4ts has it on every transport.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, scalar, ArrayArray, ArrayNumPyUnsigned } from './arrayimpl.ts';

type Comm = InstanceType<typeof MPI.Intracomm>;

const range = (a: number, b?: number): number[] => (b === undefined ? Array.from({ length: a }, (_, i) => i) : Array.from({ length: b - a }, (_, i) => a + i));

function subTest(params: Record<string, unknown>, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) e.message = `${e.message} [${Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}]`;
    throw e;
  }
}

abstract class BaseTestP2PBufPart extends TestCase {
  COMM: Comm = MPI.COMM_NULL as Comm;

  testSelf(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size)) {
        for (const p of range(1, 4)) {
          subTest({ typecode, p, s }, () => {
            const sbuf = array(s, typecode, s * p);
            const rbuf = array(-1, typecode, s * p);
            const sreq = this.COMM.Psend_init(sbuf.as_mpi(), p, rank, 0);
            const rreq = this.COMM.Precv_init(rbuf.as_mpi(), p, rank, 0);
            for (const _ of range(3)) {
              rreq.Start();
              for (const i of range(p)) {
                const flag = rreq.Parrived(i);
                this.assertFalse(flag);
              }
              sreq.Start();
              for (const i of range(p)) {
                sreq.Pready(i);
                for (const j of range(i + 1, p)) {
                  const flag = rreq.Parrived(j);
                  this.assertFalse(flag);
                }
              }
              for (const i of range(p)) {
                while (!rreq.Parrived(i)) { /* spin */ }
                const flag = rreq.Parrived(i);
                this.assertTrue(flag);
              }
              rreq.Wait();
              sreq.Wait();
              this.assertNotEqual(sreq, MPI.REQUEST_NULL);
              this.assertNotEqual(rreq, MPI.REQUEST_NULL);
              const check = scalar(s);
              for (const value of rbuf) this.assertEqual(value, check);
            }
            rreq.Free();
            sreq.Free();
            this.assertEqual(sreq, MPI.REQUEST_NULL);
            this.assertEqual(rreq, MPI.REQUEST_NULL);
          });
        }
      }
    }
  }

  testRing(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const dest = (rank + 1) % size;
    const source = (rank - 1 + size) % size;
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size)) {
        for (const p of range(1, 4)) {
          subTest({ typecode, p, s }, () => {
            const sbuf = array(s, typecode, s * p);
            const rbuf = array(-1, typecode, s * p);
            const sreq = this.COMM.Psend_init(sbuf.as_mpi(), p, dest, 0);
            const rreq = this.COMM.Precv_init(rbuf.as_mpi(), p, source, 0);
            for (const _ of range(3)) {
              this.COMM.Barrier();
              rreq.Start();
              for (const i of range(p)) {
                const flag = rreq.Parrived(i);
                this.assertFalse(flag);
              }
              this.COMM.Barrier();
              sreq.Start();
              for (const i of range(p)) sreq.Pready(i);
              this.COMM.Barrier();
              for (const i of range(p)) {
                while (!rreq.Parrived(i)) { /* spin */ }
                const flag = rreq.Parrived(i);
                this.assertTrue(flag);
              }
              rreq.Wait();
              sreq.Wait();
              this.assertNotEqual(sreq, MPI.REQUEST_NULL);
              this.assertNotEqual(rreq, MPI.REQUEST_NULL);
              this.COMM.Barrier();
              const check = scalar(s);
              for (const value of rbuf) this.assertEqual(value, check);
            }
            rreq.Free();
            sreq.Free();
            this.assertEqual(sreq, MPI.REQUEST_NULL);
            this.assertEqual(rreq, MPI.REQUEST_NULL);
          });
        }
      }
    }
  }

  testRingRangeList(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const dest = (rank + 1) % size;
    const source = (rank - 1 + size) % size;
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size)) {
        for (const p of range(1, 4)) {
          subTest({ typecode, p, s }, () => {
            const sbuf = array(s, typecode, s * p);
            const rbuf = array(-1, typecode, s * p);
            const sreq = this.COMM.Psend_init(sbuf.as_mpi(), p, dest, 0);
            const rreq = this.COMM.Precv_init(rbuf.as_mpi(), p, source, 0);
            for (const c of range(4)) {
              this.COMM.Barrier();
              rreq.Start();
              for (const i of range(p)) {
                const flag = rreq.Parrived(i);
                this.assertFalse(flag);
              }
              this.COMM.Barrier();
              sreq.Start();
              if (p > 1 && c % 2 === 0) {
                sreq.Pready_range(0, Math.floor(p / 2) - 1);
                sreq.Pready_range(Math.floor(p / 2), p - 1);
              } else {
                sreq.Pready_list(range(Math.floor(p / 2)));
                sreq.Pready_list(range(Math.floor(p / 2), p));
              }
              this.COMM.Barrier();
              for (const i of range(p)) {
                while (!rreq.Parrived(i)) { /* spin */ }
                const flag = rreq.Parrived(i);
                this.assertTrue(flag);
              }
              rreq.Wait();
              sreq.Wait();
              this.assertNotEqual(sreq, MPI.REQUEST_NULL);
              this.assertNotEqual(rreq, MPI.REQUEST_NULL);
              this.COMM.Barrier();
              const check = scalar(s);
              for (const value of rbuf) this.assertEqual(value, check);
            }
            rreq.Free();
            sreq.Free();
            this.assertEqual(sreq, MPI.REQUEST_NULL);
            this.assertEqual(rreq, MPI.REQUEST_NULL);
          });
        }
      }
    }
  }
}

export class TestP2PBufPartSelf extends BaseTestP2PBufPart {
  override COMM = MPI.COMM_SELF;
}

export class TestP2PBufPartWorld extends BaseTestP2PBufPart {
  override COMM = MPI.COMM_WORLD;
}

export class TestP2PBufPartSelfDup extends TestP2PBufPartSelf {
  override setUp(): void {
    this.COMM = MPI.COMM_SELF.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}

export class TestP2PBufPartWorldDup extends TestP2PBufPartWorld {
  override setUp(): void {
    this.COMM = MPI.COMM_WORLD.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}
