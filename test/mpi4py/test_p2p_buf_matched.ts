/**
 * Port of mpi4py's test/test_p2p_buf_matched.py, over typed arrays
 * (arrayimpl.ts). `bool(x)` for a Message or Request is `!x.isNull`.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, scalar, ArrayArray, ArrayNumPyUnsigned } from './arrayimpl.ts';

type Comm = InstanceType<typeof MPI.Intracomm>;
type Message = InstanceType<typeof MPI.Message>;
type Handle = { readonly isNull: boolean };

const truthy = (h: Handle | null): boolean => h !== null && !h.isNull;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function subTest(params: Record<string, unknown>, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) e.message = `${e.message} [${Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}]`;
    throw e;
  }
}

export class TestMessage extends TestCase {
  static override skips = {
    testPickle: 'JavaScript has no pickle module (handles cannot be serialised)',
  };

  testMessageNull(): void {
    const nul = MPI.MESSAGE_NULL;
    this.assertFalse(truthy(nul));
    const null2 = new MPI.Message();
    this.assertEqual(nul, null2);
    const null3 = new MPI.Message(nul);
    this.assertEqual(nul, null3);
  }

  testMessageNoProc(): void {
    //
    const noproc = MPI.MESSAGE_NO_PROC;
    this.assertTrue(truthy(noproc));
    noproc.Recv(null);
    this.assertTrue(truthy(noproc));
    noproc.Irecv(null).Wait();
    this.assertTrue(truthy(noproc));
    //
    const noproc2 = new MPI.Message(MPI.MESSAGE_NO_PROC);
    this.assertTrue(truthy(noproc2));
    this.assertEqual(noproc2, noproc);
    this.assertNotEqual(noproc, MPI.MESSAGE_NULL);
    //
    let message = new MPI.Message(MPI.MESSAGE_NO_PROC);
    message.Recv(null);
    this.assertEqual(message, MPI.MESSAGE_NULL);
    //
    message = new MPI.Message(MPI.MESSAGE_NO_PROC);
    const request = message.Irecv(null);
    this.assertEqual(message, MPI.MESSAGE_NULL);
    this.assertNotEqual(request, MPI.REQUEST_NULL);
    request.Wait();
    this.assertEqual(request, MPI.REQUEST_NULL);
  }

  testPickle(): void {
    this.skipTest('see skips');
  }
}

abstract class BaseTestP2PMatched extends TestCase {
  COMM: Comm = MPI.COMM_NULL as Comm;

  testIMProbe(): void {
    const comm = this.COMM.Dup();
    try {
      let m = comm.Improbe();
      this.assertIsNone(m);
      m = comm.Improbe(MPI.ANY_SOURCE);
      this.assertIsNone(m);
      m = comm.Improbe(MPI.ANY_SOURCE, MPI.ANY_TAG);
      this.assertIsNone(m);
      const status = new MPI.Status();
      m = comm.Improbe(MPI.ANY_SOURCE, MPI.ANY_TAG, status);
      this.assertIsNone(m);
      this.assertEqual(status.source, MPI.ANY_SOURCE);
      this.assertEqual(status.tag, MPI.ANY_TAG);
      this.assertEqual(status.error, MPI.SUCCESS);
      m = MPI.Message.Iprobe(comm);
      this.assertIsNone(m);
      const buf = [null, 0, MPI.BYTE] as const;
      const s = comm.Isend(buf, comm.rank, 0);
      const r = comm.Mprobe(comm.rank, 0).Irecv(buf);
      MPI.Request.Waitall([s, r]);
    } finally {
      comm.Free();
    }
  }

  testProbeRecv(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    for (const [array, typecode] of loop(ArrayArray, ArrayNumPyUnsigned)) {
      for (const s of range(size + 1)) {
        subTest({ typecode, s }, () => {
          const sbuf = array(s, typecode, s);
          let rbuf = array(-1, typecode, s);
          if (size === 1) {
            let n = comm.Improbe(0, 0);
            this.assertIsNone(n);
            const sr = comm.Isend(sbuf.as_mpi(), 0, 0);
            let m: Message | null = comm.Mprobe(0, 0);
            this.assertIsInstance(m, MPI.Message);
            this.assertTrue(truthy(m));
            const rr = m.Irecv(rbuf.as_raw());
            this.assertFalse(truthy(m));
            this.assertTrue(truthy(sr));
            this.assertTrue(truthy(rr));
            MPI.Request.Waitall([sr, rr]);
            this.assertFalse(truthy(sr));
            this.assertFalse(truthy(rr));
            //
            n = comm.Improbe(0, 0);
            this.assertIsNone(n);
            let r = comm.Isend(sbuf.as_mpi(), 0, 0);
            m = MPI.Message.Probe(comm, 0, 0);
            this.assertIsInstance(m, MPI.Message);
            this.assertTrue(truthy(m));
            m.Recv(rbuf.as_raw());
            this.assertFalse(truthy(m));
            r.Wait();
            //
            n = MPI.Message.Iprobe(comm, 0, 0);
            this.assertIsNone(n);
            r = comm.Isend(sbuf.as_mpi(), 0, 0);
            comm.Probe(0, 0);
            m = MPI.Message.Iprobe(comm, 0, 0);
            this.assertTrue(m !== null);
            this.assertIsInstance(m, MPI.Message);
            this.assertTrue(truthy(m));
            m!.Recv(rbuf.as_raw());
            this.assertFalse(truthy(m));
            r.Wait();
            //
            n = MPI.Message.Iprobe(comm, 0, 0);
            this.assertIsNone(n);
            r = comm.Isend(sbuf.as_mpi(), 0, 0);
            m = comm.Mprobe(0, 0);
            this.assertIsInstance(m, MPI.Message);
            this.assertTrue(truthy(m));
            m.Recv(rbuf.as_raw());
            this.assertFalse(truthy(m));
            r.Wait();
          } else if (rank === 0) {
            let n = comm.Improbe(0, 0);
            this.assertIsNone(n);
            //
            comm.Send(sbuf.as_mpi(), 1, 0);
            let m: Message | null = comm.Mprobe(1, 0);
            this.assertTrue(truthy(m));
            m.Recv(rbuf.as_raw());
            this.assertFalse(truthy(m));
            //
            n = comm.Improbe(0, 0);
            this.assertIsNone(n);
            comm.Send(sbuf.as_mpi(), 1, 1);
            m = null;
            while (!truthy(m)) m = comm.Improbe(1, 1);
            m!.Irecv(rbuf.as_raw()).Wait();
          } else if (rank === 1) {
            let n = comm.Improbe(1, 0);
            this.assertIsNone(n);
            //
            let m: Message | null = comm.Mprobe(0, 0);
            this.assertTrue(truthy(m));
            m.Recv(rbuf.as_raw());
            this.assertFalse(truthy(m));
            //
            n = comm.Improbe(1, 0);
            this.assertIsNone(n);
            comm.Send(sbuf.as_mpi(), 0, 0);
            m = null;
            while (!truthy(m)) m = comm.Improbe(0, 1);
            m!.Irecv(rbuf.as_mpi()).Wait();
            comm.Send(sbuf.as_mpi(), 0, 1);
          } else {
            rbuf = sbuf;
          }
          const check = scalar(s);
          for (const value of rbuf) this.assertEqual(value, check);
        });
      }
    }
  }
}

export class TestP2PMatchedSelf extends BaseTestP2PMatched {
  override COMM = MPI.COMM_SELF;
}

export class TestP2PMatchedWorld extends BaseTestP2PMatched {
  override COMM = MPI.COMM_WORLD;
}

export class TestP2PMatchedSelfDup extends TestP2PMatchedSelf {
  override setUp(): void {
    this.COMM = MPI.COMM_SELF.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}

export class TestP2PMatchedWorldDup extends TestP2PMatchedWorld {
  override setUp(): void {
    this.COMM = MPI.COMM_WORLD.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}
