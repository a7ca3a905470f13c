// Port of npbcast.py (seed 001, section 5.3.1.2 "Broadcast of a Memory
// Object"): rank 0 fills an int array with 0..9 and broadcasts it with the
// upper-case (buffer) Bcast into every rank's array of zeros. The NumPy
// arrays of dtype 'i' become Int32Array (MPI.INT), printed as NumPy would.
// Run with: npx mpi4ts -n 4 examples/broadcast_buffer.ts
import { MPI } from 'mpi4ts';
import { npStr } from './lib/pyformat.ts';

// Communicator
const comm = MPI.COMM_WORLD;

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

let data: Int32Array;
// Rank 0 gets a NumPy array containing values from 0 to 9
if (rank === 0) {
  data = Int32Array.from({ length: 10 }, (_, i) => i); // np.arange(0, 10, 1, dtype='i')
} else {
  // Rest of the processes get an empty buffer
  data = new Int32Array(10); // np.zeros(10, dtype='i')
}

// Print data in each process before broadcast
console.log(`before broadcasting, data for rank ${rank} is: ${npStr(data)}`);

// Broadcast occurs
comm.Bcast(data, 0);

// Print data in each process after broadcast
console.log(`after broadcasting, data for rank ${rank} is: ${npStr(data)}`);
