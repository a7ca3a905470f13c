// Port of gather.py (seed 001, section 5.3.3.1 "Gather Python Objects"):
// every rank has (rank + 1)**2 and rank 0 gathers them into a list with the
// lower-case (object) gather; the other ranks get None.
// Run with: npx mpi4ts -n 4 examples/gather.ts
// (The seed's listed output drops the colons its code prints; this follows
// the code.)
import { MPI } from 'mpi4ts';
import { pyStr } from './lib/pyformat.ts';

// Communicator
const comm = MPI.COMM_WORLD;

// Number of processes in the communicator group
const size = comm.Get_size();
void size; // the seed reads it but does not use it

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Each process gets different data, depending on its rank number
const data = (rank + 1) ** 2;

// Print data in each process
console.log(`before gathering, data on rank ${rank} is: ${pyStr(data)}`);

// Gathering occurs
const gathered = comm.gather(data, 0);

// Process 0 prints out the gathered data, rest of the processes
// print their data as well
if (rank === 0) {
  console.log(`after gathering, process 0's data is: ${pyStr(gathered)}`);
} else {
  console.log(`after gathering, data in rank ${rank} is: ${pyStr(gathered)}`);
}
