/**
 * Port of mpi4py's test/test_toplevel.py: the `mpi4py` package's own names
 * (`mpi4py.rc`, `get_include`, `get_config`, `profile`).
 *
 * None has a counterpart a rank can call, so every case is skipped here with
 * its reason, and the mpi4ts test that covers what does apply is named:
 * - `mpi4py.rc`: mpi4ts has no rc object; the same options (initialize,
 *   threads, thread_level, finalize, fast_reduce, recv_mprobe, irecv_bufsz,
 *   errors) are given before the ranks start (`mpi4ts -rc key=value,...` or
 *   MPI4TS_RC), because the MPI module initialises when it loads. An unknown
 *   option is refused naming the options (mpi4py's TypeError for
 *   `rc(ABCXYZ=123456)`): test/spmd/rc.test.ts and test/unit/cli_args.test.ts.
 * - `get_include`, `get_config`, `profile`: see the TestConfig and
 *   TestProfile reasons (docs/mpi4py-differences.md).
 */
import { TestCase } from './unittest.ts';

const NO_RC = 'mpi4ts has no rc object: the options are set before a rank starts (mpi4ts -rc / MPI4TS_RC) and checked by test/spmd/rc.test.ts, test/unit/cli_args.test.ts';

export class TestRC extends TestCase {
  static override skip = NO_RC;

  testCallKwArgs(): void {}

  testInitKwArgs(): void {}

  testBadAttribute(): void {}

  testRepr(): void {}
}

export class TestConfig extends TestCase {
  static override skips = {
    testGetInclude: 'mpi4ts ships no C headers: its API is JavaScript only, no C or Cython extension builds against it',
    testGetConfig: 'mpi4ts builds no extension with mpicc: the native transport picks its MPI library at run time (MPI4TS_MPI); `mpi4ts info` lists the libraries (test/unit/package.test.ts)',
  };

  testGetInclude(): void {}

  testGetConfig(): void {}
}

export class TestProfile extends TestCase {
  static override skip = 'mpi4ts has no mpi4py.profile: the embedded transport has no PMPI layer to put a profiling library under, and the native addon links its MPI library when it loads; `mpi4ts --trace` is its own profiler (test/spmd/trace.test.ts)';

  testProfile(): void {}
}
