/**
 * Port of mpi4py's test/test_p2p_obj_matched.py. `bool(x)` for a Message or
 * Request is `!x.isNull`; complex numbers are objects { real, imag }.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Comm = InstanceType<typeof MPI.Intracomm>;
type Handle = { readonly isNull: boolean };

const _basic: unknown[] = [
  null,
  true,
  false,
  -7,
  0,
  7,
  -(2n ** 63n) + 1n,
  2n ** 63n - 1n,
  -2.17,
  0.0,
  +1.62,
  { real: 1, imag: 2 },
  { real: 2, imag: -3 },
  'mpi4py',
];
const messages: unknown[] = [
  ..._basic,
  [..._basic],
  [..._basic], // tuple(_basic)
  Object.fromEntries(_basic.map((v, k) => [`k${k}`, v])),
];

const truthy = (h: Handle | null): boolean => h !== null && !h.isNull;

export class TestMessage extends TestCase {
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
    let noproc = MPI.MESSAGE_NO_PROC;
    this.assertTrue(truthy(noproc));
    noproc.recv();
    this.assertTrue(truthy(noproc));
    noproc.irecv().wait();
    this.assertTrue(truthy(noproc));
    //
    const noproc2 = new MPI.Message(MPI.MESSAGE_NO_PROC);
    this.assertTrue(truthy(noproc2));
    this.assertEqual(noproc2, noproc);
    this.assertNotEqual(noproc, MPI.MESSAGE_NULL);
    //
    let message = new MPI.Message(MPI.MESSAGE_NO_PROC);
    message.recv();
    this.assertEqual(message, MPI.MESSAGE_NULL);
    //
    message = new MPI.Message(MPI.MESSAGE_NO_PROC);
    const request = message.irecv();
    this.assertEqual(message, MPI.MESSAGE_NULL);
    this.assertNotEqual(request, MPI.REQUEST_NULL);
    request.wait();
    this.assertEqual(request, MPI.REQUEST_NULL);
    //
    const comm = MPI.COMM_SELF;
    message = comm.mprobe(MPI.PROC_NULL);
    this.assertNotEqual(message, MPI.MESSAGE_NULL);
    this.assertEqual(message, MPI.MESSAGE_NO_PROC);
    noproc = comm.improbe(MPI.PROC_NULL)!;
    this.assertNotEqual(noproc, MPI.MESSAGE_NULL);
    this.assertEqual(noproc, MPI.MESSAGE_NO_PROC);
  }
}

abstract class BaseTestP2PMatched extends TestCase {
  COMM: Comm = MPI.COMM_NULL as Comm;

  testIMProbe(): void {
    const comm = this.COMM.Dup();
    try {
      let m = comm.improbe();
      this.assertIsNone(m);
      m = comm.improbe(MPI.ANY_SOURCE);
      this.assertIsNone(m);
      m = comm.improbe(MPI.ANY_SOURCE, MPI.ANY_TAG);
      this.assertIsNone(m);
      const status = new MPI.Status();
      m = comm.improbe(MPI.ANY_SOURCE, MPI.ANY_TAG, status);
      this.assertIsNone(m);
      this.assertEqual(status.source, MPI.ANY_SOURCE);
      this.assertEqual(status.tag, MPI.ANY_TAG);
      this.assertEqual(status.error, MPI.SUCCESS);
      m = MPI.Message.iprobe(comm);
      this.assertIsNone(m);
      const s = comm.isend(null, comm.rank, 0);
      const r = comm.mprobe(comm.rank, 0).irecv();
      MPI.Request.waitall([s, r]);
    } finally {
      comm.Free();
    }
  }

  testProbeRecv(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    for (const smsg of messages) {
      let rmsg: unknown;
      if (size === 1) {
        const sr = comm.isend(smsg, 0, 0);
        let m = comm.mprobe(0, 0);
        this.assertIsInstance(m, MPI.Message);
        this.assertTrue(truthy(m));
        const rr = m.irecv();
        this.assertFalse(truthy(m));
        this.assertTrue(truthy(sr));
        this.assertTrue(truthy(rr));
        MPI.Request.Waitall([sr, rr]);
        this.assertFalse(truthy(sr));
        this.assertFalse(truthy(rr));
        //
        const r = comm.isend(smsg, 0, 0);
        m = MPI.Message.probe(comm, 0, 0);
        this.assertIsInstance(m, MPI.Message);
        this.assertTrue(truthy(m));
        rmsg = m.recv();
        this.assertFalse(truthy(m));
        r.wait();
      } else if (rank === 0) {
        comm.send(smsg, 1, 0);
        let m: InstanceType<typeof MPI.Message> | null = comm.mprobe(1, 0);
        this.assertTrue(truthy(m));
        rmsg = m.recv();
        this.assertFalse(truthy(m));
        //
        comm.send(rmsg, 1, 1);
        m = null;
        while (!truthy(m)) m = MPI.Message.iprobe(comm, 1, 1);
        rmsg = m!.irecv().wait();
      } else if (rank === 1) {
        let m: InstanceType<typeof MPI.Message> | null = comm.mprobe(0, 0);
        this.assertTrue(truthy(m));
        rmsg = m.recv();
        this.assertFalse(truthy(m));
        comm.send(rmsg, 0, 0);
        //
        m = null;
        while (!truthy(m)) m = MPI.Message.iprobe(comm, 0, 1);
        rmsg = m!.irecv().wait();
        comm.send(smsg, 0, 1);
      } else {
        rmsg = smsg;
      }
      this.assertEqual(smsg, rmsg);
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
