// Port of send_receive_buffer.py (seed 001, section 5.2.2.2 "Send and Receive
// Python Memory Objects"): rank 0 sends the buffer [1 2 3 4 5] to rank 1 with
// the upper-case (memory) Send/Recv; every rank prints its buffer as NumPy
// would. The NumPy int arrays become Int32Array, matching MPI.INT.
// Run with: npx mpi4ts -n 4 examples/send_receive_buffer.ts
import { MPI } from 'mpi4ts';
import { npArray } from './lib/pyformat.ts';

// Communicator
const comm = MPI.COMM_WORLD;

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Create empty buffer to receive data (np.zeros(5, dtype=int))
const buf = new Int32Array(5);

// Process with rank 0 sends data to process with rank 1
if (rank === 0) {
  const data = Int32Array.from({ length: 5 }, (_, i) => i + 1); // np.arange(1, 6)
  comm.Send([data, MPI.INT], { dest: 1 });
}

// Process with rank 1 receives and stores data
if (rank === 1) {
  comm.Recv([buf, MPI.INT], { source: 0 });
}

// Each process in the communicator group prints the content of its buffer
console.log(`After Send/Receive, the value in process ${rank} is ${npArray(buf)}`);
