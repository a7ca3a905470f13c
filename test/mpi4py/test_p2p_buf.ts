/**
 * Port of mpi4py's test/test_p2p_buf.py, over typed arrays
 * (arrayimpl.ts). `bool(request)` is `!request.isNull`; `bytearray(1)`
 * is a Uint8Array; the GPU-array skips (is_mpi_gpu) have no counterpart.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, scalar, ArrayArray, ArrayNumPyUnsigned } from './arrayimpl.ts';

type Comm = InstanceType<typeof MPI.Intracomm>;
type Request = InstanceType<typeof MPI.Request>;

const truthy = (r: Request): boolean => !r.isNull;

/** unittest's subTest: a failure inside names the parameters. */
function subTest(params: Record<string, unknown>, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) e.message = `${e.message} [${Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}]`;
    throw e;
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

abstract class BaseTestP2PBuf extends TestCase {
  COMM: Comm = MPI.COMM_NULL as Comm;

  testSendrecv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const dest = (rank + 1) % size;
    const source = (rank - 1 + size) % size;
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size + 1)) {
        subTest({ typecode, s }, () => {
          const sbuf = array(s, typecode, s);
          const rbuf = array(-1, typecode, s + 1);
          this.COMM.Sendrecv(sbuf.as_mpi(), dest, 0, rbuf.as_mpi(), source, 0);
          let check = scalar(s);
          for (const value of rbuf.slice(0, -1)) this.assertEqual(value, check);
          check = scalar(-1);
          this.assertEqual(rbuf.at(-1), check);
        });
      }
    }
  }

  testISendrecv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const dest = (rank + 1) % size;
    const source = (rank - 1 + size) % size;
    this.COMM.Isendrecv(new Uint8Array(1), dest, 0, new Uint8Array(1), source, 0).Wait();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size + 1)) {
        subTest({ typecode, s }, () => {
          const sbuf = array(s, typecode, s);
          const rbuf = array(-1, typecode, s + 1);
          this.COMM.Isendrecv(sbuf.as_mpi(), dest, 0, rbuf.as_mpi(), source, 0).Wait();
          let check = scalar(s);
          for (const value of rbuf.slice(0, -1)) this.assertEqual(value, check);
          check = scalar(-1);
          this.assertEqual(rbuf.at(-1), check);
        });
      }
    }
  }

  testSendrecvReplace(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const dest = (rank + 1) % size;
    const source = (rank - 1 + size) % size;
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size + 1)) {
        subTest({ typecode, s }, () => {
          const buf = array(rank, typecode, s);
          this.COMM.Sendrecv_replace(buf.as_mpi(), dest, 0, source, 0);
          const check = scalar(source);
          for (const value of buf) this.assertEqual(value, check);
        });
      }
    }
  }

  testISendrecvReplace(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    const dest = (rank + 1) % size;
    const source = (rank - 1 + size) % size;
    this.COMM.Isendrecv_replace(new Uint8Array(1), dest, 0, source, 0).Wait();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size + 1)) {
        subTest({ typecode, s }, () => {
          const buf = array(rank, typecode, s);
          this.COMM.Isendrecv_replace(buf.as_mpi(), dest, 0, source, 0).Wait();
          const check = scalar(source);
          for (const value of buf) this.assertEqual(value, check);
        });
      }
    }
  }

  testSendRecv(): void {
    const size = this.COMM.Get_size();
    let rank = this.COMM.Get_rank();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size + 1)) {
        subTest({ typecode, s }, () => {
          //
          let sbuf = array(s, typecode, s);
          let rbuf = array(-1, typecode, s);
          const mem = array(0, typecode, 2 * (s + MPI.BSEND_OVERHEAD)).as_raw();
          if (size === 1) {
            MPI.Attach_buffer(mem);
            rbuf = sbuf;
            MPI.Detach_buffer();
          } else if (rank === 0) {
            MPI.Attach_buffer(mem);
            this.COMM.Ibsend(sbuf.as_mpi(), 1, 0).Wait();
            this.COMM.Bsend(sbuf.as_mpi(), 1, 0);
            MPI.Detach_buffer();
            this.COMM.Send(sbuf.as_mpi(), 1, 0);
            this.COMM.Ssend(sbuf.as_mpi(), 1, 0);
            this.COMM.Recv(rbuf.as_mpi(), 1, 0);
            this.COMM.Recv(rbuf.as_mpi(), 1, 0);
            this.COMM.Recv(rbuf.as_mpi(), 1, 0);
            this.COMM.Recv(rbuf.as_mpi(), 1, 0);
          } else if (rank === 1) {
            this.COMM.Recv(rbuf.as_mpi(), 0, 0);
            this.COMM.Recv(rbuf.as_mpi(), 0, 0);
            this.COMM.Recv(rbuf.as_mpi(), 0, 0);
            this.COMM.Recv(rbuf.as_mpi(), 0, 0);
            MPI.Attach_buffer(mem);
            this.COMM.Ibsend(sbuf.as_mpi(), 0, 0).Wait();
            this.COMM.Bsend(sbuf.as_mpi(), 0, 0);
            MPI.Detach_buffer();
            this.COMM.Send(sbuf.as_mpi(), 0, 0);
            this.COMM.Ssend(sbuf.as_mpi(), 0, 0);
          } else {
            rbuf = sbuf;
          }
          const check = scalar(s);
          for (const value of rbuf) this.assertEqual(value, check);
          //
          rank = this.COMM.Get_rank();
          sbuf = array(s, typecode, s);
          rbuf = array(-1, typecode, s);
          let rreq = this.COMM.Irecv(rbuf.as_mpi(), rank, 0);
          this.COMM.Rsend(sbuf.as_mpi(), rank, 0);
          rreq.Wait();
          for (const value of rbuf) this.assertEqual(value, check);
          rbuf = array(-1, typecode, s);
          rreq = this.COMM.Irecv(rbuf.as_mpi(), rank, 0);
          this.COMM.Irsend(sbuf.as_mpi(), rank, 0).Wait();
          rreq.Wait();
          for (const value of rbuf) this.assertEqual(value, check);
        });
      }
    }
  }

  testProcNull(): void {
    const comm = this.COMM;
    //
    comm.Sendrecv(null, MPI.PROC_NULL, 0, null, MPI.PROC_NULL, 0);
    comm.Sendrecv_replace(null, MPI.PROC_NULL, 0, MPI.PROC_NULL, 0);
    //
    comm.Send(null, MPI.PROC_NULL);
    comm.Isend(null, MPI.PROC_NULL).Wait();
    //
    comm.Ssend(null, MPI.PROC_NULL);
    comm.Issend(null, MPI.PROC_NULL).Wait();
    //
    const buf = MPI.Alloc_mem(MPI.BSEND_OVERHEAD);
    MPI.Attach_buffer(buf);
    comm.Bsend(null, MPI.PROC_NULL);
    comm.Ibsend(null, MPI.PROC_NULL).Wait();
    MPI.Detach_buffer();
    MPI.Free_mem(buf);
    //
    comm.Rsend(null, MPI.PROC_NULL);
    comm.Irsend(null, MPI.PROC_NULL).Wait();
    //
    comm.Recv(null, MPI.PROC_NULL);
    comm.Irecv(null, MPI.PROC_NULL).Wait();
  }

  testProcNullISendrecv(): void {
    this.COMM.Isendrecv(null, MPI.PROC_NULL, 0, null, MPI.PROC_NULL, 0).Wait();
    this.COMM.Isendrecv_replace(null, MPI.PROC_NULL, 0, MPI.PROC_NULL, 0).Wait();
  }

  testProcNullPersistent(): void {
    const comm = this.COMM;
    //
    let req = comm.Send_init(null, MPI.PROC_NULL);
    req.Start();
    req.Wait();
    req.Free();
    //
    req = comm.Ssend_init(null, MPI.PROC_NULL);
    req.Start();
    req.Wait();
    req.Free();
    //
    const buf = MPI.Alloc_mem(MPI.BSEND_OVERHEAD);
    MPI.Attach_buffer(buf);
    req = comm.Bsend_init(null, MPI.PROC_NULL);
    req.Start();
    req.Wait();
    req.Free();
    MPI.Detach_buffer();
    MPI.Free_mem(buf);
    //
    req = comm.Rsend_init(null, MPI.PROC_NULL);
    req.Start();
    req.Wait();
    req.Free();
    //
    req = comm.Recv_init(null, MPI.PROC_NULL);
    req.Start();
    req.Wait();
    req.Free();
  }

  testConstructor(): void {
    const preq = this.COMM.Send_init(new Uint8Array(0), MPI.PROC_NULL, 0);
    let dupe: Request = new MPI.Prequest(preq);
    this.assertIs(dupe.constructor, MPI.Prequest);
    this.assertEqual(dupe, preq);
    // mpi4py also checks Prequest.fromhandle(preq.tohandle()), fromint/toint
    // and f2py/py2f: C/Fortran interop handles, which mpi4ts leaves out
    // (docs/mpi4py-differences.md).
    dupe = new MPI.Request(preq);
    this.assertIs(dupe.constructor, MPI.Request);
    this.assertEqual(dupe, preq);
    this.assertRaises(TypeError, () => new MPI.Grequest(preq));
    preq.Start();
    preq.Wait();
    preq.Free();
  }

  testPersistent(): void {
    const size = this.COMM.Get_size();
    let rank = this.COMM.Get_rank();
    const dest = (rank + 1) % size;
    const source = (rank - 1 + size) % size;
    const checkRecv = (rbuf: { slice(a?: number, b?: number): (number | bigint)[] }, s: number): void => {
      let check = scalar(s);
      for (const value of rbuf.slice(0, s)) this.assertEqual(value, check);
      check = scalar(-1);
      for (const value of rbuf.slice(s)) this.assertEqual(value, check);
    };
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size + 1)) {
        for (const xs of range(3)) {
          subTest({ typecode, s, xs }, () => {
            //
            let sbuf = array(s, typecode, s);
            let rbuf = array(-1, typecode, s + xs);
            let sendreq = this.COMM.Send_init(sbuf.as_mpi(), dest, 0);
            let recvreq = this.COMM.Recv_init(rbuf.as_mpi(), source, 0);
            sendreq.Start();
            recvreq.Start();
            sendreq.Wait();
            recvreq.Wait();
            this.assertNotEqual(sendreq, MPI.REQUEST_NULL);
            this.assertNotEqual(recvreq, MPI.REQUEST_NULL);
            sendreq.Free();
            recvreq.Free();
            this.assertEqual(sendreq, MPI.REQUEST_NULL);
            this.assertEqual(recvreq, MPI.REQUEST_NULL);
            checkRecv(rbuf, s);
            //
            sbuf = array(s, typecode, s);
            rbuf = array(-1, typecode, s + xs);
            sendreq = this.COMM.Send_init(sbuf.as_mpi(), dest, 0);
            recvreq = this.COMM.Recv_init(rbuf.as_mpi(), source, 0);
            const reqlist = [sendreq, recvreq];
            MPI.Prequest.Startall(reqlist);
            const index1 = MPI.Prequest.Waitany(reqlist);
            this.assertIn(index1, [0, 1]);
            this.assertNotEqual(reqlist[index1], MPI.REQUEST_NULL);
            const index2 = MPI.Prequest.Waitany(reqlist);
            this.assertIn(index2, [0, 1]);
            this.assertNotEqual(reqlist[index2], MPI.REQUEST_NULL);
            this.assertNotEqual(index1, index2);
            const index3 = MPI.Prequest.Waitany(reqlist);
            this.assertEqual(index3, MPI.UNDEFINED);
            for (const preq of reqlist) {
              this.assertNotEqual(preq, MPI.REQUEST_NULL);
              preq.Free();
              this.assertEqual(preq, MPI.REQUEST_NULL);
            }
            checkRecv(rbuf, s);
            //
            sbuf = array(s, typecode, s);
            rbuf = array(-1, typecode, s + xs);
            sendreq = this.COMM.Ssend_init(sbuf.as_mpi(), dest, 0);
            recvreq = this.COMM.Recv_init(rbuf.as_mpi(), source, 0);
            sendreq.Start();
            recvreq.Start();
            sendreq.Wait();
            recvreq.Wait();
            this.assertNotEqual(sendreq, MPI.REQUEST_NULL);
            this.assertNotEqual(recvreq, MPI.REQUEST_NULL);
            sendreq.Free();
            recvreq.Free();
            this.assertEqual(sendreq, MPI.REQUEST_NULL);
            this.assertEqual(recvreq, MPI.REQUEST_NULL);
            checkRecv(rbuf, s);
            //
            const mem = array(0, typecode, s + MPI.BSEND_OVERHEAD).as_raw();
            sbuf = array(s, typecode, s);
            rbuf = array(-1, typecode, s + xs);
            MPI.Attach_buffer(mem);
            sendreq = this.COMM.Bsend_init(sbuf.as_mpi(), dest, 0);
            recvreq = this.COMM.Recv_init(rbuf.as_mpi(), source, 0);
            sendreq.Start();
            recvreq.Start();
            sendreq.Wait();
            recvreq.Wait();
            MPI.Detach_buffer();
            this.assertNotEqual(sendreq, MPI.REQUEST_NULL);
            this.assertNotEqual(recvreq, MPI.REQUEST_NULL);
            sendreq.Free();
            recvreq.Free();
            this.assertEqual(sendreq, MPI.REQUEST_NULL);
            this.assertEqual(recvreq, MPI.REQUEST_NULL);
            checkRecv(rbuf, s);
            //
            rank = this.COMM.Get_rank();
            sbuf = array(s, typecode, s);
            rbuf = array(-1, typecode, s + xs);
            recvreq = this.COMM.Recv_init(rbuf.as_mpi(), rank, 0);
            sendreq = this.COMM.Rsend_init(sbuf.as_mpi(), rank, 0);
            recvreq.Start();
            sendreq.Start();
            recvreq.Wait();
            sendreq.Wait();
            this.assertNotEqual(sendreq, MPI.REQUEST_NULL);
            this.assertNotEqual(recvreq, MPI.REQUEST_NULL);
            sendreq.Free();
            recvreq.Free();
            this.assertEqual(sendreq, MPI.REQUEST_NULL);
            this.assertEqual(recvreq, MPI.REQUEST_NULL);
            checkRecv(rbuf, s);
          });
        }
      }
    }
  }

  testProbe(): void {
    const comm = this.COMM.Dup();
    try {
      const request = comm.Issend([null, 0, MPI.BYTE], comm.rank, 123);
      this.assertTrue(truthy(request));
      const status = new MPI.Status();
      comm.Probe(MPI.ANY_SOURCE, MPI.ANY_TAG, status);
      this.assertEqual(status.source, comm.rank);
      this.assertEqual(status.tag, 123);
      this.assertTrue(truthy(request));
      let flag = request.Test();
      this.assertTrue(truthy(request));
      this.assertFalse(flag);
      comm.Recv([null, 0, MPI.BYTE], comm.rank, 123);
      this.assertTrue(truthy(request));
      flag = false;
      while (!flag) flag = request.Test();
      this.assertFalse(truthy(request));
      this.assertTrue(flag);
    } finally {
      comm.Free();
    }
  }

  testProbeCancel(): void {
    const comm = this.COMM.Dup();
    try {
      const request = comm.Issend([null, 0, MPI.BYTE], comm.rank, 123);
      let status = new MPI.Status();
      comm.Probe(MPI.ANY_SOURCE, MPI.ANY_TAG, status);
      this.assertEqual(status.source, comm.rank);
      this.assertEqual(status.tag, 123);
      request.Cancel();
      this.assertTrue(truthy(request));
      status = new MPI.Status();
      request.Get_status(status);
      const cancelled = status.Is_cancelled();
      if (!cancelled) {
        comm.Recv([null, 0, MPI.BYTE], comm.rank, 123);
        request.Wait();
      } else {
        request.Free();
      }
    } finally {
      comm.Free();
    }
  }

  testIProbe(): void {
    const comm = this.COMM.Dup();
    try {
      let f = comm.Iprobe();
      this.assertFalse(f);
      f = comm.Iprobe(MPI.ANY_SOURCE);
      this.assertFalse(f);
      f = comm.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG);
      this.assertFalse(f);
      const status = new MPI.Status();
      f = comm.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG, status);
      this.assertFalse(f);
      this.assertEqual(status.source, MPI.ANY_SOURCE);
      this.assertEqual(status.tag, MPI.ANY_TAG);
      this.assertEqual(status.error, MPI.SUCCESS);
    } finally {
      comm.Free();
    }
  }
}

export class TestP2PBufSelf extends BaseTestP2PBuf {
  override COMM = MPI.COMM_SELF;
}

export class TestP2PBufWorld extends BaseTestP2PBuf {
  override COMM = MPI.COMM_WORLD;
}

export class TestP2PBufSelfDup extends TestP2PBufSelf {
  override setUp(): void {
    this.COMM = MPI.COMM_SELF.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}

export class TestP2PBufWorldDup extends TestP2PBufWorld {
  override setUp(): void {
    this.COMM = MPI.COMM_WORLD.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}
