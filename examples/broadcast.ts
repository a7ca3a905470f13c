// Port of broadcast.py (seed 001, section 5.3.1.1 "Broadcast of a Python
// Object"): rank 0 makes a two-entry dictionary and broadcasts it with the
// lower-case (object) bcast; every rank prints its data before and after.
// Run with: npx mpi4ts -n 4 examples/broadcast.ts
import { MPI } from 'mpi4ts';
import { pyStr } from './lib/pyformat.ts';

// Set up the MPI Communicator
const comm = MPI.COMM_WORLD;

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

let data: { size: number[]; name: string[] } | null;
if (rank === 0) { // Process with rank 0 gets the data to be broadcast
  data = { size: [1, 3, 8],
    name: ['disk1', 'disk2', 'disk3'] };
} else { // Other processes' data is empty
  data = null;
}

// Print data in each process
console.log(`before broadcast, data on rank ${rank} is: ${pyStr(data)}`);

// Data from process with rank 0 is broadcast to other processes in our
// communicator group
data = comm.bcast(data, 0);

// Print data in each process after broadcast
console.log(`after broadcast, data on rank ${rank} is: ${pyStr(data)}`);
