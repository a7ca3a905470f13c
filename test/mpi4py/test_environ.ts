/**
 * Port of mpi4py's test/test_environ.py. Python's `type(x) is bool / int /
 * float` is `typeof x` here ('boolean', 'number'; an int is an integer
 * number).
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

export class TestEnviron extends TestCase {
  testIsInitialized(): void {
    const flag = MPI.Is_initialized();
    this.assertIs(typeof flag, 'boolean');
    this.assertTrue(flag);
  }

  testIsFinalized(): void {
    const flag = MPI.Is_finalized();
    this.assertIs(typeof flag, 'boolean');
    this.assertFalse(flag);
  }

  testGetVersion(): void {
    const version = MPI.Get_version();
    this.assertEqual(version.length, 2);
    const [major, minor] = version;
    this.assertTrue(Number.isInteger(major));
    this.assertTrue(Number.isInteger(minor));
    this.assertGreaterEqual(major, 1);
    this.assertGreaterEqual(minor, 0);
  }

  testGetLibraryVersion(): void {
    const version = MPI.Get_library_version();
    this.assertIs(typeof version, 'string');
    this.assertGreater(version.length, 0);
  }

  testGetProcessorName(): void {
    const procname = MPI.Get_processor_name();
    this.assertIs(typeof procname, 'string');
  }

  testGetHWResourceInfo(): void {
    this.catchNotImplementedError(() => {
      const info = MPI.Get_hw_resource_info();
      this.assertIsInstance(info, MPI.Info);
    });
  }

  testWTime(): void {
    const time1 = MPI.Wtime();
    this.assertIs(typeof time1, 'number');
    const time2 = MPI.Wtime();
    this.assertIs(typeof time2, 'number');
    this.assertGreaterEqual(time2, time1);
  }

  testWTick(): void {
    const tick = MPI.Wtick();
    this.assertIs(typeof tick, 'number');
    this.assertGreater(tick, 0.0);
  }

  testPControl(): void {
    for (const level of [2, 1, 0]) MPI.Pcontrol(level);
    MPI.Pcontrol(1);
  }
}

export class TestWorldAttrs extends TestCase {
  testWTimeIsGlobal(): void {
    const wtg = MPI.COMM_WORLD.Get_attr(MPI.WTIME_IS_GLOBAL);
    if (wtg !== null) this.assertIn(wtg, [true, false]);
  }

  testIOProcessor(): void {
    const size = MPI.COMM_WORLD.Get_size();
    const vals: number[] = Array.from({ length: size }, (_, i) => i);
    vals.push(MPI.UNDEFINED, MPI.ANY_SOURCE, MPI.PROC_NULL);
    const ioproc = MPI.COMM_WORLD.Get_attr(MPI.IO);
    if (ioproc !== null) this.assertIn(ioproc, vals);
  }

  testAppNum(): void {
    const appnum = MPI.COMM_WORLD.Get_attr(MPI.APPNUM);
    if (appnum !== null) this.assertTrue(appnum === MPI.UNDEFINED || appnum >= 0);
  }

  testUniverseSize(): void {
    const univsz = MPI.COMM_WORLD.Get_attr(MPI.UNIVERSE_SIZE);
    if (univsz !== null) this.assertTrue(univsz === MPI.UNDEFINED || univsz >= 0);
  }

  testLastUsedCode(): void {
    const lastuc = MPI.COMM_WORLD.Get_attr(MPI.LASTUSEDCODE);
    if (lastuc === null) throw new Error('assert lastuc is not None');
    this.assertTrue(Number.isInteger(lastuc));
    this.assertGreaterEqual(lastuc, 0);
  }
}
