// Port of mpi-manager.py (seed 001, section 5.4.1 "Dynamic Process
// Management with spawn"): the manager starts worker processes with
// MPI.COMM_SELF.Spawn, broadcasts the number of intervals to them, and
// collects their partial sums of the integral of 4 / (1 + x^2) over [0, 1],
// which is pi.
//
// Run with: npx mpi4ts -n 1 --usize 3 examples/mpi-manager.ts
// (or from examples/: npx mpi4ts -n 1 mpi-manager.ts, as the seed runs it)
//
// The seed spawns psutil.cpu_count(logical=False) - 1 workers, one per
// remaining physical core. Node.js does not tell physical from logical cores,
// so the manager fills the universe instead: MPI.UNIVERSE_SIZE - 1 workers,
// where the universe is --usize, or by default the number of cores (as under
// Open MPI's mpiexec), which is the seed's count on a machine without SMT.
// The seed passes sys.executable and ['mpi-worker.py'] (found in the current
// directory); here process.execPath and the worker next to this file.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MPI } from 'mpi4ts';
import { pyFloat } from './lib/pyformat.ts';

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mpi-worker.ts');
const universe = MPI.COMM_WORLD.Get_attr(MPI.UNIVERSE_SIZE) as number;

const comm = MPI.COMM_SELF.Spawn(process.execPath,
  [worker],
  Math.max(1, universe - 1));

const N = Int32Array.of(100);
comm.Bcast([N, MPI.INT], MPI.ROOT);
const PI = Float64Array.of(0.0);
comm.Reduce(null, [PI, MPI.DOUBLE],
  MPI.SUM, MPI.ROOT);
console.log(pyFloat(PI[0]!));
comm.Disconnect();
