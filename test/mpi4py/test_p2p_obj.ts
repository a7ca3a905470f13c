/**
 * Port of mpi4py's test/test_p2p_obj.py.
 *
 * Python's `bool(request)` (not REQUEST_NULL) is `!request.isNull` here;
 * `recv(None, source, tag)` is `recv(source, tag)` (mpi4ts's recv takes no
 * buffer: objects of any size arrive without one); complex numbers, which
 * JavaScript lacks, are objects { real, imag }; a sent value's `None` wait
 * result is undefined (assertIsNone takes both).
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Comm = InstanceType<typeof MPI.Intracomm>;
type Request = InstanceType<typeof MPI.Request>;

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
  new Set(_basic),
  new Set(_basic), // frozenset(_basic)
  Object.fromEntries(_basic.map((v, k) => [`k${k}`, v])),
];

const truthy = (r: Request): boolean => !r.isNull;
/** Python's None for what wait() returns for a send. */
const none = (objs: unknown[]): unknown[] => objs.map((o) => o ?? null);

abstract class BaseTestP2PObj extends TestCase {
  COMM: Comm = MPI.COMM_NULL as Comm;

  testSendAndRecv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      this.COMM.send(smess, MPI.PROC_NULL);
      const rmess = this.COMM.recv(MPI.PROC_NULL, 0);
      this.assertIsNone(rmess);
    }
    if (size === 1) return;
    for (const smess of messages) {
      let rmess: unknown;
      if (rank === 0) {
        this.COMM.send(smess, rank + 1, 0);
        rmess = smess;
      } else if (rank === size - 1) {
        rmess = this.COMM.recv(rank - 1, 0);
      } else {
        rmess = this.COMM.recv(rank - 1, 0);
        this.COMM.send(rmess, rank + 1, 0);
      }
      this.assertEqual(rmess, smess);
    }
  }

  testISendAndRecv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      const req = this.COMM.isend(smess, MPI.PROC_NULL);
      this.assertTrue(truthy(req));
      req.Wait();
      this.assertFalse(truthy(req));
      const rmess = this.COMM.recv(MPI.PROC_NULL, 0);
      this.assertIsNone(rmess);
    }
    for (const smess of messages) {
      const req = this.COMM.isend(smess, rank, 0);
      this.assertTrue(truthy(req));
      const rmess = this.COMM.recv(rank, 0);
      this.assertTrue(truthy(req));
      let flag = false;
      while (!flag) flag = req.Test();
      this.assertTrue(flag);
      this.assertFalse(truthy(req));
      this.assertEqual(rmess, smess);
    }
    for (const smess of messages) {
      const dst = (rank + 1) % size;
      const src = (rank - 1 + size) % size;
      const req = this.COMM.isend(smess, dst, 0);
      this.assertTrue(truthy(req));
      const rmess = this.COMM.recv(src, 0);
      req.Wait();
      this.assertFalse(truthy(req));
      this.assertEqual(rmess, smess);
    }
  }

  testIRecvAndSend(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    for (const smess of messages) {
      const req = comm.irecv(MPI.PROC_NULL);
      this.assertTrue(truthy(req));
      comm.send(smess, MPI.PROC_NULL);
      const rmess = req.wait();
      this.assertFalse(truthy(req));
      this.assertIsNone(rmess);
    }
    for (const smess of messages) {
      const req = comm.irecv(rank, 0);
      this.assertTrue(truthy(req));
      let [flag, rmess] = req.test();
      this.assertTrue(truthy(req));
      this.assertFalse(flag);
      this.assertIsNone(rmess);
      comm.send(smess, rank, 0);
      this.assertTrue(truthy(req));
      [flag, rmess] = req.test();
      while (!flag) [flag, rmess] = req.test();
      this.assertTrue(flag);
      this.assertFalse(truthy(req));
      this.assertEqual(rmess, smess);
    }
    // mpi4py loops over buf in (None, 1024, bytearray(1024)): irecv takes no buffer here.
    for (const _buf of [null, 1024, 'bytearray(1024)']) {
      for (const smess of [...messages, messages]) {
        const dst = (rank + 1) % size;
        const src = (rank - 1 + size) % size;
        const req = comm.irecv(src, 0);
        this.assertTrue(truthy(req));
        comm.send(smess, dst, 0);
        const rmess = req.wait();
        this.assertFalse(truthy(req));
        this.assertEqual(rmess, smess);
      }
    }
    for (const smess of messages) {
      const src = rank;
      const dst = rank;
      const rreqs = [comm.irecv(src, 1), comm.irecv(src, 2), comm.irecv(src, 3)];
      for (let i = 0; i < rreqs.length; i++) {
        this.assertTrue(truthy(rreqs[i]!));
        comm.send(smess, dst, i + 1);
        const [index, obj] = MPI.Request.waitany(rreqs);
        this.assertEqual(index, i);
        this.assertEqual(obj, smess);
        this.assertFalse(truthy(rreqs[index]!));
      }
      const [index, obj] = MPI.Request.waitany(rreqs);
      this.assertEqual(index, MPI.UNDEFINED);
      this.assertIsNone(obj);
    }
    for (const smess of messages) {
      const src = rank;
      const dst = rank;
      const rreqs = [comm.irecv(src, 1), comm.irecv(src, 2), comm.irecv(src, 3)];
      let [index, flag, obj] = MPI.Request.testany(rreqs);
      this.assertEqual(index, MPI.UNDEFINED);
      this.assertFalse(flag);
      this.assertIsNone(obj);
      for (let i = 0; i < rreqs.length; i++) {
        this.assertTrue(truthy(rreqs[i]!));
        comm.send(smess, dst, i + 1);
        [index, flag, obj] = MPI.Request.testany(rreqs);
        while (!flag) [index, flag, obj] = MPI.Request.testany(rreqs);
        this.assertEqual(index, i);
        this.assertTrue(flag);
        this.assertEqual(obj, smess);
        this.assertFalse(truthy(rreqs[i]!));
      }
      [index, flag, obj] = MPI.Request.testany(rreqs);
      this.assertEqual(index, MPI.UNDEFINED);
      this.assertTrue(flag);
      this.assertIsNone(obj);
    }
  }

  testIRecvAndISend(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    for (const smess of messages) {
      const dst = (rank + 1) % size;
      const src = (rank - 1 + size) % size;
      const rreq = comm.irecv(src, 0);
      this.assertTrue(truthy(rreq));
      const sreq = comm.isend(smess, dst, 0);
      this.assertTrue(truthy(sreq));
      const [index1, mess1] = MPI.Request.waitany([sreq, rreq]);
      this.assertIn(index1, [0, 1]);
      if (index1 === 0) {
        this.assertFalse(truthy(sreq));
        this.assertTrue(truthy(rreq));
        this.assertIsNone(mess1);
      } else {
        this.assertTrue(truthy(sreq));
        this.assertFalse(truthy(rreq));
        this.assertEqual(mess1, smess);
      }
      const [index2, mess2] = MPI.Request.waitany([sreq, rreq]);
      this.assertIn(index2, [0, 1]);
      this.assertNotEqual(index2, index1);
      this.assertFalse(truthy(sreq));
      this.assertFalse(truthy(rreq));
      if (index2 === 0) this.assertIsNone(mess2);
      else this.assertEqual(mess2, smess);
    }
    for (const smess of messages) {
      const dst = (rank + 1) % size;
      const src = (rank - 1 + size) % size;
      const rreq = comm.irecv(src, 0);
      this.assertTrue(truthy(rreq));
      const sreq = comm.isend(smess, dst, 0);
      this.assertTrue(truthy(sreq));
      let [index1, flag1, mess1] = MPI.Request.testany([sreq, rreq]);
      while (!flag1) [index1, flag1, mess1] = MPI.Request.testany([sreq, rreq]);
      this.assertIn(index1, [0, 1]);
      if (index1 === 0) {
        this.assertFalse(truthy(sreq));
        this.assertTrue(truthy(rreq));
        this.assertIsNone(mess1);
      } else {
        this.assertTrue(truthy(sreq));
        this.assertFalse(truthy(rreq));
        this.assertEqual(mess1, smess);
      }
      let [index2, flag2, mess2] = MPI.Request.testany([sreq, rreq]);
      while (!flag2) [index2, flag2, mess2] = MPI.Request.testany([sreq, rreq]);
      this.assertIn(index2, [0, 1]);
      this.assertNotEqual(index2, index1);
      this.assertFalse(truthy(sreq));
      this.assertFalse(truthy(rreq));
      if (index2 === 0) this.assertIsNone(mess2);
      else this.assertEqual(mess2, smess);
    }
    // mpi4py loops over buf in (None, 512, bytearray(512)): irecv takes no buffer here.
    for (const _buf of [null, 512, 'bytearray(512)']) {
      for (const smess of messages) {
        const dst = (rank + 1) % size;
        const src = (rank - 1 + size) % size;
        const rreq = comm.irecv(src, 0);
        this.assertTrue(truthy(rreq));
        const sreq = comm.isend(smess, dst, 0);
        this.assertTrue(truthy(sreq));
        const [dummy, rmess] = MPI.Request.waitall([sreq, rreq], []);
        this.assertFalse(truthy(sreq));
        this.assertFalse(truthy(rreq));
        this.assertIsNone(dummy);
        this.assertEqual(rmess, smess);
      }
    }
    for (const _buf of [null, 512, 'bytearray(512)']) {
      for (const smess of messages) {
        const src = rank;
        const dst = rank;
        const rreq = comm.irecv(src, 1);
        let [flag, msg] = MPI.Request.testall([rreq]);
        this.assertFalse(flag);
        this.assertIsNone(msg);
        const sreq = comm.isend(smess, dst, 1);
        for (;;) {
          [flag, msg] = MPI.Request.testall([sreq, rreq], []);
          if (!flag) {
            this.assertIsNone(msg);
            continue;
          }
          const [dummy, rmess] = msg!;
          this.assertIsNone(dummy);
          this.assertEqual(rmess, smess);
          break;
        }
      }
    }
  }

  testManyISendAndRecv(): void {
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      const reqs: Request[] = [];
      for (let k = 0; k < 6; k++) reqs.push(this.COMM.isend(smess, rank, 0));
      let flag = MPI.Request.Testall(reqs);
      if (!flag) {
        let index: number;
        [index, flag] = MPI.Request.Testany(reqs);
        if (!flag) this.assertEqual(index, MPI.UNDEFINED);
        const indices = MPI.Request.Testsome(reqs);
        this.assertIsInstance(indices, Array);
      }
      for (let k = 0; k < 3; k++) {
        const rmess = this.COMM.recv(rank, 0);
        this.assertEqual(rmess, smess);
      }
      flag = MPI.Request.Testall(reqs);
      if (!flag) {
        let index: number;
        [index, flag] = MPI.Request.Testany(reqs);
        this.assertEqual(index, 0);
        this.assertTrue(flag);
        let indices = MPI.Request.Testsome(reqs);
        let count: number;
        if (indices === undefined) {
          count = MPI.UNDEFINED;
          indices = [];
        } else {
          count = indices.length;
          indices = [...indices].sort((a, b) => a - b);
        }
        this.assertGreaterEqual(count, 2);
        this.assertEqual(indices.slice(0, 2), [1, 2]);
      }
      for (let k = 0; k < 3; k++) {
        const rmess = this.COMM.recv(rank, 0);
        this.assertEqual(rmess, smess);
      }
      flag = MPI.Request.Testall(reqs);
      this.assertTrue(flag);
    }
    for (const smess of messages) {
      const reqs: Request[] = [];
      for (let k = 0; k < 6; k++) reqs.push(this.COMM.isend(smess, rank, 0));
      for (let k = 0; k < 3; k++) {
        const rmess = this.COMM.recv(rank, 0);
        this.assertEqual(rmess, smess);
      }
      const index = MPI.Request.Waitany(reqs);
      this.assertEqual(index, 0);
      let indices1 = MPI.Request.Waitsome(reqs);
      let count1: number;
      if (indices1 === undefined) {
        count1 = MPI.UNDEFINED;
        indices1 = [];
      } else {
        count1 = indices1.length;
      }
      for (let k = 0; k < 3; k++) {
        const rmess = this.COMM.recv(rank, 0);
        this.assertEqual(rmess, smess);
      }
      let indices2 = MPI.Request.Waitsome(reqs);
      let count2: number;
      if (indices2 === undefined) {
        count2 = MPI.UNDEFINED;
        indices2 = [];
      } else {
        count2 = indices2.length;
      }
      if (count1 === MPI.UNDEFINED) count1 = 0;
      if (count2 === MPI.UNDEFINED) count2 = 0;
      this.assertEqual(6, 1 + count1 + count2);
      const indices = [0, ...indices1, ...indices2].sort((a, b) => a - b);
      this.assertEqual(indices, [0, 1, 2, 3, 4, 5]);
      MPI.Request.Waitall(reqs);
    }
  }

  testManyISSendAndRecv(): void {
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      const reqs: Request[] = [];
      for (let k = 0; k < 6; k++) reqs.push(this.COMM.issend(smess, rank, 0));
      let flag = MPI.Request.Testall(reqs);
      this.assertFalse(flag);
      for (let k = 0; k < 3; k++) {
        const rmess = this.COMM.recv(rank, 0);
        this.assertEqual(rmess, smess);
      }
      flag = MPI.Request.Testall(reqs);
      this.assertFalse(flag);
      let index: number;
      [index, flag] = MPI.Request.Testany(reqs);
      if (flag) this.assertEqual(index, 0);
      const indices = MPI.Request.Testsome(reqs);
      if (indices !== undefined) {
        const target = [0, 1, 2];
        if (flag) target.splice(0, 1);
        for (const i of indices) this.assertIn(i, target);
      }
      for (let k = 0; k < 3; k++) {
        flag = MPI.Request.Testall(reqs);
        this.assertFalse(flag);
        const rmess = this.COMM.recv(rank, 0);
        this.assertEqual(rmess, smess);
      }
      flag = false;
      for (let k = 0; k < 10; k++) {
        flag ||= MPI.Request.Testall(reqs);
        if (flag) break;
      }
      this.assertTrue(flag);
    }
  }

  testSSendAndRecv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      this.COMM.ssend(smess, MPI.PROC_NULL);
      const rmess = this.COMM.recv(MPI.PROC_NULL, 0);
      this.assertIsNone(rmess);
    }
    if (size === 1) return;
    for (const smess of messages) {
      let rmess: unknown;
      if (rank === 0) {
        this.COMM.ssend(smess, rank + 1, 0);
        rmess = smess;
      } else if (rank === size - 1) {
        rmess = this.COMM.recv(rank - 1, 0);
      } else {
        rmess = this.COMM.recv(rank - 1, 0);
        this.COMM.ssend(rmess, rank + 1, 0);
      }
      this.assertEqual(rmess, smess);
    }
  }

  testISSendAndRecv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      const req = this.COMM.issend(smess, MPI.PROC_NULL);
      this.assertTrue(truthy(req));
      req.Wait();
      this.assertFalse(truthy(req));
      const rmess = this.COMM.recv(MPI.PROC_NULL, 0);
      this.assertIsNone(rmess);
    }
    for (const smess of messages) {
      const req = this.COMM.issend(smess, rank, 0);
      this.assertTrue(truthy(req));
      let flag = req.Test();
      this.assertFalse(flag);
      this.assertTrue(truthy(req));
      const rmess = this.COMM.recv(rank, 0);
      this.assertTrue(truthy(req));
      flag = false;
      while (!flag) flag = req.Test();
      this.assertTrue(flag);
      this.assertFalse(truthy(req));
      this.assertEqual(rmess, smess);
    }
    for (const smess of messages) {
      const dst = (rank + 1) % size;
      const src = (rank - 1 + size) % size;
      const req = this.COMM.issend(smess, dst, 0);
      this.assertTrue(truthy(req));
      const rmess = this.COMM.recv(src, 0);
      req.Wait();
      this.assertFalse(truthy(req));
      this.assertEqual(rmess, smess);
    }
  }

  testCancel(): void {
    const rank = this.COMM.Get_rank();
    const status = new MPI.Status();
    for (const smess of messages) {
      const req = this.COMM.issend(smess, rank);
      this.assertTrue(truthy(req));
      req.cancel();
      let flag = req.get_status(status);
      const cancelled = status.Is_cancelled();
      this.assertTrue(truthy(req));
      if (cancelled) {
        this.assertTrue(flag);
        req.Free();
        this.assertFalse(truthy(req));
      } else {
        this.assertFalse(flag);
        const rmess = this.COMM.recv(rank, 0);
        flag = req.get_status();
        while (!flag) flag = req.get_status();
        this.assertTrue(flag);
        this.assertTrue(truthy(req));
        [flag] = req.test();
        this.assertTrue(flag);
        this.assertFalse(truthy(req));
        this.assertEqual(rmess, smess);
      }
    }
  }

  testIRecvAndBSend(): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const buf = MPI.Alloc_mem((1 << 16) + MPI.BSEND_OVERHEAD);
    MPI.Attach_buffer(buf);
    try {
      for (const smess of messages) {
        const src = rank;
        const dst = rank;
        const req1 = comm.irecv(src, 1);
        const req2 = comm.irecv(src, 2);
        const req3 = comm.irecv(src, 3);
        comm.bsend(smess, dst, 3);
        comm.bsend(smess, dst, 2);
        comm.bsend(smess, dst, 1);
        this.assertEqual(smess, req3.wait());
        this.assertEqual(smess, req2.wait());
        this.assertEqual(smess, req1.wait());
        comm.bsend(smess, MPI.PROC_NULL, 3);
      }
    } finally {
      MPI.Detach_buffer();
      MPI.Free_mem(buf);
    }
  }

  testIRecvAndIBSend(): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const buf = MPI.Alloc_mem((1 << 16) + MPI.BSEND_OVERHEAD);
    MPI.Attach_buffer(buf);
    try {
      for (const smess of messages) {
        const src = rank;
        const dst = rank;
        const req1 = comm.irecv(src, 1);
        const req2 = comm.irecv(src, 2);
        const req3 = comm.irecv(src, 3);
        const req4 = comm.ibsend(smess, dst, 3);
        const req5 = comm.ibsend(smess, dst, 2);
        const req6 = comm.ibsend(smess, dst, 1);
        MPI.Request.waitall([req4, req5, req6]);
        this.assertEqual(smess, req3.wait());
        this.assertEqual(smess, req2.wait());
        this.assertEqual(smess, req1.wait());
        comm.ibsend(smess, MPI.PROC_NULL, 3).wait();
      }
    } finally {
      MPI.Detach_buffer();
      MPI.Free_mem(buf);
    }
  }

  testIRecvAndSSend(): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    for (const smess of messages) {
      const src = rank;
      const dst = rank;
      const req1 = comm.irecv(src, 1);
      const req2 = comm.irecv(src, 2);
      const req3 = comm.irecv(src, 3);
      comm.ssend(smess, dst, 3);
      comm.ssend(smess, dst, 2);
      comm.ssend(smess, dst, 1);
      this.assertEqual(smess, req3.wait());
      this.assertEqual(smess, req2.wait());
      this.assertEqual(smess, req1.wait());
      comm.ssend(smess, MPI.PROC_NULL, 3);
    }
  }

  testIRecvAndISSend(): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    for (const smess of messages) {
      const src = rank;
      const dst = rank;
      const req1 = comm.irecv(src, 1);
      const req2 = comm.irecv(src, 2);
      const req3 = comm.irecv(src, 3);
      const req4 = comm.issend(smess, dst, 3);
      const req5 = comm.issend(smess, dst, 2);
      const req6 = comm.issend(smess, dst, 1);
      MPI.Request.waitall([req4, req5, req6]);
      this.assertEqual(smess, req3.wait());
      this.assertEqual(smess, req2.wait());
      this.assertEqual(smess, req1.wait());
      comm.issend(smess, MPI.PROC_NULL, 3).wait();
    }
  }

  testSendrecv(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      const dest = (rank + 1) % size;
      const source = (rank - 1 + size) % size;
      let rmess = this.COMM.sendrecv(smess, dest, 0, source, 0);
      this.assertEqual(rmess, smess);
      rmess = this.COMM.sendrecv(null, dest, 0, source, 0);
      this.assertIsNone(rmess);
      rmess = this.COMM.sendrecv(smess, MPI.PROC_NULL, 0, MPI.PROC_NULL, 0);
      this.assertIsNone(rmess);
    }
  }

  testMixed(): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    let sreq = comm.Isend([null, 0, 'B'], rank);
    let obj = comm.recv(rank);
    sreq.Wait();
    this.assertIsNone(obj);
    for (const smess of messages) {
      const buf = MPI.pickle.dumps(smess);
      sreq = comm.Isend([buf, 'B'], rank);
      const rmess = comm.recv(rank);
      sreq.Wait();
      this.assertEqual(rmess, smess);
    }
    //
    sreq = comm.Isend([null, 0, 'B'], rank);
    let rreq = comm.irecv(rank);
    sreq.Wait();
    obj = rreq.wait();
    this.assertIsNone(obj);
    for (const smess of messages) {
      const buf = MPI.pickle.dumps(smess);
      sreq = comm.Isend([buf, 'B'], rank);
      rreq = comm.irecv(rank);
      sreq.Wait();
      const rmess = rreq.wait();
      this.assertEqual(rmess, smess);
    }
  }

  testPingPong01(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const smess of messages) {
      this.COMM.send(smess, MPI.PROC_NULL);
      const rmess = this.COMM.recv(MPI.PROC_NULL, 0);
      this.assertIsNone(rmess);
    }
    if (size === 1) return;
    let smess: unknown = null;
    let rmess: unknown;
    if (rank === 0) {
      this.COMM.send(smess, rank + 1, 0);
      rmess = this.COMM.recv(rank + 1, 0);
    } else if (rank === 1) {
      rmess = this.COMM.recv(rank - 1, 0);
      this.COMM.send(smess, rank - 1, 0);
    } else {
      rmess = smess;
    }
    this.assertEqual(rmess, smess);
    for (smess of messages) {
      if (rank === 0) {
        this.COMM.send(smess, rank + 1, 0);
        rmess = this.COMM.recv(rank + 1, 0);
      } else if (rank === 1) {
        rmess = this.COMM.recv(rank - 1, 0);
        this.COMM.send(smess, rank - 1, 0);
      } else {
        rmess = smess;
      }
      this.assertEqual(rmess, smess);
    }
  }

  testProbe(): void {
    const comm = this.COMM.Dup();
    try {
      const status = new MPI.Status();
      const flag = comm.iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG, status);
      this.assertFalse(flag);
      for (const smess of messages) {
        const request = comm.issend(smess, comm.rank, 123);
        this.assertTrue(truthy(request));
        while (!comm.iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG, status)) { /* spin */ }
        this.assertEqual(status.source, comm.rank);
        this.assertEqual(status.tag, 123);
        comm.probe(MPI.ANY_SOURCE, MPI.ANY_TAG, status);
        this.assertEqual(status.source, comm.rank);
        this.assertEqual(status.tag, 123);
        this.assertTrue(truthy(request));
        const [flag2, obj] = request.test();
        this.assertTrue(truthy(request));
        this.assertFalse(flag2);
        this.assertIsNone(obj);
        const got = comm.recv(comm.rank, 123);
        this.assertEqual(got, smess);
        this.assertTrue(truthy(request));
        const after = request.wait();
        this.assertFalse(truthy(request));
        this.assertIsNone(after);
      }
    } finally {
      comm.Free();
    }
  }

  testWaitSomeRecv(): void {
    const comm = this.COMM.Dup();
    const rank = comm.Get_rank();
    const reqs = [0, 1, 2, 3, 4, 5].map((i) => comm.irecv({ source: rank, tag: i }));
    for (const indexlist of [[5], [3, 1, 2], [0, 4]]) {
      for (const i of indexlist) comm.ssend('abc', { dest: rank, tag: i });
      const statuses: InstanceType<typeof MPI.Status>[] = [];
      const [idxs, objs] = MPI.Request.waitsome(reqs, statuses);
      this.assertTrue(idxs !== undefined && objs !== undefined);
      this.assertEqual([...idxs!].sort(), [...indexlist].sort());
      this.assertEqual(objs, idxs!.map(() => 'abc'));
      this.assertFalse(idxs!.some((i) => truthy(reqs[i]!)));
      this.assertEqual(statuses.length, idxs!.length);
      this.assertTrue(statuses.every((s) => s.source === rank));
      this.assertTrue(statuses.every((s) => indexlist.includes(s.tag)));
      this.assertTrue(statuses.every((s) => s.error === MPI.SUCCESS));
    }
    const [idxs, objs] = MPI.Request.waitsome(reqs);
    this.assertIsNone(idxs);
    this.assertIsNone(objs);
    this.assertFalse(reqs.some(truthy));
    comm.Free();
  }

  testTestSomeRecv(): void {
    const comm = this.COMM.Dup();
    const rank = comm.Get_rank();
    const reqs = [0, 1, 2, 3, 4, 5].map((i) => comm.irecv({ source: rank, tag: i }));
    let statuses: InstanceType<typeof MPI.Status>[] = [];
    let [idxs, objs] = MPI.Request.testsome(reqs, statuses);
    this.assertEqual(idxs, []);
    this.assertEqual(objs, []);
    this.assertTrue(reqs.every(truthy));
    this.assertEqual(statuses, []);
    for (const indexlist of [[5], [], [3, 1, 2], [], [0, 4]]) {
      for (const i of indexlist) comm.ssend('abc', { dest: rank, tag: i });
      statuses = [];
      [idxs, objs] = MPI.Request.testsome(reqs, statuses);
      this.assertTrue(idxs !== undefined && objs !== undefined);
      this.assertEqual([...idxs!].sort(), [...indexlist].sort());
      this.assertEqual(objs, idxs!.map(() => 'abc'));
      this.assertFalse(idxs!.some((i) => truthy(reqs[i]!)));
      this.assertEqual(statuses.length, idxs!.length);
      this.assertTrue(statuses.every((s) => s.source === rank));
      this.assertTrue(statuses.every((s) => indexlist.includes(s.tag)));
      this.assertTrue(statuses.every((s) => s.error === MPI.SUCCESS));
    }
    [idxs, objs] = MPI.Request.testsome(reqs);
    this.assertIsNone(idxs);
    this.assertIsNone(objs);
    this.assertFalse(reqs.some(truthy));
    comm.Free();
  }

  testWaitSomeSend(): void {
    const comm = this.COMM.Dup();
    const rank = comm.Get_rank();
    const reqs = [0, 1, 2, 3, 4, 5].map((i) => comm.issend('abc', { dest: rank, tag: i }));
    for (const indexlist of [[5], [3, 1, 2], [0, 4]]) {
      for (const i of indexlist) {
        const msg = comm.recv({ source: rank, tag: i });
        this.assertEqual(msg, 'abc');
      }
      const [idxs, objs] = MPI.Request.waitsome(reqs);
      this.assertTrue(idxs !== undefined && objs !== undefined);
      while ([...idxs!].sort().join() !== [...indexlist].sort().join()) {
        const [i, o] = MPI.Request.waitsome(reqs);
        this.assertTrue(i !== undefined && o !== undefined);
        idxs!.push(...i!);
        objs!.push(...o!);
      }
      this.assertEqual([...idxs!].sort(), [...indexlist].sort());
      this.assertEqual(none(objs!), idxs!.map(() => null));
      this.assertFalse(idxs!.some((i) => truthy(reqs[i]!)));
    }
    const [idxs, objs] = MPI.Request.waitsome(reqs);
    this.assertIsNone(idxs);
    this.assertIsNone(objs);
    this.assertFalse(reqs.some(truthy));
    comm.Free();
  }

  testTestSomeSend(): void {
    const comm = this.COMM.Dup();
    const rank = comm.Get_rank();
    const reqs = [0, 1, 2, 3, 4, 5].map((i) => comm.issend('abc', { dest: rank, tag: i }));
    let [idxs, objs] = MPI.Request.testsome(reqs);
    this.assertEqual(idxs, []);
    this.assertEqual(objs, []);
    this.assertTrue(reqs.every(truthy));
    for (const indexlist of [[5], [], [3, 1, 2], [], [0, 4]]) {
      for (const i of indexlist) {
        const msg = comm.recv({ source: rank, tag: i });
        this.assertEqual(msg, 'abc');
      }
      [idxs, objs] = MPI.Request.testsome(reqs);
      this.assertTrue(idxs !== undefined && objs !== undefined);
      while ([...idxs!].sort().join() !== [...indexlist].sort().join()) {
        const [i, o] = MPI.Request.testsome(reqs);
        this.assertTrue(i !== undefined && o !== undefined);
        idxs!.push(...i!);
        objs!.push(...o!);
      }
      this.assertEqual([...idxs!].sort(), [...indexlist].sort());
      this.assertEqual(none(objs!), idxs!.map(() => null));
      this.assertFalse(idxs!.some((i) => truthy(reqs[i]!)));
    }
    [idxs, objs] = MPI.Request.testsome(reqs);
    this.assertIsNone(idxs);
    this.assertIsNone(objs);
    this.assertFalse(reqs.some(truthy));
    comm.Free();
  }

  testRecvObjArg(): void {
    this.skipTest('unreachable: see skips');
  }

  testCommLock(): void {
    this.skipTest('unreachable: see skips');
  }
}

const SKIPS = {
  testRecvObjArg: "mpi4ts's recv takes no buffer (objects of any size arrive without one), and JavaScript has no warnings module",
  testCommLock: 'MPI._comm_lock_table is mpi4py-internal (Python threading locks around lower-case collectives); a rank here is one thread',
};

export class TestP2PObjSelf extends BaseTestP2PObj {
  static override skips = SKIPS;
  override COMM = MPI.COMM_SELF;
}

export class TestP2PObjWorld extends BaseTestP2PObj {
  static override skips = SKIPS;
  override COMM = MPI.COMM_WORLD;
}

export class TestP2PObjSelfDup extends TestP2PObjSelf {
  override setUp(): void {
    this.COMM = MPI.COMM_SELF.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}

export class TestP2PObjWorldDup extends TestP2PObjWorld {
  override setUp(): void {
    this.COMM = MPI.COMM_WORLD.Dup();
  }

  override tearDown(): void {
    this.COMM.Free();
  }
}
