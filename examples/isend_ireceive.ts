// Port of isend_ireceive.py (seed 001, section 5.2.2.3 "Non-blocking Send and
// Receive"): rank 0 starts sending 42 to rank 1 with isend and waits for it;
// rank 1 starts receiving with irecv and waits for the value. Python's None
// is printed as null.
// Run with: npx mpi4ts -n 4 examples/isend_ireceive.ts
import { MPI } from 'mpi4ts';

// Communicator
const comm = MPI.COMM_WORLD;

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Variable to receive the data
let data: number | null = null;

// Process with rank 0 sends data to process with rank 1
if (rank === 0) {
  const send = comm.isend(42, { dest: 1 });
  send.wait();
}

// Process with rank 1 receives and stores data
if (rank === 1) {
  const receive = comm.irecv({ source: 0 });
  data = receive.wait<number>();
}

// Each process in the communicator group prints its data
console.log(`After isend/ireceive, the value in process ${rank} is ${data}`);
