// Port of send_receive.py (seed 001, section 5.2.2.1 "Send and Receive
// Python Objects"): rank 0 sends the integer 42 to rank 1; every rank prints
// what it holds (Python's None is printed as null).
// Run with: npx mpi4ts -n 4 examples/send_receive.ts
import { MPI } from 'mpi4ts';

// Communicator
const comm = MPI.COMM_WORLD;

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Variable to receive the data
let data: number | null = null;

// Process with rank 0 sends data to process with rank 1
if (rank === 0) {
  comm.send(42, { dest: 1 });
}

// Process with rank 1 receives and stores data
if (rank === 1) {
  data = comm.recv<number>({ source: 0 });
}

// Each process in the communicator group prints its data
console.log(`After send/receive, the value in process ${rank} is ${data}`);
