/**
 * Port of mpi4py's test/test_threads.py. A rank is one JavaScript thread
 * (a worker thread of the launcher's process on the embedded transport, the
 * process's main thread natively), and that thread is the rank's MPI main
 * thread: Is_thread_main() is true there, as for Python's "MainThread".
 * Python's itertools.pairwise is a loop over neighbours.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

export class TestMPIThreads extends TestCase {
  static override skips: Record<string, string> = {
    testIsThreadMainInThread: "a rank's MPI lives in its one JavaScript thread; other threads (worker_threads) share no objects with it, so none can call this rank's MPI",
  };

  testThreadLevels(): void {
    const levels = [
      MPI.THREAD_SINGLE,
      MPI.THREAD_FUNNELED,
      MPI.THREAD_SERIALIZED,
      MPI.THREAD_MULTIPLE,
    ];
    for (let i = 0; i + 1 < levels.length; i++) {
      this.assertLess(levels[i]!, levels[i + 1]!);
    }
    const provided = MPI.Query_thread();
    this.assertIn(provided, levels);
  }

  testIsThreadMain(): void {
    const flag = MPI.Is_thread_main();
    // The rank's own thread is its main thread (Python: name == "MainThread").
    const main = true;
    this.assertEqual(flag, main);
  }

  testIsThreadMainInThread(): void {
    MPI.Query_thread();
    this.testIsThreadMain();
  }
}
