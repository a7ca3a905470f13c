/**
 * Port of mpi4py's test/test_ulfm.py: fault tolerance (MPI_Comm_revoke,
 * _is_revoked, _get_failed, _ack_failed, _agree, _iagree, _shrink,
 * _ishrink) on COMM_SELF, COMM_WORLD and an intercommunicator. mpi4ts
 * builds them on its own layers on both transports (src/coll/ulfm.ts).
 * mpi4py's `memoryview(MPI.buffer.allocate(4)).cast("i")` is an Int32Array
 * of one element; TestULFMInter makes its intercommunicator in setUp and
 * frees it in tearDown (the harness has no setUpClass).
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Comm = InstanceType<typeof MPI.Comm>;
type Intracomm = InstanceType<typeof MPI.Intracomm>;

abstract class BaseTestULFM extends TestCase {
  COMM: Comm = MPI.COMM_NULL;

  /** The communicator the class tests (mpi4py's class attribute COMM). */
  abstract baseComm(): Comm;

  override setUp(): void {
    this.COMM = (this.baseComm() as Intracomm).Dup();
    this.COMM.Set_errhandler(MPI.ERRORS_RETURN);
  }

  override tearDown(): void {
    this.COMM.Free();
  }

  testIsRevoked(): void {
    const comm = this.COMM;
    this.assertFalse(comm.Is_revoked());
  }

  testRevoke(): void {
    const comm = this.COMM as Intracomm;
    comm.Is_intra();
    comm.Revoke();
    //
    this.assertTrue(comm.Is_revoked());
    //
    let code: number;
    try {
      comm.Barrier();
      code = MPI.SUCCESS;
    } catch (exc) {
      if (!(exc instanceof MPI.Exception)) throw exc;
      code = exc.Get_error_class();
    }
    this.assertEqual(code, MPI.ERR_REVOKED);
    //
    try {
      comm.Send([null, 0, MPI.BYTE], MPI.PROC_NULL);
      code = MPI.SUCCESS;
    } catch (exc) {
      if (!(exc instanceof MPI.Exception)) throw exc;
      code = exc.Get_error_class();
    }
    this.assertEqual(code, MPI.ERR_REVOKED);
    //
    try {
      comm.Recv([null, 0, MPI.BYTE], MPI.PROC_NULL);
      code = MPI.SUCCESS;
    } catch (exc) {
      if (!(exc instanceof MPI.Exception)) throw exc;
      code = exc.Get_error_class();
    }
    this.assertEqual(code, MPI.ERR_REVOKED);
  }

  testGetFailed(): void {
    const comm = this.COMM;
    const group = comm.Get_failed();
    const gcmp = MPI.Group.Compare(group, MPI.GROUP_EMPTY);
    group.Free();
    this.assertIn(gcmp, [MPI.IDENT, MPI.CONGRUENT]);
  }

  testAckFailed(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    let num_acked = comm.Ack_failed(0);
    this.assertEqual(num_acked, 0);
    num_acked = comm.Ack_failed(size);
    this.assertEqual(num_acked, 0);
    num_acked = comm.Ack_failed();
    this.assertEqual(num_acked, 0);
  }

  testAgree(): void {
    const comm = this.COMM;
    for (let i = 0; i < 5; i++) {
      let flag = i;
      flag = comm.Agree(flag);
      this.assertEqual(flag, i);
    }
  }

  testIAgree(): void {
    const comm = this.COMM as Intracomm;
    this.assertRaises(TypeError, () => comm.Iagree(0 as unknown as Int32Array));
    this.assertRaises(RangeError, () => comm.Iagree(new Uint8Array(8)));
    const flag = new Int32Array(1);
    for (let i = 0; i < 5; i++) {
      flag[0] = i;
      const request = comm.Iagree(flag);
      request.Wait();
      this.assertEqual(flag[0], i);
    }
    const size = comm.Get_size();
    if (comm.Is_intra() && size > 1) {
      for (let root = 0; root < size; root++) {
        const rank = comm.Get_rank();
        comm.Barrier();
        let request;
        if (rank === root) {
          const ival = parseInt('1011', 2);
          flag[0] = ival;
          request = comm.Iagree(flag);
          this.assertFalse(request.Test());
          this.assertEqual(flag[0], ival);
          comm.Barrier();
        } else {
          const ival = parseInt('1101', 2);
          flag[0] = ival;
          comm.Barrier();
          this.assertEqual(flag[0], ival);
          request = comm.Iagree(flag);
        }
        request.Wait();
        const ival = parseInt('1001', 2);
        this.assertEqual(flag[0], ival);
      }
    }
  }

  testShrink(): void {
    const comm = this.COMM;
    const shrink = comm.Shrink();
    this.assertEqual(comm.Get_size(), shrink.Get_size());
    this.assertEqual(comm.Get_rank(), shrink.Get_rank());
    if (shrink.Is_inter()) {
      this.assertIs(comm.constructor, MPI.Intercomm);
      this.assertIs(shrink.constructor, MPI.Intercomm);
      this.assertEqual((comm as InstanceType<typeof MPI.Intercomm>).Get_remote_size(), (shrink as InstanceType<typeof MPI.Intercomm>).Get_remote_size());
    }
    shrink.Free();
  }

  testIShrink(): void {
    const comm = this.COMM;
    const [shrink, request] = comm.Ishrink();
    this.assertTrue(!request.isNull);
    request.Wait();
    this.assertFalse(!request.isNull);
    this.assertEqual(comm.Get_size(), shrink.Get_size());
    this.assertEqual(comm.Get_rank(), shrink.Get_rank());
    if (shrink.Is_inter()) {
      this.assertIs(comm.constructor, MPI.Intercomm);
      this.assertIs(shrink.constructor, MPI.Intercomm);
      this.assertEqual((comm as InstanceType<typeof MPI.Intercomm>).Get_remote_size(), (shrink as InstanceType<typeof MPI.Intercomm>).Get_remote_size());
    }
    shrink.Free();
  }
}

export class TestULFMSelf extends BaseTestULFM {
  baseComm(): Comm { return MPI.COMM_SELF; }
}

export class TestULFMWorld extends BaseTestULFM {
  baseComm(): Comm { return MPI.COMM_WORLD; }
}

export class TestULFMInter extends BaseTestULFM {
  static override skip: string | null = MPI.COMM_WORLD.Get_size() < 2 ? 'mpi-world-size<2' : null;
  INTERCOMM: Comm = MPI.COMM_NULL;

  baseComm(): Comm { return this.INTERCOMM; }

  override setUp(): void {
    const BASECOMM = MPI.COMM_WORLD;
    const size = BASECOMM.Get_size();
    const rank = BASECOMM.Get_rank();
    let COLOR, LOCAL_LEADER, REMOTE_LEADER;
    if (rank < Math.floor(size / 2)) {
      COLOR = 0;
      LOCAL_LEADER = 0;
      REMOTE_LEADER = Math.floor(size / 2);
    } else {
      COLOR = 1;
      LOCAL_LEADER = 0;
      REMOTE_LEADER = 0;
    }
    let INTRACOMM = BASECOMM.Split(COLOR, 0);
    INTRACOMM = new MPI.Intracomm(INTRACOMM);
    this.INTERCOMM = MPI.Intracomm.prototype.Create_intercomm.call(INTRACOMM, LOCAL_LEADER, BASECOMM, REMOTE_LEADER);
    INTRACOMM.Free();
    this.INTERCOMM.Set_errhandler(MPI.ERRORS_RETURN);
    super.setUp();
  }

  override tearDown(): void {
    super.tearDown();
    this.INTERCOMM.Free();
  }
}
