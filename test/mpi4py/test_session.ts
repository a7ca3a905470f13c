/**
 * Port of mpi4py's test/test_session.py. `bool(session)` is
 * `!session.isNull`; mpi4py's `MPI.buffer` of Detach_buffer is the memory
 * that was attached (the same Uint8Array from Alloc_mem).
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

const PICKLE = 'JavaScript has no pickle module (handles do not cross ranks as values)';

function bool(h: { isNull: boolean }): boolean {
  return !h.isNull;
}

export class TestSession extends TestCase {
  static override skips = { testPickle: PICKLE };

  testSessionInit(): void {
    let session = new MPI.Session();
    this.assertFalse(bool(session));
    this.assertEqual(session, MPI.SESSION_NULL);
    session = MPI.Session.Init();
    this.assertTrue(bool(session));
    this.assertNotEqual(session, MPI.SESSION_NULL);
    this.assertEqual(session, new MPI.Session(session));
    session.Finalize();
  }

  testSessionGetInfo(): void {
    const session = MPI.Session.Init();
    const info = session.Get_info();
    info.Free();
    session.Finalize();
  }

  testSessionPsets(): void {
    const session = MPI.Session.Init();
    const num_psets = session.Get_num_psets();
    for (let n = 0; n < num_psets; n++) {
      const name = session.Get_nth_pset(n);
      this.assertGreater(name.length, 0);
    }
    session.Finalize();
  }

  testSessionPsetInfo(): void {
    const session = MPI.Session.Init();
    const num_psets = session.Get_num_psets();
    for (let n = 0; n < num_psets; n++) {
      const name = session.Get_nth_pset(n);
      const info = session.Get_pset_info(name);
      info.Free();
    }
    session.Finalize();
  }

  testSessionPsetGroup(): void {
    const session = MPI.Session.Init();
    const num_psets = session.Get_num_psets();
    for (let n = 0; n < num_psets; n++) {
      const name = session.Get_nth_pset(n);
      try {
        let group = session.Create_group(name);
        group.Free();
        group = MPI.Group.Create_from_session_pset(session, name);
        group.Free();
      } catch (exc) { // openmpi
        const UNSUPPORTED = MPI.ERR_OTHER;
        if (!(exc instanceof MPI.Exception) || exc.Get_error_class() !== UNSUPPORTED) throw exc;
      }
    }
    session.Finalize();
  }

  testSessionSELF(): void {
    const session = MPI.Session.Init();
    const name = 'mpi://SELF';
    const info = session.Get_pset_info(name);
    this.assertEqual(info.Get('mpi_size'), '1');
    info.Free();
    const group = session.Create_group(name);
    this.assertEqual(group.Get_rank(), 0);
    this.assertEqual(group.Get_size(), 1);
    group.Free();
    session.Finalize();
  }

  testSessionWORLD(): void {
    const comm = MPI.COMM_WORLD;
    const session = MPI.Session.Init();
    const name = 'mpi://WORLD';
    const info = session.Get_pset_info(name);
    const size = comm.Get_size();
    this.assertEqual(info.Get('mpi_size'), String(size));
    info.Free();
    const group = session.Create_group(name);
    this.assertEqual(group.Get_size(), comm.Get_size());
    this.assertEqual(group.Get_rank(), comm.Get_rank());
    group.Free();
    session.Finalize();
  }

  testBuffering(): void {
    const session = MPI.Session.Init();
    const buf = MPI.Alloc_mem((1 << 16) + MPI.BSEND_OVERHEAD);
    try {
      this.catchNotImplementedError(() => { session.Attach_buffer(buf); });
      this.catchNotImplementedError(() => { session.Flush_buffer(); });
      this.catchNotImplementedError(() => { session.Iflush_buffer().Wait(); });
    } finally {
      this.catchNotImplementedError(() => {
        const oldbuf = session.Detach_buffer();
        this.assertIsInstance(oldbuf, Uint8Array);
        this.assertIs(oldbuf, buf); // oldbuf.address == buf.address
        this.assertEqual((oldbuf as Uint8Array).byteLength, buf.byteLength);
      });
      MPI.Free_mem(buf);
      this.catchNotImplementedError(() => {
        session.Attach_buffer(MPI.BUFFER_AUTOMATIC);
        const bufauto = session.Detach_buffer();
        this.assertEqual(bufauto, MPI.BUFFER_AUTOMATIC);
      });
      session.Finalize();
    }
  }

  testPickle(): void {}
}
