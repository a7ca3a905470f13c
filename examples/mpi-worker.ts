// Port of mpi-worker.py (seed 001, section 5.4.1): a worker started by
// examples/mpi-manager.ts. It receives the number of intervals N from the
// manager, sums the midpoint rule of 4 / (1 + x^2) over its share of the
// intervals (every size-th one, from its rank), and reduces its part to the
// manager.
import { MPI } from 'mpi4ts';

const comm = MPI.Comm.Get_parent();
const size = comm.Get_size();
const rank = comm.Get_rank();

const N = Int32Array.of(0);
comm.Bcast([N, MPI.INT], 0);
const h = 1.0 / N[0]!; let s = 0.0;
for (let i = rank; i < N[0]!; i += size) {
  const x = h * (i + 0.5);
  s += 4.0 / (1.0 + x ** 2);
}
const PI = Float64Array.of(s * h);
comm.Reduce([PI, MPI.DOUBLE], null,
  MPI.SUM, 0);

comm.Disconnect();
