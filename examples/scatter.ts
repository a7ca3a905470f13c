// Port of scatter.py (seed 001, section 5.3.2.1 "Scatter Python Objects"):
// rank 0 makes the list [1, 4, 9, ...] of (i + 1)**2, one item per rank, and
// scatters it with the lower-case (object) scatter.
// Run with: npx mpi4ts -n 4 examples/scatter.ts
// (The seed's listed output reads "data for rank 2 is 9"; its code, ported
// here, prints "after scattering, data on rank 2 is: 9".)
import { MPI } from 'mpi4ts';
import { pyStr } from './lib/pyformat.ts';

// Communicator
const comm = MPI.COMM_WORLD;

// Number of processes in the communicator group
const size = comm.Get_size();

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Process with rank 0 gets a list with the data to be scattered
let data: number[] | number | null;
if (rank === 0) {
  data = Array.from({ length: size }, (_, i) => (i + 1) ** 2);
} else {
  data = null;
}

// Print data in each process before scattering
console.log(`before scattering, data on rank ${rank} is: ${pyStr(data)}`);

// Scattering occurs
data = comm.scatter(data as number[] | null, 0);

// Print data in each process after scattering
console.log(`after scattering, data on rank ${rank} is: ${pyStr(data)}`);
